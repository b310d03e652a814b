// The screen as data: a grid of cells that views render into and tests read.
// ncurses only draws this grid (ARCHITECTURE.md, "views are pure").

struct Cell: Equatable, Sendable {
    /// The character, or nil for the right half of a wide character.
    var character: Character?
    var style: Style
    /// A picture cell's colours (style .picture): palette indexes, -1 the terminal's own.
    var picture = PictureColours.none

    static let blank = Cell(character: " ", style: .normal)
}

/// The two colours of one cell of a picture drawn in symbols (issue 11).
struct PictureColours: Equatable, Sendable {
    var foreground: Int16
    var background: Int16

    static let none = PictureColours(foreground: -1, background: -1)
}

/// A picture the terminal draws itself (kitty, iTerm2, sixel) over blank
/// cells of the grid: where, and what (issue 11).
struct PicturePlacement: Equatable, Sendable {
    var rect: Rect
    /// The file whose pixels go there.
    var path: String
}

struct Size: Equatable, Sendable {
    var width: Int
    var height: Int
}

struct Rect: Equatable, Sendable {
    var x: Int
    var y: Int
    var width: Int
    var height: Int

    var maxX: Int { x + width }
    var maxY: Int { y + height }
}

struct Grid: Equatable, Sendable {
    let size: Size
    private(set) var cells: [Cell]
    /// Where the terminal cursor should be shown (while editing), if anywhere.
    var cursor: (x: Int, y: Int)?
    /// Pictures sent through a pixel protocol, drawn after the cells.
    var placements: [PicturePlacement] = []
    /// Pictures the frame would show that are not decoded yet (a view never
    /// reads or decodes a file): placeholders stand in, and the event loop
    /// has them decoded off the loop (Action.picturesWanted).
    var picturesWanted: [String] = []
    /// Where the frame drew what a click can reach (issue 19; MouseTarget.swift). Not part of ==: it follows the cells.
    var hitAreas: [HitArea] = []

    init(size: Size) {
        self.size = size
        cells = Array(repeating: .blank, count: max(0, size.width * size.height))
    }

    static func == (lhs: Grid, rhs: Grid) -> Bool {
        lhs.size == rhs.size && lhs.cells == rhs.cells && lhs.cursor?.x == rhs.cursor?.x && lhs.cursor?.y == rhs.cursor?.y
            && lhs.placements == rhs.placements
    }

    subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { cells[y * size.width + x] = newValue }
    }

    /// Writes text at (x, y), clipped to `limit` (a column past which nothing
    /// is drawn). Returns the column after the last cell written.
    @discardableResult
    mutating func put(_ text: some StringProtocol, x: Int, y: Int, style: Style, limit: Int? = nil) -> Int {
        guard y >= 0, y < size.height else { return x }
        let end = min(limit ?? size.width, size.width)
        var column = x
        for character in text {
            guard let next = put(character, at: column, y: y, style: style, end: end) else { break }
            column = next
        }
        return column
    }

    /// One character, as `put` draws a text of it: the preview puts its
    /// rows a character at a time (each its own style), and a String made
    /// of each, then walked again, was a share of every frame (keyp90, issue 18).
    @discardableResult
    mutating func putCharacter(_ character: Character, x: Int, y: Int, style: Style, limit: Int? = nil) -> Int {
        guard y >= 0, y < size.height else { return x }
        return put(character, at: x, y: y, style: style, end: min(limit ?? size.width, size.width)) ?? x
    }

    /// `put`'s work for one character at `column`: the column after it, or
    /// nil when it does not fit before `end`.
    private mutating func put(_ character: Character, at column: Int, y: Int, style: Style, end: Int) -> Int? {
        var column = column
        // Printable ASCII and spacing CJK, the bulk of a prompt, are drawn
        // as they are without asking for a visible form: a frame puts
        // every cell of the screen (issue 18).
        if let width = TextWidth.plainCells(character) {
            if column + width > end { return nil }
            if column >= 0 {
                self[column, y] = Cell(character: character, style: style)
                if width == 2 { self[column + 1, y] = Cell(character: nil, style: style) }
            }
            return column + width
        }
        let shown: Character = (character.isNewline || character == "\t") ? " " : character
        let width = TextWidth.of(shown)
        if width == 0 { return column }
        if column + width > end { return nil }
        // What would draw nothing is shown as its code, dim (TextWidth.visibleForm).
        if let form = TextWidth.visibleForm(shown) {
            for part in form {
                for piece in part.text { column = putCell(piece, at: column, y: y, style: part.code ? .dim : style) }
            }
            return column
        }
        return putCell(shown, width: width, at: column, y: y, style: style)
    }

    /// The cells `put` gives one character (its visible form's, for one that would draw nothing).
    static func cellsTaken(by character: Character) -> Int {
        let shown: Character = (character.isNewline || character == "\t") ? " " : character
        return TextWidth.of(shown)
    }

    /// One character (a whole grapheme cluster) in its cell, and the right
    /// half of a wide one. Returns the column after it.
    private mutating func putCell(_ character: Character, width: Int? = nil, at column: Int, y: Int, style: Style) -> Int {
        let width = width ?? TextWidth.of(character)
        if column >= 0, column + width <= size.width {
            self[column, y] = Cell(character: character, style: style)
            if width == 2 { self[column + 1, y] = Cell(character: nil, style: style) }
        }
        return column + width
    }

    mutating func fill(_ rect: Rect, style: Style, character: Character = " ") {
        for y in max(0, rect.y)..<min(size.height, rect.maxY) {
            for x in max(0, rect.x)..<min(size.width, rect.maxX) {
                self[x, y] = Cell(character: character, style: style)
            }
        }
    }

    /// Restyles existing cells (for highlights) without changing characters.
    mutating func restyle(_ rect: Rect, style: Style) {
        for y in max(0, rect.y)..<min(size.height, rect.maxY) {
            for x in max(0, rect.x)..<min(size.width, rect.maxX) {
                self[x, y].style = style
            }
        }
    }

    /// One row as text (wide characters once), trailing blanks kept.
    func line(_ y: Int) -> String {
        var out = ""
        for x in 0..<size.width {
            if let character = self[x, y].character { out.append(character) }
        }
        return out
    }

    /// The whole screen as text, one row per line, trailing blanks trimmed:
    /// what golden screen tests compare.
    var text: String {
        (0..<size.height).map { y in
            var row = line(y)
            while row.last == " " { row.removeLast() }
            return row
        }.joined(separator: "\n")
    }
}
