import Foundation
import TestScratch
import Model
import Sandbox
import Testing
@testable import ZqtTUI

/// Issue 20: a sweep spread over several servers (`--profile a,b`), each at
/// most its own `parallel` at once; a server that fails leaves the sweep
/// and what it had not accepted goes to the others; each row says which
/// server made it. Two sandboxes in this process stand for two servers.
@Suite(.serialized) struct SweepServersTests {
    static let fastPolling = PollPolicy(firstDelay: 0.1, ageShare: 0.25, minDelay: 0.1, maxDelay: 0.2, jitter: 0, busyDelay: 0.1,
                                        busyMaxDelay: 0.3, maxTransientFailures: 3, maxBusyAnswers: 30)

    /// A sandbox standing for one profile's server.
    final class Box: @unchecked Sendable {
        let server: SandboxServer
        let url: String
        let configuration: ClientConfiguration

        init(_ profile: String, taskSeconds: Double) throws {
            server = SandboxServer(options: SandboxOptions(taskSeconds: taskSeconds))
            url = try server.start()
            configuration = ClientConfiguration(baseURL: url, credentials: SandboxServer.demoCredentials, timeout: 10, profile: profile)
        }

        deinit { server.stop() }

        func sweepServer(parallel: Int) -> SweepServer {
            SweepServer(configuration: configuration, api: HTTPImageAPI(configuration: configuration), parallel: parallel)
        }

        /// The seeds of the submits this server received, in order.
        var seedsReceived: [Int] {
            server.service.receivedSubmissions.compactMap { submission in
                guard case let .int(seed)? = (try? JSONParser.parse(submission.body))?["seed"] else { return nil }
                return seed
            }
        }

        /// The most tasks it had running when a submit came.
        var mostAtOnce: Int { (server.service.receivedSubmissions.map(\.unfinishedTasks).max() ?? -1) + 1 }
    }

    static func runner(_ servers: [SweepServer], home: String, store: HistoryStore) -> SweepRunner {
        let first = servers[0]
        var runner = SweepRunner(api: first.api, configuration: first.configuration, store: store,
                                 printer: LinePrinter(prefix: "", toStandardError: true), parallel: 16, json: true)
        runner.servers = servers
        runner.pollPolicy = fastPolling
        runner.home = home
        return runner
    }

    static func freshHome(in scratch: Scratch) throws -> String {
        let home = scratch.path("zqt-sweep-servers")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        return home
    }

    /// The rows of the one batch the history holds.
    static func batchRows(_ store: HistoryStore) throws -> [HistoryRecord] {
        let rows = try store.list(limit: 100)
        let batches = Set(rows.compactMap(\.batchID))
        #expect(batches.count == 1, "one sweep, one batch: \(batches)")
        return try rows.compactMap { try store.record(id: $0.id) }
    }

    static func seed(_ record: HistoryRecord) -> Int? {
        if case let .int(seed)? = record.request["seed"] { return seed }
        return nil
    }

    @Test func twoServersShareTheSweepEachAtMostItsParallelAndEachRowSaysWhichMadeIt() async throws {
        let scratch = Scratch()
        let home = try Self.freshHome(in: scratch)
        let a = try Box("a", taskSeconds: 0.4), b = try Box("b", taskSeconds: 0.4)
        let store = try HistoryStore.open(inFolder: home)
        let runner = Self.runner([a.sweepServer(parallel: 1), b.sweepServer(parallel: 2)], home: home, store: store)
        let exit = await runner.run(requestText: BundledExamples.controlNetJSON, endpoint: .controlNet, specs: ["seed=1,2,3,4,5,6"])
        #expect(exit == 0)

        // Every combination sent once, by one server or the other; each server within its own parallel.
        #expect((a.seedsReceived + b.seedsReceived).sorted() == [1, 2, 3, 4, 5, 6], "a: \(a.seedsReceived), b: \(b.seedsReceived)")
        #expect(!a.seedsReceived.isEmpty && !b.seedsReceived.isEmpty, "both servers took a share")
        #expect(a.mostAtOnce == 1 && b.mostAtOnce <= 2, "a: \(a.mostAtOnce) at once, b: \(b.mostAtOnce)")

        // One row per combination, in one batch, each naming the server that made it.
        let rows = try Self.batchRows(store)
        #expect(rows.count == 6 && rows.allSatisfy { $0.state == .succeeded })
        for row in rows {
            let seed = try #require(Self.seed(row))
            let maker = a.seedsReceived.contains(seed) ? a : b
            #expect(row.profile == maker.configuration.profile && row.baseURL == maker.url, "seed \(seed): \(row.profile) \(row.baseURL)")
        }
        // The history's list says the profile too (the screen's batch group and `zqt history list` show it).
        #expect(Set(try store.list(limit: 100).map(\.profile)) == ["a", "b"])
    }

