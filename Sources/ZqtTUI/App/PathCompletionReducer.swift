// Local files typed or picked into image fields (issue 17, "your own files
// as inputs"): Tab completion while an image field is edited, the file
// picker, and whether each typed path names a file. Folders are read and
// files stat(2)ed by effects (Terminal/PathEffects.swift); their answers come
// back as actions. The send replaces each path by its upload's URL; here the
// form only holds the path as typed.

import Model

/// A folder asked for: why, and which.
struct FolderRead: Equatable, Sendable {
    enum Purpose: Equatable, Sendable {
        /// Tab on `typed`, the path before the cursor of this field's edit.
        case completion(field: FieldID, typed: String)
        /// The file picker's folder.
        case picker
    }
    var purpose: Purpose
    /// The folder as typed (`~/photos/`, `./`, empty for the current one) or absolute.
    var folder: String
    /// Only names holding this text (the picker's filter over a folder larger than the bound).
    var matching: String? = nil
}

/// One line of the file picker.
enum FilePickerEntry: Equatable, Sendable {
    case parent
    case folder(String)
    case picture(String)

    var name: String {
        switch self {
        case .parent: return ".."
        case let .folder(name): return name + "/"
        case let .picture(name): return name
        }
    }
}

/// The file picker over an image field: a folder's pictures and folders.
struct FilePickerState: Equatable, Sendable {
    /// The field the chosen file goes into, on this form.
    var field: FieldID
    var formKey: String
    /// The folder shown (nil until its first read answers).
    var listing: DirectoryListing?
    var entries: [FilePickerEntry] = []
    var selected = 0
    /// Why the folder asked for could not be listed.
    var problem: String?
    /// The folder asked for first could not be read: the current one was asked instead.
    var fellBack = false
    /// The file the field names now, highlighted when its folder is first listed.
    var current: String?
    /// Typed to narrow the list (`/`), as the history's filter: names holding it, any case.
    var filter = TextBuffer("")
    var filterFocused = false
}

/// What the screen knows of local paths.
struct PathInputState: Equatable, Sendable {
    /// What each typed path named when last checked.
    var files: [String: LocalFileState] = [:]
    /// Paths whose check was asked for (answered or not): asked once until an edit ends.
    var asked: Set<String> = []
    /// The text a Tab left ambiguous: the next Tab on the same text lists the candidates.
    var ambiguous: String?
    var picker: FilePickerState?
    /// An edit was under way at the last action: when it ends, the paths are checked again.
    var wasEditing = false
}

