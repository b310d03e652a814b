import Foundation
import Testing
@testable import Model

/// Issue 10: the rows of one sweep share a batch id (migration 5); the
/// filter's `batch:ID` finds them, and the list counts each batch.
struct HistoryBatchTests {
    @Test func rowsOfABatchShareItsIDAndTheFilterFindsExactlyThem() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let lone = try store.recordSending(HistoryStoreTests.request("a cat alone"), baseURL: "b", profile: "p")
        var batch: [Int] = []
        for prompt in ["a cat one", "a cat two", "a dog three"] {
            batch.append(try store.recordSending(HistoryStoreTests.request(prompt), baseURL: "b", profile: "p",
                                                 batchID: "batch-20261125-221000-000-k3x9"))
        }
        let other = try store.recordSending(HistoryStoreTests.request("a cat four"), baseURL: "b", profile: "p",
                                            batchID: "batch-20261125-221500-000-zzzz")
        #expect(try store.list(filter: "batch:batch-20261125-221000-000-k3x9").map(\.id) == batch.reversed())
        #expect(try store.list(filter: "batch:batch-20261125-22").map(\.id) == ([other] + batch.reversed()), "the start of an id")
        #expect(try store.list(filter: "BATCH:batch-20261125-221000-000-k3x9 cat").map(\.id) == [batch[1], batch[0]],
                "with a word of three letters or more")
        #expect(try store.list(filter: "batch:batch-20261125-221000-000-k3x9 do").map(\.id) == [batch[2]], "with a short word")
        #expect(try store.list(filter: "batch:nothing").isEmpty)
        #expect(try store.list(filter: "batch:").count == 5, "batch: alone, as typed before the id, narrows nothing yet")
        #expect(try store.list(filter: "batch:batch-2026", before: batch[2], limit: 1).map(\.id) == [batch[1]], "paged")
        let rows = try store.list()
        #expect(rows.first { $0.id == lone }?.batchID == nil && rows.first { $0.id == lone }?.batchSize == 0)
        #expect(rows.filter { batch.contains($0.id) }.allSatisfy { $0.batchID == "batch-20261125-221000-000-k3x9" && $0.batchSize == 3 })
        #expect(rows.first { $0.id == other }?.batchSize == 1)
        #expect(try store.record(id: batch[0])?.batchID == "batch-20261125-221000-000-k3x9")
        #expect(try store.record(id: lone)?.batchID == nil)
    }

    @Test func theBatchFilterReadsThePartialIndex() throws {
        let history = TemporaryHistory()
        _ = try history.open()
        let db = try SQLiteConnection(path: history.path)
        let candidates = try #require(try HistoryFilter("batch:b-1 cat").plan(before: nil, limit: 10) { _, _ in 0 })
        let plan = try db.run("EXPLAIN QUERY PLAN " + candidates.sql, candidates.parameters).compactMap { $0.text(3) }.joined(separator: "\n")
        #expect(plan.contains("submission_batch"), "\(plan)")
    }

    @Test func aDatabaseWrittenBySchemaFourGainsBatchIDsWithEverythingKept() throws {
        let history = TemporaryHistory()
        try FileManager.default.createDirectory(atPath: history.folder, withIntermediateDirectories: true)
        let old = try SQLiteConnection(path: history.path)
        try old.execute(try GoldenFile.text("history-v4.sql"))
        #expect(try old.scalar("PRAGMA user_version") == 4)
        #expect(try old.run("SELECT name FROM pragma_table_info('submission') WHERE name = 'batch_id'").isEmpty, "frozen before migration 5")

        let store = try history.open()
        let db = try SQLiteConnection(path: history.path)
        #expect(HistorySchema.currentVersion >= 5)
        #expect(try db.scalar("PRAGMA user_version") == HistorySchema.currentVersion)
        #expect(try db.run("PRAGMA integrity_check").first?.text(0) == "ok")
        try db.execute("INSERT INTO submission_search(submission_search) VALUES ('integrity-check')")

        #expect(try store.count() == 4)
        #expect(try store.list().allSatisfy { $0.batchID == nil && $0.batchSize == 0 }, "old rows were single sends")
        #expect(try store.record(id: 1)?.results.map(\.seed) == [2001, 2002])
        #expect(try store.record(id: 4)?.textResults == ["masterpiece, a girl", "1 girl, 一个女孩"])
        #expect(try store.unfinished().map(\.id) == [3])
        #expect(try store.list(filter: "灯塔").map(\.id) == [1])
        #expect(try store.loadDraft()?.fieldDrafts == ["steps": "2o", "seed": "12x"])
        #expect(try store.loadModelLists(service: "https://api.zhiqite.com")[.checkpoint]?.items.map(\.name)
                == ["revAnimated_v122.safetensors", "photon_v1"])
        let next = try store.recordSending(HistoryStoreTests.request("new"), baseURL: "b", profile: "p", batchID: "b-1")
        #expect(next == 5)
        #expect(try store.list(filter: "batch:b-1").map(\.id) == [5])
    }
}
