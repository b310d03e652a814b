// The whole application state as a value: the request being edited (domain
// state) apart from view state (focus, overlays, scroll).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

struct ConnectionInfo: Equatable, Sendable {
    var baseURL: String
    var profile: String
    var isSandbox: Bool
    /// ZQT_HOME: where the history and saved images live.
    var dataFolder: String = "/tmp/zqt"
    /// The user's catalog file (UserCatalog.swift), where custom requests are saved as endpoints.
    var catalogFile: String = "/tmp/zqt/endpoints.json"
    /// The config file's profiles, for the switcher (issue 10).
    var profiles: [String] = []
    /// Beside each profile in the switcher: its base URL and its key id
    /// masked (the first 4 characters); never a secret.
    var profileDetails: [String: String] = [:]
    /// Why the keys do not work, once said (missing, or refused by the service).
    var keysProblem: String?
    /// The kind of server (issue 20): which endpoints the switcher lists, the title line's mark.
    var server: ServerKind = .zhiqite
    /// The kind of server each profile of the config file is (issue 20): a
    /// history row goes to a profile of its own kind (RowService).
    var profileServers: [String: ServerKind] = [:]
    /// A row's `e` or `r` waiting for the switch to a profile of its kind (RowService).
    var rowWaitingForProfile: RowService.Waiting?
}

/// One `[defaults]` entry of the config file.
struct FormDefault: Equatable, Sendable {
    var path: String
    var value: JSONValue

    static func apply(_ defaults: [FormDefault], to request: inout Request) {
        let endpoint = request.endpoint
        let paths = Set(endpoint.fields.filter { !$0.kind.isVirtual }.map(\.path))
        for entry in defaults where paths.contains(entry.path) && entry.path != endpoint.taskIDPath {
            request[entry.path] = entry.value
        }
    }
}

/// Every form's draft is kept in the history (issue 4; each endpoint's, issue 7):
/// saved through effects, at most `delay` after a change, so at most about a
/// second of typing is lost however zqt ends, and never on every key.
struct DraftSaving: Equatable, Sendable {
    static let delay = 0.5
    /// The drafts read at start, by slot (DraftCodec): what the first check
    /// compares the forms with, let go of once `savedForms` is set. Kept, a
    /// megabyte's draft stayed for the session beside the form's own text
    /// and its print (start with a 1 MB draft: issue 18, burst18).
    var saved: [String: ComposeDraft] = [:]
    /// When the newest draft read at start was saved (kept after they are let go of).
    var newestSavedAt: Date? { saved.isEmpty ? newestLetGo : saved.values.map(\.savedAt).max() }
    private var newestLetGo: Date?

    init(saved: [String: ComposeDraft] = [:], kept: Bool = false) {
        self.saved = saved
        self.kept = kept
    }

    /// The drafts read at start are no longer compared with: only their date stays.
    mutating func letGoOfReadDrafts() {
        guard !saved.isEmpty else { return }
        newestLetGo = newestSavedAt
        saved = [:]
    }
    /// The forms as last handed to the writer, by slot: what a change is
    /// found against (nil until the first check, which compares with `saved`).
    var savedForms: [String: DraftForm]?
    /// A save is scheduled (Effect.scheduleDraftSave): later changes join it.
    var due = false
    /// Whether a history is open to keep them (set at start).
    var kept = false
    /// Why no history keeps them, when none does (set at start): zqt's way
    /// out writes them to a file of their own and says this (issue 21).
    var notKeptBecause: String?
    /// The folder that file would go to now (set at start; the quit question names it).
    var fallbackFolder: String?
    /// Such a file an earlier zqt wrote for this history, newer than its
    /// drafts (found after the first frame): L's box opens with its path.
    var waitingFile: String?
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
    /// What the message is about, when it is a problem that can be fixed:
    /// the message goes when its cause does (issue 19), not at the next message.
    var cause: Cause? = nil

