// Issue 20's leftovers in the Model layer: a saved copy's `parameters` names
// the request's ControlNet units as the extension writes them, and reads
// back (the web UI's PNG Info, `L`); a custom request's `sdapi/` path is the
// service's, not an A1111 server's.

import Testing
@testable import Model

@Suite struct A1111Leftovers20ModelTests {
    static let a1111Body = """
    {"prompt": "a lighthouse", "steps": 20, "sampler_name": "Euler a", "cfg_scale": 7, "width": 512, "height": 512,
     "override_settings": {"sd_model_checkpoint": "v1-5-pruned-emaonly.safetensors"},
     "alwayson_scripts": {"controlnet": {"args": [
       {"enabled": true, "module": "canny", "model": "control_v11p_sd15_canny [d14c016b]", "weight": 0.8,
        "resize_mode": 1, "processor_res": 512, "threshold_a": 100, "threshold_b": 200,
        "guidance_start": 0, "guidance_end": 1, "pixel_perfect": false, "control_mode": 0, "image": "iVBORw0KGgo="},
       {"enabled": false, "module": "depth", "model": "control_v11f1p_sd15_depth"},
       {"enabled": true, "module": "openpose", "model": "control_v11p_sd15_openpose", "weight": 1,
        "threshold_a": -1, "control_mode": "My prompt is more important"}]}}}
    """

    @Test func anA1111PicturesParametersNameItsUnitsAsTheExtensionWritesThem() throws {
        let txt2img = try #require(EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img"))
        let entries = PictureRequest.entries(endpoint: txt2img, requestJSON: Self.a1111Body, seed: 77)
        let parameters = try #require(entries.first { $0.keyword == A1111Parameters.keyword }?.text)
        #expect(parameters.contains(#"ControlNet 0: "Module: canny, Model: control_v11p_sd15_canny [d14c016b], Weight: 0.8, "#
                                    + #"Resize Mode: Crop and Resize, Processor Res: 512, Threshold A: 100, Threshold B: 200, "#
                                    + #"Guidance Start: 0, Guidance End: 1, Pixel Perfect: False, Control Mode: Balanced""#), "\(parameters)")
        // A disabled unit is not written; a hidden slider (-1) is left out; units are counted as written.
        #expect(parameters.contains(#"ControlNet 1: "Module: openpose, Model: control_v11p_sd15_openpose, Weight: 1, "#
                                    + #"Control Mode: My prompt is more important""#), "\(parameters)")
        #expect(!parameters.contains("depth") && !parameters.contains("ControlNet 2") && !parameters.contains("iVBOR"), "\(parameters)")
        #expect(parameters.contains("Seed: 77") && parameters.contains("Model: v1-5-pruned-emaonly"), "\(parameters)")

        // Read back as A1111's PNG Info and `L` read it: a picture carrying nothing but these parameters.
        let png = try PNGText.inserting([PNGText.Entry(keyword: A1111Parameters.keyword, text: parameters)],
                                        into: PictureRequestTests.tinyPNG())
        let loaded = try PictureRequest.read(png, sidecar: nil, catalog: .shipped, current: txt2img, taskID: "zqt-back").get()
        let units = try #require(loaded.request["alwayson_scripts.controlnet.args"]?.arrayValue, "\(loaded.request.wireJSON)")
        #expect(units.count == 2, "\(loaded.request.wireJSON)")
        #expect(units.first?["module"] == .string("canny") && units.first?["weight"]?.numberValue == 0.8, "\(units)")
        #expect(units.first?["model"] == .string("control_v11p_sd15_canny [d14c016b]"), "\(units)")
        #expect(units.first?["processor_res"]?.numberValue == 512 && units.first?["threshold_b"]?.numberValue == 200, "\(units)")
        #expect(units.last?["module"] == .string("openpose"), "\(units)")
    }

    @Test func aServersOwnParametersAreKeptNotWrittenTwiceAndAMapGetsNone() throws {
        let txt2img = try #require(EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img"))
        let servers = [PNGText.Entry(keyword: A1111Parameters.keyword, text: "a lighthouse\nSteps: 20, Seed: 77, Version: v1.10.1")]
        let kept = PictureRequest.entries(endpoint: txt2img, requestJSON: Self.a1111Body, seed: 77, existing: servers)
        #expect(kept.map(\.keyword) == [PictureRequest.requestKeyword, PictureRequest.endpointKeyword])
        // A ControlNet map has no seed: it is no picture the parameters made.
        let map = PictureRequest.entries(endpoint: txt2img, requestJSON: Self.a1111Body, seed: nil)
        #expect(!map.contains { $0.keyword == A1111Parameters.keyword })
    }

    @Test func aZhiqiteControlNetCopyNamesItsUnitsToo() throws {
        let controlNet = EndpointCatalog.shipped.controlNet
        let entries = PictureRequest.entries(endpoint: controlNet, requestJSON: BundledExamples.controlNetJSON, seed: 5)
        let parameters = try #require(entries.first { $0.keyword == A1111Parameters.keyword }?.text)
        #expect(parameters.contains(#"ControlNet 0: "Module: inpaint_global_harmonious, Model: control_v1p_sd15_brightness, Weight: 0.7, "#
                                    + #"Resize Mode: Crop and Resize, Processor Res: 512, Threshold A: 64, Threshold B: 64, "#
                                    + #"Guidance Start: 0.35, Guidance End: 0.75, Pixel Perfect: True, Control Mode: Balanced""#),
                "\(parameters)")
        #expect(A1111Parameters.parse(parameters).controlNetUnits.count == 1)
    }

    @Test func aCustomRequestsSdapiPathIsTheServicesNotAnA1111Servers() {
        // The profile's kind says where a request goes; a custom request is always the service's (docs/a1111.md).
        let custom = CustomEndpoint.endpoint(path: "sdapi/v1/txt2img")
        #expect(custom.server == .zhiqite)
        #expect(custom.family != .a1111)
        #expect(custom.path == "/AIGCImgOpenServ/saas/sdapi/v1/txt2img")
        #expect(CustomEndpoint.family(ofPath: "sdapi/v1/anything") == nil)
        // A path that names a zhiqite family still takes it.
        #expect(CustomEndpoint.family(ofPath: "tool/faceRestore")?.name == "tool")
    }
}
