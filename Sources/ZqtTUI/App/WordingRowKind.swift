// What the screen says when a history row is of the other kind of server
// than the profile in use (issue 20): it goes to a profile of its kind.

import Model

extension Wording {
    /// The kind of server, as a user names it.
    static func serverKind(_ server: ServerKind) -> String {
        server == .a1111 ? "an AUTOMATIC1111 server" : "the zhiqite service"
    }

    /// The title line's destination of a form whose kind is not the profile's: where it goes, not this profile's URL.
    static func titleDestination(of server: ServerKind) -> String {
        server == .a1111 ? "an AUTOMATIC1111 server (choose an A1111 profile)" : "the zhiqite service (choose a zhiqite profile)"
    }

    static func switchingForRow(_ idTask: String, profile: String, server: ServerKind) -> String {
        "\(TerminalText.line(idTask)) was sent to \(serverKind(server)): switching to profile \(TerminalText.line(profile)) to open it there"
    }

    static func noProfileOfRowKind(_ idTask: String, server: ServerKind, switchKey: String) -> String {
        let add = server == .a1111 ? "add a profile with api = \"a1111\"" : "add a profile without api"
        return "\(TerminalText.line(idTask)) was sent to \(serverKind(server)), and the config file has no profile of that kind: "
            + "\(add) to send it again (\(switchKey) switches profiles); nothing sent"
    }

    static func profileNotOfRowKind(_ idTask: String, profile: String, server: ServerKind) -> String {
        "profile \(TerminalText.line(profile)) is not \(serverKind(server)) any more: \(TerminalText.line(idTask)) not opened, nothing sent"
    }

    /// F5 on a request of the other kind of server than the profile's (issue 20): nothing sent, and
    /// what to do: choose a profile of its kind (or add one), or move the form back with `T`.
    static func notSentWrongServer(_ endpoint: Endpoint, profile: String, server: ServerKind, ofItsKind: String?,
                                   switchKey: String, moveKey: String?, formKept: Bool) -> String {
        let add = endpoint.server == .a1111 ? "a profile with api = \"a1111\"" : "a zhiqite profile (one without api)"
        let choose = ofItsKind.map { "\(switchKey) chooses a profile of its kind (\(TerminalText.line($0)))" }
            ?? "add \(add) to the config file (docs/config.md), then \(switchKey) chooses it"
        let move = moveKey.map { "; or \($0) moves the form to \(serverKind(server))" } ?? ""
        return "Not sent: profile \(TerminalText.line(profile)) is \(serverKind(server)), and this request is for \(kindTitle(endpoint)): "
            + "\(choose)\(move)" + (formKept ? "; the form is kept" : "; nothing sent")
    }

    /// A model picker of a form of the other kind than the profile's (after `T`): the profile's
    /// server has no list for it, and none of its names is offered (issue 20).
    static func noListForForm(_ kind: ModelListKind, form: Endpoint, profile: String, server: ServerKind) -> String {
        "No \(noun(kind)) list for a \(kindTitle(form)) request on profile \(TerminalText.line(profile)) (\(serverKind(server))): "
            + "a profile of its kind reads one · typed text is used as it is"
    }
}