    enum Cause: Equatable, Sendable {
        /// Typed text a field could not use (a draft).
        case draft(FieldID)
        /// A problem of the request at a wire path (RequestValidator).
        case problem(path: String)
        /// A note about a field (a prompt's unpaired brackets): it goes when
        /// the focus leaves the field; the field keeps its own mark.
        case focused(FieldID)
        /// The form restored at start: said until the user changes something.
        case restoredForm
    }
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
    /// The pictures made (TaskInfo.pictureCount): an A1111 answer's ControlNet maps are not counted.
    var resultCount: Int
    /// Text results (an expanded prompt), shown in the status line.
    var texts: [String] = []
    /// What its endpoint answers: a `.data` answer (face detection, §4.9) is
    /// the service's JSON, not a prompt to use.
    var result: ResultKind = .images
    /// Answers that came while another message held the status line (the
    /// send's, a copy's): it gives way after Reducer.messageHoldAnswers.
    var answersUnderMessage = 0
    /// Whole seconds this screen has followed it (Action.secondElapsed; issue 19):
    /// a tool task reports no progress, so the time it runs is what shows it runs.
    var elapsedSeconds = 0
}

/// An edit Esc cancelled (issue 18: a megabyte pasted and dropped by one key
/// was gone): its text and cursor, and the form as Esc left it, so the undo
/// key brings it back only onto that form.
struct CancelledEdit: Equatable, Sendable {
    var field: FieldID
    var buffer: TextBuffer
    var formKey: String
    var requestAfter: Request
    var draftAfter: Draft?
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
    /// The buffer's revision the request holds (applied on a key), if any:
    /// a key that moves the cursor applies nothing, and the draft saved need
    /// not carry the typed text too (issue 18).
    var appliedRevision: Int? = nil
    /// The revision last applied, usable or not (unusable text is not read again until it changes).
    var triedRevision: Int? = nil
    /// The LoRA or embedding names offered under the cursor, if any (issue 19).
    var completion: PromptCompletion? = nil
    /// What the list last saw of the text: only typing opens it.
    var completionWatch = PromptCompletion.Watch()
    /// A long text read whole (JSON, a URL list) has a read scheduled or on
    /// its way (EditingReducer.readTextLater): keys meanwhile only edit the text.
    var readPending = false
    /// The text's revision when the read's moment was last set: a key since
    /// then puts the read off again, so a long text is read at a pause in
    /// the typing, not while it goes on (EditingReducer.textReadDue).
    var readScheduledRevision: Int? = nil
}

struct PickerState: Equatable, Sendable {
    enum Purpose: Equatable, Sendable {
        case field(FieldID)
        /// A new item of the repeated group at this wire path, from the preset picked.
        case addItem(String)
        case palette
        /// The endpoint switcher; options are endpoint titles.
        case endpoint
        /// The profile switcher; options are the config file's profile names.
        case profile
        /// A LoRA token or an embedding name, inserted at the cursor of the text being edited.
        case insert(ModelListKind)
        /// Where a picture goes: every image field of every endpoint (UseAsReducer).
        case useImage(ImageUse)
        /// Which of a task's text results.
        case textCandidate(TextUse)
        /// Where the text chosen goes: a text field, or the clipboard.
        case textDestination(TextUse, text: String)
    }

    /// A line under the filter: where the list came from and when, or why it could not be read.
    struct Note: Equatable, Sendable {
        var text: String
        var isProblem: Bool
    }

    var purpose: Purpose
    var title: String
    var options: [String]
    var filter: TextBuffer
    var selected: Int
    var freeText: Bool
    /// Shown beside an option, dim (a checkpoint's display name and base); the filter finds it too.
    var details: [String: String] = [:]
    /// Options marked as fitting (ControlNet models for the checkpoint's base), listed first.
    var fits: Set<String> = []
    /// Other words an option is found by, not shown (the palette's synonyms: `cancel` finds "stop following").
    var searchWords: [String: String] = [:]
    /// The key at the right of an option's row, dim, where the row has room (the palette's commands: the key
    /// `zqt keys` lists first for each); not searched (leftovers21: the palette showed no keys).
    var keyLabels: [String: String] = [:]
    var note: Note?

    /// How often each option was used (the endpoint switcher: forms kept);
    /// within a rank of matches the more used come first (issue 19).
    var uses: [String: Int] = [:]

