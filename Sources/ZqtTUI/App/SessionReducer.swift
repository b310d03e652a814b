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
            return [.loadCachedModelLists, .resumeUnfinishedTasks, .countEndpointUses]
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
        return changed.isEmpty ? [] : [.saveDrafts(changed)]
    }

    /// The forms that differ from what was last saved, by slot. Until the
    /// first save of the session they are printed and compared with the
    /// drafts read at start (once: unchanged, they count as saved).
    private static func unsaved(_ forms: [String: DraftForm], _ state: inout AppState) -> [String: DraftForm] {
        if let saved = state.draftSaving.savedForms { return forms.filter { slot, form in saved[slot] != form } }
        let changed = forms.filter { slot, form in state.draftSaving.saved[slot]?.hasSameContent(as: form.encoded()) != true }
        if changed.isEmpty { state.draftSaving.savedForms = forms }
        return changed
    }
}
