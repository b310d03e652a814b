// How the sandbox behaves: which keys it accepts, how long tasks take, and
// the fault switches tests use. Faults can also be changed while it runs,
// through `POST /sandbox/faults` (see SandboxService).

import Model

public struct SandboxOptions: Sendable {
    /// nil accepts any non-empty pair of credential headers.
    public var requiredCredentials: Credentials?
    /// Seconds from submit to success; a fifth of it queued, the rest running.
    public var taskSeconds: Double
    /// Every task fails at the end, whatever its prompt.
    public var failAllTasks: Bool
    public var faults: SandboxFaults
    /// Lists made to fail (SandboxModelLists.swift).
    public var modelLists = SandboxModelListOptions()

    public init(requiredCredentials: Credentials? = nil, taskSeconds: Double = 3,
                failAllTasks: Bool = false, faults: SandboxFaults = SandboxFaults()) {
        self.requiredCredentials = requiredCredentials
        self.taskSeconds = taskSeconds
        self.failAllTasks = failAllTasks
        self.faults = faults
    }

    /// Words in a prompt that steer one task (documented in the README).
    public enum PromptMarker {
        /// The task fails when it would have finished.
        public static let fail = "sandbox:fail"
        /// The task takes four times as long.
        public static let slow = "sandbox:slow"
        /// The task is forgotten right after submit: queries say it does not exist.
        public static let vanish = "sandbox:vanish"
    }
}

/// Faults applied to the service endpoints (not to images or /sandbox/ control routes).
public struct SandboxFaults: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        case none
        /// HTTP 500 with a plain-text body.
        case http500 = "http500"
        /// HTTP 200 with a body that is not JSON.
        case notJSON = "not-json"
        /// The connection is closed without an answer.
        case drop
        /// The request is carried out (a task accepted), then the answer
        /// comes `latency_ms` late: a client that timed out does not know it was accepted.
        case lateAnswer = "late-answer"
        /// The request is carried out, then the connection is closed without the answer.
        case dropAfter = "drop-after"
        /// HTTP 429 with `Retry-After: 1` and a busy envelope (code "429"):
        /// the service asking the client to slow down (issue 18).
        case busy
    }

    /// Added before every answer, in milliseconds.
    public var latencyMilliseconds: Int
    public var mode: Mode
    /// How many requests `mode` applies to; nil for all until changed.
    public var remaining: Int?

    public init(latencyMilliseconds: Int = 0, mode: Mode = .none, remaining: Int? = nil) {
        self.latencyMilliseconds = latencyMilliseconds
        self.mode = mode
        self.remaining = remaining
    }
}

/// Which API a sandbox speaks: the zhiqite service's (the default) or an
/// AUTOMATIC1111 web UI's (issue 20; Sources/Sandbox/A1111). `zqt sandbox
/// --api a1111` and `zqt --sandbox --api a1111` pick it.
public enum SandboxAPI: String, Sendable, CaseIterable {
    case zhiqite
    case a1111
}
