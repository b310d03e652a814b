import Foundation
import Model
import Sandbox
import Testing
@testable import ZqtTUI

/// The pickers the model lists feed (issue 9, zhiqite-api.md §1.4–§1.7):
/// the refresh policy, checkpoints with their bases, ControlNet models that
/// fit the checkpoint, LoRA and embedding insertion at the prompt's cursor,
/// and what a list that failed says, through the real effect runner, a
/// real history file and the sandbox over loopback.
@Suite struct ModelListPickerTests {
    static let fetched = Date(timeIntervalSince1970: 1_795_000_000)

    static func list(_ kind: ModelListKind, _ items: [ModelItem], at date: Date = fetched, path: String? = nil) -> ModelList {
        ModelList(kind: kind, items: items, fetchedAt: date, path: path ?? kind.defaultPath)
    }

    static let checkpoints = [
        ModelItem(name: "photon_v1_84728.safetensors", displayName: "Photon", baseModel: "SD 1.5"),
        ModelItem(name: "juggernautXL_v9_348913.safetensors", displayName: "Juggernaut XL", baseModel: "SDXL 1.0"),
        ModelItem(name: "flux1-dev-fp8_691639.safetensors", displayName: "FLUX.1 dev fp8", baseModel: "Flux.1 D"),
        ModelItem(name: "mystery.safetensors"),
    ]

    static let loras = [ModelItem(name: "add_detail", displayName: "Detail Tweaker", baseModel: "SD 1.5"),
                        ModelItem(name: "film_grain_sdxl", displayName: "Film grain XL", baseModel: "SDXL 1.0")]

    /// A compose state with every list read `fetched`, the clock just after.
    static func loaded() -> AppState {
        var state = makeState()
        _ = Reducer.reduce(&state, .modelListsCached([
            .checkpoint: list(.checkpoint, checkpoints),
            .lora: list(.lora, loras),
            .vae: list(.vae, [ModelItem(name: "sdxl_vae.safetensors", baseModel: "SDXL 1.0")]),
            .embedding: list(.embedding, [ModelItem(name: "EasyNegative"), ModelItem(name: "badhandv4")]),
        ], now: fetched + 60))
        return state
    }

    static func picker(_ state: AppState) -> PickerState? {
        if case let .picker(picker)? = state.view.overlay { return picker }
        return nil
    }

    // MARK: Refresh policy

