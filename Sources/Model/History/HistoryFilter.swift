// The history filter: what is typed, as a query that stays fast over a very
// large history (issue 4: each keystroke ≤ 15 ms with 100,000 rows; issue 18:
// within a frame with 1,000,000). Every word typed must match:
// - three characters or more: anywhere in the prompt, a task id, the model,
//   the endpoint (its id, or its name as the history shows it: `outpainting`,
//   issue 19), the state or a text result, in any case, through the trigram
//   index;
// - one or two characters: the start of a word of the prompt, the model or
//   a text result, or, for Chinese (Japanese, Korean), those characters in a
//   row, through the word index. (Too short for trigrams; scanning every row
//   instead would take far longer than a keystroke may.)
// - `batch:ID`: the rows of one sweep (issue 10), by its batch id or the
//   start of one;
// - `endpoint:NAME`: the rows of the endpoints NAME names (issue 19), as
//   `--endpoint NAME` does, or every endpoint whose name holds it.
//
// One word alone is one index query, read newest first up to the page's end,
// so a common word costs no more than a rare one. Several words are planned
// from how often each is found (HistoryFilterPlan): each index answers a
// cheap superset of the rows (a word of three letters or more by the rarest
// one or two of its trigrams, no positions to compare), SQLite merges those
// lists newest first, and only the rows left are read and checked against
// every word. Two common words that never meet then cost two short lists
// merged, not two whole phrase searches intersected (issue 18: 66 ms before).

struct HistoryFilter {
    /// A word of three characters or more (trigram index).
    struct TextTerm: Equatable {
        /// As typed, quoted: the whole word as one FTS5 phrase.
        let phrase: String
        /// Lowercased, as the row's text is for the check.
        let folded: String
        /// `folded`'s bytes, made once: a page's check compares them with thousands of rows (review20).
        let foldedBytes: [UInt8]
        /// Its trigrams, each quoted for FTS5, in order, without repeats.
        let trigrams: [String]
        /// The stored endpoint keys whose names hold the word (`outpainting`
        /// finds `tool/imgExpand`'s rows): found by those keys' own trigrams.
        let endpointKeys: [String]
    }

    let textTerms: [TextTerm]
    /// Each short word as an FTS5 query of the word index.
    let wordTerms: [String]
    /// For each short word of several tokens matched whole (`灯塔` is the
    /// phrase `"灯 塔"`), each token as a query of its own, else empty: one
    /// token's list holds every row the phrase finds, and is read without
    /// the positions a phrase compares (HistoryFilterPlan).
    let wordParts: [[String]]
    /// The short words' tokens, lowercased: what a list read past damage
    /// (issue 21), with no index to ask, looks for in a row's text.
    let shortTokens: [String]
    /// All of them: the word index's query; nil when no word needs it.
    var wordQuery: String? { wordTerms.isEmpty ? nil : wordTerms.joined(separator: " AND ") }
    /// The batch id, or its start, after `batch:`.
    let batchPrefix: String?
    /// The stored endpoint keys `endpoint:NAME` names; nil without it, empty
    /// when it names none (then nothing matches).
    let endpointKeys: [String]?

    var isEmpty: Bool { textTerms.isEmpty && wordQuery == nil && batchPrefix == nil && endpointKeys == nil }

    static let batchKeyword = "batch:"
    static let endpointKeyword = "endpoint:"

