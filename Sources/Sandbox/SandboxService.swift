// The sandbox's behaviour: a faithful stand-in for the service's SD
// endpoints (zhiqite-api.md §1.1–1.4, §2.1–2.2) under the wire rules.
//
// Submits are checked as the service would: credential headers (rule 1),
// the body validated with the Model's own RequestValidator, answered in the
// envelope (rule 2). Tasks go queued (0) → running (1, progress in
// `temporaryImageDto`) → success (2) over `taskSeconds`, or fail (status 4)
// when asked to. Result URLs point back here and serve real PNGs.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Model

public final class SandboxService: @unchecked Sendable {
    struct TaskRecord {
        let idTask: String
        let endpoint: Endpoint
        let request: SDRequest
        let submittedAt: Date
        let duration: Double
        let failReason: String?
        let vanished: Bool
        let seeds: [Int]
    }

    /// A submit as the sandbox received it, for tests that compare it with the preview.
    public struct ReceivedSubmission: Sendable {
        public let endpoint: Endpoint
        public let body: String
        public let receivedAt: Date
    }

    private let lock = Lock()
    private var options: SandboxOptions
    private var tasks: [String: TaskRecord] = [:]
    private var received: [ReceivedSubmission] = []
    private var queries = 0
    private let now: @Sendable () -> Date
    /// Where result image URLs point, e.g. `http://127.0.0.1:8931`.
    var publicBaseURL: String = "http://127.0.0.1"

    public init(options: SandboxOptions = SandboxOptions(), now: @escaping @Sendable () -> Date = Date.init) {
        self.options = options
        self.now = now
    }

