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
            describe(&picker, kind: kind, state)
        } else if field.spec?.role == .fitsCheckpoint {
            markFitting(&picker, state)
        }
        picker.selected = picker.options.firstIndex(of: current) ?? 0
        state.view.overlay = .picker(picker)
    }

    /// The scopes whose keys work while a field's text is edited.
    static func editScopes(_ state: AppState) -> [BindingScope] {
        let field = state.view.editing.flatMap { editing in state.fields.first { $0.id == editing.field } }
        // An image field's Tab completes a path first (issue 17).
        if field?.spec?.takesImage == true { return [.pathEditing, .textEditing, .lineEditing] }
        guard field?.takesModelTokens == true else { return [.textEditing, .lineEditing] }
        // The names offered under the cursor have Tab, ↓/↑ and Esc; Enter once one is highlighted (issue 19).
        let completion: [BindingScope] = state.view.editing?.completion.map { $0.chosen == nil ? [.completion] : [.completionChosen, .completion] } ?? []
        return completion + [.textEditing, .lineEditing, .promptText]
    }

    /// Details and the note of a picker over a list of the form's server; a form of the other
    /// kind than the profile's has none, and its note says so (issue 20).
    static func describe(_ picker: inout PickerState, kind: ModelListKind, _ state: AppState) {
        guard state.listsServeForm else {
            picker.details = [:]
            picker.note = PickerState.Note(text: Wording.noListForForm(kind, form: state.endpoint, profile: state.connection.profile,
                                                                       server: state.connection.server), isProblem: false)
            return
        }
        describe(&picker, state.formLists[kind], kind: kind, keys: state.keys)
    }

    /// Details, marks and the note of a picker over a service list.
    static func describe(_ picker: inout PickerState, _ list: ModelListState, kind: ModelListKind, keys: KeyTable) {
        var details: [String: String] = [:]
        for item in list.items {
            let detail = Wording.itemDetail(item)
            if !detail.isEmpty { details[item.name] = detail }
        }
        picker.details = details
        picker.note = Wording.listNote(kind, list, keys: keys)
    }

    /// The family of the checkpoint the request names: its list entry's base,
    /// else what its file name says.
    /// Kept for the request's revision and the list (familyOfCheckpoint): each action asks twice, the form's frame once.
    static func checkpointFamily(_ state: AppState, of request: Request? = nil) -> ModelFamily {
        familyOfCheckpoint(request ?? state.request, state.formLists[.checkpoint])
    }

    /// Looking the checkpoint up copies its field's spec and walks the list:
    /// a share of every key (keyp19, issue 18), for a value that changes with the request or the list.
    private static let familyOfCheckpoint = RequestDerived<ModelListState, ModelFamily> { request, list in
        let checkpoint = request.checkpoint
        if let item = list.item(named: checkpoint) { return item.family }
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
        let list = state.formLists[kind]
        // A name being typed at the cursor (`<lora:add_de`, `easyneg`) is completed: it filters the list (issue 19).
        let typed = completionAtCursor(state, for: kind)?.typed ?? ""
        var picker = PickerState(purpose: .insert(kind), title: Wording.insertTitle(kind),
                                 options: list.names, filter: TextBuffer(typed), selected: 0, freeText: true)
        describe(&picker, kind: kind, state)
        // LoRAs made for the checkpoint's base first, marked, as for ControlNet models.
        let family = checkpointFamily(state)
        if family != .unknown {
            let fitting = list.items.filter { $0.family == family }.map(\.name)
            picker.fits = Set(fitting)
            picker.options = fitting + picker.options.filter { !picker.fits.contains($0) }
        }
        state.view.overlay = .picker(picker)
    }

    /// The LoRA or embedding name being typed before the cursor of the text being edited, if any.
    static func completionAtCursor(_ state: AppState) -> PromptAttention.Partial? {
        guard let buffer = state.view.editing?.buffer else { return nil }
        return PromptAttention.partialName(before: buffer.charactersBeforeCursor(limit: PromptAttention.networkLimit))
    }

    /// The name a pick from `kind`'s list completes: for a LoRA only a
    /// `<lora:…` being typed; a plain word before the cursor is the
    /// prompt's own (`a cat`), never taken for a LoRA's name.
    static func completionAtCursor(_ state: AppState, for kind: ModelListKind) -> PromptAttention.Partial? {
        guard let partial = completionAtCursor(state) else { return nil }
        return kind == .lora && !partial.tag ? nil : partial
    }

    /// What a pick inserts: `<lora:NAME:1>` (weight 1, edited after), an
    /// embedding's name as it is; a typed token (`<lora:x:0.6>`) as typed.
    static func token(_ kind: ModelListKind, _ choice: String) -> String {
        if choice.hasPrefix("<") || kind != .lora { return choice }
        return "<lora:\(choice):1>"
    }

    // MARK: Commands (declared in Input/Commands/OverlayCommands.swift)

    static func openHelp(_ state: inout AppState) -> [Effect] {
        state.view.overlay = .help(scroll: 0)
        return []
    }

    static func scrollHelp(_ state: inout AppState, by lines: Int) -> [Effect] {
        guard case let .help(scroll)? = state.view.overlay else { return [] }
        state.view.overlay = .help(scroll: max(0, scroll + lines))
        return []
    }

    /// The commands that do something here, in the help's order (the footer's: narrowest first).
    static func openPalette(_ state: inout AppState) -> [Effect] {
        var options: [String] = []
        var searchWords: [String: String] = [:]
        var keyLabels: [String: String] = [:]
        // Each command named as the help names it for the profile's kind (an A1111 profile has a login, not keys).
        let server = state.connection.server
        for binding in state.keys.rows(in: state.scopes + [.global]) where Commands.exists(binding.command, on: server) {
            let title = Wording.helpTitle(binding.command, server: server)
            guard !options.contains(title) else { continue }
            options.append(title)
            searchWords[title] = CommandSynonyms.searchWords(binding.command)
            keyLabels[title] = binding.keys.first?.label
        }
        var picker = PickerState(purpose: .palette, title: Wording.paletteTitle, options: options,
                                 filter: TextBuffer(""), selected: 0, freeText: false)
        picker.searchWords = searchWords
        picker.keyLabels = keyLabels
        state.view.overlay = .picker(picker)
        return []
    }

    /// A new item of the focused group: its preset asked first where the group has presets.
    static func openAddUnitPicker(_ state: inout AppState) -> [Effect] {
        guard state.screen == .compose else { return [] }
        addItem(&state)
        return []
    }

    /// Why no item can be added: the endpoint has no repeated group.
    static func cannotAddUnit(_ state: AppState) -> String? {
        guard focusedGroup(state) == nil else { return nil }
        return Wording.noGroup(state.endpoint, switchKey: state.keys.label(.switchEndpoint))
    }

    /// The LoRA or embedding picker: over the text being typed, or on the
    /// prompt (not typing it yet) an edit starts with the cursor at the end.
    static func insertModelToken(_ state: inout AppState, _ kind: ModelListKind) -> [Effect] {
        if state.view.editing == nil {
            guard state.screen == .compose, let field = state.focusedField, field.takesModelTokens else { return [] }
            beginEdit(&state, field: field, initial: nil)
        }
        openInsertPicker(&state, kind)
        return []
    }

    /// Yes to the question asked.
    static func answerYes(_ state: inout AppState) -> [Effect] {
        guard case let .confirm(question)? = state.view.overlay else { return [] }
        state.view.overlay = nil
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
        case let .resend(record, _, _):
            return resendNow(&state, record)
        }
    }

    /// A history row deleted without its images (issue 11).
    static func deleteKeepingImages(_ state: inout AppState) -> [Effect] {
        guard case let .confirm(.deleteEntry(id, _))? = state.view.overlay else { return [] }
        state.view.overlay = nil
        return [.deleteEntry(id: id)]
    }

    /// Any key the question does not take says no.
    static func decline(_ state: inout AppState) -> [Effect] {
        guard case let .confirm(question)? = state.view.overlay else { return [] }
        state.view.overlay = nil
        if question == .quit {
            // Not "F5 sends" where sends are refused (a newcomer's re-check of issue 21).
            let text = state.historyRefusesSends.map(Wording.stillHereSendsRefused) ?? Wording.stillHere(submitKey: state.keys.label(.submit))
            state.status = StatusMessage(text: text, kind: .info)
        } else if case let .resend(record, _, _) = question {
            state.status = StatusMessage(text: Wording.notSentAgain(record.idTask), kind: .info)
        }
        return []
    }

    static func closeOverlay(_ state: inout AppState) -> [Effect] {
        state.view.overlay = nil
        return []
    }

    /// Enter in an input box: its line, trimmed, for what it asked.
    static func confirmInput(_ state: inout AppState) -> [Effect] {
        guard case let .input(prompt)? = state.view.overlay else { return [] }
        state.view.overlay = nil
        let text = prompt.text.text.trimmed
        switch prompt.purpose {
        case let .saveImages(record):
            guard !text.isEmpty else { return [] }
            state.status = StatusMessage(text: Wording.savingImages(record.idTask, to: text), kind: .info)
            return [.saveImages(record, folder: text)]
        case .loadRequest:
            guard !text.isEmpty else { return [] }
            state.status = StatusMessage(text: Wording.loadingRequest, kind: .info)
            return [.loadRequest(prompt.text.text, current: state.endpoint)]
        case .saveEndpoint:
            guard !text.isEmpty, state.endpoint.isCustom else { return [] }
            return [.saveUserEndpoint(CustomEndpoint.catalogEntry(for: state.request, title: text), file: state.connection.catalogFile)]
        }
    }

    /// The picker's highlight, moved within its matches.
    static func movePickerSelection(_ state: inout AppState, by delta: Int) -> [Effect] {
        guard case var .picker(picker)? = state.view.overlay else { return [] }
        picker.selected = min(max(0, picker.matches.count - 1), max(0, picker.selected + delta))
        state.view.overlay = .picker(picker)
        return []
    }

    /// Enter takes the highlighted match; Tab (`typed`) the typed text as it
    /// is, on a free-text field.
    static func pick(_ state: inout AppState, typed: Bool) -> [Effect] {
        guard case let .picker(picker)? = state.view.overlay else { return [] }
        let matches = picker.matches
        let text = picker.filter.text.trimmed
        let choice: String?
        if typed, picker.freeText, !text.isEmpty {
            choice = text
        } else if matches.indices.contains(picker.selected) {
            choice = matches[picker.selected]
        } else if picker.freeText, !text.isEmpty {
            choice = text
        } else {
            choice = nil
        }
        guard let choice else { return [] }
        state.view.overlay = nil
        return choose(&state, picker.purpose, choice)
    }

    static func choose(_ state: inout AppState, _ purpose: PickerState.Purpose, _ choice: String) -> [Effect] {
        switch purpose {
        case let .field(id):
            commit(&state, field: id, text: choice)
        case let .addItem(group):
            guard let (field, spec) = state.endpoint.group(at: group),
                  let preset = spec.presets?.preset(named: choice) else { return [] }
            let fresh = spec.newItem(preset: preset, family: checkpointFamily(state))
            // A server with its own module and model lists (A1111's) gets names from them, not the catalog's.
            let lists = state.formLists
            let listed = { (key: String?) in key.flatMap { spec.field($0)?.serverList }.map { lists[$0].names } }
            let model = spec.fields.first { $0.role == .fitsCheckpoint }?.path
            let (item, fit) = spec.fittingServer(fresh, preset: preset, modules: listed(spec.presets?.by), models: listed(model),
                                                 family: checkpointFamily(state))
            appendItem(&state, field, item, preset: preset.name)
            if fit.changed {
                state.status = StatusMessage(text: Wording.unitFitsServer(state.status?.text ?? "", preset: preset.name, fit: fit),
                                             kind: fit.noModule || fit.noModel ? .error : .info)
            }
        case .palette:
            let server = state.connection.server
            if let command = Command.allCases.first(where: { Wording.helpTitle($0, server: server) == choice }) {
                return Commands.perform(&state, command)
            }
        case let .insert(kind):
            // Into the text being edited, at its cursor; the cursor ends after the token.
            guard state.view.editing != nil else { return [] }
            let picked = token(kind, choice)
            if let partial = completionAtCursor(state, for: kind), PromptAttention.completes(partial, with: picked) {
                state.view.editing?.buffer.replaceBeforeCursor(partial.length, with: picked)
            } else {
                // Right after a word, a space first: the word stays a word (`a cat <lora:x:1>`, not `a cat<lora:x:1>`).
                let previous = state.view.editing?.buffer.charactersBeforeCursor(limit: 1).last
                let glued = previous.map { !$0.isWhitespace && !"([{".contains($0) } ?? false
                state.view.editing?.buffer.insert(glued ? " " + picked : picked)
            }
            applyEditBuffer(&state)
        case .endpoint:
            let kept = [state.endpoint] + state.otherForms.values.map(\.request.endpoint)
            if choice == customRequestLabel {
                switchEndpoint(&state, to: CustomEndpoint.endpoint(path: ""))
            } else if let target = (state.catalog.endpoints + kept).first(where: { endpointPickerLabel($0) == choice }) {
                switchEndpoint(&state, to: target)
            }
        case .profile:
            state.status = StatusMessage(text: Wording.switchingProfile(choice), kind: .info)
            return [.switchProfile(choice)]
        case .useImage, .textCandidate, .textDestination:
            return chooseUse(&state, purpose, choice)
        }
        return []
    }
}
