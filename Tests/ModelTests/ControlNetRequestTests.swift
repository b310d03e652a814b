import Testing
@testable import Model

@Suite struct ControlNetRequestTests {
    static func decode(_ text: String, for endpoint: Endpoint = .controlNet) throws(RequestReadError) -> (request: Request, notes: [DecodeNote]) {
        try Request.decode(json: text, for: endpoint)
    }

    static func example() throws -> Request { try decode(BundledExamples.controlNetJSON).request }

    /// THE GATE: the service's own example, read and written by zqt, is the
    /// reviewed golden byte for byte.
    @Test func theServiceExampleEncodesToTheReviewedGolden() throws {
        let decoded = try Self.decode(BundledExamples.controlNetJSON)
        let golden = try GoldenFile.text("controlnet-example.wire.json")
        let wire = decoded.request.wireJSON
        #expect(wire == golden, "\(GoldenFile.firstDifference(wire, golden))")
        #expect(decoded.notes.isEmpty, "the documented example needs no coercion beyond the string seed: \(decoded.notes)")
    }

    @Test func theServiceExampleRoundTripsApartFromFieldsZqtAlwaysWrites() throws {
        let original = try JSONParser.parse(BundledExamples.controlNetJSON)
        let encoded = try Self.example().wireValue
        // zqt always writes batch_size and resize_mode (both required by the field
        // table, absent from the example) and sends seed as an integer (wire rule 4).
        guard case var .object(members) = encoded else { Issue.record("not an object"); return }
        members.removeAll { $0.key == "batch_size" || $0.key == "resize_mode" }
        guard case var .object(expected) = original else { Issue.record("not an object"); return }
        if let seed = expected.firstIndex(where: { $0.key == "seed" }) { expected[seed].value = .int(1221212) }
        #expect(JSONValue.object(members).isEquivalent(to: .object(expected)))
        // Key order follows the example too, at every level.
        #expect(members.map(\.key) == expected.map(\.key))
        #expect(encoded["alwayson_scripts"]?.objectValue?.map(\.key) == original["alwayson_scripts"]?.objectValue?.map(\.key))
        let unit = encoded.value(at: "alwayson_scripts.controlnet.args[0]")?.objectValue?.map(\.key)
        #expect(unit == original.value(at: "alwayson_scripts.controlnet.args[0]")?.objectValue?.map(\.key))
    }

    @Test func encodingIsDeterministicAndReadsBackToTheSameRequest() throws {
        let request = try Self.example()
        let again = try Self.decode(request.wireJSON)
        #expect(again.request == request)
        #expect(again.request.wireJSON == request.wireJSON)
        #expect(again.notes.isEmpty, "\(again.notes)")
    }

    @Test(arguments: ["\"42\"", "42", "42.0", "\" 42 \""])
    func seedIsReadFromTextOrNumberAndAlwaysSentAsANumber(seedText: String) throws {
        let decoded = try Self.decode("{\"prompt\": \"p\", \"seed\": \(seedText)}")
        #expect(decoded.request.wireValue["seed"] == .int(42))
        #expect(decoded.request.wireJSON.contains("\"seed\": 42,"))
        #expect(!decoded.notes.contains { $0.path == "seed" }, "wire rule 4 reads a string seed quietly: \(decoded.notes)")
    }

    @Test func aRandomSeedWrittenAsTextIsQuietlyAnInteger() throws {
        let decoded = try Self.decode("{\"seed\": \"-1\"}")
        #expect(decoded.notes.isEmpty)
        #expect(decoded.request.wireValue["seed"] == .int(-1))
    }

    @Test func optionalFieldsWithoutAValueAreOmittedNeverNull() throws {
        let request = Request.new(for: .controlNet, taskID: "t1")
        let text = request.wireJSON
        #expect(!text.contains("null"))
        #expect(request.wireValue["hr_resize_x"] == nil)
        #expect(request.wireValue.value(at: "alwayson_scripts.sd_vae") == nil)
        #expect(request.wireValue.value(at: "alwayson_scripts.controlnet.args") == .array([]))
        #expect(Request.new(for: .text2Image, taskID: "t").wireValue.value(at: "alwayson_scripts.controlnet") == nil)

        // Nulls a user wrote, known fields or not, never reach the wire.
        let withNulls = try Self.decode("""
            {"prompt": "p", "hr_resize_x": null, "mystery": null,
             "alwayson_scripts": {"sd_vae": null, "id_task": "t", "image_link": null}}
            """).request
        #expect(!withNulls.wireJSON.contains("null"), "\(withNulls.wireJSON)")
    }

