// Issue 20, a newcomer's re-check at 06da749: the control types added on an
// A1111 form picked preprocessors and models the server does not have (the
// send failed with HTTP 500 `module(depth) not found`); an img2img unit
// without its own picture was refused though the input image is there; a
// server's error text showed `\u{a}` between its lines.

import Foundation
import TestScratch
@testable import Model
@testable import Sandbox
import Testing
@testable import ZqtTUI

@Suite struct A1111NewcomerRecheckTests {
    /// The A1111 sandbox's own lists (its /controlnet/module_list and model_list), as a server answers them.
    static let serverModules = A1111Lists.controlNetModules.map(\.name)
    static let serverModels = A1111Lists.controlNetModels

    /// An A1111 profile's txt2img form with both of the server's ControlNet lists read.
    static func a1111Form() -> AppState {
        var state = A1111ScreenFindingsTests.a1111Form(models: serverModels)
        _ = Reducer.reduce(&state, .modelListRead(.controlNetModule, path: "controlnet/module_list",
                                                  .success(A1111PickerTests.list(.controlNetModule, serverModules))))
        return state
    }

    @Test func aDepthUnitTakesTheServersDepthPreprocessorAndSendsIt() throws {
        var state = Self.a1111Form()
        A1111ScreenFindingsTests.addUnit(&state, "depth")
        let unit = try #require(A1111ScreenFindingsTests.unit(state))
        #expect(unit["module"]?.stringValue == "depth_midas", "the server has depth_midas, not depth")
        #expect(unit["model"]?.stringValue == "control_v11f1p_sd15_depth [cfd03158]")
        #expect(state.request.wireJSON.contains("\"module\": \"depth_midas\""))
        #expect(!state.request.wireJSON.contains("\"module\": \"depth\""))
        let status = state.status?.text ?? ""
        #expect(status.hasSuffix("(preprocessor depth_midas from the server's lists)"), "\(status)")
        #expect(state.status?.kind == .info)
    }

