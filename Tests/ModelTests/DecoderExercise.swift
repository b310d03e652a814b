// Every decoder of outside input, given one input: what the generated-input
// tests (DecoderFuzzTests) and the libFuzzer targets (scripts/fuzz.sh, which
// compiles this file into the Model module with -D ZQT_FUZZ) both run.
//
// One target per kind of outside input (issue 21), so libFuzzer's coverage
// guidance works on one decoder's branches at a time and each keeps a corpus
// of its own in Fuzz/corpus/NAME; `all` feeds every decoder, for the
// generated-input tests.

#if !ZQT_FUZZ
@testable import Model
#endif

enum DecoderExercise {
    /// A kind of outside input and the decoders that read it.
    struct Target: Sendable {
        let name: String
        /// Where this input comes from, for `scripts/fuzz.sh --list`.
        let source: String
        /// Feeds the bytes to the decoders; true when they were read as a document (JSON, TOML).
        let run: @Sendable ([UInt8]) -> Bool
    }

    static let targets: [Target] = [
        Target(name: "answers", source: "the service's answers: envelopes, task states of every family, model list pages",
               run: answers),
        Target(name: "requests", source: "request files, pasted JSON and curl commands, catalogs, stored requests",
               run: requests),
        Target(name: "config", source: "config.toml (toml++ in process)",
               run: config),
        Target(name: "pictures", source: "PNG text chunks of saved pictures, image headers of local files, A1111 infotext",
               run: pictures),
        Target(name: "uploads", source: "upload answers: the sandbox's JSON, an upload command's output, S3's XML error",
               run: uploads),
        Target(name: "wire", source: "HTTP heads read by the sandbox and the test servers, text shown on the terminal",
               run: wire),
        Target(name: "a1111", source: "an AUTOMATIC1111 server's answers: generations with inline base64 images, progress, refusals, lists",
               run: a1111),
    ]

    static func target(named name: String) -> Target? { targets.first { $0.name == name } }

    /// Feeds `bytes` to every decoder; true when they were JSON.
    @discardableResult
    static func run(_ bytes: [UInt8]) -> Bool {
        var wasJSON = false
        for target in targets {
            let read = target.run(bytes)
            if target.name == "answers" { wasJSON = read }
        }
        return wasJSON
    }

    static func answers(_ bytes: [UInt8]) -> Bool {
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
        return true
    }

    static func requests(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? EndpointCatalog(json: text)
        _ = UserCatalog.parse(text, file: "endpoints.json")
        _ = try? Request.decode(json: text, for: .image2Image)
        _ = RequestImport.read(text, catalog: .shipped, current: .image2Image, taskID: "fuzz")
        guard let value = try? JSONParser.parse(bytes: bytes) else { return false }
        // Printing and checking the body as every endpoint's request would cost
        // each input about 40 requests (70 inputs a second under the fuzzer).
        // Each input is taken instead as the endpoint it fits, of either kind of
        // server, and one more chosen by its bytes: a mutation that changes the
        // choice reaches another endpoint's fields, so coverage guidance still
        // walks them all, at about twenty times the inputs a second.
        let shipped = EndpointCatalog.shipped.endpoints
        var endpoints: [Endpoint] = []
        for server in [ServerKind.zhiqite, .a1111] {
            switch RequestImport.infer(for: value, in: .shipped, server: server) {
            case .chosen(let endpoint, _): endpoints.append(endpoint)
            case .ambiguous(let tied): endpoints += tied.prefix(2)
            case .none: break
            }
        }
        if !shipped.isEmpty { endpoints.append(shipped[Int(fnv1a(bytes) % UInt64(shipped.count))]) }
        for endpoint in endpoints {
            let request = Request(endpoint: endpoint, body: value)
            _ = request.wireJSON
            _ = RequestValidator.validate(request)
            _ = request.outputSize
            _ = request.imageCount
            for field in endpoint.groupFields { _ = request.items(of: field).indices.map { request.wireItem($0, of: field) } }
        }
        return true
    }

