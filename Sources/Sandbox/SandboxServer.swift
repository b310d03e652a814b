// The sandbox as a running server: the service behind the HTTP listener on
// loopback. `zqt sandbox` runs one standalone; `zqt --sandbox` and the tests
// start one in-process on a free port.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

public final class SandboxServer: @unchecked Sendable {
    public let service: SandboxService
    private let http: HTTPServer

    /// `now` lets tests step the sandbox's time instead of waiting on it.
    public init(options: SandboxOptions = SandboxOptions(), host: String = "127.0.0.1",
                now: @escaping @Sendable () -> Date = Date.init) {
        let service = SandboxService(options: options, now: now)
        self.service = service
        http = HTTPServer(host: host) { request in service.handle(request) }
    }

    /// Starts listening; port 0 picks a free one. Returns the base URL.
    @discardableResult
    public func start(port: UInt16 = 0) throws -> String {
        try http.start(port: port)
        service.publicBaseURL = baseURL
        return baseURL
    }

    public func stop() { http.stop() }

    public var port: UInt16 { http.port }
    public var baseURL: String { "http://\(http.host):\(http.port)" }

    /// Credentials that the sandbox accepts (any non-empty pair unless it was
    /// started with a specific one).
    public static let demoCredentials = Credentials(accessKeyID: "sandbox-key-id", accessKeySecret: "sandbox-key-secret")
}
