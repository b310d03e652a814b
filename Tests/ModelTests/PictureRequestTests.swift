import Testing
@testable import Model

/// Issue 17: a saved copy carries its request, and `L` / `--from-image`
/// read one back, zqt's or AUTOMATIC1111's, from untrusted bytes.
struct PictureRequestTests {
    /// A 1×1 RGB PNG built by hand: IHDR, an IDAT (a stored zlib block), IEND.
    static func tinyPNG() -> [UInt8] {
        let ihdr: [UInt8] = [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]
        let idat: [UInt8] = [0x78, 0x01, 0x01, 0x04, 0x00, 0xFB, 0xFF, 0, 0, 0, 0, 0x00, 0x04, 0x00, 0x01]
        return PNGText.signature + PNGText.chunk("IHDR", ihdr) + PNGText.chunk("IDAT", idat) + PNGText.chunk("IEND", [])
    }

    @Test func theCRCIsThePNGSpecificationsOne() {
        // IEND's CRC, as every PNG ends: AE 42 60 82.
        #expect(PNGText.crc32(Array("IEND".utf8)) == 0xAE42_6082)
    }

    @Test func textChunksGoBeforeIDATAndReadBack() throws {
        let png = Self.tinyPNG()
        let tagged = try PNGText.inserting([PNGText.Entry(keyword: "zqt-request", text: "{\"prompt\": \"猫\"}"),
                                            PNGText.Entry(keyword: "parameters", text: "a cat\nSteps: 20")], into: png)
        #expect(try PNGText.entries(in: tagged) == [PNGText.Entry(keyword: "zqt-request", text: "{\"prompt\": \"猫\"}"),
                                                    PNGText.Entry(keyword: "parameters", text: "a cat\nSteps: 20")])
        // Non-Latin-1 text goes in iTXt, Latin-1 in tEXt, both before the first IDAT.
        let text = String(decoding: tagged, as: UTF8.self)
        let idat = try #require(text.range(of: "IDAT")).lowerBound
        #expect(try #require(text.range(of: "iTXtzqt-request")).lowerBound < idat)
        #expect(try #require(text.range(of: "tEXtparameters")).lowerBound < idat)
        // The original's chunks follow unchanged.
        #expect(Array(tagged.suffix(png.count - 33)) == Array(png.suffix(png.count - 33)))
    }

    @Test func aDamagedPNGIsRefusedNotReadPastItsEnd() {
        var png = Self.tinyPNG()
        // IDAT's length says 2 GB.
        png[33] = 0x7F
        #expect(throws: PNGText.Fault.truncated) { try PNGText.entries(in: png) }
        #expect(throws: PNGText.Fault.notPNG) { try PNGText.entries(in: Array("{}".utf8)) }
        #expect(throws: PNGText.Fault.truncated) { try PNGText.entries(in: Array(Self.tinyPNG().prefix(40))) }
    }

    static let text2imageBody = """
        {"prompt": "a lighthouse at dawn, {best quality}", "negative_prompt": "lowres, bad anatomy", "steps": 25, "seed": -1,
         "width": 768, "height": 512, "cfg_scale": 7, "sampler_index": "DPM++ 2M Karras",
         "enable_hr": true, "hr_scale": 2, "hr_upscaler": "Latent", "hr_second_pass_steps": 10, "denoising_strength": 0.5,
         "alwayson_scripts": {"sd_model_checkpoint": "revAnimated_v122_7371.safetensors"}}
        """

    @Test func anSDRequestIsWrittenAsA1111WritesItsParameters() throws {
        let body = try JSONParser.parse(Self.text2imageBody)
        // Keys in create_infotext's order; the image's own seed; the checkpoint without its extension; quoted when it holds ','.
        #expect(A1111Parameters.text(for: body, seed: 1234) == """
            a lighthouse at dawn, {best quality}
            Negative prompt: lowres, bad anatomy
            Steps: 25, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1234, Size: 768x512, Model: revAnimated_v122_7371, \
            Denoising strength: 0.5, Hires upscale: 2, Hires steps: 10, Hires upscaler: Latent
            """)
        #expect(A1111Parameters.quote("a, b") == "\"a, b\"")
    }

    @Test func anA1111PNGLoadsAsText2ImageWithItsFields() throws {
        let parameters = """
            masterpiece, a red fox in snow
            Negative prompt: blurry, lowres
            Steps: 30, Sampler: Euler a, Schedule type: Karras, CFG scale: 6.5, Seed: 987654321, Size: 512x768, \
            Model hash: 7371, Model: revAnimated_v122, Denoising strength: 0.45, Hires upscale: 1.5, Hires upscaler: "R-ESRGAN 4x+", \
            Lora hashes: "fox: abc, snow: def", Version: v1.10.1
            """
        let png = try PNGText.inserting([PNGText.Entry(keyword: "parameters", text: parameters)], into: Self.tinyPNG())
        let loaded = try PictureRequest.read(png, sidecar: nil, catalog: .shipped, current: .controlNet, taskID: "zqt-new-1").get()
        let request = loaded.request
        #expect(request.endpoint.id == "sd/v2/text2image")
        #expect(request["prompt"] == .string("masterpiece, a red fox in snow"))
        #expect(request["negative_prompt"] == .string("blurry, lowres"))
        #expect(request["steps"] == .int(30))
        #expect(request["sampler_index"] == .string("Euler a"))
        #expect(request["cfg_scale"]?.numberValue == 6.5)
        #expect(request["seed"] == .int(987_654_321))
        #expect(request["width"] == .int(512))
        #expect(request["height"] == .int(768))
        #expect(request["alwayson_scripts.sd_model_checkpoint"] == .string("revAnimated_v122"))
        #expect(request["enable_hr"] == .bool(true))
        #expect(request["hr_scale"]?.numberValue == 1.5)
        #expect(request["hr_upscaler"] == .string("R-ESRGAN 4x+"))
        #expect(request["denoising_strength"]?.numberValue == 0.45)
        #expect(request.taskID == "zqt-new-1")
        // The keys zqt has no field for are said, none dropped silently.
        let notes = loaded.notes.map(\.message).joined(separator: "\n")
        for key in ["Schedule type: Karras", "Model hash: 7371", "Lora hashes: fox: abc, snow: def", "Version: v1.10.1"] {
            #expect(notes.contains(key), "\(notes)")
        }
    }

    @Test func zqtsChunkGivesBackTheRequestAsSentWithANewTaskID() throws {
        let sent = try Request.decode(json: Self.text2imageBody, for: EndpointCatalog.shipped.endpoint(id: "sd/v2/text2image")!).request
        var withID = sent
        withID.taskID = "zqt-old-7"
        let entries = PictureRequest.entries(endpoint: withID.endpoint, requestJSON: withID.wireJSON, seed: 42)
        #expect(entries.map(\.keyword) == ["zqt-request", "zqt-endpoint", "parameters"])
        let png = try PNGText.inserting(entries, into: Self.tinyPNG())
        let loaded = try PictureRequest.read(png, sidecar: nil, catalog: .shipped, current: .controlNet, taskID: "zqt-new-8").get()
        var expected = withID
        expected.taskID = "zqt-new-8"
        #expect(loaded.request.endpoint == withID.endpoint)
        #expect(loaded.request.wireJSON == expected.wireJSON)
    }

    @Test func aPictureWithoutARequestSaysSo() {
        let result = PictureRequest.read(Self.tinyPNG(), sidecar: nil, catalog: .shipped, current: .controlNet, taskID: "t")
        guard case let .failure(problem) = result else { Issue.record("read a request from nothing"); return }
        #expect(problem.message.contains("carries no request"))
    }
}
