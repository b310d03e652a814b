// What zqt says when the disk is not on its side (issue 21): a full disk, a
// read-only folder, a refused permission, each said once, in words, with
// what becomes of what the user typed.

import Model

extension Wording {
    /// A draft could not be written: it stays on screen and is written when it can be.
    static func draftsNotSaved(_ problem: String) -> String {
        "Draft not saved: \(problem). What you typed stays here and is saved when the history can be written again."
    }

    /// Every draft a fault held back is written now.
    static let draftsSavedAgain = "Drafts saved again: the history can be written again."
}
