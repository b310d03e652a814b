// Display width of text in terminal cells, from wcwidth(3) like ncurses
// itself, so Chinese prompts line up (ARCHITECTURE.md, terminal habits).

import CNcurses
#if canImport(Glibc)
import Glibc
#endif

enum TextWidth {
    /// wcwidth answers by the locale's character type; it must be UTF-8.
    /// zqt sets the locale from the environment before anything is drawn
    /// and falls back to C.UTF-8 when the environment's is not UTF-8.
    static func ensureUTF8Locale() {
        setlocale(LC_ALL, "")
        if zqt_wcwidth(0x4E00) != 2 {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    /// Cells one character (a grapheme cluster: e + U+0301) takes, from
    /// wcwidth of its first scalar like ncurses: 2 for wide (CJK, emoji), 1
    /// otherwise. A character shown another way takes the cells of its
    /// visible form (`visibleForm`).
    static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        // Fast path: printable ASCII first (a cluster too, measured by its first scalar as before).
        if first.value >= 0x20, first.value < 0x7F { return 1 }
        if let width = plainCells(character) { return width }
        if let form = visibleForm(character) {
            return form.reduce(0) { sum, part in part.text.reduce(sum) { $0 + plainWidth($1) } }
        }
        return plainWidth(character)
    }

    /// The cells of a character that is drawn as it is and measured without
    /// asking for its visible form, nil for any other: printable ASCII, and
    /// one spacing scalar alone from blocks that hold no format, control or
    /// combining character (Latin, punctuation, arrows, box drawing and
    /// blocks, CJK, Hangul, full-width forms): the bulk of a prompt and of
    /// the screen's frame (issue 18). `visibleForm` is nil for each, so `of`
    /// answers the same as it did.
    static func plainCells(_ character: Character) -> Int? {
        if let ascii = character.asciiValue { return ascii >= 0x20 && ascii < 0x7F ? 1 : nil }
        guard let first = character.unicodeScalars.first, isPlainBlock(first.value) else { return nil }
        // Its UTF-8 bytes are the whole character's: the scalar is alone (no mark, no joiner after it).
        let length = first.value < 0x800 ? 2 : (first.value < 0x10000 ? 3 : 4)
        guard character.utf8.count == length else { return nil }
        let width = Int(zqt_wcwidth(first.value))
        return width > 0 ? width : nil
    }

    /// The cells of `scalar` when it is a character by itself, as `of` and
    /// `plainCells` measure it, nil unless that is so whatever scalar of
    /// this kind stands on either side: printable ASCII, and a spacing
    /// scalar of the plain blocks that no grapheme rule joins to its
    /// neighbour (not an extending or spacing mark: U+FF9E joins the
    /// half-width kana before it). Two such scalars side by side are
    /// always two characters, so a long line of them is measured a scalar
    /// at a time (PreviewDocument's walk to a far window, issue 18).
    static func aloneCells(_ scalar: UInt32) -> Int? {
        if scalar >= 0x20, scalar < 0x7F { return 1 }
        // CJK ideographs, the bulk of a Chinese prompt: no mark among them.
        if (0x4E00..<0xA000).contains(scalar) || (0x3400..<0x4DC0).contains(scalar) {
            let width = Int(zqt_wcwidth(scalar))
            return width > 0 ? width : nil
        }
        guard isPlainBlock(scalar), let value = Unicode.Scalar(scalar) else { return nil }
        let width = Int(zqt_wcwidth(scalar))
        guard width > 0, !value.properties.isGraphemeExtend, value.properties.generalCategory != .spacingMark else { return nil }
        return width
    }

    private static func isPlainBlock(_ value: UInt32) -> Bool {
        switch value {
        case 0xA0..<0xAD, 0xAE..<0x300: return true     // Latin-1 and Latin, but the soft hyphen (Cf)
        case 0x2010..<0x2028: return true                // dashes, quotes, bullets, …; not U+200B–200F or U+2028 on
        case 0x2190..<0x2C00: return true                // arrows, technical, box drawing, blocks, shapes, symbols
        case 0x3000..<0xA000: return true                // CJK punctuation, kana, ideographs
        case 0xAC00..<0xD7A4: return true                // Hangul syllables
        case 0xFF01..<0xFFEF: return true                // full-width and half-width forms
        default: return false
        }
    }

    private static func plainWidth(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        let width = Int(zqt_wcwidth(first.value))
        return width >= 0 ? width : 1
    }

    /// A piece of a character's visible form; `code` pieces are drawn dim.
    struct Part: Equatable {
        let text: String
        let code: Bool
    }

    /// How a character is shown when drawing it as it is would hide part of
    /// it ("exactly what is sent" holds on screen), nil for every ordinary one:
    /// - bidi controls (U+202A–202E, U+2066–2069), zero-width and other format
    ///   characters (U+200B–200F, U+FEFF, every Cf) and control characters
    ///   are shown as a dim ⟨U+202E⟩ after whatever of the character is visible;
    /// - a combining mark with nothing to sit on sits on a dotted circle;
    /// - a cluster with more than one spacing character (👍🏽, a ZWJ family,
    ///   a flag) does not fit a cell of ncurses, and terminals disagree on
    ///   its width (tmux 3.3 draws 👍🏽 four cells wide over its neighbours):
    ///   its first picture is drawn and the rest named, 👍⟨U+1F3FD⟩,
    ///   👨⟨U+200D⟩👩⟨U+200D⟩👧, so every terminal shows all of it, aligned.
    /// Combining marks and variation selectors stay in their cell (e + U+0301).
    static func visibleForm(_ character: Character) -> [Part]? {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return nil }
        if scalars.count == 1, first.value >= 0xA0, first.value < 0x300, first.value != 0xAD { return nil }
        // Printable ASCII and spacing CJK ideographs, the bulk of a prompt,
        // hold no format or control character: drawn as they are, without
        // asking for their category (a frame asks for every cell, issue 18).
        if scalars.count == 1, first.value >= 0x20, first.value < 0x7F { return nil }
        if scalars.count == 1, first.value >= 0x3400, first.value < 0xA000, zqt_wcwidth(first.value) > 0 { return nil }
        var parts: [Part] = []
        var plain = String.UnicodeScalarView()
        var changed = false
        var lastWasSpacing = false
        func flush() {
            if !plain.isEmpty { parts.append(Part(text: String(plain), code: false)); plain = String.UnicodeScalarView() }
        }
        for scalar in scalars {
            let spacing = zqt_wcwidth(scalar.value) > 0
            if isInvisible(scalar) || (spacing && lastWasSpacing) || isEmojiModifier(scalar) {
                // Named, not drawn: it would draw nothing, or join the picture before it.
                flush()
                parts.append(Part(text: tag(scalar), code: true))
                changed = true
                lastWasSpacing = false
            } else {
                if spacing, !plain.isEmpty, plain.contains(where: { zqt_wcwidth($0.value) > 0 }) {
                    flush()
                }
                plain.append(scalar)
                if spacing { lastWasSpacing = true }
            }
        }
        flush()
        if !changed {
            // A combining mark alone (the start of a text, after a line break).
            if zqt_wcwidth(first.value) == 0, [.nonspacingMark, .enclosingMark, .spacingMark].contains(first.properties.generalCategory) {
                return [Part(text: "\u{25CC}" + String(character), code: false)]
            }
            return nil
        }
        return parts
    }

