import Foundation
import TestScratch
@testable import Model
import Testing

/// Issue 21, a newcomer's re-check: a task's state write met a damaged file
/// (`zqt send` said succeeded, its row said `running` for good, and a
/// sandbox's stop then marked it failed). The write now waits in the
/// backlog as a full disk's does, and the row is never closed for want of it.
@Suite struct HistoryBacklogDamageTests {
    /// SQLITE_CORRUPT, SQLite's code for a damaged file.
    static let corrupt: Int32 = 11

    @Test func aStateWriteTheDamageRefusedWaitsAndItsRowIsNotClosedAsFailed() throws {
        let scratch = Scratch()
        let home = scratch.path("zqt-backlogdamage")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let store = try HistoryStore.open(inFolder: home)
        let base = "http://127.0.0.1:9"
        let behind = try store.recordSending(Request.new(for: .controlNet, taskID: "zqt-behind"), baseURL: base, profile: "sandbox")
        let other = try store.recordSending(Request.new(for: .controlNet, taskID: "zqt-other"), baseURL: base, profile: "sandbox")
        let damage = HistoryError.write(path: home, SQLiteError(code: Self.corrupt, message: "database disk image is malformed"))

        let backlog = HistoryBacklog()
        #expect(throws: HistoryError.self) {
            try backlog.write(row: behind, isState: true, to: store) { _ throws(HistoryError) in throw damage }
        }
        #expect(backlog.isBehindOnItsState(behind), "the state the damage refused waits for its row")
        #expect(backlog.catchUp(store)?.isDamage == true, "still held back at the end, by the damage")

        try store.closeUnfinished(baseURL: base, error: "The sandbox that ran this task has stopped")
        #expect(try store.record(id: behind)?.state != .failed, "not marked failed for want of the state it could not take")
        #expect(try store.record(id: other)?.state == .failed, "a row that is not behind is closed as before")
    }

    @Test func theWordsOfARowBehindForDamageSayRecoverThenQuery() {
        let damage = HistoryError.write(path: "/h", SQLiteError(code: Self.corrupt, message: "database disk image is malformed"))
        let words = SendWording.historyFault(damage, waits: true)
        #expect(words.contains("its row in the history is behind: the history file is damaged (database disk image is malformed)"), "\(words)")
        #expect(words.contains("zqt history recover") && words.contains("zqt query ID"), "\(words)")
    }
}
