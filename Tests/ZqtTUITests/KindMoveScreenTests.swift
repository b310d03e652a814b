// Issue 20: a request moved between kinds of server on the screen — the
// reducer with the real effect runner, over loopback against both
// sandboxes. A ControlNet form whose unit picture is a URL opens as A1111's
// txt2img: the picture downloaded and kept as a file, the form on screen,
// the box listing what moved, a profile of A1111's kind switched to, and the
// JSON the A1111 sandbox receives carries the picture inline. An A1111
// history row opens as a zhiqite ControlNet request whose local file the
// zhiqite sandbox receives as its own upload URL. The undo key brings the
// form before the move back.

import Foundation
import TestScratch
import Model
import Sandbox
import Testing
@testable import ZqtTUI

@Suite(.serialized) struct KindMoveScreenTests {
    static func freshHome(in scratch: Scratch) throws -> String {
        let home = scratch.path("zqt-kindmove")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        return home
    }

    /// Runs effects through the runner and reduces what it posts, until `done`.
    /// A profile switch is only noted (no config file here to resolve it).
    static func drive(_ state: inout AppState, _ effects: [Effect], runner: EffectRunner, inbox: ActionInbox,
                      switched: inout [String], until done: (AppState) -> Bool) async throws {
        var pending = effects
        let deadline = Date().addingTimeInterval(60)
        while true {
            for effect in pending {
                if case let .switchProfile(name) = effect { switched.append(name) } else { runner.perform(effect) }
            }
            pending = []
            if done(state) { return }
            guard Date() < deadline else { break }
            try await Task.sleep(nanoseconds: 20_000_000)
            for action in inbox.drain() { pending += Reducer.reduce(&state, action) }
        }
        Issue.record("timed out; status: \(state.status?.text ?? "none")")
    }

    static func a1111Configuration(_ url: String) -> ClientConfiguration {
        var configuration = ClientConfiguration(baseURL: url, credentials: nil, timeout: 10, profile: "gpu")
        configuration.server = .a1111
        configuration.a1111 = A1111Settings(auth: nil, generationTimeout: 60)
        return configuration
    }

