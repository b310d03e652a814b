// render(state) -> Grid: the whole compose screen, pure, so tests compare
// it with golden text and ncurses only draws it.

import Model

enum Screen {
    static func render(_ state: AppState) -> Grid {
        let size = state.view.size
        var grid = Grid(size: size)
        guard !Layout.isTooSmall(size) else {
            renderTooSmall(size, quitKey: state.keys.label(.quit), into: &grid)
            return grid
        }
        var regions = Layout.regions(for: size, showPreview: state.view.showPreviewWhenNarrow,
                                     results: state.screen == .compose && state.results != nil)
        // A long error grows upward over the bottom of the body: the form ends above it, so that its
        // scroll keeps the focused row in view (a newcomer's focus sat under a 3-row error).
        let covered = statusRows(state, rect: regions.status) - 1
        if covered > 0, regions.form.maxY > regions.status.y - covered {
            regions.form.height = max(1, regions.status.y - covered - regions.form.y)
        }
        renderTitle(state, regions: regions, into: &grid)
        let body = Rect(x: 0, y: 1, width: size.width, height: size.height - 3)
        if let sheet = state.view.contactSheet, let place = sheet.enlarged {
            PicturesPane.renderSheetPicture(sheet, place: place, state: state, into: &grid, rect: body)
        } else if let sheet = state.view.contactSheet {
            PicturesPane.renderContactSheet(sheet, state: state, into: &grid, rect: body)
        } else if let zoom = state.view.zoom, let set = state.pictures(for: zoom.target) {
            PicturesPane.renderZoom(set, index: zoom.index, state: state, into: &grid, rect: body)
        } else if state.screen == .history {
            HistoryView.render(state, into: &grid, rect: Rect(x: 0, y: 1, width: size.width, height: size.height - 3))
        } else if state.screen == .gallery {
            GalleryView.render(state, into: &grid, rect: body)
        } else if let preview = regions.preview {
            if !regions.isNarrow {
                let bottom = regions.results?.maxY ?? preview.maxY
                for y in preview.y..<bottom { grid.put("│", x: preview.x - 1, y: y, style: .border) }
                FormView.render(state, into: &grid, rect: regions.form)
            }
            PreviewView.render(state, into: &grid, rect: preview)
            grid.mark(preview, .preview)
        } else {
            FormView.render(state, into: &grid, rect: regions.form)
        }
        if state.view.zoom == nil, state.view.contactSheet == nil, state.screen == .compose, let pane = regions.results, let results = state.results {
            PicturesPane.render(results, state: state, focused: state.view.picturesFocused, into: &grid, rect: pane)
        }
        // The names offered under the cursor while a prompt is typed (issue 19), over the form.
        if state.view.overlay == nil, state.screen == .compose, let completion = state.view.editing?.completion {
            CompletionView.render(completion, into: &grid, bottom: regions.status.y)
        }
        renderStatus(state, into: &grid, rect: regions.status)
        renderFooter(state, into: &grid, rect: regions.footer)
        if let overlay = state.view.overlay {
            // A picture the terminal draws itself would cover the overlay: none while one is open.
            grid.placements.removeAll()
            // A click beside a box reaches nothing below it; the box marks its own parts.
            grid.hitAreas = [HitArea(rect: Rect(x: 0, y: 0, width: size.width, height: size.height), target: .covered)]
            OverlayView.render(overlay, state: state, into: &grid)
        }
        if let picker = state.paths.picker {
            // The picker draws its own picture; the panes' would cover it.
            grid.placements.removeAll()
            grid.hitAreas = [HitArea(rect: Rect(x: 0, y: 0, width: size.width, height: size.height), target: .covered)]
            FilePickerView.render(picker, state: state, into: &grid)
        }
        return grid
    }

    static func renderTooSmall(_ size: Size, quitKey: String, into grid: inout Grid) {
        let lines = Wording.tooSmall(size, needs: Layout.minimum, quitKey: quitKey)
        let top = max(0, size.height / 2 - 1)
        for (offset, line) in lines.enumerated() where top + offset < size.height {
            let text = TextWidth.truncate(line, to: size.width)
            grid.put(text, x: max(0, (size.width - TextWidth.of(text)) / 2), y: top + offset, style: offset == 0 ? .statusError : .normal)
        }
    }

