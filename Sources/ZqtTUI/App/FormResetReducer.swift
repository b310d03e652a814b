// Starting over (issue 19): once an endpoint had a draft, the config file's
// `[defaults]` never applied to it again and there was no way back to a
// fresh form. "New" lays out the endpoint's defaults with `[defaults]`, the
// form it replaces one undo away; "reset field" puts one field back.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

extension Reducer {
    // MARK: Commands (declared in Input/Commands/ComposeCommands.swift)

    /// A fresh form of the endpoint on screen; the one it replaces is kept to bring back.
    static func newForm(_ state: inout AppState) -> [Effect] {
        let replaced = ParkedForm(request: state.request, drafts: state.drafts, baselineJSON: state.baselineJSON)
        state.view.editing = nil
        state.view.openItem = nil
        state.request = state.freshForm(for: state.endpoint, taskID: TaskIDGenerator.shared.next())
        state.drafts = [:]
        state.formBeforeNew = replaced
        state.kindMoveUndo = nil
        state.cancelledEdit = nil
        state.view.focus = FormSchema.mainFields(state.request).first?.id ?? state.view.focus
        state.view.previewOffset = 0
        state.status = StatusMessage(text: Wording.newForm(defaults: state.formDefaults.count, undoKey: state.keys.label(.undoNewForm)),
                                     kind: .info)
        return []
    }

    /// The form "new" replaced, back; the fresh one is kept in its place (the key toggles).
    static func undoNewForm(_ state: inout AppState) -> [Effect] {
        // Text Esc just dropped comes back first (it is the latest change, issue 18),
        // then a move to the other kind of server (KindMoveReducer).
        if let effects = undoCancelledEdit(&state) { return effects }
        if let effects = undoKindMove(&state) { return effects }
        guard let before = state.formBeforeNew, before.request.endpoint.formKey == state.endpoint.formKey else {
            state.status = StatusMessage(text: Wording.nothingToBringBack(newKey: state.keys.label(.newForm)), kind: .error)
            return []
        }
        let fresh = ParkedForm(request: state.request, drafts: state.drafts, baselineJSON: state.baselineJSON)
        state.view.editing = nil
        state.view.openItem = nil
        state.request = before.request
        state.drafts = before.drafts
        state.formBeforeNew = fresh
        state.view.focus = FormSchema.mainFields(state.request).first?.id ?? state.view.focus
        state.status = StatusMessage(text: Wording.formBroughtBack(undoKey: state.keys.label(.undoNewForm)), kind: .info)
        return []
    }

    /// The focused field as a fresh form has it (the config file's `[defaults]` included); a unit's field as a new unit has it.
    static func resetField(_ state: inout AppState) -> [Effect] {
        guard let field = state.focusedField, let spec = field.spec, !spec.kind.isVirtual, spec.role != .taskID else {
            state.status = StatusMessage(text: Wording.cannotResetField, kind: .error)
            return []
        }
        let value: JSONValue?
        if let open = state.view.openItem {
            value = itemResetValue(state, open, key: spec.path)
        } else {
            value = state.freshForm(for: state.endpoint, taskID: state.request.taskID)[field.wirePath]
        }
        state.request[field.wirePath] = value
        state.drafts[field.id] = nil
        state.status = StatusMessage(text: Wording.fieldReset(field.label, value: value.map(JSONWriter.compact)), kind: .info)
        return []
    }

    /// Inside a unit: the value its control type (preset) gives the key, else
    /// the field's default (issue 19: a canny unit's Low Threshold went to
    /// "not sent" instead of the 100 the preset chose).
    static func itemResetValue(_ state: AppState, _ open: ItemRef, key: String) -> JSONValue? {
        guard let field = state.endpoint.field(at: open.group), let group = field.groupSpec,
              let item = state.request.items(of: field)[safe: open.index] else { return nil }
        return group.resetValue(key, in: item)
    }
}
