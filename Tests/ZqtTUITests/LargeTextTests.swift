import Model
import Testing
@testable import ZqtTUI

/// A key costs what is on screen, not the size of the text (issue 18): the
/// edit buffer mends its layout around each edit, and the preview lays out
/// only the rows it shows. Both must give exactly what laying out the whole
/// text gives, which these tests hold them to.
@Suite struct LargeTextTests {
    init() { TextWidth.ensureUTF8Locale() }

    /// A small deterministic generator, so a failure can be replayed.
    struct Dice {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(1, bound)))
        }
    }

    static let samples: [String] = ["a", " ", "masterpiece, ", "一个女孩", "\n", "😀", "e\u{301}", "best quality", "，", "x y z ", "\"q\""]

    @Test(arguments: [7, 12, 30])
    func editsKeepTheLayoutAWholeWrapGives(width: Int) {
        var dice = Dice(state: UInt64(width))
        var buffer = TextBuffer(String(repeating: "masterpiece, 一个女孩在雨中 best quality\n", count: 40))
        buffer.keepLayout(width: width)
        for step in 0..<400 {
            switch dice.next(6) {
            case 0, 1, 2: buffer.insert(Self.samples[dice.next(Self.samples.count)])
            case 3: buffer.backspace()
            case 4: buffer.deleteWordBackward()
            default:
                for _ in 0..<dice.next(40) { buffer.moveLeft() }
            }
            if dice.next(9) == 0 { buffer.moveVertically(by: dice.next(2) == 0 ? -3 : 3, width: width) }
            let fresh = TextBuffer(buffer.text)
            #expect(buffer.wrap(width: width) == fresh.wrap(width: width), "step \(step): the mended layout differs")
            #expect(buffer.count == buffer.text.count)
        }
    }

    /// A piece of one byte a character is wrapped from its bytes
    /// (screenfar22): the lines are those of the same text read a Character
    /// at a time, which a piece holding one wider character is. "á" takes a
    /// cell as "a" does and is no space, so both texts break alike; tabs,
    /// control characters, newlines and a CR LF (two bytes, one character) included.
    @Test(arguments: [20, 40, 97])
    func aTextOfOneByteCharactersWrapsAsItsCharactersDo(width: Int) {
        let unit = "a lighthouse on a rocky cliff at dusk,\tvolumetric\u{1} light, 8k, abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789 x\n"
        var buffer = TextBuffer(String(repeating: unit, count: 400))
        // Every piece of it read a Character at a time.
        var reference = TextBuffer(String(repeating: "á" + unit.dropFirst(), count: 400))
        #expect(buffer.wrap(width: width) == reference.wrap(width: width))
        // Kept and mended at the start, where a key moves the lines below it.
        buffer.keepLayout(width: width)
        reference.keepLayout(width: width)
        for text in ["0", "1", " ", "\r\n", "2"] {
            buffer.moveCursor(to: 0)
            buffer.insert(text)
            reference.moveCursor(to: 0)
            reference.insert(text)
            #expect(buffer.wrap(width: width) == reference.wrap(width: width), "after \(text.debugDescription)")
            #expect(buffer.wrap(width: width) == TextBuffer(buffer.text).wrap(width: width), "mended as a fresh wrap")
        }
    }

    /// A character wider than the field (a tab's or a control character's
    /// visible form, at 2 or 3 columns) has a line of its own: the wrap ends,
    /// every character is on a line, and no line is empty but for newlines.
    @Test(arguments: [2, 3, 5])
    func aCharacterWiderThanTheFieldHasALineOfItsOwn(width: Int) {
        var buffer = TextBuffer("ab\tc\u{1}d\u{7F}\n\u{1B}xy z")
        for _ in 0..<2 {
            let lines = buffer.wrap(width: width)
            #expect(lines.first?.start == 0 && lines.last?.end == buffer.count)
            for (line, next) in zip(lines, lines.dropFirst()) {
                #expect(line.end <= next.start && next.start <= line.end + 1, "\(lines)")
                #expect(line.start < line.end || buffer.lineText(TextBuffer.VisualLine(start: line.end, end: line.end + 1)) == "\n", "\(lines)")
            }
            buffer.keepLayout(width: width)
            buffer.moveCursor(to: 0)
            buffer.insert("\t")
        }
    }

    @Test func aLongTextEditsInPlaceAndStaysExact() {
        var reference = String(repeating: "灯塔 lighthouse, ", count: 5000)
        var buffer = TextBuffer(reference)
        buffer.keepLayout(width: 40)
        buffer.moveToStart()
        for _ in 0..<100 { buffer.moveRight() }
        buffer.insert("雨夜 ")
        reference.insert(contentsOf: "雨夜 ", at: reference.index(reference.startIndex, offsetBy: 100))
        buffer.moveToEnd()
        buffer.backspace()
        reference.removeLast()
        #expect(buffer.text == reference)
        #expect(buffer.wrap(width: 40) == TextBuffer(reference).wrap(width: 40))
        #expect(buffer.cursorPosition(width: 40) == TextBuffer(reference).cursorPosition(width: 40))
    }

    @Test func aFieldNotEditedShowsItsFirstLinesOfAMegabyte() {
        let text = String(repeating: "best quality, 一个女孩 ", count: 50_000)
        let (lines, more) = TextBuffer.leadingLines(of: text, width: 50, count: 3)
        let whole = TextBuffer(text)
        #expect(lines == whole.wrap(width: 50, maxLines: 3).map(whole.lineText))
        #expect(more)
        #expect(TextBuffer.leadingLines(of: "short", width: 50, count: 3) == (["short"], false))
    }

    /// The preview's lines are the wire's bytes, long strings included.
    @Test(arguments: ["ascii", "chinese", "escapes"])
    func thePreviewDocumentPrintsTheWireBytes(kind: String) throws {
        var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        let unit = ["ascii": "masterpiece, best quality, ", "chinese": "一个女孩在雨中，", "escapes": "say \"hi\"\\ \n\tnow "][kind]!
        request["prompt"] = .string(String(repeating: unit, count: 3000))
        request["negative_prompt"] = .string(String(repeating: "lowres, ", count: 1000))
        let document = PreviewDocument(request.wireValue)
        let (text, spans) = JSONWriter.prettyWithSpans(request.wireValue)
        #expect(document.lines.map(\.text).joined(separator: "\n") == text)
        #expect(document.spans == spans)
        #expect(text == request.wireJSON)
        // The rows on screen are the rows a whole layout gives, wherever the window is.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for width in [20, 57] {
            var all: [PreviewView.VisualRow] = []
            for (index, line) in lines.enumerated() {
                all += PreviewView.wrap(line, styles: PreviewView.syntaxStyles(line), width: width, jsonLine: index)
            }
            for (index, _) in lines.enumerated() {
                #expect(document.rowCount(index, width: width) == all.filter { $0.jsonLine == index }.count)
            }
            for (firstLine, offset) in [(nil, 0), (spans["prompt"]!.lowerBound, 0), (spans["prompt"]!.lowerBound, 200),
                                        (spans["negative_prompt"]!.lowerBound, -3), (spans["seed"]!.lowerBound, 0), (nil, 100_000)] as [(Int?, Int)] {
                let height = 30
                let firstRow = firstLine.flatMap { line in all.firstIndex { $0.jsonLine == line } } ?? 0
                let maxScroll = max(0, all.count - height)
                let scroll = min(maxScroll, max(0, firstRow - height / 3 + offset))
                let window = PreviewView.visibleRows(document, width: width, height: height, firstLine: firstLine, offset: offset)
                #expect(window.scroll == scroll)
                #expect(window.more == (scroll < maxScroll))
                let expected = all.dropFirst(scroll).prefix(height)
                #expect(window.rows.map { String($0.characters) } == expected.map { String($0.characters) })
                #expect(window.rows.map(\.styles) == expected.map(\.styles))
            }
        }
    }
}
