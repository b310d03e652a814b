import Foundation
import TestScratch
import Model
import Testing

/// Ctrl-Z and `fg` in a real shell in tmux (issue 19): while zqt is stopped
/// the terminal's modes are the shell's (no mouse reports, no application
/// cursor keys); after `fg` zqt has them again, and the mouse and a
/// bracketed paste work as before the suspend.
@Suite(.serialized) struct EndToEndSuspendTests {
    /// tmux's record of the pane's mouse modes and its application cursor keys (keypad transmit mode, smkx).
    static func modes(_ session: TmuxSession) throws -> (mouse: String, keypad: String) {
        let keypad = try TmuxSession.tmux(["display-message", "-p", "-t", session.name, "#{keypad_cursor_flag}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return (try EndToEndMouseTests.modes(session), keypad)
    }

    @Test(.needsTmux, .needsCurl)
    func afterCtrlZAndFgTheMouseAndABracketedPasteWorkAgain() async throws {
        try await offThePool { try Self.steps() }
    }

    static func steps() throws {
        let scratch = Scratch()
        let home = URL(fileURLWithPath: scratch.path("zqt-e2e-suspend"))
        let config = home.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        // An interactive shell with job control, as a user has: Ctrl-Z stops zqt and `fg` brings it back.
        let session = try TmuxSession(command: "TERM=xterm-256color PS1='shell$ ' HOME=\(home.path) bash --norc --noprofile -i",
                                      width: 100, height: 40)
        try session.waitFor(text: "shell$")
        // Alone on its line: a shell goes on with a list (`zqt; echo`) once zqt stops.
        try session.send("XDG_CONFIG_HOME=\(config.path) ZQT_HOME=\(home.path) \(ZqtBinary.url.path) --sandbox", literal: true)
        try session.send("Enter")
        try session.waitFor(text: "SANDBOX")
        let before = try modes(session)
        #expect(before.mouse == "1001" && before.keypad == "1", "zqt's modes: \(before)")

        try session.send("C-z")
        try session.waitFor(text: "Stopped")
        let stopped = try modes(session)
        #expect(stopped.mouse == "0000" && stopped.keypad == "0", "the shell has its terminal back: \(stopped)")

        try session.send("fg", literal: true)
        try session.send("Enter")
        try session.waitFor("zqt drawn again") { $0.contains("SANDBOX") && !$0.contains("shell$ fg") }
        try waitUntil("the modes to come back", timeout: 60, detail: { "\((try? modes(session)).map { "\($0)" } ?? "")" }) {
            let after = try modes(session)
            return after.mouse == "1001" && after.keypad == "1"
        }

        // A bracketed paste: its line break is text (an edit of the prompt goes on), not Enter ending the edit.
        try session.send("Enter")
        try session.waitFor(text: "Enter done")
        try EndToEndPasteTests.paste(in: scratch, Array("after fg\r".utf8), into: session)
        let pasted = try session.waitFor(text: "after fg")
        #expect(pasted.contains("Enter done"), "the pasted line break did not end the edit: the paste came bracketed")
        try session.send("Escape")
        try session.waitFor("the edit to end") { !$0.contains("Enter done") }

        // A click: the focus goes to the Seed field.
        let screen = try session.screen()
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let seedRow = try #require(rows.firstIndex { $0.contains("Seed") }, "the form shows Seed:\n\(screen)")
        try TmuxSession.tmux(["send-keys", "-t", session.name, "-H"] + EndToEndMouseTests.clickHex(x: 4, y: seedRow))
        try session.waitFor("the focus on Seed") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.indices.contains(seedRow) && lines[seedRow].contains("▸") && lines[seedRow].contains("Seed")
        }

        try session.send("q")
        try session.waitFor("zqt to end") { $0.contains("shell$") && !$0.contains("SANDBOX") }
        try session.send("echo EXITED=$?", literal: true)
        try session.send("Enter")
        try session.waitFor(text: "EXITED=0")
        #expect(try modes(session).mouse == "0000", "the mouse is the terminal's again after zqt")
    }
}
