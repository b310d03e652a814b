// A local picture named in an image field, checked before anything is sent:
// it exists, is a regular file, is no larger than the limit, and is a PNG,
// JPEG or WebP by its header (ImageHeader). Each fault is a message the
// caller prefixes with the field's name.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

public struct LocalPicture: Sendable {
    /// The file as it was opened (`~` expanded, made absolute).
    public let path: String
    public let bytes: [UInt8]
    public let header: ImageHeader
    /// SHA-256 of the bytes, hex.
    public let sha256: String

    /// Larger pictures are refused: the service's own inputs are a few MB, and
    /// a file of hundreds of MB named by mistake must not be read into memory.
    public static let sizeLimit = 20 << 20

    /// `~` and `~/…` expanded with HOME; a relative path resolved against `directory`.
    public static func absolutePath(_ text: String, directory: String, environment: [String: String]) -> String {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.homeDirectoryForCurrentUser.path
        // The form's rule (Tab completion, the picker): one meaning for a typed path.
        return PathCompletion.expand(text.trimmed, home: home, currentFolder: directory)
    }

    /// Reads and checks the file at an absolute path.
    public static func load(_ path: String, sizeLimit: Int = LocalPicture.sizeLimit) throws(UploadFailure) -> LocalPicture {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { throw UploadFailure("no such file", missingFile: path) }
            throw UploadFailure("cannot be read (\(String(cString: strerror(errno))))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw UploadFailure((info.st_mode & S_IFMT) == S_IFDIR ? "is a folder, not a picture" : "is not a regular file")
        }
        guard Int(info.st_size) <= sizeLimit else {
            throw UploadFailure("is \(megabytes(Int(info.st_size))) MB; a picture to upload may be at most \(megabytes(sizeLimit)) MB")
        }
        // Read at most one byte past the limit: the file may have grown since stat.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw UploadFailure("cannot be read (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: min(Int(info.st_size), sizeLimit) + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes[count...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw UploadFailure("cannot be read (\(String(cString: strerror(errno))))") }
            if n == 0 { break }
            count += n
        }
        bytes.removeSubrange(count...)
        guard bytes.count <= sizeLimit else {
            throw UploadFailure("is over \(megabytes(sizeLimit)) MB; a picture to upload may be at most \(megabytes(sizeLimit)) MB")
        }
        guard let header = ImageHeader.read(bytes) else {
            throw UploadFailure(bytes.isEmpty ? "is empty" : "is not a PNG, JPEG or WebP picture")
        }
        let hash: [UInt8]
        do throws(Digest.Unavailable) {
            hash = try Digest.sha256(bytes)
        } catch {
            throw UploadFailure(error.description)
        }
        return LocalPicture(path: path, bytes: bytes, header: header, sha256: Digest.hex(hash))
    }

    static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + (1 << 20) / 2) / (1 << 20)
        return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}
