import Foundation
import TestScratch
import Testing

/// The rest of issue 19's prompt editing, tried in tmux as a user meets it:
/// Shift-arrows select (as tmux sends them, with a terminfo entry that names
/// them and one that does not) and Ctrl-↑ weighs the selection; the prompt
/// in the form is coloured when not being edited; the LoRA names pop up
/// under the cursor after `<lora:` and Tab takes one.
@Suite(.serialized) struct EndToEndPromptEditingTests {
    static func start(in scratch: Scratch, term: String = "xterm-256color", _ body: @escaping @Sendable (TmuxSession) throws -> Void) async throws {
        try await offThePool {
            let home = URL(fileURLWithPath: scratch.path("zqt-e2e-prompt"))
            let config = URL(fileURLWithPath: scratch.path("zqt-e2e-prompt-config"))
            defer {
                try? FileManager.default.removeItem(at: home)
                try? FileManager.default.removeItem(at: config)
            }
            let session = try TmuxSession(command: "TERM=\(term) ZQT_HOME=\(home.path) XDG_CONFIG_HOME=\(config.path) \(ZqtBinary.url.path) --sandbox",
                                          width: 100, height: 40)
            try session.waitFor(text: "SANDBOX")
            try body(session)
        }
    }

    @Test(.needsTmux, arguments: ["xterm-256color", "screen"])
    func shiftArrowsSelectAndCtrlUpWeighsTheSelection(term: String) async throws {
        let scratch = Scratch()
        try await Self.start(in: scratch, term: term) { session in
            try session.send("Enter")
            try session.waitFor(text: "Enter done")
            try session.send("C-u")
            try session.send("a red hat, sky", literal: true)
            try session.send("Left", "Left", "Left", "Left", "Left")
            try session.send("S-Left", "S-Left", "S-Left", "S-Left", "S-Left", "S-Left", "S-Left")
            try session.send("C-Up", "C-Up")
            try session.waitFor(text: "a (red hat:1.2), sky")
            // The selection stayed on the words: typing replaces them.
            try session.send("blue cap", literal: true)
            try session.waitFor(text: "a (blue cap:1.2), sky")
            // Shift-Home selects back to the line's start; Backspace deletes what is selected.
            try session.send("S-Home", "BSpace")
            try session.waitFor("the selection deleted") { $0.contains(":1.2), sky") && !$0.contains("blue") }
            try session.send("Enter")
            let screen = try session.waitFor("the edit to end") { !$0.contains("Enter done") }
            #expect(screen.contains(":1.2), sky") && !screen.contains("blue"), "\(term)")
            #expect(!screen.contains("1;2"), "\(term): no key typed as text")
        }
    }

    /// tmux sends Home and End as CSI 1~ and 4~ whatever TERM says; with TERM=xterm-256color,
    /// whose terminfo names other bytes, they were typed into the prompt as "Alt-[" and "1~".
    /// Ctrl-Home/End and Alt-</> reach the whole text's start and end, not the line's.
    @Test(.needsTmux, arguments: ["xterm-256color", "screen"])
    func homeAndEndAsTmuxSendsThemAndCtrlHomeEndReachTheWholeText(term: String) async throws {
        let scratch = Scratch()
        try await Self.start(in: scratch, term: term) { session in
            try session.send("Enter")
            try session.waitFor(text: "Enter done")
            try session.send("C-u")
            try session.send("first", literal: true)
            try session.send("C-j")
            try session.send("second", literal: true)
            // Each key, then a letter typed where it put the cursor.
            for (key, letter) in [("Home", "B"), ("End", "E"), ("C-Home", "A"), ("C-End", "Z"), ("M-<", "0"), ("M->", "9")] {
                try session.send(key)
                try session.send(letter, literal: true)
            }
            let screen = try session.waitFor("every key in its place") { $0.contains("Prompt              0Afirst\n") && $0.contains(" BsecondEZ9\n") }
            #expect(!screen.contains("1~") && !screen.contains("1;5"), "\(term): no key typed as text")
        }
    }

    @Test(.needsTmux)
    func thePromptIsColouredInTheFormWhenNotEdited() async throws {
        let scratch = Scratch()
        try await Self.start(in: scratch) { session in
            try session.send("Enter")
            try session.waitFor(text: "Enter done")
            try session.send("C-u")
            try session.send("a (red:1.2) hat [open", literal: true)
            try session.send("Enter")
            try session.waitFor("the edit to end") { !$0.contains("Enter done") && $0.contains("a (red:1.2) hat [open") }
            let line = try #require(try session.screenWithColours().split(separator: "\n").first { $0.contains("Prompt") && $0.contains("red") })
            // Bold underlined (magenta, with colours) on the brackets and the weight, reversed (red) on the [ nothing closes.
            func marked(_ attributes: String, colour: String, before text: String) -> Bool {
                line.contains(attributes + "m" + text) || line.contains(attributes + "m\u{1B}[" + colour + "m" + text)
            }
            #expect(marked("1;4", colour: "35", before: "(") && marked("1;4", colour: "35", before: ":1.2)"), "\(line)")
            #expect(marked("7", colour: "31", before: "[") || marked("1;7", colour: "31", before: "["), "\(line)")
        }
    }

    @Test(.needsTmux)
    func loraNamesPopUpUnderTheCursorAndTabTakesOne() async throws {
        let scratch = Scratch()
        try await Self.start(in: scratch) { session in
            try session.send("Enter")
            try session.waitFor(text: "Enter done")
            try session.send("C-u")
            try session.send("a cat, <lora:", literal: true)
            // The list appears once the sandbox's LoRA list has been read.
            try session.waitFor("the LoRA names under the cursor", timeout: 30) { screen in
                let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
                guard let row = lines.firstIndex(where: { $0.contains("a cat, <lora:") }), row + 2 < lines.count else { return false }
                return lines[row + 1].contains("add_detail") && lines[row + 2].contains("more_details")
            }
            try session.send("mo", literal: true)
            try session.waitFor("the list narrowed") { !$0.contains("add_detail") && $0.contains("more_details") }
            try session.send("Tab")
            try session.waitFor(text: "a cat, <lora:more_details:1>")
            try session.send(", rain", literal: true)
            try session.send("Enter")
            try session.send("F3")
            try session.waitFor(text: #""prompt": "a cat, <lora:more_details:1>, rain","#)
        }
    }
}
