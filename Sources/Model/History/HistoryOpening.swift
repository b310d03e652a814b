// How a history is opened (issue 21): to be written, as always, when its
// folder and file take writes; otherwise to be read only. A read-only mount,
// or a folder or file whose mode refuses this user, is no reason to show no
// history: the rows are there to be read, listed and exported.
//
// SQLite in WAL mode reads through a shared-memory file beside the database
// (-shm), made when missing. A history closed cleanly has none, and a folder
// that takes no new file cannot get one: even a read-only connection then
// fails with "unable to open database file". wal.html ("Read-Only Databases")
// gives the way: open it immutable (uri.html, `?mode=ro&immutable=1`), read
// with no lock and no -shm. A log (-wal) a zqt killed mid-session left beside
// it is then not read: its rows wait until the folder can be written.

#if canImport(Glibc)
import Glibc
#endif
import CSQLite

enum HistoryOpening {
    /// Why the history at `path` cannot be written, if it cannot: the folder
    /// takes no new file (the -shm, a new history, a recovery's copy) or the
    /// file itself refuses writes. Root writes through a mode that refuses,
    /// so for root only a read-only mount says no (EROFS), as it should.
    static func writeRefusal(_ path: String) -> DiskFault? {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        if access(folder.isEmpty ? "/" : folder, W_OK) != 0 { return DiskFault(errno: errno) ?? .permission }
        if access(path, F_OK) == 0, access(path, W_OK) != 0 { return DiskFault(errno: errno) ?? .permission }
        return nil
    }

    /// Whether the disk holding the history has no block left for this user
    /// (root: none at all) (issue 21, disk21d): SQLite cannot even open it to
    /// read there, as a reader makes the -wal and grows the -shm, and says
    /// only "disk I/O error". Such a history is read as a read-only one is.
    static func diskIsFull(_ path: String) -> Bool {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var info = statvfs()
        guard statvfs(folder.isEmpty ? "/" : folder, &info) == 0 else { return false }
        return (getuid() == 0 ? info.f_bfree : info.f_bavail) == 0
    }

    /// Why the history at `path` cannot be written, the disk's fullness included.
    static func cannotWrite(_ path: String) -> DiskFault? {
        writeRefusal(path) ?? (diskIsFull(path) ? .full : nil)
    }

    /// A read-only connection to the history at `path` that has read its
    /// schema: SQLite's own read-only open, else, when that cannot make the
    /// -shm in a folder that refuses writes, the file opened immutable
    /// (`snapshot`).
    static func openToRead(_ path: String) throws(SQLiteError) -> (connection: SQLiteConnection, snapshot: Bool) {
        do throws(SQLiteError) {
            let db = try SQLiteConnection(path: path, create: false, readOnly: true)
            db.setBusyTimeout(milliseconds: 5000)
            _ = try db.scalar("SELECT count(*) FROM sqlite_master")
            return (db, false)
        } catch where error.code == SQLITE_CANTOPEN && writeRefusal(path) != nil || diskIsFull(path) {
            let db = try SQLiteConnection(path: path, create: false, readOnly: true, immutable: true)
            _ = try db.scalar("SELECT count(*) FROM sqlite_master")
            return (db, true)
        }
    }

    /// Whether a log holding something sits beside the history (a zqt ended
    /// without closing it): read as a snapshot, its rows are not seen.
    static func hasLog(_ path: String) -> Bool {
        var info = stat()
        return stat(path + "-wal", &info) == 0 && info.st_size > 0
    }
}

extension DiskFault {
    /// A system error number that says this fault, for a refusal made
    /// without a system call (a history opened read-only refusing a write).
    var errorNumber: Int32 {
        switch self {
        case .full: return ENOSPC
        case .readOnly: return EROFS
        case .permission: return EACCES
        }
    }
}
