// The text being edited in a field: characters and a cursor, with the
// motions and kills of a shell line editor (Home/End, word motion, Ctrl-U,
// Ctrl-K, Ctrl-W) and wrapping by display width, so the cursor moves right
// over Chinese text, where a character takes two cells.
//
// A key costs what is on screen, not the size of the text (issue 18): the
// text is kept in pieces of at most `pieceLimit` characters, so an edit
// rewrites one piece in place, and the field's wrapped lines, once laid
// out at a width, are kept and mended around each edit. An edit that moves
// every line below it (a long paragraph's greedy wrap falling into another
// phase) re-wraps only a screen's worth past the cursor; the rest is laid
// out when the cursor goes there (farlayout23).

import Synchronization

struct TextBuffer: Sendable {
    /// The text in pieces; no character spans two pieces.
    private var pieces: [String]
    /// Characters in each piece (String.count walks the text: counted once, here).
    private var pieceCounts: [Int]
    /// Characters in the whole text.
    private(set) var count: Int
    /// Index in characters: the cursor sits before that character. The
    /// kept layout reaches past it wherever it moves (`settleLayout`).
    private(set) var cursor: Int { didSet { settleLayout() } }
    /// Changes whenever the text does (not when only the cursor moves), and
    /// never repeats in a run: the same revision means the same text.
    private(set) var revision: Int
    /// The wrapped lines at one width (`keepLayout(width:)`), mended on each edit.
    private var layout: Layout?
    /// Where a selection began (Shift-←/→/Home/End, issue 19): it runs from
    /// here to the cursor. Any edit ends it; a plain motion clears it (`apply`).
    private(set) var anchor: Int?

    static let pieceLimit = 1024
    private static let revisions = Atomic<Int>(0)
    private static func nextRevision() -> Int { revisions.add(1, ordering: .relaxed).newValue }

    /// Lines kept exact past the cursor's, at least: more than a field shows
    /// (18 at most), so a frame, Home/End and ↑/↓ read only kept lines, and
    /// about what an edit that moves every line below it re-wraps.
    static let lookahead = 64

    private struct Layout: Sendable {
        let width: Int
        /// The text's lines from its start, exact.
        var lines: [VisualLine]
        /// Where the line after `lines` starts when they do not reach the
        /// text's end: the lines from there on are laid out when wanted. Nil
        /// when `lines` are all the text's lines.
        var gap: Int?
        /// Past the gap, the lines from a paragraph's start (after a newline,
        /// where a line starts whatever comes before) to the text's end,
        /// exact, each `restShift` characters before where it is now: an
        /// edit above moves them by changing one number, not re-wrapping.
        var rest: [VisualLine] = []
        var restShift = 0

        var restStart: Int? { rest.first.map { $0.start + restShift } }

        /// The rest's lines from `index` on, where they are.
        func restLines(from index: Int) -> [VisualLine] {
            rest[index...].map { VisualLine(start: $0.start + restShift, end: $0.end + restShift) }
        }

        /// The rest's line starting at `position`, if any.
        func restLine(startingAt position: Int) -> Int? {
            guard let first = restStart, position >= first else { return nil }
            let index = TextBuffer.lastLine(startingAtOrBefore: position - restShift, in: rest)
            return rest[index].start + restShift == position ? index : nil
        }

        /// The rest's lines from `index` on joined to `lines`: the layout
        /// reaches the text's end again.
        mutating func joinRest(from index: Int) {
            lines += restLines(from: index)
            gap = nil
            rest = []
        }

        /// Before characters `old` are replaced: the rest keeps its lines from
        /// its first paragraph start after them (the newline before it untouched).
        mutating func dropRest(touchedBy old: Range<Int>) {
            guard let first = restStart, old.upperBound >= first else { return }
            var index = 1
            while index < rest.count, !(rest[index].start + restShift > old.upperBound && rest[index].start == rest[index - 1].end + 1) {
                index += 1
            }
            rest.removeFirst(min(index, rest.count))
        }
    }

    init(_ text: String) {
        (pieces, pieceCounts) = Self.split(text)
        count = pieceCounts.reduce(0, +)
        cursor = count
        revision = Self.nextRevision()
    }

    var text: String { pieces.joined() }

    /// The text in the pieces it is kept in (the preview compares an earlier
    /// text with this one a piece at a time, never joined: fartype18).
    var pieceTexts: [String] { pieces }

