import Foundation
import Model
import Testing

/// zqt's HTTP client (libcurl) against servers that answer in the shapes real
/// services and object stores use.
@Suite struct HTTPClientTests {
    static func answer(_ status: String, headers: [String] = [], body: String) -> [UInt8] {
        Array(("HTTP/1.1 \(status)\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n" + body).utf8)
    }

    @Test func aChunkedEnvelopeIsReadAndTheRequestIsWellFormed() async throws {
        let server = try RawHTTPServer { _ in
            Self.answer("200 OK", headers: ["Transfer-Encoding: chunked", "Content-Type: application/json"],
                        body: "10\r\n{\"code\": \"200\", \r\n1c\r\n\"msg\": \"ok\", \"data\": {\"task_\r\na\r\nid\": \"t1\"}\r\n1\r\n}\r\n0\r\n\r\n")
        }
        let api = HTTPImageAPI(configuration: ClientConfiguration(
            baseURL: server.url + "/", credentials: Credentials(accessKeyID: "id-1", accessKeySecret: "secret-1"), timeout: 30))
        let (envelope, exchange) = try await api.post(Endpoint.Query.taskInfoV2, body: "{\"businessTaskId\": \"t1\"}")
        #expect(envelope.isSuccess)
        #expect(envelope.data?["task_id"]?.stringValue == "t1")
        #expect(exchange.httpStatus == 200)

        let request = try #require(server.received.first)
        #expect(request.hasPrefix("POST /AIGCImgOpenServ/saas/sd/v2/queryTaskInfo HTTP/1.1\r\n"), "one slash between base URL and path")
        #expect(request.contains("\r\nHost: 127.0.0.1:\(server.port)\r\n"))
        #expect(request.contains("\r\nContent-Type: application/json\r\n"))
        #expect(request.contains("\r\nX-Request-req-accessKeyId: id-1\r\n"))
        #expect(request.contains("\r\nX-Request-req-accessKeySecret: secret-1\r\n"))
        #expect(request.contains("\r\nContent-Length: 24\r\n"))
        #expect(request.hasSuffix("\r\n\r\n{\"businessTaskId\": \"t1\"}"))
    }

    @Test func aBodyEndedByClosingTheConnectionIsRead() async throws {
        let server = try RawHTTPServer { _ in Self.answer("200 OK", body: "{\"code\": \"200\", \"msg\": \"closed\"}") }
        let response = try await HTTPClient(timeout: 30).send("POST", server.url + "/x", body: Array("{}".utf8))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "{\"code\": \"200\", \"msg\": \"closed\"}")
    }

    @Test func downloadsFollowRedirectsAndPostsDoNot() async throws {
        let server = try RawHTTPServer { request in
            if request.hasPrefix("GET /signed/a.png") {
                return Self.answer("302 Found", headers: ["Location: /mirror/a.png?sig=1", "Content-Length: 0"], body: "")
            }
            if request.hasPrefix("GET /mirror/a.png?sig=1 ") {
                return Self.answer("200 OK", headers: ["Content-Length: 4"], body: "\u{1}\u{2}\u{3}\u{4}")
            }
            return Self.answer("301 Moved Permanently", headers: ["Location: /elsewhere", "Content-Length: 0"], body: "")
        }
        let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: server.url, credentials: SandboxCredentials.any, timeout: 30))
        #expect(try await api.download(server.url + "/signed/a.png") == [1, 2, 3, 4])
        await #expect(throws: APIError.httpStatus(301, bodyStart: "")) {
            try await api.post(Endpoint.controlNet.id, body: "{}")
        }
    }

    @Test func aTruncatedBodyIsAConnectionLost() async throws {
        let server = try RawHTTPServer { _ in Self.answer("200 OK", headers: ["Content-Length: 100"], body: "{\"code\"") }
        await #expect(throws: APIError.connectionLost) {
            try await HTTPClient(timeout: 30).send("POST", server.url, body: [])
        }
    }

    /// The server answers nothing until the test ends, then closes the
    /// connection: only the client's own deadline or cancelling can end a
    /// request first, however slow the machine. (The 0.3 s timeout firing is
    /// what is under test; elapsed time is not asserted: under a parallel
    /// test run, resuming the awaiting task can wait for a busy cooperative pool.)
    @Test func aSilentServerTimesOutAndCancellingStopsTheRequest() async throws {
        let silence = DispatchGroup()
        silence.enter()
        defer { silence.leave() }
        let server = try RawHTTPServer { _ in
            silence.wait()
            return []
        }
        await #expect(throws: APIError.timedOut(seconds: 0.3)) {
            try await HTTPClient(timeout: 0.3).send("POST", server.url, body: [])
        }

        // Cancelled once the server holds the request: in flight, not before it was sent.
        let heldBefore = server.received.count
        let waiting = Task { try await HTTPClient(timeout: 30).send("POST", server.url, body: []) }
        let deadline = Date().addingTimeInterval(30)
        while server.received.count == heldBefore {
            guard Date() < deadline else { Issue.record("the second request never reached the server"); break }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        waiting.cancel()
        await #expect(throws: APIError.cancelled) { try await waiting.value }
    }

    @Test func unknownHostsAndBadURLsSaySo() async throws {
        await #expect(throws: APIError.unreachable(host: "no-such-host.invalid", detail: "host name not found")) {
            try await HTTPClient(timeout: 30).send("GET", "http://no-such-host.invalid/x")
        }
        await #expect(throws: APIError.invalidBaseURL("ftp://example.com")) {
            try await HTTPClient(timeout: 30).send("GET", "ftp://example.com")
        }
    }
}

enum SandboxCredentials {
    static let any = Credentials(accessKeyID: "k", accessKeySecret: "s")
}
