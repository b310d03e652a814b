import Foundation
import TestScratch
import Model
import Testing

/// The mouse in the real binary, in tmux (issue 19): tmux writes the SGR
/// report a click makes (`send-keys -H`, the bytes a terminal sends), and
/// tmux's own flags say which mouse modes zqt asked for and gave back.
@Suite(.serialized) struct EndToEndMouseTests {
    @Test(.needsTmux, .needsCurl)
    func aClickFocusesTheFieldUnderItAndTheModesGoBackAtExit() async throws {
        try await offThePool { try Self.clickSteps(mouseOff: false) }
    }

    @Test(.needsTmux, .needsCurl)
    func mouseFalseLeavesTheMouseToTheTerminal() async throws {
        try await offThePool { try Self.clickSteps(mouseOff: true) }
    }

    /// tmux's record of the pane's mouse modes: standard (1000), button (1002), any (1003), SGR (1006).
    static func modes(_ session: TmuxSession) throws -> String {
        try TmuxSession.tmux(["display-message", "-p", "-t", session.name,
                              "#{mouse_standard_flag}#{mouse_button_flag}#{mouse_all_flag}#{mouse_sgr_flag}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The bytes of an SGR left press and release at a cell counted from 0, as hex for `send-keys -H`.
    static func clickHex(x: Int, y: Int) -> [String] {
        ("\u{1B}[<0;\(x + 1);\(y + 1)M" + "\u{1B}[<0;\(x + 1);\(y + 1)m").utf8.map { String(format: "%02x", $0) }
    }

    static func clickSteps(mouseOff: Bool) throws {
        let scratch = Scratch()
        let home = URL(fileURLWithPath: scratch.path("zqt-e2e-mouse"))
        let config = home.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: config.appendingPathComponent("zqt"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        if mouseOff { try "mouse = false\n".write(to: config.appendingPathComponent("zqt/config.toml"), atomically: true, encoding: .utf8) }
        let session = try TmuxSession(command: "TERM=xterm-256color XDG_CONFIG_HOME=\(config.path) ZQT_HOME=\(home.path) "
                                          + "\(ZqtBinary.url.path) --sandbox; echo EXITED=$?; sleep infinity",
                                      width: 100, height: 40)
        let first = try session.waitFor(text: "SANDBOX")
        #expect(try modes(session) == (mouseOff ? "0000" : "1001"), "button events in SGR form only, never motion")

        // The row of the Seed field, and a click on its label.
        let rows = first.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let seedRow = try #require(rows.firstIndex { $0.contains("Seed") }, "the form shows Seed:\n\(first)")
        #expect(!rows[seedRow].contains("▸"))
        try TmuxSession.tmux(["send-keys", "-t", session.name, "-H"] + clickHex(x: 4, y: seedRow))
        if mouseOff {
            // Nothing asked for the mouse: tmux sends no report, and a stray one moves nothing.
            try session.send("j")
            let after = try session.waitFor("the focus moved by a key") { screen in
                let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
                return lines.filter { $0.contains("▸") }.count == 1 && !rows.indices.contains { rows[$0].contains("▸") && lines[$0].contains("▸") }
            }
            #expect(!after.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[seedRow].contains("▸"))
        } else {
            try session.waitFor("the focus on Seed") { screen in
                let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
                return lines.indices.contains(seedRow) && lines[seedRow].contains("▸") && lines[seedRow].contains("Seed")
            }
        }

        // Quit: the modes are given back to the terminal.
        try session.send("q")
        let end = try session.waitFor(text: "EXITED=")
        _ = end
        #expect(try modes(session) == "0000", "the mouse is the terminal's again after zqt")
    }
}
