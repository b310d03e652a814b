import Testing
@testable import Model

@Suite struct ValidationTests {
    func example() throws -> SDRequest { try SDRequest.decode(json: BundledExamples.controlNetJSON).request }

    func problems(_ change: (inout SDRequest) -> Void, endpoint: Endpoint = .controlNet) throws -> [String: String] {
        var request = try example()
        change(&request)
        return Dictionary(RequestValidator.validate(request, for: endpoint).map { ($0.path, $0.message) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func theServiceExampleIsValid() throws {
        #expect(RequestValidator.validate(try example()).isEmpty)
    }

    @Test func eachRuleNamesItsFieldWithAReadableMessage() throws {
        #expect(try problems { $0.prompt = "  \n" }["prompt"] == "the prompt is required")
        #expect(try problems { $0.idTask = "" }["alwayson_scripts.id_task"]?.contains("required") == true)
        #expect(try problems { $0.steps = 0 }["steps"] == "steps must be between 1 and 150 (is 0)")
        #expect(try problems { $0.steps = 151 }["steps"] != nil)
        #expect(try problems { $0.cfgScale = 31 }["cfg_scale"] == "cfg_scale must be between 1 and 30 (is 31)")
        #expect(try problems { $0.width = 770 }["width"] == "width must be a multiple of 8 (is 770; try 768 or 776)")
        #expect(try problems { $0.height = 32 }["height"] == "height must be between 64 and 2048 pixels (is 32)")
        #expect(try problems { $0.height = 4096 }["height"] != nil)
        #expect(try problems { $0.nIter = 0 }["n_iter"] != nil)
        #expect(try problems { $0.batchSize = 0 }["batch_size"] != nil)
        #expect(try problems { $0.hrScale = 4.5 }["hr_scale"] == "hr_scale must be between 1 and 4 (is 4.5)")
        #expect(try problems { $0.denoisingStrength = 1.2 }["denoising_strength"] != nil)
        #expect(try problems { $0.imageLink = "ftp://x/y.png" }["alwayson_scripts.image_link"] == "must be an http:// or https:// URL (is ftp:)")
        #expect(try problems { $0.imageLink = "not a url" }["alwayson_scripts.image_link"] != nil)
        #expect(try problems { $0.overrideSettings = .string("{oops") }["alwayson_scripts.override_settings"] != nil)
        #expect(try problems { $0.sdModelCheckpoint = "" }["alwayson_scripts.sd_model_checkpoint"] != nil)
        #expect(try problems { $0.controlNetUnits = [] }["alwayson_scripts.controlnet.args"] == "add at least one ControlNet unit")
    }

    @Test func unitRulesNameTheUnit() throws {
        let unit = "alwayson_scripts.controlnet.args[0]."
        #expect(try problems { $0.controlNetUnits![0].weight = 2.5 }[unit + "weight"] == "weight must be between 0 and 2 (is 2.5)")
        #expect(try problems { $0.controlNetUnits![0].guidanceStart = 0.8 }[unit + "guidance_end"]
                == "guidance_end (0.75) must not be below guidance_start (0.8)")
        #expect(try problems { $0.controlNetUnits![0].guidanceEnd = 1.5 }[unit + "guidance_end"] != nil)
        #expect(try problems { $0.controlNetUnits![0].processorRes = 32 }[unit + "processor_res"] != nil)
        #expect(try problems { $0.controlNetUnits![0].imageLink = "file:///etc/passwd" }[unit + "image_link"] != nil)
        #expect(try problems { $0.controlNetUnits![0].controlMode = "Loud" }[unit + "control_mode"] != nil)
        #expect(try problems { $0.controlNetUnits![0].model = "None" }[unit + "model"] == "choose a ControlNet model for this unit")
    }

    @Test func thresholdsAreCheckedAgainstTheModulesRange() throws {
        let unit = "alwayson_scripts.controlnet.args[0]."
        let found = try problems {
            $0.controlNetUnits![0].module = "canny"
            $0.controlNetUnits![0].thresholdA = 300
            $0.controlNetUnits![0].thresholdB = 0
        }
        #expect(found[unit + "threshold_a"] == "Low Threshold (threshold_a) must be between 1 and 255 (is 300)")
        #expect(found[unit + "threshold_b"] == "High Threshold (threshold_b) must be between 1 and 255 (is 0)")
        // The example's module has no thresholds: its 64/64 are ignored, not flagged.
        #expect(try problems { $0.controlNetUnits![0].thresholdA = 9999 }.isEmpty)
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let found = try problems {
            $0.prompt = ""
            $0.steps = 0
            $0.controlNetUnits![0].weight = -1
        }
        #expect(found.count == 3)
    }

    @Test func anInvalidRequestIsStillAValueThatEncodes() throws {
        var request = try example()
        request.steps = 9999
        request.overrideSettings = .string("{not json")
        #expect(request.wireJSON.contains("\"steps\": 9999"))
        #expect(try SDRequest.decode(json: request.wireJSON).request == request)
    }

    @Test func text2ImageNeedsNoUnitsOrCheckpoint() throws {
        var request = SDRequest.new(for: .text2Image, idTask: "t")
        request.prompt = "a cat"
        #expect(RequestValidator.validate(request, for: .text2Image).isEmpty)
    }
}
