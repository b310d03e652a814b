// The key table: which keys run which command, and where. Its rows come
// from the commands' declarations (Input/Commands), each command declared
// once with its title, footer word, keys per scope and handler; the footer,
// the `?` help, the command palette, `zqt keys` (docs/keys.md) and the
// config file's `[keys]` all read the table. The table in use is a value in
// AppState (`state.keys`): the shipped one with `[keys]` applied at start.
//
// Every command has a key that reaches the program in any terminal (a
// function key or a plain character); Ctrl-H/I/M/[ are never the only way.

/// A command's name. The raw values are user-facing: the config file's
/// `[keys]` names commands by them (submit, switchEndpoint, also
/// switch_endpoint), so they never change.
enum Command: String, CaseIterable, Sendable {
    case submit
    case quit
    case help
    case palette
    case nextField
    case previousField
    case edit
    case stepUp
    case stepDown
    case coarseUp
    case coarseDown
    case togglePreview
    case previewUp
    case previewDown
    case addUnit
    case removeUnit
    case duplicateUnit
    case moveUnitUp
    case moveUnitDown
    case toggleUnit
    case back
    case randomSeed
    case reuseSeed
    case regenerateID
    case openInEditor
    case redraw
    case switchEndpoint
    case saveAsEndpoint
    case loadRequest
    // The form's request as a curl command on the clipboard (issue 10).
    case copyAsCurl
    // Profiles of the config file (issue 10).
    case switchProfile
    // The config file read again; a fresh form, one undo away; a field reset (issue 19).
    case rereadConfig
    case newForm, undoNewForm, resetField, stopFollowing
    // The recent status messages, whole (newcomer re-check of issue 19: a cut one could not be read).
    case showMessages
    // A request moved between kinds of server: zhiqite SD ↔ A1111 (issue 20).
    case openAsOtherKind
    // An A1111 job's current picture skipped, the batch going on (issue 20).
    case skipImage
    // Model lists (issue 9).
    case refreshModelLists
    case insertLora
    case insertEmbedding
    // A1111's Ctrl-↑/↓ on the prompt (issue 19).
    case raiseWeight, lowerWeight
    // History (issue 4).
    case history
    case filterHistory
    case showBatch
    case selectNext
    case selectPrevious
    case selectPageDown
    case selectPageUp
    case selectFirst
    case selectLast
    case openEntry
    case closeView
    case editInForm
    case resend
    case queryNow
    case deleteEntry
    case copyRequest
    case copyResultURLs
    case saveImages
    case markEntry
    case compareWithForm
    case compareWithMarked
    case toImage2Image
    case toControlNetUnit
    case useTextAsPrompt
    // Results carried on (issue 17).
    case useAs
    case useTextAs
    case scrollResultsDown
    case scrollResultsUp
    // Pictures (issue 11).
    case showPictures
    case nextPicture
    case previousPicture
    case enlargePicture
    case closePictures
    case contactSheet
    /// The images a bound of what one task may bring left unfetched (issue 23).
    case fetchRestOfPictures
    // Editing text (a field, a picker's filter, the history filter, an input box).
    case cursorLeft, cursorRight, wordLeft, wordRight, lineStart, lineEnd, cursorUp, cursorDown
    /// The whole text's start and end (a long prompt's first character is a line away from nowhere else).
    case textStart, textEnd
    case deleteBackward, deleteForward, killToStart, killToEnd, deleteWordBackward, newLine
    case finishEdit, cancelEdit
    // A selection in a field's text (issue 19): Shift-←/→/Home/End, Ctrl-Shift-←/→ by word.
    case selectLeft, selectRight, selectLineStart, selectLineEnd, selectWordLeft, selectWordRight
    // The list of LoRA and embedding names that pops up while a prompt is typed (issue 19).
    case completionNext, completionPrevious, completionTake, completionTakeChosen, closeCompletion
    // Pickers and the history filter.
    case pickPrevious, pickNext, pickPageUp, pickPageDown, pickHighlighted, pickTyped, closeOverlay
    case confirmInput
    case filterDone, filterClear
    // Keys that were matched by hand before issue 16, now declared like the rest.
    case typeNumber, toggleField
    case helpDown, helpUp, helpPageDown, helpPageUp
    case confirm, deleteKeepingImages, confirmResend
    // The gallery (issue 17).
    case gallery, galleryEnlarge, galleryOpenEntry, filterGallery, galleryDelete
    case galleryRight, galleryLeft, galleryDown, galleryUp, galleryPageDown, galleryPageUp, galleryFirst, galleryLast
    case closeGallery, galleryFilterDone, galleryFilterClear

