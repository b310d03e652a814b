import Foundation
import TestScratch
@testable import Images
import Model
import Sandbox
import Testing
@testable import ZqtTUI

/// Issue 21, the gaps the first pass left, each on a real fault: drafts a
/// full disk kept from the history at quit are written elsewhere and said;
/// a screen whose history folder is read-only refuses a send as `zqt send` does.
@Suite(.serialized) struct DiskFaultGapsTests {
    @Test(.needsMount, .needsTmux)
    func draftsAFullDiskKeptFromTheHistoryAreWrittenElsewhereAtQuitAndSaid() async throws {
        try await offThePool { try Self.draftsAtQuitSteps() }
    }

    static func draftsAtQuitSteps() throws {
        let scratch = Scratch()
        let disk = try SmallDisk(kilobytes: 4096)
        defer { disk.unmount() }
        let home = disk.path + "/home"
        let temporary = scratch.path("zqt-unsaved")
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        request.taskID = TaskIDGenerator.shared.next()
        try HistoryStore.open(inFolder: home).saveDraft(ComposeDraft(endpoint: .controlNet, requestJSON: request.wireJSON, fieldDrafts: [:]))
        let session = try TmuxSession(command: "TERM=xterm-256color TMPDIR=\(temporary) ZQT_HOME=\(home) XDG_CONFIG_HOME=\(disk.path)-config "
                                          + "\(ZqtBinary.url.path) --sandbox; echo EXITED=$?; sleep infinity", width: 200, height: 40)
        try session.waitFor(text: "Restored the form as it was left")
        try disk.fill()
        try EndToEndHistoryTests.retype(session, prompt: "words typed on a full disk, then quit")
        try session.waitFor("the draft's fault on the status line") { $0.contains("Draft not saved") }

        try session.send("F10")
        let after = try session.waitFor("zqt's words after the screen") { $0.contains("EXITED=") }
        // The pane wraps long lines: compared without spaces or line breaks.
        let said = after.filter { !$0.isWhitespace }
        #expect(after.contains("EXITED=0"), "\(after)")
        #expect(said.contains("1draftcouldnotbesavedinthehistory("), "\(after)")
        #expect(said.contains("thediskisfull"), "\(after)")
        let files = try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("zqt-unsaved-drafts-") }
        #expect(files.count == 1, "\(files)")
        let file = temporary + "/" + (files.first ?? "")
        #expect(said.contains(file.filter { !$0.isWhitespace }), "the file is named: \(after)")
        let json = try JSONParser.parse(String(contentsOfFile: file, encoding: .utf8))
        #expect(json.value(at: "drafts[0].slot") == .string("compose"))
        #expect(json.value(at: "drafts[0].request.prompt") == .string("words typed on a full disk, then quit"), "nothing typed was lost")
        var mode = stat()
        #expect(stat(file, &mode) == 0 && mode.st_mode & 0o777 == 0o600, "the drafts are the user's alone")
    }

    @Test(.needsMount)
    func unsavedDraftsSkipAFullFolderAndAreNeverWrittenByHalves() throws {
        let scratch = Scratch()
        let disk = try SmallDisk(kilobytes: 64)
        defer { disk.unmount() }
        try disk.fill()
        let elsewhere = scratch.path("zqt-unsaved")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        var request = Request.new(for: .controlNet, taskID: "zqt-20261206-170000-000-test")
        request["prompt"] = .string(String(repeating: "a long prompt ", count: 2000))
        let unsaved = UnsavedDrafts(forms: ["compose": DraftForm(request: request, drafts: [:])], fault: "the disk is full (database or disk is full)")

        #expect(unsaved.write(into: [disk.path]) == nil, "a full folder takes nothing")
        #expect((try FileManager.default.contentsOfDirectory(atPath: disk.path)) == ["filler"], "no half file left")
        let path = try #require(unsaved.write(into: [disk.path, elsewhere]))
        #expect(path.hasPrefix(elsewhere + "/zqt-unsaved-drafts-"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == unsaved.json)
        let said = unsaved.report(writtenTo: path)
        #expect(said.contains("1 draft could not be saved in the history (the disk is full (database or disk is full)): ControlNet (the form on screen)."), "\(said)")
        #expect(!said.contains("compose"), "named by the endpoint's title, not the form's internal key: \(said)")
        #expect(said.contains(path))
        // No folder at all: the JSON itself, on the terminal.
        let printed = unsaved.report(writtenTo: nil)
        #expect(printed.contains("no folder could take them") && printed.contains("a long prompt"), "\(printed.prefix(300))")
    }

    @Test(.needsMount)
    func aScreenWhoseHistoryFolderIsReadOnlyRefusesTheSendInZqtSendsWordsAndKeepsTheForm() throws {
        let disk = try SmallDisk(kilobytes: 4096)
        defer { disk.unmount() }
        do { _ = try HistoryStore.open(inFolder: disk.path + "/home").count() }
        let view = try disk.readOnlyView()
        // Read, never written (issue 21): opened read-only, its writes refused in the folder's words.
        let store = try HistoryStore.open(inFolder: view + "/home")
        let readOnly = try #require(store.readOnly)
        let error = readOnly.refusal(path: store.path)

        var state = makeState(width: 200)
        Reducer.historyOpenedReadOnly(&state, readOnly, path: store.path)
        #expect(state.status?.text.contains("The history is read-only here (the folder is read-only)") == true,
                "said at start: \(state.status?.text ?? "")")
        #expect(state.status?.text.contains("rows are shown; nothing new can be kept, so nothing is sent") == true)
        #expect(state.historyProblem == nil, "its rows are shown")
        var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        request["prompt"] = .string("a quay in a read-only home")
        state.request = request
        let effects = Reducer.send(&state, request, note: "Sending")
        #expect(effects.isEmpty, "nothing leaves: \(effects)")
        #expect(!state.submitting)
        let said = state.status?.text ?? ""
        // The words `zqt send` prints for the same fault (APIError.notRecorded).
        #expect(said.hasPrefix("Send failed: nothing was sent: the folder is read-only, the history cannot keep its row ("), "\(said)")
        #expect(said.contains(APIError.notRecorded(error).message), "\(said)")
        #expect(state.request == request, "the request stays in the form, its id_task unspent")

        // A damaged history keeps its documented way (commit 540e4da): the screen sends, unkept.
        var damaged = makeState()
        Reducer.historyCannotOpen(&damaged, .unreadable(path: "h", SQLiteError(code: 11, message: "database disk image is malformed")))
        #expect(damaged.status?.text.hasPrefix("Nothing you send is kept") == true, "\(damaged.status?.text ?? "")")
        #expect(Reducer.send(&damaged, request, note: "Sending").count == 1, "a damaged history does not stop the send")
    }

    /// A kill inside a copy into the user's folder (`--download DIR`) leaves
    /// its aside part there; the next export into that folder removes it, and
    /// nothing else: a live writer's part and the user's own files stay.
    @Test func aKilledWritersPartInTheUsersFolderIsClearedAtTheNextExportAndNothingElse() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-download")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let names = ["zqt-1-1.png.\(gone.processIdentifier)-123456.part",  // a killed writer's
                     "zqt-1-2.png.\(getpid())-42.part",  // a writer still at work (this process)
                     "film.mkv.part", "notes.\(gone.processIdentifier)-1.part", "zqt-1-3.png"]  // the user's own
        for name in names { #expect(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data("x".utf8))) }
        #expect(ResultImageFiles.removeLeftoversOnce(inFolder: folder) == 1)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(left == names.dropFirst().sorted(), "\(left)")
        #expect(ResultImageFiles.removeLeftoversOnce(inFolder: folder) == 0, "once per folder and process")
    }
}
