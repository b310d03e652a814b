// The user's catalog file read once, before any command runs (issue 9):
// every command and the screen compose with the same endpoints. A fault in
// the file is reported (on stderr by commands, in the status line by the
// screen) and leaves the shipped catalog as it is. What is read is a value,
// handed to the screen and to each command (StartUp), never a global.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

struct UserCatalogAtStart: Sendable {
    let loaded: UserCatalog
    /// The shipped catalog with the file's entries laid over it.
    let catalog: EndpointCatalog

    static func load(file: String = UserCatalog.location()) -> UserCatalogAtStart {
        let user = UserCatalog.load(file: file)
        return UserCatalogAtStart(loaded: user, catalog: EndpointCatalog.shipped.overlaid(with: user.endpoints))
    }

    var file: String { loaded.file }

    /// The file's model list paths (`"lists": {"lora": …}`), by kind; names of no kind are left out.
    var listPathOverrides: [ModelListKind: String] {
        var paths: [ModelListKind: String] = [:]
        for (name, path) in loaded.listPaths {
            if let kind = ModelListKind(rawValue: name) { paths[kind] = path }
        }
        return paths
    }

    /// The fault, said as the screen and the commands say it.
    var problemMessage: String? {
        loaded.problem.map { "\($0) (this file is left out; zqt goes on with its own endpoints)" }
    }

    /// For commands: the fault on stderr, once.
    func warnOnStandardError() {
        if let message = problemMessage { StandardStreams.writeError("zqt: warning: \(message)\n") }
    }
}

/// What zqt reads before a command runs: the user's catalog file, then the
/// config file (a `[defaults]` path may name a field of the user's
/// endpoints). Read on first use, at the top of `main`, and never changed:
/// the screen and the commands are given it (or what they need of it) as values.
struct StartUp: Sendable {
    let user: UserCatalogAtStart
    let config: ConfigAtStart

    /// The endpoints this process composes with.
    var catalog: EndpointCatalog { user.catalog }

    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) -> StartUp {
        let user = UserCatalogAtStart.load(file: UserCatalog.location(environment: environment))
        return StartUp(user: user, config: ConfigAtStart.load(catalog: user.catalog, environment: environment))
    }

    /// This process's: `main` reads it before any command runs; a command
    /// reads it once, at the top of its `run`, and passes it down.
    static let atStart = load()
}
