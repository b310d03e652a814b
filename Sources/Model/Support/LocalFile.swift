// A local file's size, read with stat(2) before a bounded read. The
// attribute dictionary's size did not read as an Int in a release build
// (the bound then read as 0 and let any size through): stat says it plainly.

#if canImport(Glibc)
import Glibc
#endif

public enum LocalFile {
    /// The size of a regular file; nil when there is none at `path` or it is
    /// a directory, a device or a pipe (which has no size to bound a read by).
    public static func regularFileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }
}
