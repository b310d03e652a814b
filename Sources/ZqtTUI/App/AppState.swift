// The whole application state as a value: the request being edited (domain
// state) apart from view state (focus, overlays, scroll).

import Model

struct ConnectionInfo: Equatable, Sendable {
    var baseURL: String
    var profile: String
    var isSandbox: Bool
    /// ZQT_HOME: where the history and saved images live.
    var dataFolder: String = "/tmp/zqt"
    /// The user's catalog file (UserCatalog.swift), where custom requests are saved as endpoints.
    var catalogFile: String = "/tmp/zqt/endpoints.json"
}

/// Typed text a field could not use, kept so nothing typed is lost.
struct Draft: Equatable, Sendable {
    var text: String
    var message: String
}

struct StatusMessage: Equatable, Sendable {
    enum Kind: Equatable, Sendable { case info, success, error }
    var text: String
    var kind: Kind
}

/// The task the status line follows: the last one sent from this screen.
struct TrackedTask: Equatable, Sendable {
    /// Its history row, when the history is available.
    var recordID: Int?
    var idTask: String
    var status: Int?
    var desc: String
    var progress: Double?
    var phase: TaskPhase
    var resultCount: Int
    /// Text results (an expanded prompt), shown in the status line.
    var texts: [String] = []
    /// What its endpoint answers: a `.data` answer (face detection, §4.9) is
    /// the service's JSON, not a prompt to use.
    var result: ResultKind = .images
}

/// A form not on screen: its request and the text typed into it that it could not use.
struct ParkedForm: Equatable, Sendable {
    /// A form aside changes only when its task id is renewed: its wire JSON is
    /// kept with it, not laid out again each time the drafts are checked.
    var request: Request { didSet { wireJSON = request.wireJSON } }
    private(set) var wireJSON: String
    var drafts: [FieldID: Draft]
    /// The wire JSON that counts as saved for this form (as AppState.baselineJSON).
    var baselineJSON: String

    init(request: Request, drafts: [FieldID: Draft], baselineJSON: String? = nil) {
        self.request = request
        wireJSON = request.wireJSON
        self.drafts = drafts
        self.baselineJSON = baselineJSON ?? wireJSON
    }

    var hasUnsentEdits: Bool { wireJSON != baselineJSON || !drafts.isEmpty }
}

struct EditState: Equatable, Sendable {
    var field: FieldID
    var buffer: TextBuffer
    /// The request and draft before editing, restored by Esc.
    var originalRequest: Request
    var originalDraft: Draft?
}

struct PickerState: Equatable, Sendable {
    enum Purpose: Equatable, Sendable {
        case field(FieldID)
        case addUnit
        case palette
        /// The endpoint switcher; options are endpoint titles.
        case endpoint
    }

    var purpose: Purpose
    var title: String
    var options: [String]
    var filter: TextBuffer
    var selected: Int
    var freeText: Bool

    /// Options matching the filter: exact first, then by prefix, then containing.
    var matches: [String] {
        let query = filter.text.lowercased()
        guard !query.isEmpty else { return options }
        let exact = options.filter { $0.lowercased() == query }
        let prefix = options.filter { $0.lowercased().hasPrefix(query) && $0.lowercased() != query }
        let contains = options.filter { $0.lowercased().contains(query) && !$0.lowercased().hasPrefix(query) }
        return exact + prefix + contains
    }
}

/// A question that needs a yes before something is lost.
enum Confirmation: Equatable, Sendable {
    case quit
    case deleteEntry(id: Int, idTask: String)
    /// Opening a past request (or its result) into a form that holds unsent
    /// edits: `purpose` says how (edit, result into image2image, text as prompt).
    case replaceForm(HistoryRecord, EntryPurpose, Endpoint)
}

/// A line of text asked for in a box (the folder to save images into).
struct InputPrompt: Equatable, Sendable {
    enum Purpose: Equatable, Sendable {
        case saveImages(HistoryRecord)
        /// The title of the custom request saved as an endpoint of one's own.
        case saveEndpoint
    }
    var purpose: Purpose
    var title: String
    var text: TextBuffer
}

enum Overlay: Equatable, Sendable {
    case help(scroll: Int)
    case picker(PickerState)
    case confirm(Confirmation)
    case input(InputPrompt)
}

/// Which screen fills the terminal.
enum ScreenMode: Equatable, Sendable {
    case compose
    case history
}

