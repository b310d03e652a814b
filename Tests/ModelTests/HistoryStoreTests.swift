import Foundation
import Testing
@testable import Model

/// A history file in a folder of its own, removed afterwards.
final class TemporaryHistory {
    let folder: String
    init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("zqt-history-\(UUID().uuidString)").path
    }
    deinit { try? FileManager.default.removeItem(atPath: folder) }
    var path: String { folder + "/" + HistoryStore.fileName }
    func open() throws(HistoryError) -> HistoryStore { try HistoryStore.open(inFolder: folder) }
}

@Suite struct HistoryStoreTests {
    static func request(_ prompt: String, model: String = "photon_v1.safetensors", idTask: String? = nil) -> Request {
        var request = Request.new(for: .controlNet, taskID: idTask ?? TaskIDGenerator.shared.next())
        request["prompt"] = .string(prompt)
        request["alwayson_scripts.sd_model_checkpoint"] = .string(model)
        request["n_iter"] = .int(2)
        return request
    }

    static func submission(_ request: Request, taskID: String = "svc-1") -> Submission {
        let body = "{\"code\": \"200\", \"msg\": \"ok\", \"data\": {\"task_id\": \"\(taskID)\"}}"
        let envelope = Envelope(try! JSONParser.parse(body))!
        return Submission(result: SubmitResult(serviceTaskID: taskID, envelope: envelope),
                          exchange: Exchange(endpoint: request.endpoint.id, requestBody: request.wireJSON, httpStatus: 200,
                                             responseBody: body, startedAt: Date(), finishedAt: Date()))
    }

    static func info(_ json: String, family: Family = .sd) -> TaskInfo { TaskInfo(data: try! JSONParser.parse(json), family: family) }

    /// A first start makes its history without waiting for the disk (issue
    /// 18: six fdatasyncs before the first frame); what it makes is a whole
    /// history at the current schema, and every write after it is as durable
    /// as on any other start (synchronous NORMAL, WAL).
    @Test func aFirstStartMakesAWholeHistoryThatWritesDurablyAfterwards() throws {
        let history = TemporaryHistory()
        #expect(!FileManager.default.fileExists(atPath: history.path))
        let store = try history.open()
        #expect(try store.connection.scalar("PRAGMA synchronous") == 1, "NORMAL again once the schema is made")
        #expect(try store.connection.run("PRAGMA journal_mode").first?.text(0) == "wal")
        let id = try store.recordSending(Self.request("a lighthouse"), baseURL: "http://127.0.0.1:1", profile: "sandbox")

        let reader = try SQLiteConnection(path: history.path, create: false, readOnly: true)
        #expect(try reader.scalar("PRAGMA user_version") == HistorySchema.currentVersion)
        #expect(try reader.run("PRAGMA integrity_check").first?.text(0) == "ok")
        #expect(try history.open().record(id: id)?.state == .sending, "the row is there after the next start")
        // A history that exists is opened as before: nothing about it changes.
        let again = try history.open()
        #expect(try again.connection.scalar("PRAGMA synchronous") == 1)
    }

