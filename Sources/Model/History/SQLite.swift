// A thin layer over SQLite's C API: a connection, prepared statements with
// typed binding and reading, transactions, and errors that say what failed.
//
// Why not GRDB: it imports the full Foundation (and with it ICU), which with
// GRDB itself adds about 9.5 MB resident to a program that only loaded
// FoundationEssentials; zqt's whole budget is 25 MB (issue 3). Measured on
// a minimal ncurses program, 120x40 tmux, release: FoundationEssentials
// 12.9 MB, + SQLite directly 14.3 MB, + GRDB (and Foundation) 22.4 MB.
// The history needs a handful of statements, which this covers.

import CSQLite

public struct SQLiteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// SQLite's primary result code (SQLITE_BUSY, SQLITE_CORRUPT, ...).
    public let code: Int32
    /// SQLite's message, after the plain words of a disk fault when it is one
    /// ("the disk is full (database or disk is full)", issue 21).
    public let message: String
    /// A full disk, a read-only folder or a refused permission behind the error.
    public let diskFault: DiskFault?

    public init(code: Int32, message: String, systemErrno: Int32 = 0) {
        self.code = code
        let fault = DiskFault(sqliteCode: code, errno: systemErrno)
        diskFault = fault
        self.message = fault.map { "\($0.words) (\(message))" } ?? message
    }

    public var description: String { message }

    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
    /// The file is not a database, or is damaged.
    public var isCorrupt: Bool { code == SQLITE_CORRUPT || code == SQLITE_NOTADB }
}

/// A value for a statement parameter.
public enum SQLiteValue: Sendable, Equatable {
    case null
    case int(Int)
    case double(Double)
    case text(String)
}

public final class SQLiteConnection {
    let handle: OpaquePointer
    public let path: String