struct ViewState: Equatable, Sendable {
    var size = Size(width: 120, height: 40)
    var focus = FieldID("prompt")
    /// The unit whose sub-form is open, if any.
    var openUnit: Int?
    var editing: EditState?
    var overlay: Overlay?
    /// Lines the user scrolled the preview away from where it follows the focus.
    var previewOffset = 0
    /// Narrow terminals show one pane at a time.
    var showPreviewWhenNarrow = false
    /// Validation problems are marked once a send was refused.
    var showProblems = false
}

struct AppState: Equatable, Sendable {
    var screen: ScreenMode = .compose
    var history = HistoryViewState()
    /// Why there is no history this session (the file is damaged, from a
    /// newer zqt, or cannot be created), shown instead of the list.
    var historyProblem: String?
    /// The form on screen: its endpoint and body.
    var request: Request
    var endpoint: Endpoint { request.endpoint }
    /// The other endpoints' forms, kept while another is on screen (each
    /// endpoint keeps its own draft, issue 7), by `Endpoint.formKey`.
    var otherForms: [String: ParkedForm] = [:]
    var connection: ConnectionInfo
    var view = ViewState()
    var drafts: [FieldID: Draft] = [:]
    var status: StatusMessage?
    var submitting = false
    var spinnerFrame = 0
    var task: TrackedTask?
    var lastResultSeed: Int?
    var checkpoints: [String] = []
    /// The wire JSON that counts as "saved": at start, and after each send.
    var baselineJSON: String
    var quitting = false
    /// Set when the whole screen must be sent again (Ctrl-L, resize).
    var needsFullRedraw = false

    init(request: Request, connection: ConnectionInfo) {
        self.request = request
        self.connection = connection
        baselineJSON = request.wireJSON
        view.focus = FormSchema.mainFields(request, checkpoints: []).first?.id ?? FieldID("prompt")
    }

    var hasUnsentEdits: Bool { request.wireJSON != baselineJSON || !drafts.isEmpty }

    /// Whether any form, on screen or kept aside, holds edits not sent.
    var anyUnsentEdits: Bool { hasUnsentEdits || otherForms.values.contains { $0.hasUnsentEdits } }

    /// The form of an endpoint: the one on screen, or the one kept aside; nil when it has none yet.
    /// A custom request has one form whatever path it names.
    func form(of endpoint: Endpoint) -> Request? {
        endpoint.formKey == self.endpoint.formKey ? request : otherForms[endpoint.formKey]?.request
    }

    /// Whether the form of an endpoint holds unsent edits (none kept: no).
    func hasUnsentEdits(in endpoint: Endpoint) -> Bool {
        endpoint.formKey == self.endpoint.formKey ? hasUnsentEdits : (otherForms[endpoint.formKey]?.hasUnsentEdits ?? false)
    }

    /// The fields of the form on screen: the request's, or the open unit's.
    var fields: [FormField] {
        if let index = view.openUnit, let unit = request.controlNetUnits?[safe: index] {
            return FormSchema.unitFields(unit, index: index)
        }
        return FormSchema.mainFields(request, checkpoints: checkpoints)
    }

    var focusedField: FormField? { fields.first { $0.id == view.focus } }

    var problems: [ValidationProblem] { RequestValidator.validate(request) }

    /// Scopes for key look-up at the focused field, narrowest first.
    var scopes: [BindingScope] {
        if screen == .history {
            if historyProblem != nil { return [] }
            switch history.mode {
            case .list: return history.filterFocused ? [.historyFilter] : [.historyList, .historyEntry]
            case .detail: return [.historyDetail, .historyEntry]
            case .compare: return [.comparison]
            }
        }
        var scopes: [BindingScope] = []
        if view.openUnit != nil { scopes.append(.unitForm) }
        switch focusedField?.kind {
        case .slider?: scopes.append(.slider)
        case .choice?: scopes.append(.choice)
        case .text?: scopes.append(.text)
        case .unitRow?: scopes.append(.unitRow)
        default: break
        }
        if task?.phase == .succeeded, task?.recordID != nil { scopes.append(.lastResult) }
        if focusedField?.spec?.role == .seed { scopes.append(.seed) }
        if focusedField?.spec?.role == .taskID { scopes.append(.idTask) }
        scopes.append(.form)
        if endpoint.controlNetUnitsField != nil { scopes.append(.unitsForm) }
        if endpoint.isCustom { scopes.append(.customForm) }
        scopes.append(.compose)
        return scopes
    }
}