    /// The same text and cursor without the kept layout (TextBuffer.keepLayout):
    /// a copy kept elsewhere (a draft to save) then shares only the pieces.
    var withoutLayout: TextBuffer {
        var copy = self
        copy.layout = nil
        return copy
    }

    var isEmpty: Bool { count == 0 }

    /// The characters, for the one-line boxes (a filter, a folder name) that index them.
    var characters: [Character] { Array(text) }

    /// The characters in `range`, as text: slices of the pieces it spans
    /// appended whole (a frame reads a few thousand characters around the
    /// lines shown; a character at a time was a tenth of a frame, issue 18).
    func text(in range: Range<Int>) -> String {
        guard range.lowerBound >= 0, range.lowerBound < count, !range.isEmpty else { return "" }
        var (piece, offset) = locate(range.lowerBound)
        var remaining = min(range.upperBound, count) - range.lowerBound
        var out = ""
        if remaining > 64 { out.reserveCapacity(remaining) }
        while remaining > 0, piece < pieces.count {
            let text = pieces[piece]
            let take = min(pieceCounts[piece] - offset, remaining)
            let start = text.index(text.startIndex, offsetBy: offset)
            let end = take == pieceCounts[piece] - offset ? text.endIndex : text.index(start, offsetBy: take)
            out += text[start..<end]
            remaining -= take
            piece += 1
            offset = 0
        }
        return out
    }

    // MARK: Editing

    mutating func insert(_ text: String) {
        // Typing over a selection replaces it, as in every editor.
        deleteSelection()
        let before = count
        replace(cursor..<cursor, with: text)
        cursor += count - before
    }

    mutating func backspace() {
        if deleteSelection() { return }
        guard cursor > 0 else { return }
        replace(cursor - 1..<cursor, with: "")
        cursor -= 1
    }

    mutating func deleteForward() {
        if deleteSelection() { return }
        guard cursor < count else { return }
        replace(cursor..<cursor + 1, with: "")
        settleLayout()
    }

    /// Ctrl-U: delete from the start of the logical line (after a newline,
    /// not the wrapped row's start) to the cursor; at a line's start, the
    /// newline before it, joining it to the line above (zsh's
    /// backward-kill-line; leftovers24: it did nothing there).
    mutating func killToLineStart() {
        let start = logicalLineStart(cursor)
        let from = start == cursor ? max(0, cursor - 1) : start
        replace(from..<cursor, with: "")
        cursor = from
    }

    /// Ctrl-K: delete from the cursor to the end of the logical line (its
    /// newline, read from the text: the same cost however the text wraps);
    /// at a line's end, the newline itself, joining the next line (readline,
    /// emacs; leftovers24: it did nothing there).
    mutating func killToLineEnd() {
        let end = logicalLineEnd(cursor)
        replace(cursor..<(end == cursor ? min(count, end + 1) : end), with: "")
        settleLayout()
    }

    /// Ctrl-W: delete the word before the cursor (and the spaces after it).
    mutating func deleteWordBackward() {
        let start = wordStart(before: cursor)
        replace(start..<cursor, with: "")
        cursor = start
    }

    /// Ctrl-↑/↓ (A1111's edit-attention): the weight at the cursor raised
    /// or lowered by 0.1 (PromptAttention.adjust). Only a window around the
    /// cursor is read, so the key costs the same in a megabyte. False when
    /// there is no word or weight at the cursor.
    mutating func adjustWeight(up: Bool) -> Bool {
        if let selection { return adjustSelectionWeight(selection, up: up) }
        let window = max(0, cursor - Self.weightWindow)..<min(count, cursor + Self.weightWindow)
        let characters = Array(text(in: window))
        guard let edit = PromptAttention.adjust(characters, base: window.lowerBound, cursor: cursor, up: up) else { return false }
        replace(edit.range, with: edit.replacement)
        cursor = min(max(0, edit.cursor), count)
        // The weighed words stay selected (A1111's edit-attention): typing replaces them, an arrow lets go.
        if let selected = edit.selected {
            anchor = min(max(0, selected.lowerBound), count)
            cursor = min(max(0, selected.upperBound), count)
        }
        return true
    }

    /// Up to `limit` characters just before the cursor.
    func charactersBeforeCursor(limit: Int) -> [Character] {
        Array(text(in: max(0, cursor - limit)..<cursor))
    }