    @Test func aServerThatRefusesLeavesTheSweepAndItsCombinationGoesToTheOther() async throws {
        let scratch = Scratch()
        let home = try Self.freshHome(in: scratch)
        let a = try Box("a", taskSeconds: 0.3)
        // A server gone before the sweep starts: every connection refused.
        let gone = try Box("gone", taskSeconds: 0.3)
        gone.server.stop()
        let store = try HistoryStore.open(inFolder: home)
        let runner = Self.runner([gone.sweepServer(parallel: 2), a.sweepServer(parallel: 1)], home: home, store: store)
        let exit = await runner.run(requestText: BundledExamples.controlNetJSON, endpoint: .controlNet, specs: ["seed=1,2,3,4"])
        #expect(exit == 0, "every combination made by the server that answers")

        #expect(a.seedsReceived.sorted() == [1, 2, 3, 4], "each sent to a exactly once: \(a.seedsReceived)")
        // The refused sends left no rows: the batch holds a row per combination, all a's.
        let rows = try Self.batchRows(store)
        #expect(rows.count == 4, "\(rows.map { "\($0.profile) \($0.state)" })")
        #expect(rows.allSatisfy { $0.profile == "a" && $0.baseURL == a.url && $0.state == .succeeded })
    }

    @Test func aServerStoppedMidSweepKeepsItsAcceptedTaskAndTheRestGoesToTheOther() async throws {
        let scratch = Scratch()
        let home = try Self.freshHome(in: scratch)
        let a = try Box("a", taskSeconds: 0.3)
        // b's tasks are long: the one it accepts is still running when b goes.
        let b = try Box("b", taskSeconds: 30)
        let store = try HistoryStore.open(inFolder: home)
        let runner = Self.runner([a.sweepServer(parallel: 1), b.sweepServer(parallel: 1)], home: home, store: store)
        let sweep = Task { await runner.run(requestText: BundledExamples.controlNetJSON, endpoint: .controlNet, specs: ["seed=1,2,3,4,5,6"]) }
        try await eventually("b to accept a task") { !b.seedsReceived.isEmpty }
        b.server.stop()
        let exit = await sweep.value
        #expect(exit == 3, "b's task could not be followed to its end: the network's exit, its row open")

        let onB = b.seedsReceived
        #expect(onB.count == 1, "b took one task, then left the sweep: \(onB)")
        // The accepted task is never sent again: a made every other combination, once each.
        #expect(a.seedsReceived.sorted() == [1, 2, 3, 4, 5, 6].filter { !onB.contains($0) }, "a: \(a.seedsReceived), b: \(onB)")
        let rows = try Self.batchRows(store)
        #expect(rows.count == 6)
        let bRows = rows.filter { $0.profile == "b" }
        #expect(bRows.count == 1 && bRows.allSatisfy { $0.baseURL == b.url && $0.state.isUnfinished && Self.seed($0) == onB.first },
                "b's row stays open, to be followed on b: \(bRows.map(\.state))")
        #expect(rows.filter { $0.profile == "a" }.allSatisfy { $0.state == .succeeded && $0.baseURL == a.url })
    }

    // MARK: The command line

    /// A config file with a profile for each server.
    static func config(in scratch: Scratch, _ boxes: [(name: String, url: String, parallel: Int)]) throws -> String {
        let text = boxes.map { box in
            "[profiles.\(box.name)]\nbase_url = \"\(box.url)\"\naccess_key_id = \"k\"\naccess_key_secret = \"s\"\nparallel = \(box.parallel)\n"
        }.joined(separator: "\n")
        return try scratch.configFolder("zqt-sweep-config", text, mode: 0o600)
    }

    @Test func theCommandSpreadsASweepOverTheProfilesNamedAndTheTableAndHistorySayWhichMadeEachRow() async throws {
        let scratch = Scratch()
        let a = try Box("a", taskSeconds: 0.3), b = try Box("b", taskSeconds: 0.3)
        let (aURL, bURL) = (a.url, b.url)
        let home = try Self.freshHome(in: scratch)
        let configHome = try Self.config(in: scratch, [("a", aURL, 1), ("b", bURL, 1)])
        defer {
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: configHome)
        }
        let environment = ["ZQT_HOME": home, "XDG_CONFIG_HOME": configHome]
        let example = SweepCommandTests.example
        let result = try await offThePool {
            try ZqtBinary.run(["send", example, "--sweep", "seed=1,2,3,4", "--profile", "a,b"], environment: environment)
        }
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("POST \(aURL)") && $0.contains("profile a, at most 1 at once") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("POST \(bURL)") && $0.contains("profile b, at most 1 at once") }, "\(result.stdout)")
        #expect(lines.contains { $0.contains("at most 2 at once over 2 servers") })
        let heading = try #require(lines.firstIndex { $0.hasPrefix("#  seed  server  state") }, "\(result.stdout)")
        let rows = lines[(heading + 1)...].prefix(4).map { $0.split(separator: " ").map(String.init) }
        #expect(rows.allSatisfy { $0.count > 2 && ["a", "b"].contains($0[2]) && $0[3] == "succeeded" }, "\(rows)")
        let servers = Dictionary(uniqueKeysWithValues: rows.map { (Int($0[1]) ?? 0, $0[2]) })
        #expect(servers.filter { $0.value == "a" }.keys.sorted() == a.seedsReceived.sorted())
        #expect(servers.filter { $0.value == "b" }.keys.sorted() == b.seedsReceived.sorted())

        // `zqt history list` adds the profile when a batch spans several servers; --json always says it.
        let listed = try await offThePool { try ZqtBinary.run(["history", "list"], environment: environment) }
        let profiles = listed.stdout.split(separator: "\n").map { $0.split(separator: "\t").last.map(String.init) ?? "" }
        #expect(profiles.count == 4 && Set(profiles) == ["a", "b"], "\(listed.stdout)")
        let json = try await offThePool { try ZqtBinary.run(["history", "list", "--json"], environment: environment) }
        #expect(json.stdout.split(separator: "\n").allSatisfy { $0.contains("\"profile\":\"a\"") || $0.contains("\"profile\":\"b\"") })
    }

    @Test func aProfileNameTheConfigLacksEndsWithTwoNamingIt() async throws {
        let scratch = Scratch()
        let a = try Box("a", taskSeconds: 0.3)
        let aURL = a.url
        let configHome = try Self.config(in: scratch, [("a", aURL, 1)])
        let example = SweepCommandTests.example
        let result = try await offThePool {
            try ZqtBinary.run(["send", example, "--sweep", "seed=1,2", "--profile", "a,nosuch"], environment: ["XDG_CONFIG_HOME": configHome])
        }
        #expect(result.status == 2)
        #expect(result.stderr.contains("no profile \"nosuch\""), "stderr: \(result.stderr)")
        #expect(a.server.service.receivedSubmissions.isEmpty, "nothing was sent")
        let twice = try await offThePool {
            try ZqtBinary.run(["send", example, "--sweep", "seed=1,2", "--profile", "a,a"], environment: ["XDG_CONFIG_HOME": configHome])
        }
        #expect(twice.status == 2 && twice.stderr.contains("names a twice"), "stderr: \(twice.stderr)")
        let single = try await offThePool {
            try ZqtBinary.run(["send", example, "--profile", "a,a"], environment: ["XDG_CONFIG_HOME": configHome])
        }
        #expect(single.status == 2 && single.stderr.contains("only a sweep (--sweep) is spread over them"), "stderr: \(single.stderr)")
        #expect(a.server.service.receivedSubmissions.isEmpty, "nothing was sent")
    }

    @Test func aProfilesParallelIsReadAndChecked() throws {
        let good = ConfigFile.parse(text: "[profiles.gpu]\nbase_url = \"http://gpu:7860\"\nparallel = 3\n", file: "c.toml")
        guard case let .loaded(config) = good else { Issue.record("\(good)"); return }
        #expect(config.profile(named: "gpu")?.parallel == 3 && config.profile(named: "gpu")?.sweepParallel == 3)
        let unset = ConfigFile.parse(text: "[profiles.svc]\nbase_url = \"https://api.zhiqite.com\"\n", file: "c.toml")
        guard case let .loaded(defaults) = unset else { Issue.record("\(unset)"); return }
        #expect(defaults.profile(named: "svc")?.sweepParallel == 2, "today's default for the service")
        for bad in ["parallel = 0", "parallel = 17", "parallel = \"2\"", "parallel = 1.5"] {
            let loaded = ConfigFile.parse(text: "[profiles.gpu]\n\(bad)\n", file: "c.toml")
            guard case let .failed(problem) = loaded else { Issue.record("\(bad) was taken"); continue }
            #expect(problem.line == 2 && problem.message.contains("parallel must be a whole number from 1 to 16"), "\(problem)")
        }
    }
}

