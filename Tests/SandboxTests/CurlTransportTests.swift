import Foundation
@testable import Model
import Synchronization
import Testing

/// What the libcurl transport gives users, each against a server on loopback.
@Suite struct CurlTransportTests {
    static func answer(_ status: String, headers: [String] = [], body: String) -> [UInt8] {
        HTTPClientTests.answer(status, headers: headers, body: body)
    }
    static let envelope = "{\"code\": \"200\", \"msg\": \"ok\", \"data\": {\"status\": 1}}"

    @Test func pollingReusesOneConnection() async throws {
        let server = try RawHTTPServer(keepAlive: true) { _ in
            Self.answer("200 OK", headers: ["Content-Length: \(Self.envelope.utf8.count)"], body: Self.envelope)
        }
        let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: server.url, credentials: SandboxCredentials.any, timeout: 30))
        // The longest time between two queries' starts: the longest the connection can have waited idle.
        var longestGap = 0.0
        var lastStart: Date?
        for _ in 0..<5 {
            let start = Date()
            if let lastStart { longestGap = max(longestGap, start.timeIntervalSince(lastStart)) }
            lastStart = start
            let (envelope, _) = try await api.post(Endpoint.Query.taskInfoV2, body: "{}")
            #expect(envelope.isSuccess)
        }
        #expect(server.received.count == 5)
        // The idle pool is bounded and shared by the whole process: when the
        // suite's other servers crowd it while this test waits for a thread,
        // the handle may be dropped and its connection made again. A connection
        // idle for a minute is closed too, by the pool (its idleSeconds) or by
        // libcurl (CURLOPT_MAXAGE_CONN, 118 s): a test starved that long by a
        // loaded machine's pool made a second one (CI). Only then is a second
        // connection expected.
        let origin = server.url
        #expect(server.connections == 1 || CurlHandle.wasDropped(origin: origin) || longestGap >= 60,
                "five queries, one TCP connection (\(server.connections) made; the handle was not dropped; queries at most \(longestGap.rounded()) s apart)")
    }

    /// A poll's connection outlives transfers to other places in between:
    /// libcurl's own cache keeps four connections per handle added, which a
    /// sweep's service, image hosts and the screen's lists outgrow; zqt's
    /// keeps 64 (issue 18).
    @Test func aConnectionOutlivesTransfersToTenOtherPlaces() async throws {
        let polled = try RawHTTPServer(keepAlive: true) { _ in
            Self.answer("200 OK", headers: ["Content-Length: 2"], body: "ok")
        }
        let others = try (0..<10).map { _ in
            try RawHTTPServer(keepAlive: true) { _ in Self.answer("200 OK", headers: ["Content-Length: 2"], body: "ok") }
        }
        let client = HTTPClient(timeout: 30)
        _ = try await client.send("GET", polled.url)
        for other in others { _ = try await client.send("GET", other.url) }
        let again = try await client.send("GET", polled.url)
        #expect(again.body == Array("ok".utf8))
        #expect(polled.received.count == 2)
        #expect(polled.connections == 1 || CurlHandle.wasDropped(origin: polled.url),
                "the first connection was reused (\(polled.connections) made; it was not evicted)")
    }

    /// Every transfer runs on zqt's one transfer thread (issue 18: a thread
    /// a request held a sweep's memory up): sixteen requests the server holds
    /// until all sixteen have arrived are in flight together, and they are
    /// carried by one thread, not sixteen.
    @Test func sixteenRequestsAtOnceShareOneTransferThread() async throws {
        final class Seen: Sendable {
            let arrived = Mutex(0)
            let transferThreads = Mutex<Set<Int>>([])
        }
        let seen = Seen()
        let server = try RawHTTPServer { _ in
            seen.arrived.withLock { $0 += 1 }
            let deadline = Date().addingTimeInterval(30)
            while seen.arrived.withLock({ $0 }) < 16, Date() < deadline { usleep(1000) }
            return Self.answer("200 OK", headers: ["Content-Length: 2"], body: "ok")
        }
        let client = HTTPClient(timeout: 40)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    let response = try await client.send("GET", server.url)
                    #expect(response.body == Array("ok".utf8))
                }
            }
            // While the server holds them: the threads named for transfers.
            group.addTask {
                let deadline = Date().addingTimeInterval(30)
                while seen.arrived.withLock({ $0 }) < 16, Date() < deadline { try await Task.sleep(nanoseconds: 1_000_000) }
                seen.transferThreads.withLock { $0.formUnion(Self.threads(named: "zqt-transfers")) }
            }
            try await group.waitForAll()
        }
        #expect(seen.arrived.withLock { $0 } == 16)
        #expect(seen.transferThreads.withLock { $0.count } == 1)
    }

    /// This process's threads (their ids) whose name is `name`.
    static func threads(named name: String) -> Set<Int> {
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return Set(ids.compactMap { id in
            let comm = (try? String(contentsOfFile: "/proc/self/task/\(id)/comm", encoding: .utf8)) ?? ""
            return comm.trimmingCharacters(in: .whitespacesAndNewlines) == name ? Int(id) : nil
        })
    }

    /// One byte a second would keep a call going for ever; the deadline ends it.
    @Test func aTricklingServerDoesNotOutliveTheTimeout() async throws {
        // A thousand bytes, one a second: the trickle would last over 16 minutes
        // (it stops when the client leaves), far beyond any loaded machine's delay.
        let server = try RawHTTPServer { _, write in
            guard write(Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".utf8)) else { return }
            for _ in 0..<1000 {
                Thread.sleep(forTimeInterval: 1)
                if !write([UInt8(ascii: "x")]) { return }
            }
        }
        let started = Date()
        await #expect(throws: APIError.timedOut(seconds: 2)) {
            try await HTTPClient(timeout: 2).send("POST", server.url, body: [])
        }
        // The trickle would last 1000 s. A loaded machine stretches the 2 s deadline's
        // end (a 40 s bound failed under load: the awaiting test resumes on a pool
        // other tests keep busy), but a call that outlived its deadline would still be running.
        #expect(Date().timeIntervalSince(started) < 120)

        // A download may take longer in all, but not stall.
        let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: server.url, credentials: SandboxCredentials.any, timeout: 1))
        await #expect(throws: APIError.transport("the transfer stalled: under 1024 bytes a second for 1 s")) {
            try await api.download(server.url + "/image.png")
        }
    }

    @Test func anyTimeoutIsUsableWithoutATrap() async throws {
        let server = try RawHTTPServer { _ in Self.answer("200 OK", headers: ["Content-Length: 2"], body: "ok") }
        for timeout in [Double.infinity, .nan, 1e300, -1, 0] {
            let response = try await HTTPClient(timeout: timeout).send("GET", server.url)
            #expect(response.body == Array("ok".utf8), "timeout \(timeout)")
        }
    }

    @Test func anEndlessChunkedBodyEndsAtTheLimit() async throws {
        let chunk = Array("10000\r\n".utf8) + [UInt8](repeating: 0x61, count: 0x10000) + Array("\r\n".utf8)
        let server = try RawHTTPServer { _, write in
            guard write(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)) else { return }
            for _ in 0..<20_000 where write(chunk) {}  // up to 1.3 GB, until the client leaves
        }
        await #expect(throws: APIError.unexpectedResponse("the answer is larger than 8 MB")) {
            try await HTTPClient(timeout: 20).send("POST", server.url, body: [])
        }
        // A declared length over the limit is refused before the body is read.
        let declared = try RawHTTPServer { _ in Self.answer("200 OK", headers: ["Content-Length: 9000000000"], body: "x") }
        await #expect(throws: APIError.unexpectedResponse("the answer is larger than 8 MB")) {
            try await HTTPClient(timeout: 20).send("POST", declared.url, body: [])
        }
        #expect(APIError.unexpectedResponse("the answer is larger than 8 MB").message
            == "Unexpected answer from the service: the answer is larger than 8 MB")
    }

    @Test func proxiesFromTheEnvironmentAreUsed() async throws {
        let proxy = try RawHTTPServer { request in
            request.hasPrefix("CONNECT ")
                ? Self.answer("403 Forbidden", headers: ["Content-Length: 0"], body: "")
                : Self.answer("200 OK", headers: ["Content-Length: 9"], body: "via proxy")
        }
        // Port 1 has no server: only the proxy can answer.
        var client = HTTPClient(timeout: 30)
        client.environment = ["HTTP_PROXY": proxy.url]
        let response = try await client.send("GET", "http://127.0.0.1:1/x")
        #expect(String(decoding: response.body, as: UTF8.self) == "via proxy")
        #expect(proxy.received.first?.hasPrefix("GET http://127.0.0.1:1/x HTTP/1.1\r\n") == true)

        client.environment = ["HTTP_PROXY": proxy.url, "NO_PROXY": "127.0.0.1"]
        await #expect(throws: APIError.connectionRefused(host: "127.0.0.1")) {
            try await client.send("GET", "http://127.0.0.1:1/x")
        }

        client.environment = ["http_proxy": "127.0.0.1:1"]
        await #expect(throws: APIError.unreachable(host: "127.0.0.1", detail: "the proxy 127.0.0.1:1 did not take the connection")) {
            try await client.send("GET", "http://127.0.0.1:\(proxy.port)/x")
        }

        client.environment = ["HTTPS_PROXY": proxy.url]
        await #expect(throws: APIError.unreachable(host: "127.0.0.1", detail: "the proxy refused to connect (HTTP 403)")) {
            try await client.send("GET", "https://127.0.0.1:1/x")
        }
        #expect(proxy.received.last?.hasPrefix("CONNECT 127.0.0.1:1 HTTP/1.1\r\n") == true)
    }

    @Test func downloadRedirectsAreLimited() async throws {
        let server = try RawHTTPServer { _ in Self.answer("302 Found", headers: ["Location: /again", "Content-Length: 0"], body: "") }
        let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: server.url, credentials: SandboxCredentials.any, timeout: 30))
        do {
            _ = try await api.download(server.url + "/a.png")
            Issue.record("a redirect loop was followed to the end")
        } catch {
            guard case let .unexpectedResponse(detail) = error else { Issue.record("\(error)"); return }
            #expect(detail.hasPrefix("too many redirects"))
        }
        #expect(server.received.count == 6, "the first request and five redirects")
    }

    @Test func controlCharactersInKeysAreRefusedBeforeSending() async throws {
        let server = try RawHTTPServer { _ in Self.answer("200 OK", headers: ["Content-Length: 0"], body: "") }
        for (id, secret, name) in [("id\r\nX-Evil: 1", "s", HTTPImageAPI.idHeader), ("id", "s\nX-Evil: 1", HTTPImageAPI.secretHeader),
                                   ("id\u{1}", "s", HTTPImageAPI.idHeader)] {
            let api = HTTPImageAPI(configuration: ClientConfiguration(
                baseURL: server.url, credentials: Credentials(accessKeyID: id, accessKeySecret: secret), timeout: 30))
            do {
                _ = try await api.post(Endpoint.Query.taskInfoV2, body: "{}")
                Issue.record("sent with \(name) holding a control character")
            } catch {
                #expect(error == .invalidHeader(name: name))
                #expect(error.message.hasPrefix(name == HTTPImageAPI.idHeader ? "ZQT_ACCESS_KEY_ID holds a control character"
                                                                              : "ZQT_ACCESS_KEY_SECRET holds a control character"))
            }
        }
        #expect(server.received.isEmpty, "nothing left zqt")
    }

    @Test func aBaseURLWithAPasswordIsNeitherKeptNorSent() async throws {
        let server = try RawHTTPServer { _ in Self.answer("200 OK", headers: ["Content-Length: 0"], body: "") }
        let environment = ["ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"]
        let config = ClientConfiguration.resolve(baseURLFlag: "http://user:pw@127.0.0.1:\(server.port)", environment: environment)
        #expect(config.baseURL == "http://***@127.0.0.1:\(server.port)", "what history and the title line get")
        await #expect(throws: APIError.invalidBaseURL("http://***@127.0.0.1:\(server.port)")) {
            try await HTTPImageAPI(configuration: config).post(Endpoint.Query.taskInfoV2, body: "{}")
        }
        #expect(APIError.invalidBaseURL("http://***@h").message.contains("remove them"))

        let injected = ClientConfiguration.resolve(baseURLFlag: "http://127.0.0.1:\(server.port)/\r\nX-Evil: 1", environment: environment)
        #expect(!injected.baseURL.contains("\r") && !injected.baseURL.contains("\n"))
        await #expect(throws: APIError.invalidBaseURL(injected.baseURL)) {
            try await HTTPImageAPI(configuration: injected).post(Endpoint.Query.taskInfoV2, body: "{}")
        }
        #expect(server.received.isEmpty, "nothing left zqt")
    }

    /// A peer resetting a TLS connection makes OpenSSL's write raise SIGPIPE:
    /// once zqt has used the network, the signal is ignored.
    @Test func sigpipeIsIgnoredOnceTheNetworkIsUsed() async throws {
        let server = try RawHTTPServer { _ in Self.answer("200 OK", headers: ["Content-Length: 0"], body: "") }
        _ = try await HTTPClient(timeout: 30).send("GET", server.url)
        var current = sigaction()
        sigaction(SIGPIPE, nil, &current)
        #expect(unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == 1 /* SIG_IGN */)
    }
}

/// The start-up check for sandboxes of earlier sessions, which must not load libcurl.
@Suite struct ConnectionProbeTests {
    @Test func aRefusedAddressIsToldFromOneThatListens() async throws {
        let server = try RawHTTPServer { _ in [] }
        #expect(await ConnectionProbe.isRefused(server.url, timeout: 2) == false)

        // A port bound but not listening refuses connections.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        #expect(await ConnectionProbe.isRefused("http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))", timeout: 2))
        #expect(await ConnectionProbe.isRefused("not a url", timeout: 2) == false)
    }
}
