import Foundation
import TestScratch
@testable import Images
import Model
import Testing
@testable import Sandbox
@testable import ZqtTUI

/// Results carried on (issue 17): any picture into any image field of any
/// endpoint, and text results shown whole and used anywhere text goes.
@Suite struct UseAsTests {
    static let picture = "https://oss.example.com/result/0.png?sig=x"

    /// The picker's lines for a picture, as the user reads them.
    static func pickerLines(_ state: AppState) -> [String] {
        guard case let .picker(picker)? = state.view.overlay else { return [] }
        return picker.options
    }

    static func choose(_ state: inout AppState, _ line: String) -> [Effect] {
        guard case let .picker(picker)? = state.view.overlay else {
            Issue.record("no picker open")
            return []
        }
        #expect(picker.options.contains(line), "\(line) is not offered: \(picker.options)")
        state.view.overlay = nil
        return Reducer.choose(&state, picker.purpose, line)
    }

    @Test func thePickerListsEveryImageFieldOfTheShippedCatalogByEndpoint() throws {
        var state = makeState()
        Reducer.offerImageUses(&state, image: Self.picture, record: record(1, prompt: "a cat"))
        let lines = Self.pickerLines(state)
        let text = lines.joined(separator: "\n") + "\n"
        let file = ScreenGoldenTests.folder.appendingPathComponent("use-as-picker-lines.txt")
        if ProcessInfo.processInfo.environment["ZQT_WRITE_GOLDENS"] == "1" { try text.write(to: file, atomically: true, encoding: .utf8) }
        #expect(text == (try String(contentsOf: file, encoding: .utf8)), "the use-as lines differ from their golden file")
        // Grouped: each endpoint's lines follow one another.
        let titles = lines.map { String($0.split(separator: " · ").first ?? "") }
        var seen: [String] = []
        for title in titles where seen.last != title {
            #expect(!seen.contains(title), "\(title)'s fields are split")
            seen.append(title)
        }
        // Derived from the catalog: every image field of every endpoint offered, no callback.
        let expected = state.catalog.readyGroups.flatMap(\.endpoints).reduce(0) { $0 + $1.imageInputs.count }
        #expect(lines.count == expected && expected > 15)
        #expect(!lines.contains { $0.contains("Callback") }, "a callback URL takes no picture")
    }

    @Test func faceSwapsTargetIsSetOnTheWireWithTheRestOfItsDraftKept() throws {
        var state = makeState()
        EndpointReducerTests.switchTo(&state, "face swap v1")
        #expect(state.endpoint.title == "Face swap V1")
        state.request["sourceUrl"] = .string("https://example.com/my-face.jpg")
        state.request["faceIndex"] = .int(2)
        let kept = state.request.wireValue
        EndpointReducerTests.switchTo(&state, "text2image")
        #expect(state.endpoint.title == "text2image")

        Reducer.offerImageUses(&state, image: Self.picture, record: record(4, prompt: "a portrait"))
        _ = Self.choose(&state, "Face swap V1 · Target image")
        #expect(state.endpoint.title == "Face swap V1", "its form opens")
        let wire = state.request.wireValue
        #expect(wire["targetUrl"] == .string(Self.picture))
        #expect(wire["sourceUrl"] == .string("https://example.com/my-face.jpg"), "the draft's other fields stay")
        #expect(wire["faceIndex"] == kept["faceIndex"])
        #expect(wire["businessTaskId"] == kept["businessTaskId"], "the draft's task id stays")
        #expect(state.status?.text.contains("Face swap V1 · Target image is now zqt-old-4's image") == true, "\(state.status?.text ?? "")")
    }

