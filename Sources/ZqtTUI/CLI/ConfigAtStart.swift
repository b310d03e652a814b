// The config file read once, before any command runs (issue 10), beside
// the user's catalog, in process by toml++ (issue 16). Without a file
// nothing is read (ConfigFile.load is one stat). A fault leaves the whole
// file out: the screen starts on the defaults and says so in its status
// line; a command exits with 2.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Model
import ArgumentParser

struct ConfigAtStart: Sendable {
    let file: String
    let config: ZqtConfig?
    let problem: ConfigProblem?
    /// A readable file holding an inline secret: the warning with its chmod.
    let permissionWarning: String?

    /// No file read (a test's screen, or none to read).
    init(file: String = "", config: ZqtConfig? = nil, problem: ConfigProblem? = nil, permissionWarning: String? = nil) {
        self.file = file
        self.config = config
        self.problem = problem
        self.permissionWarning = permissionWarning
    }

    /// Reads the file and checks what takes effect at once (the key table).
    /// `catalog` is the user's laid over the shipped: a default may name a field of the user's endpoints.
    static func load(catalog: EndpointCatalog,
                     environment: [String: String] = ProcessInfo.processInfo.environment) -> ConfigAtStart {
        let file = ConfigFile.location(environment: environment)
        let loaded = ConfigFile.load(path: file)
        if case .missing = loaded { return ConfigAtStart(file: file) }
        removeOldConversionCache(environment: environment)
        switch loaded {
        case .missing:
            return ConfigAtStart(file: file)
        case let .failed(fault):
            return ConfigAtStart(file: file, problem: fault)
        case let .loaded(loaded):
            do throws(ConfigProblem) {
                try check(loaded, catalog: catalog)
                _ = try keyTable(loaded)
                return ConfigAtStart(file: file, config: loaded, permissionWarning: ConfigFile.permissionWarning(loaded))
            } catch {
                return ConfigAtStart(file: file, problem: error)
            }
        }
    }

    /// The key table the screen starts with (AppState.keys): the shipped one
    /// with the file's `[keys]` applied (checked by load; a fault leaves the file out).
    var keys: KeyTable {
        config.flatMap { try? Self.keyTable($0) } ?? .shipped
    }

    /// Before issue 16 a child zqt converted the file and kept the JSON in
    /// `ZQT_HOME/cache/config.json` (never for a file with an inline secret).
    /// Nothing reads it now: it is removed, with its folder when that is
    /// then empty, by the first start that reads a config file (an unlink
    /// that finds nothing after that; a start without a file pays nothing).
    static func removeOldConversionCache(environment: [String: String]) {
        let folder = ZqtPaths.home(environment: environment).path + "/cache"
        if unlink(folder + "/config.json") == 0 { rmdir(folder) }
    }

    /// `[keys]` applied to the shipped table; a fault names the command's line.
    static func keyTable(_ config: ZqtConfig) throws(ConfigProblem) -> KeyTable {
        do {
            return try KeyTable.shipped.overridden(with: config.keys)
        } catch {
            throw config.problem(error.message, table: ["keys"], key: error.command)
        }
    }

    /// `[defaults]` paths must be fields of some endpoint: a typo would
    /// otherwise be dropped without a word.
    static func check(_ config: ZqtConfig, catalog: EndpointCatalog) throws(ConfigProblem) {
        // Endpoints are read only until one has the field: the usual defaults
        // (steps, cfg_scale, a sampler) are fields of the first form, so a
        // config file does not cost the first frame every form's reading.
        for entry in config.defaults
        where catalog.firstEndpoint(where: { $0.fields.contains { $0.path == entry.path } }) == nil {
            let steps = entry.path.split(separator: ".").map(String.init)
            throw config.problem("defaults: no endpoint has a field \(entry.path) (give wire paths, such as steps or cfg_scale)",
                                 table: ["defaults"] + steps.dropLast(), key: steps.last)
        }
    }

    var formDefaults: [FormDefault] {
        config?.defaults.map { FormDefault(path: $0.path, value: $0.value) } ?? []
    }

    func theme(environment: [String: String] = ProcessInfo.processInfo.environment) -> Theme {
        Theme.resolve(file: config?.theme, environment: environment)
    }

    /// Clicks and the wheel (issue 19): on unless the file says `mouse = false`.
    var mouse: Bool { config?.mouse ?? true }

    /// The fault as the screen's status line says it.
    var problemMessage: String? {
        problem.map { "Config file left out: \($0)" }
    }

    /// For commands: the fault in full, where and what, and the way out.
    static func commandMessage(_ problem: ConfigProblem) -> String {
        "the config file cannot be read: \(problem) (fix it, or move it aside to run without it)"
    }

    /// For commands: the permission warning on stderr.
    func warnOnStandardError() {
        if let permissionWarning { StandardStreams.writeError("zqt: warning: \(permissionWarning)\n") }
    }
}

/// What the screen shows of a profile: never the secret, the key id masked.
enum ProfileMask {
    static func details(_ profile: ConfigProfile) -> String {
        let url = APIError.printable(HTTPClient.redacted(profile.baseURL ?? ClientConfiguration.defaultBaseURL))
        // An A1111 server has no key pair (issue 20): its login, if any, is a
        // user name and a password (`--api-auth`).
        if profile.api == .a1111 {
            let login = profile.username.map { "user " + APIError.printable($0) } ?? "no login"
            let password = profile.passwordCommand != nil ? "password from a command"
                : (profile.password != nil ? "password in the file" : nil)
            return ([url, login] + (profile.username == nil ? [] : [password ?? "no password"])).joined(separator: " · ")
        }
        let id = profile.accessKeyID.map { "key " + mask($0) } ?? "no key id"
        let secret = profile.keySecretCommand != nil ? "secret from a command" : (profile.accessKeySecret != nil ? "secret in the file" : "no secret")
        return "\(url) · \(id) · \(secret)"
    }

    /// The first 4 characters and an ellipsis (all of it hidden when short).
    static func mask(_ id: String) -> String {
        let shown = id.count > 8 ? String(id.prefix(4)) : ""
        return APIError.printable(shown) + "…"
    }
}

/// How result images are drawn (issue 11): `--images`, else ZQT_IMAGES, else
/// the config file's `images`, else auto.
enum PictureSettingAtStart {
    static func resolve(flag: String?, config: ZqtConfig?,
                        environment: [String: String] = ProcessInfo.processInfo.environment) throws(ValidationError) -> PictureSetting {
        let (given, source) = flag.map { ($0, "--images") }
            ?? environment["ZQT_IMAGES"].flatMap { $0.isEmpty ? nil : ($0, "ZQT_IMAGES") }
            ?? config?.images.map { ($0.rawValue, "the config file's images") } ?? ("auto", "")
        guard let setting = PictureSetting(rawValue: given.lowercased()) else {
            throw ValidationError("\(source) must be one of \(PictureSetting.choices), not \(TerminalText.printable(given).quotedShort)")
        }
        return setting
    }
}