    public var receivedSubmissions: [ReceivedSubmission] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// How many task queries were answered, to check that polling stops when asked.
    public var queryCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return queries
    }

    public func setFaults(_ faults: SandboxFaults) {
        lock.lock()
        options.faults = faults
        lock.unlock()
    }

    public var currentFaults: SandboxFaults {
        lock.lock()
        defer { lock.unlock() }
        return options.faults
    }

    // MARK: Routing

    public func handle(_ request: HTTPRequest) -> HTTPAction {
        if request.path.hasPrefix("/sandbox/") || request.path == "/" || request.path == "/sandbox" {
            return control(request)
        }
        if let fault = takeFault() {
            return fault
        }
        guard request.method == "POST" else {
            return .respond(.text("the service takes POST with a JSON body (wire rule 1)", status: 405))
        }
        guard let endpoint = Endpoint(path: request.path) else {
            return .respond(envelope(code: "404", msg: "no such endpoint: \(request.path)", status: 404))
        }
        if let problem = credentialProblem(request) {
            return .respond(envelope(code: "401", msg: problem))
        }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(bytes: request.body)
        } catch {
            return .respond(envelope(code: "400", msg: "request body is not valid JSON: \(error)"))
        }
        switch endpoint {
        case .controlNet, .text2Image, .image2Image:
            return .respond(submit(parsed, body: String(decoding: request.body, as: UTF8.self), endpoint: endpoint))
        case .queryTaskInfoV2, .queryTaskInfoV1:
            return .respond(query(parsed, version: endpoint == .queryTaskInfoV2 ? .v2 : .v1))
        case .queryModelList:
            return .respond(modelList(parsed))
        }
    }

    /// Applies latency and takes one use of the current fault, if any.
    private func takeFault() -> HTTPAction? {
        lock.lock()
        let faults = options.faults
        var mode = faults.mode
        if mode != .none {
            if let remaining = faults.remaining {
                if remaining <= 0 {
                    mode = .none
                    options.faults.mode = .none
                } else {
                    options.faults.remaining = remaining - 1
                }
            }
        }
        lock.unlock()
        if faults.latencyMilliseconds > 0 {
            usleep(useconds_t(min(faults.latencyMilliseconds, 600_000)) * 1000)
        }
        switch mode {
        case .none: return nil
        case .http500: return .respond(.text("sandbox fault: internal server error", status: 500))
        case .notJSON: return .respond(HTTPResponse(status: 200, contentType: "text/html", body: Array("<html><body>502 Bad Gateway (sandbox fault)</body></html>".utf8)))
        case .drop: return .dropConnection
        }
    }

    private func credentialProblem(_ request: HTTPRequest) -> String? {
        let id = request.header(HTTPImageAPI.idHeader)?.trimmed ?? ""
        let secret = request.header(HTTPImageAPI.secretHeader)?.trimmed ?? ""
        if id.isEmpty || secret.isEmpty {
            let missing = [id.isEmpty ? HTTPImageAPI.idHeader : nil, secret.isEmpty ? HTTPImageAPI.secretHeader : nil].compactMap { $0 }
            return "missing credential header \(missing.joined(separator: " and "))"
        }
        lock.lock()
        let required = options.requiredCredentials
        lock.unlock()
        if let required, required.accessKeyID != id || required.accessKeySecret != secret {
            return "invalid access key"
        }
        return nil
    }

    // MARK: Endpoints

    private func submit(_ value: JSONValue, body: String, endpoint: Endpoint) -> HTTPResponse {
        guard value.objectValue != nil else {
            return envelope(code: "400", msg: "request body must be a JSON object")
        }
        let request = SDRequest.decode(value).request
        let problems = RequestValidator.validate(request, for: endpoint)
        if let first = problems.first {
            let more = problems.count > 1 ? " (and \(problems.count - 1) more)" : ""
            return envelope(code: "400", msg: "invalid parameter \(first.path): \(first.message)\(more)")
        }
        lock.lock()
        defer { lock.unlock() }
        received.append(ReceivedSubmission(endpoint: endpoint, body: body, receivedAt: now()))
        if tasks[request.idTask] != nil {
            return envelope(code: "409", msg: "id_task \(request.idTask) was already used; every submission needs a new id_task")
        }
        let prompt = request.prompt
        var duration = options.taskSeconds
        if prompt.contains(SandboxOptions.PromptMarker.slow) { duration *= 4 }
        var failReason: String?
        if options.failAllTasks {
            failReason = "the sandbox was started with --fail-tasks"
        } else if prompt.contains(SandboxOptions.PromptMarker.fail) {
            failReason = "the prompt contains \(SandboxOptions.PromptMarker.fail)"
        }
        let firstSeed = request.seed >= 0 ? request.seed : Int.random(in: 0..<4_294_967_296)
        tasks[request.idTask] = TaskRecord(
            idTask: request.idTask, endpoint: endpoint, request: request, submittedAt: now(), duration: duration,
            failReason: failReason, vanished: prompt.contains(SandboxOptions.PromptMarker.vanish),
            seeds: (0..<request.imageCount).map { firstSeed + $0 })
        return envelope(code: "200", msg: "success", data: .object([(key: "task_id", value: .string(request.idTask))]))
    }

    private func query(_ value: JSONValue, version: QueryVersion) -> HTTPResponse {
        guard let id = value["businessTaskId"]?.stringValue, !id.isEmpty else {
            return envelope(code: "400", msg: "businessTaskId is required")
        }
        lock.lock()
        queries += 1
        let record = tasks[id]
        let base = publicBaseURL
        lock.unlock()
        guard let record, !record.vanished else {
            return envelope(code: "404", msg: "no task with businessTaskId \(id)")
        }
        let elapsed = now().timeIntervalSince(record.submittedAt)
        let queuedFor = record.duration * 0.2
        let idKey = version == .v2 ? "id_task" : "task_id"  // §2.1 vs §2.2
        var members: [(String, JSONValue?)] = [(idKey, .string(id))]
        if elapsed < queuedFor {
            members += [("status", .int(0)), ("desc", .string("queued")),
                        ("temporaryImageDto", version == .v2 ? progressDTO(0) : nil),
                        ("differentialImageRspList", .array([]))]
        } else if elapsed < record.duration {
            let fraction = (elapsed - queuedFor) / max(record.duration - queuedFor, 0.001)
            members += [("status", .int(1)), ("desc", .string("running")),
                        ("temporaryImageDto", version == .v2 ? progressDTO(fraction) : nil),
                        ("differentialImageRspList", .array([]))]
        } else if let reason = record.failReason {
            members += [("status", .int(4)), ("desc", .string("Task failed: \(reason)")),
                        ("temporaryImageDto", version == .v2 ? .null : nil),
                        ("differentialImageRspList", .array([]))]
        } else {
            let results: [JSONValue] = record.seeds.enumerated().map { index, seed in
                .object([
                    (key: "img_audit", value: .array([.object([(key: "confidence", value: .null), (key: "label", value: .string("nonLabel"))])])),
                    (key: "img_audit_status", value: .bool(true)),
                    (key: "image_status", value: .int(1)),
                    (key: "image_url", value: .string("\(base)/sandbox/images/\(id)/\(index).png")),
                    (key: "seed", value: .int(seed)),
                ])
            }
            members += [("status", .int(2)), ("desc", .string("Success")),
                        ("temporaryImageDto", version == .v2 ? .null : nil),
                        ("differentialImageRspList", .array(results))]
        }
        return envelope(code: "200", msg: "success", data: .object(dropping: members))
    }

    private func progressDTO(_ fraction: Double) -> JSONValue {
        let clamped = min(max(fraction, 0), 0.99)
        return .object([
            (key: "progress", value: .double((clamped * 100).rounded() / 100)),
            (key: "percentage", value: .int(Int(clamped * 100))),
            (key: "image_url", value: .null),
        ])
    }

    static let checkpoints: [(file: String, name: String, base: String)] = [
        ("revAnimated_v122_7371.safetensors", "ReV Animated", "SD 1.5"),
        ("photon_v1_84728.safetensors", "Photon", "SD 1.5"),
        ("majicmixRealistic_v7_176425.safetensors", "majicMIX realistic", "SD 1.5"),
        ("dreamshaper_8_128713.safetensors", "DreamShaper", "SD 1.5"),
        ("realisticVisionV60B1_v51VAE_130072.safetensors", "Realistic Vision", "SD 1.5"),
        ("counterfeitV30_v30_57618.safetensors", "Counterfeit", "SD 1.5"),
        ("anything-v5-PrtRE_30163.safetensors", "Anything V5", "SD 1.5"),
        ("meinamix_meinaV11_176264.safetensors", "MeinaMix", "SD 1.5"),
        ("sd_xl_base_1.0_128078.safetensors", "SDXL 1.0", "SDXL 1.0"),
        ("juggernautXL_v9_348913.safetensors", "Juggernaut XL", "SDXL 1.0"),
        ("animagineXLV31_v31_403131.safetensors", "Animagine XL", "SDXL 1.0"),
        ("ponyDiffusionV6XL_v6_290640.safetensors", "Pony Diffusion V6 XL", "SDXL 1.0"),
    ]

    private func modelList(_ value: JSONValue) -> HTTPResponse {
        guard let pageSize = value["pageSize"]?.numberValue.map({ Int($0) }), pageSize > 0,
              let pageNum = value["pageNum"]?.numberValue.map({ Int($0) }), pageNum > 0 else {
            return envelope(code: "400", msg: "pageSize and pageNum are required and must be at least 1")
        }
        let checkpointFilter = value["sdModelCheckpoint"]?.stringValue?.lowercased() ?? ""
        let nameFilter = value["sdModelName"]?.stringValue?.lowercased() ?? ""
        let matching = Self.checkpoints.enumerated().filter { _, model in
            (checkpointFilter.isEmpty || model.file.lowercased().contains(checkpointFilter))
                && (nameFilter.isEmpty || model.name.lowercased().contains(nameFilter))
        }
        let page = matching.dropFirst((pageNum - 1) * pageSize).prefix(pageSize)
        let rows: [JSONValue] = page.map { index, model in
            .object([
                (key: "id", value: .int(index + 1)),
                (key: "sdModelCheckpoint", value: .string(model.file)),
                (key: "sdModelName", value: .string(model.name)),
                (key: "modelBaseModel", value: .string(model.base)),
                (key: "modelType", value: .string("Checkpoint")),
                (key: "modelVersion", value: .string("v1")),
                (key: "modelStatus", value: .int(1)),
                (key: "modelUploadStatus", value: .int(2)),
            ])
        }
        return envelope(code: "200", msg: "success", data: .object([
            (key: "rows", value: .array(rows)),
            (key: "total", value: .int(matching.count)),
            (key: "pageSize", value: .int(pageSize)),
            (key: "pageNum", value: .int(pageNum)),
        ]))
    }

    // MARK: Control routes (not part of the service)

    private func control(_ request: HTTPRequest) -> HTTPAction {
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.dropFirst().first) {
        case ("GET", "images"?) where parts.count == 4:
            return .respond(image(task: parts[2], file: parts[3]))
        case ("GET", "requests"?):
            let list = receivedSubmissions.map { submission -> JSONValue in
                let body = (try? JSONParser.parse(submission.body)) ?? .string(submission.body)
                return .object([(key: "endpoint", value: .string(submission.endpoint.path)), (key: "body", value: body)])
            }
            return .respond(.json(JSONValueText(JSONWriter.pretty(.array(list)))))
        case ("POST", "faults"?):
            guard let value = try? JSONParser.parse(bytes: request.body) else {
                return .respond(.text("faults: send {\"mode\": \"none|http500|not-json|drop\", \"latency_ms\": 0, \"count\": n}", status: 400))
            }
            let modeName = value["mode"]?.stringValue ?? "none"
            guard let mode = SandboxFaults.Mode(rawValue: modeName) else {
                return .respond(.text("unknown fault mode \(modeName); one of \(SandboxFaults.Mode.allCases.map(\.rawValue).joined(separator: ", "))", status: 400))
            }
            let faults = SandboxFaults(latencyMilliseconds: value["latency_ms"]?.numberValue.map { Int($0) } ?? 0,
                                       mode: mode, remaining: value["count"]?.numberValue.map { Int($0) })
            setFaults(faults)
            return .respond(.json(JSONValueText("{\"ok\": true}")))
        default:
            let help = """
            zqt sandbox: a local stand-in for the zhiqite image API.
            POST \(Endpoint.pathPrefix){sd/v2/controlnet, sd/v2/text2image, sd/v2/image2image,
                 sd/v2/queryTaskInfo, sd/queryTaskInfo, sd/v2/queryModelList}
            GET  /sandbox/requests     the submit bodies received so far
            POST /sandbox/faults       {"mode": "none|http500|not-json|drop", "latency_ms": 0, "count": n}
            Prompt markers: \(SandboxOptions.PromptMarker.fail), \(SandboxOptions.PromptMarker.slow), \(SandboxOptions.PromptMarker.vanish)

            """
            return .respond(.text(help, status: request.path == "/" || request.path == "/sandbox" ? 200 : 404))
        }
    }

    private func image(task id: String, file: String) -> HTTPResponse {
        lock.lock()
        let record = tasks[id]
        lock.unlock()
        guard let record, file.hasSuffix(".png"), let index = Int(file.dropLast(4)),
              record.seeds.indices.contains(index), record.failReason == nil,
              now().timeIntervalSince(record.submittedAt) >= record.duration else {
            return .text("no such image (result URLs expire)", status: 404)
        }
        let size = record.request.outputSize
        return HTTPResponse(status: 200, contentType: "image/png",
                            body: PNGImage.render(width: size.width, height: size.height, seed: record.seeds[index]))
    }

    private func envelope(code: String, msg: String, data: JSONValue? = nil, status: Int = 200) -> HTTPResponse {
        .json(JSONValueText(JSONWriter.pretty(.object(dropping: [("code", .string(code)), ("msg", .string(msg)), ("data", data)]))),
              status: status)
    }
}
