// The transport for an AUTOMATIC1111-compatible server (issue 20): the
// ImageAPI that HTTPImageAPI is for the zhiqite service.
//
// What differs from the service (read from stable-diffusion-webui's
// modules/api/api.py and models.py, and sd-webui-controlnet's API):
// - paths are the server's own, `/sdapi/v1/txt2img` under the base URL; no
//   envelope, no key headers; HTTP Basic when the server runs `--api-auth`;
// - a generation call answers only when the job is done, with the images
//   inline (base64) and `info`, a JSON *string*; so the call has its own,
//   long deadline (A1111Settings.generationTimeout), and while it runs
//   `/sdapi/v1/progress` tells how far the job is (A1111Progress);
// - there is no task to ask about afterwards: `queryTask` says so;
// - a refusal is FastAPI's: 422 `{"detail": [{loc, msg, type}]}`, a 500
//   `{error, detail, body, errors}`, 401 without the Basic credentials.
//
// Images never travel further as base64: each is decoded once, within
// ImageBounds, into InlineImages, and the answer kept in the history names it
// by an `a1111-inline:` URL that `download` reads back (A1111Answer).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What an API that answers only when done offers while the call runs.
public protocol LiveProgressAPI: ImageAPI {
    /// Where the server's current job stands.
    func progress() async throws(APIError) -> A1111Progress
    /// Stops the current job; the generation call then answers with what it made (POST /sdapi/v1/interrupt).
    func interrupt() async throws(APIError)
    /// Skips the image being made, on to the next of a batch (POST /sdapi/v1/skip).
    func skip() async throws(APIError)
    /// Forgets the decoded images of a task once they are kept.
    func releaseInline(idTask: String)
    /// A preview image decoded and held under an `a1111-inline:` URL for `download`.
    func holdPreview(_ bytes: [UInt8], idTask: String) -> String
}

public struct A1111API: LiveProgressAPI {
    public let configuration: ClientConfiguration
    /// Progress, lists, interrupt: the profile's ordinary timeout.
    private let quick: HTTPClient
    /// The generation call: its own deadline, and room for a batch of inline images (ImageBounds).
    private let generation: HTTPClient
    public let inline: InlineImages
    public var bounds = ImageBounds.standard

    public init(configuration: ClientConfiguration, inline: InlineImages = InlineImages()) {
        self.configuration = configuration
        self.inline = inline
        var quick = HTTPClient(timeout: configuration.timeout)
        // A list or a preview: a 2048² preview PNG as base64 is under 16 MB.
        quick.maxBodyBytes = 24 << 20
        self.quick = quick
        var generation = HTTPClient(timeout: configuration.timeout)
        generation.deadline = max(configuration.a1111.generationTimeout, configuration.timeout)
        // Base64 is 4 characters for 3 bytes; the JSON around the images is small.
        generation.maxBodyBytes = A1111API.answerLimit(ImageBounds.standard)
        // A job's answer arrives all at once after minutes of silence: never a stall.
        generation.stallBytesPerSecond = 0
        self.generation = generation
    }

    static func answerLimit(_ bounds: ImageBounds) -> Int {
        let images = bounds.bytesPerTask > Int.max / 2 ? Int.max / 2 : bounds.bytesPerTask
        return images / 3 * 4 + (4 << 20)
    }

    // MARK: ImageAPI

    public func send(_ request: Request) async -> SendOutcome {
        let body = request.wireJSON
        let path = request.endpoint.id
        let response: HTTPClientResponse
        let started = Date()
        // The answer is read as it arrives: each picture decoded from its base64
        // as it comes, never the whole answer held (A1111AnswerStream).
        let stream = A1111AnswerStream(idTask: request.taskID, bounds: bounds, into: inline)
        do {
            response = try await call("POST", path, body: Array(body.utf8), client: generation, sink: stream)
        } catch {
            inline.release(idTask: request.taskID)
            return SendOutcome(result: .failure(error), exchange: nil)
        }
        let read = A1111Answer.read(stream: stream, status: response.status, idTask: request.taskID)
        let exchange = Exchange(endpoint: path, requestBody: body, httpStatus: response.status, responseBody: read.keptText,
                                startedAt: started, finishedAt: Date())
        switch read.result {
        case let .success(data):
            let envelope = Envelope(code: "200", msg: "", data: data)
            return SendOutcome(result: .success(Submission(result: SubmitResult(serviceTaskID: nil, envelope: envelope), exchange: exchange)),
                               exchange: exchange)
        case let .failure(error):
            return SendOutcome(result: .failure(error), exchange: exchange)
        }
    }

    /// An A1111 server keeps no task to ask about: the answer came with the call, or not at all.
    public func queryTask(_ task: TaskReference) async throws(APIError) -> TaskInfo {
        throw .noTaskQuery(task.endpoint.title)
    }

