import Foundation
import TestScratch
import Testing

/// Ctrl-↑/↓ as tmux sends them (CSI 1;5A/B) reach the prompt as keys, with
/// a terminfo entry that names them (xterm) and one that does not (screen,
/// tmux's own default inside it): never typed into the prompt as text.
@Suite(.serialized) struct EndToEndPromptWeightTests {
    @Test(.needsTmux, arguments: ["xterm-256color", "screen"])
    func ctrlUpAndDownWeighTheWordInTmux(term: String) async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = URL(fileURLWithPath: scratch.path("zqt-e2e-weight"))
            defer { try? FileManager.default.removeItem(at: home) }
            let session = try TmuxSession(command: "TERM=\(term) ZQT_HOME=\(home.path) \(ZqtBinary.url.path) --sandbox",
                                          width: 100, height: 40)
            try session.waitFor(text: "SANDBOX")
            try session.send("Enter")
            try session.waitFor(text: "Enter done")
            try session.send("C-u")
            try session.send("a red hat", literal: true)
            try session.send("C-Up", "C-Up", "C-Down", "C-Up")
            try session.waitFor(text: "a red (hat:1.2)")
            try session.send("Enter")
            let screen = try session.waitFor("the edit to end") { !$0.contains("Enter done") }
            #expect(screen.contains("a red (hat:1.2)"), "\(term)")
            #expect(!screen.contains("1;5"), "\(term): no key typed as text")
        }
    }
}
