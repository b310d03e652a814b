import Foundation
import TestScratch
import Model
import Testing
@testable import ZqtTUI

/// Nothing pasted is lost (draftcheck): a long paste into the real zqt, a
/// few keys, then quit; the draft the next start restores holds the prompt
/// byte for byte. Without bracketed paste the text came in 64 KB reads and
/// wgetch read on behind them, and every ~130 KB a character was cut into
/// U+FFFD, in the field and in the saved draft.
@Suite(.serialized) struct PastedDraftTests {
    /// Text of characters of two, three and four bytes (so a read almost
    /// always ends inside one), and emoji joined into clusters.
    static func text(bytes: Int) -> String {
        let words = ["一个女孩在雨中", "灯塔", "🎨🖌️", "👍🏽", "naïve café", "🐱\u{200D}👤", ", "]
        var text = ""
        var index = 0
        while text.utf8.count < bytes {
            text += words[index % words.count]
            index += 1
        }
        return text
    }

    /// The prompt the next start puts back: the saved draft, read as zqt reads it at start.
    static func restoredPrompt(home: URL) throws -> String? {
        let store = try HistoryStore.open(inFolder: home.path)
        guard let saved = try store.loadDrafts()[DraftCodec.currentSlot], let form = DraftCodec.form(saved) else { return nil }
        return form.drafts[FieldID("prompt")]?.text ?? form.request.prompt
    }

    /// Keys typed after the paste, a character of three bytes among them.
    static let typed = " typed 灯XQ"

    static func pasteTypeAndQuit(_ text: String, bracketed: Bool) throws -> String? {
        let scratch = Scratch()
        let (session, home) = try EndToEndPasteTests.editingPrompt(in: scratch, bracketed ? "draft-bracketed" : "draft-unbracketed")
        defer { try? FileManager.default.removeItem(at: home) }
        try EndToEndPasteTests.paste(in: scratch, Array(text.utf8), into: session, bracketed: bracketed)
        try session.waitFor(text: "LASTWORD", timeout: 120)
        try session.send(Self.typed, literal: true)
        try session.waitFor(text: "XQ", timeout: 60)
        try session.send("F10")
        try session.waitFor(text: "EXITED=0", timeout: 60)
        return try restoredPrompt(home: home)
    }

    @Test(.needsTmux)
    func aMegabytePastedWithoutBracketsComesBackWhole() async throws {
        try await offThePool {
            let text = Self.text(bytes: 1_000_000) + "LASTWORD"
            let restored = try #require(try Self.pasteTypeAndQuit(text, bracketed: false), "a draft was saved")
            let expected = text + Self.typed
            // Counts and positions only: a failure does not print the megabyte.
            #expect(restored.utf8.count == expected.utf8.count)
            let cut = restored.unicodeScalars.filter { $0 == "\u{FFFD}" }.count
            #expect(cut == 0, "characters cut into U+FFFD")
            let same = restored == expected
            #expect(same, "first difference at byte \(zip(restored.utf8, expected.utf8).prefix { $0 == $1 }.count)")
        }
    }

    @Test(.needsTmux)
    func aBracketedPasteWithLinesComesBackWhole() async throws {
        try await offThePool {
            // 300 KB in 40 lines (tmux sends each line break as CR, a field's new line).
            let text = (0..<40).map { "line \($0): " + Self.text(bytes: 7_500) }.joined(separator: "\n") + "\nLASTWORD"
            let restored = try #require(try Self.pasteTypeAndQuit(text, bracketed: true), "a draft was saved")
            let expected = text + Self.typed
            let same = restored == expected
            #expect(same, "first difference at byte \(zip(restored.utf8, expected.utf8).prefix { $0 == $1 }.count)")
        }
    }
}
