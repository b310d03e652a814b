// A generation call to an A1111 server, watched while it runs (issue 20):
// the call answers only when the job is done, so its progress is asked for
// meanwhile at `/sdapi/v1/progress`, each answer reported as the running
// task's TaskInfo (with the preview decoded and held, A1111Answer), and
// local pictures in image fields go inline as base64 (A1111Inline).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public enum A1111Watch {
    /// Seconds before the first progress question, and between the next ones.
    public static let firstQuestion = 0.15
    public static let between = 0.5
    /// A preview larger than this (decoded) is skipped.
    public static let previewBytes = 16 << 20

    /// Sends, asking for progress until the answer comes. An API that offers
    /// no progress (a test's) is only sent to.
    public static func send(_ request: Request, api: any ImageAPI, onProgress: @escaping @Sendable (TaskInfo) -> Void) async -> SendOutcome {
        guard let live = api as? any LiveProgressAPI else { return await api.send(request) }
        // What the server runs before ours leaves: a job then is another client's (the server is busy).
        let before = try? await live.progress()
        var watch = A1111JobWatch(before: before)
        if let before, !before.isIdle { onProgress(watch.info(before, previewURL: nil, others: true)) }
        let idTask = request.taskID
        let watcher = Task { [watch] in
            var watch = watch
            var lastImage: String?
            var delay = firstQuestion
            while !Task.isCancelled {
                do { try await Task.sleep(nanoseconds: UInt64(delay * 1e9)) } catch { return }
                delay = between
                guard let progress = try? await live.progress(), !Task.isCancelled else { continue }
                var previewURL: String?
                let others = watch.observe(progress)
                if let image = progress.currentImage, image != lastImage, !others {
                    lastImage = image
                    // A preview that does not decode as a picture is skipped; the progress still counts.
                    if let bytes = Base64.decode(image, maxBytes: previewBytes), ImageHeader.read(bytes) != nil {
                        previewURL = live.holdPreview(bytes, idTask: idTask)
                    }
                }
                onProgress(watch.info(progress, previewURL: previewURL, others: others))
            }
        }
        let outcome = await api.send(request)
        watcher.cancel()
        return outcome
    }
}

/// Local files in an A1111 request's image fields, sent inline (issue 20):
/// an A1111 server takes pictures as base64 in the JSON, so nothing is
/// uploaded. Each file is read within LocalPicture's size limit and must be
/// a picture (its header says so).
public enum A1111Inline {
    public static func inline(_ request: Request) -> Result<Request, UploadFailure> {
        var sent = request
        for item in LocalInputs.find(in: request) {
            let picture: LocalPicture
            do throws(UploadFailure) {
                picture = try LocalPicture.load(item.localPath)
            } catch {
                return .failure(error.about(item.label, item.localPath))
            }
            sent.body.set(.string(Base64.encode(picture.bytes)), at: item.path)
        }
        return .success(sent)
    }
}
