// A finished task's text results in the results pane (issue 17): a
// description, a style, every expansion candidate numbered, each whole,
// wrapped and scrolled; face detection's answer (§4.9, whose shape the
// reference never shows) as a table of the faces and their boxes when it
// holds a list of them, else its JSON as the service returned it.

import Images
import Model

/// One line of the pane's text, and how it is drawn.
struct TextResultLine: Equatable {
    var text: String
    var style: Style
    /// The candidate it belongs to.
    var candidate: Int
}

/// A face found, as the answer gives it.
struct FoundFace: Equatable {
    var cells: [String]
}

extension PicturesPane {
    static func renderTexts(_ set: PictureSet, state: AppState, focused: Bool, into grid: inout Grid, rect: Rect) {
        let title = Wording.textResultsTitle(set.idTask, count: set.texts.count, focused: focused, keys: state.keys)
        grid.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), style: .border)
        grid.put(" " + TextWidth.truncate(title, to: rect.width - 2) + " ", x: rect.x, y: rect.y,
                 style: focused ? .focusedLabel : .label, limit: rect.maxX)
        let (body, pictureRect) = textAndPicture(set, state: state,
                                                 body: Rect(x: rect.x + 1, y: rect.y + 1, width: rect.width - 2, height: rect.height - 1))
        // Face detection's faces, boxed and numbered as the table's rows, over the picture it scanned.
        if let pictureRect, let scanned = set.scanned { draw(scanned, view: state.view, into: &grid, rect: pictureRect) }
        let chosen = focused ? state.view.selectedPicture : nil
        let lines = textLines(set, width: body.width, chosen: chosen)
        let first = min(max(0, set.scroll), max(0, lines.count - body.height))
        for (offset, line) in lines.dropFirst(first).prefix(body.height).enumerated() {
            grid.put(line.text, x: body.x, y: body.y + offset, style: line.style, limit: body.maxX)
        }
        if first > 0 { grid.put("▲", x: rect.maxX - 1, y: body.y, style: .dim) }
        if first + body.height < lines.count { grid.put("▼", x: rect.maxX - 1, y: body.maxY - 1, style: .dim) }
    }

    /// Every line of the texts at a width: a heading per candidate when
    /// there are several (the chosen one marked), then the text wrapped.
    static func textLines(_ set: PictureSet, width: Int, chosen: Int?) -> [TextResultLine] {
        var lines: [TextResultLine] = []
        let width = max(1, width)
        for (index, text) in set.texts.enumerated() {
            if set.texts.count > 1 {
                if index > 0 { lines.append(TextResultLine(text: "", style: .normal, candidate: index)) }
                lines.append(TextResultLine(text: Wording.candidateHeading(index + 1, of: set.texts.count),
                                            style: chosen == index ? .selection : .label, candidate: index))
            }
            if let faces = faceTable(text) {
                lines.append(TextResultLine(text: Wording.facesFound(faces.count), style: .label, candidate: index))
                lines += tableLines([Wording.faceColumns] + faces.map(\.cells)).map { TextResultLine(text: $0, style: .value, candidate: index) }
                lines.append(TextResultLine(text: "", style: .normal, candidate: index))
            }
            for line in wrap(text, width: width) { lines.append(TextResultLine(text: line, style: .value, candidate: index)) }
        }
        return lines
    }

    /// The pane's body for the texts as the screen lays it out now.
    static func textBody(_ state: AppState) -> Rect {
        let pane = Layout.regions(for: state.view.size, showPreview: state.view.showPreviewWhenNarrow, results: true).results
            ?? Rect(x: 0, y: 0, width: state.view.size.width, height: 2)
        let body = Rect(x: pane.x + 1, y: pane.y + 1, width: pane.width - 2, height: pane.height - 1)
        guard let set = state.results else { return body }
        return textAndPicture(set, state: state, body: body).text
    }

    /// The body split between the texts and a scanned picture: the picture
    /// above, up to half the rows, when there is one to show and room for both.
    static func textAndPicture(_ set: PictureSet, state: AppState, body: Rect) -> (text: Rect, picture: Rect?) {
        guard set.scanned != nil, body.height >= 8, body.width >= 12 else { return (body, nil) }
        if case .off = state.view.pictureMode { return (body, nil) }
        let rows = min(body.height / 2, 16)
        return (Rect(x: body.x, y: body.y + rows + 1, width: body.width, height: body.height - rows - 1),
                Rect(x: body.x, y: body.y, width: body.width, height: rows))
    }

    /// The furthest the texts scroll: their last line at the pane's bottom.
    static func maxTextScroll(_ set: PictureSet, state: AppState) -> Int {
        let body = textBody(state)
        return max(0, textLines(set, width: body.width, chosen: nil).count - body.height)
    }

    /// The first line of a candidate (its heading).
    static func textLineOffset(_ set: PictureSet, candidate: Int, state: AppState) -> Int {
        let lines = textLines(set, width: textBody(state).width, chosen: nil)
        guard let first = lines.firstIndex(where: { $0.candidate == candidate }) else { return 0 }
        // The blank line between candidates stays above the heading.
        return lines[first].text.isEmpty ? first + 1 : first
    }

    /// Words wrapped at a width, each line's indentation kept (JSON stays
    /// readable); a word longer than the width (a URL, text without spaces
    /// such as Chinese) is cut where the width ends.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(paragraph).replacing("\t", with: "    ")
            let indent = String(line.prefix { $0 == " " }.prefix(max(0, width / 2)))
            let room = max(1, width - indent.count)
            let wrapped = HistoryView.wrapWords(line, width: room)
            if wrapped.isEmpty { lines.append("") }
            for part in wrapped {
                lines += cut(part, width: room).map { indent + $0 }
            }
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// A line cut where the width ends, as many times as it takes.
    private static func cut(_ line: String, width: Int) -> [String] {
        var pieces: [String] = []
        var rest = Substring(line)
        while TextWidth.of(rest) > width {
            var end = rest.startIndex
            var used = 0
            while end < rest.endIndex, used + TextWidth.of(rest[end]) <= width {
                used += TextWidth.of(rest[end])
                end = rest.index(after: end)
            }
            if end == rest.startIndex { end = rest.index(after: end) }  // a character wider than the pane
            pieces.append(String(rest[..<end]))
            rest = rest[end...]
        }
        pieces.append(String(rest))
        return pieces
    }

    /// The faces of a face detection answer: a list of objects under
    /// `faces` (or the first list of objects), each with its number, score
    /// and box (`box` {x, y, width, height}, or `bbox` [x, y, w, h]); nil
    /// when the text holds none.
    static func faceTable(_ text: String) -> [FoundFace]? {
        guard let list = faceList(text) else { return nil }
        return list.enumerated().map { offset, face in
            let number = face["index"].map(cell) ?? String(offset + 1)
            return FoundFace(cells: [number, face["score"].map(cell) ?? "—"] + boxValues(face).map { $0.map(cell) ?? "—" })
        }
    }

    /// The faces' boxes in the scanned picture's pixels, numbered as the
    /// table's rows, for drawing over it; a face whose box is not four
    /// finite numbers is left out. Nil when the text holds no faces.
    static func faceBoxes(_ text: String) -> [FaceBox]? {
        guard let list = faceList(text) else { return nil }
        return list.enumerated().compactMap { offset, face in
            let numbers = boxValues(face).compactMap { value -> Int? in
                guard let number = value?.numberValue ?? value?.stringValue.flatMap({ Double($0.trimmed) }), number.isFinite else { return nil }
                return Int(clamping: number, to: -1_000_000...1_000_000)
            }
            guard numbers.count == 4 else { return nil }
            let number = face["index"]?.numberValue.flatMap { $0.isFinite ? Int(clamping: $0, to: 0...999) : nil } ?? offset + 1
            return FaceBox(number: number, x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])
        }
    }

    /// The answer's list of face objects, or nil.
    private static func faceList(_ text: String) -> [JSONValue]? {
        guard text.hasPrefix("{"), let answer = try? JSONParser.parse(text), let members = answer.objectValue else { return nil }
        let list = answer["faces"]?.arrayValue ?? members.lazy.compactMap { $0.value.arrayValue }.first { $0.first?.objectValue != nil }
        guard let list, !list.isEmpty, list.allSatisfy({ $0.objectValue != nil }) else { return nil }
        return list
    }

    /// A face's x, y, width and height as the answer gives them (any of the shapes faceTable reads).
    private static func boxValues(_ face: JSONValue) -> [JSONValue?] {
        var box: [JSONValue?] = [face["box"]?["x"], face["box"]?["y"], face["box"]?["width"], face["box"]?["height"]]
        if box.allSatisfy({ $0 == nil }), let bbox = face["bbox"]?.arrayValue ?? face["box"]?.arrayValue {
            box = (0..<4).map { bbox[safe: $0] }
        }
        if box.allSatisfy({ $0 == nil }) { box = [face["x"], face["y"], face["width"] ?? face["w"], face["height"] ?? face["h"]] }
        return box
    }

    /// A value of the answer in a table's cell.
    private static func cell(_ value: JSONValue) -> String {
        switch value {
        case let .int(number): return String(number)
        case let .double(number): return JSONWriter.formatNumber(number)
        case let .string(text): return TextWidth.truncate(Wording.oneLine(text), to: 16)
        case let .bool(flag): return flag ? "true" : "false"
        default: return "—"
        }
    }

    /// Rows as columns, each as wide as its widest cell.
    static func tableLines(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { TextWidth.of($0[safe: column] ?? "") }.max() ?? 0 }
        return rows.map { row in
            (0..<columns).map { column in
                let text = row[safe: column] ?? ""
                return String(repeating: " ", count: widths[column] - TextWidth.of(text)) + text
            }.joined(separator: "  ")
        }
    }
}
