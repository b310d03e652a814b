// The send path's step for local files (issue 17): before a request is
// submitted, every image field that holds a local path is checked, uploaded
// (several at once) and replaced by its URL in the body that is sent. The
// request kept in history still holds the paths, made absolute at send
// (`absolute`: a resend from another folder finds the same file); the row's
// uploads say which URL each path became and the file's hash, so a resend of
// an unchanged file reuses a URL that is still valid.
//
// Which fields: the catalog's image fields (FieldSpec.takesImage: url and
// url_list fields but callbacks, a group item's input image), as the form
// finds them (LocalImageFields); no endpoint named here.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public enum LocalInputs {
    /// The text as a local path, or nil when it is none: the form's rule
    /// (PathCompletion.looksLikePath: it starts with `/`, `~`, `./` or `../`).
    /// Anything else (a URL, a word, a number) is left to the URL check.
    public static func localPath(_ text: String) -> String? {
        let trimmed = text.trimmed
        return PathCompletion.looksLikePath(trimmed) ? trimmed : nil
    }

    /// A local path found in a request: where it sits and how the field is called.
    public struct Found: Sendable, Equatable {
        /// The wire path of the value (`fileUrlList[1]` for a list's item).
        public let path: String
        /// The field's label, for messages ("Source face", "Unit 2 control image").
        public let label: String
        public let localPath: String
    }

    /// Every local path in the request's image fields, in wire order: the
    /// form's own list (LocalImageFields, FieldSpec.takesImage), so what the
    /// form shows as a file is what is uploaded.
    public static func find(in request: Request) -> [Found] {
        LocalImageFields.localPaths(in: request).map { Found(path: $0.wirePath, label: $0.label, localPath: $0.path) }
    }

    /// The request's problems before a send from the command line or the
    /// history: the validator's, with a local path in an image field taken as
    /// what it is (uploaded at send, its file checked then) rather than "not a
    /// URL", as the form takes it (LocalImageFields.problems).
    /// With `namesIn` (the command line's current folder), a bare name that
    /// is a file there gets the form's hint (`./face.jpg`); without, nothing
    /// is read from disk (a reducer's call).
    public static func problems(_ request: Request, namesIn directory: String? = nil) -> [ValidationProblem] {
        var files: [String: LocalFileState] = [:]
        for name in LocalImageFields.bareNames(in: request) {
            guard let directory else { break }
            files[name.path] = PathCompletion.fileState(PathCompletion.expand(name.path, home: "/", currentFolder: directory))
        }
        return LocalImageFields.problems(request, validated: RequestValidator.validate(request), files: files)
    }

    /// The request with each local path in an image field made absolute
    /// (`~` expanded, a relative path joined to `directory`, `.` segments
    /// dropped): what the history keeps, since a relative path means nothing
    /// once the current directory has changed. Other values are left as typed.
    public static func absolute(_ request: Request, directory: String,
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> Request {
        var resolved = request
        for item in find(in: request) {
            let path = withoutDotSegments(LocalPicture.absolutePath(item.localPath, directory: directory, environment: environment))
            if path != item.localPath { resolved.body.set(.string(path), at: item.path) }
        }
        return resolved
    }

    /// `/a/./b` as `/a/b` (always the same file, unlike a lexical `..`, which a symlink can change).
    static func withoutDotSegments(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        let kept = parts.enumerated().filter { index, part in part != "." || index == 0 }.map(\.element)
        let joined = kept.joined(separator: "/")
        return joined.isEmpty ? "/" : joined
    }

    /// Earlier uploads of a file's bytes to a store, newest first (the history's).
    public typealias EarlierUploads = @Sendable (_ sha256: String, _ store: String) -> [UploadRecord]

    /// The request with each local path replaced by its URL, and what each
    /// became. Relative paths are resolved against `directory` (the current
    /// directory for the screen and for request files). Every file is checked
    /// before any upload starts; the uploads run at once, `progress` told
    /// after each. Throws, having sent nothing to the service, when a file is
    /// refused, no uploader is set, or an upload fails.
    public static func resolve(_ request: Request, uploader: (any ImageUploader)?, directory: String,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               earlier: EarlierUploads = { _, _ in [] },
                               now: @escaping @Sendable () -> Date = Date.init,
                               progress: @escaping @Sendable (UploadProgress) -> Void = { _ in }) async throws(UploadFailure) -> (Request, [UploadRecord]) {
        let found = find(in: request)
        guard !found.isEmpty else { return (request, []) }
        guard let uploader else {
            let first = found[0]
            throw UploadFailure("\(first.label): \(APIError.printable(first.localPath)) is a local file, and this profile has no upload settings: "
                                + "add a [profiles.NAME.upload] table to config.toml (docs/uploads.md), or give an http(s) URL")
        }
        // Checked first, all of them: a refused file sends nothing, and no upload is wasted.
        var images: [LocalPicture] = []
        for item in found {
            let path = LocalPicture.absolutePath(item.localPath, directory: directory, environment: environment)
            do throws(UploadFailure) {
                images.append(try LocalPicture.load(path))
            } catch {
                throw error.about(item.label, item.localPath)
            }
        }
        // One upload per distinct file (the same picture in two fields goes up once).
        var firstIndexOfHash: [String: Int] = [:]
        for (index, image) in images.enumerated() where firstIndexOfHash[image.sha256] == nil { firstIndexOfHash[image.sha256] = index }
        let distinct = firstIndexOfHash.values.sorted()
        var answers: [String: (UploadedImage, Bool)] = [:]
        var toUpload: [Int] = []
        for index in distinct {
            let image = images[index]
            let candidates = earlier(image.sha256, uploader.store).filter { $0.sha256 == image.sha256 && $0.store == uploader.store }
            if let reusable = await firstReusable(candidates, uploader: uploader, now: now()) {
                answers[image.sha256] = (UploadedImage(url: reusable.url, expiresAt: reusable.expiresAt), false)
            } else {
                toUpload.append(index)
            }
        }
        let total = toUpload.count
        if total > 0 { progress(UploadProgress(done: 0, total: total)) }
        // Each upload answers as a plain value: a group of tuples holding a typed-throws Result read back a
        // wrong index in release builds (Swift 6.3.1: a trap in Array's subscript on 2 files), where debug
        // builds were right. A struct with optional members has no such layout.
        let outcomes = await withTaskGroup(of: UploadOutcome.self) { group in
            for index in toUpload {
                let image = images[index]
                group.addTask {
                    do throws(UploadFailure) {
                        return UploadOutcome(index: index, sha256: image.sha256, uploaded: try await uploader.upload(image), failure: nil)
                    } catch {
                        return UploadOutcome(index: index, sha256: image.sha256, uploaded: nil, failure: error)
                    }
                }
            }
            var results: [UploadOutcome] = []
            for await outcome in group {
                results.append(outcome)
                progress(UploadProgress(done: results.count, total: total))
            }
            return results
        }
        for outcome in outcomes.sorted(by: { $0.index < $1.index }) {
            if let uploaded = outcome.uploaded {
                answers[outcome.sha256] = (uploaded, true)
            } else if let failure = outcome.failure, found.indices.contains(outcome.index) {
                throw failure.about(found[outcome.index].label, found[outcome.index].localPath)
            }
        }
        var sent = request
        var records: [UploadRecord] = []
        for (index, (item, image)) in zip(found, images).enumerated() {
            guard let (uploaded, fresh) = answers[image.sha256] else { continue }
            sent.body.set(.string(uploaded.url), at: item.path)
            records.append(UploadRecord(field: item.path, localPath: item.localPath, url: uploaded.url, sha256: image.sha256,
                                        store: uploader.store, expiresAt: uploaded.expiresAt,
                                        uploaded: fresh && firstIndexOfHash[image.sha256] == index))
        }
        return (sent, records)
    }

    private static func firstReusable(_ records: [UploadRecord], uploader: any ImageUploader, now: Date) async -> UploadRecord? {
        for record in records.prefix(3) where await uploader.mayReuse(record, now: now) { return record }
        return nil
    }
}

