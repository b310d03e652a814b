// The image tools through the real client over loopback (zhiqite-api.md
// §2.3, §4.1, §4.10, wire rule 8): submit with a businessTaskId, follow at
// tool/{toolCode}/queryTask, read the tool envelope. The sandbox's clock is
// stepped when an answer says the task still runs: no test waits on time.

import Foundation
import Model
import Sandbox
import Testing

/// What the poller reported, collected from its `@Sendable` callback.
final class EventLog: @unchecked Sendable {
    private let lock = Lock()
    private var stored: [PollEvent] = []

    func append(_ event: PollEvent) { lock.withLock { stored.append(event) } }
    var events: [PollEvent] { lock.withLock { stored } }
    var updates: [TaskInfo] {
        events.compactMap { event in
            if case let .update(info) = event { return info }
            return nil
        }
    }
}

@Suite struct ToolEndpointTests {
    static let flux = "tool/comfyui/text2image"
    static let expand = "tool/prompts/expand"

    /// Follows a task with the poller, stepping the sandbox's clock past the
    /// task's end whenever an answer says it still runs.
    static func follow(_ task: TaskReference, on fixture: SandboxFixture, clock: SteppedClock,
                       log: EventLog = EventLog()) async throws -> TaskInfo {
        try await TaskPoller(api: fixture.api, policy: SandboxFixture.fastPolling).waitForResult(task) { event in
            log.append(event)
            if case let .update(info) = event, info.phase == .inProgress { clock.advance(100) }
        }
    }