    /// Options matching the filter: exact first, then by prefix, then where a
    /// word starts ("style" finds "Style transfer" before "Hairstyle
    /// changer", issue 19), then containing (in the option or its detail);
    /// within each, the more used first, else in the options' order. With
    /// nothing typed, all options, the more used first (the endpoint switcher
    /// opens on what the user sends most).
    var matches: [String] {
        let query = filter.text.lowercased()
        guard !query.isEmpty else { return uses.isEmpty ? options : Self.byUse(options, uses) }
        if purpose == .endpoint { return endpointMatches(query) }
        // One pass, each option lowered once: a model list may hold 10,000 (ModelListReader.maxItems).
        var exact: [String] = [], prefix: [String] = [], wordStart: [String] = [], contains: [String] = [], allWords: [String] = []
        // Words typed apart are found apart too ("other server" finds "the other kind of server's request", newcomer20).
        let words = query.split(separator: " ").map(String.init)
        for option in options {
            let lowered = option.lowercased()
            // In the option, its detail or the words it is found by besides.
            func holds(_ text: String) -> Bool {
                lowered.contains(text) || (details[option]?.lowercased().contains(text) ?? false) || (searchWords[option]?.contains(text) ?? false)
            }
            // "group · title": the title alone counts as the whole option (`text2image` is text2image, not Flux text2image).
            if lowered == query || lowered.hasSuffix(" · " + query) {
                exact.append(option)
            } else if lowered.hasPrefix(query) {
                prefix.append(option)
            } else if Self.startsAWord(query, in: lowered) {
                wordStart.append(option)
            } else if holds(query) {
                contains.append(option)
            } else if words.count > 1, words.allSatisfy(holds) {
                allWords.append(option)
            }
        }
        guard !uses.isEmpty else { return exact + prefix + wordStart + contains + allWords }
        return Self.byUse(exact, uses) + Self.byUse(prefix, uses) + Self.byUse(wordStart, uses) + Self.byUse(contains, uses)
            + Self.byUse(allWords, uses)
    }

    /// The endpoint switcher's ranks (newcomer re-check of issue 19: `image`
    /// listed the twelve "Image tool" entries before image2image): a match in
    /// the endpoint's title (after "group · ") above one in its group, each
    /// exact, then at the start, then where a word starts, then anywhere;
    /// within a rank the more used first.
    private func endpointMatches(_ query: String) -> [String] {
        var ranks = Array(repeating: [String](), count: 7)
        for option in options {
            let lowered = option.lowercased()
            let title = lowered.ranges(of: " · ").last.map { String(lowered[$0.upperBound...]) } ?? lowered
            let rank: Int? = if title == query { 0 }
                else if title.hasPrefix(query) { 1 }
                else if Self.startsAWord(query, in: title) { 2 }
                else if title.contains(query) { 3 }
                else if Self.startsAWord(query, in: lowered) { 4 }
                else if lowered.contains(query) { 5 }
                else if details[option]?.lowercased().contains(query) ?? false { 6 }
                else { nil }
            if let rank { ranks[rank].append(option) }
        }
        return ranks.flatMap { uses.isEmpty ? $0 : Self.byUse($0, uses) }
    }

    /// A stable sort by use: equal uses keep the options' order.
    static func byUse(_ list: [String], _ uses: [String: Int]) -> [String] {
        list.enumerated().sorted { a, b in
            let (ua, ub) = (uses[a.element] ?? 0, uses[b.element] ?? 0)
            return ua != ub ? ua > ub : a.offset < b.offset
        }.map(\.element)
    }

    /// Whether `query` stands in `text` where a word starts: at its start, or
    /// after a character that is neither a letter nor a digit (a space, "·", "_", "/").
    static func startsAWord(_ query: String, in text: String) -> Bool {
        var searchFrom = text.startIndex
        while searchFrom < text.endIndex, let found = text[searchFrom...].firstRange(of: query) {
            if found.lowerBound == text.startIndex { return true }
            let before = text[text.index(before: found.lowerBound)]
            if !before.isLetter && !before.isNumber { return true }
            searchFrom = text.index(after: found.lowerBound)
        }
        return false
    }
}

/// One of the service's model lists as the screen has it: from the cache at
/// start, then from the service (zhiqite-api.md §1.4–§1.7).
struct ModelListState: Equatable, Sendable {
    private(set) var items: [ModelItem] = []
    /// The items' names, kept beside them: the form's choices are built on every frame.
    private(set) var names: [String] = []
    /// The names as a prompt writes them (`EasyNegative` for `EasyNegative.pt`), for the prompt's highlight.
    private(set) var promptWords: Set<String> = []
    var fetchedAt: Date?
    var complete = true
    /// A read of this list is under way.
    var refreshing = false
    /// Why the last read failed, said in its picker; nil once one succeeds.
    var problem: String?

