// Where zqt talks to and with which keys, from flags and the environment.
//
// Names later work and scripts rely on (issue 2): `--base-url` /
// `ZQT_BASE_URL`, `ZQT_ACCESS_KEY_ID`, `ZQT_ACCESS_KEY_SECRET`, and the data
// directory `ZQT_HOME` (default `$XDG_DATA_HOME/zqt`, else
// `~/.local/share/zqt`).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public struct Credentials: Sendable, Equatable {
    public let accessKeyID: String
    public let accessKeySecret: String

    public init(accessKeyID: String, accessKeySecret: String) {
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
    }

    public var isComplete: Bool {
        !accessKeyID.trimmed.isEmpty
            && !accessKeySecret.trimmed.isEmpty
    }
}

public struct ClientConfiguration: Sendable, Equatable {
    public static let defaultBaseURL = "https://api.zhiqite.com"

    public var baseURL: String
    public var credentials: Credentials?
    /// Seconds before a call is given up as a timeout.
    public var timeout: Double
    /// Shown in the title line; "sandbox" when talking to the local stand-in.
    public var profile: String
    /// The profile's `[profiles.NAME.upload]`: where local pictures go (issue 17).
    public var upload: UploadSettings?
    /// The kind of server (issue 20): the zhiqite service unless the profile says `api = "a1111"`.
    public var server: ServerKind = .zhiqite
    /// An A1111 profile's credentials and generation deadline.
    public var a1111 = A1111Settings()

    public init(baseURL: String = ClientConfiguration.defaultBaseURL, credentials: Credentials? = nil,
                timeout: Double = 30, profile: String = "default") {
        self.baseURL = baseURL
        self.credentials = credentials
        self.timeout = timeout
        self.profile = profile
    }

    /// Flags win over the environment, which wins over the defaults.
    public static func resolve(baseURLFlag: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> ClientConfiguration {
        // Without a config file nothing can fail: no profile is named. A
        // ZQT_PROFILE from the user's shell names none here either; left in, it
        // made the resolve throw, and the fallback dropped the flag and ZQT_* keys.
        var environment = environment
        environment["ZQT_PROFILE"] = nil
        return (try? resolve(baseURLFlag: baseURLFlag, profileFlag: nil, environment: environment, config: nil,
                             secretCommand: SecretCommand.run)) ?? ClientConfiguration()
    }

    /// Flags, then `ZQT_*` environment variables, then the config file's
    /// profile, then the defaults; each setting on its own (issue 10). The
    /// profile is `--profile`, else `ZQT_PROFILE`, else the file's
    /// default_profile (ZqtConfig.startProfile). A profile's
    /// key_secret_command runs only when no ZQT_ACCESS_KEY_SECRET is set.
    public static func resolve(baseURLFlag: String?, profileFlag: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               config: ZqtConfig?,
                               secretCommand: (String) -> Result<String, SecretCommand.Failure> = SecretCommand.run) throws(ConfigProblem) -> ClientConfiguration {
        var configuration = ClientConfiguration()
        let named = profileFlag.flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["ZQT_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        var profile: ConfigProfile?
        if let named {
            guard let config else {
                throw ConfigProblem(file: ConfigFile.location(environment: environment),
                                    message: "there is no config file, so no profile \(named.quotedShort) (zqt paths shows where it goes)")
            }
            guard let found = config.profile(named: named) else {
                let known = config.profiles.map(\.name).joined(separator: ", ")
                throw ConfigProblem(file: config.file, message: "has no profile \(named.quotedShort) (it has: \(known.isEmpty ? "none" : known))")
            }
            profile = found
        } else if let start = config?.startProfile {
            profile = config?.profile(named: start)
        }
        if let profile {
            configuration.profile = profile.name
            configuration.upload = profile.upload
            configuration.server = profile.api ?? .zhiqite
        }
        func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.isEmpty ? nil : $0 } }
        if let url = nonEmpty(baseURLFlag) ?? nonEmpty(environment["ZQT_BASE_URL"]) ?? nonEmpty(profile?.baseURL) {
            // A password in the URL is neither kept (history, title line) nor
            // sent: "https://user:pw@host" becomes "https://***@host", which
            // HTTPImageAPI refuses with a message saying why.
            // Control characters are kept as "\u{d}" text, which no request
            // line accepts (HTTPTarget refuses "\"): refused, shown harmlessly.
            configuration.baseURL = APIError.printable(HTTPClient.redacted(url))
        }
        let id = nonEmpty(environment["ZQT_ACCESS_KEY_ID"]) ?? profile?.accessKeyID ?? ""
        var secret = nonEmpty(environment["ZQT_ACCESS_KEY_SECRET"]) ?? profile?.accessKeySecret ?? ""
        if secret.isEmpty, let profile, let command = profile.keySecretCommand, let config {
            switch secretCommand(command) {
            case let .success(value): secret = value
            case let .failure(failure):
                throw config.problem("key_secret_command of profile \(profile.name) \(failure.reason)",
                                     table: ["profiles", profile.name], key: "key_secret_command")
            }
        }
        if !id.isEmpty || !secret.isEmpty {
            configuration.credentials = Credentials(accessKeyID: id, accessKeySecret: secret)
        }
        if let profile, profile.api == .a1111, let config {
            configuration.a1111 = try A1111Settings.resolve(profile, config: config, secretCommand: secretCommand)
        }
        return configuration
    }
}

