import Foundation
import TestScratch
import Model
import Testing
@testable import ZqtTUI

/// Issue 18 (burst18): thousands of keys arriving at once (a held key, a
/// macro, `tmux send-keys -N`) were gathered into one list of actions before
/// any was handled, 25 MB for 20,000 ↑. They are now handled as they are
/// read; every key must still take effect, in order, as if typed one by one.
@Suite(.serialized) struct KeyBurstTests {
    /// ↑ and ↓ as the pane's terminal (xterm-256color: kcuu1, kcud1) sends them.
    static let up = "\u{1B}OA", down = "\u{1B}OB"

    /// Typed characters that never start a name the sandbox's lists offer
    /// under the cursor (a word's letters would: ↓/↑ then pick in that list,
    /// which a form without the lists does not have), a wide one among them.
    static let typed: [Character] = [".", ",", "!", "?", ";", "=", "灯", "|"]

    /// A burst of ↑, ↓ and typed characters, the same every run: more typed
    /// than arrows, so the text grows over many lines.
    static func burst(keys: Int) -> [Key] {
        var seed: UInt32 = 18
        return (0..<keys).map { _ in
            seed = seed &* 1_664_525 &+ 1_013_904_223
            switch seed >> 28 {
            case 0...3: return .up
            case 4...6: return .down
            default: return .char(typed[Int(seed >> 8 & 7)])
            }
        }
    }

    static func bytes(_ keys: [Key]) -> [UInt8] {
        Array(keys.map { key -> String in
            switch key {
            case .up: return up
            case .down: return down
            case let .char(character): return String(character)
            default: return ""
            }
        }.joined().utf8)
    }

    /// The form as the prompt's edit leaves it after `keys`, one reduce a key.
    static func typedOneByOne(_ keys: [Key]) -> AppState {
        var state = makeState(width: 120, height: 40)
        focus(&state, .prompt)
        press(&state, .enter)
        for key in keys { press(&state, key) }
        return state
    }

    @Test func aBurstReadAsOneReadDoesWhatItsKeysDoOneByOne() throws {
        let keys = Self.burst(keys: 5_000)
        var state = makeState(width: 120, height: 40)
        focus(&state, .prompt)
        press(&state, .enter)
        let inputs = keys.map { key -> TerminalInput in if case let .char(c) = key { .text(String(c)) } else { .key(key) } }
        TerminalApp.forEachAction(for: inputs) { _ = Reducer.reduce(&state, $0) }
        let expected = Self.typedOneByOne(keys)
        let text = try #require(state.view.editing?.buffer.text), wanted = try #require(expected.view.editing?.buffer.text)
        #expect(text == wanted, "first difference at character \(zip(text, wanted).prefix { $0 == $1 }.count)")
        #expect(state.view.editing?.buffer.cursor == expected.view.editing?.buffer.cursor)
    }

    @Test(.needsTmux)
    func fiveThousandKeysSentAtOnceTakeEffectAsTypedOneByOne() async throws {
        let keys = Self.burst(keys: 5_000)
        // What they do one at a time, in the same form at the pane's size; "QZ" typed after them shows where the cursor was.
        var state = Self.typedOneByOne(keys)
        let before = try #require(Self.typedOneByOne([]).view.editing?.buffer.text)
        type(&state, "QZ")
        let expected = try #require(state.view.editing?.buffer.text)
        #expect(expected.count == before.count + keys.filter { if case .char = $0 { true } else { false } }.count + 2)

        try await offThePool {
            let scratch = Scratch()
            let (session, home) = try EndToEndPasteTests.editingPrompt(in: scratch, "burst")
            defer { try? FileManager.default.removeItem(at: home) }
            // One write to the terminal: tmux's paste without brackets sends the bytes as they are.
            try EndToEndPasteTests.paste(in: scratch, Self.bytes(keys), into: session, bracketed: false)
            // Read after the burst, in order (one terminal): no wait needed, and none for a screen that may wrap "QZ".
            try session.send("QZ", literal: true)
            try session.send("F10")
            try session.waitFor(text: "EXITED=0", timeout: 60)
            let restored = try #require(try PastedDraftTests.restoredPrompt(home: home), "a draft was saved")
            #expect(restored.count == expected.count)
            let same = restored == expected
            #expect(same, "first difference at character \(zip(restored, expected).prefix { $0 == $1 }.count)")
        }
    }
}
