// The small list of LoRA or embedding names under the cursor while a
// prompt is typed (issue 19, PromptCompletion): drawn over the form after
// it, its names aligned under the name being typed, above the cursor when
// there is no room below. The highlighted name (↓/↑) is reversed.

enum CompletionView {
    static let maxWidth = 40

    /// `bottom`: the first row the list may not cover (the status line).
    static func render(_ completion: PromptCompletion, into grid: inout Grid, bottom: Int) {
        guard let cursor = grid.cursor, !completion.names.isEmpty else { return }
        let range = completion.shownRange
        let names = completion.names[range]
        let width = min(maxWidth, max(12, (names.map { TextWidth.of($0) }.max() ?? 0) + 3), grid.size.width)
        guard width >= 3 else { return }
        // The names and a bottom edge (the first name sits right under the text being typed, as editors show them).
        let rows = names.count
        let height = rows + 1
        let typed = TextWidth.of(completion.partial.typed)
        let x = max(0, min(cursor.x - typed - 1, grid.size.width - width))
        let y: Int
        if cursor.y + 1 + height <= bottom {
            y = cursor.y + 1
        } else if cursor.y - height >= 1 {
            y = cursor.y - height
        } else {
            y = cursor.y + 1
        }
        let rect = Rect(x: x, y: y, width: width, height: min(height, max(0, bottom - y)))
        grid.hitAreas.append(HitArea(rect: rect, target: .covered))
        // Bars either side and an edge below set the list apart from the text under it (a terminal's default colours have no box).
        for (offset, name) in names.enumerated() where y + offset < bottom {
            let index = range.lowerBound + offset
            let style: Style = index == completion.chosen ? .selection : .overlay
            grid.put("│", x: x, y: y + offset, style: .border)
            grid.fill(Rect(x: x + 1, y: y + offset, width: width - 2, height: 1), style: style)
            grid.put(TextWidth.truncate(name, to: width - 3), x: x + 1, y: y + offset, style: style, limit: x + width - 1)
            grid.put("│", x: x + width - 1, y: y + offset, style: .border)
        }
        if y + rows < bottom {
            grid.put("└" + String(repeating: "─", count: max(0, width - 2)) + "┘", x: x, y: y + rows, style: .border, limit: x + width)
        }
        // More names than rows: inside the box, by the edge, a mark says which way they go (never over the border).
        if range.lowerBound > 0, y < bottom {
            let style: Style = range.lowerBound == completion.chosen ? .selection : .overlay
            grid.put("↑", x: x + width - 2, y: y, style: style)
        }
        if range.upperBound < completion.names.count, y + rows < bottom {
            grid.put("↓", x: x + width - 2, y: y + rows, style: .border)
        }
    }
}
