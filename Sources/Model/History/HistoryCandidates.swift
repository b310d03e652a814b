// The candidates of a filter of several words (HistoryFilterPlan), merged
// here rather than by SQLite's INTERSECT (issue 18). Each list (an index's
// rows for the rarest trigram of a word, or for a short word) is read
// newest first a chunk at a time, only as far as the merge needs, and what
// was read is kept for the next key: typing `lighthouse 灯塔` a key at a
// time, or deleting it, asks the same lists again and again, and two
// common words that never meet read both lists to the end (80,000 rows
// each, 10-19 ms of CPU at a million rows). Kept, the next key merges them
// in memory (well under a millisecond) and reads only a list it has not seen.
//
// The lists kept are forgotten when the history changes (`PRAGMA
// data_version`, which another connection's commit moves, this process's
// own writes included) and when they hold more than `keptIDsLimit` ids.
//
// Within one query a list is one statement stepped on, chunk after chunk,
// not a statement run again for each chunk below the last id: each run
// finds its place in the index again, and a list of 83,000-86,000 rows read
// in ten runs cost a third to a half more CPU than one reading (sqlite3
// shell: `hth` 7.4 against 5.5 ms, `灯` 6.9 against 4.4 ms;
// docs/dev/measurements.md). The statement is reset when the query ends
// (`pause`), so no read transaction is held between keys; the next key
// that needs more runs it once from the last id read.
//
// A merge that has read `readWholeAfter` ids of a list (16,384) and still
// wants more (two common words that meet rarely or never, counted to the
// page's end) reads the rest of each list it merges in one statement each
// (zqt_row_ids, CSQLite/shim.h: 10 against 18-21 ms for 83,000 ids read a
// row at a time), every list but one on a connection of its own on another
// thread, so two lists cost about one on two cores. A list whose rest looks
// longer than `mostGathered` (131,072 ids) is read on a chunk at a time.

import CSQLite
import Dispatch
import Synchronization

extension HistoryFilter.Arm {
    /// Every id below the parameter after `parameters` (and, `downTo`, at
    /// least the one after it) gathered into one blob by zqt_row_ids, at
    /// most the first parameter's count, in the order the index visits them.
    func restSQL(downTo: Bool) -> String {
        "SELECT zqt_row_ids(\(key), ?) FROM \(table) WHERE "
            + (conditions + ["\(key) < ?"] + (downTo ? ["\(key) >= ?"] : [])).joined(separator: " AND ")
    }
}

/// One arm's ids, newest first, from its newest down to the last read;
/// `exhausted` once the index has no more. A list is always read from its
/// newest id: a merge below a bound skips what is above it in memory.
final class CandidateList {
    let arm: HistoryFilter.Arm
    private(set) var ids: [Int] = []
    private(set) var exhausted = false

    init(_ arm: HistoryFilter.Arm) { self.arm = arm }

    /// Rows read per chunk: small first (the page is often full after a
    /// few), then growing, so a list read to its end costs a few queries.
    static let firstChunk = 256, largestChunk = 65_536

    /// Whether finding the first id at most `target` from `start` needs a read.
    func wantsRead(atMost target: Int, from start: Int) -> Bool {
        guard !exhausted else { return false }
        guard start < ids.count, let last = ids.last else { return true }
        return last > target
    }

    /// Index in `ids` of the first id at most `target`, at or after `from`,
    /// with that id, reading on as needed; nil when the list has none.
    func first(atMost target: Int, from: Int, db: SQLiteConnection) throws(SQLiteError) -> (index: Int, id: Int)? {
        var start = from
        while true {
            // Read through a local: a class's stored array checks exclusive
            // access on every read, which the merge's inner loop felt.
            let read = ids
            if start < read.count, let last = read.last, last <= target {
                // Descending: the first at most `target`, galloping from
                // `start` then bisecting. Two lists that interleave (two
                // common words that never meet) move a step or two each
                // time, and a bisection over the whole rest of a list of
                // 80,000 ids cost some 17 reads on each of 170,000 steps.
                if read[start] <= target { return (start, read[start]) }
                var low = start, high = start + 1, stride = 1
                while high < read.count - 1 && read[high] > target {
                    low = high
                    stride *= 2
                    high = min(start + stride, read.count - 1)
                }
                // read[low] > target >= read[high]: the first in (low, high].
                low += 1
                while low < high {
                    let middle = (low + high) / 2
                    if read[middle] <= target { high = middle } else { low = middle + 1 }
                }
                return (low, read[low])
            }
            if exhausted { return nil }
            start = ids.count
            try readMore(db)
        }
    }

