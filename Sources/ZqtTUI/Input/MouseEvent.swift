// A mouse event as the terminal reports it in SGR form (xterm's mode 1006:
// ESC [ < button ; column ; row M for a press, m for a release), named so the
// router and tests never see bytes (issue 19). zqt asks only for button
// events (mode 1000): no motion is reported, and terminals keep Shift-drag
// for their own text selection.

struct MouseEvent: Equatable, Sendable {
    enum Button: Equatable, Sendable {
        case left, middle, right
        case wheelUp, wheelDown
        /// Wheel left/right and extra buttons: reported, used for nothing.
        case other(Int)
    }

    var button: Button
    /// The cell, from 0 at the top left (SGR counts from 1).
    var x: Int
    var y: Int
    /// A press (M), or a release (m).
    var pressed: Bool
    var shift = false
    var alt = false
    var ctrl = false
    /// Movement with a button held (mode 1002), not a press.
    var motion = false

    /// The event SGR parameters describe, nil when they describe none (a
    /// cell before 1,1, or numbers beyond any screen).
    static func sgr(_ code: Int, column: Int, row: Int, final: UInt8) -> MouseEvent? {
        guard column >= 1, row >= 1, column <= maxCoordinate, row <= maxCoordinate, code >= 0, code <= 255,
              final == UInt8(ascii: "M") || final == UInt8(ascii: "m") else { return nil }
        let low = code & 3
        let button: Button
        if code & 64 != 0 {
            button = code & 128 != 0 ? .other(8 + low) : [Button.wheelUp, .wheelDown, .other(6), .other(7)][low]
        } else if code & 128 != 0 {
            button = .other(8 + low)
        } else {
            button = [Button.left, .middle, .right, .other(3)][low]
        }
        return MouseEvent(button: button, x: column - 1, y: row - 1, pressed: final == UInt8(ascii: "M"),
                          shift: code & 4 != 0, alt: code & 8 != 0, ctrl: code & 16 != 0, motion: code & 32 != 0)
    }

    /// No terminal is wider or taller than this; a larger number is noise.
    static let maxCoordinate = 10_000
}

/// The terminal's mouse modes zqt turns on and off (issue 19): button
/// events (1000) in SGR form (1006). Never 1003 (every movement), which
/// would write to zqt while the pointer merely passes over it.
enum MouseReporting {
    static let on = "\u{1B}[?1000h\u{1B}[?1006h"
    static let off = "\u{1B}[?1006l\u{1B}[?1000l"
}
