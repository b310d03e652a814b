// The config file (issue 10): `$XDG_CONFIG_HOME/zqt/config.toml`, else
// `~/.config/zqt/config.toml`. Named profiles (base URL, key id, and the
// secret inline or from a command), the default profile, defaults for form
// fields by wire path, key binding overrides and a theme.
//
// The file is read only when it exists: a missing file costs one stat().
// Its TOML is read in process by toml++ (TOMLReader, Sources/CTOML; issue
// 16), which gives back JSON text, read here by zqt's own JSON parser.
//
// Everything in the file is untrusted: every name and value that reaches a
// message goes through APIError.printable (no raw control characters), and
// a fault says the file, line and column.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A fault in the config file, with its place when one is known.
public struct ConfigProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    /// 1-based; 0 when the fault has no one place (a missing profile named by --profile).
    public let line: Int
    public let column: Int
    public let message: String

    public init(file: String, line: Int = 0, column: Int = 0, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        let place = line > 0 ? "\(file):\(line):\(max(column, 1))" : file
        return "\(APIError.printable(place)): \(APIError.printable(message))"
    }
}

/// One `[profiles.NAME]` table.
public struct ConfigProfile: Sendable, Equatable {
    public let name: String
    public var baseURL: String?
    public var accessKeyID: String?
    /// Inline; the file then gets the permission check (ConfigFile.permissionWarning).
    public var accessKeySecret: String?
    /// A command whose standard output is the secret (a password manager).
    public var keySecretCommand: String?
    /// `parallel`: at most how many tasks of a sweep this profile's server runs at once (issue 20).
    public var parallel: Int?
    /// `[profiles.NAME.upload]`: where local pictures in image fields go before a send (issue 17).
    public var upload: UploadSettings?
    /// `api`: the kind of server (issue 20); nil is the zhiqite service.
    public var api: ServerKind?
    /// `username` and `password` or `password_command`: HTTP Basic for an A1111 server started with `--api-auth`.
    public var username: String?
    public var password: String?
    public var passwordCommand: String?
    /// `generation_timeout`: seconds an A1111 generation call may take.
    public var generationTimeout: Int?

    public init(name: String, baseURL: String? = nil, accessKeyID: String? = nil,
                accessKeySecret: String? = nil, keySecretCommand: String? = nil) {
        self.name = name
        self.baseURL = baseURL
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.keySecretCommand = keySecretCommand
    }
}

/// A sweep over several servers (issue 20): how many tasks each takes at once.
extension ConfigProfile {
    public static let parallelRange = 1...16

    /// Without `parallel`: what the profile's kind of server runs well at
    /// once. The one place the kind decides it.
    /// An AUTOMATIC1111 server runs one job at a time (it queues the rest).
    public static func defaultParallel(for profile: ConfigProfile?) -> Int { profile?.api == .a1111 ? 1 : 2 }

    /// `parallel`, else the kind's default.
    public var sweepParallel: Int { parallel ?? Self.defaultParallel(for: self) }
}

/// The colours of the screen.
public enum Theme: String, Sendable, CaseIterable {
    case dark, light, mono

    /// `NO_COLOR` set to anything non-empty wins over the file (no-color.org).
    public static func resolve(file: Theme?, environment: [String: String]) -> Theme {
        if let value = environment["NO_COLOR"], !value.isEmpty { return .mono }
        return file ?? .dark
    }
}

/// The file, read and checked.
public struct ZqtConfig: Sendable {
    public let file: String
    public var defaultProfile: String?
    /// In the order the file writes them.
    public var profiles: [ConfigProfile]
    /// `[defaults]`: wire path → value, for fresh forms.
    public var defaults: [(path: String, value: JSONValue)]
    /// `[keys]`: command name → key names, checked by the screen against its table.
    public var keys: [(command: String, keys: [String])]
    public var theme: Theme?
    /// `images`: how result images are drawn.
    public var images: PictureSetting?
    /// `images_max_bytes`: the disk budget of the pictures zqt keeps (issue 23; ImageBounds).
    public var imagesMaxBytes: Int?
    /// `mouse`: clicks and the wheel (issue 19); on unless `mouse = false`.
    public var mouse: Bool?
    /// Finds a key's line for faults found after reading (an unknown key name in [keys]).
    public let places: ConfigPlaces

