// The A1111 stand-in's routes: the /sdapi/v1 paths (behind HTTP Basic when
// started with --api-auth, as A1111 guards only its own API routes), the
// ControlNet extension's /controlnet paths (never guarded: the extension
// adds them straight to the app), and the sandbox's own /sandbox/ controls.
//
// Errors come in A1111's shapes: FastAPI's 422 `{"detail": [{loc, msg,
// type}]}` for a body that does not validate, `{"detail": "Not Found"}` for
// an unknown path, and A1111's own `{error, detail, body, errors}` (api.py
// api_middleware) for everything raised while serving.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Model
import Synchronization

public final class A1111Service: Sendable {
    let options: A1111SandboxOptions
    let jobs: A1111Jobs
    /// The checkpoint loaded when no request picks one (the options' sd_model_checkpoint).
    let loadedCheckpoint = A1111Lists.checkpoints[0]
    private let credentials: [(user: String, password: String)]?
    private let received = Mutex<[ReceivedCall]>([])
    /// How the jobs `startForeignJob` started ended: whether each was interrupted, in order.
    private let foreignEnds = Mutex<[Bool]>([])

    /// A generation call as it came, for tests and `GET /sandbox/requests`.
    public struct ReceivedCall: Sendable {
        public let path: String
        public let body: String
    }

    public init(options: A1111SandboxOptions) {
        self.options = options
        jobs = A1111Jobs(previewEverySteps: options.previewEverySteps)
        if let auth = options.apiAuth, case let .success(pairs) = A1111SandboxOptions.credentials(fromAPIAuth: auth) {
            credentials = pairs
        } else {
            credentials = nil
        }
    }

    public var receivedCalls: [ReceivedCall] { received.withLock { $0 } }

    /// Generation calls that have finished, whoever sent them.
    public var finishedJobs: Int { jobs.finishedJobs }

    /// Sampling steps the running or last job has made: how a test sees that skip and interrupt cut a job short.
    public var stepsRunByLastJob: Int { jobs.stepsRun }

    /// Whether each job another client started (`/sandbox/busy`) was interrupted, once it ended:
    /// how a test sees that a stop meant for zqt's job did not end another client's.
    public var foreignJobsInterrupted: [Bool] { foreignEnds.withLock { $0 } }

    /// Generation calls waiting behind the running one.
    public var waitingJobs: Int { jobs.waiting }

    func shutDown() { jobs.close() }

    // MARK: Routing

    public func handle(_ request: HTTPRequest) -> HTTPAction {
        let path = request.path
        if path.hasPrefix("/sandbox/") { return .respond(control(request)) }
        // --latency-ms: every answer of the server's own comes late (bounded as the zhiqite sandbox's).
        let latency = min(max(options.latencyMilliseconds, 0), 600_000)
        if latency > 0 { usleep(useconds_t(latency) * 1000) }
        if path.hasPrefix("/controlnet/") { return .respond(controlNet(request)) }
        guard path.hasPrefix("/sdapi/v1/") else { return .respond(Self.json(.object([("detail", .string("Not Found"))]), status: 404)) }
        return sdapi(request)
    }

