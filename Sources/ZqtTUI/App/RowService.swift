// Which service a task in the history is asked about (issue 19): the one it
// was sent to, with its profile's keys, shared by `zqt query` and the
// screen's query (u) and start-up follow. The service in use has never
// heard of a task sent through another profile.

import Model

enum RowService {
    /// Why a row's profile cannot be used, said as it stands.
    struct Unusable: Error, Equatable {
        let message: String
    }

    /// Whether a row is asked of its own service rather than the one in use:
    /// sent elsewhere, and not to an in-process sandbox (whose tasks end with
    /// the zqt that ran it: nothing answers there for another zqt).
    static func isElsewhere(_ row: HistoryRecord, inUse baseURL: String) -> Bool {
        row.baseURL != baseURL && row.profile != "sandbox"
    }

    /// The row's profile as a connection to the row's base URL (a profile's
    /// base_url may have changed since; the task lives where it was sent),
    /// or why that profile cannot be used (not in the config file any more).
    static func configuration(for row: HistoryRecord,
                              resolve: ((String) -> Result<ClientConfiguration, ConfigProblem>)?,
                              timeout: Double) -> Result<ClientConfiguration, Unusable> {
        guard let resolve else { return .failure(Unusable(message: Wording.noConfigForProfile(row.profile))) }
        switch resolve(row.profile) {
        case var .success(configuration):
            configuration.baseURL = row.baseURL
            configuration.timeout = timeout
            return .success(configuration)
        case let .failure(problem):
            return .failure(Unusable(message: problem.description))
        }
    }
}

// MARK: A row of the other kind of server (issue 20)

extension RowService {
    /// A row's `e` or `r` held while the screen switches to a profile of the row's kind.
    struct Waiting: Equatable, Sendable {
        let recordID: Int
        let idTask: String
        let purpose: EntryPurpose
        let server: ServerKind
        let profile: String
    }

    /// Where a request of `server`'s kind goes: the profile in use when it
    /// is of that kind; else the row's own profile (`preferring`) when the
    /// config file still has it as that kind; else the file's first profile
    /// of that kind; nil when it has none.
    static func profile(for server: ServerKind, preferring: String?, connection: ConnectionInfo) -> String? {
        if connection.server == server { return connection.profile }
        func kind(_ name: String) -> ServerKind? { connection.profileServers[name] }
        if let preferring, connection.profiles.contains(preferring), kind(preferring) == server { return preferring }
        return connection.profiles.first { kind($0) == server }
    }

    /// `e` (edit and send again) and `r` (send again) on a row sent to the
    /// other kind of server than the profile in use: never its body to this
    /// server. The screen switches to a profile of the row's kind (its own
    /// when the file has it) and the action goes on from there
    /// (`afterSwitch`); with no such profile, it is said and nothing moves.
    /// Nil when the row is of the profile's kind (or a custom request): the action goes on as ever.
    static func toItsKind(_ state: inout AppState, _ record: HistoryRecord, _ purpose: EntryPurpose) -> [Effect]? {
        guard purpose == .editInForm || purpose == .resend,
              !record.endpoint.canBeSent(to: state.connection.server) else { return nil }
        let server = record.endpoint.server
        guard let profile = profile(for: server, preferring: record.profile, connection: state.connection) else {
            state.status = StatusMessage(text: Wording.noProfileOfRowKind(record.idTask, server: server,
                                                                          switchKey: state.keys.label(.switchProfile)), kind: .error)
            return []
        }
        state.connection.rowWaitingForProfile = Waiting(recordID: record.id, idTask: record.idTask, purpose: purpose, server: server,
                                                        profile: profile)
        state.status = StatusMessage(text: Wording.switchingForRow(record.idTask, profile: profile, server: server), kind: .info)
        return [.switchProfile(profile)]
    }

    /// After a profile switch: the row waiting for it opens or is sent, when
    /// the profile is of its kind (a file changed meanwhile may say otherwise).
    static func afterSwitch(_ state: inout AppState) -> [Effect] {
        guard let waiting = state.connection.rowWaitingForProfile else { return [] }
        state.connection.rowWaitingForProfile = nil
        guard state.connection.profile == waiting.profile, state.connection.server == waiting.server else {
            state.status = StatusMessage(text: Wording.profileNotOfRowKind(waiting.idTask, profile: state.connection.profile,
                                                                           server: waiting.server), kind: .error)
            return []
        }
        return [.loadEntries([waiting.recordID], waiting.purpose)]
    }
}
