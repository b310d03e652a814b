// A history row's uploads (issue 17, schema 8): which URL each local path of
// its request became, and the file's hash, so a resend reuses a URL still valid.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension HistoryStore {
    /// Replaces the row's uploads (a resend of the same row uploads again).
    public func recordUploads(id: Int, _ uploads: [UploadRecord]) throws(HistoryError) {
        try write { db throws(SQLiteError) in
            try db.run("DELETE FROM upload WHERE submission_id = ?", [.int(id)])
            for upload in uploads {
                try db.run("""
                    INSERT OR REPLACE INTO upload (submission_id, field, local_path, url, sha256, store, expires_at, uploaded)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.int(id), .text(upload.field), .text(upload.localPath), .text(upload.url), .text(upload.sha256),
                          .text(upload.store), upload.expiresAt.map { .double($0.timeIntervalSince1970) } ?? .null,
                          .int(upload.uploaded ? 1 : 0)])
            }
        }
    }

    /// The row's uploads, in the order of its fields.
    public func uploads(id: Int) throws(HistoryError) -> [UploadRecord] {
        try read { db throws(SQLiteError) in
            try db.run("""
                SELECT field, local_path, url, sha256, store, expires_at, uploaded FROM upload
                WHERE submission_id = ? ORDER BY rowid
                """, [.int(id)]).map(Self.upload)
        }
    }

    /// Earlier uploads of the same bytes to the same store, newest first.
    public func earlierUploads(sha256: String, store: String, limit: Int = 3) throws(HistoryError) -> [UploadRecord] {
        try read { db throws(SQLiteError) in
            try db.run("""
                SELECT field, local_path, url, sha256, store, expires_at, uploaded FROM upload
                WHERE sha256 = ? AND store = ? ORDER BY submission_id DESC LIMIT ?
                """, [.text(sha256), .text(store), .int(max(1, min(limit, 100)))]).map(Self.upload)
        }
    }

    private static func upload(_ row: SQLiteRow) -> UploadRecord {
        UploadRecord(field: row.text(0) ?? "", localPath: row.text(1) ?? "", url: row.text(2) ?? "", sha256: row.text(3) ?? "",
                     store: row.text(4) ?? "", expiresAt: row.double(5).map { Date(timeIntervalSince1970: $0) },
                     uploaded: (row.int(6) ?? 0) != 0)
    }
}