    /// Where the next read starts: below the last id read.
    var readFrom: Int { ids.last ?? Int.max }

    /// About how many ids the list has below `readFrom`, judged from how
    /// densely the ids read so far lie; nil before two are read.
    var restEstimate: Int? {
        if exhausted { return 0 }
        guard let newest = ids.first, let oldest = ids.last, oldest > 0, newest > oldest else { return nil }
        let (scaled, overflow) = (ids.count - 1).multipliedReportingOverflow(by: oldest)
        return overflow ? Int.max : scaled / (newest - oldest)
    }

    /// Every id at or above it is among `ids`: the list was
    /// read whole down to a first screenful's window (`take(rest:downTo:)`).
    private(set) var readDownTo = Int.max

    /// The rest of the list below `readFrom`, newest first (`rest`), down to
    /// `floor` or (nil) to its end: the statement under way is ended.
    func take(rest: [Int], downTo floor: Int?) {
        pause()
        ids.append(contentsOf: rest)
        if let floor { readDownTo = min(readDownTo, floor) } else { exhausted = true }
    }

    /// `arm`'s ids below `bound`, newest first, gathered in one statement
    /// (zqt_row_ids); nil when there are more than `most`, or the connection
    /// has no zqt_row_ids (`CandidateLists.prepare`): nothing is kept then.
    static func rest(of arm: HistoryFilter.Arm, below bound: Int, downTo floor: Int? = nil, most: Int,
                     db: SQLiteConnection) throws(SQLiteError) -> [Int]? {
        var gathered: [Int]
        do {
            let statement = try db.prepare(arm.restSQL(downTo: floor != nil))
            try statement.bind([.int(most)] + arm.parameters + [.int(bound)] + (floor.map { [.int($0)] } ?? []))
            gathered = try statement.stepIntegers() ?? []
        } catch where error.message.contains("zqt_row_ids") {
            return nil
        }
        // An index visits its ids in order (FTS5's rowids, ascending); another
        // plan (a batch's ids through its batch index) may not.
        // Reversed in place: a rest is up to a megabyte, and a reversed copy was one
        // more beside the blob and the list it joins, on each thread reading one (mem24).
        if zip(gathered, gathered.dropFirst()).allSatisfy({ $0 < $1 }) {
            gathered.reverse()
            return gathered
        }
        return Array(Set(gathered)).sorted(by: >)
    }

    /// Whether the statement is under way: run from `readFrom`, its
    /// next step the next id.
    private var stepping = false

    /// Ends the statement under way (its read transaction with it); the next
    /// read runs it again from the last id read.
    func pause() {
        guard stepping, let statement else { return }
        sqlite3_reset(statement.handle)
        sqlite3_clear_bindings(statement.handle)
        stepping = false
    }

    /// The list's statement, prepared once per connection, reset at the end
    /// of each query (`pause`: a statement left unreset would hold its read
    /// transaction open).
    private var statement: (connection: ObjectIdentifier, handle: OpaquePointer)?

    deinit { if let statement { sqlite3_finalize(statement.handle) } }

