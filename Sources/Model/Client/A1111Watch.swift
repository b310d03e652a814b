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
        let watch = A1111JobWatch(before: before)
        let idTask = request.taskID
        // Until the progress shows ours running, a stop asked waits (issue 20): interrupt and skip act on whatever job the server runs.
        stops.begin(idTask, othersRunning: before.map { !$0.isIdle } ?? false)
        if let before, !before.isIdle { onProgress(watch.info(before, previewURL: nil, others: true)) }
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
                // The stop asked while another client's job ran goes now that ours runs.
                if let asked = stops.observe(idTask, othersRunning: others, oursRunning: !others && !progress.isIdle) {
                    switch asked {
                    case .interrupt: try? await live.interrupt()
                    case .skip: try? await live.skip()
                    }
                }
                onProgress(watch.info(progress, previewURL: previewURL, others: others))
            }
        }
        let outcome = await api.send(request)
        watcher.cancel()
        // A stop still waiting when the answer came is dropped: the job finished before it could be stopped.
        return marked(outcome, interrupted: stops.end(idTask))
    }

    // MARK: Interrupted jobs

    /// The member an interrupted job's answer carries (A1111 says nothing of
    /// it: the call answers as for a finished job, with fewer pictures).
    public static let interruptedKey = "zqt_interrupted"

    /// The member an answer carries when it holds fewer pictures than planned and zqt did not
    /// stop it: the server was stopped by someone else (its web UI, another client).
    public static let interruptedElsewhereKey = "zqt_interrupted_elsewhere"

    /// Jobs being sent, whether another client's job runs before them, and the stops asked for them.
    private static let stops = JobStops()

    /// What became of a stop asked: sent to the server (or with the next progress answer, when
    /// ours was not yet seen running), or waiting until our job runs (the server runs another
    /// client's job now, which the interrupt or skip would stop instead).
    public enum StopAnswer: Sendable, Equatable { case asked, waits }

    /// Stops our job (POST /sdapi/v1/interrupt), noting that `idTask` was stopped so its
    /// answer is read as interrupted, not done. While the server runs another client's
    /// job, nothing is sent: the interrupt goes once the progress shows ours running.
    @discardableResult
    public static func interrupt(_ idTask: String, api: any LiveProgressAPI) async throws(APIError) -> StopAnswer {
        switch stops.ask(idTask, .interrupt) {
        case .waits: return .waits
        case .withNextProgress: return .asked
        case .sendNow: break
        }
        do throws(APIError) {
            try await api.interrupt()
        } catch {
            stops.unsent(idTask)
            throw error
        }
        return .asked
    }

    /// Skips the picture our job makes (POST /sdapi/v1/skip), by the same rule as `interrupt`.
    @discardableResult
    public static func skip(_ idTask: String, api: any LiveProgressAPI) async throws(APIError) -> StopAnswer {
        switch stops.ask(idTask, .skip) {
        case .waits: return .waits
        case .withNextProgress: return .asked
        case .sendNow: break
        }
        try await api.skip()
        return .asked
    }

    /// Whether the answer holds fewer pictures than the request planned (n_iter × batch_size):
    /// a job stopped before its end. Nil-safe: an answer that plans nothing (interrogate, extras) is not short.
    static func isShort(_ data: JSONValue) -> Bool {
        guard let images = data["images"]?.arrayValue else { return false }
        let facts = A1111AnswerFacts(answer: data)
        guard let planned = A1111ResultKinds.planned(data, facts: facts) else { return false }
        var made = 0
        for (index, image) in images.enumerated() where !(image.stringValue ?? "").isEmpty {
            if case .picture = facts.kind(ofImageAt: index) { made += 1 }
        }
        return made < planned
    }

    /// The answer of an interrupted job, said so in its data.
    static func marked(_ outcome: SendOutcome, interrupted: Bool) -> SendOutcome {
        guard case let .success(submission) = outcome.result, let data = submission.result.envelope.data,
              var members = data.objectValue else { return outcome }
        if interrupted {
            members.append((key: interruptedKey, value: .bool(true)))
        } else if isShort(data) {
            // Not stopped by zqt, yet cut short: the server was stopped elsewhere (issue 20), not a success.
            members.append((key: interruptedKey, value: .bool(true)))
            members.append((key: interruptedElsewhereKey, value: .bool(true)))
        } else {
            return outcome
        }
        let envelope = Envelope(code: submission.result.envelope.code, msg: submission.result.envelope.msg, data: .object(members))
        let result = SubmitResult(serviceTaskID: submission.result.serviceTaskID, envelope: envelope)
        return SendOutcome(result: .success(Submission(result: result, exchange: submission.exchange)), exchange: outcome.exchange)
    }
}