    /// FNV-1a: the same bytes choose the same endpoint in every run, so a finding replays.
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    static func config(_ bytes: [UInt8]) -> Bool {
        if case .loaded = ConfigFile.parse(text: String(decoding: bytes, as: UTF8.self), file: "fuzz.toml") { return true }
        return false
    }

    static func pictures(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        // The bytes as a PNG, and after a PNG's signature, so chunks are reached.
        var read = false
        for png in [bytes, PNGText.signature + bytes] {
            if let entries = try? PNGText.entries(in: png) { read = read || !entries.isEmpty }
            _ = try? PNGText.inserting([PNGText.Entry(keyword: "zqt-request", text: text)], into: png)
            _ = PictureRequest.read(png, sidecar: nil, catalog: .shipped, current: .image2Image, taskID: "fuzz")
            _ = PNGInfo.dimensions(of: png)
            _ = ImageHeader.read(png)
        }
        _ = PictureRequest.read(PNGText.signature, sidecar: text, catalog: .shipped, current: .image2Image, taskID: "fuzz")
        _ = A1111Parameters.parse(text)
        return read
    }

    static func uploads(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = S3Uploader.errorText(bytes)
        _ = CommandUploader.url(inOutput: text, said: "")
        _ = CommandUploader.stderrTail(text)
        return SandboxUploader.servedURL(bytes) != nil
    }

    static func wire(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = TerminalText.printable(text)
        _ = APIError.printable(text)
        _ = BusyAnswer.seconds(retryAfter: text)
        _ = TaskIDCharacters.problem(in: text)
        _ = HTTPTarget(text)
        // A chunked body, fed in two parts as it arrives.
        var chunks = ChunkedDecoder()
        try? chunks.feed(bytes.prefix(bytes.count / 2))
        try? chunks.feed(bytes.dropFirst(bytes.count / 2))
        guard let (head, _) = HTTPHead.parse(bytes) else { return false }
        _ = head.framing
        return true
    }

    static func a1111(_ bytes: [UInt8]) -> Bool {
        // Small bounds, so an input that claims big pictures is refused the way a real one is, fast.
        let bounds = ImageBounds(imagesPerTask: 4, bytesPerTask: 1 << 20, bytesPerImage: 1 << 19)
        for status in [200, 422, 500] {
            _ = A1111Answer.read(bytes, status: status, idTask: "fuzz", bounds: bounds, into: InlineImages(budget: 2 << 20))
            // The same answer as it arrives over the network (A1111AnswerStream), cut in three.
            let stream = A1111AnswerStream(idTask: "fuzz", bounds: bounds, into: InlineImages(budget: 2 << 20))
            for piece in [bytes.prefix(bytes.count / 3), bytes.dropFirst(bytes.count / 3).prefix(bytes.count / 3), bytes.dropFirst(bytes.count / 3 * 2)] {
                piece.withUnsafeBufferPointer { stream.consumeBody($0) }
            }
            _ = A1111Answer.read(stream: stream, status: status, idTask: "fuzz")
        }
        _ = A1111Failure.error(status: 401, body: bytes)
        _ = Base64.decode(String(decoding: bytes, as: UTF8.self), maxBytes: 1 << 20)
        guard let value = try? JSONParser.parse(bytes: bytes) else { return false }
        var watch = A1111JobWatch(before: A1111Progress(value))
        _ = watch.observe(A1111Progress(value))
        _ = watch.info(A1111Progress(value), previewURL: nil, others: true)
        _ = A1111Failure.validationProblems(value)
        _ = A1111Failure.serverError(value)
        for path in ["sdapi/v1/sd-models", "sdapi/v1/loras", "sdapi/v1/samplers", "controlnet/model_list", "controlnet/module_list"] {
            _ = A1111ModelLists.names(value, path: path)
        }
        return true
    }
}