    static func isEmojiModifier(_ scalar: Unicode.Scalar) -> Bool {
        (0x1F3FB...0x1F3FF).contains(scalar.value)
    }

    /// Draws nothing, or moves the cursor, or turns text around: never sent to the terminal as it is.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false  // laid out as spaces and line breaks
        default: return [.format, .control].contains(scalar.properties.generalCategory)
        }
    }

    static func tag(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "⟨U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "⟩"
    }

    static func of<S: Sequence>(_ text: S) -> Int where S.Element == Character {
        text.reduce(0) { $0 + of($1) }
    }

    /// The longest prefix of `text` that fits in `width` cells.
    static func prefix(_ text: some StringProtocol, fitting width: Int) -> String {
        var used = 0
        var out = ""
        for character in text {
            let w = of(character)
            if used + w > width { break }
            used += w
            out.append(character)
        }
        return out
    }

    /// `text` cut to `width` cells, ending in "…" when it was cut. Read no
    /// further than the character that does not fit: a history row cuts a
    /// prompt of kilobytes to a line (issue 18).
    static func truncate(_ text: some Sequence<Character>, to width: Int) -> String {
        guard width > 0 else { return "" }
        var used = 0
        var out = ""
        // `out`'s bytes while it fits in a cell less, beside the "…": a character boundary.
        var cut = 0
        for character in text {
            let cells = of(character)
            if used + cells > width { return String(decoding: out.utf8.prefix(cut), as: UTF8.self) + "…" }
            used += cells
            out.append(character)
            if used < width { cut = out.utf8.count }
        }
        return out
    }

    /// `text` cut to `width` cells from its start, beginning with "…" when it
    /// was cut: a path's end (its task folder and file) says more than its start.
    static func truncateFront(_ text: some StringProtocol, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return String(text) }
        var kept: [Character] = []
        var cells = 0
        for character in text.reversed() {
            let next = of(character)
            guard cells + next <= width - 1 else { break }
            kept.append(character)
            cells += next
        }
        return "…" + String(kept.reversed())
    }
}