/// The screen's history draws a sweep as one group; when its rows were made
/// by several servers each says which (issue 20), and a one-server batch
/// looks as it always did.
@Suite struct SweepServersScreenTests {
    static func rows(in scratch: Scratch, profiles: [String]) throws -> [HistorySummary] {
        let folder = scratch.path("zqt-batch-servers")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try HistoryStore.open(inFolder: folder, catalog: .shipped)
        for (index, profile) in profiles.enumerated() {
            var request = Request.new(for: .controlNet, taskID: "zqt-row-\(index)")
            request["prompt"] = .string("a lighthouse \(index)")
            _ = try store.recordSending(request, baseURL: "http://127.0.0.1:\(9000 + index)", profile: profile, batchID: "batch-x")
        }
        return try store.list()
    }

    @Test func aBatchOfSeveralServersSaysWhichMadeEachRow() throws {
        let scratch = Scratch()
        let screen = Screen.render(historyState(try Self.rows(in: scratch, profiles: ["a", "b", "a"]), width: 120, height: 24)).text
        let listed = screen.split(separator: "\n").filter { $0.contains("zqt-row-") }
        #expect(listed.count == 3, "\(screen)")
        #expect(listed.first?.contains("┌ batch of 3: [a] a lighthouse 2") == true, "\(screen)")
        #expect(listed.dropFirst().first?.contains("│ [b] a lighthouse 1") == true, "\(screen)")
        #expect(listed.last?.contains("└ [a] a lighthouse 0") == true, "\(screen)")

        let one = Screen.render(historyState(try Self.rows(in: scratch, profiles: ["a", "a"]), width: 120, height: 24)).text
        #expect(one.contains("┌ batch of 2: a lighthouse 1") && !one.contains("[a]"), "\(one)")
    }
}

