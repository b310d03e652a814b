import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback port nobody listens on just now, as the kernel hands out for
/// port 0. Another process may take it before the caller binds it (up to
/// eight helpers' suites run at once on the machines this runs on), so a
/// caller that cannot bind it asks again (`withFreePort`).
func freeLoopbackPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
    return UInt16(bigEndian: address.sin_port)
}

/// Starts a server on a free port with `start`, which returns nil when the
/// port was taken meanwhile; a few ports are tried before giving up.
func withFreePort<T>(attempts: Int = 5, _ start: (UInt16) throws -> T?) throws -> T {
    var tried: [UInt16] = []
    for _ in 0..<attempts {
        let port = try freeLoopbackPort()
        if let started = try start(port) { return started }
        tried.append(port)
    }
    throw ServerDidNotStart(ports: tried)
}

struct ServerDidNotStart: Error, CustomStringConvertible {
    let ports: [UInt16]
    var description: String { "the server did not start on any of the free ports \(ports.map(String.init).joined(separator: ", "))" }
}
