// The history filter: what is typed, as SQL conditions. Every word must
// appear somewhere in a row's prompt, task ids, model, endpoint or state,
// in any case. Words of three characters or more use the trigram index
// (schema 2), which stays fast over a very large history; shorter words
// (two Chinese characters, say) fall back to scanning with LIKE, bounded
// by the list's LIMIT and usually narrowed by the other words first.

struct HistoryFilter {
    let conditions: [String]
    let parameters: [SQLiteValue]

    init(_ text: String) {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        var conditions: [String] = []
        var parameters: [SQLiteValue] = []
        let indexed = words.filter { $0.count >= 3 }
        if !indexed.isEmpty {
            // Each word as a quoted FTS5 string: no operators, quotes doubled.
            let match = indexed.map { "\"" + $0.replacing("\"", with: "\"\"") + "\"" }.joined(separator: " AND ")
            conditions.append("id IN (SELECT rowid FROM submission_search WHERE submission_search MATCH ?)")
            parameters.append(.text(match))
        }
        for word in words where word.count < 3 {
            let escaped = word.replacing("\\", with: "\\\\").replacing("%", with: "\\%").replacing("_", with: "\\_")
            conditions.append("search_text LIKE ? ESCAPE '\\'")
            parameters.append(.text("%" + escaped + "%"))
        }
        self.conditions = conditions
        self.parameters = parameters
    }
}
