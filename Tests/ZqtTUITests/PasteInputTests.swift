import Foundation
import Model
import Testing
@testable import ZqtTUI

/// Issue 8, "Crashes and hangs on input": a paste is text, never commands;
/// it lands in one insert however long it is; invalid UTF-8 loses nothing after it.
struct PasteInputTests {
    /// Feeds bytes (and key codes) to a decoder as wgetch would hand them over.
    static func decode(_ codes: [Int32], decoder: inout InputDecoder) -> [TerminalInput] {
        var rest = codes[...]
        return decoder.decode { rest.popFirst() }
    }

    static func decode(_ codes: [Int32]) -> [TerminalInput] {
        var decoder = InputDecoder(functionKey: { $0 == 0x103 ? .up : nil })
        return decode(codes, decoder: &decoder)
    }

    static func bytes(_ text: String) -> [Int32] { text.utf8.map { Int32($0) } }

    @Test func bracketedPasteIsOnePasteWithItsControlCharactersAsText() {
        var decoder = InputDecoder(functionKey: { $0 == 0x103 ? .up : nil })
        let start = Self.decode(Self.bytes("x") + [InputDecoder.pasteStartCode], decoder: &decoder)
        let codes = Self.bytes("hello\u{13}world\r") + [0x103] + [InputDecoder.pasteEndCode] + Self.bytes("q")
        #expect(start + Self.decode(codes, decoder: &decoder) == [.text("x"), .paste("hello\u{13}world\r"), .text("q")],
                "the pasted Ctrl-S and CR are text; a key sequence inside the paste is dropped")
    }

    @Test func aPasteReadStraightFromTheTerminalEndsAtItsEndMark() {
        var decoder = InputDecoder(functionKey: { _ in nil })
        #expect(Self.decode([InputDecoder.pasteStartCode] + Self.bytes("ignored"), decoder: &decoder).isEmpty,
                "the decoder stops at the paste's start, so the rest can be read in large reads")
        #expect(decoder.feedPaste(Array("a cat\u{1B}[20".utf8)).paste == nil)
        let (paste, after) = decoder.feedPaste(Array("1~q\u{1B}[A".utf8))
        #expect(paste == "a cat" && after == Array("q\u{1B}[A".utf8), "the end mark split over two reads is found")
        #expect(!decoder.insidePaste)
    }

    @Test func aPasteSpreadOverReadsIsKeptUntilItsEnd() {
        var decoder = InputDecoder(functionKey: { _ in nil })
        #expect(Self.decode([InputDecoder.pasteStartCode], decoder: &decoder).isEmpty)
        #expect(Self.decode(Self.bytes("a cat "), decoder: &decoder).isEmpty)
        #expect(decoder.insidePaste)
        #expect(Self.decode(Self.bytes("in the rain") + [InputDecoder.pasteEndCode], decoder: &decoder)
                == [.paste("a cat in the rain")])
        #expect(!decoder.insidePaste)
    }

    @Test func invalidUTF8BecomesReplacementCharactersAndTheRestIsKept() {
        let broken: [Int32] = Self.bytes("ab") + [0xFF, 0xC3] + Self.bytes("cd") + [0xE4, 0xB8, 0x80] + Self.bytes("e")
        var decoder = InputDecoder(functionKey: { _ in nil })
        _ = Self.decode([InputDecoder.pasteStartCode], decoder: &decoder)
        #expect(Self.decode(broken + [InputDecoder.pasteEndCode], decoder: &decoder) == [.paste("ab\u{FFFD}\u{FFFD}cd一e")])
        _ = Self.decode([InputDecoder.pasteStartCode], decoder: &decoder)
        #expect(decoder.feedPaste(broken.map { UInt8($0) } + InputDecoder.pasteEnd).paste == "ab\u{FFFD}\u{FFFD}cd一e")
        // Typed, not pasted: the same, one run of text.
        #expect(Self.decode(broken) == [.text("ab\u{FFFD}\u{FFFD}cd一e")])
    }

    @Test func escapeAltAndControlKeysStillDecode() {
        #expect(Self.decode([27]) == [.key(.escape)])
        #expect(Self.decode([27] + Self.bytes("x")) == [.key(.alt("x"))])
        #expect(Self.decode([19, 13, 9, 127]) == [.key(.ctrl("s")), .key(.enter), .key(.tab), .key(.backspace)])
    }

    @Test func aLongPasteIsReadAFewThousandCodesAtATime() {
        var decoder = InputDecoder(functionKey: { _ in nil })
        var produced = 0
        var calls = 0
        _ = Self.decode([InputDecoder.pasteStartCode], decoder: &decoder)
        let out = decoder.decode {
            calls += 1
            produced += 1
            return 97
        }
        #expect(out.isEmpty)
        #expect(calls == InputDecoder.readLimit, "the reader returns to the loop, which answers keys and signals")
    }

    // MARK: Bursts without bracketed paste

    @Test func aBurstWithAControlKeyBetweenTextIsAPaste() {
        let keys: [TerminalInput] = "hello".map { .key(.char($0)) } + [.key(.ctrl("s"))] + "world".map { .key(.char($0)) }
        #expect(TerminalApp.actions(for: keys).map(\.label) == ["paste(hello\u{13}world)"])
        let quitting: [TerminalInput] = [.key(.char("a")), .key(.ctrl("a")), .key(.enter), .key(.char("q")), .key(.char("y"))]
        #expect(TerminalApp.actions(for: quitting).map(\.label) == ["paste(a\u{1}\rqy)"])
    }

    @Test func typedKeysStayKeysAndRunsOfCharactersAreOneInsert() {
        let keys: [TerminalInput] = "abc".map { .key(.char($0)) } + [.key(.enter)]
        #expect(TerminalApp.actions(for: keys).map(\.label) == ["typed(abc)", "key(enter)"])
        #expect(TerminalApp.actions(for: [.key(.function(10)), .key(.char("y"))]).map(\.label) == ["key(function(10))", "typed(y)"])
        // Enter, Ctrl-U, new text, Enter read together (a loaded machine): still keys.
        let retype: [TerminalInput] = [.key(.enter), .key(.ctrl("u"))] + "dawn".map { .key(.char($0)) } + [.key(.enter)]
        #expect(TerminalApp.actions(for: retype).map(\.label) == ["key(enter)", "key(ctrl(\"u\"))", "typed(dawn)", "key(enter)"])
        // A line break with text after it, as before: a paste.
        let lines: [TerminalInput] = [.key(.char("a")), .key(.enter), .key(.char("b"))]
        #expect(TerminalApp.actions(for: lines).map(\.label) == ["paste(a\rb)"])
    }

    // MARK: The reducer

    @Test func pastedControlCharactersNeverRunCommands() {
        var state = makeState()
        focus(&state, .prompt)
        press(&state, .enter)
        let effects = Reducer.reduce(&state, .paste("hello\u{13}world\r\u{1}\rqy\u{1B}[2J"))
        #expect(effects.isEmpty, "nothing sent, nothing quit")
        #expect(state.view.editing?.buffer.text == "helloworld\n\nqy[2J")
        #expect(!state.quitting)
    }

    @Test func aOneLineFieldGetsSpacesForLineBreaksAndTabs() {
        #expect(PastedText.clean("a\r\nb\tc\nd", multiline: false) == "a b c d")
        #expect(PastedText.clean("a\r\nb\tc\rd", multiline: true) == "a\nb\tc\nd")
    }

    @Test func typedTextIsTheSameAsItsKeysOneByOne() {
        var byKeys = makeState()
        var typed = makeState()
        // Not editing: 'a' opens the unit picker, its letters filter it; then editing.
        type(&byKeys, "acanny")
        _ = Reducer.reduce(&typed, .typed("acanny"))
        #expect(Screen.render(typed).text == Screen.render(byKeys).text)
    }

    /// The preview's JSON copies unescaped runs whole: a mark after a quote, emoji and controls stay exact.
    @Test func jsonStringsAreWrittenExactlyWithRunsCopiedWhole() {
        var out = ""
        JSONWriter.writeString("\"\u{301}x👍🏽\\\u{1}\u{202E}end", into: &out)
        #expect(out == "\"\\\"\u{301}x👍🏽\\\\\\u0001\u{202E}end\"")
        #expect(out.unicodeScalars.count == 1 + 2 + 1 + 1 + 2 + 2 + 6 + 1 + 3 + 1)
    }

    /// A megabyte pasted or typed in one burst goes in with one insert: about a second at most
    /// (typed a key at a time, the same took minutes: each key copied and checked the whole text).
    @Test func aMegabyteLandsInOnePass() {
        let megabyte = String(repeating: "a cat in the rain, ", count: 1 << 20 / 19)
        for action in [Action.paste(megabyte), .typed(megabyte)] {
            var state = makeState()
            focus(&state, .prompt)
            press(&state, .enter)
            // The reducer's part (insert, validation): once, not once per character.
            // A frame of it is measured end to end (EndToEndPasteTests).
            let seconds = threadCPUTime { _ = Reducer.reduce(&state, action) }
            #expect(state.view.editing?.buffer.text.count == megabyte.count)
            // A bound on the shape, not a benchmark: a pass per character would take
            // minutes of CPU (CPUTime.swift says why not the clock).
            #expect(seconds < .seconds(10), "\(action.label.prefix(6)): \(seconds)")
        }
    }
}

extension Action {
    /// Short names for comparing the actions of a burst.
    var label: String {
        switch self {
        case let .key(key): return "key(\(key))"
        case let .paste(text): return "paste(\(text))"
        case let .typed(text): return "typed(\(text))"
        default: return "\(self)"
        }
    }
}
