// Issue 18 (pastemem18): a paste without bracketed paste (a terminal that does
// not mark pastes, tmux's paste-buffer without -p) arrives as typing. It went
// through the loop as a Key per character: a megabyte held as some 700,000 of
// them at once, 53 MB resident at its peak. Typed characters in a row are now
// one text input; what the user sees in the field must not change.

import Model
import Testing
@testable import ZqtTUI

@Suite struct UnmarkedPasteTests {
    /// Bytes as the terminal sends them, in reads of `read` bytes (a character
    /// cut by a read carried to the next, as CursesTerminal carries it),
    /// through the decoder: what the loop gathers as one burst.
    static func arrive(_ bytes: [UInt8], read: Int) -> [TerminalInput] {
        var decoder = InputDecoder(functionKey: { _ in nil })
        var inputs: [TerminalInput] = []
        var carried: [UInt8] = []
        var start = 0
        while start < bytes.count {
            let block = carried + bytes[start..<min(bytes.count, start + read)]
            start += read
            let cut = start < bytes.count ? CursesTerminal.unfinishedUTF8(block) : 0
            carried = Array(block.suffix(cut))
            var codes = block.dropLast(cut).map(Int32.init)[...]
            inputs += decoder.decode { codes.popFirst() }
        }
        return inputs
    }

    /// What the reducer makes of a burst, as the loop hands it over.
    static func reduce(_ inputs: [TerminalInput], into state: inout AppState) {
        for action in TerminalApp.actions(for: inputs) { _ = Reducer.reduce(&state, action) }
    }

    /// Prompt tags in English and Chinese, a tab and a line break (CR, as tmux sends one) in each line.
    static func lines(bytes: Int) -> String {
        var text = ""
        var index = 0
        while text.utf8.count < bytes {
            text += ["masterpiece, 一个女孩在雨中", "\tfilm grain, 灯塔", ", naïve café 🎨\r"][index % 3]
            index += 1
        }
        return text + "LASTWORD"
    }

    @Test func aLongUnmarkedPasteFillsThePromptAsTypedAndIsAFewInputs() {
        var state = makeState()
        focus(&state, .prompt)
        press(&state, .enter)
        let text = Self.lines(bytes: 300_000)
        let inputs = Self.arrive(Array(text.utf8), read: 4093)
        // The runs between line breaks and tabs, not a key per character (some 200,000).
        #expect(inputs.count < 30_000)
        #expect(!inputs.contains { if case .key(.char) = $0 { true } else { false } })
        Self.reduce(inputs, into: &state)
        // Still editing: the pasted line breaks did not end the edit; then keys are keys again.
        #expect(state.view.editing != nil)
        Self.reduce(Self.arrive(Array(" 灯X".utf8), read: 2), into: &state)
        Self.reduce([.key(.enter)], into: &state)
        #expect(state.view.editing == nil, "Enter typed after the paste ends the edit")
        let expected = text.replacingOccurrences(of: "\r", with: "\n") + " 灯X"
        #expect(state.request.prompt.utf8.count == expected.utf8.count)
        let same = state.request.prompt == expected
        #expect(same, "first difference at byte \(zip(state.request.prompt.utf8, expected.utf8).prefix { $0 == $1 }.count)")
    }

    @Test func anUnmarkedPasteIntoAOneLineFieldHasSpacesForBreaksAndTabs() throws {
        var state = makeState()
        let field = try #require(state.fields.first { if case .text(lines: 1) = $0.kind { true } else { false } }, "a one-line field")
        focus(&state, field.id)
        press(&state, .enter)
        Self.reduce(Self.arrive(Array("一只猫\tin the rain\rat dusk".utf8), read: 5), into: &state)
        #expect(state.view.editing?.buffer.text == "一只猫 in the rain at dusk")
    }

    @Test func keysAroundTypedTextStayKeys() {
        // Alt-x, Esc and Backspace between typed runs, characters cut by a read (no read
        // ends at an ESC here: CursesTerminal waits ESCDELAY for what follows one, `arrive` does not).
        let inputs = Self.arrive(Array("ab灯\u{1B}xcd\u{1B}".utf8) + [0x7F] + Array("é".utf8), read: 4)
        #expect(TerminalApp.actions(for: inputs).map(\.label)
            == ["typed(ab灯)", "key(alt(\"x\"))", "typed(cd)", "key(escape)", "key(backspace)", "typed(é)"])
    }

    @Test func invalidBytesInTypedTextAreReplacementCharactersAsBefore() {
        let broken: [UInt8] = Array("ab".utf8) + [0xFF, 0xE4, 0xB8] + Array("cd".utf8) + [0xC3] + [13] + Array("一e".utf8)
        let inputs = Self.arrive(broken, read: broken.count)
        #expect(inputs == [.text("ab\u{FFFD}\u{FFFD}cd\u{FFFD}"), .key(.enter), .text("一e")])
    }
}
