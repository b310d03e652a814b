// What zqt says when it reads a history it cannot write, or one that is
// damaged (issue 21): a read-only folder, rows a list could not read, a send
// whose row went into a damaged file.

import Model

extension Wording {
    /// A history opened read-only because its folder or file refuses writes:
    /// the screen's status at start (within 120 columns), and what `zqt history
    /// list|show|export` note on stderr.
    static func historyCannotBeWritten(_ fault: DiskFault, logLeftUnread: Bool) -> String {
        // A full disk does not make the history read-only: it cannot be written until there is room (disk21d).
        (fault == .full ? "The history cannot be written (the disk is full)" : "The history is read-only here (\(fault.words))")
            + ": rows are shown; nothing new can be kept, so nothing is sent."
            + (logLeftUnread ? " The rows in its log (history.sqlite-wal) are read once the folder can be written." : "")
    }

    /// `zqt history check`'s line after the finding, when the folder or file refuses writes.
    static func historyCheckCannotWrite(_ fault: DiskFault) -> String {
        "read-only: \(fault.words): zqt reads this history and keeps nothing new in it (no send, no draft) until it can be written"
    }

    /// `zqt history recover` in a folder that takes no new file.
    static func recoveryCannotWrite(_ fault: DiskFault, path: String) -> String {
        "cannot recover here: \(fault.words), and a recovery writes a new history beside \(path). "
            + "Copy the file to a folder that can be written and run `ZQT_HOME=that-folder zqt history recover` there."
    }

    /// The history list read past damage (`zqt history list` on stderr, and the screen's list).
    static func historyRowsUnreadable(_ unreadable: Int) -> String {
        let rows = unreadable == 1 ? "1 row" : "\(unreadable) rows"
        return "The history file is damaged: \(rows) could not be read and \(unreadable == 1 ? "is" : "are") left out. "
            + "`zqt history check` says what is wrong; `zqt history recover` copies what can be read into a new history."
    }

    /// The history list or export read past damage and every row read whole (a newcomer's re-check of
    /// issue 21: "Some rows could not be read", exit 2, over a list of all 8 rows): said once, not an error.
    static func historyDamageMetAllRowsRead(_ damage: HistoryError) -> String {
        "note: the history file is damaged (\(damage.sqliteWords)), but every row was read. "
            + "`zqt history check` says what is wrong; `zqt history recover` copies it into a new history before the damage spreads to rows."
    }

    /// The screen's list over a damaged file: the line above its rows (short: it sits in one line of the list).
    static func historyListDamaged(unreadable: Int) -> String {
        let rows = unreadable == 0 ? "" : unreadable == 1 ? " 1 row could not be read." : " \(unreadable) rows could not be read."
        return "History file damaged:\(rows) Quit, then `zqt history check` and `zqt history recover`."
    }

    /// The screen's list when not one row could be read: never "No submissions yet".
    static let historyNoRowReadable = "No row of the history could be read: the file is damaged. Quit, then run `zqt history check` and `zqt history recover`."

    /// A send found the disk has room again: the history, read-only since it was full, is written again (left21).
    static let historyWritableAgain = "The disk has room again: the history is kept again."

    /// How many problems SQLite's quick check found, in our words (its own lines,
    /// `*** in database main ***` and the page numbers, only `zqt history check` shows).
    static func damageCount(_ found: HistoryDamageFound) -> String {
        found.countIsCapped ? "\(found.problems) or more problems"
            : found.problems == 1 ? "1 problem" : "\(found.problems) problems"
    }

    /// `zqt send` over a history found damaged: said once, on stderr, before its row is written.
    static func sendingIntoDamagedHistory(_ found: HistoryDamageFound) -> String {
        "warning: the history file is damaged (SQLite finds \(damageCount(found)) in it): this send is kept in it if its row can be written, "
            + "else nothing is sent. `zqt history check` says what is wrong; `zqt history recover` copies what can be read into a new history."
    }

    /// `zqt history list` over a damaged file whose rows all read (the damage is on pages the list did not
    /// need): said once, on stderr, after the rows; the list is not refused (a newcomer's `dd` over page 3, 8 or 12).
    static func historyListDamagedElsewhere(_ found: HistoryDamageFound) -> String {
        "warning: the history file is damaged (SQLite finds \(damageCount(found)) in it), though every row listed was read. "
            + "`zqt history check` says what is wrong; `zqt history recover` copies what can be read into a new history before the damage reaches rows."
    }
}
