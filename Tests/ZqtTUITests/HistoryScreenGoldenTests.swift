import Foundation
@testable import Model
import Testing
@testable import ZqtTUI

/// The history screens, compared with reviewed golden files like the
/// compose screens (ZQT_WRITE_GOLDENS=1 rewrites them; review every change).
/// Times show in UTC here, so the files do not depend on the machine's zone.
@Suite(.serialized) struct HistoryScreenGoldenTests {
    init() {
        setenv("TZ", "UTC", 1)
        tzset()
    }

    func check(_ state: AppState, _ name: String) throws {
        try ScreenGoldenTests().check(state, name)
    }

    static let rows = [
        summary(14, "a red bicycle in the snow, at night", state: .running, results: 0),
        summary(13, "portrait of a cat, 一只猫在雨中, masterpiece, best quality, soft light, film grain, 85mm"),
        summary(12, "a red bicycle in the snow", state: .failed, results: 0),
        summary(11, "a lighthouse at dusk\nsecond line of the prompt", state: .sendFailed, results: 0),
        summary(10, "", state: .queued, results: 0),
    ]

    @Test(arguments: [(120, 40), (80, 24)])
    func theList(width: Int, height: Int) throws {
        var state = historyState(Self.rows, width: width, height: height)
        press(&state, .char("j"))
        press(&state, .char("m"))
        press(&state, .char("j"))
        try check(state, "history-list-\(width)x\(height)")
    }

    /// Issue 10: a sweep's rows drawn as a group, its size on its first row;
    /// a batch whose other rows are further down shows as a group of one.
    @Test func sweepsShowAsGroups() throws {
        func inBatch(_ row: HistorySummary, _ batch: String, size: Int) -> HistorySummary {
            var row = row
            row.batchID = batch
            row.batchSize = size
            return row
        }
        let rows = [
            summary(20, "a red bicycle in the snow, at night"),
            inBatch(summary(19, "portrait of a cat, soft light", state: .running, results: 0), "batch-a", size: 3),
            inBatch(summary(18, "portrait of a cat, soft light"), "batch-a", size: 3),
            inBatch(summary(17, "portrait of a cat, soft light", state: .failed, results: 0), "batch-a", size: 3),
            summary(16, "a lighthouse at dusk"),
            inBatch(summary(15, "一只猫在雨中"), "batch-b", size: 2),
        ]
        var state = historyState(rows, width: 80, height: 24)
        press(&state, .char("j"))
        press(&state, .char("j"))
        try check(state, "history-batches-80x24")
        var entry = record(18, prompt: "portrait of a cat, soft light")
        entry.batchID = "batch-20261125-221811-050-rcsq"
        _ = Reducer.reduce(&state, .entriesLoaded([entry], .show))
        let screen = Screen.render(state).text
        #expect(screen.contains(" Batch         batch-20261125-221811-050-rcsq\n"), "\(screen)")
    }

    @Test func aFilterThatMatchesNothing() throws {
        var state = historyState(Self.rows, width: 100, height: 24)
        press(&state, .char("/"))
        type(&state, "zebra")
        _ = Reducer.reduce(&state, .historyLoaded(HistoryPage(filter: "zebra", rows: [], matchCount: 0, countCapped: false,
                                                              hasMore: false, appending: false)))
        try check(state, "history-no-match-100x24")
    }

    @Test func anEntry() throws {
        var state = historyState(Self.rows, width: 100, height: 40)
        var entry = record(13, prompt: "portrait of a cat, 一只猫在雨中")
        entry.results.append(StoredResult(position: 1, imageURL: "https://oss.example.com/13/1.png?Expires=1795003600&OSSAccessKeyId=LTAI5t&Signature=abc%2Bdef",
                                          seed: 1014, imageStatus: 1, auditPassed: false, auditLabels: ["nsfw"],
                                          localPath: "/home/u/.local/share/zqt/images/zqt-old-13/2.png"))
        entry.lastQueryJSON = "{\"status\": 2, \"desc\": \"Success\", \"temporaryImageDto\": null}"
        _ = Reducer.reduce(&state, .entriesLoaded([entry], .show))
        try check(state, "history-entry-100x40")
    }

    @Test func aComparison() throws {
        var state = historyState(Self.rows, width: 100, height: 24)
        var request = record(13, prompt: "").request
        request["prompt"] = .string("portrait of a dog, 一只狗在雨中, masterpiece, best quality, soft light, film grain, 85mm, a very long prompt that wraps")
        request["steps"] = .int(30)
        request.controlNetUnits?.append(ControlNetUnit(controlType: ControlNetCatalog.controlType(named: "depth")!))
        state.request = request
        _ = Reducer.reduce(&state, .entriesLoaded([record(13, prompt: "portrait of a cat, 一只猫在雨中")], .compareWithForm))
        try check(state, "history-compare-100x24")
    }

    @Test func withoutAHistory() throws {
        var state = makeState(width: 100, height: 24)
        state.historyProblem = HistoryError.unreadable(path: "/home/u/.local/share/zqt/history.sqlite",
                                                       SQLiteError(code: 26, message: "file is not a database")).message
        press(&state, .function(2))
        try check(state, "history-unavailable-100x24")
    }
}
