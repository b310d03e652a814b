import Foundation
import Model
import Sandbox
import Testing

@Suite struct ClientAgainstSandboxTests {
    @Test func fullCycleSubmitPollSucceedAndFetchPNGsOfTheRequestedSize() async throws {
        // The sandbox's clock is stepped by hand: running at the first query, done after it.
        let clock = SteppedClock()
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 10), clock: clock)
        let request = try SandboxFixture.exampleRequest {
            $0["width"] = .int(512)
            $0["height"] = .int(384)
            $0["n_iter"] = .int(2)
            $0["batch_size"] = .int(2)
            $0["seed"] = .int(1000)
        }
        let submission = try await fixture.api.submit(request)
        clock.advance(5)
        #expect(submission.result.serviceTaskID == request.taskID)
        #expect(submission.exchange.httpStatus == 200)
        #expect(submission.exchange.requestBody == request.wireJSON, "exactly the preview's bytes were sent")

        let poller = TaskPoller(api: fixture.api, policy: SandboxFixture.fastPolling)
        var sawProgress = false
        var final: TaskInfo?
        for try await event in poller.track(SandboxFixture.reference(request)) {
            guard case let .update(info) = event else { continue }
            if info.phase == .inProgress, let progress = info.progress {
                #expect(progress > 0.3 && progress < 0.7, "half-way through the running phase")
                sawProgress = true
                clock.advance(10)
            }
            final = info
        }
        let info = try #require(final)
        #expect(sawProgress, "progress is reported while the task runs")
        #expect(info.phase == .succeeded)
        #expect(info.desc == "Success")
        #expect(info.results.count == 4, "batch_size × n_iter images")
        #expect(info.results.map(\.seed) == [1000, 1001, 1002, 1003])
        #expect(info.results.allSatisfy { $0.imageStatus == 1 && $0.auditPassed == true })

        var pictures: [[UInt8]] = []
        for result in info.results {
            let data = try await fixture.api.download(result.imageURL)
            let size = try #require(PNGInfo.dimensions(of: Array(data)))
            #expect(size.width == 512 && size.height == 384)
            pictures.append(data)
        }
        #expect(Set(pictures).count == 4, "a different picture per seed")
    }

    @Test func theSandboxReceivesExactlyTheBytesSent() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.exampleRequest { $0["prompt"] = .string("一只猫, a cat") }
        _ = try await fixture.api.submit(request)
        let received = try #require(fixture.service.receivedSubmissions.last)
        #expect(received.body == request.wireJSON)
        #expect(received.endpoint == .controlNet)
    }

    @Test func hiResResultsComeAtTheHiResSize() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.exampleRequest {
            $0["width"] = .int(256); $0["height"] = .int(256); $0["enable_hr"] = .bool(true)
            $0["hr_resize_x"] = .int(640); $0["hr_resize_y"] = .int(320)
        }
        _ = try await fixture.api.submit(request)
        let info = try await TaskPoller(api: fixture.api, policy: SandboxFixture.fastPolling)
            .waitForResult(SandboxFixture.reference(request))
        let data = try await fixture.api.download(try #require(info.results.first).imageURL)
        #expect(PNGInfo.dimensions(of: Array(data))! == (640, 320))
    }

    @Test func v1QueriesAnswerWithTaskIDAndNoProgress() async throws {
        let clock = SteppedClock()
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 0.2), clock: clock)
        let request = try SandboxFixture.exampleRequest()
        _ = try await fixture.api.submit(request)
        clock.advance(1)
        let info = try await fixture.api.queryTask(SandboxFixture.reference(request, version: .v1))
        #expect(info.raw["task_id"] == .string(request.taskID))
        #expect(info.raw["temporaryImageDto"] == nil)
        #expect(info.phase == .succeeded)
    }

    @Test func text2ImageAndImage2ImageAreServedToo() async throws {
        let fixture = try SandboxFixture()
        var t2i = Request.new(for: .text2Image, taskID: TaskIDGenerator.shared.next())
        t2i["prompt"] = .string("a lighthouse")
        #expect(try await fixture.api.submit(t2i).result.serviceTaskID == t2i.taskID)
        var i2i = Request.new(for: .image2Image, taskID: TaskIDGenerator.shared.next())
        i2i["prompt"] = .string("a lighthouse at dusk")
        i2i["alwayson_scripts.sd_model_checkpoint"] = .string("photon_v1_84728.safetensors")
        i2i["alwayson_scripts.image_link"] = .string("https://example.com/in.png")
        #expect(try await fixture.api.submit(i2i).result.serviceTaskID == i2i.taskID)
        #expect(fixture.service.receivedSubmissions.map(\.endpoint.id) == ["sd/v2/text2image", "sd/v2/image2image"])
    }

    @Test func anInvalidBodyGetsAnAPIErrorNamingTheField() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.exampleRequest { $0["alwayson_scripts.controlnet.args[0].weight"] = .int(3) }
        await #expect(throws: APIError.api(code: "400",
            message: "invalid parameter alwayson_scripts.controlnet.args[0].weight: weight must be between 0 and 2 (is 3)")) {
            try await fixture.api.submit(request)
        }
    }

    @Test func aReusedTaskIDIsRefused() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.exampleRequest()
        _ = try await fixture.api.submit(request)
        let error = await fixture.submitError(request)
        guard case let .api(code, message)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(code == "409")
        #expect(message.contains(request.taskID))
    }

    @Test func missingCredentialsAreCaughtBeforeSending() async throws {
        let fixture = try SandboxFixture(credentials: Credentials(accessKeyID: "id", accessKeySecret: " "))
        await #expect(throws: APIError.missingCredentials) {
            try await fixture.api.submit(try SandboxFixture.exampleRequest())
        }
        #expect(fixture.service.receivedSubmissions.isEmpty, "nothing left the client")
    }

    @Test func theSandboxChecksCredentialHeaders() async throws {
        let fixture = try SandboxFixture(options: SandboxOptions(
            requiredCredentials: Credentials(accessKeyID: "right", accessKeySecret: "pair")))
        await #expect(throws: APIError.api(code: "401", message: "invalid access key")) {
            try await fixture.api.submit(try SandboxFixture.exampleRequest())
        }
        let (_, body) = try await fixture.rawPost(Endpoint.controlNet.path, body: BundledExamples.controlNetJSON,
                                                  headers: ["Content-Type": "application/json"])
        #expect(body.contains("missing credential header X-Request-req-accessKeyId and X-Request-req-accessKeySecret"))
        let good = HTTPImageAPI(configuration: ClientConfiguration(
            baseURL: fixture.server.baseURL, credentials: Credentials(accessKeyID: "right", accessKeySecret: "pair")))
        #expect(try await good.submit(try SandboxFixture.exampleRequest()).exchange.httpStatus == 200)
    }

    @Test func aBodyThatIsNotJSONGetsAnAPIError() async throws {
        let fixture = try SandboxFixture()
        let (status, body) = try await fixture.rawPost(Endpoint.controlNet.path, body: "{\"prompt\": ",
            headers: ["Content-Type": "application/json", HTTPImageAPI.idHeader: "a", HTTPImageAPI.secretHeader: "b"])
        #expect(status == 200)
        let envelope = try #require(Envelope(try JSONParser.parse(body)))
        #expect(envelope.code == "400")
        #expect(envelope.msg.hasPrefix("request body is not valid JSON"))
    }

    @Test func queryModelListPagesAndFilters() async throws {
        let fixture = try SandboxFixture()
        let first = try await fixture.api.queryModels(pageNum: 1, pageSize: 5, checkpoint: nil, name: nil)
        #expect(first.rows.count == 5 && first.total == 23 && first.pageNum == 1)
        let last = try await fixture.api.queryModels(pageNum: 5, pageSize: 5, checkpoint: nil, name: nil)
        #expect(last.rows.count == 3)
        let photon = try await fixture.api.queryModels(pageNum: 1, pageSize: 10, checkpoint: nil, name: "photon")
        #expect(photon.rows.map(\.sdModelCheckpoint) == ["photon_v1_84728.safetensors"])
    }
}
