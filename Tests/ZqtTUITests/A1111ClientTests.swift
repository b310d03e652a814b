// Issue 20: zqt as a client of an AUTOMATIC1111-compatible server, against
// the A1111 sandbox over real loopback HTTP (zqt's libcurl client): the JSON
// on the wire, the send pipeline's events (progress while the call runs,
// the pictures that came inline kept on disk), the history row, and the
// server's refusals said field by field.

import Foundation
import TestScratch
import Images
import Model
import Sandbox
import Synchronization
import Testing
@testable import ZqtTUI

@Suite(.serialized) struct A1111ClientTests {
    final class Fixture: @unchecked Sendable {
        let server: A1111SandboxServer
        let home: String
        let store: HistoryStore
        let configuration: ClientConfiguration

        init(_ options: A1111SandboxOptions = A1111SandboxOptions(stepMilliseconds: 20), auth: BasicAuth? = nil) throws {
            server = A1111SandboxServer(options: options)
            let url = try server.start()
            home = NSTemporaryDirectory() + "zqt-a1111-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            store = try HistoryStore.open(inFolder: home)
            var configuration = ClientConfiguration(baseURL: url, credentials: nil, timeout: 10, profile: "gpu")
            configuration.server = .a1111
            configuration.a1111 = A1111Settings(auth: auth, generationTimeout: 60)
            self.configuration = configuration
        }

        deinit {
            server.stop()
            try? FileManager.default.removeItem(atPath: home)
        }

        var api: A1111API { A1111API(configuration: configuration) }

        func pipeline(_ api: A1111API? = nil) -> SendPipeline {
            SendPipeline(api: api ?? self.api, store: store, baseURL: configuration.baseURL, profile: configuration.profile,
                         keeper: ResultImageKeeper(home: home)) { error in Issue.record("history: \(error.message)") }
        }

        func run(_ request: Request, api: A1111API? = nil, onEvent: @Sendable (SendEvent) async -> Void = { _ in }) async -> [SendEvent] {
            var events: [SendEvent] = []
            for await event in pipeline(api).run(request) {
                events.append(event)
                await onEvent(event)
            }
            return events
        }

        /// The last generation call the server received, as JSON.
        func lastBody() throws -> JSONValue {
            let call = try #require(server.service.receivedCalls.last { $0.path.hasSuffix("2img") })
            return try JSONParser.parse(call.body)
        }
    }

    static func txt2img(_ values: [(String, JSONValue)]) -> Request {
        var request = Request.new(for: EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")!, taskID: TaskIDGenerator.shared.next())
        for (path, value) in values { request[path] = value }
        return request
    }

    @Test func aSentRequestShowsProgressThenItsPicturesAreKeptWithTheirSeeds() async throws {
        // 8 s of steps: the watch asks every 0.5 s, and on a loaded machine each
        // question takes a while; 2 s could end before one saw a preview.
        let fixture = try Fixture(A1111SandboxOptions(stepMilliseconds: 400, previewEverySteps: 4))
        let request = Self.txt2img([("prompt", .string("a lighthouse")), ("steps", .int(20)), ("seed", .int(42)), ("batch_size", .int(2)),
                                    ("width", .int(64)), ("height", .int(64)),
                                    ("override_settings.sd_model_checkpoint", .string("v1-5-pruned-emaonly.safetensors [6ce0161689]"))])
        let events = await fixture.run(request)

        // The row first (it is there before the call returns), then progress, then the answer's task, then each picture kept.
        guard case let .recorded(recordID?) = events.first else { Issue.record("no row first: \(events)"); return }
        let progress = events.compactMap { event -> TaskInfo? in if case let .progress(info) = event { return info }; return nil }
        #expect(progress.contains { ($0.progress ?? 0) > 0 }, "the progress advanced while the call ran")
        #expect(progress.contains { $0.previewURL.map(InlineImages.isInline) == true }, "a preview came and was decoded")
        let finished = try #require(events.compactMap { event -> TaskInfo? in
            if case let .finished(info, followed) = event, !followed { return info }; return nil }.first)
        #expect(finished.phase == .succeeded)
        let kept = events.compactMap { event -> KeptResult? in if case let .kept(kept) = event { return kept }; return nil }
        #expect(kept.count == 2, "both pictures of the batch (the grid is no result): \(events)")
        #expect(kept.map(\.source.seed) == [42, 43], "seeds from info.all_seeds")
        for copy in kept {
            #expect(copy.pixelSize == PixelSize(width: 64, height: 64) && copy.format == .png)
            #expect(FileManager.default.fileExists(atPath: copy.path) && copy.path.hasPrefix(fixture.home + "/images/"))
        }

