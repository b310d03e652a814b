import Foundation
import TestScratch
import Model
import Testing

/// Issue 8: pastes into the real zqt in tmux. tmux brackets a paste
/// (`paste-buffer -p`) when zqt asked for bracketed paste, as xterm does.
@Suite(.serialized) struct EndToEndPasteTests {
    /// zqt in a pane, editing the prompt; the shell says how zqt ended.
    static func editingPrompt(in scratch: Scratch, _ tag: String) throws -> (TmuxSession, URL) {
        let home = URL(fileURLWithPath: scratch.path("zqt-paste-\(tag)"))
        let session = try TmuxSession(command: "TERM=xterm-256color ZQT_HOME=\(home.path) \(ZqtBinary.url.path) --sandbox; echo EXITED=$?; sleep infinity",
                                      width: 120, height: 40)
        try session.waitFor(text: "SANDBOX")
        try session.send("Enter")
        try session.waitFor(text: "Enter done")
        return (session, home)
    }

    /// Pastes these bytes as the terminal would: from a tmux buffer, bracketed.
    static func paste(in scratch: Scratch, _ bytes: [UInt8], into session: TmuxSession, bracketed: Bool = true) throws {
        let file = URL(fileURLWithPath: scratch.path("zqt-paste"))
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try TmuxSession.tmux(["load-buffer", "-b", session.name, file.path], capture: false)
        try TmuxSession.tmux(["paste-buffer", "-d", "-b", session.name, "-t", session.name] + (bracketed ? ["-p"] : []), capture: false)
    }

    @Test(.needsTmux)
    func pastedControlCharactersAreTextNotCommands() async throws {
        let scratch = Scratch()
        try await offThePool {
            let (session, home) = try Self.editingPrompt(in: scratch, "controls")
            defer { try? FileManager.default.removeItem(at: home) }
            // Ctrl-S would send; Ctrl-A, Enter, q, y would quit.
            try Self.paste(in: scratch, Array("hello\u{13}world\u{1}\rqy".utf8), into: session)
            let screen = try session.waitFor(text: "helloworld")
            #expect(!screen.contains("Sent to"), "the pasted Ctrl-S sent nothing")
            #expect(screen.contains("SANDBOX") && !screen.contains("Quit anyway") && !screen.contains("EXITED"),
                    "the pasted Ctrl-A, Enter, q, y did not quit")
            #expect(screen.contains("Enter done"), "the pasted Enter did not end the edit")
        }
    }

    @Test(.needsTmux)
    func aBurstOfKeysWithControlsInsideIsText() async throws {
        let scratch = Scratch()
        try await offThePool {
            let (session, home) = try Self.editingPrompt(in: scratch, "burst")
            defer { try? FileManager.default.removeItem(at: home) }
            // Not bracketed: keys sent in one go, as a terminal without bracketed paste would.
            try Self.paste(in: scratch, Array("hello\u{13}world".utf8), into: session, bracketed: false)
            let screen = try session.waitFor(text: "helloworld")
            #expect(!screen.contains("Sent to"), "the Ctrl-S inside the burst sent nothing")
        }
    }

    /// A paste cut off before its end mark is taken as it stands, and keys work again.
    @Test(.needsTmux)
    func aPasteWithoutItsEndIsTakenAfterAQuietSecond() async throws {
        let scratch = Scratch()
        try await offThePool {
            let (session, home) = try Self.editingPrompt(in: scratch, "cut")
            defer { try? FileManager.default.removeItem(at: home) }
            try TmuxSession.tmux(["send-keys", "-t", session.name, "-H", "1b", "5b", "32", "30", "30", "7e"] + "cut off".utf8.map { String($0, radix: 16) })
            try session.waitFor(text: "cut off")
            try session.send("Escape")
            try session.waitFor("the edit to end") { !$0.contains("Enter done") }
        }
    }

    @Test(.needsTmux)
    func invalidUTF8KeepsTheRestOfThePaste() async throws {
        let scratch = Scratch()
        try await offThePool {
            let (session, home) = try Self.editingPrompt(in: scratch, "utf8")
            defer { try? FileManager.default.removeItem(at: home) }
            try Self.paste(in: scratch, Array("before".utf8) + [0xFF, 0xC3] + Array("after 一只猫".utf8), into: session)
            try session.waitFor(text: "before\u{FFFD}\u{FFFD}after 一只猫")
        }
    }

    /// A megabyte lands (its last word shows) in a few seconds even in a debug
    /// build, and SIGTERM right after it is answered.
    @Test(.needsTmux)
    func aMegabytePasteLandsAndSignalsAreStillAnswered() async throws {
        let scratch = Scratch()
        try await offThePool {
            let (session, home) = try Self.editingPrompt(in: scratch, "megabyte")
            defer { try? FileManager.default.removeItem(at: home) }
            let words = "a cat in the rain, studio light, "
            let text = String(repeating: words, count: 1_000_000 / words.count) + "LASTWORD"
            // zqt's own CPU time for it (CPUTime.swift says why not the clock).
            let zqt = try #require(firstChild(of: try session.panePID()), "zqt under the pane's shell")
            let before = try #require(processCPUSeconds(zqt))
            try Self.paste(in: scratch, Array(text.utf8), into: session)
            try session.waitFor(text: "LASTWORD", timeout: 120)
            let seconds = try #require(processCPUSeconds(zqt)) - before
            #expect(seconds < 10, "a megabyte took \(seconds) s of zqt's CPU")
            try Self.paste(in: scratch, Array(text.utf8), into: session)
            _ = try ZqtBinary.shell("pkill -TERM -P \(try session.panePID())")
            try session.waitFor(text: "EXITED=143", timeout: 60)
        }
    }
}

/// Issue 8: the terminal gets whole grapheme clusters, not their first scalar.
@Suite(.serialized) struct EndToEndGraphemeTests {
    @Test(.needsTmux)
    func clustersAndInvisibleCharactersReachTheScreen() async throws {
        let scratch = Scratch()
        try await offThePool {
            let (session, home) = try EndToEndPasteTests.editingPrompt(in: scratch, "graphemes")
            defer { try? FileManager.default.removeItem(at: home) }
            try EndToEndPasteTests.paste(in: scratch, Array("x e\u{301} 👍🏽 👨\u{200D}👩\u{200D}👧 \u{202E}evil".utf8), into: session)
            try session.send("Enter")
            let screen = try session.waitFor(text: "⟨U+202E⟩evil")
            #expect(screen.contains("e\u{301}"), "the accent is drawn with its letter")
            #expect(screen.contains("x e\u{301} 👍⟨U+1F3FD⟩ 👨⟨U+200D⟩👩⟨U+200D⟩👧"),
                    "the accent with its letter, the skin tone, the whole family")
        }
    }
}
