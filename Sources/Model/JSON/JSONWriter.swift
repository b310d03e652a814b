// The one JSON printer: the preview shows its output and the client sends it.
//
// Deterministic: the same value always gives the same bytes. Pretty-printed
// with two-space indents; numbers that are whole print without a fraction
// (11, not 11.0), as the documented example writes them.

public enum JSONWriter {
    public static func pretty(_ value: JSONValue) -> String {
        var printer = Printer(pretty: true, recordSpans: false)
        printer.write(value, indent: 0, path: "")
        return printer.out
    }

    public static func compact(_ value: JSONValue) -> String {
        var printer = Printer(pretty: false, recordSpans: false)
        printer.write(value, indent: 0, path: "")
        return printer.out
    }

    /// The pretty text (exactly `pretty(value)`) and, for every member and
    /// element, the lines it occupies, keyed by wire path
    /// (`alwayson_scripts.controlnet.args[0].weight`). The preview uses this
    /// to highlight the field being edited.
    public static func prettyWithSpans(_ value: JSONValue) -> (text: String, spans: [String: ClosedRange<Int>]) {
        var printer = Printer(pretty: true, recordSpans: true)
        printer.write(value, indent: 0, path: "")
        return (printer.out, printer.spans)
    }

    private struct Printer {
        let pretty: Bool
        let recordSpans: Bool
        var out = ""
        var line = 0
        var spans: [String: ClosedRange<Int>] = [:]

        init(pretty: Bool, recordSpans: Bool) {
            self.pretty = pretty
            self.recordSpans = recordSpans
        }

        mutating func write(_ value: JSONValue, indent: Int, path: String) {
            let firstLine = line
            switch value {
            case .null: out += "null"
            case let .bool(b): out += b ? "true" : "false"
            case let .int(i): out += String(i)
            case let .double(d): out += formatNumber(d)
            case let .string(s): writeString(s, into: &out)
            case let .array(items):
                if items.isEmpty { out += "[]"; break }
                out += "["
                for (index, item) in items.enumerated() {
                    if index > 0 { out += "," }
                    if pretty { newline(indent + 1) }
                    write(item, indent: indent + 1, path: path + "[\(index)]")
                }
                if pretty { newline(indent) }
                out += "]"
            case let .object(members):
                if members.isEmpty { out += "{}"; break }
                out += "{"
                for (index, member) in members.enumerated() {
                    if index > 0 { out += "," }
                    if pretty { newline(indent + 1) }
                    writeString(member.key, into: &out)
                    out += pretty ? ": " : ":"
                    write(member.value, indent: indent + 1, path: path.isEmpty ? member.key : path + "." + member.key)
                }
                if pretty { newline(indent) }
                out += "}"
            }
            if recordSpans, !path.isEmpty { spans[path] = firstLine...line }
        }

        private mutating func newline(_ indent: Int) {
            out += "\n"
            out += String(repeating: "  ", count: indent)
            line += 1
        }
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
        // Runs that need no escape are copied whole (a megabyte prompt was
        // appended a scalar at a time, a third of a frame): only `"`, `\` and
        // C0 controls are escaped, all ASCII, so runs end on scalar boundaries.
        let utf8 = s.utf8
        var runStart = utf8.startIndex
        var i = runStart
        while i != utf8.endIndex {
            let byte = utf8[i]
            guard byte == 0x22 || byte == 0x5C || byte < 0x20 else {
                i = utf8.index(after: i)
                continue
            }
            if runStart != i { out += String(decoding: utf8[runStart..<i], as: UTF8.self) }
            switch byte {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            default:
                let hex = String(byte, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
            i = utf8.index(after: i)
            runStart = i
        }
        if runStart != utf8.endIndex { out += String(decoding: utf8[runStart...], as: UTF8.self) }
        out += "\""
    }
}
