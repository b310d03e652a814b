// Reading a local file the user names (the catalog file, a request to load)
// with a bound: its size is read with stat(2) first. The attribute
// dictionary's size did not read as an Int in a release build (the bound
// then read as 0 and let any size through): stat says it plainly.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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

    /// Why a file's text was not read; each caller words it for its place.
    public enum ReadFault: Error, Equatable {
        case missing
        case notRegular
        case tooLarge
        case unreadable
        case notUTF8
    }

    /// A regular file's text, read whole when it is at most `maximumBytes`.
    public static func readText(_ path: String, maximumBytes: Int) -> Result<String, ReadFault> {
        guard FileManager.default.fileExists(atPath: path) else { return .failure(.missing) }
        guard let size = regularFileSize(path) else { return .failure(.notRegular) }
        guard size <= maximumBytes else { return .failure(.tooLarge) }
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(.unreadable) }
        guard let text = String(validating: data, as: UTF8.self) else { return .failure(.notUTF8) }
        return .success(text)
    }

    /// A regular file's bytes, read whole when it is at most `maximumBytes` (a picture to read a request from).
    public static func readBytes(_ path: String, maximumBytes: Int) -> Result<[UInt8], ReadFault> {
        guard FileManager.default.fileExists(atPath: path) else { return .failure(.missing) }
        guard let size = regularFileSize(path) else { return .failure(.notRegular) }
        guard size <= maximumBytes else { return .failure(.tooLarge) }
        guard let data = FileManager.default.contents(atPath: path), data.count <= maximumBytes else { return .failure(.unreadable) }
        return .success([UInt8](data))
    }
}