    @Test func aTypeTheServerHasNothingForIsSaidNotSent() throws {
        var state = Self.a1111Form()
        A1111ScreenFindingsTests.addUnit(&state, "Shuffle")
        let unit = try #require(A1111ScreenFindingsTests.unit(state))
        #expect(unit["module"]?.stringValue == "none")
        #expect(unit["model"]?.stringValue == "None")
        #expect(state.status?.kind == .error)
        let status = state.status?.text ?? ""
        #expect(status.hasPrefix("The server lists no Shuffle preprocessor (none set: the picture is used as the map) and no Shuffle model "
                                 + "(None set): pick what it has, or install them; added a Shuffle unit"), "\(status)")
        // And the send is refused before it goes: a unit needs a model.
        #expect(RequestValidator.validate(state.request).contains { $0.message.contains("choose a ControlNet model") })
    }

    /// Every control type on this server: a name the server lists, or none said on the status line; never one it lacks.
    @Test func everyControlTypeSendsOnlyNamesTheServerLists() throws {
        let group = try #require(Self.a1111Form().endpoint.groupFields.first?.groupSpec)
        let presets = try #require(group.presets?.presets)
        #expect(presets.count >= 16)
        var summary: [String] = []
        for preset in presets {
            var state = Self.a1111Form()
            let path = state.endpoint.groupFields[0].path
            _ = Reducer.choose(&state, .addItem(path), preset.name)
            let unit = try #require(A1111ScreenFindingsTests.unit(state))
            let module = unit["module"]?.stringValue ?? ""
            let model = unit["model"]?.stringValue ?? ""
            #expect(module == "none" || Self.serverModules.contains(module), "\(preset.name): module \(module)")
            #expect(model == "None" || Self.serverModels.contains(model), "\(preset.name): model \(model)")
            if module == "none" || model == "None", preset.name != "Reference" {
                #expect(state.status?.kind == .error && state.status?.text.hasPrefix("The server lists no") == true,
                        "\(preset.name): \(state.status?.text ?? "")")
            }
            summary.append("\(preset.name)=\(module)|\(model)")
        }
        #expect(summary.contains("lineart=lineart_realistic|control_v11p_sd15_lineart [43d4be0d]"), "\(summary)")
        #expect(summary.contains("Scribble=scribble_pidinet|control_v11p_sd15_scribble [d4ba51ff]"), "\(summary)")
        #expect(summary.contains("IP-Adapter=ip-adapter_clip_sd15|ip-adapter_sd15 [6a3f6166]"), "\(summary)")
        #expect(summary.contains("canny=canny|control_v11p_sd15_canny [d14c016b]"), "\(summary)")
    }

    /// Lists not read yet: the catalog's names, as before.
    @Test func withoutTheServersListsThePresetIsTheCatalogs() throws {
        var state = A1111PickerTests.a1111State()
        A1111ScreenFindingsTests.addUnit(&state, "depth")
        #expect(A1111ScreenFindingsTests.unit(state)?["module"]?.stringValue == "depth")
    }

    // MARK: 2. An img2img unit takes the input image

    @Test func anImg2imgUnitWithoutItsOwnPictureTakesTheInputImage() throws {
        let img2img = try #require(EndpointCatalog.shipped.endpoint(id: "sdapi/v1/img2img"))
        let unit = JSONValue.object([("enabled", .bool(true)), ("module", .string("canny")),
                                     ("model", .string("control_v11p_sd15_canny [d14c016b]"))])
        var request = Request(endpoint: img2img)
        request["prompt"] = .string("a cat")
        request["alwayson_scripts.controlnet.args"] = .array([unit])
        #expect(RequestValidator.validate(request).contains { $0.message == "unit 1 needs a control image: its own, or the request's input image" })
        request["init_images"] = .array([.string("./photo.png")])
        #expect(!RequestValidator.validate(request).contains { $0.path.hasSuffix("image") }, "\(RequestValidator.validate(request))")
        // An empty list, or one holding only empty text, is no picture.
        request["init_images"] = .array([.string("  ")])
        #expect(RequestValidator.validate(request).contains { $0.message.hasPrefix("unit 1 needs a control image") })
    }

    // MARK: 4. A server's error text of several lines

    @Test func aServersErrorOfSeveralLinesReadsAsOneLine() {
        let body = #"{"error":"RuntimeError","detail":"","body":"","errors":"module(depth) not found in supported modules.\nTraceback:\r\n  line 2\t!"}"#
        let message = A1111Failure.error(status: 500, body: Array(body.utf8)).message
        #expect(!message.contains("\\u{"), "\(message)")
        #expect(!message.contains("\n") && !message.contains("\r") && !message.contains("\t"))
        #expect(message.contains("module(depth) not found in supported modules. / Traceback: / line 2 !"), "\(message)")
        #expect(APIError.printable("a\n\n b\u{1B}[31m") == "a / b\\u{1b}[31m", "other controls still shown, never raw")
    }

    // MARK: 3. `i` and `n` on an A1111 result

    /// An A1111 row whose first picture is kept at a real file, on an A1111 profile.
    static func keptRow(in scratch: Scratch) throws -> (state: AppState, record: HistoryRecord, kept: String) {
        let folder = scratch.path("zqt-a1111fix")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let kept = folder + "/1.png"
        #expect(FileManager.default.createFile(atPath: kept, contents: Data([0x89, 0x50, 0x4E, 0x47])))
        var record = A1111ScreenFindingsTests.a1111Record()
        record.results[0].localPath = kept
        var state = A1111PickerTests.a1111State()
        state.connection.dataFolder = folder
        return (state, record, kept)
    }

    @Test func image2imageOfAnA1111ResultIsA1111Img2imgWithTheKeptFile() throws {
        let scratch = Scratch()
        var (state, record, kept) = try Self.keptRow(in: scratch)
        _ = Reducer.moveOn(&state, record, .toImage2Image, confirmed: true)
        #expect(state.endpoint.id == "sdapi/v1/img2img", "not the service's image2image on an A1111 profile")
        #expect(state.request["init_images"] == .array([.string(kept)]), "\(state.request.wireJSON)")
        #expect(!state.request.wireJSON.contains("a1111-inline:"))
        #expect(state.request["prompt"]?.stringValue == "a lighthouse", "its settings carried over")
    }

    @Test func aControlNetUnitOfAnA1111ResultIsAnA1111UnitWithTheKeptFile() throws {
        let scratch = Scratch()
        var (state, record, kept) = try Self.keptRow(in: scratch)
        _ = Reducer.moveOn(&state, record, .toControlNetUnit, confirmed: true)
        #expect(state.endpoint.id == "sdapi/v1/txt2img", "the row's own A1111 form, not the service's ControlNet")
        let unit = try #require(A1111ScreenFindingsTests.unit(state))
        #expect(unit["image"]?.stringValue == kept)
        #expect(!state.request.wireJSON.contains("a1111-inline:"))
    }
}
