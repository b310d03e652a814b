import Foundation
import TestScratch
import Model
import Sandbox
import Testing
@testable import ZqtTUI

/// Issue 10's command line, run as a script would: the real binary, its
/// exit statuses, its --json lines, and exported snippets run by sh and python3.
@Suite(.serialized) struct ScriptCommandTests {
    /// A `zqt sandbox` of its own, on a free port, until `stop`.
    final class StandaloneSandbox {
        let process: ChildProcess
        let url: String

        init(_ extra: [String] = []) throws {
            process = try ChildProcess.spawn(ZqtBinary.url.path, ["sandbox", "--port", "0", "--task-seconds", "0.3"] + extra,
                                             environment: ZqtBinary.environment(), stdout: .pipe, stderr: .null)
            // Waits for the line that says where it listens (read as it comes, no sleep).
            let out = FileHandle(fileDescriptor: process.stdoutFD, closeOnDealloc: false)
            var banner = ""
            while !banner.contains("\n"), banner.count < 10_000 {
                let chunk = out.availableData
                if chunk.isEmpty { break }
                banner += String(decoding: chunk, as: UTF8.self)
            }
            guard let range = banner.range(of: "listening on ") else {
                process.terminate()
                throw CocoaError(.fileReadUnknown)
            }
            url = String(banner[range.upperBound...].prefix { !$0.isWhitespace })
        }

        func stop() {
            process.terminate()
            _ = process.waitForExit(timeout: 10)
        }
    }

    /// A history of its own, so rows of other tests do not mix in.
    static func freshHome(in scratch: Scratch) -> String {
        scratch.path("zqt-script")
    }

    static func run(_ arguments: [String], home: String, environment: [String: String] = [:], stdin: String? = nil) throws -> ChildProcess.Output {
        try ZqtBinary.run(arguments, environment: environment.merging(["ZQT_HOME": home]) { _, new in new }, stdin: stdin)
    }

    /// Each line of standard output as a JSON object.
    static func jsonLines(_ text: String) throws -> [JSONValue] {
        try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    /// The first line of standard output as a JSON object, or a failure saying there was none.
    static func firstLine(_ text: String) throws -> JSONValue {
        guard let first = try jsonLines(text).first else { throw CocoaError(.fileReadCorruptFile) }
        return first
    }

    static func member(_ value: JSONValue, _ key: String) -> JSONValue? {
        value.objectValue?.first { $0.key == key }?.value
    }

    // MARK: exit statuses

    @Test func everyClassOfFailureHasItsExitStatus() async throws {
        try await offThePool { try Self.everyClassOfFailureHasItsExitStatusSteps() }
    }

    static func everyClassOfFailureHasItsExitStatusSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let keys = ["ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"]

        let missing = try run(["send", "/nonexistent/request.json", "--sandbox"], home: home)
        #expect(missing.status == 2, "bad file: \(missing.stderr)")
        #expect(missing.stderr.contains("cannot read /nonexistent/request.json"))
        #expect(try run(["history", "list", "--state", "nonsense"], home: home).status == 2, "a bad flag value")
        #expect(try run(["no-such-command"], home: home).status == 2, "a usage error is 2, not ArgumentParser's 64")
        #expect(try run(["send", "--base-url", "http://127.0.0.1:9"], home: home).status == 2, "no keys is configuration")

        let refused = try run(["send", "--base-url", "http://127.0.0.1:9"], home: home, environment: keys)
        #expect(refused.status == 3, "refused connection: \(refused.stderr)")
        #expect(try run(["query", "zqt-nowhere", "--base-url", "http://127.0.0.1:9"], home: home, environment: keys).status == 3)

        let failing = try StandaloneSandbox(["--fail-tasks"])
        defer { failing.stop() }
        let failed = try run(["send", "--base-url", failing.url, "--json"], home: home, environment: keys)
        #expect(failed.status == 1, "a failed task: \(failed.stderr)")
        let line = try firstLine(failed.stdout)
        #expect(member(line, "state") == .string("failed"))
        #expect(member(line, "exit") == .int(1))

        let sandbox = try StandaloneSandbox()
        defer { sandbox.stop() }
        let done = try run(["send", "--base-url", sandbox.url, "--json"], home: home, environment: keys)
        #expect(done.status == 0, "stderr: \(done.stderr)")
        #expect(done.stdout.split(separator: "\n").count == 1, "--json: standard output is the one object; the steps go to stderr")
        let result = try firstLine(done.stdout)
        #expect(member(result, "state") == .string("succeeded"))
        #expect(member(result, "results")?.arrayValue?.count == 1)
    }

