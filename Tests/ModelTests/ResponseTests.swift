import Foundation
import Testing
@testable import Model

@Suite struct ResponseTests {
    @Test func readsTheDocumentedV2Answer() throws {
        // zhiqite-api.md §2.2, the service's own example.
        let text = """
        {"code":"200","msg":"success","data":{"id_task":"test10086555513","status":2,"desc":"Success","temporaryImageDto":null,
         "differentialImageRspList":[{"img_audit":[{"confidence":null,"label":"nonLabel"}],"img_audit_status":true,"image_status":1,
         "image_url":"https://aigcoss.zhiqiteai.cn/Output-Img2/x-0.png","seed":1063029203}]}}
        """
        let envelope = try #require(Envelope(try JSONParser.parse(text)))
        #expect(envelope.isSuccess)
        let info = TaskInfo(data: try #require(envelope.data))
        #expect(info.taskID == "test10086555513")
        #expect(info.phase == .succeeded)
        #expect(info.progress == nil)
        #expect(info.results == [ResultImage(try JSONParser.parse(
            "{\"image_url\":\"https://aigcoss.zhiqiteai.cn/Output-Img2/x-0.png\",\"seed\":1063029203,\"image_status\":1,\"img_audit_status\":true,\"img_audit\":[{\"label\":\"nonLabel\"}]}"))])
        #expect(info.results[0].auditLabels == ["nonLabel"])
    }

    @Test func readsTheDocumentedV1Answer() throws {
        let text = """
        {"code":"200","msg":"success","data":{"task_id":"20000051","status":2,"desc":"success",
         "differentialImageRspList":[{"image_url":"https://a/b.png","seed":3247563571,"image_status":1,"img_audit_status":true}]}}
        """
        let info = TaskInfo(data: try #require(Envelope(try JSONParser.parse(text))?.data))
        #expect(info.taskID == "20000051")
        #expect(info.results.first?.seed == 3247563571)
    }

    @Test func statusCodesFollowWireRuleNine() {
        #expect(TaskPhase(status: 2) == .succeeded)
        for status in [0, 1, 3] { #expect(TaskPhase(status: status) == .inProgress) }
        for status in [-1, 4, 5, 99] { #expect(TaskPhase(status: status) == .failed) }
    }

    @Test func progressIsReadInTheShapesTheServiceMightUse() throws {
        func progress(_ text: String) throws -> Double? { TaskInfo.readProgress(try JSONParser.parse(text)) }
        #expect(try progress("{\"progress\": 0.25}") == 0.25)
        #expect(try progress("{\"percentage\": 40}") == 0.4)
        #expect(try progress("{\"progress\": \"75%\"}") == 0.75)
        #expect(try progress("{\"progress\": 60}") == 0.6)
        #expect(try progress("null") == nil)
        #expect(try progress("{}") == nil)
    }

    @Test func taskIDsAreReadFromAnyOfTheirNames() throws {
        #expect(readTaskID(in: try JSONParser.parse("{\"task_id\": \"a\"}")) == "a")
        #expect(readTaskID(in: try JSONParser.parse("{\"taskId\": 17}")) == "17")
        #expect(readTaskID(in: try JSONParser.parse("{\"id_task\": \"c\"}")) == "c")
        #expect(readTaskID(in: nil) == nil)
    }

    @Test func anEnvelopeNeedsACode() throws {
        #expect(Envelope(try JSONParser.parse("{\"msg\": \"hi\"}")) == nil)
        #expect(Envelope(try JSONParser.parse("{\"code\": 200}"))?.isSuccess == true)
        #expect(Envelope(try JSONParser.parse("{\"code\": \"500\", \"msg\": \"boom\"}"))?.isSuccess == false)
    }

    @Test func readsAModelListPage() throws {
        let data = try JSONParser.parse("""
        {"rows":[{"id":39,"sdModelCheckpoint":"photon_v1_84728.safetensors","sdModelName":"Photon","modelBaseModel":"SD 1.5"}],
         "total":1,"pageSize":10,"pageNum":1}
        """)
        let page = ModelListPage(data: data)
        #expect(page.rows.first?.sdModelCheckpoint == "photon_v1_84728.safetensors")
        #expect(page.total == 1 && page.pageSize == 10 && page.pageNum == 1)
    }

    @Test func queriesUseV2WithinTheMonthAndV1ForOlderTasks() {
        let calendar = Calendar(identifier: .gregorian)
        var shanghai = calendar
        shanghai.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let now = shanghai.date(from: DateComponents(year: 2026, month: 11, day: 24, hour: 12))!
        let earlier = shanghai.date(from: DateComponents(year: 2026, month: 11, day: 1, hour: 0, minute: 5))!
        let lastMonth = shanghai.date(from: DateComponents(year: 2026, month: 10, day: 31, hour: 23, minute: 55))!
        #expect(QueryVersion.forTask(submittedAt: earlier, now: now) == .v2)
        #expect(QueryVersion.forTask(submittedAt: lastMonth, now: now) == .v1)
    }
}

@Suite struct ToolTaskInfoTests {
    static let flux = Family.tool(code: "comfyui/text2image")
    static let expand = Family.tool(code: "prompts/expand")

    static func info(_ text: String, _ family: Family) throws -> TaskInfo {
        TaskInfo(data: try #require(Envelope(try JSONParser.parse(text))?.data), family: family)
    }

    @Test func theDocumentedFluxAnswerIsASuccessWithItsImage() throws {
        // §4.1's example: status 1, and the image already there (§A6).
        let info = try Self.info("""
            {"code":"200","msg":"success","data":{"taskId":"11895411","status":1,
             "outputImageUrl":"https://aigcoss.zhiqiteai.cn/Output-Img2/codeformer/pro1704677500319557818419.png"}}
            """, Self.flux)
        #expect(info.phase == .succeeded)
        #expect(info.results.map(\.imageURL) == ["https://aigcoss.zhiqiteai.cn/Output-Img2/codeformer/pro1704677500319557818419.png"])
        #expect(info.texts.isEmpty)
        #expect(info.taskID == "11895411")
        #expect(info.status == 1)
        #expect(info.desc == "done")
        #expect(SubmissionState(info) == .succeeded)
        #expect(Self.flux.finishedTask(inSubmitData: info.raw) == info, "a submit answer with the image needs no query")
    }

    @Test func theDocumentedPromptExpansionAnswerIsASuccessWithItsTexts() throws {
        // §4.10's example: status 0, and the prompts in the answer.
        let info = try Self.info("""
            {"code":"200","msg":"success","data":{"status":0,"prompts":["masterpiece, (photorealistic:1.4), best quality, 1 girl",
             "1 girl, solo, detailed eyes"],"taskId":"88","toolTask":"x","businessTaskId":"zqt-1"}}
            """, Self.expand)
        #expect(info.phase == .succeeded)
        #expect(info.texts == ["masterpiece, (photorealistic:1.4), best quality, 1 girl", "1 girl, solo, detailed eyes"])
        #expect(info.results.isEmpty)
        #expect(info.hasResults)
        #expect(SubmissionState(info) == .succeeded)
        #expect(Self.expand.finishedTask(inSubmitData: info.raw)?.texts.count == 2)
    }

    @Test func withoutAResultTheStatusDecides() throws {
        let running = try Self.info(#"{"code":"200","msg":"ok","data":{"taskId":"1","status":1}}"#, Self.flux)
        #expect(running.phase == .inProgress && running.desc == "running")
        #expect(SubmissionState(running) == .running)
        #expect(Self.flux.finishedTask(inSubmitData: running.raw) == nil, "still to be followed")

        let queued = try Self.info(#"{"code":"200","msg":"ok","data":{"status":0}}"#, Self.expand)
        #expect(queued.phase == .inProgress && SubmissionState(queued) == .queued)

        let failed = try Self.info(#"{"code":"200","msg":"ok","data":{"taskId":"1","status":4}}"#, Self.flux)
        #expect(failed.phase == .failed && failed.desc == "failed (status 4)")
        #expect(SubmissionState(failed) == .failed)

        let said = try Self.info(#"{"code":"200","msg":"ok","data":{"status":5,"desc":"NSFW content"}}"#, Self.flux)
        #expect(said.phase == .failed && said.desc == "NSFW content", "the service's own words win")

        let doneEmpty = try Self.info(#"{"code":"200","msg":"ok","data":{"status":2}}"#, Self.flux)
        #expect(doneEmpty.phase == .succeeded && !doneEmpty.hasResults)

        let noStatus = try Self.info(#"{"code":"200","msg":"ok","data":{"taskId":"9"}}"#, Self.flux)
        #expect(noStatus.phase == .inProgress && noStatus.desc == "submitted")
        #expect(Self.flux.finishedTask(inSubmitData: nil) == nil)
        #expect(Family.sd.finishedTask(inSubmitData: running.raw) == nil, "an SD submit never carries its result")
    }

    @Test func anEmptyResultIsNoResult() throws {
        let info = try Self.info(#"{"code":"200","msg":"ok","data":{"status":1,"outputImageUrl":"","prompts":["", 3]}}"#, Self.flux)
        #expect(!info.hasResults && info.phase == .inProgress)
    }

    @Test func aNumberBeyondADoubleIsAClearParseError() {
        // JSON has no infinity: 1e400 is refused by the parser, not read as inf.
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"status": 1e400}"#) }
    }

    @Test(arguments: ["1e300", "-1e300", "1.5", "\"2\"", "\"lots\"", "true", "null", "[]", "{}", "9223372036854775807", "18446744073709551616"])
    func oddStatusesNeverCrash(status: String) throws {
        for family in [Self.flux, Self.expand, Family.sd] {
            let info = try Self.info("{\"code\":\"200\",\"data\":{\"status\":\(status)}}", family)
            _ = SubmissionState(info)
            #expect(!info.hasResults)
        }
    }

    @Test func aHugeStatusIsNotASuccess() throws {
        for family in [Self.flux, Family.sd] {
            let info = try Self.info(#"{"code":"200","data":{"status":1e300}}"#, family)
            #expect(info.phase != .succeeded, "\(family.name)")
        }
        let tool = try Self.info(#"{"code":"200","data":{"status":1e300}}"#, Self.flux)
        #expect(tool.phase == .failed)
    }

    @Test func toolQueriesGoToTheToolsQueryTask() {
        #expect(Self.flux.queryPath(submittedAt: Date()) == "tool/comfyui/text2image/queryTask")
        #expect(Self.expand.queryPath(submittedAt: Date()) == "tool/prompts/expand/queryTask")
        #expect(Family.sd.queryPath(submittedAt: Date(), version: .v1) == "sd/queryTaskInfo")
        #expect(Family.sd.queryPath(submittedAt: Date(), version: .v2) == "sd/v2/queryTaskInfo")
        #expect(Family.training.queryPath(submittedAt: Date()) == nil, "§3.2 documents no query")
    }
}

@Suite struct ConfigurationTests {
    @Test func flagsWinOverTheEnvironment() {
        let env = ["ZQT_BASE_URL": "http://env:1", "ZQT_ACCESS_KEY_ID": "id", "ZQT_ACCESS_KEY_SECRET": "secret"]
        #expect(ClientConfiguration.resolve(environment: env).baseURL == "http://env:1")
        #expect(ClientConfiguration.resolve(baseURLFlag: "http://flag:2", environment: env).baseURL == "http://flag:2")
        #expect(ClientConfiguration.resolve(environment: env).credentials == Credentials(accessKeyID: "id", accessKeySecret: "secret"))
        #expect(ClientConfiguration.resolve(environment: [:]).baseURL == "https://api.zhiqite.com")
        #expect(ClientConfiguration.resolve(environment: [:]).credentials == nil)
    }

    @Test func theDataDirectoryFollowsZqtHomeThenXDG() {
        #expect(ZqtPaths.home(environment: ["ZQT_HOME": "/tmp/z"]).path == "/tmp/z")
        #expect(ZqtPaths.home(environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]).path == "/x/zqt")
        #expect(ZqtPaths.home(environment: ["HOME": "/h"]).path == "/h/.local/share/zqt")
    }
}
