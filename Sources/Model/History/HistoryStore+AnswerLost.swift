// An A1111 row whose answer was lost (issue 20): its sender ended before the
// server answered, and the server is idle. Written only while the row is
// still `sending`, so a sender that kept its answer a moment ago wins.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension HistoryStore {
    /// The row as "outcome unknown" with why; false when it was no longer `sending`.
    @discardableResult
    public func recordAnswerLost(id: Int, error: String, at date: Date = Date()) throws(HistoryError) -> Bool {
        try write { db throws(SQLiteError) in
            try db.run("""
                UPDATE submission SET state = ?, error = ?, updated_at = ? WHERE id = ? AND state = ?
                """, [.text(SubmissionState.unknown.rawValue), .text(error), .double(date.timeIntervalSince1970), .int(id),
                      .text(SubmissionState.sending.rawValue)])
            return db.changes > 0
        }
    }
}
