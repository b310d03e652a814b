// The list of names that pops up under the cursor while a prompt is typed
// (issue 19): after `<lora:` the LoRA list's names, and for a word whose
// start an embedding's name shares, the embeddings. It narrows as the name
// grows, Tab takes the first (or the highlighted) name, Esc closes it.
//
// Enter is never taken unasked: with no name highlighted (↓/↑ highlight
// one), Enter ends the edit as always, so a prompt typed by heart ending in
// a word some embedding starts with is not completed behind the user's back.
//
// A key costs what is near the cursor and the length of the lists, never
// the text: the name is read from at most `PromptAttention.networkLimit`
// characters before the cursor.

import Model

struct PromptCompletion: Equatable, Sendable {
    /// Which list the names come from.
    var kind: ModelListKind
    /// The name being typed before the cursor (and, for a tag, its `<lora:`).
    var partial: PromptAttention.Partial
    /// The names that fit, best first, at most `limit`.
    var names: [String]
    /// The row ↓/↑ highlighted; nil: none, and Enter is not the list's.
    var chosen: Int?
    /// Where the name being completed starts in the text: Esc closes the list
    /// for this name, and it stays closed while the same name is typed on.
    var start: Int

    /// What the list knows of the edit between keys.
    struct Watch: Equatable, Sendable {
        /// The text's revision last looked at: a key that only moves the
        /// cursor closes the list (taking a name there would cut a word), only typing opens it.
        var revision: Int?
        /// Where the name whose list Esc closed (or whose name was taken) starts: not offered again while it is typed on.
        var closedAt: Int?
    }

    /// Names kept; the box shows `rows` of them around the highlighted one.
    static let limit = 50
    static let rows = 8
    /// A word opens the list from this many characters (one letter would offer half the list).
    static let wordMinimum = 2

    /// The completion for the characters just before the cursor (`before`,
    /// ending at `cursor`), from the LoRA names and the embeddings' names;
    /// nil when nothing fits.
    static func find(before: [Character], cursor: Int, loras: [String], embeddings: [String]) -> PromptCompletion? {
        guard let partial = PromptAttention.partialName(before: before) else { return nil }
        let start = cursor - partial.length
        if partial.tag {
            let names = matches(partial.typed, in: loras)
            return names.isEmpty ? nil : PromptCompletion(kind: .lora, partial: partial, names: names, start: start)
        }
        guard partial.typed.count >= wordMinimum else { return nil }
        // Matched on the list's names (a prompt's name is a prefix of its file's), then written as a prompt names them.
        var seen = Set<String>()
        let typed = partial.typed.lowercased()
        let names = matches(partial.typed, in: embeddings, prefixOnly: true).map(PromptAttention.withoutExtension)
            .filter { $0.lowercased().hasPrefix(typed) && seen.insert($0).inserted }
        // The word is already a whole name and no other starts with it: nothing to offer.
        guard !names.isEmpty, names != [partial.typed] else { return nil }
        return PromptCompletion(kind: .embedding, partial: partial, names: names, start: start)
    }

    /// Names starting with `typed` (any case) first, then, for a tag, those
    /// with a word starting with it (`detail` finds `add_detail`); in the
    /// list's order within each, at most `limit`.
    static func matches(_ typed: String, in names: [String], prefixOnly: Bool = false) -> [String] {
        let query = typed.lowercased()
        guard !query.isEmpty else { return Array(names.prefix(limit)) }
        var prefix: [String] = [], wordStart: [String] = []
        for name in names {
            let lowered = name.lowercased()
            if lowered.hasPrefix(query) {
                prefix.append(name)
                if prefix.count >= limit { break }
            } else if !prefixOnly, wordStart.count < limit, PickerState.startsAWord(query, in: lowered) {
                wordStart.append(name)
            }
        }
        return Array((prefix + wordStart).prefix(limit))
    }

    /// What taking `name` puts in place of the partial name: `<lora:NAME:1>`
    /// for a LoRA (weight 1, weighed after with Ctrl-↑/↓), an embedding's name as a prompt writes it.
    func token(_ name: String) -> String {
        kind == .lora ? "<lora:\(name):1>" : name
    }

    /// The name Tab takes: the highlighted one, else the first.
    var taken: String? { chosen.flatMap { names.indices.contains($0) ? names[$0] : nil } ?? names.first }

    /// The rows the box shows: a window of `rows` names keeping the highlighted one in view.
    var shownRange: Range<Int> {
        let top = max(0, min((chosen ?? 0) - Self.rows + 1, names.count - Self.rows))
        return top..<min(names.count, top + Self.rows)
    }
}