    mutating func set(_ list: ModelList) {
        items = list.items
        names = list.items.map(\.name)
        promptWords = Set(names.flatMap { name in [name, PromptAttention.withoutExtension(name)] })
        fetchedAt = list.fetchedAt
        complete = list.complete
    }

    func item(named name: String) -> ModelItem? { items.first { $0.name == name } }
}

/// Every list, and where each is asked for.
struct ModelLists: Equatable, Sendable {
    var paths = ModelListPaths()
    private var lists: [ModelListKind: ModelListState] = [:]
    /// The user asked for the refresh under way: its end is reported.
    var announceRefresh = false

    subscript(kind: ModelListKind) -> ModelListState {
        get { lists[kind] ?? ModelListState() }
        set { lists[kind] = newValue }
    }

    var refreshing: Bool { ModelListKind.allCases.contains { self[$0].refreshing } }
}

/// A question that needs a yes before something is lost.
enum Confirmation: Equatable, Sendable {
    case quit
    case deleteEntry(id: Int, idTask: String)
    /// Opening a past request (or its result) into a form that holds unsent
    /// edits: `purpose` says how (edit, result into image2image, text as prompt).
    case replaceForm(HistoryRecord, EntryPurpose, Endpoint)
    /// A loaded request (a file, a curl command) for a form with unsent edits.
    case replaceWithLoaded(ImportedRequest, source: String)
    /// A history row sent again (`r`): each send is a new task, on the
    /// service one paid for, and after Esc on a filter a typed `r` lands
    /// here (leftovers24). `baseURL` and `sandbox`: where it goes, said.
    case resend(HistoryRecord, baseURL: String, sandbox: Bool)
}

