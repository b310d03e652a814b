// `zqt history check` and `zqt history recover` (issue 21): what is wrong
// with a history file, and a new file holding every row SQLite can still
// read from a damaged one. Neither ever writes to the file it reads: the
// check opens it read-only, and recovery copies rows into a new file, then
// moves the damaged one aside (with its -wal and -shm) rather than deleting it.
//
// The Debian SQLite has no recovery API (sqlite3_recover is a shell
// extension), so rows are copied table by table, by rowid, stepping past the
// ranges a damaged page hides.

import CSQLite
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public enum HistoryRepair {
    /// What `check` found.
    public enum Finding: Sendable, Equatable {
        /// No history file (and no stray journal): a new one is made at the next start.
        case missing
        /// Readable, its integrity check passed; the rows it holds.
        case healthy(schema: Int, submissions: Int)
        /// Written by a newer zqt: read-only for this one.
        case newer(schema: Int, known: Int, submissions: Int?)
        /// SQLite reads it but finds damage: the first problems it reports.
        case damaged(problems: [String])
        /// Not an SQLite database at all (overwritten, truncated to nothing useful).
        case notADatabase(String)
        /// A write-ahead log whose database is missing: opening would throw the log away.
        case journalWithoutDatabase(journal: String)
        /// It could not be opened (permissions, a folder in its place).
        case unreadable(String)
    }

    /// The files that belong to a history at `path`: itself, its WAL and shared memory.
    static let companions = ["", "-wal", "-shm"]

    /// A WAL left without its database: SQLite would start an empty
    /// database and reset the log, losing the rows it holds.
    public static func strayJournal(atHistory path: String) -> String? {
        var info = stat()
        let databaseMissing = stat(path, &info) != 0 || info.st_size == 0
        var journal = stat()
        guard databaseMissing, stat(path + "-wal", &journal) == 0, journal.st_size > 0 else { return nil }
        return path + "-wal"
    }

    /// Looks at the history at `path` without writing to it.
    public static func check(path: String) -> Finding {
        if let journal = strayJournal(atHistory: path) { return .journalWithoutDatabase(journal: journal) }
        var info = stat()
        if stat(path, &info) != 0 { return .missing }
        if (info.st_mode & S_IFMT) != S_IFREG { return .unreadable("\(path) is not a regular file") }
        let db: SQLiteConnection
        do {
            // A folder that takes no -shm is checked through an immutable open, as zqt reads it (HistoryOpening).
            db = try HistoryOpening.openToRead(path).connection
        } catch {
            return error.code == SQLITE_NOTADB ? .notADatabase(error.message)
                : error.isCorrupt ? .damaged(problems: [error.message]) : .unreadable(error.message)
        }
        let schema = (try? db.scalar("PRAGMA user_version")) ?? 0
        let problems: [String]
        do {
            problems = try db.run("PRAGMA integrity_check(20)").compactMap { $0.text(0) }.filter { $0 != "ok" }
        } catch {
            return error.isCorrupt ? .damaged(problems: [error.message]) : .unreadable(error.message)
        }
        if !problems.isEmpty { return .damaged(problems: problems) }
        let submissions = try? db.scalar("SELECT count(*) FROM submission")
        if schema > HistorySchema.currentVersion {
            return .newer(schema: schema, known: HistorySchema.currentVersion, submissions: submissions)
        }
        guard let submissions else { return .damaged(problems: ["it has no submission table: not a zqt history"]) }
        return .healthy(schema: schema, submissions: submissions)
    }

    /// Why nothing can be written beside the history at `path` (a read-only
    /// folder or file, a full disk), if so: zqt reads it, and keeps nothing new (issue 21).
    public static func writeRefusal(atHistory path: String) -> DiskFault? {
        HistoryOpening.cannotWrite(path)
    }

    /// What recovery did.
    public struct Recovered: Sendable, Equatable {
        /// The new history, now at the history's path.
        public let path: String
        /// Where the damaged file (and its -wal, -shm) went.
        public let keptAside: String
        /// Rows copied, per table, and rows that could not be read.
        public let copied: [String: Int]
        public let unreadable: Int
    }

    public struct RecoveryFailure: Error, Sendable, Equatable {
        public let message: String
        /// Set when SQLite could read nothing of the file (not a database, its
        /// schema unreadable): SQLite's reason. The file is left where it was.
        public var nothingReadable: String? = nil
    }

    /// The tables a history's rows live in, in the order they are copied
    /// (parents first). Search indexes are rebuilt from the copied rows,
    /// and the model list cache is left to be read again.
    static let copiedTables = ["submission", "result", "upload", "draft", "draft_piece"]

    /// Copies what can be read from the history at `path` into a new file,
    /// moves the old one aside as `history.sqlite.damaged-STAMP` (its -wal and
    /// -shm beside it) and puts the new one in its place. `stamp` names the copy.
    public static func recover(path: String, stamp: String) throws(RecoveryFailure) -> Recovered {
        let journalOnly = strayJournal(atHistory: path) != nil
        let fresh = path + ".recovering-" + stamp
        let aside = path + ".damaged-" + stamp
        for suffix in companions { unlink(fresh + suffix) }
        var copied: [String: Int] = [:]
        var unreadable = 0
        do {
            // A journal alone is read through a database file made for it: SQLite reads a WAL only beside its database.
            let source: SQLiteConnection
            if journalOnly {
                let scratch = path + ".journal-" + stamp
                for suffix in companions { unlink(scratch + suffix) }
                // An empty database in WAL mode: SQLite deletes a log beside a zero-length file instead of reading it.
                do {
                    let empty = try SQLiteConnection(path: scratch)
                    let pageSize = walPageSize(path + "-wal") ?? 4096
                    try empty.execute("PRAGMA page_size = \(pageSize); PRAGMA journal_mode = WAL; CREATE TABLE scratch(x); DROP TABLE scratch")
                }
                unlink(scratch + "-wal")
                unlink(scratch + "-shm")
                guard copyFile(path + "-wal", to: scratch + "-wal") else {
                    throw RecoveryFailure(message: "cannot copy \(path)-wal: \(String(cString: strerror(errno)))")
                }
                defer { for suffix in companions { unlink(scratch + suffix) } }
                source = try SQLiteConnection(path: scratch, create: true, readOnly: false)
                (copied, unreadable) = try copyRows(from: source, into: fresh)
            } else {
                source = try SQLiteConnection(path: path, create: false, readOnly: true)
                source.setBusyTimeout(milliseconds: 5000)
                // A file shorter than its header says (truncated) is refused whole unless the schema is
                // trusted as it stands; on this read-only connection that writes nothing.
                try source.execute("PRAGMA writable_schema = ON")
                (copied, unreadable) = try copyRows(from: source, into: fresh)
            }
        } catch let error as RecoveryFailure {
            for suffix in companions { unlink(fresh + suffix) }
            throw error
        } catch {
            for suffix in companions { unlink(fresh + suffix) }
            if let sqlite = error as? SQLiteError, sqlite.code == SQLITE_NOTADB {
                throw RecoveryFailure(message: sqlite.message, nothingReadable: sqlite.message)
            }
            throw RecoveryFailure(message: "\(error)")
        }
        // The damaged files go aside first; the new one then takes the name. A failure between leaves both, named.
        for suffix in companions where access(path + suffix, F_OK) == 0 {
            guard rename(path + suffix, aside + suffix) == 0 else {
                throw RecoveryFailure(message: "cannot move \(path + suffix) aside: \(String(cString: strerror(errno))); the recovered rows are in \(fresh)")
            }
        }
        // The recovered file is the user's alone, as every history file is (issue 23):
        // SQLite made it with the umask's mode (0644 under umask 022, a newcomer found).
        PrivateFolder.restrict(fresh)
        guard rename(fresh, path) == 0 else {
            throw RecoveryFailure(message: "cannot put the recovered history in place: \(String(cString: strerror(errno))); it is \(fresh), the damaged one \(aside)")
        }
        return Recovered(path: path, keptAside: aside, copied: copied, unreadable: unreadable)
    }

    /// Every readable row of the copied tables into a new history at `fresh`.
    private static func copyRows(from source: SQLiteConnection, into fresh: String) throws -> ([String: Int], Int) {
        // A file SQLite cannot read at all gives no table: a "recovery" would put an empty history in its
        // place and say "recovered 0", exit 0 (a newcomer's finding). Refused, the file left where it is.
        let tables: Set<String>
        do throws(SQLiteError) {
            tables = Set(try source.run("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.text(0) })
        } catch {
            throw RecoveryFailure(message: error.message, nothingReadable: error.message)
        }
        guard !tables.isDisjoint(with: copiedTables) else {
            throw RecoveryFailure(message: "no zqt table can be read in it", nothingReadable: "no zqt table can be read in it")
        }
        let target = try SQLiteConnection(path: fresh)
        try target.execute("PRAGMA journal_mode = DELETE; PRAGMA foreign_keys = OFF")
        try HistorySchema.migrate(target)
        var copied: [String: Int] = [:]
        var unreadable = 0
        try target.transaction { () throws(SQLiteError) in
            for table in copiedTables {
                let columns = shared(columnsOf: table, in: source, and: target)
                guard !columns.isEmpty else { continue }
                let (count, lost) = try copy(table: table, columns: columns, from: source, into: target)
                copied[table] = count
                unreadable += lost
            }
            // Rows whose submission was lost have nothing to belong to.
            try target.execute("""
            DELETE FROM result WHERE submission_id NOT IN (SELECT id FROM submission);
            DELETE FROM upload WHERE submission_id NOT IN (SELECT id FROM submission);
            """)
            // The word index is rebuilt from the rows (the trigram index followed each insert).
            let rows = try target.run("SELECT id, prompt, model, result_text FROM submission")
            let insert = try target.prepare("INSERT INTO submission_words(rowid, words) VALUES (?, ?)")
            for row in rows {
                try insert.bind([.int(row.int(0) ?? 0), .text(HistoryWords.text(prompt: row.text(1) ?? "", model: row.text(2) ?? "",
                                                                                  results: row.text(3) ?? ""))])
                _ = try insert.step()
            }
        }
        try target.execute("PRAGMA foreign_keys = ON")
        return (copied, unreadable)
    }

    /// The stored (not generated) columns both files have for `table`.
    private static func shared(columnsOf table: String, in source: SQLiteConnection, and target: SQLiteConnection) -> [String] {
        func columns(_ db: SQLiteConnection) -> [String] {
            // table_xinfo's 7th column is `hidden`: 0 for a stored column, 2 and 3 for generated ones.
            ((try? db.run("SELECT name, hidden FROM pragma_table_xinfo(?)", [.text(table)])) ?? [])
                .filter { ($0.int(1) ?? 0) == 0 }.compactMap { $0.text(0) }
        }
        let have = Set(columns(source))
        return columns(target).filter { have.contains($0) }
    }

    /// Copies `table` by rowid in batches; a batch that hits damage is read
    /// again row by row, and a row that cannot be read is counted and skipped.
    private static func copy(table: String, columns: [String], from source: SQLiteConnection,
                             into target: SQLiteConnection) throws(SQLiteError) -> (Int, Int) {
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let insert = try target.prepare("INSERT OR IGNORE INTO \(table) (\(list)) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))")
        let withoutRowID = table == "draft_piece"
        var copied = 0
        var lost = 0
        func put(_ row: SQLiteRow) throws(SQLiteError) {
            try insert.bind(Array(row.values.prefix(columns.count)))
            _ = try insert.step()
            copied += 1
        }
        if withoutRowID {
            // A WITHOUT ROWID table is read whole; damage in it loses it.
            let rows: [SQLiteRow]
            do throws(SQLiteError) {
                rows = try source.run("SELECT \(list) FROM \(table)")
            } catch {
                if !error.isCorrupt { throw error }
                return (0, 1)
            }
            for row in rows { try put(row) }
            return (copied, lost)
        }
        let highest = (try? source.scalar("SELECT max(rowid) FROM \(table)")) ?? nil
        var after = Int.min
        let batch = 256
        while true {
            let rows: [SQLiteRow]
            do throws(SQLiteError) {
                rows = try source.run("SELECT rowid, \(list) FROM \(table) WHERE rowid > ? ORDER BY rowid LIMIT \(batch)", [.int(after)])
            } catch {
                if !error.isCorrupt { throw error }
                // Row by row past the damage: the next rowid that reads.
                guard let next = step(past: after, table: table, list: list, source: source, highest: highest, lost: &lost) else { break }
                try put(SQLiteRow(values: Array(next.values.dropFirst())))
                after = next.int(0) ?? Int.max
                continue
            }
            if rows.isEmpty { break }
            for row in rows { try put(SQLiteRow(values: Array(row.values.dropFirst()))) }
            guard let last = rows.last?.int(0), last < Int.max else { break }
            after = last
        }
        return (copied, lost)
    }

    /// The first readable row after `after`, probing rowids one by one up
    /// to the highest the table's index names (bounded: a lost range is
    /// skipped in growing steps so a damaged page costs little).
    private static func step(past after: Int, table: String, list: String, source: SQLiteConnection,
                             highest: Int?, lost: inout Int) -> SQLiteRow? {
        var probe = after == Int.min ? 1 : after &+ 1
        var stride = 1
        let end = highest ?? (after == Int.min ? 1_000_000 : after &+ 1_000_000)
        while probe <= end {
            do {
                if let row = try source.run("SELECT rowid, \(list) FROM \(table) WHERE rowid = ?", [.int(probe)]).first { return row }
            } catch {
                lost += 1
                stride = min(stride * 2, 4096)
                probe = probe &+ stride
                continue
            }
            probe = probe &+ 1
        }
        return nil
    }

    /// The page size a write-ahead log's header names (bytes 8–11, big-endian).
    private static func walPageSize(_ path: String) -> Int? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 12)
        guard head.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, 12, 0) }) == 12 else { return nil }
        let size = head[8..<12].reduce(0) { $0 << 8 | Int($1) }
        return [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536].contains(size) ? size : nil
    }

    /// A byte-for-byte copy, streamed (a log can be large).
    private static func copyFile(_ from: String, to: String) -> Bool {
        let input = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else { return false }
        defer { close(input) }
        let output = open(to, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, PrivateFolder.fileMode)
        guard output >= 0 else { return false }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if got == 0 { return true }
            if got < 0 { if errno == EINTR { continue }; return false }
            var written = 0
            while written < got {
                let n = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, got - written) }
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
        }
    }
}

