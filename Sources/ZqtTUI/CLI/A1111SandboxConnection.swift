// `zqt --sandbox --api a1111` (issue 20): the in-process AUTOMATIC1111
// stand-in (Sandbox/A1111) started for the screen or a send, as `--sandbox`
// starts the zhiqite one; and what `zqt send` says when an endpoint is of
// the other kind of server than the profile.

import Model
import Sandbox

/// A sandbox started in this process, whichever API it speaks: where it
/// listens, and how it stops.
protocol RunningSandbox: Sendable {
    var baseURL: String { get }
    func stop()
}

extension RunningSandbox {
    /// Stops it, and closes its tasks still open in the history, followed
    /// or not, with that reason: an in-process sandbox's tasks end with
    /// its zqt (docs/history.md), nothing can answer for them any more.
    func stop(closingRowsIn store: HistoryStore?) {
        stop()
        try? store?.closeUnfinished(baseURL: baseURL, error: Wording.sandboxStopped)
    }
}

extension SandboxServer: RunningSandbox {}
extension A1111SandboxServer: RunningSandbox {}

enum A1111SandboxConnection {
    /// An A1111 stand-in on a free loopback port, a 20-step job taking about 2 s as the sandbox's default.
    static func start(_ resolved: ClientConfiguration) throws -> (ClientConfiguration, (any RunningSandbox)?) {
        let server = A1111SandboxServer(options: A1111SandboxOptions())
        var configuration = resolved
        configuration.baseURL = try server.start()
        configuration.profile = "sandbox"
        configuration.server = .a1111
        configuration.credentials = nil
        configuration.a1111 = A1111Settings(auth: nil, generationTimeout: max(resolved.a1111.generationTimeout, 60))
        return (configuration, server)
    }

    /// What `zqt --sandbox --api a1111` sends without a terminal.
    static let exampleJSON = #"{"prompt": "a lighthouse at dusk, volumetric light", "steps": 20, "batch_size": 2, "seed": 1234}"#

    /// Why an endpoint cannot go to this connection's server, and which would.
    static func wrongServer(_ endpoint: Endpoint, _ configuration: ClientConfiguration, in catalog: EndpointCatalog) -> String {
        let theirs = catalog.readyGroups(for: configuration.server).flatMap(\.endpoints).map(\.shortName).joined(separator: ", ")
        let kind = configuration.server == .a1111 ? "an AUTOMATIC1111 server (api = \"a1111\")" : "the zhiqite service"
        return "\(endpoint.shortName) is an endpoint of \(endpoint.server == .a1111 ? "an AUTOMATIC1111 server" : "the zhiqite service"), "
            + "and profile \(APIError.printable(configuration.profile)) is \(kind): give --endpoint one of \(theirs)"
    }
}