    @Test func aSubmissionIsKeptThroughItsWholeLife() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let request = Self.request("a cat in the rain, 一只猫")
        let id = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "sandbox")
        #expect(try store.record(id: id)?.state == .sending)
        #expect(try store.unfinished().map(\.id) == [id], "a send in flight is followed up at the next start")

        try store.recordSubmitted(id: id, submission: Self.submission(request))
        try store.recordTaskInfo(id: id, info: Self.info(#"{"status": 1, "desc": "Running", "temporaryImageDto": {"progress": 0.4}}"#))
        var record = try #require(try store.record(id: id))
        #expect(record.state == .running && record.progress == 0.4 && record.taskDesc == "Running" && record.finishedAt == nil)

        try store.recordTaskInfo(id: id, info: Self.info("""
            {"status": 2, "desc": "Success", "temporaryImageDto": null, "differentialImageRspList": [
              {"image_url": "http://x/0.png", "seed": 7, "image_status": 1, "img_audit_status": true, "img_audit": []},
              {"image_url": "http://x/1.png", "seed": 8, "image_status": 1, "img_audit_status": false, "img_audit": [{"label": "nsfw"}]}]}
            """))
        record = try #require(try store.record(id: id))
        #expect(record.state == .succeeded)
        #expect(record.requestJSON == request.wireJSON, "exactly the JSON sent")
        #expect(record.serviceTaskID == "svc-1" && record.httpStatus == 200)
        #expect(record.responseJSON?.contains("\"task_id\": \"svc-1\"") == true)
        #expect(record.finishedAt != nil && record.submittedAt != nil)
        #expect(record.results.map(\.imageURL) == ["http://x/0.png", "http://x/1.png"])
        #expect(record.results.map(\.seed) == [7, 8])
        #expect(record.results[1].auditPassed == false && record.results[1].auditLabels == ["nsfw"])
        #expect(record.lastQueryJSON?.contains("\"desc\": \"Success\"") == true)
        #expect(try store.unfinished().isEmpty)

        // A local copy survives a later query that repeats the results.
        try store.recordLocalCopy(id: id, position: 1, path: "/tmp/x-2.png")
        try store.recordTaskInfo(id: id, info: Self.info(#"{"status": 2, "desc": "Success", "differentialImageRspList": [{"image_url": "http://x/0.png"}, {"image_url": "http://x/1.png"}]}"#))
        #expect(try store.record(id: id)?.results.map(\.localPath) == [nil, "/tmp/x-2.png"])

        let summary = try #require(try store.list().first)
        #expect(summary.id == id && summary.state == .succeeded && summary.resultCount == 2 && summary.imageCount == 2)
        #expect(summary.prompt == "a cat in the rain, 一只猫")
    }

    @Test func aFailedSendStaysInHistoryWithItsError() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let request = Self.request("a red bicycle")
        let id = try store.recordSending(request, baseURL: "https://api.zhiqite.com", profile: "default")
        try store.recordSendFailed(id: id, error: "API error 401: bad key", httpStatus: 200, response: "{\"code\": \"401\"}")
        let record = try #require(try store.record(id: id))
        #expect(record.state == .sendFailed && record.error == "API error 401: bad key")
        #expect(record.request.prompt == "a red bicycle", "the request can be read back and sent again")
        #expect(try store.list(filter: "failed").map(\.id) == [id])
    }

    @Test func theFilterFindsPromptsTaskIDsModelsAndStates() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        var ids: [String: Int] = [:]
        for (name, prompt, model) in [("cat", "A Cat in the rain, 一只猫", "photon_v1"), ("dog", "a dog on a beach", "revAnimated_v122"),
                                      ("odd", "100% _real_ \"quoted\" o'brien", "photon_v1")] {
            let request = Self.request(prompt, model: model, idTask: "zqt-test-\(name)")
            ids[name] = try store.recordSending(request, baseURL: "b", profile: "p")
        }
        try store.recordSendFailed(id: ids["dog"]!, error: "boom")
        func find(_ filter: String) throws -> Set<Int> { Set(try store.list(filter: filter).map(\.id)) }
        #expect(try find("") == Set(ids.values))
        #expect(try find("rain") == [ids["cat"]!])
        #expect(try find("RAIN cat") == [ids["cat"]!], "every word, any case")
        #expect(try find("只猫") == [ids["cat"]!], "two Chinese characters")
        #expect(try find("一只猫") == [ids["cat"]!])
        #expect(try find("revanimated") == [ids["dog"]!], "the model")
        #expect(try find("test-dog") == [ids["dog"]!], "the task id")
        #expect(try find("failed") == [ids["dog"]!], "the state")
        #expect(try find("sending photon") == [ids["cat"]!, ids["odd"]!])
        #expect(try find("100%") == [ids["odd"]!])
        // One or two characters: the start of a word, or Chinese characters in a row.
        #expect(try find("ra") == [ids["cat"]!], "rain")
        #expect(try find("BE") == [ids["dog"]!], "beach")
        #expect(try find("1") == [ids["odd"]!], "100")
        #expect(try find("猫") == [ids["cat"]!])
        #expect(try find("a猫").isEmpty, "in a row: 'a' is not right before 猫")
        #expect(try find("%") == Set(ids.values), "punctuation alone narrows nothing")
        #expect(try find("ra photon") == [ids["cat"]!], "short and long words together")
        #expect(try find("\"quoted\"") == [ids["odd"]!], "quotes cannot break the index query")
        #expect(try find("o'brien") == [ids["odd"]!])
        #expect(try find("zebra").isEmpty)
        #expect(try store.count() == 3)
    }

    @Test func pagesContinueFromTheLastRowSeen() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        for i in 0..<25 {
            _ = try store.recordSending(Self.request("prompt \(i)"), baseURL: "b", profile: "p")
        }
        let first = try store.list(limit: 10)
        let second = try store.list(before: first.last!.id, limit: 10)
        #expect(first.first?.prompt == "prompt 24", "newest first")
        #expect(second.first?.prompt == "prompt 14")
        #expect(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))

        // A filter with words for both indexes pages the same way.
        let filtered = try store.list(filter: "prompt 1", limit: 5)
        #expect(filtered.map(\.prompt) == ["prompt 19", "prompt 18", "prompt 17", "prompt 16", "prompt 15"])
        #expect(try store.list(filter: "prompt 1", before: filtered.last!.id, limit: 5).map(\.prompt)
                == ["prompt 14", "prompt 13", "prompt 12", "prompt 11", "prompt 10"])
    }

    @Test func deletingARowTakesItsResultsAndIndexEntryWithIt() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let request = Self.request("a lighthouse")
        let id = try store.recordSending(request, baseURL: "b", profile: "p")
        try store.recordTaskInfo(id: id, info: Self.info(#"{"status": 2, "differentialImageRspList": [{"image_url": "u"}]}"#))
        try store.delete(id: id)
        #expect(try store.record(id: id) == nil)
        #expect(try store.list(filter: "lighthouse").isEmpty)
        let db = try SQLiteConnection(path: history.path)
        #expect(try db.scalar("SELECT count(*) FROM result") == 0)
        #expect(try db.run("PRAGMA integrity_check").first?.text(0) == "ok")
        try db.execute("INSERT INTO submission_search(submission_search) VALUES ('integrity-check')")
    }

    @Test func aCustomRequestReopensWithItsFamilyAndTaskIDKey() throws {
        // A tool the docs leave out, at a path that names no family, its task id under a key of the user's.
        var request = Request.new(for: CustomEndpoint.endpoint(path: "v3/restore"), taskID: "zqt-custom-1")
        try request.setCustom(.family, to: "tool")
        try request.setCustom(.taskKey, to: "requestId")
        request.setOtherMembers(.object([("imageUrl", .string("https://x/a.png"))]))
        #expect(request.wireJSON.contains("\"requestId\": \"zqt-custom-1\""))
        let history = TemporaryHistory()
        let store = try history.open()
        let id = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "sandbox")
        let record = try #require(try store.record(id: id))
        #expect(record.endpoint.family == .tool(code: "v3/restore"), "followed as the tool it was sent as")
        #expect(record.endpoint.taskIDPath == "requestId")
        let reopened = try Request.decode(json: record.requestJSON, for: record.endpoint).request
        #expect(reopened.taskID == "zqt-custom-1" && reopened.wireJSON == request.wireJSON, "resent as it was sent")
        #expect(try store.list().first?.endpoint.taskIDPath == "requestId")
    }

    @Test func theDraftIsSavedAndRestored() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        #expect(try store.loadDraft() == nil)
        let draft = ComposeDraft(endpoint: .controlNet, requestJSON: Self.request("half-typed 提示").wireJSON,
                                 fieldDrafts: ["steps": "2o", "seed": "12x"], savedAt: Date(timeIntervalSince1970: 1_795_000_000))
        try store.saveDraft(draft)
        try store.saveDraft(draft)  // saving again replaces it
        #expect(try history.open().loadDraft() == draft)
    }

    @Test func aDatabaseWrittenBySchemaOneOpensWithEverythingKept() throws {
        let history = TemporaryHistory()
        try FileManager.default.createDirectory(atPath: history.folder, withIntermediateDirectories: true)
        let old = try SQLiteConnection(path: history.path)
        try old.execute(try GoldenFile.text("history-v1.sql"))
        #expect(try old.scalar("PRAGMA user_version") == 1)

        let store = try history.open()
        let db = try SQLiteConnection(path: history.path)
        #expect(try db.scalar("PRAGMA user_version") == HistorySchema.currentVersion)
        let success = try #require(try store.record(id: 1))
        #expect(success.state == .succeeded && success.taskDesc == "Success")
        #expect(success.results.map(\.seed) == [1001, 1002])
        #expect(success.results[0].localPath == "/home/u/.local/share/zqt/images/a/1.png")
        #expect(success.results[1].auditLabels == ["nsfw"])
        #expect(success.request.checkpoint == "revAnimated_v122.safetensors")
        #expect(try store.record(id: 2)?.error == "Cannot reach api.zhiqite.com: host name not found")
        #expect(try store.unfinished().map(\.id) == [3], "the running task is followed again")
        // Rows from before the index are found by the filter.
        #expect(try store.list(filter: "灯塔").map(\.id) == [1], "two Chinese characters, through the word index built for old rows")
        #expect(try store.list(filter: "lighthouse").map(\.id) == [1])
        #expect(try store.list(filter: "failed").map(\.id) == [2])
        // New rows continue after the old ones.
        let next = try store.recordSending(Self.request("new"), baseURL: "b", profile: "p")
        #expect(next == 4)
    }

    @Test func aDatabaseWrittenBySchemaTwoUpgradesToTextResultsWithEverythingKept() throws {
        let history = TemporaryHistory()
        try FileManager.default.createDirectory(atPath: history.folder, withIntermediateDirectories: true)
        let old = try SQLiteConnection(path: history.path)
        try old.execute(try GoldenFile.text("history-v2.sql"))
        #expect(try old.scalar("PRAGMA user_version") == 2)
        #expect(try old.run("SELECT name FROM pragma_table_info('result') WHERE name = 'text'").isEmpty, "frozen before migration 3")

        let store = try history.open()
        let db = try SQLiteConnection(path: history.path)
        #expect(try db.scalar("PRAGMA user_version") == HistorySchema.currentVersion)
        #expect(try db.run("PRAGMA integrity_check").first?.text(0) == "ok")
        try db.execute("INSERT INTO submission_search(submission_search) VALUES ('integrity-check')")

        // Every row, result and the draft are as the SD-only zqt left them.
        #expect(try store.count() == 3)
        let success = try #require(try store.record(id: 1))
        #expect(success.endpoint == .controlNet && success.state == .succeeded && success.taskDesc == "Success")
        #expect(success.results.map(\.seed) == [2001, 2002])
        #expect(success.results.allSatisfy { $0.text == nil }, "old results are images")
        #expect(success.imageResults.count == 2 && success.textResults.isEmpty)
        #expect(success.results[0].localPath == "/home/u/.local/share/zqt/images/zqt-20261120-091500-000-aaaa-1.png")
        #expect(success.results[1].auditPassed == false && success.results[1].auditLabels == ["nsfw", "violence"])
        #expect(success.request.checkpoint == "revAnimated_v122.safetensors")
        #expect(success.request.prompt == "a lighthouse at dusk, 一座灯塔")
        #expect(RequestValidator.validate(success.request).isEmpty, "an old request still validates and can be sent again")
        #expect(success.request.wireJSON == success.requestJSON, "an old SDRequest body is the same bytes through the catalog")

        let failed = try #require(try store.record(id: 2))
        #expect(failed.endpoint == .text2Image && failed.state == .sendFailed && failed.error == "API error 401: invalid access key")
        #expect(try store.record(id: 3)?.endpoint == .image2Image)
        #expect(try store.unfinished().map(\.id) == [3], "the running task is followed again")
        #expect(try store.list().map(\.endpoint.id) == ["sd/v2/image2image", "sd/v2/text2image", "sd/v2/controlnet"])

        // Both filter indexes answer for the old rows.
        #expect(try store.list(filter: "灯塔").map(\.id) == [1])
        #expect(try store.list(filter: "lighthouse").map(\.id) == [1])
        #expect(try store.list(filter: "sn").map(\.id) == [3])
        #expect(try store.list(filter: "failed").map(\.id) == [2])
        #expect(try store.list(filter: "image2image").map(\.id) == [3])

        let draft = try #require(try store.loadDraft())
        #expect(draft.endpoint == .text2Image && draft.fieldDrafts == ["steps": "2o", "seed": "12x"])
        #expect(Request(endpoint: draft.endpoint, body: try JSONParser.parse(draft.requestJSON)).prompt == "half-typed 提示")

        // A text result can now be kept: a prompt expansion after the upgrade.
        let expand = try #require(EndpointCatalog.shipped.endpoint(id: "tool/prompts/expand"))
        var request = Request.new(for: expand, taskID: "zqt-20261125-100000-000-eeee")
        request["sourcePrompt"] = .string("a girl")
        let id = try store.recordSending(request, baseURL: "https://api.zhiqite.com", profile: "default")
        #expect(id == 4, "new rows continue after the old ones")
        try store.recordTaskInfo(id: id, info: Self.info("""
            {"status": 0, "prompts": ["masterpiece, best quality, 1 girl, solo", "1 girl, detailed eyes, 一个女孩"], "taskId": "77"}
            """, family: .tool(code: "prompts/expand")))
        let record = try #require(try store.record(id: id))
        #expect(record.endpoint == expand && record.state == .succeeded)
        #expect(record.textResults == ["masterpiece, best quality, 1 girl, solo", "1 girl, detailed eyes, 一个女孩"])
        #expect(record.imageResults.isEmpty)
        #expect(record.results.map(\.imageURL) == ["", ""])
        #expect(record.request.prompt == "a girl" && record.idTask == "zqt-20261125-100000-000-eeee")
        #expect(try store.list(filter: "girl").map(\.id) == [id], "the source prompt is what the filter finds")
        #expect(try store.record(id: 1)?.results.count == 2, "old rows untouched")
    }

    @Test func aToolTaskIsKeptWithImagesAndTextsInOrder() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let flux = try #require(EndpointCatalog.shipped.endpoint(id: "tool/comfyui/text2image"))
        var request = Request.new(for: flux, taskID: "zqt-flux-1")
        request["prompt"] = .string("blue sea, light yellow moon")
        let id = try store.recordSending(request, baseURL: "b", profile: "p")
        #expect(try store.record(id: id)?.idTask == "zqt-flux-1", "businessTaskId is the row's task id")
        let tool = Family.tool(code: "comfyui/text2image")
        try store.recordTaskInfo(id: id, info: Self.info(#"{"taskId": "1", "status": 1}"#, family: tool))
        #expect(try store.record(id: id)?.state == .running)
        #expect(try store.unfinished().map(\.id) == [id])
        try store.recordTaskInfo(id: id, info: Self.info(#"{"taskId": "1", "status": 1, "outputImageUrl": "https://x/f.png", "caption": "a moon"}"#,
                                                          family: tool))
        let record = try #require(try store.record(id: id))
        #expect(record.state == .succeeded && record.finishedAt != nil)
        #expect(record.imageResults.map(\.imageURL) == ["https://x/f.png"])
        #expect(record.textResults == ["a moon"])
        #expect(record.results.map(\.position) == [0, 1], "texts follow the images")
        #expect(try store.list().first?.resultCount == 1, "the list counts images")
        #expect(try store.unfinished().isEmpty)
    }

    @Test func aDatabaseFromANewerZqtIsRefusedAndLeftAlone() throws {
        let history = TemporaryHistory()
        try FileManager.default.createDirectory(atPath: history.folder, withIntermediateDirectories: true)
        let newer = try SQLiteConnection(path: history.path)
        try newer.execute("CREATE TABLE future (x); PRAGMA user_version = 99")
        let before = try Data(contentsOf: URL(fileURLWithPath: history.path))
        #expect(throws: HistoryError.newerSchema(path: history.path, found: 99, known: HistorySchema.currentVersion)) {
            try history.open()
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: history.path)) == before)
    }

    @Test func aDamagedFileGetsAMessageNamingItAndIsNeverReplaced() throws {
        let history = TemporaryHistory()
        try FileManager.default.createDirectory(atPath: history.folder, withIntermediateDirectories: true)
        let junk = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try junk.write(to: URL(fileURLWithPath: history.path))
        do throws(HistoryError) {
            _ = try history.open()
            Issue.record("a damaged file must not open")
        } catch {
            #expect(error.message.hasPrefix("History \(history.path) is damaged or not a zqt database"))
            #expect(error.message.contains("it was left as it is. `zqt history check` says what is wrong; `zqt history recover`"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: history.path)) == junk, "not a byte changed")
    }

    @Test func aFolderThatCannotBeCreatedIsNamed() throws {
        let history = TemporaryHistory()
        try FileManager.default.createDirectory(atPath: history.folder, withIntermediateDirectories: true)
        let file = history.folder + "/plain-file"
        try Data().write(to: URL(fileURLWithPath: file))
        do throws(HistoryError) {
            _ = try HistoryStore.open(inFolder: file + "/zqt")
            Issue.record("a folder inside a file cannot be made")
        } catch {
            #expect(error.message.hasPrefix("Cannot create the history folder \(file)/zqt"))
        }
    }
}