enum PathCompletionReducer {
    static func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case let .folderRead(read, result):
            switch read.purpose {
            case let .completion(field, typed): return completed(&state, field: field, typed: typed, result)
            case .picker: return pickerRead(&state, read, result)
            }
        case let .localFilesChecked(found):
            state.paths.files.merge(found) { _, new in new }
            // A path just typed or picked that names no file is said at once (the field is marked at send).
            if let missing = LocalImageFields.localPaths(in: state.request).first(where: { found[$0.path] != nil && found[$0.path] != .file }) {
                state.status = StatusMessage(text: Wording.noLocalFile(missing.label, missing.path, folder: found[missing.path] == .notAFile),
                                             kind: .error)
            } else if let bare = LocalImageFields.bareNames(in: state.request).first(where: { found[$0.path] == .file }) {
                // A bare name that is a file here: said at once, as a missing file is.
                state.status = StatusMessage(text: Wording.bareFileName(bare.label, hint: LocalImageFields.bareNameHint(bare)), kind: .error)
            }
            return []
        default:
            return []
        }
    }

    /// After every action, outside an edit: the local paths of the form not
    /// checked yet are stat(2)ed. An edit that ended forgets what was found,
    /// so a file made meanwhile is seen.
    static func localPathsChanged(_ state: inout AppState) -> [Effect] {
        if state.view.editing != nil {
            if !state.paths.wasEditing { state.paths.wasEditing = true }
            return []
        }
        if state.paths.wasEditing {
            state.paths.wasEditing = false
            forgetChecks(&state)
        }
        guard state.screen == .compose else { return [] }
        guard state.endpoint.fields.contains(where: { $0.takesImage || $0.groupSpec?.fields.contains(where: \.takesImage) == true }) else { return [] }
        // Bare names too (`face.jpg`): one that is a file here gets a hint to write it `./face.jpg`.
        let paths = Set((LocalImageFields.localPaths(in: state.request) + LocalImageFields.bareNames(in: state.request)).map(\.path))
        let unasked = paths.subtracting(state.paths.asked)
        guard !unasked.isEmpty else { return [] }
        state.paths.asked.formUnion(unasked)
        return [.checkLocalFiles(unasked.sorted())]
    }

    /// An edit ended (or a file was picked): the paths are checked again.
    static func forgetChecks(_ state: inout AppState) {
        state.paths.asked = []
    }

    // MARK: Tab completion (declared in Input/Commands/PathCommands.swift)

    /// The image field's field spec being edited, if it is one.
    private static func editedImageField(_ state: AppState) -> FormField? {
        guard let editing = state.view.editing, let field = state.fields.first(where: { $0.id == editing.field }),
              field.spec?.takesImage == true else { return nil }
        return field
    }

    /// The path before the cursor: the whole text before it in a URL field,
    /// the word before it in a URL list (one URL per line or space).
    static func typedPath(_ buffer: TextBuffer, list: Bool) -> String {
        let before = buffer.characters.prefix(buffer.cursor)
        guard list else { return String(before) }
        return String(before.reversed().prefix { !$0.isWhitespace }.reversed())
    }

    private static func isList(_ field: FormField) -> Bool {
        if case .urlList? = field.spec?.kind { return true }
        return false
    }

    /// Tab while an image field is edited: completes the path before the
    /// cursor when it looks like one (starts with /, ~, ./ or ../); else
    /// moves to the next field, as Tab does in any other field.
    static func completeOrMove(_ state: inout AppState) -> [Effect] {
        guard let field = editedImageField(state), let editing = state.view.editing else { return Reducer.stepFocus(&state, by: 1) }
        let typed = typedPath(editing.buffer, list: isList(field))
        guard PathCompletion.looksLikePath(typed) else { return Reducer.stepFocus(&state, by: 1) }
        return [.readFolder(FolderRead(purpose: .completion(field: field.id, typed: typed), folder: PathCompletion.split(typed).folder))]
    }

    private static func completed(_ state: inout AppState, field: FieldID, typed: String,
                                  _ result: Result<DirectoryListing, FolderReadFault>) -> [Effect] {
        // Typing went on meanwhile, or the edit ended: the answer is for text no longer there.
        guard let editing = state.view.editing, editing.field == field,
              let formField = state.fields.first(where: { $0.id == field }),
              typedPath(editing.buffer, list: isList(formField)) == typed else { return [] }
        let listing: DirectoryListing
        switch result {
        case let .failure(fault):
            state.status = StatusMessage(text: Wording.folderNotRead(fault), kind: .error)
            return []
        case let .success(read):
            listing = read
        }
        let outcome = PathCompletion.complete(typed, entries: listing.entries)
        let more = listing.truncated ? Wording.folderTruncated(PathCompletion.entryLimit) : ""
        if outcome.candidates.isEmpty {
            state.paths.ambiguous = nil
            state.status = StatusMessage(text: Wording.noPathMatch(typed) + more, kind: .error)
            return []
        }
        if outcome.text != typed {
            replaceTyped(&state, typed.count, with: outcome.text)
        }
        if outcome.isUnique {
            state.paths.ambiguous = nil
            state.status = nil
        } else if outcome.text == typed, state.paths.ambiguous == typed {
            // The second Tab on text that goes no further: the candidates.
            state.status = StatusMessage(text: Wording.pathCandidates(outcome.candidates) + more, kind: .info)
        } else {
            state.paths.ambiguous = outcome.text
            state.status = StatusMessage(text: Wording.pathAmbiguous(outcome.candidates.count, tabKey: state.keys.label(.completePath)) + more,
                                         kind: .info)
        }
        return []
    }

    /// The `count` characters before the cursor become `text`.
    private static func replaceTyped(_ state: inout AppState, _ count: Int, with text: String) {
        guard var editing = state.view.editing else { return }
        for _ in 0..<count { editing.buffer.backspace() }
        editing.buffer.insert(text)
        state.view.editing = editing
        Reducer.applyEditBuffer(&state)
    }

    // MARK: The file picker

    /// `f` on an image field: the picker opens in the folder of the field's
    /// path when it is a local one, else in the current folder.
    static func openFilePicker(_ state: inout AppState) -> [Effect] {
        guard state.screen == .compose, let field = state.focusedField, field.spec?.takesImage == true else { return [] }
        let text = state.drafts[field.id]?.text ?? FieldValues.text(of: field.id, in: state.request)
        let last = text.split(whereSeparator: { $0.isWhitespace }).last.map(String.init) ?? ""
        let folder = PathCompletion.looksLikePath(last) ? PathCompletion.split(last).folder : ""
        let name = folder.isEmpty ? nil : PathCompletion.split(last).name
        state.paths.picker = FilePickerState(field: field.id, formKey: state.endpoint.formKey, current: name)
        return [.readFolder(FolderRead(purpose: .picker, folder: folder))]
    }

    private static func pickerRead(_ state: inout AppState, _ read: FolderRead,
                                   _ result: Result<DirectoryListing, FolderReadFault>) -> [Effect] {
        guard var picker = state.paths.picker else { return [] }
        switch result {
        case let .success(listing):
            // The first folder shown after a fall-back keeps saying why it is not the field's.
            let fallBackNote = picker.listing == nil && picker.fellBack ? picker.problem : nil
            // An answer for a filter no longer typed: the one for the text now is on its way.
            if let matching = listing.matching, matching != picker.filter.text { return [] }
            // Another folder: the filter was for the one before.
            if picker.listing?.folder != listing.folder { picker.filter = TextBuffer("") }
            picker.listing = listing
            picker.entries = entries(listing, filter: picker.filter.text)
            picker.selected = picker.entries.count > 1 && picker.entries[0] == .parent ? 1 : 0
            // Opened on a field naming a file here: that file is highlighted.
            if fallBackNote == nil, let name = picker.current, let index = picker.entries.firstIndex(of: .picture(name)) { picker.selected = index }
            picker.current = nil
            picker.problem = fallBackNote
        case let .failure(fault):
            if picker.listing == nil, !picker.fellBack, !read.folder.isEmpty {
                // The field's folder is gone: the current folder instead, saying why.
                picker.fellBack = true
                picker.problem = Wording.folderNotRead(fault)
                state.paths.picker = picker
                return [.readFolder(FolderRead(purpose: .picker, folder: ""))]
            }
            picker.problem = Wording.folderNotRead(fault)
        }
        state.paths.picker = picker
        return []
    }

    /// The picker's lines: up a folder, the folders, then the pictures
    /// (PNG, JPEG, WebP by name); hidden names left out.
    static func entries(_ listing: DirectoryListing, filter: String = "") -> [FilePickerEntry] {
        let shown = listing.entries.filter { !$0.name.hasPrefix(".") && PathCompletion.nameMatches($0.name, filter) }
        var entries: [FilePickerEntry] = listing.folder == "/" ? [] : [.parent]
        entries += shown.filter(\.isDirectory).map { .folder($0.name) }
        entries += shown.filter { !$0.isDirectory && PathCompletion.isPicture($0.name) }.map { .picture($0.name) }
        return entries
    }

    /// PageDown's step: the entries on screen.
    static func pickerPage(state: AppState) -> Int {
        guard let picker = state.paths.picker else { return 10 }
        return max(1, FilePickerView.visibleEntries(picker, state: state))
    }

    static func movePicker(_ state: inout AppState, by delta: Int) -> [Effect] {
        guard var picker = state.paths.picker, !picker.entries.isEmpty else { return [] }
        picker.selected = min(picker.entries.count - 1, max(0, picker.selected + delta))
        state.paths.picker = picker
        return []
    }

    /// Enter: a folder is opened, `..` goes up, a picture goes into the field.
    static func choose(_ state: inout AppState) -> [Effect] {
        guard let picker = state.paths.picker, let listing = picker.listing, picker.entries.indices.contains(picker.selected) else { return [] }
        switch picker.entries[picker.selected] {
        case .parent:
            return parent(&state)
        case let .folder(name):
            return [.readFolder(FolderRead(purpose: .picker, folder: join(listing.folder, name)))]
        case let .picture(name):
            state.paths.picker = nil
            let path = join(listing.shownFolder, name)
            guard state.endpoint.formKey == picker.formKey else { return [] }
            let list: Bool
            if case .urlList? = state.fields.first(where: { $0.id == picker.field })?.spec?.kind { list = true } else { list = false }
            var text = path
            if list {
                // A list gains the file on a line of its own (training's images, face swap's faces).
                let current = state.drafts[picker.field]?.text ?? FieldValues.text(of: picker.field, in: state.request)
                let lines = current.split(whereSeparator: { $0.isWhitespace }).map(String.init)
                text = (lines.contains(path) ? lines : lines + [path]).joined(separator: "\n")
            }
            forgetChecks(&state)
            if Reducer.commit(&state, field: picker.field, text: text) {
                state.status = StatusMessage(text: Wording.filePicked(Reducer.label(of: picker.field, in: state), path), kind: .success)
            }
            return []
        }
    }

    /// Backspace: the folder above.
    static func parent(_ state: inout AppState) -> [Effect] {
        guard let listing = state.paths.picker?.listing, listing.folder != "/" else { return [] }
        return [.readFolder(FolderRead(purpose: .picker, folder: PathCompletion.parent(of: listing.folder)))]
    }

    static func closePicker(_ state: inout AppState) -> [Effect] {
        state.paths.picker = nil
        return []
    }

    // MARK: The picker's filter (typed as the history's)

    static func focusPickerFilter(_ state: inout AppState) -> [Effect] {
        state.paths.picker?.filterFocused = true
        return []
    }

    /// Enter or Tab: the keys go back to the list, the filter stays.
    static func pickerFilterDone(_ state: inout AppState) -> [Effect] {
        state.paths.picker?.filterFocused = false
        return []
    }

    /// Esc: the filter goes, and the keys back to the list.
    static func clearPickerFilter(_ state: inout AppState) -> [Effect] {
        state.paths.picker?.filterFocused = false
        return setPickerFilter(&state, TextBuffer(""))
    }

    /// A change typed into the filter (EditingReducer.editFocusedText).
    static func editPickerFilter(_ state: inout AppState, _ change: (inout TextBuffer, _ width: Int?) -> Bool) -> [Effect] {
        guard var filter = state.paths.picker?.filter, change(&filter, nil) else { return [] }
        return setPickerFilter(&state, filter)
    }

    /// The list narrowed to the names holding the filter. A folder read only
    /// in part (more entries than the bound) is read again for the filter, so
    /// a name past the bound is found too.
    static func setPickerFilter(_ state: inout AppState, _ filter: TextBuffer) -> [Effect] {
        guard var picker = state.paths.picker, filter.text != picker.filter.text else {
            state.paths.picker?.filter = filter
            return []
        }
        picker.filter = filter
        guard let listing = picker.listing else {
            state.paths.picker = picker
            return []
        }
        // The entry highlighted stays so while it matches (`..` is no choice the filter made).
        let selectedName = picker.entries[safe: picker.selected].flatMap { $0 == .parent ? nil : $0 }
        picker.entries = entries(listing, filter: filter.text)
        picker.selected = selectedName.flatMap { picker.entries.firstIndex(of: $0) }
            ?? (picker.entries.count > 1 && picker.entries[0] == .parent ? 1 : 0)
        state.paths.picker = picker
        guard listing.truncated || listing.matching != nil else { return [] }
        return [.readFolder(FolderRead(purpose: .picker, folder: listing.folder, matching: filter.text.isEmpty ? nil : filter.text))]
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
