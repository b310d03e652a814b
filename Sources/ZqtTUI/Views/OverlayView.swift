// Boxes drawn over the screen: the key help (from the key table), pickers
// (choices, control types, the command palette) and the quit question.

enum OverlayView {
    static func render(_ overlay: Overlay, state: AppState, into grid: inout Grid) {
        switch overlay {
        case let .help(scroll): renderHelp(state, scroll: scroll, into: &grid)
        case let .picker(picker): renderPicker(picker, keys: state.keys, into: &grid)
        case let .confirm(question):
            let (title, said) = Wording.question(question, keys: state.keys, draftsFolder: state.draftSaving.fallbackFolder)
            // As wide as its widest line: one wider than the screen allows is wrapped, not cut, a path or a URL read whole (leftovers24).
            renderWrapped(title: title, said, width: max(52, (said.map { TextWidth.of($0) }.max() ?? 0) + 4), into: &grid)
        case let .notice(notice): renderWrapped(title: notice.title, notice.lines, width: 96, into: &grid)
        case let .input(prompt):
            let rect = box(width: 76, height: 5, in: grid.size)
            frame(rect, title: prompt.title, into: &grid)
            let inner = rect.maxX - 2
            // A long path scrolls so the cursor (usually at its end) stays in view.
            let width = inner - rect.x - 2
            let characters = prompt.text.characters
            var start = 0
            while start < prompt.text.cursor, TextWidth.of(characters[start..<prompt.text.cursor]) > width - 1 { start += 1 }
            grid.put(String(characters[start...]), x: rect.x + 2, y: rect.y + 1, style: .editing, limit: inner)
            grid.restyle(Rect(x: rect.x + 2, y: rect.y + 1, width: width, height: 1), style: .editing)
            grid.cursor = (rect.x + 2 + TextWidth.of(characters[start..<prompt.text.cursor]), rect.y + 1)
            grid.put(state.keys.hintLine([.inputBox, .lineEditing], words: [.confirmInput: Wording.inputConfirmWord(prompt.purpose)]),
                     x: rect.x + 2, y: rect.y + 3, style: .dim, limit: inner)
        }
    }

    /// A text in full in a box `width` wide, at most the screen's: each line
    /// wrapped at spaces to the box's width, as many as the box holds (a
    /// notice, a question).
    static func renderWrapped(title: String, _ text: [String], width: Int, into grid: inout Grid) {
        let width = min(width, grid.size.width - 4)
        let lines = text.flatMap { $0.isEmpty ? [""] : PicturesPane.wrap($0, width: max(1, width - 4)) }
        let rect = box(width: width, height: lines.count + 2, in: grid.size)
        frame(rect, title: title, into: &grid)
        for (i, line) in lines.prefix(rect.height - 2).enumerated() {
            grid.put(line, x: rect.x + 2, y: rect.y + 1 + i, style: .overlay, limit: rect.maxX - 1)
        }
    }

    static func box(width: Int, height: Int, in size: Size) -> Rect {
        let w = min(width, size.width - 4)
        let h = min(height, size.height - 2)
        return Rect(x: (size.width - w) / 2, y: max(1, (size.height - h) / 2), width: w, height: h)
    }

    static func frame(_ rect: Rect, title: String, into grid: inout Grid) {
        grid.fill(rect, style: .overlay)
        grid.put("┌" + String(repeating: "─", count: rect.width - 2) + "┐", x: rect.x, y: rect.y, style: .border)
        grid.put("└" + String(repeating: "─", count: rect.width - 2) + "┘", x: rect.x, y: rect.maxY - 1, style: .border)
        for y in rect.y + 1..<rect.maxY - 1 {
            grid.put("│", x: rect.x, y: y, style: .border)
            grid.put("│", x: rect.maxX - 1, y: y, style: .border)
        }
        grid.put(" \(fitted(title, room: rect.width - 6)) ", x: rect.x + 2, y: rect.y, style: .title, limit: rect.maxX - 2)
    }

