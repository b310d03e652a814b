// The compose forms to and from the history's saved drafts (issue 4): the
// request, plus any text typed into a field that could not use it yet, plus
// the text of an edit still in progress, so killing the terminal loses at
// most the moments since the last save. Each endpoint keeps its own draft
// (issue 7): the form on screen in slot "compose", the others in "form:ID".
//
// What the reducer hands over is a DraftForm: the form as it stands, taken
// without copying or printing anything, so checking it on every action
// costs nothing in the size of the text; it is printed as JSON on the
// draft writer's thread (DraftWriter), off the event loop (issue 18).

import Model

/// A form to save, as it stands: the request and typed text are shared,
/// not copied; `encoded()` prints it.
struct DraftForm: Sendable {
    var request: Request
    var drafts: [FieldID: Draft]
    /// The field being edited and its text's revision: a key typed changes
    /// the form without the request's texts being compared (issue 18).
    var editing: FieldID?
    var editRevision: Int?
    /// An edit in progress whose text the request does not hold: kept as typed text too.
    var typingField: FieldID?
    var typing: TextBuffer?
    /// A form kept aside has its wire JSON printed already.
    var wireJSON: String?

    /// The draft the history keeps.
    func encoded() -> ComposeDraft {
        var typed: [String: String] = [:]
        for (field, draft) in drafts { typed[field.path] = draft.text }
        var request = request
        if let typingField, let typing {
            // A long prompt the request waits for (read at a pause, issue 18)
            // is saved in the request, as it will be, not beside it: one copy
            // of a megabyte printed and cut, not two. Other texts read whole
            // (JSON, `Other fields`, URLs) are saved as typed, not parsed on
            // each save: a restart reads them into the request
            // (DraftCodec.form), which gives the same request.
            let text = typing.text
            let joinedOnly: Bool
            if wireJSON == nil, case .multilineText? = FieldValues.readWhole(typingField, in: request.endpoint)?.kind {
                joinedOnly = true
            } else {
                joinedOnly = false
            }
            if !joinedOnly || (try? FieldValues.apply(text, to: typingField, in: &request)) == nil { typed[typingField.path] = text }
        }
        return ComposeDraft(endpoint: request.endpoint, requestJSON: wireJSON ?? Self.printed(request), fieldDrafts: typed)
    }

    /// The request's wire JSON, printed once per revision: saves while a long
    /// JSON field or URL list is typed into (kept as typed text until its read)
    /// carry the same request, which is then not printed again (issue 18).
    /// The start's baseline (AppState.baselineJSON) is this print too, so a
    /// restored megabyte is printed and kept once, not twice (burst18).
    static let printed = RequestDerived { $0.wireJSON }
}

extension DraftForm: Equatable {
    /// The same form: the edit's text compared by its revision (the same
    /// revision is the same text), the rest by value, where a text not
    /// changed is the same storage and compares at once.
    static func == (lhs: DraftForm, rhs: DraftForm) -> Bool {
        // The same field edited with another text: changed, known without comparing the texts.
        if lhs.editing != nil, lhs.editing == rhs.editing, lhs.editRevision != rhs.editRevision { return false }
        return lhs.typingField == rhs.typingField && lhs.typing?.revision == rhs.typing?.revision
            && lhs.drafts == rhs.drafts && lhs.request == rhs.request
    }
}

enum DraftCodec {
    static let currentSlot = "compose"
    static func slot(for endpoint: Endpoint) -> String { "form:" + endpoint.formKey }

    /// What to save of the form on screen now.
    static func form(of state: AppState) -> DraftForm {
        var form = DraftForm(request: state.request, drafts: state.drafts,
                             editing: state.view.editing?.field, editRevision: state.view.editing?.buffer.revision)
        // An edit in progress whose text the request does not hold (a number
        // half typed) is kept as typed text too.
        if let editing = state.view.editing, editing.appliedRevision != editing.buffer.revision {
            form.typingField = editing.field
            // Without its wrapped lines: the form kept as saved would make the
            // next key copy a megabyte's layout before mending it (issue 18).
            form.typing = editing.buffer.withoutLayout
        }
        return form
    }

    /// Every form to save, by slot: the one on screen and those kept aside.
    static func forms(of state: AppState) -> [String: DraftForm] {
        var all = [currentSlot: form(of: state)]
        for form in state.otherForms.values {
            all[slot(for: form.request.endpoint)] = DraftForm(request: form.request, drafts: form.drafts, wireJSON: form.wireJSON)
        }
        return all
    }

    /// The drafts of every form, printed (at start, and in tests).
    static func drafts(of state: AppState) -> [String: ComposeDraft] { forms(of: state).mapValues { $0.encoded() } }

    /// What to save of the form on screen, printed.
    static func draft(of state: AppState) -> ComposeDraft { form(of: state).encoded() }

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
