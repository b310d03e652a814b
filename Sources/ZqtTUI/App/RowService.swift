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