    /// Replaces the `length` characters before the cursor (a name being completed) with `text`.
    mutating func replaceBeforeCursor(_ length: Int, with text: String) {
        let start = max(0, cursor - length)
        let before = count
        replace(start..<cursor, with: text)
        cursor = min(count, max(0, cursor + count - before))
    }

    /// How far around the cursor Ctrl-↑/↓ looks for the group or word it weighs.
    static let weightWindow = 512

    // MARK: Motion

    mutating func moveLeft() { cursor = max(0, cursor - 1) }
    mutating func moveRight() { cursor = min(count, cursor + 1) }
    mutating func moveToStart() { cursor = 0 }
    mutating func moveToEnd() { cursor = count }
    mutating func moveWordLeft() { cursor = wordStart(before: cursor) }

    mutating func moveWordRight() {
        var end = count
        var inWord = false
        forEach(from: cursor) { index, character in
            let word = isWordCharacter(character)
            if inWord, !word { end = index; return false }
            inWord = inWord || word
            return true
        }
        cursor = end
    }

    /// Home/End go to the start or end of the visual (wrapped) line.
    mutating func moveToLineStart(width: Int) {
        let lines = linesThroughCursor(width: width)
        cursor = lines[lineIndex(of: cursor, in: lines)].start
    }

    /// The end of the visual row, drawn on that row. A row the wrap broke
    /// ends where the next starts, and a cursor there is drawn at the next
    /// row's start (newcomer19: End on a wrapped prompt line went after the
    /// wrap's space, a row down): it stops before the space the row broke
    /// after (or a cut word's last character), on the row, as Home stays on it.
    mutating func moveToLineEnd(width: Int) {
        let lines = linesThroughCursor(width: width)
        let index = lineIndex(of: cursor, in: lines)
        let line = lines[index]
        let broken = index + 1 < lines.count && lines[index + 1].start == line.end && line.end > line.start
        cursor = broken ? line.end - 1 : line.end
    }

    /// Up/Down keep the column in cells, as far as the target line allows.
    mutating func moveVertically(by delta: Int, width: Int) {
        var lines = linesThroughCursor(width: width)
        let index = lineIndex(of: cursor, in: lines)
        let target = index + delta
        // Further down than the lines laid out (`lookahead` past the cursor's): laid out as far as the
        // target, not taken for the text's end (review23).
        if target >= lines.count, layout?.gap != nil { lines = wrap(width: width, maxLines: target + 1) }
        guard lines.indices.contains(target) else {
            cursor = delta < 0 ? 0 : count
            return
        }
        let column = cells(lines[index].start..<cursor)
        var position = lines[target].start
        var used = 0
        forEach(from: position) { index, character in
            guard index < lines[target].end else { return false }
            let w = TextWidth.of(character)
            if used + w > column { return false }
            used += w
            position = index + 1
            return true
        }
        cursor = position
    }

    // MARK: Layout

    /// One visual line: characters `start..<end` (a newline ending it is not among them).
    struct VisualLine: Equatable, Sendable {
        var start: Int
        var end: Int
    }

    /// Keeps the wrapped lines at `width` from now on, mended on each edit,
    /// so `linesThroughCursor(width:)` at that width answers without laying
    /// out the text. Laid out from the start to past the cursor only.
    mutating func keepLayout(width: Int) {
        let width = max(2, width)
        if layout?.width == width { return }
        layout = Layout(width: width, lines: [], gap: 0)
        settleLayout()
    }

    /// The lines from the text's start through `lookahead` past the cursor's
    /// at least (all of them when the kept layout reaches the end, or none
    /// is kept at `width`): what a frame and the motions read. Lines further
    /// down that an edit moved are not laid out until the cursor goes there.
    func linesThroughCursor(width: Int) -> [VisualLine] {
        if let layout, layout.width == max(2, width) { return layout.lines }
        return wrap(width: width)
    }

