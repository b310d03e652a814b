// Your own files as inputs (issue 17): an image field may hold a local path;
// before the request is sent the file is checked, uploaded by the profile's
// uploader, and the URL it gets is what the service receives. The uploader
// is chosen per profile in config.toml (`[profiles.NAME.upload]`,
// UploadSettings.swift): an S3-compatible store, a command of the user's, or
// the sandbox's own upload endpoint.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where local pictures go before a send.
public protocol ImageUploader: Sendable {
    /// Names the store in history rows, to reuse an earlier upload only
    /// against the same store ("s3 http://host/bucket/prefix", "sandbox URL").
    /// Holds no secret.
    var store: String { get }
    /// Uploads one checked picture; its URL as the service will fetch it.
    func upload(_ image: LocalPicture) async throws(UploadFailure) -> UploadedImage
    /// Whether an earlier upload's URL may be sent again instead of uploading
    /// the same bytes anew (a presigned URL until shortly before it expires).
    func mayReuse(_ earlier: UploadRecord, now: Date) async -> Bool
}

/// An upload's answer.
public struct UploadedImage: Sendable, Equatable {
    public let url: String
    /// When the URL stops working (a presigned URL); nil: as long as the store keeps it.
    public let expiresAt: Date?

    public init(url: String, expiresAt: Date? = nil) {
        self.url = url
        self.expiresAt = expiresAt
    }
}

/// One local file of a request, uploaded: what its history row keeps.
public struct UploadRecord: Sendable, Equatable {
    /// The wire path of the value it replaced (`source_image`, `image_urls[2]`,
    /// `alwayson_scripts.controlnet.args[0].image`).
    public let field: String
    /// The path as the user wrote it (`~/face.jpg`, `./face.jpg`).
    public let localPath: String
    public let url: String
    /// The file's SHA-256, hex.
    public let sha256: String
    public let store: String
    public let expiresAt: Date?
    /// False when an earlier upload of the same bytes was sent again.
    public let uploaded: Bool

    public init(field: String, localPath: String, url: String, sha256: String, store: String, expiresAt: Date?, uploaded: Bool) {
        self.field = field
        self.localPath = localPath
        self.url = url
        self.sha256 = sha256
        self.store = store
        self.expiresAt = expiresAt
        self.uploaded = uploaded
    }
}

/// Why a request with local files was not sent; nothing was.
public struct UploadFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line for the status bar or stderr, naming the field and the file
    /// when the fault is one file's; never a secret.
    public let message: String
    /// The store could not be reached (try again later), rather than a file refused.
    public let network: Bool
    /// The absolute path that was looked for, when the fault is that no file
    /// is there: sending the same request again cannot help until one is.
    public let missingFile: String?

    public init(_ message: String, network: Bool = false, missingFile: String? = nil) {
        self.message = message
        self.network = network
        self.missingFile = missingFile
    }

    public var description: String { message }

    /// The same fault, said of one field's file; a missing file names where it was looked for.
    func about(_ label: String, _ path: String) -> UploadFailure {
        if let missingFile {
            return UploadFailure(SendWording.missingFile(label: label, typed: path, lookedFor: missingFile), missingFile: missingFile)
        }
        return UploadFailure("\(label): \(APIError.printable(path)): \(message)", network: network)
    }
}

/// How far a request's uploads are: `done` of `total` files.
public struct UploadProgress: Sendable, Equatable {
    public let done: Int
    public let total: Int

    public init(done: Int, total: Int) {
        self.done = done
        self.total = total
    }
}
