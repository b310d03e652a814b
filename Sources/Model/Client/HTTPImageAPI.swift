// The HTTP implementation of ImageAPI, on URLSession.
//
// Wire rule 1: every call is a JSON POST carrying both credential headers.
// Wire rule 2: the `{code, msg, data}` envelope; a non-2xx status, a body that
// is not JSON, a timeout and a refused connection are told apart.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

public final class HTTPImageAPI: ImageAPI, @unchecked Sendable {
    public let configuration: ClientConfiguration
    private let lock = NSLock()
    private var madeSession: URLSession?

    public init(configuration: ClientConfiguration) {
        self.configuration = configuration
    }

    deinit { madeSession?.finishTasksAndInvalidate() }

    /// Made on the first call: creating a URLSession starts libcurl and its
    /// TLS stack, which start-up (first frame, memory budget) does not need.
    private var session: URLSession {
        lock.lock()
        defer { lock.unlock() }
        if let madeSession { return madeSession }
        let sessionConfig = URLSessionConfiguration.ephemeral
        sessionConfig.timeoutIntervalForRequest = configuration.timeout
        sessionConfig.timeoutIntervalForResource = configuration.timeout * 4
        sessionConfig.httpCookieStorage = nil
        sessionConfig.urlCache = nil
        let made = URLSession(configuration: sessionConfig)
        madeSession = made
        return made
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

    public func download(_ url: String) async throws(APIError) -> Data {
        guard let target = URL(string: url), let host = target.host else { throw .invalidBaseURL(url) }
        let (data, response) = try await perform(URLRequest(url: target), host: host)
        guard (200..<300).contains(response.statusCode) else {
            throw .httpStatus(response.statusCode, bodyStart: APIError.excerpt(Array(data)))
        }
        return data
    }

    // MARK: Transport

    /// POSTs a JSON body and unwraps the envelope. Returns the exchange too,
    /// so a caller can keep exactly what was sent and received.
    public func post(_ endpoint: Endpoint, body: String) async throws(APIError) -> (Envelope, Exchange) {
        guard let credentials = configuration.credentials, credentials.isComplete else {
            throw .missingCredentials
        }
        let base = configuration.baseURL.hasSuffix("/") ? String(configuration.baseURL.dropLast()) : configuration.baseURL
        guard let url = URL(string: base + endpoint.path), let host = url.host,
              ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
            throw .invalidBaseURL(configuration.baseURL)
        }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue(credentials.accessKeyID, forHTTPHeaderField: Self.idHeader)
        request.setValue(credentials.accessKeySecret, forHTTPHeaderField: Self.secretHeader)
        request.httpBody = Data(body.utf8)

        let started = Date()
        let (data, response) = try await perform(request, host: host)
        let bytes = Array(data)
        let responseText = String(decoding: bytes, as: UTF8.self)
        let exchange = Exchange(endpoint: endpoint, requestBody: body, httpStatus: response.statusCode,
                                responseBody: responseText, startedAt: started, finishedAt: Date())

        let parsed = try? JSONParser.parse(bytes: bytes)
        guard (200..<300).contains(response.statusCode) else {
            // A JSON error envelope on a non-2xx status still carries the service's msg.
            if let parsed, let envelope = Envelope(parsed), !envelope.isSuccess {
                throw .api(code: envelope.code, message: envelope.msg.isEmpty ? "HTTP \(response.statusCode)" : envelope.msg)
            }
            throw .httpStatus(response.statusCode, bodyStart: APIError.excerpt(bytes))
        }
        guard let parsed else {
            throw .notJSON(status: response.statusCode, bodyStart: APIError.excerpt(bytes))
        }
        guard let envelope = Envelope(parsed) else {
            throw .unexpectedResponse("no \"code\" in \(APIError.excerpt(bytes))")
        }
        guard envelope.isSuccess else {
            throw .api(code: envelope.code, message: envelope.msg)
        }
        return (envelope, exchange)
    }

    private func perform(_ request: URLRequest, host: String) async throws(APIError) -> (Data, HTTPURLResponse) {
        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else {
                throw APIError.unexpectedResponse("not an HTTP response")
            }
            return (data, http)
        } catch let error as APIError {
            throw error
        } catch is CancellationError {
            throw .cancelled
        } catch let error as URLError {
            throw map(error, host: host)
        } catch {
            throw .transport(String(describing: error))
        }
    }

    private func map(_ error: URLError, host: String) -> APIError {
        switch error.code {
        case .cancelled: return .cancelled
        case .timedOut: return .timedOut(seconds: configuration.timeout)
        case .cannotConnectToHost: return .connectionRefused(host: host)
        case .cannotFindHost, .dnsLookupFailed: return .unreachable(host: host, detail: "host name not found")
        case .notConnectedToInternet: return .unreachable(host: host, detail: "no network")
        case .networkConnectionLost, .badServerResponse, .zeroByteResource: return .connectionLost
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
            return .unreachable(host: host, detail: "TLS failed (\(error.localizedDescription))")
        default: return .transport(error.localizedDescription)
        }
    }
}
