// ControlNet units, the repeated group (zhiqite-api.md §1.3): opening one,
// removing, duplicating, reordering and switching units on and off.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

extension Reducer {
    static func openUnit(_ state: inout AppState, _ index: Int) {
        state.view.openUnit = index
        state.view.previewOffset = 0
        state.view.focus = .unit(index, .controlType)
    }

    // MARK: Units

    static func editUnits(_ state: inout AppState, _ command: Command) {
        guard state.view.focus.isUnitRow, let index = state.view.focus.unitIndex, var units = state.request.controlNetUnits,
              units.indices.contains(index) else { return }
        switch command {
        case .removeUnit:
            units.remove(at: index)
            state.view.focus = units.isEmpty ? .addUnit : .unitRow(min(index, units.count - 1))
            state.status = StatusMessage(text: Wording.unitRemoved(index + 1), kind: .info)
        case .duplicateUnit:
            units.insert(units[index], at: index + 1)
            state.view.focus = .unitRow(index + 1)
        case .moveUnitUp where index > 0:
            units.swapAt(index, index - 1)
            state.view.focus = .unitRow(index - 1)
        case .moveUnitDown where index + 1 < units.count:
            units.swapAt(index, index + 1)
            state.view.focus = .unitRow(index + 1)
        case .toggleUnit:
            units[index].enabled.toggle()
        default:
            return
        }
        state.request.controlNetUnits = units
    }
}
