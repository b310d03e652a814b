import Foundation
import Model
import Sandbox
import Testing

/// A sandbox on a free loopback port and a client pointed at it.
final class SandboxFixture: @unchecked Sendable {
    let server: SandboxServer
    let api: HTTPImageAPI
    let configuration: ClientConfiguration

    /// The timeout is generous unless a test is about a timeout: on a loaded
    /// machine the sandbox draws a 1024×1024 PNG slowly, and a download that
    /// sends nothing for `timeout` seconds reads as stalled.
    init(options: SandboxOptions = SandboxOptions(taskSeconds: 0.6), timeout: Double = 30,
         credentials: Credentials? = SandboxServer.demoCredentials, clock: SteppedClock? = nil) throws {
        server = clock.map { SandboxServer(options: options, now: $0.now) } ?? SandboxServer(options: options)
        let url = try server.start()
        configuration = ClientConfiguration(baseURL: url, credentials: credentials, timeout: timeout, profile: "sandbox")
        api = HTTPImageAPI(configuration: configuration)
    }

    deinit { server.stop() }

    var service: SandboxService { server.service }

    static let fastPolling = PollPolicy(firstDelay: 0.1, ageShare: 0.25, minDelay: 0.1, maxDelay: 0.3, jitter: 0, busyDelay: 0.1, busyMaxDelay: 0.3,
                                            maxTransientFailures: 3, maxBusyAnswers: 30)

    /// The service's example (sd/v2/controlnet) with a fresh id_task.
    static func exampleRequest(_ change: (inout Request) -> Void = { _ in }) throws -> Request {
        var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        request.taskID = TaskIDGenerator.shared.next()
        change(&request)
        return request
    }

    /// A fresh request for a catalog endpoint (`tool/comfyui/text2image`), with a new task id.
    static func newRequest(_ id: String, _ change: (inout Request) -> Void = { _ in }) throws -> Request {
        let endpoint = try #require(EndpointCatalog.shipped.endpoint(path: id))
        var request = Request.new(for: endpoint, taskID: TaskIDGenerator.shared.next())
        change(&request)
        return request
    }

    /// The reference the poller follows a submitted request by.
    static func reference(_ request: Request, version: QueryVersion? = nil) -> TaskReference {
        TaskReference(endpoint: request.endpoint, taskID: request.taskID, version: version)
    }

    /// The error a submit ends with, or nil when it succeeds.
    func submitError(_ request: Request) async -> APIError? {
        do {
            _ = try await api.submit(request)
            return nil
        } catch {
            return error
        }
    }

    /// Steps `clock` until `condition` holds, a query at a time: no fixed sleeps.
    /// Fails the test when it does not hold within `attempts`.
    func poll(until condition: (TaskInfo) -> Bool, _ task: TaskReference, clock: SteppedClock, step: Double = 1,
              attempts: Int = 50) async throws -> TaskInfo {
        for _ in 0..<attempts {
            let info = try await api.queryTask(task)
            if condition(info) { return info }
            clock.advance(step)
        }
        Issue.record("the condition never held for \(task.taskID)")
        return try await api.queryTask(task)
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
