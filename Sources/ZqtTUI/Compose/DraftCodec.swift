// The compose forms to and from the history's saved drafts (issue 4): the
// request, plus any text typed into a field that could not use it yet, plus
// the text of an edit still in progress, so killing the terminal loses at
// most the moments since the last save. Each endpoint keeps its own draft
// (issue 7): the form on screen in slot "compose", the others in "form:ID".

import Model

enum DraftCodec {
    static let currentSlot = "compose"
    static func slot(for endpoint: Endpoint) -> String { "form:" + endpoint.formKey }

    /// What to save of the form on screen now.
    static func draft(of state: AppState) -> ComposeDraft {
        var typed: [String: String] = [:]
        for (field, draft) in state.drafts { typed[field.path] = draft.text }
        // An edit in progress whose text the request does not hold yet (a
        // number half typed) is kept as typed text too.
        if let editing = state.view.editing,
           editing.buffer.text != FieldValues.text(of: editing.field, in: state.request) {
            typed[editing.field.path] = editing.buffer.text
        }
        return ComposeDraft(endpoint: state.endpoint, requestJSON: state.request.wireJSON, fieldDrafts: typed)
    }

    /// Every form to save, by slot: the one on screen and those kept aside.
    static func drafts(of state: AppState) -> [String: ComposeDraft] {
        var all = [currentSlot: draft(of: state)]
        for form in state.otherForms.values {
            var typed: [String: String] = [:]
            for (field, draft) in form.drafts { typed[field.path] = draft.text }
            all[slot(for: form.request.endpoint)] = ComposeDraft(endpoint: form.request.endpoint, requestJSON: form.wireJSON,
                                                                  fieldDrafts: typed)
        }
        return all
    }

    /// A saved draft as a form. Typed text is checked again, so it comes
    /// back marked with the same message as before.
    static func form(_ draft: ComposeDraft) -> ParkedForm? {
        guard let body = try? JSONParser.parse(draft.requestJSON), body.objectValue != nil else { return nil }
        var request = Request(endpoint: draft.endpoint, body: body)
        var drafts: [FieldID: Draft] = [:]
        for (key, text) in draft.fieldDrafts {
            let field = FieldID(key)
            var scratch = request
            do {
                try FieldValues.apply(text, to: field, in: &scratch)
                request = scratch  // usable after all (an edit that was in progress)
            } catch {
                drafts[field] = Draft(text: text, message: error.message)
            }
        }
        return ParkedForm(request: request, drafts: drafts)
    }

    /// Puts a saved draft back on screen.
    static func restore(_ draft: ComposeDraft, into state: inout AppState) {
        guard let form = form(draft) else { return }
        // The form the draft replaces is the fresh one from start: it is not
        // kept aside, and a saved form already kept for its endpoint stays.
        let replaced = state.endpoint.formKey
        let keptBefore = state.otherForms[replaced]
        Reducer.show(&state, form.request, drafts: form.drafts)
        if replaced != form.request.endpoint.formKey { state.otherForms[replaced] = keptBefore }
    }
}
