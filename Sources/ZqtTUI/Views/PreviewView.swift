// The JSON preview: exactly the bytes that will be sent (the same printer
// as the wire), syntax-coloured, long lines wrapped, following the focused
// field and highlighting the lines it occupies.

import Model

enum PreviewView {
    /// One screen row of the preview: text with a style per character.
    /// A row of a wrapped JSON line: a range of the line's characters (shared,
    /// not copied: a megabyte prompt is thousands of rows, and a few are shown).
    struct VisualRow {
        let line: [Character]
        let lineStyles: [Style]
        let range: Range<Int>
        let pad: Int
        let jsonLine: Int

        var characters: [Character] { Array(repeating: " ", count: pad) + Array(line[range]) }
        var styles: [Style] { Array(repeating: .normal, count: pad) + Array(lineStyles[range]) }
    }

    /// The wire path whose lines light up for a focused field.
    static func highlightPath(_ state: AppState) -> String? {
        guard let field = state.focusedField else { return nil }
        // An item's preset sets several of its keys: the whole item lights up.
        if let place = field.id.itemPlace, place.key == GroupSpec.presetKey, let index = place.index {
            return FieldID.itemRow(place.group, index).path
        }
        // A form-only field (the size preset) lights up what it writes.
        if case .sizePreset? = field.spec?.kind { return state.endpoint.field(role: .width)?.path }
        return field.wirePath
    }

    /// The JSON shown: printed once per change of the request, not once per
    /// frame, with the text being typed where the request waits for it (issue 18).
    static func document(_ state: AppState) -> PreviewDocument {
        let document = PreviewDocument.ofRequest(state.request)
        guard let editing = state.view.editing, editing.appliedRevision != editing.buffer.revision, editing.readPending else {
            return document
        }
        return PreviewDocument.ofTyping(state.request, .init(buffer: editing.buffer, path: editing.field.path))
    }

    static func render(_ state: AppState, into grid: inout Grid, rect: Rect) {
        let document = document(state)
        // No byte count here: it would change, and be resent, on every keystroke (≤ 60 bytes per key).
        let header = "JSON · exactly what is sent"
        grid.put(TextWidth.truncate(header, to: rect.width - 5), x: rect.x + 1, y: rect.y, style: .title, limit: rect.maxX - 4)
        // A local file is sent as its upload's URL: said under the JSON, which stays what the form holds (issue 17).
        let uploads = LocalImageFields.localPathsOfRequest(state.request)
        let noteLines = min(uploads.count, 3, max(0, rect.height - 4))
        for (offset, upload) in uploads.prefix(noteLines).enumerated() {
            let more = offset == noteLines - 1 && uploads.count > noteLines ? " (+\(uploads.count - noteLines))" : ""
            grid.put(TextWidth.truncate(Wording.uploadedAtSend(upload.wirePath, upload.path) + more, to: rect.width - 2),
                     x: rect.x + 1, y: rect.maxY - noteLines + offset, style: .dim, limit: rect.maxX)
        }
        let body = jsonRect(rect, noteLines: noteLines)
        let span = highlightPath(state).flatMap { document.spans[$0] }
        let window = visibleRows(document, width: body.width, height: max(0, body.height),
                                 firstLine: span?.lowerBound, offset: state.view.previewOffset)
        for (offset, row) in window.rows.enumerated() {
            let highlighted = span?.contains(row.jsonLine) ?? false
            // Put from the line's own characters and styles, not copies of the row's (a frame's every cell, keyp19).
            var x = body.x
            for _ in 0..<max(0, row.pad) {
                x = grid.putCharacter(" ", x: x, y: body.y + offset, style: highlighted ? highlight(.normal) : .normal, limit: body.maxX)
            }
            for index in row.range {
                let style = row.lineStyles[index]
                x = grid.putCharacter(row.line[index], x: x, y: body.y + offset, style: highlighted ? highlight(style) : style, limit: body.maxX)
            }
            if highlighted {
                grid.put("▌", x: rect.x, y: body.y + offset, style: .jsonHighlight)
            }
        }
        // Scroll marks sit in the header, never over the JSON.
        if window.scroll > 0 { grid.put("↑", x: rect.maxX - 3, y: rect.y, style: .dim) }
        if window.more { grid.put("↓", x: rect.maxX - 2, y: rect.y, style: .dim) }
    }

