// What zqt says when the disk is not on its side (issue 21): a full disk, a
// read-only folder, a refused permission, each said once, in words, with
// what becomes of what the user typed.

import Model

extension Wording {
    /// A draft could not be written: it stays on screen and is written when it can be.
    /// The point and the fault's plain words first (DiskFault's, found in the
    /// history's words), the history's words with their path last: it reads
    /// whole in 80 columns up to them.
    static func draftsNotSaved(_ problem: String) -> String {
        let fault = DiskFault.allCases.first { problem.contains($0.words) }.map { ", " + $0.words } ?? ""
        return "Draft not saved\(fault): your text stays and is saved later (\(problem))"
    }

    /// Every draft a fault held back is written now.
    static let draftsSavedAgain = "Drafts saved again: the history can be written again."

    /// The history cannot be opened because the disk refuses writes: what F5 will do, said at start.
    /// The point first; the history screen says the whole problem and what to do (historyUnavailableHint).
    static func sendsRefused(_ problem: String, historyKey: String) -> String {
        "Nothing can be sent: the history is not writable. You can type; \(historyKey) says why (\(problem))"
    }
}

extension Wording {
    /// The draft of the form on screen at the way out, by its endpoint's title.
    static func draftOnScreen(_ title: String) -> String { "\(title) (the form on screen)" }

    /// Said on the terminal after the screen is left, when drafts could not be
    /// saved (issue 21): which, why, and where they are now.
    static func draftsUnsavedAtQuit(forms: [String], fault: String?, file: String?, json: String?) -> String {
        let count = forms.count == 1 ? "1 draft" : "\(forms.count) drafts"
        let why = fault.map { TerminalText.line($0) } ?? "the history could not be written"
        var text = "zqt: \(count) could not be saved in the history (\(why)): \(forms.map(TerminalText.line).joined(separator: ", ")).\n"
        if let file {
            text += "zqt: they are written to \(TerminalText.line(file)) instead: L (Load a request) on zqt's screen "
                + "loads them back, a form at a time; each draft's \"typed\" is the text a field could not take yet.\n"
        } else if let json {
            text += "zqt: no folder could take them (the history's, the temporary folders and the current one refused); here they are:\n"
                + RequestExport.visibleJSON(json)
        }
        return text
    }
}
