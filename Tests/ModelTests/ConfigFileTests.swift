// The config file (issue 10): read in process by toml++ (issue 16);
// faults say file, line and column in plain words; settings resolve flags, then ZQT_*
// variables, then the file; a secret comes inline or from a command that is
// bounded in time and output; an inline secret in a readable file is warned.

import Foundation
@testable import Model
import TestScratch
import Testing

@Suite struct ConfigFileTests {
    /// `text` as the config file zqt/config.toml in a new folder of the
    /// test's `scratch`, there for as long as the test keeps it.
    static func write(_ text: String, mode: mode_t = 0o600, in scratch: Scratch) -> String {
        let folder = scratch.folder("zqt-config") + "/zqt"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/config.toml"
        _ = FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        chmod(file, mode)
        return file
    }

    /// `text` loaded as a config file; the file is gone once this returns.
    static func config(_ text: String) throws -> ZqtConfig {
        let scratch = Scratch()
        switch ConfigFile.load(path: write(text, in: scratch)) {
        case let .loaded(config): return config
        case let .failed(problem): throw problem
        case .missing: throw ConfigProblem(file: "", message: "missing")
        }
    }

    static func problem(_ text: String) -> ConfigProblem? {
        let scratch = Scratch()
        if case let .failed(problem) = ConfigFile.load(path: write(text, in: scratch)) { return problem }
        return nil
    }

    static let example = """
        default_profile = "work"
        theme = "light"

        [profiles.work]
        base_url = "https://api.zhiqite.com"
        access_key_id = "AKID-work"
        key_secret_command = "printf 'from-command\\\\n'"

        [profiles.home]
        base_url = "http://127.0.0.1:9"
        access_key_id = "AKID-home"
        access_key_secret = "inline-secret"

        [defaults]
        steps = 30
        override_settings.sd_vae = "vae.pt"

        [keys]
        submit = ["F6", "Ctrl-x"]
        """

    @Test func aMissingFileIsNothing() {
        guard case .missing = ConfigFile.load(path: "/nonexistent/zqt/config.toml") else {
            Issue.record("a missing file must read as missing")
            return
        }
    }

    @Test func theExampleReads() throws {
        let config = try Self.config(Self.example)
        #expect(config.defaultProfile == "work")
        #expect(config.theme == .light)
        #expect(config.profile(named: "work")?.keySecretCommand == "printf 'from-command\\n'")
        #expect(config.profile(named: "home")?.accessKeySecret == "inline-secret")
        #expect(config.defaults.map(\.path).sorted() == ["override_settings.sd_vae", "steps"])
        #expect(config.defaults.first { $0.path == "steps" }?.value == .int(30))
        #expect(config.keys.first?.command == "submit")
        #expect(config.keys.first?.keys == ["F6", "Ctrl-x"])
    }

