import Testing
@testable import Model

/// One representative filled request per ready endpoint, and the exact bytes
/// zqt sends for it, reviewed against zhiqite-api.md (§1.1–1.3, §3.1, §4.1–4.4,
/// §4.7–4.11, §4.13–4.15) and the wire rules (Golden/<short>.wire.json).
@Suite struct WireGoldenTests {
    struct Sample: Sendable, CustomTestStringConvertible {
        let golden: String
        let request: @Sendable () -> Request
        var testDescription: String { golden }
    }

    static func endpoint(_ id: String) -> Endpoint {
        guard let found = EndpointCatalog.shipped.endpoint(id: id) else {
            Issue.record("the shipped catalog has no \(id)")
            return EndpointCatalog.shipped.resolve(id)
        }
        return found
    }

    static func filled(_ id: String, taskID: String, _ values: [(String, JSONValue)]) -> Request {
        var request = Request.new(for: endpoint(id), taskID: taskID)
        for (path, value) in values { request[path] = value }
        return request
    }

    static let text2Image = Sample(golden: "text2image.wire.json") {
        filled("sd/v2/text2image", taskID: "zqt-20261125-120000-000-t2ia", [
            ("prompt", .string("a lighthouse at dusk, volumetric light, 一座灯塔")),
            ("negative_prompt", .string("lowres, bad anatomy, watermark")),
            ("sampler_index", .string("Euler a")),
            ("steps", .int(30)),
            ("cfg_scale", .double(7.5)),
            ("seed", .int(123456789)),
            ("width", .int(512)),
            ("height", .int(768)),
            ("batch_size", .int(2)),
            ("enable_hr", .bool(true)),
            ("hr_scale", .int(2)),
            ("hr_upscaler", .string("R-ESRGAN 4x+")),
            ("hr_second_pass_steps", .int(15)),
            ("hr_resize_x", .int(1024)),
            ("hr_resize_y", .int(1536)),
            ("denoising_strength", .double(0.45)),
            ("alwayson_scripts.sd_model_checkpoint", .string("revAnimated_v122_7371.safetensors")),
            ("alwayson_scripts.sd_vae", .string("vae-ft-mse-840000-ema-pruned.vae.pt")),
            ("alwayson_scripts.override_settings", .object([(key: "CLIP_stop_at_last_layers", value: .int(2))])),
            ("alwayson_scripts.output_image_format", .string("png")),
        ])
    }

