// leftovers20: a screen's start waiting on another zqt holding the history
// showed nothing for up to a minute; it says so on stderr after a second.

import Foundation
import Synchronization
import TestScratch
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct HistoryHeldAtStartTests {
    /// Another zqt holding the history: the screen's start waited up to a minute before its first
    /// frame with nothing shown. After a second it says so on stderr, once, and opens when let go.
    @Test func aStartWaitingOnAHeldHistorySaysSo() async throws {
        let scratch = Scratch()
        let home = scratch.path("zqt-held")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let path = home + "/" + HistoryStore.fileName
        try HistoryStore.open(inFolder: home).closeAtEnd()
        // An exclusive locking mode keeps every other connection out until this one closes.
        nonisolated(unsafe) let holder = try SQLiteConnection(path: path)  // closed by its own thread alone
        try holder.execute("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; CREATE TABLE held (x); COMMIT")
        let said = Said()
        let released = DispatchSemaphore(value: 0)
        let start = Date()
        Thread.detachNewThread {
            // Held until the wait is said (or 30 s, so a failure ends).
            while said.lines.withLock({ $0.isEmpty }) && Date().timeIntervalSince(start) < 30 { usleep(20_000) }
            holder.close()
            released.signal()
        }
        try await offThePool {
            let store = try ComposeSession.openHistorySayingWaits(home: home, catalog: .shipped) { line in
                said.lines.withLock { $0.append(line) }
            }
            #expect(store.readOnly == nil)
            #expect(try store.list().isEmpty)
            store.closeAtEnd()
        }
        released.wait()
        #expect(said.lines.withLock { $0 } == ["zqt: another zqt holds the history (\(path)); waiting for it to let go, up to a minute…\n"])
        // Said while the file was held: the holder lets go only once it is (or after 30 s, when nothing
        // was said, and the open then succeeds silently: the line above fails). No clock is asserted: a
        // loaded machine (the whole suite beside a build) took 25 s from start to here.
        // Not held: nothing is said.
        let quiet = Said()
        try ComposeSession.openHistorySayingWaits(home: home, catalog: .shipped) { line in quiet.lines.withLock { $0.append(line) } }
            .closeAtEnd()
        #expect(quiet.lines.withLock { $0 }.isEmpty)
    }

    /// What was said, from any thread.
    final class Said: Sendable {
        let lines = Mutex<[String]>([])
    }
}