    public init(file: String, defaultProfile: String? = nil, profiles: [ConfigProfile] = [],
                defaults: [(path: String, value: JSONValue)] = [], keys: [(command: String, keys: [String])] = [],
                theme: Theme? = nil, places: ConfigPlaces = ConfigPlaces(text: "")) {
        self.file = file
        self.defaultProfile = defaultProfile
        self.profiles = profiles
        self.defaults = defaults
        self.keys = keys
        self.theme = theme
        self.places = places
    }

    public func profile(named name: String) -> ConfigProfile? {
        profiles.first { $0.name == name }
    }

    /// A fault at a key of the file.
    public func problem(_ message: String, table: [String], key: String?) -> ConfigProblem {
        let (line, column) = places.find(table: table, key: key)
        return ConfigProblem(file: file, line: line, column: column, message: message)
    }

    /// The profile used when none is named, by the screen and by every
    /// command alike (ClientConfiguration.resolve): default_profile, else one
    /// named "default", else the only one, else, when no profile is the
    /// zhiqite service's (all name other servers, A1111 ones), the first the
    /// file writes. Nil only when a zhiqite profile is among several: the
    /// built-in service (issue 20: a file of A1111 profiles only sent
    /// `zqt send` to https://api.zhiqite.com, paid, while the screen was meant for them).
    public var startProfile: String? {
        if let defaultProfile { return defaultProfile }
        if profile(named: "default") != nil { return "default" }
        if profiles.count == 1 { return profiles[0].name }
        guard let first = profiles.first, !profiles.contains(where: { ($0.api ?? .zhiqite) == .zhiqite }) else { return nil }
        return first.name
    }
}

/// How result images are drawn, as the user asks (`images`, `--images`, ZQT_IMAGES; issue 11).
public enum PictureSetting: String, CaseIterable, Sendable {
    case auto, kitty, iterm2, sixel, symbols, off

    public static let choices = allCases.map(\.rawValue).joined(separator: ", ")
}

public enum ConfigFile {
    /// `$XDG_CONFIG_HOME/zqt/config.toml`, else `~/.config/zqt/config.toml`.
    public static func location(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        ConfigFolder.path(environment: environment) + "/config.toml"
    }

    public enum Loaded: Sendable {
        /// No file: nothing was read, nothing loaded.
        case missing
        case loaded(ZqtConfig)
        case failed(ConfigProblem)
    }