/// A line of text asked for in a box (the folder to save images into).
struct InputPrompt: Equatable, Sendable {
    enum Purpose: Equatable, Sendable {
        case saveImages(HistoryRecord)
        /// The title of the custom request saved as an endpoint of one's own.
        case saveEndpoint
        /// A JSON file's path, or a curl command, to fill a form with (issue 10).
        case loadRequest
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
    /// A text said in full (the config file's fault, issue 19); any key closes it.
    case notice(Notice)
}

/// Which screen fills the terminal.
enum ScreenMode: Equatable, Sendable {
    case compose
    case history
    /// Every kept picture (issue 17).
    case gallery
}

struct ViewState: Equatable, Sendable {
    var size = Size(width: 120, height: 40)
    var focus = FieldID("prompt")
    /// The group item whose form is open, if any.
    var openItem: ItemRef?
    var editing: EditState?
    var overlay: Overlay?
    /// Lines the user scrolled the preview away from where it follows the focus.
    var previewOffset = 0
    /// Narrow terminals show one pane at a time.
    var showPreviewWhenNarrow = false
    /// Validation problems are marked once a send was refused.
    var showProblems = false
    /// How pictures are drawn here (issue 11), and a cell's size in pixels
    /// (the terminal's word, else 10×20), which keeps their proportions.
    var pictureMode = PictureMode.symbols(.palette240)
    var cellPixels = Size(width: 10, height: 20)
    /// Keys go to the pictures of the results pane (or the history entry's).
    var picturesFocused = false
    var selectedPicture = 0
    var zoom: PictureZoom?
    /// The enlarged picture's full image is decoded (until then its thumbnail is drawn).
    var zoomReady = false
    /// Pictures a frame wanted that are being decoded off the event loop
    /// (Effect.decodePictures): asked once, until their answer comes.
    var picturesDecoding: Set<String> = []
    var contactSheet: ContactSheet?
    /// The batch whose contact sheet is being loaded; a late answer for another is dropped.
    var contactSheetAsked: String?
}

struct AppState: Equatable, Sendable {
    var screen: ScreenMode = .compose
    var history = HistoryViewState()
    var gallery = GalleryState()
    /// Why there is no history this session (the file is damaged, from a
    /// newer zqt, or cannot be created), shown instead of the list.
    var historyProblem: String?
    /// The history could not be opened because the disk refuses writes (a
    /// read-only folder, a full disk): a send would leave no row, so none is sent (issue 21).
    var historyRefusesSends: HistoryError?
    /// The history was opened read-only (issue 21): the line above the list's rows.
    var historyReadOnlyLine: String?
    /// What the list says in place of both the line above and "No submissions yet" when a read-only history is empty (left21).
    var historyEmptyReadOnlyText: String?
    /// The history was opened read-only because the disk was full: a send tries it again (left21).
    var historyReadOnlyForFullDisk = false
    /// A read or write met a damaged history while the screen ran: said once.
    var historyDamageSaid = false
    /// The form on screen: its endpoint and body.
    var request: Request
    var endpoint: Endpoint { request.endpoint }
    /// The other endpoints' forms, kept while another is on screen (each
    /// endpoint keeps its own draft, issue 7), by `Endpoint.formKey`.
    var otherForms: [String: ParkedForm] = [:]
    /// The latest submissions in the history by endpoint picker line, counted
    /// after the first frame and again whenever the picker opens (issue 19).
    var endpointUses: [String: Int] = [:]
    var connection: ConnectionInfo
    var view = ViewState()
    /// The key table: the shipped one with the config file's `[keys]` applied at start.
    var keys: KeyTable = .shipped
    var drafts: [FieldID: Draft] = [:]
    var status: StatusMessage?
    /// The status messages shown lately, oldest first (a followed task's running line left out):
    /// `M` shows them whole (StatusMessages.record).
    var recentMessages: [StatusMessage] = []
    var submitting = false
    /// The id of the A1111 generation call under way, once its progress came (issue 20): `X` interrupts it.
    var generating: String?
    var spinnerFrame = 0
    var task: TrackedTask?
    /// A task taken up again with `u` on its history row, until the service's
    /// first word on it: then it becomes `task`, on the compose screen's task
    /// line as a fresh send's (issue 19), unless another task is followed there.
    var takingUp: TrackedTask?
    var lastResultSeed: Int?
    var modelLists = ModelLists()
    /// The wire JSON that counts as "saved": at start, and after each send.
    var baselineJSON: String
    var quitting = false
    /// Set when the whole screen must be sent again (Ctrl-L, resize).
    var needsFullRedraw = false
    /// The config file's `[defaults]`, by wire path: what a fresh form starts with (issue 10).
    var formDefaults: [FormDefault] = []
    /// The images of the task sent from this screen, for the results pane (issue 11).
    var results: PictureSet?
    /// The images of the history entry open, or of the row selected.
    var historyPictures: PictureSet?
    /// The endpoints this screen composes with: the shipped catalog with the
    /// user's file laid over it, read at start; an endpoint saved from the
    /// screen joins it (issue 9). A value, given to whoever needs it.
    var catalog: EndpointCatalog = .shipped
    /// The forms as last saved to the history, and whether a save is due.
    var draftSaving = DraftSaving()
    /// Local files in image fields: what each path names, a Tab completion, the file picker (issue 17).
    var paths = PathInputState()
    /// The form "new" replaced (or the fresh one, once brought back): one undo away (issue 19).
    var formBeforeNew: ParkedForm?
    /// A request moved to the other kind of server: what the undo key brings back (issue 20).
    var kindMoveUndo: KindMoveUndo?
    /// The text Esc dropped from an edit: the undo key brings it back while the form is as Esc left it (issue 18).
    var cancelledEdit: CancelledEdit?
    /// The config file: where, and why it is left out (issue 19).
    var configFile = ConfigFileState()

    init(request: Request, connection: ConnectionInfo) {
        self.request = request
        self.connection = connection
        baselineJSON = request.wireJSON
        view.focus = FormSchema.mainFields(request).first?.id ?? FieldID("prompt")
    }

    var hasUnsentEdits: Bool { request.wireJSON != baselineJSON || !drafts.isEmpty }

    /// The pictures shown for a target: the compose screen's results or the history's.
    func pictures(for target: PictureTarget) -> PictureSet? {
        switch target {
        case .compose: return results
        case .history: return historyPictures
        case .gallery: return gallery.pictureSet
        }
    }

