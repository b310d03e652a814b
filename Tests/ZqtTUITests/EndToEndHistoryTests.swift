import Foundation
import TestScratch
import Model
import Sandbox
import Testing

/// The real zqt binary in tmux against its in-process sandbox, with a
/// history folder of its own: what a user does with past submissions.
@Suite(.serialized) struct EndToEndHistoryTests {
    /// A ZQT_HOME whose saved draft is the service's example with `prompt`,
    /// so the form opens ready to send.
    static func home(in scratch: Scratch, prompt: String) throws -> String {
        let folder = scratch.path("zqt-e2e-history")
        var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        request["prompt"] = .string(prompt)
        request.taskID = TaskIDGenerator.shared.next()
        try HistoryStore.open(inFolder: folder).saveDraft(ComposeDraft(endpoint: .controlNet, requestJSON: request.wireJSON, fieldDrafts: [:]))
        return folder
    }

    static func start(home: String, width: Int = 120, height: Int = 40) throws -> (TmuxSession, String) {
        let session = try TmuxSession(command: "TERM=xterm-256color ZQT_HOME=\(home) \(ZqtBinary.url.path) --sandbox",
                                      width: width, height: height)
        let screen = try session.waitFor(text: "SANDBOX")
        let baseURL = try #require(screen.firstMatch(of: /→ (http:\/\/127\.0\.0\.1:\d+)/)?.1).description
        return (session, baseURL)
    }

    /// Presses F5 and waits until the send is seen: its "Sent to" line or,
    /// a task followed from a quarter second on (issue 18) having already
    /// replaced it, its task's own status line; both name the id_task the
    /// form showed.
    static func sendAndSeeItSent(_ session: TmuxSession) throws {
        let form = try session.screen()
        let id = try #require(form.firstMatch(of: /id_task\s+(zqt-[0-9a-z-]+)/)?.1).description
        try session.send("F5")
        try session.waitFor("the send of \(id)") { $0.contains("task_id \(id)") || $0.contains("Task \(id):") }
    }

    /// Replaces the prompt (the form opens focused on it).
    static func retype(_ session: TmuxSession, prompt: String) throws {
        try session.send("Enter")
        try session.send("C-u")
        try session.send(prompt, literal: true)
        try session.send("Enter")
        try session.waitFor(text: prompt)
    }

    @Test(.needsTmux, .needsCurl)
    func sendOpenFromHistoryChangeAndSendAgain() async throws {
        try await offThePool { try Self.sendOpenFromHistoryChangeAndSendAgainSteps() }
    }

    static func sendOpenFromHistoryChangeAndSendAgainSteps() throws {
        let scratch = Scratch()
        let home = try Self.home(in: scratch, prompt: "a lighthouse at dusk")
        let (session, baseURL) = try Self.start(home: home)
        try session.waitFor(text: "Restored the form as it was left")

        try Self.sendAndSeeItSent(session)
        try session.waitFor("the task's success", timeout: 60) { $0.contains("Success · 1 image") }

        try session.send("F2")
        let list = try session.waitFor(text: "1 submission")
        #expect(list.contains("✓") && list.contains("a lighthouse at dusk"))
        try session.send("e")
        try session.waitFor(text: "with a new task id")
        try Self.retype(session, prompt: "a lighthouse at dawn, 灯塔")
        try Self.sendAndSeeItSent(session)
        try session.send("F2")
        try session.waitFor(text: "2 submissions")

        let store = try HistoryStore.open(inFolder: home)
        let rows = try store.list()
        #expect(rows.map(\.prompt) == ["a lighthouse at dawn, 灯塔", "a lighthouse at dusk"])
        #expect(Set(rows.map(\.idTask)).count == 2, "each send has its own id_task")
        let received = try #require(try JSONParser.parse(ZqtBinary.shell("curl -s \(baseURL)/sandbox/requests")).arrayValue)
        #expect(received.count == 2)
        for (row, body) in zip(rows.reversed(), received) {
            let kept = try #require(try store.record(id: row.id))
            #expect(try JSONParser.parse(kept.requestJSON) == body["body"], "history holds exactly what the sandbox received")
        }
        try session.send("q")
        try session.waitFor("zqt to exit") { !$0.contains("SANDBOX") }
    }

    /// The "done when": three sends, quit, start again, find the
    /// second by part of its prompt, see its result URL, open it, change it, send.
    @Test(.needsTmux)
    func findAnEarlierSubmissionAfterARestartAndSendItAgainChanged() async throws {
        try await offThePool { try Self.findAnEarlierSubmissionAfterARestartAndSendItAgainChangedSteps() }
    }

