// Every submission kept in SQLite at `$ZQT_HOME/history.sqlite` (issue 4):
// written before the request leaves, updated with the service's answer and
// each task query, and read back for the history screen, its filter and
// its detail view. Also holds the compose form's draft.
//
// Several zqt processes may use one file at once: WAL lets readers and a
// writer overlap, every write is one IMMEDIATE transaction, and a busy
// timeout waits out the other process instead of failing.

import CSQLite
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// The compose form as last saved: the request, and text typed into fields
/// that could not use it yet (kept so nothing typed is lost).
public struct ComposeDraft: Sendable, Equatable {
    public var endpoint: Endpoint
    public var requestJSON: String
    /// Field name → the text as typed.
    public var fieldDrafts: [String: String]
    public var savedAt: Date

    public init(endpoint: Endpoint, requestJSON: String, fieldDrafts: [String: String], savedAt: Date = Date()) {
        self.endpoint = endpoint
        self.requestJSON = requestJSON
        self.fieldDrafts = fieldDrafts
        self.savedAt = savedAt
    }

    /// The same form, whenever each was saved.
    public func hasSameContent(as other: ComposeDraft) -> Bool {
        endpoint == other.endpoint && requestJSON == other.requestJSON && fieldDrafts == other.fieldDrafts
    }
}

/// Safe to share between threads: every use of the connection holds the lock.
public final class HistoryStore: @unchecked Sendable {
    public static let fileName = "history.sqlite"

    public let path: String
    /// Internal, not private: a test reads its settings (a first start's history, issue 18).
    /// Replaced once, under the lock, when a history opened read-only for a full disk can be written again (left21).
    private(set) var connection: SQLiteConnection
    private let lock = Lock()
    /// The catalog a stored endpoint's key is read against: the shipped one
    /// with the user's file laid over it, given by whoever opens the history
    /// (a row of an endpoint it lacks still opens, as a custom request).
    private var storedCatalog: EndpointCatalog
    /// How many of the newest rows each trigram or short word the filter asked about is found in
    /// (HistoryFilterPlan); the filter's connection and the gallery's (the store's) both ask.
    let rarity = Mutex<[String: Int]>([:])
    /// The filter's own connection (issue 18), opened on the first filter:
    /// the screen runs filters off its event loop, and one reading two long
    /// lists must not hold up a poll's write or the event loop's own reads,
    /// which take `lock`. WAL lets it read while the other writes.
    private var filterConnection: SQLiteConnection?
    /// How many filter connections were opened: a `data_version` says
    /// nothing changed only on the connection that read it (review23).
    private var filterConnectionsOpened = 0
    private let filterLock = Lock()
    /// The lists a filter of several words merged, kept for the next key (HistoryCandidates).
    let candidateLists = CandidateLists()
    /// The disk fault last said (issue 21), under the lock: a full disk is told
    /// once, not at every key, poll or row of a sweep; a write that lands forgets it.
    private var faultSaid: DiskFault?
    /// The last count, with the filter's connection's `PRAGMA data_version`
    /// when it was taken (`count`); set under `filterLock`.
    private let keptCount = Mutex<(count: Int, version: Int)?>(nil)

    /// Replaced when the screen saves an endpoint of the user's own (issue 9).
    public var catalog: EndpointCatalog {
        get { lock.withLock { storedCatalog } }
        set {
            lock.withLock {
                storedCatalog = newValue
                catalogGeneration += 1
            }
        }
    }

    /// Moves with each catalog set (under the lock): a filter parsed against
    /// an earlier catalog is never taken for this one's, even when its parse
    /// on the filter's thread ends after the screen's thread set a new one.
    private var catalogGeneration = 0

    /// The filter last parsed, for the catalog it was parsed against: a
    /// key's query parses it two or three times (whether it is one query,
    /// its first screenful, its page), and parsing looks each longer word up
    /// among every endpoint's names: some 40% of a short query's CPU
    /// (filter20, perf of `zqt bench history`).
    private let parsedFilter = KeptLast<ParsedFilterKey, HistoryFilter>()

    private struct ParsedFilterKey: Equatable, Sendable {
        let text: String
        let catalogGeneration: Int
    }

    /// `filter` parsed against the catalog, and that catalog.
    func parsed(_ filter: String) -> (matcher: HistoryFilter, catalog: EndpointCatalog) {
        let current: (catalog: EndpointCatalog, generation: Int) = lock.withLock { (storedCatalog, catalogGeneration) }
        let matcher = parsedFilter.value(for: ParsedFilterKey(text: filter, catalogGeneration: current.generation)) {
            HistoryFilter(filter, catalog: current.catalog)
        }
        return (matcher, current.catalog)
    }

    /// Opens (creating when missing) the history in `folder`, migrating it to
    /// the current schema. A damaged file or one from a newer zqt is
    /// reported and left exactly as it is.
    /// The folder is zqt's data folder: created 0700, and tightened when an
    /// older zqt left it open to others (`folderNote` says so, issue 23).
    /// `whileWaiting`: said once when another zqt has held the file for a
    /// second (the screen's start says so; it would show nothing for up to a minute).
    public static func open(inFolder folder: String, catalog: EndpointCatalog = .shipped,
                            whileWaiting: (() -> Void)? = nil) throws(HistoryError) -> HistoryStore {
        let note = PrivateFolder.prepareHome(folder)
        guard PrivateFolder.ensure(folder) else {
            throw .cannotCreateFolder(path: folder, reason: DiskFault.reason(errno: errno))
        }
        let path = folder + "/" + fileName
        // A log without its database would be reset by opening: its rows are left for `zqt history recover` (issue 21).
        if let journal = HistoryRepair.strayJournal(atHistory: path) { throw .journalWithoutDatabase(path: path, journal: journal) }
        // Made 0600 before SQLite opens it: its -wal and -shm take the database's mode.
        let made = Glibc.open(path, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, PrivateFolder.fileMode)
        if made >= 0 { close(made) }
        for suffix in ["", "-wal", "-shm"] { PrivateFolder.restrict(path + suffix) }
        let store = try openWaitingForOthers(path, catalog: catalog, whileWaiting: whileWaiting)
        store.folderNote = note
        // Held while the store lives: `zqt history recover` will not move the file from under a zqt using it (issue 21).
        store.inUseMark = HistoryRepair.markInUse(atHistory: path)
        OpenStores.shared.add(store)
        return store
    }

    /// Another zqt holding the file past the busy timeout (a sweep and two
    /// senders on a loaded machine: its recovery or checkpoint, 5 s and more)
    /// makes the open wait and try again, as a write does (`retryingWhileBusy`),
    /// for up to a minute. Before, `zqt send` went on unkept after 5 s
    /// ("not kept in history: … database is locked"): tasks the service took
    /// with no row (issue 21: every accepted task has its row). With someone
    /// to tell, the first try waits a second, not five, before they are told.
    private static func openWaitingForOthers(_ path: String, catalog: EndpointCatalog,
                                             whileWaiting: (() -> Void)?) throws(HistoryError) -> HistoryStore {
        // A migration (a newer zqt's first open) meeting the other's lock is tried again too: it runs in a
        // transaction and reads the schema's version again (review20: after the 1 s first wait it failed the open).
        let busy: (HistoryError) -> Bool = { error in
            switch error {
            case let .unreadable(_, cause): cause.isBusy
            case let .migrationFailed(_, _, cause): cause.isBusy
            default: false
            }
        }
        let store = try retryingWhileBusy(busy, retrying: { attempt in if attempt == 1 { whileWaiting?() } }) { attempt throws(HistoryError) in
            try HistoryStore(path: path, catalog: catalog,
                             busyTimeout: attempt == 0 && whileWaiting != nil ? firstBusyTimeoutToldMs : busyTimeoutMs)
        }
        // The short first wait was the open's: the store's writes wait as every other's do.
        store.connection.setBusyTimeout(milliseconds: busyTimeoutMs)
        return store
    }

    /// SQLite's own wait for another connection's lock, each try.
    public static let busyTimeoutMs: Int32 = 5000
    /// The first try's, when the wait is said to someone after it.
    static let firstBusyTimeoutToldMs: Int32 = 1000

    /// Another zqt holding the file past the busy timeout: `body` is tried
    /// again, after a pause a little longer each time (the busy timeout
    /// already waited), up to `busyRetries` times: about a minute in all.
    /// `retrying` hears of each retry (1, 2, …) before its pause. The open's
    /// and the write's one loop. `retried`: the retries an earlier pass of the
    /// same write already made, which count toward the bound (leftovers21).
    static func retryingWhileBusy<T, Failure: Error>(_ isBusy: (Failure) -> Bool, retried: Int = 0,
                                                     retrying: (Int) -> Void = { _ in },
                                                     pause: (Int) -> Void = pauseBeforeRetry,
                                                     _ body: (Int) throws(Failure) -> T) throws(Failure) -> T {
        var attempt = retried
        while true {
            do {
                return try body(attempt)
            } catch {
                guard isBusy(error), attempt < busyRetries else { throw error }
                attempt += 1
                retrying(attempt)
                pause(attempt)
            }
        }
    }

