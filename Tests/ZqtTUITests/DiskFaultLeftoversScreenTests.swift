import Foundation
import TestScratch
import Model
import Testing
@testable import ZqtTUI

/// A newcomer's findings after issue 21 (left21), on the screen: a long bad
/// value quoted short, one sentence for an empty read-only history, drafts
/// named by their endpoints at the way out, older files of drafts counted,
/// and a history read-only for a full disk written again once there is room.
@Suite struct DiskFaultLeftoversScreenTests {
    static func lines(_ state: AppState) -> [String] {
        let grid = Screen.render(state)
        return (0..<state.view.size.height).map(grid.line)
    }

    @Test func aLongBadNumberIsQuotedShortInTheFieldTheStatusAndM() {
        var state = makeState()
        focus(&state, .width)
        _ = press(&state, .enter, .ctrl("u"))
        let long = String(repeating: "x", count: 6000)
        type(&state, long)
        _ = press(&state, .enter)
        let message = state.drafts[.width]?.message ?? ""
        #expect(message == "\"" + String(repeating: "x", count: 40) + "…\" is not a whole number", "\(message)")
        #expect(state.drafts[.width]?.text == long, "what was typed is kept whole in the field")
        focus(&state, .prompt)
        _ = press(&state, .function(5))
        let status = state.status?.text ?? ""
        #expect(status.count < 120 && status.hasPrefix("Not sent: Width: \"xxxx") && status.contains("…\""), "\(status)")
        // Short values are quoted whole, as before.
        #expect("76x".quotedShort == "\"76x\"")
        #expect(String(repeating: "é", count: 41).quotedShort == "\"" + String(repeating: "é", count: 40) + "…\"")
    }

    @Test func aLongBadValueInARequestFileIsQuotedShort() throws {
        let training = try #require(EndpointCatalog.shipped.endpoint(id: "modelTraining/submitTraining/Job"))
        var request = Request.new(for: training, taskID: "zqt-left21-1")
        request["fileUrlList"] = .array((0..<10).map { .string("https://example.com/image-\($0).png") })
        request["learningRate"] = .string(String(repeating: "9z", count: 3000))
        let said = RequestValidator.validate(request).first { $0.path == "learningRate" }?.message ?? ""
        #expect(said.hasSuffix("(is \"" + String(repeating: "9z", count: 20) + "…\")"), "\(said.prefix(300))")
        #expect(said.count < 160, "\(said.count) characters")
    }

    @Test func anEmptyReadOnlyHistorySaysOneTrueSentence() {
        for fault in [DiskFault.full, .readOnly] {
            var state = makeState()
            Reducer.historyOpenedReadOnly(&state, HistoryReadOnly(cannotWrite: fault, snapshot: false, logLeftUnread: false), path: "/h/history.sqlite")
            _ = press(&state, .function(2))
            _ = Reducer.reduce(&state, .historyLoaded(HistoryPage(filter: "", rows: [], matchCount: 0, countCapped: false,
                                                                  hasMore: false, appending: false)))
            let screen = Self.lines(state).joined(separator: "\n")
            #expect(!screen.contains("F5 there sends"), "\(screen)")
            #expect(!screen.contains("Read-only history ("), "one sentence, not the line above as well: \(screen)")
            #expect(screen.contains("No submissions yet, and none can be sent while the history cannot be written (\(fault.words))."), "\(screen)")
        }
        // A history that can be written: unchanged.
        var writable = makeState()
        _ = press(&writable, .function(2))
        _ = Reducer.reduce(&writable, .historyLoaded(HistoryPage(filter: "", rows: [], matchCount: 0, countCapped: false,
                                                                 hasMore: false, appending: false)))
        #expect(Self.lines(writable).joined(separator: "\n").contains("No submissions yet. F2 goes back to the form; F5 there sends"))
        // Rows in a read-only history: the line above them stays.
        var rows = makeState()
        Reducer.historyOpenedReadOnly(&rows, HistoryReadOnly(cannotWrite: .readOnly, snapshot: false, logLeftUnread: false), path: "/h/history.sqlite")
        _ = press(&rows, .function(2))
        _ = Reducer.reduce(&rows, .historyLoaded(HistoryPage(filter: "", rows: [summary(1, "a cat")], matchCount: 1, countCapped: false,
                                                             hasMore: false, appending: false)))
        #expect(Self.lines(rows).joined(separator: "\n").contains("Read-only history (the folder is read-only)"))
    }

    @Test func theWayOutNamesDraftsByTheirEndpointsTitles() {
        var controlNet = Request.new(for: .controlNet, taskID: "zqt-left21-2")
        controlNet["prompt"] = .string("a harbour")
        let unsaved = UnsavedDrafts(forms: ["compose": DraftForm(request: controlNet, drafts: [:]),
                                            "form:" + Endpoint.image2Image.id: DraftForm(request: Request.new(for: .image2Image, taskID: "zqt-left21-3"), drafts: [:])],
                                    fault: "the disk is full")
        let said = unsaved.report(writtenTo: "/tmp/zqt-unsaved-drafts-x.json")
        #expect(said.contains("2 drafts could not be saved in the history (the disk is full): ControlNet (the form on screen), \(Endpoint.image2Image.title)."), "\(said)")
        #expect(!said.contains("compose") && !said.contains("form:"), "\(said)")
    }

