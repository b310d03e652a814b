// The session's own upkeep, as effects the runner performs: what starts
// once the first frame is on screen (the kept model lists, tasks an earlier
// zqt left running), and every form's draft kept in the history (issue 4),
// at most DraftSaving.delay after a change and never on every key.
//
// Checking whether a form changed costs nothing in the size of its text
// (issue 18): the forms are compared as they stand (DraftForm), not printed;
// printing and writing happen on the draft writer's thread.

import Model

enum SessionReducer {
    static func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .firstFrameDrawn:
            // Not on the start-up path: the first frame is drawn before either.
            // With a history to keep drafts again: drafts an earlier zqt could not keep in it, newer than its own (issue 21).
            let newestDraft = state.draftSaving.newestSavedAt
            return [.loadCachedModelLists, .resumeUnfinishedTasks, .countEndpointUses]
                + (state.draftSaving.kept ? [.lookForUnsavedDrafts(after: newestDraft)] : [])
        case let .unsavedDraftsFound(path, older):
            // Said in place of "Restored the form as it was left", which the file shows was not all;
            // a fault said at start (an error) stays.
            state.draftSaving.waitingFile = path
            guard state.status?.kind != .error else { return [] }
            let restored = state.status?.cause == .restoredForm
            state.status = StatusMessage(text: Wording.unsavedDraftsWaiting(file: path, restored: restored,
                                                                            loadKey: state.keys.label(.loadRequest), older: older),
                                         kind: .info, cause: restored ? .restoredForm : nil)
            return []
        case .draftSaveDue:
            return saveDrafts(&state)
        case .draftsSavedAgain:
            state.status = StatusMessage(text: Wording.draftsSavedAgain, kind: .success)
            return []
        default:
            return []
        }
    }

    /// After every action: a form that differs from its saved draft gets a
    /// save scheduled. While one is scheduled, nothing is compared (the
    /// save takes every change made until then).
    static func draftsChanged(_ state: inout AppState) -> [Effect] {
        guard state.draftSaving.kept, !state.draftSaving.due else { return [] }
        let forms = DraftCodec.forms(of: state)
        guard !unsaved(forms, &state).isEmpty else { return [] }
        state.draftSaving.due = true
        return [.scheduleDraftSave]
    }

    /// The drafts that differ from those last saved, to save now; they count
    /// as saved at once (a failure is said once, the form itself untouched).
    /// Also how zqt's last drafts are saved on its way out.
    static func saveDrafts(_ state: inout AppState) -> [Effect] {
        state.draftSaving.due = false
        guard state.draftSaving.kept else { return [] }
        let forms = DraftCodec.forms(of: state)
        let changed = unsaved(forms, &state)
        state.draftSaving.savedForms = forms
        state.draftSaving.letGoOfReadDrafts()
        return changed.isEmpty ? [] : [.saveDrafts(changed)]
    }

    /// The forms holding edits not sent, by slot, when no history keeps
    /// them (none opened, or a newer zqt's, read-only): zqt's way out writes
    /// them to a file of their own rather than lose them (issue 21). A field
    /// being edited counts with its text, as a quit would take it.
    static func unkeptForms(_ state: AppState) -> [String: DraftForm] {
        guard !state.draftSaving.kept else { return [:] }
        var finished = state
        if let editing = finished.view.editing { Reducer.finishEdit(&finished, editing) }
        var forms = DraftCodec.forms(of: finished)
        if !finished.hasUnsentEdits { forms[DraftCodec.currentSlot] = nil }
        for form in finished.otherForms.values where !form.hasUnsentEdits {
            forms[DraftCodec.slot(for: form.request.endpoint)] = nil
        }
        return forms
    }

    /// The forms that differ from what was last saved, by slot. Until the
    /// first save of the session they are printed and compared with the
    /// drafts read at start (once: unchanged, they count as saved).
    private static func unsaved(_ forms: [String: DraftForm], _ state: inout AppState) -> [String: DraftForm] {
        if let saved = state.draftSaving.savedForms { return forms.filter { slot, form in saved[slot] != form } }
        let changed = forms.filter { slot, form in state.draftSaving.saved[slot]?.hasSameContent(as: form.encoded()) != true }
        if changed.isEmpty {
            state.draftSaving.savedForms = forms
            state.draftSaving.letGoOfReadDrafts()
        }
        return changed
    }
}
