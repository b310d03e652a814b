import Testing
@testable import Model

@Suite struct ControlNetRequestTests {
    @Test func theServiceExampleEncodesToTheReviewedGolden() throws {
        let decoded = try SDRequest.decode(json: BundledExamples.controlNetJSON)
        #expect(decoded.request.wireJSON == (try GoldenFile.text("controlnet-example.wire.json")))
        #expect(decoded.notes.isEmpty, "the documented example needs no coercion beyond the string seed: \(decoded.notes)")
    }

    @Test func theServiceExampleRoundTripsApartFromFieldsZqtAlwaysWrites() throws {
        let original = try JSONParser.parse(BundledExamples.controlNetJSON)
        let encoded = try SDRequest.decode(json: BundledExamples.controlNetJSON).request.jsonValue
        // zqt always writes batch_size and resize_mode (both required by the field
        // table, absent from the example) and sends seed as an integer (wire rule 4).
        guard case var .object(members) = encoded else { Issue.record("not an object"); return }
        members.removeAll { $0.key == "batch_size" || $0.key == "resize_mode" }
        guard case var .object(expected) = original else { Issue.record("not an object"); return }
        if let seed = expected.firstIndex(where: { $0.key == "seed" }) { expected[seed].value = .int(1221212) }
        #expect(JSONValue.object(members).isEquivalent(to: .object(expected)))
        // Key order follows the example too.
        #expect(members.map(\.key) == expected.map(\.key))
    }

    @Test func encodingIsDeterministicAndReadsBackToTheSameRequest() throws {
        let request = try SDRequest.decode(json: BundledExamples.controlNetJSON).request
        let again = try SDRequest.decode(json: request.wireJSON)
        #expect(again.request == request)
        #expect(again.request.wireJSON == request.wireJSON)
        #expect(again.notes.isEmpty)
    }

    @Test func seedIsReadFromTextOrNumberAndAlwaysSentAsANumber() throws {
        for seedText in ["\"42\"", "42", "42.0"] {
            let request = try SDRequest.decode(json: "{\"prompt\": \"p\", \"seed\": \(seedText)}").request
            #expect(request.seed == 42)
            #expect(request.jsonValue["seed"] == .int(42))
        }
        #expect(try SDRequest.decode(json: "{\"seed\": \"-1\"}").notes.isEmpty)
    }

    @Test func optionalFieldsWithoutAValueAreOmittedNeverNull() {
        let request = SDRequest.new(for: .controlNet, idTask: "t1")
        let text = request.wireJSON
        #expect(!text.contains("null"))
        #expect(request.jsonValue["hr_resize_x"] == nil)
        #expect(request.jsonValue["alwayson_scripts"]?["sd_vae"] == nil)
        #expect(request.jsonValue["alwayson_scripts"]?["controlnet"]?["args"] == .array([]))
        #expect(SDRequest.new(for: .text2Image, idTask: "t").jsonValue["alwayson_scripts"]?["controlnet"] == nil)
    }

    @Test func routingFieldsNestInAlwaysOnScripts() {
        var request = SDRequest.new(for: .controlNet, idTask: "abc")
        request.sdModelCheckpoint = "m.safetensors"
        request.sdVae = "v.pt"
        request.outputImageFormat = "png"
        request.overrideSettings = .object([(key: "CLIP_stop_at_last_layers", value: .int(2))])
        let json = request.jsonValue
        for key in ["sd_model_checkpoint", "id_task", "sd_vae", "override_settings", "output_image_format", "controlnet"] {
            #expect(json[key] == nil, "\(key) must not be top level")
            #expect(json["alwayson_scripts"]?[key] != nil, "\(key) belongs in alwayson_scripts")
        }
        #expect(json.objectValue?.last?.key == "alwayson_scripts")
    }

    @Test func unknownKeysAreKeptInPlaceAndReported() throws {
        let text = """
        {"prompt": "p", "mask_link": "https://x/m.png", "alwayson_scripts": {"id_task": "t", "ADetailer": {"args": []},
         "controlnet": {"args": [{"enabled": true, "module": "canny", "model": "m", "union_control_type": "Canny"}]}}}
        """
        let decoded = try SDRequest.decode(json: text)
        let json = decoded.request.jsonValue
        #expect(json["mask_link"] == .string("https://x/m.png"))
        #expect(json["alwayson_scripts"]?["ADetailer"] != nil)
        let unit = json["alwayson_scripts"]?["controlnet"]?["args"]?.arrayValue?.first
        #expect(unit?["union_control_type"] == .string("Canny"))
        let paths = decoded.notes.map(\.path)
        #expect(paths.contains("mask_link"))
        #expect(paths.contains("alwayson_scripts.ADetailer"))
        #expect(paths.contains("alwayson_scripts.controlnet.args[0].union_control_type"))
    }

    @Test func wrongTypesAreNotedAndDefaultedNeverACrash() throws {
        let text = """
        {"prompt": 5, "steps": "twenty", "width": "640", "restore_faces": "yes", "enable_hr": 1,
         "alwayson_scripts": {"controlnet": {"args": [{"weight": "0.5", "control_mode": 2, "resize_mode": 7}, 3]}}}
        """
        let decoded = try SDRequest.decode(json: text)
        let request = decoded.request
        #expect(request.prompt == "5")
        #expect(request.steps == 20)
        #expect(request.width == 640)
        #expect(request.enableHR)
        let units = try #require(request.controlNetUnits)
        #expect(units.count == 2)
        #expect(units[0].weight == 0.5)
        #expect(units[0].controlMode == "ControlNet is more important")  // wire rule 5: strings only
        #expect(units[0].enabled, "enabled is always written (wire rule 6)")
        let paths = Set(decoded.notes.map(\.path))
        for path in ["prompt", "steps", "width", "restore_faces", "enable_hr",
                     "alwayson_scripts.controlnet.args[0].enabled", "alwayson_scripts.controlnet.args[0].weight",
                     "alwayson_scripts.controlnet.args[0].control_mode", "alwayson_scripts.controlnet.args[0].resize_mode",
                     "alwayson_scripts.controlnet.args[1]"] {
            #expect(paths.contains(path), "expected a note for \(path)")
        }
    }

    @Test func textThatIsNotARequestGetsAClearError() {
        #expect(throws: RequestReadError.self) { try SDRequest.decode(json: "{\"prompt\": ") }
        do {
            _ = try SDRequest.decode(json: "[1]")
        } catch {
            #expect(error.description == "a request must be a JSON object, not an array")
        }
    }

    @Test func codableGoesThroughTheSameWireFormat() throws {
        let request = try SDRequest.decode(json: BundledExamples.controlNetJSON).request
        let data = try JSONEncoder().encode(request)
        let back = try JSONDecoder().decode(SDRequest.self, from: data)
        #expect(back == request)
    }

    @Test func outputSizeFollowsHiResSettings() {
        var request = SDRequest(width: 512, height: 768)
        #expect(request.outputSize == (512, 768))
        request.enableHR = true
        #expect(request.outputSize == (1024, 1536))
        request.hrResizeX = 1000
        #expect(request.outputSize == (1000, 1500))
        request.hrResizeY = 640
        #expect(request.outputSize == (1000, 640))
    }
}

import Foundation
