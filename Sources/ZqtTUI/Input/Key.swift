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
    /// Ctrl-Shift-←/→: select by word.
    case ctrlShiftLeft, ctrlShiftRight
    case ctrlUp, ctrlDown
    case home, end
    case shiftHome, shiftEnd
    /// Ctrl-Home/End: the start and end of the whole text, not the line.
    case ctrlHome, ctrlEnd
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
        case .ctrlShiftLeft: return "Ctrl-Shift-←"
        case .ctrlShiftRight: return "Ctrl-Shift-→"
        case .ctrlUp: return "Ctrl-↑"
        case .ctrlDown: return "Ctrl-↓"
        case .home: return "Home"
        case .end: return "End"
        case .shiftHome: return "Shift-Home"
        case .shiftEnd: return "Shift-End"
        case .ctrlHome: return "Ctrl-Home"
        case .ctrlEnd: return "Ctrl-End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case let .function(n): return "F\(n)"
        case .resize: return "resize"
        }
    }
}

extension Key {
    /// Every key a config file may name, by label (Key.named).
    private static let nameable: [Key] = {
        var keys: [Key] = [.enter, .tab, .backTab, .escape, .backspace, .delete, .up, .down, .left, .right,
                           .shiftUp, .shiftDown, .shiftLeft, .shiftRight, .ctrlLeft, .ctrlRight, .ctrlShiftLeft, .ctrlShiftRight, .ctrlUp, .ctrlDown,
                           .home, .end, .shiftHome, .shiftEnd, .ctrlHome, .ctrlEnd, .pageUp, .pageDown, .char(" ")]
        keys += (1...12).map { Key.function($0) }
        for value in UInt8(ascii: "a")...UInt8(ascii: "z") {
            keys.append(.ctrl(Character(Unicode.Scalar(value))))
        }
        for value in UInt8(ascii: "!")...UInt8(ascii: "~") {
            keys.append(.alt(Character(Unicode.Scalar(value))))
        }
        return keys
    }()

    /// Words for the arrows besides the footer's symbols.
    private static let aliases: [String: Key] = [
        "up": .up, "down": .down, "left": .left, "right": .right, "escape": .escape, "delete": .delete,
        "return": .enter, "pageup": .pageUp, "pagedown": .pageDown, "shift-up": .shiftUp, "shift-down": .shiftDown,
        "shift-left": .shiftLeft, "shift-right": .shiftRight, "ctrl-left": .ctrlLeft, "ctrl-right": .ctrlRight,
        "ctrl-up": .ctrlUp, "ctrl-down": .ctrlDown, "ctrl-shift-left": .ctrlShiftLeft, "ctrl-shift-right": .ctrlShiftRight,
    ]

    /// A key from its name in a config file, written as the footer writes it
    /// ("F6", "Ctrl-x", "Alt-k", "Enter", "PgUp", "Space", "x"); names are
    /// not case sensitive except a lone character and Alt's. Nil for any
    /// other text.
    static func named(_ name: String) -> Key? {
        if name.count == 1, let c = name.first, !c.isWhitespace, !(c.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false),
           !c.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .char(c)
        }
        if name.lowercased().hasPrefix("alt-"), name.count == 5, let c = name.last {
            return nameable.first { $0 == .alt(c) }
        }
        let lower = name.lowercased()
        if let alias = aliases[lower] { return alias }
        return nameable.first { $0.label.lowercased() == lower }
    }
}
