// The config file while the screen runs (issue 19): a fault is shown whole,
// in a box over the screen (the status line cut it off), and the file is
// read again when it changed, on the next screen change or by a command,
// so a fix takes effect without restarting. Reading it is the effect
// runner's (Terminal/ConfigFileEffects.swift); this applies what it read.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

/// What the screen knows of its config file.
struct ConfigFileState: Equatable, Sendable {
    /// Where it is looked for (ConfigFile.location).
    var file: String = ""
    /// Why it is left out; nil when it was read (or there is none).
    var problem: ConfigProblem?
    /// Whether a file was read at all (a missing file is no fault).
    var exists = false
    /// A file was read without a fault this session: its settings are in use.
    var readOnce = false
    /// The colours the file (or NO_COLOR) asks for, once read again while the
    /// screen runs; the terminal takes them on at its next frame (issue 19). nil: as at start.
    var theme: Theme?
    /// `P` asked for the profile switcher while the file had a fault: it opens once the file is read again.
    var profilesWanted = false
}

/// The config file as read again: what the screen takes of it.
struct ConfigFileRead: Equatable, Sendable {
    var file: String
    var exists: Bool
    var problem: ConfigProblem?
    var profiles: [String] = []
    var profileDetails: [String: String] = [:]
    /// Each profile's kind of server (issue 20).
    var profileServers: [String: ServerKind] = [:]
    var keys: KeyTable = .shipped
    var formDefaults: [FormDefault] = []
    var permissionWarning: String?
    /// `theme`, NO_COLOR winning over it (Theme.resolve).
    var theme: Theme = .dark
    /// Asked for by the command (said even when nothing changed), or noticed on a screen change.
    var asked: Bool
}

/// A box of text over the screen, closed by any key (a fault said in full).
struct Notice: Equatable, Sendable {
    var title: String
    var lines: [String]
}

extension Reducer {
    /// The fault found at start: in the box, and short in the status line.
    static func showConfigProblem(_ state: inout AppState, _ problem: ConfigProblem, keptEarlier: Bool) {
        state.configFile.problem = problem
        state.view.overlay = .notice(Wording.configProblemNotice(problem, keptEarlier: keptEarlier,
                                                                 rereadKey: state.keys.label(.rereadConfig)))
        state.status = StatusMessage(text: Wording.configProblemShort(problem, keptEarlier: keptEarlier), kind: .error)
    }

    /// The file read again: a fault keeps what was read before (nothing
    /// changes under the user's hands but the box that says why); a good
    /// file's profiles, keys, `[defaults]` and theme apply from now on (the
    /// connection in use stays: switching profile is the user's choice).
    static func configFileRead(_ state: inout AppState, _ read: ConfigFileRead) -> [Effect] {
        state.configFile.file = read.file
        state.configFile.exists = read.exists
        if let problem = read.problem {
            showConfigProblem(&state, problem, keptEarlier: state.configFile.readOnce)
            return state.configFile.profilesWanted ? openProfilePicker(&state) : []
        }
        state.configFile.problem = nil
        state.configFile.readOnce = read.exists
        if case .notice? = state.view.overlay { state.view.overlay = nil }
        state.connection.profiles = read.profiles
        state.connection.profileDetails = read.profileDetails
        state.connection.profileServers = read.profileServers
        state.keys = read.keys
        state.formDefaults = read.formDefaults
        state.configFile.theme = read.theme
        if let warning = read.permissionWarning {
            state.status = StatusMessage(text: Wording.warning(warning), kind: .error)
        } else {
            state.status = StatusMessage(text: read.exists ? Wording.configReadAgain(read.file, profiles: read.profiles.count)
                                                           : Wording.configMissingNow(read.file), kind: .success)
        }
        return state.configFile.profilesWanted ? openProfilePicker(&state) : []
    }

    // MARK: Commands (declared in Input/Commands/AppCommands.swift)

    static func rereadConfig(_ state: inout AppState) -> [Effect] {
        [.checkConfigFile(asked: true)]
    }
}