    /// Reads the file when it exists. `reader` turns TOML text into JSON
    /// text (zqt's is TOMLReader, toml++ in process).
    public static func load(path: String, reader: (String) -> Result<String, TOMLReadError> = TOMLReader.toJSON) -> Loaded {
        var info = stat()
        // The one cost of a start without a file: this stat.
        guard stat(path, &info) == 0 else { return .missing }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            return .failed(ConfigProblem(file: path, message: "is not a regular file"))
        }
        // A config file is small; a huge one is a mistake, not read into memory whole.
        guard info.st_size <= 1 << 20 else {
            return .failed(ConfigProblem(file: path, message: "is over 1 MiB; a config file is a few lines"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failed(ConfigProblem(file: path, message: "cannot be read (\(String(cString: strerror(errno))))"))
        }
        // Invalid UTF-8 is repaired (U+FFFD), so toml++ sees a valid string; a NUL
        // is refused with its place (TOML allows none, and says it less clearly).
        let text = String(decoding: data, as: UTF8.self)
        if let nul = ConfigPlaces(text: text).placeOfNUL() {
            return .failed(ConfigProblem(file: path, line: nul.line, column: nul.column, message: "holds a NUL character"))
        }
        return parse(text: text, file: path, reader: reader)
    }

    /// The TOML text read and checked against what zqt knows.
    public static func parse(text: String, file: String,
                             reader: (String) -> Result<String, TOMLReadError> = TOMLReader.toJSON) -> Loaded {
        let json: String
        switch reader(text) {
        case let .success(text): json = text
        case let .failure(error):
            return .failed(ConfigProblem(file: file, line: error.line, column: error.column, message: error.message))
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(json)
        } catch {
            return .failed(ConfigProblem(file: file, message: "could not be read: \(error)"))
        }
        do throws(ConfigProblem) {
            return .loaded(try interpret(root, file: file, places: ConfigPlaces(text: text)))
        } catch {
            return .failed(error)
        }
    }

    static func interpret(_ root: JSONValue, file: String, places: ConfigPlaces) throws(ConfigProblem) -> ZqtConfig {
        var config = ZqtConfig(file: file, places: places)
        func fault(_ message: String, _ table: [String], _ key: String?) -> ConfigProblem {
            config.problem(message, table: table, key: key)
        }
        func string(_ value: JSONValue, _ table: [String], _ key: String) throws(ConfigProblem) -> String {
            guard case let .string(text) = value else {
                throw fault("\(key) must be a string, not \(value.typeName)", table, key)
            }
            return text
        }
        for (key, value) in root.objectValue ?? [] {
            switch key {
            case "default_profile":
                config.defaultProfile = try string(value, [], key)
            case "theme":
                let name = try string(value, [], key)
                guard let theme = Theme(rawValue: name) else {
                    throw fault("theme must be one of \(Theme.allCases.map(\.rawValue).joined(separator: ", ")), not \(name.quotedShort)", [], key)
                }
                config.theme = theme
            case "images":
                let mode = try string(value, [], key)
                guard let setting = PictureSetting(rawValue: mode) else {
                    throw fault("images must be one of \(PictureSetting.choices), not \(mode.quotedShort)", [], key)
                }
                config.images = setting
            case "images_max_bytes":
                // Whole bytes, as TOML writes them (2_000_000_000); at least 1 MiB, so a slip keeps pictures.
                guard case let .int(bytes) = value, bytes >= 1 << 20 else {
                    throw fault("images_max_bytes must be a whole number of bytes, at least 1048576 (1 MiB), such as 4_000_000_000 (the default is 2_147_483_648, 2 GiB)", [], key)
                }
                config.imagesMaxBytes = bytes
            case "mouse":
                guard case let .bool(on) = value else { throw fault("mouse must be true or false, not \(value.typeName)", [], key) }
                config.mouse = on
            case "profiles":
                guard let tables = value.objectValue else { throw fault("profiles must be a table of [profiles.NAME] tables", [], key) }
                for (name, body) in tables {
                    config.profiles.append(try profile(name, body, fault: fault, string: string))
                }
            case "defaults":
                guard value.objectValue != nil else { throw fault("defaults must be a table: wire path = value", [], key) }
                config.defaults = flatten(value, prefix: "")
            case "keys":
                guard let table = value.objectValue else { throw fault("keys must be a table: command = [\"key\", …]", [], key) }
                for (command, keys) in table {
                    switch keys {
                    case let .string(one): config.keys.append((command, [one]))
                    case let .array(many):
                        var names: [String] = []
                        for item in many {
                            guard case let .string(name) = item else {
                                throw fault("keys.\(command) must list key names as strings, such as [\"F6\", \"Ctrl-x\"]", ["keys"], command)
                            }
                            names.append(name)
                        }
                        config.keys.append((command, names))
                    default:
                        throw fault("keys.\(command) must list key names as strings, such as [\"F6\", \"Ctrl-x\"]", ["keys"], command)
                    }
                }
            default:
                throw fault("unknown setting \(key.quotedShort) (zqt knows default_profile, theme, images, images_max_bytes, mouse, [profiles.NAME], [defaults], [keys])", [], key)
            }
        }
        if let name = config.defaultProfile, config.profile(named: name) == nil {
            throw fault("default_profile \(name.quotedShort) names no [profiles.\(name)] table", [], "default_profile")
        }
        return config
    }

    private static func profile(_ name: String, _ body: JSONValue,
                                fault: (String, [String], String?) -> ConfigProblem,
                                string: (JSONValue, [String], String) throws(ConfigProblem) -> String) throws(ConfigProblem) -> ConfigProfile {
        let table = ["profiles", name]
        guard let members = body.objectValue else {
            throw fault("profiles.\(name) must be a table ([profiles.\(name)])", ["profiles"], name)
        }
        var profile = ConfigProfile(name: name)
        for (key, value) in members {
            if key == "parallel" {
                guard case let .int(count) = value, ConfigProfile.parallelRange.contains(count) else {
                    throw fault("parallel must be a whole number from \(ConfigProfile.parallelRange.lowerBound) to \(ConfigProfile.parallelRange.upperBound): how many tasks of a sweep this profile's server runs at once", table, key)
                }
                profile.parallel = count
                continue
            }
            if key == "upload" {
                profile.upload = try uploadSettings(value, table: table + ["upload"], fault: fault, string: string)
                continue
            }
            if try a1111Setting(key, value, of: &profile, table: table, fault: fault, string: string) { continue }
            let text = try string(value, table, key)
            switch key {
            case "base_url": profile.baseURL = text
            case "access_key_id": profile.accessKeyID = text
            case "access_key_secret": profile.accessKeySecret = text
            case "key_secret_command": profile.keySecretCommand = text
            default:
                throw fault("unknown setting \(key.quotedShort) in profile \(name) (base_url, access_key_id, access_key_secret, key_secret_command, api, username, password, password_command, generation_timeout, parallel, [profiles.\(name).upload])", table, key)
            }
        }
        if profile.accessKeySecret != nil, profile.keySecretCommand != nil {
            throw fault("profile \(name) has both access_key_secret and key_secret_command; keep one", table, "key_secret_command")
        }
        try checkA1111(profile, table: table, fault: fault)
        return profile
    }

    /// `[profiles.NAME.upload]`: `kind = "s3"` or `kind = "command"` and
    /// that kind's keys (docs/uploads.md). Every fault names its key's place.
    private static func uploadSettings(_ body: JSONValue, table: [String],
                                       fault: (String, [String], String?) -> ConfigProblem,
                                       string: (JSONValue, [String], String) throws(ConfigProblem) -> String) throws(ConfigProblem) -> UploadSettings {
        let name = table.joined(separator: ".")
        guard let members = body.objectValue else {
            throw fault("\(name) must be a table ([\(name)]) with kind = \"s3\" or \"command\"", Array(table.dropLast()), "upload")
        }
        var values: [String: JSONValue] = [:]
        for (key, value) in members { values[key] = value }
        guard let kindValue = values["kind"] else {
            throw fault("\(name) needs kind = \"s3\" or kind = \"command\"", table, nil)
        }
        let kind = try string(kindValue, table, "kind")
        func text(_ key: String) throws(ConfigProblem) -> String? {
            guard let value = values[key] else { return nil }
            return try string(value, table, key)
        }
        func required(_ key: String, _ what: String) throws(ConfigProblem) -> String {
            guard let value = try text(key), !value.trimmed.isEmpty else {
                throw fault("\(name) of kind \"\(kind)\" needs \(key) (\(what))", table, values[key] == nil ? nil : key)
            }
            return value
        }
        func wholeNumber(_ key: String, in range: ClosedRange<Int>) throws(ConfigProblem) -> Int? {
            guard let value = values[key] else { return nil }
            guard let number = value.numberValue, let whole = WholeNumber.from(number), range.contains(whole) else {
                throw fault("\(key) must be a whole number of seconds from \(range.lowerBound) to \(range.upperBound)", table, key)
            }
            return whole
        }
        func httpURL(_ key: String, _ value: String) throws(ConfigProblem) {
            guard let target = HTTPTarget(value), !target.hasUserInfo else {
                throw fault("\(key) must be an http(s) URL without a password in it, not \(value.quotedShort)", table, key)
            }
        }
        func unknown(_ allowed: [String]) throws(ConfigProblem) {
            for (key, _) in members where !allowed.contains(key) {
                throw fault("unknown setting \(key.quotedShort) in \(name) of kind \"\(kind)\" (\(allowed.joined(separator: ", ")))", table, key)
            }
        }
        switch kind {
        case "s3":
            try unknown(["kind", "endpoint", "region", "bucket", "prefix", "access_key_id", "secret_access_key", "secret_command",
                         "path_style", "public_base_url", "presign_seconds"])
            let endpoint = try required("endpoint", "the store's URL, such as \"https://s3.us-east-1.amazonaws.com\"")
            try httpURL("endpoint", endpoint)
            var settings = UploadSettings.S3Settings(
                endpoint: endpoint, region: try required("region", "such as \"us-east-1\""),
                bucket: try required("bucket", "the bucket's name"), prefix: try text("prefix") ?? "",
                accessKeyID: try required("access_key_id", "the store's access key id"),
                secretAccessKey: try text("secret_access_key"), secretCommand: try text("secret_command"))
            if settings.secretAccessKey != nil, settings.secretCommand != nil {
                throw fault("\(name) has both secret_access_key and secret_command; keep one", table, "secret_command")
            }
            if settings.secretAccessKey == nil, settings.secretCommand == nil {
                throw fault("\(name) of kind \"s3\" needs secret_command (a command that prints the store's secret key) or secret_access_key", table, nil)
            }
            if let value = values["path_style"] {
                guard case let .bool(flag) = value else { throw fault("path_style must be true or false, not \(value.typeName)", table, "path_style") }
                settings.pathStyle = flag
            }
            if let base = try text("public_base_url") {
                try httpURL("public_base_url", base)
                settings.publicBaseURL = base
                if values["presign_seconds"] != nil {
                    throw fault("\(name) has both public_base_url and presign_seconds: a public URL is not presigned; keep one", table, "presign_seconds")
                }
            }
            settings.presignSeconds = try wholeNumber("presign_seconds", in: UploadSettings.S3Settings.presignRange)
                ?? UploadSettings.S3Settings.defaultPresignSeconds
            return .s3(settings)
        case "command":
            try unknown(["kind", "command", "timeout_seconds", "valid_seconds"])
            var settings = UploadSettings.CommandSettings(command: try required("command", "run by /bin/sh with the file's path in $ZQT_FILE; its last line of output is the URL"))
            if let timeout = try wholeNumber("timeout_seconds", in: 1...3600) { settings.timeoutSeconds = Double(timeout) }
            settings.validSeconds = try wholeNumber("valid_seconds", in: 1...31_536_000)
            return .command(settings)
        default:
            throw fault("\(name): kind must be \"s3\" or \"command\", not \(kind.quotedShort) (--sandbox needs no upload settings)", table, "kind")
        }
    }

    /// Nested tables as dotted wire paths (`[defaults.override_settings]` or
    /// `override_settings.sd_vae = …` both give "override_settings.sd_vae").
    private static func flatten(_ value: JSONValue, prefix: String) -> [(path: String, value: JSONValue)] {
        guard case let .object(members) = value else { return [(prefix, value)] }
        return members.flatMap { key, member in flatten(member, prefix: prefix.isEmpty ? key : prefix + "." + key) }
    }

    /// The warning for a file that holds an inline secret and that group or
    /// others can read: names the file and the chmod that fixes it. Nil
    /// when the file is private or holds no secret.
    public static func permissionWarning(_ config: ZqtConfig) -> String? {
        let inlineUploadSecret = config.profiles.contains { profile in
            if case let .s3(settings)? = profile.upload { return settings.secretAccessKey != nil }
            return false
        }
        let inlineKeySecret = config.profiles.contains { $0.accessKeySecret != nil || $0.password != nil }
        guard inlineKeySecret || inlineUploadSecret else { return nil }
        var info = stat()
        guard stat(config.file, &info) == 0, info.st_mode & 0o077 != 0 else { return nil }
        let mode = String(info.st_mode & 0o777, radix: 8)
        let file = APIError.printable(config.file)
        return "\(file) holds \(inlineKeySecret ? (config.profiles.contains { $0.accessKeySecret != nil } ? "an access_key_secret" : "a password") : "an upload's secret_access_key") and group or others can read it (mode \(mode)); fix: chmod 600 \(shellQuoted(file))"
    }

    /// A path as a shell word: as it is when it is plain, else in single quotes.
    static func shellQuoted(_ path: String) -> String {
        let plain = path.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "/._-+,:@%".unicodeScalars.contains($0)
        }
        return plain && !path.isEmpty ? path : "'" + path.replacing("'", with: "'\\''") + "'"
    }
}