    @Test func fluxSubmitPollsToAnImageURLServingAPNGOfTheAskedSize() async throws {
        let clock = SteppedClock()
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 10), clock: clock)
        let request = try SandboxFixture.newRequest(Self.flux) {
            $0["prompt"] = .string("blue sea, light yellow moon")
            $0["width"] = .int(768)
            $0["height"] = .int(512)
        }
        #expect(request.endpoint.family == .tool(code: "comfyui/text2image"))
        let submission = try await fixture.api.submit(request)
        let data = try #require(submission.result.envelope.data)
        #expect(data["businessTaskId"] == .string(request.taskID))
        #expect(data["status"] == .int(1))
        let serviceID = try #require(submission.result.serviceTaskID, "the service's taskId")
        #expect(serviceID != request.taskID)
        #expect(request.endpoint.family.finishedTask(inSubmitData: data) == nil, "Flux runs on after the submit")
        #expect(submission.exchange.endpoint == Self.flux)
        #expect(submission.exchange.requestBody == request.wireJSON)

        let log = EventLog()
        let info = try await Self.follow(SandboxFixture.reference(request), on: fixture, clock: clock, log: log)
        let running = try #require(log.updates.first)
        #expect(running.phase == .inProgress, "the first answer comes while the task runs")
        #expect(running.raw["status"] == .int(1) && running.results.isEmpty && running.texts.isEmpty)
        #expect(info.phase == .succeeded)
        #expect(info.raw["status"] == .int(1), "§4.1: a finished Flux task says status 1")
        #expect(info.taskID == serviceID)
        #expect(info.raw["businessTaskId"] == .string(request.taskID))
        let image = try #require(info.results.first)
        #expect(info.results.count == 1)
        #expect(image.imageURL.hasPrefix(fixture.server.baseURL + "/sandbox/images/"))
        let png = try await fixture.api.download(image.imageURL)
        let size = try #require(PNGInfo.dimensions(of: png))
        #expect(size.width == 768 && size.height == 512)
    }

    @Test func fluxWithoutASizeGivesTheDefault1024Square() async throws {
        let clock = SteppedClock()
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 10), clock: clock)
        let id = TaskIDGenerator.shared.next()
        // Sent as curl would, without width and height (the client always writes them).
        let (envelope, _) = try await fixture.api.post(Self.flux, body: """
            {"businessTaskId": "\(id)", "comfyTaskType": "Flux1SchnellFP8", "prompt": "a red kite"}
            """)
        #expect(envelope.data?["businessTaskId"] == .string(id))
        let flux = try #require(EndpointCatalog.shipped.endpoint(path: Self.flux))
        let info = try await Self.follow(TaskReference(endpoint: flux, taskID: id), on: fixture, clock: clock)
        let url = try #require(info.results.first?.imageURL)
        let size = try #require(PNGInfo.dimensions(of: try await fixture.api.download(url)))
        #expect(size.width == 1024 && size.height == 1024)
    }

    @Test func promptExpansionAnswersItsPromptsAtSubmitAndAtQuery() async throws {
        let clock = SteppedClock()
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 10), clock: clock)
        let source = "a girl by the sea"
        let request = try SandboxFixture.newRequest(Self.expand) {
            $0["sourcePrompt"] = .string(source)
            $0["sequencesNum"] = .int(3)
        }
        #expect(request.endpoint.result == .text)
        let submission = try await fixture.api.submit(request)
        let data = try #require(submission.result.envelope.data)
        #expect(data["status"] == .int(0), "§4.10: status 0 with the prompts")
        #expect(data["businessTaskId"] == .string(request.taskID))
        #expect(submission.result.serviceTaskID != nil)
        let prompts = try #require(data["prompts"]?.arrayValue).compactMap(\.stringValue)
        #expect(prompts.count == 3, "sequencesNum candidates")
        #expect(Set(prompts).count == 3)
        #expect(prompts.allSatisfy { $0.contains(source) && $0.count > source.count })
        let atSubmit = try #require(request.endpoint.family.finishedTask(inSubmitData: data), "the result came with the submit")
        #expect(atSubmit.phase == .succeeded && atSubmit.texts == prompts)

        let info = try await Self.follow(SandboxFixture.reference(request), on: fixture, clock: clock)
        #expect(info.phase == .succeeded)
        #expect(!info.texts.isEmpty)
        #expect(info.texts.allSatisfy { $0.contains(source) })
        #expect(info.texts == prompts, "the query gives the same prompts")

        // The same source prompt expands the same way every time.
        let again = try SandboxFixture.newRequest(Self.expand) {
            $0["sourcePrompt"] = .string(source)
            $0["sequencesNum"] = .int(3)
        }
        let second = try await fixture.api.submit(again)
        #expect(second.result.envelope.data?["prompts"]?.arrayValue?.compactMap(\.stringValue) == prompts)
    }

    @Test func promptExpansionDefaultsToOneCandidate() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.newRequest(Self.expand) { $0["sourcePrompt"] = .string("an old lighthouse") }
        let data = try #require(try await fixture.api.submit(request).result.envelope.data)
        #expect(data["prompts"]?.arrayValue?.count == 1)
    }

    @Test func aFluxBodyWithoutAPromptGetsAnAPIErrorNamingPrompt() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.newRequest(Self.flux)  // the fresh form's prompt is empty
        let error = await fixture.submitError(request)
        guard case let .api(code, message)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(code == "400")
        #expect(message.hasPrefix("invalid parameter prompt: "), "names the field: \(message)")
        #expect(fixture.service.receivedSubmissions.isEmpty, "an invalid body starts no task")
    }

    @Test func aToolBodyWithoutABusinessTaskIdGetsAnAPIErrorNamingIt() async throws {
        let fixture = try SandboxFixture()
        await #expect(throws: APIError.api(code: "400", message: "invalid parameter businessTaskId: businessTaskId is required")) {
            _ = try await fixture.api.post(Self.flux, body: #"{"comfyTaskType": "Flux1SchnellFP8", "prompt": "a red kite"}"#)
        }
    }

    @Test func aToolQueryForAnUnknownIdIsAnAPIError() async throws {
        let fixture = try SandboxFixture()
        let flux = try #require(EndpointCatalog.shipped.endpoint(path: Self.flux))
        await #expect(throws: APIError.api(code: "404", message: "no task with businessTaskId no-such-task")) {
            _ = try await fixture.api.queryTask(TaskReference(endpoint: flux, taskID: "no-such-task"))
        }
        // A tool's id is not known to another tool's query, nor to the SD queries.
        let request = try SandboxFixture.newRequest(Self.flux) { $0["prompt"] = .string("a red kite") }
        _ = try await fixture.api.submit(request)
        let expand = try #require(EndpointCatalog.shipped.endpoint(path: Self.expand))
        await #expect(throws: APIError.api(code: "404", message: "no task with businessTaskId \(request.taskID)")) {
            _ = try await fixture.api.queryTask(TaskReference(endpoint: expand, taskID: request.taskID))
        }
        await #expect(throws: APIError.api(code: "404", message: "no task with businessTaskId \(request.taskID)")) {
            _ = try await fixture.api.queryTask(TaskReference(endpoint: .controlNet, taskID: request.taskID, version: .v2))
        }
    }

    @Test func aFailMarkerFailsAToolTaskWithStatus4AndADesc() async throws {
        let clock = SteppedClock()
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 10), clock: clock)
        let request = try SandboxFixture.newRequest(Self.flux) { $0["prompt"] = .string("a red kite, sandbox:fail") }
        _ = try await fixture.api.submit(request)
        let info = try await Self.follow(SandboxFixture.reference(request), on: fixture, clock: clock)
        #expect(info.phase == .failed)
        #expect(info.status == 4)
        #expect(info.desc == "Task failed: the prompt contains sandbox:fail")
        #expect(info.results.isEmpty)
    }

    @Test func aFailingPromptExpansionFailsAtSubmitAndAtQuery() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.newRequest(Self.expand) { $0["sourcePrompt"] = .string("a cat sandbox:fail") }
        let data = try #require(try await fixture.api.submit(request).result.envelope.data)
        #expect(data["status"] == .int(4) && data["prompts"] == nil)
        #expect(request.endpoint.family.finishedTask(inSubmitData: data) == nil)
        let info = try await fixture.api.queryTask(SandboxFixture.reference(request))
        #expect(info.phase == .failed)
        #expect(info.desc == "Task failed: the prompt contains sandbox:fail")
    }

    @Test func aVanishedToolTaskIsUnknownToItsQuery() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.newRequest(Self.flux) { $0["prompt"] = .string("a red kite sandbox:vanish") }
        _ = try await fixture.api.submit(request)
        await #expect(throws: APIError.api(code: "404", message: "no task with businessTaskId \(request.taskID)")) {
            _ = try await fixture.api.queryTask(SandboxFixture.reference(request))
        }
    }

    @Test func aReusedBusinessTaskIdIsRefused() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.newRequest(Self.flux) { $0["prompt"] = .string("a red kite") }
        _ = try await fixture.api.submit(request)
        let error = await fixture.submitError(request)
        guard case let .api(code, message)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(code == "409")
        #expect(message.contains(request.taskID))
    }

    @Test func toolSubmitsAreListedWithTheOthers() async throws {
        let fixture = try SandboxFixture()
        let sd = try SandboxFixture.exampleRequest()
        let flux = try SandboxFixture.newRequest(Self.flux) { $0["prompt"] = .string("a red kite") }
        let expand = try SandboxFixture.newRequest(Self.expand) { $0["sourcePrompt"] = .string("a cat") }
        for request in [sd, flux, expand] { _ = try await fixture.api.submit(request) }
        let received = fixture.service.receivedSubmissions
        #expect(received.map(\.endpoint.id) == ["sd/v2/controlnet", Self.flux, Self.expand])
        #expect(received.map(\.body) == [sd.wireJSON, flux.wireJSON, expand.wireJSON])

        let listing = try JSONParser.parse(bytes: try await fixture.api.download(fixture.server.baseURL + "/sandbox/requests"))
        let paths = listing.arrayValue?.compactMap { $0["endpoint"]?.stringValue }
        #expect(paths == [Endpoint.controlNet.path, Endpoint.pathPrefix + Self.flux, Endpoint.pathPrefix + Self.expand])
        #expect(listing.arrayValue?[1]["body"]?["businessTaskId"] == .string(flux.taskID))
    }

    @Test func theHelpPageListsTheToolPaths() async throws {
        let fixture = try SandboxFixture()
        let help = String(decoding: try await fixture.api.download(fixture.server.baseURL + "/"), as: UTF8.self)
        #expect(help.contains("tool/{toolCode}/queryTask"))
        #expect(help.contains("comfyui/text2image") && help.contains("prompts/expand"))
    }

    /// A tool the reference names without a form zqt ships (§5's sdPrompts)
    /// is served as a generic image tool, followed at its own queryTask, its
    /// id read from `task_id` (§A5); any other toolCode is a path the service
    /// does not have: 404 in its envelope, as an unknown path is (issue 22).
    @Test func aToolTheReferenceNamesWithoutAFormIsServedGenericallyAndNoOther() async throws {
        let clock = SteppedClock()
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 10), clock: clock)
        let id = TaskIDGenerator.shared.next()
        let (envelope, _) = try await fixture.api.post("tool/sdPrompts", body: """
            {"task_id": "\(id)", "raw_prompt": "a girl", "width": 640, "height": 480}
            """)
        #expect(envelope.data?["businessTaskId"] == .string(id) && envelope.data?["status"] == .int(1))
        let tool = EndpointCatalog.shipped.resolve("tool/sdPrompts")
        #expect(tool.family == .tool(code: "sdPrompts") && tool.isCustom, "not in the catalog: a custom request")
        let info = try await Self.follow(TaskReference(endpoint: tool, taskID: id), on: fixture, clock: clock)
        #expect(info.phase == .succeeded)
        let url = try #require(info.results.first?.imageURL)
        let size = try #require(PNGInfo.dimensions(of: try await fixture.api.download(url)))
        #expect(size.width == 640 && size.height == 480, "the body's own size, when it gives one")

        // Without its id, refused as a server says it.
        await #expect(throws: APIError.api(code: "400", message: "invalid parameter task_id: task_id is required")) {
            _ = try await fixture.api.post("tool/sdPrompts", body: #"{"raw_prompt": "a girl"}"#)
        }
        // A toolCode the reference does not name: no endpoint, to submit or to query.
        for path in ["tool/faceRestore", "tool/superResolution/queryTask", "tool/sdPrompts2"] {
            await #expect(throws: APIError.api(code: "404", message: "no such endpoint: \(Endpoint.pathPrefix)\(path)")) {
                _ = try await fixture.api.post(path, body: #"{"businessTaskId": "\#(id)"}"#)
            }
        }
        #expect(fixture.service.receivedSubmissions.count == 1, "only the served submit is received")
        // A path that is no toolCode is no endpoint.
        await #expect(throws: APIError.api(code: "404", message: "no such endpoint: \(Endpoint.pathPrefix)tool/x//y")) {
            _ = try await fixture.api.post("tool/x//y", body: #"{"businessTaskId": "x"}"#)
        }
    }

    /// The service fills nothing in: a raw body without a field the reference
    /// marks required is refused as a server says it (issue 22), while zqt's
    /// own requests always carry them.
    @Test func requiredFieldsAreRefusedWhenLeftOutNotFilledIn() async throws {
        let fixture = try SandboxFixture()
        let refusals: [(String, String, String)] = [
            ("tool/comfyui/text2image", #"{"businessTaskId": "r-1", "prompt": "blue sea"}"#, "comfyTaskType"),
            ("tool/prompts/expand", #"{"businessTaskId": "r-2", "sourcePrompt": "a girl"}"#, "mode"),
            ("tool/imgExpand", #"{"businessTaskId": "r-3", "sourceImage": "https://example.com/a.png", "verticalExpansionRatio": 1.5, "horizontalExpansionRatio": 1.5}"#, "imageCount"),
            ("sd/v2/text2image", #"{"prompt": "a cat", "batch_size": 1, "alwayson_scripts": {}}"#, "alwayson_scripts.id_task"),
        ]
        for (path, body, field) in refusals {
            await #expect(throws: APIError.api(code: "400", message: "invalid parameter \(field): \(field) is required"), "\(path)") {
                _ = try await fixture.api.post(path, body: body)
            }
        }
        // A value left empty is named the same way, never in zqt's own words ("zqt generates one").
        await #expect(throws: APIError.api(code: "400", message: "invalid parameter alwayson_scripts.sd_model_checkpoint: alwayson_scripts.sd_model_checkpoint is required")) {
            _ = try await fixture.api.post("sd/v2/controlnet", body: BundledExamples.controlNetJSON.replacing("revAnimated_v122_7371.safetensors", with: " "))
        }
        #expect(fixture.service.receivedSubmissions.isEmpty)
        // The same with each field given is taken; so is the service's own documented example,
        // which leaves out batch_size and resize_mode (§1.3).
        _ = try await fixture.api.post("tool/comfyui/text2image", body: #"{"businessTaskId": "r-5", "comfyTaskType": "Flux1SchnellFP8", "prompt": "blue sea"}"#)
        _ = try await fixture.api.post("sd/v2/controlnet", body: BundledExamples.controlNetJSON)
        #expect(fixture.service.receivedSubmissions.count == 2)
        // Every shipped form, fresh and plausibly filled, is taken: zqt always sends what is required.
        for endpoint in EndpointCatalog.shipped.endpoints where endpoint.ready && endpoint.server == .zhiqite {
            let request = PlausibleForm.filled(endpoint)
            _ = try await fixture.api.post(endpoint.id, body: request.wireJSON)
        }
    }
}
