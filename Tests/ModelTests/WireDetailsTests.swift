// Issue 22: the wire details an endpoint-by-endpoint audit found against the
// API reference, each decided (docs/dev/wire-rules.md, "Issue 22's decisions")
// and held here by what goes on the wire or what the user is told.

import Foundation
import Testing
@testable import Model

@Suite struct WireDetailsTests {
    static func endpoint(_ id: String) throws -> Endpoint {
        try #require(EndpointCatalog.shipped.endpoint(id: id))
    }

    // MARK: 1. tool/sdPrompts and its task id

    @Test func aCustomRequestToSDPromptsCarriesItsIDAsTaskID() throws {
        // As `zqt send x.json --endpoint tool/sdPrompts` and the sandbox build it: from the path alone.
        let sdPrompts = EndpointCatalog.shipped.resolve("tool/sdPrompts")
        #expect(sdPrompts.isCustom && sdPrompts.taskIDPath == "task_id", "§5: sdPrompts names its id task_id (§A5)")
        let decoded = try Request.decode(json: #"{"raw_prompt": "a cat"}"#, for: sdPrompts)
        var request = decoded.request
        request.taskID = "zqt-22-1"
        #expect(request.wireJSON == "{\n  \"task_id\": \"zqt-22-1\",\n  \"raw_prompt\": \"a cat\"\n}")
        #expect(decoded.notes.isEmpty)
        // Any other tool path keeps the family's key (wire rule 8).
        #expect(EndpointCatalog.shipped.resolve("tool/faceRestore").taskIDPath == "businessTaskId")
    }

    @Test func theFormsKeyFollowsThePathUnlessTheUserChoseOne() throws {
        var request = Request.new(for: CustomEndpoint.endpoint(path: ""), taskID: "zqt-22-2")
        try request.setCustom(.path, to: "tool/sdPrompts")
        #expect(request.wireJSON == "{\n  \"task_id\": \"zqt-22-2\"\n}")
        try request.setCustom(.path, to: "tool/faceRestore")
        #expect(request.wireJSON == "{\n  \"businessTaskId\": \"zqt-22-2\"\n}", "back to the family's key")
        try request.setCustom(.taskKey, to: "jobId")
        try request.setCustom(.path, to: "tool/sdPrompts")
        #expect(request.endpoint.taskIDPath == "jobId", "a key the user typed stays")
    }

    @Test func theUsersCatalogFileSetsAPathsTaskIDKey() throws {
        let file = try UserCatalog.parse("""
            {"endpoints": [{"id": "tool/myTool", "family": "tool", "fields": [
              {"path": "jobId", "kind": "text", "role": "task_id", "required": true},
              {"path": "@body", "kind": "other"}]}]}
            """, file: "endpoints.json").get()
        let catalog = EndpointCatalog.shipped.overlaid(with: file.0)
        #expect(catalog.endpoint(path: "tool/myTool")?.taskIDPath == "jobId")
        #expect(catalog.endpoint(named: "tool/myTool")?.taskIDPath == "jobId", "--endpoint tool/myTool finds the entry")
    }

    // MARK: 2. text2image's resize_mode

    @Test func text2ImageSendsResizeModeOnlyWhenSet() throws {
        var request = Request.new(for: try Self.endpoint("sd/v2/text2image"), taskID: "t")
        #expect(request.wireValue["resize_mode"] == nil, "§1.1 lists no resize_mode")
        request["resize_mode"] = .int(1)
        #expect(request.wireValue["resize_mode"] == .int(1), "sent when the user sets it")
        #expect(RequestValidator.validate(request).allSatisfy { $0.path != "resize_mode" })
        for id in ["sd/v2/image2image", "sd/v2/controlnet"] {
            #expect(Request.new(for: try Self.endpoint(id), taskID: "t").wireValue["resize_mode"] == .int(0), "\(id) lists it (§1.2, §1.3)")
        }
    }

    // MARK: 3. hr_scale

    @Test func hrScaleIsANumberAndAWholeOneIsWrittenWhole() throws {
        for id in ["sd/v2/text2image", "sd/v2/image2image", "sd/v2/controlnet"] {
            var request = Request.new(for: try Self.endpoint(id), taskID: "t")
            #expect(request.wireJSON.contains("\"hr_scale\": 2,"), "a whole value as the example writes it")
            request["hr_scale"] = .double(1.5)
            #expect(request.wireJSON.contains("\"hr_scale\": 1.5,"), "\(id): A1111 takes a fraction")
            #expect(!RequestValidator.validate(request).contains { $0.path == "hr_scale" })
        }
    }

    // MARK: 4. A container of the wrong type

    @Test func aContainerOfTheWrongTypeIsRefusedAndKept() throws {
        let text2image = try Self.endpoint("sd/v2/text2image")
        var request = try Request.decode(json: #"{"prompt": "a cat", "alwayson_scripts": "revAnimated"}"#, for: text2image).request
        request.taskID = "zqt-22-4"
        #expect(request.body["alwayson_scripts"] == .string("revAnimated"), "the user's value is not replaced by the task id")
        #expect(request.wireValue["alwayson_scripts"] == .string("revAnimated"), "the preview shows what was written, in its place")
        #expect(request.wireValue.objectValue?.last?.key == "alwayson_scripts")
        let problems = RequestValidator.validate(request)
        #expect(problems.map(\.path) == ["alwayson_scripts"], "\(problems)")
        #expect(problems.first?.message.hasPrefix("alwayson_scripts must be a JSON object holding ") == true)
        #expect(problems.first?.message.hasSuffix(", not a string") == true)
        // Loading it (the screen's L) refuses it with the field named.
        let loaded = RequestImport.read(#"{"prompt": "a cat", "alwayson_scripts": "revAnimated"}"#, catalog: .shipped,
                                        current: text2image, taskID: "zqt-22-5")
        guard case let .failure(problem) = loaded else {
            Issue.record("loaded: \(loaded)")
            return
        }
        #expect(problem.message.hasPrefix("alwayson_scripts must be a JSON object") && problem.message.hasSuffix("not loaded"))
    }

    // MARK: 5. Likely mistakes and --strict

    @Test func aSlipIsSaidWithTheFieldItWasLikelyMeantToBe() throws {
        let text2image = try Self.endpoint("sd/v2/text2image")
        let body = #"{"prompt": "p", "stpes": 30, "negativePrompt": "x", "sd_model_checkpoint": "a.safetensors", "lighthouse": 1}"#
        let notes = try Request.decode(json: body, for: text2image).notes.map(\.description)
        #expect(notes.contains("stpes: not a field zqt knows on text2image, likely a mistake for steps; sent as it is"), "\(notes)")
        #expect(notes.contains("negativePrompt: not a field zqt knows on text2image, likely a mistake for negative_prompt; sent as it is"))
        #expect(notes.contains("sd_model_checkpoint: not a field zqt knows on text2image, likely meant at alwayson_scripts.sd_model_checkpoint, where the service reads it (wire rule 3); sent as it is"))
        #expect(notes.contains("lighthouse: not a field zqt knows on text2image; sent as it is"), "no guess for a name of its own")
        // Still sent as written.
        let request = try Request.decode(json: body, for: text2image).request
        #expect(request.wireValue["stpes"] == .int(30) && request.wireValue["sd_model_checkpoint"] == .string("a.safetensors"))
        // --strict refuses each, naming the field.
        let strict = request.unknownFieldProblems.map(\.description)
        #expect(strict.count == 4)
        #expect(strict.first == "stpes: not a field of text2image (--strict refuses unknown fields), likely a mistake for steps")
    }

    @Test func aUnitsSlipIsSaidAndRefusedUnderStrict() throws {
        let controlNet = try Self.endpoint("sd/v2/controlnet")
        let body = #"{"prompt": "p", "alwayson_scripts": {"controlnet": {"args": [{"module": "canny", "wieght": 0.5}]}}}"#
        let decoded = try Request.decode(json: body, for: controlNet)
        #expect(decoded.notes.map(\.description).contains(
            "alwayson_scripts.controlnet.args[0].wieght: not a field zqt knows, likely a mistake for weight; kept and sent as it is"))
        #expect(decoded.request.unknownFieldProblems.map(\.path) == ["alwayson_scripts.controlnet.args[0].wieght"])
        #expect(try Request.decode(json: BundledExamples.controlNetJSON, for: controlNet).request.unknownFieldProblems.isEmpty,
                "the documented example passes --strict")
    }

    @Test func oneEditApartIsOneInsertionDeletionSubstitutionOrSwap() {
        for (a, b) in [("steps", "stpes"), ("steps", "step"), ("steps", "stepss"), ("steps", "staps"), ("seed", "sed")] {
            #expect(LikelyMistake.oneEditApart(a, b), "\(a) \(b)")
        }
        for (a, b) in [("steps", "steps"), ("steps", "spets"), ("width", "height"), ("seed", "sd")] {
            #expect(!LikelyMistake.oneEditApart(a, b), "\(a) \(b)")
        }
        #expect(LikelyMistake.nearest("sed", among: ["seed"]) == nil, "three letters are not guessed at")
        #expect(LikelyMistake.nearest(String(repeating: "s", count: 1 << 20) + "teps", among: ["steps"]) == nil, "a huge key: no guess, no long work")
    }

    // MARK: 8. Key order against the documented examples

    /// docs/api/endpoints.json's `example_request`: a tool request with the
    /// example's values is sent with the example's keys, in its order, first.
    @Test func toolBodiesBeginAsTheDocumentedExampleDoes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let reference = try JSONParser.parse(String(contentsOf: root.appendingPathComponent("docs/api/endpoints.json"), encoding: .utf8))
        var compared = 0
        for entry in reference.arrayValue ?? [] {
            guard let path = entry["path"]?.stringValue, path.hasPrefix(Endpoint.pathPrefix + "tool/"),
                  let example = entry["example_request"]?.objectValue,
                  let endpoint = EndpointCatalog.shipped.endpoint(path: path) else { continue }
            let keys = example.map(\.key).filter { !$0.hasPrefix("_") }
            guard keys.allSatisfy(endpoint.hasField(at:)) else { continue }
            var request = Request.new(for: endpoint, taskID: "t")
            for (key, value) in example where !key.hasPrefix("_") { request[key] = value }
            let sent = request.wireValue.objectValue?.map(\.key) ?? []
            #expect(Array(sent.prefix(keys.count)) == keys, "\(endpoint.id): \(sent)")
            compared += 1
        }
        #expect(compared >= 7, "the tools with a complete example (§4.1, §4.4, §4.7, §4.10, §4.13–4.15)")
    }
}
