import Model
import Testing
@testable import ZqtTUI

/// The preview far into a long line (farrows18, issue 18): the window is laid
/// out from a row kept of the line near it, not from the line's start, and
/// shows exactly the rows (text and colours) a layout of the whole line gives,
/// whatever the text holds: wide characters, escapes, marks that join the
/// character before them, spaces and colons where rows are cut.
@Suite struct PreviewFarRowsTests {
    init() { TextWidth.ensureUTF8Locale() }

    /// LargeTextTests' deterministic generator, so a failure can be replayed.
    typealias Dice = LargeTextTests.Dice

    static let pieces = ["masterpiece", "best quality", " ", " ", "  ", ", ", ": ", ":", "一个女孩", "在雨中，", "\"", "\\", "\n",
                         "\t", "\u{1}", "\u{1F}", "e\u{301}", "\u{301}", "👩‍👩‍👧", "🇫🇷", "x", "https://a.example/b?c=d",
                         String(repeating: "w", count: 70), "가", "ｱ", "\r\n"]

    static func randomText(seed: UInt64, length: Int) -> String {
        var dice = Dice(state: seed)
        var text = ""
        while text.unicodeScalars.count < length { text += pieces[dice.next(pieces.count)] }
        return text
    }

    /// Every row of the preview at `width`, laid out line by line, whole.
    static func allRows(_ document: PreviewDocument, width: Int) -> [PreviewView.VisualRow] {
        var all: [PreviewView.VisualRow] = []
        for (index, line) in document.lines.enumerated() {
            let text = line.text
            all += PreviewView.wrap(text, styles: PreviewView.syntaxStyles(text), width: width, jsonLine: index)
        }
        return all
    }

    func request(prompt: String) throws -> Request {
        var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        request["prompt"] = .string(prompt)
        return request
    }

    /// `document`'s window at `offset` shows the rows of `all` (the whole layout) it scrolls to, text and colours.
    static func expectWindow(_ document: PreviewDocument, all: [PreviewView.VisualRow], offset: Int, width: Int, height: Int,
                             _ note: String) {
        let window = PreviewView.visibleRows(document, width: width, height: height, firstLine: nil, offset: offset)
        let scroll = min(max(0, all.count - height), max(0, offset - height / 3))
        #expect(window.scroll == scroll, "\(note)")
        let expected = all.dropFirst(scroll).prefix(height)
        #expect(window.rows.map { String($0.characters) } == expected.map { String($0.characters) }, "\(note)")
        #expect(window.rows.map(\.styles) == expected.map(\.styles), "\(note)")
        #expect(window.rows.map(\.jsonLine) == expected.map(\.jsonLine), "\(note)")
    }

    /// Windows at many places, far and near, in an order that makes later
    /// windows start from rows kept by earlier ones (above and below them).
    func expectWindowsMatch(_ document: PreviewDocument, width: Int, seed: UInt64) {
        let all = Self.allRows(document, width: width)
        let height = 17
        var dice = Dice(state: seed)
        var offsets = [0, 1, all.count / 2, all.count - height, all.count, 5, all.count / 3, all.count / 2 - 3, 130, 129, 64, 63]
        for _ in 0..<30 { offsets.append(dice.next(all.count + 10)) }
        for offset in offsets {
            Self.expectWindow(document, all: all, offset: offset, width: width, height: height, "width \(width) offset \(offset)")
        }
        // Counted as far as asked, anywhere in the long line: exactly, or "more than the limit".
        let prompt = document.spans["prompt"]!.lowerBound
        let promptRows = all.filter { $0.jsonLine == prompt }.count
        for limit in [0, 1, promptRows / 2, promptRows - 1, promptRows, promptRows + 5, dice.next(promptRows)] {
            let counted = document.rowCount(prompt, width: width, limit: limit)
            if promptRows <= limit {
                #expect(counted == promptRows, "limit \(limit)")
            } else {
                #expect(counted > limit, "limit \(limit)")
            }
        }
    }

    @Test(arguments: [(UInt64(1), 11), (2, 20), (3, 37), (4, 80)])
    func aWindowFarIntoARandomLongLineShowsTheRowsOfAWholeLayout(seed: UInt64, width: Int) throws {
        let request = try request(prompt: Self.randomText(seed: seed, length: 30_000))
        expectWindowsMatch(PreviewDocument(request.wireValue), width: width, seed: seed)
    }

