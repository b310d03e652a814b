import Foundation
import Testing
@testable import Model

/// Text results are found by the history filter (issue 17, schema 6): a
/// description's or a candidate's words find the row, by three letters
/// anywhere or by the start of a word, in a new history and in one written
/// before schema 6.
@Suite struct HistoryTextFilterTests {
    static let description = "A weathered lighthouse stands on basalt cliffs; 灯塔 at dusk"

    static func describe(_ store: HistoryStore) throws -> Int {
        let endpoint = try #require(EndpointCatalog.shipped.endpoint(id: "tool/interrogate"))
        var request = Request.new(for: endpoint, taskID: TaskIDGenerator.shared.next())
        request["image"] = .string("https://example.com/photo.png")
        let id = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "sandbox")
        try store.recordSubmitted(id: id, submission: HistoryStoreTests.submission(request))
        let data: JSONValue = .object([("businessTaskId", .string(request.taskID)), ("status", .int(2)), ("caption", .string(description))])
        try store.recordTaskInfo(id: id, info: TaskInfo(data: data, family: endpoint.family, result: endpoint.result))
        return id
    }

    static func expectFound(_ store: HistoryStore, _ id: Int) throws {
        for filter in ["basalt", "weather", "ba", "lighthouse cliffs", "灯", "灯塔"] {
            #expect(try store.list(filter: filter).map(\.id) == [id], "\"\(filter)\" finds the row by its text result")
        }
        #expect(try store.list(filter: "granite").isEmpty, "words it does not hold find nothing")
    }

    @Test func aRowIsFoundByTheWordsOfItsTextResult() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        _ = try store.recordSending(HistoryStoreTests.request("a cat"), baseURL: "http://127.0.0.1:1", profile: "sandbox")
        let id = try Self.describe(store)
        try Self.expectFound(store, id)
        #expect(try store.list(filter: "cat").count == 1, "the prompt is still found")
    }

    @Test func aDatabaseWrittenBySchemaFiveFindsItsTextResultsOnceUpgraded() throws {
        let history = TemporaryHistory()
        try FileManager.default.createDirectory(atPath: history.folder, withIntermediateDirectories: true)
        do {
            let old = try SQLiteConnection(path: history.path)
            try old.execute(try GoldenFile.text("history-v5.sql"))
            #expect(try old.scalar("PRAGMA user_version") == 5)
        }
        let store = try history.open()
        let db = try SQLiteConnection(path: history.path)
        #expect(try db.scalar("PRAGMA user_version") == HistorySchema.currentVersion)
        #expect(try db.run("PRAGMA integrity_check").first?.text(0) == "ok")
        try db.execute("INSERT INTO submission_search(submission_search) VALUES ('integrity-check')")
        #expect(try store.count() == 4, "every row kept")
        // Row 4's prompt is "a girl"; its texts "masterpiece, a girl" and "1 girl, 一个女孩".
        #expect(try store.list(filter: "masterpiece").map(\.id) == [4], "three letters or more, through the trigram index")
        #expect(try store.list(filter: "ma").map(\.id) == [4], "the start of a word, through the word index")
        #expect(try store.list(filter: "女孩").map(\.id) == [4], "Chinese characters of a text result")
        #expect(try store.list(filter: "灯塔").map(\.id) == [1], "prompts are found as before")
        #expect(try store.record(id: 4)?.textResults == ["masterpiece, a girl", "1 girl, 一个女孩"], "the texts kept as they were")
        let id = try Self.describe(store)
        #expect(try store.list(filter: "basalt").map(\.id) == [id], "rows written after the upgrade too")
    }
}
