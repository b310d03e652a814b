// A directory entry's name, read where readdir put it. Glibc's `struct
// dirent` declares `d_name` as 256 bytes, but an entry in readdir's buffer is
// only as long as its name (`d_reclen`): `entry.pointee.d_name` copies all
// 256, past the end of a short last entry. When that entry ends readdir's
// buffer at the edge of mapped memory (a thread's malloc arena), the copy
// faulted: the segmentation fault an issue-19 newcomer saw once at a start,
// caught in a core at issue 20's re-check (UnsavedDraftsFile.newest, on its
// own thread, reading /tmp's 30,000 names; SystemTrustStore reads
// /etc/ssl/certs the same way). The name is read up to its NUL, no further.

#if canImport(Glibc)
import Glibc
#endif

public enum DirectoryEntryName {
    /// Where `d_name` starts in an entry (19 on Linux x86_64 and arm64).
    static let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19

    /// The entry's name as text (bytes that are not UTF-8 repaired, as a name shown or compared needs).
    public static func of(_ entry: UnsafePointer<dirent>) -> String {
        String(cString: UnsafeRawPointer(entry).advanced(by: offset).assumingMemoryBound(to: CChar.self))
    }

    public static func of(_ entry: UnsafeMutablePointer<dirent>) -> String { of(UnsafePointer(entry)) }
}
