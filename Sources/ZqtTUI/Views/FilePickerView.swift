// The file picker over an image field (issue 17): a folder's folders and
// pictures on the left, the highlighted picture on the right where pictures
// are on. Only that one picture is drawn: a frame names it when it is not
// decoded yet (Grid.picturesWanted) and the "decoding…" placeholder stands
// in until the effect has decoded it (PictureDecodingReducer).

import Images
import Model

enum FilePickerView {
    static func render(_ picker: FilePickerState, state: AppState, into grid: inout Grid) {
        let rect = OverlayView.box(width: 100, height: grid.size.height - 4, in: grid.size)
        let folder = picker.listing?.shownFolder ?? "…"
        let label = Reducer.label(of: picker.field, in: state)
        OverlayView.frame(rect, title: Wording.filePickerTitle(label, folder: folder), into: &grid)
        let inner = rect.maxX - 1
        var top = rect.y + 1
        if let problem = picker.problem {
            grid.put(TextWidth.truncate(problem, to: rect.width - 4), x: rect.x + 2, y: top, style: .statusError, limit: inner)
            top += 1
        }
        let showsPicture: Bool
        if case .off = state.view.pictureMode { showsPicture = false } else { showsPicture = rect.width >= 60 }
        let listWidth = showsPicture ? (rect.width - 4) / 2 : rect.width - 4
        let visible = max(1, rect.maxY - 2 - top)
        if picker.listing == nil, picker.problem == nil {
            grid.put(Wording.filePickerReading, x: rect.x + 2, y: top, style: .dim, limit: inner)
        } else if picker.entries.allSatisfy({ $0 == .parent }) {
            grid.put(Wording.filePickerEmpty, x: rect.x + 2, y: top + (picker.entries.isEmpty ? 0 : 1), style: .dim, limit: inner)
        }
        let first = max(0, picker.selected - visible + 1)
        for (offset, entry) in picker.entries.dropFirst(first).prefix(visible).enumerated() {
            let y = top + offset
            let selected = first + offset == picker.selected
            if selected { grid.fill(Rect(x: rect.x + 1, y: y, width: listWidth + 2, height: 1), style: .selection) }
            let style: Style = selected ? .selection : (entry == .parent ? .dim : .overlay)
            grid.put(TextWidth.truncate(entry.name, to: listWidth), x: rect.x + 2, y: y, style: style, limit: rect.x + 2 + listWidth)
        }
        if first > 0 { grid.put("↑", x: rect.x + 2 + listWidth, y: top, style: .dim) }
        if picker.entries.count > first + visible { grid.put("↓", x: rect.x + 2 + listWidth, y: top + visible - 1, style: .dim) }
        if showsPicture, let listing = picker.listing, picker.entries.indices.contains(picker.selected),
           case let .picture(name) = picker.entries[picker.selected] {
            let area = Rect(x: rect.x + 4 + listWidth, y: top, width: rect.maxX - 2 - (rect.x + 4 + listWidth), height: visible)
            drawPicture(at: join(listing.folder, name), state: state, into: &grid, rect: area)
        }
        grid.put(state.keys.hintLine([.filePicker]), x: rect.x + 2, y: rect.maxY - 2, style: .dim, limit: inner)
    }

    /// The highlighted picture fitted to `rect`, or the placeholder while it
    /// is decoded, or why it cannot be drawn.
    private static func drawPicture(at path: String, state: AppState, into grid: inout Grid, rect: Rect) {
        switch PictureCache.shared.decoded(path) {
        case nil:
            let text = TextWidth.truncate(Wording.picturesDecoding, to: rect.width)
            grid.put(text, x: rect.x + max(0, (rect.width - TextWidth.of(text)) / 2), y: rect.y + rect.height / 2, style: .dim, limit: rect.maxX)
            if !grid.picturesWanted.contains(path) { grid.picturesWanted.append(path) }
        case let .failure(error)?:
            grid.put(TextWidth.truncate(error.message, to: rect.width), x: rect.x, y: rect.y, style: .statusError, limit: rect.maxX)
        case let .success(picture)?:
            let image = LocalImage(position: 0, path: path, thumbnailPath: path, width: picture.width, height: picture.height)
            PicturesPane.draw(image, large: false, view: state.view, into: &grid, rect: rect)
        }
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
