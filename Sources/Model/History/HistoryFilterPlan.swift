// How the history answers a filter (HistoryFilter) without reading more of
// a 1,000,000-row history than the page needs (issue 18).
//
// One word alone is its index's own query, newest first, stopped at the
// page's end. Several words (or a word with `batch:` or `endpoint:`) are
// answered in two steps:
// 1. candidates: each index gives a list of row ids, newest first, and SQLite
//    merges them (INTERSECT, a merge of sorted lists: it never builds a set),
//    or, for the screen's filter, HistoryCandidates, which keeps the lists
//    for the next key.
//    The word index answers its rarest short word exactly (the others are
//    asked of it over each chunk's span of ids). The trigram index answers, for
//    each longer word, the rows holding its rarest trigram: one list without
//    positions to compare, where the whole word is a phrase of up to dozens
//    of lists (all of `lighthouse`'s eight trigrams cost 32 ms of CPU over a
//    million rows, its rarest one 3 ms). How rare a trigram is is counted
//    among the newest rows (`rarityWindow`), once per store; a word found in
//    most of them narrows too little to be worth its list, and is left to
//    the check when another list gives the candidates.
// 2. the check: candidates are read a chunk at a time, newest first, and
//    each row's own text is checked against every longer word (and its
//    endpoint against `endpoint:`) until the page is full. Asking the
//    index about one row instead costs half a millisecond or more.
//
// Two common words that never meet (`lighthouse 灯塔`) then cost two short
// lists merged to nothing; a rare word keeps every list short.

extension HistoryFilter {
    /// The candidates' query; `checksRows` when each must then be checked:
    /// its text, and its id among the rows `deferredWords` finds in the
    /// word index (the short words left out of the candidates' query).
    struct Plan {
        let sql: String
        let parameters: [SQLiteValue]
        let checksRows: Bool
        var deferredWords: String? = nil
        /// Rows among the newest `rarityWindow` that hold the deferred
        /// words, each counted: how densely their index is read over a span.
        var deferredRarity = 0
        /// When `checksRows`: the lists `sql` intersects, each read on its
        /// own and merged here (HistoryCandidates), not bounded by `before`.
        var arms: [Arm] = []
    }

    /// One index's list of row ids, newest first: `SELECT key FROM table WHERE conditions`.
    struct Arm: Equatable {
        let table: String
        let key: String
        let conditions: [String]
        let parameters: [SQLiteValue]

        /// The ids below `?`, newest first (the parameter after `parameters`),
        /// stepped on as far as the merge needs (HistoryCandidates).
        var listSQL: String {
            "SELECT \(key) FROM \(table) WHERE " + (conditions + ["\(key) < ?"]).joined(separator: " AND ")
                + " ORDER BY \(key) DESC"
        }

        /// Names the list whatever page is asked of it.
        var cacheKey: String { listSQL + "\u{0}" + parameters.map { "\($0)" }.joined(separator: "\u{0}") }
    }

    /// Whether the plan is one index's own query, newest first and stopped
    /// at the page's end, whatever the words' rarity: no history, one
    /// longer word alone, or short words alone. Such a query costs about
    /// the same for a page as for a screenful (filter20).
    var isOneIndexQuery: Bool {
        guard batchPrefix == nil, endpointKeys == nil else { return false }
        if textTerms.isEmpty { return true }
        return textTerms.count == 1 && textTerms[0].endpointKeys.isEmpty && wordTerms.isEmpty
    }

    /// Which index a rarity is counted in; `endpoints`: how many rows are of
    /// one stored endpoint key (the query), estimated from the newest
    /// `endpointSample` rows' endpoints, read once.
    enum Index: String {
        case trigrams = "submission_search", words = "submission_words", endpoints = "submission"
    }

    /// Rows among the newest counted to tell how rare a word or trigram is.
    static let rarityWindow = 4096

    /// The newest rows whose endpoints tell how often each is used: a read of
    /// one column of 256 rows the list has just shown, not a trigram count
    /// for each endpoint a name holds (`endpoint:c` holds dozens of
    /// endpoints, each of a dozen trigrams: hundreds of counts).
    static let endpointSample = 256

    /// Counts of the index a plan may ask for beyond those kept: the rest
    /// are taken as common. A key counts one or two trigrams it has not
    /// seen; an endpoint name of dozens of endpoints would count hundreds.
    static let rarityCountsPerPlan = 16

