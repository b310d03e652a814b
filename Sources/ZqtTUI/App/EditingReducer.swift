// Editing a field's text: the edit buffer, its keys, and committing typed
// text into the request (a value that cannot be used stays as a draft).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

extension Reducer {
    // MARK: Editing text

    static func beginEdit(_ state: inout AppState, field: FormField, initial: String?) {
        let current = state.drafts[field.id]?.text ?? FieldValues.text(of: field.id, in: state.request)
        var buffer = TextBuffer(initial ?? current)
        buffer.keepLayout(width: editWidth(state))
        // Started from the value the request holds: nothing to apply until it changes.
        let applied = initial == nil && state.drafts[field.id] == nil ? buffer.revision : nil
        state.view.editing = EditState(field: field.id, buffer: buffer, originalRequest: state.request,
                                       originalDraft: state.drafts[field.id], appliedRevision: applied, triedRevision: applied)
    }

    /// Width of the value column text wraps in, as the form lays it out.
    static func editWidth(_ state: AppState) -> Int {
        max(10, Layout.regions(for: state.view.size, showPreview: state.view.showPreviewWhenNarrow).form.width - Layout.labelWidth - 3)
    }

    /// Whether the field being edited takes more than one line.
    static func editingMultiline(_ state: AppState) -> Bool {
        if let field = state.focusedField, case let .text(lines) = field.kind { return lines > 1 }
        return false
    }

    // MARK: Commands (declared in Input/Commands/EditingCommands.swift)

    /// Enter: the text kept (a value that cannot be used stays as a draft).
    static func finishEditing(_ state: inout AppState) -> [Effect] {
        guard let editing = state.view.editing else { return [] }
        finishEdit(&state, editing)
        if state.drafts[editing.field] == nil { noteUnbalancedBrackets(&state, field: editing.field, text: editing.buffer.text) }
        return []
    }

    /// Esc: back to the value before the edit, draft included. With text
    /// selected, the selection goes first and the edit stays (issue 19).
    static func cancelEdit(_ state: inout AppState) -> [Effect] {
        guard let editing = state.view.editing else { return [] }
        if editing.buffer.selection != nil {
            state.view.editing?.buffer.clearSelection()
            return []
        }
        state.view.editing = nil
        state.request = editing.originalRequest
        state.drafts[editing.field] = editing.originalDraft
        // What Esc dropped stays one key away, as the form New replaced does (issue 18).
        let before = editing.originalDraft?.text ?? FieldValues.text(of: editing.field, in: editing.originalRequest)
        if editing.buffer.count != before.count || editing.buffer.text != before {
            state.cancelledEdit = CancelledEdit(field: editing.field, buffer: editing.buffer.withoutLayout,
                                                formKey: state.endpoint.formKey, requestAfter: state.request,
                                                draftAfter: state.drafts[editing.field])
            state.status = StatusMessage(text: Wording.editCancelled(characters: editing.buffer.count,
                                                                     undoKey: state.keys.label(.undoNewForm)), kind: .info)
        }
        return []
    }

    /// The undo key after Esc: the edit it cancelled, back as it was (text and
    /// cursor), while the form is as Esc left it. Nil when there is none to bring back.
    static func undoCancelledEdit(_ state: inout AppState) -> [Effect]? {
        guard let cancelled = state.cancelledEdit else { return nil }
        state.cancelledEdit = nil
        guard cancelled.formKey == state.endpoint.formKey, state.view.editing == nil, state.request == cancelled.requestAfter,
              state.drafts[cancelled.field] == cancelled.draftAfter,
              state.view.openItem == nil, let field = state.fields.first(where: { $0.id == cancelled.field }) else { return nil }
        state.view.focus = field.id
        beginEdit(&state, field: field, initial: nil)
        state.view.editing?.buffer = cancelled.buffer
        state.view.editing?.appliedRevision = nil
        state.view.editing?.triedRevision = nil
        applyEditBuffer(&state)
        state.status = StatusMessage(text: Wording.editBroughtBack(characters: cancelled.buffer.count), kind: .info)
        return []
    }

    static func newLine(_ state: inout AppState) -> [Effect] {
        guard state.view.editing != nil else { return [] }
        if editingMultiline(state) { state.view.editing?.buffer.insert("\n") }
        applyEditBuffer(&state)
        return []
    }

