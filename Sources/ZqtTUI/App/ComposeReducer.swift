// The compose screen's content (issue 7, 9, 10): switching endpoints and
// profiles, the start-up key check, showing a request (loaded, opened from
// the history) and saving a custom request as an endpoint.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

extension Reducer {
    // MARK: Endpoints

    /// The switcher's line for an endpoint: its group and title. The custom
    /// request has one line whatever path its form names.
    static func endpointPickerLabel(_ endpoint: Endpoint) -> String {
        endpoint.isCustom ? customRequestLabel : "\(endpoint.group) · \(endpoint.title)"
    }

    static let customRequestLabel = "\(CustomEndpoint.group) · \(CustomEndpoint.title): any path, a JSON body"

    static func openProfilePicker(_ state: inout AppState) -> [Effect] {
        let names = state.connection.profiles
        // A file that could not be read may be fixed by now (newcomer re-check of issue 19: P said the
        // old fault until F2), at start or later in the session (the profiles read before kept meanwhile):
        // read again first; the switcher, or the fault as it is now, follows the read.
        if state.configFile.problem != nil, !state.configFile.profilesWanted {
            state.configFile.profilesWanted = true
            return [.checkConfigFile(asked: true)]
        }
        state.configFile.profilesWanted = false
        if names.isEmpty, let problem = state.configFile.problem {
            state.status = StatusMessage(text: Wording.profilesUnreadable(problem), kind: .error)
            state.view.overlay = .notice(Wording.configProblemNotice(problem, keptEarlier: state.configFile.readOnce,
                                                                     rereadKey: state.keys.label(.rereadConfig),
                                                                     title: Wording.profilesUnreadableTitle))
            return []
        }
        guard !names.isEmpty else {
            state.status = StatusMessage(text: Wording.noProfiles, kind: .info)
            return []
        }
        var picker = PickerState(purpose: .profile, title: Wording.profilePickerTitle(current: state.connection.profile), options: names,
                                 filter: TextBuffer(""), selected: names.firstIndex(of: state.connection.profile) ?? 0,
                                 freeText: false)
        // Each profile's kind beside it, as the title line marks it (issue 20).
        picker.details = Dictionary(names.map { name in
            (name, Wording.profileDetail(state.connection.profileServers[name] ?? .zhiqite, details: state.connection.profileDetails[name]))
        }, uniquingKeysWith: { first, _ in first })
        state.view.overlay = .picker(picker)
        return []
    }