    static func renderTitle(_ state: AppState, regions: Regions, into grid: inout Grid) {
        let rect = regions.title
        grid.fill(rect, style: .title)
        var x = grid.put(" zqt ", x: 0, y: rect.y, style: .title)
        let what = state.screen == .history ? "history" : (state.screen == .gallery ? Wording.galleryWord : state.endpoint.title)
        // A form of the other kind than the profile's (restored, or moved with `T`) is not sent
        // to this profile's server (F5 refuses it): the title names where its kind goes (newcomer20g finding 6).
        let destination = state.screen == .compose && !state.endpoint.canBeSent(to: state.connection.server)
            ? Wording.titleDestination(of: state.endpoint.server) : state.connection.baseURL
        x = grid.put("· \(what) → \(destination)", x: x, y: rect.y, style: .title, limit: rect.maxX)
        var right = ""
        if regions.isNarrow, state.screen == .compose {
            right += Wording.formOrJSON(showingJSON: state.view.showPreviewWhenNarrow, key: state.keys.label(.togglePreview))
        }
        if state.connection.isSandbox {
            let mark = state.connection.server.titleMark.map { " SANDBOX \($0) " } ?? " SANDBOX "
            let markX = rect.maxX - TextWidth.of(mark)
            grid.put(mark, x: markX, y: rect.y, style: .sandbox)
            grid.put(right, x: markX - TextWidth.of(right), y: rect.y, style: .title)
        } else {
            let profile = state.connection.server.titleMark.map { " \(state.connection.profile) · \($0) " } ?? " \(state.connection.profile) "
            grid.put(right + profile, x: rect.maxX - TextWidth.of(right + profile), y: rect.y, style: .title)
        }
        _ = x
    }

    /// Where the status text starts: after the spinner while something runs.
    static func statusTextX(_ state: AppState, rect: Rect) -> Int {
        state.submitting || state.task?.phase == .inProgress ? rect.x + 3 : rect.x + 1
    }

    /// The rows the status takes, its own and those a long error grows over (renderWholeError).
    static func statusRows(_ state: AppState, rect: Rect) -> Int {
        guard state.view.zoom == nil, let status = state.status, status.kind == .error else { return 1 }
        let x = statusTextX(state, rect: rect)
        guard TextWidth.of(status.text) > rect.maxX - x else { return 1 }
        return wholeErrorRows(status.text, x: x, rect: rect).count
    }

    static func renderStatus(_ state: AppState, into grid: inout Grid, rect: Rect) {
        var x = rect.x + 1
        let busy = state.submitting || state.task?.phase == .inProgress
        if busy {
            x = grid.put(String(Reducer.spinner[state.spinnerFrame]), x: x, y: rect.y, style: .status) + 1
        }
        if let zoom = state.view.zoom, let set = state.pictures(for: zoom.target),
           let picture = set.pictures[safe: zoom.index] {
            let text = Wording.zoomStatus(set.ordinal(of: zoom.index), of: picture.isControlMap ? set.controlMapCount : set.madeCount,
                                          more: zoom.target == .gallery && state.gallery.hasMore,
                                          image: picture.image, seed: picture.seed,
                                          controlMap: picture.isControlMap, round: zoom.round)
            grid.put(TextWidth.truncate(text, to: rect.maxX - x), x: x, y: rect.y, style: .status, limit: rect.maxX)
        } else if let status = state.status {
            let style: Style = status.kind == .error ? .statusError : (status.kind == .success ? .statusOK : .status)
            // An error is shown whole over the rows above (issue 20); other long words end in the key that shows them whole (issue 19).
            if status.kind == .error, TextWidth.of(status.text) > rect.maxX - x {
                renderWholeError(status.text, style: style, x: x, into: &grid, rect: rect)
            } else {
                let text = StatusMessages.fitted(status.text, room: rect.maxX - x, key: state.keys.label(.showMessages))
                grid.put(text, x: x, y: rect.y, style: style, limit: rect.maxX)
            }
        } else if state.screen == .gallery, !state.gallery.filterFocused, let item = state.gallery.selectedItem {
            let text = Wording.galleryStatus(item.picture, ordinal: state.gallery.ordinal(of: state.gallery.selected))
            grid.put(TextWidth.truncate(text, to: rect.maxX - x), x: x, y: rect.y, style: .dim, limit: rect.maxX)
        } else if state.screen == .compose {
            let problems = state.problems.count + state.drafts.count
            let text = problems == 0 ? Wording.readyToSend(submitKey: state.keys.label(.submit)) : Wording.fieldsToFix(problems)
            grid.put(text, x: x, y: rect.y, style: .dim, limit: rect.maxX)
        }
    }