    /// While typing, the long line is read from the edit's pieces (in characters, not bytes).
    @Test(arguments: [(UInt64(5), 23), (6, 50)])
    func aWindowFarIntoTheTextBeingTypedShowsTheRowsOfAWholeLayout(seed: UInt64, width: Int) throws {
        let typed = Self.randomText(seed: seed, length: 20_000)
        let request = try request(prompt: Self.randomText(seed: seed + 100, length: 5_000))
        let document = PreviewDocument(request.wireValue).showingTyping(TextBuffer(typed), at: "prompt")
        var escaped = ""
        JSONWriter.writeString(typed, into: &escaped)
        #expect(document.lines[document.spans["prompt"]!.lowerBound].text.contains(escaped), "the typed text is the line's")
        expectWindowsMatch(document, width: width, seed: seed)
    }

    /// The cost of a far window is what is near it: the characters laid out
    /// for rows at the end of a megabyte line are a few dozen rows' worth,
    /// not the line's (a layout from its start held every character above).
    @Test func aFarWindowLaysOutOnlyRowsNearIt() throws {
        let request = try request(prompt: String(repeating: "best quality, 一个女孩 \"hi\"\n", count: 40_000))
        let document = PreviewDocument(request.wireValue)
        let prompt = document.spans["prompt"]!.lowerBound
        let width = 60
        let total = document.rowCount(prompt, width: width)
        #expect(total > 20_000)
        // A first far window walks there once (marks kept on the way); the next ones start near.
        _ = document.window(prompt, width: width, from: total - 40, count: 30)
        for skip in [total - 30, total / 2, total / 2 + 1_000, total - 1] {
            let window = document.window(prompt, width: width, from: skip, count: 30)
            #expect(window.rows.count == min(30, total - skip))
            #expect(window.characters.count < (3 * PreviewDocument.markSpacing + 40) * width * 2, "skip \(skip)")
        }
    }
}

/// The walk to a far window (farstart18, issue 18): a long line whose
/// characters are each a scalar alone (ASCII and its escapes, CJK) is cut
/// into rows as its bytes stream past, and laid out only around what the
/// walk cannot take alone (a mark joining the ASCII before it, an emoji, a
/// CR before a LF). Every row kept on the way starts where the whole
/// layout's does, to the byte, and every window is the whole layout's.
@Suite struct PreviewWalkTests {
    init() { TextWidth.ensureUTF8Locale() }

    typealias Far = PreviewFarRowsTests

    static func text(_ pieces: [String], seed: UInt64, length: Int) -> String {
        var dice = LargeTextTests.Dice(state: seed)
        var text = ""
        while text.unicodeScalars.count < length { text += pieces[dice.next(pieces.count)] }
        return text
    }

    /// ASCII with every kind of escape; ASCII runs ended by a combining mark
    /// or by CJK; no spaces at all; colons before spaces (a row is not cut after "key: ").
    static let texts: [(name: String, text: String)] = [
        ("escapes", text(["best quality", " ", "  ", "\"", "\\", "\n", "\t", "\u{1}", "\u{8}", "\u{C}", "\u{1F}", "x", "a,b", "ok"],
                         seed: 81, length: 24_000)),
        ("marks and CJK", text(["masterpiece ", "cafe\u{301} ", "e\u{301}", "soft light, ", "一个女孩", "在雨中，", "灯塔 ", "x"],
                               seed: 82, length: 24_000)),
        ("no spaces", String(repeating: "abcdefghij,klmno.pqrst\"\\", count: 1_000)),
        ("colons", text(["key: value ", "a:b ", ": ", ":", " ", "https://a.example/b?c=d ", "w:", "一:", "x"], seed: 83, length: 24_000)),
    ]

    /// A document with `text` as a top-level field's string, or a nested field's (indented further).
    static func document(_ text: String, nested: Bool) -> PreviewDocument {
        let field = JSONValue.object([("prompt", .string(text)), ("steps", .int(20))])
        return PreviewDocument(nested ? .object([("model", .string("m")), ("outer", .object([("inner", field)]))]) : field)
    }

