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

    /// End stays on the visual row it was pressed on (newcomer19: on a wrapped
    /// line it went after the wrap's space, to the next row's start), as Home does;
    /// on the last row, and before a newline, it is the line's end.
    @Test func endStaysOnTheWrappedRow() {
        var buffer = TextBuffer("masterpiece, best quality, 一个女孩在雨中\nsecond")
        // Rows at 14: "masterpiece, ", "best quality, ", "一个女孩在雨中", "second".
        buffer.moveToStart()
        buffer.moveToLineEnd(width: 14)
        #expect(buffer.cursorPosition(width: 14) == (0, 12), "after the comma, before the space the row broke after")
        buffer.moveToLineEnd(width: 14)
        #expect(buffer.cursorPosition(width: 14) == (0, 12), "a second End stays")
        buffer.moveToLineStart(width: 14)
        #expect(buffer.cursorPosition(width: 14) == (0, 0))
        buffer.moveVertically(by: 1, width: 14)
        buffer.moveToLineEnd(width: 14)
        #expect(buffer.cursorPosition(width: 14) == (1, 13))
        buffer.moveVertically(by: 1, width: 14)
        buffer.moveToLineEnd(width: 14)
        #expect(buffer.cursorPosition(width: 14) == (2, 14), "a row ended by a newline: its end")
        // What is typed there goes at the row's end, before the space.
        var typed = TextBuffer("masterpiece, best quality")
        typed.moveToStart()
        typed.moveToLineEnd(width: 14)
        typed.insert("!")
        #expect(typed.text == "masterpiece,! best quality")
        // A word longer than the row is cut without a space: End stops before the cut's last character.
        var long = TextBuffer("abcdefghij")
        long.moveToStart()
        long.moveToLineEnd(width: 4)
        #expect(long.cursorPosition(width: 4) == (0, 3))
        long.moveVertically(by: 2, width: 4)
        long.moveToLineEnd(width: 4)
        #expect(long.cursorPosition(width: 4) == (2, 2), "the text's last row: its end")
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
