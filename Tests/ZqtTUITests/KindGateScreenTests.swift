// Issue 20, a newcomer's re-check: one kind's request never reaches the
// other kind's server from the screen. With only an A1111 profile, `T`
// opens a zhiqite form; F5 refused it (as `zqt send` does, by the same rule,
// Endpoint.canBeSent) before anything left, where it used to POST a zhiqite
// path to the A1111 server. The moved form's pickers offer no names of the
// other kind's server; the move's box says the checkpoint to choose apart
// from what could not move; a long error never hides the focused row.

import Foundation
import TestScratch
@testable import Model
import Sandbox
import Testing
@testable import ZqtTUI

@Suite(.serialized) struct KindGateScreenTests {
    static func freshHome(in scratch: Scratch) throws -> String {
        let home = scratch.path("zqt-kindgate")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        return home
    }

    /// The screen on one profile only, of that kind, its form on screen.
    static func onlyProfile(_ name: String, _ server: ServerKind, url: String, home: String, form: Request) -> AppState {
        var state = AppState(request: form, connection: ConnectionInfo(baseURL: url, profile: name, isSandbox: false, dataFolder: home))
        state.view.size = Size(width: 120, height: 40)
        state.connection.server = server
        state.connection.profiles = [name]
        state.connection.profileServers = [name: server]
        return state
    }

    /// Effects run for real (the move's pictures); a profile switch would be noted, none is asked here.
    static func drive(_ state: inout AppState, _ effects: [Effect], runner: EffectRunner, inbox: ActionInbox,
                      until done: (AppState) -> Bool) async throws {
        var pending = effects
        let deadline = Date().addingTimeInterval(60)
        while true {
            for effect in pending {
                if case .switchProfile = effect { Issue.record("no profile of the other kind to switch to: \(effect)") } else { runner.perform(effect) }
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

    static func noticeLines(_ state: AppState) -> [String] {
        if case let .notice(notice)? = state.view.overlay { return notice.lines }
        return []
    }

    @Test func aZhiqiteFormMovedOntoTheOnlyA1111ProfileIsRefusedAtF5AndTheA1111ServerGetsNothing() async throws {
        let scratch = Scratch()
        let home = try Self.freshHome(in: scratch)
        let a1111 = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 5))
        let a1111URL = try a1111.start()
        defer { a1111.stop() }
        let photo = home + "/pose.png"
        _ = FileManager.default.createFile(atPath: photo, contents: Data(PNGImage.render(width: 32, height: 32, seed: 3)))

        // A1111's txt2img with a unit whose picture is a local file, as the newcomer had it.
        var form = Request.new(for: try #require(EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")), taskID: "zqt-a1111-form")
        form["prompt"] = .string("a fox in snow")
        form["alwayson_scripts.controlnet.args"] = .array([.object([
            ("enabled", .bool(true)), ("module", .string("canny")), ("model", .string("control_v11p_sd15_canny")), ("image", .string(photo)),
        ])])
        var state = Self.onlyProfile("gpu", .a1111, url: a1111URL, home: home, form: form)
        let configuration = Self.a1111Configuration(a1111URL)
        let inbox = ActionInbox()
        let runner = EffectRunner(api: A1111API(configuration: configuration), configuration: configuration, store: nil, inbox: inbox)
        try await Self.drive(&state, Commands.perform(&state, .openAsOtherKind), runner: runner, inbox: inbox) { $0.endpoint.server == .zhiqite }
        #expect(state.endpoint.id == "sd/v2/controlnet" && state.connection.server == .a1111)

        // The box: the checkpoint ControlNet needs is to choose, by the form's name for it, not "could not move".
        let lines = Self.noticeLines(state)
        #expect(!lines.contains { $0.contains("sd_model_checkpoint") }, "\(lines)")
        let choose = try #require(lines.firstIndex(of: "To choose before sending:"), "\(lines)")
        #expect(lines[choose + 1] == "  Checkpoint (Model and output): the form requires it and the request moved had none", "\(lines)")
        #expect(state.status?.text.contains("; 1 field to choose before sending (listed);") == true, "\(state.status?.text ?? "")")
        state.view.overlay = nil

        // F5: refused before anything leaves, saying what to do; the form and its text stay.
        let taskID = state.request.taskID
        let effects = Commands.perform(&state, .submit)
        #expect(effects.isEmpty, "nothing is sent: \(effects)")
        #expect(!state.submitting && state.request.taskID == taskID && state.request.prompt == "a fox in snow")
        #expect(state.status?.kind == .error)
        #expect(state.status?.text == "Not sent: profile gpu is an AUTOMATIC1111 server, and this request is for zhiqite ControlNet: "
                + "add a zhiqite profile (one without api) to the config file (docs/config.md), then \(state.keys.label(.switchProfile)) chooses it; "
                + "or \(state.keys.label(.openAsOtherKind)) moves the form to an AUTOMATIC1111 server; the form is kept", "\(state.status?.text ?? "")")
        let screen = Screen.render(state).text
        #expect(screen.contains("Not sent: profile gpu is an AUTOMATIC1111 server, and this request is for zhiqite"), "\(screen)")
        // The A1111 server was asked for nothing but what a form of its own asks (no generation call, no zhiqite path).
        #expect(!a1111.service.receivedCalls.contains { $0.path.contains("/sd/") || $0.path.hasSuffix("txt2img") || $0.path.hasSuffix("img2img") },
                "\(a1111.service.receivedCalls.map(\.path))")

        // `T` back: the A1111 form is sent to the A1111 server as ever.
        try await Self.drive(&state, Commands.perform(&state, .openAsOtherKind), runner: runner, inbox: inbox) { $0.endpoint.server == .a1111 }
        state.view.overlay = nil
        let send = Commands.perform(&state, .submit)
        guard case let .submit(request)? = send.first else { Issue.record("the A1111 form is sent: \(send)"); return }
        #expect(request.endpoint.id == "sdapi/v1/txt2img" && request.prompt == "a fox in snow")
    }