    /// The next chunk's ids, read as integers straight from SQLite: a row
    /// copied into an SQLiteRow costs more than the index's own reading,
    /// and a list read to its end is 80,000 rows.
    private func readMore(_ db: SQLiteConnection) throws(SQLiteError) {
        let size = min(max(Self.firstChunk, ids.count), Self.largestChunk)
        if let statement, stepping, statement.connection == ObjectIdentifier(db) {
            try step(statement.handle, size, db)
            return
        }
        pause()
        let prepared: OpaquePointer
        if let statement, statement.connection == ObjectIdentifier(db) {
            prepared = statement.handle
        } else {
            if let statement { sqlite3_finalize(statement.handle) }
            statement = nil
            var made: OpaquePointer?
            guard sqlite3_prepare_v3(db.handle, arm.listSQL, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &made, nil) == SQLITE_OK,
                  let made else { throw db.lastError }
            statement = (ObjectIdentifier(db), made)
            prepared = made
        }
        do {
            try SQLiteStatement.bind(arm.parameters + [.int(readFrom)], to: prepared, db: db)
        } catch {
            sqlite3_clear_bindings(prepared)
            throw error
        }
        stepping = true
        try step(prepared, size, db)
    }

    /// Up to `size` more ids from the statement under way; at its end (or on
    /// an error, a cancel among them) the statement is reset.
    private func step(_ prepared: OpaquePointer, _ size: Int, _ db: SQLiteConnection) throws(SQLiteError) {
        // Into a local array, added to the class's once: each append to a
        // class's stored array checks exclusive access.
        var read: [Int] = []
        read.reserveCapacity(size)
        defer { ids.append(contentsOf: read) }
        while read.count < size {
            let result = sqlite3_step(prepared)
            if result == SQLITE_DONE {
                exhausted = true
                pause()
                return
            }
            guard result == SQLITE_ROW else {
                let error = db.lastError
                pause()
                throw error
            }
            read.append(Int(sqlite3_column_int64(prepared, 0)))
        }
    }
}

/// A connection handed to another thread that uses it alone until the
/// handing thread's wait ends (`readRests`): SQLite serializes a
/// connection's calls, and no two threads use this one at once.
private struct HandedOver: @unchecked Sendable {
    let value: SQLiteConnection
    init(_ value: SQLiteConnection) { self.value = value }
}

/// The lists kept between keys, for one connection (the filter's).
public final class CandidateLists {
    /// SQLite's page cache of the filter's connection, KiB: a key's first
    /// screenful, page and count read the same rows and index pages (a row of
    /// a million-row history spans two pages or more), and the next key reads
    /// them again; the default 2,000 KiB held less than one key's reading, so
    /// each key read them all again from the file. Filled only as used.
    /// 4 MB (mem24, `zqt bench history` at a million rows, the three worst
    /// filters): 98-99% of pages found in it, as with 8 MB, and the keys as
    /// fast; 2 MB found 86-93% and cost each key 15% more CPU, 1 MB 79-84%.
    public static var pageCacheKiB: Int { filterCacheKiB.load(ordering: .relaxed) }
    private static let filterCacheKiB = Atomic<Int>(4096)

    /// The filter's page cache for connections opened from now on, KiB
    /// (`zqt bench history --filter-cache-kib`: a size measured against another).
    public static func sizeFilterCache(kib: Int) {
        filterCacheKiB.store(max(kib, 64), ordering: .relaxed)
    }

    /// SQLite's page cache of a reader beside the filter's connection, KiB:
    /// a reader reads a list's rest in one statement, its index's pages
    /// each once in order, and nothing else, so pages it keeps are seldom
    /// asked again; at the filter's size, two readers held up to 16 MB more
    /// while filtering (issue 18, mem24: 38.9-40 MB resident within a 32 MB budget).
    public static let readerCacheKiB = 512

    /// Readies a connection the filter reads through: its page cache
    /// (`cacheKiB`; a refusal leaves SQLite's default, which answers the
    /// same, only slower) and zqt_row_ids, which reads a list's rest (without
    /// it, `CandidateList.rest` gives nil and the list is read a chunk at a time).
    static func prepare(_ db: SQLiteConnection, cacheKiB: Int = pageCacheKiB) {
        try? db.execute("PRAGMA cache_size = -\(cacheKiB)")
        _ = zqt_register_row_ids(db.handle)
    }