/// A profile's `key_secret_command`: run by /bin/sh, its standard output
/// (trimmed) is the secret. Bounded in time and size, as a password
/// manager waiting for a passphrase nobody types must not hang zqt, and a
/// runaway command must not fill its memory.
public enum SecretCommand {
    /// Why no secret came, worded to follow "key_secret_command of profile NAME".
    public struct Failure: Error, Equatable, Sendable {
        public let reason: String
        public init(_ reason: String) { self.reason = reason }
    }

    public static let timeout = 10.0
    public static let outputLimit = 64 * 1024

    /// The secret, or why there is none ("failed (exit 1): …"), worded to
    /// follow "key_secret_command of profile NAME".
    public static func run(_ command: String) -> Result<String, SecretCommand.Failure> {
        run(command, timeout: timeout)
    }

    public static func run(_ command: String, timeout: Double) -> Result<String, SecretCommand.Failure> {
        let output: ChildProcess.Output
        do {
            output = try ChildProcess.run("/bin/sh", ["-c", command], timeout: timeout, outputLimit: outputLimit)
        } catch {
            return .failure(Failure("could not start: \(error)"))
        }
        if output.timedOut { return .failure(Failure("did not finish within \(Int(timeout)) s and was stopped")) }
        if output.overflowed { return .failure(Failure("wrote more than \(outputLimit / 1024) KiB and was stopped")) }
        guard output.status == 0 else {
            // Its own words on stderr, one line, shown harmlessly (never stdout: it may hold the secret).
            let said = output.stderr.split(whereSeparator: \.isNewline).first.map { String($0.prefix(200)).trimmed } ?? ""
            return .failure(Failure("failed (exit \(output.status))" + (said.isEmpty ? "" : ": \(APIError.printable(said))")))
        }
        let secret = output.stdout.trimmed
        if secret.isEmpty { return .failure(Failure("printed nothing")) }
        // A control character in a header value would split the request; never sent, never shown.
        if secret.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return .failure(Failure("printed control characters or more than one line; it must print the secret alone"))
        }
        return .success(secret)
    }
}

public enum ZqtPaths {
    /// The data directory: `ZQT_HOME`, else `$XDG_DATA_HOME/zqt`, else `~/.local/share/zqt`.
    public static func home(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let home = environment["ZQT_HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home, isDirectory: true)
        }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("zqt", isDirectory: true)
        }
        let user = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return user.appendingPathComponent(".local/share/zqt", isDirectory: true)
    }
}
