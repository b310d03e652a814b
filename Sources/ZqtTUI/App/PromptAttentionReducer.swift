// The prompt's attention syntax as AUTOMATIC1111 users edit it (issue 19):
// Ctrl-↑/↓ weigh the word or group at the cursor (PromptAttention), and an
// edit ending with a bracket left open or a stray closer says so.

extension Reducer {
    /// Ctrl-↑/↓ on a prompt: typing it, or focused on it (the edit starts
    /// with the cursor at the end, on the last word).
    static func adjustWeight(_ state: inout AppState, up: Bool) -> [Effect] {
        // Over a picker or a box, the keys are its, not the prompt's.
        guard state.view.overlay == nil else { return [] }
        if state.view.editing == nil {
            guard state.screen == .compose, let field = state.focusedField, field.takesModelTokens else { return [] }
            beginEdit(&state, field: field, initial: nil)
        }
        var weighed = false
        let effects = editFocusedText(&state) { buffer, _ in
            weighed = buffer.adjustWeight(up: up)
            return weighed
        }
        if !weighed { state.status = StatusMessage(text: Wording.nothingToWeigh, kind: .info) }
        return effects
    }

    /// After an edit of a prompt ends: a note when its brackets do not pair
    /// (A1111 would apply an open one to the rest of the prompt). One pass
    /// over the text, once per edit, not per key.
    static func noteUnbalancedBrackets(_ state: inout AppState, field: FieldID, text: String) {
        guard state.fields.first(where: { $0.id == field })?.takesModelTokens == true else { return }
        let count = PromptAttention.unbalancedCount(text)
        if count > 0 { state.status = StatusMessage(text: Wording.unbalancedBrackets(label(of: field, in: state), count: count), kind: .error) }
    }
}
