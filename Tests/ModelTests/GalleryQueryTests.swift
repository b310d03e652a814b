import Foundation
import Testing
@testable import Model

/// The gallery's query (issue 17): kept pictures only, newest first, a page
/// at a time by submission, matched by the history's own filter.
@Suite struct GalleryQueryTests {
    /// A succeeded submission with `images` results, the first `kept` of them with a copy noted.
    @discardableResult
    static func submission(_ store: HistoryStore, _ prompt: String, images: Int = 2, kept: Int = 2) throws -> Int {
        let request = HistoryStoreTests.request(prompt)
        let id = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "sandbox")
        let results = (0..<images).map { "{\"image_url\": \"https://oss.example.com/\(request.taskID)/\($0).png\", \"seed\": \($0)}" }
        let json = "{\"status\": 2, \"desc\": \"Success\", \"differentialImageRspList\": [\(results.joined(separator: ", "))]}"
        try store.recordTaskInfo(id: id, info: HistoryStoreTests.info(json))
        for position in 0..<kept { try store.recordLocalCopy(id: id, position: position, path: "/kept/\(request.taskID)/\(position + 1).png") }
        return id
    }

    @Test func onlyKeptPicturesNewestFirstEachTaskInOrder() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let first = try Self.submission(store, "a lighthouse at dusk", images: 2, kept: 2)
        try Self.submission(store, "never kept", images: 3, kept: 0)
        let failed = try store.recordSending(HistoryStoreTests.request("failed"), baseURL: "x", profile: "p")
        try store.recordSendFailed(id: failed, error: "no")
        let third = try Self.submission(store, "portrait of a cat", images: 3, kept: 1)
        let page = try store.gallery()
        #expect(page.pictures.map(\.id) == ["\(third)/0", "\(first)/0", "\(first)/1"])
        #expect(page.pictures[0].prompt == "portrait of a cat")
        #expect(page.pictures[1].localPath.hasSuffix("/1.png"))
        #expect(page.pictures[0].endpoint == .controlNet)
        #expect(!page.hasMore && page.nextBefore == nil)
        #expect(try store.keptPictureCount() == 3)
    }

    /// A tool's picture has no prompt: its caption names the pictures it was given, as its history row does.
    @Test func aToolsPictureIsCaptionedByItsInputs() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let faceSwap = try #require(EndpointCatalog.shipped.endpoints.first { $0.id == "tool/roop" })
        let request = try Request.decode(json: #"{"sourceUrl": "/home/me/my face.png", "targetUrl": "https://oss.example.com/beach.jpg"}"#,
                                         for: faceSwap).request
        let id = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "sandbox")
        try store.recordTaskInfo(id: id, info: HistoryStoreTests.info(#"{"status": 2, "desc": "Success", "differentialImageRspList": [{"image_url": "https://oss.example.com/r.png"}]}"#))
        try store.recordLocalCopy(id: id, position: 0, path: "/kept/x/1.png")
        let picture = try #require(try store.gallery().pictures.first)
        #expect(picture.prompt == "my face.png → beach.jpg")
    }

    @Test func pagesAreCutBetweenSubmissionsAndContinue() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        var ids: [Int] = []
        for index in 0..<7 { ids.append(try Self.submission(store, "picture \(index)", images: 2, kept: 2)) }
        let first = try store.gallery(limit: 3)
        #expect(first.pictures.count == 6)
        #expect(Set(first.pictures.map(\.submissionID)) == Set(ids.suffix(3)))
        #expect(first.hasMore && first.nextBefore == ids[4])
        let second = try store.gallery(before: first.nextBefore, limit: 3)
        #expect(Set(second.pictures.map(\.submissionID)) == Set(ids[1...3]))
        let last = try store.gallery(before: second.nextBefore, limit: 3)
        #expect(last.pictures.map(\.submissionID) == [ids[0], ids[0]])
        #expect(!last.hasMore)
    }

    @Test func theHistorysFilterChoosesThePictures() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let cat = try Self.submission(store, "portrait of a cat, soft light")
        try Self.submission(store, "a lighthouse at dusk")
        try Self.submission(store, "a cat never kept", kept: 0)
        let rain = try Self.submission(store, "一只猫在雨中", images: 1, kept: 1)
        #expect(try store.gallery(filter: "cat").pictures.map(\.id) == ["\(cat)/0", "\(cat)/1"])
        #expect(try store.gallery(filter: "猫").pictures.map(\.id) == ["\(rain)/0"])
        #expect(try store.gallery(filter: "zebra").pictures.isEmpty)
        #expect(try store.gallery(filter: "po").pictures.map(\.submissionID) == [cat, cat], "a word's start, as the history matches it")
    }

    /// Many matching rows without pictures between the kept ones: the
    /// filter is read in growing chunks until the page is full.
    @Test func aFilterMatchingManyRowsWithoutPicturesStillFillsThePage() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let kept = try Self.submission(store, "lighthouse kept")
        // Written in one transaction beside the store (450 of its own would take seconds).
        let db = try SQLiteConnection(path: history.path)
        try db.transaction { () throws(SQLiteError) in
            for index in 0..<450 {
                try db.run("""
                    INSERT INTO submission (endpoint, base_url, profile, created_at, id_task, request_json, prompt, model,
                                            image_count, state, updated_at)
                    VALUES ('sd/controlnet', 'x', 'p', 0, ?, '{}', ?, 'm', 1, 'succeeded', 0)
                    """, [.text("t\(index)"), .text("lighthouse \(index)")])
            }
        }
        let newest = try Self.submission(store, "lighthouse newest", images: 1, kept: 1)
        let page = try store.gallery(filter: "lighthouse", limit: 1)
        #expect(page.pictures.map(\.submissionID) == [newest])
        #expect(page.hasMore)
        let next = try store.gallery(filter: "lighthouse", before: page.nextBefore, limit: 1)
        #expect(next.pictures.map(\.submissionID) == [kept, kept])
    }

    @Test func thePageIsReadFromThePartialIndex() throws {
        let history = TemporaryHistory()
        _ = try history.open()
        let db = try SQLiteConnection(path: history.path)
        let plan = try db.run("EXPLAIN QUERY PLAN " + GalleryQuery.keptSubmissions, [.int(Int.max), .int(40)])
            .compactMap { $0.text(3) }.joined(separator: "\n")
        #expect(plan.contains("result_kept"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE"), "no sort of every kept picture: \(plan)")
    }
}
