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

    /// Cells one character takes: 2 for wide (CJK), 0 for combining marks,
    /// 1 otherwise (control characters count as 1: they are shown as a symbol).
    static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if first.value < 0x20 || first.value == 0x7F { return 1 }
        let width = Int(zqt_wcwidth(first.value))
        if width >= 0 { return width }
        return 1
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

    /// `text` cut to `width` cells, ending in "…" when it was cut.
    static func truncate(_ text: some StringProtocol, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return String(text) }
        return prefix(text, fitting: width - 1) + "…"
    }
}