    /// Wraps at `width` cells, preferring to break after a space, and at newlines.
    /// With `maxLines`, stops once that many lines are known (a field showing
    /// the first three lines of a megabyte need not lay out the rest).
    func wrap(width: Int, maxLines: Int = .max) -> [VisualLine] {
        let width = max(2, width)
        if let layout, layout.width == width {
            guard let gap = layout.gap, maxLines > layout.lines.count else {
                return maxLines >= layout.lines.count ? layout.lines : Array(layout.lines.prefix(maxLines))
            }
            // The gap laid out here and not kept (this is not mutating): a
            // caller that wants every line of a megabyte pays for them.
            var lines = layout.lines
            var joined = false
            wrapLines(from: gap, width: width) { line, next in
                lines.append(line)
                if line.end < count, next == layout.restStart { joined = true; return false }
                return lines.count < maxLines
            }
            if joined { lines += layout.restLines(from: 0).prefix(maxLines - lines.count) }
            return lines
        }
        var lines: [VisualLine] = []
        wrapLines(from: 0, width: width) { line, _ in
            lines.append(line)
            return lines.count < maxLines
        }
        return lines
    }

    /// The visual line the cursor is on, and its column in cells.
    func cursorPosition(width: Int) -> (line: Int, column: Int) {
        cursorPosition(in: linesThroughCursor(width: width))
    }

    /// The same, from lines already wrapped (one layout per frame).
    func cursorPosition(in lines: [VisualLine]) -> (line: Int, column: Int) {
        let index = lineIndex(of: cursor, in: lines)
        return (index, cells(lines[index].start..<cursor))
    }

    func lineText(_ line: VisualLine) -> String { text(in: line.start..<line.end) }

    /// The greedy wrap from `start` (a line's start), line by line, until
    /// `emit` says stop; it is also told where the next line starts. A line
    /// depends only on the text from its start on, which is what lets an
    /// edit mend the lines around it (`mendLayout`).
    private func wrapLines(from start: Int, width: Int, _ emit: (VisualLine, _ next: Int) -> Bool) {
        var start = start
        var used = 0
        var lastSpace: Int?
        // Widths of the characters from `start` to the one being placed, for
        // what moves to the next line when it breaks at a space.
        var widths: [Int] = []
        var stopped = false
        forEachCells(from: start) { i, newline, space, w in
            while true {
                if newline {
                    if !emit(VisualLine(start: start, end: i), i + 1) { stopped = true; return false }
                    start = i + 1
                    used = 0
                    lastSpace = nil
                    widths.removeAll(keepingCapacity: true)
                    return true
                }
                // A character wider than the whole line (a control character's
                // visible form in a narrow field) has a line of its own, wider
                // than the field: broken before it again and again, it made an
                // empty line forever.
                if used + w > width, used > 0 {
                    // Break after the last space on this line when there is one.
                    let breakAt = lastSpace.map { $0 + 1 } ?? i
                    let end = breakAt > start ? breakAt : i
                    if !emit(VisualLine(start: start, end: end), end) { stopped = true; return false }
                    widths.removeFirst(end - start)
                    start = end
                    used = widths.reduce(0, +)
                    lastSpace = nil
                    continue
                }
                if space { lastSpace = i }
                used += w
                widths.append(w)
                return true
            }
        }
        if !stopped { _ = emit(VisualLine(start: start, end: count), count) }
    }

