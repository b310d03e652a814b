// Overlays: the pickers (choices, the palette, the endpoint switcher, the
// model lists' LoRA and embedding pickers), input boxes, confirmations and help.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

extension Reducer {
    static func openPicker(_ state: inout AppState, field: FormField, options: [String], freeText: Bool) {
        let current = FieldValues.text(of: field.id, in: state.request)
        var picker = PickerState(purpose: .field(field.id), title: field.label, options: options,
                                 filter: TextBuffer(""), selected: 0, freeText: freeText)
        if let kind = field.modelList {
            // A service list (§1.4, §1.6): each item's name and base beside it, and the list's state.
            describe(&picker, state.modelLists[kind], kind: kind)
        } else if field.spec?.role == .fitsCheckpoint {
            markFitting(&picker, state)
        }
        picker.selected = picker.options.firstIndex(of: current) ?? 0
        state.view.overlay = .picker(picker)
    }

    /// The scopes whose keys work while a field's text is edited.
    static func editScopes(_ state: AppState) -> [BindingScope] {
        let prompt = state.view.editing.flatMap { editing in state.fields.first { $0.id == editing.field } }?.takesModelTokens ?? false
        return prompt ? [.textEditing, .lineEditing, .promptText] : [.textEditing, .lineEditing]
    }

    /// Details, marks and the note of a picker over a service list.
    static func describe(_ picker: inout PickerState, _ list: ModelListState, kind: ModelListKind) {
        var details: [String: String] = [:]
        for item in list.items {
            let detail = Wording.itemDetail(item)
            if !detail.isEmpty { details[item.name] = detail }
        }
        picker.details = details
        picker.note = Wording.listNote(kind, list)
    }

    /// The family of the checkpoint the request names: its list entry's base,
    /// else what its file name says.
    static func checkpointFamily(_ state: AppState, of request: Request? = nil) -> ModelFamily {
        let checkpoint = (request ?? state.request).checkpoint
        if let item = state.modelLists[.checkpoint].item(named: checkpoint) { return item.family }
        return ModelFamily(modelName: checkpoint)
    }

    /// A ControlNet model picker: the models that fit the checkpoint's base
    /// marked and listed first; the others stay, in their order, to be chosen.
    static func markFitting(_ picker: inout PickerState, _ state: AppState) {
        let family = checkpointFamily(state)
        let fitting = family == .unknown ? [] : picker.options.filter { ModelFamily(modelName: $0) == family }
        picker.fits = Set(fitting)
        picker.options = fitting + picker.options.filter { !picker.fits.contains($0) }
        picker.note = PickerState.Note(text: Wording.fitNote(family, checkpoint: state.request.checkpoint, marked: fitting.count),
                                       isProblem: false)
    }

    /// The LoRA or embedding picker, over the text being edited (§1.5, §1.7).
    static func openInsertPicker(_ state: inout AppState, _ kind: ModelListKind) {
        let list = state.modelLists[kind]
        var picker = PickerState(purpose: .insert(kind), title: kind == .lora ? "Insert a LoRA at the cursor (weight 1)" : "Insert an embedding at the cursor",
                                 options: list.names, filter: TextBuffer(""), selected: 0, freeText: true)
        describe(&picker, list, kind: kind)
        // LoRAs made for the checkpoint's base first, marked, as for ControlNet models.
        let family = checkpointFamily(state)
        if family != .unknown {
            let fitting = list.items.filter { $0.family == family }.map(\.name)
            picker.fits = Set(fitting)
            picker.options = fitting + picker.options.filter { !picker.fits.contains($0) }
        }
        state.view.overlay = .picker(picker)
    }

    /// What a pick inserts: `<lora:NAME:1>` (weight 1, edited after), an
    /// embedding's name as it is; a typed token (`<lora:x:0.6>`) as typed.
    static func token(_ kind: ModelListKind, _ choice: String) -> String {
        if choice.hasPrefix("<") || kind != .lora { return choice }
        return "<lora:\(choice):1>"
    }