    @Test func badTOMLSaysLineAndColumn() throws {
        let problem = try #require(Self.problem("""
            default_profile = "work"
            [profiles.work]
            base_url = "https://x
            """))
        #expect(problem.line == 3)
        #expect(problem.column > 1)
        #expect(problem.description.hasPrefix(problem.file + ":3:"))
    }

    /// What a user reads for the most common slip, a string left open.
    @Test func aBrokenFileSaysLineColumnAndWhatIsWrong() throws {
        let scratch = Scratch()
        let file = Self.write("""
            default_profile = "work"
            [profiles.work]
            base_url = "https://x
            access_key_id = "AKID"
            """, in: scratch)
        guard case let .failed(problem) = ConfigFile.load(path: file) else {
            Issue.record("an open string must be a fault")
            return
        }
        #expect(problem.description == "\(file):3:22: the string is not closed: its closing quote is missing on this line")
        guard case let .failed(unquoted) = ConfigFile.load(path: Self.write("\ntheme = dark\n", in: scratch)) else {
            Issue.record("an unquoted string must be a fault")
            return
        }
        #expect(unquoted.line == 2 && unquoted.column == 9)
        #expect(unquoted.message.hasPrefix("this is not a TOML value: text needs quotes"))
    }

    /// A file with the secret inline is read in process like any other (it
    /// once had to be converted by a child on every start, never cached),
    /// escapes and all, and reading it writes nothing.
    @Test func anInlineSecretIsReadInProcess() throws {
        let scratch = Scratch()
        let file = Self.write(#"""
            [profiles.home]
            access_key_id = "AKID-home"
            access_key_secret = "S3CR3T\"with\\escapes\u00e9"
            """#, in: scratch)
        guard case let .loaded(config) = ConfigFile.load(path: file) else { Issue.record("must load"); return }
        #expect(config.profile(named: "home")?.accessKeySecret == "S3CR3T\"with\\escapesé")
        #expect(config.startProfile == "home")
        let folder = String(file[..<file.lastIndex(of: "/")!])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["config.toml"])
    }

    /// [defaults] values keep their TOML type on their way to the form: an
    /// integer stays an integer (steps = 30 is sent as 30), a float a float.
    @Test func defaultsKeepEveryValueTypeAndTheFilesOrder() throws {
        let config = try Self.config("""
            [defaults]
            steps = 30
            cfg_scale = 7.0
            restore_faces = true
            prompt = "a \\"quoted\\" lighthouse\\n"
            size = [512, 768]
            override_settings = { sd_vae = "vae.pt", clip_skip = 2 }
            seed = -1
            """)
        #expect(config.defaults.map(\.path) == ["steps", "cfg_scale", "restore_faces", "prompt", "size",
                                                "override_settings.sd_vae", "override_settings.clip_skip", "seed"])
        let values = config.defaults.map(\.value)
        #expect(values == [.int(30), .double(7), .bool(true), .string("a \"quoted\" lighthouse\n"),
                           .array([.int(512), .int(768)]), .string("vae.pt"), .int(2), .int(-1)])
        // == takes 30 and 30.0 for the same number; the kinds tell them apart.
        #expect(values.map(Self.kind) == ["int", "double", "bool", "string", "array", "string", "int", "int"])
        #expect(values[4].arrayValue?.map(Self.kind) == ["int", "int"])
    }

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .double: "double"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Profiles come in the order the file writes them (the profile switcher's order).
    @Test func profilesKeepTheFilesOrder() throws {
        let config = try Self.config("[profiles.work]\n[profiles.home]\n[profiles.another]\n")
        #expect(config.profiles.map(\.name) == ["work", "home", "another"])
    }

    /// A file written with Windows line ends: faults found after reading still name their line.
    @Test func crlfLinesAreLines() throws {
        let problem = try #require(Self.problem("default_profile = \"work\"\r\n[profiles.work]\r\n  acess_key_id = \"typo\"\r\n"))
        #expect(problem.line == 3 && problem.column == 3)
    }

    @Test func aSemanticFaultSaysTheKeysLine() throws {
        let problem = try #require(Self.problem("""
            default_profile = "work"

            [profiles.work]
            base_url = "https://x"
              acess_key_id = "typo"
            """))
        #expect(problem.line == 5)
        #expect(problem.column == 3)
        #expect(problem.message.contains("acess_key_id"))
        let wrongType = try #require(Self.problem("theme = 3\n"))
        #expect(wrongType.line == 1)
        let unknownTheme = try #require(Self.problem("\n\ntheme = \"neon\"\n"))
        #expect(unknownTheme.line == 3)
        let missingDefault = try #require(Self.problem("default_profile = \"nope\"\n[profiles.a]\n"))
        #expect(missingDefault.line == 1 && missingDefault.message.contains("nope"))
        let both = try #require(Self.problem("[profiles.a]\naccess_key_secret = \"s\"\nkey_secret_command = \"x\"\n"))
        #expect(both.line == 3)
    }

    @Test func controlCharactersInAFaultAreShownAsText() throws {
        let problem = try #require(Self.problem("\"bad\\u001b[2Jkey\" = 1\n"))
        #expect(!problem.description.unicodeScalars.contains { $0.value == 0x1B })
    }

    // MARK: Precedence

    static func resolve(flag: String? = nil, profile: String? = nil, env: [String: String] = [:],
                        config: ZqtConfig?) throws -> ClientConfiguration {
        try ClientConfiguration.resolve(baseURLFlag: flag, profileFlag: profile, environment: env, config: config,
                                        secretCommand: { _ in .success("from-command") })
    }

    @Test func precedenceFlagsThenEnvironmentThenFile() throws {
        let config = try Self.config(Self.example)
        let env = ["ZQT_BASE_URL": "http://env:1", "ZQT_ACCESS_KEY_ID": "AKID-env", "ZQT_ACCESS_KEY_SECRET": "env-secret"]
        // (flag, environment, profile) → base URL, key id, secret, profile shown.
        let rows: [(String?, [String: String], String?, String, String, String, String)] = [
            (nil, [:], nil, "https://api.zhiqite.com", "AKID-work", "from-command", "work"),
            (nil, [:], "home", "http://127.0.0.1:9", "AKID-home", "inline-secret", "home"),
            (nil, ["ZQT_PROFILE": "home"], nil, "http://127.0.0.1:9", "AKID-home", "inline-secret", "home"),
            (nil, env, "home", "http://env:1", "AKID-env", "env-secret", "home"),
            ("http://flag:2", env, "home", "http://flag:2", "AKID-env", "env-secret", "home"),
            ("http://flag:2", [:], nil, "http://flag:2", "AKID-work", "from-command", "work"),
        ]
        for (flag, environment, profile, url, id, secret, shown) in rows {
            let resolved = try Self.resolve(flag: flag, profile: profile, env: environment, config: config)
            #expect(resolved.baseURL == url, "\(String(describing: flag)) \(environment) \(String(describing: profile))")
            #expect(resolved.credentials?.accessKeyID == id)
            #expect(resolved.credentials?.accessKeySecret == secret)
            #expect(resolved.profile == shown)
        }
        // No file: the environment and the defaults, as before issue 10.
        let bare = try Self.resolve(env: env, config: nil)
        #expect(bare.baseURL == "http://env:1" && bare.profile == "default")
    }

    /// The resolve used where no config file is in play (the screen after a
    /// faulty file, `zqt export`): a ZQT_PROFILE exported in the user's shell
    /// names no profile there, and must not wipe --base-url and the ZQT_* keys.
    @Test func withoutAFileZQTProfileKeepsFlagAndKeys() {
        let env = ["ZQT_PROFILE": "work", "ZQT_ACCESS_KEY_ID": "AKID-env", "ZQT_ACCESS_KEY_SECRET": "env-secret"]
        let resolved = ClientConfiguration.resolve(baseURLFlag: "http://flag:2", environment: env)
        #expect(resolved.baseURL == "http://flag:2")
        #expect(resolved.credentials == Credentials(accessKeyID: "AKID-env", accessKeySecret: "env-secret"))
    }

    @Test func anUnknownProfileIsAFault() throws {
        let config = try Self.config(Self.example)
        #expect(throws: ConfigProblem.self) { try Self.resolve(profile: "nope", config: config) }
        #expect(throws: ConfigProblem.self) { try Self.resolve(profile: "work", config: nil) }
    }

    @Test func theSecretCommandRunsOnlyWhenNeeded() throws {
        let config = try Self.config(Self.example)
        var ran = 0
        _ = try ClientConfiguration.resolve(baseURLFlag: nil, profileFlag: "work", environment: ["ZQT_ACCESS_KEY_SECRET": "e"],
                                            config: config, secretCommand: { _ in ran += 1; return .success("x") })
        #expect(ran == 0)
        let failing = ZqtConfig(file: "f", profiles: [ConfigProfile(name: "p", keySecretCommand: "false")],
                                places: ConfigPlaces(text: "[profiles.p]\nkey_secret_command = \"false\"\n"))
        do {
            _ = try ClientConfiguration.resolve(baseURLFlag: nil, profileFlag: "p", environment: [:], config: failing,
                                                secretCommand: { _ in .failure(.init("failed (exit 1)")) })
            Issue.record("a failing command must be a fault")
        } catch {
            #expect(error.line == 2)
            #expect(error.message == "key_secret_command of profile p failed (exit 1)")
        }
    }

    // MARK: key_secret_command

    @Test func secretCommandSuccessIsTrimmed() {
        #expect(SecretCommand.run("printf '  S3CR3T \\n'") == .success("S3CR3T"))
    }

    @Test func secretCommandFailureSaysItsStatusAndStderr() {
        guard case let .failure(failure) = SecretCommand.run("echo 'no such entry' >&2; exit 3") else {
            Issue.record("must fail")
            return
        }
        #expect(failure.reason == "failed (exit 3): no such entry")
        #expect(SecretCommand.run("true") == .failure(.init("printed nothing")))
        if case let .failure(f) = SecretCommand.run("printf 'a\\nb\\n'") { #expect(f.reason.contains("more than one line")) }
        else { Issue.record("two lines must be refused") }
    }

    @Test func secretCommandIsStoppedAtItsTimeAndSize() {
        let started = Date()
        guard case let .failure(failure) = SecretCommand.run("sleep 600", timeout: 0.5) else {
            Issue.record("must time out")
            return
        }
        #expect(failure.reason.contains("did not finish"))
        // Stopped, not waited out: a loaded machine stretches the 0.5 s, never to the 600 s of the command.
        #expect(Date().timeIntervalSince(started) < 120)
        guard case let .failure(big) = SecretCommand.run("yes") else {
            Issue.record("endless output must be stopped")
            return
        }
        #expect(big.reason.contains("KiB"))
    }

    // MARK: Permissions, theme

    @Test func aReadableFileWithASecretIsWarned() throws {
        let scratch = Scratch()
        let readable = Self.write("[profiles.a]\naccess_key_secret = \"s\"\n", mode: 0o644, in: scratch)
        guard case let .loaded(config) = ConfigFile.load(path: readable) else { Issue.record("must load"); return }
        let warning = try #require(ConfigFile.permissionWarning(config))
        #expect(warning.contains(readable))
        #expect(warning.hasSuffix("chmod 600 \(readable)"))
        let closed = Self.write("[profiles.a]\naccess_key_secret = \"s\"\n", mode: 0o600, in: scratch)
        guard case let .loaded(closedConfig) = ConfigFile.load(path: closed) else { Issue.record("must load"); return }
        #expect(ConfigFile.permissionWarning(closedConfig) == nil)
        let noSecret = Self.write("[profiles.a]\nkey_secret_command = \"pass x\"\n", mode: 0o644, in: scratch)
        guard case let .loaded(commandConfig) = ConfigFile.load(path: noSecret) else { Issue.record("must load"); return }
        #expect(ConfigFile.permissionWarning(commandConfig) == nil)
        #expect(ConfigFile.shellQuoted("/a b/it's") == "'/a b/it'\\''s'")
    }

    @Test func noColorMeansMono() {
        #expect(Theme.resolve(file: .light, environment: ["NO_COLOR": "1"]) == .mono)
        #expect(Theme.resolve(file: .light, environment: ["NO_COLOR": ""]) == .light)
        #expect(Theme.resolve(file: nil, environment: [:]) == .dark)
    }

    @Test func locationFollowsXDG() {
        #expect(ConfigFile.location(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == "/x/zqt/config.toml")
        #expect(ConfigFile.location(environment: ["HOME": "/h"]) == "/h/.config/zqt/config.toml")
    }
}
