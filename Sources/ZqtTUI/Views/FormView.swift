// The form pane: a row per field (more for multi-line text), section
// headings, the focus marker, sliders as bars, and the message beside any
// field whose typed text could not be used or that validation flags.

import Model

enum FormView {
    struct Row {
        enum Content {
            case section(String)
            case field(FormField, line: Int)
            case message(String)
        }
        let content: Content
        let field: FieldID?
    }

    static func rows(_ state: AppState, problems: [String: String]) -> [Row] {
        var rows: [Row] = []
        for field in state.fields {
            if let section = field.section { rows.append(Row(content: .section(section), field: nil)) }
            let height: Int
            if case let .text(lines) = field.kind { height = lines } else { height = 1 }
            for line in 0..<height { rows.append(Row(content: .field(field, line: line), field: field.id)) }
            if let message = state.drafts[field.id]?.message ?? problems[field.wirePath].flatMap({ field.spec?.kind.isVirtual == true ? nil : $0 }) {
                rows.append(Row(content: .message(message), field: field.id))
            }
        }
        return rows
    }

    /// Validation messages by wire path, once a send was refused, and at
    /// once a unit whose model does not fit the checkpoint's base (issue 19).
    /// In the main form an item's problems show on its row.
    static func problemsByPath(_ state: AppState) -> [String: String] {
        var said = state.view.showProblems ? state.problems.map { (path: $0.path, message: $0.message) } : []
        said += ControlNetFit.misfits(state.request, checkpointFamily: Reducer.checkpointFamily(state))
            .map { (path: $0.path, message: Wording.misfit($0)) }
        guard !said.isEmpty else { return [:] }
        var map: [String: String] = [:]
        let groups = state.endpoint.groupFields.map { $0.path + "[" }
        for problem in said {
            var path = problem.path
            if state.view.openItem == nil, let group = groups.first(where: { path.hasPrefix($0) }),
               let close = path.dropFirst(group.count).firstIndex(of: "]") {
                path = String(path[...close])
                if map[path] != nil { continue }
                map[path] = "\(problem.path.dropFirst(path.count + 1)): \(problem.message)"
                continue
            }
            if map[path] == nil { map[path] = problem.message }
        }
        return map
    }

    static func render(_ state: AppState, into grid: inout Grid, rect: Rect) {
        let problems = problemsByPath(state)
        let rows = rows(state, problems: problems)
        grid.mark(rect, .form)
        var header = 0
        if let open = state.view.openItem, let (field, group) = state.endpoint.group(at: open.group) {
            grid.put(Wording.itemHeader(group, number: open.index + 1, of: state.request.items(of: field).count),
                     x: rect.x, y: rect.y, style: .title, limit: rect.maxX)
            header = 1
        }
        let height = rect.height - header
        // Keep the focused field (and its message) in view with as little movement as possible.
        let focusRows = rows.indices.filter { rows[$0].field == state.view.focus }
        let focusTop = max(0, (focusRows.first ?? 0) - 1)
        let focusBottom = focusRows.last ?? 0
        var scroll = max(0, focusBottom - height + 1)
        scroll = min(scroll, focusTop)
        let valueX = rect.x + 2 + Layout.labelWidth
        let valueWidth = max(4, rect.maxX - valueX - 1)

        // The field being edited is laid out once a frame, not once per line
        // shown, and so are its attention spans (issue 18).
        let editLayout = state.view.editing.map { editing -> EditLayout in
            let lines = editing.buffer.linesThroughCursor(width: valueWidth)
            let position = editing.buffer.cursorPosition(in: lines)
            // From the rows, which hold the fields already.
            let field = rows.lazy.compactMap { row -> FormField? in
                if case let .field(field, _) = row.content, field.id == editing.field { return field }
                return nil
            }.first
            let attention = field.flatMap { field -> [PromptAttention.Span]? in
                guard field.takesModelTokens else { return nil }
                return editAttentionSpans(editing.buffer, lines: lines, shown: shownLines(of: field, lines: lines, position: position))
            }
            return EditLayout(lines: lines, position: position, attention: attention)
        }
        // A prompt not being edited: its lines shown and attention spans, once a frame, not once per line shown.
        var shownValues: [FieldID: ShownValue] = [:]
        for (offset, row) in rows.dropFirst(scroll).prefix(height).enumerated() {
            let y = rect.y + header + offset
            if let id = row.field { grid.mark(Rect(x: rect.x, y: y, width: rect.width, height: 1), .field(id)) }
            switch row.content {
            case let .section(title):
                let text = "── \(title) "
                let end = grid.put(text, x: rect.x + 1, y: y, style: .border, limit: rect.maxX)
                if end < rect.maxX - 1 {
                    grid.put(String(repeating: "─", count: rect.maxX - 1 - end), x: end, y: y, style: .border, limit: rect.maxX)
                }
            case let .message(message):
                grid.put("⚠ " + message, x: valueX, y: y, style: .invalid, limit: rect.maxX)
            case let .field(field, line):
                let focused = field.id == state.view.focus
                if field.kind == .action {
                    if focused { grid.put("▸", x: rect.x, y: y, style: .focusedLabel) }
                    grid.put(field.label, x: rect.x + 2, y: y, style: focused ? .focusedLabel : .label, limit: rect.maxX)
                    continue
                }
                if line == 0 {
                    if focused { grid.put("▸", x: rect.x, y: y, style: .focusedLabel) }
                    let labelStyle: Style = focused ? .focusedLabel : (field.dimmed ? .dim : .label)
                    grid.put(TextWidth.truncate(field.label, to: Layout.labelWidth), x: rect.x + 2, y: y, style: labelStyle)
                }
                renderValue(state, field: field, line: line, focused: focused, into: &grid,
                            x: valueX, y: y, width: valueWidth, editLayout: editLayout, shownValues: &shownValues)
            }
        }
        if scroll > 0 { grid.put("↑", x: rect.maxX - 1, y: rect.y + header, style: .dim) }
        if rows.count > scroll + height { grid.put("↓", x: rect.maxX - 1, y: rect.maxY - 1, style: .dim) }
    }