    @Test func anA1111FormMovedOntoTheOnlyZhiqiteProfileIsRefusedAndTheServiceGetsNothing() async throws {
        let scratch = Scratch()
        let home = try Self.freshHome(in: scratch)
        let zhiqite = SandboxServer()
        let zhiqiteURL = try zhiqite.start()
        defer { zhiqite.stop() }
        var form = Request.new(for: EndpointCatalog.shipped.controlNet, taskID: "zqt-cn-form")
        form["prompt"] = .string("a lighthouse")
        form["alwayson_scripts.sd_model_checkpoint"] = .string("dream.safetensors")
        var state = Self.onlyProfile("work", .zhiqite, url: zhiqiteURL, home: home, form: form)
        let configuration = ClientConfiguration(baseURL: zhiqiteURL, credentials: nil, timeout: 10, profile: "work")
        let inbox = ActionInbox()
        let runner = EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration, store: nil, inbox: inbox)
        try await Self.drive(&state, Commands.perform(&state, .openAsOtherKind), runner: runner, inbox: inbox) { $0.endpoint.server == .a1111 }
        #expect(state.endpoint.id == "sdapi/v1/txt2img")
        #expect(!Self.noticeLines(state).contains("To choose before sending:"), "A1111 requires no checkpoint: \(Self.noticeLines(state))")
        state.view.overlay = nil

