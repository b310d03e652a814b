// One submission in full (issue 4): its state and timings, its results
// with URL, seed and moderation, any error, then the request exactly as
// sent, the service's answer and the last task query as coloured JSON.
// Also the field-by-field comparison of two requests.

import Model

/// A line of text in pieces, each with its own style.
struct StyledLine: Equatable {
    var spans: [(text: String, style: Style)]

    init(_ spans: [(String, Style)]) { self.spans = spans.map { (text: $0.0, style: $0.1) } }
    init(_ text: String, _ style: Style = .normal) { self.init([(text, style)]) }

    static func == (lhs: StyledLine, rhs: StyledLine) -> Bool {
        lhs.spans.count == rhs.spans.count && zip(lhs.spans, rhs.spans).allSatisfy { $0.text == $1.text && $0.style == $1.style }
    }

    /// Cut into rows of at most `width` cells; rows after the first start
    /// with `indent` spaces.
    func wrapped(width: Int, indent: Int) -> [StyledLine] {
        var rows: [StyledLine] = []
        var current: [(String, Style)] = []
        var used = 0
        for span in spans {
            var piece = ""
            for character in span.text {
                let w = TextWidth.of(character)
                if used + w > width, used > indent {
                    current.append((piece, span.style))
                    rows.append(StyledLine(current))
                    current = [(String(repeating: " ", count: indent), .normal)]
                    used = indent
                    piece = ""
                }
                piece.append(character)
                used += w
            }
            current.append((piece, span.style))
        }
        rows.append(StyledLine(current))
        return rows
    }
}

enum HistoryEntryView {
    /// The entry, its images (issue 11) in its Results section as a strip of
    /// thumbnails that scrolls with the text; drawn while wholly in view.
    static func renderDetail(_ state: AppState, pictures: PictureSet? = nil, into grid: inout Grid, rect: Rect) {
        guard let record = state.history.detail else { return }
        let shown = Wording.listedState(record.state, server: record.endpoint.server)
        let header = "\(shown.glyph) \(shown.title) · \(record.idTask)"
        grid.put(" " + header, x: rect.x, y: rect.y, style: .focusedLabel, limit: rect.maxX)
        let body = Rect(x: rect.x + 1, y: rect.y + 1, width: rect.width - 2, height: rect.height - 1)
        let stripRows = pictures == nil ? 0 : pictureRows(bodyHeight: body.height)
        let (lines, strip) = detailLines(record, width: body.width, pictureRows: stripRows)
        renderScrolled(lines, scroll: state.history.detailScroll, into: &grid, rect: body)
        guard let pictures, let strip else { return }
        let first = min(state.history.detailScroll, max(0, lines.count - body.height))
        let top = body.y + strip - first
        guard top >= body.y, top + stripRows <= body.maxY else { return }
        PicturesPane.render(pictures, state: state, focused: state.view.picturesFocused, into: &grid,
                            rect: Rect(x: body.x, y: top, width: body.width, height: stripRows))
    }

    /// Rows the entry's strip of images takes in a body this tall.
    static func pictureRows(bodyHeight: Int) -> Int {
        // A strip that can never be wholly in view is not made.
        let rows = min(14, max(Layout.resultsMinimum, bodyHeight * 35 / 100))
        return rows + 2 <= bodyHeight ? rows : 0
    }

    static func renderComparison(_ state: AppState, into grid: inout Grid, rect: Rect) {
        guard let comparison = state.history.comparison else { return }
        grid.put(" Compare " + comparison.title, x: rect.x, y: rect.y, style: .focusedLabel, limit: rect.maxX)
        let body = Rect(x: rect.x + 1, y: rect.y + 1, width: rect.width - 2, height: rect.height - 1)
        renderScrolled(comparisonLines(comparison.changes, width: body.width), scroll: comparison.scroll, into: &grid, rect: body)
    }

