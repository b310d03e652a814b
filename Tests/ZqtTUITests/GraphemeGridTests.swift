import Model
import Testing
@testable import ZqtTUI

/// Issue 8: the grid holds whole grapheme clusters, so what is drawn is
/// exactly what is sent, and what would draw nothing is shown as its code.
struct GraphemeGridTests {
    static let combining = "e\u{301}"              // é as e + combining acute
    static let thumb = "👍🏽"                       // thumbs up, medium skin tone
    static let family = "👨\u{200D}👩\u{200D}👧"    // a ZWJ family
    static let rightToLeft = "\u{202E}"           // right-to-left override

    static func row(_ text: String, width: Int = 30) -> Grid {
        TextWidth.ensureUTF8Locale()
        var grid = Grid(size: Size(width: width, height: 1))
        grid.put(text, x: 0, y: 0, style: .value)
        return grid
    }

    @Test func aCombiningMarkStaysWithItsLetter() {
        let grid = Self.row("a" + Self.combining + "b")
        #expect(grid[1, 0].character == Character(Self.combining), "one cell holds e and its accent")
        #expect(grid[1, 0].character?.unicodeScalars.count == 2)
        #expect(grid[2, 0].character == "b")
        #expect(grid.line(0).hasPrefix("a" + Self.combining + "b"))
    }

    /// More than one spacing character in a cluster does not fit a cell of ncurses, and
    /// terminals disagree on its width (tmux 3.3 draws 👍🏽 over its neighbours): the
    /// picture is drawn and the rest named, so every part is on screen, aligned.
    @Test func anEmojiWithAModifierShowsItsModifier() {
        let grid = Self.row("[" + Self.thumb + "]")
        #expect(grid.line(0).hasPrefix("[👍⟨U+1F3FD⟩]"), "the skin tone is shown, not dropped")
        #expect(grid[1, 0].character == "👍" && grid[2, 0].character == nil, "the picture takes two cells")
        #expect(grid[3, 0].style == .dim)
        #expect(TextWidth.of(Character(Self.thumb)) == 2 + 9)
    }

    @Test func aZWJFamilyShowsEveryPerson() {
        let grid = Self.row("[" + Self.family + "]", width: 60)
        #expect(grid.line(0).hasPrefix("[👨⟨U+200D⟩👩⟨U+200D⟩👧]"), "the whole family, not one person")
        #expect(TextWidth.visibleForm("❤\u{FE0F}") == nil, "a variation selector stays in its cell")
        #expect(TextWidth.visibleForm("🇺🇸")?.map(\.text) == ["🇺", "⟨U+1F1F8⟩"])
    }

    @Test func bidiAndZeroWidthCharactersAreShownAsTheirCodes() {
        let grid = Self.row("ab" + Self.rightToLeft + "cd\u{200B}e")
        #expect(grid.line(0).hasPrefix("ab⟨U+202E⟩cd⟨U+200B⟩e"))
        #expect(grid[2, 0].style == .dim && grid[2, 0].character == "⟨", "the code is dim, apart from the text")
        #expect(grid[10, 0].character == "c" && grid[10, 0].style == .value)
        #expect(TextWidth.of(Character(Self.rightToLeft)) == 8, "wrapping and the cursor count the cells shown")
        for scalar: UInt32 in [0x202A, 0x202B, 0x202C, 0x202D, 0x2066, 0x2067, 0x2068, 0x2069, 0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF] {
            let character = Character(Unicode.Scalar(scalar)!)
            #expect(TextWidth.visibleForm(character) != nil, "U+\(String(scalar, radix: 16)) is shown")
        }
    }

    @Test func aControlCharacterIsShownNotSentRaw() {
        #expect(Self.row("a\u{1B}[2Jb").line(0).hasPrefix("a⟨U+001B⟩[2Jb"))
    }

    /// The form and the preview of a prompt holding every case: each is on screen.
    @Test func theFormAndPreviewShowEveryCase() {
        var state = makeState()
        let prompt = "a" + Self.combining + " " + Self.thumb + " " + Self.family + " " + Self.rightToLeft + "evil"
        state.request["prompt"] = .string(prompt)
        let screen = Screen.render(state).text
        #expect(screen.contains("a" + Self.combining + " 👍⟨U+1F3FD⟩ 👨⟨U+200D⟩👩⟨U+200D⟩👧"), "\(screen)")
        #expect(screen.contains("⟨U+202E⟩evil"), "\(screen)")
    }
}