    @Test(arguments: [Endpoint.controlNet, .text2Image, .image2Image])
    func routingFieldsNestInAlwaysOnScripts(endpoint: Endpoint) {
        var request = Request.new(for: endpoint, taskID: "abc")
        request["prompt"] = .string("a cat")
        request["alwayson_scripts.sd_model_checkpoint"] = .string("m.safetensors")
        request["alwayson_scripts.sd_vae"] = .string("v.pt")
        request["alwayson_scripts.output_image_format"] = .string("png")
        request["alwayson_scripts.image_link"] = .string("https://example.com/in.png")
        request["alwayson_scripts.override_settings"] = .object([(key: "CLIP_stop_at_last_layers", value: .int(2))])
        request["resize_mode"] = .int(1)  // text2image sends it only when set (issue 22)
        let json = request.wireValue
        var routed = ["sd_model_checkpoint", "id_task", "sd_vae", "override_settings", "output_image_format", "image_link"]
        if endpoint == .controlNet { routed.append("controlnet") }
        for key in routed {
            #expect(json[key] == nil, "\(key) must not be top level")
            #expect(json["alwayson_scripts"]?[key] != nil, "\(key) belongs in alwayson_scripts")
        }
        for key in ["prompt", "n_iter", "batch_size", "steps", "seed", "width", "height", "cfg_scale", "sampler_index", "resize_mode"] {
            #expect(json[key] != nil, "\(key) sits at the top level")
            #expect(json["alwayson_scripts"]?[key] == nil)
        }
        #expect(json.objectValue?.last?.key == "alwayson_scripts")
        #expect(request.taskID == "abc" && json.value(at: "alwayson_scripts.id_task") == .string("abc"))
    }

    @Test func unknownKeysAreKeptInPlaceAndReported() throws {
        let text = """
        {"prompt": "p", "mask_link": "https://x/m.png", "alwayson_scripts": {"id_task": "t", "ADetailer": {"args": []},
         "controlnet": {"args": [{"enabled": true, "module": "canny", "model": "m", "union_control_type": "Canny"}]}}}
        """
        let decoded = try Self.decode(text)
        let json = decoded.request.wireValue
        #expect(json["mask_link"] == .string("https://x/m.png"))
        #expect(json["alwayson_scripts"]?["ADetailer"] != nil)
        let unit = json.value(at: "alwayson_scripts.controlnet.args[0]")
        #expect(unit?["union_control_type"] == .string("Canny"))
        #expect(unit?["enabled"] == .bool(true))
        let paths = decoded.notes.map(\.path)
        #expect(paths.contains("mask_link"))
        #expect(paths.contains("alwayson_scripts.ADetailer"))
        #expect(decoded.notes.first { $0.path == "mask_link" }?.message == "not a field zqt knows on ControlNet; sent as it is")
        // Unknown keys inside a unit are named by their own path, as the unit reader reports them.
        #expect(paths.contains("alwayson_scripts.controlnet.args[0].union_control_type"), "\(decoded.notes)")
        // Unknown keys follow the known ones at their own level.
        #expect(json.objectValue?.map(\.key).suffix(2) == ["alwayson_scripts", "mask_link"])
        #expect(json["alwayson_scripts"]?.objectValue?.map(\.key) == ["sd_model_checkpoint", "id_task", "controlnet", "ADetailer"])
    }