    /// Opens another connection to the history, for a list's rest read
    /// beside the filter's own; set by the store. Without it, rests are read
    /// one after another on the filter's connection.
    var openReader: (() throws(SQLiteError) -> SQLiteConnection)?
    /// The connections `openReader` gave, kept for the next rests.
    private var readers: [SQLiteConnection] = []

    /// The readers closed (each had a page cache of its own) and the lists
    /// forgotten (up to `keptIDsLimit` ids; their statements and versions
    /// are the filter connection's): when the history screen is left
    /// (issue 18, mem23), and when that connection is opened again or the
    /// history closes. The next filter reads them again.
    func letGo() {
        readers.removeAll()
        lists.removeAll()
    }

    /// Bytes the readers' page caches hold (SQLITE_DBSTATUS_CACHE_USED).
    var readersCacheUsed: Int { readers.reduce(0) { $0 + $1.cacheUsed } }
    /// Each reader's `PRAGMA cache_size` (negative: KiB), as SQLite reports it (what tests look at).
    var readerCacheSizes: [Int?] { readers.map { try? $0.scalar("PRAGMA cache_size") } }

    /// Ids read from a list, a chunk at a time, before a merge that wants
    /// more reads the rest of its lists in one statement each (`readRests`):
    /// by then the lists are long and meet rarely, and reading on a chunk at
    /// a time would cost about twice as much. A test's lists are shorter.
    var readWholeAfter = 16_384
    /// The same within a first screenful's window, read down to its floor:
    /// a list that meets the others often fills the screenful from its first
    /// chunks, and one read whole to the floor (60,000 ids of a one-letter
    /// word) would cost more than those.
    var windowWholeAfter = 2_048
    /// Ids a list's rest is read in one statement up to: half the ids kept.
    var mostGathered = keptIDsLimit / 2
    /// Lists whose rests were read in one statement: on the filter's
    /// connection, and on readers beside it (what tests look at).
    private(set) var restsGathered = (here: 0, beside: 0)

    /// Reads the rest of each list in one statement, at once: the first on
    /// `db`, the others each on a reader of its own on another thread.
    /// A list whose rest has more than `mostGathered` ids is left as it was.
    func readRests(_ wanted: [CandidateList], downTo floor: Int? = nil, db: SQLiteConnection,
                   cancel: HistoryQueryCancel?) throws(SQLiteError) {
        // Ids are row ids, from 1: a floor at or below 0 (a window wider than the history) is the lists' ends,
        // which a list read to them knows (review22: read down to it, a list never said it had ended).
        let floor = floor.flatMap { $0 > 0 ? $0 : nil }
        let jobs = wanted.map { (arm: $0.arm, below: $0.readFrom) }
        var others: [SQLiteConnection] = []
        if jobs.count > 1, let openReader {
            while readers.count < jobs.count - 1, let reader = try? openReader() {
                Self.prepare(reader, cacheKiB: Self.readerCacheKiB)
                readers.append(reader)
            }
            others = Array(readers.prefix(jobs.count - 1))
        }
        let most = mostGathered
        let answers = Mutex<[Result<[Int]?, SQLiteError>?]>(Array(repeating: nil, count: jobs.count))
        let group = DispatchGroup()
        for (offset, reader) in others.enumerated() {
            let index = offset + 1, job = jobs[index], handed = HandedOver(reader)
            group.enter()
            DispatchQueue.global(qos: .userInitiated).async {
                let answer = Result { () throws(SQLiteError) -> [Int]? in
                    try handed.value.watching(cancel) { () throws(SQLiteError) -> [Int]? in
                        try CandidateList.rest(of: job.arm, below: job.below, downTo: floor, most: most, db: handed.value)
                    }
                }
                answers.withLock { $0[index] = answer }
                group.leave()
            }
        }
        // The first here, and any no reader took, one after another.
        func readHere(_ index: Int) -> Bool { index == 0 || index > others.count }
        for index in jobs.indices where readHere(index) {
            let job = jobs[index]
            let answer = Result { () throws(SQLiteError) -> [Int]? in
                try CandidateList.rest(of: job.arm, below: job.below, downTo: floor, most: most, db: db)
            }
            answers.withLock { $0[index] = answer }
        }
        group.wait()
        for (index, (list, answer)) in zip(wanted, answers.withLock { $0 }).enumerated() {
            switch answer {
            case .success(let rest?)?:
                list.take(rest: rest, downTo: floor)
                if readHere(index) { restsGathered.here += 1 } else { restsGathered.beside += 1 }
            case .failure(let error)?: throw error
            default: break
            }
        }
    }

