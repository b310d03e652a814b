// The API client's contract. One HTTP implementation (HTTPImageAPI); tests
// run it against the sandbox over real loopback HTTP, not a fake object.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One request/response pair as it crossed the wire, for history and the
/// detail view: exactly the bytes sent (credentials are headers, never here).
public struct Exchange: Sendable, Equatable {
    /// The path called, relative to `/AIGCImgOpenServ/saas/` (`sd/v2/controlnet`, `tool/roop/queryTask`).
    public let endpoint: String
    public let requestBody: String
    public let httpStatus: Int?
    public let responseBody: String?
    public let startedAt: Date
    public let finishedAt: Date
    /// Seconds the service asked to wait before the next call (its
    /// Retry-After header), when it said (issue 18).
    public var retryAfter: Double?

    public init(endpoint: String, requestBody: String, httpStatus: Int?, responseBody: String?, startedAt: Date, finishedAt: Date) {
        self.endpoint = endpoint
        self.requestBody = requestBody
        self.httpStatus = httpStatus
        self.responseBody = responseBody
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// The answer to a submit, with the exchange that produced it.
public struct Submission: Sendable, Equatable {
    public let result: SubmitResult
    public let exchange: Exchange

    public init(result: SubmitResult, exchange: Exchange) {
        self.result = result
        self.exchange = exchange
    }
}

/// Which task query to use (wire rule 8, zhiqite-api.md §A14).
public enum QueryVersion: String, Sendable, Codable {
    /// Current month only; reports progress.
    case v2
    /// Archived tasks from earlier months.
    case v1

    public var path: String { self == .v2 ? Endpoint.Query.taskInfoV2 : Endpoint.Query.taskInfoV1 }

    /// v2 for a task submitted in the current month, v1 for older ones.
    /// Months are counted in China Standard Time, the service's home zone (inferred).
    public static func forTask(submittedAt: Date, now: Date = Date()) -> QueryVersion {
        // China Standard Time is UTC+8 all year (no daylight saving).
        let a = CivilTime(submittedAt, utcOffset: 8 * 3600), b = CivilTime(now, utcOffset: 8 * 3600)
        return (a.year, a.month) == (b.year, b.month) ? .v2 : .v1
    }
}

/// How a send ended, with what crossed the wire when the service answered
/// (an API error's body is worth keeping in history too).
public struct SendOutcome: Sendable, Equatable {
    public let result: Result<Submission, APIError>
    public let exchange: Exchange?

    public init(result: Result<Submission, APIError>, exchange: Exchange?) {
        self.result = result
        self.exchange = exchange
    }
}

/// A task to ask about: its endpoint decides the query (wire rule 8).
public struct TaskReference: Sendable, Equatable {
    public let endpoint: Endpoint
    /// The client's id: `id_task` or `businessTaskId`.
    public let taskID: String
    /// Its month picks the SD query (v2 this month, v1 before).
    public let submittedAt: Date
    /// Forces the SD query version.
    public let version: QueryVersion?

    public init(endpoint: Endpoint, taskID: String, submittedAt: Date = Date(), version: QueryVersion? = nil) {
        self.endpoint = endpoint
        self.taskID = taskID
        self.submittedAt = submittedAt
        self.version = version
    }
}

public protocol ImageAPI: Sendable {
    /// Sends a request to its endpoint; never throws, the outcome says how it went.
    func send(_ request: Request) async -> SendOutcome
    /// Asks the service about a task, at the query its family uses.
    func queryTask(_ task: TaskReference) async throws(APIError) -> TaskInfo
    func queryModels(pageNum: Int, pageSize: Int, checkpoint: String?, name: String?) async throws(APIError) -> ModelListPage
    /// One page of a model list (§1.4, and §1.5–§1.7 inferred to page alike): its `data`.
    func queryListPage(path: String, pageNum: Int, pageSize: Int) async throws(APIError) -> JSONValue
    /// Downloads a result image (result URLs are signed and expire: wire rule 10),
    /// refusing one larger than `maxBytes` (issue 23: ImageBounds).
    func download(_ url: String, maxBytes: Int) async throws(APIError) -> [UInt8]
}

extension ImageAPI {
    /// A result image, at most the bytes one image may be.
    public func download(_ url: String) async throws(APIError) -> [UInt8] {
        try await download(url, maxBytes: ImageBounds.standard.bytesPerImage)
    }

    /// A whole model list, page by page to its end (ModelListReader's limits).
    public func readModelList(_ kind: ModelListKind, path: String) async throws(APIError) -> ModelList {
        try await ModelListReader.readAll(kind: kind, path: path) { pageNum, pageSize throws(APIError) in
            try await queryListPage(path: path, pageNum: pageNum, pageSize: pageSize)
        }
    }

    /// Sends a request; an API error (`code` not "200") throws.
    public func submit(_ request: Request) async throws(APIError) -> Submission {
        try await send(request).result.get()
    }
}