extension LocalInputs {
    /// The send pipeline's step (SendPipeline.send): its settings, and the
    /// upload between recording the row and the submit. The row keeps the
    /// request with its paths and, once uploaded, its uploads; a failure
    /// leaves the row to be marked failed like any send that did not go.
    public struct Step: Sendable {
        /// Where the uploader comes from; `.none` refuses a local path with how to set one up.
        public var source: UploaderSource
        /// Where relative paths are resolved (the current directory at send).
        public var directory: String
        public var onProgress: @Sendable (UploadProgress) -> Void

        public init(source: UploaderSource = .none, directory: String = FileManager.default.currentDirectoryPath,
                    onProgress: @escaping @Sendable (UploadProgress) -> Void = { _ in }) {
            self.source = source
            self.directory = directory
            self.onProgress = onProgress
        }

        /// The request as the history keeps it: its local paths absolute.
        public func absolute(_ request: Request) -> Request { LocalInputs.absolute(request, directory: directory) }

        func upload(_ request: Request, recordID: Int?, pipeline: SendPipeline) async -> Result<Request, UploadFailure> {
            guard !LocalInputs.find(in: request).isEmpty else { return .success(request) }
            let store = pipeline.store
            do throws(UploadFailure) {
                let uploader = try source.uploader()
                let (sent, records) = try await LocalInputs.resolve(
                    request, uploader: uploader, directory: directory,
                    earlier: { sha256, storeName in (try? store?.earlierUploads(sha256: sha256, store: storeName)) ?? [] },
                    progress: onProgress)
                if let recordID { pipeline.keep(row: recordID, isNote: true) { store throws(HistoryError) in try store.recordUploads(id: recordID, records) } }
                return .success(sent)
            } catch {
                return .failure(error)
            }
        }
    }
}

/// One upload's answer in `LocalInputs.resolve`: which file (its place among
/// the fields and its hash) and what the uploader said.
struct UploadOutcome: Sendable {
    let index: Int
    let sha256: String
    let uploaded: UploadedImage?
    let failure: UploadFailure?
}
