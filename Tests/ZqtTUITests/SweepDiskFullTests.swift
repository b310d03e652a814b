import Foundation
import Model
import Sandbox
import Testing

/// Issue 21 as a newcomer met it: a sweep whose disk fills while its tasks
/// run (a real tmpfs, filled to its last byte between the tasks' submits and
/// their ends). What the sweep says (its table, its stderr, its exit code),
/// what the history holds, and how each row and picture is brought back
/// once there is room: nothing the service accepted is lost.
@Suite(.serialized) struct SweepDiskFullTests {
    /// A sweep run through the shell with its output going to files outside
    /// the small disk, so the test can watch its lines as they come.
    final class RunningSweep: @unchecked Sendable {
        let out: String, err: String
        private let finished = DispatchSemaphore(value: 0)
        private var status: Int32 = -1

        init(_ arguments: [String], environment: [String: String], outputBeside disk: SmallDisk) {
            out = disk.path + "-sweep.out"
            err = disk.path + "-sweep.err"
            let quoted = ([ZqtBinary.url.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            let command = "exec " + quoted.joined(separator: " ") + " >'\(out)' 2>'\(err)'"
            let environment = ZqtBinary.environment(environment)
            DispatchQueue.global().async { [self] in
                status = (try? ChildProcess.run("/bin/sh", ["-c", command], environment: environment, timeout: 240))?.status ?? -1
                finished.signal()
            }
        }

        var stdout: String { (try? String(contentsOfFile: out, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOfFile: err, encoding: .utf8)) ?? "" }

        /// Its exit status, once it has ended.
        func wait() throws -> Int32 {
            guard finished.wait(timeout: .now() + 240) == .success else { throw SmallDisk.Failure("the sweep did not end in 240 s") }
            return status
        }

        func removeFiles() {
            unlink(out)
            unlink(err)
        }
    }

    /// A small disk, a sandbox whose time moves when the test says, a request file and zqt's environment.
    final class Setting {
        let disk: SmallDisk
        let clock = SteppedClock()
        let server: SandboxServer
        let url: String
        let example: String
        let home: String
        let environment: [String: String]

        init() throws {
            disk = try SmallDisk(kilobytes: 4096)
            server = SandboxServer(options: SandboxOptions(taskSeconds: 10), now: clock.now)
            url = try server.start()
            example = disk.path + "-example.json"
            try BundledExamples.controlNetJSON.write(toFile: example, atomically: true, encoding: .utf8)
            home = disk.path + "/home"
            environment = ["ZQT_HOME": home, "ZQT_BASE_URL": url, "ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s",
                           "XDG_CONFIG_HOME": disk.path + "-config"]
        }

        deinit {
            server.stop()
            disk.unmount()
            unlink(example)
        }

        /// Each row's id_task and state, read without writing.
        func rows() throws -> [String: String] {
            let db = try SQLiteConnection(path: home + "/" + HistoryStore.fileName, create: false, readOnly: true)
            var states: [String: String] = [:]
            for row in try db.run("SELECT id_task, state FROM submission") { states[row.text(0) ?? ""] = row.text(1) ?? "" }
            return states
        }

        /// The task ids of the lines that say `what` ("accepted", "succeeded").
        static func tasks(_ text: String, saying what: String) -> [String] {
            text.split(separator: "\n").compactMap { line -> String? in
                guard line.hasSuffix(": \(what)"), let id = line.split(separator: " ").first(where: { $0.hasPrefix("zqt-") }) else { return nil }
                return String(id)
            }
        }

        /// Folders under images/ with nothing in them.
        func emptyImageFolders() -> [String] {
            let root = home + "/images"
            return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter {
                ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + $0)) ?? ["?"]).isEmpty
            }
        }
    }

    @Test(.needsMount)
    func aSweepThatFillsTheDiskLosesNoAcceptedTaskSaysWhatIsBehindAndQueryBringsItBack() async throws {
        try await offThePool { try Self.behindAtTheEndSteps() }
    }

    static func behindAtTheEndSteps() throws {
        let setting = try Setting()
        let sweep = RunningSweep(["send", setting.example, "--endpoint", "controlnet", "--sweep", "seed=1,2,3,4", "--parallel", "2"],
                                 environment: setting.environment, outputBeside: setting.disk)
        defer { sweep.removeFiles() }
        try waitUntil("the first two tasks accepted", timeout: 60, detail: { sweep.stdout + sweep.stderr }) {
            Setting.tasks(sweep.stdout, saying: "accepted").count == 2
        }
        let accepted = Setting.tasks(sweep.stdout, saying: "accepted")
        // The disk fills while they run; then they end at the sandbox.
        try setting.disk.fill()
        setting.clock.advance(11)
        let status = try sweep.wait()
        let (out, err) = (sweep.stdout, sweep.stderr)

        // Two combinations could not have their rows: not sent, and not called invalid; exit 4, not 2.
        #expect(status == 4, "\(out)\n\(err)")
        #expect(setting.server.service.receivedSubmissions.count == 2, "what was not sent never left")
        let table = out.split(separator: "\n").map(String.init)
        let notSent = table.filter { $0.contains(" not sent ") && $0.contains("the history could not be written (the disk is full)") }
        #expect(notSent.count == 2, "\(out)")
        #expect(!out.contains("invalid") && !err.contains("invalid"), "\(out)\n\(err)")
        #expect(err.contains("2 combinations not sent: the history could not be written (the disk is full)"), "\(err)")

        // The two that ran succeeded, and the table says their rows are behind, not that they were not kept.
        for id in accepted {
            let row = try #require(table.first { $0.contains(id) && $0.contains(" succeeded ") }, "\(out)")
            #expect(row.contains("its history row is behind"), "\(row)")
        }
        #expect(err.contains("its row in the history is behind") && err.contains("the disk is full"), "\(err)")
        #expect(!err.contains("not kept in history"), "the rows exist: \(err)")
        #expect(err.contains("the history is behind for 2 tasks (the disk is full)") && err.contains("zqt query ID"), "\(err)")
        // Each picture not kept is said on its line, with how to fetch it later; no empty folder is left for it.
        #expect(table.filter { $0.contains(" → not kept: cannot write ") && $0.contains("the disk is full") }.count == 2, "\(out)")
        for id in accepted { #expect(err.contains("\(id): pictures not kept are fetched once there is room: zqt query \(id)"), "\(err)") }
        #expect(setting.emptyImageFolders().isEmpty, "\(setting.emptyImageFolders())")

        // The history: both rows there, not yet saying how their tasks ended.
        let before = try setting.rows()
        #expect(Set(before.keys) == Set(accepted), "every accepted task has its row, and only those: \(before)")
        #expect(before.values.allSatisfy { $0 != "succeeded" && $0 != "failed" }, "\(before)")

        // With room again, zqt query brings a row up to date and keeps its picture; zqt results then saves it.
        setting.disk.free()
        let folder = setting.disk.path + "-download"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Asked without keys (a newcomer's first try): refused here, and the row stays open: the service said nothing of it.
        var withoutKeys = setting.environment
        withoutKeys["ZQT_ACCESS_KEY_ID"] = nil
        withoutKeys["ZQT_ACCESS_KEY_SECRET"] = nil
        let keyless = try ZqtBinary.run(["query", accepted[0]], environment: withoutKeys)
        #expect(keyless.status == 2 && keyless.stderr.contains("No access keys"), "\(keyless.stderr)")
        let open = try setting.rows()[accepted[0]]
        #expect(open != "failed", "a query never made cannot close the row: \(open ?? "none")")
        for id in accepted {
            let query = try ZqtBinary.run(["query", id], environment: setting.environment)
            #expect(query.status == 0, "\(query.stdout)\n\(query.stderr)")
            let results = try ZqtBinary.run(["results", id, "--download", folder], environment: setting.environment)
            #expect(results.status == 0, "\(results.stdout)\n\(results.stderr)")
        }
        let after = try setting.rows()
        #expect(after.values.allSatisfy { $0 == "succeeded" }, "\(after)")
        let saved = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        #expect(accepted.allSatisfy { id in saved.contains { $0.hasPrefix(id) && $0.hasSuffix(".png") } }, "\(saved)")
        #expect(accepted.allSatisfy { id in FileManager.default.fileExists(atPath: setting.home + "/images/\(id)/1.png") })
    }

    @Test(.needsMount)
    func aSweepWhoseDiskHasRoomAgainBeforeItEndsBringsItsRowsUpToDateItself() async throws {
        try await offThePool { try Self.caughtUpSteps() }
    }

    static func caughtUpSteps() throws {
        let setting = try Setting()
        // The second task is four times as long: the disk has room again before it ends.
        let sweep = RunningSweep(["send", setting.example, "--endpoint", "controlnet", "--sweep", "prompt=quick,slow \(SandboxOptions.PromptMarker.slow)",
                                  "--parallel", "2"],
                                 environment: setting.environment, outputBeside: setting.disk)
        defer { sweep.removeFiles() }
        try waitUntil("both tasks accepted", timeout: 60, detail: { sweep.stdout + sweep.stderr }) {
            Setting.tasks(sweep.stdout, saying: "accepted").count == 2
        }
        try setting.disk.fill()
        setting.clock.advance(11)
        try waitUntil("the quick task's end", timeout: 60, detail: { sweep.stdout + sweep.stderr }) {
            Setting.tasks(sweep.stdout, saying: "succeeded").count == 1
        }
        let quick = try #require(Setting.tasks(sweep.stdout, saying: "succeeded").first)
        #expect(sweep.stderr.contains("its row in the history is behind"), "\(sweep.stderr)")
        setting.disk.free()
        setting.clock.advance(40)
        let status = try sweep.wait()
        let (out, err) = (sweep.stdout, sweep.stderr)

        #expect(status == 0, "\(out)\n\(err)")
        #expect(!out.contains("its history row is behind"), "\(out)")
        #expect(err.contains("the history has caught up"), "\(err)")
        let rows = try setting.rows()
        #expect(rows.values.sorted() == ["succeeded", "succeeded"], "\(rows)")
        // The quick task's picture met the full disk: said, and fetched with zqt results now that there is room.
        #expect(out.contains(" → not kept: cannot write "), "\(out)")
        #expect(err.contains("\(quick): pictures not kept are fetched once there is room: zqt results \(quick)"), "\(err)")
        let folder = setting.disk.path + "-download"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let results = try ZqtBinary.run(["results", quick, "--download", folder], environment: setting.environment)
        #expect(results.status == 0, "\(results.stdout)\n\(results.stderr)")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains { $0.hasPrefix(quick) }, "\(results.stdout)")
    }
}
