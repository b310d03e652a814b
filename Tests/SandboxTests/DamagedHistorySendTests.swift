import Foundation
import TestScratch
import Model
import Sandbox
import Testing

/// A history damaged while it still opens (issue 21; a newcomer's `dd` over
/// one page): a row that cannot be written into it stops the send, as a full
/// disk does (DiskFaultTests), since an accepted task must always have its
/// row; the failure names the damage and the commands that deal with it.
/// (A history that cannot be opened at all is none: the send goes, unkept.)
@Suite struct DamagedHistorySendTests {
    final class Said: @unchecked Sendable {
        private let lock = NSLock()
        private var errors: [HistoryError] = []
        func add(_ error: HistoryError) { lock.lock(); errors.append(error); lock.unlock() }
        var all: [HistoryError] { lock.lock(); defer { lock.unlock() }; return errors }
    }

    @Test func aDamagedHistoryThatCannotTakeTheRowStopsTheSend() async throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-damaged")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
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
        guard case let .failure(error) = sent.outcome.result, case let .notRecorded(history) = error else {
            Issue.record("a send whose row cannot be written must not go: \(sent.outcome.result)")
            return
        }
        #expect(history.isDamage)
        #expect(error.message.hasPrefix("nothing was sent: the history cannot keep its row (History "), "\(error.message)")
        #expect(error.message.contains("zqt history check") && error.message.contains("zqt history recover"), "\(error.message)")
        #expect(sent.recordID == nil)
        #expect(fixture.service.receivedSubmissions.isEmpty, "nothing left without its row")
        #expect(said.all.isEmpty, "said once, as the send's failure: \(said.all.map(\.message))")
    }
}