    /// `catalog` gives endpoints their names (the shipped one with the user's laid over it).
    init(_ text: String, catalog: EndpointCatalog = .shipped) {
        var terms: [TextTerm] = []
        var words: [String] = []
        var parts: [[String]] = []
        var short: [String] = []
        var batch: String?
        var endpoints: [String]?
        for term in text.split(whereSeparator: \.isWhitespace).map(String.init) {
            let lowered = term.lowercased()
            if lowered.hasPrefix(Self.batchKeyword) {
                // `batch:` alone, as typed before the id, narrows nothing yet.
                let id = String(term.dropFirst(Self.batchKeyword.count))
                if !id.isEmpty { batch = id }
            } else if lowered.hasPrefix(Self.endpointKeyword) {
                // Likewise `endpoint:` alone; a second one narrows further.
                let name = String(term.dropFirst(Self.endpointKeyword.count))
                guard !name.isEmpty else { continue }
                let keys = Self.endpointKeys(named: name, in: catalog)
                endpoints = endpoints.map { $0.filter(keys.contains) } ?? keys
            } else if term.count >= 3 {
                terms.append(TextTerm(phrase: Self.quoted(term), folded: lowered, foldedBytes: Array(lowered.utf8), trigrams: Self.trigrams(of: term),
                                      endpointKeys: Self.endpointKeys(holding: lowered, in: catalog)))
            } else {
                // The term as the index splits text: ideographs alone, punctuation dropped.
                let tokens = HistoryWords.spaced(term)
                    .split(whereSeparator: { !$0.isLetter && !$0.isNumber })
                    .map(String.init)
                guard let last = tokens.last?.last else { continue }  // punctuation alone narrows nothing
                short += tokens.map { $0.lowercased() }
                let phrase = Self.quoted(tokens.joined(separator: " "))
                // A Latin word is matched by its start; ideographs are whole words already.
                let whole = HistoryWords.isWordOfItsOwn(last)
                words.append(whole ? phrase : phrase + "*")
                // In the order typed: of two as rare, the first is the list the key before read.
                var distinct: [String] = []
                for token in tokens where !distinct.contains(token) { distinct.append(token) }
                parts.append(whole && tokens.count > 1 ? distinct.map(Self.quoted) : [])
            }
        }
        textTerms = terms
        wordTerms = words
        wordParts = parts
        shortTokens = short
        batchPrefix = batch
        endpointKeys = endpoints
    }

    /// An FTS5 string: no operators inside, quotes doubled.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    /// The trigram tokenizer's tokens: three code points each, case folded by
    /// the index itself.
    static func trigrams(of text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 3 else { return [] }
        var seen: [String] = []
        for start in 0...(scalars.count - 3) {
            var token = String.UnicodeScalarView()
            token.append(contentsOf: scalars[start..<(start + 3)])
            let quoted = Self.quoted(String(token))
            if !seen.contains(quoted) { seen.append(quoted) }
        }
        return seen
    }

    // MARK: Endpoint names (issue 19)

    /// The names a user sees or types for an endpoint, lowercased.
    static func names(of endpoint: Endpoint) -> [String] {
        [endpoint.id, endpoint.title, endpoint.name, endpoint.shortName].map { $0.lowercased() }
    }

    /// Keys of the catalog's endpoints whose id or name holds `word`, less
    /// those whose id holds it already (the trigram index has the id).
    static func endpointKeys(holding word: String, in catalog: EndpointCatalog) -> [String] {
        catalog.endpoints.filter { endpoint in
            !endpoint.id.lowercased().contains(word) && names(of: endpoint).contains { $0.contains(word) }
        }.map(\.storageKey).filter { $0.unicodeScalars.count >= 3 }
    }

    /// `endpoint:NAME`: the endpoint `--endpoint NAME` would take (its id,
    /// title or name, a short name, a unique start); else every endpoint one
    /// of whose names holds NAME (`endpoint:face` takes the three face
    /// tools); else a path of the user's own: a custom request's rows, whose
    /// stored key ends with it (`HistoryFilter.isEndpoint`).
    static func endpointKeys(named name: String, in catalog: EndpointCatalog) -> [String] {
        let wanted = name.lowercased()
        if let named = catalog.endpoint(named: name) { return [named.storageKey] }
        let holding = catalog.endpoints.filter { names(of: $0).contains { $0.contains(wanted) } }
        if !holding.isEmpty { return holding.map(\.storageKey) }
        if name.contains("/"), case let .success(path) = CustomEndpoint.relativePath(name),
           path.unicodeScalars.count >= 3 {
            return [path]
        }
        return []
    }

    /// Whether a row's stored endpoint key is one of `keys`: the key itself,
    /// or a custom request's path, last in its key (Endpoint.storageKey).
    static func isEndpoint(_ stored: String, in keys: [String]) -> Bool {
        keys.contains { stored == $0 || stored.hasSuffix(" " + $0) }
    }
}
