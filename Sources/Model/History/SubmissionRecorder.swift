// Where the compose screen hands each submission and its answer: the model
// layer's record of requests and task ids. Issue 4 puts it in SQLite; until
// then the in-memory log keeps this session's submissions.

import Foundation

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

public final class InMemorySubmissionLog: SubmissionRecorder, @unchecked Sendable {
    private let lock = NSLock()
    private var records: [SubmissionRecord] = []

    public init() {}

    public var all: [SubmissionRecord] {
        lock.lock()
        defer { lock.unlock() }
        return records
    }

    public func recordSubmit(_ record: SubmissionRecord) {
        lock.lock()
        records.append(record)
        lock.unlock()
    }

    public func recordTaskInfo(idTask: String, info: TaskInfo) {
        lock.lock()
        if let index = records.lastIndex(where: { $0.idTask == idTask }) { records[index].lastInfo = info }
        lock.unlock()
    }
}
