// Which kind of server a profile talks to (issue 20): the zhiqite service,
// or an AUTOMATIC1111-compatible web UI (A1111, Forge, SD.Next) started
// with `--api`. A profile says `api = "a1111"`; without it, it is the
// service, as before. The kind picks the transport (HTTPImageAPI or
// A1111API), the endpoints the switcher offers, and the title line's mark.

/// The kind of server a profile names.
public enum ServerKind: String, Sendable, CaseIterable, Equatable {
    /// The zhiqite AIGC service: the envelope, key headers and task queries (wire rules 1–9).
    case zhiqite
    /// An AUTOMATIC1111-compatible server: `/sdapi/v1/…`, answers when done, `/sdapi/v1/progress` meanwhile.
    case a1111

    /// "zhiqite" or "a1111", for messages about the `api` key.
    public static var namesInWords: String { allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ") }

    /// What the title line shows beside the profile; nil for the service (its title line is unchanged).
    public var titleMark: String? { self == .a1111 ? "A1111" : nil }
}

/// HTTP Basic credentials for a server started with `--api-auth user:password`.
public struct BasicAuth: Sendable, Equatable {
    public let username: String
    public let password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The Authorization header's value (RFC 7617): `Basic base64(user:password)`.
    public var headerValue: String { "Basic " + Base64.encode(Array("\(username):\(password)".utf8)) }
}

/// What an A1111 profile adds to its connection: its credentials and the
/// generation call's own deadline (the call answers only when the job is done).
public struct A1111Settings: Sendable, Equatable {
    /// Seconds a generation call may take before it is given up (`generation_timeout`).
    public static let defaultGenerationTimeout = 1800.0
    public static let generationTimeoutRange = 10...86_400

    public var auth: BasicAuth?
    public var generationTimeout: Double

    public init(auth: BasicAuth? = nil, generationTimeout: Double = A1111Settings.defaultGenerationTimeout) {
        self.auth = auth
        self.generationTimeout = generationTimeout
    }
}

extension ClientConfiguration {
    /// The client for this configuration's kind of server: the one place the kind picks a transport.
    public func makeAPI() -> any ImageAPI {
        switch server {
        case .zhiqite: return HTTPImageAPI(configuration: self)
        case .a1111: return A1111API(configuration: self)
        }
    }

    /// Whether the connection can send: the service needs both keys; an A1111 server none (Basic is optional).
    public var canSend: Bool {
        server == .a1111 || (credentials?.isComplete ?? false)
    }
}
