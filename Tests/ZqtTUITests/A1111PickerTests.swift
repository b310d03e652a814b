// Issue 20: an A1111 profile's forms pick from the server's own lists:
// samplers, schedule types, upscalers (hi-res and extras), ControlNet
// preprocessors and models, beside the checkpoints, VAEs, LoRAs and
// embeddings; refreshed with the model lists (R), typed text still taken.
// And the keys for the running job: X per kind of server, B to skip.

import Foundation
import Model
import Sandbox
import Testing
@testable import ZqtTUI

@Suite struct A1111PickerTests {
    static let fetched = Date(timeIntervalSince1970: 1_795_000_000)

    /// The screen of an A1111 profile, its txt2img form on screen.
    static func a1111State() -> AppState {
        var state = makeState(width: 120, height: 50)
        state.connection.server = .a1111
        state.connection.profile = "gpu"
        Reducer.showServersForm(&state)
        return state
    }

    static func list(_ kind: ModelListKind, _ names: [String]) -> ModelList {
        ModelList(kind: kind, items: names.map { ModelItem(name: $0) }, fetchedAt: fetched, path: A1111ModelLists.path(for: kind))
    }

    static func field(_ state: AppState, _ path: String) -> FormField? {
        state.fields.first { $0.wirePath == path }
    }

    // MARK: Which lists are read

