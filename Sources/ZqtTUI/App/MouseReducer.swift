// Clicks and the wheel (issue 19): a click focuses a field, selects a
// history row or a result, chooses a picker's option, a second click on it does what Enter does there,
// and a click on a thumbnail (a result's, the gallery's) enlarges it; the wheel runs the commands the
// arrows run where the pointer is. Nothing here knows the terminal.

extension Reducer {
    static func pointer(_ state: inout AppState, _ input: PointerInput) -> [Effect] {
        switch input {
        case let .click(target): return click(&state, target)
        case let .wheel(target, down): return wheel(&state, target, down: down)
        }
    }

    private static func click(_ state: inout AppState, _ target: MouseTarget) -> [Effect] {
        switch target {
        case let .field(id):
            guard state.screen == .compose, state.view.overlay == nil else { return [] }
            if let editing = state.view.editing {
                if editing.field == id { return [] }
                finishEdit(&state, editing)
            }
            state.view.picturesFocused = false
            // A second click on the focused field does what Enter does: an edit, a switch, a picker, a unit's form.
            if state.view.focus == id { return run(&state, .edit) }
            focus(&state, id)
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
        case .picker, .pickerOption:
            return run(&state, down ? .pickNext : .pickPrevious)
        case .covered:
            return []
        }
    }
}
