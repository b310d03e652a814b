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

    @Test func pollingBacksOffFromOneSecondToAtMostFive() {
        let policy = PollPolicy.standard
        #expect(policy.delay(beforeAttempt: 0) == 1)
        #expect(policy.delay(beforeAttempt: 1) == 1.5)
        #expect(policy.delay(beforeAttempt: 10) == 5)
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