    /// The plan for rows below `before`, at most `limit` (exact plans stop
    /// there themselves); nil when nothing can match (`endpoint:` naming no
    /// endpoint). `rarity` counts an FTS5 query's rows among the newest.
    func plan(before: Int?, limit: Int, rarity: (Index, String) throws(SQLiteError) -> Int) throws(SQLiteError) -> Plan? {
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
        func exact(_ sql: String) -> Plan {
            Plan(sql: sql + " ORDER BY 1 DESC LIMIT ?", parameters: parameters + [.int(limit)], checksRows: false)
        }
        if isOneIndexQuery {
            if isEmpty { return exact(select("submission", nil, key: "id")) }
            // Short words alone: one query of the word index, whose own AND
            // skips through its lists.
            if textTerms.isEmpty { return exact(select("submission_words", wordQuery)) }
            return exact(select("submission_search", textTerms[0].phrase))
        }
        // The trigram index's candidates: every longer word (or an endpoint
        // its name finds) and `endpoint:`, each by its rarest trigram; one
        // found in most rows is left to the check, unless all are. Not with
        // `batch:`: a batch is small, its rows are read and checked, and the
        // trigram list (a merge reads it whole) is left unread.
        func rarest(_ trigrams: [String]) throws(SQLiteError) -> (token: String, count: Int)? {
            try Self.rarest(trigrams, rarity)
        }
        var conjuncts: [(query: String, count: Int)] = []
        for term in textTerms where batchPrefix == nil {
            var alternatives: [(token: String, count: Int)] = []
            for trigrams in [term.trigrams] + term.endpointKeys.map(Self.trigrams(of:)) {
                if let found = try rarest(trigrams) { alternatives.append(found) }
            }
            let query = alternatives.count == 1 ? alternatives[0].token : "(" + alternatives.map(\.token).joined(separator: " OR ") + ")"
            conjuncts.append((query, alternatives.reduce(0) { $0 + $1.count }))
        }
        let common = Self.rarityWindow / 2
        if let endpointKeys, batchPrefix == nil {
            // No key long enough for a trigram: no list can hold its rows.
            guard endpointKeys.contains(where: { $0.unicodeScalars.count >= 3 }) else { return nil }
            // How often its endpoints are used, from the newest rows: used by
            // most, it narrows too little to be a list when another word
            // gives one (each candidate's endpoint is checked), and alone its
            // rows are dense, so each endpoint's first trigram serves without
            // counting which is rarest.
            var used = 0
            for key in endpointKeys { used += try rarity(.endpoints, key) }
            let otherList = !wordTerms.isEmpty || conjuncts.contains { $0.count < common }
            if used < common {
                var alternatives: [(token: String, count: Int)] = []
                for key in endpointKeys { if let found = try rarest(Self.trigrams(of: key)) { alternatives.append(found) } }
                conjuncts.append(("(" + alternatives.map(\.token).joined(separator: " OR ") + ")", alternatives.reduce(0) { $0 + $1.count }))
            } else if !otherList {
                let firsts = endpointKeys.compactMap { Self.trigrams(of: $0).first }
                conjuncts.append(("(" + firsts.joined(separator: " OR ") + ")", used))
            }
        }
        // The word index's candidates: its rarest short word; the others are
        // asked of it for the candidates' span only (a one-letter word such
        // as `s`, which every `safetensors` model holds, is a whole list).
        // A word of several characters (`灯塔`) is read by the list of its
        // rarest one, unless that one is found far more often than the whole
        // word, and the whole word is asked of the index for the span: one
        // list without positions costs less than half the phrase's two lists
        // compared (83,000 rows: 4.4 against 10-12 ms of CPU), and typing `灯` then
        // `灯塔` reads the same list, kept from the key before.
        var armWord: String?
        var deferred: [String] = []
        var deferredRarity = 0
        if !wordTerms.isEmpty {
            var counted: [(term: String, count: Int, list: String)] = []
            for (term, parts) in zip(wordTerms, wordParts) {
                let count = wordTerms.count == 1 && parts.isEmpty ? 0 : try rarity(.words, term)
                var list = term
                if !parts.isEmpty {
                    var rarest: (part: String, count: Int)?
                    for part in parts {
                        let found = try rarity(.words, part)
                        if rarest == nil || found < rarest!.count { rarest = (part, found) }
                    }
                    if let rarest, rarest.count <= 2 * count + Self.rarityWindow / 256 { list = rarest.part }
                }
                counted.append((term, count, list))
            }
            let sorted = counted.sorted { $0.count < $1.count }
            armWord = sorted[0].list
            deferred = (sorted[0].list == sorted[0].term ? [] : [sorted[0].term]) + sorted.dropFirst().map(\.term)
            deferredRarity = (sorted[0].list == sorted[0].term ? 0 : sorted[0].count) + sorted.dropFirst().reduce(0) { $0 + $1.count }
        }
        let rare = conjuncts.filter { $0.count < common }
        if rare.isEmpty, wordTerms.isEmpty, batchPrefix == nil, endpointKeys == nil,
           textTerms.allSatisfy({ $0.endpointKeys.isEmpty }) {
            // Longer words alone, each in most recent rows: they meet in many
            // rows, and the index's own AND of the whole words (`studio
            // light`) fills the page sooner than reading and checking rows.
            return exact(select("submission_search", textTerms.map(\.phrase).joined(separator: " AND ")))
        }
        let kept = !rare.isEmpty || armWord != nil || batchPrefix != nil ? rare : conjuncts.min { $0.count < $1.count }.map { [$0] } ?? []
        var arms: [String] = []
        var lists: [Arm] = []
        if !kept.isEmpty {
            let query = kept.map(\.query).joined(separator: " AND ")
            arms.append(select("submission_search", query))
            lists.append(Arm(table: "submission_search", key: "rowid", conditions: ["submission_search MATCH ?"], parameters: [.text(query)]))
        }
        if let armWord {
            arms.append(select("submission_words", armWord))
            lists.append(Arm(table: "submission_words", key: "rowid", conditions: ["submission_words MATCH ?"], parameters: [.text(armWord)]))
        }
        if let batchPrefix {
            // Through its partial index: ids starting with the prefix sort
            // between it and it followed by the last code point.
            let bounds: [SQLiteValue] = [.text(batchPrefix), .text(batchPrefix + "\u{10FFFF}")]
            parameters += bounds
            arms.append(select("submission", nil, key: "id", extra: ["batch_id >= ?", "batch_id < ?"]))
            lists.append(Arm(table: "submission", key: "id", conditions: ["batch_id >= ?", "batch_id < ?"], parameters: bounds))
        }
        let sql = arms.joined(separator: " INTERSECT ") + " ORDER BY 1 DESC"
        return Plan(sql: sql, parameters: parameters, checksRows: true,
                    deferredWords: deferred.isEmpty ? nil : deferred.joined(separator: " AND "),
                    deferredRarity: deferredRarity, arms: lists)
    }