    /// A change to the text that has the keys now: the field being edited
    /// (with its wrap width, so ↑/↓ move by visual lines), else a picker's
    /// filter, an input box's line, or the history filter. `change` says
    /// whether it did anything.
    static func editFocusedText(_ state: inout AppState, _ change: (inout TextBuffer, _ width: Int?) -> Bool) -> [Effect] {
        switch state.view.overlay {
        case var .picker(picker)?:
            // The list starts again from the best match when the filter changes.
            let before = picker.filter.text
            guard change(&picker.filter, nil) else { return [] }
            if picker.filter.text != before { picker.selected = 0 }
            state.view.overlay = .picker(picker)
            return []
        case var .input(prompt)?:
            guard change(&prompt.text, nil) else { return [] }
            state.view.overlay = .input(prompt)
            return []
        case .help?, .confirm?, .notice?:
            return []
        case nil:
            break
        }
        if var editing = state.view.editing {
            // Taken out while it changes, so its text is edited in place, never copied (issue 18).
            state.view.editing = nil
            let changed = change(&editing.buffer, editWidth(state))
            state.view.editing = editing
            guard changed else { return [] }
            applyEditBuffer(&state)
            return []
        }
        if state.historyFilterTyping {
            var filter = state.history.filter
            guard change(&filter, nil) else { return [] }
            return setFilter(&state, filter)
        }
        if state.galleryFilterTyping { return GalleryReducer.editFilter(&state, change) }
        if state.paths.picker?.filterFocused == true { return PathCompletionReducer.editPickerFilter(&state, change) }
        return []
    }

    /// A cursor or delete command on the text that has the keys.
    static func editText(_ state: inout AppState, _ command: Command) -> [Effect] {
        editFocusedText(&state) { buffer, width in buffer.apply(command, width: width) }
    }

    /// Every keystroke updates the request when the text is usable, so the
    /// preview follows the typing; unusable text waits for Enter to be marked.
    /// A key that only moves the cursor leaves the request alone (the text is
    /// the one applied, known by its revision).
    static func applyEditBuffer(_ state: inout AppState) {
        let width = editWidth(state)
        state.view.editing?.buffer.keepLayout(width: width)
        // The names offered under the cursor follow the typing (issue 19).
        updateCompletion(&state)
        guard let editing = state.view.editing, editing.triedRevision != editing.buffer.revision else { return }
        // A long text read whole waits for its read (readTextLater), never on a key.
        if readsLater(state, editing) { return }
        state.view.editing?.triedRevision = editing.buffer.revision
        if (try? applyText(&state, editing.field, editing.buffer.text)) != nil {
            state.drafts[editing.field] = nil
            state.view.editing?.appliedRevision = editing.buffer.revision
        }
    }

    // MARK: Long texts read whole (issue 18)

    /// Texts read whole to update the request (a JSON object, `Other
    /// fields`, a URL list, a prompt: joined into one string) longer than
    /// this many characters are read off the event loop at a pause in the
    /// typing (no key for a whole `textReadDelay`), not on every key nor
    /// while the keys go on: a key into ten thousand URLs or a megabyte
    /// then costs what a key into a line does, and a megabyte of JSON is
    /// not parsed five times a second while typing. The request follows
    /// within half a second of the last key (a prompt's preview at once,
    /// from the edit's pieces); Enter, Tab and F5 read the text then and
    /// there. Shorter texts are read on each key.
    static let readLaterLength = 32 << 10
    static let textReadDelay = 0.25

    private static func readsLater(_ state: AppState, _ editing: EditState) -> Bool {
        guard editing.buffer.count > readLaterLength, let spec = FieldValues.readWhole(editing.field, in: state.request.endpoint) else {
            return false
        }
        guard case .multilineText = spec.kind else { return true }
        // A long prompt: the request keeps the text it held until the read
        // joins the new one, and the preview shows the edit's text meanwhile
        // (PreviewDocument.showingTyping), which it can where the request
        // holds a long string (a paste into a short one is applied at once).
        guard case let .string(held)? = state.request[spec.path] else { return false }
        return held.utf8.count > PreviewDocument.longString
    }

    /// After every action: an edit whose long text the request does not
    /// hold yet gets a read scheduled, unless one is on its way (it is read
    /// again once that one answers, so the reads never pile up).
    static func readTextLater(_ state: inout AppState) -> [Effect] {
        guard let editing = state.view.editing, !editing.readPending, editing.triedRevision != editing.buffer.revision,
              readsLater(state, editing) else { return [] }
        state.view.editing?.readPending = true
        state.view.editing?.readScheduledRevision = editing.buffer.revision
        return [.scheduleTextRead]
    }

