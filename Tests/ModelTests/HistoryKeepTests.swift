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

    /// The walk at start lets go of the pages it read (mem24: at a million
    /// rows they filled the store's connection's page cache, 1.9 MB kept for
    /// the process's life), by SQLite's own figure; what it finds is the same.
    @Test func theWalkAtStartLetsGoOfThePagesItRead() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        var lastID = 0
        try store.inOneTransaction {
            for index in 0..<300 {
                lastID = try store.recordSending(HistoryStoreTests.request("row \(index)"), baseURL: "b", profile: "p")
                try store.recordTaskInfo(id: lastID, info: TaskInfo(data: try JSONParser.parse("""
                    {"status": 2, "desc": "Success", "differentialImageRspList": [{"image_url": "https://x.example/\(index).png"}]}
                    """)))
                // Every image kept but the last row's, the one the walk finds.
                if index < 299 { try store.recordLocalCopy(id: lastID, position: 0, path: "/home/images/\(index).png") }
            }
        }
        let held = try store.read { db throws(SQLiteError) in db.cacheUsed }
        #expect(try store.rowsToKeepAgain().map(\.id) == [lastID])
        let after = try store.read { db throws(SQLiteError) in db.cacheUsed }
        // Only the row found is read after the release: a few pages. (Not against `held`: a
        // sweep's test in the same process sets SQLite's soft heap limit, which keeps every cache small.)
        #expect(after <= 48 << 10, "\(held) bytes held before the walk, \(after) after")
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

    /// Issue 18: at start only the results written within the URLs' life
    /// are read (a whole-history scan held F2 back 4 s at 1,000,000 rows),
    /// and the rule is the same: a task sent long ago that finished
    /// yesterday is kept again; one that finished past the URL's life is not.
    @Test func onlyResultsWithinTheURLsLifeAreKeptAgainWhateverTheRowsAge() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let now = Date()
        func day(_ n: Double) -> Date { now.addingTimeInterval(-n * 86_400) }
        let answer = TaskInfo(data: try JSONParser.parse("""
            {"status": 2, "desc": "Success", "differentialImageRspList": [{"image_url": "https://x.example/1.png", "seed": 5}]}
            """))
        func finished(_ prompt: String, sent: Double, done: Double) throws -> Int {
            let id = try store.recordSending(HistoryStoreTests.request(prompt), baseURL: "b", profile: "p", at: day(sent))
            try store.recordTaskInfo(id: id, info: answer, at: day(done))
            return id
        }
        let old = try finished("old", sent: 30, done: 29)
        let expired = try finished("just past the link's life", sent: 9, done: 7.1)
        let lateFinish = try finished("sent a month ago, seen done yesterday", sent: 30, done: 1)
        let recent = try finished("recent", sent: 2, done: 2)
        let kept = try finished("kept", sent: 1, done: 1)
        try store.recordLocalCopy(id: kept, position: 0, path: "/home/images/k/1.png")
        // Trying to keep the old one once more wrote to it today: its link is still past its life.
        try store.recordKeepFailed(id: old, position: 0, reason: "disk full", urlGone: false)
        let again = try store.rowsToKeepAgain(now: now).map(\.id)
        #expect(again == [lateFinish, recent], "old \(old), expired \(expired), kept \(kept)")
    }
}