/// Lines of the config text, to find where a key was written: the JSON
/// carries no places, so faults found after reading look the key up.
public struct ConfigPlaces: Sendable {
    private let lines: [Substring]

    public init(text: String) {
        // "\r\n" is one Character in Swift: a file written on Windows has lines too.
        lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    func placeOfNUL() -> (line: Int, column: Int)? {
        for (index, line) in lines.enumerated() {
            if let at = line.unicodeScalars.firstIndex(of: "\u{0}") {
                return (index + 1, line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: at) + 1)
            }
        }
        return nil
    }

    /// The line and column of `key` in `table` (`key` nil: the table's
    /// header); (0, 0) when it cannot be found.
    public func find(table: [String], key: String?) -> (line: Int, column: Int) {
        let wanted = key.map { table + [$0] } ?? table
        var current: [String] = []
        var tableLine: (Int, Int)?
        for (index, raw) in lines.enumerated() {
            let indent = raw.prefix(while: { $0 == " " || $0 == "\t" }).count
            let line = raw.dropFirst(indent)
            if line.hasPrefix("[") {
                let inner = line.drop(while: { $0 == "[" }).prefix(while: { $0 != "]" })
                current = Self.keyPath(inner)
                if current == wanted { return (index + 1, indent + 1) }
                if current == table, tableLine == nil { tableLine = (index + 1, indent + 1) }
                continue
            }
            guard !line.hasPrefix("#"), let equals = Self.equalsIndex(line) else { continue }
            let full = current + Self.keyPath(line[..<equals])
            if full.starts(with: wanted) { return (index + 1, indent + 1) }
        }
        return tableLine ?? (0, 0)
    }

    /// The `=` of a key/value line, outside quoted key parts.
    private static func equalsIndex(_ line: Substring) -> Substring.Index? {
        var quote: Character?
        for index in line.indices {
            let c = line[index]
            if let q = quote { if c == q { quote = nil } ; continue }
            if c == "\"" || c == "'" { quote = c } else if c == "=" { return index }
        }
        return nil
    }

    /// `a."b.c".d` as ["a", "b.c", "d"].
    private static func keyPath(_ text: Substring) -> [String] {
        var parts: [String] = []
        var part = ""
        var quote: Character?
        for c in text {
            if let q = quote {
                if c == q { quote = nil } else { part.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "." {
                parts.append(part.trimmed)
                part = ""
            } else {
                part.append(c)
            }
        }
        parts.append(part.trimmed)
        return parts
    }
}
