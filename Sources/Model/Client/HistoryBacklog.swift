// The history writes a full disk held back (issue 21). A task already
// accepted runs on when its row cannot take its state (progress, its end,
// its results, a picture kept or not): each such write waits here, in order
// for its row, and is written as soon as the history takes writes again:
// before the next write of any task, and when a sweep or `zqt send` ends
// (`catchUp`). Without it a row said `running` for good while the sweep's
// table said `succeeded` (a newcomer's finding). Only disk faults wait (a
// full disk, a read-only folder, a refused permission: room or rights may
// come back), and a damaged file (a newcomer's `zqt send` over one said
// `succeeded` while its row said `running` for good, and a sandbox's stop
// then marked it failed): its row is behind until `zqt history recover`
// and `zqt query ID`, and is never closed for want of the state it could
// not take (HistoryStore.holdOpen). Any other fault is said and the write
// dropped, as before.
//
// A state write (recordTaskInfo, the row's end) replaces the state write
// just before it in its row's queue: a task polled for an hour on a full
// disk holds one answer here, not one per poll.

public final class HistoryBacklog: @unchecked Sendable {
    public typealias Write = @Sendable (HistoryStore) throws(HistoryError) -> Void

    private struct Entry {
        let write: Write
        /// Its row's state as of one answer: a later one makes it moot.
        let isState: Bool
        /// A note beside the row's state (a picture's copy or why it is missing, the uploads): the row says how its task stands without it.
        let isNote: Bool
    }

    private let lock = Lock()
    /// The rows waiting, in the order their first write was held back.
    nonisolated(unsafe) private var rows: [(id: Int, writes: [Entry])] = []
    /// The disk fault that held back the last write, while rows wait.
    nonisolated(unsafe) private var fault: HistoryError?
    /// How many times a row began to wait: said at the end when they have all caught up.
    nonisolated(unsafe) private var heldBack = 0

    public init() {}

    /// Writes `write` into row `row`: after what the row has waiting (and
    /// what every other row has, tried first), or held back behind it. Throws
    /// the fault that held it back (the caller says it once, HistoryStore.shouldSay).
    public func write(row: Int, isState: Bool = false, isNote: Bool = false, to store: HistoryStore,
                      _ write: @escaping Write) throws(HistoryError) {
        let entry = Entry(write: write, isState: isState, isNote: isNote)
        lock.lock()
        defer { lock.unlock() }
        catchUpLocked(store)
        if let waiting = rows.firstIndex(where: { $0.id == row }) {
            hold(entry, at: waiting)
            if !isNote { store.holdOpen(row) }
            if let fault { throw fault }
            return
        }
        do throws(HistoryError) {
            try write(store)
        } catch where Self.waits(for: error) {
            rows.append((row, []))
            heldBack += 1
            hold(entry, at: rows.count - 1)
            fault = error
            if !isNote { store.holdOpen(row) }
            throw error
        }
    }

    /// Writes every row's waiting writes, each row's in order, up to its
    /// first fault. Returns the fault that still holds some back, nil when
    /// the history has caught up.
    @discardableResult
    public func catchUp(_ store: HistoryStore) -> HistoryError? {
        lock.withLock {
            catchUpLocked(store)
            return rows.isEmpty ? nil : fault
        }
    }

    /// The rows whose writes still wait, in the order they were first held back.
    public var rowsBehind: [Int] { lock.withLock { rows.map(\.id) } }

    /// How many times a row's writes began to wait, caught up since or not.
    public var rowsHeldBack: Int { lock.withLock { heldBack } }

    public func isBehind(_ row: Int) -> Bool { lock.withLock { rows.contains { $0.id == row } } }

    /// Whether the row does not yet say how its task stands (its state, its end, its
    /// results): more than a note waits for it.
    public func isBehindOnItsState(_ row: Int) -> Bool {
        lock.withLock { rows.first { $0.id == row }?.writes.contains { !$0.isNote } ?? false }
    }

    /// A fault a write waits behind: the disk's (room or rights may come
    /// back), or the file's damage (said with how the row catches up).
    static func waits(for error: HistoryError) -> Bool {
        error.diskFault != nil || error.isDamage
    }

    private func hold(_ entry: Entry, at index: Int) {
        if entry.isState, rows[index].writes.last?.isState == true { rows[index].writes.removeLast() }
        rows[index].writes.append(entry)
    }

    private func catchUpLocked(_ store: HistoryStore) {
        guard !rows.isEmpty else { return }
        var still: [(id: Int, writes: [Entry])] = []
        for var row in rows {
            while let first = row.writes.first {
                do throws(HistoryError) {
                    try first.write(store)
                } catch where Self.waits(for: error) {
                    fault = error
                    break
                } catch {
                    // Not the disk: waiting cannot help it; it goes, as a write failing so always did.
                }
                row.writes.removeFirst()
            }
            if row.writes.isEmpty { store.releaseOpen(row.id) } else { still.append(row) }
        }
        rows = still
        if rows.isEmpty { fault = nil }
    }
}

extension HistoryError {
    /// SQLite's own words for the fault, without the path or the advice of `message`.
    public var sqliteWords: String {
        switch self {
        case let .unreadable(_, error), let .write(_, error), let .migrationFailed(_, _, error): return error.message
        default: return message
        }
    }
}
