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
        var config = ClientConfiguration()
        if let url = baseURLFlag ?? environment["ZQT_BASE_URL"], !url.isEmpty {
            // A password in the URL is neither kept (history, title line) nor
            // sent: "https://user:pw@host" becomes "https://***@host", which
            // HTTPImageAPI refuses with a message saying why.
            // Control characters are kept as "\u{d}" text, which no request
            // line accepts (HTTPTarget refuses "\"): refused, shown harmlessly.
            config.baseURL = APIError.printable(HTTPClient.redacted(url))
        }
        let id = environment["ZQT_ACCESS_KEY_ID"] ?? ""
        let secret = environment["ZQT_ACCESS_KEY_SECRET"] ?? ""
        if !id.isEmpty || !secret.isEmpty {
            config.credentials = Credentials(accessKeyID: id, accessKeySecret: secret)
        }
        return config
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
