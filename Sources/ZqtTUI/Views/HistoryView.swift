// The history list (issue 4): the filter line, then a row per submission,
// newest first: when, state (with progress while running), task id, image
// count, endpoint on wide terminals, and as much of the prompt as fits.
// The rows of one sweep (issue 10) sit together, newest first like the
// rest, and are drawn as a group: a bracket down the prompt column's left
// edge, and on the batch's first row how many it holds. Rows outside a
// batch look as they always did, so the list stays readable at 80 columns.

import Model

enum HistoryView {
    static func render(_ state: AppState, into grid: inout Grid, rect: Rect) {
        grid.mark(rect, .history)
        if let problem = state.historyProblem {
            grid.put(" History is not available this session:", x: rect.x, y: rect.y + 1, style: .statusError, limit: rect.maxX)
            var y = rect.y + 2
            for line in wrapWords(problem, width: rect.width - 4) where y < rect.maxY {
                grid.put(line, x: rect.x + 2, y: y, style: .normal, limit: rect.maxX)
                y += 1
            }
            let hint = Wording.historyUnavailableHint(formKey: state.keys.label(.history), sendsRefused: state.historyRefusesSends != nil)
            y = min(rect.maxY - 1, y + 1)
            for line in wrapWords(hint, width: rect.width - 4) where y < rect.maxY {
                grid.put(line, x: rect.x + 2, y: y, style: .dim, limit: rect.maxX)
                y += 1
            }
            return
        }
        let shownID = state.history.mode == .list ? state.history.selectedRow?.id : state.history.detail?.id
        let pictures = state.historyPictures.flatMap { $0.recordID == shownID && !$0.pictures.isEmpty ? $0 : nil }
        switch state.history.mode {
        case .list:
            // The selected row's images beside the list, where there is room for both.
            if let pictures, rect.width >= thumbnailListWidth {
                let pane = Rect(x: rect.maxX - thumbnailPaneWidth, y: rect.y, width: thumbnailPaneWidth, height: min(rect.height, 18))
                renderList(state, into: &grid, rect: Rect(x: rect.x, y: rect.y, width: rect.width - thumbnailPaneWidth - 1, height: rect.height))
                for y in rect.y..<rect.maxY { grid.put("│", x: pane.x - 1, y: y, style: .border) }
                PicturesPane.render(pictures, state: state, focused: state.view.picturesFocused, into: &grid, rect: pane)
            } else {
                renderList(state, into: &grid, rect: rect)
            }
        case .detail:
            // The entry's images sit in its Results section (HistoryEntryView).
            HistoryEntryView.renderDetail(state, pictures: pictures, into: &grid, rect: rect)
        case .compare: HistoryEntryView.renderComparison(state, into: &grid, rect: rect)
        }
    }

    /// The list shows the selected row's thumbnail from this width on, in a pane this wide.
    static let thumbnailListWidth = 140, thumbnailPaneWidth = 34

