// The text being edited in a field: characters and a cursor, with the
// motions and kills of a shell line editor (Home/End, word motion, Ctrl-U,
// Ctrl-K, Ctrl-W) and wrapping by display width, so the cursor moves right
// over Chinese text, where a character takes two cells.

struct TextBuffer: Equatable, Sendable {
    private(set) var characters: [Character]
    /// Index into `characters`: the cursor sits before that character.
    private(set) var cursor: Int

    init(_ text: String) {
        characters = Array(text)
        cursor = characters.count
    }

    var text: String { String(characters) }

    // MARK: Editing

    mutating func insert(_ text: String) {
        let new = Array(text)
        characters.insert(contentsOf: new, at: cursor)
        cursor += new.count
    }

    mutating func backspace() {
        guard cursor > 0 else { return }
        characters.remove(at: cursor - 1)
        cursor -= 1
    }

    mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }

    /// Ctrl-U: delete from the start of the line to the cursor.
    mutating func killToLineStart() {
        let start = logicalLineStart(cursor)
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    /// Ctrl-K: delete from the cursor to the end of the line.
    mutating func killToLineEnd() {
        let end = logicalLineEnd(cursor)
        characters.removeSubrange(cursor..<end)
    }

    /// Ctrl-W: delete the word before the cursor (and the spaces after it).
    mutating func deleteWordBackward() {
        let start = wordStart(before: cursor)
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    // MARK: Motion

    mutating func moveLeft() { cursor = max(0, cursor - 1) }
    mutating func moveRight() { cursor = min(characters.count, cursor + 1) }
    mutating func moveToStart() { cursor = 0 }
    mutating func moveToEnd() { cursor = characters.count }
    mutating func moveWordLeft() { cursor = wordStart(before: cursor) }

    mutating func moveWordRight() {
        var i = cursor
        while i < characters.count, !isWordCharacter(characters[i]) { i += 1 }
        while i < characters.count, isWordCharacter(characters[i]) { i += 1 }
        cursor = i
    }

    /// Home/End go to the start or end of the visual (wrapped) line.
    mutating func moveToLineStart(width: Int) {
        let lines = wrap(width: width)
        cursor = lines[lineIndex(of: cursor, in: lines)].start
    }

    mutating func moveToLineEnd(width: Int) {
        let lines = wrap(width: width)
        let line = lines[lineIndex(of: cursor, in: lines)]
        cursor = line.end
    }

    /// Up/Down keep the column in cells, as far as the target line allows.
    mutating func moveVertically(by delta: Int, width: Int) {
        let lines = wrap(width: width)
        let index = lineIndex(of: cursor, in: lines)
        let target = index + delta
        guard lines.indices.contains(target) else {
            cursor = delta < 0 ? 0 : characters.count
            return
        }
        let column = TextWidth.of(characters[lines[index].start..<cursor])
        var position = lines[target].start
        var used = 0
        while position < lines[target].end {
            let w = TextWidth.of(characters[position])
            if used + w > column { break }
            used += w
            position += 1
        }
        cursor = position
    }

    // MARK: Layout

    /// One visual line: characters `start..<end`, plus whether a newline ends it.
    struct VisualLine: Equatable {
        let start: Int
        let end: Int
    }

    /// Wraps at `width` cells, preferring to break after a space, and at newlines.
    /// With `maxLines`, stops once that many lines are known (a field showing
    /// the first three lines of a megabyte need not lay out the rest).
    func wrap(width: Int, maxLines: Int = .max) -> [VisualLine] {
        let width = max(2, width)
        var lines: [VisualLine] = []
        var start = 0
        var used = 0
        var lastSpace: Int?
        var i = 0
        while i < characters.count {
            if lines.count >= maxLines { return lines }
            let c = characters[i]
            if c == "\n" {
                lines.append(VisualLine(start: start, end: i))
                start = i + 1
                used = 0
                lastSpace = nil
                i += 1
                continue
            }
            let w = TextWidth.of(c)
            if used + w > width {
                // Break after the last space on this line when there is one.
                let breakAt = (lastSpace.map { $0 + 1 } ?? i)
                let end = breakAt > start ? breakAt : i
                lines.append(VisualLine(start: start, end: end))
                start = end
                used = TextWidth.of(characters[start..<i])
                lastSpace = nil
                continue
            }
            if c == " " { lastSpace = i }
            used += w
            i += 1
        }
        lines.append(VisualLine(start: start, end: characters.count))
        return lines
    }

    /// The visual line the cursor is on, and its column in cells.
    func cursorPosition(width: Int) -> (line: Int, column: Int) {
        cursorPosition(in: wrap(width: width))
    }

    /// The same, from lines already wrapped (one layout per frame).
    func cursorPosition(in lines: [VisualLine]) -> (line: Int, column: Int) {
        let index = lineIndex(of: cursor, in: lines)
        return (index, TextWidth.of(characters[lines[index].start..<cursor]))
    }

    func lineText(_ line: VisualLine) -> String { String(characters[line.start..<line.end]) }

    private func lineIndex(of position: Int, in lines: [VisualLine]) -> Int {
        // A cursor at a wrap point belongs to the next line, except at the very end.
        for (index, line) in lines.enumerated() {
            if position >= line.start, position < line.end { return index }
            if position == line.end {
                let next = index + 1
                if next < lines.count, lines[next].start == position { continue }
                return index
            }
        }
        return max(0, lines.count - 1)
    }

    private func logicalLineStart(_ position: Int) -> Int {
        var i = position
        while i > 0, characters[i - 1] != "\n" { i -= 1 }
        return i
    }

    private func logicalLineEnd(_ position: Int) -> Int {
        var i = position
        while i < characters.count, characters[i] != "\n" { i += 1 }
        return i
    }

    private func wordStart(before position: Int) -> Int {
        var i = position
        while i > 0, !isWordCharacter(characters[i - 1]) { i -= 1 }
        while i > 0, isWordCharacter(characters[i - 1]) { i -= 1 }
        return i
    }

    /// Letters, digits and CJK ideographs make words; spaces and punctuation
    /// such as the commas between prompt tags separate them.
    private func isWordCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_"
    }
}

extension TextBuffer {
    /// The readline keys of a one-line box (a filter, a folder name): typing,
    /// deleting, moving, Ctrl-A/E/U/K/W. False when the key is not one of them.
    /// A cursor or delete command; `width` is the wrap width of a multi-line
    /// field (its lines are the visual ones), nil for a one-line box.
    mutating func apply(_ command: Command, width: Int?) -> Bool {
        switch command {
        case .cursorLeft: moveLeft()
        case .cursorRight: moveRight()
        case .wordLeft: moveWordLeft()
        case .wordRight: moveWordRight()
        case .lineStart: if let width { moveToLineStart(width: width) } else { moveToStart() }
        case .lineEnd: if let width { moveToLineEnd(width: width) } else { moveToEnd() }
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
}