    static func findAnEarlierSubmissionAfterARestartAndSendItAgainChangedSteps() throws {
        let scratch = Scratch()
        let home = try Self.home(in: scratch, prompt: "a lighthouse at dusk")
        var (session, _) = try Self.start(home: home)
        for prompt in ["a lighthouse at dusk", "a red bicycle in the snow", "portrait of a cat"] {
            if prompt != "a lighthouse at dusk" { try Self.retype(session, prompt: prompt) }
            try Self.sendAndSeeItSent(session)
            try session.waitFor("the task's success", timeout: 60) { $0.contains("Success · 1 image") }
        }
        try session.send("q")
        try session.waitFor("zqt to exit") { !$0.contains("SANDBOX") }

        (session, _) = try Self.start(home: home)
        try session.send("F2")
        try session.waitFor(text: "3 submissions")
        try session.send("/")
        try session.send("bicy", literal: true)
        let found = try session.waitFor(text: "1 match")
        #expect(found.contains("a red bicycle in the snow") && !found.contains("portrait of a cat"))
        try session.send("Enter")
        try session.send("Enter")
        let entry = try session.waitFor(text: "Results (1)")
        let second = try #require(try HistoryStore.open(inFolder: home).list(filter: "bicycle").first)
        #expect(entry.contains("/sandbox/images/\(second.idTask)/0.png"), "its result URL is on screen")
        try session.send("e")
        try session.waitFor(text: "with a new task id")
        try Self.retype(session, prompt: "a blue bicycle in the snow")
        try Self.sendAndSeeItSent(session)
        try session.waitFor("the task's success", timeout: 60) { $0.contains("Success · 1 image") }

        let rows = try HistoryStore.open(inFolder: home).list()
        #expect(rows.map(\.prompt) == ["a blue bicycle in the snow", "portrait of a cat", "a red bicycle in the snow", "a lighthouse at dusk"])
        #expect(rows.allSatisfy { $0.state == .succeeded })
        try session.send("q")
    }

    @Test(.needsTmux)
    func killingZqtLosesAtMostTheLastSecondOfTyping() async throws {
        try await offThePool { try Self.killingZqtLosesAtMostTheLastSecondOfTypingSteps() }
    }

    static func killingZqtLosesAtMostTheLastSecondOfTypingSteps() throws {
        let scratch = Scratch()
        let home = try Self.home(in: scratch, prompt: "")
        var (session, _) = try Self.start(home: home)
        try session.send("Enter")
        try session.waitFor(text: "Enter done")  // editing: the text is typed, not a paste after an Enter
        let typed = "half a prompt, 一半"
        try session.send(typed, literal: true)
        try session.waitFor(text: typed)
        // zqt saves the draft about a second after the typing stops: kill it once
        // the history file holds the half-typed text, however long that took.
        let store = try HistoryStore.open(inFolder: home)
        var saved: (prompt: String?, typed: [String: String])?
        try waitUntil("the half-typed prompt in the saved draft", timeout: 60, detail: { "the draft was \(String(describing: saved))" }) {
            guard let draft = try store.loadDraft() else { return false }
            saved = ((try? JSONParser.parse(draft.requestJSON))?["prompt"]?.stringValue, draft.fieldDrafts)
            return saved?.prompt == typed || draft.fieldDrafts.values.contains(typed)
        }
        // The pane's process is zqt itself, or the shell that started it.
        let pane = try session.panePID()
        _ = try ZqtBinary.shell("if [ \"$(ps -o comm= -p \(pane))\" = zqt ]; then kill -KILL \(pane); else pkill -KILL -P \(pane) -x zqt; fi")
        try session.waitFor("zqt to die") { !$0.contains("SANDBOX") }

        (session, _) = try Self.start(home: home)
        let screen = try session.waitFor(text: "Restored the form as it was left")
        #expect(screen.contains(typed))
        try session.send("q", "y")
    }

    @Test(.needsTmux)
    func copyingTheRequestReachesTheTerminalsClipboard() async throws {
        try await offThePool { try Self.copyingTheRequestReachesTheTerminalsClipboardSteps() }
    }

    static func copyingTheRequestReachesTheTerminalsClipboardSteps() throws {
        let scratch = Scratch()
        let home = try Self.home(in: scratch, prompt: "a copied prompt")
        let (session, _) = try Self.start(home: home)
        // tmux keeps what a program sends with OSC 52 as a paste buffer when allowed to.
        try TmuxSession.tmux(["set-option", "-s", "set-clipboard", "on"], capture: false)
        try Self.sendAndSeeItSent(session)
        try session.send("F2")
        try session.waitFor(text: "1 submission")
        try session.send("y")
        try session.waitFor(text: "Copied the request JSON of")
        let buffer = try TmuxSession.tmux(["show-buffer"])
        let row = try #require(try HistoryStore.open(inFolder: home).list().first)
        #expect(buffer == (try HistoryStore.open(inFolder: home).record(id: row.id))?.requestJSON)
        try session.send("q")
    }
}