    /// A fresh form of an endpoint: its defaults, then the config file's for
    /// the fields it has (a path the endpoint lacks is left out; the task id
    /// is never taken from the file, wire rule 8).
    func freshForm(for endpoint: Endpoint, taskID: String) -> Request {
        var request = Request.new(for: endpoint, taskID: taskID)
        FormDefault.apply(formDefaults, to: &request)
        return request
    }

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

    /// The fields of the form on screen: the request's, or the open item's.
    /// Built once per request revision, open item and lists (FormSchema.fieldsOfForm): a key
    /// and its frame ask for them four or five times (issue 18).
    var fields: [FormField] { FormSchema.fieldsOfForm(request, FormSchema.FormOf(openItem: view.openItem, lists: formLists)) }

    /// Whether the profile's server is of the form's kind, so that its model lists are lists for
    /// this form (issue 20). A zhiqite form moved by `T` onto an A1111 profile (or the reverse) is not.
    var listsServeForm: Bool { endpoint.canBeSent(to: connection.server) }

    /// The model lists the form on screen offers (pickers, completion, marks): the profile's
    /// server's when it is of the form's kind; none otherwise, so that no checkpoint, LoRA or
    /// ControlNet model of one kind of server is offered in a request for the other (issue 20).
    var formLists: ModelLists { listsServeForm ? modelLists : ModelLists() }

    var focusedField: FormField? { fields.first { $0.id == view.focus } }

    /// A local path in an image field is no "not a URL": it is uploaded at send, when it names a file (issue 17).
    var problems: [ValidationProblem] {
        LocalImageFields.problemsOfRequest(request, paths.files)
    }

    /// Scopes for key look-up at the focused field, narrowest first.
    /// The history filter has the keys: letters are text.
    var historyFilterTyping: Bool {
        screen == .history && history.filterFocused && history.mode == .list
    }

    /// The gallery's filter has the keys: letters are text (issue 17).
    var galleryFilterTyping: Bool { screen == .gallery && gallery.filterFocused && historyProblem == nil }

    var scopes: [BindingScope] {
        if view.contactSheet != nil { return [.contactSheet] }
        if view.zoom != nil { return [.pictureZoom] }
        if view.picturesFocused { return [.pictures] }
        if screen == .gallery { return historyProblem != nil ? [] : (gallery.filterFocused ? [.galleryFilter] : [.gallery]) }
        if screen == .history {
            if historyProblem != nil { return [] }
            let pictures: [BindingScope] = historyPictures?.pictures.contains(where: { $0.image != nil }) == true ? [.withPictures] : []
            switch history.mode {
            case .list: return history.filterFocused ? [.historyFilter] : [.historyList, .historyEntry] + pictures
            case .detail: return [.historyDetail, .historyEntry] + pictures
            case .compare: return [.comparison]
            }
        }
        var scopes: [BindingScope] = []
        if view.openItem != nil { scopes.append(.unitForm) }
        switch focusedField?.kind {
        case .slider?: scopes += [.slider, .number]
        case .integer?: scopes.append(.number)
        case .toggle?: scopes.append(.toggle)
        case .choice?: scopes.append(.choice)
        case .text?:
            if focusedField?.takesModelTokens == true { scopes.append(.promptText) }
            if focusedField?.spec?.takesImage == true { scopes.append(.imageField) }
            scopes.append(.text)
        case .itemRow?: scopes.append(.unitRow)
        default: break
        }
        // Text results are carried on without a history too (the screen has them).
        if task?.phase == .succeeded, task?.recordID != nil || task?.texts.isEmpty == false { scopes.append(.lastResult) }
        if results?.pictures.contains(where: { $0.image != nil }) == true || results?.texts.isEmpty == false { scopes.append(.withPictures) }
        if focusedField?.spec?.role == .seed { scopes.append(.seed) }
        if focusedField?.spec?.role == .taskID { scopes.append(.idTask) }
        scopes.append(.form)
        if !endpoint.groupFields.isEmpty { scopes.append(.unitsForm) }
        if endpoint.isCustom { scopes.append(.customForm) }
        scopes.append(.compose)
        return scopes
    }
}

extension TaskInfo {
    /// The images made, less the ControlNet maps an A1111 server adds after
    /// them (issue 20, A1111ResultKinds): what "N images" counts, as the
    /// answer's own "done: 2 pictures and 1 control map" does.
    var pictureCount: Int { results.count(where: { !$0.isControlMap }) }
}
