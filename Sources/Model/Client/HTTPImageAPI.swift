// The HTTP implementation of ImageAPI, on zqt's own HTTPClient.
//
// Wire rule 1: every call is a JSON POST carrying both credential headers.
// Wire rule 2: the `{code, msg, data}` envelope; a non-2xx status, a body that
// is not JSON, a timeout and a refused connection are told apart.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public struct HTTPImageAPI: ImageAPI {
    public let configuration: ClientConfiguration
    private let http: HTTPClient

    public init(configuration: ClientConfiguration) {
        self.configuration = configuration
        http = HTTPClient(timeout: configuration.timeout)
    }

    public static let idHeader = "X-Request-req-accessKeyId"
    public static let secretHeader = "X-Request-req-accessKeySecret"

    // MARK: ImageAPI

    public func submit(_ request: SDRequest, to endpoint: Endpoint) async throws(APIError) -> Submission {
        let body = request.wireJSON
        let (envelope, exchange) = try await post(endpoint, body: body)
        return Submission(result: SubmitResult(serviceTaskID: readTaskID(in: envelope.data), envelope: envelope),
                          exchange: exchange)
    }

    public func queryTask(businessTaskID: String, version: QueryVersion) async throws(APIError) -> TaskInfo {
        let body = JSONWriter.pretty(.object([(key: "businessTaskId", value: .string(businessTaskID))]))
        let (envelope, _) = try await post(version.endpoint, body: body)
        guard let data = envelope.data, data.objectValue != nil else {
            throw .unexpectedResponse("queryTaskInfo answered without a data object")
        }
        return TaskInfo(data: data)
    }

    public func queryModels(pageNum: Int, pageSize: Int, checkpoint: String?, name: String?) async throws(APIError) -> ModelListPage {
        let body = JSONWriter.pretty(.object(dropping: [
            ("sdModelCheckpoint", checkpoint.map { .string($0) }),
            ("sdModelName", name.map { .string($0) }),
            ("pageSize", .int(pageSize)),
            ("pageNum", .int(pageNum)),
        ]))
        let (envelope, _) = try await post(.queryModelList, body: body)
        guard let data = envelope.data, data.objectValue != nil else {
            throw .unexpectedResponse("queryModelList answered without a data object")
        }
        return ModelListPage(data: data)
    }

    public func download(_ url: String) async throws(APIError) -> [UInt8] {
        guard HTTPTarget(url) != nil else { throw .unexpectedResponse("not an http(s) image URL: \(url)") }
        // Signed object-storage links may redirect to a mirror.
        let response = try await http.send("GET", url, followRedirects: 5)
        guard (200..<300).contains(response.status) else {
            throw .httpStatus(response.status, bodyStart: APIError.excerpt(response.body))
        }
        return response.body
    }

    // MARK: Transport

    /// POSTs a JSON body and unwraps the envelope. Returns the exchange too,
    /// so a caller can keep exactly what was sent and received.
    public func post(_ endpoint: Endpoint, body: String) async throws(APIError) -> (Envelope, Exchange) {
        guard let credentials = configuration.credentials, credentials.isComplete else {
            throw .missingCredentials
        }
        let base = configuration.baseURL.hasSuffix("/") ? String(configuration.baseURL.dropLast()) : configuration.baseURL
        guard HTTPTarget(base + endpoint.path) != nil else { throw .invalidBaseURL(configuration.baseURL) }
        let headers = [("Content-Type", "application/json"), ("Accept", "application/json"),
                       (Self.idHeader, credentials.accessKeyID), (Self.secretHeader, credentials.accessKeySecret)]

        let started = Date()
        let response = try await http.send("POST", base + endpoint.path, headers: headers, body: Array(body.utf8))
        let bytes = response.body
        let exchange = Exchange(endpoint: endpoint, requestBody: body, httpStatus: response.status,
                                responseBody: String(decoding: bytes, as: UTF8.self), startedAt: started, finishedAt: Date())

        let parsed = try? JSONParser.parse(bytes: bytes)
        guard (200..<300).contains(response.status) else {
            // A JSON error envelope on a non-2xx status still carries the service's msg.
            if let parsed, let envelope = Envelope(parsed), !envelope.isSuccess {
                throw .api(code: envelope.code, message: envelope.msg.isEmpty ? "HTTP \(response.status)" : envelope.msg)
            }
            throw .httpStatus(response.status, bodyStart: APIError.excerpt(bytes))
        }
        guard let parsed else {
            throw .notJSON(status: response.status, bodyStart: APIError.excerpt(bytes))
        }
        guard let envelope = Envelope(parsed) else {
            throw .unexpectedResponse("no \"code\" in \(APIError.excerpt(bytes))")
        }
        guard envelope.isSuccess else {
            throw .api(code: envelope.code, message: envelope.msg)
        }
        return (envelope, exchange)
    }
}
