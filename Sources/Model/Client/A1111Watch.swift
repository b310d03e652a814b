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
        return marked(outcome, interrupted: interrupts.take(idTask))
    }

    // MARK: Interrupted jobs

    /// The member an interrupted job's answer carries (A1111 says nothing of
    /// it: the call answers as for a finished job, with fewer pictures).
    public static let interruptedKey = "zqt_interrupted"

    /// Jobs zqt asked the server to stop, until their call answers.
    private static let interrupts = InterruptedJobs()

    /// Stops the server's job (POST /sdapi/v1/interrupt), noting that
    /// `idTask` was stopped so its answer is read as interrupted, not done.
    public static func interrupt(_ idTask: String, api: any LiveProgressAPI) async throws(APIError) {
        interrupts.note(idTask)
        do throws(APIError) {
            try await api.interrupt()
        } catch {
            _ = interrupts.take(idTask)
            throw error
        }
    }

    /// The answer of an interrupted job, said so in its data.
    static func marked(_ outcome: SendOutcome, interrupted: Bool) -> SendOutcome {
        guard interrupted, case let .success(submission) = outcome.result, var members = submission.result.envelope.data?.objectValue else {
            return outcome
        }
        members.append((key: interruptedKey, value: .bool(true)))
        let envelope = Envelope(code: submission.result.envelope.code, msg: submission.result.envelope.msg, data: .object(members))
        let result = SubmitResult(serviceTaskID: submission.result.serviceTaskID, envelope: envelope)
        return SendOutcome(result: .success(Submission(result: result, exchange: submission.exchange)), exchange: outcome.exchange)
    }
}

/// The ids of jobs an interrupt was sent for (a lock, not an actor: the
/// effect runner and the send pipeline each touch it once per job).
final class InterruptedJobs: @unchecked Sendable {
    private var ids: Set<String> = []
    private let lock = Lock()

    func note(_ idTask: String) { lock.withLock { _ = ids.insert(idTask) } }

    /// Whether `idTask` was interrupted, forgotten once asked.
    func take(_ idTask: String) -> Bool { lock.withLock { ids.remove(idTask) != nil } }
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

/// What an A1111 answer's pictures are (issue 20): the ones asked for, and
/// the ControlNet extension's detected maps, which it appends after them
/// (its save_detected_map, on by default) with no infotext of their own.
/// A map is kept and shown as any picture, marked by its URL's
/// `#control-map` (the history keeps the mark in the result's URL, so no
/// column is added), and is not counted among the pictures made.
public enum A1111ResultKinds {
    public static let controlMapMark = "#control-map"

    /// The URL a control map is kept under: its held picture's, marked.
    public static func controlMapURL(_ url: String) -> String {
        url.isEmpty || url.hasSuffix(controlMapMark) ? url : url + controlMapMark
    }

    public static func isControlMap(_ url: String) -> Bool { url.hasSuffix(controlMapMark) }

    /// The URL its bytes are held under (InlineImages).
    public static func heldURL(_ url: String) -> String {
        isControlMap(url) ? String(url.dropLast(controlMapMark.count)) : url
    }

    /// How many pictures the job was to make: batch_size × n_iter as the
    /// answer echoes them, else as many as `info` has seeds; nil when neither says.
    static func planned(_ data: JSONValue, facts: A1111AnswerFacts) -> Int? {
        let parameters = data["parameters"]
        if let size = parameters?["batch_size"].flatMap(WireCoding.integer),
           let iterations = parameters?["n_iter"].flatMap(WireCoding.integer), size > 0, iterations > 0 {
            let (product, overflow) = size.multipliedReportingOverflow(by: iterations)
            if !overflow { return product }
        }
        return facts.allSeeds.isEmpty ? nil : facts.allSeeds.count
    }

    /// "interrupted: 2 of 4 pictures made": "made" says the other two never
    /// were, not that they are missing or failed. When every picture planned came back, the
    /// last iteration's (batch_size of them) are the ones the interrupt cut short:
    /// A1111 answers with the iteration it stopped as it stood and starts no other
    /// (processing.py), so "2 of 2" would read as finished: "2 unfinished pictures".
    static func interruptedDesc(made: Int, of planned: Int?, batchSize: Int? = nil) -> String {
        guard let planned, planned >= made else { return "interrupted: \(made) picture\(made == 1 ? "" : "s")" }
        if made == planned, made > 0, let batchSize, batchSize > 0 {
            let unfinished = min(made, batchSize)
            return unfinished == made ? "interrupted: \(made) unfinished picture\(made == 1 ? "" : "s")"
                : "interrupted: \(made) pictures, the last \(unfinished == 1 ? "one" : "\(unfinished)") unfinished"
        }
        return "interrupted: \(made) of \(planned) picture\(planned == 1 ? "" : "s") made"
    }

    /// The batch size the answer echoes, if it does.
    static func batchSize(_ data: JSONValue) -> Int? {
        data["parameters"]?["batch_size"].flatMap(WireCoding.integer)
    }
}

extension ResultImage {
    /// A ControlNet detected map an A1111 server appended, not a picture asked for.
    public var isControlMap: Bool { A1111ResultKinds.isControlMap(imageURL) }
}

extension StoredResult {
    public var isControlMap: Bool { A1111ResultKinds.isControlMap(imageURL) }
}

extension TaskInfo {
    /// An A1111 job zqt interrupted: its pictures are those made before it stopped.
    public var interrupted: Bool { raw[A1111Watch.interruptedKey]?.boolValue == true }
}
