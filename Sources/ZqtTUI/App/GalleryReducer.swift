// The gallery's part of the reducer (issue 17): opening and leaving it,
// the filter typed (the history's query, HistoryFilter), moving through the
// grid with pages loaded ahead of the selection, and the actions on one
// picture: enlarged (the pictures' zoom, PictureZoom with target .gallery),
// its history entry opened, its entry deleted after the history's question.

import Model

enum GalleryReducer {
    // MARK: Commands (declared in Input/Commands/GalleryCommands.swift)

    /// From anywhere: the gallery, or back to where it was opened from. A
    /// filter typed in the history comes along.
    static func openOrLeave(_ state: inout AppState) -> [Effect] {
        state.view.picturesFocused = false
        state.view.zoom = nil
        state.view.contactSheet = nil
        state.view.contactSheetAsked = nil
        if state.screen == .gallery {
            state.screen = state.gallery.returnTo
            return []
        }
        state.gallery.returnTo = state.screen
        if state.screen == .history, state.gallery.filter.text != state.history.filter.text {
            state.gallery.filter = state.history.filter
            state.gallery.items = []
        }
        state.screen = .gallery
        // The status line describes the selected picture (a word left from the screen before would hide it).
        state.status = nil
        state.gallery.filterFocused = false
        state.gallery.selected = 0
        state.gallery.scroll = 0
        if state.historyProblem != nil { return [] }
        return [reload(&state)]
    }

    /// The first page for the filter as it is now.
    static func reload(_ state: inout AppState) -> Effect {
        state.gallery.loadingMore = false
        state.gallery.seekingLast = false
        return .loadGallery(filter: state.gallery.filter.text, before: nil, limit: GalleryState.pageSize)
    }

    static func focusFilter(_ state: inout AppState) -> [Effect] {
        state.gallery.filterFocused = true
        return []
    }

    static func filterDone(_ state: inout AppState) -> [Effect] {
        state.gallery.filterFocused = false
        return []
    }

    /// Esc in the filter: it goes, the keys go to the grid.
    static func clearFilter(_ state: inout AppState) -> [Effect] {
        state.gallery.filterFocused = false
        return setFilter(&state, TextBuffer(""))
    }

    /// Esc on the grid: the filter first, then back.
    static func back(_ state: inout AppState) -> [Effect] {
        if !state.gallery.filter.text.isEmpty { return setFilter(&state, TextBuffer("")) }
        state.screen = state.gallery.returnTo
        return []
    }

    /// A change typed into the filter (EditingReducer.editFocusedText).
    static func editFilter(_ state: inout AppState, _ change: (inout TextBuffer, _ width: Int?) -> Bool) -> [Effect] {
        var filter = state.gallery.filter
        guard change(&filter, nil) else { return [] }
        return setFilter(&state, filter)
    }

    static func setFilter(_ state: inout AppState, _ filter: TextBuffer) -> [Effect] {
        let changed = filter.text != state.gallery.filter.text
        state.gallery.filter = filter
        guard changed else { return [] }
        state.gallery.selected = 0
        state.gallery.scroll = 0
        return [reload(&state)]
    }

    /// Moves the selection by `delta` pictures (a row is `columns`), clamped.
    static func move(_ state: inout AppState, by delta: Int) -> [Effect] {
        guard !state.gallery.items.isEmpty else { return [] }
        state.gallery.seekingLast = false
        state.gallery.selected = min(max(0, state.gallery.selected + delta), state.gallery.items.count - 1)
        // The status line follows the selection: a message said before (a delete, a save) has been read.
        state.status = nil
        return keepSelectionVisible(&state)
    }

    /// → and ←: the next or previous picture. The grid stops at its ends, as
    /// its other moves do; there the status line says so, and how to reach
    /// the other end (leftovers21: the key did nothing and said nothing).
    static func step(_ state: inout AppState, forward: Bool) -> [Effect] {
        let count = state.gallery.items.count
        guard count > 0, forward ? state.gallery.selected >= count - 1 : state.gallery.selected <= 0 else {
            return move(&state, by: forward ? 1 : -1)
        }
        let text = !forward ? endWords(state).first : state.gallery.hasMore ? Wording.galleryLoadingOlder : endWords(state).last
        state.status = StatusMessage(text: text, kind: .info)
        // The next page is asked for if it is not on its way.
        return keepSelectionVisible(&state)
    }

    /// What → and ← say at the grid's first and last pictures, keys as bound.
    static func endWords(_ state: AppState) -> (first: String, last: String) {
        (Wording.galleryAtFirst(lastKey: state.keys.label(.galleryLast, in: .gallery)),
         Wording.galleryAtLast(firstKey: state.keys.label(.galleryFirst, in: .gallery)))
    }

    static func moveRows(_ state: inout AppState, by rows: Int) -> [Effect] {
        move(&state, by: rows * GalleryLayout(size: state.view.size).columns)
    }

    static func movePage(_ state: inout AppState, down: Bool) -> [Effect] {
        let layout = GalleryLayout(size: state.view.size)
        return move(&state, by: (down ? 1 : -1) * layout.perScreen)
    }

    /// Home: the newest picture. End: the oldest, not the oldest of the
    /// pages loaded so far: the pages still to come are loaded one after
    /// another, the selection on the last picture of each as it comes.
    static func moveToEnd(_ state: inout AppState, last: Bool) -> [Effect] {
        let effects = move(&state, by: last ? 1 << 40 : -(1 << 40))
        guard last, state.gallery.hasMore else { return effects }
        state.gallery.seekingLast = true
        state.status = StatusMessage(text: Wording.galleryLoadingToLast, kind: .info)
        return effects
    }