    @Test func anA1111ProfileReadsEveryListItsServerHasAndTheServiceOnlyItsOwn() {
        var a1111 = Self.a1111State()
        #expect(a1111.endpoint.id == "sdapi/v1/txt2img")
        #expect(Reducer.reduce(&a1111, .modelListsCached([:], now: Self.fetched)) == [.refreshModelLists(ModelListKind.allCases)])
        var service = makeState()
        #expect(Reducer.reduce(&service, .modelListsCached([:], now: Self.fetched))
                == [.refreshModelLists([.checkpoint, .lora, .vae, .embedding])], "the service has no sampler or ControlNet list to ask for")
    }

    @Test func theRefreshSaysWhatEachOfTheServersListsHolds() {
        var state = Self.a1111State()
        #expect(press(&state, .char("R")) == [.refreshModelLists(ModelListKind.allCases)])
        for kind in ModelListKind.allCases where kind != .controlNetModel {
            _ = Reducer.reduce(&state, .modelListRead(kind, path: A1111ModelLists.path(for: kind), .success(Self.list(kind, ["x"]))))
        }
        _ = Reducer.reduce(&state, .modelListRead(.controlNetModel, path: "controlnet/model_list",
                                                  .failure(.httpStatus(404, bodyStart: "{\"detail\":\"Not Found\"}"))))
        let said = state.status?.text ?? ""
        #expect(said.hasPrefix("Model lists: 1 checkpoint, 1 LoRA, 1 VAE, 1 embedding, 1 sampler, 1 schedule type, 1 upscaler, 1 ControlNet preprocessor, ControlNet model list failed"), "\(said)")
        #expect(said.contains("This server has no ControlNet model list at controlnet/model_list (an older version, or the extension is not installed)"))
    }

    // MARK: The form's pickers

    @Test func theSamplerAndUpscalerFieldsOfferTheServersOwnNames() {
        var state = Self.a1111State()
        // Before the server's list is read, the form's own choices stand.
        guard case let .choice(before, freeText)? = Self.field(state, "sampler_name")?.kind else { Issue.record("no sampler choice"); return }
        #expect(freeText && before.contains("Euler a"))
        #expect(Self.field(state, "sampler_name")?.modelList == .sampler)

        let samplers = ["Euler a", "DPM++ 2M", "Restart", "my_custom_sampler"]
        _ = Reducer.reduce(&state, .modelListRead(.sampler, path: "sdapi/v1/samplers", .success(Self.list(.sampler, samplers))))
        _ = Reducer.reduce(&state, .modelListRead(.upscaler, path: "sdapi/v1/upscalers", .success(Self.list(.upscaler, ["Lanczos", "4x-UltraSharp"]))))
        _ = Reducer.reduce(&state, .modelListRead(.scheduler, path: "sdapi/v1/schedulers", .success(Self.list(.scheduler, ["automatic", "karras"]))))
        #expect(Self.field(state, "sampler_name")?.kind == .choice(options: samplers, freeText: true))
        #expect(Self.field(state, "hr_sampler_name")?.kind == .choice(options: samplers, freeText: true))
        #expect(Self.field(state, "hr_upscaler")?.kind == .choice(options: ["Lanczos", "4x-UltraSharp"], freeText: true))
        #expect(Self.field(state, "scheduler")?.kind == .choice(options: ["automatic", "karras"], freeText: true))

        // Its picker shows the list's state as the checkpoint picker does, and a name typed is taken.
        let sampler = try! #require(Self.field(state, "sampler_name"))
        Reducer.openPicker(&state, field: sampler, options: samplers, freeText: true)
        guard case let .picker(picker)? = state.view.overlay else { Issue.record("no picker"); return }
        #expect(picker.options == samplers && picker.freeText)
        #expect(picker.note?.text.hasPrefix("4 samplers · refreshed ") == true, "\(String(describing: picker.note))")
        #expect(picker.note?.text.hasSuffix("R refreshes") == true)
    }

    @Test func theExtrasUpscalersComeFromTheServer() {
        var state = Self.a1111State()
        Reducer.switchEndpoint(&state, to: EndpointCatalog.shipped.endpoint(id: "sdapi/v1/extra-single-image")!)
        _ = Reducer.reduce(&state, .modelListRead(.upscaler, path: "sdapi/v1/upscalers", .success(Self.list(.upscaler, ["None", "SwinIR 4x"]))))
        #expect(Self.field(state, "upscaler_1")?.kind == .choice(options: ["None", "SwinIR 4x"], freeText: true))
        #expect(Self.field(state, "upscaler_2")?.kind == .choice(options: ["None", "SwinIR 4x"], freeText: true))
    }

    @Test func aControlNetUnitsPreprocessorAndModelAreTheExtensionsLists() throws {
        var state = Self.a1111State()
        let spec = try #require(state.endpoint.groupFields.first)
        let group = try #require(spec.groupSpec)
        state.request[spec.path] = .array([group.newItem(preset: group.presets?.preset(named: "canny"), family: .unknown)])
        let modules = ["none", "canny", "depth_midas", "my_module"]
        let models = ["control_v11p_sd15_canny [d14c016b]", "my_model [12345678]"]
        _ = Reducer.reduce(&state, .modelListRead(.controlNetModule, path: "controlnet/module_list", .success(Self.list(.controlNetModule, modules))))
        _ = Reducer.reduce(&state, .modelListRead(.controlNetModel, path: "controlnet/model_list", .success(Self.list(.controlNetModel, models))))
        let fields = FormSchema.itemFields(spec, index: 0, in: state.request, lists: state.modelLists)
        let module = try #require(fields.first { $0.spec?.path == "module" })
        let model = try #require(fields.first { $0.spec?.path == "model" })
        #expect(module.kind == .choice(options: modules, freeText: true), "the server's modules, not the control type's examples")
        #expect(model.kind == .choice(options: models, freeText: true))
        #expect(module.modelList == .controlNetModule && model.modelList == .controlNetModel)

        // The service's ControlNet form keeps its catalog's choices.
        let service = makeState()
        let serviceSpec = try #require(service.endpoint.groupFields.first)
        var request = service.request
        let serviceGroup = try #require(serviceSpec.groupSpec)
        request[serviceSpec.path] = .array([serviceGroup.newItem(preset: nil, family: .unknown)])
        let serviceModule = try #require(FormSchema.itemFields(serviceSpec, index: 0, in: request, lists: state.modelLists)
            .first { $0.spec?.path == "module" })
        #expect(serviceModule.modelList == nil && serviceModule.kind != .choice(options: modules, freeText: true))
    }

    // MARK: The server's lists, over loopback

    @Test func theA1111SandboxServesEveryListAndZqtReadsThem() async throws {
        let server = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 10))
        let url = try server.start()
        defer { server.stop() }
        var configuration = ClientConfiguration(baseURL: url, credentials: nil, timeout: 10, profile: "gpu")
        configuration.server = .a1111
        let api = configuration.makeAPI()
        var names: [ModelListKind: [String]] = [:]
        for kind in ModelListKind.kinds(for: .a1111) {
            names[kind] = try await api.readModelList(kind, path: A1111ModelLists.path(for: kind)).items.map(\.name)
        }
        #expect(names[.sampler]?.contains("Euler a") == true && names[.sampler]?.contains("DPM++ 2M") == true)
        #expect(names[.scheduler]?.contains("karras") == true)
        #expect(names[.upscaler]?.contains("Lanczos") == true && names[.upscaler]?.contains("R-ESRGAN 4x+") == true)
        #expect(names[.controlNetModule]?.contains("canny") == true)
        #expect(names[.controlNetModel]?.contains("control_v11p_sd15_canny [d14c016b]") == true)
        #expect(names[.checkpoint]?.isEmpty == false && names[.vae]?.isEmpty == false && names[.lora]?.isEmpty == false
                && names[.embedding]?.isEmpty == false)
    }

    // MARK: The job's keys

    static func running(_ state: inout AppState, generating: Bool) {
        state.task = TrackedTask(recordID: 1, idTask: "zqt-20261206-180000-000-abcd", status: 1, desc: "generating", progress: 0.2,
                                 phase: .inProgress, resultCount: 0)
        if generating { state.generating = "zqt-20261206-180000-000-abcd" }
    }

    @Test func bSkipsThePictureOfARunningA1111Job() {
        var state = Self.a1111State()
        Self.running(&state, generating: true)
        #expect(press(&state, .char("B")) == [.skipGenerationImage(idTask: "zqt-20261206-180000-000-abcd")])
        #expect(state.status?.text == "Skipping the picture being made in zqt-20261206-180000-000-abcd: the server keeps it as it is and goes on with the next")
        _ = Reducer.reduce(&state, .skipAnswered(idTask: "zqt-20261206-180000-000-abcd", error: .transport("connection refused")))
        #expect(state.status?.kind == .error && state.status?.text.hasPrefix("Could not skip in zqt-20261206-180000-000-abcd") == true)
    }

    @Test func bOnAServiceTaskSaysItIsAnA1111Key() {
        var state = makeState()
        Self.running(&state, generating: false)
        #expect(press(&state, .char("B")).isEmpty)
        #expect(state.status?.text == "B works on A1111 profiles only; this profile is zhiqite", "\(String(describing: state.status))")
    }

    /// B exists for A1111 only: a zhiqite profile's palette and help leave it out (newcomer19: the palette
    /// listed it), an A1111 profile's list it, and `zqt keys` (docs/keys.md) marks it.
    @Test func bIsListedOnlyWhereItExists() {
        let title = Command.skipImage.title
        var service = makeState(width: 120, height: 40)
        press(&service, .char(":"))
        type(&service, "skip")
        #expect(!Screen.render(service).text.contains(title))
        guard case let .picker(palette)? = service.view.overlay else { Issue.record("no palette"); return }
        #expect(!palette.options.contains(title))
        #expect(!OverlayView.helpLines(service).contains { $0.contains(title) })
        var a1111 = Self.a1111State()
        a1111.view.size = Size(width: 120, height: 40)
        #expect(OverlayView.helpLines(a1111).contains { $0.contains(title) })
        press(&a1111, .char(":"))
        type(&a1111, "skip")
        #expect(Screen.render(a1111).text.contains(title))
        #expect(KeyBindings.markdown.contains("| `B` | \(title) | `skipImage` | on the compose screen; A1111 profiles only |"))
    }

    @Test func xSaysWhatItDoesForEachKind() {
        let help = Command.stopFollowing.title
        #expect(help.contains("zhiqite task: stop following it") && help.contains("A1111 job: interrupt it on the server"))
        var a1111 = Self.a1111State()
        Self.running(&a1111, generating: true)
        #expect(press(&a1111, .char("X")) == [.interruptGeneration(idTask: "zqt-20261206-180000-000-abcd")])
        var service = makeState()
        Self.running(&service, generating: false)
        #expect(press(&service, .char("X")) == [.stopFollowing(recordID: 1, idTask: "zqt-20261206-180000-000-abcd")])
    }

    /// The palette's X line was cut after its zhiqite half, before what it does on an A1111 server
    /// (newcomer20g): each profile's palette says what X does there, whole, at 120 and 80 columns.
    @Test(arguments: [120, 80])
    func thePalettesXLineSaysWhatItDoesOnThisServerWhole(width: Int) {
        var a1111 = Self.a1111State()
        a1111.view.size = Size(width: width, height: 40)
        press(&a1111, .char(":"))
        type(&a1111, "interrupt")
        #expect(Screen.render(a1111).text.contains("Interrupt the A1111 job on the server"))
        var service = makeState(width: width, height: 40)
        press(&service, .char(":"))
        type(&service, "stop foll")
        let screen = Screen.render(service).text
        #expect(screen.contains("Stop following the task (u on its history row takes it up again)") && !screen.contains("zhiqite task:"), "\(screen)")
    }

    /// The palette's list was cut at the screen's height with nothing to say more came below
    /// (newcomer19): ↓ on its last row while commands are below, ↑ on its first once it scrolled.
    @Test func thePaletteSaysWhenMoreCommandsAreAboveOrBelow() {
        var state = makeState(width: 120, height: 24)
        press(&state, .char(":"))
        // The palette's list rows: after its filter line, up to the blank row above its hint.
        func listRows(_ text: String) -> [Substring] {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard let filter = lines.firstIndex(where: { $0.contains("│ >") }) else { return [] }
            return lines[(filter + 1)...].prefix { line in
                guard let bar = line.range(of: "│  ") else { return false }
                return line[bar.upperBound...].first.map { $0 != " " } ?? false
            }.map { $0 }
        }
        let first = listRows(Screen.render(state).text)
        #expect(first.count > 5 && first.last?.contains("↓│") == true && !first.contains { $0.contains("↑│") }, "\(first)")
        for _ in 0..<60 { press(&state, .down) }
        let scrolled = listRows(Screen.render(state).text)
        #expect(scrolled.first?.contains("↑│") == true, "\(scrolled)")
    }
}