    @Test func versionAndHelpSayWhatTheyShould() async throws {
        try await offThePool {
            let version = try ZqtBinary.run(["--version"])
            #expect(version.status == 0)
            #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == ZqtVersion.current)
            for command in [["send"], ["query"], ["history", "list"], ["history", "show"], ["history", "export"], ["history", "delete"],
                            ["results"], ["export"], ["models"], ["paths"]] {
                let help = try ZqtBinary.run(command + ["--help"])
                #expect(help.status == 0 && help.stdout.contains("USAGE"), "\(command) --help")
            }
            #expect(try ZqtBinary.run(["--help"]).stdout.contains("Exit status: 0 done"))
        }
    }

    // MARK: following a task without the screen

    @Test func aTaskSentWithoutWaitingIsQueriedResultsDownloadedAndTheHistoryRead() async throws {
        try await offThePool { try Self.aTaskSentWithoutWaitingIsQueriedResultsDownloadedAndTheHistoryReadSteps() }
    }

    static func aTaskSentWithoutWaitingIsQueriedResultsDownloadedAndTheHistoryReadSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let folder = scratch.path("zqt-results")
        defer {
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: folder)
        }
        let keys = ["ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"]
        let sandbox = try StandaloneSandbox()
        defer { sandbox.stop() }

        let sent = try run(["send", "--base-url", sandbox.url, "--no-wait", "--json"], home: home, environment: keys)
        #expect(sent.status == 0, "stderr: \(sent.stderr)")
        let idTask = try #require(member(try firstLine(sent.stdout), "id_task")?.stringValue)

        // Queried until it ends (the sandbox takes 0.3 s); each answer is recorded.
        var state = ""
        let deadline = Date().addingTimeInterval(30)
        while state != "succeeded", Date() < deadline {
            let query = try run(["query", idTask, "--base-url", sandbox.url, "--json"], home: home, environment: keys)
            #expect(query.status == 0, "stderr: \(query.stderr)")
            state = try #require(member(try firstLine(query.stdout), "state")?.stringValue)
        }
        #expect(state == "succeeded")

        let listed = try run(["history", "list", "--json", "--state", "succeeded", "--endpoint", "controlnet"], home: home)
        #expect(listed.status == 0)
        let rows = try jsonLines(listed.stdout)
        #expect(rows.count == 1 && member(rows[0], "id_task") == .string(idTask), "the query's answer is in the history")
        #expect(try jsonLines(try run(["history", "list", "--json", "--state", "failed"], home: home).stdout).isEmpty)
        #expect(try jsonLines(try run(["history", "list", "--json", "--filter", "no-such-words-here"], home: home).stdout).isEmpty)

        let results = try run(["results", idTask, "--download", folder, "--base-url", sandbox.url, "--json"], home: home, environment: keys)
        #expect(results.status == 0, "stderr: \(results.stderr)")
        let saved = try #require(member(try firstLine(results.stdout), "path")?.stringValue)
        let png = try #require(FileManager.default.contents(atPath: saved))
        #expect(PNGInfo.dimensions(of: Array(png)) != nil)

        let shown = try run(["history", "show", idTask, "--json"], home: home)
        let record = try firstLine(shown.stdout)
        #expect(member(record, "state") == .string("succeeded"))
        let firstResult = try #require(member(record, "results")?.arrayValue?.first)
        #expect(member(firstResult, "local_path") == .string(saved))
        #expect(member(record, "request")?.objectValue != nil, "the request as JSON, not a string")

        let exported = try run(["history", "export", "--format", "jsonl"], home: home)
        #expect(try jsonLines(exported.stdout).count == 1)

        // zqt's copies of its images (as the screen keeps them) go only with --delete-images (issue 11).
        let kept = home + "/images/" + idTask
        try FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: kept + "/1.png", contents: png)
        let deleted = try run(["history", "delete", idTask, "--delete-images"], home: home)
        #expect(deleted.status == 0)
        #expect(deleted.stderr.contains("deleted its images in \(kept)"), "stderr: \(deleted.stderr)")
        #expect(!FileManager.default.fileExists(atPath: kept))
        #expect(FileManager.default.fileExists(atPath: saved), "images saved to another folder stay")
        #expect(try run(["history", "show", idTask], home: home).status == 2, "gone")
        #expect(try jsonLines(try run(["history", "list", "--json"], home: home).stdout).isEmpty)
    }

    /// Issue 17: a tool's `accepted: task_id N` prints the service's id, not
    /// zqt's; every command that takes an id takes the one it printed.
    @Test func theIdTheAcceptedLinePrintsIsTakenByEveryCommand() async throws {
        try await offThePool { try Self.theIdTheAcceptedLinePrintsIsTakenByEveryCommandSteps() }
    }

    static func theIdTheAcceptedLinePrintsIsTakenByEveryCommandSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let folder = scratch.path("zqt-results")
        defer {
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: folder)
        }
        let keys = ["ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"]
        let sandbox = try StandaloneSandbox()
        defer { sandbox.stop() }
        let example = "examples/flux.json".absolutePathInPackage
        let sent = try run(["send", example, "--endpoint", "flux", "--base-url", sandbox.url], home: home, environment: keys)
        #expect(sent.status == 0, "stderr: \(sent.stderr)")
        let accepted = try #require(sent.stdout.split(separator: "\n").first { $0.hasPrefix("accepted: task_id ") })
        let printed = String(accepted.dropFirst("accepted: task_id ".count).prefix { $0 != " " })
        let row = try firstLine(try run(["history", "list", "--json"], home: home).stdout)
        let idTask = try #require(member(row, "id_task")?.stringValue)
        #expect(printed != idTask, "a tool's service id differs from zqt's (else this test proves nothing): \(accepted)")

        let shown = try run(["history", "show", printed, "--json"], home: home)
        #expect(shown.status == 0, "stderr: \(shown.stderr)")
        #expect(member(try firstLine(shown.stdout), "id_task") == .string(idTask))
        let query = try run(["query", printed, "--base-url", sandbox.url, "--json"], home: home, environment: keys)
        #expect(query.status == 0, "stderr: \(query.stderr)")
        #expect(member(try firstLine(query.stdout), "state") == .string("succeeded"))
        let results = try run(["results", printed, "--download", folder, "--json"], home: home, environment: keys)
        #expect(results.status == 0, "stderr: \(results.stderr)")
        let saved = try #require(member(try firstLine(results.stdout), "path")?.stringValue)
        #expect(FileManager.default.fileExists(atPath: saved))
        let exported = try run(["export", "--curl", printed], home: home)
        #expect(exported.status == 0 && exported.stdout.contains(idTask), "stderr: \(exported.stderr)")
    }

    /// Issue 17: a row whose request held a local file exports with a URL
    /// (the history's upload of the same bytes while valid, else a new
    /// upload), never the path; `history show --json` and `history export`
    /// carry the uploads; without upload settings the export is refused, naming the field.
    @Test func anExportWithALocalFileCarriesAURLAndTheRowItsUploads() async throws {
        try await offThePool { try Self.anExportWithALocalFileCarriesAURLAndTheRowItsUploadsSteps() }
    }

    static func anExportWithALocalFileCarriesAURLAndTheRowItsUploadsSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        try FileManager.default.createDirectory(atPath: home + "/config/zqt", withIntermediateDirectories: true)
        let picture = home + "/face.png"
        _ = FileManager.default.createFile(atPath: picture, contents: Data(PNGImage.render(width: 32, height: 32, seed: 3)))
        let count = home + "/uploads.count"
        let storeURL = "https://files.example.com/pics/face.png"
        _ = FileManager.default.createFile(atPath: home + "/config/zqt/config.toml", contents: Data("""
            [profiles.default.upload]
            kind = "command"
            command = 'echo up >> "\(count)"; echo \(storeURL)'
            valid_seconds = 86400
            """.utf8), attributes: [.posixPermissions: 0o600])
        let environment = ["XDG_CONFIG_HOME": home + "/config", "ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"]
        let uploads = { ((try? String(contentsOfFile: count, encoding: .utf8)) ?? "").split(separator: "\n").count }
        let request = #"{"image": "\#(picture)", "model": "clip"}"#
        let sandbox = try StandaloneSandbox()
        defer { sandbox.stop() }
        let sent = try run(["send", "-", "--endpoint", "describe", "--base-url", sandbox.url], home: home, environment: environment, stdin: request)
        #expect(sent.status == 0, "stderr: \(sent.stderr)")
        #expect(uploads() == 1)
        let row = try firstLine(try run(["history", "list", "--json"], home: home).stdout)
        let idTask = try #require(member(row, "id_task")?.stringValue)

        let exported = try run(["export", "--curl", idTask], home: home, environment: environment)
        #expect(exported.status == 0, "stderr: \(exported.stderr)")
        #expect(exported.stdout.contains(storeURL) && !exported.stdout.contains(picture), "the URL, not the path: \(exported.stdout)")
        #expect(uploads() == 1, "the history's URL for the same bytes, still valid, is reused")
        // A request file naming the same file: the same bytes, the same URL.
        let fromFile = try run(["export", "--python", "-", "--endpoint", "describe"], home: home, environment: environment, stdin: request)
        #expect(fromFile.status == 0 && fromFile.stdout.contains(storeURL) && !fromFile.stdout.contains(picture), "stderr: \(fromFile.stderr)")
        #expect(uploads() == 1)

        let shown = try firstLine(try run(["history", "show", idTask, "--json"], home: home).stdout)
        let upload = try #require(member(shown, "uploads")?.arrayValue?.first)
        #expect(member(upload, "field") == .string("image") && member(upload, "path") == .string(picture))
        #expect(member(upload, "url") == .string(storeURL))
        #expect(member(upload, "sha256")?.stringValue?.count == 64)
        let line = try firstLine(try run(["history", "export"], home: home).stdout)
        #expect(member(line, "uploads") == member(shown, "uploads"))

        // No upload settings: refused, naming the field; nothing written.
        let bare = ["XDG_CONFIG_HOME": home + "/none"]
        let refused = try run(["export", "--curl", "-", "--endpoint", "describe"], home: home, environment: bare, stdin: request)
        #expect(refused.status == 2 && refused.stdout.isEmpty, "stdout: \(refused.stdout)")
        #expect(refused.stderr.contains("Image") && refused.stderr.contains("upload"), "stderr: \(refused.stderr)")
    }

    @Test func modelsAreReadFromTheServiceThenFromTheCache() async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = Self.freshHome(in: scratch)
            let cold = try Self.run(["models", "--kind", "vae", "--sandbox"], home: home)
            #expect(cold.status == 1 && cold.stderr.contains("--refresh"), "nothing cached yet")
            let fresh = try Self.run(["models", "--kind", "vae", "--refresh", "--sandbox", "--json"], home: home)
            #expect(fresh.status == 0, "stderr: \(fresh.stderr)")
            let items = try Self.jsonLines(fresh.stdout)
            #expect(!items.isEmpty && items.allSatisfy { Self.member($0, "kind") == .string("vae") })
            let cached = try Self.run(["models", "--kind", "vae", "--sandbox", "--json"], home: home)
            #expect(cached.status == 0)
            #expect(try Self.jsonLines(cached.stdout) == items)
            #expect(try Self.run(["models", "--kind", "unet"], home: home).status == 2)
        }
    }

    @Test func pathsNameTheConfigCatalogAndData() async throws {
        try await offThePool {
            let output = try ZqtBinary.run(["paths", "--json"], environment: ["XDG_CONFIG_HOME": "/cfg", "ZQT_HOME": "/data/zqt"])
            #expect(output.status == 0)
            let paths = try Self.firstLine(output.stdout)
            #expect(Self.member(paths, "config_file") == .string("/cfg/zqt/config.toml"))
            #expect(Self.member(paths, "catalog_file") == .string("/cfg/zqt/endpoints.json"))
            #expect(Self.member(paths, "data_folder") == .string("/data/zqt"))
            #expect(Self.member(paths, "database") == .string("/data/zqt/history.sqlite"))
        }
    }

    // MARK: export

    @Test(.needsCurl) func anExportedHistoryRowRunsAndIsAcceptedWithoutTheSecretInIt() async throws {
        try await offThePool { try Self.anExportedHistoryRowRunsAndIsAcceptedWithoutTheSecretInItSteps() }
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
            try Test.cancel("the exported Python script was not run: python3 is not installed at /usr/bin/python3")
        }
    }

    static func anExportedHistoryRowRunsAndIsAcceptedWithoutTheSecretInItSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let marker = scratch.path("zqt-pwned")
        let secret = "S3cr3t-\(UUID().uuidString)"
        let keys = ["ZQT_ACCESS_KEY_ID": "kid-export", "ZQT_ACCESS_KEY_SECRET": secret]
        // A prompt that breaks naive quoting in each language, and would run a command if expanded.
        let prompt = "it's \\\"quoted\\\" \\t\\\\ back\\nslash $(touch \(marker)) `touch \(marker)` 漢字 😀 '\\u0001"
        let request = BundledExamples.controlNetJSON.replacingOccurrences(
            of: "\"prompt\": \"", with: "\"prompt\": \"\(prompt) ")
        let sent = try run(["send", "-", "--sandbox", "--no-wait"], home: home, environment: keys, stdin: request)
        #expect(sent.status == 0, "stderr: \(sent.stderr)")
        let rows = try jsonLines(try run(["history", "list", "--json"], home: home).stdout)
        let idTask = try #require(rows.first.flatMap { member($0, "id_task")?.stringValue })
        // The prompt's line break and tab stay inside its column of the plain list.
        let plain = try run(["history", "list"], home: home).stdout.split(separator: "\n")
        #expect(plain.count == 1 && plain[0].split(separator: "\t", omittingEmptySubsequences: false).count == 5)

        // A sandbox that accepts only these keys: the snippet must send them from the environment.
        let sandbox = try StandaloneSandbox(["--access-key-id", "kid-export", "--access-key-secret", secret])
        defer { sandbox.stop() }
        let curl = try run(["export", "--curl", idTask, "--base-url", sandbox.url], home: home, environment: keys)
        #expect(curl.status == 0, "stderr: \(curl.stderr)")
        #expect(!curl.stdout.contains(secret), "the secret never appears in an export")
        let script = scratch.path("zqt-export", suffix: ".sh")
        try curl.stdout.write(toFile: script, atomically: true, encoding: .utf8)
        let answer = try ChildProcess.run("/bin/sh", [script], environment: ZqtBinary.environment(keys), timeout: 30)
        #expect(answer.status == 0, "sh: \(answer.stderr)")
        let envelope = try #require(Envelope(try JSONParser.parse(answer.stdout)))
        #expect(envelope.code == "200", "the same request accepted: \(answer.stdout)")
        #expect(!FileManager.default.fileExists(atPath: marker), "nothing in the prompt ran")

        // Without the keys in the environment, sh stops before sending.
        let unset = try ChildProcess.run("/bin/sh", [script], environment: ZqtBinary.environment(), timeout: 30)
        #expect(unset.status != 0 && unset.stderr.contains("ZQT_ACCESS_KEY_ID"))

        let python = try run(["export", "--python", idTask, "--base-url", sandbox.url], home: home, environment: keys)
        #expect(python.status == 0 && !python.stdout.contains(secret))
        let swift = try run(["export", "--swift", idTask], home: home, environment: keys)
        #expect(swift.status == 0 && !swift.stdout.contains(secret) && swift.stdout.contains("ZQT_ACCESS_KEY_SECRET"))
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {  // else the test says it skipped this part
            // The service refuses an id_task twice: the Python copy asks for a new one.
            let renewed = try run(["export", "--python", idTask, "--base-url", sandbox.url, "--new-id"], home: home, environment: keys)
            #expect(!renewed.stdout.contains(idTask), "a new id_task")
            let answer = try ChildProcess.run("/usr/bin/python3", ["-c", renewed.stdout], environment: ZqtBinary.environment(keys), timeout: 30)
            #expect(answer.status == 0, "python3: \(answer.stderr)")
            #expect(Envelope(try JSONParser.parse(answer.stdout))?.code == "200", "python3 answered: \(answer.stdout)")
        }

        let revealed = try run(["export", "--curl", idTask, "--reveal-secrets"], home: home, environment: keys)
        #expect(revealed.stdout.contains(secret), "only --reveal-secrets writes the secret in")
        let file = try run(["export", "--curl", "-", "--endpoint", "controlnet"], home: home, environment: keys, stdin: request)
        #expect(file.status == 0 && file.stdout.contains("sd/v2/controlnet"))
        #expect(try run(["export", "--curl", "no-such-task-or-file"], home: home).status == 2)
    }

    /// `--profile` and the config file count for export as for every command:
    /// the snippet posts to the profile's service, and --reveal-secrets writes
    /// the profile's keys, not "missing keys" because none are in ZQT_*.
    @Test func exportFollowsTheProfileOfTheConfigFile() async throws {
        try await offThePool { try Self.exportFollowsTheProfileOfTheConfigFileSteps() }
    }

    static func exportFollowsTheProfileOfTheConfigFileSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let secret = "S3cr3t-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home + "/config/zqt", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: home + "/config/zqt/config.toml", contents: Data("""
            default_profile = "home"
            [profiles.home]
            base_url = "http://home.invalid:1"
            [profiles.work]
            base_url = "http://work.invalid:2"
            access_key_id = "kid-work"
            access_key_secret = "\(secret)"
            """.utf8), attributes: [.posixPermissions: 0o600])
        let environment = ["XDG_CONFIG_HOME": home + "/config"]
        let request = BundledExamples.controlNetJSON
        let plain = try run(["export", "--curl", "-", "--profile", "work"], home: home, environment: environment, stdin: request)
        #expect(plain.status == 0, "stderr: \(plain.stderr)")
        #expect(plain.stdout.contains("http://work.invalid:2/"), "the profile's service: \(plain.stdout)")
        #expect(!plain.stdout.contains(secret))
        let byDefault = try run(["export", "--curl", "-"], home: home, environment: environment, stdin: request)
        #expect(byDefault.stdout.contains("http://home.invalid:1/"), "the file's default profile: \(byDefault.stdout)")
        let revealed = try run(["export", "--curl", "-", "--profile", "work", "--reveal-secrets"], home: home,
                               environment: environment, stdin: request)
        #expect(revealed.status == 0, "stderr: \(revealed.stderr)")
        #expect(revealed.stdout.contains(secret) && revealed.stdout.contains("kid-work"))
        #expect(try run(["export", "--curl", "-", "--profile", "nope"], home: home, environment: environment, stdin: request).status == 2,
                "a profile the file does not have is bad configuration")
    }
}