extension HistoryStore {
    /// The largest history `damageFound` reads whole before a send or a list:
    /// 32 MB (about 6,000 rows) is 10-40 ms of quick check (docs/history.md).
    public static let wholeFileCheckAtMostBytes = 32 << 20

    /// What SQLite's quick check finds wrong in the file (every page and its
    /// links, not each index against its table), nil when nothing: `zqt send`
    /// says it before writing its row into a damaged file, as the screen's
    /// first reads do, and `zqt history list` says it whether or not its rows
    /// met the damage (issue 21). Its own read-only connection: the store is
    /// not held meanwhile. Only a file of at most `wholeFileCheckAtMostBytes`
    /// is checked: the check reads every page, 134 s over the 5.4 GB of a
    /// million-row history (issue 18: a command's cost must not grow with the
    /// history); a larger file's damage is said when a read or a write meets
    /// it, and `zqt history check` reads it all on demand.
    public func damageFound() -> HistoryDamageFound? {
        guard let bytes = LocalFile.regularFileSize(path), bytes <= Self.wholeFileCheckAtMostBytes else { return nil }
        do throws(SQLiteError) {
            let db = try HistoryOpening.openToRead(path).connection
            db.setBusyTimeout(milliseconds: 5000)
            let problems = try db.run("PRAGMA quick_check(\(HistoryDamageFound.countedAtMost))").compactMap { $0.text(0) }.filter { $0 != "ok" }
            guard let first = problems.first else { return nil }
            return HistoryDamageFound(problems: problems.count, first: first)
        } catch {
            return error.isCorrupt ? HistoryDamageFound(problems: 1, first: error.message) : nil
        }
    }

