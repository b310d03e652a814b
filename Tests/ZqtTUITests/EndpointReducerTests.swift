import Foundation
@testable import Model
import Testing
@testable import ZqtTUI

/// The endpoint catalog on the screen (issue 7): the switcher, a form kept
/// per endpoint, the keys that act on a field by its role, and results
/// moved on from the history into another form.
@Suite struct EndpointReducerTests {
    static let flux = EndpointCatalog.shipped.endpoint(named: "flux")!
    static let expand = EndpointCatalog.shipped.endpoint(id: "tool/prompts/expand")!

    /// F7 (or Ctrl-E), a filter, Enter: as a user switches.
    static func switchTo(_ state: inout AppState, _ filter: String, key: Key = .function(7)) {
        press(&state, key)
        type(&state, filter)
        press(&state, .enter)
    }

    @Test func theSwitcherListsTheReadyEndpointsByGroupWithTheCurrentOneSelected() {
        var state = makeState()
        press(&state, .function(7))
        guard case let .picker(picker)? = state.view.overlay else { Issue.record("no picker"); return }
        #expect(picker.purpose == .endpoint)
        #expect(picker.options == [
            "AI image generation · text2image", "AI image generation · image2image", "AI image generation · ControlNet",
            "train model · Training",
            "image tool · Flux text2image", "image tool · Face swap V1", "image tool · Face swap V2", "image tool · instantID",
            "image tool · Image description", "image tool · Multiple face swap", "image tool · Face detection",
            "image tool · Prompt expansion", "image tool · Hairstyle changer", "image tool · Style recognition",
            "image tool · Outpainting", "image tool · CNT preview",
            "custom · Custom request: any path, a JSON body",
        ], "every documented endpoint, in the reference's groups and order (§1, §3, §4), and the custom request last")
        #expect(picker.options[picker.selected] == "AI image generation · ControlNet")
        press(&state, .escape)
        #expect(state.view.overlay == nil && state.endpoint == .controlNet, "Esc keeps the form")
        Self.switchTo(&state, "expansion", key: .ctrl("e"))
        #expect(state.endpoint == Self.expand)
        #expect(state.request.taskID.hasPrefix("zqt-") && state.request["businessTaskId"] != nil)
        #expect(state.view.focus == FieldID("mode"), "the new form's first field has the focus")
    }

    @Test func switchingEndpointsKeepsEachFormAsItWas() throws {
        var state = makeState()
        // A ControlNet form with edits, a unit, and text a field could not use.
        state.request["prompt"] = .string("a cat, ControlNet")
        press(&state, .char("a"))
        type(&state, "canny")
        press(&state, .enter)
        focus(&state, .unit(0, .weight))
        type(&state, "0.6")
        press(&state, .enter)
        focus(&state, .width)
        type(&state, "77x")
        press(&state, .enter)
        let controlNetRequest = state.request
        let controlNetDrafts = state.drafts
        #expect(controlNetDrafts[.width]?.text == "77x")

        Self.switchTo(&state, "flux")
        #expect(state.endpoint == Self.flux)
        #expect(state.request.prompt == "", "a fresh Flux form")
        #expect(state.drafts.isEmpty, "the ControlNet draft stays with its form")
        #expect(state.view.openUnit == nil)
        #expect(state.otherForms[Endpoint.controlNet.id]?.request == controlNetRequest)
        #expect(state.otherForms[Endpoint.controlNet.id]?.drafts == controlNetDrafts)
        #expect(state.otherForms[Endpoint.controlNet.id]?.hasUnsentEdits == true, "its edits still count as not sent (quit asks)")
        focus(&state, .prompt)
        press(&state, .enter)
        type(&state, "a cat, Flux")
        press(&state, .enter)
        let fluxRequest = state.request

        Self.switchTo(&state, "controlnet")
        #expect(state.endpoint == .controlNet)
        #expect(state.request == controlNetRequest, "the ControlNet form is back as it was")
        #expect(state.request.controlNetUnits?.first?.weight == 0.6)
        #expect(state.drafts == controlNetDrafts, "with its typed text still marked")
        #expect(state.otherForms[Self.flux.id]?.request == fluxRequest)

        Self.switchTo(&state, "flux")
        #expect(state.request == fluxRequest, "and the Flux form too")
        #expect(state.request.taskID == fluxRequest.taskID, "a kept form keeps its task id until it is sent")
    }

    @Test func switchingToTheEndpointOnScreenChangesNothing() {
        var state = makeState()
        state.request["prompt"] = .string("unsent")
        let before = state.request
        Self.switchTo(&state, "controlnet")
        #expect(state.request == before && state.otherForms.isEmpty)
    }

    @Test func fromTheHistoryTheSwitcherGoesToTheForm() {
        var state = historyState([summary(5, "a cat")])
        Self.switchTo(&state, "flux")
        #expect(state.screen == .compose && state.endpoint == Self.flux)
    }

    @Test func theSeedKeysActOnTheSeedFieldByItsRole() throws {
        for endpoint in [Endpoint.text2Image, .image2Image, .controlNet] {
            var state = makeState()
            Reducer.switchEndpoint(&state, to: endpoint)
            let seed = try #require(endpoint.field(role: .seed))
            state.lastResultSeed = 4242
            focus(&state, FieldID(seed.path))
            #expect(state.scopes.contains(.seed), "\(endpoint): the seed keys work on \(seed.path)")
            press(&state, .char("s"))
            #expect(state.request[seed.path] == .int(4242), "\(endpoint): s reuses the last result's seed")
            #expect(state.status?.text == "Seed set to the last result's 4242")
            press(&state, .char("r"))
            #expect(state.request[seed.path] == .int(-1), "\(endpoint): r makes it random")
            // Elsewhere in the form the letters are no seed keys.
            focus(&state, FieldID("steps"))
            #expect(!state.scopes.contains(.seed))
            state.lastResultSeed = 7
            press(&state, .char("s"))
            #expect(state.request[seed.path] == .int(-1))
        }
    }

    @Test func aFormWithoutASeedIgnoresTheSeedCommands() {
        var state = makeState()
        Reducer.switchEndpoint(&state, to: Self.flux)
        state.lastResultSeed = 9
        let before = state.request
        for field in state.fields {
            var focused = state
            focus(&focused, field.id)
            #expect(!focused.scopes.contains(.seed), "\(field.id) takes no seed keys")
        }
        _ = Reducer.run(&state, .randomSeed)
        _ = Reducer.run(&state, .reuseSeed)
        #expect(state.request == before, "Flux has no seed field: nothing is written")
        #expect(state.request.wireValue["seed"] == nil)
    }

    @Test(arguments: ["flux", "expansion"])
    func gRegeneratesTheTaskIDOfAToolForm(filter: String) {
        var state = makeState()
        Self.switchTo(&state, filter)
        #expect(state.endpoint.taskIDPath == "businessTaskId")
        let before = state.request.taskID
        focus(&state, FieldID("businessTaskId"))
        #expect(state.scopes.contains(.idTask), "businessTaskId has the task id role")
        press(&state, .char("g"))
        let after = state.request.taskID
        #expect(after != before && after.hasPrefix("zqt-"))
        #expect(state.request["businessTaskId"] == .string(after))
        #expect(state.request.wireValue["alwayson_scripts"] == nil, "no SD id_task is written on a tool form")
    }

    @Test func gRegeneratesTheIDTaskOfAnSDForm() {
        var state = makeState()
        focus(&state, .idTask)
        press(&state, .char("g"))
        #expect(state.request.taskID != "zqt-20261124-120000-000-test")
        #expect(state.request["alwayson_scripts.id_task"] == .string(state.request.taskID))
    }

    @Test func aToolSendIsTrackedAtItsOwnEndpoint() throws {
        var state = makeState()
        Reducer.switchEndpoint(&state, to: Self.flux)
        state.request["prompt"] = .string("a cat")
        let sent = state.request
        let effects = press(&state, .function(5))
        #expect(effects == [.submit(sent)])
        #expect(state.request.taskID != sent.taskID, "wire rule 8: the id is spent once the request leaves")
        let submission = Submission(
            result: SubmitResult(serviceTaskID: "1001", envelope: Envelope(try JSONParser.parse("{\"code\":\"200\"}"))!),
            exchange: Exchange(endpoint: Self.flux.id, requestBody: sent.wireJSON, httpStatus: 200, responseBody: "{}",
                               startedAt: .distantPast, finishedAt: .distantPast))
        let after = Reducer.reduce(&state, .submitFinished(request: sent, recordID: 3, result: .success(submission)))
        guard after.count == 1, case let .track(recordID, task) = after[0] else { Issue.record("no track: \(after)"); return }
        #expect(recordID == 3 && task.endpoint == Self.flux && task.taskID == sent.taskID)
        #expect(state.status?.text == "Sent to Flux text2image: task_id 1001")
        #expect(state.request.taskID != sent.taskID, "wire rule 8: a new businessTaskId for the next send")
    }

    @Test func aTextResultShowsInTheStatusLine() throws {
        var state = makeState()
        Reducer.switchEndpoint(&state, to: Self.expand)
        state.task = TrackedTask(recordID: 2, idTask: "t2", status: nil, desc: "", progress: nil, phase: .inProgress, resultCount: 0)
        let done = TaskInfo(data: try JSONParser.parse("{\"status\": 0, \"desc\": \"success\", \"prompts\": [\"a cat, masterpiece\"]}"),
                            family: Self.expand.family)
        _ = Reducer.reduce(&state, .poll(recordID: 2, idTask: "t2", .update(done)))
        #expect(state.status?.text == "Task t2: success · p uses it as the prompt · a cat, masterpiece")
        // p, right there on the compose screen, reads the row and moves the text on.
        #expect(press(&state, .char("p")) == [.loadEntries([2], .useTextAsPrompt)])
    }

    // MARK: Results moved on from the history

    /// A finished submission of `request` with one result.
    static func finished(_ id: Int, _ request: Request, result: StoredResult) -> HistoryRecord {
        HistoryRecord(id: id, endpoint: request.endpoint, baseURL: "http://127.0.0.1:8931", profile: "sandbox",
                      createdAt: Date(timeIntervalSince1970: 1_795_000_000), idTask: request.taskID, serviceTaskID: request.taskID,
                      requestJSON: request.wireJSON, state: .succeeded, results: [result])
    }

    static func text2ImageResult() -> HistoryRecord {
        var request = Request.new(for: .text2Image, taskID: "zqt-t2i-1")
        request["prompt"] = .string("a red bicycle in the snow")
        request["alwayson_scripts.sd_model_checkpoint"] = .string("photon_v1.safetensors")
        request["steps"] = .int(28)
        return finished(21, request, result: StoredResult(position: 0, imageURL: "https://oss.example.com/21/0.png", seed: 99,
                                                          imageStatus: 1, auditPassed: true, auditLabels: []))
    }

    @Test func iOpensTheResultImageInImage2ImageWithTheSettingsCarriedOver() {
        var state = historyState([summary(21, "a red bicycle in the snow")])
        #expect(press(&state, .char("i")) == [.loadEntries([21], .toImage2Image)])
        _ = Reducer.reduce(&state, .entriesLoaded([Self.text2ImageResult()], .toImage2Image))
        #expect(state.screen == .compose && state.endpoint == .image2Image)
        #expect(state.request["alwayson_scripts.image_link"] == .string("https://oss.example.com/21/0.png"))
        #expect(state.request.prompt == "a red bicycle in the snow")
        #expect(state.request.checkpoint == "photon_v1.safetensors" && state.request["steps"] == .int(28))
        #expect(state.request.taskID != "zqt-t2i-1", "wire rule 8")
        #expect(state.problems.isEmpty, "ready to send")
        #expect(state.otherForms[Endpoint.controlNet.id] != nil, "the form it replaced is kept")
    }

    @Test func nAddsTheResultImageAsAUnitOfTheControlNetFormLosingNothing() {
        var state = historyState([summary(21, "a red bicycle in the snow")])
        state.request["prompt"] = .string("my ControlNet prompt")
        #expect(press(&state, .char("n")) == [.loadEntries([21], .toControlNetUnit)])
        _ = Reducer.reduce(&state, .entriesLoaded([Self.text2ImageResult()], .toControlNetUnit))
        #expect(state.endpoint == .controlNet)
        #expect(state.request.controlNetUnits?.count == 1)
        #expect(state.request.controlNetUnits?.last?.imageLink == "https://oss.example.com/21/0.png")
        #expect(state.view.openUnit == 0, "the new unit is open to pick its control type")
        #expect(state.request.prompt == "my ControlNet prompt", "the ControlNet form keeps what it held")
    }

    @Test func nWithoutAControlNetFormStartsOneCarryingTheSettings() {
        var state = historyState([summary(21, "a red bicycle in the snow")])
        Reducer.switchEndpoint(&state, to: Self.flux)
        state.otherForms[Endpoint.controlNet.id] = nil  // as if ControlNet was never opened
        state.screen = .history
        _ = Reducer.reduce(&state, .entriesLoaded([Self.text2ImageResult()], .toControlNetUnit))
        #expect(state.endpoint == .controlNet)
        #expect(state.request.prompt == "a red bicycle in the snow", "carried over where the wire names match")
        #expect(state.request.controlNetUnits?.count == 1)
    }

    @Test func nChoosesTheUnitsModelByTheCheckpointsBase() {
        var state = historyState([summary(21, "a red bicycle in the snow")])
        state.request["alwayson_scripts.sd_model_checkpoint"] = .string("sd_xl_base_1.0.safetensors")
        _ = Reducer.reduce(&state, .entriesLoaded([Self.text2ImageResult()], .toControlNetUnit))
        #expect(state.request.controlNetUnits?.last?.model == "diffusers_xl_canny_full [2b69fca4]", "SDXL checkpoint: the XL canny model")
    }

    @Test func iAsksBeforeReplacingAnImage2ImageFormWithUnsentEdits() {
        var state = makeState()
        Reducer.switchEndpoint(&state, to: .image2Image)
        state.request["prompt"] = .string("my own img2img prompt")
        Reducer.switchEndpoint(&state, to: .controlNet)
        state.screen = .history
        _ = Reducer.reduce(&state, .entriesLoaded([Self.text2ImageResult()], .toImage2Image))
        #expect(state.view.overlay == .confirm(.replaceForm(Self.text2ImageResult(), .toImage2Image, .image2Image)))
        press(&state, .char("n"))
        #expect(state.endpoint == .controlNet, "no: nothing replaced")
        #expect(state.otherForms[Endpoint.image2Image.id]?.request.prompt == "my own img2img prompt")
        _ = Reducer.reduce(&state, .entriesLoaded([Self.text2ImageResult()], .toImage2Image))
        press(&state, .char("y"))
        #expect(state.endpoint == .image2Image && state.request.prompt == "a red bicycle in the snow")
    }

    @Test func pUsesTheTextResultAsThePromptOfText2Image() {
        var request = Request.new(for: Self.expand, taskID: "zqt-expand-1")
        request["sourcePrompt"] = .string("a cat")
        let record = Self.finished(22, request, result: StoredResult(position: 0, imageURL: "", seed: nil, imageStatus: nil,
                                                                     auditPassed: nil, auditLabels: [], text: "masterpiece, a cat, UHD"))
        var state = makeState()
        Reducer.switchEndpoint(&state, to: Self.expand)  // the form it was sent from: the text moves on to text2image
        press(&state, .function(2))
        _ = Reducer.reduce(&state, .historyLoaded(HistoryPage(filter: "", rows: [summary(22, "a cat")], matchCount: 1,
                                                              countCapped: false, hasMore: false, appending: false)))
        #expect(press(&state, .char("p")) == [.loadEntries([22], .useTextAsPrompt)])
        _ = Reducer.reduce(&state, .entriesLoaded([record], .useTextAsPrompt))
        #expect(state.screen == .compose && state.endpoint == .text2Image)
        #expect(state.request.prompt == "masterpiece, a cat, UHD")
        // An image result has no text to use, and a text result no image.
        _ = Reducer.reduce(&state, .entriesLoaded([Self.text2ImageResult()], .useTextAsPrompt))
        #expect(state.status?.text == "zqt-t2i-1 has no text result (succeeded)")
        _ = Reducer.reduce(&state, .entriesLoaded([record], .toImage2Image))
        #expect(state.status?.text == "zqt-expand-1 has no result image (succeeded)")
        #expect(state.endpoint == .text2Image)
    }

    @Test func onTheComposeScreenINAndPMoveTheLastFinishedResultOn() {
        var state = makeState()
        #expect(press(&state, .char("i")).isEmpty, "no result yet")
        state.task = TrackedTask(recordID: 4, idTask: "t4", status: 2, desc: "Success", progress: nil, phase: .inProgress, resultCount: 0)
        #expect(press(&state, .char("i")).isEmpty, "still running")
        state.task?.phase = .succeeded
        #expect(press(&state, .char("i")) == [.loadEntries([4], .toImage2Image)])
        #expect(press(&state, .char("n")) == [.loadEntries([4], .toControlNetUnit)])
        #expect(press(&state, .char("p")) == [.loadEntries([4], .useTextAsPrompt)])
        // While a text is being edited the letters are text.
        focus(&state, .prompt)
        press(&state, .enter)
        #expect(press(&state, .char("i")).isEmpty)
        #expect(state.view.editing?.buffer.text == "i")
    }

    @Test func pPutsTheTextIntoTheFormOnScreenWhenItHasAPrompt() {
        var request = Request.new(for: Self.expand, taskID: "zqt-expand-2")
        request["sourcePrompt"] = .string("a dog")
        let record = Self.finished(23, request, result: StoredResult(position: 0, imageURL: "", seed: nil, imageStatus: nil,
                                                                     auditPassed: nil, auditLabels: [], text: "masterpiece, a dog"))
        var state = historyState([summary(23, "a dog")])
        _ = Reducer.reduce(&state, .entriesLoaded([record], .useTextAsPrompt))
        #expect(state.endpoint == .controlNet, "ControlNet was on screen and has a prompt")
        #expect(state.request.prompt == "masterpiece, a dog")
    }

    @Test func eReopensEachRowInItsOwnEndpointsForm() throws {
        for endpoint in EndpointCatalog.shipped.endpoints where endpoint.ready {
            var request = Request.new(for: endpoint, taskID: "zqt-old-\(endpoint.shortName)")
            // The prompt, or on a tool without one the first field that takes text (a face swap's source image).
            let marked = try #require(endpoint.field(role: .prompt) ?? endpoint.formFields.first { field in
                guard field.role != .taskID else { return false }
                switch field.kind {
                case .text, .multilineText, .url: return true
                default: return false
                }
            }, "\(endpoint.title) has a field to mark")
            request[marked.path] = .string("from \(endpoint.title)")
            let record = Self.finished(30, request, result: StoredResult(position: 0, imageURL: "https://oss.example.com/0.png", seed: nil,
                                                                         imageStatus: 1, auditPassed: true, auditLabels: []))
            var state = historyState([summary(30, "x")])
            // On a profile of the row's kind (issue 20: across kinds the screen switches first, A1111RowKindTests).
            state.connection.server = endpoint.server
            _ = Reducer.reduce(&state, .entriesLoaded([record], .editInForm))
            #expect(state.screen == .compose && state.endpoint == endpoint, "\(endpoint)")
            #expect(state.request[marked.path] == .string("from \(endpoint.title)"), "\(endpoint.title): \(marked.path) carried back")
            #expect(state.request.taskID != "zqt-old-\(endpoint.shortName)", "wire rule 8")
            #expect(Screen.render(state).line(0).hasPrefix(" zqt · \(endpoint.title) → "))
        }
    }
}

