// What the screen says about AUTOMATIC1111 profiles and rows (issue 20's
// screen findings): the kind beside each profile in the switcher, an A1111
// row's history entry in A1111's terms, a batch's grid left out, a unit's
// model following its preprocessor, the endpoint `L` chose for a body.

import Model

extension Wording {
    /// The kind of server a profile is, as the switcher shows it beside the profile (the title line's mark).
    static func profileKind(_ server: ServerKind) -> String {
        server.titleMark ?? "zhiqite"
    }

    /// The switcher's line beside a profile: its kind first, then what the config file says of it.
    static func profileDetail(_ server: ServerKind, details: String?) -> String {
        [profileKind(server), details].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: " · ")
    }

    /// A command's line in the help (`?`): an A1111 profile has a login, not keys (issue 20's re-check).
    static func helpTitle(_ command: Command, server: ServerKind) -> String {
        switch (command, server) {
        case (.switchProfile, .a1111): return "Switch profile (connection and login from the config file)"
        // X's declared title names both kinds of server (for `zqt keys`); the help and the palette say what it
        // does on this one, so the palette's line is not cut before it (newcomer20g).
        case (.stopFollowing, _):
            let x = stopFollowing(server)
            return "\(x.verb) \(x.object) \(x.rest)"
        // An A1111 server has no tools and no custom request (the switcher lists its endpoints only, issue 20);
        // its palette said "every tool" (leftovers20).
        case (.switchEndpoint, _): return "Switch endpoint (\(endpointChoices(server)))"
        default: return command.title
        }
    }

    /// What the endpoint switcher lists on a profile of this kind: the help's and the palette's F7 line says one,
    /// `zqt keys` (the declaration's title, switchEndpointTitle) both, from this one place (leftovers21).
    static func endpointChoices(_ server: ServerKind) -> String {
        switch server {
        case .a1111: return "txt2img, img2img, extras, interrogate, PNG Info"
        case .zhiqite: return "every tool, or a custom request"
        }
    }

    /// F7's declared title, which `zqt keys` prints: what it lists on each kind of server.
    /// What X does on a kind of server, in parts: the help's and the palette's line on one profile
    /// ("Stop following the task (…)") and `zqt keys`' title for both, stopFollowingTitle, are made of
    /// them, so the text is in one place (leftovers23, as F7's).
    static func stopFollowing(_ server: ServerKind) -> (verb: String, object: String, noun: String, rest: String) {
        switch server {
        case .zhiqite: return ("Stop following", "the task", "task", "(u on its history row takes it up again)")
        case .a1111: return ("Interrupt", "the A1111 job", "job", "on the server")
        }
    }

    /// X's declared title, `zqt keys`' line: "zhiqite task: stop following it (…); A1111 job: interrupt it on the server".
    static var stopFollowingTitle: String {
        ServerKind.allCases.map { server in
            let x = stopFollowing(server)
            return "\(profileKind(server)) \(x.noun): \(x.verb.lowercased()) it \(x.rest)"
        }.joined(separator: "; ")
    }

    static var switchEndpointTitle: String {
        let kinds = ServerKind.allCases.map { "\(profileKind($0)): \(endpointChoices($0))" }
        return "Switch endpoint (\(kinds.joined(separator: "; ")))"
    }

    /// Where `zqt keys` says a command of one kind of server works: "A1111 profiles only".
    static func onlyOnProfiles(_ server: ServerKind) -> String { "\(profileKind(server)) profiles only" }

    /// Its key on a profile of the other kind (CommandDeclaration.onlyOn).
    static func commandOnlyOn(_ key: String, _ server: ServerKind, here: ServerKind) -> String {
        "\(key) works on \(onlyOnProfiles(server)); this profile is \(profileKind(here))"
    }

    /// `u` on an A1111 row: no task to query, so what is known of it (A1111RowStanding's words),
    /// never "Query for … failed" for a row whose zqt still waits for the server's answer.
    static func a1111RowAsked(_ idTask: String, _ words: String) -> String {
        "\(TerminalText.line(idTask)): \(words)"
    }

    /// The state the history screen shows for a row: an A1111 row still `sending` is running
    /// on its server, whose call lasts as long as the job ("↑ sending" read as stuck on the way out).
    static func listedState(_ state: SubmissionState, server: ServerKind) -> SubmissionState {
        server == .a1111 && state == .sending ? .running : state
    }

    /// The history list's Imgs column for an A1111 row still running: the pictures it plans, none made yet.
    static func plannedImagesShort(_ planned: Int) -> String { "~\(planned)" }

    // MARK: An A1111 row's history entry

    /// The entry's Endpoint line: the form, the kind of server, where it went.
    static func entryEndpoint(_ title: String, server: ServerKind, baseURL: String, profile: String) -> String {
        let kind = server.titleMark.map { " (\($0))" } ?? ""
        return "\(TerminalText.line(title))\(kind) → \(TerminalText.line(baseURL)) (profile \(TerminalText.line(profile)))"
    }

    /// How an A1111 row's pictures came and where they are.
    static func a1111PicturesKept(folder: String, saveKey: String) -> String {
        "The server sent the pictures inline; zqt keeps them in \(TerminalText.line(folder)) (no link expires): \(saveKey) saves copies elsewhere."
    }

    /// The seeds an A1111 answer's `info` gives: every picture's, and the variation seed when one was used.
    static func a1111Seeds(_ seeds: [Int], subseed: Int?, strength: Double?) -> String {
        var text = seeds.map(String.init).joined(separator: ", ")
        if let subseed, let strength, strength > 0 {
            text += " · variation seed \(subseed) at \(JSONWriter.formatNumber(strength))"
        }
        return text
    }

    /// Beside a ControlNet map in the entry's results ("control map 1. ControlNet's detected map").
    static let controlMapAbout = "ControlNet's detected map"

    /// An A1111 row with no picture (issue 20): A1111's words, never the service's (no task to query, no training callback).
    static func a1111NoResults(_ state: SubmissionState, serverSaves: Bool) -> String {
        switch state {
        case .unknown:
            return "none: the answer was lost, and an A1111 server keeps no task to ask about; " + A1111ServerCopies.words(serverSaves: serverSaves)
        case .sending, .submitted, .queued, .running:
            return "none yet: an A1111 server answers with the pictures when the job is done"
        default:
            return "none"
        }
    }

    /// A batch's grid the server put first, which zqt does not keep (docs/a1111.md).
    /// The results pane's title, beside the count.
    static let gridNotKeptShort = "the server's grid not kept"
    static let gridLeftOut = "The grid of the batch the server sent first is not kept: it is the same pictures again, each kept on its own."

    // MARK: A unit's model follows its preprocessor

    static func unitModelFollowsModule(_ number: Int, module: String, model: String, was: String?, fromServer: Bool) -> String {
        let source = fromServer ? "from the server's list" : "from the catalog"
        let before = was.map { " (was \(TerminalText.line($0)); choose it again in Model to keep it)" } ?? ""
        return "Unit \(number): preprocessor \(TerminalText.line(module)) takes model \(TerminalText.line(model)), \(source)\(before)"
    }

    static func unitModelFitsNoModel(_ number: Int, module: String, model: String, fromServer: Bool) -> String {
        let place = fromServer ? "the server's model list has" : "the catalog has"
        return "Unit \(number): \(place) no model for preprocessor \(TerminalText.line(module)); \(TerminalText.line(model)) kept, which is made for another"
    }

    /// A control type added on a form whose server lists its own modules and models, which lacks the
    /// type's catalog names (issue 20): what was taken from its lists, what it has none of. `added` is addedItem's text.
    static func unitFitsServer(_ added: String, preset: String, fit: GroupSpec.ServerFit) -> String {
        let type = TerminalText.line(preset)
        var lacks: [String] = []
        if fit.noModule { lacks.append("no \(type) preprocessor (none set: the picture is used as the map)") }
        if fit.noModel { lacks.append("no \(type) model (None set)") }
        var taken: [String] = []
        if let module = fit.module { taken.append("preprocessor \(TerminalText.line(module))") }
        if let model = fit.model { taken.append("model \(TerminalText.line(model))") }
        let from = taken.isEmpty ? "" : " (\(taken.joined(separator: " and ")) from the server's lists)"
        guard !lacks.isEmpty else { return added + from }
        let lowered = added.prefix(1).lowercased() + added.dropFirst()
        return "The server lists " + lacks.joined(separator: " and ") + ": pick what it has, or install them; " + lowered + from
    }
}
