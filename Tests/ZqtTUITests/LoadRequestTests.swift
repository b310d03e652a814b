// "Load a request" on the compose screen (issue 10): `L`, a curl command
// pasted (over several lines) or a file's path, and the matching form filled;
// a form with unsent edits asks first.

import Foundation
import TestScratch
import Testing
@testable import Model
@testable import ZqtTUI

@Suite struct LoadRequestTests {
    static let curl = """
        curl 'https://api.zhiqite.com/AIGCImgOpenServ/saas/tool/interrogate' \\
          -H 'Content-Type: application/json' \\
          -H 'X-Request-req-accessKeySecret: not-kept' \\
          --data-raw '{"image": "https://a.example/111.png", "model": "deepdanbooru", "threshold": 0.4}'
        """

    /// L, the text pasted, Enter; the effect run as the runner would.
    static func load(_ state: inout AppState, paste text: String) -> Action? {
        _ = press(&state, .char("L"))
        guard case .input? = state.view.overlay else { return nil }
        _ = Reducer.reduce(&state, .paste(text))
        let effects = press(&state, .enter)
        guard case let .loadRequest(typed, current)? = effects.first else { return nil }
        return RequestLoading.load(typed, current: current, catalog: .shipped)
    }

    @Test func aPastedCurlCommandFillsItsEndpointsFormAndSaysWhatWasLeftOut() throws {
        var state = makeState()
        let action = try #require(Self.load(&state, paste: Self.curl))
        _ = Reducer.reduce(&state, action)
        #expect(state.endpoint.id == "tool/interrogate")
        #expect(state.request.wireValue["model"] == .string("deepdanbooru") && state.request.wireValue["threshold"] == .double(0.4))
        let status = try #require(state.status?.text)
        #expect(status.hasPrefix("Loaded into Image description from a curl command"), "\(status)")
        #expect(status.contains("threshold: not a field zqt knows") && status.contains("not kept"), "\(status)")
        #expect(!Screen.render(state).text.contains("not-kept"), "the secret is not shown")
        #expect(!state.request.wireJSON.contains("not-kept"))
    }

    @Test func aFileIsLoadedByItsPathAndABadOneSaysWhy() throws {
        let scratch = Scratch()
        var state = makeState()
        let folder = URL(fileURLWithPath: scratch.path("zqt-load"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("flux.json").path
        try Data(#"{"prompt": "a lighthouse", "comfyTaskType": "Flux1DevFP8", "steps": 24}"#.utf8).write(to: URL(fileURLWithPath: file))
        _ = Reducer.reduce(&state, try #require(Self.load(&state, paste: file)))
        #expect(state.endpoint.id == "tool/comfyui/text2image" && state.request.wireValue["steps"] == .int(24))

        _ = Reducer.reduce(&state, try #require(Self.load(&state, paste: folder.appendingPathComponent("missing.json").path)))
        #expect(state.status?.text.contains("no such file") == true)
        try Data("{\"prompt\": ".utf8).write(to: URL(fileURLWithPath: file))
        _ = Reducer.reduce(&state, try #require(Self.load(&state, paste: file)))
        #expect(state.status?.text.contains("not valid JSON (line 1, column") == true, "\(state.status?.text ?? "")")
        #expect(state.endpoint.id == "tool/comfyui/text2image" && state.request.wireValue["steps"] == .int(24), "nothing changed")
    }

    /// Issue 22: a container of the wrong type would lose the user's value to
    /// the task id; the load is refused with the field named, the form untouched.
    @Test func aContainerOfTheWrongTypeIsNotLoadedAndTheFormIsKept() throws {
        var state = makeState()
        state.request["prompt"] = .string("my unsent prompt")
        let action = try #require(Self.load(&state, paste: #"{"prompt": "a cat", "alwayson_scripts": "revAnimated"}"#))
        _ = Reducer.reduce(&state, action)
        let status = try #require(state.status)
        #expect(status.kind == .error)
        #expect(status.text.contains("alwayson_scripts must be a JSON object holding ") && status.text.contains("not a string; not loaded"),
                "\(status.text)")
        #expect(state.view.overlay == nil, "nothing to confirm: nothing was loaded")
        #expect(state.request.prompt == "my unsent prompt" && state.endpoint == .controlNet, "nothing typed is lost")
    }

    @Test func aFormWithUnsentEditsAsksBeforeItIsReplaced() throws {
        var state = makeState()
        state.request["prompt"] = .string("my unsent prompt")
        let action = try #require(Self.load(&state, paste: BundledExamples.controlNetJSON.replacing("\n", with: " ")))
        _ = Reducer.reduce(&state, action)
        guard case .confirm(.replaceWithLoaded)? = state.view.overlay else {
            Issue.record("no question: \(String(describing: state.view.overlay))")
            return
        }
        _ = press(&state, .char("n"))
        #expect(state.request.prompt == "my unsent prompt", "kept")
        _ = Reducer.reduce(&state, action)
        _ = press(&state, .char("y"))
        #expect(state.request.prompt != "my unsent prompt" && state.endpoint == .controlNet)
    }
}

extension LoadRequestTests {
    @Test func aDeviceIsRefusedNotRead() {
        guard case let .requestLoadFailed(message) = RequestLoading.load("/dev/zero", current: .controlNet, catalog: .shipped) else {
            Issue.record("/dev/zero was read")
            return
        }
        #expect(message == "/dev/zero is not a regular file")
    }
}

extension LoadRequestTests {
    /// Issue 17: `L` with a picture's path loads the request it carries; an A1111 PNG becomes text2image.
    @Test func anA1111PicturesPathLoadsItsParametersAsText2Image() throws {
        let scratch = Scratch()
        let parameters = "a red fox in snow\nNegative prompt: blurry\nSteps: 30, Sampler: Euler a, CFG scale: 6, Seed: 42, Size: 512x768, Model: revAnimated_v122"
        let png = try PNGText.inserting([PNGText.Entry(keyword: "parameters", text: parameters)], into: PictureRequestPNG.tiny())
        let path = scratch.path("zqt-a1111", suffix: ".png")
        try Data(png).write(to: URL(fileURLWithPath: path))
        var state = makeState()
        let action = try #require(Self.load(&state, paste: path))
        _ = Reducer.reduce(&state, action)
        #expect(state.endpoint.id == "sd/v2/text2image")
        #expect(state.request.wireValue["prompt"] == .string("a red fox in snow"))
        #expect(state.request.wireValue["steps"] == .int(30) && state.request.wireValue["seed"] == .int(42))
        #expect(state.request["alwayson_scripts.sd_model_checkpoint"] == .string("revAnimated_v122"))
    }
}

/// A 1×1 RGB PNG built by hand (IHDR, a stored-block IDAT, IEND), for pictures made in tests.
enum PictureRequestPNG {
    static func tiny() -> [UInt8] {
        let ihdr: [UInt8] = [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]
        let idat: [UInt8] = [0x78, 0x01, 0x01, 0x04, 0x00, 0xFB, 0xFF, 0, 0, 0, 0, 0x00, 0x04, 0x00, 0x01]
        return PNGText.signature + PNGText.chunk("IHDR", ihdr) + PNGText.chunk("IDAT", idat) + PNGText.chunk("IEND", [])
    }
}
