// The one JSON printer: the preview shows its output and the client sends it.
//
// Deterministic: the same value always gives the same bytes. Pretty-printed
// with two-space indents; numbers that are whole print without a fraction
// (11, not 11.0), as the documented example writes them.

public enum JSONWriter {
    public static func pretty(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, pretty: true, into: &out)
        return out
    }

    public static func compact(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, pretty: false, into: &out)
        return out
    }

    public static func prettyData(_ value: JSONValue) -> [UInt8] {
        Array(pretty(value).utf8)
    }

    static func write(_ value: JSONValue, indent: Int, pretty: Bool, into out: inout String) {
        switch value {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .int(i): out += String(i)
        case let .double(d): out += formatNumber(d)
        case let .string(s): writeString(s, into: &out)
        case let .array(items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                if pretty { newline(indent + 1, into: &out) }
                write(item, indent: indent + 1, pretty: pretty, into: &out)
            }
            if pretty { newline(indent, into: &out) }
            out += "]"
        case let .object(members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                if pretty { newline(indent + 1, into: &out) }
                writeString(member.key, into: &out)
                out += pretty ? ": " : ":"
                write(member.value, indent: indent + 1, pretty: pretty, into: &out)
            }
            if pretty { newline(indent, into: &out) }
            out += "}"
        }
    }

    private static func newline(_ indent: Int, into out: inout String) {
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    /// Whole numbers without a fraction; others in Swift's shortest
    /// round-tripping form (0.55, not 0.55000000000000004).
    public static func formatNumber(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 {
            return String(Int64(d))
        }
        return String(d)
    }

    public static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