    // Local files in image fields (issue 17).
    case completePath, pickFile
    case fileNext, filePrevious, filePageDown, filePageUp, fileChoose, fileParent, closeFilePicker
    case filterFiles, fileFilterDone, fileFilterClear
}

/// Where a binding applies: everywhere, or only when the focused field is of
/// a kind, an overlay is open, or text is typed. The order of the cases is
/// the order of the key table (`zqt keys`, the help's "Elsewhere").
enum BindingScope: String, CaseIterable, Sendable {
    case global
    /// The compose screen, whatever is focused.
    case compose
    case form
    case text
    /// The prompt or negative prompt, focused or being edited: LoRA and embedding pickers.
    case promptText
    case slider
    case choice
    /// A slider or a whole-number field: typing a number sets it.
    case number
    /// An on/off field.
    case toggle
    case seed
    case idTask
    /// A custom request's form (issue 9).
    case customForm
    /// An image field (a URL, a URL list, a unit's image): it takes a local file too (issue 17).
    case imageField
    /// A form with ControlNet units (the repeated group).
    case unitsForm
    case unitRow
    case unitForm
    /// The compose screen after a task sent from it finished: its result moves on.
    case lastResult
    /// The compose screen or a history entry with images (issue 11).
    case withPictures
    /// Keys on the results pane's thumbnails.
    case pictures
    /// One image as large as the terminal allows.
    case pictureZoom
    /// A sweep's images in a grid.
    case contactSheet
    /// Editing an image field's text: Tab completes a path.
    case pathEditing
    /// The LoRA and embedding names offered under the cursor while a prompt is typed (issue 19).
    case completion
    /// The same list once a name in it is highlighted (↓): Enter takes it.
    case completionChosen
    /// Editing a field's text (Enter on a text field).
    case textEditing
    /// Every one-line text box, and a field's text: cursor and delete keys.
    case lineEditing
    /// A picker: a list with a filter (choices, the palette, the endpoint switcher).
    case picker
    /// A box asking for one line (the folder to save images into).
    case inputBox
    /// A question (quit, replace the form, delete): its keys answer yes; any other says no.
    case confirmation
    /// The question before a history entry is deleted: with or without its images.
    case deleteConfirmation
    /// The question before a history row is sent again: a paid task, answered
    /// by a key no word holds (review24: after Esc on a filter, `ryokan` typed
    /// for it was `r` then a yes).
    case resendConfirmation
    /// The file picker: a folder's pictures and folders.
    case filePicker
    /// Typing the file picker's filter (keys not bound here edit the filter).
    case filePickerFilter
    /// The `?` key help.
    case help
    case historyList
    /// Typing into the history filter (keys not bound here edit the filter).
    case historyFilter
    case historyDetail
    /// A history row or the entry open: the actions on one submission.
    case historyEntry
    case comparison
    /// The gallery's grid of kept pictures (issue 17).
    case gallery
    /// Typing the gallery's filter (keys not bound here edit the filter).
    case galleryFilter
}

struct KeyBinding: Equatable, Sendable {
    let keys: [Key]
    let command: Command
    let scope: BindingScope
    /// Shown in the footer when its scope applies.
    let inFooter: Bool
    /// Its keys that are not characters work everywhere else too: while a
    /// field's text is edited, in the help and the boxes (a narrower scope's
    /// own binding of the key wins: a picker's F10 closes it). Quit's F10
    /// and Ctrl-C (issue 19: docs/keys.md said "anywhere", typing stopped them).
    var evenWhileTyping = false
    /// Where it works, as `zqt keys` and docs/keys.md say it; nil: its scope's description.
    var whereText: String?

    /// Where it works, in words.
    var whereDescription: String { whereText ?? scope.description }

    /// The same binding with other keys (a `[keys]` override).
    func with(keys: [Key]) -> KeyBinding {
        KeyBinding(keys: keys, command: command, scope: scope, inFooter: inFooter, evenWhileTyping: evenWhileTyping, whereText: whereText)
    }
}

