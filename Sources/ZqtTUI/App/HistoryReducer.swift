// The history screen's half of the reducer (issue 4): moving through the
// rows, filtering as you type, opening an entry, and the actions on one
// submission (edit, send again, query, delete, copy, save images, compare).

import Model

extension Reducer {
    // MARK: Opening and leaving

    static func toggleHistory(_ state: inout AppState) -> [Effect] {
        if state.screen == .history {
            state.screen = .compose
            return []
        }
        state.screen = .history
        state.history.mode = .list
        state.history.detail = nil
        state.history.comparison = nil
        if state.historyProblem != nil { return [] }
        return [reloadHistory(state)]
    }

    /// The rows shown, read again (after a filter change, a poll update, a send).
    static func reloadHistory(_ state: AppState) -> Effect {
        .loadHistory(filter: state.history.filter.text, before: nil,
                     limit: max(HistoryViewState.pageSize, state.history.rows.count))
    }

    /// Reloads the list, and the open entry, when the history is on screen.
    static func refreshHistoryIfShown(_ state: AppState, changed recordID: Int?) -> [Effect] {
        guard state.screen == .history, state.historyProblem == nil else { return [] }
        var effects = [reloadHistory(state)]
        if state.history.mode == .detail, let id = state.history.detail?.id, recordID == nil || recordID == id {
            effects.append(.loadEntries([id], .refreshDetail))
        }
        return effects
    }

    /// Rows of the list on screen (title, filter line, column heads, status, footer aside).
    /// A damaged or read-only history's line above the rows takes one of them each (issue 21).
    static func historyListHeight(_ state: AppState) -> Int {
        max(1, state.view.size.height - 5 - (state.history.damage == nil ? 0 : 1) - (state.historyReadOnlyLine == nil ? 0 : 1))
    }
    /// The history opened read-only at start (issue 21): a newer zqt's is
    /// read and, like one whose folder or file refuses writes or whose disk
    /// is full, refuses a send as `zqt send` refuses it (no row, no send).
    static func historyOpenedReadOnly(_ state: inout AppState, _ readOnly: HistoryReadOnly, path: String) {
        state.status = StatusMessage(text: Wording.historyReadOnly(readOnly), kind: .error)
        state.historyReadOnlyLine = Wording.historyListReadOnly(readOnly)
        state.historyEmptyReadOnlyText = Wording.historyEmptyReadOnly(readOnly)
        state.historyRefusesSends = readOnly.refusal(path: path)
        state.historyReadOnlyForFullDisk = readOnly.diskFault == .full
    }

    /// A page read past damage (issue 21): the rows it could not read
    /// counted for the line above the list, the damage said once.
    static func historyPageDamaged(_ state: inout AppState, _ page: HistoryPage) {
        var damage = state.history.damage ?? HistoryListDamage()
        damage.unreadable = page.appending ? damage.unreadable + page.unreadable : page.unreadable
        state.history.damage = damage
        guard !state.historyDamageSaid else { return }
        state.historyDamageSaid = true
        state.status = StatusMessage(text: Wording.historyDamagedNow, kind: .error)
    }

    /// Rows of an open entry or comparison on screen.
    static func historyBodyHeight(_ state: AppState) -> Int { max(1, state.view.size.height - 4) }

    // MARK: Commands (declared in Input/Commands/HistoryCommands.swift)

    /// F2: the history, or back to the form. The other screen's pictures stay
    /// behind: nothing enlarged, no sheet, keys to the screen.
    static func openOrLeaveHistory(_ state: inout AppState) -> [Effect] {
        state.view.picturesFocused = false
        state.view.zoom = nil
        state.view.contactSheet = nil
        state.view.contactSheetAsked = nil
        return toggleHistory(&state)
    }

    static func focusHistoryFilter(_ state: inout AppState) -> [Effect] {
        state.history.filterFocused = true
        return []
    }

    /// Enter in the filter: it stays, the keys go to the list.
    static func filterDone(_ state: inout AppState) -> [Effect] {
        state.history.filterFocused = false
        return []
    }

