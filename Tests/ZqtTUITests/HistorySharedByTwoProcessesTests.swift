import Foundation
import TestScratch
import Model
import Sandbox
import Synchronization
import Testing

/// Two zqt processes writing one history at once (issue 4): no row lost,
/// nothing corrupt.
@Suite struct HistorySharedByTwoProcessesTests {
    /// What the processes of a test share: a history folder, a sandbox on
    /// loopback, and the ControlNet example as a file to send.
    struct Setting {
        let home: String
        let server: SandboxServer
        let url: String
        let example: String

        init(_ name: String) throws {
            home = FileManager.default.temporaryDirectory.appendingPathComponent("zqt-\(name)-\(UUID().uuidString)").path
            server = SandboxServer(options: SandboxOptions(taskSeconds: 0.3))
            url = try server.start()
            example = home + "-example.json"
            do {
                try BundledExamples.controlNetJSON.write(toFile: example, atomically: true, encoding: .utf8)
            } catch {
                server.stop()
                throw error
            }
        }

        var environment: [String: String] {
            ZqtBinary.environment(["ZQT_HOME": home, "ZQT_BASE_URL": url, "ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"])
        }

        func remove() {
            server.stop()
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: example)
        }
    }

    @Test func twoZqtProcessesSendingAtOnceKeepEveryRow() async throws {
        try await offThePool { try Self.twoZqtProcessesSendingAtOnceKeepEveryRowSteps() }
    }

    static func twoZqtProcessesSendingAtOnceKeepEveryRowSteps() throws {
        let setting = try Setting("two")
        defer { setting.remove() }
        let (home, server, example) = (setting.home, setting.server, setting.example)

        // Each process sends 8 requests; every other one is followed to its
        // result, so task updates are written while the other process inserts.
        let zqt = ZqtBinary.url.path
        let script = """
        send() { for i in 1 2 3 4 5 6 7 8; do
            if [ $((i % 2)) = 0 ]; then wait_flag=""; else wait_flag="--no-wait"; fi
            "\(zqt)" send "\(example)" --endpoint controlnet $wait_flag >/dev/null 2>>"\(home)-errors-$1" || echo "send $1.$i failed" >>"\(home)-errors-$1"
        done; }
        send a & send b & wait
        cat "\(home)-errors-a" "\(home)-errors-b" 2>/dev/null; rm -f "\(home)-errors-a" "\(home)-errors-b"
        """
        let result = try ChildProcess.run("/bin/sh", ["-c", script], environment: setting.environment, timeout: 120)
        #expect(result.stdout.isEmpty, "every send succeeded and was kept: \(result.stdout)")

        let store = try HistoryStore.open(inFolder: home)
        let rows = try store.list()
        #expect(rows.count == 16)
        #expect(Set(rows.map(\.idTask)).count == 16)
        #expect(rows.filter { $0.state == .succeeded }.count == 8, "the followed ones reached success")
        #expect(rows.filter { $0.state == .submitted }.count == 8)
        #expect(server.service.receivedSubmissions.count == 16)
        let db = try SQLiteConnection(path: home + "/" + HistoryStore.fileName)
        #expect(try db.run("PRAGMA integrity_check").first?.text(0) == "ok")
        try db.execute("INSERT INTO submission_search(submission_search) VALUES ('integrity-check')")
    }

    /// Issue 21: a sweep and two single senders on one history at once: every
    /// write lands (every submission the sandbox took has its row), none waits
    /// forever (each ends well within the time allowed), nothing is corrupt.
    @Test func aSweepAndTwoSendersAtOnceKeepEveryRow() async throws {
        try await offThePool { try Self.aSweepAndTwoSendersAtOnceKeepEveryRowSteps() }
    }

    static func aSweepAndTwoSendersAtOnceKeepEveryRowSteps() throws {
        let setting = try Setting("three")
        defer { setting.remove() }
        let (home, server, example) = (setting.home, setting.server, setting.example)

        let zqt = ZqtBinary.url.path
        let script = """
        send() { for i in 1 2 3 4 5 6; do
            "\(zqt)" send "\(example)" --endpoint controlnet --no-wait >/dev/null 2>>"\(home)-errors-$1" || echo "send $1.$i failed" >>"\(home)-errors-$1"
        done; }
        sweep() { "\(zqt)" send "\(example)" --endpoint controlnet --sweep cfg_scale=4,5,6,7,8,9,10,11 --parallel 4 >/dev/null 2>>"\(home)-errors-s" || echo "the sweep failed" >>"\(home)-errors-s"; }
        send a & send b & sweep & wait
        cat "\(home)-errors-a" "\(home)-errors-b" "\(home)-errors-s" 2>/dev/null; rm -f "\(home)-errors-a" "\(home)-errors-b" "\(home)-errors-s"
        """
        let started = Date()
        let result = try ChildProcess.run("/bin/sh", ["-c", script], environment: setting.environment, timeout: 180)
        #expect(result.stdout.isEmpty, "every send and the sweep succeeded and were kept: \(result.stdout)")
        #expect(Date().timeIntervalSince(started) < 170, "none waited forever")

        let store = try HistoryStore.open(inFolder: home)
        let rows = try store.list()
        #expect(rows.count == 20, "6 + 6 sends and a sweep of 8")
        let received = Set(server.service.receivedSubmissions.compactMap { submission in
            (try? JSONParser.parse(submission.body))?["alwayson_scripts"]?["id_task"]?.stringValue
        })
        #expect(received.count == 20)
        #expect(received.isSubset(of: Set(rows.map(\.idTask))), "every task the sandbox took has its row")
        #expect(rows.filter { $0.batchID != nil }.count == 8, "the sweep's rows are one batch")
        let db = try SQLiteConnection(path: home + "/" + HistoryStore.fileName)
        #expect(try db.run("PRAGMA integrity_check").first?.text(0) == "ok")
    }

    /// Issue 21: drafts written by two screens' writers (each its own
    /// connection, as two processes have) while a third connection writes
    /// rows: every write lands, none fails for the lock, and each sees the
    /// others' rows at its next read.
    @Test func draftsOfTwoScreensAndRowsOfASweepAllLand() async throws {
        try await offThePool { try Self.draftsOfTwoScreensAndRowsOfASweepAllLandSteps() }
    }

    static func draftsOfTwoScreensAndRowsOfASweepAllLandSteps() throws {
        let scratch = Scratch()
        let home = scratch.path("zqt-drafts")
        let screens = try (0..<2).map { _ in try HistoryStore.open(inFolder: home) }
        let sweep = try HistoryStore.open(inFolder: home)
        let failures = Mutex<[String]>([])
        let request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        DispatchQueue.concurrentPerform(iterations: 3) { writer in
            for round in 0..<40 {
                do throws(HistoryError) {
                    if writer < 2 {
                        var draft = request
                        draft["prompt"] = .string("screen \(writer) round \(round)")
                        try screens[writer].saveDraft(ComposeDraft(endpoint: .controlNet, requestJSON: draft.wireJSON, fieldDrafts: [:]),
                                                      slot: "screen-\(writer)")
                    } else {
                        var row = request
                        row.taskID = TaskIDGenerator.shared.next()
                        _ = try sweep.recordSending(row, baseURL: "http://sandbox", profile: "t", batchID: "b")
                    }
                } catch {
                    failures.withLock { $0.append(error.message) }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        for (writer, screen) in screens.enumerated() {
            #expect(try screen.count() == 40, "screen \(writer) sees the sweep's rows at its next read")
            #expect(try screen.loadDraft(slot: "screen-\(writer)")?.requestJSON.contains("screen \(writer) round 39") == true)
            #expect(try screen.loadDraft(slot: "screen-\(1 - writer)")?.requestJSON.contains("screen \(1 - writer) round 39") == true,
                    "each sees the other's last draft")
        }
    }
}
