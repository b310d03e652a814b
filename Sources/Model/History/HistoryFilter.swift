// The history filter: what is typed, as a query that stays fast over a very
// large history (issue 4: each keystroke ≤ 15 ms with 100,000 rows). Every
// word typed must match:
// - three characters or more: anywhere in the prompt, a task id, the model,
//   the endpoint or the state, in any case, through the trigram index;
// - one or two characters: the start of a word of the prompt or the model,
//   or, for Chinese (Japanese, Korean), those characters in a row, through
//   the word index. (Too short for trigrams; scanning every row instead
//   would take far longer than a keystroke may.)
// Both indexes are searched newest first and stop at the page's end, so a
// common word costs no more than a rare one.
// - `batch:ID`: the rows of one sweep (issue 10), by its batch id or the
//   start of one; with other words, the batch's rows are read first (a
//   batch is small) and each is checked against the indexes.

struct HistoryFilter {
    /// An FTS5 query for each index; nil when no word needs it.
    let trigramQuery: String?
    let wordQuery: String?

    /// The batch id, or its start, after `batch:`.
    let batchPrefix: String?

    var isEmpty: Bool { trigramQuery == nil && wordQuery == nil && batchPrefix == nil }

    static let batchKeyword = "batch:"

    init(_ text: String) {
        var trigram: [String] = []
        var words: [String] = []
        var batch: String?
        for term in text.split(whereSeparator: \.isWhitespace).map(String.init) {
            if term.lowercased().hasPrefix(Self.batchKeyword) {
                // `batch:` alone, as typed before the id, narrows nothing yet.
                let id = String(term.dropFirst(Self.batchKeyword.count))
                if !id.isEmpty { batch = id }
            } else if term.count >= 3 {
                trigram.append(Self.quoted(term))
            } else {
                // The term as the index splits text: ideographs alone, punctuation dropped.
                let tokens = HistoryWords.spaced(term)
                    .split(whereSeparator: { !$0.isLetter && !$0.isNumber })
                    .map(String.init)
                guard let last = tokens.last?.last else { continue }  // punctuation alone narrows nothing
                let phrase = Self.quoted(tokens.joined(separator: " "))
                // A Latin word is matched by its start; ideographs are whole words already.
                words.append(HistoryWords.isWordOfItsOwn(last) ? phrase : phrase + "*")
            }
        }
        trigramQuery = trigram.isEmpty ? nil : trigram.joined(separator: " AND ")
        wordQuery = words.isEmpty ? nil : words.joined(separator: " AND ")
        batchPrefix = batch
    }

    /// An FTS5 string: no operators inside, quotes doubled.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    /// Ids of matching rows, newest first, below `before`, at most `limit`:
    /// the SQL and its parameters. With words of both kinds, the two indexes
    /// are intersected as a merge of two lists sorted newest first, which
    /// stops at the page's end: a constraint from one index on the other
    /// (`rowid IN`, a join) makes SQLite query the second once per row of
    /// the first, which took over a second on 100,000 rows.
    func matchingIDs(before: Int?, limit: Int) -> (sql: String, parameters: [SQLiteValue]) {
        if let batchPrefix { return batchIDs(batchPrefix, before: before, limit: limit) }
        var parameters: [SQLiteValue] = []
        func select(_ table: String, _ query: String?) -> String {
            var conditions: [String] = []
            if let query {
                conditions.append("\(table) MATCH ?")
                parameters.append(.text(query))
            }
            if let before {
                conditions.append("rowid < ?")
                parameters.append(.int(before))
            }
            return "SELECT rowid FROM \(table)" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
        }
        let sql: String
        switch (trigramQuery, wordQuery) {
        case let (trigram?, words?):
            sql = select("submission_search", trigram) + " INTERSECT " + select("submission_words", words)
        case let (trigram?, nil):
            sql = select("submission_search", trigram)
        case let (nil, words?):
            sql = select("submission_words", words)
        case (nil, nil):
            sql = select("submission", nil)
        }
        return (sql + " ORDER BY 1 DESC LIMIT ?", parameters + [.int(limit)])
    }

    /// A batch's rows (through its partial index: ids starting with the
    /// prefix sort between it and it followed by the last code point), each
    /// checked against the word indexes by rowid, which costs a lookup per
    /// row of the batch and never reads the whole index.
    private func batchIDs(_ prefix: String, before: Int?, limit: Int) -> (sql: String, parameters: [SQLiteValue]) {
        var conditions = ["batch_id >= ?", "batch_id < ?"]
        var parameters: [SQLiteValue] = [.text(prefix), .text(prefix + "\u{10FFFF}")]
        if let before {
            conditions.append("id < ?")
            parameters.append(.int(before))
        }
        for (table, query) in [("submission_search", trigramQuery), ("submission_words", wordQuery)] {
            guard let query else { continue }
            conditions.append("EXISTS (SELECT 1 FROM \(table) WHERE \(table) MATCH ? AND rowid = submission.id)")
            parameters.append(.text(query))
        }
        return ("SELECT id FROM submission WHERE " + conditions.joined(separator: " AND ") + " ORDER BY 1 DESC LIMIT ?",
                parameters + [.int(limit)])
    }
}