    @Test func aListGetsThePictureAppendedAndAGroupANewItem() throws {
        var state = makeState()
        Reducer.offerImageUses(&state, image: Self.picture, record: record(5, prompt: "p"))
        _ = Self.choose(&state, "Training · Training images (append)")
        #expect(state.endpoint.title == "Training")
        #expect(state.request.wireValue["fileUrlList"] == .array([.string(Self.picture)]))
        Reducer.offerImageUses(&state, image: "https://oss.example.com/second.png", record: nil)
        _ = Self.choose(&state, "Training · Training images (append)")
        #expect(state.request.wireValue["fileUrlList"] == .array([.string(Self.picture), .string("https://oss.example.com/second.png")]))

        let before = makeState().request.controlNetUnits?.count ?? 0
        Reducer.offerImageUses(&state, image: Self.picture, record: record(5, prompt: "p"))
        _ = Self.choose(&state, "ControlNet · Control image (new ControlNet unit)")
        #expect(state.endpoint.title == "ControlNet")
        #expect(state.request.controlNetUnits?.count ?? 0 == before + 1)
        #expect(state.request.controlNetUnits?.last?.imageLink == Self.picture)
        #expect(state.status?.text.hasPrefix("Unit \(before + 1) of the ControlNet form holds zqt-old-5's image: pick its control type") == true,
                "\(state.status?.text ?? "")")
    }

    @Test func aUserCatalogEndpointsURLFieldIsOffered() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-useas")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/endpoints.json"
        try Data("""
            {"endpoints": [{"id": "tool/faceRestore", "title": "Face restoration", "family": "tool",
              "fields": [{"path": "businessTaskId", "kind": "text", "role": "task_id", "required": true, "default": ""},
                         {"path": "photo", "label": "Old photo", "kind": "url", "required": true},
                         {"path": "notifyUrl", "label": "Notify", "kind": "url", "role": "callback"}]}]}
            """.utf8).write(to: URL(fileURLWithPath: file))
        let user = UserCatalog.load(file: file)
        #expect(user.problem == nil)
        var state = makeState()
        state.catalog = EndpointCatalog.shipped.overlaid(with: user.endpoints)
        Reducer.offerImageUses(&state, image: Self.picture, record: nil)
        let lines = Self.pickerLines(state)
        #expect(lines.contains("Face restoration · Old photo"))
        #expect(!lines.contains("Face restoration · Notify"), "a callback is no image field")
        _ = Self.choose(&state, "Face restoration · Old photo")
        #expect(state.endpoint.title == "Face restoration" && state.request.wireValue["photo"] == .string(Self.picture))
    }

    @Test func aCustomRequestsMembersHoldingAURLAreOffered() throws {
        var state = makeState()
        Reducer.switchEndpoint(&state, to: CustomEndpoint.endpoint(path: "tool/faceRestore"))
        state.request.setOtherMembers(.object([("imageUrl", .string("https://example.com/old.png")), ("fidelity", .double(0.7))]))
        EndpointReducerTests.switchTo(&state, "text2image")
        Reducer.offerImageUses(&state, image: Self.picture, record: nil)
        #expect(Self.pickerLines(state).last == "Custom request tool/faceRestore · imageUrl", "\(Self.pickerLines(state))")
        _ = Self.choose(&state, "Custom request tool/faceRestore · imageUrl")
        #expect(state.endpoint.isCustom && state.request.wireValue["imageUrl"] == .string(Self.picture))
        #expect(state.request.wireValue["fidelity"] == .double(0.7), "the rest of its body stays")
    }

    @Test func iAndNAreTheSameCodeWithTheFieldGiven() throws {
        var state = makeState()
        let past = record(6, prompt: "a lighthouse")
        _ = Reducer.entriesLoaded(&state, [past], .toImage2Image)
        #expect(state.endpoint.title == "image2image")
        #expect(state.request.wireValue["alwayson_scripts"]?["image_link"] == .string(past.imageResults[0].imageURL))
        #expect(state.request.wireValue["prompt"] == .string("a lighthouse"), "i carries the settings over")
        _ = Reducer.entriesLoaded(&state, [past], .toControlNetUnit)
        #expect(state.endpoint.title == "ControlNet" && state.request.controlNetUnits?.last?.imageLink == past.imageResults[0].imageURL)
    }

    // MARK: Text results

    /// The compose screen following a prompt expansion that answers two candidates.
    static func expansionAnswered(_ state: inout AppState, idTask: String, texts: [String]) -> [Effect] {
        EndpointReducerTests.switchTo(&state, "prompt expansion")
        state.task = TrackedTask(recordID: nil, idTask: idTask, status: 1, desc: "running", progress: nil, phase: .inProgress,
                                 resultCount: 0, result: .text)
        let data: JSONValue = .object([("businessTaskId", .string(idTask)), ("status", .int(2)),
                                       ("prompts", .array(texts.map { .string($0) }))])
        let info = TaskInfo(data: data, family: .tool(code: "prompts/expand"), result: .text)
        #expect(info.phase == .succeeded && info.texts == texts)
        return Reducer.reduce(&state, .poll(recordID: nil, idTask: idTask, .update(info)))
    }

    static let candidates = [
        "a lighthouse on a cliff at dusk, waves breaking below, warm light in the lantern room, long exposure, "
            + "volumetric fog drifting in from the sea, cinematic composition, ultra detailed, 35mm film grain, end-of-first",
        "a lighthouse seen from a rowing boat, storm clouds, end-of-second",
    ]

    @Test func aTextResultShowsWholeAndTheSecondCandidateBecomesThePrompt() throws {
        var state = makeState(width: 120, height: 40)
        _ = Self.expansionAnswered(&state, idTask: "zqt-expand-1", texts: Self.candidates)
        #expect(state.results?.texts == Self.candidates)
        let screen = Screen.render(state).text
        #expect(screen.contains("Results · 2 texts of zqt-expand-1"))
        #expect(screen.contains("1 of 2") && screen.contains("2 of 2"), "every candidate numbered")
        #expect(screen.contains("end-of-first") && screen.contains("end-of-second"), "each whole, wrapped:\n\(screen)")

        // p: which one? The second, into text2image's prompt (the expansion's own is no place for it).
        _ = press(&state, .char("p"))
        #expect(Self.pickerLines(state) == Reducer.candidateLines(Self.candidates))
        _ = Self.choose(&state, Reducer.candidateLines(Self.candidates)[1])
        #expect(state.endpoint.title == "text2image")
        #expect(state.request.wireValue["prompt"] == .string(Self.candidates[1]))
    }

    @Test func aCandidateChosenInThePaneGoesToTheNegativePromptOrTheClipboard() throws {
        var state = makeState(width: 120, height: 40)
        _ = Self.expansionAnswered(&state, idTask: "zqt-expand-2", texts: Self.candidates)
        _ = press(&state, .char("o"))
        #expect(state.view.picturesFocused)
        _ = press(&state, .tab)
        #expect(state.view.selectedPicture == 1)
        // Enter on the chosen candidate: where it goes.
        _ = press(&state, .enter)
        let lines = Self.pickerLines(state)
        #expect(lines.prefix(3) == ["text2image · Prompt", "text2image · Negative prompt", Wording.clipboardTarget], "\(lines)")
        #expect(lines.contains("Flux text2image · Prompt"), "any text field of any endpoint")
        _ = Self.choose(&state, "text2image · Negative prompt")
        #expect(state.request.wireValue["negative_prompt"] == .string(Self.candidates[1]))

        _ = press(&state, .char("t"))
        let effects = Self.choose(&state, Reducer.candidateLines(Self.candidates)[0]) + Self.choose(&state, Wording.clipboardTarget)
        #expect(effects == [.copyToClipboard(Self.candidates[0], what: Wording.textResultOf("zqt-expand-2"))])
    }

    @Test func theResultsPaneNeverShowsThePreviousTasksPicturesUnderANewTextTask() throws {
        var state = makeState(width: 120, height: 40)
        state.results = PictureSet(idTask: "zqt-old-images", recordID: nil, pictures: [ShownPicture(position: 0, seed: 1)])
        #expect(Screen.render(state).text.contains("Results · 1 image"))
        _ = Self.expansionAnswered(&state, idTask: "zqt-new-text", texts: ["a single candidate"])
        #expect(state.results?.idTask == "zqt-new-text" && state.results?.pictures.isEmpty == true)
        let screen = Screen.render(state).text
        #expect(!screen.contains("1 image") && !screen.contains(Wording.picturesDownloading), "no picture of the old task:\n\(screen)")
        #expect(screen.contains("Results · text of zqt-new-text") && screen.contains("a single candidate"), "\(screen)")
    }

    /// The footer over a text result speaks of its texts, not of images (issue 17).
    @Test func theFooterOverATextResultSpeaksOfTextsNotImages() throws {
        var state = makeState(width: 160, height: 40)
        _ = Self.expansionAnswered(&state, idTask: "zqt-expand-3", texts: Self.candidates)
        let footer = { (state: AppState) in Screen.render(state).text.split(separator: "\n").last.map(String.init) ?? "" }
        #expect(footer(state).contains("o texts") && !footer(state).contains("images"), "footer: \(footer(state))")
        _ = press(&state, .char("o"))
        #expect(footer(state).contains("candidate") && footer(state).contains("use as…") && !footer(state).contains("image"),
                "footer: \(footer(state))")
        // Over pictures, the same keys say images again.
        let image = LocalImage(position: 0, path: "/nowhere/1.png", thumbnailPath: "/nowhere/1.png", width: 8, height: 8)
        state.results = PictureSet(idTask: "zqt-images", recordID: nil, pictures: [ShownPicture(position: 0, seed: 1, image: image)])
        state.view.picturesFocused = false
        #expect(footer(state).contains("o images"), "footer: \(footer(state))")
    }

    @Test func faceDetectionsFacesAreATableWithTheirBoxes() {
        let answer = #"{"businessTaskId": "t", "status": 2, "faces": [{"index": 1, "score": 0.93, "box": {"x": 10, "y": 20, "width": 30, "height": 40}}, {"index": 2, "score": 0.9, "bbox": [50, 60, 70, 80]}]}"#
        let set = PictureSet(idTask: "t", recordID: nil, pictures: [], texts: [answer])
        let lines = PicturesPane.textLines(set, width: 80, chosen: nil).map(\.text)
        #expect(lines.first == "2 faces found")
        #expect(lines[1] == "face  score   x   y  width  height")
        #expect(lines[2] == "   1   0.93  10  20     30      40")
        #expect(lines[3] == "   2    0.9  50  60     70      80")
    }

    @Test func textWithoutSpacesIsWrappedNotCut() {
        let chinese = String(repeating: "一只猫在雨中", count: 20)
        let lines = PicturesPane.wrap(chinese, width: 30)
        #expect(lines.joined() == chinese && lines.allSatisfy { TextWidth.of($0) <= 30 })
    }
}

