// What the screen says when a history row is of the other kind of server
// than the profile in use (issue 20): it goes to a profile of its kind.

import Model

extension Wording {
    /// The kind of server, as a user names it.
    static func serverKind(_ server: ServerKind) -> String {
        server == .a1111 ? "an AUTOMATIC1111 server" : "the zhiqite service"
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
}
