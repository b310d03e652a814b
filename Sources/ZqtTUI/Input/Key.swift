// A key press, decoded from ncurses by the backend and named here so the
// reducer and tests never see terminal codes.

enum Key: Hashable, Sendable {
    case char(Character)
    /// Ctrl plus a letter, lower-case: `.ctrl("s")`.
    case ctrl(Character)
    /// Alt (or Esc then the key) plus a character.
    case alt(Character)
    case enter
    case tab
    case backTab
    case escape
    case backspace
    case delete
    case up, down, left, right
    case shiftUp, shiftDown, shiftLeft, shiftRight
    case ctrlLeft, ctrlRight
    case home, end
    case pageUp, pageDown
    case function(Int)
    case resize

    /// How the key is written in the footer, help and README.
    var label: String {
        switch self {
        case let .char(c): return c == " " ? "Space" : String(c)
        case let .ctrl(c): return "Ctrl-" + String(c).uppercased()
        case let .alt(c): return "Alt-" + String(c)
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .shiftUp: return "Shift-↑"
        case .shiftDown: return "Shift-↓"
        case .shiftLeft: return "Shift-←"
        case .shiftRight: return "Shift-→"
        case .ctrlLeft: return "Ctrl-←"
        case .ctrlRight: return "Ctrl-→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case let .function(n): return "F\(n)"
        case .resize: return "resize"
        }
    }
}
