// Whether anything listens at a URL's address, with one TCP connection
// attempt and without HTTP: zqt asks this at start about in-process
// sandboxes of earlier sessions, and start-up must not load libcurl for it.

import Dispatch
#if canImport(Glibc)
import Glibc
#endif

public enum ConnectionProbe {
    /// True only when the connection is refused (nothing listens there);
    /// false when it is taken, and for any other outcome (unknown name, timeout).
    public static func isRefused(_ url: String, timeout: Double) async -> Bool {
        guard let target = HTTPTarget(url) else { return false }
        return await withCheckedContinuation { continuation in
            DispatchQueue(label: "zqt.probe").async {
                continuation.resume(returning: refusedBlocking(host: target.host, port: target.port, timeout: timeout))
            }
        }
    }

    static func refusedBlocking(host: String, port: Int, timeout: Double) -> Bool {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 { return false }
        if errno == ECONNREFUSED { return true }
        guard errno == EINPROGRESS else { return false }
        var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&descriptor, 1, Int32(max(1, min(timeout, 60) * 1000))) == 1 else { return false }
        var problem: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &problem, &length)
        return problem == ECONNREFUSED
    }
}
