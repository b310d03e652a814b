// zqt's HTTP client: libcurl, opened with dlopen on the first request
// (CCurlShim), behind the small API the rest of zqt uses. What it gives users:
// the proxy variables (http_proxy/HTTP_PROXY, https_proxy/HTTPS_PROXY,
// all_proxy, no_proxy/NO_PROXY), the system's CA bundle or SSL_CERT_FILE /
// SSL_CERT_DIR, an overall deadline and a stall limit, a size limit on every
// body (chunked included), redirects only when asked for and never from https
// to http, keep-alive (connections are kept for the next request to the same
// place), and every failure told apart (wire rule 2). Every transfer runs on
// one thread of zqt's own (CCurlShim's transfer thread, issue 18): the
// callers wait suspended, holding no thread.
//
// Why libcurl and why opened by hand: a hand-written HTTP/1.1 and TLS client
// lacked proxies and keep-alive; linking libcurl at start costs 5.7 MB and
// doubles start-up CPU, while opening it on the first request costs nothing
// until zqt talks to a service (issue 8).

import CCurlShim
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where a request goes, taken apart.
public struct HTTPTarget: Sendable, Equatable {
    public let secure: Bool
    public let host: String
    public let port: Int
    /// Path and query as they go on the request line ("/a/b?c=d").
    public let requestTarget: String

    /// Whether the authority holds "user:password@" (zqt never sends it).
    public let hasUserInfo: Bool

    /// Parses an absolute http(s) URL; nil for anything else, and for any
    /// control character, space or backslash in it (they would end the request line).
    public init?(_ url: String) {
        guard !url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\\" }) else { return nil }
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            secure = true
            rest = url.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            secure = false
            rest = url.dropFirst(7)
        } else {
            return nil
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        hasUserInfo = authority.contains("@")
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var target = String(rest[authorityEnd...])
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        requestTarget = target.isEmpty ? "/" : (target.hasPrefix("?") ? "/" + target : target)
        // "[::1]:8080", "host:8080", "host".
        var hostPart = authority
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { return nil }
        host = String(hostPart)
        if let portPart, !portPart.isEmpty {
            guard let value = Int(portPart), (1...65535).contains(value) else { return nil }
            port = value
        } else {
            port = secure ? 443 : 80
        }
    }
}

/// Takes an answer's body as it arrives, on the transfer thread (one
/// transfer's bytes, in order, never two calls at once); read by the caller
/// once `send` returns.
public protocol HTTPBodySink: AnyObject, Sendable {
    func consumeBody(_ bytes: UnsafeBufferPointer<UInt8>)
}

private final class SinkBox {
    let sink: HTTPBodySink
    init(_ sink: HTTPBodySink) { self.sink = sink }
}

public struct HTTPClientResponse: Sendable, Equatable {
    public let status: Int
    public let head: HTTPHead
    public let body: [UInt8]
    /// The proxy the request went through (its address, user and password
    /// hidden), nil when it went straight: an answer that is not the
    /// service's may be the proxy's own (issue 23).
    public var proxy: String? = nil

    /// What a proxy answered in the service's place: an error status that is
    /// not the service's `{code, msg}` envelope, with the start of its body.
    public var proxyRefusal: String? {
        guard let proxy, !(200..<300).contains(status) else { return nil }
        if let parsed = try? JSONParser.parse(bytes: body), parsed["code"] != nil { return nil }
        let excerpt = APIError.excerpt(body)
        return "the proxy \(APIError.printable(proxy)) answered HTTP \(status) in its place" + (excerpt.isEmpty ? "" : ": \(APIError.printable(excerpt))")
    }
}


/// Set from another thread to stop a request at its next look (a tenth of a second).
final class CancelFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}

/// The transfers running now, so the process can stop them before it exits:
/// exit runs the TLS libraries' finalizers, and a transfer still starting
/// OpenSSL on another thread then crashed zqt on its way out (seen as a
/// SIGSEGV after `q`, while the model list was loading).
enum InFlight {
    private static let state = Mutex<(flags: [ObjectIdentifier: CancelFlag], closed: Bool)>(([:], false))