    /// Characters read on either side of the prompt's lines on screen to
    /// pair their brackets: the highlight costs the same in a megabyte.
    static let attentionMargin = 1024

    /// The visual lines of the field being edited that are on screen: the
    /// field's height of them, ending at the cursor's line when it is further down.
    static func shownLines(of field: FormField, lines: [TextBuffer.VisualLine], position: (line: Int, column: Int)) -> Range<Int> {
        let visible: Int
        if case let .text(count) = field.kind { visible = count } else { visible = 1 }
        let first = max(0, position.line - visible + 1)
        return first..<max(first, min(lines.count, first + visible))
    }

    /// The prompt's attention syntax in the lines of the edit shown (brackets
    /// and weights, `<lora:…>`, a bracket with no partner; PromptAttention),
    /// read from `attentionMargin` characters either side of them: once a frame.
    static func editAttentionSpans(_ buffer: TextBuffer, lines: [TextBuffer.VisualLine], shown: Range<Int>) -> [PromptAttention.Span] {
        guard let firstLine = lines[safe: shown.lowerBound], let lastLine = lines[safe: shown.upperBound - 1] else { return [] }
        let window = max(0, firstLine.start - attentionMargin)..<min(buffer.count, lastLine.end + attentionMargin)
        return PromptAttention.spans(Array(buffer.text(in: window)), base: window.lowerBound,
                                     atStart: window.lowerBound == 0, atEnd: window.upperBound == buffer.count)
    }

    /// The same on a prompt's line in the form while it is not edited: the
    /// text read from its start to `attentionMargin` past the lines shown, so
    /// a bracket closed just below them is not flagged, and one opened
    /// there is flagged on the `…` (issue 19). Bounded: a megabyte's prompt
    /// costs what a short one does.
    static func attentionSpans(of text: String, shownCharacters: Int) -> (spans: [PromptAttention.Span], characters: [Character]) {
        let wanted = shownCharacters + attentionMargin
        let characters = Array(text.prefix(wanted))
        return (PromptAttention.spans(characters, atStart: true, atEnd: characters.count < wanted), characters)
    }

    /// Restyles the characters of one line (starting at `start` of the text)
    /// that `spans` cover, and the words of it that name an embedding.
    static func paintAttention(_ spans: [PromptAttention.Span], line lineCharacters: [Character], start: Int, embeddings: Set<String>,
                               into grid: inout Grid, x: Int, y: Int, limit: Int) {
        // Embeddings named in the line (from the embedding list) are marked as the tags are.
        let spans = (spans + PromptAttention.namedWords(lineCharacters, base: start, in: embeddings))
            .sorted { $0.range.lowerBound < $1.range.lowerBound }
        guard !spans.isEmpty else { return }
        let line = TextBuffer.VisualLine(start: start, end: start + lineCharacters.count)
        var column = x
        var next = 0
        for (offset, character) in lineCharacters.enumerated() {
            let index = line.start + offset
            let width = Grid.cellsTaken(by: character)
            while next < spans.count, spans[next].range.upperBound <= index { next += 1 }
            if next < spans.count, spans[next].range.contains(index), column + width <= limit {
                grid.restyle(Rect(x: column, y: y, width: width, height: 1), style: attentionStyle(spans[next].kind))
            }
            column += width
        }
    }

    static func attentionStyle(_ kind: PromptAttention.Kind) -> Style {
        switch kind {
        case .bracket, .weight: return .attention
        case .network: return .network
        case .unbalanced: return .unbalanced
        }
    }