    private var lists: [String: CandidateList] = [:]
    private var version: Int?

    /// Ids kept across every list at most (8 bytes each: 2 MB).
    static let keptIDsLimit = 262_144

    init() {}

    /// The kept list for `arm`, or a new one.
    func list(_ arm: HistoryFilter.Arm) -> CandidateList {
        if let kept = lists[arm.cacheKey] { return kept }
        let list = CandidateList(arm)
        lists[arm.cacheKey] = list
        return list
    }

    /// Forgets every list when the history changed since they were read.
    func forgetIfChanged(_ db: SQLiteConnection) throws(SQLiteError) {
        let now = try db.scalar("PRAGMA data_version")
        if now != version { lists.removeAll() }
        version = now
    }

    /// At a query's end: ends every list's statement under way, and forgets
    /// them all once they hold more than the limit.
    func finish() {
        for list in lists.values { list.pause() }
        if lists.values.reduce(0, { $0 + $1.ids.count }) > Self.keptIDsLimit { lists.removeAll() }
    }
}

/// The ids every list holds, newest first, below a bound: each list in turn
/// skips to the newest id at most the others' (a leapfrog merge), so two
/// lists that never meet cost each read once, and one that meets the
/// other early stops early.
struct CandidateMerge {
    private let lists: [CandidateList]
    private var positions: [Int]
    private var target: Int
    private let db: SQLiteConnection
    private let cancel: HistoryQueryCancel?
    private var done = false
    /// Ids below it are not searched (the first screenful's window).
    private let floor: Int
    /// The merge stopped at `floor`, not at a list's end.
    private(set) var stoppedAtFloor = false
    /// Reads the lists' rests at once (nil: each list read a chunk at a time).
    private let owner: CandidateLists?
    /// Whether the lists were read at once (`CandidateLists.readRests`),
    /// which a merge does once at most.
    private var gathered = false
    /// Ids the caller may take (its page or screenful, each then checked),
    /// how many were given, and the bound the merge started below.
    private let wanted: Int
    private var given = 0
    private let start: Int
    /// Once every list is read to its end: the ids they all hold, found in
    /// one pass (`intersection`), and how many were given.
    private var whole: (ids: [Int], taken: Int)?

    init(_ lists: [CandidateList], below: Int?, notBelow: Int? = nil, db: SQLiteConnection, cancel: HistoryQueryCancel?,
         owner: CandidateLists? = nil, wanted: Int = Int.max) {
        self.lists = lists
        self.owner = owner
        self.wanted = wanted
        start = below ?? Int.max
        positions = Array(repeating: 0, count: lists.count)
        target = below.map { $0 - 1 } ?? Int.max
        floor = notBelow ?? Int.min
        self.db = db
        self.cancel = cancel
        done = lists.isEmpty
    }

