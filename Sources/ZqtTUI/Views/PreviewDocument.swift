// The preview's JSON as lines, printed as JSONWriter.pretty prints it (the
// same bytes: the wire's printer is the reference, and a test holds the two
// together), except that a long string is kept as it is and escaped only as
// far as a row of it is shown (issue 18): a megabyte prompt is one line of
// thousands of rows, of which a screenful is drawn.

import Model
import Synchronization

struct PreviewDocument: Sendable {
    /// One line of the JSON: `head`, then a long string (quoted and escaped
    /// when shown), then `tail` (the comma before the next member).
    struct Line: Sendable {
        var head = ""
        var long: LongText?
        var tail = ""

        /// The line as printed, whole.
        var text: String {
            guard let long else { return head }
            var out = head
            JSONWriter.writeString(long.whole, into: &out)
            return out + tail
        }
    }

    /// A long string: the request's, or the text being typed into it, read
    /// from the edit's pieces and never joined for a frame (issue 18).
    enum LongText: Sendable {
        case string(String)
        case typing(TextBuffer)

        var whole: String {
            switch self {
            case let .string(text): return text
            case let .typing(buffer): return buffer.text
            }
        }

        /// Its first `length` characters, and whether they are all of it.
        func prefix(_ length: Int) -> (text: String, whole: Bool) {
            switch self {
            case let .string(text):
                let prefix = text.prefix(length)
                return (String(prefix), prefix.endIndex == text.endIndex)
            case let .typing(buffer):
                let end = min(length, buffer.count)
                return (buffer.text(in: 0..<end), end == buffer.count)
            }
        }

        /// Each UTF-8 byte, until `body` says stop.
        func forEachByte(_ body: (UInt8) -> Bool) {
            switch self {
            case let .string(text):
                for byte in text.utf8 where !body(byte) { return }
            case let .typing(buffer):
                var start = 0
                while start < buffer.count {
                    let end = min(buffer.count, start + TextBuffer.pieceLimit)
                    for byte in buffer.text(in: start..<end).utf8 where !body(byte) { return }
                    start = end
                }
            }
        }
    }

    /// The preview of an edit whose text the request does not hold yet (a
    /// long prompt is read into it on a coalesced tick, Reducer.readTextLater):
    /// the field's long string shown from the edit's text, so the preview
    /// follows each key with the bytes the send would carry. Only where the
    /// request holds a long string there (the only case the reducer defers).
    func showingTyping(_ buffer: TextBuffer, at path: String) -> PreviewDocument {
        guard let span = spans[path], span.count == 1, lines[span.lowerBound].long != nil else { return self }
        var shown = self
        shown.lines[span.lowerBound].long = .typing(buffer)
        shown.counted = CountedRows()  // the typed line's rows are not the request's
        return shown
    }

    /// Strings longer than this (in UTF-8 bytes) are escaped as far as they are shown.
    static let longString = 4096

    private(set) var lines: [Line] = []
    /// Each wire path's lines (as JSONWriter.prettyWithSpans gives them).
    private(set) var spans: [String: ClosedRange<Int>] = [:]
    private var current = Line()
    /// Long lines' row counts, once per document and width: a scroll or a
    /// frame near the JSON's end would otherwise stream a megabyte each time (issue 18).
    private var counted = CountedRows()

    final class CountedRows: Sendable {
        private let counts = Mutex<[Int: (width: Int, rows: Int)]>([:])

        func rows(_ index: Int, width: Int, count: () -> Int) -> Int {
            if let kept = counts.withLock({ $0[index] }), kept.width == width { return kept.rows }
            let rows = count()
            counts.withLock { $0[index] = (width, rows) }
            return rows
        }
    }

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
                current.long = .string(s)
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
    /// A long line's count is kept for the document.
    func rowCount(_ index: Int, width: Int) -> Int {
        let line = lines[index]
        let count = {
            if let rows = Self.asciiRowCount(line, width: width) { return rows }
            return PreviewView.rowRanges(Array(line.text), width: width).count
        }
        return line.long == nil ? count() : counted.rows(index, width: width, count: count)
    }

    /// Line `index`'s rows at `width`, counted no further than `limit` (more
    /// than `limit` says only that there are more): the
    /// rows above a scrolled window cost as many rows as lie above it in the
    /// line, not the whole line (issue 18: a key with the preview scrolled
    /// 3,000 characters into a megabyte prompt streamed all of it).
    func rowCount(_ index: Int, width: Int, limit: Int) -> Int {
        let line = lines[index]
        guard line.long != nil, limit < .max else { return rowCount(index, width: width) }
        if let rows = Self.asciiRowCount(line, width: width, limit: limit) { return rows }
        return rows(index, width: width, upTo: limit + 1).rows.count
    }

    /// PreviewView.rowRanges's rows of a printable ASCII line, counted as
    /// its escaped bytes stream past (one cell each), never laid out: a row
    /// that must be cut ends after its last space past the indent, not after a colon.
    /// Nil when the line is not all printable ASCII once escaped (then it is laid out).
    /// With a `limit`, it stops once the line has more rows than that (and says limit + 1).
    private static func asciiRowCount(_ line: Line, width: Int, limit: Int = .max) -> Int? {
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
        var printable = true
        long.forEachByte { byte in
            switch byte {
            case 0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x08, 0x0C: take(0x5C); take(0x6E)
            case ..<0x20: for _ in 0..<6 { take(0x75) }
            case 0x7F...: printable = false
            default: take(byte)
            }
            return printable && rows <= limit
        }
        guard printable else { return nil }
        if rows > limit { return rows }
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
            let (prefix, whole) = long.prefix(length)
            var text = line.head
            JSONWriter.writeString(prefix, into: &text)
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
