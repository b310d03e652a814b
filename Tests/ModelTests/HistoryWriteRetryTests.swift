import Testing
@testable import Model

/// A history write meeting another zqt's lock, then a full disk, then the lock
/// again (leftovers21): its busy retries are bounded across the passes, not per pass.
@Suite struct HistoryWriteRetryTests {
    static let busy = SQLiteError(code: 5, message: "database is locked")  // SQLITE_BUSY
    static let full = SQLiteError(code: 13, message: "database or disk is full")  // SQLITE_FULL

    @Test func busyRetriesAreBoundedAcrossTheCheckpointsSecondPass() {
        var tries = 0
        var retries: [Int] = []
        var checkpoints = 0
        do {
            // Busy for five tries (five retries), then the disk is full; after the checkpoint, busy for good.
            _ = try HistoryStore.writingThroughBusyAndFull(
                isFull: { $0.diskFault == .full }, checkpoint: { checkpoints += 1; return true },
                retrying: { retries.append($0) }, pause: { _ in }
            ) { () throws(SQLiteError) -> Int in
                tries += 1
                throw tries == 6 ? Self.full : Self.busy
            }
            Issue.record("the write succeeded against a lock held for good")
        } catch {
            #expect(error.isBusy, "\(error)")
        }
        #expect(checkpoints == 1)
        #expect(retries == Array(1...HistoryStore.busyRetries), "one count for the write: \(retries)")
        // The first try, its retries, and the try after the checkpoint.
        #expect(tries == HistoryStore.busyRetries + 2)
    }

    @Test func aWriteThatLandsAfterTheCheckpointIsKept() throws {
        var tries = 0
        let value = try HistoryStore.writingThroughBusyAndFull(
            isFull: { $0.diskFault == .full }, checkpoint: { true }, pause: { _ in }
        ) { () throws(SQLiteError) -> String in
            tries += 1
            if tries == 1 { throw Self.busy }
            if tries == 2 { throw Self.full }
            return "kept"
        }
        #expect(value == "kept")
        #expect(tries == 3)
    }

    @Test func aFullDiskTheCheckpointCannotCutFailsTheWrite() {
        var tries = 0
        do {
            _ = try HistoryStore.writingThroughBusyAndFull(
                isFull: { $0.diskFault == .full }, checkpoint: { false }, pause: { _ in }
            ) { () throws(SQLiteError) -> Int in
                tries += 1
                throw Self.full
            }
            Issue.record("the write succeeded on a full disk")
        } catch {
            #expect(error.diskFault == .full)
        }
        #expect(tries == 1)
    }
}
