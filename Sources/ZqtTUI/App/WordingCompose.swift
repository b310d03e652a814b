// What the compose screen says: endpoints and profiles switched, the keys'
// problems, requests loaded and saved as endpoints, fields and units
// changed, the clipboard, and the titles of its pickers and boxes. Keys are
// named as bound (`KeyTable.label`), passed in by the caller.

import Model

extension Wording {
    // MARK: Endpoints and custom requests

    static func endpointPickerTitle(current: String) -> String { "Endpoint (now \(current))" }

    /// After switching to a catalog endpoint: its title and the section its
    /// form follows, when the catalog gives one (a user's entry may not: no "()").
    static func endpointSwitched(_ title: String, reference: String, submitKey: String) -> String {
        let section = reference.trimmed.isEmpty ? "" : " (\(reference.trimmed))"
        return "\(title)\(section): fill the form, \(submitKey) sends it"
    }

    static func customRequestStarted(pathPrefix: String, submitKey: String, saveKey: String) -> String {
        "Custom request: the path under \(pathPrefix), then the body as JSON; \(submitKey) sends it, \(saveKey) saves it as your own endpoint"
    }

    static let customRequestNeedsPath = "Give the custom request a path first: it is what the endpoint is saved as"

    static func endpointShipsWithZqt(_ path: String, switchKey: String, catalogFile: String) -> String {
        "\(path) has a form that ships with zqt (\(switchKey)); to change it, add an entry with that id to \(catalogFile)"
    }

    static func saveEndpointTitle(_ path: String) -> String { "Save \(path) as an endpoint named" }

    static func savedAsEndpoint(_ title: String, file: String, switchKey: String, group: String) -> String {
        "Saved as \"\(title)\" in \(file); \(switchKey) lists it under \(group)"
    }

    static func notSavedAsEndpoint(_ message: String) -> String { "Not saved as an endpoint: \(message)" }

    // MARK: Loading a request

    static let loadRequestTitle = "Load a request: a JSON file or picture path, or a pasted curl command"
    static let loadingRequest = "Loading the request…"

    /// What reading it noticed follows, each note with its path.
    static func loaded(into endpoint: String, from source: String, notes: [String]) -> String {
        "Loaded into \(endpoint) from \(source)" + notes.map { " · " + $0 }.joined()
    }

    static func notLoaded(_ message: String) -> String { "Not loaded: \(message)" }

    /// `L` of a body the form holds already (issue 19: it asked to replace the form with itself).
    static func alreadyLoaded(into endpoint: String, from source: String) -> String {
        "Already loaded: the \(endpoint) form holds \(source) as it is"
    }

    // MARK: What the history's filter finds, said where it is typed (issue 19, fix19)

    /// The hints, longest first; each a whole sentence (issue 19: the one hint was cut after "endpoint:").
    static let historyFilterHints = [
        "to filter by prompt, task id, model, state or endpoint (endpoint:NAME)",
        "to filter by words or endpoint:NAME",
        "to filter",
    ]

    /// The longest hint that fits `room` cells whole.
    static func historyFilterHint(room: Int) -> String {
        historyFilterHints.first { TextWidth.of($0) <= room } ?? ""
    }

    // MARK: Recent messages, whole (issue 19, fix19)

    /// After a status message the line cut: the key that shows it whole.
    static func statusCutMark(key: String) -> String { "(\(key))" }
    static let noMessagesYet = "No message yet"

    static func recentMessagesNotice(_ newestFirst: [String]) -> Notice {
        Notice(title: "Recent messages, newest first", lines: newestFirst.flatMap { [$0, ""] } + ["Any key closes this."])
    }

    // MARK: Which endpoint a loaded body goes to (issue 19, fix19)

    /// The endpoints a loaded body could be sent to as well as the one it went to.
    /// Each endpoint keeps its own form: after the switch the body is loaded again.
    static func alsoFits(_ titles: [String], switchKey: String, loadKey: String) -> String {
        "\(titles.joined(separator: ", ")) would take it too (\(switchKey) switches; \(loadKey) it again there)"
    }

    // MARK: Profiles and keys

    static func profilePickerTitle(current: String) -> String { "Profile (now \(current))" }
    static let noProfiles = "No profiles to switch to: the config file holds none (zqt --help says where it goes)"
    static func switchingProfile(_ name: String) -> String { "Switching to profile \(name)…" }
    static func profileNotSwitched(_ message: String) -> String { "Profile not switched: \(message)" }

    static func profileSwitched(_ name: String, baseURL: String) -> String {
        "Profile \(name): the next send goes to \(baseURL)"
    }