    /// The /sdapi/v1 paths: an action rather than an answer, because a
    /// generation may close its connection unanswered (`sandbox:drop`).
    private func sdapi(_ request: HTTPRequest) -> HTTPAction {
        let path = request.path
        let name = String(path.dropFirst("/sdapi/v1/".count))
        let gets: [String: () -> JSONValue] = [
            "progress": { [jobs] in jobs.progress(skipCurrentImage: Self.flag(request.query["skip_current_image"])) },
            "sd-models": A1111Lists.sdModelsAnswer, "sd-vae": A1111Lists.vaeAnswer, "samplers": A1111Lists.samplersAnswer,
            "schedulers": A1111Lists.schedulersAnswer, "upscalers": A1111Lists.upscalersAnswer, "loras": A1111Lists.lorasAnswer,
            "embeddings": A1111Lists.embeddingsAnswer, "options": { [self] in optionsAnswer() },
            "cmd-flags": { [self] in commandFlagsAnswer() },
            "latent-upscale-modes": { .array(["Latent", "Latent (antialiased)", "Latent (bicubic)", "Latent (nearest)"].map { .object([("name", .string($0))]) }) },
        ]
        let posts: [String: (JSONValue, HTTPRequest) -> HTTPAction] = [
            "txt2img": { [self] body, request in generate(.txt2img, body: body, request: request) },
            "img2img": { [self] body, request in generate(.img2img, body: body, request: request) },
            "extra-single-image": { [self] body, _ in .respond(extras(body)) },
            "interrogate": { [self] body, _ in .respond(interrogate(body)) },
            "png-info": { [self] body, _ in .respond(pngInfo(body)) },
            "interrupt": { [jobs] _, _ in
                jobs.interrupt()
                return .respond(Self.json(.object([])))
            },
            "skip": { [jobs] _, _ in
                jobs.skip()
                return .respond(Self.json(.null))
            },
        ]
        let missing = options.missingLists.compactMap { A1111SandboxOptions.listPaths[$0] }
        let known = (gets[name] != nil && !missing.contains(name)) || posts[name] != nil
        guard known else { return .respond(Self.json(.object([("detail", .string("Not Found"))]), status: 404)) }
        if let refusal = authenticationRefusal(request) { return .respond(refusal) }
        if let get = gets[name] {
            guard request.method == "GET" else { return .respond(Self.methodNotAllowed()) }
            return .respond(Self.json(get()))
        }
        guard request.method == "POST", let post = posts[name] else { return .respond(Self.methodNotAllowed()) }
        // interrupt and skip take no body; the others a JSON object.
        if name == "interrupt" || name == "skip" { return post(.null, request) }
        let body: JSONValue
        do {
            body = try JSONParser.parse(bytes: request.body)
        } catch {
            var issue = A1111ValidationIssue(location: [.string("body"), .int(0)], message: "Expecting value: \(error)",
                                             type: "value_error.jsondecode")
            if options.flavor == .forge {
                issue = A1111ValidationIssue(location: [.string("body"), .int(0)], message: "JSON decode error", type: "json_invalid",
                                             context: [("error", .string("Expecting value"))], input: .object([]))
            }
            return .respond(Self.json(A1111ValidationFailure(issues: [issue]).json, status: 422))
        }
        return post(body, request)
    }

    // MARK: Authentication

    /// HTTP Basic as A1111 checks it with --api-auth: 401 and its error body
    /// when the header is missing or the pair is not one it was given.
    private func authenticationRefusal(_ request: HTTPRequest) -> HTTPResponse? {
        guard let credentials else { return nil }
        guard let header = request.header("Authorization"), header.lowercased().hasPrefix("basic "),
              let data = Data(base64Encoded: String(header.dropFirst(6)).trimmed),
              let decoded = String(data: data, encoding: .utf8), let colon = decoded.firstIndex(of: ":") else {
            return refusal("Not authenticated")
        }
        let user = String(decoded[..<colon]), password = String(decoded[decoded.index(after: colon)...])
        guard credentials.contains(where: { $0.user == user && $0.password == password }) else {
            return refusal("Incorrect username or password")
        }
        return nil
    }

    private func refusal(_ detail: String) -> HTTPResponse {
        var response = Self.error(status: 401, type: "HTTPException", detail: detail)
        response.headers.append((name: "WWW-Authenticate", value: "Basic"))
        return response
    }

    // MARK: Answers

    static func json(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
        .json(JSONValueText(JSONWriter.compact(value)), status: status)
    }

    static func methodNotAllowed() -> HTTPResponse {
        json(.object([("detail", .string("Method Not Allowed"))]), status: 405)
    }

    /// A1111's error body for an exception raised while serving (api.py
    /// handle_exception): an HTTPException carries a `detail` and reads
    /// "status: detail" as text; any other error has only its text in `errors`.
    static func error(status: Int, type: String, detail: String = "", errors: String? = nil) -> HTTPResponse {
        let text = errors ?? (type == "HTTPException" ? "\(status): \(detail)" : detail)
        return json(.object([("error", .string(type)), ("detail", .string(detail)), ("body", .string("")), ("errors", .string(text))]),
                    status: status)
    }

    static func flag(_ text: String?) -> Bool {
        guard let text else { return false }
        return ["1", "true", "on", "yes", "t", "y"].contains(text.lowercased())
    }

