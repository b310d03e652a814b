import Foundation
import TestScratch
import Model
import Testing
@testable import ZqtTUI

/// Issue 21, a newcomer's findings about drafts no history keeps: a history
/// that could not be opened at all (a read-only folder, a newer zqt's) lost
/// the typed text at quit and on SIGTERM/SIGHUP; the file of unsaved drafts
/// could not be loaded back; the next start claimed the form was restored;
/// the history screen said "sending still works" where F5 refuses; the
/// status cut its point off at 80 columns.
@Suite(.serialized) struct UnsavedDraftsTests {
    /// A short folder of its own in /tmp: the quit question's box and the status show it whole at 80 columns.
    static func shortFolder(_ name: String) throws -> String {
        let folder = "/tmp/zqt-\(name)-\(getpid())-\(Int.random(in: 0..<100_000))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    static func unsavedFiles(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix(UnsavedDraftsFile.namePrefix) }.map { folder + "/" + $0 }
    }

    // MARK: On screen, with a real fault

    @Test(.needsMount, .needsTmux)
    func aReadOnlyHomeSaysWhereTheDraftsGoAndWritesThemThereAtQuit() async throws {
        try await offThePool { try Self.readOnlyHomeSteps() }
    }

    static func readOnlyHomeSteps() throws {
        let disk = try SmallDisk(kilobytes: 1024)
        defer { disk.unmount() }
        try FileManager.default.createDirectory(atPath: disk.path + "/home", withIntermediateDirectories: true)
        let home = try disk.readOnlyView() + "/home"
        let temporary = try shortFolder("ro")
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let session = try TmuxSession(command: "TERM=xterm-256color TMPDIR=\(temporary) ZQT_HOME=\(home) XDG_CONFIG_HOME=\(temporary)/config "
                                          + "\(ZqtBinary.url.path) --sandbox; echo EXITED=$?; sleep infinity", width: 80, height: 24)
        // At 80 columns the point is read whole: what fails, what still works, where to read why.
        try session.waitFor(text: "Nothing can be sent: the history is not writable. You can type; F2 says why")
        // The history screen says what F5 then does, and how to get a history (finding 3).
        try session.send("F2")
        // Wrapped at 80 columns: read without spaces or line breaks.
        let history = try session.waitFor("the history screen's hint") { $0.filter { !$0.isWhitespace }.contains("sendingneedsahistorythatcanbewritten") }
        #expect(!history.contains("sending still works"), "\(history)")
        #expect(history.filter { !$0.isWhitespace }.contains("startzqtwithZQT_HOMEsettoafolderthatcanbewritten"), "\(history)")
        try session.send("F2")
        try EndToEndHistoryTests.retype(session, prompt: "typed where nothing can be kept")

        try session.send("F10")
        let asked = try session.waitFor(text: "When zqt ends they are written to a")
        #expect(asked.contains("file in \(temporary) (its name is printed);"), "the folder, before quitting: \(asked)")
        #expect(asked.contains("L (Load a request) brings them back."), "\(asked)")
        #expect(!asked.contains("they are lost"), "\(asked)")
        try session.send("y")
        let after = try session.waitFor("zqt's words after the screen") { $0.contains("EXITED=") }
        let said = after.filter { !$0.isWhitespace }
        #expect(after.contains("EXITED=0"), "\(after)")
        #expect(said.contains("1draftcouldnotbesavedinthehistory("), "\(after)")
        #expect(said.contains("thefolderisread-only"), "why: \(after)")
        let files = unsavedFiles(in: temporary)
        #expect(files.count == 1, "the read-only home is skipped for $TMPDIR: \(files)")
        let file = try #require(files.first)
        #expect(said.contains(file.filter { !$0.isWhitespace }), "the file is named: \(after)")
        let json = try JSONParser.parse(String(contentsOfFile: file, encoding: .utf8))
        #expect(json.value(at: "drafts[0].request.prompt") == .string("typed where nothing can be kept"), "nothing typed was lost")
        #expect(json.value(at: "history") == .string(home))
        var mode = stat()
        #expect(stat(file, &mode) == 0 && mode.st_mode & 0o777 == 0o600, "the drafts are the user's alone")
    }

    @Test(.needsTmux)
    func aNewerZqtsHistoryKeepsTheDraftsOfASIGTERMInAFileTheNextStartOffersBack() async throws {
        try await offThePool { try Self.newerHistorySteps() }
    }