@Suite struct HistoryOpenedAtOnceTests {
    /// Two zqt starting together on a new machine both find no schema; the
    /// second must not run the migrations again once it gets the write lock.
    @Test func manyConnectionsCreatingOneHistoryAtOnceAllSucceed() async throws {
        let history = TemporaryHistory()
        try FileManager.default.createDirectory(atPath: history.folder, withIntermediateDirectories: true)
        let path = history.path
        let failures = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
                        startThread {
                            do throws(HistoryError) {
                                _ = try HistoryStore(path: path)
                                continuation.resume(returning: nil)
                            } catch {
                                continuation.resume(returning: error.message)
                            }
                        }
                    }
                }
            }
            return await group.reduce(into: [String]()) { if let failure = $1 { $0.append(failure) } }
        }
        #expect(failures.isEmpty, "\(failures)")
        #expect(try SQLiteConnection(path: path).scalar("PRAGMA user_version") == HistorySchema.currentVersion)
    }

    /// Issue 21: another zqt holding the history past the 5 s busy timeout
    /// (a sweep and two senders on a loaded machine) made `zqt send` go on
    /// unkept ("not kept in history: … database is locked"). The open waits
    /// and tries again, as a write does.
    @Test func anOpenWaitsForAnotherHoldingTheFilePastTheBusyTimeout() throws {
        let history = TemporaryHistory()
        try history.open().closeAtEnd()
        // An exclusive locking mode keeps every other connection out until this one closes.
        nonisolated(unsafe) let holder = try SQLiteConnection(path: history.path)  // closed by the other thread alone
        try holder.execute("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; CREATE TABLE held (x); COMMIT")
        let released = DispatchSemaphore(value: 0)
        let holding = Date()
        DispatchQueue.global().async {
            // Held longer than one busy timeout (5 s), as a loaded machine's other zqt did.
            while Date().timeIntervalSince(holding) < 6.5 { usleep(100_000) }
            holder.close()
            released.signal()
        }
        let store = try history.open()
        #expect(Date().timeIntervalSince(holding) >= 6.5, "it waited for the holder")
        #expect(store.readOnly == nil)
        #expect(try store.list().isEmpty)
        released.wait()
    }
}