    /// The rarest of `trigrams` as `rarity` counts them, the first found in
    /// no row ending the search (none is rarer): what the plan lists a word
    /// by, and what HistoryStore.prepareNextWord counts ahead of it.
    static func rarest(_ trigrams: [String], _ rarity: (Index, String) throws(SQLiteError) -> Int) throws(SQLiteError)
        -> (token: String, count: Int)? {
        var best: (token: String, count: Int)?
        for token in trigrams {
            let count = try rarity(.trigrams, token)
            if best.map({ count < $0.count }) ?? true { best = (token, count) }
            if count == 0 { break }
        }
        return best
    }

    /// Whether a candidate row holds every longer word (or is of an endpoint
    /// its name finds) and is of an endpoint `endpoint:` names. `searchText`
    /// is the row's search_text (HistorySchema, migration 6).
    func accepts(searchText: String, endpoint: String) -> Bool {
        if let endpointKeys, !Self.isEndpoint(endpoint, in: endpointKeys) { return false }
        guard !textTerms.isEmpty else { return true }
        var folded = searchText.lowercased()
        return folded.withUTF8 { text in
            textTerms.allSatisfy { term in
                Self.contains(text, term.foldedBytes) || Self.isEndpoint(endpoint, in: term.endpointKeys)
            }
        }
    }

    /// Whether `text` holds `word`'s bytes. UTF-8 being self-synchronizing,
    /// that is whether it holds its characters. A plain loop over the bytes:
    /// the standard library's `contains` of a collection (its generic
    /// searcher, type metadata looked up on each compare) was some 40% of a
    /// filter's query where rows are checked (filter20: `portrait ligh`,
    /// 2,000 rows of 2 KB read to fill a page).
    static func contains(_ text: UnsafeBufferPointer<UInt8>, _ word: [UInt8]) -> Bool {
        guard let first = word.first else { return true }
        guard text.count >= word.count else { return false }
        var start = 0
        let last = text.count - word.count
        while start <= last {
            if text[start] == first {
                var matched = 1
                while matched < word.count && text[start + matched] == word[matched] { matched += 1 }
                if matched == word.count { return true }
            }
            start += 1
        }
        return false
    }
}