    static func newerHistorySteps() throws {
        let home = try shortFolder("nh")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let path = home + "/" + HistoryStore.fileName
        var earlier = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        earlier["prompt"] = .string("the draft the history holds")
        try HistoryStore.open(inFolder: home).saveDraft(ComposeDraft(endpoint: .controlNet, requestJSON: earlier.wireJSON, fieldDrafts: [:],
                                                                      savedAt: Date(timeIntervalSinceNow: -3600)))
        try SQLiteConnection(path: path).execute("PRAGMA user_version = \(HistorySchema.currentVersion + 1)")
        let command = "TERM=xterm-256color TMPDIR=\(home)/nowhere ZQT_HOME=\(home) XDG_CONFIG_HOME=\(home)/config "
            + "\(ZqtBinary.url.path) --sandbox; echo EXITED=$?; sleep infinity"
        do {
            let session = try TmuxSession(command: command, width: 120, height: 40)
            try session.waitFor(text: "newer zqt")
            try EndToEndHistoryTests.retype(session, prompt: "typed, then SIGTERM")
            _ = try ZqtBinary.shell("pkill -TERM -P \(try session.panePID())")
            let after = try session.waitFor("zqt's words after the screen") { $0.contains("EXITED=") }
            let said = after.filter { !$0.isWhitespace }
            #expect(after.contains("ended by SIGTERM"), "\(after)")
            #expect(said.contains("1draftcouldnotbesavedinthehistory(thehistorywaswrittenbyanewerzqt"), "\(after)")
            let files = unsavedFiles(in: home)
            #expect(files.count == 1, "written beside the history, whose folder can be written: \(files)")
            let file = try #require(files.first)
            #expect(said.contains(file.filter { !$0.isWhitespace }), "the file is named: \(after)")
        }
        // zqt updated (the schema known again): the next start says where the newer drafts are, L offers them.
        try SQLiteConnection(path: path).execute("PRAGMA user_version = \(HistorySchema.currentVersion)")
        let file = try #require(unsavedFiles(in: home).first)
        let session = try TmuxSession(command: command, width: 120, height: 40)
        let told = try session.waitFor(text: "Drafts newer than the restored form were not kept: L loads them")
        #expect(!told.contains("Restored the form as it was left"), "the start says the truth: \(told)")
        try session.send("L")
        try session.waitFor(text: URL(fileURLWithPath: file).lastPathComponent)
        try session.send("Enter")
        let loaded = try session.waitFor(text: "typed, then SIGTERM")
        #expect(loaded.contains("Loaded into ControlNet"), "\(loaded)")
    }

    // MARK: Loading the file back (L)

    static func twoForms() -> UnsavedDrafts {
        var controlNet = Request.new(for: .controlNet, taskID: "zqt-20261206-170000-000-cn00")
        controlNet["prompt"] = .string("a lighthouse, kept aside")
        var text = Request.new(for: .text2Image, taskID: "zqt-20261206-170000-000-t2i0")
        text["prompt"] = .string("a harbour at dawn")
        return UnsavedDrafts(forms: ["compose": DraftForm(request: text, drafts: [.steps: Draft(text: "twenty", message: "not a number")]),
                                     DraftCodec.slot(for: .controlNet): DraftForm(request: controlNet, drafts: [:])],
                             fault: "the folder is read-only", home: "/somewhere/zqt")
    }

    @Test func loadingTheFileOffersTheFormOnScreenAndNamesTheOthers() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-unsaved-load")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = try #require(Self.twoForms().write(into: [folder]))

