// The HTTP implementation of ImageAPI, on HTTPClient (libcurl).
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
    /// Result images: up to 64 MB (each download asks for less: ImageBounds), five minutes in all (or the timeout when
    /// longer), ended sooner when they stall.
    private let downloads: HTTPClient

    public init(configuration: ClientConfiguration) {
        self.configuration = configuration
        http = HTTPClient(timeout: configuration.timeout)
        var downloads = HTTPClient(timeout: configuration.timeout)
        downloads.maxBodyBytes = 64 << 20
        downloads.deadline = max(300, configuration.timeout)
        self.downloads = downloads
    }

    public static let idHeader = "X-Request-req-accessKeyId"
    public static let secretHeader = "X-Request-req-accessKeySecret"

    // MARK: ImageAPI

    public func send(_ request: Request) async -> SendOutcome {
        let exchange: Exchange
        do {
            exchange = try await self.exchange(request.endpoint.id, body: request.wireJSON)
        } catch {
            return SendOutcome(result: .failure(error), exchange: nil)
        }
        do {
            let envelope = try Self.envelope(of: exchange)
            return SendOutcome(result: .success(Submission(
                result: SubmitResult(serviceTaskID: readTaskID(in: envelope.data), envelope: envelope), exchange: exchange)),
                exchange: exchange)
        } catch {
            return SendOutcome(result: .failure(error), exchange: exchange)
        }
    }

    public func queryTask(_ task: TaskReference) async throws(APIError) -> TaskInfo {
        guard let path = task.endpoint.family.queryPath(submittedAt: task.submittedAt, version: task.version) else {
            throw .noTaskQuery(task.endpoint.title)
        }
        let body = JSONWriter.pretty(.object([(key: "businessTaskId", value: .string(task.taskID))]))
        let (envelope, _) = try await post(path, body: body)
        guard let data = envelope.data, data.objectValue != nil else {
            throw .unexpectedResponse("\(path) answered without a data object")
        }
        return TaskInfo(data: data, family: task.endpoint.family, result: task.endpoint.result)
    }

    public func queryModels(pageNum: Int, pageSize: Int, checkpoint: String?, name: String?) async throws(APIError) -> ModelListPage {
        let body = JSONWriter.pretty(.object(dropping: [
            ("sdModelCheckpoint", checkpoint.map { .string($0) }),
            ("sdModelName", name.map { .string($0) }),
            ("pageSize", .int(pageSize)),
            ("pageNum", .int(pageNum)),
        ]))
        let (envelope, _) = try await post(Endpoint.Query.modelList, body: body)
        guard let data = envelope.data, data.objectValue != nil else {
            throw .unexpectedResponse("queryModelList answered without a data object")
        }
        return ModelListPage(data: data)
    }

    public func queryListPage(path: String, pageNum: Int, pageSize: Int) async throws(APIError) -> JSONValue {
        // §1.4's body; the LoRA, VAE and embedding lists are inferred to take the same (§1.5–§1.7).
        let body = JSONWriter.pretty(.object([(key: "pageSize", value: .int(pageSize)), (key: "pageNum", value: .int(pageNum))]))
        let (envelope, _) = try await post(path, body: body)
        guard let data = envelope.data, data.objectValue != nil else {
            throw .unexpectedResponse("\(path) answered without a data object")
        }
        return data
    }

    public func download(_ url: String, maxBytes: Int) async throws(APIError) -> [UInt8] {
        guard HTTPTarget(url) != nil else {
            throw .unexpectedResponse("not an http(s) image URL: \(APIError.printable(HTTPClient.redacted(url)))")
        }
        // Signed object-storage links may redirect to a mirror (never from https to http).
        var downloads = downloads
        downloads.maxBodyBytes = max(1, min(maxBytes, downloads.maxBodyBytes))
        let response = try await downloads.send("GET", url, followRedirects: 5)
        if let refusal = response.proxyRefusal { throw .unreachable(host: HTTPTarget(url)?.host ?? "", detail: refusal) }
        guard (200..<300).contains(response.status) else {
            throw .httpStatus(response.status, bodyStart: APIError.excerpt(response.body))
        }
        return response.body
    }

    // MARK: Transport

    /// POSTs a JSON body and unwraps the envelope. Returns the exchange too,
    /// so a caller can keep exactly what was sent and received.
    public func post(_ endpoint: String, body: String) async throws(APIError) -> (Envelope, Exchange) {
        let exchange = try await self.exchange(endpoint, body: body)
        return (try Self.envelope(of: exchange), exchange)
    }

    /// POSTs a JSON body: what went out and what came back, whatever it says.
    /// Throws only when no answer arrived (or none could be sent).
    public func exchange(_ endpoint: String, body: String) async throws(APIError) -> Exchange {
        guard let credentials = configuration.credentials, credentials.isComplete else {
            throw .missingCredentials
        }
        let base = configuration.baseURL.hasSuffix("/") ? String(configuration.baseURL.dropLast()) : configuration.baseURL
        guard let target = HTTPTarget(base + Endpoint.pathPrefix + endpoint) else {
            throw .invalidBaseURL(APIError.printable(configuration.baseURL))
        }
        // "user:pw@" is never sent (ClientConfiguration keeps only "***@").
        if target.hasUserInfo { throw .invalidBaseURL(APIError.printable(HTTPClient.redacted(configuration.baseURL))) }
        let headers = [("Content-Type", "application/json"), ("Accept", "application/json"),
                       (Self.idHeader, credentials.accessKeyID), (Self.secretHeader, credentials.accessKeySecret)]

        let started = Date()
        let response = try await http.send("POST", base + Endpoint.pathPrefix + endpoint, headers: headers, body: Array(body.utf8))
        // A proxy's own refusal is no answer from the service (issue 23: not "HTTP 403 from the service").
        if let refusal = response.proxyRefusal { throw .unreachable(host: target.host, detail: refusal) }
        var exchange = Exchange(endpoint: endpoint, requestBody: body, httpStatus: response.status,
                                responseBody: String(decoding: response.body, as: UTF8.self), startedAt: started, finishedAt: Date())
        exchange.retryAfter = BusyAnswer.seconds(retryAfter: response.head.header("retry-after"))
        return exchange
    }

    /// The envelope of an answer (wire rule 2), or the error it amounts to.
    /// A busy answer (HTTP 429 or 503, or a busy envelope code) is `.busy`,
    /// with the Retry-After it came with (issue 18).
    static func envelope(of exchange: Exchange) throws(APIError) -> Envelope {
        let bytes = Array((exchange.responseBody ?? "").utf8)
        let status = exchange.httpStatus ?? 0
        let parsed = try? JSONParser.parse(bytes: bytes)
        guard (200..<300).contains(status) else {
            // A JSON error envelope on a non-2xx status still carries the service's msg.
            if let parsed, let envelope = Envelope(parsed), !envelope.isSuccess {
                let message = envelope.msg.isEmpty ? "HTTP \(status)" : envelope.msg
                if BusyAnswer.isBusy(status: status, code: envelope.code) {
                    throw .busy(BusyAnswer(httpStatus: status, code: envelope.code, detail: message, retryAfter: exchange.retryAfter))
                }
                throw .api(code: envelope.code, message: message)
            }
            if BusyAnswer.isBusy(status: status, code: nil) {
                throw .busy(BusyAnswer(httpStatus: status, detail: APIError.excerpt(bytes), retryAfter: exchange.retryAfter))
            }
            throw .httpStatus(status, bodyStart: APIError.excerpt(bytes))
        }
        guard let parsed else {
            throw .notJSON(status: status, bodyStart: APIError.excerpt(bytes))
        }
        guard let envelope = Envelope(parsed) else {
            throw .unexpectedResponse("no \"code\" in \(APIError.excerpt(bytes))")
        }
        guard envelope.isSuccess else {
            if BusyAnswer.isBusy(status: status, code: envelope.code) {
                throw .busy(BusyAnswer(httpStatus: status, code: envelope.code, detail: envelope.msg, retryAfter: exchange.retryAfter))
            }
            throw .api(code: envelope.code, message: envelope.msg)
        }
        return envelope
    }
}