        // The JSON on the wire: A1111's keys, zqt's id for the job, the checkpoint for this request only.
        let body = try fixture.lastBody()
        #expect(body["force_task_id"] == .string(request.taskID))
        #expect(body.value(at: "override_settings.sd_model_checkpoint") == .string("v1-5-pruned-emaonly.safetensors [6ce0161689]"))
        #expect(body["alwayson_scripts"] == nil, "no ControlNet unit: nothing in alwayson_scripts")
        #expect(!fixture.server.service.receivedCalls.contains { $0.path.hasSuffix("/options") }, "never POST /sdapi/v1/options")

        // The history row: what was sent and what was known; no megabytes of base64.
        let row = try #require(try fixture.store.record(id: recordID))
        #expect(row.state == .succeeded && row.idTask == request.taskID && row.profile == "gpu")
        #expect(row.requestJSON == request.wireJSON)
        #expect((row.responseJSON ?? "").utf8.count < 20_000, "the answer's pictures are kept as files, not in the row")
        #expect(row.responseJSON?.contains("a1111-inline:") == true && row.responseJSON?.contains("all_seeds") == true)
        #expect(row.imageResults.map(\.seed) == [42, 43])
        #expect(row.imageResults.allSatisfy { $0.localPath.map(FileManager.default.fileExists) == true })
    }

    @Test func aLocalFileInAControlNetUnitGoesInline() async throws {
        let fixture = try Fixture()
        let picture = fixture.home + "/edges.png"
        let png = PNGImage.render(width: 8, height: 8, seed: 3)
        _ = FileManager.default.createFile(atPath: picture, contents: Data(png))
        let endpoint = EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")!
        let group = try #require(endpoint.groupFields.first?.groupSpec)
        var unit = group.newItem(preset: group.presets?.preset(named: "canny"), family: .unknown)
        unit.set(.string(picture), at: "image")
        unit.set(.string("control_v11p_sd15_canny [d14c016b]"), at: "model")
        let request = Self.txt2img([("prompt", .string("edges")), ("steps", .int(4)), ("width", .int(64)), ("height", .int(64)),
                                    ("alwayson_scripts.controlnet.args", .array([unit]))])
        let events = await fixture.run(request)
        #expect(events.contains { if case .kept = $0 { return true }; return false }, "\(events)")
        let sent = try fixture.lastBody()
        #expect(sent.value(at: "alwayson_scripts.controlnet.args[0].image") == .string(Base64.encode(png)), "the file's bytes, base64")
        // The row keeps the path, as for an upload: a resend reads the file again.
        guard case let .recorded(id?) = events.first else { Issue.record("no row"); return }
        let row = try #require(try fixture.store.record(id: id))
        #expect(row.requestJSON.contains(picture) && !row.requestJSON.contains(Base64.encode(png)))
    }

    @Test func extrasInterrogateAndPNGInfoAnswerAtOnce() async throws {
        let fixture = try Fixture()
        let png = PNGImage.render(width: 32, height: 32, seed: 9)
        func request(_ id: String, _ values: [(String, JSONValue)]) -> Request {
            var request = Request.new(for: EndpointCatalog.shipped.endpoint(id: id)!, taskID: TaskIDGenerator.shared.next())
            for (path, value) in values { request[path] = value }
            return request
        }
        let extras = await fixture.run(request("sdapi/v1/extra-single-image", [("image", .string(Base64.encode(png))),
                                                                                ("upscaling_resize", .int(2)), ("upscaler_1", .string("Lanczos"))]))
        let upscaled = try #require(extras.compactMap { event -> KeptResult? in if case let .kept(kept) = event { return kept }; return nil }.first,
                                    "\(extras)")
        #expect(upscaled.pixelSize == PixelSize(width: 64, height: 64), "twice the size")

        let described = await fixture.run(request("sdapi/v1/interrogate", [("image", .string(Base64.encode(png)))]))
        let caption = try #require(described.compactMap { event -> TaskInfo? in if case let .finished(info, _) = event { return info }; return nil }.first)
        #expect(caption.phase == .succeeded && !(caption.texts.first ?? "").isEmpty, "the caption is the result: \(described)")
    }

    @Test func anInterruptedJobAnswersWithWhatItMade() async throws {
        // 400 steps of 60 ms: the interrupt ends it, so the length costs nothing,
        // and an interrupt a loaded machine delays by seconds still comes before the last step.
        let fixture = try Fixture(A1111SandboxOptions(stepMilliseconds: 60))
        let api = fixture.api
        let request = Self.txt2img([("prompt", .string("slow")), ("steps", .int(400)), ("width", .int(64)), ("height", .int(64))])
        let interrupted = Mutex<Bool>(false)
        let events = await fixture.run(request, api: api) { event in
            guard case let .progress(info) = event, (info.progress ?? 0) > 0.1, !interrupted.withLock({ $0 }) else { return }
            interrupted.withLock { $0 = true }
            try? await api.interrupt()
        }
        #expect(interrupted.withLock { $0 })
        #expect(fixture.server.service.stepsRunByLastJob < 400, "the job stopped before its last step")
        #expect(events.contains { if case let .finished(info, _) = $0 { return info.phase == .succeeded }; return false })
        #expect(events.contains { if case .kept = $0 { return true }; return false }, "the picture made so far is kept")
    }

    @Test func aBusyServerIsSaidNotMistakenForOurJob() async throws {
        let fixture = try Fixture(A1111SandboxOptions(stepMilliseconds: 20))
        // 40 s: still running at our first progress poll however loaded the machine
        // is; once our call was seen waiting behind it, it is interrupted (as its
        // owner might), so the length costs nothing.
        fixture.server.service.startForeignJob(steps: 2000)
        // Running before ours is sent (the stand-in starts it on a thread of its own).
        try await eventually("the other client's job to run") { (try? await fixture.api.progress())?.isIdle == false }
        let request = Self.txt2img([("prompt", .string("after the other")), ("steps", .int(5)), ("width", .int(64)), ("height", .int(64))])
        let api = fixture.api
        let busyAnswers = Mutex<Int>(0)
        let events = await fixture.run(request, api: api) { event in
            guard case let .progress(info) = event, info.desc.contains("busy with another client's job") == true else { return }
            // The second: asked by the watch after ours was sent, so ours is queued behind it.
            if busyAnswers.withLock({ $0 += 1; return $0 }) == 2 { try? await api.interrupt() }
        }
        let descs = events.compactMap { event -> String? in if case let .progress(info) = event { return info.desc }; return nil }
        #expect(descs.first?.contains("busy with another client's job") == true, "\(descs)")
        #expect(events.contains { if case .kept = $0 { return true }; return false }, "ours ran after it: \(events)")
    }

    @Test func aRefusalIsSaidFieldByField() async throws {
        let fixture = try Fixture()
        let request = Self.txt2img([("prompt", .string("x")), ("steps", .string("lots")), ("width", .int(64)), ("height", .int(64))])
        let events = await fixture.run(request)
        guard case let .failed(failure) = events.last else { Issue.record("\(events)"); return }
        #expect(failure.stage == .send && failure.failureClass == .failed)
        #expect(failure.message.contains("steps:"), "\(failure.message)")
        guard case let .recorded(id?) = events.first else { Issue.record("no row"); return }
        let row = try #require(try fixture.store.record(id: id))
        #expect(row.state == .sendFailed && row.httpStatus == 422)
    }

    @Test func aServerWithAPIAuthWantsTheProfilesCredentials() async throws {
        let fixture = try Fixture(A1111SandboxOptions(stepMilliseconds: 10, apiAuth: "me:hunter2"))
        let request = Self.txt2img([("prompt", .string("x")), ("steps", .int(2)), ("width", .int(64)), ("height", .int(64))])
        let refused = await fixture.run(request)
        guard case let .failed(failure) = refused.last else { Issue.record("\(refused)"); return }
        #expect(failure.message.contains("username and password_command"), "\(failure.message)")

        var configuration = fixture.configuration
        configuration.a1111.auth = BasicAuth(username: "me", password: "hunter2")
        let events = await fixture.run(Self.txt2img([("prompt", .string("x")), ("steps", .int(2)), ("width", .int(64)), ("height", .int(64))]),
                                       api: A1111API(configuration: configuration))
        #expect(events.contains { if case .kept = $0 { return true }; return false }, "\(events)")
        // The lists answer too, with the credentials, into the pickers' shape.
        let checkpoints = try await A1111API(configuration: configuration).readModelList(.checkpoint, path: A1111ModelLists.path(for: .checkpoint))
        #expect(!checkpoints.items.isEmpty && checkpoints.complete)
    }

    @Test func aRefusedConnectionIsToldApartFromADroppedOne() async throws {
        let scratch = Scratch()
        var configuration = ClientConfiguration(baseURL: "http://127.0.0.1:9", credentials: nil, timeout: 5, profile: "gpu")
        configuration.server = .a1111
        let home = scratch.path("zqt-a1111")
        let pipeline = SendPipeline(api: A1111API(configuration: configuration), store: nil, baseURL: configuration.baseURL, profile: "gpu") { _ in }
        var events: [SendEvent] = []
        for await event in pipeline.run(Self.txt2img([("prompt", .string("x"))])) { events.append(event) }
        guard case let .failed(failure) = events.last else { Issue.record("\(events)"); return }
        #expect(failure.stage == .send && failure.failureClass == .network, "refused: nothing ran, \(failure.message)")
        #expect(!failure.message.contains("during the generation"))
        // zqt sends save_images: false, so a dropped answer's pictures are nowhere: the message says so and to send again (issue 20).
        let dropped = SendWording.droppedDuringGeneration(.connectionLost, serverSaves: false)
        #expect(dropped.contains("may have finished there") && dropped.contains("did not save the pictures") && dropped.contains("send the request again"))
        #expect(!dropped.contains("outputs folder"), "\(dropped)")
        // A request that asked the server to save (Save on the server) has them in its outputs folder.
        #expect(SendWording.droppedDuringGeneration(.connectionLost, serverSaves: true).contains("outputs folder"))
        _ = home
    }
}