    /// The checkpoints, as one page (the server does not page its lists).
    public func queryModels(pageNum: Int, pageSize: Int, checkpoint: String?, name: String?) async throws(APIError) -> ModelListPage {
        let data = try await queryListPage(path: A1111ModelLists.path(for: .checkpoint), pageNum: pageNum, pageSize: pageSize)
        return ModelListPage(data: data)
    }

    /// A list the server serves (`/sdapi/v1/sd-models`, …), as one page of rows in the service's shape (A1111ModelLists).
    public func queryListPage(path: String, pageNum: Int, pageSize: Int) async throws(APIError) -> JSONValue {
        // The server answers the whole list at once: the first page is all of it, the next empty.
        guard pageNum == 1 else { return .object([(key: "rows", value: .array([])), (key: "total", value: .int(0))]) }
        let response = try await call("GET", path, body: [], client: quick)
        let value = try Self.json(response, path: path)
        return A1111ModelLists.page(value, path: path)
    }

    public func download(_ url: String, maxBytes: Int) async throws(APIError) -> [UInt8] {
        if InlineImages.isInline(url) {
            // A control map's mark (A1111ResultKinds) names no other bytes than its picture's.
            guard let bytes = inline.bytes(A1111ResultKinds.heldURL(url)) else {
                throw .unexpectedResponse("this picture came inline in an answer of an earlier run and was not kept")
            }
            return bytes
        }
        guard HTTPTarget(url) != nil else {
            throw .unexpectedResponse("not an http(s) image URL: \(APIError.printable(HTTPClient.redacted(url)))")
        }
        var downloads = quick
        downloads.maxBodyBytes = max(1, min(maxBytes, 64 << 20))
        let response = try await downloads.send("GET", url, followRedirects: 5)
        guard (200..<300).contains(response.status) else {
            throw .httpStatus(response.status, bodyStart: APIError.excerpt(response.body))
        }
        return response.body
    }

    // MARK: While the call runs

    public func progress() async throws(APIError) -> A1111Progress {
        let path = A1111Progress.path
        let response = try await call("GET", path, body: [], client: quick)
        return A1111Progress(try Self.json(response, path: path))
    }

    public func interrupt() async throws(APIError) {
        let response = try await call("POST", "sdapi/v1/interrupt", body: [], client: quick)
        _ = try Self.json(response, path: "sdapi/v1/interrupt", emptyIsFine: true)
    }

    public func skip() async throws(APIError) {
        let response = try await call("POST", "sdapi/v1/skip", body: [], client: quick)
        _ = try Self.json(response, path: "sdapi/v1/skip", emptyIsFine: true)
    }

    public func releaseInline(idTask: String) { inline.release(idTask: idTask) }

    public func holdPreview(_ bytes: [UInt8], idTask: String) -> String { inline.holdPreview(bytes, idTask: idTask) }

    // MARK: Transport

    /// The base URL without its last slash: paths are joined as `base/sdapi/v1/…`.
    var base: String {
        configuration.baseURL.hasSuffix("/") ? String(configuration.baseURL.dropLast()) : configuration.baseURL
    }

    /// One call: JSON in and out, Basic credentials when the profile has them.
    /// Throws only when no answer came (or none could be sent).
    private func call(_ method: String, _ path: String, body: [UInt8], client: HTTPClient,
                      sink: A1111AnswerStream? = nil) async throws(APIError) -> HTTPClientResponse {
        let url = base + "/" + path
        guard let target = HTTPTarget(url) else { throw .invalidBaseURL(APIError.printable(configuration.baseURL)) }
        if target.hasUserInfo { throw .invalidBaseURL(APIError.printable(HTTPClient.redacted(configuration.baseURL))) }
        var headers = [("Accept", "application/json")]
        if method == "POST" { headers.append(("Content-Type", "application/json")) }
        if let auth = configuration.a1111.auth { headers.append(("Authorization", auth.headerValue)) }
        var response = try await client.send(method, url, headers: headers, body: method == "POST" && body.isEmpty ? Array("{}".utf8) : body,
                                             sink: sink)
        // A streamed answer's body is what the stream kept (pictures replaced: a proxy's page has none).
        if let sink { response = HTTPClientResponse(status: response.status, head: response.head, body: sink.rest, proxy: response.proxy) }
        if let refusal = response.proxyRefusal { throw .unreachable(host: target.host, detail: refusal) }
        return response
    }

    /// An answer's JSON, or the refusal it amounts to (A1111Failure).
    static func json(_ response: HTTPClientResponse, path: String, emptyIsFine: Bool = false) throws(APIError) -> JSONValue {
        guard (200..<300).contains(response.status) else { throw A1111Failure.error(status: response.status, body: response.body) }
        if emptyIsFine, response.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }) { return .null }
        guard let value = try? JSONParser.parse(bytes: response.body) else {
            throw .notJSON(status: response.status, bodyStart: APIError.excerpt(response.body))
        }
        return value
    }
}

