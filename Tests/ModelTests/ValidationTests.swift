import Foundation
import Testing
@testable import Model

@Suite struct ValidationTests {
    static let flux = EndpointCatalog.shipped.endpoint(id: "tool/comfyui/text2image")!
    static let expand = EndpointCatalog.shipped.endpoint(id: "tool/prompts/expand")!
    static let unit = "alwayson_scripts.controlnet.args[0]."

    static func example() throws -> Request {
        try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
    }

    /// The problems after `change`, by path (the first message at each path).
    static func problems(_ change: (inout Request) -> Void) throws -> [String: String] {
        var request = try example()
        change(&request)
        return byPath(RequestValidator.validate(request))
    }

    static func problems(on endpoint: Endpoint, _ values: [String: JSONValue]) -> [String: String] {
        var request = Request.new(for: endpoint, taskID: "zqt-t")
        if let prompt = endpoint.field(role: .prompt) { request[prompt.path] = .string("a cat") }
        if endpoint == .image2Image { request["alwayson_scripts.image_link"] = .string("https://example.com/in.png") }
        if endpoint != .text2Image, endpoint.family == .sd { request["alwayson_scripts.sd_model_checkpoint"] = .string("m.safetensors") }
        for (path, value) in values { request[path] = value }
        return byPath(RequestValidator.validate(request))
    }

