// What `zqt history check` and `zqt history recover` say (issue 21): what is
// wrong with the history file in plain words, and what to do about it.

import Model

extension Wording {
    /// The screen without a history: what it can still do.
    static func nothingKept(_ problem: String) -> String { "Nothing you send is kept. " + problem }

    static func historyReadOnly(_ readOnly: HistoryReadOnly) -> String {
        switch readOnly.cause {
        case let .newerSchema(found, known):
            return "The history was written by a newer zqt (schema \(found); this one knows \(known)): "
                + "its rows are shown; nothing new can be kept in it, so nothing is sent. "
                + "Update zqt, or set ZQT_HOME to another folder to send from this one."
        case let .cannotWrite(fault, _, logLeftUnread):
            return historyCannotBeWritten(fault, logLeftUnread: logLeftUnread)
        }
    }

    /// The history list's line above its rows when the history was opened read-only (short: one line).
    static func historyListReadOnly(_ readOnly: HistoryReadOnly) -> String {
        switch readOnly.cause {
        case .newerSchema:
            return "Read-only: a newer zqt's history. Nothing new is kept in it, so nothing is sent; update zqt."
        case let .cannotWrite(fault, _, _):
            return "Read-only history (\(fault.words)): nothing new is kept, and nothing can be sent."
        }
    }

    /// The screen's history list with no row yet, where sends are kept.
    static let historyEmpty = "No submissions yet. F2 goes back to the form; F5 there sends, and the request appears here."

    /// The screen's history list with no row, opened read-only: one sentence, in place of the
    /// read-only line and `historyEmpty` (left21: the two said "nothing can be sent" and "F5 there sends").
    static func historyEmptyReadOnly(_ readOnly: HistoryReadOnly) -> String {
        switch readOnly.cause {
        case .newerSchema:
            return "No submissions yet, and none can be sent from here: this history is a newer zqt's, read-only to this one; update zqt."
        case let .cannotWrite(fault, _, _):
            return "No submissions yet, and none can be sent while the history cannot be written (\(fault.words))."
        }
    }

    /// The finding, first line; the lines after it say what to do.
    static func historyFinding(_ finding: HistoryRepair.Finding, path: String) -> [String] {
        let recover = "`zqt history recover` copies every row SQLite can still read into a new history and keeps this file beside it"
        switch finding {
        case .missing:
            return ["no history yet at \(path): zqt makes one at its first send"]
        case let .healthy(schema, submissions):
            return ["ok: \(path) passed SQLite's integrity check (schema \(schema), \(submissions) submission\(submissions == 1 ? "" : "s"))"]
        case let .newer(schema, known, submissions):
            let rows = submissions.map { ", \($0) submission\($0 == 1 ? "" : "s")" } ?? ""
            return ["newer: \(path) was written by a newer zqt (schema \(schema)\(rows); this one knows \(known))",
                    "this zqt reads it and adds nothing to it; update zqt to keep new submissions in it"]
        case let .damaged(problems):
            return ["damaged: SQLite finds \(path) damaged:"] + problems.prefix(10).map { "  " + $0 }
                + (problems.count > 10 ? ["  … and more"] : []) + [recover]
        case let .notADatabase(message):
            return ["not a database: \(path) is not an SQLite database (\(message)); it may have been overwritten or cut short",
                    recover + " (from a file this damaged, it may find nothing)"]
        case let .journalWithoutDatabase(journal):
            return ["log without database: \(path) is missing but its log \(journal) is there",
                    "`zqt history recover` makes a history of what the log holds; moving the log away starts a new history"]
        case let .unreadable(message):
            return ["unreadable: \(path) cannot be opened: \(message)"]
        }
    }

    static func recoveryNotNeeded(_ finding: HistoryRepair.Finding) -> String {
        switch finding {
        case .missing: return "nothing to recover: there is no history yet"
        case .newer: return "nothing to recover: the history was written by a newer zqt and is not damaged; update zqt"
        default: return "nothing to recover: the history passed SQLite's integrity check"
        }
    }

    /// `zqt history recover` on a file SQLite cannot read at all (exit 2): nothing was made, nothing moved.
    static func recoveryReadNothing(path: String, reason: String) -> String {
        "cannot recover the history: \(path) could not be read at all (\(reason)), so there is nothing to copy. "
            + "It is left as it is. Move it aside (or restore it from a backup) and zqt starts a new history at its next send."
    }

    static func recovered(_ result: HistoryRepair.Recovered) -> [String] {
        let submissions = result.copied["submission"] ?? 0
        let results = result.copied["result"] ?? 0
        var lines = ["recovered \(submissions) submission\(submissions == 1 ? "" : "s") and \(results) result\(results == 1 ? "" : "s") into \(result.path)"]
        if result.unreadable > 0 {
            lines.append("\(result.unreadable) damaged row\(result.unreadable == 1 ? "" : "s") or range\(result.unreadable == 1 ? "" : "s") could not be read and \(result.unreadable == 1 ? "was" : "were") left out")
        }
        lines.append("the damaged file is kept as \(result.keptAside) (remove it when you no longer need it)")
        return lines
    }
}

extension Wording {
    /// `zqt history list`: the mark before a row `show` cannot read whole (issue 21).
    static let damagedRowMark = "[damaged] "

    /// `zqt history list`'s last word when rows are damaged (standard error; exit 2).
    static func damagedRowsListed(_ count: Int, of listed: Int) -> String {
        let rows = count == 1 ? "1 of the \(listed) rows listed is" : "\(count) of the \(listed) rows listed are"
        return "\(rows) damaged (marked [damaged]): `zqt history show` cannot read "
            + (count == 1 ? "it" : "them") + " whole. `zqt history check` says what is wrong; `zqt history recover` copies what can be read into a new history."
    }
}

extension Wording {
    /// `zqt history recover` refused: who has the history open (issue 21).
    static func historyInUse(_ users: [String]) -> String {
        let who = users.map { $0 == "pid 0" ? "a process /proc does not name" : $0 }.joined(separator: "; ")
        return "the history is open in another zqt (\(who)): a recovery now would lose the rows it writes. "
            + "Close it first, or give --force to recover anyway."
    }

    static func recoveringWhileInUse(_ users: [String]) -> String {
        "recovering while the history is open elsewhere (\(users.joined(separator: "; "))), as --force asks: rows written there meanwhile are lost"
    }
}