    /// Registers a transfer; false once the process is shutting down.
    static func begin(_ flag: CancelFlag) -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.flags[ObjectIdentifier(flag)] = flag
            return true
        }
    }

    static func end(_ flag: CancelFlag) {
        _ = state.withLock { $0.flags.removeValue(forKey: ObjectIdentifier(flag)) }
    }

    /// Refuses new transfers, cancels those running, and waits for them to
    /// end, at most `seconds` (each looks at its flag every tenth of a second).
    static func stopAll(waitingAtMost seconds: Double) {
        let running = state.withLock { state in
            state.closed = true
            return Array(state.flags.values)
        }
        running.forEach { $0.set() }
        if !running.isEmpty { zqt_curl_wake() }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, min(seconds, 10)) * 1e9)
        while state.withLock({ !$0.flags.isEmpty }), DispatchTime.now().uptimeNanoseconds < deadline {
            usleep(10_000)
        }
    }
}

/// The system's certificates as a folder OpenSSL looks a certificate up in
/// by its subject's hash (`c_rehash`, `update-ca-certificates`).
enum SystemTrustStore {
    static let folders = ["/etc/ssl/certs"]

    /// The first folder holding hashed names (`5ad8a5d6.0`), looked for once; nil when none does.
    static let hashedFolder: String? = folders.first(where: holdsHashedNames)

    static func holdsHashedNames(_ folder: String) -> Bool {
        guard let directory = opendir(folder) else { return false }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = DirectoryEntryName.of(entry)
            if isHashedName(name) { return true }
        }
        return false
    }

    /// Eight hex digits, a dot, a number: how OpenSSL names a certificate in such a folder.
    static func isHashedName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 8, !parts[1].isEmpty, parts[1].count <= 3 else { return false }
        return parts[0].unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
            && parts[1].unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
    }
}

public struct HTTPClient: Sendable {
    /// Before the process exits: cancels every transfer and waits for them to
    /// end (at most `seconds`), so no library is torn down under a running one.
    public static func stopAllTransfers(waitingAtMost seconds: Double = 2) {
        InFlight.stopAll(waitingAtMost: seconds)
    }

    /// Seconds a call may take in all (connecting, sending, the whole answer),
    /// unless `deadline` says otherwise; also the longest wait for a connection.
    public var timeout: Double
    /// Seconds a call may take in all when longer than `timeout` (downloads);
    /// then a transfer slower than `stallBytesPerSecond` for `timeout` seconds ends it.
    public var deadline: Double?
    public var stallBytesPerSecond = 1024
    /// Larger answers are refused, whatever their framing: API answers are small,
    /// result images a few MB (downloads raise it).
    public var maxBodyBytes = 8 << 20
    public var userAgent = "zqt/0.4"
    /// Where the proxy and trust-store variables are read; nil: the process's environment.
    public var environment: [String: String]?
    /// Signs the request with AWS Signature Version 4 (libcurl's
    /// CURLOPT_AWS_SIGV4): an S3-compatible store's PUT (Upload/S3Uploader.swift).
    public var awsSigning: AWSSigning?

    /// What libcurl needs to sign a request for an S3-compatible store. The
    /// secret goes to libcurl and nowhere else (no message names it).
    public struct AWSSigning: Sendable {
        public let region: String
        public let service: String
        public let accessKeyID: String
        public let secretAccessKey: String

        public init(region: String, service: String = "s3", accessKeyID: String, secretAccessKey: String) {
            self.region = region
            self.service = service
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
        }
    }

    public init(timeout: Double) {
        self.timeout = timeout
    }

