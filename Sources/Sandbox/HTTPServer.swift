// A small HTTP/1.1 server on loopback, on plain POSIX sockets.
//
// Why not a framework: the sandbox starts inside `zqt --sandbox`, where
// start-up time and memory are budgeted (issue 3: first frame ≤ 50 ms,
// ≤ 25 MB), and its fault switches need to do things a framework hides, such
// as closing a connection without answering. One request per connection
// (`Connection: close`) keeps it simple; clients open a new one each time.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

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

public final class HTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPAction

    private let handler: Handler
    private var listenFD: Int32 = -1
    private let lock = NSLock()
    private var running = false
    public private(set) var port: UInt16 = 0
    public let host: String

    /// Request bodies larger than this are refused with 413.
    public var maxBodyBytes = 32 << 20

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
        port = UInt16(bigEndian: actual.sin_port)
        lock.lock()
        listenFD = fd
        running = true
        lock.unlock()

        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "sandbox-accept"
        thread.start()
    }

    public func stop() {
        lock.lock()
        let fd = listenFD
        running = false
        listenFD = -1
        lock.unlock()
        if fd >= 0 {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    private var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

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
            let worker = Thread { [self] in serve(client) }
            worker.stackSize = 256 << 10
            worker.start()
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
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return .failure(HTTPResponseBox(nil)) }
            buffer.append(contentsOf: chunk[0..<n])
            headerEnd = buffer.firstRange(of: separator)?.lowerBound
            if headerEnd == nil, buffer.count > 64 * 1024 {
                return .failure(HTTPResponseBox(.text("headers too large", status: 431)))
            }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return .failure(HTTPResponseBox(.text("bad request line", status: 400))) }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(buffer[(headerEnd! + 4)...])
        let length = Int(headers["content-length"] ?? "0") ?? 0
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            return .failure(HTTPResponseBox(.text("chunked request bodies are not supported; send Content-Length", status: 411)))
        }
        guard length <= maxBodyBytes else { return .failure(HTTPResponseBox(.text("body too large", status: 413))) }
        if headers["expect"]?.lowercased() == "100-continue", body.count < length {
            sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), to: fd)
        }
        while body.count < length {
            let n = recv(fd, &chunk, min(chunk.count, length - body.count), 0)
            if n <= 0 { return .failure(HTTPResponseBox(nil)) }
            body.append(contentsOf: chunk[0..<n])
        }
        let target = String(requestLine[1])
        let parts = target.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                let key = String(kv[0]).removingPercentEncoding ?? String(kv[0])
                query[key] = kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
            }
        }
        let path = String(parts.first ?? "/").removingPercentEncoding ?? String(parts.first ?? "/")
        return .success(HTTPRequest(method: String(requestLine[0]), path: path, query: query, headers: headers, body: body))
    }

    private func write(_ response: HTTPResponse, to fd: Int32) {
        let head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
            + "Content-Type: \(response.contentType)\r\n"
            + "Content-Length: \(response.body.count)\r\n"
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
