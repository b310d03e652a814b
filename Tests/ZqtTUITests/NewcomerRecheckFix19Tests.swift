// What a newcomer met re-checking issue 19 from a fresh clone (release
// build, README and docs only), each shown here as the screen shows it:
// `L` puts a body where it can be sent, a refusal names "ControlNet units",
// the spinner changes at most once a second, a task unfollowed elsewhere
// stops being followed, `P` reads a fixed config file first, and `D` in a
// unit goes back to its control type's value.

import Foundation
import TestScratch
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct NewcomerRecheckFix19Tests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples").path

    static func load(_ state: inout AppState, _ example: String) {
        let action = RequestLoading.load(examples + "/" + example, current: state.endpoint, catalog: state.catalog)
        _ = Reducer.reduce(&state, action)
    }

    @Test func theText2ImageExampleLoadedOnControlNetIsSentAsText2Image() {
        var state = makeState()
        #expect(state.endpoint == .controlNet)
        Self.load(&state, "text2image.json")
        #expect(state.endpoint == .text2Image)
        #expect(state.status?.text.hasPrefix("Loaded into text2image from") == true, "\(state.status?.text ?? "")")
        let effects = press(&state, .function(5))
        #expect(effects.contains { if case .submit = $0 { true } else { false } }, "\(state.status?.text ?? "")")
        let said = state.status?.text ?? ""
        #expect(!said.contains("ControlNet unit"), "\(said)")
    }

    @Test func theImage2ImageExampleGoesToImage2ImageFromAToolsForm() throws {
        var state = makeState()
        EndpointReducerTests.switchTo(&state, "Face swap V1")
        Self.load(&state, "image2image.json")
        #expect(state.endpoint == .image2Image)
        #expect(state.request["alwayson_scripts.image_link"] == .string("https://example.com/lighthouse.png"), "the input image is image2image's")
        #expect(state.status?.text.contains("text2image would take it too (F7 switches; L it again there)") == true, "\(state.status?.text ?? "")")
        // On text2image, where it can be sent too, it stays; image2image is named.
        EndpointReducerTests.switchTo(&state, "text2image")
        Self.load(&state, "image2image.json")
        #expect(state.endpoint == .text2Image)
        #expect(state.status?.text.contains("image2image would take it too (F7 switches; L it again there)") == true, "\(state.status?.text ?? "")")
    }

    @Test func aBodyThatFitsManyToolsIsNotLoadedOntoAnotherForm() {
        var state = makeState()
        let before = state.request
        _ = Reducer.reduce(&state, RequestLoading.load(#"{"businessTaskId": "x"}"#, current: state.endpoint, catalog: state.catalog))
        #expect(state.request == before)
        #expect(state.status?.text.hasPrefix("Not loaded: pasted JSON: the body fits") == true, "\(state.status?.text ?? "")")
        #expect(state.status?.kind == .error)
        // Three titles at most and how many more, as `zqt validate --fits` refuses it (issue 20's leftovers):
        // every tool's title made a line no status bar could show.
        let said = state.status?.text ?? ""
        let tied = RequestImport.infer(for: .object([("businessTaskId", .string("x"))]), in: state.catalog, server: .zhiqite).candidates
        try? #require(tied.count > 3, "\(tied.map(\.title))")
        let shown = tied.prefix(3).map(\.title).joined(separator: ", ")
        #expect(said.contains("the body fits \(tied.count) endpoints equally (\(shown) and \(tied.count - 3) more): "
                              + "switch to the one it is for, then load it again"), "\(said)")
        #expect(!said.contains(tied[3].title), "\(said)")
    }

    @Test func aRefusalNamesTheUnitsByTheirGroup() {
        var state = makeState()
        state.request["prompt"] = .string("a lighthouse")
        state.request["alwayson_scripts.sd_model_checkpoint"] = .string("revAnimated_v122_7371.safetensors")
        state.request["alwayson_scripts.controlnet.args"] = .array([])
        press(&state, .function(5))
        let said = state.status?.text ?? ""
        #expect(said.hasPrefix("Not sent: ControlNet units: "), "\(said)")
        #expect(!said.contains("+ Add"))
    }

    @Test func theSpinnerChangesWithTheSecondsOnly() {
        var state = makeState()
        state.task = TrackedTask(recordID: 1, idTask: "zqt-long", status: 1, desc: "running", progress: nil, phase: .inProgress, resultCount: 0)
        let first = Screen.render(state).text
        _ = Reducer.reduce(&state, .tick)
        #expect(Screen.render(state).text == first, "a tick changes nothing while a task runs")
        _ = Reducer.reduce(&state, .secondElapsed)
        #expect(Screen.render(state).text != first, "a second changes the mark and the time together")
        #expect(TerminalApp.tickInterval >= 1, "a send's spinner too: at most once a second")
    }

    @Test func aTaskUnfollowedElsewhereIsNoLongerFollowedHere() {
        var state = makeState()
        state.task = TrackedTask(recordID: 7, idTask: "zqt-long", status: 1, desc: "running", progress: nil, phase: .inProgress, resultCount: 0)
        _ = Reducer.reduce(&state, .poll(recordID: 7, idTask: "zqt-long", .unfollowed))
        #expect(state.task == nil, "no spinner, no elapsed time")
        #expect(state.status?.text.hasPrefix("Task zqt-long not followed") == true, "\(state.status?.text ?? "")")
    }

    @Test func pReadsAFixedFileBeforeSayingItsFault() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-p-reads")
        try FileManager.default.createDirectory(atPath: folder + "/zqt", withIntermediateDirectories: true)
        let environment = ["XDG_CONFIG_HOME": folder, "HOME": folder]
        try "[profiles.x]\nbase_url = \"http://unclosed\n".write(toFile: folder + "/zqt/config.toml", atomically: true, encoding: .utf8)
        var state = makeState()
        _ = Reducer.reduce(&state, .configFileRead(ConfigFileRead(ConfigAtStart.load(catalog: .shipped, environment: environment),
                                                                  asked: false, environment: environment)))
        state.view.overlay = nil
        // Fixed; P reads it first instead of saying the old fault.
        try "[profiles.studio]\nbase_url = \"http://127.0.0.1:9\"\n".write(toFile: folder + "/zqt/config.toml", atomically: true, encoding: .utf8)
        #expect(press(&state, .char("P")) == [.checkConfigFile(asked: true)])
        let said = state.status?.text ?? ""
        #expect(!said.contains("No profiles"), "\(said)")
        _ = Reducer.reduce(&state, .configFileRead(ConfigFileRead(ConfigAtStart.load(catalog: .shipped, environment: environment),
                                                                  asked: true, environment: environment)))
        guard case let .picker(picker)? = state.view.overlay else {
            Issue.record("no profile switcher: \(state.status?.text ?? "")")
            return
        }
        #expect(picker.options == ["studio"])

        // Broken again mid-session (the profiles read before are kept), then fixed with one more: P reads it first again.
        state.view.overlay = nil
        try "[profiles.studio]\nbase_url = \"http://unclosed\n".write(toFile: folder + "/zqt/config.toml", atomically: true, encoding: .utf8)
        _ = Reducer.reduce(&state, .configFileRead(ConfigFileRead(ConfigAtStart.load(catalog: .shipped, environment: environment),
                                                                  asked: true, environment: environment)))
        state.view.overlay = nil
        #expect(state.connection.profiles == ["studio"], "kept while the file is broken")
        try "[profiles.studio]\nbase_url = \"http://127.0.0.1:9\"\n[profiles.third]\nbase_url = \"http://127.0.0.1:8\"\n"
            .write(toFile: folder + "/zqt/config.toml", atomically: true, encoding: .utf8)
        #expect(press(&state, .char("P")) == [.checkConfigFile(asked: true)])
        _ = Reducer.reduce(&state, .configFileRead(ConfigFileRead(ConfigAtStart.load(catalog: .shipped, environment: environment),
                                                                  asked: true, environment: environment)))
        guard case let .picker(again)? = state.view.overlay else {
            Issue.record("no profile switcher after the second fix: \(state.status?.text ?? "")")
            return
        }
        #expect(again.options == ["studio", "third"])
    }

    @Test func resetInACannyUnitGoesBackToTheControlTypesValue() throws {
        var state = makeState()
        let path = "alwayson_scripts.controlnet.args"
        let group = try #require(state.endpoint.field(at: path)?.groupSpec)
        var unit = group.newItem(preset: group.presets?.preset(named: "canny"), family: .unknown)
        let chosen = try #require(unit["threshold_a"], "the canny preset sets the low threshold")
        unit.set(.int(102), at: "threshold_a")
        state.request[path] = .array([unit])
        state.view.openItem = ItemRef(group: path, index: 0)
        let field = try #require(state.fields.first { $0.wirePath == path + "[0].threshold_a" })
        focus(&state, field.id)
        press(&state, .char("D"))
        #expect(state.request[path + "[0].threshold_a"] == chosen, "\(String(describing: state.request[path + "[0].threshold_a"]))")
        #expect(state.status?.text.contains("reset to \(JSONWriter.compact(chosen))") == true, "\(state.status?.text ?? "")")
    }
}
