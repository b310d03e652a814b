import Foundation
import Model
import Sandbox
import Testing

/// Two zqt processes writing one history at once (issue 4): no row lost,
/// nothing corrupt.
@Suite struct HistorySharedByTwoProcessesTests {
    @Test func twoZqtProcessesSendingAtOnceKeepEveryRow() async throws {
        try await offThePool { try Self.twoZqtProcessesSendingAtOnceKeepEveryRowSteps() }
    }

    static func twoZqtProcessesSendingAtOnceKeepEveryRowSteps() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("zqt-two-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let server = SandboxServer(options: SandboxOptions(taskSeconds: 0.3))
        let url = try server.start()
        defer { server.stop() }
        let example = home + "-example.json"
        try BundledExamples.controlNetJSON.write(toFile: example, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: example) }

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
        let result = try ChildProcess.run("/bin/sh", ["-c", script], environment: ZqtBinary.environment([
            "ZQT_HOME": home, "ZQT_BASE_URL": url, "ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s",
        ]), timeout: 120)
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
}