    /// Esc in the filter: it goes, and the keys go to the list.
    static func clearHistoryFilter(_ state: inout AppState) -> [Effect] {
        state.history.filterFocused = false
        guard !state.history.filter.text.isEmpty else { return [] }
        return setFilter(&state, TextBuffer(""))
    }

    /// A sweep's rows as one list: the filter the history already has (batch:ID).
    static func showBatch(_ state: inout AppState) -> [Effect] {
        guard let row = state.history.selectedRow else { return [] }
        guard let batch = row.batchID else {
            state.status = StatusMessage(text: Wording.sentAlone(row.idTask), kind: .info)
            return []
        }
        return setFilter(&state, TextBuffer("batch:" + batch))
    }

    static func pageInHistory(_ state: inout AppState, down: Bool) -> [Effect] {
        moveInHistory(&state, by: down ? pageStep(state) : -pageStep(state))
    }

    /// Far enough to reach either end of any list or entry; moving clamps.
    static func moveToHistoryEnd(_ state: inout AppState, last: Bool) -> [Effect] {
        moveInHistory(&state, by: last ? 1 << 40 : -(1 << 40))
    }

    static func openEntry(_ state: inout AppState) -> [Effect] {
        guard let id = state.history.selectedRow?.id else { return [] }
        return [.loadEntries([id], .show)]
    }

    /// Back: from a comparison or an entry to where it was opened; in the
    /// list, the filter is cleared first, then the form.
    static func closeHistoryView(_ state: inout AppState) -> [Effect] {
        switch state.history.mode {
        case .compare:
            state.history.mode = state.history.comparison?.returnTo ?? .list
            state.history.comparison = nil
        case .detail:
            state.history.mode = .list
            state.history.detail = nil
        case .list:
            if !state.history.filter.text.isEmpty { return setFilter(&state, TextBuffer("")) }
            state.screen = .compose
        }
        return []
    }

    static func askToDeleteEntry(_ state: inout AppState) -> [Effect] {
        guard let id = state.history.currentID else { return [] }
        let idTask = state.history.detail?.id == id ? state.history.detail!.idTask
            : state.history.rows.first { $0.id == id }?.idTask ?? "#\(id)"
        state.view.overlay = .confirm(.deleteEntry(id: id, idTask: idTask))
        return []
    }

    static func markEntry(_ state: inout AppState) -> [Effect] {
        guard let id = state.history.currentID, let row = state.history.rows.first(where: { $0.id == id }) else { return [] }
        if state.history.marked?.id == id {
            state.history.marked = nil
            state.status = StatusMessage(text: Wording.unmarked(row.idTask), kind: .info)
        } else {
            state.history.marked = row
            state.status = StatusMessage(text: Wording.marked(row.idTask, compareKey: state.keys.label(.compareWithMarked)), kind: .info)
        }
        return []
    }

    /// Why the entry cannot be compared with the marked one: none is marked, or it is the marked one.
    static func cannotCompareWithMarked(_ state: AppState) -> String? {
        guard let id = state.history.currentID else { return nil }
        guard let marked = state.history.marked else {
            return Wording.markFirst(markKey: state.keys.label(.markEntry), compareKey: state.keys.label(.compareWithMarked))
        }
        return marked.id == id ? Wording.thatIsTheMarkedEntry : nil
    }

    static func compareWithMarked(_ state: inout AppState) -> [Effect] {
        guard let id = state.history.currentID, let marked = state.history.marked, marked.id != id else { return [] }
        return [.loadEntries([marked.id, id], .compareRows)]
    }

    /// A result carried on (into image2image, a ControlNet unit, the prompt):
    /// the history's row, or on the compose screen the last task sent from it, read fresh.
    static func carryResult(_ state: inout AppState, _ purpose: EntryPurpose) -> [Effect] {
        if state.screen == .history { return loadCurrent(state, purpose) }
        guard let id = state.results?.recordID ?? state.task?.recordID else { return [] }
        return [.loadEntries([id], purpose)]
    }