    /// Draws lines from `scroll` on (held so the last screenful stays full), with scroll marks.
    static func renderScrolled(_ lines: [StyledLine], scroll: Int, into grid: inout Grid, rect: Rect) {
        let first = min(scroll, max(0, lines.count - rect.height))
        for (offset, line) in lines.dropFirst(first).prefix(rect.height).enumerated() {
            var x = rect.x
            for span in line.spans { x = grid.put(span.text, x: x, y: rect.y + offset, style: span.style, limit: rect.maxX) }
        }
        if first > 0 { grid.put("↑", x: rect.maxX, y: rect.y, style: .dim) }
        if first + rect.height < lines.count { grid.put("↓", x: rect.maxX, y: rect.maxY - 1, style: .dim) }
    }

    // MARK: The entry

    static func detailLines(_ record: HistoryRecord, width: Int) -> [StyledLine] {
        detailLines(record, width: width, pictureRows: 0).lines
    }

    /// The entry's lines, with `pictureRows` blank ones at the top of its
    /// Results section for the images, and where they start.
    static func detailLines(_ record: HistoryRecord, width: Int, pictureRows: Int) -> (lines: [StyledLine], strip: Int?) {
        var lines: [StyledLine] = []
        var strip: Int?
        func field(_ label: String, _ value: String, _ style: Style = .value) {
            let padded = label + String(repeating: " ", count: max(1, 14 - label.count))
            let wrapped = HistoryView.wrapWords(value, width: max(10, width - 14))
            for (index, part) in (wrapped.isEmpty ? [""] : wrapped).enumerated() {
                lines.append(StyledLine([(index == 0 ? padded : String(repeating: " ", count: 14), .label), (part, style)]))
            }
        }
        func section(_ title: String) {
            lines.append(StyledLine(""))
            let text = "── \(title) "
            lines.append(StyledLine(text + String(repeating: "─", count: max(0, width - TextWidth.of(text))), .border))
        }

        // An A1111 row speaks A1111's terms (issue 20): its kind of server, no status number, no signed links.
        let a1111 = record.endpoint.server == .a1111
        let facts = a1111 ? A1111AnswerFacts(answer: record.responseJSON) : A1111AnswerFacts()
        if a1111 {
            field("Endpoint", Wording.entryEndpoint(record.endpoint.title, server: .a1111, baseURL: record.baseURL, profile: record.profile))
        } else {
            field("Endpoint", "\(record.endpoint.title) → \(record.baseURL) (\(record.profile))")
        }
        field("id_task", record.idTask)
        if let service = record.serviceTaskID, service != record.idTask { field("Service task", service) }
        // A sweep's row (issue 10): the id that `/ batch:ID` lists the batch by.
        if let batch = record.batchID { field("Batch", batch) }
        var status = Wording.entryState(record.state, server: record.endpoint.server)
        // §3.2: a training task is accepted and then out of sight; say so rather than "submitted, to follow".
        if record.state == .submitted, !record.endpoint.canBeFollowed { status = "accepted · " + Wording.notFollowed }
        // zhiqite's task status number (§2); an A1111 server has none (zqt writes 2 for a finished call).
        if let code = record.taskStatus, !a1111 { status += " · status \(code)" }
        if let desc = record.taskDesc, !desc.isEmpty { status += " · \(desc)" }
        if record.state == .running, let progress = record.progress { status += " · " + Wording.percent(progress) }
        field("State", status, record.state.isFailure ? .statusError : (record.state == .succeeded ? .statusOK : .value))
        if let http = record.httpStatus { field("HTTP", String(http)) }
        field("Created", CivilTime.local(record.createdAt).dateAndSecond)
        if let submitted = record.submittedAt {
            field(Wording.entryAnsweredLabel(record.endpoint.server), "+" + seconds(submitted.timeIntervalSince(record.createdAt)))
        }
        if let finished = record.finishedAt { field("Finished", "+" + seconds(finished.timeIntervalSince(record.createdAt))) }
        // A server's error of several lines is shown on them (issue 20), each wrapped; one-line surfaces show " / ".
        if let error = record.error {
            for (index, part) in (a1111 ? A1111Failure.errorLines(error, answer: record.responseJSON) : [error]).enumerated() {
                field(index == 0 ? "Error" : "", part, .statusError)
            }
        }
        // The seeds of the pictures kept, each paired with its picture when the answer was read
        // (A1111AnswerFacts): an interrupted batch's `info.all_seeds` also lists seeds never used.
        let madeSeeds = record.imageResults.filter { !$0.isControlMap }.compactMap(\.seed)
        if a1111, !madeSeeds.isEmpty {
            field("Seeds", Wording.a1111Seeds(madeSeeds, subseed: facts.subseed, strength: facts.subseedStrength))
        }

        let maps = record.imageResults.count(where: \.isControlMap)
        section(maps > 0 ? "Results (\(Wording.imagesAndMaps(record.results.count - maps, maps)))" : "Results (\(record.results.count))")
        if record.results.isEmpty {
            let none = a1111 ? Wording.a1111NoResults(record.state, serverSaves: A1111ServerCopies.requested(record.request.body))
                : !record.endpoint.canBeFollowed ? "none here: " + Wording.notFollowed
                : record.state.isUnfinished ? "none yet: u queries the task now" : "none"
            lines.append(StyledLine(none, .dim))
        }
        if pictureRows > 0, !record.imageResults.isEmpty {
            strip = lines.count
            lines += Array(repeating: StyledLine(""), count: pictureRows)
        }
        var madeNumber = 0, mapNumber = 0
        for result in record.results {
            if let text = result.text {
                // A text result (an expanded prompt, a description): shown whole, wrapped.
                lines.append(StyledLine([("\(result.position + 1). ", .label), ("text", .value)]))
                for part in chunks(text, width: width - 3) { lines.append(StyledLine([("   ", .normal), (part, .value)])) }
                continue
            }
            // A ControlNet detected map an A1111 server appended: no seed, not a picture asked for, numbered apart (issue 20).
            var about = result.isControlMap ? Wording.controlMapAbout : "seed \(result.seed.map(String.init) ?? "?")"
            let number: String
            if result.isControlMap {
                mapNumber += 1
                number = "\(Wording.controlMap) \(mapNumber). "
            } else {
                madeNumber += 1
                number = a1111 ? "\(madeNumber). " : "\(result.position + 1). "
            }
            if let status = result.imageStatus { about += status == 1 ? " · ok" : " · image_status \(status)" }
            if let passed = result.auditPassed {
                about += passed ? " · audit passed" : " · audit flagged" + (result.auditLabels.isEmpty ? "" : ": " + result.auditLabels.joined(separator: ", "))
            }
            lines.append(StyledLine([(number, .label), (about, result.auditPassed == false ? .statusError : .value)]))
            // An A1111 picture's `a1111-inline:` URL only named it while it was held in memory (its number counts
            // the grid the server sent first): once kept, the file is what the user has.
            if !(a1111 && result.localPath != nil) {
                for part in chunks(result.imageURL, width: width - 3) { lines.append(StyledLine([("   ", .normal), (part, .jsonString)])) }
            }
            if let path = result.localPath { lines.append(StyledLine([("   saved ", .dim), (path, .value)])) }
            if result.localPath == nil, let reason = result.keepError {
                // Said on the row (issue 17): the image is not in $ZQT_HOME/images, and whether it will be tried again.
                for part in chunks(SendWording.notKept(reason, attempts: result.keepAttempts, gone: result.keepGone), width: width - 3) {
                    lines.append(StyledLine([("   ", .normal), (part, .statusError)]))
                }
            }
        }
        if facts.gridLeftOut { lines += StyledLine(Wording.gridLeftOut, .dim).wrapped(width: width, indent: 0) }
        if !record.imageResults.isEmpty, a1111 {
            let kept = record.imageResults.lazy.compactMap(\.localPath).first.map { String($0[..<($0.lastIndex(of: "/") ?? $0.endIndex)]) }
            lines += StyledLine(Wording.a1111PicturesKept(folder: kept ?? "$ZQT_HOME/images", saveKey: "s"), .dim).wrapped(width: width, indent: 0)
            lines.append(StyledLine("i opens the first in image2image, n as a new ControlNet unit.", .dim))
        } else if !record.imageResults.isEmpty {
            lines.append(StyledLine("Result URLs expire (signed links): s saves the images, Y copies the URLs.", .dim))
            lines.append(StyledLine("i opens the first in image2image, n as a new ControlNet unit.", .dim))
        }
        if !record.textResults.isEmpty, record.endpoint.result != .data {
            lines.append(StyledLine("p makes the first text the prompt of the form.", .dim))
        }

        section("Request · exactly what was sent")
        lines += json(record.requestJSON, width: width)
        section("Response to the submit")
        lines += record.responseJSON.map { json($0, width: width) } ?? [StyledLine("no answer", .dim)]
        if let query = record.lastQueryJSON {
            section("Last task query")
            lines += json(query, width: width)
        }
        return (lines, strip)
    }

