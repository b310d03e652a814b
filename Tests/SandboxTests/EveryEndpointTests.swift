// Every endpoint of the catalog, through the real client and the sandbox over
// loopback (issue 9): a filled form's JSON is accepted (the sandbox checks it
// with the Model's RequestValidator, as the service would refuse a bad one),
// and following the task reaches what the endpoint answers: images fetched
// as PNGs, text, the face data of §4.9, or, for training (§3.2 is a
// callback), the sandbox's own task list. The sandbox's clock is stepped:
// no test waits on time.

import Foundation
import Model
import Sandbox
import Testing

@Suite struct EveryEndpointTests {
    static func filledForm(_ endpoint: Endpoint) -> Request {
        let request = PlausibleForm.filled(endpoint)
        #expect(PlausibleForm.unfilled(endpoint).isEmpty, "\(endpoint.title): no way to fill \(PlausibleForm.unfilled(endpoint))")
        return request
    }

    /// The service's endpoints: an A1111 server's are sent to the A1111 sandbox (A1111ClientTests).
    @Test(arguments: EndpointCatalog.shipped.endpoints.filter { $0.server == .zhiqite }.map(\.id))
    func aFilledFormIsAcceptedAndItsTaskReachesItsResult(id: String) async throws {
        let endpoint = try #require(EndpointCatalog.shipped.endpoint(id: id))
        let request = Self.filledForm(endpoint)
        #expect(RequestValidator.validate(request).isEmpty, "\(endpoint.title): \(RequestValidator.validate(request))")

        let clock = SteppedClock()
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 10), timeout: 30, clock: clock)
        let submission = try await fixture.api.submit(request)
        #expect(submission.result.envelope.isSuccess, "\(endpoint.title): \(submission.result.envelope.msg)")
        #expect(fixture.service.receivedSubmissions.map(\.body) == [request.wireJSON], "\(endpoint.title): the sandbox got the form's JSON")
        let serviceID = try #require(submission.result.serviceTaskID, "\(endpoint.title): the service's task id")

        guard endpoint.canBeFollowed else {
            // §3.2: training results come by callback. The sandbox shows the task on its own list.
            #expect(endpoint.result == .training)
            #expect(serviceID != request.taskID, "the service's own id, told apart from the client's taskId")
            let list = try JSONParser.parse(bytes: try await fixture.api.download(fixture.server.baseURL + "/sandbox/tasks"))
            let row = try #require(list.arrayValue?.first)
            #expect(row["taskId"] == .string(request.taskID) && row["serviceTaskId"] == .string(serviceID))
            #expect(row["state"] == .string("running") && row["epoch"] == .string("0/20"), "§3.1's default 20 epochs")
            clock.advance(10 * 20 / 2)
            let halfway = try JSONParser.parse(bytes: try await fixture.api.download(fixture.server.baseURL + "/sandbox/tasks"))
            #expect(halfway.arrayValue?.first?["epoch"] == .string("10/20") && halfway.arrayValue?.first?["progress"] == .int(50))
            clock.advance(10 * 20)
            let done = try JSONParser.parse(bytes: try await fixture.api.download(fixture.server.baseURL + "/sandbox/tasks"))
            #expect(done.arrayValue?.first?["state"] == .string("succeeded"))
            return
        }

        let info = try await ToolEndpointTests.follow(SandboxFixture.reference(request), on: fixture, clock: clock)
        #expect(info.phase == .succeeded, "\(endpoint.title): \(info.desc)")
        switch endpoint.result {
        case .images:
            #expect(!info.results.isEmpty, "\(endpoint.title) answers images")
            #expect(info.texts.isEmpty)
            for result in info.results {
                let png = try await fixture.api.download(result.imageURL)
                let size = try #require(PNGInfo.dimensions(of: png), "\(endpoint.title): \(result.imageURL) is a PNG")
                #expect(size.width >= 64 && size.height >= 64, "\(endpoint.title): a plausible size, not \(size)")
            }
        case .text:
            #expect(info.results.isEmpty && !info.texts.isEmpty, "\(endpoint.title) answers text")
            #expect(info.texts.allSatisfy { !$0.trimmed.isEmpty })
        case .data:
            // §4.9's answer is unknown: the task's data, whole, as the service returned it.
            let text = try #require(info.texts.first, "\(endpoint.title): the answer is kept")
            let answer = try JSONParser.parse(text)
            #expect(answer == info.raw, "nothing dropped")
            #expect(answer["faces"]?.arrayValue?.isEmpty == false)
        case .training:
            Issue.record("\(endpoint.title): a training task cannot be followed")
        }
    }

    /// The sizes a user would see: the face swaps answer 768² (the target's
    /// size is unknown), instantID its width × height, outpainting the
    /// source × its ratios, imageCount of them; a source the sandbox served
    /// itself keeps its own size.
    @Test func toolImagesHavePlausibleSizes() async throws {
        let clock = SteppedClock()
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 10), timeout: 30, clock: clock)
        func sizes(_ id: String, _ values: [(String, JSONValue)]) async throws -> [String] {
            var request = Self.filledForm(try #require(EndpointCatalog.shipped.endpoint(id: id)))
            for (path, value) in values { request[path] = value }
            _ = try await fixture.api.submit(request)
            let info = try await ToolEndpointTests.follow(SandboxFixture.reference(request), on: fixture, clock: clock)
            var out: [String] = []
            for result in info.results {
                let size = try #require(PNGInfo.dimensions(of: try await fixture.api.download(result.imageURL)))
                out.append("\(size.width)×\(size.height)")
            }
            return out
        }
        #expect(try await sizes("tool/roop", []) == ["768×768"])
        #expect(try await sizes("tool/instantID", []) == ["960×960"], "§4.4: 960 only")
        #expect(try await sizes("tool/imgExpand", [("imageCount", .int(3)), ("horizontalExpansionRatio", .double(2)),
                                                   ("verticalExpansionRatio", .double(1.5))]) == ["1536×1152", "1536×1152", "1536×1152"])
        #expect(try await sizes("tool/cnt/preview", []) == ["768×768"])

        // Outpainting a Flux result: the source's own 512×768, × 1.5 each way.
        var flux = Self.filledForm(try #require(EndpointCatalog.shipped.endpoint(id: "tool/comfyui/text2image")))
        flux["width"] = .int(512)
        flux["height"] = .int(768)
        _ = try await fixture.api.submit(flux)
        let source = try #require(try await ToolEndpointTests.follow(SandboxFixture.reference(flux), on: fixture, clock: clock).results.first)
        #expect(try await sizes("tool/imgExpand", [("sourceImage", .string(source.imageURL)), ("horizontalExpansionRatio", .double(1.5)),
                                                   ("verticalExpansionRatio", .double(1.5))]) == ["768×1152"])
        #expect(try await sizes("tool/v2/roop", [("targetUrl", .string(source.imageURL))]) == ["512×768"])
    }

    @Test func textToolsAnswerAsTheReferenceShows() async throws {
        let clock = SteppedClock()
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 10), timeout: 30, clock: clock)
        var describe = Self.filledForm(try #require(EndpointCatalog.shipped.endpoint(id: "tool/interrogate")))
        describe["model"] = .string("deepdanbooru")
        _ = try await fixture.api.submit(describe)
        let caption = try await ToolEndpointTests.follow(SandboxFixture.reference(describe), on: fixture, clock: clock)
        #expect(caption.raw["status"] == .int(1) && caption.raw["caption"]?.stringValue == caption.texts.first, "§4.7: caption, status 1")
        #expect(caption.texts.first?.contains(", ") == true, "deepdanbooru answers tags")

        let style = Self.filledForm(try #require(EndpointCatalog.shipped.endpoint(id: "tool/identifyStyle")))
        _ = try await fixture.api.submit(style)
        let recognised = try await ToolEndpointTests.follow(SandboxFixture.reference(style), on: fixture, clock: clock)
        #expect(recognised.raw["style"]?.stringValue == recognised.texts.first && recognised.texts.count == 1)
    }

    @Test func faceDetectionFindsFacesLeftToRight() async throws {
        let clock = SteppedClock()
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 10), timeout: 30, clock: clock)
        let request = Self.filledForm(try #require(EndpointCatalog.shipped.endpoint(id: "tool/face/detection")))
        _ = try await fixture.api.submit(request)
        let log = EventLog()
        let info = try await ToolEndpointTests.follow(SandboxFixture.reference(request), on: fixture, clock: clock, log: log)
        #expect(log.updates.first?.phase == .inProgress && log.updates.first?.texts.isEmpty == true,
                "while it runs the answer holds only its ids and status: no result yet")
        let faces = try #require(info.raw["faces"]?.arrayValue)
        #expect(faces.map { $0["index"] } == (1...faces.count).map { .int($0) }, "1-based, as §4.8's faceIdx counts")
        let lefts = faces.compactMap { $0["box"]?["x"]?.numberValue }
        #expect(lefts == lefts.sorted() && lefts.count == faces.count, "left to right")
        #expect(faces.allSatisfy { ($0["score"]?.numberValue ?? 0) > 0.5 })
    }

    @Test func aFailMarkerInAnImageURLFailsAToolWithoutAPrompt() async throws {
        let clock = SteppedClock()
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 10), timeout: 30, clock: clock)
        var request = Self.filledForm(try #require(EndpointCatalog.shipped.endpoint(id: "tool/roop")))
        request["targetUrl"] = .string("https://example.com/target.png?sandbox:fail")
        _ = try await fixture.api.submit(request)
        let info = try await ToolEndpointTests.follow(SandboxFixture.reference(request), on: fixture, clock: clock)
        #expect(info.phase == .failed && info.desc == "Task failed: the request contains sandbox:fail")
    }

    @Test func anInvalidTrainingFormIsRefusedNamingTheField() async throws {
        let fixture = try SandboxFixture()
        var request = Self.filledForm(try #require(EndpointCatalog.shipped.endpoint(id: "modelTraining/submitTraining/Job")))
        request["fileUrlList"] = .array([.string("https://example.com/only-one.png")])
        let error = await fixture.submitError(request)
        #expect(error == .api(code: "400", message: "invalid parameter fileUrlList: Training images (fileUrlList) takes 10–100 URLs (has 1)"))
        #expect(fixture.service.receivedSubmissions.isEmpty)
    }
}