    /// The most rows an error may take above the status line.
    static let errorRowsMaximum = 5

    /// An error longer than the status line, shown whole (issue 20: the point
    /// of an upload error fell past column 120, and 80): wrapped at spaces
    /// (a path or URL cut where it must) and grown upward over the bottom rows
    /// of the body, the last row on the status line; cut with "…" only past
    /// `errorRowsMaximum` rows.
    static func renderWholeError(_ text: String, style: Style, x: Int, into grid: inout Grid, rect: Rect) {
        let rows = wholeErrorRows(text, x: x, rect: rect)
        let top = rect.y - (rows.count - 1)
        let covered = Rect(x: rect.x, y: top, width: rect.width, height: rows.count)
        // A picture the terminal draws itself would hide the message's rows.
        grid.placements.removeAll { $0.rect.y < covered.maxY && covered.y < $0.rect.maxY }
        grid.fill(covered, style: style)
        for (offset, row) in rows.enumerated() {
            grid.put(row, x: offset == rows.count - 1 ? x : rect.x + 1, y: top + offset, style: style, limit: rect.maxX)
        }
    }

    /// A long error's rows, as renderWholeError shows them (the layout asks how many first).
    static func wholeErrorRows(_ text: String, x: Int, rect: Rect) -> [String] {
        let width = max(10, rect.maxX - x)
        var rows: [String] = []
        for line in HistoryView.wrapWords(TerminalText.line(text), width: width) {
            rows += TextWidth.of(line) > width ? HistoryEntryView.chunks(line, width: width) : [line]
        }
        let room = min(errorRowsMaximum, max(1, rect.y - 1))
        if rows.count > room {
            rows = Array(rows.prefix(room))
            rows[room - 1] = TextWidth.truncate(rows[room - 1] + " …", to: width)
        }
        return rows
    }

    static func footerHints(_ state: AppState) -> [(String, String)] {
        footerItems(state).map { ($0.key, $0.word) }
    }

    /// The keys a newcomer needs: kept when the footer must cut (issue 19: at 80 columns quit and endpoint fell off), F2, the way to and back from the history, and Esc, the way back from a unit, an entry or the gallery;
    /// and `:`, the way to every command (leftovers23: at 80 columns it fell off); while a filter is typed, the ways out of it,
    /// to the rows and cleared (leftovers24: at 80 columns `Esc clear` fell off). The screen's other keys fill the room
    /// left, in order: at 80 columns the form's `Enter edit` and `a add unit` go instead, the history list's `e edit` and `r resend`.
    static let essentialHints: Set<Command> = [.quit, .switchEndpoint, .submit, .help, .history, .back, .closeView, .closeGallery, .palette,
                                               .filterDone, .filterClear, .galleryFilterDone, .galleryFilterClear]

    /// The footer's hints that fit `width`: in order, the essential ones kept
    /// first when not all fit, the others where room is left.
    static func fittingHints(_ items: [(command: Command?, key: String, word: String)], width: Int) -> [(String, String)] {
        func size(_ item: (command: Command?, key: String, word: String)) -> Int { TextWidth.of(item.key) + 1 + TextWidth.of(item.word) + 2 }
        guard items.map(size).reduce(0, +) > width else { return items.map { ($0.key, $0.word) } }
        var room = width - items.filter { $0.command.map(essentialHints.contains) ?? false }.map(size).reduce(0, +)
        var kept: [(String, String)] = []
        for item in items {
            if item.command.map(essentialHints.contains) ?? false {
                kept.append((item.key, item.word))
            } else if size(item) <= room {
                room -= size(item)
                kept.append((item.key, item.word))
            }
        }
        return kept
    }

    typealias FooterItem = (command: Command?, key: String, word: String)

