// A TCP connection on a non-blocking POSIX socket, every wait bounded by a
// deadline and cut short by cancellation. The plain-HTTP half of zqt's
// client; TLSStream wraps it for https.

#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Bytes in and out of a connection, plain or TLS.
protocol ByteStream: AnyObject {
    /// Up to `buffer.count` bytes; 0 when the peer closed.
    func read(into buffer: inout [UInt8], until deadline: Double) throws(APIError) -> Int
    func writeAll(_ bytes: [UInt8], until deadline: Double) throws(APIError)
    func close()
}

/// Set from another thread to stop a request at its next wait.
final class CancelFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}

final class SocketStream: ByteStream {
    let fd: Int32
    private let cancel: CancelFlag
    /// Seconds of silence allowed, for the timeout message.
    private let timeout: Double

    private init(fd: Int32, cancel: CancelFlag, timeout: Double) {
        self.fd = fd
        self.cancel = cancel
        self.timeout = timeout
    }

    deinit { close() }

    /// Resolves `host` and connects to the first address that answers.
    static func connect(host: String, port: Int, timeout: Double, cancel: CancelFlag) throws(APIError) -> SocketStream {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            let detail = resolved == EAI_NONAME || resolved == -5 /* EAI_NODATA */
                ? "host name not found" : String(cString: gai_strerror(resolved))
            throw .unreachable(host: host, detail: detail)
        }
        defer { freeaddrinfo(list) }
        let deadline = monotonicSeconds() + timeout
        var lastError: APIError = .unreachable(host: host, detail: "no address")
        var address: UnsafeMutablePointer<addrinfo>? = first
        while let current = address {
            address = current.pointee.ai_next
            let fd = socket(current.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { continue }
            let stream = SocketStream(fd: fd, cancel: cancel, timeout: timeout)
            if Glibc.connect(fd, current.pointee.ai_addr, current.pointee.ai_addrlen) != 0 {
                guard errno == EINPROGRESS else {
                    lastError = connectError(errno, host: host)
                    continue
                }
                do {
                    try stream.wait(for: Int16(POLLOUT), until: deadline)
                } catch {
                    lastError = error
                    if error == .cancelled { throw error }
                    continue
                }
                var problem: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &problem, &length)
                if problem != 0 {
                    lastError = connectError(problem, host: host)
                    continue
                }
            }
            var on: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            return stream
        }
        throw lastError
    }

    private static func connectError(_ code: Int32, host: String) -> APIError {
        switch code {
        case ECONNREFUSED: return .connectionRefused(host: host)
        case ETIMEDOUT: return .unreachable(host: host, detail: "no answer to the connection attempt")
        default: return .unreachable(host: host, detail: String(cString: strerror(code)))
        }
    }

    /// Waits until the socket is ready for `events`, in short slices so a
    /// cancellation is noticed within a tenth of a second.
    func wait(for events: Int16, until deadline: Double) throws(APIError) {
        while true {
            if cancel.isSet { throw .cancelled }
            let left = deadline - monotonicSeconds()
            if left <= 0 { throw .timedOut(seconds: timeout) }
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(left, 0.1) * 1000) + 1)
            if ready > 0 { return }
            if ready < 0, errno != EINTR { throw .transport("poll(): \(String(cString: strerror(errno)))") }
        }
    }

    func read(into buffer: inout [UInt8], until deadline: Double) throws(APIError) -> Int {
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n >= 0 { return n }
            switch errno {
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLIN), until: deadline)
            case EINTR: continue
            case ECONNRESET: throw .connectionLost
            default: throw .transport("recv(): \(String(cString: strerror(errno)))")
            }
        }
    }

    func writeAll(_ bytes: [UInt8], until deadline: Double) throws(APIError) {
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a server that went away must not kill zqt with SIGPIPE.
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n >= 0 {
                offset += n
                continue
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK: try wait(for: Int16(POLLOUT), until: deadline)
            case EINTR: continue
            case EPIPE, ECONNRESET: throw .connectionLost
            default: throw .transport("send(): \(String(cString: strerror(errno)))")
            }
        }
    }

    private var closed = false
    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }
}
