// The one place state changes: reduce(state, action) -> effects.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

enum Reducer {
    static let spinner: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
    /// Answers of a running task that leave another message on the status
    /// line: three, about a second at the start of a task (PollPolicy).
    static let messageHoldAnswers = 3

    static func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
        let shown = PictureReducer.historyShownKey(state)
        let fitted = (state.endpoint.formKey, checkpointFamily(state))
        let (screen, status) = (state.screen, state.status)
        let (request, focus) = (state.request, state.view.focus)
        var effects = reduceAction(&state, action)
        // "Restored the form as it was left" goes at the first change: an edit, a field
        // begun, the focus moved, the form changed.
        if state.status?.cause == .restoredForm, state.request != request || state.view.focus != focus || state.view.editing != nil {
            state.status = nil
        }
        // A status message belongs to the screen that raised it (issue 19: the prompt's
        // "no partner" stayed over the history): another screen starts without it,
        // unless the change itself said something. A followed task's line is no screen's: it stays.
        if state.screen != screen, state.status == status, status != state.task.map({ taskStatus($0, keys: state.keys) }) {
            // A task followed (sent, or taken up with `u`) has its line back at once (issue 19), not at its next answer.
            state.status = state.task.flatMap { $0.phase == .inProgress ? taskStatus($0, keys: state.keys) : nil }
        }
        // A field's problem on the status line goes with the problem (issue 19).
        dropSettledFieldProblem(&state)
        // A new message is kept for `M`, which shows it whole when the line cut it.
        if let shown = state.status, shown != status, shown != state.task.map({ taskStatus($0, keys: state.keys) }) {
            StatusMessages.record(shown, in: &state.recentMessages)
        }
        // Another checkpoint base: the units' preset models follow it (issue 19).
        if fitted.0 == state.endpoint.formKey, checkpointFamily(state) != fitted.1 { unitsFollowCheckpoint(&state) }
        // A history row or entry newly on screen: its images, beside it (issue 11).
        if PictureReducer.historyShownKey(state) != shown { effects += PictureReducer.historyShownChanged(&state) }
        // An enlarged gallery picture stepped through moves the gallery's selection (issue 17).
        effects += GalleryReducer.followZoom(&state)
        // A local path in an image field not checked yet: is it a file (issue 17)?
        effects += PathCompletionReducer.localPathsChanged(&state)
        // A long JSON or URL list typed into: read a moment later, off the event loop (issue 18).
        effects += readTextLater(&state)
        // The history screen left, whatever the way (issue 18, mem23: on a million rows,
        // the filter's caches held 4-5 MB until the process ended).
        if screen == .history, state.screen != .history { effects.append(.letGoOfHistoryFilter) }
        // A form changed: its draft is saved a moment later (issue 4).
        return effects + SessionReducer.draftsChanged(&state)
    }

    private static func reduceAction(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case let .key(key):
            return handleKey(&state, key)
        case let .pointer(input):
            return pointer(&state, input)
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
            state.status = StatusMessage(text: Wording.notSavedAsEndpoint(message), kind: .error)
            return []
        case let .requestLoaded(loaded, source):
            // The waiting drafts' file loaded: no longer offered (issue 21).
            if let waiting = state.draftSaving.waitingFile, TerminalText.printable(waiting) == source { state.draftSaving.waitingFile = nil }
            if let held = formHolding(state, loaded.request) {
                // Nothing to replace (issue 19: an identical body asked to replace the form): the form is shown as it is.
                if loaded.request.endpoint.formKey != state.endpoint.formKey { show(&state, held) }
                state.status = StatusMessage(text: Wording.alreadyLoaded(into: loaded.request.endpoint.title, from: source), kind: .info)
            } else if state.hasUnsentEdits(in: loaded.request.endpoint) {
                state.view.overlay = .confirm(.replaceWithLoaded(loaded, source: source))
            } else {
                showLoaded(&state, loaded, source: source)
            }
            return []
        case let .keysChecked(error):
            keysAnswered(&state, error)
            return []
        case let .requestLoadFailed(message):
            state.status = StatusMessage(text: Wording.notLoaded(message), kind: .error)
            return []
        case let .resize(size):
            state.view.size = size
            state.needsFullRedraw = true
            return []
        case .tick:
            // While a followed task runs the spinner turns with its seconds (.secondElapsed): one change a second.
            guard state.task?.phase != .inProgress else { return [] }
            state.spinnerFrame = (state.spinnerFrame + 1) % spinner.count
            return []
        case .secondElapsed:
            guard var task = state.task, task.phase == .inProgress else { return [] }
            let shown = taskStatus(task, keys: state.keys)
            task.elapsedSeconds += 1
            state.task = task
            // The running mark changes with the seconds shown, at most once a second (issue 19).
            state.spinnerFrame = (state.spinnerFrame + 1) % spinner.count
            // The status line follows only while it says this task (another message is not replaced).
            if state.status == shown { state.status = taskStatus(task, keys: state.keys) }
            return []
        case let .submitFinished(request, recordID, result):
            return submitFinished(&state, request: request, recordID: recordID, result: result)
        case let .uploadProgress(progress):
            // Only while the send it belongs to is still on its way.
            if state.submitting { state.status = StatusMessage(text: Wording.uploading(progress), kind: .info) }
            return []
        case let .submitUnanswered(request, recordID, error, confirmation):
            return submitUnanswered(&state, request: request, recordID: recordID, error: error, confirmation: confirmation)
        case let .poll(recordID, idTask, event):
            var effects = refreshHistoryIfShown(state, changed: recordID)
            // Taken up with `u` (issue 19): its first answer may come before the query's.
            if case let .update(info) = event, state.task?.idTask != idTask,
               let taken = takenUp(&state, idTask: idTask, info) {
                state.task = TrackedTask(recordID: taken.recordID ?? recordID, idTask: idTask, status: nil, desc: "",
                                         progress: nil, phase: .inProgress, resultCount: 0, result: taken.result)
            }
            guard state.task?.idTask == idTask else {
                // A task resumed from an earlier session: say so when it ends.
                if case let .update(info) = event, info.phase.isTerminal {
                    let succeeded = info.phase == .succeeded
                    state.status = StatusMessage(text: Wording.earlierTask(idTask, desc: info.desc, images: succeeded ? info.pictureCount : nil,
                                                                           text: succeeded && !info.texts.isEmpty ? info.texts[0] : nil),
                                                 kind: info.phase == .succeeded ? .success : .error)
                }
                return effects
            }
            switch event {
            case let .update(info):
                let previous = state.task
                state.task = TrackedTask(recordID: recordID, idTask: idTask, status: info.status, desc: info.desc,
                                         progress: info.progress, phase: info.phase, resultCount: info.pictureCount,
                                         texts: info.texts, result: state.task?.result ?? .images,
                                         elapsedSeconds: state.task?.idTask == idTask ? state.task?.elapsedSeconds ?? 0 : 0)
                if info.phase == .succeeded, let seed = info.results.first?.seed { state.lastResultSeed = seed }
                // Another message on the status line (the send's "Sent to", a copy's) stays for a few answers
                // while the task runs: asked about from a quarter second on (issue 18), the task's own line
                // would wipe it before it could be read. Its end is said at once.
                let held = previous?.answersUnderMessage ?? 0
                if let previous, let shown = state.status, shown != taskStatus(previous, keys: state.keys),
                   info.phase == previous.phase, held < Self.messageHoldAnswers {
                    state.task?.answersUnderMessage = held + 1
                } else {
                    state.status = taskStatus(state.task!, keys: state.keys)
                }
                effects += PictureReducer.taskUpdated(&state, recordID: recordID, idTask: idTask, info: info)
            case let .retrying(error, attempt):
                state.status = StatusMessage(text: Wording.taskRetrying(idTask, error.message, attempt: attempt), kind: .error)
                effects = []
            case .unfollowed:
                // Stopped elsewhere (`zqt history unfollow`, another screen's X): said as this screen's X says it.
                state.task = nil
                state.status = StatusMessage(text: Wording.notFollowed(idTask, queryKey: state.keys.label(.queryNow)), kind: .info)
            }
            return effects
        case let .generationProgress(request, recordID, info):
            return generationProgress(&state, request: request, recordID: recordID, info: info)
        case let .interruptAnswered(idTask, error):
            return interruptAnswered(&state, idTask: idTask, error: error)
        case let .stopWaits(idTask, skip):
            state.status = StatusMessage(text: Wording.stopWaits(idTask, skip: skip), kind: .info)
            return []
        case let .skipAnswered(idTask, error):
            return skipAnswered(&state, idTask: idTask, error: error)
        case let .pollEnded(recordID, idTask, error):
            let effects = refreshHistoryIfShown(state, changed: recordID)
            guard let error else { return effects }
            if state.task?.idTask == idTask { state.task?.phase = .failed }
            if error != .cancelled {
                state.status = StatusMessage(text: Wording.taskProblem(idTask, error.message), kind: .error)
            }
            return effects
        case let .modelListsCached(lists, now):
            return modelListsCached(&state, lists, now: now)
        case let .modelListRead(kind, path, result):
            return modelListRead(&state, kind, path: path, result)
        case let .profileSwitched(result):
            return profileSwitched(&state, result)
        case let .configFileRead(read):
            return configFileRead(&state, read)
        case let .endpointUsesCounted(counts):
            return endpointUsesCounted(&state, counts)
        case .picturesFetched, .intermediateFetched, .faceScanShown, .contactSheetLoaded, .contactSheetFailed, .pictureModeFound, .picturePrepared:
            return PictureReducer.reduce(&state, action) + GalleryReducer.reduce(&state, action)
        case .galleryLoaded, .galleryThumbnailMade:
            return GalleryReducer.reduce(&state, action)
        case .picturesWanted, .picturesDecoded:
            return PictureDecodingReducer.reduce(&state, action)
        case .folderRead, .localFilesChecked:
            return PathCompletionReducer.reduce(&state, action)
        case .firstFrameDrawn, .draftSaveDue, .draftsSavedAgain, .unsavedDraftsFound:
            return SessionReducer.reduce(&state, action)
        case let .historyWritableAgain(request, note):
            return historyWritableAgain(&state, request, note: note)
        case .textReadDue:
            return textReadDue(&state)
        case .a1111RowsRecheckDue:
            return a1111RowsRecheckDue(&state)
        case let .a1111ServerProgress(profile, fraction):
            return a1111ServerProgress(&state, profile: profile, fraction: fraction)
        case let .kindMoved(done):
            return kindMoved(&state, done)
        case let .textRead(field, revision, result):
            textRead(&state, field: field, revision: revision, result)
            return []
        case let .clipboardWritten(what, bytes):
            state.status = StatusMessage(text: Wording.copied(what, bytes: bytes), kind: .success)
            return []
        case let .copyKeptInFile(what, bytes, path, error):
            state.status = StatusMessage(text: Wording.copyTooLarge(what, bytes: bytes, path: path, error: error),
                                         kind: error == nil ? .info : .error)
            return []
        case .historyLoaded, .entriesLoaded, .historyFailed, .historyDamaged, .entryDeleted, .entryQueried, .imagesSaved:
            return reduceHistory(&state, action) + GalleryReducer.reduce(&state, action)
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

    /// Where keys are read now: an open overlay's scopes, a field's text
    /// being edited, the history filter being typed, or the screen's scopes.
    static func keyContext(_ state: AppState) -> KeyContext {
        // The file picker has every key while it is open (issue 17).
        if let picker = state.paths.picker {
            if picker.filterFocused { return KeyContext(scopes: [.filePickerFilter, .lineEditing], charactersAreText: true) }
            return KeyContext(scopes: [.filePicker], charactersAreText: false)
        }
        switch state.view.overlay {
        case .help?:
            return KeyContext(scopes: [.help], charactersAreText: false)
        case let .confirm(question)?:
            if case .deleteEntry = question { return KeyContext(scopes: [.deleteConfirmation, .confirmation], charactersAreText: false) }
            // Not `y`: a letter typed for a filter after Esc would send a paid task (review24).
            if case .resend = question { return KeyContext(scopes: [.resendConfirmation], charactersAreText: false) }
            return KeyContext(scopes: [.confirmation], charactersAreText: false)
        case .input?:
            return KeyContext(scopes: [.inputBox, .lineEditing], charactersAreText: true)
        case .notice?:
            // Quit and help still work; any other key closes the box (unboundKey).
            return KeyContext(scopes: [.global], charactersAreText: false)
        case .picker?:
            return KeyContext(scopes: [.picker, .lineEditing], charactersAreText: true)
        case nil:
            break
        }
        if state.view.editing != nil { return KeyContext(scopes: editScopes(state), charactersAreText: true) }
        // The filter's own keys first (Ctrl-E is the end of the line here), then
        // the global ones that make sense while typing (help, quit, F2); letters are text.
        if state.historyFilterTyping { return KeyContext(scopes: [.historyFilter, .lineEditing, .global], charactersAreText: true) }
        if state.galleryFilterTyping { return KeyContext(scopes: [.galleryFilter, .lineEditing, .global], charactersAreText: true) }
        return KeyContext(scopes: state.scopes + [.global], charactersAreText: false)
    }

    /// A key runs the command the key table gives it where it is pressed;
    /// no key is matched anywhere else.
    static func handleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
        if key == .resize { return [] }
        if let command = state.keys.command(for: key, in: keyContext(state)) {
            return Commands.perform(&state, command, key: key)
        }
        return unboundKey(&state, key)
    }

    /// A key no command has where it was pressed: the help closes, a question
    /// is answered no, and a character is text in whatever is being typed.
    static func unboundKey(_ state: inout AppState, _ key: Key) -> [Effect] {
        switch state.view.overlay {
        case .help?, .notice?: return closeOverlay(&state)
        case .confirm?: return decline(&state)
        default: break
        }
        guard case let .char(c) = key else { return [] }
        return editFocusedText(&state) { buffer, _ in
            buffer.insert(String(c))
            return true
        }
    }

    /// The most bytes of text copied by OSC 52. tmux keeps a sequence in an
    /// input buffer of 1 MiB (INPUT_BUF_LIMIT in its input.c, 3.3 and later;
    /// `input-buffer-size` since 3.5) and drops a longer one without a word,
    /// as many terminals drop theirs (newcomer19: `Y` of a 1 MB request never
    /// reached tmux's buffer). 750,000 bytes are 1,000,000 in base64, inside it.
    static let clipboardLimit = 750_000

    /// Text for the clipboard: by OSC 52 within `clipboardLimit`; over it,
    /// kept in a file whose path the status line gives, not sent to be lost.
    static func copy(_ text: String, what: String) -> Effect {
        text.utf8.count <= clipboardLimit ? .copyToClipboard(text, what: what) : .keepCopyInFile(text, what: what)
    }

    /// Runs a command as its key would (the palette, an action field, tests).
    static func run(_ state: inout AppState, _ command: Command) -> [Effect] {
        Commands.perform(&state, command)
    }

    // MARK: The application's own commands (declared in Input/Commands/AppCommands.swift)

    /// Quit, asking first when a form has changes that were not sent and
    /// would be lost: with a history open, every form is kept as a draft on
    /// the way out (TerminalApp) and comes back at the next start, so there is
    /// nothing to ask (issue 19: the question was misleading).
    static func quit(_ state: inout AppState) -> [Effect] {
        // Quitting from a field being edited (F10, Ctrl-C): its text goes into the form first, so the draft keeps it.
        if let editing = state.view.editing { finishEdit(&state, editing) }
        // F10 or Ctrl-C again on the question itself: the answer is yes.
        let asked: Bool
        if case .confirm(.quit)? = state.view.overlay { asked = true } else { asked = false }
        if state.anyUnsentEdits, !asked, !state.draftSaving.kept {
            state.view.overlay = .confirm(.quit)
            return []
        }
        state.quitting = true
        return [.quit]
    }

    static func redraw(_ state: inout AppState) -> [Effect] {
        state.needsFullRedraw = true
        return []
    }
}