    /// Where the JSON's rows go in the preview's rect, under the header and above the notes of local files.
    static func jsonRect(_ rect: Rect, noteLines: Int) -> Rect {
        Rect(x: rect.x + 1, y: rect.y + 1, width: rect.width - 1, height: rect.height - 1 - noteLines)
    }

    /// The offsets the preview's own scrolling can take in `rect` (issue 19:
    /// the wheel and ]/[ ran past either end, and the first notches back did
    /// nothing): from the one that shows the JSON's first row at the top to
    /// the one that shows its last at the bottom, as `visibleRows` places them.
    /// `reaching`: the offset asked for; the JSON's rows are counted only as
    /// far as needed to tell whether it goes past the end (issue 18: each ]
    /// counted every row of a megabyte prompt), so the upper bound is exact
    /// when it is below `reaching`, and at least `reaching` otherwise.
    static func offsetRange(_ state: AppState, rect: Rect, reaching: Int = .max) -> ClosedRange<Int> {
        let document = document(state)
        let noteLines = min(LocalImageFields.localPathsOfRequest(state.request).count, 3, max(0, rect.height - 4))
        let body = jsonRect(rect, noteLines: noteLines)
        let width = body.width, height = max(0, body.height)
        let firstLine = highlightPath(state).flatMap { document.spans[$0] }?.lowerBound ?? 0
        var firstRow = 0
        for index in 0..<firstLine { firstRow += document.rowCount(index, width: width) }
        // visibleRows scrolls to firstRow - height / 3 + offset, kept within 0...total - height.
        let top = height / 3 - firstRow
        let needed = reaching == .max ? Int.max : max(0, reaching - top + height)
        var total = 0
        for index in document.lines.indices where total <= needed {
            total += document.rowCount(index, width: width, limit: needed == .max ? .max : needed - total)
        }
        return top...max(top, top + total - height)
    }

    /// The rows on screen: the focused field's first row a third of the way
    /// down (moved by the preview's own scrolling), as far as the JSON
    /// allows. Only those rows are laid out and coloured; the lines above
    /// them are counted (issue 18).
    static func visibleRows(_ document: PreviewDocument, width: Int, height: Int, firstLine: Int?,
                            offset: Int) -> (rows: [VisualRow], scroll: Int, more: Bool) {
        var firstRow = 0
        for index in 0..<(firstLine ?? 0) { firstRow += document.rowCount(index, width: width) }
        let wanted = max(0, firstRow - height / 3 + offset)
        let (rows, total) = rows(document, from: wanted, count: height + 1, width: width)
        if rows.count > height { return (Array(rows.prefix(height)), wanted, true) }
        // The end of the JSON is in view (its rows all counted on the way): the last screenful, as far as it goes.
        let scroll = max(0, min(wanted, total - height))
        if scroll == wanted { return (rows, scroll, false) }
        return (self.rows(document, from: scroll, count: height, width: width).rows, scroll, false)
    }

    /// `count` rows from row `first` on (fewer at the end of the JSON), and
    /// the rows counted: all of the JSON's when fewer than `count` came.
    private static func rows(_ document: PreviewDocument, from first: Int, count: Int, width: Int) -> (rows: [VisualRow], counted: Int) {
        var rows: [VisualRow] = []
        var row = 0
        for index in document.lines.indices where rows.count < count {
            // Lines wholly above the window are only counted, and a long
            // one only as far as the window (issue 18), from the nearest
            // row kept of it (farrows18).
            if row < first, document.lines[index].long == nil {
                let lineRows = document.rowCount(index, width: width, limit: first - row)
                if row + lineRows <= first {
                    row += lineRows
                    continue
                }
            }
            let skip = max(0, first - row)
            let window = document.window(index, width: width, from: skip, count: count - rows.count)
            for (range, pad) in window.rows {
                rows.append(VisualRow(line: window.characters, lineStyles: window.styles, range: range, pad: pad, jsonLine: index))
            }
            row += window.lineRows
        }
        return (rows, row)
    }

    static func highlight(_ style: Style) -> Style {
        style == .jsonPunctuation ? .jsonHighlight : style
    }

