import Foundation
import TestScratch
import Model
import Testing

/// Issue 10's sweeps through the real binary: `zqt send FILE --sweep ...`
/// against the sandbox, then the history it left.
@Suite(.serialized) struct SweepCommandTests {
    static let example: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("examples/controlnet.json").path
    }()

    /// A history folder of the test's own: the filter must find exactly this sweep's rows.
    static func freshHome(in scratch: Scratch) -> String {
        scratch.path("zqt-sweep")
    }

    @Test func aThreeByTwoSweepSendsSixTasksAsOneBatch() async throws {
        try await offThePool { try Self.aThreeByTwoSweepSendsSixTasksAsOneBatchSteps() }
        if !TmuxSession.isAvailable { try Test.cancel("the batch on the history screen was not checked: tmux is not installed") }
    }

    static func aThreeByTwoSweepSendsSixTasksAsOneBatchSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let result = try ZqtBinary.run(["send", example, "--sweep", "cfg_scale=5,7,9",
                                        "--sweep", "alwayson_scripts.controlnet.args[0].weight=0.5,1", "--sandbox", "--parallel", "3"],
                                       environment: ["ZQT_HOME": home])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let out = result.stdout
        // Six accepted, each with a task id of its own.
        let accepted = out.matches(of: /\[\d\/6\] (zqt-[0-9a-z-]+) [^\n]*: accepted/).map { String($0.1) }
        #expect(accepted.count == 6 && Set(accepted).count == 6, "\(out)")
        // The table: a heading named by the paths' last keys, a row per combination in order.
        let lines = out.split(separator: "\n").map { String($0.dropFirst("[SANDBOX] ".count)) }
        let heading = try #require(lines.firstIndex { $0.hasPrefix("#  cfg_scale  weight  state") }, "\(out)")
        let rows = lines[(heading + 1)...].prefix(6).map { $0.split(separator: " ").map(String.init) }
        #expect(rows.map { [$0[0], $0[1], $0[2], $0[3]] } == [
            ["1", "5", "0.5", "succeeded"], ["2", "5", "1", "succeeded"], ["3", "7", "0.5", "succeeded"],
            ["4", "7", "1", "succeeded"], ["5", "9", "0.5", "succeeded"], ["6", "9", "1", "succeeded"],
        ])
        #expect(Set(rows.map { $0[6] }) == Set(accepted), "each row names its task")
        #expect(out.contains("6 tasks: 6 succeeded"))
        // A task's status line says where it stands in words beside the number, as `zqt send` does (SendLines.status).
        let statusLines = out.split(separator: "\n").filter { $0.contains(": status ") }
        #expect(!statusLines.isEmpty && statusLines.allSatisfy { $0.contains(/: status \d+ \([a-z ]+\)/) }, "\(out)")
        #expect(out.matches(of: /#\d image 1: http:\/\/127\.0\.0\.1:\d+\/sandbox\/images\//).count == 6)

        // The history: six rows sharing one batch id, and the filter finds exactly them.
        let batch = try #require(out.firstMatch(of: /batch (batch-[0-9a-z-]+)/)?.1).description
        let store = try HistoryStore.open(inFolder: home)
        let found = try store.list(filter: "batch:\(batch)")
        #expect(Set(found.map(\.idTask)) == Set(accepted))
        #expect(found.allSatisfy { $0.batchID == batch && $0.batchSize == 6 && $0.state == .succeeded })
        // What each row sent holds its combination.
        let sent = try found.map { summary throws -> [JSONValue?] in
            let request = try #require(try store.record(id: summary.id)).request
            return [request["cfg_scale"], request["alwayson_scripts.controlnet.args[0].weight"]]
        }
        #expect(sent.count == 6 && Set(sent.map { "\($0)" }).count == 6)

        // The screen shows them as one batch, and its filter finds exactly them, at 80 columns.
        guard TmuxSession.isAvailable else { return }  // the test then says it skipped this part
        let session = try TmuxSession(command: "TERM=xterm-256color ZQT_HOME=\(home) \(ZqtBinary.url.path) --sandbox", width: 80, height: 24)
        try session.waitFor(text: "SANDBOX")
        try session.send("F2")
        try session.waitFor(text: "6 submissions")
        try session.send("/")
        try session.send("batch:\(batch)", literal: true)
        let screen = try session.waitFor(text: "6 matches")
        let listed = screen.split(separator: "\n").filter { $0.contains("zqt-") }
        #expect(listed.count == 6 && listed.allSatisfy { $0.contains("✓") }, "\(screen)")
        #expect(listed.first?.contains("┌ batch of 6:") == true && listed.last?.contains("└ ") == true, "\(screen)")
        #expect(listed.dropFirst().dropLast().allSatisfy { $0.contains("│ ") }, "\(screen)")
        try session.send("Enter")  // from the filter to the list, where q quits
        try session.send("q")
        try session.waitFor("zqt to exit") { !$0.contains("SANDBOX") }
    }

    @Test(.needsCurl) func parallelOneNeverHasTwoInFlight() async throws {
        try await offThePool { try Self.parallelOneNeverHasTwoInFlightSteps() }
    }

    static func parallelOneNeverHasTwoInFlightSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let server = try ChildProcess.spawn(ZqtBinary.url.path, ["sandbox", "--port", "0", "--task-seconds", "1"],
                                            environment: ZqtBinary.environment(), stdout: .pipe, stderr: .null)
        defer { server.terminate(); _ = server.waitForExit(timeout: 10) }
        let out = FileHandle(fileDescriptor: server.stdoutFD, closeOnDealloc: true)
        var banner = ""
        while banner.firstMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)/) == nil {
            let chunk = out.availableData
            if chunk.isEmpty { break }
            banner += String(decoding: chunk, as: UTF8.self)
        }
        let baseURL = try #require(banner.firstMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)/)?.1).description
        let keys = ["ZQT_HOME": home, "ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"]
        func unfinishedAtEachSubmit() throws -> [Int] {
            let list = try #require(try JSONParser.parse(ZqtBinary.shell("curl -s \(baseURL)/sandbox/requests")).arrayValue)
            return list.compactMap { item -> Int? in
                if case let .int(count)? = item["unfinished_tasks"] { return count }
                return nil
            }
        }

        let one = try ZqtBinary.run(["send", example, "--base-url", baseURL, "--sweep", "steps=20,21,22", "--parallel", "1"],
                                    environment: keys)
        #expect(one.status == 0, "stderr: \(one.stderr)")
        #expect(try unfinishedAtEachSubmit() == [0, 0, 0], "each submit came after the task before it had finished")

        // The measure sees overlap when there is some: three at once.
        let three = try ZqtBinary.run(["send", example, "--base-url", baseURL, "--sweep", "steps=20,21,22", "--parallel", "3"],
                                      environment: keys)
        #expect(three.status == 0, "stderr: \(three.stderr)")
        #expect(try unfinishedAtEachSubmit().dropFirst(3).max() ?? 0 >= 1)
    }

    @Test func aFailedTaskEndsWithOneAndTheTableSaysWhich() async throws {
        try await offThePool { try Self.aFailedTaskEndsWithOneAndTheTableSaysWhichSteps() }
    }

    static func aFailedTaskEndsWithOneAndTheTableSaysWhichSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let result = try ZqtBinary.run(["send", example, "--sweep", "prompt=a lighthouse,a lighthouse sandbox:fail", "--sandbox"],
                                       environment: ["ZQT_HOME": home])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map { String($0.dropFirst("[SANDBOX] ".count)) }
        let heading = try #require(lines.firstIndex { $0.hasPrefix("#  prompt") }, "\(result.stdout)")
        #expect(lines[heading + 1].hasPrefix("1  \"a lighthouse\"  ") && lines[heading + 1].contains(" succeeded "))
        #expect(lines[heading + 2].hasPrefix("2  \"a lighthouse sandbox:fail\"  ") && lines[heading + 2].contains(" failed "))
        #expect(lines[heading + 2].contains("the prompt contains sandbox:fail"))
        #expect(result.stdout.contains("2 tasks: 1 succeeded, 1 failed"))
    }

    @Test func jsonPrintsOneObjectPerTaskAndNothingElse() async throws {
        try await offThePool { try Self.jsonPrintsOneObjectPerTaskAndNothingElseSteps() }
    }

    static func jsonPrintsOneObjectPerTaskAndNothingElseSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let folder = home + "/images"
        let result = try ZqtBinary.run(["send", example, "--sweep", "steps=20,21", "--sandbox", "--json", "--download", folder],
                                       environment: ["ZQT_HOME": home])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let objects = try result.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(objects.count == 2, "\(result.stdout)")
        #expect(objects.map { $0["parameters"]?["steps"] } == [.int(20), .int(21)])
        #expect(objects.allSatisfy { $0["state"] == .string("succeeded") && $0["images"]?.arrayValue?.count == 1 })
        #expect(Set(objects.compactMap { $0["batch_id"]?.stringValue }).count == 1)
        #expect(result.stderr.contains("accepted"), "the running commentary goes to stderr")
        // --download keeps each task's image, named by its task id, and the object says where.
        for object in objects {
            let saved = try #require(object["saved"]?.arrayValue?.first?.stringValue)
            #expect(saved == folder + "/" + (object["task_id"]?.stringValue ?? "?") + "-1.png")
            #expect(FileManager.default.contents(atPath: saved)?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true, "a PNG")
        }
    }

    @Test func aServiceThatCannotBeReachedEndsWithThree() async throws {
        try await offThePool { try Self.aServiceThatCannotBeReachedEndsWithThreeSteps() }
    }

    static func aServiceThatCannotBeReachedEndsWithThreeSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let result = try ZqtBinary.run(["send", example, "--sweep", "steps=20,21", "--base-url", "http://127.0.0.1:9"],
                                       environment: ["ZQT_HOME": home, "ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"])
        #expect(result.status == 3, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(result.stdout.contains("2 tasks: 2 unreachable"))
        #expect(try HistoryStore.open(inFolder: home).list(filter: "batch:batch-").count == 2, "both kept, as one batch")
    }

    @Test func aBadSweepSpecEndsWithTwoAndSendsNothing() async throws {
        try await offThePool { try Self.aBadSweepSpecEndsWithTwoAndSendsNothingSteps() }
    }

    static func aBadSweepSpecEndsWithTwoAndSendsNothingSteps() throws {
        let scratch = Scratch()
        let cases: [([String], String)] = [
            (["--sweep", "cfg_scale"], "--sweep cfg_scale: expected PATH=V1,V2,..."),
            (["--sweep", "steps="], "--sweep steps=: value 1 is empty"),
            (["--sweep", "steps=20,[30"], "a bracket is not closed"),
            (["--sweep", "steps=20,500"], "steps: Steps (steps) must be between 1 and 150 (is 500)"),
            (["--sweep", "steps=20", "--parallel", "0"], "--parallel must be 1 to 16"),
            (["--sweep", "steps=20", "--keep-id"], "--keep-id cannot be used with --sweep"),
        ]
        let home = freshHome(in: scratch)
        for (arguments, message) in cases {
            let result = try ZqtBinary.run(["send", example, "--sandbox"] + arguments, environment: ["ZQT_HOME": home])
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stdout.contains("accepted"), "\(arguments)")
        }
        #expect(try HistoryStore.open(inFolder: home).count() == 0, "nothing was sent, so nothing was kept")
    }

    /// Missing keys are configuration (2) for a sweep as for a single send,
    /// not a failed task (1): a script must learn to fix its setup, not retry.
    @Test func aSweepWithoutKeysEndsWithTwo() async throws {
        try await offThePool { try Self.aSweepWithoutKeysEndsWithTwoSteps() }
    }

    static func aSweepWithoutKeysEndsWithTwoSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let single = try ZqtBinary.run(["send", example, "--base-url", "http://127.0.0.1:9"], environment: ["ZQT_HOME": home])
        #expect(single.status == 2, "a single send: \(single.stderr)")
        let result = try ZqtBinary.run(["send", example, "--sweep", "steps=20,21", "--base-url", "http://127.0.0.1:9"],
                                       environment: ["ZQT_HOME": home])
        #expect(result.status == 2, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(result.stdout.contains("2 tasks: 2 invalid"), "\(result.stdout)")
    }
}