/// The same against a real sandbox and history (issue 17): prompt
/// expansion asked for two candidates, `p` asks which, the second becomes
/// text2image's prompt; a face swap's result goes into outpainting's source.
@Suite struct UseAsAgainstTheSandboxTests {
    @Test func expansionsSecondCandidateBecomesThePrompt() async throws {
        let fixture = try TrackingFixture(taskSeconds: 0.3)
        var state = try await ToolResultScreenTests.sendAndFollow("prompt expansion", title: "Prompt expansion", [
            ("sourcePrompt", .string("a lighthouse")), ("sequencesNum", .int(2)),
        ], fixture: fixture)
        let expected = SandboxService.expandedPrompts("a lighthouse", count: 2, sdxl: false)
        #expect(expected.count == 2 && state.results?.texts == expected, "both candidates in the pane")
        let effects = press(&state, .char("p"))
        try await ToolResultScreenTests.run(&state, effects, on: fixture) { state in
            if case .picker? = state.view.overlay { return true } else { return false }
        }
        #expect(UseAsTests.pickerLines(state) == Reducer.candidateLines(expected))
        _ = UseAsTests.choose(&state, Reducer.candidateLines(expected)[1])
        #expect(state.endpoint.title == "text2image" && state.request.wireValue["prompt"] == .string(expected[1]))
    }

    @Test func aFaceSwapsResultBecomesOutpaintingsSource() async throws {
        let fixture = try TrackingFixture(taskSeconds: 0.3)
        var state = try await ToolResultScreenTests.sendAndFollow("face swap v1", title: "Face swap V1", [
            ("sourceUrl", .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Input/face.png")),
            ("targetUrl", .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Input/target.png")),
        ], fixture: fixture)
        let record = try #require(try fixture.store.record(idTask: state.task?.idTask ?? ""))
        let result = try #require(record.imageResults.first?.imageURL)
        let effects = press(&state, .char("A"))
        try await ToolResultScreenTests.run(&state, effects, on: fixture) { state in
            if case .picker? = state.view.overlay { return true } else { return false }
        }
        _ = UseAsTests.choose(&state, "Outpainting · Source image")
        #expect(state.endpoint.title == "Outpainting" && state.request.wireValue["sourceImage"] == .string(result))
        #expect(state.status?.text.contains("\(record.idTask)'s image") == true)
    }
}
