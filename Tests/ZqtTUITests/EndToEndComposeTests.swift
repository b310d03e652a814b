import Foundation
import TestScratch
import Model
import Testing

/// Drives the real zqt binary in tmux against its in-process sandbox, as a
/// user would: type a prompt, add a Canny unit, change its weight, send.
@Suite(.serialized) struct EndToEndComposeTests {
    @Test(.needsTmux, .needsCurl)
    func composeAddCannyChangeWeightAndSend() async throws {
        try await offThePool { try Self.composeAddCannyChangeWeightAndSendSteps() }
    }

    static func composeAddCannyChangeWeightAndSendSteps() throws {
        let scratch = Scratch()
        let home = URL(fileURLWithPath: scratch.path("zqt-e2e"))
        defer { try? FileManager.default.removeItem(at: home) }
        let session = try TmuxSession(command: "TERM=xterm-256color ZQT_HOME=\(home.path) \(ZqtBinary.url.path) --sandbox",
                                      width: 100, height: 70)
        let first = try session.waitFor(text: "SANDBOX")
        let baseURL = try #require(first.firstMatch(of: /→ (http:\/\/127\.0\.0\.1:\d+)/)?.1).description

        // The prompt, with Chinese text.
        try session.send("Enter")
        try session.waitFor(text: "Enter done")  // editing: the text is typed, not a paste after an Enter
        try session.send("a cat in the rain, 一只猫", literal: true)
        try session.send("Enter")
        try session.waitFor(text: "a cat in the rain, 一只猫")

        // A Canny unit, its control image, and its weight two steps down.
        try session.send("a")
        try session.waitFor(text: "Add a ControlNet unit")
        try session.send("canny", literal: true)
        try session.send("Enter")
        try session.waitFor(text: "ControlNet unit 1 of 1")
        try session.send("Down", "Down", "Enter")
        try session.waitFor(text: "Enter done")  // editing: what follows is typed, not a paste after an Enter
        try session.send("https://example.com/edges.png", literal: true)
        try session.send("Enter")
        try session.send("Down", "Down", "Down", "Left", "Left")
        try session.waitFor("weight 0.9") { $0.contains("Weight") && $0.contains(" 0.9") }
        try session.send("Escape")
        try session.waitFor(text: "✓ canny · canny")

        // The first send is refused for the missing checkpoint and lands on it.
        try session.send("F5")
        try session.waitFor(text: "Not sent: choose a checkpoint model")
        try session.send("Enter")
        try session.waitFor(text: "photon_v1_84728.safetensors")
        try session.send("photon", literal: true)
        try session.send("Enter")

        // What the preview shows, read off the screen…
        try session.send("F3")
        // The whole preview, closing brace included: tmux may show a frame half written.
        let preview = try session.waitFor("the JSON preview") { screen in
            screen.contains("exactly what is sent") && screen.contains("photon_v1")
                && screen.split(separator: "\n").contains { $0.hasPrefix(" }") || $0.hasPrefix("▌}") }
        }
        let rows = preview.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(rows.firstIndex { $0.contains("exactly what is sent") }) + 1
        let end = try #require(rows.lastIndex { $0.hasPrefix(" }") || $0.hasPrefix("▌}") })
        let shown = rows[start...end].map { row in
            var line = String(row.dropFirst())
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")

        // …is exactly what the sandbox receives.
        try session.send("F5")
        try session.waitFor(text: "Sent to ControlNet: task_id")
        let received = try ZqtBinary.shell("curl -s \(baseURL)/sandbox/requests")
        let bodies = try #require(try JSONParser.parse(received).arrayValue)
        #expect(bodies.count == 1)
        let body = try #require(bodies.first?["body"])
        #expect(JSONWriter.pretty(body) == shown, "the preview showed exactly the JSON that was sent")
        let request = Request(endpoint: .controlNet, body: body)
        #expect(request.prompt == "a cat in the rain, 一只猫")
        #expect(request.controlNetUnits?.first?.module == "canny")
        #expect(request.controlNetUnits?.first?.weight == 0.9)
        #expect(request.controlNetUnits?.first?.imageLink == "https://example.com/edges.png")

        // The task is followed to its end in the status line.
        try session.waitFor("the task's success", timeout: 60) { $0.contains("Success · 1 image") }

        // Nothing unsent now: q quits at once and the terminal is given back.
        try session.send("q")
        try session.waitFor("zqt to exit") { !$0.contains("SANDBOX") }
    }

    @Test(.needsTmux)
    func tooSmallThenResizedAndQuitKeepingTheDraft() async throws {
        try await offThePool { try Self.tooSmallThenResizedAndQuitKeepingTheDraftSteps() }
    }

    static func tooSmallThenResizedAndQuitKeepingTheDraftSteps() throws {
        let scratch = Scratch()
        let command = "TERM=screen ZQT_HOME=\(scratch.path("zqt-tests-small")) \(ZqtBinary.url.path) --sandbox"
        let session = try TmuxSession(command: command, width: 70, height: 20)
        try session.waitFor(text: "Terminal too small: 70×20")
        try TmuxSession.tmux(["resize-window", "-t", session.name, "-x", "120", "-y", "40"], capture: false)
        try session.waitFor(text: "exactly what is sent")
        try session.send("Enter")
        try session.send("unsent words", literal: true)
        // Text, Enter and more text read in one burst is a paste (the Enter goes in as a line break):
        // each step waits for the screen, as a user would see it.
        try session.waitFor(text: "unsent words")
        try session.send("Enter")
        try session.waitFor("the edit to end") { !$0.contains("Enter done") }
        // The form is kept as a draft on the way out: q asks nothing about
        // "changes that were not sent" (issue 19), and the next start brings them back.
        try session.send("q")
        let exited = try session.waitFor("zqt to exit") { !$0.contains("SANDBOX") || $0.contains("Quit anyway?") }
        #expect(!exited.contains("Quit anyway?"))
        let again = try TmuxSession(command: command, width: 120, height: 40)
        try again.waitFor(text: "unsent words")
        try again.send("F10")
        try again.waitFor("zqt to exit") { !$0.contains("SANDBOX") }
    }

    @Test(.needsTmux, arguments: ["SIGTERM", "SIGHUP", "SIGQUIT", "SIGINT"])
    func aSignalRestoresTheTerminal(signal: String) async throws {
        try await offThePool { try Self.aSignalRestoresTheTerminalSteps(signal: signal) }
    }

    static func aSignalRestoresTheTerminalSteps(signal: String) throws {
        let scratch = Scratch()
        // stty -a after zqt: the terminal zqt leaves behind (echo and line editing back on).
        let session = try TmuxSession(command: "ZQT_HOME=\(scratch.path("zqt-tests-\(signal)")) \(ZqtBinary.url.path) --sandbox; echo EXITED=$?; stty -a | tr ' ' '\\n' | grep -x -e echo -e -echo -e icanon -e -icanon | tr '\\n' ' '; echo STTY-DONE; sleep infinity",
                                      width: 100, height: 30)
        try session.waitFor(text: "SANDBOX")
        // The pane runs a shell whose child is zqt: signal exactly that child.
        _ = try ZqtBinary.shell("pkill -\(signal.dropFirst(3)) -P \(try session.panePID())")
        let screen = try session.waitFor(text: "STTY-DONE")
        let number = ["SIGHUP": 1, "SIGINT": 2, "SIGQUIT": 3, "SIGTERM": 15][signal]!
        #expect(screen.contains("EXITED=\(128 + number)"))
        #expect(screen.contains("zqt: ended by \(signal)"), "zqt says why it ended")
        #expect(screen.contains("icanon echo STTY-DONE"), "stty -a after zqt: echo and icanon are back on")
        #expect(!screen.contains("SANDBOX"), "the compose screen is gone: the terminal was restored")
    }

    /// A crash (a fault signal) leaves the terminal usable too: echo and line editing back on (issue 8).
    @Test(.needsTmux, arguments: ["SIGSEGV", "SIGABRT"])
    func aCrashRestoresTheTerminal(signal: String) async throws {
        let scratch = Scratch()
        try await offThePool {
            let session = try TmuxSession(command: "ZQT_HOME=\(scratch.path("zqt-tests-\(signal)")) \(ZqtBinary.url.path) --sandbox; echo EXITED=$?; stty -a | tr ' ' '\\n' | grep -x -e echo -e -echo -e icanon -e -icanon | tr '\\n' ' '; echo STTY-DONE; sleep infinity",
                                          width: 100, height: 30)
            try session.waitFor(text: "SANDBOX")
            _ = try ZqtBinary.shell("pkill -\(signal.dropFirst(3)) -P \(try session.panePID())")
            let screen = try session.waitFor(text: "STTY-DONE")
            let number = ["SIGSEGV": 11, "SIGABRT": 6][signal] ?? 0
            #expect(screen.contains("EXITED=\(128 + number)"), "the crash is still a crash")
            #expect(screen.contains("icanon echo STTY-DONE"), "stty -a after the crash: echo and icanon are back on")
        }
    }

    /// A terminal ncurses cannot drive gets a clear message and status 2, not a title line without a word.
    @Test(.needsTmux, arguments: [("dumb", "cannot move the cursor"),
                                  ("no-such-terminal-zqt", "is not known here")])
    func aTerminalWithoutCursorAddressingIsToldSo(term: String, says: String) async throws {
        let scratch = Scratch()
        try await offThePool {
            let session = try TmuxSession(command: "TERM=\(term) ZQT_HOME=\(scratch.path("zqt-tests-\(term)")) \(ZqtBinary.url.path) --sandbox; echo EXITED=$?; sleep infinity",
                                          width: 100, height: 30)
            let screen = try session.waitFor(text: "EXITED=")
            #expect(screen.contains("EXITED=2"))
            #expect(screen.contains(says))
            #expect(screen.contains("zqt send request.json"), "how to run without a screen")
        }
    }
}