    /// After `old` (in the text before the edit) became `new` characters at the
    /// same start: the lines from two before the edit's are wrapped again
    /// until one starts where a line started before (moved by the change),
    /// and the rest are the old ones, moved. When none does within
    /// `lookahead` lines past the edit, the layout stops there: the lines
    /// below are laid out when the cursor goes to them (`settleLayout`), and
    /// those from the next paragraph on are kept, moved (`Layout.rest`).
    private mutating func mendLayout(_ old: Range<Int>, newCount: Int) {
        guard var kept = layout else { return }
        // Taken out, so the lines are mended in place (no copy of a
        // megabyte's twenty thousand lines on each key, issue 18).
        layout = nil
        let delta = newCount - old.count
        let editedEnd = old.lowerBound + newCount
        kept.dropRest(touchedBy: old)
        kept.restShift += delta
        let oldGap = kept.gap
        // An edit in the part not laid out: the two lines before it can
        // change (see below) and join that part.
        if let oldGap, old.lowerBound >= oldGap {
            let keep = max(0, kept.lines.count - 2)
            if keep < kept.lines.count {
                kept.gap = kept.lines[keep].start
                kept.lines.removeSubrange(keep...)
            }
            layout = kept
            return
        }
        // Two lines before: a line's break depends on the text up to the
        // character that did not fit, which can be where the line after the
        // next one starts (a line of one space, then a word the wide
        // character after it did not fit with), and a newline typed there
        // ends that line instead.
        let containing = Self.lastLine(startingAtOrBefore: old.lowerBound, in: kept.lines)
        let restart = max(0, containing - 2)
        enum Join { case end, line(Int), gap(Int), rest(Int), cut(Int) }
        var join = Join.end
        var wrapped: [VisualLine] = []
        var past = 0
        wrapLines(from: kept.lines[restart].start, width: kept.width) { line, next in
            wrapped.append(line)
            // The text's last line (it ends at the end) has no line after it.
            guard line.end < count else { return true }
            if line.start > editedEnd { past += 1 }
            guard next >= editedEnd else { return true }
            // Where the next line would have started before the edit (past it).
            let was = next - delta
            if oldGap.map({ was < $0 }) ?? true {
                let candidate = Self.lastLine(startingAtOrBefore: was, in: kept.lines)
                if kept.lines[candidate].start == was { join = .line(candidate); return false }
            } else if was == oldGap {
                join = .gap(next)
                return false
            } else if let index = kept.restLine(startingAt: next) {
                join = .rest(index)
                return false
            }
            if past >= Self.lookahead { join = .cut(next); return false }
            return true
        }
        switch join {
        case .end:
            kept.lines.replaceSubrange(restart..., with: wrapped)
            kept.gap = nil
            kept.rest = []
        case let .line(candidate):
            kept.lines.replaceSubrange(restart..<candidate, with: wrapped)
            if delta != 0 {
                kept.lines.withUnsafeMutableBufferPointer { lines in
                    for index in (restart + wrapped.count)..<lines.count {
                        lines[index].start += delta
                        lines[index].end += delta
                    }
                }
            }
            kept.gap = oldGap.map { $0 + delta }
        case let .gap(next):
            kept.lines.replaceSubrange(restart..., with: wrapped)
            kept.gap = next
        case let .rest(index):
            kept.lines.replaceSubrange(restart..., with: wrapped)
            kept.joinRest(from: index)
        case let .cut(next):
            if oldGap == nil {
                // The old lines from the first paragraph after the cut stay
                // (their text is after the edit's, and a line starts there).
                var index = Self.lastLine(startingAtOrBefore: next - delta, in: kept.lines) + 1
                while index < kept.lines.count, kept.lines[index].start != kept.lines[index - 1].end + 1 { index += 1 }
                kept.rest = Array(kept.lines[index...])
                kept.restShift = delta
            }
            kept.lines.replaceSubrange(restart..., with: wrapped)
            kept.gap = next
        }
        layout = kept
    }

    /// Lays out the kept layout's gap until `lookahead` lines past the
    /// cursor's are known, or the text's end, or the kept rest joins.
    private mutating func settleLayout() {
        guard var kept = layout, let gap = kept.gap else { return }
        let position = cursor
        var after = kept.lines.isEmpty ? 0 : kept.lines.count - Self.lastLine(startingAtOrBefore: position, in: kept.lines) - 1
        guard after < Self.lookahead || position >= gap else { return }
        layout = nil
        let restStart = kept.restStart
        var join: Int?
        var joined = false
        wrapLines(from: gap, width: kept.width) { line, next in
            kept.lines.append(line)
            guard line.end < count else { return true }
            if next == restStart { joined = true; return false }
            if line.start > position { after += 1 }
            if after >= Self.lookahead, next > position { join = next; return false }
            return true
        }
        if joined {
            kept.joinRest(from: 0)
        } else {
            kept.gap = join
            if join == nil { kept.rest = [] }
        }
        layout = kept
    }

    private static func lastLine(startingAtOrBefore position: Int, in lines: [VisualLine]) -> Int {
        var low = 0, high = lines.count - 1
        var found = 0
        while low <= high {
            let mid = (low + high) / 2
            if lines[mid].start <= position { found = mid; low = mid + 1 } else { high = mid - 1 }
        }
        return found
    }

    private func lineIndex(of position: Int, in lines: [VisualLine]) -> Int {
        // A cursor at a wrap point belongs to the next line, except at the very end.
        guard !lines.isEmpty else { return 0 }
        let index = Self.lastLine(startingAtOrBefore: position, in: lines)
        return position <= lines[index].end ? index : lines.count - 1
    }

