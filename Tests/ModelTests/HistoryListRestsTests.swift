import Testing
@testable import Model

/// Two long lists a filter merges (issue 18, HistoryCandidates): once the
/// merge has read far into them without filling its page, the rest of each
/// is read in one statement, one of them on a reader beside the filter's
/// connection. Whatever reads them, a filter finds exactly the rows each of
/// its words finds alone, newest first, page after page, counted exactly.
@Suite struct HistoryListRestsTests {
    /// 3,000 rows: `lighthouse` in two rows of five, `灯` in two others, both
    /// in one row of 500 only, and `灯塔` never beside `lighthouse`. Its
    /// lists are read at once after 64 ids (16 in a window), not 16,384.
    static func filled(mostGathered: Int = CandidateLists().mostGathered) throws -> (TemporaryHistory, HistoryStore) {
        let history = TemporaryHistory()
        let store = try history.open()
        store.candidateLists.readWholeAfter = 64
        store.candidateLists.windowWholeAfter = 16
        store.candidateLists.mostGathered = mostGathered
        let prompts = ["a lighthouse at dusk", "灯塔雨夜", "lighthouse keeper's cat", "一只猫在雨中, 灯", "portrait of a cat"]
        try store.inOneTransaction {
            for index in 0..<3000 {
                let prompt = index % 500 == 7 ? "lighthouse keeper's 灯" : prompts[index % prompts.count] + " \(index % 7)"
                _ = try store.recordSending(HistoryStoreTests.request(prompt), baseURL: "http://127.0.0.1:1", profile: "sandbox")
            }
        }
        return (history, store)
    }

    static let filters = ["lighthouse 灯", "lighthouse 灯塔", "cat 灯", "lighthouse 灯 keeper", "灯 lighthouse 3", "cat 雨"]

    /// The rows as the screen asks (a cancel given: through the kept lists).
    static func screen(_ store: HistoryStore, _ filter: String, before: Int? = nil, limit: Int = 5000) throws -> [Int] {
        try #require(try store.list(filter: filter, before: before, limit: limit, cancel: HistoryQueryCancel())).map(\.id)
    }

    /// What each word finds alone, intersected, newest first.
    static func alone(_ store: HistoryStore, _ filter: String) throws -> [Int] {
        var found: Set<Int>?
        for word in filter.split(separator: " ").map(String.init) {
            let each = Set(try store.list(filter: word, limit: 5000).map(\.id))
            found = found.map { $0.intersection(each) } ?? each
        }
        return (found ?? []).sorted(by: >)
    }

    @Test func restsReadAtOnceAnswerAsEachWordAlone() throws {
        let (history, store) = try Self.filled()
        _ = history
        for filter in Self.filters {
            let expected = try Self.alone(store, filter)
            #expect(try Self.screen(store, filter) == expected, "\"\(filter)\"")
            #expect(try Self.screen(store, filter) == expected, "\"\(filter)\" again, from the kept lists")
            var paged: [Int] = []
            var before: Int?
            while true {
                let page = try Self.screen(store, filter, before: before, limit: 3)
                paged += page
                guard page.count == 3 else { break }
                before = page.last
            }
            #expect(paged == expected, "\"\(filter)\" page after page")
            let counted = try #require(try store.firstMatches(filter: filter, rows: 2, cap: 200, window: nil, cancel: HistoryQueryCancel()))
            #expect(counted.matched == min(200, expected.count) && counted.searchedAll == (expected.count < 200), "\"\(filter)\" counted")
            for window in [40, 700] {
                let newest = try #require(try store.list(limit: 1).first?.id)
                let first = try #require(try store.firstMatches(filter: filter, rows: 20, cap: 20, window: window, cancel: HistoryQueryCancel()))
                let inWindow = expected.filter { $0 >= newest - window }
                #expect(first.rows.map(\.id) == Array(inWindow.prefix(20)), "\"\(filter)\" in the newest \(window)")
            }
        }
        #expect(try Self.screen(store, "lighthouse 灯").count == 6)
        #expect(try Self.screen(store, "lighthouse 灯塔").isEmpty)
        let gathered = store.candidateLists.restsGathered
        #expect(gathered.here > 0, "a list's rest read on the filter's connection")
        #expect(gathered.beside > 0, "another list's rest read beside it")
    }

