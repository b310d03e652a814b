import Model
import Testing
@testable import ZqtTUI

/// A key that moves every wrapped line below it (issue 18, farlayout23): the
/// edit field re-wraps a screen's worth past the cursor and lays out the rest
/// when the cursor goes there. What a user sees must be what laying out the
/// whole text again gives: the lines around the cursor, the cursor's row and
/// column, the lines far below once the cursor goes down to them. Each test
/// holds the kept layout to a buffer that keeps none (its every motion and
/// frame wraps the whole text, as the field did before the layout was kept).
@Suite struct FarLayoutTests {
    init() { TextWidth.ensureUTF8Locale() }

    /// Long paragraphs (a greedy wrap of repeated text rarely falls in step
    /// again after a key near its start), paragraphs after them, CJK, and
    /// characters wider than a narrow field (a tab, control characters).
    static let texts: [String: String] = [
        "one paragraph": String(repeating: "a lighthouse on a rocky cliff at dusk, volumetric light, 8k, ", count: 140),
        "paragraphs": String(repeating: String(repeating: "a lighthouse on a rocky cliff at dusk, volumetric light, 8k, ", count: 36) + "\nshort one\n\n", count: 5),
        "cjk": String(repeating: "一个女孩在雨中，灯塔 lighthouse, ", count: 260),
        "wide": String(repeating: "ab\tc\u{1}d 一 x\u{7F}y ", count: 400),
    ]

    static let samples = ["a", " ", "lighthouse ", "灯塔", "\n", "\t", "e\u{301}", "，", "x y "]