    @Test func wrongTypesAreNotedOrFlaggedNeverACrash() throws {
        let text = """
        {"prompt": 5, "steps": "twenty", "width": "640", "restore_faces": "yes", "enable_hr": 1,
         "alwayson_scripts": {"id_task": "t", "controlnet": {"args": [{"weight": "0.5", "control_mode": 2, "resize_mode": 7}, 3]}}}
        """
        let decoded = try Self.decode(text)
        let wire = decoded.request.wireValue
        #expect(wire["prompt"] == .string("5"))
        #expect(wire["width"] == .int(640))
        #expect(wire["enable_hr"] == .bool(true))
        // What cannot be read as its kind is sent as it is, and validation says what is wrong.
        #expect(wire["steps"] == .string("twenty"))
        let problems = Dictionary(RequestValidator.validate(decoded.request).map { ($0.path, $0.message) }, uniquingKeysWith: { a, _ in a })
        #expect(problems["steps"] == "Steps (steps) must be a whole number (is a string)")
        #expect(problems["restore_faces"] == "Restore faces (restore_faces) must be on or off (true or false), not a string")

        let units = try #require(wire.value(at: "alwayson_scripts.controlnet.args")?.arrayValue)
        #expect(units.count == 2)
        #expect(units[0]["weight"] == .double(0.5))
        #expect(units[0]["control_mode"] == .string("ControlNet is more important"), "wire rule 5: strings only")
        #expect(units[0]["enabled"] == .bool(true), "enabled is always written (wire rule 6)")
        #expect(units[1] == .int(3), "a unit that is not an object is sent as it is...")
        #expect(problems["alwayson_scripts.controlnet.args[1]"] == "unit 2 must be an object of unit fields, not a number",
                "...and cannot be sent: \(problems)")

        let paths = Set(decoded.notes.map(\.path))
        for path in ["prompt", "width", "enable_hr"] {
            #expect(paths.contains(path), "expected a note for \(path): \(decoded.notes)")
        }
        #expect(decoded.notes.first { $0.path == "width" }?.message == "was a string; sent as a number")
        for path in ["alwayson_scripts.controlnet.args[0].enabled", "alwayson_scripts.controlnet.args[0].weight",
                     "alwayson_scripts.controlnet.args[0].control_mode", "alwayson_scripts.controlnet.args[0].resize_mode",
                     "alwayson_scripts.controlnet.args[1]"] {
            #expect(paths.contains(path), "expected a note for \(path): \(decoded.notes)")
        }
    }

    @Test func textThatIsNotARequestGetsAClearError() {
        #expect(throws: RequestReadError.self) { try Self.decode("{\"prompt\": ") }
        #expect(throws: RequestReadError.notAnObject("an array")) { try Self.decode("[1]") }
        do {
            _ = try Self.decode("[1]")
        } catch {
            #expect(error.description == "a request must be a JSON object, not an array")
        }
    }

    @Test func movingARequestToAnotherEndpointCarriesWhatFits() throws {
        var request = try Self.example()
        request["alwayson_scripts.id_task"] = .string("old")
        let img2img = request.carried(to: .image2Image, taskID: "new")
        #expect(img2img.taskID == "new", "a new task id for a new submission (wire rule 8)")
        #expect(img2img.prompt == request.prompt)
        #expect(img2img.wireValue["seed"] == .int(1221212))
        #expect(img2img.wireValue.value(at: "alwayson_scripts.controlnet") == nil, "units stay behind")
        #expect(img2img.wireValue.value(at: "alwayson_scripts.image_link") == request.wireValue.value(at: "alwayson_scripts.image_link"))

        let expand = request.carried(to: try #require(EndpointCatalog.shipped.endpoint(named: "expand")), taskID: "e1")
        #expect(expand.wireValue["sourcePrompt"] == .string(request.prompt), "the prompt moves by its role")
        #expect(expand.wireValue["businessTaskId"] == .string("e1"))
        #expect(expand.wireValue["prompt"] == nil)
    }

    @Test func imageCountIsBatchesTimesBatchSize() throws {
        var request = Request.new(for: .text2Image, taskID: "t")
        #expect(request.imageCount == 1)
        request["n_iter"] = .int(3)
        request["batch_size"] = .int(2)
        #expect(request.imageCount == 6)
        request["n_iter"] = .double(1e300)
        #expect(request.imageCount > 0, "never a trap on a huge number")
        let expand = Request.new(for: try #require(EndpointCatalog.shipped.endpoint(named: "expand")), taskID: "t")
        #expect(expand.imageCount == 0, "prompt expansion answers with text")
    }
}
