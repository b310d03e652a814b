import Foundation
import Model

/// A loopback server that answers each connection with bytes written by
/// hand, for the HTTP shapes the sandbox never produces (chunked bodies,
/// bodies ended by closing, redirects, a silent server).
final class RawHTTPServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let lock = Lock()
    private var requests: [String] = []
    private var accepted = 0

    /// `answer` gets the request's head and body as text and returns the bytes to send.
    /// With `keepAlive`, later requests on the same connection are answered too.
    convenience init(keepAlive: Bool = false, answer: @escaping @Sendable (String) -> [UInt8]) throws {
        try self.init(keepAlive: keepAlive) { request, write in _ = write(answer(request)) }
    }

    /// `respond` writes the answer itself, in as many parts as it likes;
    /// `write` says false once the client has gone.
    init(keepAlive: Bool = false, respond: @escaping @Sendable (String, ([UInt8]) -> Bool) -> Void) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: actual.sin_port)
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                lock.withLock { accepted += 1 }
                // A thread per connection: a kept-alive one must not hold up the next.
                Thread.detachNewThread { [self] in
                    for _ in 0..<(keepAlive ? 1000 : 1) {
                        let request = Self.readRequest(client)
                        if request.isEmpty { break }
                        lock.withLock { requests.append(request) }
                        respond(request) { bytes in
                            bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
                        }
                    }
                    close(client)
                }
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var received: [String] { lock.withLock { requests } }
    /// Connections accepted so far.
    var connections: Int { lock.withLock { accepted } }

    /// The head and, by Content-Length, the body.
    private static func readRequest(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let (head, start) = HTTPHead.parse(bytes) {
                let length = head.header("content-length").flatMap { Int($0) } ?? 0
                if bytes.count - start >= length { break }
            }
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