/// Where keys are read now: the scopes, narrowest first, and whether plain
/// characters are text there (a field being edited, a picker's filter, an
/// input box, the history filter), never commands.
struct KeyContext: Equatable, Sendable {
    var scopes: [BindingScope]
    var charactersAreText: Bool
}

struct KeyTable: Equatable, Sendable {
    private(set) var bindings: [KeyBinding]

    init(bindings: [KeyBinding]) {
        self.bindings = bindings
    }

    /// The rows of the declarations, in scope order (stable: within a scope,
    /// the order the commands are declared in, which is the footer's order).
    init(declarations: [CommandDeclaration]) {
        let rows = declarations.flatMap { declaration in
            declaration.keys.map { KeyBinding(keys: $0.keys, command: declaration.command, scope: $0.scope, inFooter: $0.inFooter,
                                              evenWhileTyping: $0.evenWhileTyping, whereText: $0.whereText) }
        }
        let order = Dictionary(uniqueKeysWithValues: BindingScope.allCases.enumerated().map { ($0.element, $0.offset) })
        bindings = rows.enumerated().sorted { a, b in
            let (x, y) = (order[a.element.scope]!, order[b.element.scope]!)
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    /// The table as shipped: every declaration's default keys.
    static let shipped = KeyTable(declarations: Commands.all)

    /// A `[keys]` entry that cannot be applied: which command, and why.
    struct OverrideError: Error, Equatable {
        let command: String
        let message: String
    }

    /// This table with each named command's keys replaced by the given ones,
    /// in every scope the command has. The new keys are taken from every other
    /// command, so the key does what the file says wherever the command applies.
    /// Commands are named as in the palette's code names ("submit",
    /// "switchEndpoint", also "switch_endpoint"); keys as the footer writes them.
    func overridden(with overrides: [(command: String, keys: [String])]) throws(OverrideError) -> KeyTable {
        var table = bindings
        for (name, keyNames) in overrides {
            let wanted = name.replacing("_", with: "").lowercased()
            guard let command = Command.allCases.first(where: { $0.rawValue.lowercased() == wanted }) else {
                throw OverrideError(command: name, message: "keys: no command \(name.quotedShort) (zqt keys lists them; e.g. submit, history, switchEndpoint)")
            }
            guard !keyNames.isEmpty else {
                throw OverrideError(command: name, message: "keys.\(name): give at least one key; a command without a key cannot be run")
            }
            var keys: [Key] = []
            for keyName in keyNames {
                guard let key = Key.named(keyName) else {
                    throw OverrideError(command: name, message: "keys.\(name): no key \(keyName.quotedShort) (write keys as F6, Ctrl-x, Alt-k, Enter, Esc, PgUp, Space or one character)")
                }
                if !keys.contains(key) { keys.append(key) }
            }
            table = table.map { binding in
                if binding.command == command { return binding.with(keys: keys) }
                // Taken from every other command, whatever its scope: a narrower
                // scope (F6 adds a unit in a units form) would otherwise win over it.
                return binding.with(keys: binding.keys.filter { !keys.contains($0) })
            }
        }
        return KeyTable(bindings: table)
    }

    /// The command a key runs where the keys are read now (the first match
    /// wins, narrower scopes first). Where characters are text, a plain
    /// character is never a command.
    func command(for key: Key, in context: KeyContext) -> Command? {
        if context.charactersAreText, case .char = key { return nil }
        if let command = command(for: key, only: context.scopes) { return command }
        // A key that works even while typing (F10 and Ctrl-C quit), where nothing narrower took it; never a character.
        if case .char = key { return nil }
        return bindings.first { $0.evenWhileTyping && $0.keys.contains(key) }?.command
    }

    /// The command a key runs in exactly these scopes.
    func command(for key: Key, only scopes: [BindingScope]) -> Command? {
        for scope in scopes {
            if let binding = bindings.first(where: { $0.scope == scope && $0.keys.contains(key) }) {
                return binding.command
            }
        }
        return nil
    }

    /// The rows of these scopes, in the scopes' order (narrowest first, as the
    /// footer shows them): the help's "Here", the palette.
    func rows(in scopes: [BindingScope]) -> [KeyBinding] {
        scopes.flatMap { scope in bindings.filter { $0.scope == scope } }
    }

    /// One line of hints for a set of scopes, from the table (overlays' own help lines).
    /// `words`: what a command does here, where its footer word would mislead (Enter in the Load box loads).
    func hintLine(_ scopes: [BindingScope], words: [Command: String] = [:]) -> String {
        var seen = Set<Command>()
        var parts: [String] = []
        for binding in rows(in: scopes) where binding.inFooter && !binding.keys.isEmpty && !seen.contains(binding.command) {
            seen.insert(binding.command)
            parts.append("\(binding.keys[0].label) \(words[binding.command] ?? binding.command.footerWord)")
        }
        return parts.joined(separator: " · ")
    }

    /// The first key of a command, for messages that say what to press next:
    /// a rebound key shows as it is bound.
    func label(_ command: Command) -> String {
        keys(for: command).first?.label ?? command.title
    }

    /// The first key of a command in one scope (the question's own keys).
    func label(_ command: Command, in scope: BindingScope) -> String {
        bindings.first { $0.command == command && $0.scope == scope }?.keys.first?.label ?? command.title
    }

    func keys(for command: Command) -> [Key] {
        bindings.filter { $0.command == command }.flatMap(\.keys)
    }

    /// The key table as Markdown (`zqt keys`, docs/keys.md).
    var markdown: String {
        // The name column is what the config file's [keys] section calls the command.
        var lines = ["| keys | command | name in [keys] | where |", "|---|---|---|---|"]
        for binding in bindings {
            let keys = binding.keys.map { "`\($0.label)`" }.joined(separator: " ")
            // A command of one kind of server says so where it works (the help and the palette of the other kind leave it out).
            let only = Commands.declaration(of: binding.command).onlyOn.map { "; " + Wording.onlyOnProfiles($0) } ?? ""
            lines.append("| \(keys) | \(binding.command.title) | `\(binding.command.rawValue)` | \(binding.whereDescription)\(only) |")
        }
        return lines.joined(separator: "\n")
    }
}

/// The shipped table's Markdown, for the generated key reference.
enum KeyBindings {
    static var markdown: String { KeyTable.shipped.markdown }
}

extension Command {
    /// What the help, the palette and `zqt keys` call the command (its declaration's).
    var title: String { Commands.declaration(of: self).title }
    /// Short word for the footer (its declaration's).
    var footerWord: String { Commands.declaration(of: self).footerWord }
}

extension BindingScope: CustomStringConvertible {
    var description: String {
        switch self {
        case .global: return "anywhere"
        case .compose: return "on the compose screen"
        case .form: return "in the form"
        case .slider: return "on a slider"
        case .choice: return "on a choice"
        case .number: return "on a slider or number field"
        case .toggle: return "on an on/off field"
        case .text: return "on a text field"
        case .seed: return "on the seed"
        case .idTask: return "on id_task"
        case .unitRow: return "on a ControlNet unit row"
        case .unitForm: return "in a unit's form"
        case .historyList: return "in the history list"
        case .historyFilter: return "typing a history filter"
        case .historyDetail: return "in a history entry"
        case .historyEntry: return "on a history row or entry"
        case .comparison: return "comparing two requests"
        case .lastResult: return "on the compose screen, after a task finished"
        case .unitsForm: return "in a form with ControlNet units"
        case .customForm: return "in a custom request's form"
        case .promptText: return "on the prompt or negative prompt, or typing it"
        case .textEditing: return "editing a field's text"
        case .completion: return "while names are offered under the cursor"
        case .completionChosen: return "while a name offered under the cursor is highlighted"
        case .imageField: return "on an image field"
        case .pathEditing: return "editing an image field"
        case .filePicker: return "in the file picker"
        case .filePickerFilter: return "typing the file picker's filter"
        case .lineEditing: return "editing any text"
        case .picker: return "in a picker"
        case .inputBox: return "in an input box"
        case .confirmation: return "asked a question (quit, replace the form, delete)"
        case .deleteConfirmation: return "asked whether to delete a history entry"
        case .resendConfirmation: return "asked whether to send a history entry again"
        case .help: return "in the key help"
        case .withPictures: return "where a task's images are shown"
        case .pictures: return "on the result images"
        case .pictureZoom: return "on an enlarged image"
        case .contactSheet: return "on a contact sheet"
        case .gallery: return "in the gallery"
        case .galleryFilter: return "typing the gallery's filter"
        }
    }
}