extension HistoryStore {
    /// Rows of the deferred words' index read over a span that cost about
    /// what asking it about one candidate costs (0.2-0.3 ms for one row
    /// against 0.15-0.2 µs a row read over a span, at a million rows): past
    /// this many a candidate, each candidate is asked instead.
    static let deferredRowsPerLookup = 1024

    /// Candidates to read next for `left` more matches, at the rate `found`
    /// of `checked` passed, with a margin; at least a first chunk's 32.
    /// Chunks only grew: a page's last 40 rows of `portrait l` (nearly
    /// every candidate passes) read and checked a chunk of 512 rows of 2 KB.
    static func candidatesToFill(_ left: Int, found: Int, checked: Int) -> Int {
        guard found > 0, left > 0 else { return left > 0 ? Int.max : 32 }
        let (scaled, overflow) = left.multipliedReportingOverflow(by: checked)
        guard !overflow else { return Int.max }
        let expected = min(scaled / found, 1 << 40)
        return max(32, expected + expected / 4 + 8)
    }

    /// Ids of rows matching `filter`, newest first, below `before`, at most
    /// `limit`. Called under the filter's lock (inside `filterRead`);
    /// `cancel` is looked at between chunks too.
    func matchingIDs(_ filter: HistoryFilter, db: SQLiteConnection, before: Int?, limit: Int,
                     cancel: HistoryQueryCancel? = nil, lists: CandidateLists? = nil) throws(SQLiteError) -> [Int] {
        try matches(filter, db: db, before: before, limit: limit, notBelow: nil, cancel: cancel, lists: lists).ids
    }

    /// `matchingIDs`, and whether they are every match below `before`
    /// (`complete`: fewer than `limit`, and the search not stopped at
    /// `notBelow`). A plan that merges kept lists searches ids from
    /// `notBelow` up only (the first screenful, issue 18: two common words
    /// that never meet read the lists' newest slices, not both to their
    /// ends); an exact plan, the index's own query stopped at `limit`,
    /// searches below it too.
    func matches(_ filter: HistoryFilter, db: SQLiteConnection, before: Int?, limit: Int, notBelow: Int?,
                 cancel: HistoryQueryCancel?, lists: CandidateLists?) throws(SQLiteError) -> (ids: [Int], complete: Bool) {
        var counter = RarityCounter(store: self, db: db)
        let plan = try filter.plan(before: before, limit: limit) { index, query throws(SQLiteError) in
            try counter.count(index, query)
        }
        guard let plan else { return ([], true) }
        guard plan.checksRows else {
            let ids = try db.run(plan.sql, plan.parameters).compactMap { $0.int(0) }
            return (ids, ids.count < limit)
        }
        // The screen's filter merges the lists itself and keeps them for the
        // next key (HistoryCandidates); a query made once (the command line,
        // the gallery's pages) lets SQLite merge them, which costs less CPU
        // for lists read cold (docs/dev/measurements.md).
        var merge: CandidateMerge?
        var intersect: SQLiteStatement?
        if let lists {
            try lists.forgetIfChanged(db)
            merge = CandidateMerge(plan.arms.map(lists.list), below: before, notBelow: notBelow, db: db, cancel: cancel,
                                   owner: lists, wanted: limit)
        } else {
            let statement = try db.prepare(plan.sql)
            try statement.bind(plan.parameters)
            intersect = statement
        }
        defer { lists?.finish() }
        func nextCandidate() throws(SQLiteError) -> Int? {
            if merge != nil { return try merge?.next() }
            while let row = try intersect?.step() {
                if let id = row.int(0) { return id }
            }
            return nil
        }
        var ids: [Int] = []
        var chunk: [Int] = []
        var chunkSize = 32
        var checked = 0
        var exhausted = false
        while ids.count < limit && !exhausted {
            if cancel?.isCancelled == true { throw .interrupted }
            chunk.removeAll(keepingCapacity: true)
            while chunk.count < chunkSize {
                guard let id = try nextCandidate() else {
                    exhausted = true
                    break
                }
                chunk.append(id)
            }
            guard !chunk.isEmpty else { break }
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            var rows: [Int: (text: String, endpoint: String)] = [:]
            for row in try db.run("SELECT id, search_text, endpoint FROM submission WHERE id IN (\(marks))", chunk.map { .int($0) }) {
                if let id = row.int(0) { rows[id] = (row.text(1) ?? "", row.text(2) ?? "") }
            }
            // The short words left out of the candidates' query, asked of the
            // word index over this chunk's span only, or, when the span holds
            // far more of their rows than the chunk has candidates, for each
            // candidate (filterframe18: `lighthouse 灯塔`'s three candidates,
            // task ids holding `hth` 750,000 ids apart, read 62,565 rows of
            // `灯塔` over their span, 9-12 ms of CPU, against 0.6-0.9 ms asked
            // for the three; the sqlite3 shell at a million rows).
            var words: Set<Int>?
            if let deferred = plan.deferredWords, let newest = chunk.first, let oldest = chunk.last {
                let spanRows = ((newest &- oldest) / HistoryFilter.rarityWindow).multipliedReportingOverflow(by: plan.deferredRarity)
                if spanRows.overflow || spanRows.partialValue > chunk.count * Self.deferredRowsPerLookup {
                    words = Set(try db.run("""
                        SELECT rowid FROM submission_words WHERE submission_words MATCH ? AND rowid IN (\(marks))
                        """, [.text(deferred)] + chunk.map { .int($0) }).compactMap { $0.int(0) })
                } else {
                    words = Set(try db.run("""
                        SELECT rowid FROM submission_words WHERE submission_words MATCH ? AND rowid BETWEEN ? AND ?
                        """, [.text(deferred), .int(oldest), .int(newest)]).compactMap { $0.int(0) })
                }
            }
            for id in chunk where ids.count < limit && words?.contains(id) != false {
                if let row = rows[id], filter.accepts(searchText: row.text, endpoint: row.endpoint) { ids.append(id) }
            }
            checked += chunk.count
            chunkSize = min(chunkSize * 4, 2048, Self.candidatesToFill(limit - ids.count, found: ids.count, checked: checked))
        }
        return (ids, ids.count < limit && merge?.stoppedAtFloor != true)
    }
}