    /// The rows among `ids` a whole read meets damage in (issue 21): a list
    /// reads a row's short columns only, while `zqt history show` reads all
    /// of it (its request, its answers, its results), so damage on the pages
    /// of the long ones is found only here. Another fault (a busy history)
    /// is not damage and is not counted.
    public func damagedRows(_ ids: [Int]) -> Set<Int> {
        var damaged: Set<Int> = []
        for id in ids {
            do throws(HistoryError) {
                _ = try record(id: id)
                _ = try uploads(id: id)
            } catch where error.isDamage {
                damaged.insert(id)
            } catch {}
        }
        return damaged
    }
}

/// What a quick check found in a damaged history: how many problems (SQLite's
/// own lines, which only `zqt history check` shows), the first of them.
public struct HistoryDamageFound: Sendable, Equatable {
    /// The check stops counting here: the number said is "N or more".
    public static let countedAtMost = 100
    public let problems: Int
    public let first: String
    public var countIsCapped: Bool { problems >= Self.countedAtMost }
}

// MARK: Who else has the history open (issue 21)

extension HistoryRepair {
    /// Beside the history: every zqt holds a shared lock on it while it has
    /// the history open; `recover` asks for it alone. The file itself stays
    /// (an empty file; removing it would let two holders lock two files).
    public static func inUsePath(ofHistory path: String) -> String { path + ".lock" }

