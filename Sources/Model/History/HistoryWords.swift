// The text of the history's word index (schema 2): prompt and model, with
// every Chinese, Japanese or Korean character set apart as a word of its
// own. SQLite's word tokenizer would otherwise take a whole run of them as
// one word, and "猫咪" inside "一只猫咪在雨中" could never be found by the
// short filters this index answers (HistoryFilter).

enum HistoryWords {
    /// `results`: the row's text results (schema 6), found like its prompt.
    static func text(prompt: String, model: String, results: String = "") -> String {
        spaced(prompt) + "\n" + spaced(model) + (results.isEmpty ? "" : "\n" + spaced(results))
    }

    /// `text` with a space either side of each ideograph or kana/hangul syllable.
    static func spaced(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for character in text {
            if isWordOfItsOwn(character) {
                out += " " + String(character) + " "
            } else {
                out.append(character)
            }
        }
        return out
    }

    static func isWordOfItsOwn(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        if scalar.properties.isIdeographic { return true }
        switch scalar.value {
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0xAC00...0xD7AF, 0x1100...0x11FF: return true  // kana, hangul
        default: return false
        }
    }
}
