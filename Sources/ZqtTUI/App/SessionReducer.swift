// The session's own upkeep, as effects the runner performs: what starts
// once the first frame is on screen (the kept model lists, tasks an earlier
// zqt left running), and every form's draft kept in the history (issue 4),
// at most DraftSaving.delay after a change and never on every key.

import Model

enum SessionReducer {
    static func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .firstFrameDrawn:
            // Not on the start-up path: the first frame is drawn before either.
            return [.loadCachedModelLists, .resumeUnfinishedTasks]
        case .draftSaveDue:
            return saveDrafts(&state)
        default:
            return []
        }
    }

    /// After every action: a form that differs from its saved draft gets a
    /// save scheduled. While one is scheduled, nothing is compared (the
    /// save takes every change made until then).
    static func draftsChanged(_ state: inout AppState) -> [Effect] {
        guard state.draftSaving.kept, !state.draftSaving.due, !unsavedDrafts(state).isEmpty else { return [] }
        state.draftSaving.due = true
        return [.scheduleDraftSave]
    }

    /// The drafts that differ from those last saved, to save now; they count
    /// as saved at once (a failure is said once, the form itself untouched).
    /// Also how zqt's last drafts are saved on its way out.
    static func saveDrafts(_ state: inout AppState) -> [Effect] {
        state.draftSaving.due = false
        guard state.draftSaving.kept else { return [] }
        let unsaved = unsavedDrafts(state)
        guard !unsaved.isEmpty else { return [] }
        state.draftSaving.saved.merge(unsaved) { _, new in new }
        return [.saveDrafts(unsaved)]
    }

    /// The forms whose drafts differ from what was last saved, by slot.
    private static func unsavedDrafts(_ state: AppState) -> [String: ComposeDraft] {
        DraftCodec.drafts(of: state).filter { slot, draft in state.draftSaving.saved[slot]?.hasSameContent(as: draft) != true }
    }
}