    static func noAccessKeys(profile: String, switchKey: String, server: ServerKind = .zhiqite) -> String {
        if server == .a1111 { return "No login for profile \(profile): nothing can be sent (\(loginAdvice); \(switchKey) switches profile)" }
        return "No access keys for profile \(profile): nothing can be sent "
            + "(set ZQT_ACCESS_KEY_ID and ZQT_ACCESS_KEY_SECRET, or a profile's keys; \(switchKey) switches profile)"
    }

    // MARK: Fields, the seed, units

    static func fieldProblem(_ label: String, _ message: String) -> String { labelled(label, message) }
    /// A unit's row where its preprocessor is `none`: "no preprocessor" (the field's label, lowered).
    static func itemWithout(_ label: String) -> String { "no \(label.lowercased())" }

    static func seedReused(_ seed: Int) -> String { "Seed set to the last result's \(seed)" }
    static let noResultSeedYet = "No result yet: send a request and wait for it to finish"

    // MARK: The clipboard, the start

    /// "812 B", "1.5 KB", "1.3 MB".
    static func byteSize(_ bytes: Int) -> String {
        if bytes >= 1 << 20 { return "\(JSONWriter.formatNumber((Double(bytes) / 104_857.6).rounded() / 10)) MB" }
        return bytes >= 1024 ? "\(JSONWriter.formatNumber((Double(bytes) / 102.4).rounded() / 10)) KB" : "\(bytes) B"
    }

    static func copied(_ what: String, bytes: Int) -> String {
        "Copied \(what) (\(byteSize(bytes))) to the clipboard (OSC 52)"
    }

    /// Text over Reducer.clipboardLimit: not sent by OSC 52 (tmux and many terminals drop it without a word),
    /// kept in a file to open or `cat` instead; `error`: why that file could not be written.
    static func copyTooLarge(_ what: String, bytes: Int, path: String, error: String?) -> String {
        // The path first: `what` can be long (a request said not valid, with its field), and the line is cut at the screen's width.
        let why = "\(byteSize(bytes)), more than terminals take by OSC 52 (tmux drops it without a word)"
        guard let error else { return "Too large to copy, so written to \(path) (\(why)): \(what)" }
        return "Not copied (\(why)), and \(path) could not be written: \(error) · \(what)"
    }

    static func restoredForm(saved: String, historyKey: String) -> String {
        "Restored the form as it was left (saved \(saved)) · \(historyKey) history"
    }

    /// A fault said at start (a read-only history) and the form restored: the fault first, both on the line.
    static func faultThenRestored(_ fault: String, restored: String) -> String { fault + " · " + restored }

    static func warning(_ text: String) -> String { "Warning: \(text)" }

    static func readyToSend(submitKey: String) -> String { "Ready to send: \(submitKey)" }
}

extension Wording {
    /// A unit whose model is made for another base than the checkpoint's (issue 19).
    static func misfit(_ misfit: ControlNetFit.Misfit) -> String { "for \(misfit.modelFamily.rawValue); checkpoint is \(misfit.checkpointFamily.rawValue)" }
}

extension Wording {
    static func unitsFollowCheckpoint(_ count: Int, family: ModelFamily) -> String {
        "\(count == 1 ? "1 unit's model" : "\(count) units' models") changed to the one made for \(family.rawValue), the checkpoint's base"
    }
}

extension Wording {
    // MARK: Starting over (issue 19)

    static func newForm(defaults: Int, undoKey: String) -> String {
        "New form: the endpoint's defaults" + (defaults > 0 ? " and the config file's [defaults]" : "")
            + "; \(undoKey) brings back the form it replaced"
    }

    static func nothingToBringBack(newKey: String) -> String { "No form to bring back: \(newKey) starts a new one first" }
    static func formBroughtBack(undoKey: String) -> String { "The form is back; \(undoKey) again shows the new one" }
    /// Esc dropped an edit's text (issue 18): said with its size, and the key that brings it back.
    static func editCancelled(characters: Int, undoKey: String) -> String {
        "Edit cancelled: the field is as before; \(undoKey) brings back the text typed (\(count(characters, "character")))"
    }
    static func editBroughtBack(characters: Int) -> String {
        "The cancelled edit is back (\(count(characters, "character"))): Enter keeps it, Esc drops it again"
    }
    static let cannotResetField = "This field has no default to go back to"

    static func fieldReset(_ label: String, value: String?) -> String {
        "\(label) reset" + (value.map { " to \(TextWidth.truncate($0, to: 40))" } ?? ": left out of the request")
    }

    // MARK: Prompt attention (issue 19)

    static let nothingToWeigh = "No word or (group:weight) at the cursor to weigh"

    /// After a prompt's edit, when brackets do not pair (marked in the field while typing).
    static func unbalancedBrackets(_ label: String, count: Int) -> String {
        let brackets = count == 1 ? "1 bracket has" : "\(count) brackets have"
        return "\(label): \(brackets) no partner (marked in the field; \\( types a plain one)"
    }
}
