// The history list read past damage (issue 21). One statement reads a page
// of the list, and SQLite stops it at the first damaged page it meets: a
// newcomer's `zqt history list` printed nothing over a file whose newest rows
// sat beside one damaged page, while `zqt history show ID` read each of them,
// and a screen's list went empty or stale. Here the rows are read in small
// groups, a group that meets damage row by row, and a row that cannot be read
// is counted and skipped, so the list shows every row SQLite can still read
// and says how many it could not.
//
// Which rows there are is asked of what still answers, in turn: the search
// indexes' per-row tables (keyed by the row's id, read newest first), the
// table itself, and, when none does, every id below the highest the file
// names (sqlite_sequence), each asked alone.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A page of the list, and what damage kept out of it.
public struct HistoryListing: Sendable, Equatable {
    public var rows: [HistorySummary]
    /// Rows in the span the page covers that could not be read (0: none).
    public var unreadable: Int
    /// The damage the page met (SQLite's words); nil when it read whole.
    public var damage: HistoryError?

    public init(rows: [HistorySummary], unreadable: Int = 0, damage: HistoryError? = nil) {
        self.rows = rows
        self.unreadable = unreadable
        self.damage = damage
    }
}

extension HistoryStore {
    /// `list`, read past damage: the rows that can be read, newest first,
    /// with the count of those that cannot (nil when `cancel` stopped it).
    /// A fault that is not damage (a busy history, a missing folder) is thrown.
    public func listPastDamage(filter: String = "", before: Int? = nil, limit: Int = 200,
                               cancel: HistoryQueryCancel? = nil) throws(HistoryError) -> HistoryListing? {
        do throws(HistoryError) {
            return try list(filter: filter, before: before, limit: limit, cancel: cancel).map { HistoryListing(rows: $0) }
        } catch where error.isDamage {
            let storedCatalog = catalog
            let matcher = HistoryFilter(filter, catalog: storedCatalog)
            return try filterRead(cancel) { db throws(SQLiteError) in
                var listing = try Self.readPastDamage(matcher, db: db, before: before, limit: limit, cancel: cancel,
                                                      catalog: storedCatalog, matching: { () throws(SQLiteError) -> [Int] in
                    try matchingIDs(matcher, db: db, before: before, limit: limit)
                })
                listing.damage = error
                return listing
            }
        }
    }

    /// Ids looked at, at most, in one call: a file whose every index is
    /// damaged is walked id by id, and that walk stops here.
    static let damagedWalkLimit = 1_000_000

    private static func readPastDamage(_ filter: HistoryFilter, db: SQLiteConnection, before: Int?, limit: Int,
                                       cancel: HistoryQueryCancel?, catalog: EndpointCatalog,
                                       matching: () throws(SQLiteError) -> [Int]) throws(SQLiteError) -> HistoryListing {
        var rows: [HistorySummary] = []
        var unreadable = 0
        // A filter's own index may still answer (the damage is in the table): its ids, each row read alone.
        if !filter.isEmpty, let ids = try? matching() {
            for id in ids {
                if cancel?.isCancelled == true { throw .interrupted }
                switch try read(id, db: db, catalog: catalog) {
                case let .row(summary, _, _): rows.append(summary)
                case .unreadable: unreadable += 1
                case .none: break
                }
            }
            return HistoryListing(rows: rows, unreadable: unreadable)
        }
        if cancel?.isCancelled == true { throw .interrupted }
        var below = before ?? (highestID(db).map { $0 &+ 1 } ?? 0)
        var walked = 0
        while rows.count < limit, below > 1, walked < damagedWalkLimit {
            if cancel?.isCancelled == true { throw .interrupted }
            let (ids, known) = idsBelow(below, count: 64, db: db)
            guard let lowest = ids.last else { break }
            walked += ids.count
            for id in ids where rows.count < limit {
                switch try read(id, db: db, catalog: catalog) {
                case let .row(summary, searchText, endpoint):
                    if filter.isEmpty || filter.acceptsWithoutIndex(summary, searchText: searchText, endpoint: endpoint) {
                        rows.append(summary)
                    }
                case .unreadable:
                    unreadable += 1
                case .none:
                    // An id an index names without its row is the index's damage; one only guessed was never there.
                    if known { unreadable += 1 }
                }
            }
            below = lowest
        }
        return HistoryListing(rows: rows, unreadable: unreadable)
    }

    /// The highest id the file names: its AUTOINCREMENT counter, else the
    /// newest id any of the id sources gives.
    private static func highestID(_ db: SQLiteConnection) -> Int? {
        var highest: Int? = try? db.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'submission'")
        for table in idTables {
            if let newest: Int = try? db.scalar("SELECT max(id) FROM \(table)") { highest = max(highest ?? newest, newest) }
        }
        return highest
    }

    /// Tables keyed by a submission's id: the two search indexes' sizes of
    /// each row (FTS5's `_docsize`, one row per submission), then the table.
    private static let idTables = ["submission_search_docsize", "submission_words_docsize", "submission"]

    /// Up to `count` ids below `below`, newest first, from the first source
    /// that answers; `known` when a table named them, false when they are
    /// only every integer below (each then asked alone).
    private static func idsBelow(_ below: Int, count: Int, db: SQLiteConnection) -> (ids: [Int], known: Bool) {
        for table in idTables {
            if let rows = try? db.run("SELECT id FROM \(table) WHERE id < ? ORDER BY id DESC LIMIT ?", [.int(below), .int(count)]) {
                return (rows.compactMap { $0.int(0) }, true)
            }
        }
        let lowest = max(1, below - count)
        return (lowest < below ? Array((lowest..<below).reversed()) : [], false)
    }

    private enum RowRead {
        case row(HistorySummary, searchText: String, endpoint: String)
        case unreadable
        case none
    }

    /// One row of the list, asked alone; its counts of results and of its
    /// batch left at 0 when the pages they are read from are the damaged ones.
    /// A fault that is not damage (a cancel) is thrown.
    private static func read(_ id: Int, db: SQLiteConnection, catalog: EndpointCatalog) throws(SQLiteError) -> RowRead {
        for counted in [true, false] {
            do throws(SQLiteError) {
                guard let row = try db.run("""
                    SELECT \(summaryColumns(counted: counted)), search_text FROM submission WHERE submission.id = ?
                    """, [.int(id)]).first else { return .none }
                return .row(summary(row, catalog: catalog, controlMaps: 0), searchText: row.text(16) ?? "", endpoint: row.text(2) ?? "")
            } catch where error.isCorrupt {
                continue
            }
        }
        return .unreadable
    }
}

extension HistoryFilter {
    /// `accepts`, the batch and each short word's tokens found in the row's
    /// text: the check of a list read past damage, when the indexes cannot be
    /// asked (a short word is then found anywhere, not only at a word's start).
    func acceptsWithoutIndex(_ row: HistorySummary, searchText: String, endpoint: String) -> Bool {
        if let batchPrefix, !(row.batchID ?? "").hasPrefix(batchPrefix) { return false }
        guard accepts(searchText: searchText, endpoint: endpoint) else { return false }
        let folded = searchText.lowercased()
        return shortTokens.allSatisfy { folded.contains($0) }
    }
}
