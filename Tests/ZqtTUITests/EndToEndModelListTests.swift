import Foundation
import TestScratch
import Model
import Testing

/// The real zqt binary in tmux with its in-process sandbox: the LoRA picker
/// opened while typing the prompt, fed by the LoRA list read in the
/// background (§1.5, inferred path), puts `<lora:NAME:1>` into the request.
@Suite(.serialized) struct EndToEndModelListTests {
    @Test(.needsTmux)
    func aLoRAPickedInThePromptShowsInTheJSONPreview() async throws {
        try await offThePool { try Self.pickALoRASteps() }
    }

    static func pickALoRASteps() throws {
        let scratch = Scratch()
        let home = URL(fileURLWithPath: scratch.path("zqt-e2e"))
        defer { try? FileManager.default.removeItem(at: home) }
        let session = try TmuxSession(command: "TERM=xterm-256color ZQT_HOME=\(home.path) \(ZqtBinary.url.path) --sandbox",
                                      width: 100, height: 50)
        try session.waitFor(text: "SANDBOX")

        // Typing the prompt, Ctrl-T opens the LoRA picker at the cursor.
        try session.send("Enter")
        try session.waitFor(text: "Enter done")
        try session.send("a cat in the rain, ", literal: true)
        try session.send("C-t")
        try session.waitFor(text: "Insert a LoRA at the cursor")
        // The list arrives in the background; the open picker shows it when it does.
        try session.waitFor(text: "Detail Tweaker · SD 1.5", timeout: 30)
        try session.send("add_det", literal: true)
        try session.waitFor("the filtered LoRA") { $0.contains("> add_det") && $0.contains("add_detail") }
        try session.send("Enter")
        try session.waitFor("the picker closed") { !$0.contains("Insert a LoRA at the cursor") && $0.contains("Enter done") }
        // The cursor is after the token: what is typed next follows it.
        try session.send(", masterpiece", literal: true)
        try session.send("Enter")

        try session.send("F3")
        try session.waitFor(text: #""prompt": "a cat in the rain, <lora:add_detail:1>, masterpiece","#)
        try session.send("F3")
        // The form is kept as a draft: q quits without asking (issue 19).
        try session.send("q")
        try session.waitFor("zqt to exit") { !$0.contains("SANDBOX") }
    }
}
