// zqt's HTTP/1.1 client: one request per connection, http and https,
// redirects followed for downloads, every failure told apart (wire rule 2).
//
// Why not URLSession: on Linux it lives in FoundationNetworking, which loads
// libcurl, the full Foundation with ICU, and a TLS stack with the program:
// 13 MB of zqt's 25 MB memory budget before anything happens (README,
// "Measured figures"). This client needs only the C library, and OpenSSL
// once an https URL is used.

import Dispatch
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

    /// Parses an absolute http(s) URL; nil for anything else.
    public init?(_ url: String) {
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

    /// The Host header: the port only when it is not the scheme's default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (secure ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// An absolute URL from a Location header, which may be relative.
    func resolve(_ location: String) -> String {
        if HTTPTarget(location) != nil { return location }
        let origin = (secure ? "https://" : "http://") + hostHeader
        if location.hasPrefix("/") { return origin + location }
        let directory = requestTarget.split(separator: "?", maxSplits: 1).first.map { path -> String in
            guard let slash = path.lastIndex(of: "/") else { return "/" }
            return String(path[...slash])
        } ?? "/"
        return origin + directory + location
    }
}

public struct HTTPClientResponse: Sendable, Equatable {
    public let status: Int
    public let head: HTTPHead
    public let body: [UInt8]
}

public struct HTTPClient: Sendable {
    /// Seconds a connection may stay silent (connecting, sending, waiting
    /// for the answer, between parts of the body) before it counts as timed out.
    public var timeout: Double
    /// Larger answers are refused (result images are a few MB).
    public var maxBodyBytes = 128 << 20
    public var userAgent = "zqt/0.4"

    public init(timeout: Double) {
        self.timeout = timeout
    }

    /// Sends one request and reads the whole answer, off the caller's thread.
    /// Cancelling the calling task ends it within about 0.1 s.
    public func send(_ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8] = [],
                     followRedirects: Int = 0) async throws(APIError) -> HTTPClientResponse {
        let cancel = CancelFlag()
        let client = self
        let result: Result<HTTPClientResponse, APIError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Blocking socket work gets a thread of its own: a private serial
                // queue is "overcommit" in libdispatch, whereas the global queues
                // (which Swift's cooperative pool also runs on) are as wide as
                // the machine has cores, and a slow server would starve them.
                DispatchQueue(label: "zqt.http").async {
                    continuation.resume(returning: Result { () throws(APIError) in
                        try client.sendBlocking(method, url, headers: headers, body: body,
                                                redirectsLeft: followRedirects, cancel: cancel)
                    })
                }
            }
        } onCancel: {
            cancel.set()
        }
        return try result.get()
    }

    /// The same, on the calling thread.
    func sendBlocking(_ method: String, _ url: String, headers: [(String, String)], body: [UInt8],
                      redirectsLeft: Int, cancel: CancelFlag) throws(APIError) -> HTTPClientResponse {
        guard let target = HTTPTarget(url) else { throw .invalidBaseURL(url) }
        let socket = try SocketStream.connect(host: target.host, port: target.port, timeout: timeout, cancel: cancel)
        let stream: any ByteStream = target.secure
            ? try TLSStream(socket: socket, host: target.host, until: monotonicSeconds() + timeout)
            : socket
        defer { stream.close() }

        var head = "\(method) \(target.requestTarget) HTTP/1.1\r\nHost: \(target.hostHeader)\r\n"
        head += "User-Agent: \(userAgent)\r\nAccept-Encoding: identity\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try stream.writeAll(Array(head.utf8) + body, until: monotonicSeconds() + timeout)

        let response = try readResponse(stream, isHead: method == "HEAD")
        if redirectsLeft > 0, [301, 302, 303, 307, 308].contains(response.status),
           let location = response.head.header("location") {
            let next = target.resolve(location)
            let keepBody = response.status == 307 || response.status == 308
            return try sendBlocking(keepBody ? method : "GET", next, headers: headers, body: keepBody ? body : [],
                                    redirectsLeft: redirectsLeft - 1, cancel: cancel)
        }
        return response
    }

    private func readResponse(_ stream: any ByteStream, isHead: Bool) throws(APIError) -> HTTPClientResponse {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        // The head; 1xx answers (100 Continue) are skipped.
        var parsed: (head: HTTPHead, bodyStart: Int)
        var status: Int
        while true {
            while true {
                if let found = HTTPHead.parse(buffer) { parsed = found; break }
                if buffer.count > 64 << 10 { throw .unexpectedResponse("the answer's headers are too long") }
                let n = try stream.read(into: &chunk, until: monotonicSeconds() + timeout)
                if n == 0 { throw .connectionLost }
                buffer += chunk[0..<n]
            }
            let startLine = parsed.head.startLine
            guard startLine.count >= 2, startLine[0].hasPrefix("HTTP/"), let code = Int(startLine[1]) else {
                throw .unexpectedResponse("not an HTTP answer: \(APIError.excerpt(buffer))")
            }
            status = code
            buffer.removeFirst(parsed.bodyStart)
            if !(100..<200).contains(code) || code == 101 { break }
        }
        let head = parsed.head
        if isHead || status == 204 || status == 304 {
            return HTTPClientResponse(status: status, head: head, body: [])
        }

        func more() throws(APIError) -> Int {
            let n = try stream.read(into: &chunk, until: monotonicSeconds() + timeout)
            if buffer.count + n > maxBodyBytes { throw .unexpectedResponse("the answer is larger than \(maxBodyBytes >> 20) MB") }
            return n
        }
        switch head.framing {
        case let .contentLength(length):
            guard length <= maxBodyBytes else { throw .unexpectedResponse("the answer is larger than \(maxBodyBytes >> 20) MB") }
            while buffer.count < length {
                let n = try more()
                if n == 0 { throw .connectionLost }
                buffer += chunk[0..<n]
            }
            return HTTPClientResponse(status: status, head: head, body: Array(buffer.prefix(length)))
        case .chunked:
            var decoder = ChunkedDecoder()
            do {
                try decoder.feed(buffer)
                while !decoder.isComplete {
                    let n = try more()
                    if n == 0 { throw APIError.connectionLost }
                    try decoder.feed(chunk[0..<n])
                }
            } catch let error as APIError {
                throw error
            } catch {
                throw .unexpectedResponse("a chunked answer that does not parse (\(error))")
            }
            return HTTPClientResponse(status: status, head: head, body: decoder.body)
        case .untilClose:
            while true {
                let n = try more()
                if n == 0 { break }
                buffer += chunk[0..<n]
            }
            return HTTPClientResponse(status: status, head: head, body: buffer)
        }
    }
}
