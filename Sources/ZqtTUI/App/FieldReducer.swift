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
            if field.id.unitField == .guidanceEnd, let unit = state.request.controlNetUnits?[safe: state.view.openUnit ?? -1] {
                next = max(next, unit.guidanceStart)
            }
            commit(&state, field: field.id,
                   text: integer ? String(Int(clamping: next, to: -Self.largestWhole...Self.largestWhole)) : JSONWriter.formatNumber(next))
        case let .choice(options, _):
            guard !options.isEmpty else { return }
            let current = FieldValues.text(of: field.id, in: state.request)
            let position = options.firstIndex(of: current) ?? (direction > 0 ? -1 : options.count)
            let next = (position + Int(direction) + options.count) % options.count
            commit(&state, field: field.id, text: options[next])
        case .toggle:
            toggle(&state, field)
        default:
            break
        }
    }

    /// Every field in the main form and in each unit's form, in screen order.
    static func allFieldOrder(_ state: AppState) -> [FieldID] {
        var ids = FormSchema.mainFields(state.request).map(\.id)
        for (index, unit) in (state.request.controlNetUnits ?? []).enumerated() {
            ids += FormSchema.unitFields(unit, index: index).map(\.id)
        }
        return ids
    }

    /// The field a validation path belongs to (a unit's fields open its form).
    static func field(forPath path: String, in state: AppState) -> FieldID? {
        for (index, unit) in (state.request.controlNetUnits ?? []).enumerated() {
            let prefix = "\(FieldID.unitsPath)[\(index)]"
            guard path.hasPrefix(prefix) else { continue }
            return FormSchema.unitFields(unit, index: index).first(where: { $0.wirePath == path && $0.id.unitField != .controlType })?.id
                ?? .unitRow(index)
        }
        let fields = FormSchema.mainFields(state.request)
        if path.hasPrefix(FieldID.unitsPath) || path == "alwayson_scripts.controlnet" {
            return fields.first { $0.id == .addUnit }?.id
        }
        return fields.first(where: { $0.wirePath == path })?.id
    }

    static func moveFocus(_ state: inout AppState, to id: FieldID) {
        if let index = id.unitIndex, !id.isUnitRow {
            state.view.openUnit = index
        } else {
            state.view.openUnit = nil
        }
        focus(&state, id)
    }
}
