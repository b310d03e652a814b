// A stand-in for an AUTOMATIC1111 web UI started with `--api` (and Forge,
// which answers the same paths), on loopback: what `zqt sandbox --api a1111`,
// `zqt --sandbox --api a1111` and the tests talk to when there is no GPU box.
//
// It answers the shapes of A1111's modules/api (api.py, models.py), its
// progress state (shared_state.py), the `parameters` infotext of its PNGs,
// and the ControlNet extension's units and lists. docs/sandbox.md says what
// is served and how it is steered.

import Model

public struct A1111SandboxOptions: Sendable {
    /// Milliseconds each sampling step takes: 100 makes a 20-step job about 2 s.
    public var stepMilliseconds: Int
    /// `user:password` pairs as `--api-auth` takes them (comma-separated);
    /// nil serves without authentication, as A1111 does by default.
    public var apiAuth: String?
    /// How many steps apart the progress preview (`current_image`) is
    /// redrawn: A1111's show_progress_every_n_steps.
    public var previewEverySteps: Int
    /// A batch answers a grid of its pictures first, as A1111's `return_grid` option does by default.
    public var returnGrid: Bool
    /// AUTOMATIC1111 itself, or Forge (pydantic 2's 422 wording, its version string).
    public var flavor: A1111Flavor
    /// Seconds a whole job takes whatever its steps (`--task-seconds`, as the
    /// zhiqite sandbox's tasks): its steps share them evenly, so the progress
    /// advances over that time. Nil: `stepMilliseconds` a step.
    public var jobSeconds: Double?
    /// Every job fails once it has run its steps (`--fail-tasks`), as the `sandbox:fail` marker makes one fail.
    public var failAllJobs: Bool
    /// Every answer but the sandbox's own controls comes this many milliseconds late (`--latency-ms`).
    public var latencyMilliseconds: Int
    /// Lists answered as by a server without them (`--missing-list`): HTTP 404 `Not Found`.
    public var missingLists: Set<ModelListKind>

    public init(stepMilliseconds: Int = 100, apiAuth: String? = nil, previewEverySteps: Int = 5, returnGrid: Bool = true,
                flavor: A1111Flavor = .automatic1111, jobSeconds: Double? = nil, failAllJobs: Bool = false,
                latencyMilliseconds: Int = 0, missingLists: Set<ModelListKind> = []) {
        self.stepMilliseconds = stepMilliseconds
        self.apiAuth = apiAuth
        self.previewEverySteps = previewEverySteps
        self.returnGrid = returnGrid
        self.flavor = flavor
        self.jobSeconds = jobSeconds
        self.failAllJobs = failAllJobs
        self.latencyMilliseconds = latencyMilliseconds
        self.missingLists = missingLists
    }

    /// Milliseconds each step of a job of `totalSteps` steps takes: the
    /// job's share of `jobSeconds` when set (bounded: no trapping conversion
    /// of whatever a caller passed), else `stepMilliseconds`.
    public func stepMilliseconds(forJobOf totalSteps: Int) -> Int {
        guard let jobSeconds, jobSeconds.isFinite else { return stepMilliseconds }
        let perStep = min(max(jobSeconds, 0), 86_400) * 1000 / Double(max(totalSteps, 1))
        return Int(exactly: perStep.rounded()) ?? stepMilliseconds
    }

    /// The list paths `--missing-list` takes away, by the zhiqite sandbox's list names.
    /// `scheduler` stands for a server older than 1.9, which has no schedule types.
    public static let listPaths: [ModelListKind: String] = [.checkpoint: "sd-models", .lora: "loras", .vae: "sd-vae",
                                                            .embedding: "embeddings", .sampler: "samplers",
                                                            .scheduler: "schedulers", .upscaler: "upscalers"]