    static func byPath(_ problems: [ValidationProblem]) -> [String: String] {
        Dictionary(problems.map { ($0.path, $0.message) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func theServiceExampleIsValid() throws {
        #expect(RequestValidator.validate(try Self.example()).isEmpty)
    }

    // MARK: The generic checks every field's spec gives

    @Test func requiredFieldsSayWhatIsMissing() throws {
        #expect(try Self.problems { $0["prompt"] = .string("  \n") }["prompt"] == "the prompt is required")
        #expect(try Self.problems { $0["prompt"] = nil }["prompt"] == "the prompt is required")
        #expect(try Self.problems { $0["alwayson_scripts.id_task"] = .string("") }["alwayson_scripts.id_task"]
                == "alwayson_scripts.id_task is required (zqt generates one; regenerate it)")
        #expect(try Self.problems { $0["alwayson_scripts.sd_model_checkpoint"] = .string("") }["alwayson_scripts.sd_model_checkpoint"]
                == "choose a checkpoint model (alwayson_scripts.sd_model_checkpoint)")
        #expect(Self.problems(on: .image2Image, ["alwayson_scripts.image_link": .string("")])["alwayson_scripts.image_link"]
                == "Input image is required: the http(s) URL of the image to start from")
        #expect(Self.problems(on: Self.flux, ["prompt": .string("")])["prompt"] == "the prompt is required")
        #expect(Self.problems(on: Self.expand, ["sourcePrompt": .string(" ")])["sourcePrompt"] == "the prompt is required")
        #expect(Self.problems(on: Self.expand, ["businessTaskId": .string("")])["businessTaskId"]
                == "businessTaskId is required (zqt generates one; regenerate it)")
    }

    @Test func wholeNumbersAreWholeNumbers() throws {
        #expect(try Self.problems { $0["steps"] = .double(2.5) }["steps"] == "Steps (steps) must be a whole number (is 2.5)")
        #expect(try Self.problems { $0["steps"] = .string("twenty") }["steps"] == "Steps (steps) must be a whole number (is a string)")
        #expect(try Self.problems { $0["steps"] = .string("30") }["steps"] == nil, "numeric text is sent as a number")
        #expect(try Self.problems { $0["steps"] = .double(30) }["steps"] == nil)
        #expect(Self.problems(on: Self.expand, ["maxTokens": .double(1.5)])["maxTokens"] == "Max tokens (maxTokens) must be a whole number (is 1.5)")
    }

    @Test func rangesNameTheBoundsAndTheValue() throws {
        #expect(try Self.problems { $0["steps"] = .int(0) }["steps"] == "Steps (steps) must be between 1 and 150 (is 0)")
        #expect(try Self.problems { $0["steps"] = .int(151) }["steps"] == "Steps (steps) must be between 1 and 150 (is 151)")
        #expect(try Self.problems { $0["cfg_scale"] = .int(31) }["cfg_scale"] == "CFG scale (cfg_scale) must be between 1 and 30 (is 31)")
        #expect(try Self.problems { $0["height"] = .int(32) }["height"] == "Height (height) must be between 64 and 2048 (is 32)")
        #expect(try Self.problems { $0["height"] = .int(4096) }["height"] != nil)
        #expect(try Self.problems { $0["n_iter"] = .int(0) }["n_iter"] != nil)
        #expect(try Self.problems { $0["batch_size"] = .int(0) }["batch_size"] == "Batch size (batch_size) must be between 1 and 8 (is 0)")
        #expect(try Self.problems { $0["hr_scale"] = .double(4.5) }["hr_scale"] == "Upscale by (hr_scale) must be between 1 and 4 (is 4.5)")
        #expect(try Self.problems { $0["denoising_strength"] = .double(1.2) }["denoising_strength"] != nil)
        #expect(Self.problems(on: Self.expand, ["topP": .int(0)])["topP"] == "Top p (topP) must be between 0.01 and 1 (is 0)")
        #expect(Self.problems(on: Self.expand, ["topK": .int(251)])["topK"] == "Top k (topK) must be between 0 and 250 (is 251)")
        #expect(Self.problems(on: Self.expand, ["topP": .string("high")])["topP"] == "Top p (topP) must be a number (is a string)")
        #expect(Self.problems(on: Self.flux, ["fluxGuidance": .double(10.5)])["fluxGuidance"]
                == "Guidance (fluxGuidance) must be between 0 and 10 (is 10.5)")
    }

    @Test func sizesAreMultiplesOfEightWithTheNearestOnesOffered() throws {
        #expect(try Self.problems { $0["width"] = .int(770) }["width"] == "Width (width) must be a multiple of 8 (is 770; try 768 or 776)")
        #expect(Self.problems(on: Self.flux, ["height": .int(1001)])["height"]
                == "Height (height) must be a multiple of 8 (is 1001; try 1000 or 1008)")
        #expect(try Self.problems { $0["width"] = .int(2048) }["width"] == nil)
    }

    @Test func linksMustBeWebAddresses() throws {
        let link = "alwayson_scripts.image_link"
        #expect(try Self.problems { $0[link] = .string("ftp://x/y.png") }[link] == "must be an http:// or https:// URL (is ftp:)")
        #expect(try Self.problems { $0[link] = .string("not a url") }[link] == "not a URL: expected http://… or https://…")
        #expect(try Self.problems { $0[link] = .string("https://") }[link] == "the URL has no host")
        #expect(try Self.problems { $0[link] = .int(5) }[link] != nil)
        #expect(Self.problems(on: Self.flux, ["callbackUrl": .string("file:///tmp/x")])["callbackUrl"] == "must be an http:// or https:// URL (is file:)")
        #expect(Self.problems(on: Self.flux, ["callbackUrl": .string("")]).isEmpty, "an empty optional link is no link")
    }

    @Test func objectsMustBeJSONObjects() throws {
        let path = "alwayson_scripts.override_settings"
        #expect(try Self.problems { $0[path] = .string("{oops") }[path]
                == "Override settings (alwayson_scripts.override_settings) must be a JSON object like {\"key\": value}, not a string")
        #expect(try Self.problems { $0[path] = .array([]) }[path] != nil)
        #expect(Self.problems(on: .image2Image, ["alwayson_scripts.ADetailer": .array([.bool(true)])])["alwayson_scripts.ADetailer"]
                == "ADetailer (alwayson_scripts.ADetailer) must be a JSON object like {\"key\": value}, not an array")
    }

    @Test func fixedChoicesListWhatIsOffered() throws {
        #expect(try Self.problems { $0["resize_mode"] = .int(7) }["resize_mode"]
                == "Resize mode (resize_mode) must be one of: 0 just resize, 1 crop and resize, 2 resize and fill, 3 just resize (latent upscale)")
        #expect(try Self.problems { $0["resize_mode"] = .string("2") }["resize_mode"] == nil, "\"2\" is the option 2")
        #expect(Self.problems(on: Self.flux, ["comfyTaskType": .string("Flux2Pro")])["comfyTaskType"]
                == "Workflow (comfyTaskType) must be one of: Flux1SchnellFP8, Flux1DevFP8")
        #expect(Self.problems(on: Self.expand, ["mode": .int(2)])["mode"] == "Mode (mode) must be one of: 0 SD, 1 SDXL")
        #expect(Self.problems(on: Self.expand, ["mode": .string("1 SDXL")])["mode"] == nil, "an option's label picks it")
        // A free-text choice (sampler) takes any name, but only as text.
        #expect(try Self.problems { $0["sampler_index"] = .string("My Sampler") }["sampler_index"] == nil)
        #expect(try Self.problems { $0["sampler_index"] = .int(3) }["sampler_index"] == "Sampler (sampler_index) must be text, not a number")
        #expect(try Self.problems { $0["restore_faces"] = .string("yes") }["restore_faces"]
                == "Restore faces (restore_faces) must be on or off (true or false), not a string")
    }

    // MARK: The named rules

    @Test func aTaskIDHoldsOnlyWhatTheServiceTakes() throws {
        let allowed = "may hold only letters a–z and A–Z, digits, - and _"
        #expect(try Self.problems { $0.taskID = "my task" }["alwayson_scripts.id_task"] == "alwayson_scripts.id_task \(allowed) (not a space)")
        #expect(Self.problems(on: Self.flux, ["businessTaskId": .string("a\tb")])["businessTaskId"] == "businessTaskId \(allowed) (not a tab)")
        // Issue 19: a slash, a quote, a letter outside ASCII, a control character (named, never printed raw).
        #expect(try Self.problems { $0.taskID = "run/1" }["alwayson_scripts.id_task"] == "alwayson_scripts.id_task \(allowed) (not \"/\")")
        #expect(try Self.problems { $0.taskID = "猫-1" }["alwayson_scripts.id_task"] == "alwayson_scripts.id_task \(allowed) (not \"猫\")")
        #expect(try Self.problems { $0.taskID = "a\u{1B}[2J" }["alwayson_scripts.id_task"] == "alwayson_scripts.id_task \(allowed) (not U+001B)")
        #expect(Self.problems(on: Self.flux, ["businessTaskId": .string("B-0001")])["businessTaskId"] == nil, "the docs' own example")
        #expect(try Self.problems { $0.taskID = "pro_1686666" }.isEmpty)
        #expect(try Self.problems { $0.taskID = TaskIDGenerator.shared.next() }.isEmpty)
    }

    @Test func aSeedIsMinusOneOrNotNegative() throws {
        let found = try Self.problems { $0["seed"] = .int(-5) }
        #expect(found["seed"] != nil)
        let messages = RequestValidator.validate(try { var r = try Self.example(); r["seed"] = .int(-5); return r }())
            .filter { $0.path == "seed" }.map(\.message)
        #expect(messages.contains("seed must be -1 (random) or a non-negative number (is -5)"))
        #expect(messages.count == 1, "one message for one field: \(messages)")
        #expect(try Self.problems { $0["seed"] = .int(-1) }["seed"] == nil)
        #expect(try Self.problems { $0["seed"] = .string("-1") }["seed"] == nil, "wire rule 4")
        #expect(try Self.problems { $0["seed"] = .int(4_294_967_295) }["seed"] == nil)
    }

    @Test func theHiResTargetIsZeroOrASizeInSteps() throws {
        #expect(try Self.problems { $0["hr_resize_x"] = .int(0) }["hr_resize_x"] == nil, "0 = use hr_scale")
        #expect(try Self.problems { $0["hr_resize_x"] = .int(32) }["hr_resize_x"]
                == "hr_resize_x (hi-res width) must be 0 (use hr_scale) or between 64 and 8192 pixels (is 32)")
        #expect(try Self.problems { $0["hr_resize_y"] = .int(9000) }["hr_resize_y"]
                == "hr_resize_y (hi-res height) must be 0 (use hr_scale) or between 64 and 8192 pixels (is 9000)")
        #expect(try Self.problems { $0["hr_resize_y"] = .int(1001) }["hr_resize_y"] == "hr_resize_y (hi-res height) must be a multiple of 8 (is 1001)")
        #expect(try Self.problems { $0["hr_resize_x"] = .int(8192) }["hr_resize_x"] == nil)
        #expect(Self.problems(on: .text2Image, ["hr_resize_x": .int(100)])["hr_resize_x"] != nil, "every SD endpoint")
    }

    @Test func theControlNetEndpointNeedsAUnit() throws {
        #expect(try Self.problems { $0["alwayson_scripts.controlnet.args"] = .array([]) }["alwayson_scripts.controlnet.args"]
                == "add at least one ControlNet unit")
        #expect(try Self.problems { $0["alwayson_scripts.controlnet"] = nil }["alwayson_scripts.controlnet.args"]
                == "add at least one ControlNet unit")
    }

    @Test func unitsAreSentOnlyToTheControlNetEndpoint() throws {
        let units = try #require(try Self.example().wireValue.value(at: "alwayson_scripts.controlnet"))
        for endpoint in [Endpoint.text2Image, .image2Image] {
            let found = Self.problems(on: endpoint, ["alwayson_scripts.controlnet": units])
            #expect(found["alwayson_scripts.controlnet"] == "ControlNet units are sent only to the ControlNet endpoint, not \(endpoint.title)")
        }
        #expect(Self.problems(on: .text2Image, [:]).isEmpty, "text2image needs no units or checkpoint")
    }

    @Test func eachUnitIsCheckedAndNamed() throws {
        let u = Self.unit
        #expect(try Self.problems { $0[u + "weight"] = .double(2.5) }[u + "weight"] == "weight must be between 0 and 2 (is 2.5)")
        #expect(try Self.problems { $0[u + "guidance_start"] = .double(0.8) }[u + "guidance_end"]
                == "guidance_end (0.75) must not be below guidance_start (0.8)")
        #expect(try Self.problems { $0[u + "guidance_end"] = .double(1.5) }[u + "guidance_end"] != nil)
        #expect(try Self.problems { $0[u + "processor_res"] = .int(32) }[u + "processor_res"] == "processor_res must be between 64 and 2048 (is 32)")
        #expect(try Self.problems { $0[u + "image_link"] = .string("file:///etc/passwd") }[u + "image_link"] != nil)
        #expect(try Self.problems { $0[u + "control_mode"] = .string("Loud") }[u + "control_mode"]
                == "control_mode must be one of: Balanced, My prompt is more important, ControlNet is more important")
        #expect(try Self.problems { $0[u + "model"] = .string("None") }[u + "model"] == "choose a ControlNet model for this unit")
        #expect(try Self.problems { $0[u + "module"] = .string(" ") }[u + "module"] == "choose a preprocessor (module), or \"none\"")
    }

    @Test func aUnitNeedsAControlImageOfItsOwnOrTheRequests() throws {
        let u = Self.unit
        // The example's unit has its own image and the request has one too.
        #expect(try Self.problems { $0[u + "image_link"] = nil }.isEmpty, "the request's image_link serves the unit")
        #expect(try Self.problems { $0["alwayson_scripts.image_link"] = nil }.isEmpty, "the unit's own image serves")
        let neither = try Self.problems {
            $0[u + "image_link"] = nil
            $0["alwayson_scripts.image_link"] = nil
        }
        #expect(neither[u + "image_link"] == "unit 1 needs a control image: its own image link, or the request's")
        let disabled = try Self.problems {
            $0[u + "image_link"] = nil
            $0["alwayson_scripts.image_link"] = nil
            $0[u + "enabled"] = .bool(false)
        }
        #expect(disabled.isEmpty, "a disabled unit needs no image")
    }

    @Test func thresholdsAreCheckedAgainstTheModulesRange() throws {
        let u = Self.unit
        let found = try Self.problems {
            $0[u + "module"] = .string("canny")
            $0[u + "threshold_a"] = .int(300)
            $0[u + "threshold_b"] = .int(0)
        }
        #expect(found[u + "threshold_a"] == "Low Threshold (threshold_a) must be between 1 and 255 (is 300)")
        #expect(found[u + "threshold_b"] == "High Threshold (threshold_b) must be between 1 and 255 (is 0)")
        // The example's module has no thresholds: its 64/64 are ignored, not flagged.
        #expect(try Self.problems { $0[u + "threshold_a"] = .int(9999) }.isEmpty)
    }

    @Test func aSecondUnitIsNamedByItsIndex() throws {
        var request = try Self.example()
        let second = ControlNetGroup.unit("depth", [("weight", .int(3))])
        let first = try #require(request.wireValue.value(at: "alwayson_scripts.controlnet.args[0]"))
        request["alwayson_scripts.controlnet.args"] = .array([first, second])
        let found = Self.byPath(RequestValidator.validate(request))
        #expect(found == ["alwayson_scripts.controlnet.args[1].weight": "weight must be between 0 and 2 (is 3)"])
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let found = try Self.problems {
            $0["prompt"] = .string("")
            $0["steps"] = .int(0)
            $0[Self.unit + "weight"] = .int(-1)
        }
        #expect(Set(found.keys) == ["prompt", "steps", Self.unit + "weight"])
    }

    @Test func anInvalidRequestIsStillAValueThatEncodes() throws {
        var request = try Self.example()
        request["steps"] = .int(9999)
        request["alwayson_scripts.override_settings"] = .string("{not json")
        #expect(request.wireJSON.contains("\"steps\": 9999"))
        #expect(!RequestValidator.validate(request).isEmpty)
        #expect(try Request.decode(json: request.wireJSON, for: .controlNet).request == request)
    }

    // MARK: Fresh forms

    @Test func aFreshTextToImageNeedsOnlyAPrompt() {
        var request = Request.new(for: .text2Image, taskID: TaskIDGenerator.shared.next())
        #expect(Self.byPath(RequestValidator.validate(request)) == ["prompt": "the prompt is required"])
        request["prompt"] = .string("a cat")
        #expect(RequestValidator.validate(request).isEmpty)
    }

    @Test func freshToolFormsAreValidOnceAPromptIsSet() throws {
        for endpoint in [Self.flux, Self.expand] {
            var request = Request.new(for: endpoint, taskID: TaskIDGenerator.shared.next())
            let prompt = try #require(endpoint.field(role: .prompt))
            #expect(Self.byPath(RequestValidator.validate(request)) == [prompt.path: "the prompt is required"], "\(endpoint.title)")
            request[prompt.path] = .string("a lighthouse")
            #expect(RequestValidator.validate(request).isEmpty, "\(endpoint.title): \(RequestValidator.validate(request))")
        }
        let flux = Request.new(for: Self.flux, taskID: "t").wireValue
        #expect(flux["comfyTaskType"] == .string("Flux1SchnellFP8"))
        #expect(flux["fluxGuidance"] == .double(3.5), "§4.1: 3.5 recommended")
        #expect(flux["callbackUrl"] == nil, "zqt polls; no callback unless one is set")
        #expect(Request.new(for: Self.expand, taskID: "t").wireValue["mode"] == .int(0))
    }

    @Test func imageToImageAsksForItsInputImageAndCheckpoint() {
        var request = Request.new(for: .image2Image, taskID: "t")
        request["prompt"] = .string("p")
        #expect(Set(Self.byPath(RequestValidator.validate(request)).keys) == ["alwayson_scripts.image_link", "alwayson_scripts.sd_model_checkpoint"])
    }

    static func endpoint(_ id: String) -> Endpoint { EndpointCatalog.shipped.endpoint(id: id)! }

    static func urls(_ count: Int) -> JSONValue {
        .array((0..<count).map { .string("https://example.com/image-\($0).png") })
    }

    @Test func trainingTakesTenToAHundredImages() {
        let training = Self.endpoint("modelTraining/submitTraining/Job")
        #expect(Self.problems(on: training, [:])["fileUrlList"] == "Training images (fileUrlList) is required")
        #expect(Self.problems(on: training, ["fileUrlList": Self.urls(9)])["fileUrlList"]
                == "Training images (fileUrlList) takes 10–100 URLs (has 9)", "§3.1")
        #expect(Self.problems(on: training, ["fileUrlList": Self.urls(10)]).isEmpty)
        #expect(Self.problems(on: training, ["fileUrlList": Self.urls(100)]).isEmpty)
        #expect(Self.problems(on: training, ["fileUrlList": Self.urls(101)])["fileUrlList"]
                == "Training images (fileUrlList) takes 10–100 URLs (has 101)")
        #expect(Self.problems(on: training, ["fileUrlList": Self.urls(10), "maxEpochs": .int(60)])["maxEpochs"]
                == "Epochs (maxEpochs) must be between 10 and 50 (is 60)")
    }

    @Test func aNumberTheDocsTypeAsTextMustReadAsANumberInRange() {
        let training = Self.endpoint("modelTraining/submitTraining/Job")
        let ok = Self.problems(on: training, ["fileUrlList": Self.urls(10), "learningRate": .string("5e-05")])
        #expect(ok.isEmpty, "\(ok)")
        #expect(Self.problems(on: training, ["fileUrlList": Self.urls(10), "learningRate": .string("0.01")])["learningRate"]?
                    .hasPrefix("Learning rate (learningRate) must be between") == true, "§3.1: at most 0.0001")
        #expect(Self.problems(on: training, ["fileUrlList": Self.urls(10), "learningRate": .string("fast")])["learningRate"]?
                    .hasPrefix("Learning rate (learningRate) must be a number written as text") == true)
        let v2 = Self.endpoint("tool/v2/roop")
        let faces = ["sourceUrl": JSONValue.string("https://example.com/a.png"), "targetUrl": .string("https://example.com/b.png")]
        #expect(Self.problems(on: v2, faces.merging(["fidelityWeight": .string("0.7")]) { a, _ in a }).isEmpty)
        // A number typed into the file is sent as the text the docs type (§A2), and checked the same.
        var request = Request.new(for: v2, taskID: "t")
        for (path, value) in faces { request[path] = value }
        request["fidelityWeight"] = .double(0.7)
        #expect(request.wireValue["fidelityWeight"] == .string("0.7"))
        #expect(Self.problems(on: v2, faces.merging(["fidelityWeight": .string("1.5")]) { a, _ in a })["fidelityWeight"]
                == "Fidelity weight (fidelityWeight) must be between 0 and 1 (is 1.5)", "§4.3: [0, 1]")
    }

    @Test func aMultipleFaceSwapTakesOneOrTwoSourceFaces() {
        let fusion = Self.endpoint("tool/face/fusion")
        let target = ["targetUrl": JSONValue.string("https://example.com/pair.png")]
        #expect(Self.problems(on: fusion, target)["sourceUrl"] == "Source faces (sourceUrl) is required")
        #expect(Self.problems(on: fusion, target.merging(["sourceUrl": Self.urls(2)]) { a, _ in a }).isEmpty)
        #expect(Self.problems(on: fusion, target.merging(["sourceUrl": Self.urls(3)]) { a, _ in a })["sourceUrl"]
                == "Source faces (sourceUrl) takes 1–2 URLs (has 3)", "§4.8")
        #expect(Self.problems(on: fusion, target.merging(["sourceUrl": Self.urls(1), "faceIdx": .int(0)]) { a, _ in a })["faceIdx"]
                == "Face index (faceIdx) must be at least 1 (is 0)", "§4.8: 1-based")
    }
}
