// What the pictures under $ZQT_HOME/images weigh, as this process knows it
// (issue 18): the disk budget (`images_max_bytes`, issue 23) was checked by
// listing the whole images tree, a stat per file, after every download, so
// a sweep of 1,000 tasks paid for its gallery 1,000 times (7 s of system CPU
// in place of 1.4 s) and a gallery of 10,000 pictures made each download
// slower. Now the tree is listed once, at the first download a process
// keeps; from then on a running total follows what zqt writes and deletes,
// and the tree is listed again only when that total is over the budget
// (to prune by what is really there) or the count is older than
// `staleAfter` (another zqt may have written meanwhile).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Synchronization

public enum KeptPicturesTally {
    /// The running total of one home's images folder.
    struct Count {
        var bytes: Int
        /// When the folder was last listed (monotonic seconds).
        var listedAt: Double
        /// How many times the folder was listed whole (tests see it is not once per download).
        var listings = 1
    }

    /// After this long, a download lists the folder again: another process's pictures come into the count.
    static let staleAfter = 300.0

    /// By the images folder's home: tests (and `zqt bench`) use many homes in one process.
    private static let counts = Mutex<[String: Count]>([:])

    /// After a copy of `bytes` was written for a task (`sparing`, its
    /// folder): the budget kept to, listing the folder only the first time,
    /// when the count is stale, or when it is over the budget.
    static func wrote(_ bytes: Int, home: String, budget: KeptPicturesBudget, sparing: String) {
        let now = monotonicSeconds()
        counts.withLock { counts in
            if var count = counts[home], now - count.listedAt < staleAfter {
                count.bytes += bytes
                guard count.bytes > budget.maxBytes else {
                    counts[home] = count
                    return
                }
            }
            // First download, a stale count, or over the budget: what is there, pruned to the budget.
            let total = ResultImageFiles.listAndPrune(home: home, budget: budget, sparing: sparing).total
            counts[home] = Count(bytes: total, listedAt: now, listings: (counts[home]?.listings ?? 0) + 1)
        }
    }

    /// A file zqt wrote outside a download (a thumbnail, a copy from the history's
    /// noted one): counted, when the folder has been counted already.
    static func added(_ bytes: Int, home: String) {
        counts.withLock { counts in counts[home]?.bytes += bytes }
    }

    /// Bytes zqt removed (a task's folder, with its row).
    static func removed(_ bytes: Int, home: String) {
        counts.withLock { counts in
            guard var count = counts[home] else { return }
            count.bytes = max(0, count.bytes - bytes)
            counts[home] = count
        }
    }

    /// The count after a listing made elsewhere (`pruneToBudget` called by itself).
    static func listed(_ total: Int, home: String) {
        let now = monotonicSeconds()
        counts.withLock { counts in counts[home] = Count(bytes: total, listedAt: now, listings: (counts[home]?.listings ?? 0) + 1) }
    }

    /// The running total, when the folder has been counted (tests).
    public static func bytes(home: String) -> Int? {
        counts.withLock { $0[home]?.bytes }
    }

    /// How many times a home's images folder was listed whole (tests).
    public static func listings(home: String) -> Int {
        counts.withLock { $0[home]?.listings ?? 0 }
    }
}
