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

    /// zqt started on a home whose form holds `prompt`, sent once, its task finished, the history open on its row:
    /// the session, the sandbox's URL, the home and the list as shown.
    static func sentOnceAndListed(in scratch: Scratch, prompt: String) throws -> (TmuxSession, String, String, String) {
        let home = try Self.home(in: scratch, prompt: prompt)
        let (session, baseURL) = try Self.start(home: home)
        try session.waitFor(text: "Restored the form as it was left")
        try Self.sendAndSeeItSent(session)
        try session.waitFor("the task's success", timeout: 60) { $0.contains("Success · 1 image") }
        try session.send("F2")
        return (session, baseURL, home, try session.waitFor(text: "1 submission"))
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
        let (session, baseURL, home, list) = try Self.sentOnceAndListed(in: scratch, prompt: "a lighthouse at dusk")
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

    /// `r` asks before sending again (leftovers24: each send is a new task, on the service a paid one, and a
    /// letter meant for a filter just left with Esc is the list's): the question says what goes where; any
    /// other key sends nothing; Enter sends the same request, only its id_task new.
    @Test(.needsTmux, .needsCurl)
    func resendAsksFirstAndSendsTheSameRequestOnYes() async throws {
        try await offThePool { try Self.resendAsksFirstAndSendsTheSameRequestOnYesSteps() }
    }

    static func resendAsksFirstAndSendsTheSameRequestOnYesSteps() throws {
        let scratch = Scratch()
        let (session, baseURL, home, _) = try Self.sentOnceAndListed(in: scratch, prompt: "a lighthouse sent twice")
        // Asked at the narrowest width zqt supports: the question is read whole there too.
        try TmuxSession.tmux(["resize-window", "-t", session.name, "-x", "80", "-y", "24"], capture: false)
        try session.waitFor("the screen at 80 columns") { $0.split(separator: "\n").allSatisfy { $0.count <= 80 } }
        let store = try HistoryStore.open(inFolder: home)
        let first = try #require(try store.list().first)
        func received() throws -> [JSONValue] {
            try #require(try JSONParser.parse(ZqtBinary.shell("curl -s \(baseURL)/sandbox/requests")).arrayValue)
        }
        #expect(try received().count == 1)

        try session.send("r")
        let question = Leftovers24Tests.boxText(try session.waitFor(text: "any other key sends nothing"))
        #expect(question.contains("Send \(first.idTask)") && question.contains("the sandbox (\(baseURL))"), "\(question)")
        #expect(question.contains("new task") && question.contains("new id_task"), "\(question)")
        #expect(try received().count == 1, "nothing sent while asked")
        try session.send("n")
        try session.waitFor("the question to close") { !$0.contains("any other key sends nothing") }
        #expect(try received().count == 1, "another key sends nothing")
        #expect(try store.list().count == 1, "no new row")

        try session.send("r")
        try session.waitFor(text: "any other key sends nothing")
        try session.send("Enter")
        try session.waitFor("the sandbox to receive the second send") { _ in (try? received().count) == 2 }
        let rows = try store.list()
        #expect(rows.count == 2 && Set(rows.map(\.idTask)).count == 2)
        let bodies = try received().map { $0["body"] ?? .null }
        try #require(bodies.count == 2)
        let path = Endpoint.controlNet.taskIDPath
        #expect(bodies[1].value(at: path) != bodies[0].value(at: path), "a new id_task")
        var (old, again) = (bodies[0], bodies[1])
        old.set(nil, at: path)
        again.set(nil, at: path)
        #expect(again == old, "the same request but for id_task")
        try session.send("q")
        try session.waitFor("zqt to exit") { !$0.contains("SANDBOX") }
    }
}