    /// Takes the shared lock (flock, released by the kernel however the
    /// process ends: a kill leaves no stale mark). The descriptor to keep
    /// open, or -1 when the folder takes no file (read-only: nothing can be
    /// written there anyway).
    public static func markInUse(atHistory path: String) -> Int32 {
        let lockPath = inUsePath(ofHistory: path)
        var fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 { fd = open(lockPath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
        guard fd >= 0 else { return -1 }
        // A recovery under way holds it alone for a moment: wait for it a little, then go on unmarked.
        for _ in 0..<50 {
            if flock(fd, LOCK_SH | LOCK_NB) == 0 { return fd }
            guard errno == EWOULDBLOCK || errno == EINTR else { break }
            usleep(100_000)
        }
        close(fd)
        return -1
    }

    /// A process that has the history open: its pid and, when /proc says it, its command line.
    public struct User: Sendable, Equatable, CustomStringConvertible {
        public let pid: Int32
        public let command: String?
        public var description: String { command.map { "pid \(pid): \($0)" } ?? "pid \(pid)" }
    }

    /// Holds the history alone for a recovery: the descriptor (to close
    /// once it is done), or the others using it. Those are found by the
    /// lock (/proc/locks names its holders) and, for a zqt too old to take
    /// it, by the files every process has open (/proc/PID/fd).
    public static func holdAlone(atHistory path: String) -> Result<Int32, OthersUsing> {
        let lockPath = inUsePath(ofHistory: path)
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        var users: [User] = []
        if fd >= 0, flock(fd, LOCK_EX | LOCK_NB) != 0 {
            users = lockHolders(lockPath)
            if users.isEmpty { users = [User(pid: 0, command: nil)] }  // held, by whom /proc does not say
        }
        for user in openers(path) where !users.contains(where: { $0.pid == user.pid }) { users.append(user) }
        users.removeAll { $0.pid == getpid() }
        if users.isEmpty { return .success(fd) }
        if fd >= 0 { close(fd) }
        return .failure(OthersUsing(users: users))
    }

    public struct OthersUsing: Error, Sendable, Equatable {
        public let users: [User]
    }

    /// The pids /proc/locks gives for locks on the file (its device and inode).
    static func lockHolders(_ lockPath: String) -> [User] {
        var info = stat()
        guard stat(lockPath, &info) == 0, let text = readSmallFile("/proc/locks", limit: 1 << 20) else { return [] }
        let device = UInt64(info.st_dev)
        // gnu_dev_major/minor as the kernel prints them: "MAJ:MIN:INODE", the numbers in hex, hex, decimal.
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
        let minor = (device & 0xff) | ((device >> 12) & ~0xff)
        let wanted = String(major, radix: 16, uppercase: false).leftPadded(2) + ":" + String(minor, radix: 16).leftPadded(2)
            + ":" + String(info.st_ino)
        var users: [User] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            // "1: FLOCK  ADVISORY  READ  1234 08:01:5678 0 EOF" (a waiting lock adds "->" after the number)
            guard let at = fields.firstIndex(where: { $0 == wanted }), at >= 1, let pid = Int32(fields[at - 1]), pid > 0 else { continue }
            if !users.contains(where: { $0.pid == pid }) { users.append(User(pid: pid, command: commandLine(pid))) }
        }
        return users
    }

    /// Processes with the history itself open (/proc/PID/fd), for a zqt that takes no lock.
    static func openers(_ path: String) -> [User] {
        guard let resolved = realpath(path, nil) else { return [] }
        let target = String(cString: resolved)
        free(resolved)
        guard let proc = opendir("/proc") else { return [] }
        defer { closedir(proc) }
        var users: [User] = []
        while let entry = readdir(proc) {
            let name = DirectoryEntryName.of(entry)
            guard let pid = Int32(name), pid > 0, let fds = opendir("/proc/\(name)/fd") else { continue }
            defer { closedir(fds) }
            var buffer = [CChar](repeating: 0, count: 4096)
            while let fd = readdir(fds) {
                let fdName = DirectoryEntryName.of(fd)
                let count = readlink("/proc/\(name)/fd/\(fdName)", &buffer, buffer.count - 1)
                guard count > 0 else { continue }
                let link = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if link == target || link == target + "-wal" {
                    users.append(User(pid: pid, command: commandLine(pid)))
                    break
                }
            }
        }
        return users
    }

    /// The process's command line, its arguments joined by spaces, at most 200 characters, printable.
    static func commandLine(_ pid: Int32) -> String? {
        guard let text = readSmallFile("/proc/\(pid)/cmdline", limit: 4096) else { return nil }
        let joined = text.split(separator: "\0").joined(separator: " ")
        let printable = String(joined.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }
            .map(Character.init)).prefix(200)
        return printable.isEmpty ? nil : String(printable)
    }

    /// A /proc file read whole (its size is not known beforehand), up to `limit` bytes.
    static func readSmallFile(_ path: String, limit: Int) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let count = read(fd, &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk.prefix(count)
        }
        return String(decoding: bytes.prefix(limit), as: UTF8.self)
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
