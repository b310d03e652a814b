// The config file end to end (issue 10): a sandbox that takes only known
// keys; zqt's screen in tmux starting on a profile whose secret is wrong
// (said at once, from the model list read), switched to the right one
// (secret from key_secret_command) and sending; `zqt send` with each
// profile, and with the good profile's S3 upload (issue 17: a local photo
// sent to moto's store, its secret from a command); then every file zqt
// wrote, and every screen and output, is searched for both secrets. Also a bad file on the screen and NO_COLOR.

import Foundation
import TestScratch
import Model
import Sandbox
import Testing

@Suite(.serialized) struct EndToEndConfigTests {
    static let keyID = "AKID-zqt-test-4711"
    static let secret = "S3CR3T-zqt-test"
    /// The S3 store's secret key (issue 17): a secret like the API keys.
    static let storeSecret = "ST0RE-S3CR3T-zqt-test"

    /// The good profile's upload to moto's S3 server; its secret from a command.
    static func uploadTable(_ endpoint: String) -> String {
        """

        [profiles.good.upload]
        kind = "s3"
        endpoint = "\(endpoint)"
        region = "\(MotoServer.region)"
        bucket = "leak-test"
        access_key_id = "\(MotoServer.accessKeyID)"
        secret_command = "printf '%s\\\\n' \(storeSecret)"
        path_style = true
        """
    }

    struct Setup {
        let root: String
        let configFolder: String
        let home: String
        let sandbox: TmuxSession
        let baseURL: String

        /// What a shell in tmux is given: only these folders, never the user's.
        var env: String { "TERM=xterm-256color XDG_CONFIG_HOME=\(root)/config ZQT_HOME=\(home)" }
        var envDictionary: [String: String] { ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": home] }
    }

    static func setUp(in scratch: Scratch, config: (String) -> String) throws -> Setup {
        let root = scratch.path("zqt-config-e2e")
        let configFolder = root + "/config/zqt"
        try FileManager.default.createDirectory(atPath: configFolder, withIntermediateDirectories: true)
        let sandbox = try TmuxSession(command: "\(ZqtBinary.url.path) sandbox --port 0 --task-seconds 1 "
                                      + "--access-key-id \(keyID) --access-key-secret \(secret)", width: 200, height: 20)
        let banner = try sandbox.waitFor(text: "listening on http://")
        let baseURL = try #require(banner.firstMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)/)?.1).description
        let file = configFolder + "/config.toml"
        _ = FileManager.default.createFile(atPath: file, contents: Data(config(baseURL).utf8))
        chmod(file, 0o600)
        return Setup(root: root, configFolder: configFolder, home: root + "/home", sandbox: sandbox, baseURL: baseURL)
    }

    static func twoProfiles(_ baseURL: String) -> String {
        """
        default_profile = "wrong"

        [profiles.wrong]
        base_url = "\(baseURL)"
        access_key_id = "\(keyID)"
        access_key_secret = "not-the-secret"

        [profiles.good]
        base_url = "\(baseURL)"
        access_key_id = "\(keyID)"
        key_secret_command = "printf '%s\\\\n' \(secret)"

        [defaults]
        prompt = "a lighthouse from the config file"
        """
    }

    @Test(.enabled(if: TmuxSession.isAvailable))
    func aProfileSwitchReachesTheNextSendAndNoSecretIsWritten() async throws {
        try await offThePool { try Self.switchAndSearchSteps() }
    }

