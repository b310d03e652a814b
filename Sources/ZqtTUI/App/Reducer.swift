// The one place state changes: reduce(state, action) -> effects.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

enum Reducer {
    static let spinner: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    static func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
        let shown = PictureReducer.historyShownKey(state)
        var effects = reduceAction(&state, action)
        // A history row or entry newly on screen: its images, beside it (issue 11).
        if PictureReducer.historyShownKey(state) != shown { effects += PictureReducer.historyShownChanged(&state) }
        // A form changed: its draft is saved a moment later (issue 4).
        return effects + SessionReducer.draftsChanged(&state)
    }

    private static func reduceAction(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case let .key(key):
            return handleKey(&state, key)
        case let .paste(text):
            // A paste is text, never commands: its control characters are dropped.
            if state.view.editing != nil, state.view.overlay == nil {
                let clean = PastedText.clean(text, multiline: editingMultiline(state))
                state.view.editing?.buffer.insert(clean)
                applyEditBuffer(&state)
            } else if case var .input(prompt)? = state.view.overlay {
                // A curl command pasted over several lines: its continuations join them.
                let joined = text.replacing("\\\r\n", with: " ").replacing("\\\n", with: " ")
                prompt.text.insert(PastedText.clean(joined, multiline: false))
                state.view.overlay = .input(prompt)
            } else if case var .picker(picker)? = state.view.overlay {
                picker.filter.insert(PastedText.clean(text, multiline: false))
                picker.selected = 0
                state.view.overlay = .picker(picker)
            } else if state.view.overlay == nil, let field = state.focusedField, case .text = field.kind {
                // Pasting onto a text field starts an edit with the pasted text appended.
                beginEdit(&state, field: field, initial: nil)
                let clean = PastedText.clean(text, multiline: editingMultiline(state))
                state.view.editing?.buffer.insert(clean)
                applyEditBuffer(&state)
            }
            return []
        case let .typed(text):
            var effects: [Effect] = []
            var rest = Substring(text)
            while let first = rest.first {
                if state.view.editing != nil, state.view.overlay == nil {
                    // Typed text in an edit goes in as it would a key at a time, with one insert.
                    state.view.editing?.buffer.insert(String(rest))
                    applyEditBuffer(&state)
                    break
                }
                effects += handleKey(&state, .char(first))
                rest = rest.dropFirst()
            }
            return effects
        case let .userEndpointSaved(endpoint, file):
            state.catalog = state.catalog.overlaid(with: [endpoint])
            userEndpointSaved(&state, endpoint, file: file)
            return [.useCatalog(state.catalog)]
        case let .userEndpointFailed(message):
            state.status = StatusMessage(text: "Not saved as an endpoint: \(message)", kind: .error)
            return []
        case let .requestLoaded(loaded, source):
            if state.hasUnsentEdits(in: loaded.request.endpoint) {
                state.view.overlay = .confirm(.replaceWithLoaded(loaded, source: source))
            } else {
                showLoaded(&state, loaded, source: source)
            }
            return []
        case let .keysChecked(error):
            keysAnswered(&state, error)
            return []
        case let .requestLoadFailed(message):
            state.status = StatusMessage(text: "Not loaded: \(message)", kind: .error)
            return []
        case let .resize(size):
            state.view.size = size
            state.needsFullRedraw = true
            return []
        case .tick:
            state.spinnerFrame = (state.spinnerFrame + 1) % spinner.count
            return []
        case let .submitFinished(request, recordID, result):
            return submitFinished(&state, request: request, recordID: recordID, result: result)
        case let .submitUnanswered(request, recordID, error, confirmation):
            return submitUnanswered(&state, request: request, recordID: recordID, error: error, confirmation: confirmation)
        case let .poll(recordID, idTask, event):
            var effects = refreshHistoryIfShown(state, changed: recordID)
            guard state.task?.idTask == idTask else {
                // A task resumed from an earlier session: say so when it ends.
                if case let .update(info) = event, info.phase.isTerminal {
                    let images = info.phase != .succeeded ? "" : info.texts.isEmpty
                        ? " · " + Wording.count(info.results.count, "image") : " · " + Wording.oneLine(info.texts.first ?? "")
                    state.status = StatusMessage(text: "Earlier task \(idTask): \(info.desc)\(images)",
                                                 kind: info.phase == .succeeded ? .success : .error)
                }
                return effects
            }
            switch event {
            case let .update(info):
                state.task = TrackedTask(recordID: recordID, idTask: idTask, status: info.status, desc: info.desc,
                                         progress: info.progress, phase: info.phase, resultCount: info.results.count,
                                         texts: info.texts, result: state.task?.result ?? .images)
                if info.phase == .succeeded, let seed = info.results.first?.seed { state.lastResultSeed = seed }
                state.status = taskStatus(state.task!)
                effects += PictureReducer.taskUpdated(&state, recordID: recordID, idTask: idTask, info: info)
            case let .retrying(error, attempt):
                state.status = StatusMessage(text: "Task \(idTask): \(error.message); retrying (\(attempt))", kind: .error)
                effects = []
            }
            return effects
        case let .pollEnded(recordID, idTask, error):
            let effects = refreshHistoryIfShown(state, changed: recordID)
            guard let error else { return effects }
            if state.task?.idTask == idTask { state.task?.phase = .failed }
            if error != .cancelled {
                state.status = StatusMessage(text: "Task \(idTask): \(error.message)", kind: .error)
            }
            return effects
        case let .modelListsCached(lists, now):
            return modelListsCached(&state, lists, now: now)
        case let .modelListRead(kind, path, result):
            return modelListRead(&state, kind, path: path, result)
        case let .profileSwitched(result):
            return profileSwitched(&state, result)
        case .picturesFetched, .intermediateFetched, .contactSheetLoaded, .contactSheetFailed, .pictureModeFound, .picturePrepared:
            return PictureReducer.reduce(&state, action)
        case .picturesWanted, .picturesDecoded:
            return PictureDecodingReducer.reduce(&state, action)
        case .firstFrameDrawn, .draftSaveDue:
            return SessionReducer.reduce(&state, action)
        case let .clipboardWritten(what, bytes):
            let size = bytes >= 1024 ? "\(JSONWriter.formatNumber((Double(bytes) / 102.4).rounded() / 10)) KB" : "\(bytes) B"
            state.status = StatusMessage(text: "Copied \(what) (\(size)) to the clipboard (OSC 52)", kind: .success)
            return []
        case .historyLoaded, .entriesLoaded, .historyFailed, .entryDeleted, .entryQueried, .imagesSaved:
            return reduceHistory(&state, action)
        case let .editorFinished(field, text, error):
            state.needsFullRedraw = true
            if let error {
                state.status = StatusMessage(text: error, kind: .error)
            } else if let text {
                commit(&state, field: field, text: text.hasSuffix("\n") ? String(text.dropLast()) : text)
            }
            return []
        }
    }

    // MARK: Keys

    static func handleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
        if key == .resize { return [] }
        if let overlay = state.view.overlay {
            return handleOverlayKey(&state, overlay, key)
        }
        if state.view.editing != nil {
            return handleEditKey(&state, key)
        }
        if state.screen == .history, state.history.filterFocused, state.history.mode == .list {
            // The filter's own keys first (Ctrl-E is the end of the line here), then
            // the global ones that make sense while typing (help, quit, F2); letters are text.
            if case .char = key {} else if KeyBindings.command(for: key, only: [.historyFilter, .lineEditing]) == nil,
                                            let command = KeyBindings.command(for: key, scopes: [.global]) {
                return run(&state, command)
            }
            return handleFilterKey(&state, key)
        }
        if let command = KeyBindings.command(for: key, scopes: state.scopes) {
            return run(&state, command)
        }
        guard state.screen == .compose else { return [] }
        // Typing a number on a slider or number field sets it exactly.
        if case let .char(c) = key, let field = state.focusedField, c.isNumber || c == "-" || c == "." {
            switch field.kind {
            case .slider, .integer:
                beginEdit(&state, field: field, initial: "")
                state.view.editing?.buffer.insert(String(c))
                applyEditBuffer(&state)
            default: break
            }
        }
        if key == .char(" "), let field = state.focusedField, field.kind == .toggle {
            toggle(&state, field)
        }
        return []
    }

    static func run(_ state: inout AppState, _ command: Command) -> [Effect] {
        switch command {
        case .history:
            // The other screen's pictures stay behind: nothing enlarged, no sheet, keys to the screen.
            state.view.picturesFocused = false
            state.view.zoom = nil
            state.view.contactSheet = nil
            state.view.contactSheetAsked = nil
            return toggleHistory(&state)
        case .showPictures, .nextPicture, .previousPicture, .enlargePicture, .closePictures, .contactSheet:
            return PictureReducer.run(&state, command)
        case .switchEndpoint: return openEndpointPicker(&state)
        case .switchProfile: return openProfilePicker(&state)
        case .filterHistory, .showBatch, .selectNext, .selectPrevious, .selectPageDown, .selectPageUp, .selectFirst, .selectLast,
             .openEntry, .closeView, .editInForm, .resend, .queryNow, .deleteEntry, .copyRequest, .copyResultURLs,
             .saveImages, .markEntry, .compareWithForm, .compareWithMarked:
            return state.screen == .history ? runHistory(&state, command) : []
        case .toImage2Image, .toControlNetUnit, .useTextAsPrompt:
            if state.screen == .history { return runHistory(&state, command) }
            // The last task sent from the form: its row, read fresh.
            guard let id = state.task?.recordID else { return [] }
            let purpose: EntryPurpose = command == .toImage2Image ? .toImage2Image : command == .toControlNetUnit ? .toControlNetUnit : .useTextAsPrompt
            return [.loadEntries([id], purpose)]
        default:
            break
        }
        if state.screen == .history, ![.quit, .help, .palette, .redraw].contains(command) { return [] }
        let fields = state.fields
        let index = fields.firstIndex { $0.id == state.view.focus } ?? 0
        switch command {
        case .submit:
            return submit(&state)
        case .saveAsEndpoint:
            return askToSaveAsEndpoint(&state)
        case .loadRequest:
            state.view.overlay = .input(InputPrompt(purpose: .loadRequest, title: "Load a request: a JSON file's path, or paste a curl command",
                                                    text: TextBuffer("")))
            return []
        case .quit:
            if state.anyUnsentEdits {
                state.view.overlay = .confirm(.quit)
                return []
            }
            state.quitting = true
            return [.quit]
        case .help:
            state.view.overlay = .help(scroll: 0)
        case .palette:
            // The commands that do something here, in the key table's order.
            let scopes = state.scopes + [.global]
            var options: [String] = []
            for binding in KeyBindings.table where scopes.contains(binding.scope) && !options.contains(binding.command.title) {
                options.append(binding.command.title)
            }
            state.view.overlay = .picker(PickerState(purpose: .palette, title: "Command", options: options,
                                                     filter: TextBuffer(""), selected: 0, freeText: false))
        case .nextField:
            focus(&state, fields[min(fields.count - 1, index + 1)].id)
        case .previousField:
            focus(&state, fields[max(0, index - 1)].id)
        case .edit:
            guard let field = state.focusedField else { return [] }
            switch field.kind {
            case .text, .integer, .slider: beginEdit(&state, field: field, initial: nil)
            case .toggle: toggle(&state, field)
            case let .choice(options, freeText): openPicker(&state, field: field, options: options, freeText: freeText)
            case .itemRow:
                if let place = field.id.itemPlace, let index = place.index { openItem(&state, place.group, index) }
            case .action: return run(&state, .addUnit)
            }
        case .stepUp, .stepDown, .coarseUp, .coarseDown:
            step(&state, command)
        case .togglePreview:
            state.view.showPreviewWhenNarrow.toggle()
        case .previewUp:
            state.view.previewOffset -= max(1, state.view.size.height / 3)
        case .previewDown:
            state.view.previewOffset += max(1, state.view.size.height / 3)
        case .addUnit:
            addItem(&state)
        case .removeUnit, .duplicateUnit, .moveUnitUp, .moveUnitDown, .toggleUnit:
            editUnits(&state, command)
        case .back:
            closeItem(&state)
        case .randomSeed:
            guard let seed = state.endpoint.field(role: .seed) else { return [] }
            state.request[seed.path] = .int(-1)
            state.drafts[FieldID(seed.path)] = nil
        case .reuseSeed:
            if let seed = state.lastResultSeed, let field = state.endpoint.field(role: .seed) {
                state.request[field.path] = .int(seed)
                state.drafts[FieldID(field.path)] = nil
                state.status = StatusMessage(text: "Seed set to the last result's \(seed)", kind: .info)
            } else {
                state.status = StatusMessage(text: "No result yet: send a request and wait for it to finish", kind: .error)
            }
        case .regenerateID:
            state.request.taskID = TaskIDGenerator.shared.next()
            state.drafts[FieldID(state.endpoint.taskIDPath)] = nil
        case .openInEditor:
            guard let field = state.focusedField, case .text = field.kind else { return [] }
            let text = state.drafts[field.id]?.text ?? FieldValues.text(of: field.id, in: state.request)
            return [.openEditor(field.id, text: text)]
        case .redraw:
            state.needsFullRedraw = true
        case .refreshModelLists:
            return refreshModelLists(&state, announce: true)
        case .copyAsCurl:
            // The request as the preview shows it; the keys stay as $ZQT_ACCESS_KEY_* references,
            // as a clipboard ends up in chats and tickets (RequestExport).
            let command = RequestExport.snippet(.curl, request: state.request, baseURL: state.connection.baseURL)
            return [.copyToClipboard(command, what: "the request as a curl command")]
        case .insertLora, .insertEmbedding:
            // On the prompt (not typing it yet): an edit starts with the cursor at the end.
            guard let field = state.focusedField, field.takesModelTokens else { return [] }
            beginEdit(&state, field: field, initial: nil)
            openInsertPicker(&state, command == .insertLora ? .lora : .embedding)
        default:
            break
        }
        return []
    }
}
