// One send pipeline for the screen and `zqt send` (issue 7): record the row,
// send, keep the answer, follow the task, keep each answer and the results.
// History writes that fail are reported through `onHistoryError` and never
// stop the send: zqt still sends without a history.

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
    let onHistoryError: @Sendable (HistoryError) -> Void

    public init(api: any ImageAPI, store: HistoryStore?, baseURL: String, profile: String, pollPolicy: PollPolicy = .standard,
                onHistoryError: @escaping @Sendable (HistoryError) -> Void) {
        self.api = api
        self.store = store
        self.baseURL = baseURL
        self.profile = profile
        self.pollPolicy = pollPolicy
        self.onHistoryError = onHistoryError
    }

    /// A history write; a failure is reported and the work goes on.
    public func keep(_ body: (HistoryStore) throws(HistoryError) -> Void) {
        guard let store else { return }
        do {
            try body(store)
        } catch {
            onHistoryError(error)
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
    public func send(_ request: Request) async -> Sent {
        var recordID: Int?
        keep { store throws(HistoryError) in
            recordID = try store.recordSending(request, baseURL: baseURL, profile: profile, batchID: batchID)
        }
        let outcome: SendOutcome
        switch await localInputs.upload(request, recordID: recordID, pipeline: self) {
        case let .success(sent): outcome = await api.send(sent)
        case let .failure(failure): outcome = SendOutcome(result: .failure(.upload(failure)), exchange: nil)
        }
        var finished: TaskInfo?
        switch outcome.result {
        case let .success(submission):
            finished = request.endpoint.family.finishedTask(inSubmitData: submission.result.envelope.data)
            if let recordID {
                keep { store throws(HistoryError) in
                    try store.recordSubmitted(id: recordID, submission: submission)
                    if let finished { try store.recordTaskInfo(id: recordID, info: finished) }
                }
            }
        case let .failure(error) where error.mayHaveBeenAccepted:
            // No answer, but the request left: the service may run it. Ask before calling it failed.
            if let recordID {
                keep { store throws(HistoryError) in
                    try store.recordOutcomeUnknown(id: recordID, error: error.message, httpStatus: outcome.exchange?.httpStatus,
                                                   response: outcome.exchange?.responseBody)
                }
            }
            let confirmation = await confirm(TaskReference(endpoint: request.endpoint, taskID: request.taskID), recordID: recordID,
                                             after: error)
            return Sent(recordID: recordID, outcome: outcome, finished: nil, confirmation: confirmation)
        case let .failure(error):
            if let recordID {
                keep { store throws(HistoryError) in
                    try store.recordSendFailed(id: recordID, error: error.message, httpStatus: outcome.exchange?.httpStatus,
                                               response: outcome.exchange?.responseBody)
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
                if let recordID { keep { store throws(HistoryError) in try store.recordTaskInfo(id: recordID, info: info) } }
                return .accepted(info)
            } catch {
                last = error
                if error == .cancelled { return .stillUnknown(error) }
            }
        }
        // The service answered, each time, that it has no such task (a refusal of the keys says nothing about it).
        if case let .api(code, _) = last, code != "401", code != "403" {
            if let recordID {
                keep { store throws(HistoryError) in
                    try store.recordSendFailed(id: recordID,
                                               error: "\(sendError.message) · the service has no task \(task.taskID) (\(last.message))")
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
        let poller = TaskPoller(api: api, policy: pollPolicy)
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
                            pipeline.keep { store throws(HistoryError) in try store.recordTaskInfo(id: recordID, info: info) }
                        }
                        continuation.yield(event)
                    }
                    continuation.finish()
                } catch {
                    let apiError = error as? APIError ?? .transport(String(describing: error))
                    if let recordID, apiError != .cancelled, !apiError.isTransient {
                        pipeline.keep { store throws(HistoryError) in
                            try store.recordTrackingFailed(id: recordID, error: "Following the task stopped: \(apiError.message)")
                        }
                    }
                    continuation.finish(throwing: apiError)
                }
            }
            continuation.onTermination = { _ in worker.cancel() }
        }
    }

    /// Writes a downloaded result and notes the local copy in its row (wire
    /// rule 10: result URLs expire). Returns why it could not, or nil.
    public func save(_ bytes: [UInt8], to path: String, recordID: Int?, position: Int) -> String? {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return "cannot write \(path)" }
        if let recordID {
            keep { store throws(HistoryError) in try store.recordLocalCopy(id: recordID, position: position, path: path) }
        }
        return nil
    }
}
