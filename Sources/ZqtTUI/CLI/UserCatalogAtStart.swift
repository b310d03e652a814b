// The user's catalog file read once, before any command runs (issue 9):
// every command and the screen compose with the same endpoints. A fault in
// the file is reported (on stderr by commands, in the status line by the
// screen) and leaves the shipped catalog as it is.

import Model

enum UserCatalogAtStart {
    nonisolated(unsafe) private(set) static var loaded: UserCatalog?

    @discardableResult
    static func load() -> UserCatalog {
        let user = UserCatalog.load(file: UserCatalog.location())
        EndpointCatalog.active = EndpointCatalog.shipped.overlaid(with: user.endpoints)
        loaded = user
        return user
    }

    static var file: String { loaded?.file ?? UserCatalog.location() }

    /// The file's model list paths (`"lists": {"lora": …}`), by kind; names of no kind are left out.
    static var listPathOverrides: [ModelListKind: String] {
        var paths: [ModelListKind: String] = [:]
        for (name, path) in loaded?.listPaths ?? [:] {
            if let kind = ModelListKind(rawValue: name) { paths[kind] = path }
        }
        return paths
    }

    /// The fault, said as the screen and the commands say it.
    static var problemMessage: String? {
        loaded?.problem.map { "\($0) (this file is left out; zqt goes on with its own endpoints)" }
    }

    /// For commands: the fault on stderr, once.
    static func warnOnStandardError() {
        if let message = problemMessage { StandardStreams.writeError("zqt: warning: \(message)\n") }
    }
}
