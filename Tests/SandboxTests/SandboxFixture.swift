import Foundation
import Model
import Sandbox

/// A sandbox on a free loopback port and a client pointed at it.
final class SandboxFixture: @unchecked Sendable {
    let server: SandboxServer
    let api: HTTPImageAPI
    let configuration: ClientConfiguration

    init(options: SandboxOptions = SandboxOptions(taskSeconds: 0.6), timeout: Double = 5,
         credentials: Credentials? = SandboxServer.demoCredentials, clock: SteppedClock? = nil) throws {
        server = clock.map { SandboxServer(options: options, now: $0.now) } ?? SandboxServer(options: options)
        let url = try server.start()
        configuration = ClientConfiguration(baseURL: url, credentials: credentials, timeout: timeout, profile: "sandbox")
        api = HTTPImageAPI(configuration: configuration)
    }

    deinit { server.stop() }

    var service: SandboxService { server.service }

    static let fastPolling = PollPolicy(firstDelay: 0.1, growth: 1.5, maxDelay: 0.3, maxTransientFailures: 3)

    /// The service's example with a fresh id_task.
    static func exampleRequest(_ change: (inout SDRequest) -> Void = { _ in }) throws -> SDRequest {
        var request = try SDRequest.decode(json: BundledExamples.controlNetJSON).request
        request.idTask = TaskIDGenerator.shared.next()
        change(&request)
        return request
    }

    /// The error a submit ends with, or nil when it succeeds.
    func submitError(_ request: SDRequest, to endpoint: Endpoint = .controlNet) async -> APIError? {
        do {
            _ = try await api.submit(request, to: endpoint)
            return nil
        } catch {
            return error
        }
    }

    /// POSTs raw bytes, as curl would, and returns the HTTP status and body.
    func rawPost(_ path: String, body: String, headers: [String: String]) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: server.baseURL + path)!)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
