import Model
import Testing
@testable import ZqtTUI

/// A fresh compose state at a fixed size, with a fixed id_task.
func makeState(width: Int = 120, height: Int = 40) -> AppState {
    TextWidth.ensureUTF8Locale()
    var state = AppState(request: Request.new(for: .controlNet, taskID: "zqt-20261124-120000-000-test"),
                         connection: ConnectionInfo(baseURL: "http://127.0.0.1:8931", profile: "sandbox", isSandbox: true))
    state.view.size = Size(width: width, height: height)
    return state
}

@discardableResult
func press(_ state: inout AppState, _ keys: Key...) -> [Effect] {
    var effects: [Effect] = []
    for key in keys { effects += Reducer.reduce(&state, .key(key)) }
    return effects
}

func type(_ state: inout AppState, _ text: String) {
    for character in text { _ = Reducer.reduce(&state, .key(.char(character))) }
}

func focus(_ state: inout AppState, _ id: FieldID) {
    Reducer.moveFocus(&state, to: id)
}

/// Fields by wire path, as the form names them (issue 7).
extension FieldID {
    static let prompt = FieldID("prompt")
    static let steps = FieldID("steps")
    static let cfgScale = FieldID("cfg_scale")
    static let width = FieldID("width")
    static let seed = FieldID("seed")
    static let checkpoint = FieldID("alwayson_scripts.sd_model_checkpoint")
    static let idTask = FieldID("alwayson_scripts.id_task")
    static let overrideSettings = FieldID("alwayson_scripts.override_settings")
}

@Suite struct ReducerTests {
    @Test func typingIntoThePromptUpdatesTheRequestAsYouType() {
        var state = makeState()
        press(&state, .enter)
        type(&state, "一只猫")
        #expect(state.request.prompt == "一只猫", "the preview follows every keystroke")
        press(&state, .enter)
        #expect(state.view.editing == nil)
        #expect(state.request.wireJSON.contains("\"prompt\": \"一只猫\""))
    }

    @Test func escapeCancelsAnEditAndRestoresTheValue() {
        var state = makeState()
        state.request["prompt"] = .string("before")
        press(&state, .enter, .ctrl("u"))
        type(&state, "after")
        press(&state, .escape)
        #expect(state.request.prompt == "before")
    }

    @Test func invalidInputIsKeptMarkedAndRefusesTheSend() {
        var state = makeState()
        focus(&state, .width)
        press(&state, .enter, .ctrl("u"))
        type(&state, "76x")
        press(&state, .enter)
        #expect(state.drafts[.width] == Draft(text: "76x", message: "\"76x\" is not a whole number"))
        #expect(state.request["width"] == .int(512), "the request keeps its last good value")
        focus(&state, .prompt)
        let effects = press(&state, .function(5))
        #expect(effects.isEmpty)
        #expect(state.view.focus == .width, "focus moves to the problem")
        #expect(state.status?.text == "Not sent: Width: \"76x\" is not a whole number")
        // Editing again starts from what was typed.
        press(&state, .enter, .backspace)
        type(&state, "8")
        press(&state, .enter)
        #expect(state.drafts[.width] == nil && state.request["width"] == .int(768))
    }

    @Test func slidersStepCoarselyAndTakeTypedNumbers() {
        var state = makeState()
        focus(&state, .steps)
        press(&state, .right)
        #expect(state.request["steps"] == .int(21))
        press(&state, .pageUp)
        #expect(state.request["steps"] == .int(31))
        press(&state, .left, .pageDown)
        #expect(state.request["steps"] == .int(20))
        type(&state, "25")
        press(&state, .enter)
        #expect(state.request["steps"] == .int(25))
        focus(&state, .cfgScale)
        press(&state, .right, .right)
        #expect(state.request["cfg_scale"] == .int(8))
        for _ in 0..<100 { press(&state, .pageUp) }
        #expect(state.request["cfg_scale"] == .int(30), "sliders stop at their maximum")
    }