    private static func pageStep(_ state: AppState) -> Int {
        max(1, (state.history.mode == .list ? historyListHeight(state) : historyBodyHeight(state)) - 1)
    }

    /// Actions work on the whole record, read fresh from the store (another
    /// zqt may have changed it since the list was drawn).
    static func loadCurrent(_ state: AppState, _ purpose: EntryPurpose) -> [Effect] {
        guard let id = state.history.currentID else { return [] }
        return [.loadEntries([id], purpose)]
    }

    static func queryNow(_ state: inout AppState, _ record: HistoryRecord) -> [Effect] {
        if record.state == .sendFailed {
            state.status = StatusMessage(text: Wording.neverAccepted(record.idTask, resendKey: state.keys.label(.resend),
                                                                     server: record.endpoint.server), kind: .error)
            return []
        }
        // A task sent through another profile is asked of its own service (issue 19), said as it goes.
        let server = record.endpoint.server
        let text = RowService.isElsewhere(record, inUse: state.connection.baseURL)
            ? Wording.askingRowService(record.idTask, baseURL: record.baseURL, profile: record.profile, server: server)
            : Wording.askingService(record.idTask, server: server)
        state.status = StatusMessage(text: text, kind: .info)
        // Taken up again (issue 19: the compose screen showed no progress for it): it becomes the
        // screen's followed task when the service answers, unless the screen follows another.
        if record.state.isUnfinished, state.task?.phase != .inProgress {
            state.takingUp = TrackedTask(recordID: record.id, idTask: record.idTask, status: nil, desc: "",
                                         progress: record.progress, phase: .inProgress, resultCount: 0, result: record.endpoint.result)
        }
        return [.queryNow(record)]
    }

    /// The task taken up with `u`, as the service said it is: followed on
    /// the compose screen's task line from now on (issue 19). Nil when it is
    /// not the one taken up, or the screen follows another task by now.
    static func takenUp(_ state: inout AppState, idTask: String, _ info: TaskInfo) -> TrackedTask? {
        guard let pending = state.takingUp, pending.idTask == idTask else { return nil }
        state.takingUp = nil
        guard state.task?.phase != .inProgress || state.task?.idTask == idTask else { return nil }
        return TrackedTask(recordID: pending.recordID, idTask: idTask, status: info.status, desc: info.desc, progress: info.progress,
                           phase: info.phase, resultCount: info.pictureCount, texts: info.texts, result: pending.result)
    }

    /// Moves the selection (list) or scrolls (entry, comparison); near the
    /// end of the rows loaded, the next page is asked for.
    static func moveInHistory(_ state: inout AppState, by delta: Int) -> [Effect] {
        // Scrolling stops where the last screenful shows (the views draw the same lines).
        let width = state.view.size.width - 2
        let height = historyBodyHeight(state)
        func scrolled(_ current: Int, lines: Int) -> Int {
            min(max(0, lines - height), max(0, current + delta))
        }
        switch state.history.mode {
        case .detail:
            guard let record = state.history.detail else { return [] }
            // The strip of images (issue 11) counts as lines of the entry.
            let shown = state.historyPictures.map { $0.recordID == record.id && !$0.pictures.isEmpty } ?? false
            let strip = shown ? HistoryEntryView.pictureRows(bodyHeight: height) : 0
            state.history.detailScroll = scrolled(state.history.detailScroll,
                                                  lines: HistoryEntryView.detailLines(record, width: width, pictureRows: strip).lines.count)
            return []
        case .compare:
            guard var comparison = state.history.comparison else { return [] }
            comparison.scroll = scrolled(comparison.scroll,
                                         lines: HistoryEntryView.comparisonLines(comparison.changes, width: width).count)
            state.history.comparison = comparison
            return []
        case .list:
            return select(&state, state.history.selected + delta)
        }
    }

    static func select(_ state: inout AppState, _ index: Int) -> [Effect] {
        let rows = state.history.rows
        guard !rows.isEmpty else { return [] }
        state.history.selected = min(max(0, index), rows.count - 1)
        keepSelectionVisible(&state)
        if state.history.hasMore, state.history.selected >= rows.count - historyListHeight(state), let last = rows.last {
            state.history.hasMore = false  // one request at a time
            return [.loadHistory(filter: state.history.filter.text, before: last.id, limit: HistoryViewState.pageSize)]
        }
        return []
    }

