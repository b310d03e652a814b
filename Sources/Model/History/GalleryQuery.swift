// The gallery's query (issue 17): every kept picture across the history,
// newest first, a page at a time, matched by the history's own filter
// (HistoryFilter). A picture is kept when its result row notes a local copy
// (`result.local_path`); rows with none are not in the gallery.
//
// Pages are cut by submission, never inside one: a page is every kept
// picture of up to `limit` submissions, and `before` (a submission id)
// continues after it. The prompt is cut to one short line's worth in SQL;
// a request's JSON is read only for a row without a prompt (a tool's), whose
// caption names its pictures instead, as the history list does (issue 19).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One kept picture: enough to draw its thumbnail and caption, nothing more.
public struct GalleryPicture: Sendable, Equatable, Identifiable {
    public let submissionID: Int
    public let position: Int
    public let idTask: String
    public let endpoint: Endpoint
    public let createdAt: Date
    /// The prompt's start (at most `GalleryQuery.promptLength` characters).
    public let prompt: String
    /// The copy the history notes (zqt's own under $ZQT_HOME/images, or a folder saved into).
    public let localPath: String
    /// A ControlNet detected map an A1111 server appended (A1111ResultKinds), not a picture asked for.
    public var isControlMap = false

    public var id: String { "\(submissionID)/\(position)" }

    public init(submissionID: Int, position: Int, idTask: String, endpoint: Endpoint, createdAt: Date, prompt: String,
                localPath: String) {
        self.submissionID = submissionID
        self.position = position
        self.idTask = idTask
        self.endpoint = endpoint
        self.createdAt = createdAt
        self.prompt = prompt
        self.localPath = localPath
    }
}

/// A page of the gallery as the store answered a filter.
public struct GalleryPage: Sendable, Equatable {
    public let pictures: [GalleryPicture]
    /// More submissions with kept pictures follow: the next page starts below `nextBefore`.
    public let hasMore: Bool
    public let nextBefore: Int?
}

public enum GalleryQuery {
    /// A caption is one short line: more of the prompt is never shown.
    public static let promptLength = 160
    /// Submissions asked of a filter at a time, growing while few of them have kept pictures.
    static let firstChunk = 200, largestChunk = 12_800

    /// The submissions with kept pictures, newest first, below `before`
    /// (through the partial index of migration 7, named: without statistics
    /// SQLite would take the index of every image result and read each row).
    static let keptSubmissions = """
        SELECT DISTINCT submission_id FROM result INDEXED BY result_kept
        WHERE local_path IS NOT NULL AND text IS NULL AND submission_id < ?
        ORDER BY submission_id DESC LIMIT ?
        """
}

extension HistoryStore {
    /// A page of kept pictures, newest first, of submissions matching
    /// `filter` (the history's filter, HistoryFilter), below `before` (a
    /// submission id), at most `limit` submissions.
    public func gallery(filter: String = "", before: Int? = nil, limit: Int = 40) throws(HistoryError) -> GalleryPage {
        let limit = max(1, limit)
        let catalog = catalog  // read before the lock is taken: `catalog` takes it too
        let matcher = HistoryFilter(filter, catalog: catalog)
        return try read { db throws(SQLiteError) in
            var ids: [Int] = []
            var exhausted = false
            if matcher.isEmpty {
                let rows = try db.run(GalleryQuery.keptSubmissions, [.int(before ?? Int.max), .int(limit + 1)])
                ids = rows.compactMap { $0.int(0) }
                exhausted = ids.count <= limit
                ids = Array(ids.prefix(limit))
            } else {
                // The filter's own matches, newest first, a chunk at a time, kept
                // when they have a kept picture; the chunk grows so a filter that
                // matches many rows without pictures costs few queries.
                var cursor = before
                var chunk = GalleryQuery.firstChunk
                while ids.count <= limit {
                    let matching = try matchingIDs(matcher, db: db, before: cursor, limit: chunk)
                    guard !matching.isEmpty else {
                        exhausted = true
                        break
                    }
                    let marks = Array(repeating: "?", count: matching.count).joined(separator: ", ")
                    let rows = try db.run("""
                        SELECT DISTINCT submission_id FROM result WHERE submission_id IN (\(marks))
                            AND local_path IS NOT NULL AND text IS NULL ORDER BY submission_id DESC
                        """, matching.map { .int($0) })
                    ids += rows.compactMap { $0.int(0) }
                    guard matching.count == chunk, let last = matching.last else {
                        exhausted = true
                        break
                    }
                    cursor = last
                    chunk = min(chunk * 4, GalleryQuery.largestChunk)
                }
                if ids.count > limit {
                    ids = Array(ids.prefix(limit))
                    exhausted = false
                }
            }
            guard !ids.isEmpty else { return GalleryPage(pictures: [], hasMore: false, nextBefore: nil) }
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            let rows = try db.run("""
                SELECT result.submission_id, result.position, result.local_path, id_task, endpoint, created_at,
                       substr(prompt, 1, \(GalleryQuery.promptLength)),
                       CASE WHEN prompt = '' THEN substr(request_json, 1, 16384) END,
                       result.image_url LIKE '%' || ?
                FROM result JOIN submission ON submission.id = result.submission_id
                WHERE result.submission_id IN (\(marks)) AND local_path IS NOT NULL AND text IS NULL
                ORDER BY result.submission_id DESC, result.position
                """, [.text(A1111ResultKinds.controlMapMark)] + ids.map { .int($0) })
            let pictures = rows.map { row in
                let endpoint = catalog.resolve(storageKey: row.text(4) ?? "")
                let headline = HistoryStore.headline(prompt: row.text(6) ?? "", endpoint: endpoint, requestJSON: row.text(7))
                var picture = GalleryPicture(submissionID: row.int(0) ?? 0, position: row.int(1) ?? 0, idTask: row.text(3) ?? "",
                                             endpoint: endpoint, createdAt: Date(timeIntervalSince1970: row.double(5) ?? 0),
                                             prompt: String(headline.prefix(GalleryQuery.promptLength)), localPath: row.text(2) ?? "")
                picture.isControlMap = row.int(8) == 1
                return picture
            }
            return GalleryPage(pictures: pictures, hasMore: !exhausted, nextBefore: exhausted ? nil : ids.last)
        }
    }

    /// How many kept pictures the history notes (counts the partial index).
    public func keptPictureCount() throws(HistoryError) -> Int {
        try read { db throws(SQLiteError) in
            try db.scalar("SELECT count(*) FROM result WHERE local_path IS NOT NULL AND text IS NULL") ?? 0
        }
    }
}
