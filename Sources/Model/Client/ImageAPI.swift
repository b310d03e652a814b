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
    public let endpoint: Endpoint
    public let requestBody: String
    public let httpStatus: Int?
    public let responseBody: String?
    public let startedAt: Date
    public let finishedAt: Date

    public init(endpoint: Endpoint, requestBody: String, httpStatus: Int?, responseBody: String?, startedAt: Date, finishedAt: Date) {
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

    public var endpoint: Endpoint { self == .v2 ? .queryTaskInfoV2 : .queryTaskInfoV1 }

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

public protocol ImageAPI: Sendable {
    /// Sends a generation request; never throws, the outcome says how it went.
    func send(_ request: SDRequest, to endpoint: Endpoint) async -> SendOutcome
    func queryTask(businessTaskID: String, version: QueryVersion) async throws(APIError) -> TaskInfo
    func queryModels(pageNum: Int, pageSize: Int, checkpoint: String?, name: String?) async throws(APIError) -> ModelListPage
    /// Downloads a result image (result URLs are signed and expire: wire rule 10).
    func download(_ url: String) async throws(APIError) -> [UInt8]
}

extension ImageAPI {
    /// Sends a generation request; an API error (`code` not "200") throws.
    public func submit(_ request: SDRequest, to endpoint: Endpoint) async throws(APIError) -> Submission {
        try await send(request, to: endpoint).result.get()
    }
}
