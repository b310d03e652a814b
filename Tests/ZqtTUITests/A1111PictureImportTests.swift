// A1111 pictures read back as requests, as a user meets them (issue 20,
// fix20b): a web UI PNG made with ControlNet keeps its unit, and a copy zqt
// kept of an A1111 result is sent to a zhiqite server the command names.

import Foundation
import TestScratch
import Model
import Sandbox
import Testing

@Suite(.serialized) struct A1111PictureImportTests {
    /// The infotext the web UI writes with one ControlNet unit (sd-webui-controlnet's
    /// infotext.py: the unit's fields in one quoted value), and a key no unit field takes.
    static let withControlNet = "a fox\nNegative prompt: rain\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 5, Size: 512x768, "
        + "Model: dream, ControlNet 0: \"Module: canny, Model: control_v11p_sd15_canny [d14c016b], Weight: 1.0, Resize Mode: Crop and Resize, "
        + "Low Vram: False, Processor Res: 512, Threshold A: 100.0, Threshold B: 200.0, Guidance Start: 0.0, Guidance End: 1.0, "
        + "Pixel Perfect: False, Control Mode: Balanced, Frobnicate: 3\", Version: v1.10.1"

    static func picture(in scratch: Scratch, _ text: String) throws -> String {
        let png = try PNGText.inserting([PNGText.Entry(keyword: A1111Parameters.keyword, text: text)],
                                        into: PNGImage.render(width: 8, height: 8, seed: 1))
        let path = scratch.path("zqt-a1111-import", suffix: ".png")
        try Data(png).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aWebUIPictureMadeWithControlNetKeepsItsUnitInEitherKindsForm() throws {
        let catalog = EndpointCatalog.shipped
        let png = try PNGText.inserting([PNGText.Entry(keyword: A1111Parameters.keyword, text: Self.withControlNet)],
                                        into: PNGImage.render(width: 8, height: 8, seed: 1))
        let expected: [(String, JSONValue)] = [("module", .string("canny")), ("model", .string("control_v11p_sd15_canny [d14c016b]")),
                                               ("resize_mode", .string("Crop and Resize")), ("low_vram", .bool(false)),
                                               ("processor_res", .int(512)), ("pixel_perfect", .bool(false)),
                                               ("control_mode", .string("Balanced")), ("enabled", .bool(true))]
        let numbers: [(String, Double)] = [("weight", 1), ("threshold_a", 100), ("threshold_b", 200), ("guidance_start", 0), ("guidance_end", 1)]
        // `L` under a zhiqite endpoint: zhiqite's ControlNet request; under an A1111 one: its txt2img with the unit.
        let txt2img = try #require(catalog.endpoint(id: "sdapi/v1/txt2img"))
        for current in [catalog.controlNet, txt2img] {
            let read = try PictureRequest.read(png, sidecar: nil, catalog: catalog, current: current, taskID: "zqt-cn").get()
            #expect(read.request.endpoint.id == (current == txt2img ? "sdapi/v1/txt2img" : "sd/v2/controlnet"))
            let unit = try #require(read.request.wireValue["alwayson_scripts"]?["controlnet"]?["args"]?.arrayValue?.first,
                                    "\(read.request.wireJSON)")
            for (key, value) in expected { #expect(unit[key] == value, "\(key): \(read.request.wireJSON)") }
            for (key, value) in numbers { #expect(unit[key]?.numberValue == value, "\(key): \(read.request.wireJSON)") }
            let notes = read.notes.map(\.message)
            #expect(notes.contains("unit 1's control image was not kept in the picture: choose one"), "\(notes)")
            #expect(notes.contains("A1111's ControlNet 0 Frobnicate: 3 has no field in zqt; left out"), "\(notes)")
            #expect(!notes.contains { $0.contains("Module: canny") }, "the unit is read, not left out: \(notes)")
            #expect(read.request["prompt"] == .string("a fox") && read.request["seed"] == .int(5))
        }
    }

    @Test func sendFromImageOfAControlNetPictureSaysTheUnitsImageIsToBeChosen() throws {
        let scratch = Scratch()
        let picture = try Self.picture(in: scratch, Self.withControlNet)
        let home = scratch.path("zqt-a1111-import-home")
        let read = try ZqtBinary.run(["validate", "--from-image", picture, "--sandbox"], environment: ["ZQT_HOME": home])
        #expect(read.stderr.contains("unit 1's control image was not kept in the picture: choose one"), "\(read.stderr)")
        #expect(!read.stderr.contains("Module: canny"), "\(read.stderr)")
        #expect(read.stdout.contains("\"module\": \"canny\"") && read.stdout.contains("control_v11p_sd15_canny [d14c016b]"), "\(read.stdout)")
    }

    @Test func aKeptCopyOfAnA1111ResultIsSentToTheZhiqiteSandboxTheCommandNames() async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = scratch.path("zqt-a1111-import-home")
            let body = scratch.path("zqt-a1111-import", suffix: ".json")
            try #"{"prompt": "a lighthouse", "steps": 3, "width": 64, "height": 64, "seed": 5, "sampler_name": "Euler a"}"#
                .write(toFile: body, atomically: true, encoding: .utf8)
            let sent = try ZqtBinary.run(["send", body, "--endpoint", "txt2img", "--sandbox", "--api", "a1111"], environment: ["ZQT_HOME": home],
                                         timeout: 120)
            #expect(sent.status == 0, "\(sent.stdout)\n\(sent.stderr)")
            let kept = try #require(sent.stdout.range(of: "kept in ").map { String(sent.stdout[$0.upperBound...].prefix { $0 != "\n" }) })
            // Before: "txt2img is an endpoint of an AUTOMATIC1111 server …", exit 2, with --endpoint text2image too.
            for extra in [[], ["--endpoint", "text2image"]] {
                let again = try ZqtBinary.run(["send", "--from-image", kept, "--sandbox", "--no-wait"] + extra, environment: ["ZQT_HOME": home],
                                              timeout: 120)
                #expect(again.status == 0, "\(extra): \(again.stdout)\n\(again.stderr)")
                #expect(!again.stderr.contains("AUTOMATIC1111 server"), "\(extra): \(again.stderr)")
            }
        }
    }
}
