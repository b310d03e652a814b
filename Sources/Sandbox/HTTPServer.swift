// A small HTTP/1.1 server on loopback, on plain POSIX sockets.
//
// Why not a framework: the sandbox starts inside `zqt --sandbox`, where
// start-up time and memory are budgeted (issue 3: first frame ≤ 50 ms,
// ≤ 25 MB), and its fault switches need to do things a framework hides, such
// as closing a connection without answering. One request per connection
// (`Connection: close`) keeps it simple; clients open a new one each time.

#if canImport(Glibc)
import Glibc
#endif
import Model
import Synchronization

public struct HTTPRequest: Sendable {
    public let method: String
    public let path: String
    public let query: [String: String]
    /// Header names lower-cased.
    public let headers: [String: String]
    public let body: [UInt8]

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    /// Headers beyond the framing ones (a busy answer's Retry-After).
    public var headers: [(name: String, value: String)] = []

    public init(status: Int = 200, contentType: String = "application/json", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public static func json(_ value: JSONValueText, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json; charset=utf-8", body: Array(value.text.utf8))
    }

    public static func text(_ text: String, status: Int) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }
}

/// JSON text ready to send (kept apart from String so call sites say what they mean).
public struct JSONValueText: Sendable {
    public let text: String
    public init(_ text: String) { self.text = text }
}

/// What a handler decides: answer, or close the connection without a word
/// (the "dropped connection" fault).
public enum HTTPAction: Sendable {
    case respond(HTTPResponse)
    case dropConnection
}

public enum HTTPServerError: Error, CustomStringConvertible {
    case socket(String)
    public var description: String {
        switch self {
        case let .socket(detail): return detail
        }
    }
}

public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPAction

    private let handler: Handler
    /// The listening socket while running, -1 once stopped.
    private let listenFD = Mutex<Int32>(-1)
    private let boundPort = Atomic<UInt16>(0)
    public var port: UInt16 { boundPort.load(ordering: .acquiring) }
    public let host: String

    /// Request bodies larger than this are refused with 413.
    public let maxBodyBytes = 32 << 20

    public init(host: String = "127.0.0.1", handler: @escaping Handler) {
        self.host = host
        self.handler = handler
    }

    /// Binds and starts accepting. Port 0 picks a free port; read `port` after.
    public func start(port requested: UInt16 = 0) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPServerError.socket("socket(): \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = requested.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw HTTPServerError.socket("not an IPv4 address: \(host)")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HTTPServerError.socket("cannot listen on \(host):\(requested): \(reason)")
        }
        guard listen(fd, 128) == 0 else {
            close(fd)
            throw HTTPServerError.socket("listen(): \(String(cString: strerror(errno)))")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        boundPort.store(UInt16(bigEndian: actual.sin_port), ordering: .releasing)
        listenFD.withLock { $0 = fd }
        startThread { [self] in acceptLoop(fd) }
    }

    public func stop() {
        let fd = listenFD.withLock { fd in
            defer { fd = -1 }
            return fd
        }
        if fd >= 0 {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    private var isRunning: Bool { listenFD.withLock { $0 >= 0 } }

    private func acceptLoop(_ fd: Int32) {
        while isRunning {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                if !isRunning { break }
                usleep(10_000)
                continue
            }
            // A thread per connection: handlers block (reads, injected latency),
            // and on the shared dispatch pool they would starve other servers' answers.
            startThread(stackSize: 256 << 10) { [self] in serve(client) }
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        switch readRequest(fd) {
        case let .success(request):
            switch handler(request) {
            case let .respond(response): write(response, to: fd)
            case .dropConnection: shutdown(fd, Int32(SHUT_RDWR))
            }
        case let .failure(box):
            if let response = box.response { write(response, to: fd) }
        }
    }

    /// Reads one request. On a malformed one, the error answer to send (or
    /// nil when the peer went away).
    private func readRequest(_ fd: Int32) -> Result<HTTPRequest, HTTPResponseBox> {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        func receive() -> Bool {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return false }
            buffer += chunk[0..<n]
            return true
        }
        var parsed: (head: HTTPHead, bodyStart: Int)?
        while parsed == nil {
            if buffer.count > 64 * 1024 { return .failure(HTTPResponseBox(.text("headers too large", status: 431))) }
            guard receive() else { return .failure(HTTPResponseBox(nil)) }
            parsed = HTTPHead.parse(buffer)
        }
        let (head, bodyStart) = parsed!
        guard head.startLine.count >= 2 else { return .failure(HTTPResponseBox(.text("bad request line", status: 400))) }
        buffer.removeFirst(bodyStart)
        if head.header("expect")?.lowercased() == "100-continue" {
            sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), to: fd)
        }
        let body: [UInt8]
        switch head.framing {
        case let .contentLength(length):
            guard length <= maxBodyBytes else { return .failure(HTTPResponseBox(.text("body too large", status: 413))) }
            while buffer.count < length {
                guard receive() else { return .failure(HTTPResponseBox(nil)) }
            }
            body = Array(buffer.prefix(length))
        case .chunked:
            var decoder = ChunkedDecoder()
            do {
                try decoder.feed(buffer)
                while !decoder.isComplete {
                    buffer = []
                    guard receive() else { return .failure(HTTPResponseBox(nil)) }
                    try decoder.feed(buffer)
                    if decoder.body.count > maxBodyBytes { return .failure(HTTPResponseBox(.text("body too large", status: 413))) }
                }
            } catch {
                return .failure(HTTPResponseBox(.text("malformed chunked body: \(error)", status: 400)))
            }
            body = decoder.body
        case .untilClose:
            body = []  // a request without Content-Length has no body (RFC 9112 §6.3)
        }
        let parts = head.startLine[1].split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                query[Self.percentDecoded(kv[0])] = kv.count > 1 ? Self.percentDecoded(kv[1]) : ""
            }
        }
        let path = Self.percentDecoded(parts.first ?? "/")
        return .success(HTTPRequest(method: head.startLine[0], path: path, query: query, headers: head.headers, body: body))
    }

    /// "%20" and friends decoded (and "+" in a query is left as it is);
    /// a malformed escape is kept as typed.
    static func percentDecoded<S: StringProtocol>(_ text: S) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func write(_ response: HTTPResponse, to fd: Int32) {
        let head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
            + "Content-Type: \(response.contentType)\r\n"
            + "Content-Length: \(response.body.count)\r\n"
            + response.headers.map { "\($0.name): \($0.value)\r\n" }.joined()
            + "Connection: close\r\n\r\n"
        sendAll(Array(head.utf8) + response.body, to: fd)
    }

    private func sendAll(_ bytes: [UInt8], to fd: Int32) {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a client that went away must not kill the process with SIGPIPE.
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 411: return "Length Required"
        case 413: return "Payload Too Large"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        default: return "Status"
        }
    }
}

/// Result needs an Error; this carries an optional answer for a bad request.
struct HTTPResponseBox: Error {
    let response: HTTPResponse?
    init(_ response: HTTPResponse?) { self.response = response }
}