    /// JSON text, re-indented when it parses, coloured and wrapped like the preview.
    static func json(_ text: String, width: Int) -> [StyledLine] {
        let pretty = (try? JSONParser.parse(text)).map { JSONWriter.pretty($0) } ?? text
        var lines: [StyledLine] = []
        for (index, line) in pretty.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(line)
            for row in PreviewView.wrap(line, styles: PreviewView.syntaxStyles(line), width: width, jsonLine: index) {
                lines.append(StyledLine(zip(row.characters, row.styles).map { (String($0), $1) }))
            }
        }
        return lines
    }

    static func seconds(_ interval: Double) -> String {
        if interval < 1 { return "\(WholeNumber.rounded(interval * 1000, in: -1_000...1_000)) ms" }
        if interval < 60 { return JSONWriter.formatNumber((interval * 10).rounded() / 10) + " s" }
        // Times come from the history file: a damaged one may hold anything (issue 8).
        let whole = WholeNumber.rounded(interval, in: 0...Int(Int32.max))
        return "\(whole / 60) min \(whole % 60) s"
    }

    /// A long string in pieces of at most `width` cells (URLs have no spaces to wrap at).
    static func chunks(_ text: String, width: Int) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            let piece = TextWidth.prefix(rest, fitting: max(1, width))
            pieces.append(piece.isEmpty ? String(rest.prefix(1)) : piece)
            rest = rest.dropFirst(max(1, piece.count))
        }
        return pieces.isEmpty ? [""] : pieces
    }

    // MARK: The comparison

    static func comparisonLines(_ changes: [RequestDiff.Change], width: Int) -> [StyledLine] {
        guard !changes.isEmpty else {
            return [StyledLine("The two requests are the same (id_task aside, which always differs).", .statusOK)]
        }
        var lines = [StyledLine("\(changes.count == 1 ? "1 field differs" : "\(changes.count) fields differ") (id_task aside, which always differs)", .dim),
                     StyledLine("")]
        for change in changes {
            switch change {
            case let .changed(path, from, to):
                lines.append(StyledLine([("~ ", .jsonNumber), (path, .jsonKey)]))
                lines += StyledLine([("    − ", .statusError), (from, .statusError)]).wrapped(width: width, indent: 6)
                lines += StyledLine([("    + ", .statusOK), (to, .statusOK)]).wrapped(width: width, indent: 6)
            case let .added(path, value):
                lines += StyledLine([("+ ", .statusOK), (path, .jsonKey), (" = ", .dim), (value, .statusOK)]).wrapped(width: width, indent: 4)
            case let .removed(path, value):
                lines += StyledLine([("− ", .statusError), (path, .jsonKey), (" = ", .dim), (value, .statusError)]).wrapped(width: width, indent: 4)
            }
        }
        return lines
    }
}