/// The contact sheet (`O`) of a sweep spread over two servers: laid out by
/// the parameters swept, each cell the picture of the row that made it,
/// whichever server that was (issue 20).
@Suite struct SweepServersContactSheetTests {
    @Test(.needsChafa) func aBatchOfTwoServersIsOneSheet() async throws {
        let fixture = try TrackingFixture()
        let batch = "batch-20261206-150000-000-two"
        let pictureFile = fixture.folder + "/known.png"
        try Data(PictureTests.knownPNG()).write(to: URL(fileURLWithPath: pictureFile))
        for (index, seed) in [1, 2, 3, 4].enumerated() {
            var request = try TrackingFixture.request("a cat")
            request["seed"] = .int(seed)
            let (profile, port) = index % 2 == 0 ? ("a", 9001) : ("b", 9002)
            let id = try fixture.store.recordSending(request, baseURL: "http://127.0.0.1:\(port)", profile: profile, batchID: batch)
            let answer = #"{"id_task":"\#(request.taskID)","status":2,"desc":"Success","differentialImageRspList":[{"image_url":"http://127.0.0.1:\#(port)/gone.png","seed":\#(seed),"image_status":1}]}"#
            try fixture.store.recordTaskInfo(id: id, info: TaskInfo(data: try JSONParser.parse(answer)))
            try fixture.store.recordLocalCopy(id: id, position: 0, path: pictureFile)
        }
        fixture.runner.perform(.loadContactSheet(batchID: batch))
        var sheet: ContactSheet?
        try await eventually("the contact sheet", timeout: 30) {
            for case let .contactSheetLoaded(loaded) in fixture.inbox.drain() { sheet = loaded }
            return sheet != nil
        }
        let loaded = try #require(sheet)
        #expect(loaded.rowLabel == "seed" && loaded.columnLabel == nil, "the server is no axis: \(String(describing: loaded.rowLabel))")
        #expect(loaded.rowValues == ["1", "2", "3", "4"])
        #expect(loaded.cells.flatMap { $0 }.allSatisfy { $0?.image != nil }, "every cell has its picture, from either server")
    }
}