    static func renderList(_ state: AppState, into grid: inout Grid, rect: Rect) {
        let history = state.history
        renderFilterLine(history, into: &grid, y: rect.y, width: rect.width)
        grid.mark(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), .historyFilter)
        let columns = Columns(width: rect.width, endpoints: history.rows.dropFirst(history.scroll).prefix(max(0, rect.height - 2)).map(\.endpoint.title))
        grid.put(columns.heading, x: rect.x, y: rect.y + 1, style: .dim, limit: rect.maxX)
        var body = Rect(x: rect.x, y: rect.y + 2, width: rect.width, height: rect.height - 2)
        let answeredEmpty = history.loaded && history.rows.isEmpty && history.rowsFilter == history.filter.text
        let empty = answeredEmpty && !history.counting
        // The first answer found none among the newest rows (filterframe18): said at once, the rest still searched.
        let noneYet = answeredEmpty && history.counting && !history.filter.text.isEmpty
        // An empty read-only history: one sentence for both (left21: "nothing can be sent" above "F5 there sends").
        let emptyReadOnly = empty && history.filter.text.isEmpty && history.damage == nil ? state.historyEmptyReadOnlyText : nil
        // A read-only history (issue 21): said above its rows, as the status said it at start.
        if emptyReadOnly == nil, let readOnly = state.historyReadOnlyLine, body.height > 1 {
            grid.put(" " + readOnly, x: rect.x, y: body.y, style: .statusError, limit: rect.maxX)
            body = Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 1)
        }
        // A damaged file (issue 21): said above the rows it could read, which follow one line lower.
        if let damage = history.damage, body.height > 1 {
            grid.put(" " + Wording.historyListDamaged(unreadable: damage.unreadable), x: rect.x, y: body.y, style: .statusError, limit: rect.maxX)
            body = Rect(x: body.x, y: body.y + 1, width: body.width, height: body.height - 1)
        }
        // Words just typed over a filter that had no rows: their search is under way, and the list says so.
        let searchingNone = history.rows.isEmpty && !history.filter.text.isEmpty
            && (!history.loaded || history.rowsFilter != history.filter.text)
        if searchingNone {
            grid.put(Wording.searchingFor(history.filter.text), x: rect.x + 2, y: body.y + 1, style: .dim, limit: rect.maxX)
            return
        }
        if empty || noneYet {
            if let emptyReadOnly {
                grid.put(emptyReadOnly, x: rect.x + 2, y: body.y + 1, style: .statusError, limit: rect.maxX)
                return
            }
            let message = noneYet ? Wording.nothingMatchesYet(history.filter.text)
                : history.damage != nil && history.filter.text.isEmpty ? Wording.historyNoRowReadable
                : history.filter.text.isEmpty ? Wording.historyEmpty
                : Wording.nothingMatches(history.filter.text)
            grid.put(message, x: rect.x + 2, y: body.y + 1, style: .dim, limit: rect.maxX)
            return
        }
        for (offset, row) in history.rows.dropFirst(history.scroll).prefix(body.height).enumerated() {
            let index = history.scroll + offset
            grid.mark(Rect(x: rect.x, y: body.y + offset, width: rect.width, height: 1), .historyRow(index))
            let y = body.y + offset
            let selected = index == history.selected
            if selected { grid.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: .selection) }
            columns.render(row, fraction: A1111RowsWatch.fraction(of: row, state), marked: history.marked?.id == row.id, selected: selected,
                           batch: BatchMark(history.rows, at: index), server: BatchMark.server(history.rows, at: index),
                           into: &grid, x: rect.x, y: y)
        }
        if history.scroll > 0 { grid.put("↑", x: rect.maxX - 1, y: body.y, style: .dim) }
        if history.scroll + body.height < history.rows.count || history.hasMore {
            grid.put("↓", x: rect.maxX - 1, y: body.maxY - 1, style: .dim)
        }
    }

    static func renderFilterLine(_ history: HistoryViewState, into grid: inout Grid, y: Int, width: Int) {
        let count: String
        if !history.loaded {
            // Words typed before the first rows came (issue 18): their search is under way.
            count = history.filter.text.isEmpty ? "" : Wording.filterSearching
        } else if history.rowsFilter != history.filter.text || (history.counting && history.matchCount == 0) {
            // The rows shown are another filter's (the words just typed, or the filter just
            // cleared), or none found yet: no count is true yet, and the frame says so.
            count = Wording.filterSearching
        } else if history.filter.text.isEmpty {
            // The newest rows come before the count (issue 18), which follows.
            count = history.counting ? "counting… · newest first"
                : "\(history.matchCount)\(history.countCapped ? "+" : "") submission\(history.matchCount == 1 ? "" : "s") · newest first"
        } else if history.counting {
            // The first screenful (issue 18): the rest and the count follow.
            count = "\(history.matchCount)+ matches, counting…"
        } else {
            count = history.matchCount == 0 ? "no match"
                : "\(history.matchCount)\(history.countCapped ? "+" : "") match\(history.matchCount == 1 ? "" : "es")"
        }
        // The hint's room, as renderFilterBox lays the line out: " / ", the hint, two cells, the count, one cell.
        let room = width - TextWidth.of(count) - 6
        renderFilterBox(history.filter, focused: history.filterFocused, count: count,
                        placeholder: Wording.historyFilterHint(room: room), into: &grid, y: y, width: width)
    }

    /// The filter's line, the history's and the gallery's (issue 17): what is
    /// typed (with the cursor while typing), and a count at the right.
    static func renderFilterBox(_ filter: TextBuffer, focused: Bool, count: String, placeholder: String,
                                into grid: inout Grid, y: Int, width: Int) {
        let countX = width - TextWidth.of(count) - 1
        grid.put(count, x: countX, y: y, style: .dim)
        let x = grid.put(" / ", x: 0, y: y, style: focused ? .focusedLabel : .label)
        let limit = countX - 2
        if focused {
            let text = filter.text
            grid.put(text, x: x, y: y, style: .editing, limit: limit)
            grid.restyle(Rect(x: x, y: y, width: max(0, limit - x), height: 1), style: .editing)
            grid.cursor = (min(limit - 1, x + TextWidth.of(filter.characters[..<filter.cursor])), y)
        } else if filter.text.isEmpty {
            grid.put(placeholder, x: x, y: y, style: .dim, limit: limit)
        } else {
            grid.put(filter.text, x: x, y: y, style: .value, limit: limit)
        }
    }

    /// Where a row stands in its batch's run of rows: the bracket's piece.
    enum BatchMark {
        case first, middle, last, alone

        /// nil for a row sent on its own. A run is the batch's rows next to
        /// each other in the list (a batch's rows are sent together, so
        /// they are next to each other unless others were sent meanwhile).
        init?(_ rows: [HistorySummary], at index: Int) {
            guard let batch = rows[index].batchID else { return nil }
            let joinsAbove = index > 0 && rows[index - 1].batchID == batch
            let joinsBelow = index + 1 < rows.count && rows[index + 1].batchID == batch
            switch (joinsAbove, joinsBelow) {
            case (false, true): self = .first
            case (true, true): self = .middle
            case (true, false): self = .last
            case (false, false): self = .alone
            }
        }

        var glyph: String {
            switch self {
            case .first: return "┌ "
            case .middle: return "│ "
            case .last: return "└ "
            case .alone: return "╶ "
            }
        }

        /// The batch's size is said where its run starts.
        var startsRun: Bool { self == .first || self == .alone }

        /// The profile that made the row when its batch's run spans several
        /// servers (a sweep over `--profile a,b`, issue 20); nil otherwise,
        /// so a batch of one server looks as it always did.
        static func server(_ rows: [HistorySummary], at index: Int) -> String? {
            guard let batch = rows[index].batchID else { return nil }
            let profile = rows[index].profile
            var above = index - 1
            while above >= 0, rows[above].batchID == batch {
                if rows[above].profile != profile { return profile }
                above -= 1
            }
            var below = index + 1
            while below < rows.count, rows[below].batchID == batch {
                if rows[below].profile != profile { return profile }
                below += 1
            }
            return nil
        }
    }

    /// The list's columns for a terminal width, shared by need (issue 19: the
    /// endpoint was cut to ten characters at 160 columns with room beside it):
    /// the endpoint column is as wide as the longest title on screen while the
    /// prompt keeps `promptRoom`; the prompt takes what is left.
    struct Columns {
        let showEndpoint: Bool
        let endpointWidth: Int
        let promptWidth: Int
        static let when = 16, stateWidth = 5, taskID = 28, images = 4, endpoint = 10
        /// The prompt's share before the endpoint column grows past its narrowest.
        static let promptRoom = 40, widestEndpoint = 30

        init(width: Int, endpoints: [String] = []) {
            showEndpoint = width >= 120
            let fixed = 2 + Self.when + 1 + Self.stateWidth + 1 + Self.taskID + 1 + Self.images + 1
            let needed = min(Self.widestEndpoint, max(Self.endpoint, endpoints.map { TextWidth.of($0) }.max() ?? 0))
            endpointWidth = showEndpoint ? max(Self.endpoint, min(needed, width - fixed - 1 - 1 - Self.promptRoom)) : 0
            promptWidth = max(8, width - fixed - 1 - (showEndpoint ? endpointWidth + 1 : 0))
        }

        var heading: String {
            "  " + pad("When", Self.when) + " " + pad("State", Self.stateWidth) + " " + pad("Task id", Self.taskID) + " "
                + pad("Imgs", Self.images) + " " + (showEndpoint ? pad("Endpoint", endpointWidth) + " " : "") + "Prompt"
        }

        /// `fraction`: the row's fraction done, when known (an A1111 row's is not in the history: A1111RowsWatch).
        func render(_ row: HistorySummary, fraction: Double? = nil, marked: Bool, selected: Bool, batch: BatchMark? = nil, server: String? = nil,
                    into grid: inout Grid, x: Int, y: Int) {
            func style(_ normal: Style) -> Style { selected ? .selection : normal }
            var column = x
            grid.put(selected ? "▸" : (marked ? "◆" : " "), x: column, y: y, style: style(marked ? .jsonNumber : .focusedLabel))
            if marked, selected { grid.put("◆", x: column + 1, y: y, style: .selection) }
            column += 2
            grid.put(CivilTime.local(row.createdAt).dateAndMinute, x: column, y: y, style: style(.dim))
            column += Self.when + 1
            // An A1111 row still `sending` is running on its server (the call lasts as long as the job).
            let shown = Wording.listedState(row.state, server: row.endpoint.server)
            var stateText = shown.glyph
            if shown == .running, let progress = fraction ?? row.progress { stateText += " " + Wording.percent(progress) }
            let stateStyle: Style = row.state == .succeeded ? .statusOK : (row.state.isFailure ? .statusError : .value)
            grid.put(stateText, x: column, y: y, style: style(stateStyle), limit: column + Self.stateWidth)
            column += Self.stateWidth + 1
            grid.put(TextWidth.truncate(row.idTask, to: Self.taskID), x: column, y: y, style: style(.value))
            column += Self.taskID + 1
            // Pictures only: an A1111 row's ControlNet maps are results but not pictures made (issue 20).
            // A row still under way shows how many it asks for (dim); a finished one what it made: a failed row made none.
            // An A1111 row whose answer was lost ("outcome unknown") made none that zqt has: an A1111
            // server keeps no task to ask about later, so it is not a row still to be followed.
            let lostA1111 = row.endpoint.server == .a1111 && row.state == .unknown
            let images = row.resultCount > 0 || !row.state.isUnfinished || lostA1111 ? row.pictureCount : row.imageCount
            // A text tool's row (prompt expansion) has no images to count; an A1111 row's maps are counted apart: "2+1".
            let imagesText = row.endpoint.result == .text && images == 0 ? "text"
                : row.endpoint.result == .data && images == 0 ? "data"
                : row.controlMapCount > 0 ? Wording.imagesAndMapsShort(images, row.controlMapCount)
                // An A1111 row still running has no picture yet: the count it plans, marked as planned
                // (newcomer20g finding 5: a bare "4" read as four pictures made).
                : shown == .running && row.endpoint.server == .a1111 && row.resultCount == 0 ? Wording.plannedImagesShort(images)
                : String(images)
            grid.put(imagesText, x: column + Self.images - imagesText.count, y: y,
                     style: style(row.resultCount > 0 ? .value : .dim))
            column += Self.images + 1
            if showEndpoint {
                grid.put(TextWidth.truncate(row.endpoint.title, to: endpointWidth), x: column, y: y, style: style(.dim))
                column += endpointWidth + 1
            }
            var promptWidth = promptWidth
            if let batch {
                var label = batch.glyph
                if batch.startsRun { label += "batch of \(row.batchSize): " }
                if let server { label += Wording.batchServer(server) }
                let end = grid.put(TextWidth.truncate(label, to: promptWidth), x: column, y: y, style: style(.jsonNumber))
                promptWidth -= end - column
                column = end
            }
            // "(no prompt)" in the words `zqt history list` uses (issue 19).
            // A task the user stopped following, still open at the service as far as zqt knows (issue 19).
            let mark = row.notFollowed && row.state.isUnfinished ? Wording.notFollowedMark : ""
            guard promptWidth > 0 else { return }
            let listed = Wording.listedPrompt(row)
            grid.put(TextWidth.truncate([AnySequence(mark), listed.characters].joined(), to: promptWidth), x: column, y: y,
                     style: style(listed.none ? .dim : .normal))
        }

        private func pad(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(0, width - TextWidth.of(text)))
        }
    }

    /// Words laid out in lines of at most `width` cells.
    static func wrapWords(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if TextWidth.of(candidate) > width, !line.isEmpty {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