/// The jobs being sent to an A1111 server and the stops asked for them (a lock,
/// not an actor: asked from a signal's thread, the effect runner and the
/// watcher alike). One rule for the CLI, the sweep and the screen (issue 20):
/// a stop asked while another client's job runs waits for ours.
final class JobStops: @unchecked Sendable {
    enum Kind: Sendable { case interrupt, skip }
    /// Sent now (ours runs, or the call is not one being watched), kept until the progress shows
    /// ours (the server seemed idle: ours is about to start), or waiting behind another client's job.
    enum Decision: Sendable { case sendNow, withNextProgress, waits }
    private struct Job {
        var othersRunning: Bool
        var oursRunning = false
        var waiting: Kind?
        var interruptSent = false
    }
    private var jobs: [String: Job] = [:]
    private let lock = Lock()

    func begin(_ idTask: String, othersRunning: Bool) {
        lock.withLock { jobs[idTask] = Job(othersRunning: othersRunning) }
    }

    /// A stop asked: sent now, or kept until ours runs. An interrupt outranks a waiting skip.
    func ask(_ idTask: String, _ kind: Kind) -> Decision {
        lock.withLock {
            guard var job = jobs[idTask] else { return .sendNow }
            if job.othersRunning || !job.oursRunning {
                if job.waiting != .interrupt { job.waiting = kind }
                jobs[idTask] = job
                return job.othersRunning ? .waits : .withNextProgress
            }
            if kind == .interrupt { job.interruptSent = true }
            jobs[idTask] = job
            return .sendNow
        }
    }

    /// An interrupt that could not be sent: the answer is not read as interrupted by zqt.
    func unsent(_ idTask: String) { lock.withLock { jobs[idTask]?.interruptSent = false } }

    /// One progress answer read: the waiting stop, to send now that ours runs.
    func observe(_ idTask: String, othersRunning: Bool, oursRunning: Bool) -> Kind? {
        lock.withLock {
            guard var job = jobs[idTask] else { return nil }
            job.othersRunning = othersRunning
            job.oursRunning = oursRunning
            var send: Kind?
            if oursRunning, let waiting = job.waiting {
                send = waiting
                job.waiting = nil
                if waiting == .interrupt { job.interruptSent = true }
            }
            jobs[idTask] = job
            return send
        }
    }

    /// The call answered: whether zqt interrupted it; the job forgotten.
    func end(_ idTask: String) -> Bool { lock.withLock { jobs.removeValue(forKey: idTask)?.interruptSent ?? false } }
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
    static func interruptedDesc(made: Int, of planned: Int?, batchSize: Int? = nil, elsewhere: Bool = false) -> String {
        // Stopped by someone else (its web UI, another client): the answer's count is all there is to say.
        if elsewhere {
            let of = planned.map { $0 >= made ? " of \($0)" : "" } ?? ""
            return "interrupted elsewhere (the server's web UI or another client): \(made)\(of) picture\((planned ?? made) == 1 ? "" : "s") made"
        }
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

    /// An A1111 job stopped by someone else (its web UI, another client): fewer pictures than planned.
    public var interruptedElsewhere: Bool { raw[A1111Watch.interruptedElsewhereKey]?.boolValue == true }
}
