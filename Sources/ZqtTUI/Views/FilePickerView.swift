// The file picker over an image field (issue 17): a folder's folders and
// pictures, each picture's row with its thumbnail where pictures are on, and
// the highlighted picture larger on the right. Only rows on screen are drawn,
// so only their thumbnails are decoded: a frame names one not decoded yet
// (Grid.picturesWanted) and a placeholder stands in until the effect has
// decoded it (PictureDecodingReducer), as the gallery's grid does. `/` types
// a filter, as the history's; a folder larger than the bound says how many
// entries it did not list, and the filter finds them.

import Images
import Model

enum FilePickerView {
    /// A thumbnail row's height and its picture's width, in cells; its pixels' side when decoded.
    static let thumbnailRows = 3, thumbnailColumns = 6, thumbnailSide = 96

    /// Lines an entry takes: a thumbnail's where pictures are on.
    static func rowHeight(_ state: AppState) -> Int {
        if case .off = state.view.pictureMode { return 1 }
        return thumbnailRows
    }

    static func box(_ size: Size) -> Rect { OverlayView.box(width: 100, height: size.height - 4, in: size) }

    /// How many entries the list shows at once (a page).
    static func visibleEntries(_ picker: FilePickerState, state: AppState) -> Int {
        let rect = box(state.view.size)
        let top = rect.y + 1 + (picker.problem == nil ? 0 : 1) + (showsFilter(picker) ? 1 : 0)
        let bottom = rect.maxY - 2 - (picker.listing?.truncated == true ? 1 : 0)
        return max(1, (bottom - top) / rowHeight(state))
    }

    static func showsFilter(_ picker: FilePickerState) -> Bool { picker.filterFocused || !picker.filter.text.isEmpty }

    static func render(_ picker: FilePickerState, state: AppState, into grid: inout Grid) {
        let rect = box(grid.size)
        let folder = picker.listing?.shownFolder ?? "…"
        let label = Reducer.label(of: picker.field, in: state)
        OverlayView.frame(rect, title: Wording.filePickerTitle(label, folder: folder), into: &grid)
        let inner = rect.maxX - 1
        var top = rect.y + 1
        if let problem = picker.problem {
            grid.put(TextWidth.truncate(problem, to: rect.width - 4), x: rect.x + 2, y: top, style: .statusError, limit: inner)
            top += 1
        }
        if showsFilter(picker) {
            let x = grid.put("/ ", x: rect.x + 2, y: top, style: .keyHint)
            if picker.filter.text.isEmpty {
                grid.put(Wording.filePickerFilterPlaceholder, x: x, y: top, style: .dim, limit: inner)
            } else {
                grid.put(TextWidth.truncate(picker.filter.text, to: inner - x), x: x, y: top, style: picker.filterFocused ? .focusedLabel : .overlay, limit: inner)
            }
            top += 1
        }
        let showsPicture: Bool
        if case .off = state.view.pictureMode { showsPicture = false } else { showsPicture = rect.width >= 60 }
        let listWidth = showsPicture ? (rect.width - 4) / 2 : rect.width - 4
        let rowHeight = rowHeight(state)
        let visible = visibleEntries(picker, state: state)
        if picker.listing == nil, picker.problem == nil {
            grid.put(Wording.filePickerReading, x: rect.x + 2, y: top, style: .dim, limit: inner)
        } else if picker.entries.allSatisfy({ $0 == .parent }) {
            let empty = picker.filter.text.isEmpty ? Wording.filePickerEmpty : Wording.filePickerNoMatch(picker.filter.text)
            grid.put(TextWidth.truncate(empty, to: rect.width - 4), x: rect.x + 2, y: top + (picker.entries.isEmpty ? 0 : rowHeight),
                     style: .dim, limit: inner)
        }
        let first = max(0, picker.selected - visible + 1)
        for (offset, entry) in picker.entries.dropFirst(first).prefix(visible).enumerated() {
            let y = top + offset * rowHeight
            let selected = first + offset == picker.selected
            if selected { grid.fill(Rect(x: rect.x + 1, y: y, width: listWidth + 2, height: rowHeight), style: .selection) }
            let style: Style = selected ? .selection : (entry == .parent ? .dim : .overlay)
            var nameX = rect.x + 2
            if rowHeight > 1 {
                if case let .picture(name) = entry, let listing = picker.listing {
                    let thumbnail = Rect(x: nameX, y: y, width: thumbnailColumns, height: thumbnailRows)
                    drawPicture(at: PictureCache.smallKey(join(listing.folder, name), side: thumbnailSide), state: state, into: &grid,
                                rect: thumbnail, compact: true)
                }
                nameX += thumbnailColumns + 2
            }
            let nameY = y + rowHeight / 2
            grid.put(TextWidth.truncate(entry.name, to: rect.x + 2 + listWidth - nameX), x: nameX, y: nameY, style: style,
                     limit: rect.x + 2 + listWidth)
        }
        if first > 0 { grid.put("↑", x: rect.x + 2 + listWidth, y: top, style: .dim) }
        if picker.entries.count > first + visible { grid.put("↓", x: rect.x + 2 + listWidth, y: top + visible * rowHeight - 1, style: .dim) }
        if let listing = picker.listing, listing.truncated {
            let more = Wording.filePickerNotListed(listing.notListed, atLeast: listing.notListed >= PathCompletion.countLimit,
                                                   filterKey: state.keys.label(.filterFiles, in: .filePicker))
            grid.put(TextWidth.truncate(more, to: rect.width - 4), x: rect.x + 2, y: rect.maxY - 3, style: .statusError, limit: inner)
        }
        if showsPicture, let listing = picker.listing, picker.entries.indices.contains(picker.selected),
           case let .picture(name) = picker.entries[picker.selected] {
            let area = Rect(x: rect.x + 4 + listWidth, y: top, width: rect.maxX - 2 - (rect.x + 4 + listWidth), height: visible * rowHeight)
            drawPicture(at: join(listing.folder, name), state: state, into: &grid, rect: area)
        }
        let hints = state.keys.hintLine([picker.filterFocused ? .filePickerFilter : .filePicker])
        grid.put(hints, x: rect.x + 2, y: rect.maxY - 2, style: .dim, limit: inner)
    }

    /// A picture fitted to `rect`, or the placeholder while it is decoded,
    /// or why it cannot be drawn (`compact`: a thumbnail's cells, too small for the words).
    private static func drawPicture(at path: String, state: AppState, into grid: inout Grid, rect: Rect, compact: Bool = false) {
        switch PictureCache.shared.decoded(path) {
        case nil:
            let text = TextWidth.truncate(compact ? "…" : Wording.picturesDecoding, to: rect.width)
            grid.put(text, x: rect.x + max(0, (rect.width - TextWidth.of(text)) / 2), y: rect.y + rect.height / 2, style: .dim, limit: rect.maxX)
            if !grid.picturesWanted.contains(path) { grid.picturesWanted.append(path) }
        case let .failure(error)?:
            let text = compact ? "×" : error.message
            grid.put(TextWidth.truncate(text, to: rect.width), x: rect.x, y: rect.y + (compact ? rect.height / 2 : 0), style: .statusError, limit: rect.maxX)
        case let .success(picture)?:
            let image = LocalImage(position: 0, path: path, thumbnailPath: path, width: picture.width, height: picture.height)
            PicturesPane.draw(image, large: false, view: state.view, into: &grid, rect: rect)
        }
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
