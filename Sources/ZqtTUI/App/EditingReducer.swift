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
        state.view.editing = EditState(field: field.id, buffer: TextBuffer(initial ?? current),
                                       originalRequest: state.request, originalDraft: state.drafts[field.id])
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

    static func handleEditKey(_ state: inout AppState, _ key: Key) -> [Effect] {
        guard var editing = state.view.editing else { return [] }
        let width = editWidth(state)
        let multiline: Bool
        if let field = state.focusedField, case let .text(lines) = field.kind { multiline = lines > 1 } else { multiline = false }
        if case let .char(c) = key {
            editing.buffer.insert(String(c))
            state.view.editing = editing
            applyEditBuffer(&state)
            return []
        }
        // Every other key comes from the key table (scopes textEditing, lineEditing,
        // and promptText while a prompt is typed).
        guard let command = KeyBindings.command(for: key, only: editScopes(state)) else { return [] }
        switch command {
        case .insertLora, .insertEmbedding:
            openInsertPicker(&state, command == .insertLora ? .lora : .embedding)
            return []
        case .cancelEdit:
            // Cancel: back to the value before the edit, draft included.
            state.view.editing = nil
            state.request = editing.originalRequest
            state.drafts[editing.field] = editing.originalDraft
            return []
        case .finishEdit, .nextField, .previousField:
            finishEdit(&state, editing)
            if command == .finishEdit { return [] }
            return run(&state, command)
        case .newLine:
            if multiline { editing.buffer.insert("\n") }
        case .openInEditor:
            state.view.editing = nil
            return [.openEditor(editing.field, text: editing.buffer.text)]
        case .submit:
            finishEdit(&state, editing)
            return submit(&state)
        default:
            guard editing.buffer.apply(command, width: width) else { return [] }
        }
        state.view.editing = editing
        applyEditBuffer(&state)
        return []
    }

    /// Every keystroke updates the request when the text is usable, so the
    /// preview follows the typing; unusable text waits for Enter to be marked.
    static func applyEditBuffer(_ state: inout AppState) {
        guard let editing = state.view.editing else { return }
        if (try? applyText(&state, editing.field, editing.buffer.text)) != nil {
            state.drafts[editing.field] = nil
        }
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
            return true
        } catch {
            state.drafts[field] = Draft(text: text, message: error.message)
            state.status = StatusMessage(text: "\(label(of: field, in: state)): \(error.message)", kind: .error)
            return false
        }
    }

    static func applyText(_ state: inout AppState, _ field: FieldID, _ text: String) throws(FieldInputError) {
        try FieldValues.apply(text, to: field, in: &state.request, family: checkpointFamily(state))
    }

    static func label(of id: FieldID, in state: AppState) -> String {
        state.fields.first { $0.id == id }?.label ?? "Field"
    }
}
