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
        // Runs that need no escape are copied whole, as slices of the string
        // (no UTF-8 check, no copy in between), found by a scan of its bytes:
        // a megabyte prompt printed for a draft's save cost 12 ms scanned a
        // UTF8View index at a time and each run decoded again (issue 18).
        // Only `"`, `\` and C0 controls are escaped, all ASCII, so runs end on
        // scalar boundaries.
        let total = s.utf8.count
        if total > 64 { out.reserveCapacity(out.utf8.count + total + 2) }
        let scanned: Bool? = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte == 0x22 || byte == 0x5C || byte < 0x20 else { continue }
                if runStart != index { out += slice(of: s, runStart..<index) }
                out += escape(byte)
                runStart = index + 1
            }
            if runStart != bytes.count { out += slice(of: s, runStart..<bytes.count) }
            return true
        }
        if scanned == nil {
            // A string not stored as contiguous UTF-8 (bridged): a scalar at a time.
            for scalar in s.unicodeScalars {
                if scalar.value == 0x22 || scalar.value == 0x5C || scalar.value < 0x20 {
                    out += escape(UInt8(truncatingIfNeeded: scalar.value))
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Bytes `range` of `s`, which start and end on scalar boundaries.
    private static func slice(of s: String, _ range: Range<Int>) -> Substring {
        let utf8 = s.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let end = utf8.index(start, offsetBy: range.count)
        return s[start..<end]
    }

    /// The escape of one of the bytes JSON requires escaped.
    private static func escape(_ byte: UInt8) -> String {
        switch byte {
        case 0x22: return "\\\""
        case 0x5C: return "\\\\"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x08: return "\\b"
        case 0x0C: return "\\f"
        default:
            let hex = String(byte, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
}
