// How the history answers a filter (HistoryFilter) without reading more of
// a 1,000,000-row history than the page needs (issue 18).
//
// One word alone is its index's own query, newest first, stopped at the
// page's end. Several words (or a word with `batch:` or `endpoint:`) are
// answered in two steps:
// 1. candidates: each index gives a list of row ids, newest first, and SQLite
//    merges them (INTERSECT, a merge of sorted lists: it never builds a set).
//    The word index answers its words exactly. The trigram index answers, for
//    each longer word, the rows holding its rarest trigram: one list without
//    positions to compare, where the whole word is a phrase of up to dozens
//    of lists (all of `lighthouse`'s eight trigrams cost 32 ms of CPU over a
//    million rows, its rarest one 3 ms). How rare a trigram is is counted
//    among the newest rows (`rarityWindow`), once per store.
// 2. the check: candidates are read a chunk at a time, newest first, and
//    each row's own text is checked against every longer word (and its
//    endpoint against `endpoint:`) until the page is full. Asking the
//    index about one row instead costs half a millisecond or more.
//
// Two common words that never meet (`lighthouse 灯塔`) then cost two short
// lists merged to nothing; a rare word keeps every list short.

extension HistoryFilter {
    /// The candidates' query; `checksRows` when each must then be checked.
    struct Plan {
        let sql: String
        let parameters: [SQLiteValue]
        let checksRows: Bool
    }

    /// Rows among the newest counted to tell how rare a trigram is.
    static let rarityWindow = 4096

