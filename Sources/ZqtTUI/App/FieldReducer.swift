// Moving between the form's fields and changing a value in place:
// sliders, toggles and choices stepped without typing.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

extension Reducer {
    static func focus(_ state: inout AppState, _ id: FieldID) {
        if state.view.focus != id { state.view.previewOffset = 0 }
        state.view.focus = id
    }

    // MARK: Commands (declared in Input/Commands/ComposeCommands.swift)

    /// Tab or Shift-Tab: the next or previous field; a field being edited keeps its text first.
    static func stepFocus(_ state: inout AppState, by delta: Int) -> [Effect] {
        if let editing = state.view.editing { finishEdit(&state, editing) }
        guard state.screen == .compose else { return [] }
        let fields = state.fields
        guard !fields.isEmpty else { return [] }
        let index = fields.firstIndex { $0.id == state.view.focus } ?? 0
        focus(&state, fields[min(fields.count - 1, max(0, index + delta))].id)
        return []
    }

    /// Enter on a field: an edit, a switch, a picker, a unit's form, or the action.
    static func editOrActivate(_ state: inout AppState) -> [Effect] {
        guard state.screen == .compose, let field = state.focusedField else { return [] }
        switch field.kind {
        case .text, .integer, .slider: beginEdit(&state, field: field, initial: nil)
        case .toggle: toggle(&state, field)
        case let .choice(options, freeText): openPicker(&state, field: field, options: options, freeText: freeText)
        case .itemRow:
            if let place = field.id.itemPlace, let index = place.index { openItem(&state, place.group, index) }
        case .action: return run(&state, .addUnit)
        }
        return []
    }

    static func stepValue(_ state: inout AppState, _ command: Command) -> [Effect] {
        guard state.screen == .compose else { return [] }
        step(&state, command)
        return []
    }

    /// Typing a number on a slider or number field sets it exactly: an edit
    /// starts with the typed character (from the palette, empty).
    static func typeNumber(_ state: inout AppState, _ key: Key?) -> [Effect] {
        guard state.screen == .compose, let field = state.focusedField else { return [] }
        switch field.kind {
        case .slider, .integer:
            beginEdit(&state, field: field, initial: "")
            if case let .char(c)? = key, c.isNumber || c == "-" || c == "." {
                state.view.editing?.buffer.insert(String(c))
                applyEditBuffer(&state)
            }
        default:
            break
        }
        return []
    }

    static func toggleField(_ state: inout AppState) -> [Effect] {
        guard state.screen == .compose, let field = state.focusedField, field.kind == .toggle else { return [] }
        toggle(&state, field)
        return []
    }

    /// Esc in an item's form: back to its row in the request.
    static func leaveUnit(_ state: inout AppState) -> [Effect] {
        closeItem(&state)
        return []
    }

    static func randomSeed(_ state: inout AppState) -> [Effect] {
        guard let seed = state.endpoint.field(role: .seed) else { return [] }
        state.request[seed.path] = .int(-1)
        state.drafts[FieldID(seed.path)] = nil
        return []
    }

    /// Why the last result's seed cannot be reused: no task has finished with one.
    static func cannotReuseSeed(_ state: AppState) -> String? {
        state.lastResultSeed != nil && state.endpoint.field(role: .seed) != nil
            ? nil : Wording.noResultSeedYet
    }

    static func reuseSeed(_ state: inout AppState) -> [Effect] {
        guard let seed = state.lastResultSeed, let field = state.endpoint.field(role: .seed) else { return [] }
        state.request[field.path] = .int(seed)
        state.drafts[FieldID(field.path)] = nil
        state.status = StatusMessage(text: Wording.seedReused(seed), kind: .info)
        return []
    }

    static func newTaskID(_ state: inout AppState) -> [Effect] {
        state.request.taskID = TaskIDGenerator.shared.next()
        state.drafts[FieldID(state.endpoint.taskIDPath)] = nil
        return []
    }

