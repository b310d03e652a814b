// What zqt says about drafts no history keeps (issue 21, the newcomer's
// findings): the quit question names the file they go to, the history
// screen says what still works, L reads the file back, and the next start
// says where the newer drafts are rather than claim the form was restored.
// Each line puts its point first, so it reads whole in 80 columns.

import Model

extension Wording {
    /// Why the drafts are not kept, when the history is only read: a newer zqt's, or a folder
    /// that cannot be written (said with the file at the way out).
    static func draftsNotKeptInAReadOnlyHistory(_ readOnly: HistoryReadOnly) -> String {
        switch readOnly.cause {
        case let .newerSchema(found, known):
            return "the history was written by a newer zqt (schema \(found); this one knows \(known)) and is only read"
        case let .cannotWrite(fault, _, _):
            return "the history is only read here: \(fault.words)"
        }
    }

    /// The quit question when no history keeps the forms: they go to a file, said before quitting.
    static func quitWithoutHistory(yes: String, load: String, folder: String?) -> [String] {
        let whereTo = folder.map { ["file in \(TerminalText.line($0)) (its name is printed);", "\(load) (Load a request) brings them back."] }
            ?? ["file in the first folder that takes it (its name is", "printed; none: they are printed)."]
        return ["You have changes that were not sent and no history",
                "to keep them in. When zqt ends they are written to a"] + whereTo
            + ["", "Quit anyway?  \(yes) quit · any other key stays"]
    }

    /// Under the history screen's problem: what works without it (a damaged
    /// history still sends, unkept; one that cannot be written refuses, as `zqt send` does).
    static func historyUnavailableHint(formKey: String, sendsRefused: Bool) -> String {
        sendsRefused
            ? "\(formKey) goes back to the form, which still works; sending needs a history that can be written: "
                + "free the disk, or start zqt with ZQT_HOME set to a folder that can be written."
            : "\(formKey) goes back to the form; sending still works."
    }

    // MARK: The file of unsaved drafts, loaded back with L

    /// L of the file: which draft was loaded, and the others it holds.
    static func unsavedDraftsLoaded(others: [String], typed: [String]) -> [String] {
        var notes: [String] = []
        if !typed.isEmpty {
            notes.append("text typed in \(typed.joined(separator: ", ")) was not taken by its field: it is in the file, under \"typed\"")
        }
        if !others.isEmpty {
            notes.append("the file also holds the form of \(others.joined(separator: ", ")): switch to it and load the file again")
        }
        return notes
    }

    /// `zqt send` of the file: it holds drafts, not one request.
    static func unsavedDraftsNotSent(_ file: String) -> String {
        "\(file) holds the drafts zqt could not keep, not one request: L (Load a request) on zqt's screen loads them; "
            + "to send one from here, save its \"request\" alone in a file"
    }

    static let unsavedDraftsEmpty = "a file of unsaved drafts that holds none"

    static func unsavedDraftUnknownEndpoint(_ id: String) -> String {
        "its draft is for \(TerminalText.line(id)), an endpoint this zqt's catalog does not have"
    }

    /// The next start, when a file of drafts the history did not take is
    /// newer than the history's drafts: the point first, the file last
    /// (L's box opens with its path).
    /// Older files of drafts for the same history are counted, with their folders (left21: they were
    /// offered no more once a newer one existed); L's box loads any of them by its path.
    static func unsavedDraftsWaiting(file: String, restored: Bool, loadKey: String, older: [String] = []) -> String {
        let path = TerminalText.line(file)
        var folders: [String] = []
        for other in older {
            let folder = other.lastIndex(of: "/").map { String(other[..<$0]) } ?? "."
            if !folders.contains(folder) { folders.append(folder) }
        }
        let olderWords = older.isEmpty ? ""
            : "; \(older.count == 1 ? "1 older file" : "\(older.count) older files") of drafts \(older.count == 1 ? "waits" : "wait") in "
                + folders.map(TerminalText.line).joined(separator: " and ") + ", \(loadKey) loads \(older.count == 1 ? "it" : "each") by name"
        return (restored
            ? "Drafts newer than the restored form were not kept: \(loadKey) loads them (from \(path)\(olderWords))"
            : "Drafts from the last quit were not kept in the history: \(loadKey) loads them (from \(path)\(olderWords))")
    }
}
