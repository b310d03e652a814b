import Foundation
@testable import Model
import Testing
@testable import ZqtTUI

/// A row as the store would list it.
func summary(_ id: Int, _ prompt: String, state: SubmissionState = .succeeded, results: Int = 1) -> HistorySummary {
    HistorySummary(id: id, createdAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(id) * 60), endpoint: .controlNet,
                   idTask: "zqt-20261118-1106\(String(format: "%02d", id % 60))-000-r\(id)", serviceTaskID: nil, prompt: prompt,
                   model: "photon_v1", state: state, progress: state == .running ? 0.45 : nil, imageCount: 1, resultCount: results)
}

/// A whole record for a row.
func record(_ id: Int, prompt: String, state: SubmissionState = .succeeded) -> HistoryRecord {
    var request = Request.new(for: .controlNet, taskID: "zqt-old-\(id)")
    request["prompt"] = .string(prompt)
    request["alwayson_scripts.sd_model_checkpoint"] = .string("photon_v1.safetensors")
    var canny = ControlNetUnit(controlType: ControlNetCatalog.controlType(named: "canny")!)
    canny.imageLink = "https://example.com/edges.png"  // a control image: the request is valid as sent
    request.controlNetUnits = [canny]
    return HistoryRecord(id: id, endpoint: .controlNet, baseURL: "http://127.0.0.1:8931", profile: "sandbox",
                         createdAt: Date(timeIntervalSince1970: 1_795_000_000), idTask: "zqt-old-\(id)", serviceTaskID: "zqt-old-\(id)",
                         requestJSON: request.wireJSON, state: state, httpStatus: 200, responseJSON: "{\"code\": \"200\"}",
                         taskStatus: 2, taskDesc: "Success", progress: nil, lastQueryJSON: nil, error: nil,
                         submittedAt: Date(timeIntervalSince1970: 1_795_000_000.2),
                         finishedAt: Date(timeIntervalSince1970: 1_795_000_004.9),
                         results: [StoredResult(position: 0, imageURL: "https://oss.example.com/\(id)/0.png?sig=x", seed: 1000 + id,
                                                imageStatus: 1, auditPassed: true, auditLabels: [])])
}

/// The history screen open with `rows` loaded.
func historyState(_ rows: [HistorySummary], width: Int = 120, height: Int = 40, hasMore: Bool = false) -> AppState {
    var state = makeState(width: width, height: height)
    _ = press(&state, .function(2))
    _ = Reducer.reduce(&state, .historyLoaded(HistoryPage(filter: "", rows: rows, matchCount: rows.count,
                                                          countCapped: false, hasMore: hasMore, appending: false)))
    return state
}

@Suite struct HistoryReducerTests {
    @Test func f2OpensTheHistoryAndLoadsTheNewestRows() {
        var state = makeState()
        #expect(press(&state, .function(2)) == [.loadHistory(filter: "", before: nil, limit: HistoryViewState.pageSize)])
        #expect(state.screen == .history)
        #expect(press(&state, .function(2)) == [.letGoOfHistoryFilter], "the filter lets go of its caches (mem23)")
        #expect(state.screen == .compose, "F2 again goes back to the form")
    }

    /// Whatever way the history screen is left, the filter lets go of its
    /// caches (issue 18, mem23); not while it stays on screen.
    @Test func leavingTheHistoryLetsGoOfTheFiltersCaches() {
        var state = historyState([summary(2, "a cat"), summary(1, "a dog")])
        _ = press(&state, .char("/"))
        _ = press(&state, .char("c"))
        #expect(!press(&state, .enter).contains(.letGoOfHistoryFilter), "the filter's editing ended, the screen stays")
        #expect(!press(&state, .escape).contains(.letGoOfHistoryFilter), "the filter cleared, the screen stays")
        #expect(state.screen == .history)
        #expect(press(&state, .escape) == [.letGoOfHistoryFilter])
        #expect(state.screen == .compose)
        #expect(!press(&state, .function(2)).contains(.letGoOfHistoryFilter))
    }

    @Test func typingAFilterAsksTheStoreOnEveryKeyAndDropsStaleAnswers() {
        var state = historyState([summary(3, "a cat"), summary(2, "a dog"), summary(1, "a bicycle")])
        #expect(press(&state, .char("/")).isEmpty)
        #expect(state.history.filterFocused)
        #expect(press(&state, .char("b")) == [.loadHistory(filter: "b", before: nil, limit: HistoryViewState.pageSize)])
        #expect(press(&state, .char("i")) == [.loadHistory(filter: "bi", before: nil, limit: HistoryViewState.pageSize)])
        // The answer for "b" arrives after "bi" was typed: dropped.
        _ = Reducer.reduce(&state, .historyLoaded(HistoryPage(filter: "b", rows: [summary(1, "a bicycle"), summary(9, "bbb")],
                                                              matchCount: 2, countCapped: false, hasMore: false, appending: false)))
        #expect(state.history.rows.count == 3)
        _ = Reducer.reduce(&state, .historyLoaded(HistoryPage(filter: "bi", rows: [summary(1, "a bicycle")],
                                                              matchCount: 1, countCapped: false, hasMore: false, appending: false)))
        #expect(state.history.rows.map(\.id) == [1])
        // q types into the filter rather than quitting.
        #expect(press(&state, .char("q")) == [.loadHistory(filter: "biq", before: nil, limit: HistoryViewState.pageSize)])
        press(&state, .backspace)
        press(&state, .enter)
        #expect(!state.history.filterFocused && state.history.filter.text == "bi", "Enter keeps the filter")
        #expect(press(&state, .escape) == [.loadHistory(filter: "", before: nil, limit: HistoryViewState.pageSize)], "Esc clears it")
        press(&state, .escape)
        #expect(state.screen == .compose, "a second Esc leaves the history")
    }