    static let image2Image = Sample(golden: "image2image.wire.json") {
        filled("sd/v2/image2image", taskID: "zqt-20261125-120000-001-i2ia", [
            ("prompt", .string("the same room, repainted in warm autumn colours")),
            ("alwayson_scripts.image_link", .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Input/room.png")),
            ("alwayson_scripts.mask_link", .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Input/room-mask.png")),
            ("denoising_strength", .double(0.6)),
            ("resize_mode", .int(1)),
            // A seed typed as text, as the docs' examples send it (wire rule 4).
            ("seed", .string("777")),
            ("mask_blur", .int(4)),
            ("inpainting_fill", .int(1)),
            ("inpaint_full_res", .bool(true)),
            ("inpaint_full_res_padding", .int(32)),
            ("inpainting_mask_invert", .int(0)),
            ("initial_noise_multiplier", .double(1)),
            ("image_cfg_scale", .double(1.5)),
            ("alwayson_scripts.sd_model_checkpoint", .string("photon_v1_84728.safetensors")),
            ("alwayson_scripts.ADetailer", .object([(key: "args", value: .array([.object([
                (key: "ad_model", value: .string("face_yolov8n.pt")),
                (key: "ad_prompt", value: .string("detailed face")),
                (key: "ad_denoising_strength", value: .double(0.4)),
            ])]))])),
        ])
    }

    static let controlNet = Sample(golden: "controlnet.wire.json") {
        let unit = ControlNetGroup.unit("canny", [
            ("image_link", .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Input/edges.png")),
            ("weight", .double(0.8)),
            ("guidance_end", .double(0.9)),
        ])
        return filled("sd/v2/controlnet", taskID: "zqt-20261125-120000-002-cnta", [
            ("prompt", .string("a glass teapot on a wooden table")),
            ("seed", .int(-1)),
            ("alwayson_scripts.sd_model_checkpoint", .string("revAnimated_v122_7371.safetensors")),
            ("alwayson_scripts.controlnet.args", .array([unit])),
        ])
    }

    static let flux = Sample(golden: "flux.wire.json") {
        filled("tool/comfyui/text2image", taskID: "zqt-20261125-120000-003-flxa", [
            ("comfyTaskType", .string("Flux1DevFP8")),
            ("prompt", .string("blue sea, light yellow moon")),
            ("width", .int(1024)),
            ("height", .int(768)),
            ("steps", .int(20)),
        ])
    }

    static let promptExpansion = Sample(golden: "prompt-expand.wire.json") {
        filled("tool/prompts/expand", taskID: "zqt-20261125-120000-004-expa", [
            ("mode", .int(1)),
            ("sourcePrompt", .string("a girl")),
            ("topK", .int(50)),
            ("temperature", .double(0.8)),
            ("sequencesNum", .int(3)),
        ])
    }

    static let faceSwap = Sample(golden: "faceswap.wire.json") {
        filled("tool/roop", taskID: "zqt-20261125-120000-005-roop", [
            ("sourceUrl", .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Output-Img2/dalle_face.png")),
            ("targetUrl", .string("https://aigcoss.zhiqiteai.cn/Output-Img2/bbbb/test_image.PNG")),
        ])
    }

    static let faceSwapV2 = Sample(golden: "faceswap2.wire.json") {
        filled("tool/v2/roop", taskID: "zqt-20261125-120000-006-rop2", [
            ("sourceUrl", .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Output-Img2/dalle_face.png")),
            ("targetUrl", .string("https://aigcoss.zhiqiteai.cn/Output-Img2/bbbb/test_image.PNG")),
            // Typed as a number, sent as the text §4.3 types it (§A2).
            ("fidelityWeight", .double(0.6)),
        ])
    }

    static let instantID = Sample(golden: "instantid.wire.json") {
        filled("tool/instantID", taskID: "zqt-20261125-120000-007-inid", [
            ("image", .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Output-Img2/dalle_face.png")),
            ("prompt", .string("Cute ceramic doll")),
            ("negativePrompt", .string("lowres, blurry")),
            ("steps", .int(30)),
            ("guidanceScale", .double(1.5)),
            ("seed", .int(1)),
        ])
    }

    static let imageDescription = Sample(golden: "describe.wire.json") {
        filled("tool/interrogate", taskID: "zqt-20261125-120000-008-desc", [
            ("image", .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Output-Img2/111.png")),
            ("model", .string("deepdanbooru")),
        ])
    }

    static let multipleFaceSwap = Sample(golden: "faceswap-multi.wire.json") {
        filled("tool/face/fusion", taskID: "zqt-20261125-120000-009-fusn", [
            ("sourceUrl", .array([.string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Input/face-left.png"),
                                  .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Input/face-right.png")])),
            ("targetUrl", .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Input/two-people.png")),
            ("faceIdx", .int(2)),
            // A callback is sent when set (§0.5); zqt polls all the same.
            ("callbackUrl", .string("https://ic-pre.un.com/AIGCImgComServ/drawing/task/callback/tool/v1")),
        ])
    }

    static let faceDetection = Sample(golden: "faces.wire.json") {
        filled("tool/face/detection", taskID: "zqt-20261125-120000-010-face", [
            ("imageUrl", .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Input/two-people.png")),
        ])
    }

    static let hairstyle = Sample(golden: "hair.wire.json") {
        filled("tool/hair/change", taskID: "zqt-20261125-120000-011-hair", [])
    }

    static let styleRecognition = Sample(golden: "style.wire.json") {
        filled("tool/identifyStyle", taskID: "zqt-20261125-120000-012-styl", [
            // §A11: the example's URL holds a literal space; a URL sent escapes it.
            ("sourceImage", .string("https://aigcoss.zhiqiteai.cn/api-model-file/lora-img-file/jk%20fashion_v2_130370.png")),
        ])
    }

    static let outpainting = Sample(golden: "outpaint.wire.json") {
        filled("tool/imgExpand", taskID: "zqt-20261125-120000-013-xpnd", [
            ("sourceImage", .string("https://aigcoss.zhiqiteai.cn/Output-Img2/bbbb/test_image.PNG")),
            ("prompt", .string("a wide beach at sunset")),
            ("imageCount", .int(2)),
            ("verticalExpansionRatio", .double(1.5)),
            ("horizontalExpansionRatio", .double(2)),
            ("sampleStep", .int(30)),
            ("sampler", .string("Euler a")),
            ("seed", .int(-1)),
        ])
    }

    static let cntPreview = Sample(golden: "cnt-preview.wire.json") {
        filled("tool/cnt/preview", taskID: "zqt-20261125-120000-014-cntp", [
            ("sourceImage", .string("https://aigcoss.zhiqiteai.cn/Output-Img2/bbbb/test_image.PNG")),
            ("preprocessor", .string("depth_midas")),
        ])
    }

    static let training = Sample(golden: "training.wire.json") {
        filled("modelTraining/submitTraining/Job", taskID: "zqt-20261125-120000-015-trai", [
            ("fileUrlList", .array((1...10).map { .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Input/lora/subject-\($0).png") })),
            ("pretrainedModel", .string("photon_v1_84728.safetensors")),
            ("learningRate", .string("0.0001")),
            ("randomCrop", .int(0)),  // §A7: the example's integer for a boolean, sent as false
            ("optimizerType", .string("Lion")),
            ("networkDim", .int(128)),
            ("textEncoderLr", .string("5e-05")),
        ])
    }

    // An AUTOMATIC1111 server's endpoints (issue 20): A1111's own keys (models.py), a checkpoint for this
    // request only in override_settings, a ControlNet unit's picture inline under `image`.
    static let a1111Text2Image = Sample(golden: "a1111-txt2img.wire.json") {
        let group = endpoint("sdapi/v1/txt2img").groupFields[0].groupSpec!
        var unit = group.newItem(preset: group.presets?.preset(named: "canny"), family: .unknown)
        unit.set(.string("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg=="), at: "image")
        unit.set(.double(0.8), at: "weight")
        return filled("sdapi/v1/txt2img", taskID: "zqt-20261206-120000-020-a1tx", [
            ("prompt", .string("a lighthouse at dusk, volumetric light")),
            ("negative_prompt", .string("lowres, watermark")),
            ("sampler_name", .string("DPM++ 2M")),
            ("scheduler", .string("Karras")),
            ("steps", .int(20)),
            ("seed", .int(1234)),
            ("width", .int(768)),
            ("height", .int(512)),
            ("batch_size", .int(2)),
            ("enable_hr", .bool(true)),
            ("hr_scale", .double(1.5)),
            ("hr_upscaler", .string("Latent")),
            ("denoising_strength", .double(0.55)),
            ("refiner_checkpoint", .string("sd_xl_refiner_1.0.safetensors")),
            ("refiner_switch_at", .double(0.8)),
            ("override_settings.sd_model_checkpoint", .string("sd_xl_base_1.0.safetensors [31e35c80fc]")),
            ("alwayson_scripts.controlnet.args", .array([unit])),
        ])
    }

    static let a1111Image2Image = Sample(golden: "a1111-img2img.wire.json") {
        filled("sdapi/v1/img2img", taskID: "zqt-20261206-120000-021-a1im", [
            ("prompt", .string("the same lighthouse in winter")),
            ("init_images", .array([.string("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==")])),
            ("denoising_strength", .double(0.6)),
            ("resize_mode", .int(1)),
            ("mask", .string("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAW2SDYwAAAABJRU5ErkJggg==")),
            ("mask_blur", .int(8)),
            ("inpainting_fill", .int(1)),
            ("inpaint_full_res", .bool(true)),
            ("steps", .int(25)),
        ])
    }

    static let a1111Extras = Sample(golden: "a1111-extras.wire.json") {
        filled("sdapi/v1/extra-single-image", taskID: "zqt-20261206-120000-022-a1ex", [
            ("image", .string("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==")),
            ("upscaling_resize", .int(4)),
            ("upscaler_1", .string("R-ESRGAN 4x+")),
            ("codeformer_visibility", .double(0.5)),
        ])
    }

    static let a1111Interrogate = Sample(golden: "a1111-interrogate.wire.json") {
        filled("sdapi/v1/interrogate", taskID: "zqt-20261206-120000-023-a1in", [
            ("image", .string("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==")),
            ("model", .string("deepdanbooru")),
        ])
    }

    static let a1111PNGInfo = Sample(golden: "a1111-png-info.wire.json") {
        filled("sdapi/v1/png-info", taskID: "zqt-20261206-120000-024-a1pn", [
            ("image", .string("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==")),
        ])
    }

    static let samples = [text2Image, image2Image, controlNet, flux, promptExpansion, faceSwap, faceSwapV2, instantID, imageDescription,
                          multipleFaceSwap, faceDetection, hairstyle, styleRecognition, outpainting, cntPreview, training,
                          a1111Text2Image, a1111Image2Image, a1111Extras, a1111Interrogate, a1111PNGInfo]

    @Test func everyReadyEndpointHasASample() {
        let ready = Set(EndpointCatalog.shipped.endpoints.filter(\.ready).map(\.id))
        #expect(Set(Self.samples.map { $0.request().endpoint.id }) == ready)
    }

    @Test(arguments: samples)
    func theWireIsTheReviewedGolden(sample: Sample) throws {
        let wire = sample.request().wireJSON
        let matches = try GoldenFile.matches(wire, sample.golden)
        #expect(matches, "\(sample.golden): \(GoldenFile.firstDifference(wire, (try? GoldenFile.text(sample.golden)) ?? ""))")
    }

    @Test(arguments: samples)
    func theSampleIsValid(sample: Sample) {
        #expect(RequestValidator.validate(sample.request()).isEmpty, "\(RequestValidator.validate(sample.request()))")
    }

    @Test(arguments: samples)
    func theWireReadsBackAsItselfWithoutNotes(sample: Sample) throws {
        let request = sample.request()
        let again = try Request.decode(json: request.wireJSON, for: request.endpoint)
        #expect(again.notes.isEmpty, "\(again.notes)")
        #expect(again.request.wireJSON == request.wireJSON)
    }

    /// Wire rules 3–8, checked on the value as well as by the reviewed bytes.
    @Test(arguments: samples)
    func theWireRulesHold(sample: Sample) throws {
        let request = sample.request()
        let wire = request.wireValue
        let text = request.wireJSON
        #expect(!text.contains("null"), "nothing is sent as null")
        func walk(_ value: JSONValue) -> Bool {
            switch value {
            case .null: return false
            case let .array(items): return items.allSatisfy(walk)
            case let .object(members): return members.allSatisfy { walk($0.value) }
            default: return true
            }
        }
        #expect(walk(wire))
        switch request.endpoint.family.name {
        case "sd":
            if let seed = wire["seed"] { #expect(seed == .int(seed.numberValue.map { Int($0) } ?? .min), "rule 4: seed is an integer") }
            if let mode = wire["resize_mode"] { #expect(mode == .int(mode.numberValue.map { Int($0) } ?? .min), "rule 5: an integer") }
            let nested = ["sd_model_checkpoint", "id_task", "sd_vae", "image_link", "override_settings", "output_image_format",
                          "controlnet", "mask_link", "ADetailer"]
            for key in nested { #expect(wire[key] == nil, "rule 3: \(key) is not top level") }
            #expect(wire.objectValue?.last?.key == "alwayson_scripts")
            #expect(wire.value(at: "alwayson_scripts.id_task") == .string(request.taskID), "rule 8")
            for unit in wire.value(at: "alwayson_scripts.controlnet.args")?.arrayValue ?? [] {
                #expect(unit["enabled"] != nil, "rule 6")
                #expect(unit["resize_mode"]?.stringValue != nil && unit["control_mode"]?.stringValue != nil, "rule 5")
            }
        case "tool":
            #expect(wire["businessTaskId"] == .string(request.taskID), "rule 8: businessTaskId, top level, where §4's table lists it")
            #expect(wire["alwayson_scripts"] == nil && wire["id_task"] == nil)
        case "training":
            #expect(wire.objectValue?.first?.key == "taskId" && wire["taskId"] == .string(request.taskID), "§3.1, §A5")
            #expect(wire["businessTaskId"] == nil && wire["alwayson_scripts"] == nil)
        case "a1111":
            // A1111's own keys: the zhiqite routing (id_task, sd_model_checkpoint in alwayson_scripts) never goes there.
            #expect(wire["force_task_id"] == .string(request.taskID), "zqt's id for the job (models.py, 1.7+)")
            #expect(wire.value(at: "alwayson_scripts.id_task") == nil && wire.value(at: "alwayson_scripts.sd_model_checkpoint") == nil)
            #expect(wire["sampler_index"] == nil, "sampler_name, the key A1111 reads first")
            for unit in wire.value(at: "alwayson_scripts.controlnet.args")?.arrayValue ?? [] {
                #expect(unit["image"]?.stringValue != nil && unit["image_link"] == nil, "a unit's picture inline under image")
            }
        default:
            Issue.record("a family the shipped catalog should not have: \(request.endpoint.family.name)")
        }
        // Keys in the endpoint's documented (wire) order.
        let order = request.endpoint.fields.map(\.path)
        func position(_ path: String) -> Int {
            order.firstIndex(of: path) ?? order.firstIndex { $0.hasPrefix(path + ".") } ?? Int.max
        }
        let top = wire.objectValue?.map(\.key) ?? []
        #expect(top.map(position) == top.map(position).sorted(), "\(top)")
        let scripts = wire["alwayson_scripts"]?.objectValue?.map { "alwayson_scripts." + $0.key } ?? []
        #expect(scripts.map(position) == scripts.map(position).sorted(), "\(scripts)")
    }

    @Test func aFreshTextToImageSendsTheDocumentedShapeWithoutAnyUserValue() {
        let wire = Request.new(for: .text2Image, taskID: "t").wireValue
        #expect(wire["prompt"] == .string(""))
        #expect(wire["batch_size"] == .int(1), "required (§1.1), so always written")
        #expect(wire["seed"] == .int(-1))
        #expect(wire["hr_resize_x"] == nil && wire["hr_upscaler"] == nil && wire["denoising_strength"] == nil)
    }

    @Test func infiniteOrHugeNumbersNeverBecomeNullOnTheWire() throws {
        // 1e400 is beyond a Double: JSON has no way to write it, and null is never sent,
        // so such a request is refused when read, with the number named.
        do {
            _ = try Request.decode(json: #"{"prompt": "p", "cfg_scale": 1e400, "hr_scale": -1e400}"#, for: .text2Image)
            Issue.record("a number beyond Double was read")
        } catch {
            #expect("\(error)".contains("number out of range '1e400'"), "\(error)")
        }
    }
}

/// What a request's results will look like (RequestShape.swift).
@Suite struct RequestShapeTests {
    @Test func outputSizeFollowsHiResSettings() {
        var request = Request.new(for: .text2Image, taskID: "t")
        request["width"] = .int(512)
        request["height"] = .int(768)
        #expect(request.outputSize == (512, 768))
        request["enable_hr"] = .bool(true)
        #expect(request.outputSize == (1024, 1536), "hr_scale 2 by default")
        request["hr_resize_x"] = .int(1000)
        #expect(request.outputSize == (1000, 1500), "one target keeps the aspect ratio")
        request["hr_resize_y"] = .int(640)
        #expect(request.outputSize == (1000, 640), "wire rule 7: x the width, y the height")
    }

    @Test func aToolWithoutASizeAnswersTheUsualSquare() throws {
        let expand = try #require(EndpointCatalog.shipped.endpoint(named: "expand"))
        #expect(Request.new(for: expand, taskID: "t").outputSize == (1024, 1024))
        var flux = Request.new(for: try #require(EndpointCatalog.shipped.endpoint(named: "flux")), taskID: "t")
        flux["width"] = .int(768)
        flux["height"] = .int(512)
        #expect(flux.outputSize == (768, 512))
    }

    @Test func theSeedIsReadByItsRole() {
        var request = Request.new(for: .controlNet, taskID: "t")
        #expect(request.seed == -1)
        request["seed"] = .string("1221212")
        #expect(request.seed == 1221212, "wire rule 4: a string seed is read as the integer it holds")
    }
}