    /// Sends one request and reads the whole answer, on the transfer thread
    /// (the caller waits suspended). Cancelling the calling task ends it within about 0.1 s.
    /// `sink`, when given, is handed the answer's body as it arrives (on the
    /// transfer thread) and the response's `body` is empty: an answer too
    /// large to hold twice is read as it comes (A1111AnswerStream, issue 20).
    public func send(_ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8] = [],
                     followRedirects: Int = 0, sink: HTTPBodySink? = nil) async throws(APIError) -> HTTPClientResponse {
        guard let target = HTTPTarget(url) else { throw .invalidBaseURL(APIError.printable(url)) }
        if target.hasUserInfo { throw .invalidBaseURL(APIError.printable(Self.redacted(url))) }
        for (name, value) in headers {
            let bad = { (text: String) in text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F } }
            if bad(name) || name.contains(":") || bad(value) { throw .invalidHeader(name: APIError.printable(name)) }
        }
        let handle = try CurlHandle.take()
        let h = handle.pointer
        zqt_curl_reset(h)
        let proxy: String?
        do throws(APIError) {
            proxy = try configure(h, method, target, url, headers: headers, body: body, followRedirects: followRedirects)
        } catch {
            zqt_curl_reset(h)
            CurlHandle.giveBack(handle)
            throw error
        }
        // Held by this call until the handle is reset, so the transfer thread's pointer stays good.
        let sinkBox = sink.map(SinkBox.init)
        if let sinkBox {
            zqt_curl_set_sink(h, { context, bytes, count in
                guard let context, let bytes else { return }
                Unmanaged<SinkBox>.fromOpaque(context).takeUnretainedValue().sink
                    .consumeBody(UnsafeBufferPointer(start: bytes, count: count))
            }, Unmanaged.passUnretained(sinkBox).toOpaque())
        }
        let cancel = CancelFlag()
        let code = await withTaskCancellationHandler {
            await Self.transfer(h, maxBodyBytes: maxBodyBytes, cancel: cancel)
        } onCancel: {
            cancel.set()
            zqt_curl_wake()
        }
        let outcome: Result<HTTPClientResponse, APIError> = code == 0
            ? answer(h, target: target, proxy: proxy)
            : .failure(error(code, handle: h, target: target, proxy: proxy, total: max(Self.usable(deadline ?? timeout), Self.usable(timeout))))
        // An idle handle keeps neither the last answer nor its options; one stopped halfway is not kept.
        zqt_curl_reset(h)
        withExtendedLifetime(sinkBox) {}
        if code != Curl.Code.stopped && code != Curl.Code.writeError { CurlHandle.giveBack(handle) }
        return try outcome.get()
    }

    /// The answer a finished transfer brought, read off its handle.
    private func answer(_ h: OpaquePointer, target: HTTPTarget, proxy: String?) -> Result<HTTPClientResponse, APIError> {
        var status = 0
        if zqt_curl_info_long(h, Curl.Info.responseCode, &status) != 0 || status == 0 {
            return .failure(.unexpectedResponse("not an HTTP answer"))
        }
        var headCount = 0, bodyCount = 0
        let headBytes = zqt_curl_head(h, &headCount).map { Array(UnsafeBufferPointer(start: $0, count: headCount)) } ?? []
        let bodyBytes = zqt_curl_body(h, &bodyCount).map { Array(UnsafeBufferPointer(start: $0, count: bodyCount)) } ?? []
        let head = HTTPHead.parse(headBytes + [13, 10, 13, 10])?.head ?? HTTPHead(startLine: [], headers: [:])
        let through = proxy.flatMap { Self.bypassesProxy(target.host, noProxy: variable("no_proxy", "NO_PROXY")) ? nil : Self.redacted($0) }
        return .success(HTTPClientResponse(status: status, head: head, body: bodyBytes, proxy: through))
    }

    /// What the transfer thread is told when a transfer ends: who waits for it.
    private final class Waiter: @unchecked Sendable {
        let continuation: CheckedContinuation<Int32, Never>
        let cancel: CancelFlag
        init(_ continuation: CheckedContinuation<Int32, Never>, _ cancel: CancelFlag) {
            self.continuation = continuation
            self.cancel = cancel
        }
    }

    /// Runs the configured transfer on zqt's one transfer thread (CCurlShim:
    /// issue 18, a thread a request held a sweep's memory up) and waits,
    /// suspended, for its CURLcode. A cancelled transfer ends within a tenth
    /// of a second (Code.stopped); so does one running at exit (InFlight).
    private static func transfer(_ h: OpaquePointer, maxBodyBytes: Int, cancel: CancelFlag) async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            guard InFlight.begin(cancel) else {
                continuation.resume(returning: Curl.Code.stopped)
                return
            }
            let waiter = Unmanaged.passRetained(Waiter(continuation, cancel)).toOpaque()
            let started = zqt_curl_start(h, maxBodyBytes, { context in
                Unmanaged<CancelFlag>.fromOpaque(context!).takeUnretainedValue().isSet ? 1 : 0
            }, Unmanaged.passUnretained(cancel).toOpaque(), { context, code in
                let waiter = Unmanaged<Waiter>.fromOpaque(context!).takeRetainedValue()
                InFlight.end(waiter.cancel)
                waiter.continuation.resume(returning: code)
            }, waiter)
            if started != 0 {
                let waiter = Unmanaged<Waiter>.fromOpaque(waiter).takeRetainedValue()
                InFlight.end(cancel)
                waiter.continuation.resume(returning: started)
            }
        }
    }

    /// Seconds as whole milliseconds for libcurl; never a trap, whatever
    /// --timeout said (inf, nan, 1e300).
    static func milliseconds(_ seconds: Double) -> Int {
        Int(usable(seconds) * 1000)
    }

    /// A timeout that is no number or not positive (--timeout nan, 0) is the
    /// default 30 s; one longer than a day (inf, 1e300) a day.
    static func usable(_ seconds: Double) -> Double {
        seconds.isNaN || seconds <= 0 ? 30 : min(max(seconds, 0.001), 86_400)
    }

    /// "https://user:pw@host/x" as "https://***@host/x", for messages and storage.
    public static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://")?.upperBound else { return url }
        let rest: Substring = url[schemeEnd...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        let scheme = String(url[..<schemeEnd])
        let after = String(rest[at...])
        return scheme + "***" + after
    }

    private func variable(_ names: String...) -> String? {
        for name in names {
            let value = environment.map { $0[name] } ?? getenv(name).map { String(cString: $0) }
            if let value, !value.isEmpty { return value }
        }
        return nil
    }

    /// Sets the request's options on a handle; returns the proxy it goes through.
    private func configure(_ h: OpaquePointer, _ method: String, _ target: HTTPTarget, _ url: String, headers: [(String, String)],
                           body: [UInt8], followRedirects: Int) throws(APIError) -> String? {
        var failed: Int32 = 0
        func set(_ option: Curl.Option, _ value: Int) { if failed == 0 { failed = zqt_curl_set_long(h, option.rawValue, value) } }
        func set(_ option: Curl.Option, _ value: String) { if failed == 0 { failed = zqt_curl_set_string(h, option.rawValue, value) } }
        set(.url, url)
        set(.protocols, "http,https")
        // https never falls back to http on a redirect; http may move to https.
        set(.redirectProtocols, target.secure ? "https" : "http,https")
        set(.followLocation, followRedirects > 0 ? 1 : 0)
        set(.maxRedirects, followRedirects)
        let timeout = Self.usable(timeout)
        let total = max(Self.usable(deadline ?? timeout), timeout)
        set(.timeoutMilliseconds, Self.milliseconds(total))
        set(.connectTimeoutMilliseconds, Self.milliseconds(timeout))
        set(.lowSpeedLimit, stallBytesPerSecond)
        set(.lowSpeedTime, max(1, Self.milliseconds(timeout) / 1000))
        set(.userAgent, userAgent)
        // A Content-Length over the limit is refused before any of the body is read.
        if failed == 0 { failed = zqt_curl_set_offset(h, Curl.maxFileSize, Int64(maxBodyBytes)) }
        set(.acceptEncoding, "identity")
        set(.sslVersion, Curl.sslVersionTLS12)
        set(.tcpKeepAlive, 1)
        // The trust store: the one the user names, else the system's. Its
        // hashed folder (/etc/ssl/certs on Debian, Ubuntu, Alpine) is read a
        // certificate at a time, as a peer needs one, where the bundle file
        // libcurl defaults to is parsed whole for every connection: 0.8 MB
        // each (issue 18, docs/dev/measurements.md). The same certificates:
        // update-ca-certificates writes both. Without such a folder, the bundle.
        let namedFile = variable("SSL_CERT_FILE", "CURL_CA_BUNDLE")
        if let namedFile { set(.caInfo, namedFile) }
        if let folder = variable("SSL_CERT_DIR") {
            set(.caPath, folder)
        } else if namedFile == nil, let folder = SystemTrustStore.hashedFolder {
            if failed == 0 { failed = zqt_curl_set_string(h, Curl.Option.caInfo.rawValue, nil) }
            set(.caPath, folder)
        }
        // Proxies, read here rather than by libcurl so that HTTP_PROXY (which
        // libcurl ignores for http, a CGI precaution zqt does not need) works too.
        let proxy = target.secure ? variable("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
                                  : variable("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY")
        set(.proxy, proxy ?? "")
        set(.noProxy, variable("no_proxy", "NO_PROXY") ?? "")
        switch method {
        case "GET": set(.httpGet, 1)
        case "HEAD": set(.noBody, 1)
        default:
            set(.post, 1)
            if failed == 0 { failed = body.withUnsafeBytes { zqt_curl_set_body(h, $0.baseAddress, Int64($0.count)) } }
            if method != "POST" { set(.customRequest, method) }
        }
        if let signing = awsSigning {
            // "provider1:provider2:region:service"; libcurl adds x-amz-date and the Authorization header.
            set(.awsSigV4, "aws:amz:\(signing.region):\(signing.service)")
            set(.username, signing.accessKeyID)
            set(.password, signing.secretAccessKey)
        }
        // No "Expect: 100-continue" round trip; the caller's headers as given.
        for line in ["Expect:"] + headers.map({ "\($0.0): \($0.1)" }) where failed == 0 {
            failed = zqt_curl_add_header(h, line)
        }
        if failed != 0 { throw .transport("libcurl refused an option (\(String(cString: zqt_curl_strerror(failed))))") }
        return proxy
    }

    /// The answer to a body over `maxBodyBytes` ("the answer is larger than 8 MB").
    static func overLimit(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "the answer is larger than \(bytes >> 20) MB" : "the answer is larger than \(bytes) bytes"
    }

    /// Whether an error is a body over the size limit (ImageBounds says why in its own words).
    public static func isOverLimit(_ error: APIError) -> Bool {
        if case let .unexpectedResponse(detail) = error { return detail.hasPrefix("the answer is larger than") }
        return false
    }

    /// Whether `no_proxy` sends `host` straight, as libcurl reads it: "*", or
    /// a name that is the host or a domain it is in (".example.com" too).
    public static func bypassesProxy(_ host: String, noProxy: String?) -> Bool {
        guard let noProxy else { return false }
        let name = host.lowercased()
        for entry in noProxy.split(separator: ",") {
            var pattern = String(entry).trimmed.lowercased()
            if pattern == "*" { return true }
            if pattern.hasPrefix(".") { pattern.removeFirst() }
            if pattern.isEmpty { continue }
            if name == pattern || name.hasSuffix("." + pattern) { return true }
        }
        return false
    }

    /// Whether libcurl's "Failed to connect to HOST port PORT …" names the proxy.
    static func names(_ detail: String, proxy: String) -> Bool {
        guard let address = HTTPTarget(proxy.contains("://") ? proxy : "http://" + proxy) else { return false }
        return detail.contains("to \(address.host) port \(address.port) ")
    }

    /// What a failed transfer amounts to, in zqt's words.
    private func error(_ code: Int32, handle h: OpaquePointer, target: HTTPTarget, proxy: String?, total: Double) -> APIError {
        let said = String(cString: zqt_curl_error_text(h))
        let detail = said.isEmpty ? String(cString: zqt_curl_strerror(code)) : said
        var proxyAnswer = 0
        _ = zqt_curl_info_long(h, Curl.Info.httpConnectCode, &proxyAnswer)
        if proxyAnswer >= 300 {
            return .unreachable(host: target.host, detail: "the proxy refused to connect (HTTP \(proxyAnswer))")
        }
        switch code {
        case Curl.Code.stopped:
            return .cancelled
        // libcurl's own size bound, or the write callback's (which says so with 1).
        case Curl.Code.fileSizeExceeded:
            return .unexpectedResponse(Self.overLimit(maxBodyBytes))
        case Curl.Code.writeError where zqt_curl_over_limit(h) == 1:
            return .unexpectedResponse(Self.overLimit(maxBodyBytes))
        case Curl.Code.writeError where zqt_curl_over_limit(h) == 2:
            return .unexpectedResponse("the answer's headers are too long")
        case Curl.Code.couldntResolveHost:
            return .unreachable(host: target.host, detail: "host name not found")
        case Curl.Code.couldntResolveProxy:
            return .unreachable(host: target.host, detail: "the proxy's host name was not found (\(detail))")
        case Curl.Code.couldntConnect where proxy.map { Self.names(detail, proxy: $0) } == true:
            return .unreachable(host: target.host, detail: "the proxy \(APIError.printable(Self.redacted(proxy ?? ""))) did not take the connection")
        case Curl.Code.couldntConnect:
            var osError = 0
            _ = zqt_curl_info_long(h, Curl.Info.osErrno, &osError)
            if osError == Int(ECONNREFUSED) { return .connectionRefused(host: target.host) }
            return .unreachable(host: target.host, detail: osError != 0 ? String(cString: strerror(Int32(osError))) : detail)
        case Curl.Code.operationTimedOut:
            if detail.contains("too slow") {
                return .transport("the transfer stalled: under \(stallBytesPerSecond) bytes a second for \(JSONWriter.formatNumber(Self.usable(timeout))) s")
            }
            if detail.lowercased().contains("connect") && !detail.contains("bytes received") {
                return .unreachable(host: target.host, detail: "no answer to the connection attempt")
            }
            return .timedOut(seconds: total)
        case Curl.Code.peerFailedVerification:
            var verify = 0
            _ = zqt_curl_info_long(h, Curl.Info.sslVerifyResult, &verify)
            // libcurl checks the name itself, after OpenSSL accepted the chain.
            let nameCheck = detail.contains("subject name") || detail.contains("does not match")
            return .unreachable(host: target.host,
                                detail: "TLS failed (certificate not trusted: \(nameCheck ? "hostname mismatch" : Curl.verifyText(verify)))")
        case Curl.Code.sslConnectError, Curl.Code.sslCACertBadFile, Curl.Code.sslCertProblem, Curl.Code.sslCipher:
            return .unreachable(host: target.host, detail: "TLS failed (\(detail))")
        case Curl.Code.tooManyRedirects:
            return .unexpectedResponse("too many redirects (\(detail))")
        case Curl.Code.unsupportedProtocol:
            // The head kept is the redirect's: its Location is where libcurl would not go.
            var headCount = 0
            let headBytes = zqt_curl_head(h, &headCount).map { Array(UnsafeBufferPointer(start: $0, count: headCount)) } ?? []
            let next = HTTPHead.parse(headBytes + [13, 10, 13, 10])?.head.header("location") ?? ""
            guard !next.isEmpty else { return .unexpectedResponse(detail) }
            // Issue 23: the reason said is the one that holds (a file:// target is no https downgrade).
            let scheme = next.prefix { $0 != ":" }.lowercased()
            let reason = scheme == "http" && target.secure ? "https is only left for https"
                : "zqt follows redirects to http and https only, not \(APIError.printable(String(scheme.prefix(20))))://"
            return .unexpectedResponse("a redirect to \(APIError.printable(Self.redacted(next))) was not followed (\(reason))")
        case Curl.Code.gotNothing, Curl.Code.partialFile, Curl.Code.recvError, Curl.Code.sendError:
            return .connectionLost
        case Curl.Code.weirdServerReply:
            return .unexpectedResponse("not an HTTP answer (\(detail))")
        default:
            return .transport(detail)
        }
    }
}

