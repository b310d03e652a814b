// One send pipeline (issues 7 and 16): record the row, send, confirm a send
// that had no answer, follow the task, read its outcome, keep its results;
// written once, reported as a stream of SendEvents that the screen, `zqt
// send`, sweeps, `zqt query` and `zqt results` only render. History writes
// that fail are reported through `onHistoryError` (a disk fault once, issue
// 21) and never stop a task already sent; the row a send is written to
// first does: a send whose row cannot be written (a full disk, a read-only
// folder, a damaged file) is not sent. zqt without a history at all (none
// could be opened, or a newer zqt's) still sends, unkept.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public struct SendPipeline: Sendable {
    public let api: any ImageAPI
    public let store: HistoryStore?
    public let baseURL: String
    public let profile: String
    public var pollPolicy: PollPolicy
    /// The sweep each row belongs to (issue 10); nil for a single send.
    public var batchID: String?
    /// Local files in image fields, uploaded before the submit (issue 17).
    public var localInputs = LocalInputs.Step()
    /// Where a finished task's images are kept (wire rule 10: result URLs
    /// expire); nil keeps none.
    public var keeper: (any ResultKeeper)?
    /// Where a row's writes a full disk held back wait, to be written once
    /// it has room (issue 21); nil: such a write is said and dropped (the
    /// row catches up at its task's next answer).
    public var backlog: HistoryBacklog?
    let onHistoryError: @Sendable (HistoryError) -> Void

    public init(api: any ImageAPI, store: HistoryStore?, baseURL: String, profile: String, pollPolicy: PollPolicy = .standard,
                keeper: (any ResultKeeper)? = nil, onHistoryError: @escaping @Sendable (HistoryError) -> Void) {
        self.api = api
        // A history opened read-only (a newer zqt's, or one whose folder refuses writes, issue 21) stays:
        // its row cannot be written, so nothing is sent.
        self.store = store
        self.baseURL = baseURL
        self.profile = profile
        self.pollPolicy = pollPolicy
        self.keeper = keeper
        self.onHistoryError = onHistoryError
    }

    /// A history write; a failure is reported (a disk fault once, until a write lands) and the work goes on.
    public func keep(_ body: (HistoryStore) throws(HistoryError) -> Void) {
        guard let store else { return }
        do {
            try body(store)
        } catch {
            if store.shouldSay(error) { onHistoryError(error) }
        }
    }

    /// A write into row `row`, after what its row has waiting in the
    /// backlog, or held back there while the disk refuses it (issue 21).
    /// `isState`: the row's state as of one answer (a later one replaces it
    /// while it waits); `isNote`: beside the state (a picture's copy, the
    /// uploads). Without a backlog, as `keep(_:)`.
    public func keep(row: Int, isState: Bool = false, isNote: Bool = false, _ body: @escaping HistoryBacklog.Write) {
        guard let store else { return }
        guard let backlog else { return keep(body) }
        do throws(HistoryError) {
            try backlog.write(row: row, isState: isState, isNote: isNote, to: store, body)
        } catch {
            if store.shouldSay(error) { onHistoryError(error) }
        }
    }

    public struct Sent: Sendable {
        /// The history row, when there is a history.
        public let recordID: Int?
        public let outcome: SendOutcome
        /// The finished task when the submit answer already carried its result
        /// (a tool answering at once, §4.10); no polling is needed then.
        public let finished: TaskInfo?
        /// For a send that had no answer: what the service said when asked (issue 8).
        public let confirmation: SendConfirmation?
    }

    /// Records the row (before the request leaves: a send that never returns
    /// is still in history), sends, and keeps the answer.
    /// Local paths in image fields are made absolute once, here: the row
    /// keeps them so (a resend from another folder finds the same files),
    /// and the uploads read and record the same paths.
    public func send(_ request: Request) async -> Sent {
        await send(request, onRecorded: nil, onProgress: nil)
    }

    /// As `send`; for a family that answers when done (an A1111 server,
    /// issue 20), `onRecorded` is told the row before the call leaves and
    /// `onProgress` each progress answer while it runs.
    func send(_ request: Request, onRecorded: (@Sendable (Int?) -> Void)?,
              onProgress: (@Sendable (TaskInfo) -> Void)?) async -> Sent {
        let recorded = localInputs.absolute(request)
        var recordID: Int?
        // A call that answers when done is marked as waited for, before its row is written and until its
        // answer is kept: a query from elsewhere never takes a row whose sender still waits for lost (SenderMark).
        let waiting = request.endpoint.family.followUp.answersWhenDone
            ? store.flatMap { SenderMark.hold(idTask: request.taskID, history: $0.path) } : nil
        defer { waiting?.release() }
        if let store {
            // An accepted task must always have its row (issue 21): a row that cannot be
            // written (a full disk, a read-only folder) stops the send before anything leaves.
            // A damaged file the row cannot go into stops it too (issue 21): a history that could not be opened
            // at all is none, and sends go unkept, as said at the start; one that opened keeps every task it takes.
            do throws(HistoryError) {
                recordID = try store.recordSending(recorded, baseURL: baseURL, profile: profile, batchID: batchID)
            } catch {
                return Sent(recordID: nil, outcome: SendOutcome(result: .failure(.notRecorded(error)), exchange: nil), finished: nil,
                            confirmation: nil)
            }
        }
        onRecorded?(recordID)
        let outcome: SendOutcome
        if request.endpoint.family.followUp.answersWhenDone {
            // Local files go inline (base64), no upload (issue 20); progress is asked for meanwhile.
            switch A1111Inline.inline(recorded) {
            case let .success(sent): outcome = await A1111Watch.send(sent, api: api, onProgress: onProgress ?? { _ in })
            case let .failure(failure): outcome = SendOutcome(result: .failure(.upload(failure)), exchange: nil)
            }
        } else {
            switch await localInputs.upload(recorded, recordID: recordID, pipeline: self) {
            case let .success(sent): outcome = await api.send(sent)
            case let .failure(failure): outcome = SendOutcome(result: .failure(.upload(failure)), exchange: nil)
            }
        }
        var finished: TaskInfo?
        switch outcome.result {
        case let .success(submission):
            finished = request.endpoint.family.finishedTask(inSubmitData: submission.result.envelope.data)
            if let recordID {
                let now = Date(), answered = finished
                keep(row: recordID) { store throws(HistoryError) in
                    try store.recordSubmitted(id: recordID, submission: submission, at: now)
                    if let answered { try store.recordTaskInfo(id: recordID, info: answered, at: now) }
                }
            }
        case let .failure(error) where request.endpoint.family.followUp.answersWhenDone
                ? error.callMayHaveOutlivedItsAnswer : error.mayHaveBeenAccepted:
            // No answer, but the request left: the service may run it. Ask before calling it failed.
            // A call answered when its job is done (A1111) was ended by any answer of the server's own.
            if let recordID {
                let now = Date()
                keep(row: recordID) { store throws(HistoryError) in
                    try store.recordOutcomeUnknown(id: recordID, error: error.message, httpStatus: outcome.exchange?.httpStatus,
                                                   response: outcome.exchange?.responseBody, at: now)
                }
            }
            let confirmation = await confirm(TaskReference(endpoint: request.endpoint, taskID: request.taskID), recordID: recordID,
                                             after: error)
            return Sent(recordID: recordID, outcome: outcome, finished: nil, confirmation: confirmation)
        case let .failure(error):
            if let recordID {
                let now = Date()
                keep(row: recordID) { store throws(HistoryError) in
                    try store.recordSendFailed(id: recordID, error: error.message, httpStatus: outcome.exchange?.httpStatus,
                                               response: outcome.exchange?.responseBody, at: now)
                }
            }
        }
        return Sent(recordID: recordID, outcome: outcome, finished: finished, confirmation: nil)
    }

    /// Seconds before each question about a send that had no answer: the
    /// service may still be taking the task in when first asked.
    public var confirmDelays: [Double] = [0, 1, 2]

    /// Asks the service whether it has a task whose send had no answer, and
    /// keeps what it says in the row: followed like any other when it has
    /// it, failed when it answers that it has not, left "outcome unknown"
    /// when it cannot be asked (to be asked again at start or with `u`).
    public func confirm(_ task: TaskReference, recordID: Int?, after sendError: APIError) async -> SendConfirmation {
        guard task.endpoint.canBeFollowed else { return .stillUnknown(.noTaskQuery(task.endpoint.title)) }
        var last = APIError.cancelled
        for delay in confirmDelays {
            if delay > 0 {
                do { try await Task.sleep(nanoseconds: UInt64(delay * 1e9)) } catch { return .stillUnknown(.cancelled) }
            }
            do throws(APIError) {
                let info = try await api.queryTask(task)
                let now = Date()
                if let recordID { keep(row: recordID, isState: true) { store throws(HistoryError) in try store.recordTaskInfo(id: recordID, info: info, at: now) } }
                return .accepted(info)
            } catch {
                last = error
                if error == .cancelled { return .stillUnknown(error) }
            }
        }
        // The service answered, each time, that it has no such task (a refusal of the keys says nothing about it).
        if case let .api(code, _) = last, code != "401", code != "403" {
            if let recordID {
                let now = Date(), error = SendWording.notAcceptedRecord(sendError, idTask: task.taskID, answer: last)
                keep(row: recordID) { store throws(HistoryError) in
                    try store.recordSendFailed(id: recordID, error: error, at: now)
                }
            }
            return .notAccepted(last)
        }
        return .stillUnknown(last)
    }

    /// Follows a task to its end, keeping each answer in its row. A refusal
    /// from the service (the task is unknown, keys revoked) marks the row
    /// failed; network trouble leaves it open, to resume later.
    public func follow(_ task: TaskReference, recordID: Int?) -> AsyncThrowingStream<PollEvent, Error> {
        var configured = TaskPoller(api: api, policy: pollPolicy)
        // Its row's mark, read before each query: `zqt history unfollow` in another process stops this follower too.
        if let recordID, let store {
            configured.stillFollowed = { (try? store.isFollowed(id: recordID)) ?? true }
        }
        let poller = configured
        let pipeline = self
        // A family without a query (training, §3.2): nothing to follow; the row stays "submitted".
        guard task.endpoint.canBeFollowed else {
            return AsyncThrowingStream { $0.finish() }
        }
        return AsyncThrowingStream { continuation in
            let worker = Task {
                do {
                    for try await event in poller.track(task) {
                        if case let .update(info) = event, let recordID {
                            let now = Date()
                            pipeline.keep(row: recordID, isState: true) { store throws(HistoryError) in
                                try store.recordTaskInfo(id: recordID, info: info, at: now)
                            }
                        }
                        continuation.yield(event)
                    }
                    continuation.finish()
                } catch {
                    let apiError = error as? APIError ?? .transport(String(describing: error))
                    if let recordID, apiError != .cancelled, !apiError.isTransient, !Self.neverAsked(apiError) {
                        let now = Date()
                        pipeline.keep(row: recordID) { store throws(HistoryError) in
                            try store.recordTrackingFailed(id: recordID, error: SendWording.followingStopped(apiError), at: now)
                        }
                    }
                    continuation.finish(throwing: apiError)
                }
            }
            continuation.onTermination = { _ in worker.cancel() }
        }
    }

    /// Asks the service once where a task stands (`zqt query`, the history's
    /// query key), keeping the answer in its row. A refusal (the service does
    /// not know the task, the keys revoked) closes a row still open; the
    /// network's trouble leaves it open, to be asked again.
    public func ask(_ task: TaskReference, recordID: Int?, rowIsOpen: Bool) async throws(APIError) -> TaskInfo {
        if task.endpoint.family.followUp.answersWhenDone {
            // An A1111 row: no task to ask about; what is known is said, and a row whose sender waits is never closed.
            guard let recordID, let row = try? store?.record(id: recordID) else {
                throw .answeredWithTheCall(A1111RowStanding.noQuery, failed: true)
            }
            let standing = await a1111Standing(of: row)
            throw .answeredWithTheCall(standing.words, failed: standing.isFailure)
        }
        do throws(APIError) {
            let info = try await api.queryTask(task)
            let now = Date()
            if let recordID { keep(row: recordID, isState: true) { store throws(HistoryError) in try store.recordTaskInfo(id: recordID, info: info, at: now) } }
            return info
        } catch {
            if let recordID, rowIsOpen, !error.isTransient, error != .cancelled, !Self.neverAsked(error) {
                let now = Date()
                keep(row: recordID) { store throws(HistoryError) in
                    try store.recordTrackingFailed(id: recordID, error: SendWording.unknownTask(error), at: now)
                }
            }
            throw error
        }
    }

    /// A fault of zqt's own configuration (no keys, a bad base URL): the
    /// service was never asked, so it said nothing about the task, and its
    /// row stays open (a newcomer's `zqt query ID` without keys, once the
    /// disk had room again, closed a task that had succeeded as failed).
    static func neverAsked(_ error: APIError) -> Bool {
        switch error {
        case .missingCredentials, .invalidBaseURL, .invalidHeader, .noTaskQuery, .notRecorded: return true
        default: return false
        }
    }

    // MARK: The whole send, as events

    /// Sends, confirms a send that had no answer, follows the task (unless
    /// `follow` is false or its family has no query) and keeps its images
    /// (also into `exportTo`, when given). Cancelling the consumer stops it.
    public func run(_ request: Request, follow: Bool = true, exportTo folder: String? = nil) -> AsyncStream<SendEvent> {
        stream { emit in await drive(request, follow: follow, exportTo: folder, emit: emit) }
    }

    /// Follows a task already sent (resumed at start, asked again) to its
    /// end, and keeps its images, as `run` does after the send.
    public func resume(_ task: TaskReference, recordID: Int?, exportTo folder: String? = nil) -> AsyncStream<SendEvent> {
        stream { emit in await followAndKeep(task, recordID: recordID, exportTo: folder, emit: emit) }
    }

    /// Keeps the images of a task that has finished (`zqt query`, `zqt
    /// results`, the history's save): each a `kept` or `failed(.keep)`.
    public func keepResults(_ sources: [ResultSource], idTask: String, recordID: Int?,
                            exportTo folder: String? = nil) -> AsyncStream<SendEvent> {
        stream { emit in await keepImages(sources, idTask: idTask, recordID: recordID, exportTo: folder, emit: emit) }
    }

    private func stream(_ body: @escaping @Sendable (@escaping @Sendable (SendEvent) -> Void) async -> Void) -> AsyncStream<SendEvent> {
        AsyncStream { continuation in
            let worker = Task {
                await body { continuation.yield($0) }
                continuation.finish()
            }
            continuation.onTermination = { _ in worker.cancel() }
        }
    }

    private func drive(_ request: Request, follow: Bool, exportTo folder: String?, emit: @escaping @Sendable (SendEvent) -> Void) async {
        let answersWhenDone = request.endpoint.family.followUp.answersWhenDone
        // A call that lasts as long as the job: its row is said first, its progress as it comes.
        let sent = answersWhenDone
            ? await send(request, onRecorded: { emit(.recorded(recordID: $0)) }, onProgress: { emit(.progress($0)) })
            : await send(request)
        if !answersWhenDone { emit(.recorded(recordID: sent.recordID)) }
        if answersWhenDone, case let .failure(error) = sent.outcome.result, error.callMayHaveOutlivedItsAnswer {
            // No task to ask about afterwards: a dropped call is said as what it is, the row left "outcome unknown".
            return emit(.failed(SendFailure(.outcomeUnknown, .network, message: SendWording.droppedDuringGeneration(error, serverSaves: A1111ServerCopies.requested(request.body)), error: error)))
        }
        let idTask = request.taskID
        var finished = sent.finished
        switch (sent.outcome.result, sent.confirmation) {
        case let (.success(submission), _):
            emit(.accepted(submission))
        case let (.failure(error), confirmation?):
            emit(.unanswered(error, confirmation))
            switch confirmation {
            case let .accepted(info):
                if info.phase.isTerminal { finished = info }
            case let .notAccepted(answer):
                // The service answered the question, so it was reached: its refusal is the failure.
                return emit(.failed(SendFailure(.notAccepted, .failed, message: SendWording.notAccepted(error, idTask: idTask, answer: answer),
                                                error: error)))
            case let .stillUnknown(reason):
                // The row stays open, to be asked again: try again later (network), whatever the reason.
                return emit(.failed(SendFailure(.outcomeUnknown, .network,
                                                message: SendWording.outcomeUnknown(error, idTask: idTask, reason: reason), error: error)))
            }
        case let (.failure(error), nil):
            return emit(.failed(SendFailure(.send, FailureClass(error), message: SendWording.sendFailed(error, server: request.endpoint.server), error: error)))
        }
        let task = TaskReference(endpoint: request.endpoint, taskID: idTask)
        let saved = SavedRequest(endpoint: request.endpoint, json: request.wireJSON)
        if let finished {
            emit(.finished(finished, followed: false))
            await ended(finished, task: task, recordID: sent.recordID, exportTo: folder, request: saved, emit: emit)
            return
        }
        guard follow, request.endpoint.canBeFollowed else { return }
        await followAndKeep(task, recordID: sent.recordID, exportTo: folder, request: saved, emit: emit)
    }

    private func followAndKeep(_ task: TaskReference, recordID: Int?, exportTo folder: String?, request: SavedRequest? = nil,
                               emit: @Sendable (SendEvent) -> Void) async {
        guard task.endpoint.canBeFollowed else { return }
        var last: TaskInfo?
        do {
            for try await event in follow(task, recordID: recordID) {
                switch event {
                case let .update(info):
                    last = info
                    emit(info.phase.isTerminal ? .finished(info, followed: true) : .progress(info))
                case let .retrying(error, attempt):
                    emit(.retrying(error, attempt: attempt))
                case .unfollowed:
                    return emit(.unfollowed)
                }
            }
        } catch {
            let apiError = error as? APIError ?? .transport(String(describing: error))
            return emit(.failed(SendFailure(.follow, FailureClass(apiError) == .network ? .network : .failed,
                                            message: SendWording.followingStopped(apiError), error: apiError)))
        }
        guard let last, last.phase.isTerminal else {
            return emit(.failed(SendFailure(.task, .failed, message: SendWording.noStatus)))
        }
        await ended(last, task: task, recordID: recordID, exportTo: folder, request: request, emit: emit)
    }

    /// A task's end: a failure said, a success's images kept.
    private func ended(_ info: TaskInfo, task: TaskReference, recordID: Int?, exportTo folder: String?, request: SavedRequest? = nil,
                       emit: @Sendable (SendEvent) -> Void) async {
        guard info.phase == .succeeded else {
            return emit(.failed(SendFailure(.task, .failed, message: SendWording.taskFailed(info))))
        }
        await keepImages(ResultSource.of(info), idTask: task.taskID, recordID: recordID, exportTo: folder, request: request, emit: emit)
        // Pictures that came inline are on disk now (or said failed): memory lets them go.
        (api as? any LiveProgressAPI)?.releaseInline(idTask: task.taskID)
    }

    /// Each image kept by the keeper (and saved into `folder`, carrying its
    /// request), its copy noted in the row; one that could not be kept is
    /// said on the row, to be tried again (issue 17).
    private func keepImages(_ sources: [ResultSource], idTask: String, recordID: Int?, exportTo folder: String?,
                            request: SavedRequest? = nil, emit: @Sendable (SendEvent) -> Void) async {
        guard let keeper else { return }
        var saved = request
        if folder != nil, saved == nil, let recordID, let record = (try? store?.record(id: recordID)) ?? nil {
            saved = SavedRequest(endpoint: record.endpoint, json: record.requestJSON)
        }
        for source in sources {
            if Task.isCancelled { return }
            var kept: KeptResult
            do throws(SendFailure) {
                kept = try await keeper.keep(source, idTask: idTask, api: api)
            } catch {
                // One left unfetched by a bound (issue 23) is no failure to try again by itself.
                if let recordID, !error.notFetched {
                    let position = source.position, reason = error.message, urlGone = Self.urlGone(error)
                    keep(row: recordID, isNote: true) { store throws(HistoryError) in
                        try store.recordKeepFailed(id: recordID, position: position, reason: reason, urlGone: urlGone)
                    }
                }
                emit(.failed(error))
                continue
            }
            var failure: SendFailure?
            if let folder {
                do throws(SendFailure) {
                    let copy = try keeper.export(kept, idTask: idTask, request: saved, into: folder)
                    kept.exported = copy.path
                    kept.exportNote = copy.note
                } catch {
                    failure = error
                }
            }
            // The history notes the user's copy when there is one (theirs to keep), else zqt's,
            // unless it already names one (a folder the user saved into) and nothing new was saved.
            if let recordID, kept.exported != nil || source.knownCopy == nil {
                let position = source.position, path = kept.notedCopy
                keep(row: recordID, isNote: true) { store throws(HistoryError) in try store.recordLocalCopy(id: recordID, position: position, path: path) }
            }
            // A picture that came inline is on disk now: memory lets it go before the next is kept (issue 20).
            if InlineImages.isInline(source.url) { (api as? A1111API)?.inline.release(url: source.url) }
            emit(.kept(kept))
            if let failure { emit(.failed(failure)) }
        }
    }

    /// Whether a keep failed because the service no longer has the image
    /// (404, 410, or the signed link refused, 403): trying again cannot help.
    static func urlGone(_ failure: SendFailure) -> Bool {
        if case let .httpStatus(status, _)? = failure.error { return [403, 404, 410].contains(status) }
        return false
    }

    // MARK: Keeping again

    /// Keeps again the images of a row that could not be kept before, while
    /// their URLs may live (StoredResult.mayRetryKeep): at start, and at the
    /// next look at the row (the history entry, `zqt history show`).
    public func retryKeeps(_ record: HistoryRecord, now: Date = Date()) -> AsyncStream<SendEvent> {
        let sources = record.imageResults.filter { $0.mayRetryKeep(finishedAt: record.finishedAt, now: now) }
            .map { ResultSource(position: $0.position, url: $0.imageURL, seed: $0.seed, knownCopy: nil) }
        return keepResults(sources, idTask: record.idTask, recordID: record.id)
    }
}