    static func footerItems(_ state: AppState) -> [FooterItem] {
        // Every hint comes from the key table, for the scopes that take the keys now.
        // While typing, letters are text: a command shows the first key that is not one.
        let editing = state.view.editing != nil
        let filterTyping = !editing && (state.historyFilterTyping || state.galleryFilterTyping)
        let scopes: [BindingScope] = editing ? Reducer.editScopes(state)
            : filterTyping ? [state.galleryFilterTyping ? .galleryFilter : .historyFilter, .global]
            : state.scopes + [.global]
        // Over a text result the pictures' commands act on its texts: their words say so.
        let shownSet = state.view.zoom == nil ? (state.screen == .compose ? state.results : state.screen == .history ? state.historyPictures : nil) : nil
        let overTexts = shownSet.map { $0.pictures.isEmpty && !$0.texts.isEmpty } ?? false
        let footer = Footer(keys: state.keys, scopes: scopes, editing: editing, filterTyping: filterTyping,
                            history: state.screen == .history, overTexts: overTexts)
        return footerKept.value(for: footer) { footer.items }
    }

    /// The footer's items as they last were: the same until the keys' scopes
    /// or the table change, and every frame draws the footer (keyp19, issue 18:
    /// a key into a prompt looked up each hint's key in the table again).
    private static let footerKept = KeptLast<Footer, [FooterItem]>()

    /// What the footer's items are made of.
    struct Footer: Equatable, Sendable {
        let keys: KeyTable
        let scopes: [BindingScope]
        /// A field is being edited.
        let editing: Bool
        /// The history's or the gallery's filter has the keys (then the first scope is its own).
        let filterTyping: Bool
        /// The history is on screen: F2 leads back to the form.
        let history: Bool
        /// The pictures shown are texts: their commands' words say so.
        let overTexts: Bool

        var items: [FooterItem] {
            var seen = Set<Command>()
            var hints: [FooterItem] = []
            if filterTyping { hints.append((nil, Wording.typeToFilterHint.0, Wording.typeToFilterHint.1)) }
            for binding in keys.rows(in: scopes) where binding.inFooter && !seen.contains(binding.command) {
                // While typing, a global command shows a key the box does not take itself.
                let usable: (Key) -> Bool = { key in
                    if case .char = key { return false }
                    return binding.scope != .global || keys.command(for: key, only: [scopes[0], .lineEditing]) == nil
                }
                guard let key = filterTyping ? binding.keys.first(where: usable) : binding.keys.first else { continue }
                // A key a narrower scope takes does something else here (Esc closes the offered names, not the edit).
                if editing, keys.command(for: key, only: scopes) != binding.command { continue }
                seen.insert(binding.command)
                // F2 leads back to the form from the history.
                var word = binding.command == .history && history ? Wording.backToFormWord : binding.command.footerWord
                if overTexts, let textWord = Wording.textResultsFooterWord(binding.command) { word = textWord }
                // Two commands in a row with one word are one hint with both keys: `←/→ image` (leftovers24).
                if let last = hints.last, last.command != nil, last.word == word {
                    hints[hints.count - 1].key = last.key + "/" + key.label
                    continue
                }
                hints.append((binding.command, key.label, word))
            }
            // While a field is edited, quitting still works (F10, Ctrl-C): say so last, where it fits (a newcomer's way out).
            if editing {
                for binding in keys.rows(in: [.global]) where binding.evenWhileTyping && binding.inFooter && !seen.contains(binding.command) {
                    guard let key = binding.keys.first(where: { key in
                        if case .char = key { return false }
                        return keys.command(for: key, only: scopes) == nil
                    }) else { continue }
                    seen.insert(binding.command)
                    hints.append((binding.command, key.label, binding.command.footerWord))
                }
            }
            return hints
        }
    }

    static func renderFooter(_ state: AppState, into grid: inout Grid, rect: Rect) {
        var x = rect.x + 1
        for (key, word) in fittingHints(footerItems(state), width: rect.maxX - x) {
            let width = TextWidth.of(key) + 1 + TextWidth.of(word) + 2
            if x + width > rect.maxX { break }
            x = grid.put(key, x: x, y: rect.y, style: .keyHint)
            x = grid.put(" " + word + "  ", x: x, y: rect.y, style: .dim)
        }
    }
}