    /// The pause before a busy retry: a little longer each time (the busy timeout already waited).
    static func pauseBeforeRetry(_ attempt: Int) {
        usleep(useconds_t(min(attempt, 10) * 50_000))
    }

    /// The shared lock on `history.sqlite.lock` every zqt holds while it has the history open (-1: none).
    private var inUseMark: Int32 = -1

    deinit {
        if inUseMark >= 0 { close(inUseMark) }
    }

    /// Set by `open` when it tightened a data folder others could read: to be said once.
    public private(set) var folderNote: String?

    /// Set when the file was written by a newer zqt, or its folder or the
    /// file refuses writes: rows are read, every write is refused.
    public private(set) var readOnly: HistoryReadOnly?

    public init(path: String, migrateUpTo version: Int = HistorySchema.currentVersion,
                catalog: EndpointCatalog = .shipped, busyTimeout: Int32 = busyTimeoutMs) throws(HistoryError) {
        self.path = path
        storedCatalog = catalog
        // A folder or file that refuses writes (a read-only mount, a mode): the history is read,
        // never migrated or written, and a send is refused for want of its row (issue 21).
        if access(path, F_OK) == 0, let fault = HistoryOpening.cannotWrite(path) {
            let opened: (connection: SQLiteConnection, snapshot: Bool)
            let schema: Int
            do throws(SQLiteError) {
                opened = try HistoryOpening.openToRead(path)
                schema = try opened.connection.scalar("PRAGMA user_version") ?? 0
            } catch {
                throw .unreadable(path: path, Self.explained(error, at: path))
            }
            // An older schema's rows are read by statements it lacks the columns of: it must be upgraded first.
            guard schema >= version else {
                throw .migrationFailed(path: path, version: version,
                                       SQLiteError(code: SQLITE_READONLY, message: "attempt to write a readonly database",
                                                   systemErrno: fault.errorNumber))
            }
            connection = opened.connection
            readOnly = HistoryReadOnly(cannotWrite: fault, snapshot: opened.snapshot,
                                       logLeftUnread: opened.snapshot && HistoryOpening.hasLog(path))
            // Said by whoever opened it (the screen's start, the command's note): a refused write is not news.
            faultSaid = fault
            return
        }
        let found: Int
        do {
            // Reading first, through a read-only connection, tells a damaged
            // file or one from a newer zqt apart before anything (even the
            // journal mode, or a checkpoint as the connection closes) is written to it.
            if access(path, F_OK) != 0 { _ = try SQLiteConnection(path: path) }  // a missing file is made, as it always was
            let probe = try SQLiteConnection(path: path, create: false, readOnly: true)
            probe.setBusyTimeout(milliseconds: busyTimeout)
            _ = try probe.scalar("SELECT count(*) FROM sqlite_master")
            found = try probe.scalar("PRAGMA user_version") ?? 0
            if found > HistorySchema.currentVersion {
                // A newer zqt's history is read if it can be, never migrated down or written (issue 21).
                guard (try? probe.scalar("SELECT count(*) FROM submission WHERE id = 0")) != nil else {
                    throw HistoryError.newerSchema(path: path, found: found, known: HistorySchema.currentVersion)
                }
                connection = probe
                readOnly = HistoryReadOnly(found: found, known: HistorySchema.currentVersion)
                return
            }
        } catch let error as HistoryError {
            throw error
        } catch let error as SQLiteError {
            throw .unreadable(path: path, Self.explained(error, at: path))
        } catch {
            throw .unreadable(path: path, SQLiteError(code: SQLITE_ERROR, message: "\(error)"))
        }
        // A history with nothing in it yet (zqt's first start here) is made
        // without waiting for the disk: the switch to WAL and the schema's
        // migrations were six fdatasyncs before the first frame, 1 to 50 ms
        // of waiting on a busy disk (issue 18, mem18f). A power cut in those
        // milliseconds can leave only an empty history to make again.
        var info = stat()
        let empty = stat(path, &info) == 0 && info.st_size == 0
        let db: SQLiteConnection
        do {
            db = try SQLiteConnection(path: path)
            db.setBusyTimeout(milliseconds: busyTimeout)
            try db.execute("PRAGMA synchronous = \(empty ? "OFF" : "NORMAL"); PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON")
        } catch {
            throw .unreadable(path: path, Self.explained(error, at: path))
        }
        try HistorySchema.migrate(db, upTo: version)
        do {
            // After the migrations: a first start's schema stays in one log, checkpointed at the first write.
            try db.execute((empty ? "PRAGMA synchronous = NORMAL; " : "") + Self.boundedLog)
        } catch {
            throw .unreadable(path: path, Self.explained(error, at: path))
        }
        connection = db
    }

    /// One write transaction. Another zqt holding the file past the busy
    /// timeout makes it wait and try again, for up to a minute, instead of
    /// losing the row (issue 8: "database is locked" lost a submission).
    @discardableResult
    func write<T>(_ body: (SQLiteConnection) throws(SQLiteError) -> T) throws(HistoryError) -> T {
        if let readOnly, !becomeWritableIfRoom() { throw readOnly.refusal(path: path) }
        lock.lock()
        defer { lock.unlock() }
        if connection.isClosed { throw .write(path: path, Self.closedError) }
        if transactionOpen {
            do { return try body(connection) } catch { throw .write(path: path, Self.explained(error, at: path)) }
        }
        do {
            let value = try Self.writingThroughBusyAndFull(isFull: { Self.explained($0, at: self.path).diskFault == .full },
                                                           checkpoint: { self.checkpointAfterFullDisk() }) { () throws(SQLiteError) in
                try connection.transaction { () throws(SQLiteError) in try body(connection) }
            }
            faultSaid = nil
            return value
        } catch {
            throw .write(path: path, Self.explained(error, at: path))
        }
    }

    /// A write's passes: busy retries (`retryingWhileBusy`), and a full disk
    /// met once has the log checkpointed (`checkpoint`, false: it could not be
    /// cut) and the write tried again. The busy retries are counted across the
    /// passes: a fresh count in the second pass let one write retry 20 times,
    /// two minutes, not the one intended (leftovers21).
    static func writingThroughBusyAndFull<T>(isFull: (SQLiteError) -> Bool, checkpoint: () -> Bool,
                                             retrying: (Int) -> Void = { _ in },
                                             pause: (Int) -> Void = pauseBeforeRetry,
                                             _ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        var retried = 0
        var checkpointed = false
        while true {
            do {
                return try retryingWhileBusy({ (error: SQLiteError) in error.isBusy }, retried: retried,
                                             retrying: { attempt in retried = attempt; retrying(attempt) },
                                             pause: pause) { _ throws(SQLiteError) in try body() }
            } catch where isFull(error) && !checkpointed {
                // The log's own pages may be what fills the disk: copied back and cut, the write is tried once more.
                checkpointed = true
                if !checkpoint() { throw error }
            }
        }
    }

    static let busyRetries = 10

    /// The write-ahead log kept small (issue 21, disk21d): SQLite copies the log
    /// back into the database only after 1000 pages (4 MB) by default, so on a
    /// small disk the log alone filled it while the database stayed one page.
    /// A checkpoint every 64 pages (256 KB), and a log cut back to 256 KB
    /// when a checkpoint resets it (sqlite.org/pragma.html#pragma_journal_size_limit:
    /// without it a reset log keeps its size on disk).
    static let boundedLog = "PRAGMA wal_autocheckpoint = 64; PRAGMA journal_size_limit = 262144"

    /// After a write met a full disk: the log copied into the database and
    /// truncated to nothing, once, so that the room the log held is the
    /// database's again (sqlite.org/wal.html: a checkpoint cannot reset the
    /// log while a reader holds an older snapshot; then this does nothing and
    /// the write fails as it would have). Only outside a transaction.
    private func checkpointAfterFullDisk() -> Bool {
        guard !transactionOpen else { return false }
        do throws(SQLiteError) {
            let answer = try connection.run("PRAGMA wal_checkpoint(TRUNCATE)")
            // busy, log frames, frames checkpointed: busy means the log could not be reset.
            return answer.first?.int(0) == 0
        } catch {
            return false
        }
    }

    /// A file-system error SQLite could not put an errno to, explained by
    /// the folder (issue 21): opening a closed history in a read-only folder
    /// fails making its -shm (EROFS), then reading one (ENOENT, the errno
    /// SQLite keeps), and says only "unable to open database file".
    static func explained(_ error: SQLiteError, at path: String) -> SQLiteError {
        guard error.diskFault == nil, [SQLITE_CANTOPEN, SQLITE_IOERR].contains(error.code) else { return error }
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var info = statvfs()
        guard statvfs(folder, &info) == 0 else { return error }
        // Root may write into the blocks kept for it: the disk is full when none is free to the writer.
        let free = getuid() == 0 ? info.f_bfree : info.f_bavail
        let number: Int32 = info.f_flag & UInt(ST_RDONLY) != 0 ? EROFS : free == 0 ? ENOSPC : access(folder, W_OK) != 0 ? EACCES : 0
        return number == 0 ? error : SQLiteError(code: error.code, message: error.message, systemErrno: number)
    }