    @Test func theSelectionFollowsItsRowWhenTheListReloads() {
        var state = historyState([summary(3, "c"), summary(2, "b"), summary(1, "a")])
        press(&state, .char("j"))
        #expect(state.history.selectedRow?.id == 2)
        // A new submission arrives at the top: the same row stays selected.
        _ = Reducer.reduce(&state, .historyLoaded(HistoryPage(filter: "", rows: [summary(4, "d"), summary(3, "c"), summary(2, "b"), summary(1, "a")],
                                                              matchCount: 4, countCapped: false, hasMore: false, appending: false)))
        #expect(state.history.selectedRow?.id == 2)
    }

    @Test func movingNearTheEndLoadsTheNextPage() {
        let rows = (1...60).reversed().map { summary($0, "prompt \($0)") }
        var state = historyState(rows, height: 30, hasMore: true)
        var effects: [Effect] = []
        for _ in 0..<40 { effects += press(&state, .down) }
        #expect(effects == [.loadHistory(filter: "", before: 1, limit: HistoryViewState.pageSize)], "asked once, after the last row loaded")
        _ = Reducer.reduce(&state, .historyLoaded(HistoryPage(filter: "", rows: [summary(0, "oldest")], matchCount: nil,
                                                              countCapped: false, hasMore: false, appending: true)))
        #expect(state.history.rows.count == 61 && state.history.matchCount == 60)
        press(&state, .char("G"))
        #expect(state.history.selectedRow?.id == 0)
        #expect(state.history.scroll == 61 - (30 - 5), "the last row sits at the bottom of the screen")
    }

    @Test func enterOpensTheEntryAndEscGoesBack() {
        var state = historyState([summary(5, "a cat")])
        #expect(press(&state, .enter) == [.loadEntries([5], .show)])
        _ = Reducer.reduce(&state, .entriesLoaded([record(5, prompt: "a cat")], .show))
        #expect(state.history.mode == .detail && state.history.detail?.id == 5)
        press(&state, .escape)
        #expect(state.history.mode == .list && state.history.detail == nil)
    }

    @Test func editOpensThePastRequestWithANewIDAndAsksBeforeReplacingUnsentEdits() {
        var state = historyState([summary(5, "a cat")])
        #expect(press(&state, .char("e")) == [.loadEntries([5], .editInForm)])
        _ = Reducer.reduce(&state, .entriesLoaded([record(5, prompt: "a cat")], .editInForm))
        #expect(state.screen == .compose)
        #expect(state.request.prompt == "a cat")
        #expect(state.request.taskID != "zqt-old-5" && state.request.taskID.hasPrefix("zqt-"), "wire rule 8")

        state.request["prompt"] = .string("typed and not sent")
        press(&state, .function(2))
        _ = Reducer.reduce(&state, .entriesLoaded([record(5, prompt: "a cat")], .editInForm))
        #expect(state.view.overlay == .confirm(.replaceForm(record(5, prompt: "a cat"), .editInForm, .controlNet)))
        press(&state, .char("n"))
        #expect(state.request.prompt == "typed and not sent", "any other key keeps the form")
    }

    @Test func resendSendsTheSameRequestUnderANewIDAfterAYes() {
        var state = historyState([summary(5, "a cat")])
        #expect(press(&state, .char("r")) == [.loadEntries([5], .resend)])
        #expect(Reducer.reduce(&state, .entriesLoaded([record(5, prompt: "a cat")], .resend)).isEmpty, "asked first (leftovers24)")
        #expect(!state.submitting)
        let effects = press(&state, .enter)
        guard case let .submit(request)? = effects.first else { Issue.record("no submit: \(effects)"); return }
        #expect(request.endpoint == .controlNet)
        #expect(request.prompt == "a cat" && request.taskID != "zqt-old-5")
        var expected = record(5, prompt: "a cat").request
        expected.taskID = request.taskID
        #expect(request == expected, "unchanged apart from id_task")
        #expect(state.submitting)
        #expect(state.screen == .history, "the user stays in the history")
    }