    /// After the switcher: the title line and what the next send uses.
    static func profileSwitched(_ state: inout AppState, _ result: Result<ProfileSwitch, ProfileSwitchFailure>) -> [Effect] {
        switch result {
        case let .failure(failure):
            state.connection.rowWaitingForProfile = nil
            state.status = StatusMessage(text: Wording.profileNotSwitched(failure.message), kind: .error)
            return []
        case let .success(chosen):
            state.connection.profile = chosen.name
            state.connection.baseURL = chosen.baseURL
            state.connection.isSandbox = false
            state.connection.keysProblem = nil
            let serverChanged = state.connection.server != chosen.server
            state.connection.server = chosen.server
            if serverChanged { showServersForm(&state) }
            if chosen.hasKeys {
                state.status = StatusMessage(text: Wording.profileSwitched(chosen.name, baseURL: chosen.baseURL), kind: .success)
            } else {
                noKeys(&state)
            }
            // The new service's (or account's) lists; their read also tells whether the keys work.
            let paths = state.modelLists.paths
            state.modelLists = ModelLists()
            state.modelLists.paths = paths
            // A history row waiting for this profile (issue 20) goes on now.
            return [.loadCachedModelLists] + RowService.afterSwitch(&state)
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
        if let text = Wording.keysProblem(error, profile: state.connection.profile, server: state.connection.server),
           state.connection.keysProblem == nil {
            state.connection.keysProblem = text
            state.status = StatusMessage(text: text, kind: .error)
        }
    }

    /// No keys: said at once rather than at the first send.
    static func noKeys(_ state: inout AppState) {
        let text = Wording.noAccessKeys(profile: state.connection.profile, switchKey: state.keys.label(.switchProfile),
                                        server: state.connection.server)
        state.connection.keysProblem = text
        state.status = StatusMessage(text: text, kind: .error)
    }

    static func openEndpointPicker(_ state: inout AppState) -> [Effect] {
        // The complete forms (the user's own among them), any other endpoint
        // whose form is kept (opened from a history row), and the custom request:
        // only the profile's server's own (issue 20). The custom request is a
        // path under /AIGCImgOpenServ/saas/, the service's (docs/a1111.md).
        let server = state.connection.server
        var options = state.catalog.readyGroups(for: server).flatMap { $0.endpoints.map(endpointPickerLabel) }
        for endpoint in ([state.endpoint] + state.otherForms.values.map(\.request.endpoint))
        where !endpoint.ready && !endpoint.isCustom && endpoint.server == server {
            let label = endpointPickerLabel(endpoint)
            if !options.contains(label) { options.append(label) }
        }
        if server == .zhiqite, !options.contains(customRequestLabel) { options.append(customRequestLabel) }
        var picker = PickerState(purpose: .endpoint, title: Wording.endpointPickerTitle(current: state.endpoint.title), options: options,
                                 filter: TextBuffer(""), selected: options.firstIndex(of: endpointPickerLabel(state.endpoint)) ?? 0,
                                 freeText: false)
        picker.uses = endpointUses(state)
        // The current endpoint stays selected where the ranking by use puts it.
        picker.selected = picker.matches.firstIndex(of: endpointPickerLabel(state.endpoint)) ?? 0
        state.view.overlay = .picker(picker)
        // Counted again for the sends since (an open picker takes new counts on: endpointUsesCounted).
        return [.countEndpointUses]
    }

    /// Use, which ranks equal matches (issue 19): the endpoint's submissions
    /// among the history's latest, so a fresh start ranks what the user
    /// really sends; plus one for a form kept this session (aside, or from a draft).
    static func endpointUses(_ state: AppState) -> [String: Int] {
        var uses = state.endpointUses
        for endpoint in state.otherForms.values.map(\.request.endpoint) {
            uses[endpointPickerLabel(endpoint), default: 0] += 1
        }
        return uses
    }

    /// The history's counts: kept, and an endpoint picker open takes them on.
    static func endpointUsesCounted(_ state: inout AppState, _ counts: [String: Int]) -> [Effect] {
        guard counts != state.endpointUses else { return [] }
        state.endpointUses = counts
        if case var .picker(picker)? = state.view.overlay, picker.purpose == .endpoint {
            // The selection stays on the same option as the new counts reorder the list.
            let selectedOption = picker.matches.indices.contains(picker.selected) ? picker.matches[picker.selected] : nil
            picker.uses = endpointUses(state)
            if let selectedOption, let index = picker.matches.firstIndex(of: selectedOption) { picker.selected = index }
            state.view.overlay = .picker(picker)
        }
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
            state.status = StatusMessage(text: Wording.customRequestStarted(pathPrefix: Endpoint.pathPrefix, submitKey: state.keys.label(.submit),
                                                                            saveKey: state.keys.label(.saveAsEndpoint)), kind: .info)
        } else {
            state.status = StatusMessage(text: Wording.endpointSwitched(target.title, reference: target.reference, submitKey: state.keys.label(.submit)),
                                         kind: .info)
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
        state.drafts = drafts ?? keptDrafts.filter { ids.contains($0.key) || $0.key.itemPlace?.field(in: request.endpoint) != nil }
        state.baselineJSON = keptBaseline ?? state.freshForm(for: target, taskID: request.taskID).wireJSON
        state.view.openItem = nil
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
        // A loaded request (a JSON file, a curl command, a picture's parameters) is a new draft: the
        // pictures of the request on screen before are not its results, so they go, as on a move (T).
        clearResults(&state)
        var notes = loaded.notes.map(\.description)
        if !loaded.alsoFit.isEmpty {
            notes.insert(Wording.alsoFits(loaded.alsoFit.map(\.title), switchKey: state.keys.label(.switchEndpoint),
                                                         loadKey: state.keys.label(.loadRequest)), at: 0)
        }
        state.status = StatusMessage(text: Wording.loaded(into: loaded.request.endpoint.title, from: source, notes: notes),
                                     kind: notes.isEmpty ? .success : .info)
    }

    /// The endpoint's form, when it already holds `loaded` as it is: the
    /// same bytes but for the task id (a loaded request always gets a new
    /// one, wire rule 8), and no typed text the form could not use. Nil when
    /// loading would change the form.
    static func formHolding(_ state: AppState, _ loaded: Request) -> Request? {
        let key = loaded.endpoint.formKey
        let form: Request, drafts: [FieldID: Draft]
        if key == state.endpoint.formKey {
            (form, drafts) = (state.request, state.drafts)
        } else if let parked = state.otherForms[key] {
            (form, drafts) = (parked.request, parked.drafts)
        } else {
            return nil
        }
        guard drafts.isEmpty, state.view.editing == nil || key != state.endpoint.formKey else { return nil }
        var probe = loaded
        probe.taskID = form.taskID
        return probe.wireJSON == form.wireJSON ? form : nil
    }

    // MARK: Commands (declared in Input/Commands/ComposeCommands.swift)

    /// On a narrow terminal: the form or the JSON.
    static func togglePreview(_ state: inout AppState) -> [Effect] {
        state.view.showPreviewWhenNarrow.toggle()
        return []
    }

    /// The JSON preview scrolled by a third of the screen, no further than
    /// its first row at the top or its last at the bottom (issue 19: past
    /// either end, the first notches back did nothing).
    static func scrollPreview(_ state: inout AppState, down: Bool) -> [Effect] {
        let step = max(1, state.view.size.height / 3)
        let moved = state.view.previewOffset + (down ? step : -step)
        // Where the preview is, or would be once shown on a narrow terminal.
        let regions = Layout.regions(for: state.view.size, showPreview: true, results: state.screen == .compose && state.results != nil)
        guard let preview = regions.preview else { return [] }
        let range = PreviewView.offsetRange(state, rect: preview, reaching: moved)
        state.view.previewOffset = min(max(moved, range.lowerBound), range.upperBound)
        return []
    }

    static func askForRequestToLoad(_ state: inout AppState) -> [Effect] {
        // Drafts an earlier zqt could not keep in the history are offered first (issue 21): Enter loads them, Ctrl-U clears.
        state.view.overlay = .input(InputPrompt(purpose: .loadRequest, title: Wording.loadRequestTitle,
                                                text: TextBuffer(state.draftSaving.waitingFile ?? "")))
        return []
    }

    /// The text in $EDITOR: the edit's text when typing, else the text field's.
    static func openInEditor(_ state: inout AppState) -> [Effect] {
        if let editing = state.view.editing {
            state.view.editing = nil
            return [.openEditor(editing.field, text: editing.buffer.text)]
        }
        guard let field = state.focusedField, case .text = field.kind else { return [] }
        let text = state.drafts[field.id]?.text ?? FieldValues.text(of: field.id, in: state.request)
        return [.openEditor(field.id, text: text)]
    }

    /// The request as the preview shows it; the keys stay as $ZQT_ACCESS_KEY_*
    /// references, as a clipboard ends up in chats and tickets (RequestExport).
    static func copyRequestAsCurl(_ state: inout AppState) -> [Effect] {
        let command = RequestExport.snippet(.curl, request: state.request, baseURL: state.connection.baseURL)
        // Copied as it stands, but said when the service would refuse it (issue 19).
        let what = state.problems.first.map { Wording.requestAsCurlNotValid($0.path, $0.message) } ?? Wording.requestAsCurl
        return [Reducer.copy(command, what: what)]
    }

    /// Asks for the title a custom request is saved under as an endpoint of one's own (issue 9).
    static func askToSaveAsEndpoint(_ state: inout AppState) -> [Effect] {
        guard state.endpoint.isCustom else { return [] }
        let path = state.endpoint.id
        guard !path.isEmpty else {
            state.status = StatusMessage(text: Wording.customRequestNeedsPath, kind: .error)
            return []
        }
        if EndpointCatalog.shipped.endpoint(id: path) != nil {
            state.status = StatusMessage(text: Wording.endpointShipsWithZqt(path, switchKey: state.keys.label(.switchEndpoint),
                                                                            catalogFile: state.connection.catalogFile), kind: .error)
            return []
        }
        state.view.overlay = .input(InputPrompt(purpose: .saveEndpoint, title: Wording.saveEndpointTitle(path),
                                                text: TextBuffer(path.split(separator: "/").last.map(String.init) ?? path)))
        return []
    }

    /// A custom request was saved as an endpoint: its form takes the body on, the custom form stays as it was.
    static func userEndpointSaved(_ state: inout AppState, _ endpoint: Endpoint, file: String) {
        guard state.endpoint.isCustom else { return }
        let body = state.request.body
        show(&state, Request(endpoint: endpoint, body: body))
        state.status = StatusMessage(text: Wording.savedAsEndpoint(endpoint.title, file: file, switchKey: state.keys.label(.switchEndpoint), group: endpoint.group),
                                     kind: .success)
    }
}