    /// Told the history screen was left (issue 18, mem23), the store lets go
    /// of the pages its filter's connection and readers hold, by SQLite's
    /// own figure; filters after answer as before, and read beside it again.
    @Test func lettingGoFreesTheFiltersPagesAndFiltersAnswerTheSame() throws {
        let (history, store) = try Self.filled()
        _ = history
        var answers: [String: [Int]] = [:]
        for filter in Self.filters { answers[filter] = try Self.screen(store, filter) }
        let beside = store.candidateLists.restsGathered.beside
        #expect(beside > 0, "a list's rest read on a reader")
        let held = store.filterCacheUsed()
        store.letGoOfFilterMemory()
        let left = store.filterCacheUsed()
        #expect(left < held / 4, "\(held) bytes held before, \(left) after")
        for filter in Self.filters {
            #expect(try Self.screen(store, filter) == answers[filter], "\"\(filter)\" after letting go")
            #expect(try Self.screen(store, filter) == (try Self.alone(store, filter)), "\"\(filter)\" as each word alone")
        }
        #expect(store.candidateLists.restsGathered.beside > beside, "the lists read again, beside the filter's connection too")
        #expect(store.filterCacheUsed() > left)
    }

    /// The page caches as SQLite reports them (issue 18, mem24): the
    /// filter's connection at the filter's size, each reader beside it,
    /// which reads a list's rest once in order, at a reader's; what they
    /// hold stays within those sizes, and the filters answer as each word alone.
    @Test func readersBesideTheFilterKeepSmallPageCaches() throws {
        let (history, store) = try Self.filled()
        _ = history
        for filter in Self.filters {
            #expect(try Self.screen(store, filter) == (try Self.alone(store, filter)), "\"\(filter)\"")
        }
        #expect(store.candidateLists.restsGathered.beside > 0, "a list's rest read on a reader")
        let filterSize = try store.filterRead(nil) { db throws(SQLiteError) in try db.scalar("PRAGMA cache_size") }
        #expect(filterSize == -CandidateLists.pageCacheKiB)
        let readers = store.candidateLists.readerCacheSizes
        #expect(!readers.isEmpty && readers.allSatisfy { $0 == -CandidateLists.readerCacheKiB }, "\(readers)")
        #expect(store.candidateLists.readersCacheUsed <= readers.count * CandidateLists.readerCacheKiB << 10)
    }

    /// A list whose rest looks longer than the most gathered at once is read
    /// a chunk at a time, and answers the same.
    @Test func aRestTooLongIsReadAChunkAtATime() throws {
        let (history, store) = try Self.filled(mostGathered: 100)
        _ = history
        for filter in Self.filters {
            #expect(try Self.screen(store, filter) == (try Self.alone(store, filter)), "\"\(filter)\"")
        }
        #expect(store.candidateLists.restsGathered.here == 0 && store.candidateLists.restsGathered.beside == 0)
    }

    /// A rest gathered past its most stops the statement and keeps nothing.
    @Test func aRestPastItsMostKeepsNothing() throws {
        let (history, store) = try Self.filled()
        _ = history
        let db = try SQLiteConnection(path: history.path, create: false)
        CandidateLists.prepare(db)
        let arm = HistoryFilter.Arm(table: "submission_words", key: "rowid", conditions: ["submission_words MATCH ?"],
                                    parameters: [.text("灯")])
        let all = try #require(try CandidateList.rest(of: arm, below: Int.max, most: 5000, db: db))
        #expect(all == (try Self.alone(store, "灯")))
        #expect(try CandidateList.rest(of: arm, below: Int.max, most: all.count - 1, db: db) == nil)
        #expect(try CandidateList.rest(of: arm, below: all[10], most: 5000, db: db) == Array(all.dropFirst(11)))
        // A connection without zqt_row_ids reads nothing this way.
        let plain = try SQLiteConnection(path: history.path, create: false)
        #expect(try CandidateList.rest(of: arm, below: Int.max, most: 5000, db: plain) == nil)
    }

