// The sandbox's behaviour: a faithful stand-in for the service's SD
// endpoints (zhiqite-api.md §1.1–1.4, §2.1–2.2) and its image tools (§4,
// queried through §2.3) under the wire rules.
//
// Every submit path comes from the endpoint catalog. Submits are checked as
// the service would: credential headers (rule 1), the body validated with
// the Model's own RequestValidator, answered in the envelope (rule 2).
// SD tasks go queued (0) → running (1, progress in `temporaryImageDto`) →
// success (2) over `taskSeconds`, or fail (status 4) when asked to. Tool
// tasks (rule 8: `businessTaskId`, `tool/{toolCode}/queryTask`) answer
// status 1 while running and, when done, status 1 with `outputImageUrl`
// (image tools, §4.1) or status 0 with `prompts` (prompt expansion, §4.10,
// which answers its result at once, in the submit answer); a failed tool
// task has status 4 and a `desc`. Result URLs point back here and serve
// real PNGs.

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
        /// The client's id: `id_task` (SD) or `businessTaskId` (tools).
        let id: String
        /// The service's own id: the `id_task` again for SD (wire rule 8), a number for tools.
        let serviceID: String
        let endpoint: Endpoint
        let submittedAt: Date
        let duration: Double
        let failReason: String?
        let vanished: Bool
        /// The path segment of the task's image URLs.
        let imageKey: String
        let width: Int
        let height: Int
        /// One per result image.
        let seeds: [Int]
        /// Text results (prompt expansion, a caption, a style) and the key and status they are answered with.
        let texts: [String]
        var textKey = "text"
        var textStatus = 0
        /// Other members of a finished answer (face detection's `faces`).
        var members: [(String, JSONValue)] = []
        /// A training task's epochs (§3.1 maxEpochs), for the sandbox's task list.
        var epochs = 0
    }

    /// A submit as the sandbox received it, for tests that compare it with the preview.
    public struct ReceivedSubmission: Sendable {
        /// The catalog endpoint posted to (`endpoint.id` is the path relative to `/AIGCImgOpenServ/saas/`).
        public let endpoint: Endpoint
        public let body: String
        public let receivedAt: Date
        /// Tasks submitted earlier and not finished when this one came:
        /// how a test sees how many a client keeps in flight (a sweep's --parallel).
        public var unfinishedTasks = 0
    }

    /// A submit as received, with the tasks still running then. The lock is held.
    private func receipt(endpoint: Endpoint, body: String) -> ReceivedSubmission {
        let time = now()
        var submission = ReceivedSubmission(endpoint: endpoint, body: body, receivedAt: time)
        submission.unfinishedTasks = tasks.values.filter { time.timeIntervalSince($0.submittedAt) < $0.duration }.count
        return submission
    }

    /// Where a service path leads.
    enum Route {
        case sdSubmit(Endpoint)
        case toolSubmit(Endpoint)
        /// §3.1; no query follows it (§3.2 is a callback).
        case trainingSubmit(Endpoint)
        case sdQuery(QueryVersion)
        /// `tool/{toolCode}/queryTask`, with the tool the code names.
        case toolQuery(Endpoint)
        /// A model list (§1.4–§1.7; SandboxModelLists.swift).
        case modelList(ModelListKind)
    }

    /// Tools that answer their result in the submit answer (§4.10).
    static let synchronousTools: Set<String> = ["prompts/expand"]

    private let lock = Lock()
    private var options: SandboxOptions
    private var tasks: [String: TaskRecord] = [:]
    /// Image URL key → client id.
    private var imageKeys: [String: String] = [:]
    private var received: [ReceivedSubmission] = []
    private var queries = 0
    private var nextServiceID: Int
    private let catalog: EndpointCatalog
    private let now: @Sendable () -> Date
    /// Where result image URLs point, e.g. `http://127.0.0.1:8931`.
    var publicBaseURL: String = "http://127.0.0.1"
    /// The user's pictures, uploaded to the sandbox itself (SandboxUploads.swift).
    private let uploads = SandboxUploads()

    public init(options: SandboxOptions = SandboxOptions(), now: @escaping @Sendable () -> Date = Date.init) {
        self.options = options
        self.now = now
        nextServiceID = options.firstTaskID
        catalog = .shipped
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
        let fault = takeFault()
        switch fault {
        case let .lateAnswer(milliseconds)?:
            let action = serve(request)
            usleep(useconds_t(milliseconds) * 1000)
            return action
        case .dropAfter?:
            _ = serve(request)
            return .dropConnection
        case let .now(action)?:
            return action
        case nil:
            return serve(request)
        }
    }

    /// The service's answer to one of its own paths.
    private func serve(_ request: HTTPRequest) -> HTTPAction {
        guard request.method == "POST" else {
            return .respond(.text("the service takes POST with a JSON body (wire rule 1)", status: 405))
        }
        guard let route = route(request.path) else {
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
        let body = String(decoding: request.body, as: UTF8.self)
        switch route {
        case let .sdSubmit(endpoint): return .respond(submitSD(parsed, body: body, endpoint: endpoint))
        case let .toolSubmit(endpoint): return .respond(submitTool(parsed, body: body, endpoint: endpoint))
        case let .trainingSubmit(endpoint): return .respond(submitTraining(parsed, body: body, endpoint: endpoint))
        case let .sdQuery(version): return .respond(query(parsed, version: version))
        case let .toolQuery(endpoint): return .respond(toolQuery(parsed, endpoint: endpoint))
        case let .modelList(kind):
            lock.lock()
            let listOptions = options.modelLists
            lock.unlock()
            return .respond(modelListAnswer(kind, parsed, options: listOptions))
        }
    }

    /// The route of a full service path, or nil when the sandbox serves none there.
    func route(_ path: String) -> Route? {
        guard path.hasPrefix(Endpoint.pathPrefix) else { return nil }
        let id = String(path.dropFirst(Endpoint.pathPrefix.count))
        switch id {
        case Endpoint.Query.taskInfoV2: return .sdQuery(.v2)
        case Endpoint.Query.taskInfoV1: return .sdQuery(.v1)
        default: break
        }
        if let kind = Self.modelListKind(path: id) { return .modelList(kind) }
        let querySuffix = "/queryTask"
        if id.hasPrefix("tool/"), id.hasSuffix(querySuffix) {
            // Wire rule 8: the toolCode is everything between `tool/` and `/queryTask`, slashes included.
            let code = String(id.dropFirst("tool/".count).dropLast(querySuffix.count))
            if let tool = catalog.endpoints.first(where: { $0.family == .tool(code: code) }) {
                return .toolQuery(tool)
            }
            // A tool the reference names without a form (§5's sdPrompts): its own queryTask.
            return Self.servedGenerically(code) ? .toolQuery(catalog.resolve("tool/" + code)) : nil
        }
        // An AUTOMATIC1111 endpoint of the catalog (sdapi/…) is no path of the service's (endpoints.json has none):
        // 404 as the service answers, not a task (newcomer20g 3: a send failed on "invalid parameter force_task_id").
        guard let endpoint = catalog.endpoint(path: id), endpoint.server == .zhiqite else {
            // Issue 22: the tools the reference names without a form are served as a generic
            // tool; any other toolCode is a path the service does not have, refused as one.
            if id.hasPrefix("tool/"), Self.servedGenerically(String(id.dropFirst("tool/".count))) { return .toolSubmit(catalog.resolve(id)) }
            return nil
        }
        if endpoint.family.toolCode != nil { return .toolSubmit(endpoint) }
        return endpoint.family == .training ? .trainingSubmit(endpoint) : .sdSubmit(endpoint)
    }

    /// A toolCode the reference names without a form zqt ships (CustomEndpoint.pathsWithoutForm, issue 22).
    static func servedGenerically(_ code: String) -> Bool {
        isToolCode(code) && CustomEndpoint.withoutForm("tool/" + code) != nil
    }

    /// A toolCode as a path: segments of letters, digits, `-`, `_` and `.`, none empty or `..`.
    static func isToolCode(_ code: String) -> Bool {
        let segments = code.split(separator: "/", omittingEmptySubsequences: false)
        return !segments.isEmpty && segments.count <= 4 && segments.allSatisfy { segment in
            !segment.isEmpty && segment != "." && segment != ".." && segment.count <= 64
                && segment.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
        }
    }

    /// What a fault does to one request.
    private enum FaultAction {
        /// Answer this instead.
        case now(HTTPAction)
        /// Carry the request out, answer this much later.
        case lateAnswer(Int)
        /// Carry the request out, answer nothing.
        case dropAfter
    }

    /// Applies latency and takes one use of the current fault, if any.
    private func takeFault() -> FaultAction? {
        lock.lock()
        let faults = options.faults
        var mode = faults.mode
        if mode != .none {
            if let remaining = faults.remaining {
                if remaining <= 0 {
                    mode = .none
                    // A late answer's delay is its own: spent with its count.
                    if options.faults.mode == .lateAnswer { options.faults.latencyMilliseconds = 0 }
                    options.faults.mode = .none
                } else {
                    options.faults.remaining = remaining - 1
                }
            }
        }
        lock.unlock()
        let latency = min(max(faults.latencyMilliseconds, 0), 600_000)
        if mode == .lateAnswer { return .lateAnswer(latency) }
        if faults.mode == .lateAnswer { return nil }  // just spent: no delay of its own for this request
        if latency > 0 { usleep(useconds_t(latency) * 1000) }
        switch mode {
        case .none, .lateAnswer: return nil
        case .http500: return .now(.respond(.text("sandbox fault: internal server error", status: 500)))
        case .notJSON: return .now(.respond(HTTPResponse(status: 200, contentType: "text/html", body: Array("<html><body>502 Bad Gateway (sandbox fault)</body></html>".utf8))))
        case .drop: return .now(.dropConnection)
        case .dropAfter: return .dropAfter
        case .busy:
            var busy = envelope(code: "429", msg: "sandbox fault: busy, try again later", status: 429)
            busy.headers = [("Retry-After", "1")]
            return .now(.respond(busy))
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

    // MARK: Submits

    /// The first validation problem as the service's 400, or nil when there is none.
    /// A required field the body leaves out comes first, said as a server says it:
    /// the service fills nothing in (issue 22), where zqt's own requests always
    /// carry what is required.
    private func invalid(_ request: Request) -> HTTPResponse? {
        if let missing = missingRequired(request) {
            return envelope(code: "400", msg: "invalid parameter \(missing): \(missing) is required")
        }
        // zqt's own words for a missing value ("zqt generates one", "choose a checkpoint")
        // are the client's; the service names the parameter (issue 22).
        let wire = request.wireValue
        let problems = RequestValidator.validate(request).map { problem -> ValidationProblem in
            guard let field = request.endpoint.field(at: problem.path), field.required, Self.isEmpty(wire.value(at: field.path)) else {
                return problem
            }
            return ValidationProblem(path: problem.path, message: "\(problem.path) is required")
        }
        guard let first = problems.first else { return nil }
        let more = problems.count > 1 ? " (and \(problems.count - 1) more)" : ""
        return envelope(code: "400", msg: "invalid parameter \(first.path): \(first.message)\(more)")
    }

    /// The first field the reference marks required that the body as received
    /// lacks (absent, null, empty text or an empty list), before any default
    /// could fill it; a field only zqt's form requires (a sampler, which zqt
    /// fills with its default) is not one.
    /// On SD endpoints, what the service's own documented example leaves out
    /// (`batch_size`, `resize_mode`, §1.3) is taken as the service takes it there.
    private func missingRequired(_ request: Request) -> String? {
        let body = request.body
        for field in request.endpoint.fields where field.required && !field.requiredByZqtOnly && !field.kind.isVirtual {
            if request.endpoint.family == .sd, Self.leftOutByTheExample.contains(field.path) { continue }
            if Self.isEmpty(body.value(at: field.path)) { return field.path }
        }
        return nil
    }

    /// No value: absent, null, blank text or an empty list.
    static func isEmpty(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: return true
        case let .string(text)?: return text.trimmed.isEmpty
        case let .array(items)?: return items.isEmpty
        default: return false
        }
    }

    /// The ControlNet endpoint's required fields its documented example (examples/controlnet.json) does not send.
    static let leftOutByTheExample: Set<String> = {
        guard let example = try? JSONParser.parse(BundledExamples.controlNetJSON),
              let controlNet = EndpointCatalog.shipped.endpoint(id: "sd/v2/controlnet") else { return [] }
        return Set(controlNet.fields.filter { $0.required && !$0.kind.isVirtual && example.value(at: $0.path) == nil }.map(\.path))
    }()

    /// How long a task takes and whether it fails, from the switches and the prompt's markers.
    /// `text` is the prompt, or the whole body for a request without one (`what` says which).
    private func fate(prompt: String, what: String = "prompt") -> (duration: Double, failReason: String?, vanished: Bool) {
        var duration = options.taskSeconds
        if prompt.contains(SandboxOptions.PromptMarker.slow) { duration *= 4 }
        var failReason: String?
        if options.failAllTasks {
            failReason = "the sandbox was started with --fail-tasks"
        } else if prompt.contains(SandboxOptions.PromptMarker.fail) {
            failReason = "the \(what) contains \(SandboxOptions.PromptMarker.fail)"
        }
        return (duration, failReason, prompt.contains(SandboxOptions.PromptMarker.vanish))
    }

    private func submitSD(_ value: JSONValue, body: String, endpoint: Endpoint) -> HTTPResponse {
        guard value.objectValue != nil else {
            return envelope(code: "400", msg: "request body must be a JSON object")
        }
        if let refusal = invalid(Request(endpoint: endpoint, body: value)) { return refusal }
        let request = Request(endpoint: endpoint, body: value)
        lock.lock()
        defer { lock.unlock() }
        received.append(receipt(endpoint: endpoint, body: body))
        if tasks[request.taskID] != nil {
            return envelope(code: "409", msg: "id_task \(request.taskID) was already used; every submission needs a new id_task")
        }
        let fate = fate(prompt: request.prompt)
        let asked = request.seed ?? -1
        let firstSeed = asked >= 0 ? asked : Int.random(in: 0..<4_294_967_296)
        let size = request.outputSize
        tasks[request.taskID] = TaskRecord(
            id: request.taskID, serviceID: request.taskID, endpoint: endpoint, submittedAt: now(), duration: fate.duration,
            failReason: fate.failReason, vanished: fate.vanished, imageKey: request.taskID,
            width: size.width, height: size.height, seeds: (0..<request.imageCount).map { firstSeed &+ $0 }, texts: [])
        imageKeys[request.taskID] = request.taskID
        return envelope(code: "200", msg: "success", data: .object([(key: "task_id", value: .string(request.taskID))]))
    }

    enum SubmitCheck {
        case accepted(Request)
        case refused(HTTPResponse)
    }

    /// A tool's or training's submit as the service checks it: a JSON object
    /// with its client task id (wire rule 8), valid by zqt's own rules; else the refusal.
    private func checkedSubmit(_ value: JSONValue, endpoint: Endpoint) -> SubmitCheck {
        guard value.objectValue != nil else {
            return .refused(envelope(code: "400", msg: "request body must be a JSON object"))
        }
        let request = Request(endpoint: endpoint, body: value)
        guard !request.taskID.trimmed.isEmpty else {
            return .refused(envelope(code: "400", msg: "invalid parameter \(endpoint.taskIDPath): \(endpoint.taskIDPath) is required"))
        }
        if let refusal = invalid(request) { return .refused(refusal) }
        return .accepted(request)
    }

    private func submitTool(_ value: JSONValue, body: String, endpoint: Endpoint) -> HTTPResponse {
        let request: Request
        switch checkedSubmit(value, endpoint: endpoint) {
        case let .accepted(checked): request = checked
        case let .refused(refusal): return refusal
        }
        let id = request.taskID
        let wire = request.wireValue
        lock.lock()
        defer { lock.unlock() }
        received.append(receipt(endpoint: endpoint, body: body))
        if tasks[id] != nil {
            return envelope(code: "409", msg: "businessTaskId \(id) was already used; every submission needs a new businessTaskId")
        }
        let serviceID = String(nextServiceID)
        nextServiceID += 1
        // Tools without a prompt (face swaps) take the markers anywhere in the body, e.g. in an image URL.
        var fate = request.prompt.isEmpty ? fate(prompt: body, what: "request") : fate(prompt: request.prompt)
        let synchronous: Bool
        if let code = endpoint.family.toolCode, Self.synchronousTools.contains(code) {
            synchronous = true
            fate.duration = 0  // §4.10: the result comes in the submit answer
        } else {
            synchronous = false
        }
        var width = 0, height = 0, seeds: [Int] = [], texts: [String] = [], textKey = "text", textStatus = 0
        var members: [(String, JSONValue)] = []
        switch SandboxTools.plan(for: endpoint, wire: wire, imageCount: request.imageCount, sizeOf: imageSizeLocked) {
        case let .images(count, planWidth, planHeight):
            (width, height) = (planWidth, planHeight)
            let seedValue = endpoint.field(role: .seed).flatMap { wire.value(at: $0.path)?.numberValue }
            let firstSeed = seedValue.map { Int(clamping: $0, to: -1...Int(Int32.max)) }.flatMap { $0 >= 0 ? $0 : nil }
                ?? Int.random(in: 0..<4_294_967_296)
            seeds = (0..<count).map { firstSeed + $0 }
        case let .texts(key, items, status):
            (texts, textKey, textStatus) = (items, key, status)
        case let .members(items):
            members = items
        }
        var record = TaskRecord(
            id: id, serviceID: serviceID, endpoint: endpoint, submittedAt: now(), duration: fate.duration,
            failReason: fate.failReason, vanished: fate.vanished, imageKey: "tool-\(serviceID)",
            width: width, height: height, seeds: seeds, texts: texts)
        record.textKey = textKey
        record.textStatus = textStatus
        record.members = members
        tasks[id] = record
        imageKeys[record.imageKey] = id
        if synchronous, !record.vanished {
            // §4.10's answer: `{status, prompts, taskId, businessTaskId}`, or the failure at once.
            let ids: [(String, JSONValue?)] = [("taskId", .string(serviceID)), ("businessTaskId", .string(id))]
            let members: [(String, JSONValue?)]
            if let reason = record.failReason {
                members = ids + [("status", .int(4)), ("desc", .string("Task failed: \(reason)"))]
            } else {
                members = resultMembers(record, base: publicBaseURL) + ids
            }
            return envelope(code: "200", msg: "success", data: .object(dropping: members))
        }
        return envelope(code: "200", msg: "success", data: .object([
            (key: "taskId", value: .string(serviceID)),
            (key: "businessTaskId", value: .string(id)),
            (key: "status", value: .int(1)),
        ]))
    }

    /// A finished tool task's status and result (SandboxTools): status 1 with
    /// `outputImageUrl` (§4.1), status 0 with `prompts` (§4.10), status 1
    /// with `caption` (§4.7), or the members the tool answers (face detection).
    private func resultMembers(_ record: TaskRecord, base: String) -> [(String, JSONValue?)] {
        if !record.seeds.isEmpty {
            let urls = record.seeds.indices.map { "\(base)/sandbox/images/\(record.imageKey)/\($0).png" }
            return [("status", .int(1)), ("desc", .string("success")),
                    ("outputImageUrl", urls.count == 1 ? .string(urls[0]) : .array(urls.map(JSONValue.string)))]
        }
        if !record.texts.isEmpty {
            let value: JSONValue = record.textKey == "prompts" ? .array(record.texts.map(JSONValue.string)) : .string(record.texts.joined(separator: "\n"))
            return [("status", .int(record.textStatus)), ("desc", .string("success")), (record.textKey, value)]
        }
        return [("status", .int(1)), ("desc", .string("success"))] + record.members.map { ($0.0, Optional($0.1)) }
    }

    /// The size of an image the sandbox served at `url` (a result of an
    /// earlier task), or nil for any other URL. Called with the lock held.
    private func imageSizeLocked(_ url: String) -> (width: Int, height: Int)? {
        if let size = uploads.imageSize(url) { return size }
        let marker = "/sandbox/images/"
        let parts = url.split(separator: marker, maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let key = parts[1].split(separator: "/").first.map(String.init) ?? ""
        guard let record = imageKeys[key].flatMap({ tasks[$0] }), record.width > 0, record.height > 0 else { return nil }
        return (record.width, record.height)
    }

    /// A training task (§3.1): checked as any submit, accepted with the
    /// service's own id. §3.2 reports results by callback, so nothing can
    /// ask about it; its progress shows on the sandbox's own task list
    /// (GET /sandbox/tasks), an epoch at a time over `taskSeconds` × 20.
    private func submitTraining(_ value: JSONValue, body: String, endpoint: Endpoint) -> HTTPResponse {
        let request: Request
        switch checkedSubmit(value, endpoint: endpoint) {
        case let .accepted(checked): request = checked
        case let .refused(refusal): return refusal
        }
        let id = request.taskID
        lock.lock()
        defer { lock.unlock() }
        received.append(receipt(endpoint: endpoint, body: body))
        if tasks[id] != nil {
            return envelope(code: "409", msg: "taskId \(id) was already used; every training task needs a new taskId")
        }
        let serviceID = "train\(nextServiceID)"
        nextServiceID += 1
        let fate = fate(prompt: body, what: "request")
        let epochs = Int(clamping: request.wireValue["maxEpochs"]?.numberValue ?? 20, to: 1...1000)
        var record = TaskRecord(id: id, serviceID: serviceID, endpoint: endpoint, submittedAt: now(), duration: fate.duration * 20,
                                failReason: fate.failReason, vanished: fate.vanished, imageKey: "train-\(serviceID)",
                                width: 0, height: 0, seeds: [], texts: [])
        record.epochs = epochs
        tasks[id] = record
        // §3.1's response was not retrieved: the envelope with the service's id (inferred, §A5's task_id).
        return envelope(code: "200", msg: "success", data: .object([(key: "task_id", value: .string(serviceID))]))
    }

    /// Every task the sandbox holds, oldest first, with where it stands now:
    /// the sandbox's own page (not the service's), the one place a training
    /// task's progress can be seen.
    private func taskList() -> JSONValue {
        lock.lock()
        let records = tasks.values.sorted { ($0.submittedAt, $0.serviceID) < ($1.submittedAt, $1.serviceID) }
        lock.unlock()
        let time = now()
        return .array(records.map { record in
            let elapsed = time.timeIntervalSince(record.submittedAt)
            let fraction = record.duration > 0 ? min(max(elapsed / record.duration, 0), 1) : 1
            let state = fraction < 1 ? (fraction < 0.2 && record.endpoint.family != .training ? "queued" : "running")
                : (record.failReason == nil ? "succeeded" : "failed")
            var members: [(String, JSONValue?)] = [
                ("endpoint", .string(record.endpoint.path)), ("taskId", .string(record.id)), ("serviceTaskId", .string(record.serviceID)),
                ("state", .string(state)), ("progress", .int(Int(clamping: fraction * 100, to: 0...100))),
            ]
            if record.endpoint.family == .training {
                let epochs = record.epochs
                members.append(("epoch", .string("\(Int(clamping: fraction * Double(epochs), to: 0...epochs))/\(epochs)")))
            }
            if let reason = record.failReason, fraction >= 1 { members.append(("desc", .string("Task failed: \(reason)"))) }
            return .object(dropping: members)
        })
    }

    static func expandedPrompts(_ source: String, count: Int, sdxl: Bool) -> [String] {
        let sd: [(String, String)] = [
            ("masterpiece, best quality, ", ", highly detailed, sharp focus, beautiful lighting, ultra-detailed, UHD, HDR"),
            ("masterpiece, (photorealistic:1.4), best quality, ", ", cinematic lighting, intricate details, depth of field, 8k"),
            ("best quality, (ultra-detailed:1.2), ", ", soft natural light, vivid colors, detailed background, film grain"),
            ("masterpiece, illustration, best quality, ", ", dramatic composition, rim lighting, highly detailed, trending on artstation"),
        ]
        let xl: [(String, String)] = [
            ("cinematic photo of ", ", highly detailed, sharp focus, dramatic lighting, shallow depth of field, 35mm, 8k"),
            ("a detailed digital painting of ", ", rich colors, volumetric light, intricate details, masterpiece"),
            ("professional photograph, ", ", golden hour, natural skin texture, bokeh, award-winning, ultra high resolution"),
            ("concept art of ", ", epic composition, atmospheric perspective, highly detailed, octane render"),
        ]
        let templates = sdxl ? xl : sd
        return (0..<count).map { index in
            let (lead, tail) = templates[index % templates.count]
            let round = index / templates.count
            return lead + source + tail + (round > 0 ? ", variation \(round + 1)" : "")
        }
    }

    // MARK: Queries

    private func query(_ value: JSONValue, version: QueryVersion) -> HTTPResponse {
        guard let id = value["businessTaskId"]?.stringValue, !id.isEmpty else {
            return envelope(code: "400", msg: "businessTaskId is required")
        }
        lock.lock()
        queries += 1
        let record = tasks[id]
        let base = publicBaseURL
        lock.unlock()
        guard let record, !record.vanished, record.endpoint.family == .sd else {
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
                        ("temporaryImageDto", version == .v2 ? progressDTO(fraction, image: (base, record.imageKey)) : nil),
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
                    (key: "image_url", value: .string("\(base)/sandbox/images/\(record.imageKey)/\(index).png")),
                    (key: "seed", value: .int(seed)),
                ])
            }
            members += [("status", .int(2)), ("desc", .string("Success")),
                        ("temporaryImageDto", version == .v2 ? .null : nil),
                        ("differentialImageRspList", .array(results))]
        }
        return envelope(code: "200", msg: "success", data: .object(dropping: members))
    }

    /// §2.3: `{taskId, businessTaskId, status, …}`; status 1 while the task
    /// runs, its result when done, status 4 and a `desc` when it failed.
    private func toolQuery(_ value: JSONValue, endpoint: Endpoint) -> HTTPResponse {
        let id: String
        switch value["businessTaskId"] {
        case let .string(text)? where !text.isEmpty: id = text
        case let .int(number)?: id = String(number)
        default: return envelope(code: "400", msg: "businessTaskId is required")
        }
        lock.lock()
        queries += 1
        let record = tasks[id]
        let base = publicBaseURL
        lock.unlock()
        guard let record, !record.vanished, record.endpoint == endpoint else {
            return envelope(code: "404", msg: "no task with businessTaskId \(id)")
        }
        let elapsed = now().timeIntervalSince(record.submittedAt)
        var members: [(String, JSONValue?)] = [("taskId", .string(record.serviceID)), ("businessTaskId", .string(id))]
        if elapsed < record.duration {
            members += [("status", .int(1)), ("desc", .string(elapsed < record.duration * 0.2 ? "queued" : "running"))]
        } else if let reason = record.failReason {
            members += [("status", .int(4)), ("desc", .string("Task failed: \(reason)"))]
        } else {
            members += resultMembers(record, base: base)
        }
        return envelope(code: "200", msg: "success", data: .object(dropping: members))
    }

    /// While running, an intermediate image of the first result at the
    /// step reached, in quarters (§2.2 names "intermediate image" without its
    /// fields: the sandbox's `image_url` here is its own guess, which zqt reads).
    private func progressDTO(_ fraction: Double, image: (base: String, key: String)? = nil) -> JSONValue {
        let clamped = min(max(fraction, 0), 0.99)
        let step = Int(clamped * 4)
        let url: JSONValue = image.map { .string("\($0.base)/sandbox/images/\($0.key)/step-\(step).png") } ?? .null
        return .object([
            (key: "progress", value: .double((clamped * 100).rounded() / 100)),
            (key: "percentage", value: .int(Int(clamped * 100))),
            (key: "image_url", value: step > 0 ? url : .null),
        ])
    }

    // MARK: Control routes (not part of the service)

    private func control(_ request: HTTPRequest) -> HTTPAction {
        let parts = request.path.split(separator: "/").map(String.init)
        switch (request.method, parts.dropFirst().first) {
        case ("GET", "images"?) where parts.count == 4:
            return .respond(image(task: parts[2], file: parts[3]))
        case (_, "uploads"?) where parts.count <= 3:
            return .respond(uploads.handle(request, name: parts.count == 3 ? parts[2] : nil, base: publicBaseURL))
        case ("GET", "tasks"?):
            return .respond(.json(JSONValueText(JSONWriter.pretty(taskList()))))
        case ("GET", "requests"?):
            let list = receivedSubmissions.map { submission -> JSONValue in
                let body = (try? JSONParser.parse(submission.body)) ?? .string(submission.body)
                return .object([(key: "endpoint", value: .string(submission.endpoint.path)), (key: "body", value: body),
                                (key: "unfinished_tasks", value: .int(submission.unfinishedTasks))])
            }
            return .respond(.json(JSONValueText(JSONWriter.pretty(.array(list)))))
        case ("POST", "faults"?):
            guard let value = try? JSONParser.parse(bytes: request.body) else {
                return .respond(.text("faults: send {\"mode\": \"none|http500|not-json|drop|late-answer|drop-after|busy\", \"latency_ms\": 0, \"count\": n}", status: 400))
            }
            let modeName = value["mode"]?.stringValue ?? "none"
            guard let mode = SandboxFaults.Mode(rawValue: modeName) else {
                return .respond(.text("unknown fault mode \(modeName); one of \(SandboxFaults.Mode.allCases.map(\.rawValue).joined(separator: ", "))", status: 400))
            }
            let faults = SandboxFaults(latencyMilliseconds: value["latency_ms"]?.numberValue.flatMap(WholeNumber.from).map { min(max($0, 0), 60_000) } ?? 0,
                                       mode: mode, remaining: value["count"]?.numberValue.flatMap(WholeNumber.from))
            setFaults(faults)
            return .respond(.json(JSONValueText("{\"ok\": true}")))
        default:
            let tools = catalog.endpoints.compactMap(\.family.toolCode)
            let help = """
            zqt sandbox: a local stand-in for the zhiqite image API.
            POST \(Endpoint.pathPrefix){sd/v2/controlnet, sd/v2/text2image, sd/v2/image2image,
                 sd/v2/queryTaskInfo, sd/queryTaskInfo, sd/v2/queryModelList, sd/v2/queryLoraList,
                 sd/v2/queryVaeList, sd/v2/queryEmbeddingList}
            POST \(Endpoint.pathPrefix)tool/{toolCode} and tool/{toolCode}/queryTask, toolCode one of
                 \(tools.joined(separator: ", "))
                 and \(CustomEndpoint.pathsWithoutForm.map { $0.path.dropFirst("tool/".count) }.joined(separator: ", ")) (named without fields by the reference: a generic tool);
                 any other toolCode is a 404, as on the service
            POST \(Endpoint.pathPrefix)modelTraining/submitTraining/Job   (no query: §3.2 is a callback)
            GET  /sandbox/tasks        every task and where it stands (training progress is seen here)
            PUT  /sandbox/uploads/NAME a PNG, JPEG or WebP to use as an image input; answers {"url": …}, served back by GET
            GET  /sandbox/requests     the submit bodies received so far, each with the tasks unfinished when it came
            POST /sandbox/faults       {"mode": "none|http500|not-json|drop|late-answer|drop-after|busy", "latency_ms": 0, "count": n}
            Prompt markers: \(SandboxOptions.PromptMarker.fail), \(SandboxOptions.PromptMarker.slow), \(SandboxOptions.PromptMarker.vanish)

            """
            return .respond(.text(help, status: request.path == "/" || request.path == "/sandbox" ? 200 : 404))
        }
    }

    private func image(task key: String, file: String) -> HTTPResponse {
        lock.lock()
        let record = imageKeys[key].flatMap { tasks[$0] }
        lock.unlock()
        // An intermediate image: the first result, coarse (fewer pixels, scaled up) at early steps.
        if let record, file.hasPrefix("step-"), file.hasSuffix(".png"), let step = Int(file.dropFirst(5).dropLast(4)),
           (1...3).contains(step), let seed = record.seeds.first, record.failReason == nil {
            let divisor = [1, 16, 8, 4][step]
            return HTTPResponse(status: 200, contentType: "image/png",
                                body: PNGImage.render(width: max(1, record.width / divisor), height: max(1, record.height / divisor), seed: seed))
        }
        guard let record, file.hasSuffix(".png"), let index = Int(file.dropLast(4)),
              record.seeds.indices.contains(index), record.failReason == nil,
              now().timeIntervalSince(record.submittedAt) >= record.duration else {
            return .text("no such image (result URLs expire)", status: 404)
        }
        return HTTPResponse(status: 200, contentType: "image/png",
                            body: PNGImage.render(width: record.width, height: record.height, seed: record.seeds[index]))
    }

    func envelope(code: String, msg: String, data: JSONValue? = nil, status: Int = 200) -> HTTPResponse {
        .json(JSONValueText(JSONWriter.pretty(.object(dropping: [("code", .string(code)), ("msg", .string(msg)), ("data", data)]))),
              status: status)
    }
}
