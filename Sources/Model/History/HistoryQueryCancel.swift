// Stopping a history filter's query from another thread (issue 18): the
// screen runs each filter off its event loop, and a key typed meanwhile
// makes the query under way worthless (its answer would be dropped). A
// query of two common words that never meet reads two lists of 80,000
// rows, 10-15 ms of CPU, which on a loaded machine is 100 ms or more of
// waiting; cancelled, it stops within a few thousand of SQLite's steps and
// the CPU goes to the filter the user is looking at.

import CSQLite
import Dispatch
import Synchronization

/// Set once from any thread; the query reading it stops at its next check.
public final class HistoryQueryCancel: Sendable {
    private let cancelled = Atomic<Bool>(false)
    /// Signalled by `cancel`: what `pause` waits on.
    private let woken = DispatchSemaphore(value: 0)

    public init() {}

    public func cancel() {
        cancelled.store(true, ordering: .relaxed)
        woken.signal()
    }

    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// Waits `seconds`, or less when cancelled meanwhile; whether it was
    /// not (work that may wait, done only when nothing else is asked).
    public func pause(seconds: Double) -> Bool {
        guard !isCancelled else { return false }
        let milliseconds = seconds > 0 ? Int(min(seconds, 60) * 1000) : 0
        _ = woken.wait(timeout: .now() + .milliseconds(milliseconds))
        return !isCancelled
    }
}

extension SQLiteConnection {
    /// SQLite's steps between two looks at the token: about 0.1 ms of work,
    /// so a cancel is seen at once and the look costs nothing measurable.
    static let cancelCheckSteps: Int32 = 1000

    /// Runs `body` with `cancel` watched: once it is set, the statement
    /// running fails with SQLITE_INTERRUPT (sqlite3_progress_handler).
    func watching<T>(_ cancel: HistoryQueryCancel?, _ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        guard let cancel else { return try body() }
        let context = Unmanaged.passUnretained(cancel).toOpaque()
        sqlite3_progress_handler(handle, Self.cancelCheckSteps, { context in
            guard let context else { return 0 }
            return Unmanaged<HistoryQueryCancel>.fromOpaque(context).takeUnretainedValue().isCancelled ? 1 : 0
        }, context)
        defer { sqlite3_progress_handler(handle, 0, nil, nil) }
        return try withExtendedLifetime(cancel) { () throws(SQLiteError) -> T in try body() }
    }
}

extension SQLiteError {
    /// What a query stopped by its HistoryQueryCancel throws.
    static let interrupted = SQLiteError(code: SQLITE_INTERRUPT, message: "interrupted")
}