        let effects = Commands.perform(&state, .submit)
        #expect(effects.isEmpty, "\(effects)")
        #expect(state.status?.text == "Not sent: profile work is the zhiqite service, and this request is for A1111 txt2img: "
                + "add a profile with api = \"a1111\" to the config file (docs/config.md), then \(state.keys.label(.switchProfile)) chooses it; "
                + "or \(state.keys.label(.openAsOtherKind)) moves the form to the zhiqite service; the form is kept", "\(state.status?.text ?? "")")
        #expect(zhiqite.service.receivedSubmissions.isEmpty)
    }

    @Test func aRowOfTheOtherKindIsNeverSentToThisProfilesServer() {
        // An A1111 row, `r` on the zhiqite profile with no A1111 profile: said, nothing sent.
        var state = historyState([summary(5, "a cat")])
        state.connection.profile = "work"
        state.connection.profiles = ["work"]
        state.connection.profileServers = ["work": .zhiqite]
        let txt2img = EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")!
        var sent = Request.new(for: txt2img, taskID: "zqt-old-5")
        sent["prompt"] = .string("a cat")
        let zhiqiteRow = record(5, prompt: "a cat")
        let row = HistoryRecord(id: 5, endpoint: txt2img, baseURL: "http://127.0.0.1:7860", profile: "gpu", createdAt: zhiqiteRow.createdAt,
                                idTask: "zqt-old-5", serviceTaskID: "zqt-old-5", requestJSON: sent.wireJSON, state: .succeeded, httpStatus: 200,
                                responseJSON: "{}", taskStatus: 2, taskDesc: "Success", progress: nil, lastQueryJSON: nil, error: nil,
                                submittedAt: zhiqiteRow.submittedAt, finishedAt: zhiqiteRow.finishedAt, results: [])
        for purpose in [EntryPurpose.resend, .editInForm] {
            let effects = Reducer.reduce(&state, .entriesLoaded([row], purpose))
            #expect(effects.isEmpty && !state.submitting, "\(purpose): \(effects)")
            #expect(state.status?.text.hasPrefix("zqt-old-5 was sent to an AUTOMATIC1111 server, and the config file has no profile of that kind") == true,
                    "\(state.status?.text ?? "")")
        }
        // Whatever path reaches the send, the gate is the last word: an A1111 request on a zhiqite profile does not leave.
        let effects = Reducer.send(&state, row.request, note: "Sending…")
        #expect(effects.isEmpty && !state.submitting)
        #expect(state.status?.text == "Not sent: profile work is the zhiqite service, and this request is for A1111 txt2img: "
                + "add a profile with api = \"a1111\" to the config file (docs/config.md), then \(state.keys.label(.switchProfile)) chooses it; nothing sent",
                "\(state.status?.text ?? "")")
    }

    @Test func theMovedFormsPickersOfferNoNamesOfTheOtherKindsServer() throws {
        var state = makeState()
        state.connection.server = .a1111
        state.connection.profile = "gpu"
        Reducer.showServersForm(&state)
        let fetched = Date(timeIntervalSince1970: 1_795_000_000)
        _ = Reducer.reduce(&state, .modelListRead(.checkpoint, path: A1111ModelLists.path(for: .checkpoint),
                                                  .success(ModelList(kind: .checkpoint, items: [ModelItem(name: "a1111-only.safetensors")],
                                                                     fetchedAt: fetched, path: A1111ModelLists.path(for: .checkpoint)))))
        func checkpointPicker(_ path: String) throws -> PickerState {
            let field = try #require(state.fields.first { $0.wirePath == path })
            guard case let .choice(options, freeText) = field.kind else { Issue.record("\(path) is no choice: \(field.kind)"); throw CancellationError() }
            Reducer.openPicker(&state, field: field, options: options, freeText: freeText)
            guard case let .picker(picker)? = state.view.overlay else { Issue.record("no picker"); throw CancellationError() }
            state.view.overlay = nil
            return picker
        }
        // The A1111 form: its server's checkpoints.
        #expect(try checkpointPicker("override_settings.sd_model_checkpoint").options == ["a1111-only.safetensors"])

        // The zhiqite form on the same profile (as after `T`): no A1111 name offered, and said why; typing still works.
        Reducer.switchEndpoint(&state, to: EndpointCatalog.shipped.controlNet)
        let picker = try checkpointPicker("alwayson_scripts.sd_model_checkpoint")
        #expect(picker.options.isEmpty && picker.freeText, "\(picker.options)")
        #expect(picker.note?.text == "No checkpoint list for a zhiqite ControlNet request on profile gpu (an AUTOMATIC1111 server): "
                + "a profile of its kind reads one · typed text is used as it is", "\(String(describing: picker.note))")
        let screen = Screen.render(state).text
        #expect(!screen.contains("a1111-only"), "\(screen)")
    }

    @Test func aLongErrorNeverHidesTheFocusedRow() throws {
        var state = makeState(width: 120, height: 40)
        func focusRow(_ grid: Grid) -> Int? { (0..<grid.size.height).first { grid.line($0).hasPrefix("▸") } }
        // A field on the form's last row with a one-row status line.
        let statusY = state.view.size.height - 2
        var bottom: FieldID?
        for field in state.fields {
            Reducer.moveFocus(&state, to: field.id)
            if let y = focusRow(Screen.render(state)), y >= statusY - 2 { bottom = field.id; break }
        }
        let focus = try #require(bottom, "a field on the form's last rows")
        Reducer.moveFocus(&state, to: focus)
        state.status = StatusMessage(text: "Send failed: " + String(repeating: "the server said something long about the request ", count: 5),
                                     kind: .error)
        let grid = Screen.render(state)
        let errorTop = try #require((0..<grid.size.height).first { grid.line($0).hasPrefix(" Send failed:") }, "\(grid.text)")
        #expect(errorTop < statusY - 1, "the error takes several rows:\n\(grid.text)")
        let focusY = try #require(focusRow(grid), "the focused row is on screen:\n\(grid.text)")
        #expect(focusY < errorTop, "the focused row (\(focusY)) is above the error (from row \(errorTop)):\n\(grid.text)")

        // The error gone, the form has its rows back and the focus stays in view.
        state.status = nil
        let after = Screen.render(state)
        #expect(focusRow(after).map { $0 < statusY } == true, "\(after.text)")
    }
}
