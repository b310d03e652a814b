// Result images on screen (issue 11): the results pane's thumbnails side by
// side, one picture as large as the terminal allows, and a sweep's contact
// sheet. A picture is drawn by PictureMode: block symbols go into the grid
// as cells; a pixel protocol's picture is a placement over blank cells,
// which the terminal layer sends; without either, the local copy's path.

import Images
import Model

enum PicturesPane {
    /// Rows a caption takes under each thumbnail.
    static let captionRows = 1
    /// Thumbnails narrower than this are not worth drawing: fewer are shown, around the selection.
    static let minimumThumbnailWidth = 14

    /// How many thumbnails a pane this wide shows at once.
    static func slots(width: Int) -> Int {
        max(1, (width + 1) / (minimumThumbnailWidth + 1))
    }

    static func render(_ set: PictureSet, state: AppState, focused: Bool, into grid: inout Grid, rect: Rect) {
        guard rect.width > 4, rect.height > 2 else { return }
        grid.mark(rect, .pictures)
        if set.pictures.isEmpty, !set.texts.isEmpty { return renderTexts(set, state: state, focused: focused, into: &grid, rect: rect) }
        let view = state.view
        let title: String
        if set.isRunning {
            title = Wording.intermediateTitle(set.idTask, progress: set.progress)
        } else {
            title = Wording.picturesTitle(set.idTask, images: set.madeCount, controlMaps: set.controlMapCount, focused: focused, keys: state.keys,
                                          note: set.gridLeftOut ? Wording.gridNotKeptShort : nil)
        }
        grid.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), style: .border)
        grid.put(" " + TextWidth.truncate(title, to: rect.width - 2) + " ", x: rect.x, y: rect.y,
                 style: focused ? .focusedLabel : .label, limit: rect.maxX)
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        if set.isRunning {
            if let intermediate = set.intermediate {
                draw(intermediate, large: false, view: view, into: &grid, rect: body)
            } else {
                centred(Wording.picturesNoneYet, into: &grid, rect: body)
            }
            return
        }
        let count = set.pictures.count
        guard count > 0 else { return }
        // As many slots as fit at the minimum width; the selection stays in view.
        let fitting = max(1, min(count, (body.width + 1) / (minimumThumbnailWidth + 1)))
        let selected = min(max(0, view.selectedPicture), count - 1)
        let first = min(max(0, selected - fitting / 2), count - fitting)
        let slotWidth = (body.width - (fitting - 1)) / fitting
        for slot in 0..<fitting {
            let index = first + slot
            let picture = set.pictures[index]
            let slotRect = Rect(x: body.x + slot * (slotWidth + 1), y: body.y, width: slotWidth, height: body.height - captionRows)
            grid.mark(Rect(x: slotRect.x, y: slotRect.y, width: slotRect.width, height: body.height), .picture(index))
            draw(picture, view: view, into: &grid, rect: slotRect)
            let caption = Wording.pictureCaption(set.ordinal(of: index), seed: picture.seed, width: picture.image?.width,
                                                 height: picture.image?.height, controlMap: picture.isControlMap)
            let isSelected = focused && index == selected
            let captionText = TextWidth.truncate(caption, to: slotWidth)
            grid.put(captionText, x: slotRect.x + max(0, (slotWidth - TextWidth.of(captionText)) / 2), y: body.maxY - 1,
                     style: isSelected ? .selection : .dim, limit: slotRect.maxX)
        }
        if first > 0 { grid.put("◀", x: body.x, y: body.maxY - 1, style: .dim) }
        if first + fitting < count { grid.put("▶", x: body.maxX - 1, y: body.maxY - 1, style: .dim) }
    }

    /// One picture as large as the body allows, with its place in the set on the status line.
    static func renderZoom(_ set: PictureSet, index: Int, state: AppState, into grid: inout Grid, rect: Rect) {
        guard set.pictures.indices.contains(index) else { return }
        // The full image once it is decoded off the event loop; until then its
        // thumbnail in symbols, and nothing through a protocol (each picture sent
        // there costs its pixels' bytes again).
        if case .pixels = state.view.pictureMode, !state.view.zoomReady, set.pictures[index].image != nil {
            centred(Wording.picturesDecoding, into: &grid, rect: rect)
            return
        }
        draw(set.pictures[index], large: state.view.zoomReady, view: state.view, into: &grid, rect: rect)
        markZoom(rect, steps: set.pictures.count > 1, into: &grid)
    }

    /// A click on the enlarged picture (issue 19): its left and right fifths
    /// step to the previous and next picture (when there are others), the rest closes it.
    static func markZoom(_ rect: Rect, steps: Bool, into grid: inout Grid) {
        grid.mark(rect, .zoomed(.close))
        guard steps else { return }
        let edge = max(1, rect.width / 5)
        grid.mark(Rect(x: rect.x, y: rect.y, width: edge, height: rect.height), .zoomed(.previous))
        grid.mark(Rect(x: rect.maxX - edge, y: rect.y, width: edge, height: rect.height), .zoomed(.next))
    }

    /// A contact sheet's picture as large as the body allows, under a line
    /// naming its row's and column's values; a click or the back key returns to the sheet.
    static func renderSheetPicture(_ sheet: ContactSheet, place: SheetPlace, state: AppState, into grid: inout Grid, rect: Rect) {
        guard let picture = sheet.cells[safe: place.row]?[safe: place.column] ?? nil else { return }
        let title = Wording.sheetPictureTitle(rows: sheet.rowLabel, sheet.rowValues[safe: place.row],
                                              columns: sheet.columnLabel, sheet.columnValues[safe: place.column],
                                              backKey: state.keys.label(.closePictures, in: .contactSheet))
        grid.put(" " + TextWidth.truncate(title, to: rect.width - 2), x: rect.x, y: rect.y, style: .label, limit: rect.maxX)
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        draw(picture, view: state.view, into: &grid, rect: body)
        grid.mark(rect, .sheetEnlarged)
    }

    /// A sweep's images: a row per value of the first varied parameter, a
    /// column per value of the second, each labelled.
    static func renderContactSheet(_ sheet: ContactSheet, state: AppState, into grid: inout Grid, rect: Rect) {
        let title = Wording.contactSheetTitle(sheet.batchID, rows: sheet.rowLabel, columns: sheet.columnLabel,
                                              backKey: state.keys.label(.closePictures, in: .contactSheet))
        grid.put(" " + TextWidth.truncate(title, to: rect.width - 2), x: rect.x, y: rect.y, style: .label, limit: rect.maxX)
        let rowLabelWidth = min(rect.width / 4, max(4, (sheet.rowValues.map { TextWidth.of($0) }.max() ?? 0) + 1))
        let columns = max(1, sheet.columnValues.count), rows = max(1, sheet.rowValues.count)
        let top = rect.y + 2
        let cellWidth = max(1, (rect.width - rowLabelWidth) / columns)
        let cellHeight = max(1, (rect.maxY - top) / rows)
        for (column, value) in sheet.columnValues.enumerated() {
            let text = TextWidth.truncate(value, to: cellWidth - 1)
            grid.put(text, x: rect.x + rowLabelWidth + column * cellWidth + max(0, (cellWidth - TextWidth.of(text)) / 2),
                     y: rect.y + 1, style: .jsonNumber, limit: rect.maxX)
        }
        for row in 0..<rows {
            let y = top + row * cellHeight
            if sheet.rowValues.indices.contains(row) {
                grid.put(TextWidth.truncate(sheet.rowValues[row], to: rowLabelWidth - 1), x: rect.x, y: y + cellHeight / 2,
                         style: .jsonNumber, limit: rect.x + rowLabelWidth)
            }
            for column in 0..<columns {
                let cellRect = Rect(x: rect.x + rowLabelWidth + column * cellWidth, y: y, width: cellWidth - 1, height: cellHeight - 1)
                guard let picture = sheet.cells[safe: row]?[safe: column] ?? nil else {
                    centred("—", into: &grid, rect: cellRect)
                    continue
                }
                draw(picture, view: state.view, into: &grid, rect: cellRect)
                grid.mark(cellRect, .sheetCell(SheetPlace(row: row, column: column)))
            }
        }
    }

    /// A result's picture, or why there is none yet, or none at all.
    static func draw(_ picture: ShownPicture, large: Bool = false, view: ViewState, into grid: inout Grid, rect: Rect) {
        switch (picture.image, picture.problem) {
        case let (image?, _): draw(image, large: large, view: view, into: &grid, rect: rect)
        case let (nil, problem?): wrapped(problem, style: .statusError, into: &grid, rect: rect)
        case (nil, nil): centred(Wording.picturesDownloading, into: &grid, rect: rect)
        }
    }

    /// A picture fitted to `rect` with its proportions and centred in it.
    /// `large` draws from the full image rather than its thumbnail.
    static func draw(_ image: LocalImage, large: Bool, view: ViewState, into grid: inout Grid, rect: Rect) {
        guard rect.width > 0, rect.height > 0 else { return }
        let cell = (width: max(1, view.cellPixels.width), height: max(1, view.cellPixels.height))
        // A protocol's picture is sent pixel for pixel: never larger than the
        // file drawn from holds (a thumbnail 512 at most), which would only send
        // more bytes for the same picture.
        var room = (columns: rect.width, rows: rect.height)
        if case .pixels = view.pictureMode {
            let side = large ? PictureCache.largeSide : ResultImageFiles.thumbnailSide
            let scale = min(1, Double(side) / Double(max(image.width, image.height, 1)))
            let pixels = (width: Double(image.width) * scale, height: Double(image.height) * scale)
            room = (min(room.columns, max(1, Int((pixels.width / Double(cell.width)).rounded(.up)))),
                    min(room.rows, max(1, Int((pixels.height / Double(cell.height)).rounded(.up)))))
        }
        let box = TerminalArt.fit(width: image.width, height: image.height, columns: room.columns, rows: room.rows, cell: cell)
        let placed = Rect(x: rect.x + (rect.width - box.columns) / 2, y: rect.y + (rect.height - box.rows) / 2,
                          width: box.columns, height: box.rows)
        // A thumbnail has enough pixels for a pane; an enlarged picture wants the full
        // image, decoded beforehand (PictureCache.largeSide) off the event loop.
        let path = large ? image.path : image.thumbnailPath
        switch view.pictureMode {
        case let .off(reason):
            let whole = Wording.pictureAsText(image, reason: reason)
            let lines = HistoryView.wrapWords(whole, width: max(1, rect.width))
            if lines.count <= rect.height, lines.allSatisfy({ TextWidth.of($0) <= rect.width }) {
                wrapped(whole, style: .dim, into: &grid, rect: rect)
            } else {
                // A gallery tile: the path cut at its start, so the task's folder and the file stay (newcomer20g:
                // "/tmp/tmp.grcgTTCLvG/i" was all a tile showed of it).
                let head = [Wording.pictureAsTextHead(image), TextWidth.truncateFront(image.path, to: max(1, rect.width))]
                for (offset, line) in (head + HistoryView.wrapWords(reason, width: max(1, rect.width))).prefix(rect.height).enumerated() {
                    grid.put(line, x: rect.x, y: rect.y + offset, style: .dim, limit: rect.maxX)
                }
            }
        case let .pixels(pixelProtocol):
            // The terminal layer sends the pixels kept; a picture not decoded yet is asked for first.
            guard PictureCache.shared.canSend(path, columns: placed.width, rows: placed.height, using: pixelProtocol,
                                              cell: (view.cellPixels.width, view.cellPixels.height)) else {
                return decoding(path, into: &grid, rect: rect)
            }
            grid.fill(placed, style: .normal)
            grid.placements.append(PicturePlacement(rect: placed, path: path))
        case let .symbols(depth):
            switch PictureCache.shared.symbols(path, columns: placed.width, rows: placed.height, depth: depth) {
            case nil:
                decoding(path, into: &grid, rect: rect)
            case let .success(art)?:
                for y in 0..<art.rows {
                    for x in 0..<art.columns {
                        let symbol = art[x, y]
                        let colours = PictureColours(foreground: Int16(clamping: symbol.foreground),
                                                     background: Int16(clamping: symbol.background))
                        grid[placed.x + x, placed.y + y] = Cell(character: symbol.character,
                                                                style: depth == .monochrome ? .normal : .picture, picture: colours)
                    }
                }
            case let .failure(error)?:
                wrapped(Wording.pictureAsText(image, reason: error.message), style: .statusError, into: &grid, rect: rect)
            }
        }
    }

    /// A picture not decoded yet: a placeholder, and the frame names it so
    /// it is decoded off the event loop (never here, while a frame is drawn).
    private static func decoding(_ path: String, into grid: inout Grid, rect: Rect) {
        centred(Wording.picturesDecoding, into: &grid, rect: rect)
        if !grid.picturesWanted.contains(path) { grid.picturesWanted.append(path) }
    }

    private static func centred(_ text: String, into grid: inout Grid, rect: Rect) {
        guard rect.height > 0 else { return }
        let shown = TextWidth.truncate(text, to: rect.width)
        grid.put(shown, x: rect.x + max(0, (rect.width - TextWidth.of(shown)) / 2), y: rect.y + rect.height / 2,
                 style: .dim, limit: rect.maxX)
    }

    private static func wrapped(_ text: String, style: Style, into grid: inout Grid, rect: Rect) {
        for (offset, line) in HistoryView.wrapWords(text, width: max(1, rect.width)).prefix(rect.height).enumerated() {
            grid.put(line, x: rect.x, y: rect.y + offset, style: style, limit: rect.maxX)
        }
    }
}
