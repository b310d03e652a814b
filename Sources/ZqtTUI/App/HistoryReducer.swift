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
    static func historyListHeight(_ state: AppState) -> Int { max(1, state.view.size.height - 5) }
    /// Rows of an open entry or comparison on screen.
    static func historyBodyHeight(_ state: AppState) -> Int { max(1, state.view.size.height - 4) }

    // MARK: Commands

    static func runHistory(_ state: inout AppState, _ command: Command) -> [Effect] {
        switch command {
        case .filterHistory:
            state.history.filterFocused = true
        case .showBatch:
            // A sweep's rows as one list: the filter the history already has (batch:ID).
            guard let row = state.history.selectedRow else { return [] }
            guard let batch = row.batchID else {
                state.status = StatusMessage(text: "\(row.idTask) was sent alone, not in a sweep (zqt send --sweep)", kind: .info)
                return []
            }
            return setFilter(&state, TextBuffer("batch:" + batch))
        case .selectNext: return moveInHistory(&state, by: 1)
        case .selectPrevious: return moveInHistory(&state, by: -1)
        case .selectPageDown: return moveInHistory(&state, by: pageStep(state))
        case .selectPageUp: return moveInHistory(&state, by: -pageStep(state))
        // Far enough to reach either end of any list or entry; moving clamps.
        case .selectFirst: return moveInHistory(&state, by: -(1 << 40))
        case .selectLast: return moveInHistory(&state, by: 1 << 40)
        case .openEntry:
            if let id = state.history.selectedRow?.id { return [.loadEntries([id], .show)] }
        case .closeView:
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
        case .editInForm: return loadCurrent(state, .editInForm)
        case .resend: return loadCurrent(state, .resend)
        case .copyRequest: return loadCurrent(state, .copyRequest)
        case .copyResultURLs: return loadCurrent(state, .copyResultURLs)
        case .saveImages: return loadCurrent(state, .saveImages)
        case .compareWithForm: return loadCurrent(state, .compareWithForm)
        case .queryNow: return loadCurrent(state, .queryNow)
        case .toImage2Image: return loadCurrent(state, .toImage2Image)
        case .toControlNetUnit: return loadCurrent(state, .toControlNetUnit)
        case .useTextAsPrompt: return loadCurrent(state, .useTextAsPrompt)
        case .deleteEntry:
            guard let id = state.history.currentID else { return [] }
            let idTask = state.history.detail?.id == id ? state.history.detail!.idTask
                : state.history.rows.first { $0.id == id }?.idTask ?? "#\(id)"
            state.view.overlay = .confirm(.deleteEntry(id: id, idTask: idTask))
        case .markEntry:
            guard let id = state.history.currentID, let row = state.history.rows.first(where: { $0.id == id }) else { return [] }
            if state.history.marked?.id == id {
                state.history.marked = nil
                state.status = StatusMessage(text: "Unmarked \(row.idTask)", kind: .info)
            } else {
                state.history.marked = row
                state.status = StatusMessage(text: "Marked \(row.idTask): C on another entry compares the two", kind: .info)
            }
        case .compareWithMarked:
            guard let id = state.history.currentID else { return [] }
            guard let marked = state.history.marked else {
                state.status = StatusMessage(text: "Mark an entry with m first, then C on another compares them", kind: .error)
                return []
            }
            guard marked.id != id else {
                state.status = StatusMessage(text: "That is the marked entry: choose another one to compare with it", kind: .error)
                return []
            }
            return [.loadEntries([marked.id, id], .compareRows)]
        default:
            break
        }
        return []
    }

    private static func pageStep(_ state: AppState) -> Int {
        max(1, (state.history.mode == .list ? historyListHeight(state) : historyBodyHeight(state)) - 1)
    }

    /// Actions work on the whole record, read fresh from the store (another
    /// zqt may have changed it since the list was drawn).
    private static func loadCurrent(_ state: AppState, _ purpose: EntryPurpose) -> [Effect] {
        guard let id = state.history.currentID else { return [] }
        return [.loadEntries([id], purpose)]
    }

    static func queryNow(_ state: inout AppState, _ record: HistoryRecord) -> [Effect] {
        if record.state == .sendFailed {
            state.status = StatusMessage(text: "\(record.idTask) was never accepted (the send failed): \(KeyBindings.label(.resend)) sends it again", kind: .error)
            return []
        }
        state.status = StatusMessage(text: "Asking the service about \(record.idTask)…", kind: .info)
        return [.queryNow(record)]
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

    /// Keys while the filter has the focus: text edits it, arrows move the
    /// selection, Enter keeps the filter and goes to the list, Esc clears it.
    static func handleFilterKey(_ state: inout AppState, _ key: Key) -> [Effect] {
        var filter = state.history.filter
        let command: Command? = { if case .char = key { return nil } else { return KeyBindings.command(for: key, only: [.historyFilter]) } }()
        switch command {
        case .filterDone?:
            state.history.filterFocused = false
            return []
        case .filterClear?:
            state.history.filterFocused = false
            guard !filter.text.isEmpty else { return [] }
            filter = TextBuffer("")
        case .selectNext?: return select(&state, state.history.selected + 1)
        case .selectPrevious?: return select(&state, state.history.selected - 1)
        case .selectPageDown?: return select(&state, state.history.selected + pageStep(state))
        case .selectPageUp?: return select(&state, state.history.selected - pageStep(state))
        default:
            guard filter.applyLineKey(key) else { return [] }
        }
        return setFilter(&state, filter)
    }

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
            let selectedID = state.history.pendingSelection ?? state.history.selectedRow?.id
            state.history.pendingSelection = nil
            if page.appending {
                let known = Set(state.history.rows.map(\.id))
                state.history.rows += page.rows.filter { !known.contains($0.id) }
            } else {
                state.history.rows = page.rows
            }
            if let count = page.matchCount {
                state.history.matchCount = count
                state.history.countCapped = page.countCapped
            }
            state.history.hasMore = page.hasMore
            state.history.loaded = true
            if !page.appending {
                state.history.selected = selectedID.flatMap { id in state.history.rows.firstIndex { $0.id == id } }
                    ?? min(state.history.selected, max(0, state.history.rows.count - 1))
            }
            keepSelectionVisible(&state)
            return []

        case let .entriesLoaded(records, purpose):
            return entriesLoaded(&state, records, purpose)

        case let .historyFailed(message):
            state.status = StatusMessage(text: message, kind: .error)
            return []

        case let .entryDeleted(id, idTask):
            state.status = StatusMessage(text: "Deleted \(idTask) from history", kind: .info)
            if state.history.detail?.id == id {
                state.history.detail = nil
                state.history.mode = .list
            }
            if state.history.marked?.id == id { state.history.marked = nil }
            state.history.rows.removeAll { $0.id == id }
            state.history.selected = min(state.history.selected, max(0, state.history.rows.count - 1))
            return refreshHistoryIfShown(state, changed: id)

        case let .entryQueried(idTask, result):
            switch result {
            case let .success(info):
                let percent = info.progress.map { " " + Wording.percent($0) } ?? ""
                let images = info.phase == .succeeded ? " · " + Wording.count(info.results.count, "image") : ""
                state.status = StatusMessage(text: "Task \(idTask): \(info.desc.isEmpty ? "status \(info.status)" : info.desc)\(percent)\(images)",
                                             kind: info.phase == .failed ? .error : (info.phase == .succeeded ? .success : .info))
            case let .failure(error):
                state.status = StatusMessage(text: "Query for \(idTask) failed: \(error.message)", kind: .error)
            }
            return refreshHistoryIfShown(state, changed: nil)

        case let .imagesSaved(idTask, folder, saved, failures):
            if failures.isEmpty {
                state.status = StatusMessage(text: "Saved \(Wording.count(saved, "image")) of \(idTask) to \(folder)", kind: .success)
            } else {
                state.status = StatusMessage(text: "Saved \(saved) of \(saved + failures.count) images to \(folder); \(failures[0])", kind: .error)
            }
            return refreshHistoryIfShown(state, changed: nil)

        default:
            return []
        }
    }

    static func entriesLoaded(_ state: inout AppState, _ records: [HistoryRecord], _ purpose: EntryPurpose) -> [Effect] {
        guard let record = records.last else {
            state.status = StatusMessage(text: "That entry is no longer in the history (deleted elsewhere?)", kind: .error)
            return refreshHistoryIfShown(state, changed: nil)
        }
        switch purpose {
        case .show:
            state.history.detail = record
            state.history.detailScroll = 0
            state.history.mode = .detail
        case .refreshDetail:
            if state.history.detail?.id == record.id { state.history.detail = record }
        case .queryNow:
            return queryNow(&state, record)
        case .editInForm, .toImage2Image, .toControlNetUnit, .useTextAsPrompt:
            return moveOn(&state, record, purpose, confirmed: false)
        case .resend:
            var request = record.request
            request.taskID = TaskIDGenerator.shared.next()
            let problems = RequestValidator.validate(request)
            if let first = problems.first {
                state.status = StatusMessage(text: "Not sent: \(first.path): \(first.message) · \(KeyBindings.label(.editInForm)) opens it in the form to fix", kind: .error)
                return []
            }
            return send(&state, request, note: "Sending \(record.idTask) again as \(request.taskID)…")
        case .copyRequest:
            return [.copyToClipboard(record.requestJSON, what: "the request JSON of \(record.idTask)")]
        case .copyResultURLs:
            let urls = record.imageResults.map(\.imageURL).filter { !$0.isEmpty }
            guard !urls.isEmpty else {
                state.status = StatusMessage(text: "\(record.idTask) has no result URLs (\(record.state.title))", kind: .error)
                return []
            }
            return [.copyToClipboard(urls.joined(separator: "\n"), what: urls.count == 1 ? "the result URL" : "\(urls.count) result URLs")]
        case .saveImages:
            guard !record.imageResults.isEmpty else {
                state.status = StatusMessage(text: "\(record.idTask) has no result images to save (\(record.state.title))", kind: .error)
                return []
            }
            let folder = state.connection.dataFolder + "/images/" + record.idTask
            state.view.overlay = .input(InputPrompt(purpose: .saveImages(record), title: "Save \(Wording.count(record.imageResults.count, "image")) into folder",
                                                    text: TextBuffer(folder)))
        case .compareWithForm:
            state.history.comparison = ComparisonState(
                title: "\(record.idTask) → the form now",
                changes: RequestDiff.changes(from: wireValue(record), to: state.request.wireValue),
                returnTo: state.history.mode)
            state.history.mode = .compare
        case .compareRows:
            guard records.count == 2 else { return [] }
            state.history.comparison = ComparisonState(
                title: "\(records[0].idTask) → \(records[1].idTask)",
                changes: RequestDiff.changes(from: wireValue(records[0]), to: wireValue(records[1])),
                returnTo: state.history.mode)
            state.history.mode = .compare
        }
        return []
    }

    /// The stored request as sent, for comparing.
    static func wireValue(_ record: HistoryRecord) -> JSONValue {
        (try? JSONParser.parse(record.requestJSON)) ?? .object([])
    }

    /// A past request or its result, moved into a form: edited again (`e`),
    /// its image into image2image (`i`) or a new ControlNet unit (`n`), its
    /// text as a prompt (`p`). A form with unsent edits is replaced only
    /// after a yes; a unit is added to the ControlNet form, which loses nothing.
    static func moveOn(_ state: inout AppState, _ record: HistoryRecord, _ purpose: EntryPurpose, confirmed: Bool) -> [Effect] {
        let target: Endpoint
        switch purpose {
        case .toImage2Image, .toControlNetUnit:
            guard let image = record.imageResults.first(where: { !$0.imageURL.isEmpty }) else {
                state.status = StatusMessage(text: "\(record.idTask) has no result image (\(record.state.title))", kind: .error)
                return []
            }
            if purpose == .toControlNetUnit {
                addUnit(&state, record, image: image.imageURL)
                return []
            }
            target = state.catalog.image2Image
        case .useTextAsPrompt:
            guard record.textResults.first != nil else {
                state.status = StatusMessage(text: "\(record.idTask) has no text result (\(record.state.title))", kind: .error)
                return []
            }
            target = promptTarget(state, for: record)
        default:
            target = record.endpoint
        }
        if !confirmed, state.hasUnsentEdits(in: target) {
            state.view.overlay = .confirm(.replaceForm(record, purpose, target))
            return []
        }
        switch purpose {
        case .toImage2Image:
            let url = record.imageResults.first { !$0.imageURL.isEmpty }?.imageURL ?? ""
            var request = record.request.carried(to: target, taskID: TaskIDGenerator.shared.next())
            if let input = target.field(role: .inputImage) { request[input.path] = .string(url) }
            show(&state, request, drafts: [:])
            state.status = StatusMessage(text: "image2image starts from \(record.idTask)'s image, its prompt and settings carried over: \(KeyBindings.label(.submit)) sends it",
                                         kind: .info)
        case .useTextAsPrompt:
            var request = state.form(of: target) ?? state.freshForm(for: target, taskID: TaskIDGenerator.shared.next())
            if let prompt = target.field(role: .prompt) { request[prompt.path] = .string(record.textResults.first ?? "") }
            show(&state, request)
            if let prompt = target.field(role: .prompt) { state.drafts[FieldID(prompt.path)] = nil }
            state.status = StatusMessage(text: "The prompt of \(target.title) is now \(record.idTask)'s text: \(KeyBindings.label(.submit)) sends it", kind: .info)
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
        state.status = StatusMessage(text: "Opened \(old) from history into \(request.endpoint.title) with a new task id: edit, then \(KeyBindings.label(.submit)) sends it",
                                     kind: .info)
    }

    /// A result image as a new unit of the ControlNet form: the one on
    /// screen or kept aside, else a new one carrying the row's settings. The
    /// unit is the group's first preset with the image in its input-image field.
    static func addUnit(_ state: inout AppState, _ record: HistoryRecord, image url: String) {
        let target = state.catalog.controlNet
        var request = state.form(of: target) ?? record.request.carried(to: target, taskID: TaskIDGenerator.shared.next())
        guard let field = target.groupFields.first, let group = field.groupSpec else { return }
        var items = request.items(of: field)
        var item = group.newItem(preset: group.presets?.presets.first, family: checkpointFamily(state, of: request))
        if let image = group.fields.first(where: { $0.role == .inputImage }) { item.set(.string(url), at: image.path) }
        items.append(item)
        request.setItems(items, of: field)
        show(&state, request)
        openItem(&state, field.path, items.count - 1)
        state.status = StatusMessage(text: "Unit \(items.count) of the ControlNet form holds \(record.idTask)'s image: pick its control type, then \(KeyBindings.label(.submit))",
                                     kind: .info)
    }

    /// Where a text result goes as a prompt: the form on screen when it has
    /// a prompt and is not the tool that made the text, else text2image.
    static func promptTarget(_ state: AppState, for record: HistoryRecord) -> Endpoint {
        state.endpoint != record.endpoint && state.endpoint.field(role: .prompt) != nil ? state.endpoint : state.catalog.text2Image
    }
}