    private func cells(_ range: Range<Int>) -> Int {
        var total = 0
        forEach(from: range.lowerBound) { index, character in
            guard index < range.upperBound else { return false }
            total += TextWidth.of(character)
            return true
        }
        return total
    }

    private func logicalLineStart(_ position: Int) -> Int {
        var start = 0
        forEachBackward(before: position) { index, character in
            if character == "\n" { start = index + 1; return false }
            return true
        }
        return start
    }

    private func logicalLineEnd(_ position: Int) -> Int {
        var end = count
        forEach(from: position) { index, character in
            if character == "\n" { end = index; return false }
            return true
        }
        return end
    }

    private func wordStart(before position: Int) -> Int {
        var start = 0
        var inWord = false
        forEachBackward(before: position) { index, character in
            let word = isWordCharacter(character)
            if inWord, !word { start = index + 1; return false }
            inWord = inWord || word
            return true
        }
        return start
    }

    /// Letters, digits and CJK ideographs make words; spaces and punctuation
    /// such as the commas between prompt tags separate them.
    private func isWordCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_"
    }

    // MARK: Pieces

    /// The piece holding character `position`, and its offset there; the end
    /// of the text is the end of the last piece.
    private func locate(_ position: Int) -> (piece: Int, offset: Int) {
        var remaining = position
        for (index, pieceCount) in pieceCounts.enumerated() {
            if remaining < pieceCount { return (index, remaining) }
            remaining -= pieceCount
        }
        return pieces.isEmpty ? (0, 0) : (pieces.count - 1, pieceCounts[pieces.count - 1])
    }

    /// Each character from `position` on, with its index, until `body` says stop.
    private func forEach(from position: Int, _ body: (Int, Character) -> Bool) {
        guard position < count else { return }
        var (piece, offset) = locate(position)
        var index = position
        while piece < pieces.count {
            let text = pieces[piece]
            var at = text.index(text.startIndex, offsetBy: offset)
            while at != text.endIndex {
                if !body(index, text[at]) { return }
                index += 1
                at = text.index(after: at)
            }
            piece += 1
            offset = 0
        }
    }

    /// What the wrap needs of each character from `position` on: its index,
    /// whether it is a newline or a space, and its cells, until `body` says
    /// stop. A piece of one byte a character (ASCII, no CR LF) is read as
    /// bytes: a key that moves every wrapped line below it (a repeated
    /// text's greedy wrap falls into another of its cycles) lays out the
    /// whole text, and read a Character at a time a megabyte took 90 ms
    /// (issue 18, screenfar22).
    private func forEachCells(from position: Int, _ body: (Int, _ newline: Bool, _ space: Bool, _ cells: Int) -> Bool) {
        guard position < count else { return }
        var (piece, offset) = locate(position)
        var index = position
        while piece < pieces.count {
            let text = pieces[piece]
            let bytewise = text.utf8.count == pieceCounts[piece] ? text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
                for byte in bytes[offset...] {
                    // Printable ASCII is a cell; a control character is measured as the Character path does.
                    let cells = byte >= 0x20 && byte < 0x7F ? 1 : TextWidth.of(Character(Unicode.Scalar(byte)))
                    if !body(index, byte == 0x0A, byte == 0x20, cells) { return false }
                    index += 1
                }
                return true
            } : nil
            if bytewise == false { return }
            if bytewise == nil {
                var at = text.index(text.startIndex, offsetBy: offset)
                while at != text.endIndex {
                    let c = text[at]
                    if !body(index, c == "\n", c == " ", TextWidth.of(c)) { return }
                    index += 1
                    at = text.index(after: at)
                }
            }
            piece += 1
            offset = 0
        }
    }

    /// Each character before `position`, nearest first, until `body` says stop.
    private func forEachBackward(before position: Int, _ body: (Int, Character) -> Bool) {
        guard position > 0 else { return }
        var (piece, offset) = locate(position)
        if offset == 0, position < count { piece -= 1; offset = pieceCounts[piece] }
        var index = position
        while piece >= 0 {
            let text = pieces[piece]
            var at = text.index(text.startIndex, offsetBy: offset)
            while at != text.startIndex {
                at = text.index(before: at)
                index -= 1
                if !body(index, text[at]) { return }
            }
            piece -= 1
            if piece >= 0 { offset = pieceCounts[piece] }
        }
    }

    /// The one edit: characters `range` become `text`. Only the pieces the
    /// range touches are rewritten; the layout, if kept, is mended.
    private mutating func replace(_ range: Range<Int>, with text: String) {
        guard !range.isEmpty || !text.isEmpty else { return }
        let before = count
        if pieces.isEmpty {
            (pieces, pieceCounts) = Self.split(text)
        } else {
            let (first, startOffset) = locate(range.lowerBound)
            let (last, endOffset) = locate(range.upperBound)
            let head = pieces[first].prefix(startOffset)
            let lastText = pieces[last]
            let tail = lastText[lastText.index(lastText.startIndex, offsetBy: endOffset)...]
            let (newPieces, newCounts) = Self.split(String(head) + text + String(tail))
            pieces.replaceSubrange(first...last, with: newPieces)
            pieceCounts.replaceSubrange(first...last, with: newCounts)
            // Characters that join across a seam (a combining mark typed
            // after a letter) are moved into the piece before it.
            if first > 0 { joinSeam(after: first - 1) }
            let lastNew = first + newPieces.count - 1
            if newPieces.count > 0, lastNew + 1 < pieces.count { joinSeam(after: lastNew) }
            if first > 0, newPieces.isEmpty, first < pieces.count { joinSeam(after: first - 1) }
        }
        count = pieceCounts.reduce(0, +)
        revision = Self.nextRevision()
        anchor = nil
        // The caller places the cursor, which lays out past it (`cursor`'s
        // didSet); the edits that leave it where it was settle themselves.
        mendLayout(range, newCount: range.count + count - before)
    }

    private mutating func joinSeam(after piece: Int) {
        let next = piece + 1
        guard piece >= 0, next < pieces.count else { return }
        while let last = pieces[piece].last, let first = pieces[next].first, (String(last) + String(first)).count == 1 {
            pieces[piece].append(first)
            pieces[next].removeFirst()
            pieceCounts[next] -= 1
        }
        if pieces[next].isEmpty {
            pieces.remove(at: next)
            pieceCounts.remove(at: next)
        }
    }

    /// Text cut into pieces of at most `pieceLimit` characters, of even size.
    private static func split(_ text: String) -> ([String], [Int]) {
        guard !text.isEmpty else { return ([], []) }
        let total = text.count
        guard total > pieceLimit else { return ([text], [total]) }
        let pieceCount = (total + pieceLimit - 1) / pieceLimit
        var pieces: [String] = [], counts: [Int] = []
        pieces.reserveCapacity(pieceCount)
        var start = text.startIndex
        var remaining = total
        for index in 0..<pieceCount {
            let size = remaining / (pieceCount - index)
            let end = text.index(start, offsetBy: size)
            pieces.append(String(text[start..<end]))
            counts.append(size)
            start = end
            remaining -= size
        }
        return (pieces, counts)
    }
}

