import Testing
@testable import ZqtTUI

/// Issue 18: `Grid.put` and `TextWidth.of` skip `visibleForm` for the
/// characters `TextWidth.plainCells` answers. That holds only if each of
/// them is drawn as it is: no format, control or lone combining character
/// may take the fast path, and a mark or joiner after a plain one must not.
struct PlainCellsTests {
    static let blocks: [ClosedRange<UInt32>] = [0x20...0x7E, 0xA0...0x2FF, 0x2000...0x2FFF, 0x3000...0xD7FF, 0xFE00...0xFFFF]

    @Test func everyCharacterOnTheFastPathIsDrawnAsItIs() {
        TextWidth.ensureUTF8Locale()
        var fast = 0
        for block in Self.blocks {
            for value in block {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let character = Character(scalar)
                guard let cells = TextWidth.plainCells(character) else { continue }
                fast += 1
                #expect(TextWidth.visibleForm(character) == nil, "U+\(String(value, radix: 16)) has a visible form")
                #expect(!TextWidth.isInvisible(scalar), "U+\(String(value, radix: 16)) is invisible")
                #expect((1...2).contains(cells), "U+\(String(value, radix: 16)) measures \(cells)")
                // One failure says it: thousands of the same would bury it.
                if !(1...2).contains(cells) || TextWidth.visibleForm(character) != nil { return }
            }
        }
        #expect(fast > 20_000, "the ideographs, box drawing and ASCII take the fast path")
    }

    @Test func aCharacterWithAMarkOrAJoinerTakesTheSlowPath() {
        TextWidth.ensureUTF8Locale()
        for base in ["e", "─", "灯", "é"] {
            #expect(TextWidth.plainCells(Character(base + "\u{301}")) == nil)
            #expect(TextWidth.plainCells(Character(base + "\u{200D}")) == nil)
        }
        #expect(TextWidth.plainCells("\u{AD}") == nil, "a soft hyphen is shown as its code")
        #expect(TextWidth.plainCells("\u{200B}") == nil)
        #expect(TextWidth.plainCells("\r\n") == nil)
        var grid = Grid(size: Size(width: 20, height: 1))
        grid.put("─灯e\u{301}\u{AD}", x: 0, y: 0, style: .value)
        #expect(grid[0, 0].character == "─" && grid[1, 0].character == "灯" && grid[2, 0].character == nil)
        #expect(grid[3, 0].character == Character("e\u{301}"))
        #expect(grid.line(0).hasPrefix("─灯e\u{301}⟨U+00AD⟩"))
    }

    /// The preview puts its rows a character at a time (`Grid.putCharacter`,
    /// keyp90): each must land as it would in a text, fitting or clipped alike.
    @Test func aCharacterPutAloneIsDrawnAsInAText() {
        TextWidth.ensureUTF8Locale()
        let characters: [Character] = ["a", " ", "灯", "─", "é", "e\u{301}", "\u{AD}", "\u{200B}", "\t", "\n", "\u{7}",
                                       "👩‍👩‍👧", "\u{FEFF}", "Ａ"]
        for character in characters {
            for x in [0, 3, 4, 5] {
                var alone = Grid(size: Size(width: 6, height: 2))
                var inText = alone
                let after = alone.putCharacter(character, x: x, y: 1, style: .value, limit: 6)
                let afterText = inText.put(String(character), x: x, y: 1, style: .value, limit: 6)
                #expect(after == afterText, "\(character.unicodeScalars.map { String($0.value, radix: 16) }) at \(x)")
                #expect(alone == inText, "\(character.unicodeScalars.map { String($0.value, radix: 16) }) at \(x)")
            }
        }
        var grid = Grid(size: Size(width: 4, height: 1))
        #expect(grid.putCharacter("a", x: 0, y: 1, style: .value) == 0, "off the grid: nothing drawn")
        #expect(grid.putCharacter("灯", x: 3, y: 0, style: .value) == 3, "a wide character at the last column is not drawn")
        #expect(grid.line(0) == "    ")
    }
}
