// AUTOMATIC1111's attention syntax in a prompt, as its
// modules/prompt_parser.py reads it: `(x)` raises a part by 1.1, `[x]`
// lowers it, `(x:1.2)` sets the weight, `\(` is a plain bracket, and round
// and square brackets are matched on separate stacks (`( [ ) ]` is
// balanced there). `<lora:NAME:0.8>` is an extra network (its
// extra_networks.py). A bracket left open applies to the rest of the prompt
// and a stray closer is text: both are flagged, as a user rarely means them.
//
// Pure and bounded: it reads only the characters it is given (a window
// around what is on screen or around the cursor, never a whole megabyte per
// key), and what lies outside the window is not guessed at: a closer whose
// opener may be before the window is not flagged.

enum PromptAttention {
    enum Kind: Equatable, Sendable {
        /// `(`, `)`, `[`, `]` that pair up.
        case bracket
        /// The `:1.2` before a `)`.
        case weight
        /// `<lora:NAME:0.8>` and the other extra networks.
        case network
        /// A bracket with no partner.
        case unbalanced
    }

    struct Span: Equatable, Sendable {
        /// In the characters given, moved by `base`.
        var range: Range<Int>
        var kind: Kind
    }

    /// Longest `<…>` read as one extra network; a `<` with no `>` that near is text.
    static let networkLimit = 256

