// Where the compose screen hands each submission and its answer: the model
// layer's record of requests and task ids. Issue 4 puts it in SQLite; until
// then the in-memory log keeps this session's submissions.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

public struct SubmissionRecord: Sendable, Equatable {
    public let endpoint: Endpoint
    public let baseURL: String
    public let idTask: String
    /// Exactly the JSON sent (credentials are headers and never appear here).
    public let requestJSON: String
    public let submittedAt: Date
    public var serviceTaskID: String?
    public var httpStatus: Int?
    public var responseJSON: String?
    public var error: String?
    public var lastInfo: TaskInfo?

    public init(endpoint: Endpoint, baseURL: String, idTask: String, requestJSON: String, submittedAt: Date) {
        self.endpoint = endpoint
        self.baseURL = baseURL
        self.idTask = idTask
        self.requestJSON = requestJSON
        self.submittedAt = submittedAt
    }
}

public protocol SubmissionRecorder: Sendable {
    func recordSubmit(_ record: SubmissionRecord)
    func recordTaskInfo(idTask: String, info: TaskInfo)
}

public final class InMemorySubmissionLog: SubmissionRecorder {
    private let records = Mutex<[SubmissionRecord]>([])

    public init() {}

    public var all: [SubmissionRecord] { records.withLock { $0 } }

    public func recordSubmit(_ record: SubmissionRecord) {
        records.withLock { $0.append(record) }
    }

    public func recordTaskInfo(idTask: String, info: TaskInfo) {
        records.withLock { records in
            if let index = records.lastIndex(where: { $0.idTask == idTask }) { records[index].lastInfo = info }
        }
    }
}
