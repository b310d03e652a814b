// Clicks and the wheel (issue 19): a click focuses a field, selects a
// history row or a result, chooses a picker's option, a second click on it does what Enter does there,
// and a click on a thumbnail (a result's, the gallery's) enlarges it; the wheel runs the commands the
// arrows run where the pointer is. Nothing here knows the terminal.

extension Reducer {
    static func pointer(_ state: inout AppState, _ input: PointerInput) -> [Effect] {
        switch input {
        case let .click(target, spot): return click(&state, target, at: spot)
        case let .wheel(target, down): return wheel(&state, target, down: down)
        }
    }

    private static func click(_ state: inout AppState, _ target: MouseTarget, at spot: PointerSpot) -> [Effect] {
        switch target {
        case let .field(id):
            guard state.screen == .compose, state.view.overlay == nil else { return [] }
            if let editing = state.view.editing {
                // Inside the text being edited: the cursor goes where the click landed.
                if editing.field == id {
                    placeCursor(&state, at: spot, wholeTextShown: false)
                    return []
                }
                finishEdit(&state, editing)
            }
            state.view.picturesFocused = false
            // A second click on the focused field does what Enter does: an edit, a switch, a picker, a unit's form.
            if state.view.focus == id {
                let effects = run(&state, .edit)
                // An edit begun on a text shown whole starts with the cursor where the click landed.
                if state.view.editing?.field == id { placeCursor(&state, at: spot, wholeTextShown: true) }
                return effects
            }
            focus(&state, id)
            return []
        case .historyFilter:
            guard state.screen == .history, state.history.mode == .list, state.view.overlay == nil else { return [] }
            state.view.picturesFocused = false
            return run(&state, .filterHistory)
        case let .zoomed(part):
            guard state.view.overlay == nil, state.view.zoom != nil else { return [] }
            switch part {
            case .previous: return PictureReducer.stepPicture(&state, forward: false)
            case .next: return PictureReducer.stepPicture(&state, forward: true)
            case .close: return PictureReducer.backFromPictures(&state)
            }
        case let .sheetCell(place):
            guard state.view.overlay == nil, let sheet = state.view.contactSheet,
                  (sheet.cells[safe: place.row]?[safe: place.column] ?? nil) != nil else { return [] }
            state.view.contactSheet?.enlarged = place
            return []
        case .sheetEnlarged:
            guard state.view.overlay == nil else { return [] }
            state.view.contactSheet?.enlarged = nil
            return []
        case let .historyRow(index):
            guard state.screen == .history, state.history.mode == .list, state.history.rows.indices.contains(index) else { return [] }
            state.history.filterFocused = false
            state.view.picturesFocused = false
            if state.history.selected == index { return run(&state, .openEntry) }
            state.history.selected = index
            return []
        case let .picture(index):
            guard state.view.overlay == nil, state.view.zoom == nil else { return [] }
            if let editing = state.view.editing { finishEdit(&state, editing) }
            state.view.picturesFocused = true
            state.view.selectedPicture = max(0, index)
            return PictureReducer.enlargePicture(&state)
        case let .galleryItem(index):
            guard state.screen == .gallery, state.view.overlay == nil, state.view.zoom == nil,
                  state.gallery.items.indices.contains(index) else { return [] }
            state.gallery.filterFocused = false
            state.gallery.selected = index
            return run(&state, .galleryEnlarge)
        case let .pickerOption(index):
            // A click on an option chooses it, as Enter on the highlighted one does.
            guard case var .picker(picker)? = state.view.overlay, picker.matches.indices.contains(index) else { return [] }
            picker.selected = index
            state.view.overlay = .picker(picker)
            return run(&state, .pickHighlighted)
        case .form, .preview, .history, .pictures, .gallery, .help, .picker, .covered:
            return []
        }
    }

    /// The edit's cursor to the cell clicked in its field's rows, as FormView
    /// lays them out: the value column after the label, the text wrapped at the
    /// value's width, the rows shown ending at the cursor's line. A cell past a
    /// line's end is its end; a wide (CJK) character takes the click on either
    /// of its cells. `wholeTextShown`: only when every line of the text is on
    /// screen (an edit just begun shows other lines than the field did).
    static func placeCursor(_ state: inout AppState, at spot: PointerSpot, wholeTextShown: Bool) {
        guard let editing = state.view.editing, let field = state.fields.first(where: { $0.id == editing.field }) else { return }
        let valueX = 2 + Layout.labelWidth
        let width = max(4, spot.width - valueX - 1)
        let visible: Int
        if case let .text(count) = field.kind { visible = count } else { visible = 1 }
        let lines = editing.buffer.linesThroughCursor(width: width)
        guard !lines.isEmpty, !wholeTextShown || lines.count <= visible else { return }
        let first = max(0, editing.buffer.cursorPosition(in: lines).line - visible + 1)
        // A click on the field's message row (under its lines) lands on its last line.
        let index = min(first + min(spot.row, visible - 1), lines.count - 1)
        let line = lines[index]
        let column = max(0, spot.column - valueX)
        var position = line.start
        var used = 0
        for character in editing.buffer.lineText(line) {
            let cells = TextWidth.of(character)
            if used + cells > column { break }
            used += cells
            position += 1
        }
        state.view.editing?.buffer.moveCursor(to: position)
    }

    private static func wheel(_ state: inout AppState, _ target: MouseTarget, down: Bool) -> [Effect] {
        switch target {
        case .form, .field:
            // The wheel does not end an edit.
            guard state.view.editing == nil, state.view.overlay == nil else { return [] }
            return run(&state, down ? .nextField : .previousField)
        case .preview:
            guard state.view.overlay == nil else { return [] }
            return run(&state, down ? .previewDown : .previewUp)
        case .history, .historyRow:
            guard state.view.overlay == nil, state.screen == .history else { return [] }
            state.history.filterFocused = false
            return run(&state, down ? .selectNext : .selectPrevious)
        case .pictures, .picture:
            guard state.view.overlay == nil, state.view.editing == nil else { return [] }
            state.view.picturesFocused = true
            return run(&state, down ? .nextPicture : .previousPicture)
        case .gallery, .galleryItem:
            guard state.view.overlay == nil, state.screen == .gallery else { return [] }
            state.gallery.filterFocused = false
            return run(&state, down ? .galleryDown : .galleryUp)
        case .help:
            return run(&state, down ? .helpDown : .helpUp)
        case .zoomed:
            // The wheel steps through the enlarged pictures, as the arrows do.
            guard state.view.overlay == nil, state.view.zoom != nil else { return [] }
            return PictureReducer.stepPicture(&state, forward: down)
        case .historyFilter:
            guard state.view.overlay == nil, state.screen == .history else { return [] }
            return run(&state, down ? .selectNext : .selectPrevious)
        case .sheetCell, .sheetEnlarged:
            return []
        case .picker, .pickerOption:
            return run(&state, down ? .pickNext : .pickPrevious)
        case .covered:
            return []
        }
    }
}