    @Test func addingAUnitPresetsItFromTheCatalogAndOpensIt() {
        var state = makeState()
        press(&state, .char("a"))
        type(&state, "canny")
        press(&state, .enter)
        let unit = state.request.controlNetUnits?.first
        #expect(unit?.module == "canny")
        #expect(unit?.model == "control_v11p_sd15_canny [d14c016b]")
        #expect(unit?.thresholdA == 100 && unit?.thresholdB == 200)
        #expect(state.view.openUnit == 0)
        #expect(state.view.focus == .unit(0, .controlType))
        // Weight: two steps down from 1.
        focus(&state, .unit(0, .weight))
        press(&state, .left, .left)
        #expect(state.request.controlNetUnits?.first?.weight == 0.9)
        press(&state, .escape)
        #expect(state.view.openUnit == nil && state.view.focus == .unitRow(0))
    }

    /// The catalog's presets choose the model made for the checkpoint's base (issue 16).
    @Test func aNewUnitsModelFitsTheCheckpointsBase() {
        var state = makeState()
        state.request["alwayson_scripts.sd_model_checkpoint"] = .string("juggernautXL_v9.safetensors")
        press(&state, .char("a"))
        type(&state, "canny")
        press(&state, .enter)
        #expect(state.request.controlNetUnits?.first?.model == "diffusers_xl_canny_full [2b69fca4]")
        #expect(state.status?.text == "Added a canny unit: set its control image, then Esc to go back")
        // Switching the type in the unit's form chooses again by the base.
        focus(&state, .unit(0, .controlType))
        press(&state, .enter)
        type(&state, "depth")
        press(&state, .enter)
        #expect(state.request.controlNetUnits?.first?.model == "diffusers_xl_depth_full [2f51180b]")
    }

    @Test func changingTheControlTypeKeepsTheImageAndWeight() {
        var state = makeState()
        state.request.controlNetUnits = [ControlNetUnit(controlType: ControlNetCatalog.controlType(named: "canny")!)]
        state.request.controlNetUnits![0].imageLink = "https://example.com/c.png"
        state.request.controlNetUnits![0].weight = 0.6
        focus(&state, .unit(0, .controlType))
        press(&state, .enter)
        type(&state, "depth")
        press(&state, .enter)
        let unit = state.request.controlNetUnits![0]
        #expect(unit.module == "depth")
        #expect(unit.thresholdA == nil, "depth has no thresholds")
        #expect(unit.imageLink == "https://example.com/c.png" && unit.weight == 0.6)
        #expect(!state.fields.contains { $0.id == .unit(0, .thresholdA) }, "threshold sliders are hidden")
    }

    @Test func guidanceEndNeverGoesBelowStart() {
        var state = makeState()
        state.request.controlNetUnits = [ControlNetUnit(guidanceStart: 0.4, guidanceEnd: 0.5)]
        focus(&state, .unit(0, .guidanceEnd))
        for _ in 0..<20 { press(&state, .left) }
        #expect(state.request.controlNetUnits![0].guidanceEnd == 0.4)
        type(&state, "0.2")
        press(&state, .enter)
        #expect(state.drafts[.unit(0, .guidanceEnd)]?.message == "guidance end must not be below guidance start (0.4)")
        focus(&state, .unit(0, .guidanceStart))
        type(&state, "0.7")
        press(&state, .enter)
        #expect(state.request.controlNetUnits![0].guidanceEnd == 0.7, "moving start past end carries end along")
    }

