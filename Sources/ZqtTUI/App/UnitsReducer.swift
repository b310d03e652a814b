// Repeated groups (GroupSpec.swift; ControlNet units, zhiqite-api.md §1.3):
// opening an item, adding, removing, duplicating, reordering and switching
// items on and off. The commands keep their unit names (KeyBindings.swift)
// and work on the focused group, whichever it is; nothing here names a key
// of an item.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

extension Reducer {
    /// Opens an item's form at its first field (its preset, where it has one).
    static func openItem(_ state: inout AppState, _ group: String, _ index: Int) {
        state.view.openItem = ItemRef(group: group, index: index)
        state.view.previewOffset = 0
        let first = state.endpoint.field(at: group).map { FormSchema.itemFields($0, index: index, in: state.request) }?.first
        state.view.focus = first?.id ?? .itemRow(group, index)
    }

    /// Back from an item's form to its row.
    static func closeItem(_ state: inout AppState) {
        guard let open = state.view.openItem else { return }
        state.view.openItem = nil
        state.view.focus = .itemRow(open.group, open.index)
        state.view.previewOffset = 0
    }

    /// The group the focus is in (a row, the add action, an open item), else the endpoint's first.
    static func focusedGroup(_ state: AppState) -> (field: FieldSpec, group: GroupSpec)? {
        if let place = state.view.focus.itemPlace, let found = place.field(in: state.endpoint) { return found }
        if let open = state.view.openItem, let found = state.endpoint.group(at: open.group) {
            return found
        }
        return state.endpoint.groupFields.first.flatMap { field in field.groupSpec.map { (field, $0) } }
    }

    /// The add command: a preset picker where the group has presets, else a fresh item.
    static func addItem(_ state: inout AppState) {
        guard let (field, group) = focusedGroup(state) else {
            state.status = StatusMessage(text: Wording.noGroup(state.endpoint, switchKey: state.keys.label(.switchEndpoint)), kind: .error)
            return
        }
        if let presets = group.presets {
            state.view.overlay = .picker(PickerState(purpose: .addItem(field.path), title: Wording.addItemPicker(group, presets),
                                                     options: presets.presets.map(\.name),
                                                     filter: TextBuffer(""), selected: 0, freeText: false))
        } else {
            appendItem(&state, field, group.newItem(), preset: nil)
        }
    }

    /// Adds an item at the end of its group and opens it.
    static func appendItem(_ state: inout AppState, _ field: FieldSpec, _ item: JSONValue, preset: String?) {
        guard let group = field.groupSpec else { return }
        var items = state.request.items(of: field)
        items.append(item)
        state.request.setItems(items, of: field)
        openItem(&state, field.path, items.count - 1)
        state.status = StatusMessage(text: Wording.addedItem(group, preset: preset, backKey: state.keys.label(.back)), kind: .info)
    }

    // MARK: Items

    static func editUnits(_ state: inout AppState, _ command: Command) {
        guard let place = state.view.focus.itemPlace, place.key == nil, let index = place.index,
              let (field, group) = place.field(in: state.endpoint) else { return }
        var items = state.request.items(of: field)
        guard items.indices.contains(index) else { return }
        switch command {
        case .removeUnit:
            items.remove(at: index)
            state.view.focus = items.isEmpty ? .addItem(field.path) : .itemRow(field.path, min(index, items.count - 1))
            state.status = StatusMessage(text: Wording.removedItem(group, number: index + 1), kind: .info)
        case .duplicateUnit:
            items.insert(items[index], at: index + 1)
            state.view.focus = .itemRow(field.path, index + 1)
        case .moveUnitUp where index > 0:
            items.swapAt(index, index - 1)
            state.view.focus = .itemRow(field.path, index - 1)
        case .moveUnitDown where index + 1 < items.count:
            items.swapAt(index, index + 1)
            state.view.focus = .itemRow(field.path, index + 1)
        case .toggleUnit:
            // The item's switch, as it is sent (its default when unset), flipped.
            guard let toggle = group.switchField else { return }
            let on = group.normalize(items[index])[toggle.path]?.boolValue ?? false
            guard let flipped = try? group.setting(toggle.path, to: .bool(!on), in: items[index]) else { return }
            items[index] = flipped
        default:
            return
        }
        state.request.setItems(items, of: field)
    }
}

extension Reducer {
    /// The checkpoint's base changed: each unit whose model is one its
    /// control type offers, made for another base, takes the one made for
    /// this base (issue 19: presets follow the checkpoint). A model typed
    /// in by hand stays, flagged in the form if it does not fit (ControlNetFit).
    static func unitsFollowCheckpoint(_ state: inout AppState) {
        let family = checkpointFamily(state)
        guard family != .unknown else { return }
        var changed = 0
        for field in state.endpoint.fields {
            guard let group = field.groupSpec else { continue }
            var items = state.request.items(of: field)
            for index in items.indices {
                guard let preset = group.preset(of: items[index]) else { continue }
                for spec in group.fields where spec.role == .fitsCheckpoint {
                    let offered = preset.options[spec.path] ?? []
                    guard let model = items[index][spec.path]?.stringValue, offered.contains(model),
                          ModelFamily(modelName: model) != family,
                          let fitting = offered.first(where: { ModelFamily(modelName: $0) == family }) else { continue }
                    items[index].set(.string(fitting), at: spec.path)
                    changed += 1
                }
            }
            if changed > 0 { state.request.setItems(items, of: field) }
        }
        if changed > 0 { state.status = StatusMessage(text: Wording.unitsFollowCheckpoint(changed, family: family), kind: .info) }
    }
}

extension Reducer {
    /// A unit's preprocessor was chosen: its model follows when it no longer
    /// fits (GroupSpec.followingModule), picked from the server's own model
    /// list where one was read (an A1111 server's), else from the catalog's,
    /// and the status line says what was chosen and what it replaced.
    static func modelFollowsModule(_ state: inout AppState, _ id: FieldID) {
        guard let place = id.itemPlace, let index = place.index, let key = place.key,
              let (field, group) = place.field(in: state.endpoint), key == group.presets?.by else { return }
        var items = state.request.items(of: field)
        guard items.indices.contains(index) else { return }
        let list = group.fields.first { $0.role == .fitsCheckpoint }?.serverList.map { state.formLists[$0].names }
        let offered = list.flatMap { $0.isEmpty ? nil : $0 }
        let (item, follow) = group.followingModule(items[index], family: checkpointFamily(state), offered: offered)
        let module = items[index][key]?.stringValue ?? ""
        switch follow {
        case .kept:
            return
        case let .chosen(model, was):
            items[index] = item
            state.request.setItems(items, of: field)
            state.status = StatusMessage(text: Wording.unitModelFollowsModule(index + 1, module: module, model: model, was: was,
                                                                              fromServer: offered != nil), kind: .info)
        case let .noneFits(model):
            state.status = StatusMessage(text: Wording.unitModelFitsNoModel(index + 1, module: module, model: model, fromServer: offered != nil),
                                         kind: .info)
        }
    }
}