extension TextBuffer: Equatable {
    /// The same text and cursor (the kept layout is how it is shown, not what it is).
    static func == (lhs: TextBuffer, rhs: TextBuffer) -> Bool {
        lhs.cursor == rhs.cursor && lhs.anchor == rhs.anchor && lhs.count == rhs.count && (lhs.revision == rhs.revision || lhs.text == rhs.text)
    }
}

extension TextBuffer {
    /// The readline keys of a one-line box (a filter, a folder name): typing,
    /// deleting, moving, Ctrl-A/E/U/K/W. False when the key is not one of them.
    /// A cursor or delete command; `width` is the wrap width of a multi-line
    /// field (its lines are the visual ones), nil for a one-line box.
    mutating func apply(_ command: Command, width: Int?) -> Bool {
        // A plain motion ends a selection; a Shift one makes or grows it.
        if Self.motions.contains(command) { clearSelection() }
        switch command {
        case .selectLeft: extendSelection { $0.moveLeft() }
        case .selectRight: extendSelection { $0.moveRight() }
        case .selectWordLeft: extendSelection { $0.moveWordLeft() }
        case .selectWordRight: extendSelection { $0.moveWordRight() }
        case .selectLineStart: extendSelection { buffer in if let width { buffer.moveToLineStart(width: width) } else { buffer.moveToStart() } }
        case .selectLineEnd: extendSelection { buffer in if let width { buffer.moveToLineEnd(width: width) } else { buffer.moveToEnd() } }
        case .cursorLeft: moveLeft()
        case .cursorRight: moveRight()
        case .wordLeft: moveWordLeft()
        case .wordRight: moveWordRight()
        case .lineStart: if let width { moveToLineStart(width: width) } else { moveToStart() }
        case .lineEnd: if let width { moveToLineEnd(width: width) } else { moveToEnd() }
        case .textStart: moveToStart()
        case .textEnd: moveToEnd()
        case .cursorUp: if let width { moveVertically(by: -1, width: width) } else { return false }
        case .cursorDown: if let width { moveVertically(by: 1, width: width) } else { return false }
        case .deleteBackward: backspace()
        case .deleteForward: deleteForward()
        case .killToStart: killToLineStart()
        case .killToEnd: killToLineEnd()
        case .deleteWordBackward: deleteWordBackward()
        default: return false
        }
        return true
    }

