// The preview's JSON as lines, printed as JSONWriter.pretty prints it (the
// same bytes: the wire's printer is the reference, and a test holds the two
// together), except that a long string is kept as it is and escaped only as
// far as a row of it is shown (issue 18): a megabyte prompt is one line of
// thousands of rows, of which a screenful is drawn.

import Glibc
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

        /// Its text from `start` (in its own units: UTF-8 bytes of a string, the
        /// edit's characters while typing; `start` is where a character
        /// begins) for about `length` units, and whether that reaches its end.
        func chunk(from start: Int, length: Int) -> (text: String, whole: Bool) {
            switch self {
            case let .string(text):
                let utf8 = text.utf8
                let total = utf8.count
                guard start < total else { return ("", true) }
                var end = min(total, start + max(1, length))
                // The cut falls where a scalar begins (a continuation byte never starts one).
                while end < total, end > start, utf8[utf8.index(utf8.startIndex, offsetBy: end)] & 0xC0 == 0x80 { end -= 1 }
                if end == start { end = total }
                let from = utf8.index(utf8.startIndex, offsetBy: start), to = utf8.index(utf8.startIndex, offsetBy: end)
                return (String(text[from..<to]), end == total)
            case let .typing(buffer):
                guard start < buffer.count else { return ("", true) }
                let end = min(buffer.count, start + max(1, length))
                return (buffer.text(in: start..<end), end == buffer.count)
            }
        }

        /// Where a row kept of it starts, in its own units (`chunk`).
        func start(_ mark: RowMark?) -> Int {
            guard let mark else { return 0 }
            if case .string = self { return mark.byte }
            return mark.character
        }

        /// Its UTF-8 bytes, in the pieces it is kept in (the edit's, or one).
        var pieces: [String] {
            switch self {
            case let .string(text): return [text]
            case let .typing(buffer): return buffer.pieceTexts
            }
        }

        /// The first UTF-8 byte where `self` and `other` differ (the shorter's
        /// length when one is the start of the other), nil when they are the
        /// same: compared a block at a time, never joined (fartype18: about
        /// 0.1 ms a megabyte, once per document made while typing).
        func firstDifference(from other: LongText) -> Int? {
            let mine = pieces, theirs = other.pieces
            var myPiece = 0, myOffset = 0, theirPiece = 0, theirOffset = 0, at = 0
            while true {
                // Empty pieces (none are kept, but a string may be empty) are stepped over.
                while myPiece < mine.count, myOffset >= mine[myPiece].utf8.count { myPiece += 1; myOffset = 0 }
                while theirPiece < theirs.count, theirOffset >= theirs[theirPiece].utf8.count { theirPiece += 1; theirOffset = 0 }
                guard myPiece < mine.count, theirPiece < theirs.count else {
                    return myPiece == mine.count && theirPiece == theirs.count ? nil : at
                }
                var left = mine[myPiece], right = theirs[theirPiece]
                let same = left.withUTF8 { a in
                    right.withUTF8 { b in
                        SharedBytes.atStart(UnsafeBufferPointer(rebasing: a[myOffset...]), UnsafeBufferPointer(rebasing: b[theirOffset...]))
                    }
                }
                let length = min(left.utf8.count - myOffset, right.utf8.count - theirOffset)
                at += same
                guard same == length else { return at }
                myOffset += length
                theirOffset += length
            }
        }

        /// Its length in UTF-8 bytes.
        var byteCount: Int { pieces.reduce(0) { $0 + $1.utf8.count } }

        /// How many of their last bytes `self` and `other` share, at most
        /// `limit` (resync18: where the text after an edit starts in both).
        func sameEnd(as other: LongText, limit: Int) -> Int {
            let mine = pieces, theirs = other.pieces
            var myPiece = mine.count, myEnd = 0, theirPiece = theirs.count, theirEnd = 0, at = 0
            while at < limit {
                // The pieces are read from their ends: `myEnd` bytes of this one are left to compare.
                while myEnd == 0, myPiece > 0 { myPiece -= 1; myEnd = mine[myPiece].utf8.count }
                while theirEnd == 0, theirPiece > 0 { theirPiece -= 1; theirEnd = theirs[theirPiece].utf8.count }
                guard myEnd > 0, theirEnd > 0 else { return at }
                let length = min(myEnd, theirEnd, limit - at)
                var left = mine[myPiece], right = theirs[theirPiece]
                let same = left.withUTF8 { a in
                    right.withUTF8 { b in
                        SharedBytes.atEnd(UnsafeBufferPointer(rebasing: a[..<myEnd]), UnsafeBufferPointer(rebasing: b[..<theirEnd]), atMost: length)
                    }
                }
                at += same
                guard same == length else { return at }
                myEnd -= length
                theirEnd -= length
            }
            return at
        }

        /// Its UTF-8 bytes from byte `start` (where a scalar begins) on, a
        /// piece at a time with the place of its first, until `body` says stop.
        func forEachStretch(from start: Int, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Bool) {
            var skip = start, offset = 0
            for var piece in pieces {
                let count = piece.utf8.count
                defer { offset += count }
                if skip >= count {
                    skip -= count
                    continue
                }
                let going = piece.withUTF8 { body(UnsafeBufferPointer(rebasing: $0[skip...]), offset + skip) }
                skip = 0
                if !going { return }
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
        shown.marks = RowMarks()
        return shown.carrying(from: self)
    }

    /// This document with the rows kept of `earlier`'s long lines, where a
    /// line is the same as far as they were cut looking (fartype18): a key
    /// makes a new document (the text being typed, then the request read
    /// from it), and a window far into a megabyte line is laid out from a
    /// row kept near it instead of from the line's start. Only a row cut
    /// looking past the first changed byte is dropped, with the rows after
    /// it, so a key typed after the window or in it costs what is on
    /// screen. Any two documents will do (rows are a line's own: its head,
    /// string and tail), so `earlier` need not be this one's ancestor.
    func carrying(from earlier: PreviewDocument) -> PreviewDocument {
        var carried = self
        carried.marks = marks.copy()
        carried.counted = counted.copy()
        for (index, line) in lines.enumerated() where index < earlier.lines.count {
            let before = earlier.lines[index]
            guard let long = line.long, let old = before.long, before.head == line.head else { continue }
            // Nothing kept of the line to carry (the preview at its top): its megabyte is not compared, twice, on every key.
            guard earlier.marks.kept(index) != nil || earlier.marks.pending(index) != nil || earlier.counted.kept(index) != nil else { continue }
            let differs = old.firstDifference(from: long)
            let same = differs == nil && before.tail == line.tail
            // A scalar after the last byte looked at can still join the character before it: 4 bytes to spare.
            let reach = same ? Int.max : (differs ?? Int.max - 4) - 4
            if let kept = earlier.marks.kept(index) {
                for mark in kept.marks where mark.until <= reach { carried.marks.keep(mark, index, width: kept.width) }
            }
            if same, let rows = earlier.counted.kept(index), carried.counted.kept(index) == nil {
                carried.counted.keep(index, width: rows.width, rows: rows.rows)
            }
            if let differs, before.tail == line.tail, let pending = Self.pending(old, long, differs: differs, reach: reach, earlier, index) {
                carried.marks.expect(pending, index)
            }
        }
        return carried
    }

    /// The rows kept of `earlier`'s line `index` that lie in the text after
    /// the edit from `old` to `new` (bytes the same to the end), awaiting a
    /// layout that finds a row where one of them starts once moved by the
    /// edit's length (resync18: then they all hold, moved by the rows gained
    /// or lost; a key above a far window no longer lays out every row down
    /// to it). Rows `earlier` found itself after the edit are awaited
    /// first; only where it has none, the rows an earlier edit's still
    /// await (never found in step) are moved on by this one's length too.
    /// Nil when none lie after the edit.
    private static func pending(_ old: LongText, _ new: LongText, differs: Int, reach: Int, _ earlier: PreviewDocument,
                                _ index: Int) -> RowMarks.Pending? {
        let oldBytes = old.byteCount, newBytes = new.byteCount
        // The same end never reaches into the same start (a repeated character typed again).
        let end = old.sameEnd(as: new, limit: max(0, min(oldBytes, newBytes) - differs))
        let after = oldBytes - end, shift = newBytes - oldBytes
        let awaited = earlier.marks.pending(index).flatMap { awaited -> RowMarks.Pending? in
            let marks = awaited.marks.filter { $0.byte + awaited.shift >= after }
            return marks.isEmpty ? nil : .init(width: awaited.width, shift: awaited.shift + shift, marks: marks, rows: awaited.rows)
        }
        let found = earlier.marks.kept(index).flatMap { kept -> RowMarks.Pending? in
            let marks = kept.marks.filter { $0.until > reach && $0.byte >= after }
            let rows = earlier.counted.kept(index).flatMap { $0.width == kept.width ? $0.rows : nil }
            return marks.isEmpty ? nil : .init(width: kept.width, shift: shift, marks: marks, rows: rows)
        }
        guard let awaited, let found else { return awaited ?? found }
        // An edit that moves every row after it for good (a space typed into periodic text: the rows never
        // fall in step again) leaves rows awaited that no later layout finds. Once `earlier`'s walk went past
        // the first of them without falling in step, the rows it kept on the way are the ones the next key's
        // fall in step with (farstart20: the stale ones were awaited instead, and every key after such an edit
        // walked the megabyte down to the window); before that, the awaited rows (and the line's count) hold.
        let firstAwaited = awaited.marks[0].byte + awaited.shift - shift
        return (found.marks.last?.byte ?? 0) >= firstAwaited ? found : awaited
    }

    /// The document made last (of a request, or of the text being typed
    /// over one), whose rows the next one carries (`carrying(from:)`).
    private static let lastMade = Mutex<PreviewDocument?>(nil)

    /// `document` with the rows of the document made before it, and kept as the one made last.
    static func carryingFromLast(_ document: PreviewDocument) -> PreviewDocument {
        guard document.lines.contains(where: { $0.long != nil }) else { return document }
        let carried = lastMade.withLock { $0 }.map { document.carrying(from: $0) } ?? document
        lastMade.withLock { $0 = carried }
        return carried
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
        private let counts: Mutex<[Int: (width: Int, rows: Int)]>

        init(_ counts: [Int: (width: Int, rows: Int)] = [:]) { self.counts = Mutex(counts) }

        /// Another set holding these counts (a document made from this one keeps its own).
        func copy() -> CountedRows { CountedRows(counts.withLock { $0 }) }

        func kept(_ index: Int) -> (width: Int, rows: Int)? { counts.withLock { $0[index] } }

        func keep(_ index: Int, width: Int, rows: Int) { counts.withLock { $0[index] = (width, rows) } }

        func rows(_ index: Int, width: Int, count: () -> Int) -> Int {
            if let kept = counts.withLock({ $0[index] }), kept.width == width { return kept.rows }
            let rows = count()
            counts.withLock { $0[index] = (width, rows) }
            return rows
        }
    }

    /// Where some rows of a long line start, per document and width
    /// (farrows18): a window far into a megabyte line is laid out from the
    /// nearest mark above it, not from the line's start.
    private var marks = RowMarks()

    /// A row of a long line that starts where a character of its string
    /// starts (not inside an escape): `row` counts the line's rows from 0;
    /// that character's place in the string, in characters (how the text
    /// being typed is read) and in UTF-8 bytes (how the request's is).
    struct RowMark: Sendable, Equatable {
        let row: Int
        let character: Int
        let byte: Int
        /// The rows up to this one were cut looking at the string's bytes
        /// before this (`Int.max`: at the line's tail): while those stay the
        /// same, the row starts here (`carrying(from:)`).
        let until: Int
    }

    /// The last row kept of line `index` at or above `row` (what a window there is laid out from).
    func nearestKeptRow(_ index: Int, width: Int, atMost row: Int) -> Int? {
        marks.nearest(index, width: width, atMost: row)?.row
    }

    /// The rows kept of line `index` at `width`, in order (tests hold each against a whole layout).
    func keptMarks(_ index: Int, width: Int) -> [RowMark] {
        marks.kept(index).flatMap { $0.width == width ? $0.marks : nil } ?? []
    }

    /// Marks are kept about this many rows apart: a window costs at most
    /// this many rows more than it shows.
    static let markSpacing = 64

    final class RowMarks: Sendable {
        private let marks: Mutex<[Int: (width: Int, marks: [RowMark])]>

        /// Rows of an earlier text after an edit (resync18, `carrying(from:)`):
        /// `marks` as they were, each starting `shift` bytes further now if
        /// the rows fall in step again after the edit; `rows`: that text's line's rows.
        struct Pending: Sendable {
            let width: Int
            let shift: Int
            let marks: [RowMark]
            let rows: Int?
        }

        private let awaiting: Mutex<[Int: Pending]>
        private let walkedBytes = Atomic<Int>(0)

        /// The string bytes this document's walks have streamed past (farstart20: a key above a far
        /// window should walk the rows near it and the window's, not the text between them).
        var bytesWalked: Int { walkedBytes.load(ordering: .relaxed) }

        func walked(_ bytes: Int) {
            walkedBytes.add(bytes, ordering: .relaxed)
            PreviewDocument.bytesWalkedByAll.add(bytes, ordering: .relaxed)
        }

        init(_ marks: [Int: (width: Int, marks: [RowMark])] = [:], awaiting: [Int: Pending] = [:]) {
            self.marks = Mutex(marks)
            self.awaiting = Mutex(awaiting)
        }

        /// Another set holding these marks (a document made from this one keeps its own).
        func copy() -> RowMarks { RowMarks(marks.withLock { $0 }, awaiting: awaiting.withLock { $0 }) }

        func pending(_ index: Int) -> Pending? { awaiting.withLock { $0[index] } }

        func expect(_ pending: Pending, _ index: Int) { awaiting.withLock { $0[index] = pending } }

        /// The rows awaited from `from` on hold, `rows` and `characters`
        /// further than they were (a row was found where the one at `from`
        /// starts once moved): kept, and no longer awaited.
        func resync(_ index: Int, _ pending: Pending, from: Int, rows: Int, characters: Int) {
            awaiting.withLock { $0[index] = nil }
            for mark in pending.marks[from...] {
                keep(RowMark(row: mark.row + rows, character: mark.character + characters, byte: mark.byte + pending.shift,
                             until: mark.until == .max ? .max : mark.until + pending.shift), index, width: pending.width)
            }
        }

        /// None of the rows awaited can be found any more (the layout went past them all).
        func giveUp(_ index: Int) { awaiting.withLock { $0[index] = nil } }

        func kept(_ index: Int) -> (width: Int, marks: [RowMark])? { marks.withLock { $0[index] } }

        /// The last mark at or above `row`.
        func nearest(_ index: Int, width: Int, atMost row: Int) -> RowMark? {
            marks.withLock { all -> RowMark? in
                guard let kept = all[index], kept.width == width else { return nil }
                var low = 0, high = kept.marks.count
                while low < high {
                    let middle = (low + high) / 2
                    if kept.marks[middle].row <= row { low = middle + 1 } else { high = middle }
                }
                return low > 0 ? kept.marks[low - 1] : nil
            }
        }

        func keep(_ mark: RowMark, _ index: Int, width: Int) {
            marks.withLock { all in
                var kept = all[index].flatMap { $0.width == width ? $0.marks : nil } ?? []
                var low = 0, high = kept.count
                while low < high {
                    let middle = (low + high) / 2
                    if kept[middle].row < mark.row { low = middle + 1 } else { high = middle }
                }
                if low < kept.count, kept[low].row == mark.row { return }
                kept.insert(mark, at: low)
                all[index] = (width, kept)
            }
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
    /// A line of characters that are each a scalar alone (printable ASCII,
    /// CJK) is counted as its bytes stream past, without laying it out
    /// (`walkRows`); other text is laid out.
    /// A long line's count is kept for the document.
    func rowCount(_ index: Int, width: Int) -> Int {
        let line = lines[index]
        guard let long = line.long else {
            return Self.walkedRowCount(line, width: width) ?? PreviewView.rowRanges(Array(line.text), width: width).count
        }
        return counted.rows(index, width: width) {
            if marks.pending(index)?.width == width {
                // Rows after an edit may fall in step again near it (resync18): then the
                // earlier count, moved by the rows gained or lost, is kept for the line.
                let rows = advance(index, long, from: marks.nearest(index, width: width, atMost: .max), width: width, rows: 8 * Self.markSpacing)
                if let kept = counted.kept(index), kept.width == width { return kept.rows }
                if let rows { return rows }
            }
            // Streamed (laid out where it stalls) from the last row kept, marks kept on the way (fartype18:
            // the whole line as characters, 16 bytes each, held 16 MB more for a megabyte prompt).
            var mark = marks.nearest(index, width: width, atMost: .max)
            while true {
                if let rows = advance(index, long, from: mark, width: width, rows: 8 * Self.markSpacing) { return rows }
                guard let next = marks.nearest(index, width: width, atMost: .max), next.row > (mark?.row ?? 0) else { break }
                mark = next
            }
            return PreviewView.rowRanges(Array(line.text), width: width).count
        }
    }

    /// Line `index`'s rows at `width`, counted no further than `limit` (more
    /// than `limit` says only that there are more): the
    /// rows above a scrolled window cost as many rows as lie above it in the
    /// line, not the whole line (issue 18: a key with the preview scrolled
    /// 3,000 characters into a megabyte prompt streamed all of it).
    func rowCount(_ index: Int, width: Int, limit: Int) -> Int {
        let line = lines[index]
        guard line.long != nil, limit < .max else { return rowCount(index, width: width) }
        // From the nearest mark (farrows18); a count from the line's start only where none is kept yet and the line
        // streams, keeping marks on the way: else each `]` deeper walked from the line's start again (newcomer18d:
        // 300 `]` into a megabyte cost 2.4 ms a press, 0.5 ms before the walk took Chinese too).
        if marks.nearest(index, width: width, atMost: limit) == nil {
            var lastBucket = 0
            let walked = Self.walkRows(line, from: nil, width: width, rows: limit, tally: marks) { found in
                let bucket = found.row / Self.markSpacing
                if bucket > lastBucket {
                    marks.keep(found, index, width: width)
                    lastBucket = bucket
                }
                return true
            }
            if walked.end == .ended || walked.end == .reached { return walked.rows }
        }
        let window = window(index, width: width, from: limit, count: 1)
        return window.rows.isEmpty ? window.lineRows : limit + 1
    }

    /// PreviewView.rowRanges's rows of a line whose characters are each a
    /// scalar alone (printable ASCII, CJK: TextWidth.aloneCells; a string's
    /// escapes are ASCII), counted as its bytes stream past, never laid out.
    /// Nil when a scalar of it is not such (then it is laid out). With a
    /// `limit`, it stops once the line has more rows than that (and says so).
    private static func walkedRowCount(_ line: Line, width: Int, limit: Int = .max) -> Int? {
        let walked = walkRows(line, from: nil, width: width, rows: limit, tally: nil) { _ in true }
        return walked.end == .ended || walked.end == .reached ? walked.rows : nil
    }

    /// PreviewView.rowRangesLooking's cuts, taken a character at a time
    /// (its width, whether it is a space, whether it is a colon): the rows
    /// of a long line streamed from its bytes (`walkRows`). The same rules:
    /// a row that must be cut ends after its last space past the indent,
    /// not after a colon, else where it is full.
    struct RowCuts {
        /// Rows begun, the first included.
        private(set) var rows = 1
        /// Where the character after the last space a row may be cut after begins, in the text.
        private(set) var afterSpace = RowSource.none
        private let next: Int, spacesFrom: Int, first: Bool
        private var available: Int
        /// Characters and cells taken; where the row being filled starts; its last space a cut may follow.
        private var index = 0, cell = 0, start = 0, startCell = 0, lastSpace = -1, lastSpaceCell = 0
        private var colon = false
        /// The first row's widths: a cut there may carry more than the narrower rows after it hold.
        private var firstRow: [UInt8] = []

        /// A line with `leading` spaces; `continuing`: from a row after its first.
        init(width: Int, leading: Int, continuing: Bool) {
            next = max(4, width - (leading + 2))
            first = !continuing
            spacesFrom = continuing ? 0 : leading
            available = continuing ? next : width
        }

        /// Takes a character of `width` cells (at most 2, and rows at least
        /// 2 wide), from `source` in the text; the rows begun before it (0
        /// when it fits the row) and where the first of them starts.
        mutating func take(_ width: Int, space: Bool, colon isColon: Bool, source: RowSource) -> (begun: Int, at: RowSource) {
            if lastSpace >= 0, lastSpace == index - 1 { afterSpace = source }
            var begun = 0, at = RowSource.none
            if cell - startCell + width > available {
                // The row is full at this character: cut before it when it is a space, else after the row's last space.
                if !space, lastSpace > start, lastSpace >= spacesFrom {
                    start = lastSpace + 1
                    startCell = lastSpaceCell + 1
                    at = afterSpace
                } else {
                    start = index
                    startCell = cell
                    at = source
                }
                begun = 1
                available = next
                if rows == 1, first {
                    // What was carried over holds no space: cut by width alone until this character fits.
                    while cell - startCell + width > available, start < firstRow.count {
                        var used = 0, end = start
                        while end < firstRow.count, used + Int(firstRow[end]) <= available { used += Int(firstRow[end]); end += 1 }
                        if end == start { used = Int(firstRow[end]); end += 1 }
                        start = end
                        startCell += used
                        begun += 1
                    }
                    firstRow = []
                }
                rows += begun
                lastSpace = -1
            } else if rows == 1, first {
                firstRow.append(UInt8(truncatingIfNeeded: width))
            }
            if space, index > start, !colon {
                lastSpace = index
                lastSpaceCell = cell
            }
            colon = isColon
            index += 1
            cell += width
            return (begun, at)
        }
    }

    /// Where a character of a line begins in its long string, in
    /// characters and bytes; `none`: not where a character of it begins.
    struct RowSource {
        let byte: Int
        let character: Int
        static let none = RowSource(byte: -1, character: -1)
    }

    enum WalkEnd { case ended, reached, stalled, stopped }

    /// Line `line`'s rows from `mark` (its start when nil) streamed from
    /// its bytes, cut as PreviewView.rowRangesLooking cuts them, until `rows`
    /// rows past the mark have begun (`reached`), the line ends (`ended`),
    /// `found` says stop (`stopped`), or a scalar comes that is not a
    /// character alone (`stalled`: a mark joining the one before it, an
    /// emoji, a line's CR; then the layout takes it). Each row found that
    /// starts where a character of the string does (past its first) is
    /// given as it would be kept (issue 18: a key typed above a window far
    /// into a megabyte prompt laid the text out, at several hundred ns a byte,
    /// down to the window). `rows`: the rows begun, the mark's included.
    private static func walkRows(_ line: Line, from mark: RowMark?, width: Int, rows limit: Int, tally: RowMarks?,
                                 found: (RowMark) -> Bool) -> (rows: Int, end: WalkEnd) {
        let leading = line.head.utf8.prefix { $0 == 0x20 }.count
        guard width >= 2 else { return (1, .stalled) }
        var walk = Walk(cuts: RowCuts(width: width, leading: leading, continuing: mark != nil), base: mark?.row ?? 0,
                        limit: limit, until: mark?.until ?? 0, character: mark?.character ?? 0)
        defer { if walk.heldLength > 0 { tally?.walked(walk.heldByte + walk.heldLength - (mark?.byte ?? 0)) } }
        if mark == nil {
            guard let going = walk.takePlain(line.head, looked: nil, found) else { return (walk.cuts.rows, .stalled) }
            guard going else { return (walk.cuts.rows, walk.end) }
            guard line.long != nil else { return (walk.cuts.rows, .ended) }
            guard walk.take(1, .none, looked: nil, found) else { return (walk.cuts.rows, walk.end) }
        }
        guard let long = line.long else { return (walk.cuts.rows, .ended) }
        var going = true
        long.forEachStretch(from: mark?.byte ?? 0) { bytes, offset in
            going = walk.takeBytes(bytes, offset: offset, found)
            return going
        }
        guard going else { return (walk.cuts.rows, walk.end) }
        if walk.heldLength > 0, !walk.takeScalar(walk.heldValue, cells: walk.heldCells, byte: walk.heldByte, length: walk.heldLength, last: true, found) {
            return (walk.cuts.rows, walk.end)
        }
        guard walk.take(1, .none, looked: .max, found) else { return (walk.cuts.rows, walk.end) }
        guard let ended = walk.takePlain(line.tail, looked: .max, found) else { return (walk.cuts.rows, .stalled) }
        return (walk.cuts.rows, ended ? .ended : walk.end)
    }

    /// The string bytes every document's walks have streamed past (`zqt
    /// bench typing` gives them per key: a key's walk should cover the rows
    /// near the edit and the window, not the text between them).
    static let bytesWalkedByAll = Atomic<Int>(0)

    /// The string bytes this document's walks have streamed past (RowMarks.walked).
    var bytesWalked: Int { marks.bytesWalked }

    /// `walkRows`'s state, a value its methods change in place: as local
    /// functions capturing variables, the walk paid a runtime exclusivity
    /// check and a boxed access at each byte (farstart18b: ~40 ns a byte,
    /// 15-42 ms a key above a window far into a megabyte prompt).
    private struct Walk {
        var cuts: RowCuts
        let base: Int, limit: Int
        /// The string's bytes the rows so far were cut looking at (RowMark.until).
        var until: Int
        /// Characters of the string taken.
        var character: Int
        var end = WalkEnd.reached
        /// The scalar read but not taken yet (heldLength 0: none): it is taken once the
        /// next is known to be a character alone too (none joins the one before).
        var heldValue: UInt32 = 0, heldCells = 0, heldByte = 0, heldLength = 0

        init(cuts: RowCuts, base: Int, limit: Int, until: Int, character: Int) {
            self.cuts = cuts
            self.base = base
            self.limit = limit
            self.until = until
            self.character = character
        }

        /// Takes a character; false when the walk stops. `looked`: where the string's
        /// character holding it ends (`Int.max`: at the line's end; nil: in the head).
        @inline(__always)
        mutating func take(_ width: Int, space: Bool = false, colon: Bool = false, _ source: RowSource, looked: Int?,
                           _ found: (RowMark) -> Bool) -> Bool {
            let row = base + cuts.rows
            let (begun, at) = cuts.take(width, space: space, colon: colon, source: source)
            guard begun > 0 else { return true }
            if let looked { until = max(until, looked) }
            if at.byte > 0, !found(RowMark(row: row, character: at.character, byte: at.byte, until: until)) {
                end = .stopped
                return false
            }
            return cuts.rows <= limit
        }

        /// Takes text shown as it is (the head, the tail): nil when a scalar of it is not a character alone.
        mutating func takePlain(_ text: String, looked: Int?, _ found: (RowMark) -> Bool) -> Bool? {
            for scalar in text.unicodeScalars {
                guard let cells = TextWidth.aloneCells(scalar.value) else { return nil }
                guard take(cells, space: scalar == " ", colon: scalar == ":", .none, looked: looked, found) else { return false }
            }
            return true
        }

        /// Takes the string's scalar at `byte` as its escape shows it; `last`: the string's last.
        @inline(__always)
        mutating func takeScalar(_ value: UInt32, cells: Int, byte: Int, length: Int, last: Bool, _ found: (RowMark) -> Bool) -> Bool {
            let source = RowSource(byte: byte, character: character)
            let looked = last ? Int.max : byte + length
            character += 1
            switch value {
            case 0x22, 0x5C, 0x08, 0x09, 0x0A, 0x0C, 0x0D:
                return take(1, source, looked: looked, found) && take(1, .none, looked: looked, found)
            case ..<0x20:
                guard take(1, source, looked: looked, found) else { return false }
                for _ in 0..<5 where !take(1, .none, looked: looked, found) { return false }
                return true
            default:
                return take(cells, space: value == 0x20, colon: value == 0x3A, source, looked: looked, found)
            }
        }

        /// Takes the string's scalars in `bytes` (from byte `offset` of it), but the last,
        /// held until the next is read; false when the walk stops.
        mutating func takeBytes(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, _ found: (RowMark) -> Bool) -> Bool {
            var at = 0
            while at < bytes.count {
                let lead = bytes[at]
                let length: Int, value: UInt32, cells: Int
                if lead >= 0x20, lead < 0x7F {
                    // Printable ASCII, the bulk of most prompts: one cell, no width lookup.
                    (length, value, cells) = (1, UInt32(lead), 1)
                } else {
                    let count = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                    guard at + count <= bytes.count else { end = .stalled; return false }
                    var scalar = count == 1 ? UInt32(lead) : UInt32(lead) & (0xFF >> (count + 1))
                    for index in 1..<max(1, count) { scalar = scalar << 6 | UInt32(bytes[at + index] & 0x3F) }
                    // Controls are escaped, each a character (but CR, which joins a LF after it).
                    guard let alone = scalar < 0x20 ? (scalar == 0x0D ? nil : 1) : TextWidth.aloneCells(scalar) else {
                        end = .stalled
                        return false
                    }
                    (length, value, cells) = (count, scalar, alone)
                }
                if heldLength > 0, !takeScalar(heldValue, cells: heldCells, byte: heldByte, length: heldLength, last: false, found) {
                    return false
                }
                (heldValue, heldCells, heldByte, heldLength) = (value, cells, offset + at, length)
                at += length
            }
            return true
        }
    }

    /// Rows of long line `index` from `mark` toward `rows` rows past it,
    /// streamed from its bytes (`walkRows`), marks kept on the way (every
    /// `markSpacing`, as `layOut` keeps them) and the rows awaited after an
    /// edit kept once one is found in step again (resync18); where the walk
    /// stalls, laid out past what stalled it. The line's rows when it ends
    /// within them.
    private func advance(_ index: Int, _ long: LongText, from mark: RowMark?, width: Int, rows: Int) -> Int? {
        let base = mark?.row ?? 0
        let pending = marks.pending(index).flatMap { $0.width == width ? $0 : nil }
        var lastBucket = base / Self.markSpacing, awaited = 0
        let walked = Self.walkRows(lines[index], from: mark, width: width, rows: rows, tally: marks) { found in
            if let pending {
                // A row starts where an awaited one does, moved: the rows after it are the earlier text's, moved.
                while awaited < pending.marks.count, pending.marks[awaited].byte + pending.shift < found.byte { awaited += 1 }
                if awaited < pending.marks.count, pending.marks[awaited].byte + pending.shift == found.byte {
                    let old = pending.marks[awaited]
                    let rows = found.row - old.row
                    marks.resync(index, pending, from: awaited, rows: rows, characters: found.character - old.character)
                    if let counted = pending.rows { self.counted.keep(index, width: width, rows: counted + rows) }
                    return false
                }
            }
            let bucket = found.row / Self.markSpacing
            if bucket > lastBucket {
                marks.keep(found, index, width: width)
                lastBucket = bucket
            }
            return true
        }
        if let pending, walked.end != .stopped, awaited >= pending.marks.count { marks.giveUp(index) }
        switch walked.end {
        case .ended: return base + walked.rows
        case .reached, .stopped: return nil
        case .stalled:
            // Laid out past the character the walk could not take alone, from the last row it kept.
            let from = marks.nearest(index, width: width, atMost: base + walked.rows) ?? mark
            let start = from?.row ?? 0
            let step = layOut(index, long, from: from, width: width,
                              rows: max(1, min(base + rows - start, base + walked.rows - start + 2 * Self.markSpacing)))
            return step.ended ? start + step.rows.count : nil
        }
    }

    /// Line `index`'s rows `skip ..< skip + count` at `width` (fewer at its
    /// end), the characters and styles they are ranges of, and the line's
    /// rows counted: `skip` + the rows given, or all of them when the line
    /// ends before. A long line is laid out from the nearest mark above the
    /// window, not from its start, and marks are kept on the way (farrows18:
    /// a key with the preview far into a megabyte prompt laid out, escaped
    /// and styled every row above the window).
    func window(_ index: Int, width: Int, from skip: Int, count: Int)
        -> (characters: [Character], styles: [Style], rows: [(range: Range<Int>, pad: Int)], lineRows: Int) {
        let line = lines[index]
        guard let long = line.long else {
            let (characters, ranges) = rows(index, width: width, upTo: skip + count)
            return (characters, PreviewView.syntaxStyles(characters), Array(ranges.dropFirst(skip)), ranges.count)
        }
        var mark = marks.nearest(index, width: width, atMost: skip)
        // Toward a far window streamed from the bytes (farstart18: laid out, a key at the text's
        // start cost 130-230 ms a megabyte), laid out only where the walk stalls, a few spacings at a time.
        while skip - (mark?.row ?? 0) > 2 * Self.markSpacing {
            let ended = advance(index, long, from: mark, width: width, rows: skip - (mark?.row ?? 0)) != nil
            // The nearest row kept now: past the walk's own when it found the rows after an edit above in step again (resync18).
            guard !ended, let next = marks.nearest(index, width: width, atMost: skip), next.row > (mark?.row ?? 0) else { break }
            mark = next
        }
        let base = mark?.row ?? 0
        let laid = layOut(index, long, from: mark, width: width, rows: skip - base + count)
        // A window from a mark starts inside the string: styled as the rest of it.
        let styles = mark == nil
            ? PreviewView.syntaxStyles(laid.characters)
            : Array(PreviewView.syntaxStyles([Character("\"")] + laid.characters).dropFirst())
        return (laid.characters, styles, Array(laid.rows.dropFirst(skip - base)), base + laid.rows.count)
    }

    /// Up to `rows` rows of long line `index` from `mark` (its start when
    /// nil), exactly as the whole line's; `ended` when the line ends within
    /// them; the marks found among them (kept for the document).
    private func layOut(_ index: Int, _ long: LongText, from mark: RowMark?, width: Int, rows: Int)
        -> (characters: [Character], rows: [(range: Range<Int>, pad: Int)], ended: Bool, marks: [RowMark]) {
        let line = lines[index]
        let leading = line.head.prefix { $0 == " " }.count
        let source = long.start(mark)
        var length = max(256, (rows + 2) * (max(width, 4) + 1) * 2)
        while true {
            let (chunk, whole) = long.chunk(from: source, length: length)
            var escaped = ""
            JSONWriter.writeString(chunk, into: &escaped)
            if !whole { escaped.removeLast() }  // the closing quote comes after the rest
            var text = mark == nil ? line.head + escaped : String(escaped.dropFirst())
            if whole { text += line.tail }
            let characters = Array(text)
            // Two rows more than asked when cut: the rows closed before the cut are exactly the whole line's.
            let (ranges, looked) = PreviewView.rowRangesLooking(characters, width: width, limit: whole ? rows + 1 : rows + 2,
                                                                continuing: mark == nil ? nil : leading)
            guard whole || ranges.count > rows + 1 else {
                length *= 2
                continue
            }
            let kept = Array(ranges.prefix(rows))
            let pending = marks.pending(index).flatMap { $0.width == width ? $0 : nil }
            let (found, resync, passed) = Self.marks(in: characters, rows: kept, looked: looked, chunk: chunk,
                                                     contentStart: mark == nil ? line.head.unicodeScalars.count + 1 : 0, from: mark,
                                                     awaiting: pending)
            for found in found { marks.keep(found, index, width: width) }
            if let pending, let resync {
                marks.resync(index, pending, from: resync.from, rows: resync.rows, characters: resync.characters)
                if let rows = pending.rows { counted.keep(index, width: width, rows: rows + resync.rows) }
            } else if passed {
                marks.giveUp(index)
            }
            return (characters, kept, whole && ranges.count <= rows, found)
        }
    }

    /// The rows (after the first) that start where a character of `chunk`
    /// starts, a row every `markSpacing` or the first such after it: there a
    /// layout can start again with the same rows. `contentStart`: the
    /// scalars before the chunk's text in `characters`; `mark`: the row the
    /// chunk starts at (nil: the line's start); `looked`: each row's furthest
    /// character looked at (PreviewView.rowRangesLooking), for `until`.
    /// With rows `awaiting` (resync18), also the first row that starts where
    /// one of them does once moved by the edit's length (its index among
    /// them, and how many rows and characters further it starts now), or
    /// `passed` when the rows went past them all without one.
    private static func marks(in characters: [Character], rows: [(range: Range<Int>, pad: Int)], looked: [Int],
                              chunk: String, contentStart: Int, from mark: RowMark?, awaiting: RowMarks.Pending? = nil)
        -> (found: [RowMark], resync: (from: Int, rows: Int, characters: Int)?, passed: Bool) {
        // Rows that reach no mark's place, none awaited: nothing to find (the window at a line's
        // top, a key typed below it: the chunk's starts were counted on every frame, keyp19).
        if awaiting == nil, ((mark?.row ?? 0) + max(0, rows.count - 1)) / markSpacing == (mark?.row ?? 0) / markSpacing { return ([], nil, false) }
        // Where each of the chunk's characters starts, as escaped scalars and as UTF-8 bytes (its place is its index).
        var starts: [(escaped: Int, byte: Int)] = []
        var escaped = 0, bytes = 0
        for character in chunk {
            starts.append((escaped, bytes))
            for scalar in character.unicodeScalars {
                switch scalar.value {
                case 0x22, 0x5C, 0x08, 0x09, 0x0A, 0x0C, 0x0D: escaped += 2
                case ..<0x20: escaped += 6
                default: escaped += 1
                }
            }
            bytes += character.utf8.count
        }
        let base = mark?.row ?? 0, baseCharacter = mark?.character ?? 0, baseByte = mark?.byte ?? 0
        var found: [RowMark] = []
        var scalars = 0, counted = 0, next = 0, lastBucket = base / markSpacing
        // The string's bytes the rows so far were cut looking at (the end of the character holding the furthest one).
        var until = mark?.until ?? 0, furthest = -1
        var lookedScalars = 0, lookedCounted = 0, lookedCharacter = 0
        var awaited = 0, resync: (from: Int, rows: Int, characters: Int)?
        for (offset, row) in rows.enumerated() where offset > 0 {
            let far = looked[offset - 1]
            if far > furthest, until != .max {
                furthest = far
                if far >= characters.count {
                    until = .max
                } else {
                    while lookedCounted <= far {
                        lookedScalars += characters[lookedCounted].unicodeScalars.count
                        lookedCounted += 1
                    }
                    let last = lookedScalars - contentStart - 1  // its last scalar, in the chunk's escaped text
                    if last >= 0 {
                        while lookedCharacter + 1 < starts.count, starts[lookedCharacter + 1].escaped <= last { lookedCharacter += 1 }
                        // The chunk's last character may be cut short, or be followed by the tail: looked at to the end.
                        until = lookedCharacter + 1 < starts.count ? max(until, baseByte + starts[lookedCharacter + 1].byte) : .max
                    }
                }
            }
            while counted < row.range.lowerBound {
                scalars += characters[counted].unicodeScalars.count
                counted += 1
            }
            let at = scalars - contentStart
            guard at > 0 else { continue }
            while next < starts.count, starts[next].escaped < at { next += 1 }
            guard next < starts.count, starts[next].escaped == at else { continue }
            let byte = baseByte + starts[next].byte
            if let awaiting, resync == nil {
                // A row starts where an awaited one does, moved: the rows after it are the earlier text's, moved.
                while awaited < awaiting.marks.count, awaiting.marks[awaited].byte + awaiting.shift < byte { awaited += 1 }
                if awaited < awaiting.marks.count, awaiting.marks[awaited].byte + awaiting.shift == byte {
                    let old = awaiting.marks[awaited]
                    resync = (awaited, base + offset - old.row, baseCharacter + next - old.character)
                }
            }
            let bucket = (base + offset) / markSpacing
            guard bucket > lastBucket else { continue }
            found.append(RowMark(row: base + offset, character: baseCharacter + next, byte: byte, until: until))
            lastBucket = bucket
        }
        return (found, resync, resync == nil && awaiting.map { awaited >= $0.marks.count } ?? false)
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
