import Testing
@testable import ZqtTUI

@Suite struct TextBufferTests {
    init() { TextWidth.ensureUTF8Locale() }

    @Test func wideCharactersTakeTwoCellsAndTheCursorFollows() {
        var buffer = TextBuffer("一个女孩 girl")
        #expect(TextWidth.of(buffer.text) == 13)
        buffer.moveToStart()
        buffer.moveRight()
        buffer.moveRight()
        #expect(buffer.cursorPosition(width: 40).column == 4)
        buffer.insert("小")
        #expect(buffer.text == "一个小女孩 girl")
    }

    @Test func wrapsAtSpacesByDisplayWidth() {
        let buffer = TextBuffer("masterpiece, best quality, 一个女孩在雨中")
        let lines = buffer.wrap(width: 14).map(buffer.lineText)
        #expect(lines == ["masterpiece, ", "best quality, ", "一个女孩在雨中"])
        for line in lines { #expect(TextWidth.of(line) <= 14) }
    }

    @Test func upAndDownKeepTheColumnInCells() {
        var buffer = TextBuffer("abcdefgh 一二三四")
        // Lines: "abcdefgh " and "一二三四"; cursor at the end of line 2.
        buffer.moveVertically(by: -1, width: 9)
        #expect(buffer.cursorPosition(width: 9) == (0, 8))
        buffer.moveToStart()
        buffer.moveRight(); buffer.moveRight(); buffer.moveRight()
        buffer.moveVertically(by: 1, width: 9)
        // Column 3 falls inside the second wide character: the cursor stops before it.
        #expect(buffer.cursorPosition(width: 9) == (1, 2))
    }

    @Test func wordMotionAndKills() {
        var buffer = TextBuffer("best quality, 1girl, ghost")
        buffer.moveWordLeft()
        #expect(buffer.cursorPosition(width: 80).column == 21)
        buffer.deleteWordBackward()
        #expect(buffer.text == "best quality, ghost")
        buffer.moveToStart()
        buffer.moveWordRight()
        buffer.killToLineEnd()
        #expect(buffer.text == "best")
        buffer.killToLineStart()
        #expect(buffer.text == "")
    }

    @Test func killsStopAtLineBreaks() {
        var buffer = TextBuffer("line one\nline two")
        buffer.killToLineStart()
        #expect(buffer.text == "line one\n")
        #expect(buffer.wrap(width: 20).count == 2)
    }
}
