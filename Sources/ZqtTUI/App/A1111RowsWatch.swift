// The history screen while an A1111 row is running (issue 20; newcomer20g
// finding 5). An A1111 server answers only when the job is done and keeps
// no task to query, so a row another zqt sent (or this one, from another
// profile) changes in the history file only when its sender writes the
// answer. While the list or the entry on screen holds such a row, the rows
// are read again every A1111RowsWatch.interval (a read: nothing written),
// so a row finished elsewhere is seen finished without leaving the screen;
// and the current profile's server is asked `/sdapi/v1/progress`, whose
// percentage the list shows on that server's one running row. The watch
// stops by itself once no such row is shown (no timer while idle).

import Model

enum A1111RowsWatch {
    /// Seconds between two reads of the rows, as the service's follow-up polls (about 2 s).
    static let interval: Double = 2

    /// The A1111 rows on screen still running on their server.
    static func runningRows(_ state: AppState) -> [HistorySummary] {
        state.history.rows.filter { $0.endpoint.server == .a1111 && $0.state == .sending }
    }

    /// Whether the screen shows a row to watch.
    static func wanted(_ state: AppState) -> Bool {
        guard state.screen == .history, state.historyProblem == nil else { return false }
        if state.history.mode == .detail, let detail = state.history.detail {
            return detail.endpoint.server == .a1111 && detail.state == .sending
        }
        return !runningRows(state).isEmpty
    }

    /// The row the server's own progress is shown on: the current profile's
    /// server runs one job at a time, so only when one row of it runs, and
    /// not the one this screen follows itself (its task's progress is shown).
    static func serverRow(_ state: AppState) -> HistorySummary? {
        let mine = runningRows(state).filter { $0.profile == state.connection.profile && state.connection.server == .a1111 }
        guard mine.count == 1, let row = mine.first, state.task?.idTask != row.idTask else { return nil }
        return row
    }

    /// The fraction done the list shows beside a running A1111 row, once known.
    static func fraction(of row: HistorySummary, _ state: AppState) -> Double? {
        guard row.endpoint.server == .a1111, row.state == .sending else { return row.progress }
        if let task = state.task, task.idTask == row.idTask { return task.progress }
        guard let known = state.history.serverProgress, known.profile == row.profile,
              serverRow(state)?.id == row.id else { return nil }
        return known.fraction
    }
}

/// What the current profile's A1111 server last said of its job.
struct A1111ServerFraction: Equatable, Sendable {
    var profile: String
    var fraction: Double
}

extension Reducer {
    /// Starts the watch when rows to watch are shown (after the rows are read, or an entry opened).
    static func watchA1111RowsIfShown(_ state: inout AppState) -> [Effect] {
        guard !state.history.a1111WatchScheduled, A1111RowsWatch.wanted(state) else { return [] }
        state.history.a1111WatchScheduled = true
        return [.scheduleA1111RowsRecheck]
    }

    /// The watch's turn: the rows (and the open entry) read again, the server asked; stops once nothing is to watch.
    static func a1111RowsRecheckDue(_ state: inout AppState) -> [Effect] {
        state.history.a1111WatchScheduled = false
        guard A1111RowsWatch.wanted(state) else {
            state.history.serverProgress = nil
            return []
        }
        var effects = refreshHistoryIfShown(state, changed: nil)
        if let row = A1111RowsWatch.serverRow(state) { effects.append(.askA1111Progress(profile: row.profile)) }
        state.history.a1111WatchScheduled = true
        return effects + [.scheduleA1111RowsRecheck]
    }

    /// The server's progress: a job's fraction, or none (idle, or it could not be asked).
    static func a1111ServerProgress(_ state: inout AppState, profile: String, fraction: Double?) -> [Effect] {
        guard profile == state.connection.profile else { return [] }
        state.history.serverProgress = fraction.map { A1111ServerFraction(profile: profile, fraction: $0) }
        return []
    }
}
