// What `zqt send` and a sweep say when the disk fills while their tasks run
// (issue 21, a newcomer's sweep on a full disk): a row whose later state
// could not be written is behind, not "not kept"; a combination refused for
// its row is "not sent", not "invalid"; and at the end, whether the history
// caught up, and if not, how each row is brought up to date.

import Model

extension Wording {
    /// A sweep's state for a combination whose row could not be written: nothing was sent.
    static let notSentState = "not sent"

    /// The words of a history fault: "the disk is full", else SQLite's own.
    static func faultWords(_ fault: HistoryError) -> String {
        if fault.isDamage { return "the history file is damaged: \(fault.sqliteWords)" }
        return fault.diskFault?.words ?? fault.message
    }

    /// Why a combination was not sent, in its sweep line and table row.
    static func notSentReason(_ fault: HistoryError) -> String {
        "the history could not be written (\(faultWords(fault)))"
    }

    /// The rows held back were written at the end: the history has caught up.
    static func historyCaughtUp(rows: Int) -> String {
        "the history has caught up: \(rows == 1 ? "the row the disk held back is" : "the \(rows) rows the disk held back are") up to date"
    }

    /// Rows still behind when zqt ends: what they show, and how each catches up
    /// (or, for a sandbox in this process, why none can and what the next zqt does).
    static func rowsStillBehind(_ idTasks: [String], fault: HistoryError, sandbox: Bool) -> String {
        let shown = idTasks.prefix(10).map { APIError.printable($0) }.joined(separator: ", ")
            + (idTasks.count > 10 ? " and \(idTasks.count - 10) more" : "")
        let rows = idTasks.count == 1 ? "its row does" : "their rows do"
        let head = "the history is behind for \(count(idTasks.count, "task")) (\(faultWords(fault))): \(rows) not say how "
            + "\(idTasks.count == 1 ? "it" : "they") ended (zqt history list shows where \(idTasks.count == 1 ? "it" : "they") stood when "
            + "\(fault.isDamage ? "the damage refused the write" : "the disk refused")). "
        if fault.isDamage {
            // Damage stays until the file is recovered: no room to wait for, and the sandbox's stop leaves such a row open.
            let ask = sandbox ? "The sandbox that ran \(idTasks.count == 1 ? "it" : "them") ends with this zqt and cannot be asked again: "
                + "this zqt leaves \(idTasks.count == 1 ? "its row" : "their rows") as \(idTasks.count == 1 ? "it" : "they") stood, "
                + "not marked failed; how each ended is said above"
                : "zqt history recover copies what can be read into a new history (keeping this one beside it); "
                + "then zqt query ID brings a row up to date and keeps its pictures"
            return head + ask + ": \(shown)"
        }
        if sandbox {
            return head + "The sandbox that ran \(idTasks.count == 1 ? "it" : "them") lives only in this zqt, which ends now: "
                + "\(idTasks.count == 1 ? "it" : "they") cannot be asked again, and the next zqt marks \(idTasks.count == 1 ? "it" : "them") "
                + "failed, saying the sandbox stopped; how each ended is said above: \(shown)"
        }
        return head + "When there is room, zqt query ID brings a row up to date and keeps its pictures (u on the row on the screen does "
            + "the same, and the screen follows open rows at its next start): \(shown)"
    }

    /// Combinations refused because their rows could not be written: nothing is wrong with them.
    static func notSentCombinations(_ number: Int, reason: String) -> String {
        "\(count(number, "combination")) not sent: \(reason); each send needs its row first, so that a task the service "
            + "accepts is never lost. Send \(number == 1 ? "it" : "them") again when there is room"
    }

    /// The table's result cell of a task whose row the disk still holds back.
    static let rowBehindInTable = " · its history row is behind"

    /// A picture not kept, on the sweep's line of its URL.
    static func pictureNotKept(_ reason: String) -> String {
        "not kept: \(reason)"
    }

    /// After the table: how a task's pictures not kept are fetched later.
    static func picturesNotKeptLater(_ idTask: String, rowBehind: Bool, sandbox: Bool) -> String {
        let id = APIError.printable(idTask)
        if sandbox { return "\(id): pictures not kept cannot be fetched later: the sandbox that served them ends with this zqt" }
        return "\(id): pictures not kept are fetched once there is room: "
            + (rowBehind ? "zqt query \(id) brings its row up to date and keeps them; then zqt results \(id) --download DIR"
                : "zqt results \(id) (--download DIR for a copy in a folder of yours)")
    }
}