    struct EditLayout {
        let lines: [TextBuffer.VisualLine]
        let position: (line: Int, column: Int)
        /// The attention spans of the lines shown, for a field that takes model tokens.
        var attention: [PromptAttention.Span]? = nil
    }

    /// A text field's value as the form shows it when it is not edited: its
    /// leading lines, and for a prompt the attention spans and the characters
    /// they were read from.
    struct ShownValue {
        let lines: [String]
        let more: Bool
        var attention: (spans: [PromptAttention.Span], characters: [Character])?
    }

    static func renderValue(_ state: AppState, field: FormField, line: Int, focused: Bool,
                            into grid: inout Grid, x: Int, y: Int, width: Int, editLayout: EditLayout? = nil,
                            shownValues: inout [FieldID: ShownValue]) {
        let limit = x + width
        // The field being edited shows the edit buffer and the cursor.
        if let editing = state.view.editing, editing.field == field.id {
            let lines = editLayout?.lines ?? editing.buffer.linesThroughCursor(width: width)
            let position = editLayout?.position ?? editing.buffer.cursorPosition(in: lines)
            let shown = shownLines(of: field, lines: lines, position: position)
            let index = shown.lowerBound + line
            let lineText = lines.indices.contains(index) ? editing.buffer.lineText(lines[index]) : nil
            if let lineText {
                grid.put(lineText, x: x, y: y, style: .editing, limit: limit)
            }
            grid.restyle(Rect(x: x, y: y, width: width, height: 1), style: .editing)
            if let lineText, field.takesModelTokens {
                let spans = editLayout?.attention ?? editAttentionSpans(editing.buffer, lines: lines, shown: shown)
                paintAttention(spans, line: Array(lineText), start: lines[index].start,
                               embeddings: state.formLists[.embedding].promptWords, into: &grid, x: x, y: y, limit: limit)
            }
            if lines.indices.contains(index), let selection = editing.buffer.selection {
                paintSelection(selection, editing.buffer, line: lines[index], into: &grid, x: x, y: y, limit: limit)
            }
            if index == position.line { grid.cursor = (x + position.column, y) }
            return
        }
        let draft = state.drafts[field.id]
        // Kept per request revision: `Other fields` or a URL list of a megabyte is not printed again each frame (issue 18).
        let text = draft?.text ?? FieldValues.shownText(of: field.id, in: state.request)
        let valueStyle: Style = draft != nil ? .invalid : (field.dimmed ? .dim : .value)
        switch field.kind {
        case let .text(count):
            if text.isEmpty {
                if line == 0 { grid.put(field.optional ? FormSchema.notSent : "(empty)", x: x, y: y, style: .dim, limit: limit) }
                if line == 0, !field.hint.isEmpty { putHint(field.hint, after: x + 11, y: y, limit: limit, into: &grid) }
                return
            }
            // Only the lines shown are laid out (a field may hold a megabyte,
            // issue 18), once a frame rather than once per line shown.
            let highlighted = field.takesModelTokens && draft == nil
            let value = shownValues[field.id] ?? {
                let (lines, more) = TextBuffer.leadingLines(of: text, width: width, count: count)
                let attention = highlighted ? attentionSpans(of: text, shownCharacters: lines.reduce(0) { $0 + $1.count + 1 }) : nil
                let value = ShownValue(lines: lines, more: more, attention: attention)
                shownValues[field.id] = value
                return value
            }()
            let (lines, more) = (value.lines, value.more)
            guard lines.indices.contains(line) else { return }
            var shown = lines[line]
            if line == count - 1, more { shown = TextWidth.truncate(shown + " …", to: width) }
            let end = grid.put(shown, x: x, y: y, style: valueStyle, limit: limit)
            if let attention = value.attention {
                highlightShownPrompt(attention, lines: lines, line: line, more: line == count - 1 && more,
                                     embeddings: state.formLists[.embedding].promptWords, into: &grid, x: x, y: y, end: end)
            }
            if count == 1, !field.hint.isEmpty { putHint(field.hint, after: end + 2, y: y, limit: limit, into: &grid) }
        case let .slider(spec, _):
            // A value the field cannot use is drawn as typed, marked, not as an empty bar that reads as the minimum (issue 19).
            if draft != nil, !text.isEmpty {
                let end = grid.put(text, x: x, y: y, style: valueStyle, limit: limit)
                if !field.hint.isEmpty { putHint(field.hint, after: end + 2, y: y, limit: limit, into: &grid) }
                return
            }
            let barWidth = max(6, min(20, width - 14))
            if draft == nil, let value = Double(text), value.isFinite {
                let fraction = spec.max > spec.min ? (min(max(value, spec.min), spec.max) - spec.min) / (spec.max - spec.min) : 0
                let filled = WholeNumber.rounded(fraction * Double(barWidth), in: 0...barWidth)
                grid.put(String(repeating: "█", count: filled), x: x, y: y, style: field.dimmed ? .dim : .sliderFill)
                grid.put(String(repeating: "░", count: barWidth - filled), x: x + filled, y: y, style: .dim)
            } else {
                grid.put(String(repeating: "░", count: barWidth), x: x, y: y, style: .dim)
            }
            let end = grid.put(text.isEmpty ? FormSchema.notSent : text, x: x + barWidth + 1, y: y,
                               style: text.isEmpty ? .dim : valueStyle, limit: limit)
            if !field.hint.isEmpty { putHint(field.hint, after: end + 2, y: y, limit: limit, into: &grid) }
        case .integer:
            let end = grid.put(text.isEmpty ? FormSchema.notSent : text, x: x, y: y, style: text.isEmpty ? .dim : valueStyle, limit: limit)
            if !field.hint.isEmpty { putHint(field.hint, after: end + 2, y: y, limit: limit, into: &grid) }
        case .toggle:
            // An optional toggle without a value is left out (training's §3.1 flags): "off" would claim a false is sent.
            let shown = text == "on" ? "[x] on" : text.isEmpty ? "[ ] " + FormSchema.notSent : "[ ] off"
            grid.put(shown, x: x, y: y, style: field.dimmed || text.isEmpty ? .dim : .value, limit: limit)
        case .choice:
            let shown = text.isEmpty ? (field.optional ? FormSchema.notSent : "(choose)") : text
            let end = grid.put(TextWidth.truncate(shown, to: width - 2), x: x, y: y, style: text.isEmpty ? .dim : valueStyle, limit: limit)
            grid.put(" ▾", x: end, y: y, style: .dim, limit: limit)
            if !field.hint.isEmpty { putHint(field.hint, after: end + 3, y: y, limit: limit, into: &grid) }
        case .itemRow:
            // An item switched off is dim (its summary starts with ✗).
            grid.put(TextWidth.truncate(text, to: width), x: x, y: y, style: text.hasPrefix("✗") ? .dim : .value, limit: limit)
        case .action:
            break
        }
    }

