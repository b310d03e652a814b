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
        let effects = reduceAction(&state, action)
        // A history row or entry newly on screen: its images, beside it (issue 11).
        return PictureReducer.historyShownKey(state) == shown ? effects : effects + PictureReducer.historyShownChanged(&state)
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
            userEndpointSaved(&state, endpoint, file: file)
            return []
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
            case .unitRow:
                if let unit = field.id.unitIndex { openUnit(&state, unit) }
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
            guard state.endpoint.controlNetUnitsField != nil else {
                state.status = StatusMessage(text: "\(state.endpoint.title) takes no ControlNet units: \(KeyBindings.label(.switchEndpoint)) switches to ControlNet", kind: .error)
                return []
            }
            state.view.overlay = .picker(PickerState(purpose: .addUnit, title: "Add a ControlNet unit: control type",
                                                     options: ControlNetCatalog.controlTypes.map(\.serviceName),
                                                     filter: TextBuffer(""), selected: 0, freeText: false))
        case .removeUnit, .duplicateUnit, .moveUnitUp, .moveUnitDown, .toggleUnit:
            editUnits(&state, command)
        case .back:
            if let unit = state.view.openUnit {
                state.view.openUnit = nil
                state.view.focus = .unitRow(unit)
                state.view.previewOffset = 0
            }
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

    static func focus(_ state: inout AppState, _ id: FieldID) {
        if state.view.focus != id { state.view.previewOffset = 0 }
        state.view.focus = id
    }

    // MARK: Endpoints

    /// The switcher's line for an endpoint: its group and title. The custom
    /// request has one line whatever path its form names.
    static func endpointPickerLabel(_ endpoint: Endpoint) -> String {
        endpoint.isCustom ? customRequestLabel : "\(endpoint.group) · \(endpoint.title)"
    }

    static let customRequestLabel = "\(CustomEndpoint.group) · \(CustomEndpoint.title): any path, a JSON body"

    static func openProfilePicker(_ state: inout AppState) -> [Effect] {
        let names = state.connection.profiles
        guard !names.isEmpty else {
            state.status = StatusMessage(text: "No profiles to switch to: the config file holds none (zqt --help says where it goes)", kind: .info)
            return []
        }
        var picker = PickerState(purpose: .profile, title: "Profile (now \(state.connection.profile))", options: names,
                                 filter: TextBuffer(""), selected: names.firstIndex(of: state.connection.profile) ?? 0,
                                 freeText: false)
        picker.details = state.connection.profileDetails
        state.view.overlay = .picker(picker)
        return []
    }

    /// After the switcher: the title line and what the next send uses.
    static func profileSwitched(_ state: inout AppState, _ result: Result<ProfileSwitch, ProfileSwitchFailure>) -> [Effect] {
        switch result {
        case let .failure(failure):
            state.status = StatusMessage(text: "Profile not switched: \(failure.message)", kind: .error)
            return []
        case let .success(chosen):
            state.connection.profile = chosen.name
            state.connection.baseURL = chosen.baseURL
            state.connection.isSandbox = false
            state.connection.keysProblem = nil
            if chosen.hasKeys {
                state.status = StatusMessage(text: "Profile \(chosen.name): the next send goes to \(chosen.baseURL)", kind: .success)
            } else {
                noKeys(&state)
            }
            // The new service's (or account's) lists; their read also tells whether the keys work.
            let paths = state.modelLists.paths
            state.modelLists = ModelLists()
            state.modelLists.paths = paths
            return [.loadCachedModelLists]
        }
    }

    /// What a call at start (a model list read, the key check) tells of the
    /// keys: nil, the service took them; missing or refused keys are said
    /// once, at once, not at the first send (issue 10); other faults say nothing of them.
    static func keysAnswered(_ state: inout AppState, _ error: APIError?) {
        guard let error else {
            state.connection.keysProblem = nil
            return
        }
        if let text = Wording.keysProblem(error, profile: state.connection.profile), state.connection.keysProblem == nil {
            state.connection.keysProblem = text
            state.status = StatusMessage(text: text, kind: .error)
        }
    }

    /// No keys: said at once rather than at the first send.
    static func noKeys(_ state: inout AppState) {
        let text = "No access keys for profile \(state.connection.profile): nothing can be sent "
            + "(set ZQT_ACCESS_KEY_ID and ZQT_ACCESS_KEY_SECRET, or a profile's keys; \(KeyBindings.label(.switchProfile)) switches profile)"
        state.connection.keysProblem = text
        state.status = StatusMessage(text: text, kind: .error)
    }

    static func openEndpointPicker(_ state: inout AppState) -> [Effect] {
        // The complete forms (the user's own among them), any other endpoint
        // whose form is kept (opened from a history row), and the custom request.
        var options = EndpointCatalog.active.readyGroups.flatMap { $0.endpoints.map(endpointPickerLabel) }
        for endpoint in ([state.endpoint] + state.otherForms.values.map(\.request.endpoint)) where !endpoint.ready {
            let label = endpointPickerLabel(endpoint)
            if !options.contains(label) { options.append(label) }
        }
        if !options.contains(customRequestLabel) { options.append(customRequestLabel) }
        state.view.overlay = .picker(PickerState(purpose: .endpoint, title: "Endpoint (now \(state.endpoint.title))", options: options,
                                                 filter: TextBuffer(""), selected: options.firstIndex(of: endpointPickerLabel(state.endpoint)) ?? 0,
                                                 freeText: false))
        return []
    }

    /// Shows another endpoint's form: the one kept for it this session or
    /// from its draft, else a fresh one. The form left is kept as it is.
    static func switchEndpoint(_ state: inout AppState, to target: Endpoint) {
        state.screen = .compose
        guard target.formKey != state.endpoint.formKey else { return }
        let form = state.form(of: target) ?? state.freshForm(for: target, taskID: TaskIDGenerator.shared.next())
        show(&state, form)
        if target.isCustom {
            state.status = StatusMessage(text: "Custom request: the path under \(Endpoint.pathPrefix), then the body as JSON; "
                                             + "\(KeyBindings.label(.submit)) sends it, \(KeyBindings.label(.saveAsEndpoint)) saves it as your own endpoint",
                                         kind: .info)
        } else {
            state.status = StatusMessage(text: "\(target.title) (\(target.reference)): fill the form, \(KeyBindings.label(.submit)) sends it", kind: .info)
        }
    }

    /// Puts a request in its endpoint's form on screen. The form on screen,
    /// when it is another endpoint's, is kept aside as it is. The target
    /// form keeps its own typed text and what counts as saved, unless
    /// `drafts` are given; a form new this session counts as saved when it is a fresh one.
    static func show(_ state: inout AppState, _ request: Request, drafts: [FieldID: Draft]? = nil) {
        let target = request.endpoint
        var keptDrafts = state.drafts
        var keptBaseline: String? = state.baselineJSON
        if target.formKey != state.endpoint.formKey {
            let aside = state.otherForms.removeValue(forKey: target.formKey)
            state.otherForms[state.endpoint.formKey] = ParkedForm(request: state.request, drafts: state.drafts,
                                                                  baselineJSON: state.baselineJSON)
            keptDrafts = aside?.drafts ?? [:]
            keptBaseline = aside?.baselineJSON
        }
        let fields = FormSchema.mainFields(request)
        state.request = request
        // Typed text a field could not use stays with its form, while the field is there.
        let ids = Set(fields.map(\.id))
        state.drafts = drafts ?? keptDrafts.filter { ids.contains($0.key) || $0.key.unitIndex != nil }
        state.baselineJSON = keptBaseline ?? state.freshForm(for: target, taskID: request.taskID).wireJSON
        state.view.openUnit = nil
        state.view.editing = nil
        state.view.focus = fields.first?.id ?? FieldID("prompt")
        state.view.previewOffset = 0
        state.view.showProblems = false
        state.screen = .compose
    }

    /// A loaded request in its endpoint's form; what reading it noticed (members
    /// no field names, headers zqt does not send) is said, nothing dropped silently.
    static func showLoaded(_ state: inout AppState, _ loaded: ImportedRequest, source: String) {
        show(&state, loaded.request)
        let notes = loaded.notes.map { $0.path.isEmpty ? $0.message : "\($0.path): \($0.message)" }
        let said = notes.isEmpty ? "" : " · " + notes.joined(separator: " · ")
        state.status = StatusMessage(text: "Loaded into \(loaded.request.endpoint.title) from \(source)\(said)", kind: notes.isEmpty ? .success : .info)
    }

    /// Asks for the title a custom request is saved under as an endpoint of one's own (issue 9).
    static func askToSaveAsEndpoint(_ state: inout AppState) -> [Effect] {
        guard state.endpoint.isCustom else { return [] }
        let path = state.endpoint.id
        guard !path.isEmpty else {
            state.status = StatusMessage(text: "Give the custom request a path first: it is what the endpoint is saved as", kind: .error)
            return []
        }
        if EndpointCatalog.shipped.endpoint(id: path) != nil {
            state.status = StatusMessage(text: "\(path) has a form that ships with zqt (\(KeyBindings.label(.switchEndpoint))); "
                                             + "to change it, add an entry with that id to \(state.connection.catalogFile)", kind: .error)
            return []
        }
        state.view.overlay = .input(InputPrompt(purpose: .saveEndpoint, title: "Save \(path) as an endpoint named",
                                                text: TextBuffer(path.split(separator: "/").last.map(String.init) ?? path)))
        return []
    }

    /// A custom request was saved as an endpoint: its form takes the body on, the custom form stays as it was.
    static func userEndpointSaved(_ state: inout AppState, _ endpoint: Endpoint, file: String) {
        guard state.endpoint.isCustom else { return }
        let body = state.request.body
        show(&state, Request(endpoint: endpoint, body: body))
        state.status = StatusMessage(text: "Saved as \"\(endpoint.title)\" in \(file); \(KeyBindings.label(.switchEndpoint)) lists it under \(endpoint.group)",
                                     kind: .success)
    }

    static func openUnit(_ state: inout AppState, _ index: Int) {
        state.view.openUnit = index
        state.view.previewOffset = 0
        state.view.focus = .unit(index, .controlType)
    }

    // MARK: Editing text

    static func beginEdit(_ state: inout AppState, field: FormField, initial: String?) {
        let current = state.drafts[field.id]?.text ?? FieldValues.text(of: field.id, in: state.request)
        state.view.editing = EditState(field: field.id, buffer: TextBuffer(initial ?? current),
                                       originalRequest: state.request, originalDraft: state.drafts[field.id])
    }

    /// Width of the value column text wraps in, as the form lays it out.
    static func editWidth(_ state: AppState) -> Int {
        max(10, Layout.regions(for: state.view.size, showPreview: state.view.showPreviewWhenNarrow).form.width - Layout.labelWidth - 3)
    }

    /// Whether the field being edited takes more than one line.
    static func editingMultiline(_ state: AppState) -> Bool {
        if let field = state.focusedField, case let .text(lines) = field.kind { return lines > 1 }
        return false
    }

    static func handleEditKey(_ state: inout AppState, _ key: Key) -> [Effect] {
        guard var editing = state.view.editing else { return [] }
        let width = editWidth(state)
        let multiline: Bool
        if let field = state.focusedField, case let .text(lines) = field.kind { multiline = lines > 1 } else { multiline = false }
        if case let .char(c) = key {
            editing.buffer.insert(String(c))
            state.view.editing = editing
            applyEditBuffer(&state)
            return []
        }
        // Every other key comes from the key table (scopes textEditing, lineEditing,
        // and promptText while a prompt is typed).
        guard let command = KeyBindings.command(for: key, only: editScopes(state)) else { return [] }
        switch command {
        case .insertLora, .insertEmbedding:
            openInsertPicker(&state, command == .insertLora ? .lora : .embedding)
            return []
        case .cancelEdit:
            // Cancel: back to the value before the edit, draft included.
            state.view.editing = nil
            state.request = editing.originalRequest
            state.drafts[editing.field] = editing.originalDraft
            return []
        case .finishEdit, .nextField, .previousField:
            finishEdit(&state, editing)
            if command == .finishEdit { return [] }
            return run(&state, command)
        case .newLine:
            if multiline { editing.buffer.insert("\n") }
        case .openInEditor:
            state.view.editing = nil
            return [.openEditor(editing.field, text: editing.buffer.text)]
        case .submit:
            finishEdit(&state, editing)
            return submit(&state)
        default:
            guard editing.buffer.apply(command, width: width) else { return [] }
        }
        state.view.editing = editing
        applyEditBuffer(&state)
        return []
    }

    /// Every keystroke updates the request when the text is usable, so the
    /// preview follows the typing; unusable text waits for Enter to be marked.
    static func applyEditBuffer(_ state: inout AppState) {
        guard let editing = state.view.editing else { return }
        if (try? applyText(&state, editing.field, editing.buffer.text)) != nil {
            state.drafts[editing.field] = nil
        }
    }

    /// Ends an edit with its text. When the text cannot be used, keystrokes
    /// applied on the way ("76" of "76x") are undone and the text stays as a draft.
    static func finishEdit(_ state: inout AppState, _ editing: EditState) {
        state.view.editing = nil
        if !commit(&state, field: editing.field, text: editing.buffer.text) {
            let draft = state.drafts[editing.field]
            state.request = editing.originalRequest
            state.drafts[editing.field] = draft
        }
    }

    @discardableResult
    static func commit(_ state: inout AppState, field: FieldID, text: String) -> Bool {
        do {
            try applyText(&state, field, text)
            state.drafts[field] = nil
            return true
        } catch {
            state.drafts[field] = Draft(text: text, message: error.message)
            state.status = StatusMessage(text: "\(label(of: field, in: state)): \(error.message)", kind: .error)
            return false
        }
    }

    static func applyText(_ state: inout AppState, _ field: FieldID, _ text: String) throws(FieldInputError) {
        try FieldValues.apply(text, to: field, in: &state.request)
    }

    static func label(of id: FieldID, in state: AppState) -> String {
        state.fields.first { $0.id == id }?.label ?? "Field"
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

    static func openPicker(_ state: inout AppState, field: FormField, options: [String], freeText: Bool) {
        let current = FieldValues.text(of: field.id, in: state.request)
        var picker = PickerState(purpose: .field(field.id), title: field.label, options: options,
                                 filter: TextBuffer(""), selected: 0, freeText: freeText)
        if let kind = field.modelList {
            // A service list (§1.4, §1.6): each item's name and base beside it, and the list's state.
            describe(&picker, state.modelLists[kind], kind: kind)
        } else if field.id.unitField == .model {
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
    static func checkpointFamily(_ state: AppState) -> ModelFamily {
        let checkpoint = state.request.checkpoint
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

    // MARK: Model lists

    /// How old a kept list may be before it is read again at start.
    static let listMaxAge: Double = 6 * 3600

    static func modelListsCached(_ state: inout AppState, _ lists: [ModelListKind: ModelList], now: Date) -> [Effect] {
        var stale: [ModelListKind] = []
        for kind in ModelListKind.allCases {
            let path = state.modelLists.paths.path(for: kind)
            guard let list = lists[kind] else {
                stale.append(kind)
                continue
            }
            state.modelLists[kind].set(list)
            // Read again when old, when dated in the future (a clock moved back), or kept from another path.
            let age = now.timeIntervalSince(list.fetchedAt)
            if age > listMaxAge || age < -3600 || list.path != path { stale.append(kind) }
        }
        // Every list fresh: nothing is read, so the keys are asked about on their own.
        if stale.isEmpty { return [.checkKeys] }
        return refreshModelLists(&state, only: stale, announce: false)
    }

    /// Reads lists again: all of them when the user asks, the stale ones at start.
    static func refreshModelLists(_ state: inout AppState, only kinds: [ModelListKind] = ModelListKind.allCases, announce: Bool) -> [Effect] {
        if announce, state.modelLists.refreshing {
            state.status = StatusMessage(text: Wording.alreadyRefreshing, kind: .info)
            return []
        }
        let kinds = kinds.filter { !state.modelLists[$0].refreshing }
        guard !kinds.isEmpty else { return [] }
        for kind in kinds { state.modelLists[kind].refreshing = true }
        if announce {
            state.modelLists.announceRefresh = true
            state.status = StatusMessage(text: Wording.refreshingLists, kind: .info)
        }
        return [.refreshModelLists(kinds)]
    }

    static func modelListRead(_ state: inout AppState, _ kind: ModelListKind, path: String, _ result: Result<ModelList, APIError>) -> [Effect] {
        state.modelLists[kind].refreshing = false
        switch result {
        case let .success(list):
            state.modelLists[kind].set(list)
            state.modelLists[kind].problem = nil
            keysAnswered(&state, nil)
        case let .failure(error):
            // The list kept from before stays; the picker says why it is not fresh.
            state.modelLists[kind].problem = Wording.listProblem(kind, path: path, error: error)
            keysAnswered(&state, error)
        }
        // A picker open over this list shows it as it is now.
        if case var .picker(picker)? = state.view.overlay {
            switch picker.purpose {
            case let .field(id) where state.fields.first(where: { $0.id == id })?.modelList == kind:
                picker.options = state.modelLists[kind].names
                describe(&picker, state.modelLists[kind], kind: kind)
                state.view.overlay = .picker(picker)
            case .insert(kind):
                let filter = picker.filter
                openInsertPicker(&state, kind)
                if case var .picker(fresh)? = state.view.overlay {
                    fresh.filter = filter
                    state.view.overlay = .picker(fresh)
                }
            default:
                break
            }
        }
        if state.modelLists.announceRefresh, !state.modelLists.refreshing {
            state.modelLists.announceRefresh = false
            state.status = Wording.refreshed(state.modelLists)
        }
        return []
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
        case .addUnit:
            guard let type = ControlNetCatalog.controlType(named: choice) else { return [] }
            var units = state.request.controlNetUnits ?? []
            units.append(ControlNetUnit(controlType: type))
            state.request.controlNetUnits = units
            openUnit(&state, units.count - 1)
            state.status = StatusMessage(text: "Added a \(type.serviceName) unit: set its control image, then Esc to go back", kind: .info)
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
            } else if let target = (EndpointCatalog.active.endpoints + kept).first(where: { endpointPickerLabel($0) == choice }) {
                switchEndpoint(&state, to: target)
            }
        case .profile:
            state.status = StatusMessage(text: "Switching to profile \(choice)…", kind: .info)
            return [.switchProfile(choice)]
        }
        return []
    }

    // MARK: Units

    static func editUnits(_ state: inout AppState, _ command: Command) {
        guard state.view.focus.isUnitRow, let index = state.view.focus.unitIndex, var units = state.request.controlNetUnits,
              units.indices.contains(index) else { return }
        switch command {
        case .removeUnit:
            units.remove(at: index)
            state.view.focus = units.isEmpty ? .addUnit : .unitRow(min(index, units.count - 1))
            state.status = StatusMessage(text: "Removed unit \(index + 1)", kind: .info)
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

    // MARK: Submit

    static func submit(_ state: inout AppState) -> [Effect] {
        // Typed text that could not be used comes first: it is what the user sees marked.
        let order = allFieldOrder(state)
        if let (id, draft) = order.compactMap({ id in state.drafts[id].map { (id, $0) } }).first {
            moveFocus(&state, to: id)
            state.status = StatusMessage(text: "Not sent: \(label(of: id, in: state)): \(draft.message)", kind: .error)
            return []
        }
        let problems = state.problems
        if let first = problems.first {
            state.view.showProblems = true
            if let id = field(forPath: first.path, in: state) { moveFocus(&state, to: id) }
            let more = problems.count > 1 ? " (+\(problems.count - 1) more)" : ""
            state.status = StatusMessage(text: "Not sent: \(first.path): \(first.message)\(more)", kind: .error)
            return []
        }
        return send(&state, state.request, note: "Sending \(state.request.taskID)…")
    }

    /// Sends a request (from the form, or again from history).
    static func send(_ state: inout AppState, _ request: Request, note: String) -> [Effect] {
        guard !state.submitting else {
            state.status = StatusMessage(text: "Already sending; wait for the answer", kind: .info)
            return []
        }
        state.submitting = true
        state.status = StatusMessage(text: note, kind: .info)
        renewTaskID(&state, sent: request.taskID)
        return [.submit(request)]
    }

    /// Wire rule 8: once a request leaves, its task id is spent, whatever
    /// the answer (a timeout may still have been accepted, issue 8). Every
    /// form holding it, on screen, kept aside or as an edit's undo, gets a new one.
    static func renewTaskID(_ state: inout AppState, sent id: String) {
        guard !id.isEmpty else { return }
        func renew(_ request: inout Request) {
            if request.taskID == id { request.taskID = TaskIDGenerator.shared.next() }
        }
        renew(&state.request)
        if var editing = state.view.editing {
            renew(&editing.originalRequest)
            state.view.editing = editing
        }
        for (key, var form) in state.otherForms {
            renew(&form.request)
            state.otherForms[key] = form
        }
    }

    static func submitFinished(_ state: inout AppState, request: Request, recordID: Int?,
                               result: Result<Submission, APIError>) -> [Effect] {
        state.submitting = false
        if state.screen == .history, let recordID { state.history.pendingSelection = recordID }
        let refresh = refreshHistoryIfShown(state, changed: recordID)
        switch result {
        case let .success(submission):
            let taskID = submission.result.serviceTaskID ?? request.taskID
            state.task = TrackedTask(recordID: recordID, idTask: request.taskID, status: nil, desc: "submitted",
                                     progress: nil, phase: .inProgress, resultCount: 0, result: request.endpoint.result)
            state.status = StatusMessage(text: "Sent to \(request.endpoint.title): task_id \(taskID)", kind: .success)
            // What was sent is what counts as saved, when the form still holds it (its id renewed at send).
            if state.request.endpoint == request.endpoint {
                var probe = state.request
                probe.taskID = request.taskID
                if probe == request, state.drafts.isEmpty { state.baselineJSON = state.request.wireJSON }
            }
            guard request.endpoint.canBeFollowed else {
                state.task = nil
                state.status = StatusMessage(text: Wording.acceptedNotFollowed(request.endpoint.title, serviceTaskID: taskID), kind: .success)
                return refresh
            }
            return [.track(recordID: recordID, TaskReference(endpoint: request.endpoint, taskID: request.taskID))] + refresh
        case let .failure(error):
            let kept = recordID == nil ? "" : " · kept in history (\(KeyBindings.label(.history)), \(KeyBindings.label(.resend)) sends it again)"
            state.status = StatusMessage(text: "Send failed: \(error.message)\(kept)", kind: .error)
            return refresh
        }
    }

    /// A send with no answer, once the service was asked about it (issue 8).
    static func submitUnanswered(_ state: inout AppState, request: Request, recordID: Int?, error: APIError,
                                 confirmation: SendConfirmation) -> [Effect] {
        state.submitting = false
        if state.screen == .history, let recordID { state.history.pendingSelection = recordID }
        let refresh = refreshHistoryIfShown(state, changed: recordID)
        let id = request.taskID
        switch confirmation {
        case let .accepted(info):
            let task = TrackedTask(recordID: recordID, idTask: id, status: info.status, desc: info.desc, progress: info.progress,
                                   phase: info.phase, resultCount: info.results.count, texts: info.texts, result: request.endpoint.result)
            state.task = task
            if info.phase.isTerminal {
                state.status = taskStatus(task)
                return refresh
            }
            state.status = StatusMessage(text: "No answer to the send (\(error.message)), but the service has \(id): following it",
                                         kind: .info)
            return [.track(recordID: recordID, TaskReference(endpoint: request.endpoint, taskID: id))] + refresh
        case let .notAccepted(answer):
            let kept = recordID == nil ? "" : " · kept in history (\(KeyBindings.label(.history)), \(KeyBindings.label(.resend)) sends it again)"
            state.status = StatusMessage(text: "Send failed: \(error.message); the service has no task \(id) (\(answer.message))\(kept)",
                                         kind: .error)
        case let .stillUnknown(reason):
            state.status = StatusMessage(text: "No answer to the send (\(error.message)), and whether the service has \(id) is not known "
                                         + "(\(reason.message)): zqt asks again at start, \(KeyBindings.label(.queryNow)) in the history asks now",
                                         kind: .error)
        }
        return refresh
    }

    static func taskStatus(_ task: TrackedTask) -> StatusMessage {
        switch task.phase {
        case .inProgress:
            let percent = task.progress.map { " " + Wording.percent($0) } ?? ""
            return StatusMessage(text: "Task \(task.idTask): \(task.desc)\(percent)", kind: .info)
        case .succeeded:
            // What the result can do next (KeyBindings, scope lastResult): it moves on from its history row.
            let kept = task.recordID != nil
            let results: String
            if task.texts.isEmpty {
                results = Wording.count(task.resultCount, "image") + (task.resultCount > 0 && kept ? " · \(KeyBindings.label(.toImage2Image)) image2image · \(KeyBindings.label(.toControlNetUnit)) ControlNet unit" : "")
            } else if task.result == .data {
                results = Wording.serviceAnswer(task.texts.first ?? "", kept: kept)
            } else {
                results = (kept ? "\(KeyBindings.label(.useTextAsPrompt)) uses it as the prompt · " : "") + Wording.oneLine(task.texts.first ?? "")
            }
            return StatusMessage(text: "Task \(task.idTask): \(task.desc) · \(results)", kind: .success)
        case .failed:
            return StatusMessage(text: "Task \(task.idTask) failed: \(task.desc)", kind: .error)
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
