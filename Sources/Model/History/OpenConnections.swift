// How many SQLite connections this process holds open, so the end of a
// command can wait for one being closed on another thread (issue 21).

#if canImport(Glibc)
import Glibc
#endif

/// Counts connections from their open to the end of their close. A store
/// released on another thread as a command ends (the last task to hold it
/// finishing) is no longer among the living stores `closeEveryOpenStore`
/// closes, yet its connection is still being closed: exit() then would
/// leave the -wal and -shm beside the history (CI at 0d3d56c, 3 ends in 4
/// on a fresh home). `waitUntilAllClosed` waits for those, bounded.
final class OpenConnections: @unchecked Sendable {
    static let shared = OpenConnections()

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var open = 0

    private init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(changed, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    func opened() {
        pthread_mutex_lock(mutex)
        open += 1
        pthread_mutex_unlock(mutex)
    }

    func closed() {
        pthread_mutex_lock(mutex)
        open -= 1
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// Waits until no connection is open, or `milliseconds` have passed
    /// (a connection something still holds is left to exit). True when none is open.
    @discardableResult
    func waitUntilAllClosed(milliseconds: Int) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let nanoseconds = deadline.tv_nsec + (max(0, milliseconds) % 1000) * 1_000_000
        deadline.tv_sec += max(0, milliseconds) / 1000 + nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while open > 0 {
            if pthread_cond_timedwait(changed, mutex, &deadline) == ETIMEDOUT { break }
        }
        return open <= 0
    }
}