    /// Enter: the picture as large as the terminal allows, through the
    /// pictures' own zoom (its keys step through the gallery).
    static func enlarge(_ state: inout AppState) -> [Effect] {
        guard state.gallery.selectedItem?.image != nil else { return [] }
        state.view.selectedPicture = state.gallery.selected
        return PictureReducer.enlargePicture(&state)
    }

    /// The picture's history entry, opened as the history opens one.
    static func openEntry(_ state: inout AppState) -> [Effect] {
        guard let item = state.gallery.selectedItem else { return [] }
        state.screen = .history
        state.history.mode = .list
        state.history.detail = nil
        state.history.comparison = nil
        return [Reducer.reloadHistory(state), .loadEntries([item.picture.submissionID], .show)]
    }

    /// The history's question before an entry goes: yes removes it with
    /// zqt's copies of its images; the other answer keeps the files.
    static func askToDelete(_ state: inout AppState) -> [Effect] {
        guard let item = state.gallery.selectedItem else { return [] }
        state.view.overlay = .confirm(.deleteEntry(id: item.picture.submissionID, idTask: item.picture.idTask))
        return []
    }

    // MARK: Answers

    static func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case let .galleryLoaded(page):
            // An answer to an older filter is dropped: typing outran it.
            guard page.filter == state.gallery.filter.text else { return [] }
            if page.appending {
                state.gallery.loadingMore = false
                let known = Set(state.gallery.items.map(\.picture.id))
                state.gallery.items += page.items.filter { !known.contains($0.picture.id) }
            } else {
                let selectedID = state.gallery.selectedItem?.picture.id
                state.gallery.items = page.items
                state.gallery.itemsFilter = page.filter
                state.gallery.selected = selectedID.flatMap { id in page.items.firstIndex { $0.picture.id == id } }
                    ?? min(state.gallery.selected, max(0, page.items.count - 1))
            }
            state.gallery.hasMore = page.hasMore
            state.gallery.nextBefore = page.nextBefore
            state.gallery.loaded = true
            if state.gallery.seekingLast, page.appending {
                state.gallery.selected = max(0, state.gallery.items.count - 1)
                if !page.hasMore {
                    state.gallery.seekingLast = false
                    if state.status?.text == Wording.galleryLoadingToLast { state.status = nil }
                }
            }
            // The pictures → waited for have come: the status line describes the selected one again.
            if page.appending, state.status?.text == Wording.galleryLoadingOlder { state.status = nil }
            return keepSelectionVisible(&state)
        case let .galleryThumbnailMade(item):
            // The picture where it is now (pages may have come or gone meanwhile).
            guard let index = state.gallery.items.firstIndex(where: { $0.picture.id == item.picture.id }) else { return [] }
            state.gallery.items[index] = item
            return []
        case let .entryDeleted(id, _):
            guard state.gallery.items.contains(where: { $0.picture.submissionID == id }) else { return [] }
            state.gallery.items.removeAll { $0.picture.submissionID == id }
            state.gallery.selected = min(state.gallery.selected, max(0, state.gallery.items.count - 1))
            return keepSelectionVisible(&state)
        case let .picturesFetched(target, _, _, _):
            // A task sent from the form has its copies kept: the gallery shows them.
            guard target == .compose, state.screen == .gallery, state.view.zoom == nil else { return [] }
            return [reload(&state)]
        default:
            return []
        }
    }

    /// After any action: an enlarged gallery picture stepped through moves the selection with it.
    static func followZoom(_ state: inout AppState) -> [Effect] {
        guard state.screen == .gallery, let zoom = state.view.zoom, zoom.target == .gallery,
              zoom.index != state.gallery.selected, state.gallery.items.indices.contains(zoom.index) else { return [] }
        state.gallery.selected = zoom.index
        // The status line follows the selection (as `move`): an end said on the grid no longer holds
        // (newcomer21: the enlarged picture went round to the first, and Esc showed "the last" still).
        let ends = endWords(state)
        if let said = state.status?.text, said == ends.first || said == ends.last || said == Wording.galleryLoadingOlder {
            state.status = nil
        }
        return keepSelectionVisible(&state)
    }

    /// Scrolls so the selected row is on screen, and asks for the next page
    /// once the selection is within a screen of the pictures loaded.
    static func keepSelectionVisible(_ state: inout AppState) -> [Effect] {
        let layout = GalleryLayout(size: state.view.size)
        let row = state.gallery.selected / layout.columns
        if row < state.gallery.scroll { state.gallery.scroll = row }
        if row >= state.gallery.scroll + layout.rows { state.gallery.scroll = row - layout.rows + 1 }
        let lastRow = max(0, (state.gallery.items.count - 1) / layout.columns)
        state.gallery.scroll = max(0, min(state.gallery.scroll, lastRow))
        guard state.gallery.hasMore, !state.gallery.loadingMore, let before = state.gallery.nextBefore,
              state.gallery.items.count - state.gallery.selected <= 2 * layout.perScreen else { return [] }
        state.gallery.loadingMore = true
        return [.loadGallery(filter: state.gallery.filter.text, before: before, limit: GalleryState.pageSize)]
    }
}