    @Test func aControlNetFormOpensAsA1111WithItsUnitPictureDownloadedAndTheA1111SandboxGetsItInline() async throws {
        let scratch = Scratch()
        let home = try Self.freshHome(in: scratch)
        let zhiqite = SandboxServer()
        let zhiqiteURL = try zhiqite.start()
        defer { zhiqite.stop() }
        let a1111 = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 5))
        let a1111URL = try a1111.start()
        defer { a1111.stop() }
        // The unit's picture where a URL points: an upload the zhiqite sandbox serves.
        let edge = PNGImage.render(width: 64, height: 64, seed: 5)
        let put = try await HTTPClient(timeout: 10).send("PUT", zhiqiteURL + "/sandbox/uploads/edge.png", body: edge)
        #expect(put.status == 201)
        let pictureURL = zhiqiteURL + "/sandbox/uploads/edge.png"

        var form = Request.new(for: EndpointCatalog.shipped.controlNet, taskID: "zqt-before")
        form["prompt"] = .string("a lighthouse at dusk")
        form["steps"] = .int(12)
        form["seed"] = .string("77")
        form["sampler_index"] = .string("DPM++ 2M Karras")
        form["alwayson_scripts.controlnet.args"] = .array([.object([
            ("enabled", .bool(true)), ("module", .string("canny")), ("model", .string("control_v11p_sd15_canny")),
            ("weight", .double(0.8)), ("image_link", .string(pictureURL)),
        ])])
        let zhiqiteConfiguration = ClientConfiguration(baseURL: zhiqiteURL, credentials: nil, timeout: 10, profile: "svc")
        var state = AppState(request: form, connection: ConnectionInfo(baseURL: zhiqiteURL, profile: "svc", isSandbox: false, dataFolder: home))
        state.connection.profiles = ["svc", "gpu"]
        state.connection.profileServers = ["svc": .zhiqite, "gpu": .a1111]
        let inbox = ActionInbox()
        let runner = EffectRunner(api: HTTPImageAPI(configuration: zhiqiteConfiguration), configuration: zhiqiteConfiguration, store: nil, inbox: inbox)

        let effects = Commands.perform(&state, .openAsOtherKind)
        #expect(state.status?.text == "Opening the form as A1111 txt2img: downloading 1 picture…")
        var switched: [String] = []
        try await Self.drive(&state, effects, runner: runner, inbox: inbox, switched: &switched) { $0.endpoint.server == .a1111 }

        // The form on screen is A1111's txt2img with every field both have.
        #expect(state.endpoint.id == "sdapi/v1/txt2img")
        #expect(state.request["prompt"] == .string("a lighthouse at dusk") && state.request["steps"] == .int(12))
        #expect(state.request["seed"] == .int(77) && state.request["sampler_name"] == .string("DPM++ 2M")
                && state.request["scheduler"] == .string("Karras"), "the A1111 sandbox refuses the combined name")
        let file = try #require(state.request["alwayson_scripts.controlnet.args[0].image"]?.stringValue)
        #expect(file.hasPrefix(home + "/moved/") && FileManager.default.contents(atPath: file) == Data(edge),
                "the picture is downloaded to a file under $ZQT_HOME, the form holds its path")
        #expect(switched == ["gpu"], "the profile of A1111's kind is switched to")
        let status = try #require(state.status?.text)
        guard case let .notice(notice)? = state.view.overlay else { Issue.record("no box listing the move"); return }
        // zqt's own task id is set anew at send (force_task_id), as send_images and save_images: nothing was lost.
        #expect(status == "Opened the form as A1111 txt2img: every field moved; switching to profile gpu; U brings the form back",
                "\(notice.lines)")
        #expect(notice.lines.contains { $0.contains("alwayson_scripts.controlnet.args[0].image: downloaded \(pictureURL) (PNG 64×64") })
        let screen = Screen.render(state).text
        #expect(screen.contains("Moved to A1111 txt2img") && !screen.contains("Could not move:") && !screen.contains("id_task"), "\(screen)")

        // Sent to the A1111 sandbox: the unit's picture goes inline, as A1111 takes it.
        let a1111Configuration = Self.a1111Configuration(a1111URL)
        let pipeline = SendPipeline(api: A1111API(configuration: a1111Configuration), store: nil, baseURL: a1111URL, profile: "gpu") { _ in }
        for await _ in pipeline.run(state.request) {}
        let call = try #require(a1111.service.receivedCalls.last { $0.path.hasSuffix("txt2img") })
        let body = try JSONParser.parse(call.body)
        #expect(body["alwayson_scripts"]?["controlnet"]?["args"]?.arrayValue?.first?["image"] == .string(Base64.encode(edge)))
        #expect(body["prompt"] == .string("a lighthouse at dusk") && body["seed"] == .int(77) && body["force_task_id"] == .string(state.request.taskID))

        // The undo key: the ControlNet form back as it was, the profile switched back.
        state.view.overlay = nil
        let undone = Commands.perform(&state, .undoNewForm)
        #expect(state.endpoint.id == "sd/v2/controlnet" && state.request.taskID == "zqt-before")
        #expect(state.request["alwayson_scripts.controlnet.args[0].image_link"] == .string(pictureURL))
        #expect(undone == [.switchProfile("svc")])
    }

    @Test func anA1111HistoryRowOpensAsAZhiqiteControlNetRequestAndItsLocalFileIsUploadedAtSend() async throws {
        let scratch = Scratch()
        let home = try Self.freshHome(in: scratch)
        let a1111 = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 5))
        let a1111URL = try a1111.start()
        defer { a1111.stop() }
        let zhiqite = SandboxServer()
        let zhiqiteURL = try zhiqite.start()
        defer { zhiqite.stop() }
        let photo = home + "/pose.png"
        let pose = PNGImage.render(width: 64, height: 96, seed: 9)
        _ = FileManager.default.createFile(atPath: photo, contents: Data(pose))

        // The first request of the Done-when: A1111 txt2img with a unit whose picture is a local file, sent, in the history.
        let store = try HistoryStore.open(inFolder: home)
        var sent = Request.new(for: try #require(EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")), taskID: TaskIDGenerator.shared.next())
        sent["prompt"] = .string("a dancer")
        sent["width"] = .int(64)
        sent["height"] = .int(96)
        sent["override_settings.sd_model_checkpoint"] = .string("v1-5-pruned-emaonly.safetensors")
        sent["alwayson_scripts.controlnet.args"] = .array([.object([
            ("enabled", .bool(true)), ("module", .string("openpose")), ("model", .string("control_v11p_sd15_openpose")),
            ("weight", .double(1)), ("image", .string(photo)),
        ])])
        let a1111Configuration = Self.a1111Configuration(a1111URL)
        let pipeline = SendPipeline(api: A1111API(configuration: a1111Configuration), store: store, baseURL: a1111URL, profile: "gpu") { _ in }
        for await _ in pipeline.run(sent) {}
        let row = try #require(try store.record(idTask: sent.taskID))

        // On the history screen, the row selected: T opens it as zhiqite's ControlNet.
        var state = AppState(request: sent, connection: ConnectionInfo(baseURL: a1111URL, profile: "gpu", isSandbox: false, dataFolder: home))
        state.connection.server = .a1111
        state.screen = .history
        state.history.rows = try store.list(limit: 10)
        state.history.selected = try #require(state.history.rows.firstIndex { $0.id == row.id })
        let inbox = ActionInbox()
        let runner = EffectRunner(api: A1111API(configuration: a1111Configuration), configuration: a1111Configuration, store: store, inbox: inbox)
        var switched: [String] = []
        try await Self.drive(&state, Commands.perform(&state, .openAsOtherKind), runner: runner, inbox: inbox, switched: &switched) {
            $0.endpoint.server == .zhiqite
        }
        #expect(state.screen == .compose && state.endpoint.id == "sd/v2/controlnet")
        #expect(state.request.taskID != sent.taskID && state.request.prompt == "a dancer")
        #expect(state.request["alwayson_scripts.sd_model_checkpoint"] == .string("v1-5-pruned-emaonly.safetensors"))
        #expect(state.request["alwayson_scripts.controlnet.args[0].image_link"] == .string(photo), "the local file stays a path")
        #expect(switched.isEmpty)
        #expect(state.status?.text.contains("no zhiqite profile (one without api = \"a1111\"): sending it needs one") == true, "\(state.status?.text ?? "")")

        // Sent to the zhiqite sandbox: the local file goes up through the profile's upload and the service gets its URL.
        let zhiqiteConfiguration = ClientConfiguration(baseURL: zhiqiteURL, credentials: Credentials(accessKeyID: "sandbox", accessKeySecret: "sandbox"),
                                                       timeout: 10, profile: "sandbox")
        var zhiqitePipeline = SendPipeline(api: HTTPImageAPI(configuration: zhiqiteConfiguration), store: store, baseURL: zhiqiteURL, profile: "sandbox") { _ in }
        zhiqitePipeline.localInputs = LocalInputs.Step(source: .forConnection(zhiqiteConfiguration, sandbox: true), directory: home)
        // Read to its end: the task followed to its outcome, so nothing of the send runs after the test (and its sandbox) ends.
        var events: [SendEvent] = []
        for await event in zhiqitePipeline.run(state.request) { events.append(event) }
        let finished = events.contains { if case let .finished(info, _) = $0 { return info.phase == .succeeded }; return false }
        #expect(finished, "the zhiqite sandbox's task followed to its end: \(events)")
        let received = zhiqite.service.receivedSubmissions
        let body = try JSONParser.parse(try #require(received.last?.body, "the service got nothing: \(events)"))
        let link = try #require(body["alwayson_scripts"]?["controlnet"]?["args"]?.arrayValue?.first?["image_link"]?.stringValue)
        #expect(link.hasPrefix(zhiqiteURL + "/sandbox/uploads/"), "\(link)")
        #expect(body["prompt"] == .string("a dancer") && body["alwayson_scripts"]?["id_task"] == .string(state.request.taskID))
    }
}
