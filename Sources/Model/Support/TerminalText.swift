// Text from outside (a service's msg, desc, prompts or URLs, a file) made
// safe to print on a terminal: escape sequences are dropped whole and other
// control characters removed, so nothing the service says can retitle,
// clear or reprogram the user's terminal (issue 8).
//
// Issue 23: on the command line a service could also forge zqt's own lines
// (a task_id holding "\nimage 1/1: … saved to …"), turn the rest of a line
// around (U+202E) or pile marks on one character. `line` is for a field that
// is one line (ids, URLs, statuses, messages, descriptions): a line break or
// carriage return is shown as ␤ or ␍; `serviceLines` is for a text that has
// lines of its own (a caption): each line is kept, marked as the service's.
// Both name bidi controls as the screen does (⟨U+202E⟩, TextWidth.visibleForm)
// and keep at most `maximumMarks` combining marks on a character.

public enum TerminalText {
    /// A line break in a one-line field, shown (U+2424 SYMBOL FOR NEWLINE).
    public static let lineBreakMark = "\u{2424}"
    /// A carriage return in any field, shown (U+240D SYMBOL FOR CARRIAGE RETURN):
    /// sent as it is, it would move the cursor back over zqt's own words.
    public static let carriageReturnMark = "\u{240D}"
    /// What starts every line of a service's multi-line text on the command line.
    public static let serviceLineMark = "  \u{2502} "
    /// Combining marks kept on one character; more are dropped and said by `extraMarks`.
    public static let maximumMarks = 4
    public static let extraMarks = "⟨…⟩"

    /// Keeps line breaks and tabs; drops escape sequences and other controls (issue 8).
    public static func printable(_ text: String) -> String {
        filtered(text, lineBreak: "\n", carriageReturn: nil, visible: false)
    }

    /// One line for a one-line field: nothing in it can start another line,
    /// move the cursor back or turn the line around.
    public static func line(_ text: String) -> String {
        filtered(text, lineBreak: lineBreakMark, carriageReturn: carriageReturnMark, visible: true)
    }

    /// A service's text of several lines, each line marked as its (`serviceLineMark`).
    public static func serviceLines(_ text: String) -> [String] {
        filtered(text, lineBreak: "\n", carriageReturn: carriageReturnMark, visible: true)
            .split(separator: "\n", omittingEmptySubsequences: false).map { serviceLineMark + $0 }
    }

    /// A bidi control: it turns the text after it around (U+202A–202E, U+2066–2069),
    /// or marks a direction (U+200E, U+200F, U+061C).
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
            || scalar.value == 0x200E || scalar.value == 0x200F || scalar.value == 0x061C
    }

    /// "⟨U+202E⟩", as the screen names what it does not draw.
    public static func named(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "⟨U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "⟩"
    }

    private static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark: return true
        default: return false
        }
    }

    private static func filtered(_ text: String, lineBreak: String, carriageReturn: String?, visible: Bool) -> String {
        var out = String.UnicodeScalarView()
        var marks = 0
        var scalars = text.unicodeScalars.makeIterator()
        func append(_ string: String) { out.append(contentsOf: string.unicodeScalars) }
        while let scalar = scalars.next() {
            if visible, isCombiningMark(scalar) {
                marks += 1
                if marks <= maximumMarks { out.append(scalar) } else if marks == maximumMarks + 1 { append(extraMarks) }
                continue
            }
            marks = 0
            switch scalar.value {
            case 0x1B:  // ESC: skip the whole sequence.
                guard let kind = scalars.next() else { break }
                switch kind {
                case "[":  // CSI: parameters up to a final byte 0x40–0x7E.
                    while let next = scalars.next(), !(0x40...0x7E).contains(next.value) {}
                case "]", "P", "_", "^", "X":  // OSC, DCS, APC, PM, SOS: up to BEL or ESC \.
                    while let next = scalars.next() {
                        if next.value == 0x07 { break }
                        if next.value == 0x1B { _ = scalars.next(); break }
                    }
                default:
                    break  // a two-character sequence: both dropped
                }
            case 0x0A:
                append(lineBreak)
            case 0x0D:
                if let carriageReturn { append(carriageReturn) }
            case 0x09:
                out.append(scalar)
            case 0x00...0x1F, 0x7F, 0x80...0x9F:
                break  // other C0 and C1 controls
            default:
                if visible, isBidiControl(scalar) { append(named(scalar)) } else { out.append(scalar) }
            }
        }
        return String(out)
    }
}
