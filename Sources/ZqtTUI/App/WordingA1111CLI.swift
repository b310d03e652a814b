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

// Fix20a: a body of the other kind, the start profile, the words on an A1111 profile.
extension Wording {
    /// A body sent with no --endpoint to a profile of one kind whose fields fit the other kind's
    /// endpoint better (issue 20: a converted zhiqite body to an A1111 profile was read as txt2img,
    /// its units' image_link unknown, then "unit 1 needs a control image"): nothing sent, and the way on.
    static func bodyOfTheOtherKind(_ endpoint: Endpoint, profile: String?, server: ServerKind, file: String?) -> String {
        let what = endpoint.server == .a1111 ? "an AUTOMATIC1111 \(endpoint.shortName) request" : "a zhiqite \(endpoint.title) request"
        let profileWords = profile.map { "profile \(TerminalText.printable($0))" } ?? "the profile in use"
        let converted = file.map { "zqt convert \(TerminalText.printable($0)) --to \(server.rawValue)" } ?? "zqt convert FILE --to \(server.rawValue)"
        let otherProfile = endpoint.server == .a1111 ? "an AUTOMATIC1111 one" : "a zhiqite one"
        return "this is \(what) (its fields fit \(endpoint.shortName) better than any endpoint of \(serverKind(server))); "
            + "\(profileWords) is \(serverKind(server)): \(converted), or --profile \(otherProfile); nothing sent"
    }

    /// `zqt query` of a row sent to another profile: whose keys, or for an A1111 server whose login, go with the question.
    static func askingWith(profile: String, known: Bool, server: ServerKind?) -> String {
        guard known else { return "the keys in use (profile \(APIError.printable(profile)) is not in the config file)" }
        if server == .a1111 { return "profile \(APIError.printable(profile))'s login (its username and password, if any)" }
        return "profile \(APIError.printable(profile))'s keys"
    }
}

extension Wording {
    /// Why an A1111 server left a sweep (issue 20): one 500 is a job's own failure, several in a row with nothing made are the server's.
    static func sweepAnswered500InARow(_ count: Int) -> String {
        "it answered HTTP 500 to \(count) calls in a row and made nothing"
    }
}