/// A libcurl handle: an easy handle and the buffers its answer goes to.
/// Idle handles wait in a small pool to be used again. The connections are
/// not theirs: they are the transfer thread's (CCurlShim), kept for
/// whichever request next goes to the same place, and closed when no
/// transfer has run for 20 s.
final class CurlHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    private init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { zqt_curl_free(pointer) }

    /// Idle handles, the most recently used last, with when each was given
    /// back. A handle idle for longer than `idleSeconds` is freed, and at most
    /// `keptIdle` are kept: as many as a sweep runs at once
    /// (SweepOptions.maxParallel).
    private static let idle = Mutex<[(handle: CurlHandle, since: Double)]>([])
    private static let idleSeconds = 60.0, keptIdle = 16

    /// Whether a connection to `origin` was closed lately to keep the
    /// transfer thread's connection cache within its bound (or because no
    /// transfer ran for a while): a connection made again after that is the
    /// bound at work, not a failure to reuse (CurlTransportTests tells the
    /// two apart under the whole suite's load).
    static func wasDropped(origin: String) -> Bool {
        guard let target = HTTPTarget(origin) else { return false }
        return zqt_curl_was_evicted(target.host, Int32(clamping: target.port)) != 0
    }

    /// The handle used most recently when one is idle, else a new one.
    static func take() throws(APIError) -> CurlHandle {
        if let reused = idle.withLock({ $0.popLast()?.handle }) { return reused }
        var reason = [CChar](repeating: 0, count: 256)
        guard let pointer = zqt_curl_new(&reason, reason.count) else {
            throw .transport(String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return CurlHandle(pointer)
    }

    static func giveBack(_ handle: CurlHandle) {
        let now = monotonicSeconds()
        let dropped = idle.withLock { pool -> [CurlHandle] in
            pool.append((handle, now))
            var dropped: [CurlHandle] = []
            while let oldest = pool.first, now - oldest.since > idleSeconds || pool.count > keptIdle {
                dropped.append(pool.removeFirst().handle)
            }
            return dropped
        }
        _ = dropped  // freed here, outside the lock
    }
}

/// The numbers from curl.h (7.88) zqt uses; curl keeps them stable.
enum Curl {
    enum Option: Int32 {
        case url = 10002, proxy = 10004, userAgent = 10018, lowSpeedLimit = 19, lowSpeedTime = 20
        case customRequest = 10036, noBody = 44, post = 47, followLocation = 52, caInfo = 10065, maxRedirects = 68
        case httpGet = 80, caPath = 10097, acceptEncoding = 10102, sslVersion = 32
        case timeoutMilliseconds = 155, connectTimeoutMilliseconds = 156, noProxy = 10177, tcpKeepAlive = 213
        case protocols = 10318, redirectProtocols = 10319
        case username = 10173, password = 10174, awsSigV4 = 10305
    }
    static let sslVersionTLS12 = 6
    /// CURLOPT_MAXFILESIZE_LARGE, a curl_off_t option.
    static let maxFileSize: Int32 = 30117
    enum Code {
        /// zqt_curl_perform's own: should_stop said so.
        static let stopped: Int32 = -1
        static let unsupportedProtocol: Int32 = 1, couldntResolveProxy: Int32 = 5, couldntResolveHost: Int32 = 6
        static let couldntConnect: Int32 = 7, weirdServerReply: Int32 = 8, partialFile: Int32 = 18, writeError: Int32 = 23
        static let operationTimedOut: Int32 = 28, sslConnectError: Int32 = 35, tooManyRedirects: Int32 = 47
        static let gotNothing: Int32 = 52, sendError: Int32 = 55, recvError: Int32 = 56, sslCertProblem: Int32 = 58
        static let sslCipher: Int32 = 59, peerFailedVerification: Int32 = 60, sslCACertBadFile: Int32 = 77
        static let fileSizeExceeded: Int32 = 63
    }
    enum Info {
        static let responseCode: Int32 = 0x200002, sslVerifyResult: Int32 = 0x20000D, httpConnectCode: Int32 = 0x200016
        static let osErrno: Int32 = 0x200019
    }

    /// OpenSSL's verify result (X509_V_ERR_*) in words; 0 with a failed check is the name check.
    static func verifyText(_ code: Int) -> String {
        switch code {
        case 62: return "hostname mismatch"
        case 18: return "self-signed certificate"
        case 19: return "self-signed certificate in certificate chain"
        case 20, 21: return "unable to get local issuer certificate"
        case 9: return "certificate is not yet valid"
        case 10: return "certificate has expired"
        default: return "verify error \(code)"
        }
    }
}