    /// Whether `error` is to be told the user: always, unless it is the disk
    /// fault already told since the last write that landed (issue 21: a full
    /// disk said once, in words, not a status per key or per poll).
    public func shouldSay(_ error: HistoryError) -> Bool {
        // Damage is said once too: it stays until `zqt history recover`, and each poll's write would meet it again.
        if error.isDamage {
            lock.lock()
            defer { lock.unlock() }
            guard !damageSaid else { return false }
            damageSaid = true
            return true
        }
        guard let fault = error.diskFault else { return true }
        lock.lock()
        defer { lock.unlock() }
        guard faultSaid != fault else { return false }
        faultSaid = fault
        return true
    }

    /// Damage was told the user (under the lock): not again by a later write.
    private var damageSaid = false

    /// The damage was told another way (`zqt send` before its row is written, issue 21).
    public func damageWasSaid() {
        lock.withLock { damageSaid = true }
    }

    /// A history opened read-only because its disk was full, opened for
    /// writing once there is room again (left21: it stayed read-only until
    /// zqt was started again). Asked at a write and when the screen would
    /// send: a statvfs and an access, nothing written unless the disk has
    /// room; never on a timer. True when the history can now be written.
    @discardableResult
    public func becomeWritableIfRoom() -> Bool {
        guard let readOnly else { return true }
        guard readOnly.diskFault == .full, HistoryOpening.cannotWrite(path) == nil else { return false }
        let db: SQLiteConnection
        do throws(SQLiteError) {
            db = try SQLiteConnection(path: path, create: false)
            db.setBusyTimeout(milliseconds: 5000)
            try db.execute("PRAGMA synchronous = NORMAL; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; " + Self.boundedLog)
            // Opened read-only, it was not migrated: only a history of this zqt's schema is taken on.
            guard (try db.scalar("PRAGMA user_version") ?? 0) == HistorySchema.currentVersion else { return false }
        } catch {
            return false
        }
        lock.withLock {
            guard !connection.isClosed else { return }
            connection = db
            self.readOnly = nil
            faultSaid = nil
        }
        // The filter's connection was opened as the read-only one was (immutable): opened again at its next use.
        filterLock.withLock { forgetFilterConnections() }
        return self.readOnly == nil
    }

    /// Closes the filter's connection and the readers beside it; the next
    /// filter opens them again. Under `filterLock`.
    private func forgetFilterConnections() {
        filterConnection = nil
        // The lists' statements and versions are the old connection's (review23).
        candidateLists.letGo()
    }

    /// Lets go of what the filter keeps between keys, when the history
    /// screen is left (issue 18, mem23: on a million rows, 4-5 MB of pages
    /// and lists stayed resident after it until the process ended): the
    /// pages its connection's cache holds (up to `CandidateLists.pageCacheKiB`)
    /// are freed, the readers beside it closed, the lists kept forgotten.
    /// The connection stays open, and with it the count kept (a million-row
    /// count costs 20 ms warm); the next filter reads its pages again, from
    /// the system's file cache.
    public func letGoOfFilterMemory() {
        filterLock.withLock {
            if let filterConnection { sqlite3_db_release_memory(filterConnection.handle) }
            candidateLists.letGo()
        }
    }

    /// Bytes the filter's page caches hold, its connection's and its
    /// readers' (what `letGoOfFilterMemory` lets go of).
    public func filterCacheUsed() -> Int {
        filterLock.withLock { (filterConnection?.cacheUsed ?? 0) + candidateLists.readersCacheUsed }
    }

    /// Pages the filter's connection found in its page cache and read from
    /// the file since it was opened (what `CandidateLists.pageCacheKiB` is sized by).
    public func filterCacheHitsAndMisses() -> (hits: Int, misses: Int) {
        filterLock.withLock { filterConnection?.cacheHitsAndMisses ?? (0, 0) }
    }

    /// What a use after `closeAtEnd()` meets (a poll still running as the process ends).
    static let closedError = SQLiteError(code: SQLITE_MISUSE, message: "the history was closed as zqt ended")

    /// Closes the history as the command ends (issue 21: `zqt send` left
    /// history.sqlite-wal and -shm beside the history, since a process ending
    /// by exit() never released its store). The last connection closed copies
    /// the log into the database and removes both files; another zqt still
    /// open on the history keeps them, as it should. Any use after is refused.
    public func closeAtEnd() {
        lock.withLock { connection.close() }
        filterLock.withLock { forgetFilterConnections() }
    }

    /// Every store `open(inFolder:)` gave that still lives, closed as the
    /// process ends: called once, just before exit().
    /// A store released on another thread meanwhile is waited for (at most
    /// a second) while its connection closes, so exit() cannot cut that close short.
    public static func closeEveryOpenStore() {
        for store in OpenStores.shared.living() { store.closeAtEnd() }
        OpenConnections.shared.waitUntilAllClosed(milliseconds: 1000)
    }

    /// Set while `inOneTransaction` runs: each write joins its transaction.
    private var transactionOpen = false

    /// Every write `body` makes, as one transaction: `zqt bench` fills a
    /// history of a million rows, which a transaction a write took hours to
    /// write (each commit is a new segment of each search index). A write
    /// from another thread meanwhile joins it; another process waits.
    public func inOneTransaction(_ body: () throws -> Void) throws {
        try transactionStep("BEGIN IMMEDIATE", open: true)
        do {
            try body()
        } catch {
            try? transactionStep("ROLLBACK", open: false)
            throw error
        }
        do {
            try transactionStep("COMMIT", open: false)
        } catch {
            try? transactionStep("ROLLBACK", open: false)
            throw error
        }
    }

    private func transactionStep(_ sql: String, open: Bool) throws(HistoryError) {
        if let readOnly, !becomeWritableIfRoom() { throw readOnly.refusal(path: path) }
        lock.lock()
        defer { lock.unlock() }
        if connection.isClosed { throw .write(path: path, Self.closedError) }
        transactionOpen = open
        do throws(SQLiteError) {
            try connection.execute(sql)
        } catch {
            transactionOpen = false
            throw .write(path: path, Self.explained(error, at: path))
        }
    }

    /// What the history keeps of an answer: all of it up to 1 MB; beyond,
    /// the start and the size (a 120 MB answer made a 120 MB database, issue 8).
    static func kept(_ text: String) -> String {
        let limit = 1 << 20
        let bytes = text.utf8
        guard bytes.count > limit else { return text }
        let start = String(decoding: bytes.prefix(64 << 10), as: UTF8.self)
        return start + "\n… (\(bytes.count) bytes in all; the first 65,536 kept)"
    }

    /// One read under the lock (GalleryQuery reads through it too).
    func read<T>(_ body: (SQLiteConnection) throws(SQLiteError) -> T) throws(HistoryError) -> T {
        lock.lock()
        defer { lock.unlock() }
        if connection.isClosed { throw .unreadable(path: path, Self.closedError) }
        do {
            return try body(connection)
        } catch {
            throw .unreadable(path: path, error)
        }
    }

    // MARK: Writing a submission's life