        guard case let .requestLoaded(onControlNet, source) = RequestLoading.load(path, current: .controlNet, catalog: .shipped) else {
            Issue.record("the file was not loaded on the ControlNet form")
            return
        }
        #expect(source == path)
        #expect(onControlNet.request.endpoint == .controlNet && onControlNet.request["prompt"] == .string("a lighthouse, kept aside"))
        #expect(onControlNet.notes.contains { $0.message.contains("the file also holds the form of \(Endpoint.text2Image.title)") },
                "\(onControlNet.notes)")
        #expect(onControlNet.request.taskID != "zqt-20261206-170000-000-cn00", "a new submission: a new id_task (wire rule 8)")

        // Where the file holds no draft of the form on screen: the one that was on screen at the way out.
        let other = try #require(EndpointCatalog.shipped.endpoints.first { $0 != .controlNet && $0 != .text2Image && $0.server == .zhiqite })
        guard case let .requestLoaded(onOther, _) = RequestLoading.load(path, current: other, catalog: .shipped) else {
            Issue.record("the file was not loaded on another form")
            return
        }
        #expect(onOther.request.endpoint == .text2Image && onOther.request["prompt"] == .string("a harbour at dawn"))
        #expect(onOther.notes.contains { $0.message.contains("text typed in steps was not taken by its field") }, "\(onOther.notes)")

        // On screen: the form filled, the status says where from.
        var state = makeState()
        _ = Reducer.reduce(&state, .requestLoaded(onControlNet, source: source))
        #expect(state.request["prompt"] == .string("a lighthouse, kept aside"))
        #expect(state.status?.text.hasPrefix("Loaded into ControlNet from \(path)") == true, "\(state.status?.text ?? "")")
    }

    @Test func aFileWithoutDraftsOrOfAnUnknownEndpointIsRefusedInWords() throws {
        let empty = try #require(UnsavedDraftsFile.read(#"{"zqt_unsaved_drafts": "the disk is full", "drafts": []}"#))
        guard case let .requestLoadFailed(message) = RequestLoading.loadDraft(of: empty, source: "f.json", current: .controlNet,
                                                                             catalog: .shipped) else {
            Issue.record("an empty file loaded")
            return
        }
        #expect(message == "f.json: a file of unsaved drafts that holds none")
        let unknown = try #require(UnsavedDraftsFile.read(
            #"{"zqt_unsaved_drafts": "x", "drafts": [{"slot": "compose", "endpoint": "no/such", "request": {"prompt": "p"}}]}"#))
        guard case let .requestLoadFailed(said) = RequestLoading.loadDraft(of: unknown, source: "f.json", current: .controlNet,
                                                                          catalog: .shipped) else {
            Issue.record("a draft of an unknown endpoint loaded")
            return
        }
        #expect(said.contains("no/such, an endpoint this zqt's catalog does not have"), "\(said)")
        #expect(UnsavedDraftsFile.read(BundledExamples.controlNetJSON) == nil, "a plain request is read as one")
    }

    // MARK: The next start

    @Test func theNextStartFindsOnlyItsOwnHistorysNewerFile() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-unsaved-find")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var mine = Self.twoForms()
        mine.home = "/home/me/zqt"
        var theirs = Self.twoForms()
        theirs.home = "/elsewhere/zqt"
        let path = try #require(mine.write(into: [folder], now: Date(), pid: 1))
        _ = try #require(theirs.write(into: [folder], now: Date(), pid: 2))

        #expect(UnsavedDraftsFile.newest(in: [folder, "/no/such/folder"], history: "/home/me/zqt", after: nil) == path)
        #expect(UnsavedDraftsFile.newest(in: [folder], history: "/home/me/zqt", after: Date(timeIntervalSinceNow: -60)) == path)
        #expect(UnsavedDraftsFile.newest(in: [folder], history: "/home/me/zqt", after: Date(timeIntervalSinceNow: 60)) == nil,
                "drafts saved in the history since: nothing to offer")
        #expect(UnsavedDraftsFile.newest(in: [folder], history: "/a/third/zqt", after: nil) == nil, "another history's file is not offered")
    }

    @Test func theFoundFileReplacesTheRestoredClaimAndLsBoxOpensWithIt() {
        var state = makeState(width: 80, height: 24)
        state.draftSaving.kept = true
        state.draftSaving.saved = ["compose": ComposeDraft(endpoint: .controlNet, requestJSON: state.request.wireJSON, fieldDrafts: [:],
                                                           savedAt: Date(timeIntervalSince1970: 1_000))]
        #expect(Reducer.reduce(&state, .firstFrameDrawn).contains(.lookForUnsavedDrafts(after: Date(timeIntervalSince1970: 1_000))))
        state.status = StatusMessage(text: Wording.restoredForm(saved: "then", historyKey: "F2"), kind: .info, cause: .restoredForm)
        _ = Reducer.reduce(&state, .unsavedDraftsFound(path: "/tmp/zqt-unsaved-drafts-1.json"))
        let status = Screen.render(state).line(22)
        #expect(status.contains("Drafts newer than the restored form were not kept: L loads them"), "read at 80 columns: \(status)")
        press(&state, .char("L"))
        guard case let .input(prompt)? = state.view.overlay else {
            Issue.record("L opened no box")
            return
        }
        #expect(prompt.text.text == "/tmp/zqt-unsaved-drafts-1.json", "Enter loads the drafts")

        // Without a history to keep drafts, nothing is looked for.
        var unkept = makeState()
        #expect(!Reducer.reduce(&unkept, .firstFrameDrawn).contains { if case .lookForUnsavedDrafts = $0 { true } else { false } })
    }

    // MARK: What the way out keeps

    @Test func theWayOutKeepsEveryChangedFormWhenNoHistoryDoes() {
        var state = makeState()
        #expect(SessionReducer.unkeptForms(state).isEmpty, "nothing typed: no file")
        state.request["prompt"] = .string("typed, unsent")
        #expect(SessionReducer.unkeptForms(state).keys.sorted() == ["compose"])
        state.draftSaving.kept = true
        #expect(SessionReducer.unkeptForms(state).isEmpty, "a history keeps them: no file")
    }

    /// The quit question names the folder the file will go to: not a full disk's (a real filled tmpfs).
    @Test(.needsMount) func theQuitQuestionSkipsAFullDisksFolder() throws {
        let disk = try SmallDisk(kilobytes: 512)
        defer { disk.unmount() }
        #expect(UnsavedDrafts.likelyFolder([disk.path, "/tmp"]) == disk.path, "room: the history's folder first")
        try disk.fill()
        #expect(UnsavedDrafts.likelyFolder([disk.path, "/tmp"]) == "/tmp", "full: the next folder, where the file goes")
    }

    @Test func theFoldersAreTriedHistoryFirstThenTemporaryThenHere() {
        #expect(UnsavedDrafts.folders(home: "/h/zqt", environment: ["TMPDIR": "/t/"], current: "/work")
                == ["/h/zqt", "/t", "/tmp", "/var/tmp", "/dev/shm", "/work"])
    }

    // MARK: At 80 columns

    @Test func theDiskMessagesPutTheirPointWithinEightyColumns() {
        let problem = "Cannot read history /home/someone/.local/share/zqt/history.sqlite: the disk is full (database or disk is full)"
        for (text, point) in [(Wording.draftsNotSaved(problem), "Draft not saved, the disk is full: your text stays and is saved later"),
                              (Wording.sendsRefused(problem, historyKey: "F2"),
                               "Nothing can be sent: the history is not writable. You can type; F2 says why")] {
            var state = makeState(width: 80, height: 24)
            state.status = StatusMessage(text: text, kind: .error)
            // An error longer than the line is shown whole over the rows above it (issue 20):
            // its first row, the top one, holds the point whole.
            let rows = (0..<23).map { Screen.render(state).line($0) }
            #expect(rows.contains { $0.contains(point) }, "\(rows.joined(separator: "\n"))")
        }
    }

    @Test func theHistoryScreenSaysSendingNeedsAWritableHistoryWhereF5Refuses() {
        // SQLITE_READONLY: a disk fault, F5 refuses (DiskFaultGapsTests); the screen says so and how to get a history.
        var state = makeState(width: 80, height: 24)
        Reducer.historyCannotOpen(&state, .unreadable(path: "/ro/history.sqlite", SQLiteError(code: 8, message: "attempt to write a readonly database")))
        #expect(state.historyRefusesSends != nil)
        state.screen = .history
        let screen = Screen.render(state).text
        #expect(screen.filter { !$0.isWhitespace }.contains("sendingneedsahistorythatcanbewritten:freethedisk,orstartzqtwithZQT_HOME"), "\(screen)")
        #expect(!screen.contains("sending still works"), "\(screen)")

        // A damaged history still sends, unkept (commit 540e4da): the words stay.
        var damaged = makeState(width: 80, height: 24)
        Reducer.historyCannotOpen(&damaged, .unreadable(path: "h", SQLiteError(code: 11, message: "database disk image is malformed")))
        damaged.screen = .history
        #expect(Screen.render(damaged).text.contains("F2 goes back to the form; sending still works."))
    }
}
