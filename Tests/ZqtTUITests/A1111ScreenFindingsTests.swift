// Issue 20's screen findings, from the side of a newcomer who used A1111
// profiles from the README and docs alone: a unit's model follows its
// preprocessor (one rule for both kinds of server), an A1111 row's entry in
// A1111's terms, the profile switcher's kinds, an error longer than the
// status line shown whole, a failed row's 0 images, the results pane emptied
// by a move between kinds, the move's list without zqt's own flags, `L`'s
// endpoint said as a choice, and a batch's grid said to be left out.

import Foundation
import TestScratch
@testable import Model
import Sandbox
import Testing
@testable import ZqtTUI

@Suite struct A1111ScreenFindingsTests {
    static let fetched = Date(timeIntervalSince1970: 1_795_000_000)
    /// The A1111 sandbox's ControlNet models (its /controlnet/model_list), a server's own names.
    static let serverModels = [
        "control_v11p_sd15_canny [d14c016b]", "control_v11f1p_sd15_depth [cfd03158]", "control_v11p_sd15_openpose [cab727d4]",
        "control_v11p_sd15_lineart [43d4be0d]", "diffusers_xl_canny_mid [112a778d]", "ip-adapter_sd15 [6a3f6166]",
    ]

    static func lines(_ state: AppState) -> [String] {
        let grid = Screen.render(state)
        return (0..<state.view.size.height).map(grid.line)
    }

    /// An A1111 profile's txt2img form, the server's ControlNet model list read.
    static func a1111Form(models: [String] = serverModels, width: Int = 120, height: Int = 40) -> AppState {
        var state = A1111PickerTests.a1111State()
        state.view.size = Size(width: width, height: height)
        _ = Reducer.reduce(&state, .modelListRead(.controlNetModel, path: "controlnet/model_list",
                                                  .success(A1111PickerTests.list(.controlNetModel, models))))
        return state
    }

    static func unitField(_ state: AppState, _ index: Int, _ key: String) -> FieldID {
        .item(state.endpoint.groupFields[0].path, index, key)
    }

    static func unit(_ state: AppState, _ index: Int = 0) -> JSONValue? {
        state.request.items(of: state.endpoint.groupFields[0])[safe: index]
    }

    /// Adds a unit of a control type with `a`, as a user does.
    static func addUnit(_ state: inout AppState, _ type: String) {
        press(&state, .char("a"))
        ZqtTUITests.type(&state, type)
        press(&state, .enter)
    }

    /// Chooses a unit's preprocessor in its picker, as a user does.
    static func chooseModule(_ state: inout AppState, _ module: String, unit index: Int = 0) {
        focus(&state, unitField(state, index, "module"))
        press(&state, .enter)
        ZqtTUITests.type(&state, module)
        press(&state, .enter)
    }

    // MARK: 1. A unit's model follows its preprocessor

