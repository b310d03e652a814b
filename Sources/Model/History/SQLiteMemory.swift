// How much memory SQLite may keep for its page cache, process-wide (issue
// 18: memory stays flat as batches grow). A sweep writes a row per task and
// reads almost nothing back, so the cache its writes fill (2 MB a
// connection by default) is only kept, never used: a soft limit makes
// SQLite reuse its pages instead of taking more. The screen, whose history
// filter reads through the cache, keeps the default.

import CSQLite

public enum SQLiteMemory {
    /// Asks SQLite to stay within `bytes` of heap, reusing cache pages
    /// rather than growing past it (sqlite3_soft_heap_limit64; a soft limit:
    /// a statement that needs more still gets it).
    public static func limitHeap(bytes: Int) {
        _ = sqlite3_soft_heap_limit64(Int64(bytes))
    }
}
