// Why a write to the disk failed, in the words a user reads (issue 21):
// a full disk, a read-only folder, a refused permission. SQLite's own
// messages ("database or disk is full", "disk I/O error", "attempt to write
// a readonly database", "unable to open database file") say what SQLite
// saw, not what to do; the system's errno behind them does, and SQLite
// keeps it (sqlite3_system_errno). Every writer of zqt's files (the history,
// the drafts in it, kept pictures) says its fault through this.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum DiskFault: String, Sendable, Equatable, CaseIterable {
    /// ENOSPC, EDQUOT, SQLITE_FULL.
    case full
    /// EROFS, SQLITE_READONLY.
    case readOnly
    /// EACCES, EPERM, SQLITE_PERM.
    case permission

    /// The plain words, to follow "cannot write X: ".
    public var words: String {
        switch self {
        case .full: return "the disk is full"
        case .readOnly: return "the folder is read-only"
        case .permission: return "permission denied"
        }
    }

    /// The fault a system error number says, if it is one of these.
    public init?(errno number: Int32) {
        switch number {
        case ENOSPC, EDQUOT: self = .full
        case EROFS: self = .readOnly
        case EACCES, EPERM: self = .permission
        default: return nil
        }
    }

    /// SQLite's primary result code with the errno it saw: the errno first
    /// (SQLITE_IOERR and SQLITE_CANTOPEN carry ENOSPC, EROFS or EACCES in
    /// it), else the code itself when it says one of these. The errno is
    /// read for the codes of the file system only: it is the last system
    /// call's, and a constraint or a damaged page has none of its own.
    public init?(sqliteCode code: Int32, errno number: Int32) {
        let fileSystemCodes: Set<Int32> = [3, 8, 10, 13, 14]  // PERM, READONLY, IOERR, FULL, CANTOPEN
        guard fileSystemCodes.contains(code) else { return nil }
        if let fault = DiskFault(errno: number) {
            self = fault
            return
        }
        switch code {
        case 13: self = .full  // SQLITE_FULL
        case 8: self = .readOnly  // SQLITE_READONLY
        case 3: self = .permission  // SQLITE_PERM
        default: return nil
        }
    }

    /// "cannot write PATH: the disk is full" for a failed system call's errno,
    /// else the system's own words for it.
    public static func reason(errno number: Int32) -> String {
        DiskFault(errno: number)?.words ?? String(cString: strerror(number))
    }
}

extension SendWording {
    /// "cannot write PATH: the disk is full" (issue 21).
    public static func cannotWrite(_ path: String, errno number: Int32) -> String {
        "\(cannotWrite(path)): \(DiskFault.reason(errno: number))"
    }
}
