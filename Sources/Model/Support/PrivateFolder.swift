// zqt's data folder ($ZQT_HOME) holds every prompt and request sent
// (history.sqlite and its -wal/-shm), the drafts and the kept pictures: it is
// the user's alone (issue 23), as ssh and gpg keep theirs. The folder and the
// folders in it are made 0700, the files zqt writes there 0600, whatever the
// umask; SQLite gives the -wal and -shm files the mode of the database.
// A folder zqt made before, open to others, is tightened once, with a note.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

public enum PrivateFolder {
    public static let folderMode: mode_t = 0o700
    public static let fileMode: mode_t = 0o600

    /// Creates `path` (and the folders above it that are missing) 0700;
    /// an existing folder is left as it is. True when it is there.
    @discardableResult
    public static func ensure(_ path: String) -> Bool {
        var info = stat()
        if stat(path, &info) == 0 { return (info.st_mode & S_IFMT) == S_IFDIR }
        let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        if !parent.isEmpty, parent != path { ensure(parent) }
        // mkdir's mode is cut by the umask, chmod is not.
        guard mkdir(path, folderMode) == 0 || errno == EEXIST else { return false }
        chmod(path, folderMode)
        return true
    }

    /// Makes a file zqt wrote in its folder the user's alone.
    public static func restrict(_ file: String) {
        chmod(file, fileMode)
    }

    /// The data folder made ready: created 0700 when missing; when it is
    /// zqt's (it holds the history or images/) and others may read or enter
    /// it, tightened to 0700 with its history files 0600 and its pictures
    /// 0600, and the note that says so returned.
    public static func prepareHome(_ home: String) -> String? {
        var info = stat()
        guard stat(home, &info) == 0 else {
            ensure(home)
            return nil
        }
        let mode = info.st_mode & 0o777
        guard (info.st_mode & S_IFMT) == S_IFDIR, mode & 0o077 != 0, isZqts(home), info.st_uid == getuid() else { return nil }
        guard chmod(home, folderMode) == 0 else { return nil }
        for suffix in ["", "-wal", "-shm", "-journal"] { restrict(home + "/history.sqlite" + suffix) }
        tightenTree(home + "/images")
        return "zqt: \(home) was readable by other users (mode \(String(mode, radix: 8))); it is now 0700 and its files 0600 (it holds your history and pictures)"
    }

    /// Whether a folder is one zqt made: it holds the history or the images folder.
    static func isZqts(_ folder: String) -> Bool {
        var info = stat()
        return stat(folder + "/history.sqlite", &info) == 0 || stat(folder + "/images", &info) == 0
    }

    /// Folders 0700 and files 0600 under `folder` (zqt's images: a folder per task, files in it).
    private static func tightenTree(_ folder: String) {
        var info = stat()
        guard lstat(folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return }
        chmod(folder, folderMode)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            let path = folder + "/" + name
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: tightenTree(path)
            case S_IFREG: restrict(path)
            default: break  // a link is never followed out of the folder
            }
        }
    }
}