    /// The pairs `--api-auth` names, or the reason it cannot be read.
    public static func credentials(fromAPIAuth text: String) -> Result<[(user: String, password: String)], A1111SandboxOptionError> {
        var pairs: [(user: String, password: String)] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                return .failure(.apiAuth("--api-auth takes user:password (several separated by commas)"))
            }
            pairs.append((String(parts[0]), String(parts[1])))
        }
        return .success(pairs)
    }

    /// Words in a prompt that steer one job (docs/sandbox.md), the same
    /// markers the zhiqite sandbox reads.
    public enum PromptMarker {
        /// The job runs its steps, then the call answers HTTP 500 with A1111's error body.
        public static let fail = SandboxOptions.PromptMarker.fail
        /// Each step takes four times as long.
        public static let slow = SandboxOptions.PromptMarker.slow
        /// Half-way through the job the connection is closed without an
        /// answer: a GPU box that went away during the call.
        public static let drop = "sandbox:drop"
        /// The progress preview (`current_image`) is base64 of bytes that are no picture.
        public static let badPreview = "sandbox:bad-preview"
    }
}

public enum A1111SandboxOptionError: Error, Equatable, CustomStringConvertible {
    case apiAuth(String)
    public var description: String {
        switch self {
        case let .apiAuth(text): return text
        }
    }
}

/// The A1111 stand-in as a running server on loopback.
public final class A1111SandboxServer: Sendable {
    public let service: A1111Service
    private let http: HTTPServer

    public init(options: A1111SandboxOptions = A1111SandboxOptions(), host: String = "127.0.0.1") {
        let service = A1111Service(options: options)
        self.service = service
        http = HTTPServer(host: host) { request in service.handle(request) }
    }

    /// Starts listening; port 0 picks a free one. Returns the base URL.
    @discardableResult
    public func start(port: UInt16 = 0) throws -> String {
        try http.start(port: port)
        return baseURL
    }

    /// Stops listening and interrupts the job that runs, so a caller waiting on it is answered.
    public func stop() {
        http.stop()
        service.shutDown()
    }

    public var port: UInt16 { http.port }
    public var baseURL: String { "http://\(http.host):\(http.port)" }
}

public enum A1111Sandbox {
    /// Starts one on a free loopback port (or `port`): the entry point for
    /// `zqt --sandbox --api a1111`. Call `stop` when done.
    public static func start(_ options: A1111SandboxOptions = A1111SandboxOptions(), port: UInt16 = 0)
        throws -> (baseURL: String, server: A1111SandboxServer, stop: @Sendable () -> Void) {
        let server = A1111SandboxServer(options: options)
        let url = try server.start(port: port)
        return (url, server, { server.stop() })
    }

    /// The lines `zqt sandbox --api a1111` prints: where it listens and a
    /// profile to paste into the config file.
    public static func banner(baseURL: String, options: A1111SandboxOptions) -> String {
        let kind = options.flavor == .forge ? "Forge, AUTOMATIC1111 API" : "AUTOMATIC1111 API"
        var lines = ["[SANDBOX] zqt sandbox (\(kind)) listening on \(baseURL)",
                     "[SANDBOX] a profile for ~/.config/zqt/config.toml:",
                     "[SANDBOX]   [profiles.a1111-sandbox]",
                     "[SANDBOX]   api = \"a1111\"",
                     "[SANDBOX]   base_url = \"\(baseURL)\""]
        if let auth = options.apiAuth, case let .success(pairs) = A1111SandboxOptions.credentials(fromAPIAuth: auth),
           let first = pairs.first {
            lines.append("[SANDBOX]   username = \"\(first.user)\"")
            lines.append("[SANDBOX]   password = \"\(first.password)\"")
        }
        lines.append("[SANDBOX] or with curl:  curl -s \(baseURL)/sdapi/v1/txt2img -H 'Content-Type: application/json' "
            + (options.apiAuth == nil ? "" : "-u USER:PASSWORD ") + "-d '{\"prompt\": \"a lighthouse\", \"steps\": 20}'")
        if let jobSeconds = options.jobSeconds {
            lines.append("[SANDBOX] a job takes \(JSONWriter.formatNumber(jobSeconds)) s whatever its steps; Ctrl-C stops")
        } else {
            let seconds = Double(options.stepMilliseconds) * 20 / 1000
            lines.append("[SANDBOX] a 20-step job takes \(JSONWriter.formatNumber(seconds)) s; Ctrl-C stops")
        }
        if options.failAllJobs { lines.append("[SANDBOX] every job fails once its steps have run (--fail-tasks)") }
        return lines.joined(separator: "\n")
    }
}