    @Test func olderFilesOfDraftsAreCountedWithTheirFolder() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-left21-drafts")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var request = Request.new(for: .controlNet, taskID: "zqt-left21-4")
        request["prompt"] = .string("kept")
        var unsaved = UnsavedDrafts(forms: ["compose": DraftForm(request: request, drafts: [:])], fault: "the disk is full")
        unsaved.home = "/home/me/zqt"
        var written: [String] = []
        for (index, age) in [300.0, 200.0, 100.0].enumerated() {
            let path = try #require(unsaved.write(into: [folder], now: Date(timeIntervalSinceNow: -age), pid: Int32(1000 + index)))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: path)
            written.append(path)
        }
        let found = try #require(UnsavedDraftsFile.waiting(in: [folder], history: "/home/me/zqt", after: nil))
        #expect(found.newest == written[2])
        #expect(found.older == [written[1], written[0]], "every older file, newest first")

        var state = makeState()
        _ = Reducer.reduce(&state, .unsavedDraftsFound(path: found.newest, older: found.older))
        let status = state.status?.text ?? ""
        #expect(status.contains("loads them (from \(found.newest); 2 older files of drafts wait in \(folder), "), "\(status)")
        var one = makeState()
        _ = Reducer.reduce(&one, .unsavedDraftsFound(path: found.newest))
        let alone = one.status?.text ?? ""
        #expect(alone.range(of: "older file") == nil && alone.hasSuffix(".json)"), "none older: as before: \(alone)")
    }

    /// The screen: a send refused for a full disk's read-only history asks the history again, and once it
    /// could be written the send goes on and the refusal is gone (the effect's answer stands in for the disk).
    @Test func aSendAsksAFullDisksReadOnlyHistoryAgainAndGoesOnceItCanBeWritten() {
        var state = makeState()
        Reducer.historyOpenedReadOnly(&state, HistoryReadOnly(cannotWrite: .full, snapshot: false, logLeftUnread: false), path: "/h/history.sqlite")
        state.draftSaving.kept = false
        let effects = Reducer.send(&state, state.request, note: "Sending…")
        guard case let .retryWritableHistory(request, _)? = effects.first, effects.count == 1 else {
            Issue.record("the refused send asks the history again: \(effects)")
            return
        }
        #expect(state.status?.kind == .error && !state.submitting, "refused meanwhile, as before")
        let after = Reducer.reduce(&state, .historyWritableAgain(request: request, note: "Sending…"))
        #expect(after.contains(.submit(request)), "\(after)")
        #expect(state.historyRefusesSends == nil && state.historyReadOnlyLine == nil && state.draftSaving.kept)
        #expect(state.status?.text.hasPrefix("The disk has room again: the history is kept again.") == true, "\(state.status?.text ?? "")")

        // A read-only folder is not a full disk: no asking at each F5.
        var folder = makeState()
        Reducer.historyOpenedReadOnly(&folder, HistoryReadOnly(cannotWrite: .readOnly, snapshot: false, logLeftUnread: false), path: "/h/history.sqlite")
        #expect(Reducer.send(&folder, folder.request, note: "Sending…").isEmpty)
    }

    /// On a full disk, the way out counts only forms whose text differs from what the history holds.
    @Test(.needsMount)
    func aFormAlreadySavedAsItIsIsNotAmongTheDraftsNotSaved() throws {
        let disk = try SmallDisk(kilobytes: 4096)
        defer { disk.unmount() }
        var saved = Request.new(for: .controlNet, taskID: "zqt-left21-5")
        saved["prompt"] = .string("saved before the disk filled")
        let store = try HistoryStore.open(inFolder: disk.path + "/home")
        let unchanged = DraftForm(request: saved, drafts: [:])
        try store.saveDraft(unchanged.encoded(), slot: "compose")
        try disk.fill()
        var changed = Request.new(for: .image2Image, taskID: "zqt-left21-6")
        changed["prompt"] = .string("typed on a full disk")
        let writer = DraftWriter(store: store, retryDelay: 3600, onFailure: { _ in })
        writer.save(["compose": unchanged, "form:" + Endpoint.image2Image.id: DraftForm(request: changed, drafts: [:])])
        let behind = writer.finish()
        #expect(behind == ["form:" + Endpoint.image2Image.id], "only the changed form is unsaved: \(behind)")
        let said = UnsavedDrafts(forms: writer.unwrittenForms, fault: "the disk is full").report(writtenTo: "/tmp/x.json")
        #expect(said.hasPrefix("zqt: 1 draft could not be saved in the history (the disk is full): image2image."), "\(said)")
    }

    /// A history opened read-only because the disk was full is written again at the next write once there is room.
    @Test(.needsMount)
    func aHistoryReadOnlyForAFullDiskIsWrittenAgainOnceThereIsRoom() throws {
        let disk = try SmallDisk(kilobytes: 4096)
        defer { disk.unmount() }
        let home = disk.path + "/home"
        _ = try HistoryStore.open(inFolder: home).recordSending(Request.new(for: .controlNet, taskID: "zqt-left21-7"),
                                                                 baseURL: "http://127.0.0.1:1", profile: "p")
        try disk.fill()
        let store = try HistoryStore.open(inFolder: home)
        #expect(store.readOnly?.diskFault == .full)
        #expect(!store.becomeWritableIfRoom(), "still full: still read-only")
        #expect(throws: HistoryError.self) {
            try store.recordSending(Request.new(for: .controlNet, taskID: "zqt-left21-8"), baseURL: "http://127.0.0.1:1", profile: "p")
        }
        disk.free()
        // The next write finds the room: no restart.
        _ = try store.recordSending(Request.new(for: .controlNet, taskID: "zqt-left21-9"), baseURL: "http://127.0.0.1:1", profile: "p")
        #expect(store.readOnly == nil)
        let rows = try store.list(filter: "", limit: 10).map(\.idTask)
        #expect(rows == ["zqt-left21-9", "zqt-left21-7"], "\(rows)")
    }
}