    /// The plan for rows below `before`, at most `limit` (exact plans stop
    /// there themselves); nil when nothing can match (`endpoint:` naming no
    /// endpoint). `rarity` counts a quoted trigram's recent rows.
    func plan(before: Int?, limit: Int, rarity: (String) throws(SQLiteError) -> Int) throws(SQLiteError) -> Plan? {
        if let endpointKeys, endpointKeys.isEmpty { return nil }
        var parameters: [SQLiteValue] = []
        func select(_ table: String, _ query: String?, key: String = "rowid", extra: [String] = []) -> String {
            var conditions: [String] = []
            if let query {
                conditions.append("\(table) MATCH ?")
                parameters.append(.text(query))
            }
            conditions += extra
            if let before {
                conditions.append("\(key) < ?")
                parameters.append(.int(before))
            }
            return "SELECT \(key) FROM \(table)" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
        }
        let onlyWord = textTerms.count == 1 && textTerms[0].endpointKeys.isEmpty ? textTerms.first : nil
        if isEmpty {
            let sql = select("submission", nil, key: "id")
            return Plan(sql: sql + " ORDER BY 1 DESC LIMIT ?", parameters: parameters + [.int(limit)], checksRows: false)
        }
        if let onlyWord, wordQuery == nil, batchPrefix == nil, endpointKeys == nil {
            let sql = select("submission_search", onlyWord.phrase)
            return Plan(sql: sql + " ORDER BY 1 DESC LIMIT ?", parameters: parameters + [.int(limit)], checksRows: false)
        }
        // The trigram index's candidates: every longer word (or an endpoint
        // its name finds) and `endpoint:`, each by its rarest trigram. Not
        // with `batch:`: a batch is small, its rows are read and checked,
        // and the trigram list (a merge reads it whole) is left unread.
        func rarest(_ trigrams: [String]) throws(SQLiteError) -> String? {
            var best: (token: String, count: Int)?
            for token in trigrams {
                let count = try rarity(token)
                if best == nil || count < best!.count { best = (token, count) }
                if count == 0 { break }
            }
            return best?.token
        }
        var conjuncts: [String] = []
        for term in textTerms where batchPrefix == nil {
            var alternatives: [String] = []
            for trigrams in [term.trigrams] + term.endpointKeys.map(Self.trigrams(of:)) {
                if let token = try rarest(trigrams) { alternatives.append(token) }
            }
            conjuncts.append(alternatives.count == 1 ? alternatives[0] : "(" + alternatives.joined(separator: " OR ") + ")")
        }
        if let endpointKeys, batchPrefix == nil {
            var alternatives: [String] = []
            for key in endpointKeys { if let token = try rarest(Self.trigrams(of: key)) { alternatives.append(token) } }
            guard !alternatives.isEmpty else { return nil }
            conjuncts.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        var arms: [String] = []
        if !conjuncts.isEmpty {
            arms.append(select("submission_search", conjuncts.joined(separator: " AND ")))
        }
        if let wordQuery { arms.append(select("submission_words", wordQuery)) }
        if let batchPrefix {
            // Through its partial index: ids starting with the prefix sort
            // between it and it followed by the last code point.
            parameters += [.text(batchPrefix), .text(batchPrefix + "\u{10FFFF}")]
            arms.append(select("submission", nil, key: "id", extra: ["batch_id >= ?", "batch_id < ?"]))
        }
        let checksRows = !textTerms.isEmpty || endpointKeys != nil
        let sql = arms.joined(separator: " INTERSECT ") + " ORDER BY 1 DESC"
        return checksRows ? Plan(sql: sql, parameters: parameters, checksRows: true)
            : Plan(sql: sql + " LIMIT ?", parameters: parameters + [.int(limit)], checksRows: false)
    }

    /// Whether a candidate row holds every longer word (or is of an endpoint
    /// its name finds) and is of an endpoint `endpoint:` names. `searchText`
    /// is the row's search_text (HistorySchema, migration 6).
    func accepts(searchText: String, endpoint: String) -> Bool {
        if let endpointKeys, !Self.isEndpoint(endpoint, in: endpointKeys) { return false }
        guard !textTerms.isEmpty else { return true }
        let folded = searchText.lowercased().unicodeScalars
        return textTerms.allSatisfy { term in
            folded.contains(term.folded.unicodeScalars) || Self.isEndpoint(endpoint, in: term.endpointKeys)
        }
    }
}

extension HistoryStore {
    /// Ids of rows matching `filter`, newest first, below `before`, at most
    /// `limit`. Called under the store's lock (inside `read`).
    func matchingIDs(_ filter: HistoryFilter, db: SQLiteConnection, before: Int?, limit: Int) throws(SQLiteError) -> [Int] {
        var newest: Int?
        let plan = try filter.plan(before: before, limit: limit) { token throws(SQLiteError) in
            if let known = trigramRarity[token] { return known }
            if newest == nil { newest = try db.scalar("SELECT max(id) FROM submission") ?? 0 }
            let count = try db.scalar("""
                SELECT count(*) FROM (SELECT rowid FROM submission_search WHERE submission_search MATCH ? AND rowid > ?)
                """, [.text(token), .int((newest ?? 0) - HistoryFilter.rarityWindow)]) ?? 0
            if trigramRarity.count >= 4096 { trigramRarity.removeAll() }
            trigramRarity[token] = count
            return count
        }
        guard let plan else { return [] }
        guard plan.checksRows else { return try db.run(plan.sql, plan.parameters).compactMap { $0.int(0) } }
        let candidates = try db.prepare(plan.sql)
        try candidates.bind(plan.parameters)
        var ids: [Int] = []
        var chunk: [Int] = []
        var chunkSize = 32
        var exhausted = false
        while ids.count < limit && !exhausted {
            chunk.removeAll(keepingCapacity: true)
            while chunk.count < chunkSize {
                guard let row = try candidates.step() else {
                    exhausted = true
                    break
                }
                if let id = row.int(0) { chunk.append(id) }
            }
            guard !chunk.isEmpty else { break }
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            var rows: [Int: (text: String, endpoint: String)] = [:]
            for row in try db.run("SELECT id, search_text, endpoint FROM submission WHERE id IN (\(marks))", chunk.map { .int($0) }) {
                if let id = row.int(0) { rows[id] = (row.text(1) ?? "", row.text(2) ?? "") }
            }
            for id in chunk where ids.count < limit {
                if let row = rows[id], filter.accepts(searchText: row.text, endpoint: row.endpoint) { ids.append(id) }
            }
            chunkSize = min(chunkSize * 4, 2048)
        }
        return ids
    }
}
