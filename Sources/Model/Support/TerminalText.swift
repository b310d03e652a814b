// Text from outside (a service's msg, desc, prompts or URLs, a file) made
// safe to print on a terminal: escape sequences are dropped whole and other
// control characters removed, so nothing the service says can retitle,
// clear or reprogram the user's terminal (issue 8). Line breaks and tabs stay.

public enum TerminalText {
    public static func printable(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
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
            case 0x0A, 0x09:
                out.append(scalar)
            case 0x00...0x1F, 0x7F, 0x80...0x9F:
                break  // other C0 and C1 controls
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }
}
