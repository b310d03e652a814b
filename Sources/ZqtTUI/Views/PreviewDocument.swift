// The preview's JSON as lines, printed as JSONWriter.pretty prints it (the
// same bytes: the wire's printer is the reference, and a test holds the two
// together), except that a long string is kept as it is and escaped only as
// far as a row of it is shown (issue 18): a megabyte prompt is one line of
// thousands of rows, of which a screenful is drawn.

import Model

struct PreviewDocument: Sendable {
    /// One line of the JSON: `head`, then a long string (quoted and escaped
    /// when shown), then `tail` (the comma before the next member).
    struct Line: Sendable {
        var head = ""
        var long: String?
        var tail = ""

        /// The line as printed, whole.
        var text: String {
            guard let long else { return head }
            var out = head
            JSONWriter.writeString(long, into: &out)
            return out + tail
        }
    }

    /// Strings longer than this (in UTF-8 bytes) are escaped as far as they are shown.
    static let longString = 4096

    private(set) var lines: [Line] = []
    /// Each wire path's lines (as JSONWriter.prettyWithSpans gives them).
    private(set) var spans: [String: ClosedRange<Int>] = [:]
    private var current = Line()

    init(_ value: JSONValue) {
        write(value, indent: 0, path: "")
        lines.append(current)
    }

    private mutating func append(_ text: String) {
        if current.long == nil { current.head += text } else { current.tail += text }
    }

    private mutating func write(_ value: JSONValue, indent: Int, path: String) {
        let firstLine = lines.count
        switch value {
        case .null: append("null")
        case let .bool(b): append(b ? "true" : "false")
        case let .int(i): append(String(i))
        case let .double(d): append(JSONWriter.formatNumber(d))
        case let .string(s):
            if s.utf8.count > Self.longString, current.long == nil {
                current.long = s
            } else {
                var out = ""
                JSONWriter.writeString(s, into: &out)
                append(out)
            }
        case let .array(items):
            if items.isEmpty { append("[]"); break }
            append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { append(",") }
                newline(indent + 1)
                write(item, indent: indent + 1, path: path + "[\(index)]")
            }
            newline(indent)
            append("]")
        case let .object(members):
            if members.isEmpty { append("{}"); break }
            append("{")
            for (index, member) in members.enumerated() {
                if index > 0 { append(",") }
                newline(indent + 1)
                var key = ""
                JSONWriter.writeString(member.key, into: &key)
                append(key + ": ")
                write(member.value, indent: indent + 1, path: path.isEmpty ? member.key : path + "." + member.key)
            }
            newline(indent)
            append("}")
        }
        if !path.isEmpty { spans[path] = firstLine...lines.count }
    }

    private mutating func newline(_ indent: Int) {
        lines.append(current)
        current = Line(head: String(repeating: "  ", count: indent))
    }

    // MARK: Rows

    /// How many screen rows line `index` takes at `width` (PreviewView.wrap).
    /// Printable ASCII takes one cell a character, so its rows are counted
    /// from its length, without laying it out; other text is laid out.
    func rowCount(_ index: Int, width: Int) -> Int {
        let line = lines[index]
        if let rows = Self.asciiRowCount(line, width: width) { return rows }
        return PreviewView.rowRanges(Array(line.text), width: width).count
    }

    /// PreviewView.rowRanges's rows of a printable ASCII line, counted as
    /// its escaped bytes stream past (one cell each), never laid out: a row
    /// that must be cut ends after its last space past the indent, not after a colon.
    /// Nil when the line is not all printable ASCII once escaped (then it is laid out).
    private static func asciiRowCount(_ line: Line, width: Int) -> Int? {
        func printable(_ text: String) -> Bool { text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
        guard printable(line.head), line.long == nil || printable(line.tail) else { return nil }
        let leading = line.head.utf8.prefix { $0 == 0x20 }.count
        let first = max(1, width), next = max(4, width - (leading + 2))
        var rows = 1, start = 0, available = first, lastSpace = -1, position = 0
        var previous: UInt8 = 0
        func take(_ byte: UInt8) {
            if position >= start + available {
                // The row is full at this byte: cut before it when it is a space, else after the row's last space.
                if byte != 0x20, lastSpace > start, lastSpace >= leading { start = lastSpace + 1 } else { start = position }
                rows += 1
                available = next
                // What was carried over holds no space: cut by width alone until this byte fits.
                while position >= start + available { start += available; rows += 1 }
                lastSpace = -1
            }
            if byte == 0x20, position > start, previous != 0x3A { lastSpace = position }
            previous = byte
            position += 1
        }
        for byte in line.head.utf8 { take(byte) }
        guard let long = line.long else { return rows }
        take(0x22)
        for byte in long.utf8 {
            switch byte {
            case 0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x08, 0x0C: take(0x5C); take(0x6E)
            case ..<0x20: for _ in 0..<6 { take(0x75) }
            case 0x7F...: return nil
            default: take(byte)
            }
        }
        take(0x22)
        for byte in line.tail.utf8 { take(byte) }
        return rows
    }

    /// The characters of line `index`, enough of them for its first `rows`
    /// rows at `width`, with those rows (all of them when the line is shorter).
    func rows(_ index: Int, width: Int, upTo rows: Int) -> (characters: [Character], rows: [(range: Range<Int>, pad: Int)]) {
        let line = lines[index]
        guard let long = line.long else {
            let characters = Array(line.head)
            return (characters, PreviewView.rowRanges(characters, width: width, limit: rows))
        }
        var length = max(256, (rows + 1) * (max(width, 4) + 1) * 2)
        while true {
            let prefix = long.prefix(length)
            let whole = prefix.endIndex == long.endIndex
            var text = line.head
            JSONWriter.writeString(String(prefix), into: &text)
            if whole {
                text += line.tail
            } else {
                text.removeLast()  // the closing quote comes after the rest
            }
            let characters = Array(text)
            let ranges = PreviewView.rowRanges(characters, width: width, limit: whole ? rows : rows + 1)
            // Rows closed before the cut are exactly the whole line's.
            if whole || ranges.count > rows { return (characters, Array(ranges.prefix(rows))) }
            length *= 2
        }
    }
}