    @Test(arguments: ["one paragraph", "paragraphs", "cjk", "wide"], [3, 13, 41])
    func editsAndMotionsShowWhatAWholeWrapShows(text name: String, width: Int) throws {
        let text = try #require(Self.texts[name])
        var dice = LargeTextTests.Dice(state: UInt64(width * 7919 + name.count))
        var buffer = TextBuffer(text)
        var reference = TextBuffer(text)
        buffer.keepLayout(width: width)
        buffer.moveToStart()
        reference.moveToStart()
        for step in 0..<120 {
            let op = dice.next(14)
            let sample = Self.samples[dice.next(Self.samples.count)]
            let target = dice.next(4) == 0 ? dice.next(buffer.count + 1) : dice.next(min(buffer.count + 1, 300))
            let lines = [-1, 1, -3, 3, 40, -40, 200][dice.next(7)]
            let toEnd = dice.next(3) == 0
            for copy in [0, 1] {
                var edited = copy == 0 ? buffer : reference
                switch op {
                case 0, 1, 2, 3: edited.insert(sample)
                case 4: edited.backspace()
                case 5: edited.deleteForward()
                case 6: edited.moveCursor(to: target)
                case 7: edited.moveVertically(by: lines, width: width)
                case 8: edited.moveToLineStart(width: width)
                case 9: edited.moveToLineEnd(width: width)
                case 10: edited.killToLineEnd()
                case 11: for _ in 0..<5 { _ = edited.apply(.selectRight, width: width) }; edited.deleteSelection()
                case 12: edited.deleteWordBackward()
                default: if toEnd { edited.moveToEnd() } else { edited.moveToStart() }
                }
                if copy == 0 { buffer = edited } else { reference = edited }
            }
            let note = "\(name), width \(width), step \(step), op \(op)"
            #expect(buffer.text == reference.text && buffer.cursor == reference.cursor, "\(note)")
            let whole = reference.wrap(width: width)
            let kept = buffer.linesThroughCursor(width: width)
            let position = reference.cursorPosition(width: width)
            let same = kept == Array(whole.prefix(kept.count))
            #expect(same, "\(note): the kept lines are the whole wrap's (first differing: \(kept.indices.first { $0 >= whole.count || kept[$0] != whole[$0] } ?? -1) of \(kept.count))")
            #expect(kept.count == whole.count || kept.count > position.line + TextBuffer.lookahead, "\(note): \(kept.count) lines kept")
            let cursorSame = buffer.cursorPosition(width: width) == position
            #expect(cursorSame, "\(note)")
            if step % 16 == 0 { let all = buffer.wrap(width: width) == whole; #expect(all, "\(note): every line, the rest laid out on asking") }
            if !same || !cursorSame { return }
        }
    }

    /// The user's case: keys typed at the start of a long paragraph of
    /// repeated tags (some move every line below it for good), paragraphs
    /// after it, then the cursor taken far down: the lines laid out are the
    /// whole wrap's, and every line is there once the cursor goes to the end.
    @Test(arguments: [37, 41, 53, 80, 97])
    func keysAtTheStartOfALongParagraphThenFarDownShowTheWholeWrap(width: Int) {
        let phrase = "a lighthouse on a rocky cliff at dusk, volumetric light, 8k, "
        let text = String(repeating: String(repeating: phrase, count: 60) + "\nshort one\n\n", count: 4)
        var buffer = TextBuffer(text)
        buffer.keepLayout(width: width)
        buffer.moveToStart()
        for character in "0123456789abcdefghij" {
            buffer.insert(String(character))
            let kept = buffer.linesThroughCursor(width: width)
            let whole = TextBuffer(buffer.text).wrap(width: width)
            let same = kept == Array(whole.prefix(kept.count))
            #expect(same, "after \(character.debugDescription): \(kept.count) of \(whole.count) lines laid out")
            let all = buffer.wrap(width: width) == whole
            #expect(all, "after \(character.debugDescription): every line, asked for")
        }
        for _ in 0..<150 { buffer.moveVertically(by: 1, width: width) }
        var reference = TextBuffer(buffer.text)
        reference.moveCursor(to: buffer.cursor)
        #expect(buffer.cursorPosition(width: width) == reference.cursorPosition(width: width))
        #expect(buffer.cursorPosition(width: width).line == 150)
        buffer.moveToEnd()
        reference.moveToEnd()
        #expect(buffer.linesThroughCursor(width: width) == reference.wrap(width: width))
        #expect(buffer.cursorPosition(width: width) == reference.cursorPosition(width: width))
    }

    /// A line of one space, a word the wide character after it did not fit
    /// with, and that character: a newline typed before the character ends
    /// the first line after the word (" ab" then "一"), which the mend found
    /// only by starting two lines above the edit.
    @Test func aNewlineBeforeAPushedDownWideCharacterMendsTheLineTwoAbove() {
        var buffer = TextBuffer(" ab一")
        buffer.keepLayout(width: 3)
        #expect(buffer.wrap(width: 3).map(buffer.lineText) == [" ", "ab", "一"])
        buffer.moveCursor(to: 3)
        buffer.insert("\n")
        #expect(buffer.wrap(width: 3).map(buffer.lineText) == [" ab", "一"])
        #expect(buffer.wrap(width: 3) == TextBuffer(buffer.text).wrap(width: 3))
    }

    /// On the screen: the prompt field after keys at the start of a pasted
    /// long text, and after the cursor goes far down, is drawn as a field
    /// laid out whole draws it (the same cells, the cursor in the same cell).
    @Test(arguments: ["one paragraph", "paragraphs", "cjk"])
    func theScreenAfterAKeyAtTheStartIsTheWholeWrapsScreen(text name: String) throws {
        let text = try #require(Self.texts[name])
        var state = makeState()
        focus(&state, .prompt)
        press(&state, .enter)
        press(&state, .ctrl("u"))
        _ = Reducer.reduce(&state, .paste(text))
        press(&state, .ctrlHome)
        func expectTheWholeWrapsScreen(_ note: String) throws {
            let buffer = try #require(state.view.editing?.buffer)
            var whole = state
            var fresh = TextBuffer(buffer.text)
            fresh.moveCursor(to: buffer.cursor)
            whole.view.editing?.buffer = fresh
            let shown = Screen.render(state), expected = Screen.render(whole)
            #expect(shown.text == expected.text, "\(name): \(note)")
            #expect(shown.cursor.map { [$0.x, $0.y] } == expected.cursor.map { [$0.x, $0.y] }, "\(name): \(note)")
        }
        for character in "a lighthouse, " {
            type(&state, String(character))
            try expectTheWholeWrapsScreen("after \(character.debugDescription) at the start")
        }
        for step in 0..<3 {
            for _ in 0..<60 { press(&state, .down) }
            try expectTheWholeWrapsScreen("after \(60 * (step + 1)) lines down")
        }
        type(&state, "x")
        press(&state, .end, .up, .up)
        try expectTheWholeWrapsScreen("after a key far down, End and ↑")
        press(&state, .ctrlEnd)
        try expectTheWholeWrapsScreen("at the end")
    }
    /// ↑/↓ further than the lines laid out past the cursor (review23): a
    /// key at the start of long paragraphs cuts the layout `lookahead`
    /// lines past it; 100 lines down is a line there, not the text's end.
    @Test func movingFurtherDownThanTheLinesLaidOutLandsOnTheLine() {
        let phrase = "a lighthouse on a rocky cliff at dusk, volumetric light, 8k, "
        let text = String(repeating: String(repeating: phrase, count: 60) + "\nshort one\n\n", count: 4)
        for width in [13, 41] {
            var buffer = TextBuffer(text)
            var reference = TextBuffer(text)
            buffer.keepLayout(width: width)
            for key in ["0", "1", "2"] {
                buffer.moveToStart()
                reference.moveToStart()
                buffer.insert(key)
                reference.insert(key)
            }
            for delta in [100, 150, -120, 60] {
                buffer.moveVertically(by: delta, width: width)
                reference.moveVertically(by: delta, width: width)
                #expect(buffer.cursor == reference.cursor, "width \(width), \(delta) lines")
            }
            #expect(buffer.cursor < buffer.count, "width \(width): still within the text")
        }
    }
}