    private static let motions: Set<Command> = [.cursorLeft, .cursorRight, .wordLeft, .wordRight, .lineStart, .lineEnd, .textStart, .textEnd,
                                                 .cursorUp, .cursorDown]

    // MARK: Selection (issue 19)

    /// The selected characters, if any (none when the anchor is the cursor).
    var selection: Range<Int>? {
        guard let anchor, anchor != cursor else { return nil }
        return min(anchor, cursor)..<max(anchor, cursor)
    }

    mutating func clearSelection() { anchor = nil }

    /// A motion that grows the selection from where it began (or from the cursor).
    mutating func extendSelection(_ move: (inout TextBuffer) -> Void) {
        let start = anchor ?? cursor
        move(&self)
        anchor = start
    }

    /// Deletes the selected text, the cursor at its place; false when nothing is selected.
    @discardableResult
    mutating func deleteSelection() -> Bool {
        guard let selection else { anchor = nil; return false }
        replace(selection, with: "")
        cursor = selection.lowerBound
        return true
    }

    /// Ctrl-↑/↓ on a selection (A1111's edit-attention): `(a b c:1.1)`, an
    /// already weighted selection re-weighed in place, at 1.0 its brackets
    /// gone. The selection stays on the same words. Reads the selection and
    /// a few characters around it, never the rest of the text.
    private mutating func adjustSelectionWeight(_ selection: Range<Int>, up: Bool) -> Bool {
        let window = max(0, selection.lowerBound - Self.selectionMargin)..<min(count, selection.upperBound + Self.selectionMargin)
        let characters = Array(text(in: window))
        guard let result = PromptAttention.adjust(characters, base: window.lowerBound, selection: selection, up: up) else { return false }
        let cursorAtEnd = cursor == selection.upperBound
        replace(result.edit.range, with: result.edit.replacement)
        let kept = min(result.selection.lowerBound, count)..<min(result.selection.upperBound, count)
        anchor = cursorAtEnd ? kept.lowerBound : kept.upperBound
        cursor = cursorAtEnd ? kept.upperBound : kept.lowerBound
        return true
    }

    /// Characters read on either side of a selection Ctrl-↑/↓ weighs: its
    /// `(` and `:1.25)`, or the `<lora:` of a tag it lies in.
    static let selectionMargin = PromptAttention.networkLimit + 1

    /// The first `count` visual lines of `text` at `width`, and whether more
    /// follow: a field not being edited shows a few lines of what may be a
    /// megabyte, so only enough of it to fill them is laid out.
    static func leadingLines(of text: String, width: Int, count lineCount: Int) -> (lines: [String], more: Bool) {
        var length = max(64, (lineCount + 2) * (width + 1))
        while true {
            let prefix = text.prefix(length)
            let whole = prefix.endIndex == text.endIndex
            let buffer = TextBuffer(String(prefix))
            let lines = buffer.wrap(width: width, maxLines: lineCount + 1)
            // Lines closed before the cut are exactly the whole text's.
            if whole || lines.count > lineCount {
                return (lines.prefix(lineCount).map(buffer.lineText), lines.count > lineCount)
            }
            length *= 2
        }
    }
}

extension TextBuffer {
    /// The cursor to a character index (a click in the field, issue 19), kept within the text.
    /// A click in the text: a plain move, so it ends a selection too.
    mutating func moveCursor(to index: Int) {
        cursor = min(max(0, index), count)
        anchor = nil
    }
}