extension Envelope {
    /// An answer that has no envelope (an A1111 server's), wrapped as a successful one.
    init(code: String, msg: String, data: JSONValue?) {
        self.code = code
        self.msg = msg
        self.data = data
        raw = .object([(key: "code", value: .string(code)), (key: "msg", value: .string(msg)), (key: "data", value: data ?? .null)])
    }
}

/// A refusal from an A1111 server (FastAPI's shapes), as an APIError whose
/// message says what the server said, field by field.
public enum A1111Failure {
    public static func error(status: Int, body: [UInt8]) -> APIError {
        let parsed = try? JSONParser.parse(bytes: body)
        switch status {
        case 401:
            // The server's own reason ("Incorrect username or password") when it gives one: the profile may hold a wrong pair.
            let said = (parsed?["detail"]?.stringValue).map { APIError.printable(String($0.prefix(200))) + ": " } ?? ""
            return .api(code: "401", message: said + "the server runs with --api-auth: check the profile's username and password_command (or password)")
        case 404:
            // A route's own 404 (`{"detail": "Sampler not found"}`) says what was not found; FastAPI's bare "Not Found" is a missing path.
            if let detail = parsed?["detail"]?.stringValue, !detail.isEmpty, detail != "Not Found" {
                return .api(code: "404", message: APIError.printable(String(detail.prefix(300))))
            }
            return .api(code: "404", message: "the server has no such path: is it started with --api (and the extension installed)?")
        case 422:
            let problems = validationProblems(parsed)
            if !problems.isEmpty {
                return .api(code: "422", message: "the server refused the request: " + problems.map { "\($0.path): \($0.message)" }.joined(separator: "; "))
            }
        default:
            break
        }
        if let parsed, let said = serverError(parsed) {
            return .api(code: String(status), message: said)
        }
        if status == 503 || status == 429 {
            return .busy(BusyAnswer(httpStatus: status, detail: APIError.excerpt(body), retryAfter: nil))
        }
        return .httpStatus(status, bodyStart: APIError.excerpt(body))
    }

    /// FastAPI's `detail` list, each `{loc, msg, type}`, as a wire path and its message
    /// (`["body", "steps"]` is `steps`; a list index is `[n]`).
    public static func validationProblems(_ value: JSONValue?) -> [ValidationProblem] {
        guard let items = value?["detail"]?.arrayValue else { return [] }
        return items.prefix(20).map { item in
            let parts = (item["loc"]?.arrayValue ?? []).compactMap { part -> String? in
                if let text = part.stringValue { return text }
                if case let .int(index) = part { return "[\(index)]" }
                return nil
            }
            let inBody = parts.first == "body" ? Array(parts.dropFirst()) : parts
            var path = ""
            for part in inBody { path += part.hasPrefix("[") || path.isEmpty ? part : "." + part }
            let message = item["msg"]?.stringValue ?? item["type"]?.stringValue ?? "refused"
            return ValidationProblem(path: APIError.printable(path.isEmpty ? "body" : String(path.prefix(200))),
                                     message: APIError.printable(String(message.prefix(300))))
        }
    }

    /// A 500's `{error, detail, body, errors}` (the server's own exception handler), in one line.
    static func serverError(_ value: JSONValue) -> String? {
        serverErrorSaid(value).map(APIError.printable)
    }

    /// What a 500 said, as it said it (at most 400 characters, breaks and all).
    private static func serverErrorSaid(_ value: JSONValue) -> String? {
        guard value.objectValue != nil else { return nil }
        var said: [String] = []
        if let error = value["error"]?.stringValue, !error.isEmpty { said.append(error) }
        if let detail = value["detail"]?.stringValue, !detail.isEmpty { said.append(detail) }
        if let errors = value["errors"]?.stringValue, !errors.isEmpty { said.append(errors) }
        guard !said.isEmpty else { return nil }
        return String(said.joined(separator: ": ").prefix(400))
    }

    /// A row's error for a surface of several lines (`zqt history show`, the
    /// history entry): where the kept answer is an A1111 error whose text has
    /// line breaks, shown on one line as " / ", its lines again, each made
    /// printable (no control character, tabs as spaces, bidi controls named);
    /// blank lines are left out. Any other error is returned as it is.
    public static func errorLines(_ error: String, answer: String?) -> [String] {
        // An error's answer is small; a larger one (a success's, kept) is not read for it.
        guard let answer, answer.utf8.count <= 256 << 10, let parsed = try? JSONParser.parse(answer),
              let said = serverErrorSaid(parsed) else { return [error] }
        let oneLine = APIError.printable(said)
        guard oneLine.contains(" / "), let range = error.firstRange(of: oneLine) else { return [error] }
        let lines = said.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" || $0 == "\u{2028}" || $0 == "\u{2029}" }
            .map { APIError.printable(String($0)) }
            .map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
            .filter { !$0.allSatisfy { $0 == " " } }
        guard !lines.isEmpty else { return [error] }
        var result = lines
        result[0] = String(error[..<range.lowerBound]) + result[0]
        result[result.count - 1] += String(error[range.upperBound...])
        return result
    }
}
