// What the command line says about an AUTOMATIC1111 server (issue 20, the
// newcomer's command-line findings): its lists, its rows asked about, a
// sweep's interrupted jobs. The server is named by its profile and kind,
// never "the service", which is zhiqite's.

import Model

extension Wording {
    /// "profile gpu (an A1111 server at http://127.0.0.1:7860)", "the sandbox (A1111)",
    /// "profile work (the zhiqite service at https://…)".
    static func server(_ configuration: ClientConfiguration) -> String {
        let address = TerminalText.printable(configuration.baseURL)
        let a1111 = configuration.server == .a1111
        if configuration.modelListCacheKey.hasPrefix("sandbox ") { return a1111 ? "the sandbox (A1111)" : "the sandbox" }
        let profile = ["", "default"].contains(configuration.profile) ? "" : "profile \(TerminalText.printable(configuration.profile)) "
        return profile + (a1111 ? "(an A1111 server at \(address))" : "(the zhiqite service at \(address))")
    }

    /// `zqt models` asked for a list it has not read yet: what to run, for that server.
    static func modelListNotCached(_ kind: ModelListKind, configuration: ClientConfiguration, onlyKind: Bool) -> String {
        let command = "zqt models " + (onlyKind ? "--kind \(kind.rawValue) " : "") + "--refresh"
            + (["", "default"].contains(configuration.profile) || configuration.modelListCacheKey.hasPrefix("sandbox ")
               ? "" : " --profile \(TerminalText.printable(configuration.profile))")
        return "no \(kind.rawValue) list cached yet for \(server(configuration)); \(command) reads it from "
            + (configuration.server == .a1111 ? "that server" : "the service")
    }
}

// MARK: A sweep to A1111 servers (issue 20)

extension Wording {
    /// A task's line as its call leaves: an A1111 server answers when the job is done.
    static let sweepCallSent = "sent: the server answers when the job is done"

    /// The first Ctrl-C during a sweep to A1111 servers.
    static func sweepStopping(running: Int) -> String {
        "Ctrl-C: " + (running == 0 ? "no job is running" : "asking the server of each running job to stop it (POST /sdapi/v1/interrupt, "
                                                        + count(running, "job") + ")")
            + "; no more combinations are sent; Ctrl-C again quits at once"
    }

    /// A combination Ctrl-C kept from being sent.
    static let sweepNotSent = "not sent: Ctrl-C stopped the sweep first"

    /// The sweep's last line after Ctrl-C.
    static func sweepStopped(interrupted: Int, notSent: Int) -> String {
        "interrupted: the sweep stopped at Ctrl-C; \(count(interrupted, "job")) stopped on the server (what it made is kept, "
            + "its row says interrupted), \(count(notSent, "combination")) not sent"
    }

    /// A sweep row's seeds: each picture's, and those the answer gave none for counted apart.
    static func sweepSeeds(_ seeds: [Int?]) -> String {
        let known = seeds.compactMap { $0 }
        let unknown = seeds.count - known.count
        if known.isEmpty { return count(seeds.count, "picture") + " (the answer gives no seed)" }
        return "seed " + known.map(String.init).joined(separator: ", ") + (unknown == 0 ? "" : " (+\(unknown) without a seed)")
    }
}