    @Test(arguments: 0..<4, [(20, false), (37, true), (80, false), (80, true)])
    func rowsKeptOnTheWalkStartWhereTheWholeLayoutsDo(text: Int, shape: (width: Int, nested: Bool)) throws {
        let (name, text) = Self.texts[text]
        let (width, nested) = shape
        let document = Self.document(text, nested: nested)
        let index = try #require(document.lines.firstIndex { $0.long != nil })
        let line = document.lines[index]
        let whole = Array(line.text)
        let rows = PreviewView.rowRanges(whole, width: width)
        // The line's rows counted by the walk (no row kept yet), and to a limit.
        #expect(document.rowCount(index, width: width) == rows.count, "\(name) width \(width): the line's rows")
        #expect(document.rowCount(index, width: width, limit: rows.count / 2) > rows.count / 2, "\(name): counted to a limit")
        // A window at the end, walked to from the line's start: rows kept all the way.
        let far = document.window(index, width: width, from: rows.count - 5, count: 5)
        #expect(far.rows.map { String(far.characters[$0.range]) } == rows.suffix(5).map { String(whole[$0.range]) }, "\(name)")
        let kept = document.keptMarks(index, width: width)
        #expect(kept.count >= rows.count / PreviewDocument.markSpacing - 1, "\(name) width \(width): a row kept every spacing")
        // Where each starts in the whole line, in scalars (the characters before it), against its place in the string.
        var scalarsBefore = [0]
        for character in whole { scalarsBefore.append(scalarsBefore[scalarsBefore.count - 1] + character.unicodeScalars.count) }
        let head = line.head.unicodeScalars.count + 1
        for mark in kept {
            let prefix = String(text.prefix(mark.character))
            var escaped = ""
            JSONWriter.writeString(prefix, into: &escaped)
            #expect(mark.byte == prefix.utf8.count, "\(name) width \(width) row \(mark.row): its byte is its character's")
            #expect(scalarsBefore[rows[mark.row].range.lowerBound] == head + escaped.unicodeScalars.count - 2,
                    "\(name) width \(width) nested \(nested): row \(mark.row) starts at character \(mark.character)")
            #expect(mark.until > mark.byte, "\(name) row \(mark.row): its cut looked at its first character")
        }
        // Windows everywhere (each from the nearest row kept) and after a key at the text's start, as a fresh document has them.
        let all = Far.allRows(document, width: width)
        let first = try #require(all.firstIndex { $0.jsonLine == index })
        for offset in [first + rows.count / 2, first + rows.count / 3 + 7, first + rows.count - 3] {
            Far.expectWindow(document, all: all, offset: offset, width: width, height: 9, "\(name) width \(width) offset \(offset)")
        }
    }

    /// Counting the rows above a window (each `]` deeper) keeps rows on the way, so the next count
    /// starts from the last one kept, not from the line's start again (newcomer18d: 300 `]` into a
    /// megabyte cost 2.4 ms a press); the windows stay a fresh document's.
    @Test(arguments: 0..<4)
    func aCountToALimitKeepsRowsOnTheWay(text: Int) throws {
        let (name, text) = Self.texts[text]
        let document = Self.document(text, nested: false)
        let index = try #require(document.lines.firstIndex { $0.long != nil })
        let rows = PreviewView.rowRanges(Array(document.lines[index].text), width: 37)
        let limit = min(rows.count - 2, 5 * PreviewDocument.markSpacing + 3)
        #expect(document.rowCount(index, width: 37, limit: limit) == limit + 1, "\(name): more rows than the limit")
        let last = try #require(document.keptMarks(index, width: 37).last, "\(name): no row kept by the count")
        #expect(last.row > limit - 2 * PreviewDocument.markSpacing, "\(name): the last row kept, \(last.row), is near \(limit)")
        let all = Far.allRows(document, width: 37)
        let first = try #require(all.firstIndex { $0.jsonLine == index })
        Far.expectWindow(document, all: all, offset: first + limit, width: 37, height: 9, "\(name) at the limit")
    }

    /// A key at the text's start with the window far in, in the texts the
    /// walk takes: the window and the line's rows are a fresh document's.
    @Test(arguments: 0..<4)
    func aKeyAtTheStartWithAFarWindowShowsWhatAFreshDocumentShows(text: Int) throws {
        let (name, text) = Self.texts[text]
        let request = try Far().request(prompt: String(repeating: "x", count: 5_000))
        let base = PreviewDocument(request.wireValue)
        var buffer = TextBuffer(text)
        var document = base.showingTyping(buffer, at: "prompt")
        let prompt = try #require(document.spans["prompt"]?.lowerBound)
        for (step, width) in [20, 37, 80, 37, 20, 80].enumerated() {
            let all = Far.allRows(document, width: width)
            let window = all.count / 2
            _ = PreviewView.visibleRows(document, width: width, height: 11, firstLine: nil, offset: window)
            buffer.moveCursor(to: step)
            buffer.insert(["x", " ", "\"", ": ", "一", "\n"][step])
            let next = base.showingTyping(buffer, at: "prompt").carrying(from: document)
            let fresh = Far.allRows(next, width: width)
            Far.expectWindow(next, all: fresh, offset: window, width: width, height: 11, "\(name) step \(step) width \(width)")
            #expect(next.rowCount(prompt, width: width) == fresh.filter { $0.jsonLine == prompt }.count, "\(name) step \(step)")
            document = next
        }
    }
}