    /// The row for a request about to be sent; returns its id.
    /// `batchID` joins the rows of one sweep (migration 5).
    public func recordSending(_ request: Request, baseURL: String, profile: String, batchID: String? = nil,
                              at date: Date = Date()) throws(HistoryError) -> Int {
        let words = HistoryWords.text(prompt: request.prompt, model: request.checkpoint)
        return try write { db throws(SQLiteError) in
            try db.run("""
                INSERT INTO submission (endpoint, base_url, profile, created_at, id_task, request_json, prompt, model,
                                        image_count, state, updated_at, batch_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(request.endpoint.storageKey), .text(baseURL), .text(profile), .double(date.timeIntervalSince1970),
                      .text(request.taskID), .text(request.wireJSON), .text(request.prompt), .text(request.checkpoint),
                      .int(request.imageCount), .text(SubmissionState.sending.rawValue), .double(date.timeIntervalSince1970),
                      batchID.map { .text($0) } ?? .null])
            let id = db.lastInsertRowID
            try db.run("INSERT INTO submission_words(rowid, words) VALUES (?, ?)", [.int(id), .text(words)])
            return id
        }
    }

    /// The service accepted the request.
    public func recordSubmitted(id: Int, submission: Submission, at date: Date = Date()) throws(HistoryError) {
        try write { db throws(SQLiteError) in
            try db.run("""
                UPDATE submission SET state = ?, service_task_id = ?, http_status = ?, response_json = ?, error = NULL,
                       submitted_at = ?, updated_at = ?
                WHERE id = ?
                """, [.text(SubmissionState.submitted.rawValue), submission.result.serviceTaskID.map { .text($0) } ?? .null,
                      submission.exchange.httpStatus.map { .int($0) } ?? .null,
                      submission.exchange.responseBody.map { .text(Self.kept($0)) } ?? .null,
                      .double(date.timeIntervalSince1970), .double(date.timeIntervalSince1970), .int(id)])
        }
    }

    /// The submit failed; the row stays, marked, so it can be sent again.
    /// `response` is what the service answered, when it answered at all.
    public func recordSendFailed(id: Int, error: String, httpStatus: Int? = nil, response: String? = nil,
                                 at date: Date = Date()) throws(HistoryError) {
        try write { db throws(SQLiteError) in
            try db.run("""
                UPDATE submission SET state = ?, error = ?, http_status = coalesce(?, http_status),
                       response_json = coalesce(?, response_json), finished_at = ?, updated_at = ?
                WHERE id = ?
                """, [.text(SubmissionState.sendFailed.rawValue), .text(error), httpStatus.map { .int($0) } ?? .null,
                      response.map { .text(Self.kept($0)) } ?? .null, .double(date.timeIntervalSince1970),
                      .double(date.timeIntervalSince1970), .int(id)])
        }
    }

    /// The request left and no answer came: whether the service has it is
    /// not known yet. The row stays open, to be asked about (issue 8).
    public func recordOutcomeUnknown(id: Int, error: String, httpStatus: Int? = nil, response: String? = nil,
                                     at date: Date = Date()) throws(HistoryError) {
        try write { db throws(SQLiteError) in
            try db.run("""
                UPDATE submission SET state = ?, error = ?, http_status = coalesce(?, http_status),
                       response_json = coalesce(?, response_json), updated_at = ?
                WHERE id = ?
                """, [.text(SubmissionState.unknown.rawValue), .text(error), httpStatus.map { .int($0) } ?? .null,
                      response.map { .text(Self.kept($0)) } ?? .null, .double(date.timeIntervalSince1970), .int(id)])
        }
    }

    /// A task query's answer: status, desc, progress and, once done, results.
    /// Stops or resumes following a task (issue 19): a row not followed is
    /// left out of `unfinished()`, so no zqt asks about it until it is taken up again.
    public func setFollowed(id: Int, _ followed: Bool) throws(HistoryError) {
        try write { db throws(SQLiteError) in
            try db.run("UPDATE submission SET not_followed = ? WHERE id = ?", [.int(followed ? 0 : 1), .int(id)])
        }
    }

    /// Whether a row's task was stopped being followed.
    public func isFollowed(id: Int) throws(HistoryError) -> Bool {
        try read { db throws(SQLiteError) in
            (try db.scalar("SELECT not_followed FROM submission WHERE id = ?", [.int(id)]) ?? 0) == 0
        }
    }

    public func recordTaskInfo(id: Int, info: TaskInfo, at date: Date = Date()) throws(HistoryError) {
        let state = SubmissionState(info)
        try write { db throws(SQLiteError) in
            try db.run("""
                UPDATE submission SET state = ?, task_status = ?, task_desc = ?, progress = ?, last_query_json = ?,
                       error = NULL, finished_at = CASE WHEN ? THEN coalesce(finished_at, ?) ELSE NULL END, updated_at = ?
                WHERE id = ?
                """, [.text(state.rawValue), .int(info.status), .text(info.desc), info.progress.map { .double($0) } ?? .null,
                      .text(Self.kept(JSONWriter.pretty(info.raw))), .int(state.isUnfinished ? 0 : 1), .double(date.timeIntervalSince1970),
                      .double(date.timeIntervalSince1970), .int(id)])
            guard info.hasResults else { return }
            // Results are replaced as a whole, keeping local copies already made.
            // ... and what is known of keeping each (issue 17).
            let kept = try db.run("""
                SELECT position, local_path, keep_error, keep_attempts, keep_gone FROM result
                WHERE submission_id = ? AND (local_path IS NOT NULL OR keep_error IS NOT NULL)
                """, [.int(id)])
            var keptRows: [Int: [SQLiteValue]] = [:]
            for row in kept {
                guard let position = row.int(0) else { continue }
                keptRows[position] = [row.text(1).map { .text($0) } ?? .null, row.text(2).map { .text($0) } ?? .null,
                                      .int(row.int(3) ?? 0), .int(row.int(4) ?? 0)]
            }
            try db.run("DELETE FROM result WHERE submission_id = ?", [.int(id)])
            let insert = try db.prepare("""
                INSERT INTO result (submission_id, position, image_url, seed, image_status, audit_passed, audit_labels, local_path,
                                    keep_error, keep_attempts, keep_gone, text)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (position, image) in info.results.enumerated() {
                try insert.bind([.int(id), .int(position), .text(image.imageURL), image.seed.map { .int($0) } ?? .null,
                                 image.imageStatus.map { .int($0) } ?? .null, image.auditPassed.map { .int($0 ? 1 : 0) } ?? .null,
                                 .text(image.auditLabels.joined(separator: "\n"))]
                                + (keptRows[position] ?? [.null, .null, .int(0), .int(0)]) + [.null])
                _ = try insert.step()
            }
            // Text results (an expanded prompt, a description) follow the images (migration 3).
            for (offset, text) in info.texts.enumerated() {
                try insert.bind([.int(id), .int(info.results.count + offset), .text(""), .null, .null, .null, .text(""), .null,
                                 .null, .int(0), .int(0), .text(text)])
                _ = try insert.step()
            }
            // And the filter finds them (schema 6): the trigram index follows
            // result_text by its trigger, the word index is written here.
            let texts = info.texts.joined(separator: "\n")
            let current = try db.run("SELECT prompt, model, result_text FROM submission WHERE id = ?", [.int(id)]).first
            guard let current, current.text(2) != texts else { return }
            try db.run("UPDATE submission SET result_text = ? WHERE id = ?", [.text(texts), .int(id)])
            try db.run("DELETE FROM submission_words WHERE rowid = ?", [.int(id)])
            try db.run("INSERT INTO submission_words(rowid, words) VALUES (?, ?)",
                       [.int(id), .text(HistoryWords.text(prompt: current.text(0) ?? "", model: current.text(1) ?? "", results: texts))])
        }
    }

    /// Following the task ended without a terminal status (the service
    /// forgot it, keys were revoked): the row is marked failed with why.
    public func recordTrackingFailed(id: Int, error: String, at date: Date = Date()) throws(HistoryError) {
        try write { db throws(SQLiteError) in
            try db.run("""
                UPDATE submission SET state = ?, error = ?, finished_at = ?, updated_at = ? WHERE id = ?
                """, [.text(SubmissionState.failed.rawValue), .text(error), .double(date.timeIntervalSince1970),
                      .double(date.timeIntervalSince1970), .int(id)])
        }
    }

    /// Every unfinished row sent to one address, followed or not, marked
    /// failed with why: an in-process sandbox's tasks end with its zqt.
    public func closeUnfinished(baseURL: String, error: String, at date: Date = Date()) throws(HistoryError) {
        // A row whose state is held back (HistoryBacklog) may have ended well: it is not closed as failed for want of it.
        let open = lock.withLock { heldOpen }.sorted().map(String.init).joined(separator: ",")
        try write { db throws(SQLiteError) in
            try db.run("""
                UPDATE submission SET state = ?, error = ?, finished_at = ?, updated_at = ?
                WHERE base_url = ? AND state IN ('sending', 'submitted', 'queued', 'running', 'unknown') AND id NOT IN (\(open))
                """, [.text(SubmissionState.failed.rawValue), .text(error), .double(date.timeIntervalSince1970),
                      .double(date.timeIntervalSince1970), .text(baseURL)])
        }
    }

    /// Rows whose state a write could not take (HistoryBacklog, issue 21), under the lock: never closed by `closeUnfinished`.
    private var heldOpen: Set<Int> = []

    /// Row `id` does not say how its task stands: it is left as it is until its state lands.
    public func holdOpen(_ id: Int) { lock.withLock { _ = heldOpen.insert(id) } }

    /// Row `id`'s held-back state has landed.
    public func releaseOpen(_ id: Int) { lock.withLock { _ = heldOpen.remove(id) } }

    /// Where a result image was saved (any earlier failure to keep it is over).
    public func recordLocalCopy(id: Int, position: Int, path: String) throws(HistoryError) {
        try write { db throws(SQLiteError) in
            try db.run("UPDATE result SET local_path = ?, keep_error = NULL WHERE submission_id = ? AND position = ?",
                       [.text(path), .int(id), .int(position)])
        }
    }

    /// A result image that could not be kept, and why (issue 17): said on
    /// the row, and tried again while `urlGone` is false and tries are left.
    public func recordKeepFailed(id: Int, position: Int, reason: String, urlGone: Bool) throws(HistoryError) {
        try write { db throws(SQLiteError) in
            try db.run("""
                UPDATE result SET keep_error = ?, keep_attempts = keep_attempts + 1, keep_gone = max(keep_gone, ?)
                WHERE submission_id = ? AND position = ? AND local_path IS NULL
                """, [.text(reason), .int(urlGone ? 1 : 0), .int(id), .int(position)])
        }
    }

    /// Finished rows with an image not kept that may still be (StoredResult.mayRetryKeep): kept again at start.
    ///
    /// Only the results written within the URLs' life are read, so the
    /// cost is that of the last week's rows, not of the whole history (a
    /// scan of every result took 2.4 s of CPU at 1,000,000 rows and held
    /// the history screen back; issue 18). No index serves `finished_at`,
    /// but result rows are written in time order: a query's answer replaces
    /// a row's results as a whole (`recordTaskInfo`), each new one taking a
    /// rowid above every other, in the same write that sets `finished_at`
    /// and `updated_at`. So walking results newest-written first, the first
    /// one whose row was last written before the cutoff was written before
    /// it too, and so was every result below it: their links are older than
    /// their life (wire rule 10). The rest is the rule it always was.
    public func rowsToKeepAgain(now: Date = Date()) throws(HistoryError) -> [HistoryRecord] {
        let cutoff = now.timeIntervalSince1970 - StoredResult.urlLifetime
        let ids = try read { db throws(SQLiteError) in
            try db.run("""
                SELECT DISTINCT submission.id FROM result NOT INDEXED JOIN submission ON submission.id = result.submission_id
                WHERE result.rowid > coalesce((
                        SELECT written.rowid FROM result AS written NOT INDEXED JOIN submission AS row ON row.id = written.submission_id
                        WHERE row.updated_at <= ? ORDER BY written.rowid DESC LIMIT 1), 0)
                  AND submission.state IN ('succeeded', 'interrupted') AND result.text IS NULL AND result.local_path IS NULL
                  AND result.image_url != '' AND result.keep_gone = 0 AND result.keep_attempts < ?
                  AND (submission.finished_at IS NULL OR submission.finished_at > ?)
                ORDER BY submission.id LIMIT 200
                """, [.double(cutoff), .int(StoredResult.maximumKeepAttempts), .double(cutoff)])
                .compactMap { $0.int(0) }
        }
        var records: [HistoryRecord] = []
        for id in ids { if let record = try record(id: id) { records.append(record) } }
        // The walk and the rows it found (up to 200, each two pages or more) are read
        // once, at start: their pages let go of after (mem24: at a million rows they
        // filled the connection's cache, 2.1 MB held for the process's life).
        // Best effort: the walk's rows are found whatever this gives back (review24: a failure here lost them).
        _ = try? read { db throws(SQLiteError) in _ = sqlite3_db_release_memory(db.handle) }
        return records
    }

    public func delete(id: Int) throws(HistoryError) {
        try write { db throws(SQLiteError) in
            try db.run("DELETE FROM submission WHERE id = ?", [.int(id)])
        }
    }

    // MARK: Reading

    static let recordColumns = """
        id, endpoint, base_url, profile, created_at, id_task, service_task_id, request_json, state, http_status,
        response_json, task_status, task_desc, progress, last_query_json, error, submitted_at, finished_at, batch_id
        """

    public func record(id: Int) throws(HistoryError) -> HistoryRecord? {
        try read { db throws(SQLiteError) in
            try db.run("SELECT \(Self.recordColumns) FROM submission WHERE id = ?", [.int(id)]).first
                .map { row throws(SQLiteError) in try Self.record(row, db: db, catalog: storedCatalog) }
        }
    }

    /// The newest row for a client task id.
    public func record(idTask: String) throws(HistoryError) -> HistoryRecord? {
        try read { db throws(SQLiteError) in
            try db.run("SELECT \(Self.recordColumns) FROM submission WHERE id_task = ? ORDER BY id DESC LIMIT 1",
                       [.text(idTask)]).first
                .map { row throws(SQLiteError) in try Self.record(row, db: db, catalog: storedCatalog) }
        }
    }

    /// The newest row a task id names: zqt's id_task first, else the id the
    /// service answered at submit (`accepted: task_id N` prints that one for
    /// tools and training, §4, §3.1), so either is taken by every command.
    public func record(taskID: String) throws(HistoryError) -> HistoryRecord? {
        if let byOwnID = try record(idTask: taskID) { return byOwnID }
        return try read { db throws(SQLiteError) in
            try db.run("SELECT \(Self.recordColumns) FROM submission WHERE service_task_id = ? ORDER BY id DESC LIMIT 1",
                       [.text(taskID)]).first
                .map { row throws(SQLiteError) in try Self.record(row, db: db, catalog: storedCatalog) }
        }
    }

    /// Rows whose task may still change: polling resumes for these at start.
    /// With `includingNotFollowed`, the rows the user stopped following too
    /// (an in-process sandbox's are closed once it is gone, followed or not).
    public func unfinished(includingNotFollowed: Bool = false) throws(HistoryError) -> [HistoryRecord] {
        try read { db throws(SQLiteError) in
            try db.run("""
                SELECT \(Self.recordColumns) FROM submission
                WHERE state IN ('sending', 'submitted', 'queued', 'running', 'unknown')\(includingNotFollowed ? "" : " AND not_followed = 0") ORDER BY id
                """).map { row throws(SQLiteError) in try Self.record(row, db: db, catalog: storedCatalog) }
        }
    }

    private static func record(_ row: SQLiteRow, db: SQLiteConnection, catalog: EndpointCatalog) throws(SQLiteError) -> HistoryRecord {
        let id = row.int(0) ?? 0
        let results = try db.run("""
            SELECT position, image_url, seed, image_status, audit_passed, audit_labels, local_path, text,
                   keep_error, keep_attempts, keep_gone
            FROM result WHERE submission_id = ? ORDER BY position
            """, [.int(id)]).map { r in
            StoredResult(position: r.int(0) ?? 0, imageURL: r.text(1) ?? "", seed: r.int(2), imageStatus: r.int(3),
                         auditPassed: r.int(4).map { $0 != 0 },
                         auditLabels: (r.text(5) ?? "").split(separator: "\n").map(String.init), localPath: r.text(6),
                         text: r.text(7), keepError: r.text(8), keepAttempts: r.int(9) ?? 0, keepGone: (r.int(10) ?? 0) != 0)
        }
        func date(_ column: Int) -> Date? { row.double(column).map { Date(timeIntervalSince1970: $0) } }
        return HistoryRecord(
            id: id, endpoint: catalog.resolve(storageKey: row.text(1) ?? ""), baseURL: row.text(2) ?? "",
            profile: row.text(3) ?? "", createdAt: date(4) ?? Date(timeIntervalSince1970: 0), idTask: row.text(5) ?? "",
            serviceTaskID: row.text(6), requestJSON: row.text(7) ?? "{}",
            state: SubmissionState(rawValue: row.text(8) ?? "") ?? .failed, httpStatus: row.int(9), responseJSON: row.text(10),
            taskStatus: row.int(11), taskDesc: row.text(12), progress: row.double(13), lastQueryJSON: row.text(14),
            error: row.text(15), submittedAt: date(16), finishedAt: date(17), results: results, batchID: row.text(18))
    }

    /// A row's headline: its prompt, else its request's main input (a tool's
    /// pictures; issue 19), read from the request only for a row without a prompt.
    static func headline(prompt: String, endpoint: Endpoint, requestJSON: String?) -> String {
        guard prompt.isEmpty, let requestJSON, let body = try? JSONParser.parse(requestJSON) else { return prompt }
        return Request(endpoint: endpoint, body: body).headline
    }

    /// Every row's id_task: whose kept pictures are a row's (the disk budget, issue 23).
    public func allTaskIDs() throws(HistoryError) -> [String] {
        try read { db throws(SQLiteError) in
            try db.run("SELECT id_task FROM submission", []).compactMap { $0.text(0) }
        }
    }

    /// A page of the list, newest first, matching `filter` (HistoryFilter);
    /// `before` (a row id) continues after the last page.
    public func list(filter: String = "", before: Int? = nil, limit: Int = 200) throws(HistoryError) -> [HistorySummary] {
        try list(filter: filter, before: before, limit: limit, cancel: nil) ?? []
    }

    /// `list`, stopped when `cancel` is set (from another thread): nil then.
    /// Read through the filter's own connection.
    public func list(filter: String, before: Int?, limit: Int, cancel: HistoryQueryCancel?) throws(HistoryError) -> [HistorySummary]? {
        // Read before the filter's lock is taken: `catalog` takes the store's lock.
        let (matcher, storedCatalog) = parsed(filter)
        return try filterRead(cancel) { db throws(SQLiteError) in
            // The screen's filter (the one a cancel is given) keeps its lists for the next key.
            let ids = try matchingIDs(matcher, db: db, before: before, limit: limit, cancel: cancel,
                                      lists: cancel == nil ? nil : candidateLists)
            return try summaries(ids, db: db, catalog: storedCatalog)
        }
    }

    /// What the screen's filter shows first (issue 18: the first screenful
    /// before the count): up to `rows` rows matching `filter`, newest first,
    /// and how many match counted up to `cap` (at least `rows`; `cap` found
    /// says "at least"). With
    /// `window`, only the newest `window` ids are searched by a plan that
    /// merges lists (two common words that never meet read a slice of each
    /// list, not both to their ends), so the screen shows what the newest
    /// rows hold at once and the rest follows. `searchedAll` when `matched`
    /// is every match (neither the window nor the cap stopped the search).
    /// `after`: the same filter's first screenful, which the search goes on
    /// from when the history has not changed since (every match above its
    /// last id is among its ids, whatever window it searched).
    /// Through the filter's connection, its lists kept; nil when cancelled.
    public func firstMatches(filter: String, rows: Int, cap: Int, window: Int?, after earlier: HistoryMatches? = nil,
                             cancel: HistoryQueryCancel) throws(HistoryError) -> HistoryMatches? {
        let (matcher, storedCatalog) = parsed(filter)
        return try filterRead(cancel) { db throws(SQLiteError) in
            let version = try db.scalar("PRAGMA data_version") ?? 0
            let wanted = max(rows, cap)
            var taken: [Int] = [], below: Int?, shown: [HistorySummary] = []
            // Issue 18: the page after a first screenful searched again from
            // the top, the screenful's rows read and checked twice
            // (`portrait l`: 64 rows of 2 KB, a third of the page's time).
            if let earlier, earlier.filter == filter, earlier.version == version, earlier.connection == filterConnectionsOpened,
               let last = earlier.found.last,
               earlier.found.count < wanted, earlier.rows.count == min(rows, earlier.found.count) {
                (taken, below, shown) = (earlier.found, last, earlier.rows)
            }
            var floor: Int?
            if let window { floor = (try db.scalar("SELECT max(id) FROM submission") ?? 0) - window }
            let found = try matches(matcher, db: db, before: below, limit: wanted - taken.count, notBelow: floor,
                                    cancel: cancel, lists: candidateLists)
            let ids = taken + found.ids
            shown += try summaries(Array(ids.prefix(rows).dropFirst(shown.count)), db: db, catalog: storedCatalog)
            var answer = HistoryMatches(rows: shown, matched: ids.count, searchedAll: found.complete)
            (answer.filter, answer.found, answer.version, answer.connection) = (filter, ids, version, filterConnectionsOpened)
            return answer
        }
    }

    /// Whether `filter` is answered by one index's own query stopped at the
    /// page's end (a word alone, short words alone): its page costs about
    /// what its first screenful does, so the screen asks for the page at once.
    public func answersInOneQuery(filter: String) -> Bool {
        parsed(filter).matcher.isOneIndexQuery
    }

    /// Readies what the next key will ask after a word alone and a space
    /// (`lighthouse `), while the next word is typed; the screen calls it
    /// then. The next key is a short word's first character, and its plan
    /// (HistoryFilterPlan) asks how rare each word before it is (eight
    /// trigrams for `lighthouse`: 4-5 ms at a million rows) and merges the
    /// list of the word's rarest trigram with the new word's: both counted
    /// and that list read whole here, kept for the key (HistoryCandidates).
    /// Two common words that never meet (`lighthouse 灯`) then read one list
    /// cold, not two (issue 18: the slowest key, 27-32 ms under `chrt`,
    /// 77-103 ms on a loaded screen). Any letter plans the same for the
    /// words before it: a lone short word is not counted. A list longer
    /// than the kept lists take is left unread (`CandidateLists.mostGathered`).
    /// Stopped by `cancel`: a key typed meanwhile, whose query reads what it needs.
    public func prepareNextWord(filter: String, cancel: HistoryQueryCancel) throws(HistoryError) {
        let next = HistoryFilter(filter + "a", catalog: parsed(filter).catalog)
        _ = try filterRead(cancel) { db throws(SQLiteError) in
            var counter = RarityCounter(store: self, db: db)
            let plan = try next.plan(before: nil, limit: 1) { index, query throws(SQLiteError) in try counter.count(index, query) }
            guard let plan, plan.checksRows, let first = plan.arms.first, first.table == HistoryFilter.Index.trigrams.rawValue else { return }
            try candidateLists.forgetIfChanged(db)
            defer { candidateLists.finish() }
            let list = candidateLists.list(first)
            if !list.exhausted { try candidateLists.readRests([list], db: db, cancel: cancel) }
        }
    }

    /// The list's rows for `ids`, newest first.
    private func summaries(_ ids: [Int], db: SQLiteConnection, catalog storedCatalog: EndpointCatalog) throws(SQLiteError) -> [HistorySummary] {
        guard !ids.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        // An A1111 row's ControlNet maps (issue 20), counted apart from its pictures. Asked on its own and
        // read with try?: it reads the results' URLs, which the list does not otherwise touch, so a damaged
        // results page leaves the counts at 0 (maps counted as pictures) rather than the list unreadable.
        let mapRows = try? db.run("""
            SELECT submission_id, count(*) FROM result
            WHERE submission_id IN (\(marks)) AND text IS NULL AND image_url LIKE '%' || ? GROUP BY submission_id
            """, ids.map { .int($0) } + [.text(A1111ResultKinds.controlMapMark)])
        var maps: [Int: Int] = [:]
        for row in mapRows ?? [] { if let id = row.int(0) { maps[id] = row.int(1) ?? 0 } }
        return try db.run("""
            SELECT \(Self.summaryColumns(counted: true)) FROM submission WHERE submission.id IN (\(marks)) ORDER BY submission.id DESC
            """, ids.map { .int($0) }).map { row in
            Self.summary(row, catalog: storedCatalog, controlMaps: maps[row.int(0) ?? 0] ?? 0)
        }
    }

    /// The columns of a list row (`summary` reads them in this order); `counted`:
    /// its results and its batch's rows counted, from the pages of other rows
    /// (a list read past damage asks without them when they fail, issue 21).
    static func summaryColumns(counted: Bool) -> String {
        let results = counted ? "(SELECT count(*) FROM result WHERE submission_id = submission.id AND text IS NULL)" : "0"
        let batch = counted ? "(SELECT count(*) FROM submission AS b WHERE b.batch_id = submission.batch_id)" : "0"
        return """
            submission.id, created_at, endpoint, id_task, service_task_id, substr(prompt, 1, 300), model, state,
            progress, image_count, \(results), batch_id, CASE WHEN batch_id IS NULL THEN 0 ELSE \(batch) END,
            CASE WHEN prompt = '' THEN substr(request_json, 1, 16384) END, not_followed, profile
            """
    }

    /// A list row from `summaryColumns`.
    static func summary(_ row: SQLiteRow, catalog: EndpointCatalog, controlMaps: Int) -> HistorySummary {
        let endpoint = catalog.resolve(storageKey: row.text(2) ?? "")
        return HistorySummary(id: row.int(0) ?? 0, createdAt: Date(timeIntervalSince1970: row.double(1) ?? 0),
                              endpoint: endpoint, idTask: row.text(3) ?? "",
                              serviceTaskID: row.text(4), prompt: row.text(5) ?? "", model: row.text(6) ?? "",
                              state: SubmissionState(rawValue: row.text(7) ?? "") ?? .failed, progress: row.double(8),
                              imageCount: row.int(9) ?? 0, resultCount: row.int(10) ?? 0, batchID: row.text(11),
                              batchSize: row.int(12) ?? 0,
                              headline: headline(prompt: row.text(5) ?? "", endpoint: endpoint, requestJSON: row.text(13)),
                              notFollowed: (row.int(14) ?? 0) != 0, profile: row.text(15) ?? "",
                              controlMapCount: controlMaps)
    }

    /// How many of the latest `recent` submissions went to each endpoint
    /// (issue 19: the endpoint picker ranks by use). The newest rows by id,
    /// so the count reads a bounded slice of the table whatever its size.
    public func endpointUses(recent: Int = 2000) throws(HistoryError) -> [(endpoint: Endpoint, count: Int)] {
        try read { db throws(SQLiteError) in
            try db.run("SELECT endpoint, count(*) FROM (SELECT endpoint FROM submission ORDER BY id DESC LIMIT ?) GROUP BY endpoint",
                       [.int(max(0, recent))]).map { row in
                (endpoint: storedCatalog.resolve(storageKey: row.text(0) ?? ""), count: row.int(1) ?? 0)
            }
        }
    }

    /// One read through the filter's connection, under its own lock, with
    /// `cancel` watched; nil when it stopped the read.
    func filterRead<T>(_ cancel: HistoryQueryCancel?,
                               _ body: (SQLiteConnection) throws(SQLiteError) -> T) throws(HistoryError) -> T? {
        filterLock.lock()
        defer { filterLock.unlock() }
        do {
            if cancel?.isCancelled == true { return nil }
            let db: SQLiteConnection
            if let filterConnection {
                db = filterConnection
            } else {
                let (path, readOnly, immutable) = (path, readOnly != nil, readOnly?.isSnapshot == true)
                func open() throws(SQLiteError) -> SQLiteConnection {
                    let db = try SQLiteConnection(path: path, create: false, readOnly: readOnly, immutable: immutable)
                    db.setBusyTimeout(milliseconds: 5000)
                    return db
                }
                db = try open()
                CandidateLists.prepare(db)
                filterConnection = db
                filterConnectionsOpened += 1
                // Opened as the filter's own is, for a list read beside it (HistoryCandidates).
                candidateLists.letGo()
                candidateLists.openReader = open
                // A new connection's `data_version` starts afresh: the count kept is not its to vouch for.
                keptCount.withLock { $0 = nil }
            }
            return try db.watching(cancel) { () throws(SQLiteError) -> T in try body(db) }
        } catch where cancel?.isCancelled == true && error.code == SQLiteError.interrupted.code {
            return nil
        } catch {
            throw .unreadable(path: path, error)
        }
    }

    /// How many submissions the history holds. Counting an index of a
    /// million rows takes 20 ms warm and most of a second from a cold disk,
    /// which the list paid on each opening and on each filter cleared (issue
    /// 18): the count is kept until a commit, this store's own or another
    /// zqt's (`PRAGMA data_version` of the filter's connection, which every
    /// other connection's commit moves).
    public func count() throws(HistoryError) -> Int { try count(cancel: nil) ?? 0 }

    /// `count`, read through the filter's connection off the screen's event
    /// loop (issue 18, filterframe18: the first F2's count held the loop for
    /// 0.87 s at a million rows), stopped when `cancel` is set: nil then. The
    /// store's own lock stays free for the screen's reads and a poll's writes.
    public func count(cancel: HistoryQueryCancel?) throws(HistoryError) -> Int? {
        try filterRead(cancel) { db throws(SQLiteError) in
            let version = try db.scalar("PRAGMA data_version") ?? 0
            if let kept = keptCount.withLock({ $0 }), kept.version == version { return kept.count }
            // The count reads an index of every row once, in order (7,600 pages at a million rows), which no
            // filter reads: through a small cache (mem23: through the filter's 8 MB one, it filled it and the
            // heap kept the 8 MB after they were let go, each time a commit asked for a new count). Setting the
            // small cache drops the filter's pages too (review23): a count comes after a commit, which made
            // the lists kept stale anyway. Then the filter's cache size again, the pages read let go.
            try db.execute("PRAGMA cache_size = -\(Self.countCacheKiB)")
            defer { try? db.execute("PRAGMA cache_size = -\(CandidateLists.pageCacheKiB)") }
            let count = try db.scalar("SELECT count(*) FROM submission") ?? 0
            sqlite3_db_release_memory(db.handle)
            keptCount.withLock { $0 = (count, version) }
            return count
        }
    }

    /// SQLite's page cache for a count, KiB: it reads each page once.
    static let countCacheKiB = 256

    /// The count `count()` keeps, when it is still true; nil when it would
    /// have to count. The list shows its first rows before counting (issue
    /// 18: a first count at start reads a million-row index from disk).
    public func knownCount() throws(HistoryError) -> Int? {
        try filterRead(nil) { db throws(SQLiteError) -> Int? in
            let version = try db.scalar("PRAGMA data_version") ?? 0
            guard let kept = keptCount.withLock({ $0 }), kept.version == version else { return nil }
            return kept.count
        } ?? nil
    }

    // MARK: The compose draft

    /// Saves a form's draft in its slot. A draft that differs from the one
    /// its row names by a little is saved as patch rows (DraftPatch: the row
    /// its edits join, or one more; one page in SQLite's log, not five);
    /// otherwise in pieces (DraftPieces, migration 10): only the pieces not
    /// stored yet are written, with the list of its pieces; pieces no draft
    /// names any more are removed. An unchanged draft writes nothing.
    /// Returns the rows of draft_piece and draft it wrote and their bytes.
    @discardableResult
    public func saveDraft(_ draft: ComposeDraft, slot: String = "compose") throws(HistoryError) -> DraftWrites {
        let drafts = JSONWriter.compact(.object(draft.fieldDrafts.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        let endpoint = draft.endpoint.storageKey
        let savedAt = draft.savedAt.timeIntervalSince1970
        if let base = draftBases.withLock({ $0[slot] }), base.endpoint == endpoint {
            let saved: (rows: [DraftPatch], writes: DraftWrites)? = try write { db throws(SQLiteError) -> ([DraftPatch], DraftWrites)? in
                // Only on the row this store wrote last: another zqt's save of the slot makes a new base.
                let row = try db.run("SELECT request_pieces, drafts_pieces, endpoint FROM draft WHERE slot = ?", [.text(slot)]).first
                guard let row, row.text(0) == base.requestList, row.text(1) == base.draftsList, row.text(2) == endpoint,
                      let request = DraftPatch.change(from: base.request, through: base.rows.map(\.request), to: draft.requestJSON),
                      let typed = DraftPatch.change(from: base.drafts, through: base.rows.map(\.drafts), to: drafts,
                                                    limit: DraftPatch.limit - request.middle.utf8.count)
                else { return nil }
                // The same texts as saved last (the form went back and forth): nothing to write.
                if request.isEmpty && typed.isEmpty { return (base.rows, DraftWrites()) }
                var rows = base.rows
                // The edits join the last row when its span and theirs stay within the limit; else one more row.
                if let last = rows.last,
                   let joinedRequest = DraftPatch.merged(last.request, request, in: draft.requestJSON, limit: DraftPatch.limit),
                   let joinedTyped = DraftPatch.merged(last.drafts, typed, in: drafts, limit: DraftPatch.limit - joinedRequest.middle.utf8.count) {
                    rows[rows.count - 1] = DraftPatch(request: joinedRequest, drafts: joinedTyped, base: last.base, savedAt: savedAt)
                } else if rows.count < DraftPatch.maxRows {
                    rows.append(DraftPatch(request: request, drafts: typed,
                                           base: DraftPatch.chainName(base: base.name, previousRow: rows.last?.text), savedAt: savedAt))
                } else {
                    return nil
                }
                let text = rows[rows.count - 1].text
                try db.run("INSERT OR REPLACE INTO draft_piece (key, text) VALUES (?, ?)",
                           [.text(DraftPatch.key(slot: slot, index: rows.count - 1)), .text(text)])
                return (rows, DraftWrites(rows: 1, bytes: text.utf8.count))
            }
            if let saved {
                draftBases.withLock { $0[slot]?.rows = saved.rows }
                return saved.writes
            }
        }
        let requestPieces = DraftPieces.cut(draft.requestJSON), draftsPieces = DraftPieces.cut(drafts)
        let names = Set(requestPieces.map(\.key) + draftsPieces.map(\.key))
        let requestList = requestPieces.map(\.key).joined(separator: " "), draftsList = draftsPieces.map(\.key).joined(separator: " ")
        let writes = try write { db throws(SQLiteError) -> DraftWrites in
            var writes = DraftWrites(rows: 1, bytes: requestList.utf8.count + draftsList.utf8.count)
            var before: Set<String> = [], others: Set<String> = []
            for row in try db.run("SELECT slot, request_pieces, drafts_pieces FROM draft") {
                let keys = Self.pieceNames(row.text(1)) + Self.pieceNames(row.text(2))
                if row.text(0) == slot { before.formUnion(keys) } else { others.formUnion(keys) }
            }
            let insert = try db.prepare("INSERT OR IGNORE INTO draft_piece (key, text) VALUES (?, ?)")
            for piece in requestPieces + draftsPieces where !before.contains(piece.key) && !others.contains(piece.key) {
                try insert.bind([.text(piece.key), .text(String(piece.text))])
                _ = try insert.step()
                writes.rows += 1
                writes.bytes += piece.text.utf8.count
            }
            try db.run("""
                INSERT INTO draft (slot, endpoint, request_json, field_drafts, saved_at, request_pieces, drafts_pieces)
                VALUES (?, ?, '', '{}', ?, ?, ?)
                ON CONFLICT (slot) DO UPDATE SET endpoint = excluded.endpoint, request_json = '', field_drafts = '{}',
                    saved_at = excluded.saved_at, request_pieces = excluded.request_pieces, drafts_pieces = excluded.drafts_pieces
                """, [.text(slot), .text(endpoint), .double(savedAt), .text(requestList), .text(draftsList)])
            let delete = try db.prepare("DELETE FROM draft_piece WHERE key = ?")
            for key in before.subtracting(names).subtracting(others).union([DraftPatch.key(slot: slot)]) {
                try delete.bind([.text(key)])
                _ = try delete.step()
            }
            // The slot's later patch rows, with the first: they applied to the pieces replaced.
            let later = DraftPatch.laterKeys(slot: slot)
            try db.run("DELETE FROM draft_piece WHERE key >= ? AND key < ?", [.text(later.from), .text(later.below)])
            return writes
        }
        draftBases.withLock {
            $0[slot] = DraftBase(endpoint: endpoint, requestList: requestList, draftsList: draftsList,
                                 request: draft.requestJSON, drafts: drafts, rows: [])
        }
        return writes
    }

    /// What a draft's save wrote: rows of draft and draft_piece written, and
    /// their texts' bytes (a piece list or a piece, a patch row) — what
    /// SQLite's log then takes in 4 KB pages (issue 18).
    public struct DraftWrites: Equatable, Sendable {
        public var rows = 0
        public var bytes = 0
    }

    /// The texts a slot's draft row names, as this store last wrote them:
    /// what the next save's patch is made against (DraftPatch). The texts
    /// share their storage with the drafts handed in and with DraftPieces'
    /// kept texts, so this keeps no copy of its own.
    struct DraftBase {
        var endpoint: String
        var requestList: String
        var draftsList: String
        var request: String
        var drafts: String
        /// The patch rows written since, in order (DraftPatch).
        var rows: [DraftPatch]
        var name: String { DraftPatch.baseName(requestList: requestList, draftsList: draftsList) }
    }
    private let draftBases = Mutex<[String: DraftBase]>([:])

    public func loadDraft(slot: String = "compose") throws(HistoryError) -> ComposeDraft? {
        try loadDrafts()[slot]
    }

    /// Every saved draft by slot (the form on screen, and each endpoint's).
    public func loadDrafts() throws(HistoryError) -> [String: ComposeDraft] {
        try read { db throws(SQLiteError) in
            var pieces: [String: String] = [:]
            for row in try db.run("SELECT key, text FROM draft_piece") {
                if let key = row.text(0) { pieces[key] = row.text(1) ?? "" }
            }
            var drafts: [String: ComposeDraft] = [:]
            for row in try db.run("SELECT endpoint, request_json, field_drafts, saved_at, slot, request_pieces, drafts_pieces FROM draft") {
                guard let slot = row.text(4) else { continue }
                var draft = Self.draft(row, pieces: pieces, catalog: storedCatalog)
                // Edits saved since the pieces (DraftPatch), each row on what the one before made
                // of the pieces they were made against; up to the first that does not apply.
                let lists = DraftPatch.baseName(requestList: row.text(5) ?? "", draftsList: row.text(6) ?? "")
                var request = draft.requestJSON, typed = Self.draftsText(row, pieces)
                var previous: String?, savedAt: Double?
                for index in 0..<DraftPatch.maxRows {
                    guard let text = pieces[DraftPatch.key(slot: slot, index: index)], let patch = DraftPatch(text: text),
                          patch.base == DraftPatch.chainName(base: lists, previousRow: previous),
                          let nextRequest = DraftPatch.apply(patch.request, to: request),
                          let nextTyped = DraftPatch.apply(patch.drafts, to: typed) else { break }
                    (request, typed, previous, savedAt) = (nextRequest, nextTyped, text, patch.savedAt)
                }
                if let savedAt {
                    draft = Self.draft(row, pieces: pieces, catalog: storedCatalog, requestJSON: request, draftsText: typed)
                    draft.savedAt = Date(timeIntervalSince1970: savedAt)
                }
                drafts[slot] = draft
            }
            return drafts
        }
    }

    private static func pieceNames(_ list: String?) -> [String] {
        (list ?? "").split(separator: " ").map(String.init)
    }

    /// A draft's text from its pieces, or as a draft saved before migration 10
    /// kept it whole; nil when a piece is missing (the whole column is then used).
    private static func assemble(_ list: String?, _ pieces: [String: String]) -> String? {
        guard let list else { return nil }
        let names = pieceNames(list)
        // Sized once: grown by appends, a megabyte's draft read at start kept
        // a buffer of twice its size for the session (2.1 MB for 1 MB, burst18).
        var size = 0
        for name in names {
            guard let piece = pieces[name] else { return nil }
            size += piece.utf8.count
        }
        var text = ""
        text.reserveCapacity(size)
        for name in names {
            guard let piece = pieces[name] else { return nil }
            text += piece
        }
        return text
    }

    private static func draftsText(_ row: SQLiteRow, _ pieces: [String: String]) -> String {
        assemble(row.text(6), pieces) ?? row.text(2) ?? "{}"
    }

    private static func draft(_ row: SQLiteRow, pieces: [String: String], catalog: EndpointCatalog,
                              requestJSON: String? = nil, draftsText: String? = nil) -> ComposeDraft {
        var fieldDrafts: [String: String] = [:]
        let draftsText = draftsText ?? Self.draftsText(row, pieces)
        if let object = (try? JSONParser.parse(draftsText))?.objectValue {
            for (key, value) in object { if let text = value.stringValue { fieldDrafts[key] = text } }
        }
        return ComposeDraft(endpoint: catalog.resolve(storageKey: row.text(0) ?? ""),
                            requestJSON: requestJSON ?? assemble(row.text(5), pieces) ?? row.text(1) ?? "{}", fieldDrafts: fieldDrafts,
                            savedAt: Date(timeIntervalSince1970: row.double(3) ?? 0))
    }

    // MARK: Model lists (migration 4)

    /// Keeps a list read from a service, replacing the one kept before.
    public func saveModelList(_ list: ModelList, service: String) throws(HistoryError) {
        let items = JSONWriter.compact(.array(list.items.map { item in
            .object(dropping: [("name", .string(item.name)),
                               ("display", item.displayName.isEmpty ? nil : .string(item.displayName)),
                               ("base", item.baseModel.isEmpty ? nil : .string(item.baseModel))])
        }))
        try write { db throws(SQLiteError) in
            try db.run("""
                INSERT INTO model_list (service, kind, path, fetched_at, complete, item_count, items_json) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (service, kind) DO UPDATE SET path = excluded.path, fetched_at = excluded.fetched_at,
                    complete = excluded.complete, item_count = excluded.item_count, items_json = excluded.items_json
                """, [.text(service), .text(list.kind.rawValue), .text(list.path), .double(list.fetchedAt.timeIntervalSince1970),
                      .int(list.complete ? 1 : 0), .int(list.items.count), .text(items)])
        }
    }

    /// Every list kept for a service, by kind. Rows are read as untrusted as
    /// the service's answer they came from (another zqt, or a hand, wrote them).
    public func loadModelLists(service: String) throws(HistoryError) -> [ModelListKind: ModelList] {
        let rows = try read { db throws(SQLiteError) in
            try db.run("SELECT kind, path, fetched_at, complete, items_json FROM model_list WHERE service = ?", [.text(service)])
        }
        var lists: [ModelListKind: ModelList] = [:]
        for row in rows {
            guard let kind = ModelListKind(rawValue: row.text(0) ?? ""),
                  let array = (try? JSONParser.parse(row.text(4) ?? "[]"))?.arrayValue else { continue }
            let items = array.prefix(ModelListReader.maxItems).compactMap { value -> ModelItem? in
                guard let name = value["name"]?.stringValue else { return nil }
                return ModelItem(checkedName: name, display: value["display"]?.stringValue, base: value["base"]?.stringValue)
            }
            lists[kind] = ModelList(kind: kind, items: items, fetchedAt: Date(timeIntervalSince1970: row.double(2) ?? 0),
                                    path: row.text(1) ?? kind.defaultPath, complete: (row.int(3) ?? 0) != 0)
        }
        return lists
    }
}

extension HistoryError {
    /// A full disk, a read-only folder or a refused permission behind the error (issue 21).
    public var diskFault: DiskFault? {
        switch self {
        case let .unreadable(_, error), let .write(_, error), let .migrationFailed(_, _, error): return error.diskFault
        case let .cannotCreateFolder(_, reason): return DiskFault.allCases.first { $0.words == reason }
        case .newerSchema, .journalWithoutDatabase: return nil
        }
    }

    /// Whether no send may go out while the history is so (issue 21): its row
    /// could not be written, and an accepted task must always have its row.
    /// The disk's refusals, and a newer zqt's history (read, never written).
    public var refusesSends: Bool {
        if case .newerSchema = self { return true }
        return diskFault != nil
    }
}

/// The stores `HistoryStore.open(inFolder:)` gave, held weakly: what
/// `closeEveryOpenStore()` closes as the process ends.
final class OpenStores: @unchecked Sendable {
    static let shared = OpenStores()
    private struct Entry { weak var store: HistoryStore? }
    private var entries: [Entry] = []
    private let lock = Lock()

    func add(_ store: HistoryStore) {
        lock.withLock {
            entries.removeAll { $0.store == nil }
            entries.append(Entry(store: store))
        }
    }

    func living() -> [HistoryStore] { lock.withLock { entries.compactMap(\.store) } }
}
