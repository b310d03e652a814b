// The gallery (issue 17): the history's filter line, then every kept
// picture newest first as a grid of thumbnails, each over two lines: the
// endpoint, position and task, and the prompt. Only the rows on screen are
// drawn, so only their thumbnails are decoded (a placeholder names the
// others to decode off the event loop: PicturesPane.draw, Grid.picturesWanted).

import Model

enum GalleryView {
    static func render(_ state: AppState, into grid: inout Grid, rect: Rect) {
        if let problem = state.historyProblem {
            grid.put(" " + Wording.historyUnavailable, x: rect.x, y: rect.y + 1, style: .statusError, limit: rect.maxX)
            for (offset, line) in HistoryView.wrapWords(problem, width: rect.width - 4).prefix(rect.height - 3).enumerated() {
                grid.put(line, x: rect.x + 2, y: rect.y + 2 + offset, style: .normal, limit: rect.maxX)
            }
            return
        }
        let gallery = state.gallery
        // The pictures shown are another filter's (the words just typed): no count is true yet.
        let searching = gallery.loaded && gallery.itemsFilter != gallery.filter.text
        let count = searching ? Wording.filterSearching : gallery.loaded
            ? Wording.galleryCount(gallery.items.count - gallery.controlMapCount, controlMaps: gallery.controlMapCount,
                                   more: gallery.hasMore, filtered: !gallery.filter.text.isEmpty) : ""
        HistoryView.renderFilterBox(gallery.filter, focused: gallery.filterFocused, count: count,
                                    placeholder: Wording.galleryFilterPlaceholder, into: &grid, y: rect.y, width: rect.width)
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        grid.mark(body, .gallery)
        guard gallery.loaded else {
            grid.put(Wording.galleryLoading, x: body.x + 2, y: body.y + 1, style: .dim, limit: body.maxX)
            return
        }
        if gallery.items.isEmpty {
            let message = searching ? Wording.galleryLoading : gallery.filter.text.isEmpty
                ? Wording.galleryEmpty(sendKey: state.keys.label(.submit), backKey: state.keys.label(.closeGallery, in: .gallery))
                : Wording.galleryNoMatch(gallery.filter.text, clearKey: state.keys.label(.closeGallery, in: .gallery))
            for (offset, line) in HistoryView.wrapWords(message, width: body.width - 4).prefix(body.height - 1).enumerated() {
                grid.put(line, x: body.x + 2, y: body.y + 1 + offset, style: .dim, limit: body.maxX)
            }
            return
        }
        let layout = GalleryLayout(width: body.width, height: body.height)
        let first = gallery.scroll * layout.columns
        for index in first..<min(gallery.items.count, first + layout.perScreen) {
            let slot = index - first
            let cell = Rect(x: body.x + (slot % layout.columns) * (layout.cellWidth + 1),
                            y: body.y + (slot / layout.columns) * GalleryLayout.cellHeight,
                            width: layout.cellWidth, height: GalleryLayout.cellHeight - 1)
            grid.mark(cell, .galleryItem(index))
            renderCell(gallery.items[index], ordinal: gallery.ordinal(of: index), selected: index == gallery.selected,
                       state: state, into: &grid, rect: cell)
        }
        if gallery.scroll > 0 { grid.put("↑", x: body.maxX - 1, y: body.y, style: .dim) }
        if first + layout.perScreen < gallery.items.count || gallery.hasMore {
            grid.put("↓", x: body.maxX - 1, y: body.maxY - 1, style: .dim)
        }
    }

    /// One picture: its thumbnail (or why there is none), then its two caption lines.
    static func renderCell(_ item: GalleryItem, ordinal: Int, selected: Bool, state: AppState, into grid: inout Grid, rect: Rect) {
        let picture = Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: GalleryLayout.pictureRows)
        PicturesPane.draw(item.inGrid, view: state.view, into: &grid, rect: picture)
        let lines = [Wording.galleryCaption(item.picture, ordinal: ordinal), Wording.galleryPrompt(item.picture)]
        for (offset, line) in lines.enumerated() {
            let y = rect.y + GalleryLayout.pictureRows + offset
            let style: Style = selected ? .selection : (offset == 0 ? .dim : .normal)
            if selected { grid.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: .selection) }
            grid.put(TextWidth.truncate(line, to: rect.width - 1), x: rect.x + 1, y: y, style: style, limit: rect.maxX)
        }
    }
}