/// Wire rule 8 across forms: a task id that left is never sent again.
@Suite struct SpentTaskIDTests {
    @Test func aFormKeptAsideWhileItsRequestIsSentGetsANewID() throws {
        var state = makeState()
        state.request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        let sent = state.request
        _ = Reducer.reduce(&state, .key(.function(5)))
        // While the answer is on its way, the user looks at another form and comes back.
        Reducer.switchEndpoint(&state, to: .text2Image)
        Reducer.switchEndpoint(&state, to: .controlNet)
        #expect(state.request.taskID != sent.taskID)
        _ = Reducer.reduce(&state, .submitFinished(request: sent, recordID: 1, result: .failure(.timedOut(seconds: 1))))
        #expect(state.request.taskID != sent.taskID, "a timeout may still have been accepted: the id is spent")
    }

    @Test func cancellingAnEditAfterASendDoesNotBringTheSentIDBack() throws {
        var state = makeState()
        state.request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        state.view.focus = FieldID("prompt")
        _ = Reducer.reduce(&state, .key(.enter))  // editing the prompt
        let sent = state.request
        _ = Reducer.reduce(&state, .key(.function(5)))  // F5 from the edit sends
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .key(.char("x")))
        _ = Reducer.reduce(&state, .key(.escape))  // cancel restores the form as before this edit
        #expect(state.request.taskID != sent.taskID)
    }
}

