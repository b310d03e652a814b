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
        if count > 0 {
            // It belongs to the field: it goes when the focus leaves it (the field keeps its mark).
            state.status = StatusMessage(text: Wording.unbalancedBrackets(label(of: field, in: state), count: count), kind: .error, cause: .focused(field))
        }
    }
}

// MARK: The names offered under the cursor (PromptCompletion)

extension Reducer {
    /// After every change to the text being edited: the list of LoRA or
    /// embedding names is opened, narrowed or closed. Reads a bounded stretch
    /// before the cursor and the lists, never the whole text.
    static func updateCompletion(_ state: inout AppState) {
        guard var editing = state.view.editing else { return }
        let revision = editing.buffer.revision
        let textChanged = editing.completionWatch.revision != revision
        editing.completionWatch.revision = revision
        defer { state.view.editing = editing }
        guard textChanged, state.view.overlay == nil, editing.buffer.selection == nil,
              state.fields.first(where: { $0.id == editing.field })?.takesModelTokens == true else {
            // A key that only moved the cursor, a selection, another field: no list.
            editing.completion = nil
            return
        }
        let before = editing.buffer.charactersBeforeCursor(limit: PromptAttention.networkLimit)
        var found = PromptCompletion.find(before: before, cursor: editing.buffer.cursor,
                                          loras: state.formLists[.lora].names, embeddings: state.formLists[.embedding].names)
        if let closed = editing.completionWatch.closedAt {
            if found?.start == closed { found = nil } else { editing.completionWatch.closedAt = nil }
        }
        // The highlighted name stays highlighted while it still fits.
        if let shown = editing.completion, let chosen = shown.chosen, shown.names.indices.contains(chosen),
           let again = found?.names.firstIndex(of: shown.names[chosen]) {
            found?.chosen = again
        }
        editing.completion = found
    }

    /// ↓/↑ with the list open: the next or previous name highlighted (from none, the first or the last).
    static func moveCompletion(_ state: inout AppState, by step: Int) -> [Effect] {
        guard var completion = state.view.editing?.completion, !completion.names.isEmpty else { return [] }
        let count = completion.names.count
        if let chosen = completion.chosen {
            let next = chosen + step
            completion.chosen = next < 0 || next >= count ? nil : next
        } else {
            completion.chosen = step > 0 ? 0 : count - 1
        }
        state.view.editing?.completion = completion
        return []
    }

    /// Tab (Enter once a name is highlighted): the name in place of what was typed of it.
    static func takeCompletion(_ state: inout AppState) -> [Effect] {
        guard let completion = state.view.editing?.completion, let name = completion.taken else { return [] }
        state.view.editing?.buffer.replaceBeforeCursor(completion.partial.length, with: completion.token(name))
        state.view.editing?.completion = nil
        // The word now named whole is not offered again (EasyNegative would offer EasyNegativeV2).
        state.view.editing?.completionWatch.closedAt = completion.start
        applyEditBuffer(&state)
        return []
    }

    /// Esc with the list open: the list closes, the text stays; it is not offered again for this name.
    static func closeCompletion(_ state: inout AppState) -> [Effect] {
        guard let completion = state.view.editing?.completion else { return [] }
        state.view.editing?.completion = nil
        state.view.editing?.completionWatch.closedAt = completion.start
        return []
    }
}