    static func keepSelectionVisible(_ state: inout AppState) {
        let height = historyListHeight(state)
        if state.history.selected < state.history.scroll { state.history.scroll = state.history.selected }
        if state.history.selected >= state.history.scroll + height { state.history.scroll = state.history.selected - height + 1 }
        state.history.scroll = max(0, min(state.history.scroll, max(0, state.history.rows.count - height)))
    }

    // MARK: The filter

    static func setFilter(_ state: inout AppState, _ filter: TextBuffer) -> [Effect] {
        let changed = filter.text != state.history.filter.text
        state.history.filter = filter
        guard changed else { return [] }
        state.history.selected = 0
        state.history.scroll = 0
        return [.loadHistory(filter: filter.text, before: nil, limit: HistoryViewState.pageSize)]
    }

    // MARK: Answers from the store and the service

    static func reduceHistory(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case let .historyLoaded(page):
            // An answer to an older filter is dropped: typing outran it.
            guard page.filter == state.history.filter.text else { return [] }
            // A first screenful when this filter's whole answer is shown (a
            // reload after a poll) would only hide rows and the count until
            // the rest came: the rest replaces them.
            if page.counting, state.history.loaded, state.history.rowsFilter == page.filter, !state.history.counting {
                return []
            }
            let selectedID = state.history.pendingSelection ?? state.history.selectedRow?.id
            state.history.pendingSelection = nil
            if page.appending {
                let known = Set(state.history.rows.map(\.id))
                state.history.rows += page.rows.filter { !known.contains($0.id) }
            } else {
                state.history.rows = page.rows
                state.history.rowsFilter = page.filter
                state.history.counting = page.counting
            }
            if let count = page.matchCount {
                state.history.matchCount = count
                state.history.countCapped = page.countCapped
            }
            state.history.hasMore = page.hasMore
            state.history.loaded = true
            if page.damaged {
                historyPageDamaged(&state, page)
            } else if !page.appending, state.history.damage != nil {
                state.history.damage?.unreadable = 0  // these rows read whole; the file stays damaged
            }
            if !page.appending {
                state.history.selected = selectedID.flatMap { id in state.history.rows.firstIndex { $0.id == id } }
                    ?? min(state.history.selected, max(0, state.history.rows.count - 1))
            }
            keepSelectionVisible(&state)
            return watchA1111RowsIfShown(&state)

        case let .entriesLoaded(records, purpose):
            return entriesLoaded(&state, records, purpose) + watchA1111RowsIfShown(&state)

        case let .historyFailed(message):
            state.status = StatusMessage(text: message, kind: .error)
            return []

        case .historyDamaged:
            // Said once, short enough for the status line, with the way out (the
            // history's own words name the file but run past 120 columns).
            guard !state.historyDamageSaid else { return [] }
            state.historyDamageSaid = true
            state.status = StatusMessage(text: Wording.historyDamagedNow, kind: .error)
            // The list on screen came from before: read again, past the damage (issue 21).
            guard state.history.damage == nil else { return [] }
            state.history.damage = HistoryListDamage()
            return refreshHistoryIfShown(state, changed: nil)

        case let .entryDeleted(id, idTask):
            state.status = StatusMessage(text: Wording.deleted(idTask), kind: .info)
            if state.history.detail?.id == id {
                state.history.detail = nil
                state.history.mode = .list
            }
            if state.history.marked?.id == id { state.history.marked = nil }
            state.history.rows.removeAll { $0.id == id }
            state.history.selected = min(state.history.selected, max(0, state.history.rows.count - 1))
            return refreshHistoryIfShown(state, changed: id)

        case let .entryQueried(idTask, result, askedAt):
            switch result {
            case let .success(info):
                // Still running: the compose screen follows it from now on; ended: the answer says so.
                if let taken = takenUp(&state, idTask: idTask, info), !info.phase.isTerminal { state.task = taken }
                state.status = StatusMessage(text: Wording.queried(idTask, desc: info.desc, status: info.status, progress: info.progress,
                                                                   images: info.phase == .succeeded ? info.pictureCount : nil)
                                                 + Wording.askedAt(askedAt),
                                             kind: info.phase == .failed ? .error : (info.phase == .succeeded ? .success : .info))
            case let .failure(.answeredWithTheCall(words, failed)):
                // An A1111 row has no task to query: what is known of it is said, not as a failed query
                // when a zqt still waits for its answer (issue 20's leftovers).
                if state.takingUp?.idTask == idTask { state.takingUp = nil }
                state.status = StatusMessage(text: Wording.a1111RowAsked(idTask, words) + Wording.askedAt(askedAt),
                                             kind: failed ? .error : .info)
            case let .failure(error):
                if state.takingUp?.idTask == idTask { state.takingUp = nil }
                state.status = StatusMessage(text: Wording.queryFailed(idTask, error.message) + Wording.askedAt(askedAt), kind: .error)
            }
            return refreshHistoryIfShown(state, changed: nil)

        case let .imagesSaved(idTask, folder, saved, failures, notes):
            if failures.isEmpty {
                // A copy renamed (never over another picture) or already there is said (issue 17).
                state.status = StatusMessage(text: Wording.savedImages(saved, of: idTask, to: folder) + Wording.savedNotes(notes),
                                             kind: .success)
            } else {
                state.status = StatusMessage(text: Wording.savedSomeImages(saved, of: saved + failures.count, to: folder, firstFailure: failures[0]), kind: .error)
            }
            return refreshHistoryIfShown(state, changed: nil)

        default:
            return []
        }
    }

    static func entriesLoaded(_ state: inout AppState, _ records: [HistoryRecord], _ purpose: EntryPurpose) -> [Effect] {
        guard let record = records.last else {
            state.status = StatusMessage(text: Wording.entryGone, kind: .error)
            return refreshHistoryIfShown(state, changed: nil)
        }
        // A row of the other kind of server opens and sends through a profile of its kind (issue 20).
        if let elsewhere = RowService.toItsKind(&state, record, purpose) { return elsewhere }
        switch purpose {
        case .show:
            state.history.detail = record
            state.history.detailScroll = 0
            state.history.mode = .detail
        case .refreshDetail:
            if state.history.detail?.id == record.id { state.history.detail = record }
        case .queryNow:
            return queryNow(&state, record)
        case .editInForm, .toImage2Image, .toControlNetUnit:
            return moveOn(&state, record, purpose, confirmed: false)
        case let .useImageAs(position):
            useImageAs(&state, record, position: position)
        case .useTextAsPrompt, .useTextAs:
            return useRecordText(&state, record, toPrompt: purpose == .useTextAsPrompt)
        case .openAsOtherKind:
            return moveRequest(&state, record.request, from: Wording.movedFromRow(record.idTask))
        case .resend:
            // What cannot be sent is said now, not after a yes.
            if let first = LocalInputs.problems(record.request).first {
                state.status = StatusMessage(text: Wording.historyNotSent(path: first.path, message: first.message, editKey: state.keys.label(.editInForm)), kind: .error)
                return []
            }
            state.view.overlay = .confirm(.resend(record, baseURL: state.connection.baseURL, sandbox: state.connection.isSandbox))
        case .copyRequest:
            return [Reducer.copy(record.requestJSON, what: Wording.requestJSONOf(record.idTask))]
        case .copyResultURLs:
            let urls = record.imageResults.map(\.imageURL).filter { !$0.isEmpty }
            guard !urls.isEmpty else {
                state.status = StatusMessage(text: Wording.noResultURLs(record.idTask, state: record.state.title), kind: .error)
                return []
            }
            return [Reducer.copy(urls.joined(separator: "\n"), what: Wording.resultURLs(urls.count))]
        case .saveImages:
            guard !record.imageResults.isEmpty else {
                state.status = StatusMessage(text: Wording.noImagesToSave(record.idTask, state: record.state.title), kind: .error)
                return []
            }
            let folder = state.connection.dataFolder + "/images/" + record.idTask
            state.view.overlay = .input(InputPrompt(purpose: .saveImages(record), title: Wording.saveImagesTitle(record.imageResults.count),
                                                    text: TextBuffer(folder)))
        case .compareWithForm:
            state.history.comparison = ComparisonState(
                title: Wording.comparedWithForm(record.idTask),
                changes: RequestDiff.changes(from: wireValue(record), to: state.request.wireValue),
                returnTo: state.history.mode)
            state.history.mode = .compare
        case .compareRows:
            guard records.count == 2 else { return [] }
            state.history.comparison = ComparisonState(
                title: Wording.compared(records[0].idTask, records[1].idTask),
                changes: RequestDiff.changes(from: wireValue(records[0]), to: wireValue(records[1])),
                returnTo: state.history.mode)
            state.history.mode = .compare
        }
        return []
    }

    /// The row's request after a yes (`r`): exactly as it was sent, under a new id_task.
    static func resendNow(_ state: inout AppState, _ record: HistoryRecord) -> [Effect] {
        var request = record.request
        request.taskID = TaskIDGenerator.shared.next()
        return send(&state, request, note: Wording.sendingAgain(record.idTask, as: request.taskID))
    }

    /// The stored request as sent, for comparing.
    static func wireValue(_ record: HistoryRecord) -> JSONValue {
        (try? JSONParser.parse(record.requestJSON)) ?? .object([])
    }

    /// A past request or its result, moved into a form: edited again (`e`),
    /// its image into image2image (`i`) with its settings carried over, or
    /// into a new ControlNet unit (`n`): `i` and `n` are the use-as command
    /// with the field given (UseAsReducer). A form with unsent edits is
    /// replaced only after a yes; a unit is added to the ControlNet form,
    /// which loses nothing.
    static func moveOn(_ state: inout AppState, _ record: HistoryRecord, _ purpose: EntryPurpose, confirmed: Bool) -> [Effect] {
        let target: Endpoint
        switch purpose {
        case .toImage2Image, .toControlNetUnit:
            guard let image = usablePicture(state, record, position: chosenPosition(state)) else {
                state.status = StatusMessage(text: Wording.noResultImage(record.idTask, state: record.state.title), kind: .error)
                return []
            }
            if purpose == .toControlNetUnit {
                addUnit(&state, record, image: image)
                return []
            }
            target = image2ImageTarget(state)
        default:
            target = record.endpoint
        }
        if !confirmed, state.hasUnsentEdits(in: target) {
            state.view.overlay = .confirm(.replaceForm(record, purpose, target))
            return []
        }
        switch purpose {
        case .toImage2Image:
            // Its settings carried over: the form is the record's, moved (a yes was asked above).
            guard let url = usablePicture(state, record, position: chosenPosition(state)),
                  let input = target.imageInputs.first(where: { target.field(role: .inputImage)?.path == $0.fieldPath }) else { return [] }
            show(&state, record.request.carried(to: target, taskID: TaskIDGenerator.shared.next()), drafts: [:])
            useImage(&state, ImageUse(image: url, record: record, targets: []),
                     ImageUseTarget(endpoint: target, input: input, label: Wording.imageTargetLabel(target.title, input)))
            state.status = StatusMessage(text: Wording.image2imageFrom(record.idTask, form: target.title, submitKey: state.keys.label(.submit)),
                                         kind: .info)
        default:
            openInForm(&state, record)
        }
        return []
    }

    /// A past request in its endpoint's form, with a fresh task id (wire rule 8).
    static func openInForm(_ state: inout AppState, _ record: HistoryRecord) {
        var request = record.request
        let old = request.taskID
        request.taskID = TaskIDGenerator.shared.next()
        show(&state, request, drafts: [:])
        state.status = StatusMessage(text: Wording.openedFromHistory(old, into: request.endpoint.title, submitKey: state.keys.label(.submit)),
                                     kind: .info)
    }
}