/// How rare a trigram, a short word or an endpoint is among the newest rows
/// (HistoryFilter.plan's `rarity`), each counted once per store and kept
/// in `HistoryStore.rarity`; one counter per plan, which counts at most
/// `rarityCountsPerPlan` it has not seen.
struct RarityCounter {
    let store: HistoryStore
    let db: SQLiteConnection
    private var newest: Int?
    private var counted = 0
    private var endpointSample: [String]?

    init(store: HistoryStore, db: SQLiteConnection) {
        self.store = store
        self.db = db
    }

    mutating func count(_ index: HistoryFilter.Index, _ query: String) throws(SQLiteError) -> Int {
        let key = index.rawValue + " " + query
        if let known = store.rarity.withLock({ $0[key] }) { return known }
        let count: Int
        if index == .endpoints {
            if endpointSample == nil {
                endpointSample = try db.run("SELECT endpoint FROM submission ORDER BY id DESC LIMIT ?",
                                            [.int(HistoryFilter.endpointSample)]).map { $0.text(0) ?? "" }
            }
            let sample = endpointSample ?? []
            let found = sample.count(where: { HistoryFilter.isEndpoint($0, in: [query]) })
            // Scaled to the window the indexes' counts are taken in (a
            // history smaller than the sample: the count itself).
            count = sample.count < HistoryFilter.endpointSample ? found : found * HistoryFilter.rarityWindow / HistoryFilter.endpointSample
        } else {
            guard counted < HistoryFilter.rarityCountsPerPlan else { return HistoryFilter.rarityWindow }
            counted += 1
            if newest == nil { newest = try db.scalar("SELECT max(id) FROM submission") ?? 0 }
            count = try db.scalar("""
                SELECT count(*) FROM (SELECT rowid FROM \(index.rawValue) WHERE \(index.rawValue) MATCH ? AND rowid > ?)
                """, [.text(query), .int((newest ?? 0) - HistoryFilter.rarityWindow)]) ?? 0
        }
        store.rarity.withLock { known in
            if known.count >= 4096 { known.removeAll() }
            known[key] = count
        }
        return count
    }
}