    @Test func deleteAsksFirst() {
        var state = historyState([summary(5, "a cat")])
        press(&state, .char("x"))
        #expect(state.view.overlay == .confirm(.deleteEntry(id: 5, idTask: summary(5, "").idTask)))
        // y takes zqt's copies of its images too; k keeps them (issue 11, PictureTests).
        #expect(press(&state, .char("y")) == [.deleteEntry(id: 5), .deletePictures(idTask: summary(5, "").idTask)])
        _ = Reducer.reduce(&state, .entryDeleted(id: 5, idTask: "zqt-old-5"))
        #expect(state.history.rows.isEmpty)
        #expect(state.status?.text == "Deleted zqt-old-5 from history")
    }

    @Test func copyingPutsTheRequestOrTheURLsOnTheClipboard() {
        var state = historyState([summary(5, "a cat")])
        #expect(press(&state, .char("y")) == [.loadEntries([5], .copyRequest)])
        let record = record(5, prompt: "a cat")
        #expect(Reducer.reduce(&state, .entriesLoaded([record], .copyRequest))
                == [.copyToClipboard(record.requestJSON, what: "the request JSON of zqt-old-5")])
        #expect(Reducer.reduce(&state, .entriesLoaded([record], .copyResultURLs))
                == [.copyToClipboard("https://oss.example.com/5/0.png?sig=x", what: "the result URL")])
        _ = Reducer.reduce(&state, .clipboardWritten(what: "the result URL", bytes: 2048))
        #expect(state.status?.text == "Copied the result URL (2 KB) to the clipboard (OSC 52)")
    }

    @Test func savingImagesAsksForTheFolderThenDownloads() {
        var state = historyState([summary(5, "a cat")])
        let record = record(5, prompt: "a cat")
        _ = Reducer.reduce(&state, .entriesLoaded([record], .saveImages))
        guard case let .input(prompt)? = state.view.overlay else { Issue.record("no folder prompt"); return }
        #expect(prompt.text.text == "/tmp/zqt/images/zqt-old-5")
        press(&state, .ctrl("u"))
        type(&state, "/tmp/zqt/images/cats")
        #expect(press(&state, .enter) == [.saveImages(record, folder: "/tmp/zqt/images/cats")])
        _ = Reducer.reduce(&state, .imagesSaved(idTask: "zqt-old-5", folder: "/tmp/zqt/images/cats", saved: 1, failures: []))
        #expect(state.status?.text == "Saved 1 image of zqt-old-5 to /tmp/zqt/images/cats")
    }

    @Test func comparingShowsTheFieldsThatChanged() {
        var state = historyState([summary(6, "a dog"), summary(5, "a cat")])
        press(&state, .char("m"))
        press(&state, .char("j"))
        #expect(press(&state, .char("C")) == [.loadEntries([6, 5], .compareRows)])
        var other = record(5, prompt: "a cat")
        var request = other.request
        request["steps"] = .int(30)
        other = HistoryRecord(id: 5, endpoint: other.endpoint, baseURL: other.baseURL, profile: other.profile, createdAt: other.createdAt,
                              idTask: other.idTask, serviceTaskID: nil, requestJSON: request.wireJSON, state: .succeeded,
                              results: [])
        _ = Reducer.reduce(&state, .entriesLoaded([record(6, prompt: "a dog"), other], .compareRows))
        #expect(state.history.mode == .compare)
        #expect(state.history.comparison?.changes == [
            .changed(path: "prompt", from: "\"a dog\"", to: "\"a cat\""),
            .changed(path: "steps", from: "20", to: "30"),
        ])
        press(&state, .escape)
        #expect(state.history.mode == .list)
    }

    @Test func aPollUpdateRefreshesTheListOnScreen() throws {
        var state = historyState([summary(5, "a cat", state: .running)])
        let info = TaskInfo(data: try JSONParser.parse("{\"status\": 1, \"desc\": \"Running\"}"))
        #expect(Reducer.reduce(&state, .poll(recordID: 5, idTask: "x", .update(info)))
                == [.loadHistory(filter: "", before: nil, limit: HistoryViewState.pageSize)])
        state.screen = .compose
        #expect(Reducer.reduce(&state, .poll(recordID: 5, idTask: "x", .update(info))).isEmpty, "nothing to redraw in the form")
    }

    @Test func withoutAHistoryTheScreenSaysWhyAndAsksNothing() {
        var state = makeState()
        state.historyProblem = "History /x/history.sqlite is damaged"
        #expect(press(&state, .function(2)).isEmpty)
        #expect(state.screen == .history)
    }
}

/// `b` on a row of a sweep shows its whole batch (issue 10).
@Suite struct ShowBatchTests {
    @Test func bFiltersTheHistoryByTheRowsBatch() {
        var inSweep = summary(2, "a cat, cfg 7")
        inSweep.batchID = "b-20261125-1"
        inSweep.batchSize = 6
        var state = historyState([inSweep, summary(1, "sent alone")])
        #expect(press(&state, .char("b")) == [.loadHistory(filter: "batch:b-20261125-1", before: nil, limit: HistoryViewState.pageSize)])
        #expect(state.history.filter.text == "batch:b-20261125-1")

        var alone = historyState([summary(1, "sent alone")])
        #expect(press(&alone, .char("b")).isEmpty)
        #expect(alone.status?.text.contains("was sent alone, not in a sweep") == true)
    }
}