    /// The read's moment: the text as it is now is handed over (shared, not
    /// copied), when no key changed it during the wait; else the read waits
    /// for the next pause (a key at least every `textReadDelay` reads nothing).
    static func textReadDue(_ state: inout AppState) -> [Effect] {
        guard let editing = state.view.editing, editing.readPending else { return [] }
        if editing.readScheduledRevision != editing.buffer.revision {
            state.view.editing?.readScheduledRevision = editing.buffer.revision
            return [.scheduleTextRead]
        }
        guard let spec = FieldValues.readWhole(editing.field, in: state.request.endpoint) else {
            state.view.editing?.readPending = false
            return []
        }
        return [.readText(field: editing.field, spec: spec, revision: editing.buffer.revision, editing.buffer)]
    }

    /// The text read: its value goes into the request when the text is
    /// still the one read and usable (unusable text waits for Enter to be
    /// marked, as on a key); a text changed meanwhile is read again.
    static func textRead(_ state: inout AppState, field: FieldID, revision: Int, _ result: Result<JSONValue?, FieldInputError>) {
        guard let editing = state.view.editing, editing.field == field, editing.readPending else { return }
        state.view.editing?.readPending = false
        guard editing.buffer.revision == revision, let spec = FieldValues.readWhole(field, in: state.request.endpoint) else { return }
        state.view.editing?.triedRevision = revision
        guard case let .success(value) = result else { return }
        FieldValues.set(value, for: spec, in: &state.request)
        state.drafts[field] = nil
        state.view.editing?.appliedRevision = revision
    }

    /// Ends an edit with its text. When the text cannot be used, keystrokes
    /// applied on the way ("76" of "76x") are undone and the text stays as a draft.
    static func finishEdit(_ state: inout AppState, _ editing: EditState) {
        state.view.editing = nil
        if !commit(&state, field: editing.field, text: editing.buffer.text) {
            let draft = state.drafts[editing.field]
            state.request = editing.originalRequest
            state.drafts[editing.field] = draft
        }
    }

    @discardableResult
    static func commit(_ state: inout AppState, field: FieldID, text: String) -> Bool {
        do {
            try applyText(&state, field, text)
            state.drafts[field] = nil
            // A unit's new preprocessor takes a model that fits it (issue 20).
            modelFollowsModule(&state, field)
            // Kept (Enter, a step), not on each key: Esc during an edit must not lose the other text.
            retrySiblingDrafts(&state, of: field)
            return true
        } catch {
            state.drafts[field] = Draft(text: text, message: error.message)
            state.status = StatusMessage(text: Wording.fieldProblem(label(of: field, in: state), error.message), kind: .error, cause: .draft(field))
            return false
        }
    }

    static func applyText(_ state: inout AppState, _ field: FieldID, _ text: String) throws(FieldInputError) {
        try FieldValues.apply(text, to: field, in: &state.request, family: checkpointFamily(state))
    }

    /// A value of an item changed: the item's other typed text a rule across
    /// its keys refused (guidance end below guidance start) is tried again,
    /// and used when the change made it fit (issue 19: the cause is fixed).
    static func retrySiblingDrafts(_ state: inout AppState, of field: FieldID) {
        guard let place = field.itemPlace, let index = place.index, !state.drafts.isEmpty else { return }
        for (id, draft) in state.drafts where id != field {
            guard let other = id.itemPlace, other.group == place.group, other.index == index, other.key != nil else { continue }
            var request = state.request
            guard (try? FieldValues.apply(draft.text, to: id, in: &request, family: checkpointFamily(state))) != nil else { continue }
            state.request = request
            state.drafts[id] = nil
        }
    }

    /// After every action: a message about typed text a field could not use
    /// goes once that text is gone (fixed, undone or replaced), and one about
    /// a problem of the request once the request no longer has it, rather than
    /// standing until the next message (issue 19: the guidance warning stayed).
    static func dropSettledFieldProblem(_ state: inout AppState) {
        switch state.status?.cause {
        case let .draft(field)?:
            if state.drafts[field] == nil { state.status = nil }
        case let .problem(path)?:
            if !state.problems.contains(where: { $0.path == path }) { state.status = nil }
        case let .focused(field)?:
            if state.view.focus != field { state.status = nil }
        case .restoredForm?, nil:
            break
        }
    }

    static func label(of id: FieldID, in state: AppState) -> String {
        state.fields.first { $0.id == id }?.label ?? "Field"
    }
}