    @Test func unitListEditing() {
        var state = makeState()
        let canny = ControlNetUnit(controlType: ControlNetCatalog.controlType(named: "canny")!)
        let depth = ControlNetUnit(controlType: ControlNetCatalog.controlType(named: "depth")!)
        state.request.controlNetUnits = [canny, depth]
        focus(&state, .unitRow(0))
        press(&state, .char("d"))
        #expect(state.request.controlNetUnits!.map(\.module) == ["canny", "canny", "depth"])
        press(&state, .char("J"))
        #expect(state.request.controlNetUnits!.map(\.module) == ["canny", "depth", "canny"])
        #expect(state.view.focus == .unitRow(2))
        press(&state, .char(" "))
        #expect(state.request.controlNetUnits![2].enabled == false)
        press(&state, .char("x"))
        #expect(state.request.controlNetUnits!.map(\.module) == ["canny", "depth"])
        press(&state, .char("K"))
        #expect(state.request.controlNetUnits!.map(\.module) == ["depth", "canny"])
    }

    @Test func aRefusedSendOpensTheUnitWithTheProblem() {
        var state = makeState()
        state.request["prompt"] = .string("a cat")
        state.request["alwayson_scripts.sd_model_checkpoint"] = .string("photon_v1_84728.safetensors")
        state.request.controlNetUnits = [ControlNetUnit(imageLink: "https://example.com/c.png", module: "canny", model: "None")]
        let effects = press(&state, .function(5))
        #expect(effects.isEmpty)
        #expect(state.view.openUnit == 0)
        #expect(state.view.focus == .unit(0, .model))
        #expect(state.status?.text == "Not sent: choose a ControlNet model for this unit")
    }

    @Test func aValidSendHandsTheRequestToTheRunnerAndGetsANewID() throws {
        var state = makeState()
        state.request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        state.baselineJSON = state.request.wireJSON
        let sent = state.request
        let effects = press(&state, .ctrl("s"))
        #expect(effects == [.submit(sent)])
        #expect(state.submitting)
        let submission = Submission(
            result: SubmitResult(serviceTaskID: sent.taskID, envelope: Envelope(try JSONParser.parse("{\"code\":\"200\"}"))!),
            exchange: Exchange(endpoint: Endpoint.controlNet.id, requestBody: sent.wireJSON, httpStatus: 200, responseBody: "{}",
                               startedAt: .distantPast, finishedAt: .distantPast))
        let after = Reducer.reduce(&state, .submitFinished(request: sent, recordID: 7, result: .success(submission)))
        // The task reference carries the time it was made (its month picks the query): compared apart.
        guard after.count == 1, case let .track(recordID, task) = after[0] else { Issue.record("no track: \(after)"); return }
        #expect(recordID == 7 && task.endpoint == .controlNet && task.taskID == sent.taskID)
        #expect(state.request.taskID != sent.taskID, "wire rule 8: the next send gets a new id_task")
        #expect(!state.hasUnsentEdits)
        #expect(state.status?.text == "Sent to ControlNet: task_id pro1686666")
    }

    @Test func aFailedSendKeepsEverythingAndSaysWhy() throws {
        var state = makeState()
        state.request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        let before = state.request
        _ = press(&state, .function(5))
        _ = Reducer.reduce(&state, .submitFinished(request: before, recordID: 3, result: .failure(.connectionRefused(host: "127.0.0.1"))))
        var kept = state.request
        #expect(kept.taskID != before.taskID, "wire rule 8: a request that left never sends its id again, whatever the answer")
        kept.taskID = before.taskID
        #expect(kept == before, "everything else is kept")
        #expect(state.status?.kind == .error)
        #expect(state.status?.text == "Send failed: Connection refused by 127.0.0.1: is the service (or sandbox) running? · kept in history (F2, r sends it again)")
    }

    /// A local file missing at send: sending the row again cannot help until
    /// the file is there, so the status line does not offer it; it says where
    /// the file was looked for.
    @Test func aMissingLocalFileIsNotOfferedToBeSentAgain() throws {
        var state = makeState()
        state.request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        let before = state.request
        _ = press(&state, .function(5))
        let missing = UploadFailure("Source face: no such file at /tmp/photos/face-me.png", missingFile: "/tmp/photos/face-me.png")
        _ = Reducer.reduce(&state, .submitFinished(request: before, recordID: 3, result: .failure(.upload(missing))))
        #expect(state.status?.text == "Send failed: Source face: no such file at /tmp/photos/face-me.png (nothing was sent) · kept in history (F2)")
    }