    private func optionsAnswer() -> JSONValue {
        .object([
            ("samples_format", .string("png")), ("sd_model_checkpoint", .string(loadedCheckpoint.title)),
            ("sd_checkpoint_hash", .string(loadedCheckpoint.hash + String(repeating: "0", count: 54))),
            ("sd_vae", .string("Automatic")), ("CLIP_stop_at_last_layers", .int(1)),
            ("live_previews_enable", .bool(true)), ("show_progress_every_n_steps", .int(options.previewEverySteps)),
            ("show_progress_grid", .bool(false)), ("return_grid", .bool(options.returnGrid)),
            ("add_model_name_to_info", .bool(true)), ("add_model_hash_to_info", .bool(true)),
            ("add_version_to_infotext", .bool(true)), ("face_restoration_model", .string("CodeFormer")),
            ("upscaler_for_img2img", .null), ("eta_noise_seed_delta", .int(0)), ("sd_lora", .string("None")),
            ("control_net_unit_count", .int(3)),
        ])
    }

    private func commandFlagsAnswer() -> JSONValue {
        // The real one echoes --api-auth in clear; the stand-in says only whether it is set.
        .object([("api", .bool(true)), ("listen", .bool(false)), ("port", .null), ("nowebui", .bool(true)),
                 ("api_auth", options.apiAuth == nil ? .null : .string("(set)")), ("api_log", .bool(false))])
    }

    /// Keeps the call for `receivedCalls`; the oldest are let go beyond
    /// `receivedBytesKept` of bodies, so a long-running sandbox fed inline
    /// pictures does not grow without end.
    func record(_ request: HTTPRequest) {
        received.withLock { calls in
            calls.append(ReceivedCall(path: request.path, body: String(decoding: request.body, as: UTF8.self)))
            var total = calls.reduce(0) { $0 + $1.body.utf8.count }
            while total > Self.receivedBytesKept, calls.count > 1 {
                total -= calls.removeFirst().body.utf8.count
            }
        }
    }

    static let receivedBytesKept = 64 << 20

    // MARK: ControlNet's own routes

    private func controlNet(_ request: HTTPRequest) -> HTTPResponse {
        let answers: [String: () -> JSONValue] = [
            "/controlnet/version": { .object([("version", .int(3))]) },
            "/controlnet/model_list": A1111Lists.controlNetModelListAnswer,
            "/controlnet/module_list": A1111Lists.controlNetModuleListAnswer,
            "/controlnet/settings": { .object([("control_net_unit_count", .int(3))]) },
        ]
        guard let answer = answers[request.path] else { return Self.json(.object([("detail", .string("Not Found"))]), status: 404) }
        guard request.method == "GET" else { return Self.methodNotAllowed() }
        return Self.json(answer())
    }

    // MARK: The sandbox's controls

    /// `POST /sandbox/busy {"steps": N}` starts a job nobody from zqt sent
    /// (another client of the same GPU box) and answers at once;
    /// `GET /sandbox/requests` lists the generation calls received.
    private func control(_ request: HTTPRequest) -> HTTPResponse {
        switch (request.method, request.path) {
        case ("POST", "/sandbox/busy"):
            let body = (try? JSONParser.parse(bytes: request.body)) ?? .object([])
            let steps = body["steps"]?.numberValue.flatMap { Int(exactly: $0.rounded()) } ?? 20
            startForeignJob(steps: min(max(steps, 1), 10_000))
            return Self.json(.object([("started", .bool(true)), ("steps", .int(min(max(steps, 1), 10_000)))]))
        case ("GET", "/sandbox/requests"):
            return Self.json(.array(receivedCalls.map { call in
                .object([("path", .string(call.path)), ("body", (try? JSONParser.parse(call.body)) ?? .string(call.body))])
            }))
        default:
            return Self.json(.object([("detail", .string("Not Found"))]), status: 404)
        }
    }

    /// Queues a txt2img job of `steps` steps as if another client had sent
    /// it: the progress shows it, and calls from zqt wait behind it.
    public func startForeignJob(steps: Int) {
        let plan = A1111JobPlan(name: "scripts_txt2img", iterations: 1, passes: [max(1, steps)],
                                stepMilliseconds: options.stepMilliseconds, previewWidth: 64, previewHeight: 64, previewSeeds: [7])
        let jobs = jobs
        let ticket = jobs.enqueue()
        startThread { [jobs, self] in
            guard jobs.waitForTurn(ticket) else { return }
            defer { jobs.endTurn() }
            _ = jobs.run(plan)
            let interrupted = jobs.wasInterrupted
            self.foreignEnds.withLock { $0.append(interrupted) }
        }
    }
}