    // MARK: Sliders, toggles, choices

    static func toggle(_ state: inout AppState, _ field: FormField) {
        let current = FieldValues.text(of: field.id, in: state.request)
        commit(&state, field: field.id, text: current == "on" ? "off" : "on")
    }

    /// The largest whole number a slider steps to: 2^53, beyond which a double skips whole numbers.
    static let largestWhole = 9_007_199_254_740_992

    static func step(_ state: inout AppState, _ command: Command) {
        guard let field = state.focusedField else { return }
        let direction: Double = (command == .stepUp || command == .coarseUp) ? 1 : -1
        switch field.kind {
        case let .slider(spec, integer):
            let coarse = command == .coarseUp || command == .coarseDown
            let increment = spec.step * (coarse ? 10 : 1) * direction
            let current = Double(FieldValues.text(of: field.id, in: state.request)) ?? spec.defaultValue
            let held = min(spec.max, max(spec.min, current + increment))
            // Snap to the step grid so 0.7 + 0.05 prints as 0.75, not 0.7500000001.
            var next = ((held - spec.min) / spec.step).rounded() * spec.step + spec.min
            next = (next * 1e6).rounded() / 1e6
            // A user's catalog may give a range no arithmetic here survives (issue 9): the value held to it, unsnapped.
            if !next.isFinite { next = held }
            // A group's rule: never below the value it follows (guidance end, start).
            if let place = field.id.itemPlace, let key = place.key, let index = place.index,
               let (groupField, group) = place.field(in: state.request.endpoint), let item = state.request.wireItem(index, of: groupField),
               let floor = group.floor(of: key, in: item) {
                next = max(next, floor)
            }
            commit(&state, field: field.id,
                   text: integer ? String(Int(clamping: next, to: -Self.largestWhole...Self.largestWhole)) : JSONWriter.formatNumber(next))
        case let .choice(options, _):
            guard !options.isEmpty else { return }
            let current = FieldValues.text(of: field.id, in: state.request)
            let position = options.firstIndex(of: current) ?? (direction > 0 ? -1 : options.count)
            let next = (position + (direction > 0 ? 1 : -1) + options.count) % options.count
            commit(&state, field: field.id, text: options[next])
        case .toggle:
            toggle(&state, field)
        default:
            break
        }
    }

    /// Every field in the main form and in each group item's form, in screen order.
    static func allFieldOrder(_ state: AppState) -> [FieldID] {
        var ids = FormSchema.mainFields(state.request).map(\.id)
        for field in state.endpoint.groupFields {
            for index in state.request.items(of: field).indices {
                ids += FormSchema.itemFields(field, index: index, in: state.request).map(\.id)
            }
        }
        return ids
    }

    /// The field a validation path belongs to (an item's fields open its form).
    static func field(forPath path: String, in state: AppState) -> FieldID? {
        let fields = FormSchema.mainFields(state.request)
        for field in state.endpoint.groupFields {
            for index in state.request.items(of: field).indices {
                let row = FieldID.itemRow(field.path, index)
                guard path == row.path || path.hasPrefix(row.path + ".") else { continue }
                return FormSchema.itemFields(field, index: index, in: state.request)
                    .first(where: { $0.wirePath == path && $0.id.itemPlace?.key != GroupSpec.presetKey })?.id ?? row
            }
            // The list itself, or the object it sits in: its add action.
            let add = FieldID.addItem(field.path)
            if let action = fields.first(where: { $0.id == add }), path.hasPrefix(field.path) || path == action.wirePath {
                return action.id
            }
        }
        return fields.first(where: { $0.wirePath == path })?.id
    }

    static func moveFocus(_ state: inout AppState, to id: FieldID) {
        if let place = id.itemPlace, let index = place.index, place.key != nil, place.field(in: state.endpoint) != nil {
            state.view.openItem = ItemRef(group: place.group, index: index)
        } else {
            state.view.openItem = nil
        }
        focus(&state, id)
    }
}