    /// Lists read to their ends are intersected in one pass: the ids each
    /// holds, newest first, between the bounds, whatever the lists' lengths.
    @Test func listsInMemoryMeetWhereEachHoldsTheId() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<200 {
            let count = 1 + round % 3
            let lists = (0..<count).map { _ in
                Set((0..<Int.random(in: 0...60, using: &generator)).map { _ in Int.random(in: 1...90, using: &generator) }).sorted(by: >)
            }
            let target = Int.random(in: 0...95, using: &generator), floor = round % 2 == 0 ? Int.min : Int.random(in: 0...60, using: &generator)
            let expected = lists.dropFirst().reduce(Set(lists[0])) { $0.intersection($1) }.filter { $0 <= target && $0 >= floor }.sorted(by: >)
            let found = CandidateMerge.intersection(lists, atMost: target, notBelow: floor)
            #expect(found.ids == expected, "\(lists) at most \(target), not below \(floor)")
            if found.belowFloor { #expect(lists.min { $0.count < $1.count }?.contains { $0 < floor && $0 <= target } == true) }
        }
    }

    /// A word alone and a space: how rare each of its trigrams is, counted
    /// while the next word is typed, is what the next key's plan asks, and
    /// the word's list is read whole then: the next key reads only its own.
    @Test func aWordAndASpaceReadyWhatTheNextWordsPlanAsks() throws {
        let (history, store) = try Self.filled()
        _ = history
        func known(_ query: String) -> Bool { store.rarity.withLock { $0["submission_search " + HistoryFilter.quoted(query)] } != nil }
        func gathered() -> Int { store.candidateLists.restsGathered.here + store.candidateLists.restsGathered.beside }
        let cancelled = HistoryQueryCancel()
        cancelled.cancel()
        try store.prepareNextWord(filter: "portrait ", cancel: cancelled)
        #expect(!known("por") && gathered() == 0, "a key typed meanwhile stops it")
        try store.prepareNextWord(filter: "lighthouse ", cancel: HistoryQueryCancel())
        #expect(known("lig") && known("igh"), "lighthouse's trigrams counted")
        #expect(gathered() == 1, "lighthouse's list read whole")
        // The next key's answer is the same, and it reads one list, not two.
        #expect(try Self.screen(store, "lighthouse 灯") == (try Self.alone(store, "lighthouse 灯")))
        #expect(gathered() == 2, "only 灯's list read by the key")
        // A short word alone has no list of a longer word to read.
        try store.prepareNextWord(filter: "灯 ", cancel: HistoryQueryCancel())
        #expect(gathered() == 2)
    }

    /// Without the word's list read ahead, the same key reads both (what the
    /// test above tells apart).
    @Test func aKeyOfTwoWordsReadsBothListsWhenNothingWasReadAhead() throws {
        let (history, store) = try Self.filled()
        _ = history
        #expect(try Self.screen(store, "lighthouse 灯") == (try Self.alone(store, "lighthouse 灯")))
        #expect(store.candidateLists.restsGathered.here + store.candidateLists.restsGathered.beside == 2)
    }

    /// Lists that meet every few rows fill the page from their next chunks:
    /// read on a chunk at a time, not whole.
    @Test func listsThatMeetOftenAreReadOnAChunkAtATime() throws {
        let (history, store) = try Self.filled()
        _ = history
        let page = try Self.screen(store, "lighthouse cat", limit: 200)
        #expect(page == Array(try Self.alone(store, "lighthouse cat").prefix(200)))
        #expect(store.candidateLists.restsGathered.here == 0 && store.candidateLists.restsGathered.beside == 0)
    }

    /// A window wider than the history (most histories: the screen's is
    /// 65,536 rows) has its lists read to their ends, and a first screenful
    /// that found every match says so: no count to come (review22).
    @Test func aWindowWiderThanTheHistorySearchesItAllAndSaysSo() throws {
        for filter in ["lighthouse 灯塔", "lighthouse 灯"] {
            let (history, store) = try Self.filled()
            _ = history
            let first = try #require(try store.firstMatches(filter: filter, rows: 20, cap: 20, window: 65_536, cancel: HistoryQueryCancel()))
            #expect(first.rows.map(\.id) == (try Self.alone(store, filter)), "\"\(filter)\"")
            #expect(first.searchedAll, "\"\(filter)\": every match found, said so")
        }
    }
}