    @Test func keptListsAreShownAtOnceAndOnlyStaleOnesAreReadAgain() {
        var state = makeState()
        let effects = Reducer.reduce(&state, .modelListsCached([
            .checkpoint: Self.list(.checkpoint, Self.checkpoints),
            .lora: Self.list(.lora, Self.loras, at: Self.fetched - 7 * 3600),
            .vae: Self.list(.vae, [], path: "sd/v1/someOtherVaeList"),
        ], now: Self.fetched + 60))
        #expect(effects == [.refreshModelLists([.lora, .vae, .embedding])],
                "a fresh list is not asked for; an old one, one from another path and a missing one are")
        #expect(state.modelLists[.checkpoint].names.first == "photon_v1_84728.safetensors")
        #expect(state.modelLists[.lora].items == Self.loras, "the old list is shown while it is read again")
        #expect(state.modelLists[.lora].refreshing && !state.modelLists[.checkpoint].refreshing)
        #expect(state.status == nil, "a refresh at start is quiet")
    }

    @Test func theRefreshKeyReadsEveryListAndSaysWhatCameBack() {
        var state = Self.loaded()
        // The service's lists: an A1111 server's samplers and ControlNet lists are not asked of it (issue 20).
        #expect(press(&state, .char("R")) == [.refreshModelLists(ModelListKind.kinds(for: .zhiqite))])
        #expect(state.status?.text == "Refreshing the model lists…")
        #expect(press(&state, .char("R")).isEmpty && state.status?.text == "The model lists are being read already")
        for kind in ModelListKind.kinds(for: .zhiqite) where kind != .vae {
            _ = Reducer.reduce(&state, .modelListRead(kind, path: kind.defaultPath, .success(Self.list(kind, [ModelItem(name: "x")], at: Self.fetched + 120))))
        }
        #expect(state.modelLists.refreshing)
        _ = Reducer.reduce(&state, .modelListRead(.vae, path: "sd/v2/queryVaeList", .failure(.api(code: "404", message: "not found"))))
        #expect(state.status == StatusMessage(text: "Model lists: 1 checkpoint, 1 LoRA, VAE list failed, 1 embedding · This service has no VAE list at sd/v2/queryVaeList; set ZQT_VAE_LIST_PATH (or the catalog's list path) to where it is", kind: .error))
        #expect(state.modelLists[.vae].names == ["sdxl_vae.safetensors"], "the list kept from before stays")
    }

    @Test func theRefreshIsInThePalette() {
        var state = Self.loaded()
        press(&state, .char(":"))
        #expect(Self.picker(state)?.options.contains(Command.refreshModelLists.title) == true)
    }

    // MARK: Checkpoints

    @Test func theCheckpointPickerShowsEachModelsNameAndBase() throws {
        var state = Self.loaded()
        focus(&state, .checkpoint)
        press(&state, .enter)
        let picker = try #require(Self.picker(state))
        #expect(picker.options == Self.checkpoints.map(\.name))
        #expect(picker.details["juggernautXL_v9_348913.safetensors"] == "Juggernaut XL · SDXL 1.0")
        let grid = Screen.render(state)
        let rows = (0..<grid.size.height).map(grid.line)
        #expect(rows.contains { $0.contains("photon_v1_84728.safetensors") && $0.contains("Photon · SD 1.5") })
        #expect(rows.contains { $0.contains("flux1-dev-fp8_691639.safetensors") && $0.contains("FLUX.1 dev fp8 · Flux.1 D") })
        // When the list was read, in local time, and the key that reads it again.
        let when = CivilTime.local(Self.fetched).dateAndMinute
        #expect(rows.contains { $0.contains("4 checkpoints · refreshed \(when) · R refreshes") })
        // The filter finds a base too.
        type(&state, "sdxl")
        #expect(Self.picker(state)?.matches == ["juggernautXL_v9_348913.safetensors"])
        press(&state, .enter)
        #expect(state.request.checkpoint == "juggernautXL_v9_348913.safetensors")
    }

    @Test func theCheckpointPickerGolden() throws {
        var state = Self.loaded()
        state.modelLists[.checkpoint].fetchedAt = nil  // the golden holds no local time
        focus(&state, .checkpoint)
        press(&state, .enter, .down)
        try ScreenGoldenTests().check(state, "checkpoint-picker-120x40")
    }

    @Test func aLoRAListThatFailedSaysWhyInThePickerGolden() throws {
        var state = makeState(width: 80, height: 24)
        _ = Reducer.reduce(&state, .modelListsCached([:], now: Self.fetched))
        _ = Reducer.reduce(&state, .modelListRead(.lora, path: "sd/v2/queryLoraList", .failure(.api(code: "404", message: "no such endpoint"))))
        focus(&state, .prompt)
        press(&state, .ctrl("t"))
        type(&state, "my_lora")
        try ScreenGoldenTests().check(state, "lora-picker-failed-80x24")
    }

    // MARK: ControlNet models

    /// The unit model picker with `checkpoint` chosen: its options in order and the marked ones.
    static func unitModelPicker(checkpoint: String) throws -> PickerState {
        var state = loaded()
        state.request["alwayson_scripts.sd_model_checkpoint"] = .string(checkpoint)
        var units = state.request.controlNetUnits ?? []
        units.append(ControlNetUnit(controlType: try #require(ControlNetCatalog.controlType(named: "canny"))))
        state.request.controlNetUnits = units
        Reducer.openUnit(&state, units.count - 1)
        focus(&state, .unit(units.count - 1, .model))
        press(&state, .enter)
        return try #require(picker(state))
    }

    @Test func controlNetModelsFittingAnSDXLCheckpointAreMarkedAndFirst() throws {
        let picker = try Self.unitModelPicker(checkpoint: "juggernautXL_v9_348913.safetensors")
        #expect(picker.fits == ["diffusers_xl_canny_full [2b69fca4]", "kohya_controllllite_xl_canny [2ed264be]", "sai_xl_canny_256lora"])
        #expect(Array(picker.options.prefix(3)) == ["diffusers_xl_canny_full [2b69fca4]", "kohya_controllllite_xl_canny [2ed264be]", "sai_xl_canny_256lora"])
        #expect(picker.options.contains("control_v11p_sd15_canny [d14c016b]") && picker.options.contains("None"), "the others can still be chosen")
        #expect(picker.note?.text == "✓ fits SDXL, the base of juggernautXL_v9_348913.safetensors; the others can still be chosen")
    }

    @Test func controlNetModelsFittingAnSD15CheckpointAreMarkedAndFirst() throws {
        let picker = try Self.unitModelPicker(checkpoint: "photon_v1_84728.safetensors")
        let sd15 = ["control_v11p_sd15_canny [d14c016b]", "t2iadapter_canny_sd15v2", "control_lora_rank128_v11p_sd15_canny"]
        #expect(picker.fits == Set(sd15))
        #expect(Array(picker.options.prefix(3)) == sd15)
        #expect(!picker.fits.contains("control_canny-fp16 [e3fe7712]"), "a name without a marker is not guessed")
        // Drawn: a ✓ beside the fitting ones, none beside the others.
        var state = Self.loaded()
        state.view.overlay = .picker(picker)
        let rows = (0..<40).map(Screen.render(state).line)
        #expect(rows.contains { $0.contains("✓ control_v11p_sd15_canny [d14c016b]") })
        #expect(rows.contains { $0.contains("  diffusers_xl_canny_full") && !$0.contains("✓") })
    }

    @Test func anUnknownCheckpointMarksNothing() throws {
        let picker = try Self.unitModelPicker(checkpoint: "mystery.safetensors")
        #expect(picker.fits.isEmpty)
        #expect(picker.note?.text == "The base of mystery.safetensors is not known: no model is marked as fitting")
    }

    // MARK: LoRAs and embeddings

    @Test func aLoRAGoesInAtTheCursorInTheMiddleOfThePromptAndTheCursorEndsAfterIt() throws {
        var state = Self.loaded()
        focus(&state, .prompt)
        press(&state, .enter)
        press(&state, .ctrl("u"))
        type(&state, "a girl, best quality")
        for _ in 0..<"best quality".count { press(&state, .left) }
        press(&state, .ctrl("t"))
        let picker = try #require(Self.picker(state))
        #expect(picker.purpose == .insert(.lora) && picker.freeText)
        #expect(picker.details["add_detail"] == "Detail Tweaker · SD 1.5")
        type(&state, "detail")
        press(&state, .enter)
        #expect(state.view.overlay == nil && state.view.editing != nil, "back to typing the prompt")
        type(&state, "masterpiece, ")
        press(&state, .enter)
        let prompt = try JSONParser.parse(state.request.wireJSON)["prompt"]?.stringValue
        #expect(prompt == "a girl, <lora:add_detail:1>masterpiece, best quality")
    }

    @Test func onThePromptWithoutTypingTheTokenGoesAtTheEnd() throws {
        var state = Self.loaded()
        state.request["prompt"] = .string("a lighthouse, ")
        focus(&state, .prompt)
        press(&state, .function(8))
        #expect(state.view.editing?.field == .prompt)
        // A typed name (Tab) is used as it is: the list need not have it.
        type(&state, "my_style_v2")
        press(&state, .tab)
        press(&state, .enter)
        #expect(state.request.prompt == "a lighthouse, <lora:my_style_v2:1>")
    }

    @Test func anEmbeddingGoesIntoTheNegativePromptByName() throws {
        var state = Self.loaded()
        let negative = FieldID("negative_prompt")
        state.request["negative_prompt"] = .string("lowres, ")
        focus(&state, negative)
        press(&state, .ctrl("g"))
        #expect(Self.picker(state)?.options == ["EasyNegative", "badhandv4"])
        press(&state, .enter, .enter)
        #expect(state.request["negative_prompt"]?.stringValue == "lowres, EasyNegative")
    }

    @Test func theLoRAKeyDoesNothingOnOtherFields() {
        var state = Self.loaded()
        focus(&state, .steps)
        press(&state, .ctrl("t"))
        #expect(state.view.overlay == nil && state.view.editing == nil)
    }

    @Test func theVAEFieldOffersTheVAEList() throws {
        var state = Self.loaded()
        focus(&state, FieldID("alwayson_scripts.sd_vae"))
        press(&state, .enter)
        #expect(Self.picker(state)?.options == ["sdxl_vae.safetensors"])
        #expect(Self.picker(state)?.details["sdxl_vae.safetensors"] == "SDXL 1.0")
        press(&state, .enter)
        #expect(state.request["alwayson_scripts.sd_vae"]?.stringValue == "sdxl_vae.safetensors")
    }

    // MARK: Through the runner, the history and the sandbox

    /// Runs the effects as the event loop does until `done` holds for the state.
    static func run(_ effects: [Effect], _ runner: EffectRunner, _ inbox: ActionInbox, _ state: inout AppState,
                    until done: (AppState) -> Bool) async throws {
        effects.forEach(runner.perform)
        var status = ""
        try await eventually("the state awaited", detail: { "status \(status)" }) {
            for action in inbox.drain() { Reducer.reduce(&state, action).forEach(runner.perform) }
            status = String(describing: state.status)
            return done(state)
        }
    }

    final class Folder {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zqt-lists-\(UUID().uuidString)").path
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test func listsAreReadKeptAndShownAtOnceAfterARestart() async throws {
        let folder = Folder()
        let server = SandboxServer()
        defer { server.stop() }
        let configuration = ClientConfiguration(baseURL: try server.start(), credentials: SandboxServer.demoCredentials, timeout: 30, profile: "sandbox")
        do {
            let inbox = ActionInbox()
            let runner = EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration,
                                      store: try HistoryStore.open(inFolder: folder.path), inbox: inbox)
            var state = makeState()
            try await Self.run([.loadCachedModelLists], runner, inbox, &state) { state in
                !state.modelLists.refreshing && state.modelLists[.checkpoint].fetchedAt != nil
            }
            #expect(state.modelLists[.checkpoint].items.count == 23 && state.modelLists[.lora].items.count == 12)
            #expect(state.modelLists[.vae].items.count == 5 && state.modelLists[.embedding].items.count == 6)
        }
        // A new zqt (a new store on the same file), the service now gone: the lists are there at once.
        server.stop()
        let inbox = ActionInbox()
        let runner = EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration,
                                  store: try HistoryStore.open(inFolder: folder.path), inbox: inbox)
        var state = makeState()
        var cached: [ModelListKind: ModelList] = [:]
        runner.perform(.loadCachedModelLists)
        try await eventually("the kept lists") {
            for action in inbox.drain() {
                if case let .modelListsCached(lists, now) = action {
                    cached = lists
                    #expect(Reducer.reduce(&state, .modelListsCached(lists, now: now)) == [.checkKeys],
                            "fresh lists are not read again; only the keys are asked about")
                }
            }
            return !cached.isEmpty
        }
        #expect(cached[.checkpoint]?.items.count == 23)
        #expect(state.modelLists[.checkpoint].item(named: "juggernautXL_v9_348913.safetensors")?.baseModel == "SDXL 1.0")
        focus(&state, .checkpoint)
        press(&state, .enter)
        let when = CivilTime.local(try #require(cached[.checkpoint]?.fetchedAt)).dateAndMinute
        #expect(Self.picker(state)?.note?.text == "23 checkpoints · refreshed \(when) · R refreshes")
    }

    /// The LoRA picker's note after a refresh through the runner that failed.
    static func loraProblem(_ configuration: ClientConfiguration, paths: ModelListPaths = ModelListPaths()) async throws -> (String?, AppState) {
        let inbox = ActionInbox()
        let runner = EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration,
                                  store: nil, inbox: inbox, listPaths: paths)
        var state = makeState()
        state.modelLists.paths = paths
        try await run([.loadCachedModelLists], runner, inbox, &state) { state in
            !state.modelLists.refreshing && state.modelLists[.lora].problem != nil
        }
        focus(&state, .prompt)
        press(&state, .ctrl("t"))
        return (picker(state)?.note?.text, state)
    }

    @Test func wrongKeysAreSaidInThePickerWithTheServicesMessage() async throws {
        let server = SandboxServer(options: SandboxOptions(requiredCredentials: Credentials(accessKeyID: "right", accessKeySecret: "right")))
        defer { server.stop() }
        let configuration = ClientConfiguration(baseURL: try server.start(), credentials: Credentials(accessKeyID: "wrong", accessKeySecret: "wrong"),
                                                timeout: 30, profile: "default")
        let (note, shown) = try await Self.loraProblem(configuration)
        var state = shown
        #expect(note == "The LoRA list was refused: invalid access key (code 401); check ZQT_ACCESS_KEY_ID and ZQT_ACCESS_KEY_SECRET · typed text is used as it is")
        let rows = (0..<40).map(Screen.render(state).line)
        #expect(rows.contains { $0.contains("The LoRA list was refused: invalid access key (code 401)") }, "drawn in the picker")
        // The picker still takes typed text.
        type(&state, "my_lora")
        press(&state, .tab)
        #expect(state.view.editing?.buffer.text.hasSuffix("<lora:my_lora:1>") == true)
    }

    @Test func aRefusedConnectionIsSaidInThePicker() async throws {
        let server = SandboxServer()
        let url = try server.start()
        server.stop()
        let configuration = ClientConfiguration(baseURL: url, credentials: SandboxServer.demoCredentials, timeout: 30, profile: "default")
        let (note, _) = try await Self.loraProblem(configuration)
        #expect(note == "The LoRA list could not be read: Connection refused by 127.0.0.1: is the service (or sandbox) running? · typed text is used as it is")
    }

    @Test func aListTheServiceDoesNotHaveNamesThePathAndTheSetting() async throws {
        var options = SandboxOptions()
        options.modelLists = SandboxModelListOptions(missing: [.lora])
        let server = SandboxServer(options: options)
        defer { server.stop() }
        let configuration = ClientConfiguration(baseURL: try server.start(), credentials: SandboxServer.demoCredentials, timeout: 30, profile: "default")
        let (note, state) = try await Self.loraProblem(configuration)
        #expect(note == "This service has no LoRA list at sd/v2/queryLoraList; set ZQT_LORA_LIST_PATH (or the catalog's list path) to where it is · typed text is used as it is")
        #expect(state.modelLists[.checkpoint].items.count == 23, "the other lists are read")

        // A path set by the user is the one asked for, and named.
        let (other, _) = try await Self.loraProblem(configuration, paths: ModelListPaths(environment: ["ZQT_LORA_LIST_PATH": "sd/v3/loras"]))
        #expect(other?.hasPrefix("This service has no LoRA list at sd/v3/loras;") == true)
    }
}