    /// The next id in every list, or nil when there is none.
    mutating func next() throws(SQLiteError) -> Int? {
        if whole == nil, !done, lists.allSatisfy(\.exhausted) {
            // Every list is in memory: one pass over them instead of a skip and
            // a search at each step (two lists of 83,000 that never meet: 4 ms
            // stepped, well under one in one pass).
            let found = Self.intersection(lists.map(\.ids), atMost: target, notBelow: floor)
            whole = (found.ids, 0)
            stoppedAtFloor = found.belowFloor
            done = true
        }
        if let (ids, taken) = whole {
            guard taken < ids.count else { return nil }
            whole = (ids, taken + 1)
            return ids[taken]
        }
        var steps = 0
        while !done {
            if target < floor {
                // Each list has been read at most a chunk past the floor.
                done = true
                stoppedAtFloor = true
                return nil
            }
            steps += 1
            if steps % 4096 == 0, cancel?.isCancelled == true { throw .interrupted }
            var agreed = true
            for (index, list) in lists.enumerated() {
                let wantsRead = list.wantsRead(atMost: target, from: positions[index])
                if list.readDownTo <= floor, wantsRead {
                    // Read whole down to the window's floor: none between it and `target`.
                    done = true
                    stoppedAtFloor = true
                    return nil
                }
                gather: if let owner, !gathered, wantsRead {
                    guard !fillsSoon else { break gather }
                    if floor != Int.min {
                        guard list.ids.count >= owner.windowWholeAfter else { break gather }
                        // A first screenful's window: every list's ids down to its floor, read at once.
                        gathered = true
                        let wanted = lists.filter { !$0.exhausted && $0.readDownTo > floor }
                        if !wanted.isEmpty {
                            try owner.readRests(wanted, downTo: floor, db: db, cancel: cancel)
                            // Read to their ends (a window past the first row): one pass over them now.
                            return try next()
                        }
                    } else if list.ids.count >= owner.readWholeAfter || list.readDownTo != Int.max {
                        // Long lists, or a window that held less than a screenful: the rests, at once.
                        gathered = true
                        let wanted = lists.filter { ($0.restEstimate ?? Int.max) <= owner.mostGathered && !$0.exhausted }
                        if !wanted.isEmpty {
                            try owner.readRests(wanted, db: db, cancel: cancel)
                            // Every list read to its end: one pass over them now.
                            return try next()
                        }
                    }
                }
                guard let (at, id) = try list.first(atMost: target, from: positions[index], db: db) else {
                    done = true
                    return nil
                }
                positions[index] = at
                if id < target {
                    // This list has nothing between: the others skip to it.
                    target = id
                    agreed = index == 0
                    if !agreed { break }
                }
            }
            if agreed {
                let found = target
                target = found == Int.min ? found : found - 1
                if found == Int.min { done = true }
                given += 1
                return found
            }
        }
        return nil
    }

    /// Whether, at the rate ids were given so far, what is wanted comes
    /// before the floor (or the history's first row): then reading on a
    /// chunk at a time costs less than reading the lists whole (`portrait l`:
    /// its lists meet every few rows, and `l*` holds most rows).
    private var fillsSoon: Bool {
        guard given > 0, wanted != Int.max else { return false }
        let top = start != Int.max ? start : lists.compactMap(\.ids.first).max().map { $0 &+ 1 } ?? target
        let (span, spanOverflow) = top.subtractingReportingOverflow(target)
        let (left, leftOverflow) = target.subtractingReportingOverflow(max(floor, 0))
        guard !spanOverflow, !leftOverflow, span > 0 else { return false }
        let (needed, overflow) = (wanted - min(given, wanted)).multipliedReportingOverflow(by: span)
        return !overflow && needed / given < left
    }

    /// The ids every list (each newest first) holds, at most `target` and
    /// not below `floor`, newest first; `belowFloor` when the shortest list
    /// holds ids below `floor` that were not searched.
    static func intersection(_ lists: [[Int]], atMost target: Int, notBelow floor: Int) -> (ids: [Int], belowFloor: Bool) {
        guard let shortest = lists.indices.min(by: { lists[$0].count < lists[$1].count }) else { return ([], false) }
        var cursors = Array(repeating: 0, count: lists.count)
        var found: [Int] = []
        candidates: for id in lists[shortest] where id <= target {
            if id < floor { return (found, true) }
            for index in lists.indices where index != shortest {
                let list = lists[index]
                var cursor = cursors[index]
                while cursor < list.count && list[cursor] > id { cursor += 1 }
                cursors[index] = cursor
                guard cursor < list.count else { break candidates }
                if list[cursor] != id { continue candidates }
            }
            found.append(id)
        }
        return (found, false)
    }
}