    /// The spans of `characters`, which start at index `base` of the text.
    /// `atStart`/`atEnd`: whether the window begins/ends the text, so a
    /// bracket without a partner inside it is really unbalanced.
    static func spans(_ characters: [Character], base: Int = 0, atStart: Bool = true, atEnd: Bool = true) -> [Span] {
        var spans: [Span] = []
        scan(characters, atStart: atStart, atEnd: atEnd) { range, kind in
            spans.append(Span(range: range.lowerBound + base..<range.upperBound + base, kind: kind))
        }
        return spans.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// Characters with no partner, in a whole text (once, when an edit ends).
    /// Read in place: an array of a megabyte prompt's characters took 16 bytes
    /// each, 16.8 MB for the moment the edit ended (issue 18, heaptrack's peak).
    static func unbalancedCount(_ text: String) -> Int {
        var count = 0
        scan(text, atStart: true, atEnd: true) { _, kind in
            if kind == .unbalanced { count += 1 }
        }
        return count
    }

    /// One pass over `characters`, telling `add` each span (as offsets from
    /// the first character) in the order found; any collection of characters,
    /// so a whole String is read where it lies.
    private static func scan<Characters: Collection<Character>>(_ characters: Characters, atStart: Bool, atEnd: Bool,
                                                                add: (Range<Int>, Kind) -> Void) {
        var round: [Int] = [], square: [Int] = []
        var i = characters.startIndex, offset = 0
        func step() { characters.formIndex(after: &i); offset += 1 }
        while i != characters.endIndex {
            // Compared as ASCII bytes: every character looked for is one, and a
            // Character compared with a literal costs a string comparison (issue 18).
            switch characters[i].asciiValue {
            case UInt8(ascii: "\\"):
                step()  // `\(`, `\\`: the next character is text
                if i != characters.endIndex { step() }
                continue
            case UInt8(ascii: "<"):
                if let end = networkEnd(characters, from: i) {
                    add(offset..<offset + end.length, .network)
                    i = end.index
                    offset += end.length
                    continue
                }
            case UInt8(ascii: "("):
                round.append(offset)
            case UInt8(ascii: "["):
                square.append(offset)
            case UInt8(ascii: ")"):
                if let open = round.popLast() { add(open..<open + 1, .bracket); add(offset..<offset + 1, .bracket) }
                else { add(offset..<offset + 1, atStart ? .unbalanced : .bracket) }
            case UInt8(ascii: "]"):
                if let open = square.popLast() { add(open..<open + 1, .bracket); add(offset..<offset + 1, .bracket) }
                else { add(offset..<offset + 1, atStart ? .unbalanced : .bracket) }
            case UInt8(ascii: ":"):
                // `:1.2)` closes a weighted group (prompt_parser's `:\s*([+-]?[.\d]+)\s*\)`).
                if !round.isEmpty, let close = weightEnd(characters, colon: i) {
                    let open = round.removeLast()
                    add(open..<open + 1, .bracket)
                    add(offset..<offset + close.distance, .weight)
                    add(offset + close.distance..<offset + close.distance + 1, .bracket)
                    i = characters.index(after: close.index)
                    offset += close.distance + 1
                    continue
                }
            default:
                break
            }
            step()
        }
        for open in round + square { add(open..<open + 1, atEnd ? .unbalanced : .bracket) }
    }

    /// The index of the `)` when `:` at `colon` starts a weight, else nil.
    static func weightEnd(_ characters: [Character], colon: Int) -> Int? {
        weightEnd(characters[...], colon: colon).map { colon + $0.distance }
    }

    /// The `)` closing a weight whose `:` is at `colon`, and how many characters on it is.
    private static func weightEnd<Characters: Collection<Character>>(_ characters: Characters, colon: Characters.Index)
        -> (index: Characters.Index, distance: Int)? {
        var i = characters.index(after: colon), distance = 1
        func at(_ test: (Character) -> Bool) -> Bool { i != characters.endIndex && test(characters[i]) }
        func step() { characters.formIndex(after: &i); distance += 1 }
        while at({ $0 == " " }) { step() }
        if at({ $0 == "+" || $0 == "-" }) { step() }
        let digits = distance
        while at({ $0 == "." || $0.isASCII && $0.isNumber }) { step() }
        guard distance > digits else { return nil }
        while at({ $0 == " " }) { step() }
        return at({ $0 == ")" }) ? (i, distance) : nil
    }

    /// The index after the `>` of `<name:…>` starting at `open`, else nil.
    static func networkEnd(_ characters: [Character], from open: Int) -> Int? {
        networkEnd(characters[...], from: open).map { open + $0.length }
    }

    /// The index after the `>` of `<name:…>` starting at `open`, and the network's length in characters.
    private static func networkEnd<Characters: Collection<Character>>(_ characters: Characters, from open: Characters.Index)
        -> (index: Characters.Index, length: Int)? {
        var i = characters.index(after: open), length = 1
        func step() { characters.formIndex(after: &i); length += 1 }
        var sawName = false
        while i != characters.endIndex, length <= networkLimit {
            let c = characters[i]
            if c == ":" { if !sawName { return nil }; break }
            guard c.isLetter || c.isNumber || c == "_" else { return nil }
            sawName = true
            step()
        }
        guard i != characters.endIndex, characters[i] == ":" else { return nil }
        while i != characters.endIndex, length <= networkLimit {
            if characters[i] == ">" { step(); return (i, length) }
            if characters[i] == "<" || characters[i].isNewline { return nil }
            step()
        }
        return nil
    }

    /// An embedding's file name as a prompt names it: without `.pt`, `.safetensors`, `.bin`.
    static func withoutExtension(_ name: String) -> String {
        for suffix in [".pt", ".safetensors", ".bin"] where name.lowercased().hasSuffix(suffix) {
            return String(name.dropLast(suffix.count))
        }
        return name
    }

    /// The words of `characters` (one visual line) that are in `names`: the embeddings a prompt uses.
    static func namedWords(_ characters: [Character], base: Int = 0, in names: Set<String>) -> [Span] {
        guard !names.isEmpty else { return [] }
        var spans: [Span] = []
        var start = 0
        for end in 0...characters.count where end == characters.count || isDelimiter(characters[end]) {
            if end > start, names.contains(String(characters[start..<end])) {
                spans.append(Span(range: start + base..<end + base, kind: .network))
            }
            start = end + 1
        }
        return spans
    }

    // MARK: Completing a LoRA or embedding name

    /// The name being typed just before the cursor, which a pick from the
    /// LoRA or embedding list completes: after `<lora:` the name so far
    /// (`tag`: the `<lora:` goes too, the pick brings its own), else the
    /// word so far. `before` is a bounded stretch ending at the cursor.
    struct Partial: Equatable, Sendable {
        /// Characters before the cursor the completion replaces.
        var length: Int
        /// The name typed so far: the picker's filter.
        var typed: String
        var tag: Bool
    }

    static func partialName(before: [Character]) -> Partial? {
        if let open = before.lastIndex(of: "<"), !before[open...].contains(">"), !before[open...].contains(where: \.isWhitespace) {
            let inside = String(before[(open + 1)...])
            if inside.lowercased().hasPrefix("lora:") {
                return Partial(length: before.count - open, typed: String(inside.dropFirst(5)), tag: true)
            }
        }
        var start = before.count
        while start > 0, !isDelimiter(before[start - 1]) { start -= 1 }
        guard start < before.count else { return nil }
        return Partial(length: before.count - start, typed: String(before[start...]), tag: false)
    }

    /// Whether a pick replaces the partial name: a tag always; a word only
    /// when the pick starts with it (else the word stays and the pick follows).
    static func completes(_ partial: Partial, with choice: String) -> Bool {
        partial.tag ? !choice.hasPrefix("<") || choice.lowercased().hasPrefix("<lora:")
            : choice.lowercased().hasPrefix(partial.typed.lowercased()) || choice.lowercased().hasPrefix("<lora:" + partial.typed.lowercased())
    }

    // MARK: Raising and lowering a weight (A1111's Ctrl-↑/↓, edit-attention)

    /// A change to make: characters `range` (of the text) become `replacement`, the cursor goes to `cursor`.
    struct Edit: Equatable, Sendable {
        var range: Range<Int>
        var replacement: String
        var cursor: Int
        /// What stays selected after it (the words just weighed, as A1111
        /// leaves them), so the next letter replaces them and never lands
        /// inside the weight; nil to leave only the cursor.
        var selected: Range<Int>? = nil
    }

    /// The step A1111 uses for attention (its keyedit_precision_attention).
    static let step = 1

    /// Characters that end a word for Ctrl-↑/↓ (A1111's keyedit_delimiters, and whitespace).
    static func isDelimiter(_ c: Character) -> Bool {
        c.isWhitespace || ".,\\/!?%^*;:{}=`~()[]<>|\"".contains(c)
    }

    /// Raises (`up`) or lowers the weight at `cursor` by 0.1: the
    /// `(…:w)` group or `<lora:…:w>` around it, else the word under it,
    /// which becomes `(word:1.1)`. A weight reaching 1.0 drops its brackets.
    /// `characters` start at `base` of the text; nil when there is nothing to weigh.
    static func adjust(_ characters: [Character], base: Int = 0, cursor absolute: Int, up: Bool) -> Edit? {
        let cursor = absolute - base
        guard cursor >= 0, cursor <= characters.count else { return nil }
        let delta = up ? step : -step
        // Just after a group's `)` or a tag's `>` (where the cursor is when it was typed) counts as on it.
        let after = cursor > 0 && (characters[cursor - 1] == ")" || characters[cursor - 1] == ">")
        if let network = enclosingNetwork(characters, cursor: cursor) ?? (after ? enclosingNetwork(characters, cursor: cursor - 1) : nil) {
            return adjustNetwork(characters, network, base: base, cursor: cursor, delta: delta)
        }
        if let group = enclosingGroup(characters, cursor: cursor) ?? (after ? enclosingGroup(characters, cursor: cursor - 1) : nil) {
            guard let tenths = tenths(of: characters[group.colon + 1..<group.close]) else { return nil }
            let new = tenths + delta
            let inner = String(characters[group.open + 1..<group.colon])
            if new == 10 {
                // Back to 1.0: the brackets and the weight go.
                let moved = min(max(cursor - 1, group.open), group.colon - 1)
                return Edit(range: group.open + base..<group.close + 1 + base, replacement: inner, cursor: moved + base,
                            selected: group.open + base..<group.open + inner.count + base)
            }
            return Edit(range: group.colon + 1 + base..<group.close + base, replacement: format(new), cursor: absolute,
                        selected: group.open + 1 + base..<group.colon + base)
        }
        var start = cursor, end = cursor
        while start > 0, !isDelimiter(characters[start - 1]) { start -= 1 }
        while end < characters.count, !isDelimiter(characters[end]) { end += 1 }
        guard start < end else { return nil }
        let word = String(characters[start..<end])
        return Edit(range: start + base..<end + base, replacement: "(\(word):\(format(10 + delta)))", cursor: absolute + 1,
                    selected: start + 1 + base..<end + 1 + base)
    }

    /// Ctrl-↑/↓ on a selection, as A1111's edit-attention does it: the
    /// selected words (spaces at their ends left out) become `(a b c:1.1)`;
    /// a selection that is a group's words (`(` just before it, `:w)` just
    /// after) or a whole `(…:w)` group is re-weighed in place, and at 1.0
    /// the brackets go; inside a `<lora:…>` tag its weight moves. The new
    /// selection covers the same words. `characters` start at `base` and
    /// hold the selection and a few characters either side; nil when there
    /// is nothing but spaces to weigh.
    static func adjust(_ characters: [Character], base: Int = 0, selection: Range<Int>, up: Bool) -> (edit: Edit, selection: Range<Int>)? {
        var low = selection.lowerBound - base, high = selection.upperBound - base
        guard low >= 0, high <= characters.count, low < high else { return nil }
        while low < high, characters[low] == " " { low += 1 }
        while high > low, characters[high - 1] == " " { high -= 1 }
        guard low < high else { return nil }
        let delta = up ? step : -step
        let whole = (low + base)..<(high + base)
        if let network = enclosingNetwork(characters, cursor: low), high <= network.upperBound {
            guard let edit = adjustNetwork(characters, network, base: base, cursor: low, delta: delta) else { return nil }
            return (edit, whole)
        }
        // A whole `(words:w)` selected: its words are the ones weighed.
        if characters[low] == "(", characters[high - 1] == ")",
           let colon = characters[low + 1..<high - 1].lastIndex(of: ":"), weightEnd(characters, colon: colon) == high - 1,
           !characters[low + 1..<colon].contains(where: { $0 == "(" || $0 == ")" }) {
            low += 1
            high = colon
        }
        // The words of a weighted group: `(` before them, `:w)` after.
        if low > 0, characters[low - 1] == "(", high < characters.count, characters[high] == ":",
           let close = weightEnd(characters, colon: high), let tenths = tenths(of: characters[high + 1..<close]) {
            let new = tenths + delta
            let words = String(characters[low..<high])
            if new == 10 {
                return (Edit(range: low - 1 + base..<close + 1 + base, replacement: words, cursor: high - 1 + base),
                        low - 1 + base..<high - 1 + base)
            }
            return (Edit(range: high + 1 + base..<close + base, replacement: format(new), cursor: high + base), low + base..<high + base)
        }
        let words = String(characters[low..<high])
        return (Edit(range: low + base..<high + base, replacement: "(\(words):\(format(10 + delta)))", cursor: high + 1 + base),
                low + 1 + base..<high + 1 + base)
    }

    private struct Group { var open: Int; var colon: Int; var close: Int }

    /// The innermost `(…:w)` holding the cursor, its weight well formed.
    private static func enclosingGroup(_ characters: [Character], cursor: Int) -> Group? {
        var depth = 0
        var i = cursor - 1
        // Where the last group tried (one without a weight) closed: an outer
        // one closes after it, so each character is read forward once (a
        // thousand `(` cost a thousand steps, not a million).
        var closedAt: Int?
        while i >= 0 {
            let c = characters[i]
            if i > 0, characters[i - 1] == "\\" { i -= 1; continue }
            if c == ")" { depth += 1 } else if c == "(" {
                if depth == 0 {
                    // Its closer: the first `)` at this depth after the cursor.
                    var inner = 0
                    var j = closedAt.map { $0 + 1 } ?? i + 1
                    while j < characters.count {
                        let d = characters[j]
                        if characters[j - 1] == "\\" { j += 1; continue }
                        if d == "(" { inner += 1 } else if d == ")" {
                            if inner == 0 { break }
                            inner -= 1
                        }
                        j += 1
                    }
                    guard j < characters.count, j >= cursor else { return nil }
                    guard let colon = characters[i + 1..<j].lastIndex(of: ":"), weightEnd(characters, colon: colon) == j else {
                        closedAt = j
                        depth = 0
                        i -= 1
                        // A group without a weight: look further out.
                        continue
                    }
                    return Group(open: i, colon: colon, close: j)
                }
                depth -= 1
            }
            i -= 1
        }
        return nil
    }

    private static func enclosingNetwork(_ characters: [Character], cursor: Int) -> Range<Int>? {
        var i = min(cursor, characters.count - 1)
        while i >= 0, cursor - i <= networkLimit {
            if characters[i] == "<" {
                guard let end = networkEnd(characters, from: i), cursor < end else { return nil }
                return i..<end
            }
            if characters[i] == ">", i < cursor { return nil }
            i -= 1
        }
        return nil
    }

    private static func adjustNetwork(_ characters: [Character], _ network: Range<Int>, base: Int, cursor: Int, delta: Int) -> Edit? {
        let close = network.upperBound - 1
        guard let colon = characters[network].lastIndex(of: ":"), colon > characters[network].firstIndex(of: ":") ?? colon else {
            // `<lora:NAME>`: the weight 1 is implied.
            // The cursor goes after the tag, never into its number (the next letter would change the weight).
            let weight = ":" + format(10 + delta)
            return Edit(range: close + base..<close + base, replacement: weight, cursor: close + weight.count + 1 + base)
        }
        guard let tenths = tenths(of: characters[colon + 1..<close]) else { return nil }
        let weight = format(tenths + delta)
        return Edit(range: colon + 1 + base..<close + base, replacement: weight, cursor: colon + 1 + weight.count + 1 + base)
    }

    /// A weight in tenths (`1.25` → 13, rounded as A1111 rounds for show), nil when it is not a number.
    static func tenths(of text: ArraySlice<Character>) -> Int? {
        let trimmed = String(text).trimmingSpaces
        guard !trimmed.isEmpty, trimmed.count <= 12, let value = Double(trimmed), value.isFinite else { return nil }
        let scaled = (value * 10).rounded()
        guard abs(scaled) < 1_000_000 else { return nil }
        return Int(exactly: scaled)
    }

    /// Tenths as A1111 writes them: one decimal (`1.1`, `0.9`, `-0.1`).
    static func format(_ tenths: Int) -> String {
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}

private extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