    static func handleOverlayKey(_ state: inout AppState, _ overlay: Overlay, _ key: Key) -> [Effect] {
        switch overlay {
        case let .help(scroll):
            switch key {
            case .down, .char("j"): state.view.overlay = .help(scroll: scroll + 1)
            case .up, .char("k"): state.view.overlay = .help(scroll: max(0, scroll - 1))
            case .pageDown: state.view.overlay = .help(scroll: scroll + 10)
            case .pageUp: state.view.overlay = .help(scroll: max(0, scroll - 10))
            default: state.view.overlay = nil
            }
            return []
        case let .confirm(question):
            state.view.overlay = nil
            // A history row may go with or without its images (issue 11).
            if case let .deleteEntry(id, _) = question, key == .char("k") { return [.deleteEntry(id: id)] }
            guard key == .char("y") || key == .char("Y") else {
                if question == .quit { state.status = StatusMessage(text: "Still here: \(KeyBindings.label(.submit)) sends the request", kind: .info) }
                return []
            }
            switch question {
            case .quit:
                state.quitting = true
                return [.quit]
            case let .deleteEntry(id, idTask):
                return [.deleteEntry(id: id), .deletePictures(idTask: idTask)]
            case let .replaceForm(record, purpose, _):
                return moveOn(&state, record, purpose, confirmed: true)
            case let .replaceWithLoaded(loaded, source):
                showLoaded(&state, loaded, source: source)
                return []
            }
        case var .input(prompt):
            switch KeyBindings.command(for: key, only: [.inputBox]) {
            case .closeOverlay?:
                state.view.overlay = nil
                return []
            case .confirmInput?:
                state.view.overlay = nil
                let text = prompt.text.text.trimmed
                switch prompt.purpose {
                case let .saveImages(record):
                    guard !text.isEmpty else { return [] }
                    state.status = StatusMessage(text: "Saving the images of \(record.idTask) to \(text)…", kind: .info)
                    return [.saveImages(record, folder: text)]
                case .loadRequest:
                    guard !text.isEmpty else { return [] }
                    state.status = StatusMessage(text: "Loading the request…", kind: .info)
                    return [.loadRequest(prompt.text.text, current: state.endpoint)]
                case .saveEndpoint:
                    guard !text.isEmpty, state.endpoint.isCustom else { return [] }
                    return [.saveUserEndpoint(CustomEndpoint.catalogEntry(for: state.request, title: text), file: state.connection.catalogFile)]
                }
            default:
                guard prompt.text.applyLineKey(key) else { return [] }
            }
            state.view.overlay = .input(prompt)
            return []
        case var .picker(picker):
            let matches = picker.matches
            let command: Command? = { if case .char = key { return nil } else { return KeyBindings.command(for: key, only: [.picker]) } }()
            switch command {
            case .closeOverlay?:
                state.view.overlay = nil
            case .pickPrevious?:
                picker.selected = max(0, picker.selected - 1)
                state.view.overlay = .picker(picker)
            case .pickNext?:
                picker.selected = min(max(0, matches.count - 1), picker.selected + 1)
                state.view.overlay = .picker(picker)
            case .pickPageUp?:
                picker.selected = max(0, picker.selected - 10)
                state.view.overlay = .picker(picker)
            case .pickPageDown?:
                picker.selected = min(max(0, matches.count - 1), picker.selected + 10)
                state.view.overlay = .picker(picker)
            case .pickHighlighted?, .pickTyped?:
                // Tab takes the typed text as it is (free-text fields); Enter the highlighted match.
                let typed = picker.filter.text.trimmed
                let choice: String?
                if command == .pickTyped, picker.freeText, !typed.isEmpty {
                    choice = typed
                } else if matches.indices.contains(picker.selected) {
                    choice = matches[picker.selected]
                } else if picker.freeText, !typed.isEmpty {
                    choice = typed
                } else {
                    choice = nil
                }
                guard let choice else { return [] }
                state.view.overlay = nil
                return choose(&state, picker.purpose, choice)
            default:
                // The rest edits the filter; the list starts again from the best match.
                let before = picker.filter.text
                guard picker.filter.applyLineKey(key) else { break }
                if picker.filter.text != before { picker.selected = 0 }
                state.view.overlay = .picker(picker)
            }
            return []
        }
    }

    static func choose(_ state: inout AppState, _ purpose: PickerState.Purpose, _ choice: String) -> [Effect] {
        switch purpose {
        case let .field(id):
            commit(&state, field: id, text: choice)
        case let .addItem(group):
            guard let (field, spec) = state.endpoint.group(at: group),
                  let preset = spec.presets?.preset(named: choice) else { return [] }
            appendItem(&state, field, spec.newItem(preset: preset, family: checkpointFamily(state)), preset: preset.name)
        case .palette:
            if let command = Command.allCases.first(where: { $0.title == choice }) {
                return run(&state, command)
            }
        case let .insert(kind):
            // Into the text being edited, at its cursor; the cursor ends after the token.
            guard state.view.editing != nil else { return [] }
            state.view.editing?.buffer.insert(token(kind, choice))
            applyEditBuffer(&state)
        case .endpoint:
            let kept = [state.endpoint] + state.otherForms.values.map(\.request.endpoint)
            if choice == customRequestLabel {
                switchEndpoint(&state, to: CustomEndpoint.endpoint(path: ""))
            } else if let target = (state.catalog.endpoints + kept).first(where: { endpointPickerLabel($0) == choice }) {
                switchEndpoint(&state, to: target)
            }
        case .profile:
            state.status = StatusMessage(text: "Switching to profile \(choice)…", kind: .info)
            return [.switchProfile(choice)]
        }
        return []
    }
}