    /// A prompt's line in the form, not being edited: its attention syntax
    /// coloured as in the editor, a bracket without a partner flagged; one
    /// opened below the lines shown flags the `…` (issue 19).
    static func highlightShownPrompt(_ attention: (spans: [PromptAttention.Span], characters: [Character]), lines: [String], line: Int,
                                     more: Bool, embeddings: Set<String>, into grid: inout Grid, x: Int, y: Int, end: Int) {
        let (spans, characters) = attention
        // Where this line starts: the lines before it, and the newline that ended each.
        var start = 0
        for earlier in lines[..<line] {
            start += earlier.count
            if start < characters.count, characters[start] == "\n" { start += 1 }
        }
        let lineCharacters = Array(lines[line])
        // A line cut for the `…` keeps its two cells out of the colouring.
        paintAttention(spans, line: lineCharacters, start: start, embeddings: embeddings, into: &grid, x: x, y: y,
                       limit: more ? end - 2 : end)
        let lineEnd = start + lineCharacters.count
        if more, end > x, spans.contains(where: { $0.kind == .unbalanced && $0.range.lowerBound >= lineEnd }) {
            grid.restyle(Rect(x: end - 1, y: y, width: 1, height: 1), style: .unbalanced)
        }
    }

    /// The selected part of one line being edited, reversed (issue 19); a
    /// selected line break shows as one reversed cell after the line's text.
    static func paintSelection(_ selection: Range<Int>, _ buffer: TextBuffer, line: TextBuffer.VisualLine,
                               into grid: inout Grid, x: Int, y: Int, limit: Int) {
        let from = max(selection.lowerBound, line.start), to = min(selection.upperBound, line.end)
        guard from <= to else { return }
        var column = x
        for (offset, character) in buffer.lineText(line).enumerated() {
            let index = line.start + offset
            let width = Grid.cellsTaken(by: character)
            guard column + width <= limit else { return }
            if index >= from, index < to { grid.restyle(Rect(x: column, y: y, width: width, height: 1), style: .selection) }
            column += width
        }
        if selection.upperBound > line.end, selection.lowerBound <= line.end, column < limit,
           buffer.text(in: line.end..<line.end + 1) == "\n" {
            grid.restyle(Rect(x: column, y: y, width: 1, height: 1), style: .selection)
        }
    }

    private static func putHint(_ hint: String, after x: Int, y: Int, limit: Int, into grid: inout Grid) {
        guard x + 4 < limit else { return }
        grid.put(TextWidth.truncate(hint, to: limit - x), x: x, y: y, style: .dim, limit: limit)
    }
}