    /// A title too long for its box, cut after a whole word with "…"
    /// (newcomer check: "…or paste a curl comm─┐"), a word cut only when
    /// no whole one fits.
    static func fitted(_ title: String, room: Int) -> String {
        guard TextWidth.of(title) > room, room > 1 else { return title }
        var kept = ""
        for word in title.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = kept.isEmpty ? String(word) : kept + " " + word
            guard TextWidth.of(candidate) + 1 <= room else { break }
            kept = candidate
        }
        // Not after a colon or a comma: "…file's path, or…" reads as cut on purpose.
        while let last = kept.last, last == "," || last == ":" || last == " " { kept.removeLast() }
        if kept.isEmpty { kept = String(title.prefix(room - 1)) }
        return kept + "…"
    }

    /// The help text, generated from the key table: the keys that work
    /// where the user is come first, narrowest first as in the footer, then
    /// the rest by where they work.
    /// Each line fits `width` columns (issue 19: at 80 columns the longer
    /// titles were cut): a title wraps at spaces under its own column, a
    /// sentence under its start.
    static func helpLines(_ state: AppState, width: Int = Int.max) -> [String] {
        let here = state.scopes + [.global]
        func line(_ binding: KeyBinding, scoped: Bool) -> [String] {
            let keys = binding.keys.map(\.label).joined(separator: " ")
            let lead = keys + String(repeating: " ", count: max(2, 22 - keys.count))
            let title = Wording.helpTitle(binding.command, server: state.connection.server) + (scoped && binding.scope != .global ? " (\(binding.scope))" : "")
            let indent = TextWidth.of(lead)
            guard indent + TextWidth.of(title) > width, width - indent >= 16 else { return [lead + title] }
            let wrapped = HistoryView.wrapWords(title, width: width - indent)
            return wrapped.enumerated().map { ($0.offset == 0 ? lead : String(repeating: " ", count: indent)) + $0.element }
        }
        func sentence(_ text: String) -> [String] { TextWidth.of(text) > width ? HistoryView.wrapWords(text, width: width) : [text] }
        // A command of the other kind of server is left out, as the palette leaves it out (CommandDeclaration.onlyOn).
        let server = state.connection.server
        // Each key as it works beneath the help: where characters are text (a filter typed, a field
        // edited) a letter is text, and a narrower scope's key hides a global one (newcomer23: `?`, `:`
        // and `q` were listed while typing a filter, and Ctrl-P for the palette and the previous row).
        var beneath = state
        beneath.view.overlay = nil
        let context = Reducer.keyContext(beneath)
        func working(_ binding: KeyBinding) -> KeyBinding? {
            let keys = binding.keys.filter { state.keys.command(for: $0, in: context) == binding.command }
            return keys.isEmpty ? nil : binding.with(keys: keys)
        }
        var lines = [Wording.helpHere]
        lines += state.keys.rows(in: here).filter { Commands.exists($0.command, on: server) }.compactMap(working).flatMap { line($0, scoped: false) }
        lines += ["", Wording.helpElsewhere]
        lines += state.keys.bindings.filter { !here.contains($0.scope) && Commands.exists($0.command, on: server) }
            .flatMap { line($0, scoped: true) }
        lines += [""] + sentence(Wording.helpTypedText)
        return lines
    }

    /// The help's box: 100 columns, or the terminal's less a margin.
    static let helpWidth = 100

    static func renderHelp(_ state: AppState, scroll: Int, into grid: inout Grid) {
        // The text's width inside the box: its borders and a column of margin on each side.
        let textWidth = min(helpWidth, grid.size.width - 4) - 4
        let lines = helpLines(state, width: textWidth)
        let rect = box(width: helpWidth, height: lines.count + 2, in: grid.size)
        grid.mark(rect, .help)
        frame(rect, title: Wording.helpTitle(upKey: state.keys.label(.helpUp), downKey: state.keys.label(.helpDown)), into: &grid)
        let visible = rect.height - 2
        let first = min(scroll, max(0, lines.count - visible))
        for (i, line) in lines.dropFirst(first).prefix(visible).enumerated() {
            let heading = line == Wording.helpHere || line == Wording.helpElsewhere
            grid.put(line, x: rect.x + 2, y: rect.y + 1 + i, style: heading ? .focusedLabel : .overlay, limit: rect.maxX - 1)
        }
        if first > 0 { grid.put("↑", x: rect.maxX - 2, y: rect.y, style: .border) }
        if first + visible < lines.count { grid.put("↓", x: rect.maxX - 2, y: rect.maxY - 1, style: .border) }
    }

    /// A row's key, the two columns before it and the one after it, which
    /// keeps it apart from the list's ↑/↓ marks (newcomer21 read "M↓" and
    /// "Ctrl-G↑" as keys) (0: none).
    private static func keyRoom(_ key: String?) -> Int {
        key.map { TextWidth.of($0) + 3 } ?? 0
    }

    /// The title's least width beside a key: narrower, the row shows the title alone.
    static let minTitleBesideKey = 20

    /// A row's room for its title, and the key shown at its right: the title is cut before the key,
    /// never the key; a row too narrow for both has the title alone.
    static func titleRoom(nameWidth: Int, key: String?) -> (title: Int, key: String?) {
        guard let key, nameWidth - keyRoom(key) >= minTitleBesideKey else { return (nameWidth, nil) }
        return (nameWidth - keyRoom(key), key)
    }

    /// The most lines a whole title takes at the box's foot; a longer one ends in "…".
    static let wholeTitleLinesMaximum = 3

    /// Options a picker sizes its foot for, each measured in each frame (the
    /// palette's hundred commands); a longer list (a server's thousands of
    /// models) is not measured whole on each key, and has no foot.
    static let wholeTitlesMostOptions = 512

    /// `option` as wrapped to `width` for the box's foot, nil when its row
    /// (`room` cells) shows it whole. Only what the foot can show is read:
    /// an option may be a text of kilobytes.
    static func wholeTitleLines(_ option: String, room: Int, width: Int) -> [String]? {
        guard width >= 10 else { return nil }
        let shown = TextWidth.truncate(option, to: (wholeTitleLinesMaximum + 1) * width)
        guard TextWidth.of(shown) > room else { return nil }
        var lines = HistoryView.wrapWords(shown, width: width).flatMap { TextWidth.of($0) > width ? HistoryEntryView.chunks($0, width: width) : [$0] }
        if lines.count > wholeTitleLinesMaximum {
            lines = Array(lines.prefix(wholeTitleLinesMaximum))
            lines[wholeTitleLinesMaximum - 1] = TextWidth.truncate(lines[wholeTitleLinesMaximum - 1] + " …", to: width)
        }
        return lines
    }

    static func renderPicker(_ picker: PickerState, keys table: KeyTable, into grid: inout Grid) {
        let matches = picker.matches
        // Pickers with a detail beside each option (a checkpoint's base) or a note get more room, and the
        // palette as much as its longest command says (a hundred lines: X's A1111 meaning came after the cut).
        let wide = !picker.details.isEmpty || picker.note != nil
        let longest = picker.purpose == .palette ? (picker.options.map { TextWidth.of($0) + keyRoom(picker.keyLabels[$0]) }.max() ?? 0) + 6 : 0
        let width = min(wide ? 100 : min(100, max(64, longest)), grid.size.width - 4)
        // A note (why a list failed, and what to set) wraps to three lines at most: its end says what to do.
        let note = picker.note.map { HistoryView.wrapWords($0.text, width: max(10, width - 4)) } ?? []
        let noteLines = min(note.count, 3)
        // A title cut on its row is shown whole at the box's foot while it is highlighted; the foot has
        // the room the longest cut title needs among all the options, so the box keeps its size as the
        // filter narrows them (leftovers23: a long title could not be read in full).
        let nameOffset = picker.fits.isEmpty ? 3 : 5
        func wholeTitle(_ option: String) -> [String]? {
            wholeTitleLines(option, room: titleRoom(nameWidth: width - 2 - nameOffset, key: picker.keyLabels[option]).title, width: width - 4)
        }
        var footLines = 0
        if picker.details.isEmpty, picker.options.count <= wholeTitlesMostOptions {
            for option in picker.options where footLines < wholeTitleLinesMaximum {
                footLines = max(footLines, wholeTitle(option)?.count ?? 0)
            }
        }
        // Its height from all the options, not the matches: the box stays put, its rows shrinking, as
        // the filter leaves fewer (leftovers23: at one match or none it jumped to the screen's middle).
        let listHeight = min(max(picker.options.count, 1), max(3, grid.size.height - 10 - noteLines - footLines))
        let rect = box(width: width, height: listHeight + 5 + noteLines + footLines, in: grid.size)
        grid.mark(rect, .picker)
        frame(rect, title: picker.title, into: &grid)
        let inner = rect.maxX - 1
        grid.put("> " + picker.filter.text, x: rect.x + 2, y: rect.y + 1, style: .editing, limit: inner)
        let cursorX = rect.x + 4 + TextWidth.of(picker.filter.characters[..<picker.filter.cursor])
        grid.cursor = (min(cursorX, inner - 1), rect.y + 1)
        // Why the list is empty or old (§1.4–§1.7 failures), or where it is from.
        for (i, line) in note.prefix(noteLines).enumerated() {
            let last = i == noteLines - 1 && note.count > noteLines
            grid.put(last ? TextWidth.truncate(line + " …", to: rect.width - 4) : line, x: rect.x + 2, y: rect.y + 2 + i,
                     style: picker.note?.isProblem == true ? .statusError : .dim, limit: inner)
        }
        let top = rect.y + 2 + noteLines
        let visible = rect.height - 5 - noteLines - footLines
        let first = max(0, picker.selected - visible + 1)
        if matches.isEmpty {
            grid.put(Wording.noMatch(useTypedKey: picker.freeText ? table.label(.pickHighlighted) : nil, palette: picker.purpose == .palette),
                     x: rect.x + 2, y: top, style: .dim, limit: inner)
        }
        if footLines > 0, let highlighted = matches[safe: picker.selected], let lines = wholeTitle(highlighted) {
            for (i, line) in lines.enumerated() {
                grid.put(line, x: rect.x + 2, y: rect.maxY - 2 - footLines + i, style: .dim, limit: inner)
            }
        }
        // Marks for fitting options take a column of their own; details line up after the names.
        let marks = !picker.fits.isEmpty
        let nameX = rect.x + nameOffset
        let shown = matches.dropFirst(first).prefix(visible)
        let widest = shown.map { TextWidth.of($0) }.max() ?? 0
        let nameWidth = picker.details.isEmpty ? rect.maxX - 2 - nameX : min(widest, max(20, (rect.maxX - 2 - nameX) * 3 / 5))
        for (i, option) in shown.enumerated() {
            let selected = first + i == picker.selected
            let y = top + i
            grid.mark(Rect(x: rect.x + 1, y: y, width: rect.width - 2, height: 1), .pickerOption(first + i))
            let style: Style = selected ? .selection : .overlay
            if selected { grid.fill(Rect(x: rect.x + 1, y: y, width: rect.width - 2, height: 1), style: .selection) }
            if marks, picker.fits.contains(option) { grid.put("✓", x: rect.x + 3, y: y, style: style) }
            let room = titleRoom(nameWidth: nameWidth, key: picker.keyLabels[option])
            if let key = room.key {
                grid.put(key, x: nameX + nameWidth - 1 - TextWidth.of(key), y: y, style: selected ? .selection : .dim, limit: inner)
            }
            grid.put(TextWidth.truncate(option, to: room.title), x: nameX, y: y, style: style, limit: inner)
            if let detail = picker.details[option] {
                let x = nameX + nameWidth + 2
                if x < inner - 3 { grid.put(TextWidth.truncate(detail, to: inner - 1 - x), x: x, y: y, style: selected ? .selection : .dim, limit: inner) }
            }
        }
        // More above or below the rows shown, as the help's list says (newcomer19: the palette's ~35
        // commands were cut at the screen's height with no sign that the gallery's came after).
        if first > 0 { grid.put("↑", x: rect.maxX - 2, y: top, style: .border) }
        if first + visible < matches.count { grid.put("↓", x: rect.maxX - 2, y: top + visible - 1, style: .border) }
        let keys = table.hintLine([.picker])
        let help = keys + Wording.pickerHint(typedKey: picker.freeText ? table.label(.pickTyped) : nil)
        grid.put(help, x: rect.x + 2, y: rect.maxY - 2, style: .dim, limit: inner)
    }
}
