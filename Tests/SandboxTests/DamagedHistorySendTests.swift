import Foundation
import Model
import Sandbox
import Testing

/// A history damaged while it still opens (issue 21; a newcomer's `dd` over
/// one page): the send goes, unkept, and the damage is said, as docs/history.md
/// promises for a damaged history; a full disk still stops it (DiskFaultTests).
@Suite struct DamagedHistorySendTests {
    final class Said: @unchecked Sendable {
        private let lock = NSLock()
        private var errors: [HistoryError] = []
        func add(_ error: HistoryError) { lock.lock(); errors.append(error); lock.unlock() }
        var all: [HistoryError] { lock.lock(); defer { lock.unlock() }; return errors }
    }

    @Test func aDamagedHistoryStillSendsAndSaysItKeepsNothing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zqt-damaged-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let store = try HistoryStore.open(inFolder: folder)
            for index in 0..<3 {
                let request = try SandboxFixture.exampleRequest { $0["prompt"] = .string("harbour \(index)") }
                _ = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "p")
            }
        }
        // The fourth page overwritten, as `dd … bs=4096 seek=3 count=1` does: the file opens, a new row meets the damage.
        let path = folder + "/" + HistoryStore.fileName
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: 3 * 4096)
        handle.write(Data(repeating: 0x5A, count: 4096))
        try handle.close()

        let store = try HistoryStore.open(inFolder: folder)
        let fixture = try SandboxFixture()
        let said = Said()
        let pipeline = SendPipeline(api: fixture.api, store: store, baseURL: fixture.configuration.baseURL, profile: "sandbox") { said.add($0) }
        let request = try SandboxFixture.exampleRequest()
        let sent = await pipeline.send(request)
        guard case .success = sent.outcome.result else {
            Issue.record("the send must go: \(sent.outcome.result)")
            return
        }
        #expect(sent.recordID == nil, "nothing kept")
        #expect(fixture.service.receivedSubmissions.count == 1, "the service received it")
        #expect(said.all.contains { $0.isDamage }, "the damage is said: \(said.all.map(\.message))")
    }
}
