import Foundation
import Testing
@testable import Model

/// Issue 17 (migration 7): an image that could not be kept is said on its
/// row, how often it failed and whether the service said it is gone; a
/// later copy clears it; an older database gains the columns with its rows whole.
struct HistoryKeepTests {
    @Test func aDatabaseWrittenBySchemaFourGainsTheKeepColumnsWithEverythingKept() throws {
        let history = TemporaryHistory()
        try FileManager.default.createDirectory(atPath: history.folder, withIntermediateDirectories: true)
        let old = try SQLiteConnection(path: history.path)
        try old.execute(try GoldenFile.text("history-v4.sql"))
        let store = try history.open()
        let db = try SQLiteConnection(path: history.path)
        #expect(try db.scalar("PRAGMA user_version") == HistorySchema.currentVersion)
        #expect(try db.run("PRAGMA integrity_check").first?.text(0) == "ok")
        let row = try #require(try store.record(id: 1))
        #expect(row.results.map(\.seed) == [2001, 2002])
        #expect(row.results.allSatisfy { $0.keepError == nil && $0.keepAttempts == 0 && !$0.keepGone })
    }

    @Test func aFailedKeepIsCountedSurvivesTheNextAnswerAndAKeptCopyClearsIt() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let id = try store.recordSending(HistoryStoreTests.request("kept later"), baseURL: "b", profile: "p")
        let info = TaskInfo(data: try JSONParser.parse("""
            {"status": 2, "desc": "Success", "differentialImageRspList": [{"image_url": "https://x.example/1.png", "seed": 5}]}
            """))
        try store.recordTaskInfo(id: id, info: info)
        try store.recordKeepFailed(id: id, position: 0, reason: "cannot create /home/images", urlGone: false)
        try store.recordKeepFailed(id: id, position: 0, reason: "cannot create /home/images", urlGone: false)
        // The same answer again (a query) keeps what is known of keeping.
        try store.recordTaskInfo(id: id, info: info)
        var result = try #require(try store.record(id: id)?.imageResults.first)
        #expect(result.keepError == "cannot create /home/images" && result.keepAttempts == 2 && !result.keepGone)
        #expect(try store.rowsToKeepAgain().map(\.id) == [id])
        #expect(result.mayRetryKeep(finishedAt: Date()))
        #expect(!result.mayRetryKeep(finishedAt: Date().addingTimeInterval(-8 * 86_400)), "past the URL's life")
        try store.recordLocalCopy(id: id, position: 0, path: "/home/images/t/1.png")
        result = try #require(try store.record(id: id)?.imageResults.first)
        #expect(result.keepError == nil && result.localPath == "/home/images/t/1.png")
        #expect(try store.rowsToKeepAgain().isEmpty)
    }

    @Test func triesStopAtTheLimit() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let id = try store.recordSending(HistoryStoreTests.request("never kept"), baseURL: "b", profile: "p")
        try store.recordTaskInfo(id: id, info: TaskInfo(data: try JSONParser.parse("""
            {"status": 2, "desc": "Success", "differentialImageRspList": [{"image_url": "https://x.example/1.png"}]}
            """)))
        for _ in 0..<StoredResult.maximumKeepAttempts {
            try store.recordKeepFailed(id: id, position: 0, reason: "disk full", urlGone: false)
        }
        #expect(try store.rowsToKeepAgain().isEmpty)
        #expect(SendWording.notKept("disk full", attempts: 5, gone: false) == "not kept: disk full (given up after 5 tries)")
    }
}