    static func switchAndSearchSteps() throws {
        let scratch = Scratch()
        let moto = try MotoServer()
        let bucket = try ChildProcess.run("/usr/bin/curl", ["-s", "-f", "-X", "PUT", "\(moto.endpoint)/leak-test"], timeout: 30)
        #expect(bucket.status == 0, "\(bucket.stderr)")
        let setup = try setUp(in: scratch, config: { twoProfiles($0) + uploadTable(moto.endpoint) })
        defer { try? FileManager.default.removeItem(atPath: setup.root) }
        var seen: [String] = []

        // The wrong profile's keys are refused by the start's model list read, before any send.
        let session = try TmuxSession(command: "\(setup.env) \(ZqtBinary.url.path)", width: 120, height: 40)
        seen.append(try session.waitFor(text: "Keys refused by the service", timeout: 60))
        seen.append(try session.waitFor("the title to name the profile") { Self.title($0).hasSuffix(" wrong") })

        // The switcher shows the profiles, their key ids masked.
        try session.send("P")
        let picker = try session.waitFor(text: "Profile (now wrong)")
        seen.append(picker)
        #expect(picker.contains("AKID…"))
        #expect(!picker.contains(keyID))
        try session.send("good", literal: true)
        try session.send("Enter")
        seen.append(try session.waitFor(text: "Profile good: the next send goes to \(setup.baseURL)", timeout: 60))
        seen.append(try session.waitFor("the title to name the profile") { Self.title($0).hasSuffix(" good") })

        // A fresh form takes [defaults]: Flux's prompt is filled, so F5 sends at once.
        try session.send("F7")
        try session.waitFor(text: "Endpoint (now ")
        try session.send("flux", literal: true)
        try session.send("Enter")
        seen.append(try session.waitFor(text: "a lighthouse from the config file"))
        try session.send("F5")
        // The sandbox takes only the good keys: the task runs to its end.
        seen.append(try session.waitFor("Flux's image", timeout: 30) { $0.contains("success · 1 image") })
        // The preview, the history list and an entry.
        try session.send("F3")
        seen.append(try session.screen())
        try session.send("F3")
        try session.send("F2")
        seen.append(try session.waitFor(text: "1 submission"))
        try session.send("Enter")
        seen.append(try session.waitFor(text: "lighthouse"))
        try session.send("Escape")
        try session.send("F2")
        try session.send("q")
        let last = try session.waitFor("zqt to exit or ask") { !Self.title($0).hasSuffix(" good") || $0.contains("Quit anyway?") }
        if last.contains("Quit anyway?") { try session.send("y") }

        // Commands: --profile picks the keys; the refused one fails with 1.
        let good = try ZqtBinary.run(["send", "--profile", "good", "--print-json"], environment: setup.envDictionary)
        #expect(good.status == 0, "\(good.stderr)")
        let wrong = try ZqtBinary.run(["send", "--profile", "wrong"], environment: setup.envDictionary)
        #expect(wrong.status == 1)
        // A local photo in a face swap goes up to the store with the good profile.
        try FileManager.default.createDirectory(atPath: setup.root + "/photos", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: setup.root + "/photos/me.png", contents: Data(PNGImage.render(width: 32, height: 32, seed: 7)))
        _ = FileManager.default.createFile(atPath: setup.root + "/photos/swap.json", contents: Data("""
            {"sourceUrl": "./me.png", "targetUrl": "../photos/me.png"}
            """.utf8))
        let uploadEnv = ZqtBinary.environment(setup.envDictionary)
        let upload = try ChildProcess.run("/bin/sh", ["-c", "cd \"\(setup.root)/photos\" && exec \"\(ZqtBinary.url.path)\" send swap.json "
                                                      + "--endpoint tool/roop --profile good --print-json"], environment: uploadEnv, timeout: 90)
        #expect(upload.status == 0, "\(upload.stdout)\n\(upload.stderr)")
        #expect(upload.stdout.contains("Uploading 1 file… 1/1"))

        // Nothing zqt wrote, drew or printed holds the secret.
        for text in seen + [good.stdout, good.stderr, wrong.stdout, wrong.stderr, upload.stdout, upload.stderr] {
            #expect(!text.contains(secret))
            #expect(!text.contains(storeSecret))
        }
        for screen in seen { #expect(!screen.contains(keyID), "the screen shows key ids masked") }
        let written = files(under: setup.home) + files(under: setup.configFolder).filter { !$0.hasSuffix("/config.toml") }
        #expect(written.contains { $0.hasSuffix("history.sqlite") })
        for file in written {
            let bytes = FileManager.default.contents(atPath: file) ?? Data()
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the secret")
            #expect(bytes.range(of: Data("not-the-secret".utf8)) == nil, "\(file) holds the wrong secret")
            #expect(bytes.range(of: Data(storeSecret.utf8)) == nil, "\(file) holds the store's secret")
        }
    }

    static func title(_ screen: String) -> String {
        String(screen.split(separator: "\n").first ?? "").trimmingCharacters(in: .whitespaces)
    }

    /// Every regular file under a folder (the SQLite journal and WAL files too).
    static func files(under folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        return walker.compactMap { $0 as? String }.map { folder + "/" + $0 }.filter {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }

    @Test(.enabled(if: TmuxSession.isAvailable))
    func aBadFileStillStartsTheScreenAndSaysWhere() async throws {
        let scratch = Scratch()
        try await offThePool {
            let setup = try Self.setUp(in: scratch) { _ in "default_profile = \"x\"\n[profiles.x]\nbase_url = \"http://unclosed\n" }
            defer { try? FileManager.default.removeItem(atPath: setup.root) }
            let session = try TmuxSession(command: "\(setup.env) \(ZqtBinary.url.path) --sandbox", width: 200, height: 40)
            try session.waitFor(text: "SANDBOX")
            try session.waitFor(text: "Config file left out: fault at \(setup.configFolder)/config.toml, line 3,")
            try session.send("q")
            try session.waitFor("zqt to exit") { !$0.contains("SANDBOX") }
            let command = try ZqtBinary.run(["send", "--sandbox"], environment: setup.envDictionary)
            #expect(command.status == 2)
            #expect(command.stderr.contains("config.toml:3:"))
        }
    }

    @Test(.enabled(if: TmuxSession.isAvailable))
    func aKeyOverrideTakesEffect() async throws {
        let scratch = Scratch()
        try await offThePool {
            let setup = try Self.setUp(in: scratch) { _ in "[keys]\nhistory = [\"F6\"]\n" }
            defer { try? FileManager.default.removeItem(atPath: setup.root) }
            let session = try TmuxSession(command: "\(setup.env) \(ZqtBinary.url.path) --sandbox", width: 120, height: 40)
            try session.waitFor(text: "SANDBOX")
            // The footer says the new key, and the old one no longer opens the history.
            try session.waitFor(text: "F6 history")
            try session.send("F6")
            try session.waitFor(text: "· history →")
            try session.send("F6")
            try session.waitFor(text: "· ControlNet →")
            try session.send("q")
            try session.waitFor("zqt to exit") { !$0.contains("SANDBOX") }
        }
    }

    /// The file is read inside zqt (issue 16): a command with an inline secret
    /// in the file runs with no helper beside the binary, writes nothing that
    /// holds the secret, and removes the converted copy older zqt kept in
    /// ZQT_HOME/cache (and the folder, then empty). The child's subcommand is gone.
    @Test func anInlineSecretIsReadInProcessAndTheOldCacheIsRemoved() async throws {
        let scratch = Scratch()
        try await offThePool {
            let root = scratch.path("zqt-config-inproc")
            let configFolder = root + "/config/zqt", home = root + "/home"
            try FileManager.default.createDirectory(atPath: configFolder, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: home + "/cache", withIntermediateDirectories: true)
            let file = configFolder + "/config.toml"
            try Data("[profiles.home]\naccess_key_id = \"\(Self.keyID)\"\naccess_key_secret = \"\(Self.secret)\"\n".utf8)
                .write(to: URL(fileURLWithPath: file))
            chmod(file, 0o600)
            try Data("{\"source\":\"old\",\"json\":\"{}\"}".utf8).write(to: URL(fileURLWithPath: home + "/cache/config.json"))
            let environment = ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": home]

            let paths = try ZqtBinary.run(["paths", "--json"], environment: environment)
            #expect(paths.status == 0, "\(paths.stderr)")
            #expect(paths.stderr.isEmpty, "a private file with a readable profile warns of nothing")
            #expect(!FileManager.default.fileExists(atPath: home + "/cache"), "the old cache and its folder are removed")
            for file in Self.files(under: root) where !file.hasSuffix("/config.toml") {
                let bytes = FileManager.default.contents(atPath: file) ?? Data()
                #expect(bytes.range(of: Data(Self.secret.utf8)) == nil, "\(file) holds the secret")
            }
            #expect(try ZqtBinary.run(["__toml-to-json"], environment: environment, stdin: "a = 1\n").status != 0)
        }
    }

    /// NO_COLOR (no-color.org) wins over the file's theme: attributes only, no colour at all.
    @Test(.enabled(if: TmuxSession.isAvailable))
    func noColorDrawsWithoutColours() async throws {
        let scratch = Scratch()
        try await offThePool {
            let setup = try Self.setUp(in: scratch) { _ in "theme = \"light\"\n" }
            defer { try? FileManager.default.removeItem(atPath: setup.root) }
            func colours(_ extra: String) throws -> Bool {
                let session = try TmuxSession(command: "\(setup.env) \(extra) \(ZqtBinary.url.path) --sandbox", width: 120, height: 40)
                try session.waitFor(text: "SANDBOX")
                let styled = try TmuxSession.tmux(["capture-pane", "-e", "-p", "-t", session.name])
                try session.send("q")
                try session.waitFor("zqt to exit") { !$0.contains("SANDBOX") }
                // An SGR colour: 30–37/40–47 (or 90–107), or 38;/48; for 256 colours.
                return styled.contains(/\x1B\[(?:[0-9]+;)*(?:3[0-7]|4[0-7]|9[0-7]|10[0-7]|38|48)(?:;|m)/)
            }
            // Empty is unset (no-color.org); set here as the tests' tmux server may hold NO_COLOR from whoever started it.
            #expect(try colours("NO_COLOR="), "the light theme draws in colour")
            #expect(try !colours("NO_COLOR=1"), "NO_COLOR draws none")
        }
    }
}