    /// Wraps a line at `width` cells; continuation rows are indented like the line.
    static func wrap(_ line: String, styles: [Style], width: Int, jsonLine: Int) -> [VisualRow] {
        let characters = Array(line)
        return rowRanges(characters, width: width).map {
            VisualRow(line: characters, lineStyles: styles, range: $0.range, pad: $0.pad, jsonLine: jsonLine)
        }
    }

    /// The rows of a line: each a range of its characters, and the indent
    /// before it; the first `limit` of them.
    /// A row that must be cut ends after its last space when it has one
    /// past the line's indent and not after a key's colon (a link stays
    /// beside its key) (issue 19: long prompts broke mid-word); the
    /// rows still hold every character as sent, the space kept at the row's
    /// end. A continuation row's leading spaces (a cut that fell before a
    /// space) sit in its indent, so the rows' text lines up.
    /// PreviewDocument.rowCount counts the same rows without laying them out.
    /// `continuing`: the characters start a continuation row of a line
    /// with that many leading spaces, past them (a long line laid out from a
    /// row kept of it, PreviewDocument.window).
    static func rowRanges(_ characters: [Character], width: Int, limit: Int = .max,
                          continuing: Int? = nil) -> [(range: Range<Int>, pad: Int)] {
        rowRangesLooking(characters, width: width, limit: limit, continuing: continuing).rows
    }

    /// `rowRanges`, and for each row the furthest character its cut looked
    /// at (the first that did not fit, or the one after a too-wide one):
    /// the rows up to it stay the same while the characters up to that one
    /// do (fartype18: a row kept of a long line outlives an edit after it).
    static func rowRangesLooking(_ characters: [Character], width: Int, limit: Int = .max, continuing: Int? = nil)
        -> (rows: [(range: Range<Int>, pad: Int)], looked: [Int]) {
        var looked: [Int] = []
        let leading = continuing == nil ? characters.prefix { $0 == " " }.count : 0
        let indent = (continuing ?? leading) + 2
        var rows: [(range: Range<Int>, pad: Int)] = []
        var start = 0
        var first = continuing == nil
        repeat {
            if rows.count >= limit { break }
            let available = first ? width : max(4, width - indent)
            var used = 0
            var end = start
            while end < characters.count {
                let w = TextWidth.of(characters[end])
                if used + w > available { break }
                used += w
                end += 1
            }
            if end == start, end < characters.count { end += 1 }
            looked.append(end)
            if end < characters.count, characters[end] != " ",
               let space = (start..<end).last(where: { $0 > start && $0 >= leading && characters[$0] == " " && characters[$0 - 1] != ":" }) {
                end = space + 1
            }
            // A continuation row cut just before a space starts with it: the
            // space hangs into the indent, so every continuation row's text
            // starts in one column (issue 19: the rows were one column apart).
            let indentCells = first ? 0 : min(indent, width - 4)
            let hanging = characters[start..<end].prefix { $0 == " " }.count
            rows.append((start..<end, max(0, indentCells - hanging)))
            start = end
            first = false
        } while start < characters.count
        return (rows, looked)
    }

    /// A style per character: keys, strings, numbers, literals, punctuation.
    static func syntaxStyles(_ line: String) -> [Style] { syntaxStyles(Array(line)) }

    static func syntaxStyles(_ characters: [Character]) -> [Style] {
        var styles = Array(repeating: Style.normal, count: characters.count)
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if c == "\"" {
                var j = i + 1
                while j < characters.count, characters[j] != "\"" { j += characters[j] == "\\" ? 2 : 1 }
                j = min(j, characters.count - 1)
                var k = j + 1
                while k < characters.count, characters[k] == " " { k += 1 }
                let isKey = k < characters.count && characters[k] == ":"
                for index in i...j { styles[index] = isKey ? .jsonKey : .jsonString }
                i = j + 1
            } else if c.isNumber || c == "-" {
                var j = i
                while j < characters.count, characters[j].isNumber || "+-.eE".contains(characters[j]) { j += 1 }
                for index in i..<j { styles[index] = .jsonNumber }
                i = j
            } else if c.isLetter {
                var j = i
                while j < characters.count, characters[j].isLetter { j += 1 }
                for index in i..<j { styles[index] = .jsonLiteral }
                i = j
            } else {
                if "{}[],:".contains(c) { styles[i] = .jsonPunctuation }
                i += 1
            }
        }
        return styles
    }
}