/// Issue 8: a send with no answer, once the service was asked about it.
@Suite struct UnansweredSendReducerTests {
    static func sentState() throws -> (AppState, Request) {
        var state = makeState()
        state.request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        let sent = state.request
        _ = Reducer.reduce(&state, .key(.function(5)))
        return (state, sent)
    }

    @Test func theServiceHasItSoItIsFollowed() throws {
        var (state, sent) = try Self.sentState()
        let running = TaskInfo(data: try JSONParser.parse(#"{"status": 1, "desc": "running"}"#))
        let effects = Reducer.reduce(&state, .submitUnanswered(request: sent, recordID: 4, error: .timedOut(seconds: 1),
                                                              confirmation: .accepted(running)))
        guard case let .track(recordID, task)? = effects.first else { Issue.record("not followed: \(effects)"); return }
        #expect(recordID == 4 && task.taskID == sent.taskID)
        #expect(state.status?.text == "No answer to the send (No answer within 1 s (timed out)), but the service has \(sent.taskID): following it")
        #expect(!state.submitting && state.task?.idTask == sent.taskID)
    }

    @Test func theServiceHasNotSoTheSendFailedAndCanBeSentAgain() throws {
        var (state, sent) = try Self.sentState()
        _ = Reducer.reduce(&state, .submitUnanswered(request: sent, recordID: 4, error: .connectionLost,
                                                    confirmation: .notAccepted(.api(code: "404", message: "no task"))))
        #expect(state.status?.kind == .error)
        #expect(state.status?.text.contains("the service has no task \(sent.taskID)") == true)
        #expect(state.request.taskID != sent.taskID, "the next send has a new id: no 409")
    }

    @Test func notKnownYetSaysHowToAskAgain() throws {
        var (state, sent) = try Self.sentState()
        _ = Reducer.reduce(&state, .submitUnanswered(request: sent, recordID: 4, error: .timedOut(seconds: 1),
                                                    confirmation: .stillUnknown(.timedOut(seconds: 1))))
        #expect(state.status?.text.hasSuffix("zqt asks again at start, u in the history asks now") == true, "\(state.status?.text ?? "")")
    }
}