    @Test func anA1111UnitsModelFollowsItsPreprocessorFromTheServersOwnList() throws {
        var state = Self.a1111Form()
        Self.addUnit(&state, "canny")
        #expect(Self.unit(state)?["model"]?.stringValue == "control_v11p_sd15_canny [d14c016b]")
        Self.chooseModule(&state, "depth_leres")
        let unit = try #require(Self.unit(state))
        #expect(unit["module"]?.stringValue == "depth_leres")
        #expect(unit["model"]?.stringValue == "control_v11f1p_sd15_depth [cfd03158]", "the server's depth model, not the canny one")
        let status = state.status?.text ?? ""
        #expect(status == "Unit 1: preprocessor depth_leres takes model control_v11f1p_sd15_depth [cfd03158], from the server's list "
                + "(was control_v11p_sd15_canny [d14c016b]; choose it again in Model to keep it)", "\(status)")
        // What is sent says it too.
        #expect(state.request.wireJSON.contains("\"model\": \"control_v11f1p_sd15_depth [cfd03158]\""))
        // A preprocessor the model still fits (invert is canny's too, and lineart's) keeps it.
        Self.chooseModule(&state, "canny")
        #expect(Self.unit(state)?["model"]?.stringValue == "control_v11p_sd15_canny [d14c016b]")
        state.status = nil
        Self.chooseModule(&state, "invert")
        #expect(Self.unit(state)?["model"]?.stringValue == "control_v11p_sd15_canny [d14c016b]")
        #expect(state.status == nil, "nothing changed, nothing said")
    }

    @Test func aServerWithNoModelForThePreprocessorKeepsTheModelAndSaysSo() {
        var state = Self.a1111Form(models: ["control_v11p_sd15_canny [d14c016b]"])
        Self.addUnit(&state, "canny")
        Self.chooseModule(&state, "openpose_full")
        #expect(Self.unit(state)?["model"]?.stringValue == "control_v11p_sd15_canny [d14c016b]")
        #expect(state.status?.text == "Unit 1: the server's model list has no model for preprocessor openpose_full; "
                + "control_v11p_sd15_canny [d14c016b] kept, which is made for another")
    }

    /// One rule for both kinds: a zhiqite unit takes the catalog's model for the new preprocessor, made for the checkpoint's base.
    @Test func aZhiqiteUnitsModelFollowsItsPreprocessorAndTheCheckpointsBase() {
        var state = makeState()
        state.request["alwayson_scripts.sd_model_checkpoint"] = .string("juggernautXL_v9.safetensors")
        Self.addUnit(&state, "canny")
        #expect(Self.unit(state)?["model"]?.stringValue == "diffusers_xl_canny_full [2b69fca4]")
        Self.chooseModule(&state, "depth_zoe")
        #expect(Self.unit(state)?["model"]?.stringValue == "diffusers_xl_depth_full [2f51180b]")
        #expect(state.status?.text.hasPrefix("Unit 1: preprocessor depth_zoe takes model diffusers_xl_depth_full [2f51180b], from the catalog") == true)
        // "none" (a map made elsewhere) and a module that needs no model change nothing.
        Self.chooseModule(&state, "none")
        #expect(Self.unit(state)?["model"]?.stringValue == "diffusers_xl_depth_full [2f51180b]")
        Self.chooseModule(&state, "reference_only")
        #expect(Self.unit(state)?["model"]?.stringValue == "diffusers_xl_depth_full [2f51180b]")
    }

    @Test func aServersModuleTheCatalogDoesNotListFollowsByItsName() {
        let group = EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")!.groupFields[0].groupSpec!
        let item = JSONValue.object([("module", .string("lineart_realistic")), ("model", .string("control_v11p_sd15_canny [d14c016b]"))])
        let (moved, follow) = group.followingModule(item, family: .unknown, offered: Self.serverModels)
        #expect(follow == .chosen(model: "control_v11p_sd15_lineart [43d4be0d]", was: "control_v11p_sd15_canny [d14c016b]"))
        #expect(moved["model"]?.stringValue == "control_v11p_sd15_lineart [43d4be0d]")
    }

    // MARK: 2. An A1111 row's history entry

    static func a1111Record(state: SubmissionState = .succeeded, gridFirst: Bool = true) -> HistoryRecord {
        let endpoint = EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")!
        var request = Request.new(for: endpoint, taskID: "zqt-a1111-row")
        request["prompt"] = .string("a lighthouse")
        request["batch_size"] = .int(2)
        let info = "{\"all_seeds\": [77, 78], \"subseed\": 5, \"subseed_strength\": 0, \"index_of_first_image\": \(gridFirst ? 1 : 0), \"infotexts\": [\"g\", \"a\", \"b\"]}"
        let answer = JSONWriter.compact(.object([("images", .array([.string("a1111-inline:zqt-a1111-row/0"), .string("a1111-inline:zqt-a1111-row/1"),
                                                                   .string("a1111-inline:zqt-a1111-row/2")])),
                                                 ("info", .string(info)), ("status", .int(2))]))
        let results = [0, 1].map { index in
            StoredResult(position: index, imageURL: "a1111-inline:zqt-a1111-row/\(index + 1)", seed: 77 + index, imageStatus: nil,
                         auditPassed: nil, auditLabels: [], localPath: "/home/me/.local/share/zqt/images/zqt-a1111-row/\(index + 1).png")
        }
        return HistoryRecord(id: 9, endpoint: endpoint, baseURL: "http://127.0.0.1:7860", profile: "gpu",
                             createdAt: fetched, idTask: "zqt-a1111-row", serviceTaskID: nil,
                             requestJSON: request.wireJSON, state: state, httpStatus: 200, responseJSON: answer,
                             taskStatus: 2, taskDesc: "done: 2 pictures", progress: nil, lastQueryJSON: nil, error: nil,
                             submittedAt: fetched, finishedAt: fetched.addingTimeInterval(4), results: results)
    }

    @Test func anA1111RowsEntrySpeaksA1111sTerms() {
        let text = HistoryEntryView.detailLines(Self.a1111Record(), width: 110).map { $0.spans.map(\.text).joined() }
        let joined = text.joined(separator: "\n")
        #expect(text.contains { $0.hasPrefix("Endpoint      txt2img (A1111) → http://127.0.0.1:7860 (profile gpu)") }, "\(joined)")
        #expect(text.contains("State         succeeded · done: 2 pictures"), "\(joined)")
        #expect(!joined.contains("status 2") && !joined.contains("signed links"), "\(joined)")
        #expect(text.contains("Seeds         77, 78"), "\(joined)")
        #expect(text.contains { $0.hasPrefix("The server sent the pictures inline; zqt keeps them in /home/me/.local/share/zqt/images/zqt-a1111-row") }, "\(joined)")
        #expect(text.joined().contains(Wording.gridLeftOut), "\(joined)")
        // A zhiqite row is as it was.
        let service = HistoryEntryView.detailLines(record(3, prompt: "a cat"), width: 110).map { $0.spans.map(\.text).joined() }.joined(separator: "\n")
        #expect(service.contains("status 2") && service.contains("signed links") && !service.contains("Seeds"))
    }

    // MARK: 3. The profile switcher marks each profile's kind

    @Test func theProfileSwitcherShowsEachProfilesKind() {
        var state = makeState(width: 80, height: 24)
        state.connection.profiles = ["work", "gpu"]
        state.connection.profileServers = ["work": .zhiqite, "gpu": .a1111]
        state.connection.profileDetails = ["work": "https://api.zhiqite.com · key AKID…", "gpu": "http://127.0.0.1:7860"]
        press(&state, .char("P"))
        let rows = Self.lines(state)
        #expect(rows.contains { $0.contains("work") && $0.contains("zhiqite · https://api.zhiqite.com") }, "\(rows.joined(separator: "\n"))")
        #expect(rows.contains { $0.contains("gpu") && $0.contains("A1111 · http://127.0.0.1:7860") }, "\(rows.joined(separator: "\n"))")
    }

    // MARK: 4. An error longer than the status line; a failed row's images

    @Test func anErrorLongerThanTheStatusLineIsShownWhole() {
        for (width, height) in [(80, 24), (120, 40)] {
            var state = makeState(width: width, height: height)
            let path = "/tmp/some-folder-that-does-not-exist/and/a/long/name/for/the/picture/photo.png"
            let text = "Not sent: init_images[0]: Input images: no file at \(path) (Tab completes a path; e edits the form)"
            state.status = StatusMessage(text: text, kind: .error)
            let rows = Self.lines(state)
            let statusRow = height - 2
            // The rows above the status line, read together, hold every word of it.
            let shown = rows[(statusRow - 4)...statusRow].map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            #expect(shown.replacingOccurrences(of: " ", with: "").contains(text.replacingOccurrences(of: " ", with: "")),
                    "\(width)×\(height):\n\(rows.joined(separator: "\n"))")
            #expect(!rows[statusRow].contains("…"), "not cut")
            #expect(rows[height - 1].contains("quit"), "the footer stays")
        }
    }

    @Test func aFailedRowCountsNoImages() {
        let state = historyState([summary(1, "a cat", state: .failed, results: 0), summary(2, "a dog", state: .running, results: 0)])
        let rows = Self.lines(state)
        let failed = rows.first { $0.contains("a cat") } ?? ""
        let running = rows.first { $0.contains("a dog") } ?? ""
        #expect(failed.contains("    0 "), "\(failed)")
        #expect(running.contains("    1 "), "a row under way shows the images it asks for: \(running)")
    }

    // MARK: 5 and 6. A move between kinds: the results pane, the list of what did not move

    @Test func aMoveBetweenKindsEmptiesTheResultsPaneAndUndoBringsItBack() async throws {
        let scratch = Scratch()
        var state = Self.a1111Form()
        state.request["prompt"] = .string("a lighthouse")
        state.results = PictureSet(idTask: "zqt-old-row", recordID: 4, pictures: [ShownPicture(position: 0, seed: 77)])
        #expect(Self.lines(state).contains { $0.contains("Results · 1 image") })
        let plan = try KindMove.plan(state.request, in: .shipped)
        let home = scratch.path("zqt-a1111screen")
        let outcome = await KindMove.perform(plan.translated, folder: KindMove.folder(home: home), downloaded: .file, download: nil)
        let job = KindMoveJob(source: state.request, from: Wording.movedFromRow("zqt-old-row"), plan: plan, folder: KindMove.folder(home: home))
        _ = Reducer.kindMoved(&state, KindMoveDone(job: job, outcome: outcome))
        #expect(state.endpoint.id == "sd/v2/text2image")
        #expect(state.results == nil)
        state.view.overlay = nil
        #expect(!Self.lines(state).contains { $0.contains("Results ·") }, "the new draft shows no other request's pictures")
        // Neither send_images nor save_images, which zqt sets itself, is listed as not moved.
        #expect(!outcome.unmoved.contains { ["send_images", "save_images"].contains($0.path) }, "\(outcome.unmoved)")
        press(&state, .char("U"))
        #expect(state.endpoint.id == "sdapi/v1/txt2img" && state.results?.idTask == "zqt-old-row")
    }

    // MARK: 7. L says which endpoint it chose and why

    @Test func loadingAnA1111BodyOnAnA1111FormSaysWhichEndpointAndWhy() throws {
        let txt2img = EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")!
        let body = "{\"prompt\": \"a red fox\", \"steps\": 12, \"sampler_name\": \"Euler a\", \"cfg_scale\": 6, \"width\": 512, \"height\": 512}"
        let loaded = try RequestImport.read(body, catalog: .shipped, current: txt2img, taskID: "zqt-new").get()
        #expect(loaded.request.endpoint.id == "sdapi/v1/txt2img", "an A1111 body on an A1111 form stays A1111's")
        #expect(loaded.notes.allSatisfy { !$0.message.contains("not a field") }, "\(loaded.notes)")
        // On the zhiqite side an img2img-shaped body is chosen for its init_images, and the note says why, as a choice.
        var state = Self.a1111Form()
        _ = Reducer.reduce(&state, .requestLoaded(loaded, source: "/tmp/fox.json"))
        #expect(state.endpoint.id == "sdapi/v1/txt2img")
        let img2img = EndpointCatalog.shipped.endpoint(id: "sdapi/v1/img2img")!
        let withImage = "{\"prompt\": \"a red fox\", \"init_images\": [\"./fox.png\"], \"denoising_strength\": 0.5}"
        let chosen = try RequestImport.read(withImage, catalog: .shipped, current: txt2img, taskID: "zqt-new").get()
        #expect(chosen.request.endpoint == img2img)
        // One rule for every form (issue 19): only an endpoint the body can be sent to as it is is a
        // candidate, so img2img, which needs init_images, is neither chosen for a plain body nor
        // named beside txt2img; a plain body loaded on the img2img form goes to txt2img.
        let moved = try RequestImport.read(body, catalog: .shipped, current: img2img, taskID: "zqt-new").get()
        #expect(moved.request.endpoint == txt2img, "\(moved.notes)")
        #expect(!loaded.alsoFit.contains(img2img), "\(loaded.alsoFit)")
        #expect(loaded.notes.allSatisfy { !$0.message.contains("would take it too") }, "\(loaded.notes)")
    }

    @Test func anA1111PicturesParametersOnAnA1111FormAreATxt2imgRequest() throws {
        let txt2img = EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")!
        let parameters = "a red fox\nNegative prompt: blurry\nSteps: 12, Sampler: Euler a, CFG scale: 6, Seed: 77, Size: 512x768, Model: v1-5-pruned-emaonly"
        let png = try PNGText.inserting([PNGText.Entry(keyword: A1111Parameters.keyword, text: parameters)], into: PNGImage.render(width: 8, height: 8, seed: 1))
        let loaded = try PictureRequest.read(png, sidecar: nil, catalog: .shipped, current: txt2img, taskID: "zqt-new").get()
        #expect(loaded.request.endpoint.id == "sdapi/v1/txt2img")
        #expect(loaded.request["prompt"] == .string("a red fox") && loaded.request["seed"] == .int(77) && loaded.request["height"] == .int(768))
        #expect(loaded.request["override_settings.sd_model_checkpoint"] == .string("v1-5-pruned-emaonly"))
    }

    // MARK: 8. A batch's grid

    @Test func aBatchsGridIsSaidToBeLeftOut() throws {
        var state = Self.a1111Form()
        let info = "{\"all_seeds\": [77, 78], \"index_of_first_image\": 1, \"infotexts\": [\"grid\", \"a\", \"b\"]}"
        // As the answer is kept: `info` read as JSON.
        let data = JSONValue.object([("images", .array([.string("a1111-inline:t/0"), .string("a1111-inline:t/1"), .string("a1111-inline:t/2")])),
                                     ("info", try JSONParser.parse(info)), ("status", .int(2))])
        let task = TaskInfo(data: data, family: state.endpoint.family, result: .images)
        #expect(task.results.count == 2, "the grid is not among the pictures")
        _ = PictureReducer.taskUpdated(&state, recordID: 1, idTask: "t", info: task)
        #expect(Self.lines(state).contains { $0.contains("Results · 2 images (the server's grid not kept)") })
    }
}
