// Every decoder of outside input, given one input: what the generated-input
// tests (DecoderFuzzTests) and the libFuzzer target (scripts/fuzz.sh, which
// compiles this file into the Model module with -D ZQT_FUZZ) both run.

#if !ZQT_FUZZ
@testable import Model
#endif

enum DecoderExercise {
    /// Feeds `bytes` to every decoder; true when they were JSON.
    @discardableResult
    static func run(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = TerminalText.printable(text)
        _ = try? EndpointCatalog(json: text)
        _ = try? Request.decode(json: text, for: .image2Image)
        // The config file, read in process by toml++ (issue 16): its C++ sees every input too.
        _ = ConfigFile.parse(text: text, file: "fuzz.toml")
        guard let value = try? JSONParser.parse(bytes: bytes) else { return false }
        _ = Envelope(value)
        for family in [Family.sd, .tool(code: "comfyui/text2image"), .tool(code: "prompts/expand"), .training] {
            let info = TaskInfo(data: value["data"] ?? value, family: family)
            _ = SubmissionState(info)
        }
        _ = ModelListPage(data: value)
        for kind in ModelListKind.allCases {
            _ = ModelListReader.Page(data: value["data"] ?? value, kind: kind, pageSize: 100)?.items.map(\.family)
            _ = ModelItem(row: value, kind: kind)
        }
        if let text = value.stringValue {
            _ = ModelFamily(modelName: text)
            _ = ModelFamily(baseModel: text)
            _ = ModelListPaths.clean(text)
        }
        for endpoint in EndpointCatalog.shipped.endpoints {
            let request = Request(endpoint: endpoint, body: value)
            _ = request.wireJSON
            _ = RequestValidator.validate(request)
            _ = request.outputSize
            _ = request.imageCount
            for field in endpoint.groupFields { _ = request.items(of: field).indices.map { request.wireItem($0, of: field) } }
        }
        return true
    }
}