    @Test func taskProgressShowsInTheStatusLineAndTheSeedCanBeReused() throws {
        var state = makeState()
        state.task = TrackedTask(recordID: 1, idTask: "t1", status: nil, desc: "", progress: nil, phase: .inProgress, resultCount: 0)
        let running = TaskInfo(data: try JSONParser.parse("{\"status\":1,\"desc\":\"running\",\"temporaryImageDto\":{\"progress\":0.42}}"))
        _ = Reducer.reduce(&state, .poll(recordID: 1, idTask: "t1", .update(running)))
        #expect(state.status?.text == "Task t1: running 42%")
        let done = TaskInfo(data: try JSONParser.parse("{\"status\":2,\"desc\":\"Success\",\"differentialImageRspList\":[{\"image_url\":\"u\",\"seed\":77}]}"))
        _ = Reducer.reduce(&state, .poll(recordID: 1, idTask: "t1", .update(done)))
        #expect(state.status?.text == "Task t1: Success · 1 image · i image2image · n ControlNet unit", "with what the result can do next")
        focus(&state, .seed)
        press(&state, .char("s"))
        #expect(state.request["seed"] == .int(77))
        press(&state, .char("r"))
        #expect(state.request["seed"] == .int(-1))
    }

    @Test func quittingWithUnsentEditsAsksFirst() {
        var state = makeState()
        #expect(press(&state, .char("q")) == [.quit], "nothing to lose: quits at once")
        state = makeState()
        state.request["prompt"] = .string("unsent")
        #expect(press(&state, .char("q")).isEmpty)
        #expect(state.view.overlay == .confirm(.quit))
        press(&state, .char("n"))
        #expect(state.view.overlay == nil && !state.quitting)
        press(&state, .function(10))
        #expect(press(&state, .char("y")) == [.quit])
    }

    @Test func freeTextPickersTakeWhatWasTyped() {
        var state = makeState()
        state.request.controlNetUnits = [ControlNetUnit()]
        focus(&state, .unit(0, .module))
        press(&state, .enter)
        type(&state, "inpaint_global_harmonious")
        press(&state, .enter)
        #expect(state.request.controlNetUnits![0].module == "inpaint_global_harmonious")
        focus(&state, .unit(0, .model))
        press(&state, .enter)
        type(&state, "control_v1p_sd15_brightness")
        press(&state, .tab)
        #expect(state.request.controlNetUnits![0].model == "control_v1p_sd15_brightness")
    }

    @Test func overrideSettingsMustBeJSON() {
        var state = makeState()
        focus(&state, .overrideSettings)
        press(&state, .enter)
        type(&state, "{\"CLIP_stop_at_last_layers\": 2")
        press(&state, .enter)
        #expect(state.drafts[.overrideSettings]?.message.hasPrefix("not valid JSON") == true)
        press(&state, .enter)
        type(&state, "}")
        press(&state, .enter)
        #expect(state.request["alwayson_scripts.override_settings"] == .object([(key: "CLIP_stop_at_last_layers", value: .int(2))]))
    }

    @Test func everyCommandHasAKeyThatIsNotOnlyAControlCharacter() {
        let fragile: Set<Key> = [.ctrl("h"), .ctrl("i"), .ctrl("m"), .ctrl("[")]
        for command in Command.allCases {
            let keys = KeyTable.shipped.keys(for: command)
            #expect(!keys.isEmpty, "\(command) has a key")
            #expect(keys.contains { !fragile.contains($0) }, "\(command) has a key besides Ctrl-H/I/M/[")
        }
    }

    @Test func theDocsKeyTableIsTheGeneratedOne() throws {
        let keys = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/keys.md")
        let text = try String(contentsOf: keys, encoding: .utf8)
        #expect(text == KeyBindings.markdown + "\n", "docs/keys.md is out of date: run zqt keys > docs/keys.md")
    }
}

import Foundation