    /// Opens (creating it when `create`) the database at `path`.
    /// `immutable` (read-only only): opened as sqlite.org/uri.html's
    /// `?mode=ro&immutable=1`, with no lock, no -shm and no log: the one way
    /// to read a WAL database whose folder cannot take its -shm (wal.html,
    /// "Read-Only Databases"; issue 21: a read-only home could not be read).
    public init(path: String, create: Bool = true, readOnly: Bool = false, immutable: Bool = false) throws(SQLiteError) {
        var handle: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX  // one connection per thread of use; HistoryStore serialises
        flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        let target = readOnly && immutable ? Self.fileURI(path) + "?mode=ro&immutable=1" : path
        if target != path { flags |= SQLITE_OPEN_URI }
        let result = sqlite3_open_v2(target, &handle, flags, nil)
        guard result == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(result))
            let systemErrno = handle.map { sqlite3_system_errno($0) } ?? 0
            sqlite3_close_v2(handle)
            throw SQLiteError(code: result & 0xff, message: message, systemErrno: systemErrno)
        }
        self.handle = handle
        self.path = path
        OpenConnections.shared.opened()
        sqlite3_extended_result_codes(handle, 0)
    }

    /// Closed early (`close()`): the handle is SQLite's no more.
    public private(set) var isClosed = false

    /// Closes the connection now rather than when the last reference goes
    /// (a process ending by exit() never releases it): the last connection
    /// to a WAL database closed copies the log back and deletes the -wal and
    /// -shm files (sqlite.org/wal.html, "Persistence of WAL mode"). No use
    /// may follow; the owner checks `isClosed` (HistoryStore does, under its lock).
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        sqlite3_close_v2(handle)
        OpenConnections.shared.closed()
    }

    deinit { close() }

    /// `path` as a `file:` URI: every byte but letters, digits, `/` and
    /// `-._~` written %HH, so a `?`, `#` or `%` in a folder's name is the
    /// name's (uri.html); an absolute path after an empty authority
    /// (`file:///…`), so one starting `//` names no host.
    static func fileURI(_ path: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._~".utf8)
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes = Array((path.hasPrefix("/") ? "file://" : "file:").utf8)
        for byte in path.utf8 {
            if plain.contains(byte) { bytes.append(byte) } else { bytes += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Waits up to `milliseconds` for another process's lock instead of failing at once.
    public func setBusyTimeout(milliseconds: Int32) { sqlite3_busy_timeout(handle, milliseconds) }

    /// Bytes this connection's page cache holds now (SQLITE_DBSTATUS_CACHE_USED).
    public var cacheUsed: Int {
        guard !isClosed else { return 0 }
        var now: Int32 = 0, highest: Int32 = 0
        sqlite3_db_status(handle, SQLITE_DBSTATUS_CACHE_USED, &now, &highest, 0)
        return Int(now)
    }

    /// Pages this connection found in its page cache and read from the file
    /// since it was opened (SQLITE_DBSTATUS_CACHE_HIT and _MISS): how well
    /// a cache of its size serves what it reads (`zqt bench history`).
    public var cacheHitsAndMisses: (hits: Int, misses: Int) {
        guard !isClosed else { return (0, 0) }
        var hits: Int32 = 0, misses: Int32 = 0, highest: Int32 = 0
        sqlite3_db_status(handle, SQLITE_DBSTATUS_CACHE_HIT, &hits, &highest, 0)
        sqlite3_db_status(handle, SQLITE_DBSTATUS_CACHE_MISS, &misses, &highest, 0)
        return (Int(hits), Int(misses))
    }

    var lastError: SQLiteError {
        SQLiteError(code: sqlite3_errcode(handle) & 0xff, message: String(cString: sqlite3_errmsg(handle)),
                    systemErrno: sqlite3_system_errno(handle))
    }

    /// Runs SQL that returns no rows (several statements allowed).
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &message)
        guard result == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(result))
            sqlite3_free(message)
            throw SQLiteError(code: result & 0xff, message: text, systemErrno: sqlite3_system_errno(handle))
        }
    }

    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw lastError }
        return SQLiteStatement(statement, connection: self)
    }

    /// Runs one statement with parameters; returns the rows it produced.
    @discardableResult
    public func run(_ sql: String, _ parameters: [SQLiteValue] = []) throws(SQLiteError) -> [SQLiteRow] {
        let statement = try prepare(sql)
        try statement.bind(parameters)
        return try statement.all()
    }

    /// The first column of the first row, as an integer.
    public func scalar(_ sql: String, _ parameters: [SQLiteValue] = []) throws(SQLiteError) -> Int? {
        try run(sql, parameters).first?.int(0)
    }

    public var lastInsertRowID: Int { Int(sqlite3_last_insert_rowid(handle)) }
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` in a transaction. IMMEDIATE takes the write lock up front,
    /// so two processes never both read and then fail to upgrade (SQLITE_BUSY).
    public func transaction<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// One row read by a statement, its columns copied out.
public struct SQLiteRow: Sendable {
    public let values: [SQLiteValue]

    public func int(_ column: Int) -> Int? {
        switch values[column] {
        case let .int(i): return i
        case let .double(d): return WholeNumber.from(d)  // a REAL of 1e300 is no Int: never a trap (issue 8)
        case let .text(t): return Int(t)
        case .null: return nil
        }
    }

    public func double(_ column: Int) -> Double? {
        switch values[column] {
        case let .int(i): return Double(i)
        case let .double(d): return d
        case let .text(t): return Double(t)
        case .null: return nil
        }
    }

    public func text(_ column: Int) -> String? {
        switch values[column] {
        case let .text(t): return t
        case let .int(i): return String(i)
        case let .double(d): return String(d)
        case .null: return nil
        }
    }
}

public final class SQLiteStatement {
    private let statement: OpaquePointer
    private let connection: SQLiteConnection

    init(_ statement: OpaquePointer, connection: SQLiteConnection) {
        self.statement = statement
        self.connection = connection
    }

    deinit { sqlite3_finalize(statement) }

    public func bind(_ parameters: [SQLiteValue]) throws(SQLiteError) {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        try Self.bind(parameters, to: statement, db: connection)
    }

    /// Binds `parameters` to a statement of `db`'s, from the first: this
    /// one's, or one kept prepared elsewhere (CandidateList's).
    static func bind(_ parameters: [SQLiteValue], to statement: OpaquePointer, db connection: SQLiteConnection) throws(SQLiteError) {
        for (offset, value) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .null: result = sqlite3_bind_null(statement, index)
            case let .int(i): result = sqlite3_bind_int64(statement, index, Int64(i))
            case let .double(d): result = sqlite3_bind_double(statement, index, d)
            case let .text(t):
                // By its length, not up to a NUL (issue 23): a service's text after a NUL is kept too.
                var bytes = Array(t.utf8)
                if bytes.isEmpty { bytes = [0] }
                result = bytes.withUnsafeBufferPointer { buffer in
                    buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                        sqlite3_bind_text(statement, index, $0, Int32(clamping: t.utf8.count), zqt_sqlite_transient())
                    }
                }
            }
            guard result == SQLITE_OK else { throw connection.lastError }
        }
    }

    /// Steps on: true at a row, false when done.
    private func advance() throws(SQLiteError) -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = connection.lastError
            sqlite3_reset(statement)
            throw error
        }
    }

    /// The next row, or nil when done.
    public func step() throws(SQLiteError) -> SQLiteRow? {
        guard try advance() else { return nil }
        let count = sqlite3_column_count(statement)
        var values: [SQLiteValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            switch sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER: values.append(.int(Int(sqlite3_column_int64(statement, column))))
            case SQLITE_FLOAT: values.append(.double(sqlite3_column_double(statement, column)))
            case SQLITE_NULL: values.append(.null)
            default:
                // By its length, as it was bound: a NUL inside is part of the text
                // (the length asked after the text, as SQLite's documentation says).
                let pointer = sqlite3_column_text(statement, column)
                let count = Int(sqlite3_column_bytes(statement, column))
                let text = pointer.map { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) } ?? ""
                values.append(.text(text))
            }
        }
        return SQLiteRow(values: values)
    }

    /// The first column of the next row read as a blob of native 64-bit
    /// integers (what zqt_row_ids gathers, CSQLite/shim.h), in its order;
    /// nil when there is no row. A blob whose length is not a whole number
    /// of integers gives the whole ones only.
    func stepIntegers() throws(SQLiteError) -> [Int]? {
        guard try advance() else { return nil }
        let size = MemoryLayout<Int64>.size
        let count = Int(sqlite3_column_bytes(statement, 0)) / size
        guard count > 0, let blob = sqlite3_column_blob(statement, 0) else { return [] }
        return (0..<count).map { Int(truncatingIfNeeded: blob.loadUnaligned(fromByteOffset: $0 * size, as: Int64.self)) }
    }

    public func all() throws(SQLiteError) -> [SQLiteRow] {
        var rows: [SQLiteRow] = []
        while let row = try step() { rows.append(row) }
        return rows
    }
}
