// Memory zqt has freed, given back (issue 18: memory stays flat as batches
// grow, and leaves room after network use). glibc gives every thread that
// allocates an arena of its own, up to eight per core, and keeps the pages
// freed in each: a sweep's sixteen transfers on libcurl's threads left ~9 MB
// of such pages behind. Two arenas and a trim when a task ends keep what
// zqt holds to what it uses.

import CSystem

enum FreedMemory {
    /// At start, before any thread: two arenas (the main thread's and one
    /// the others share; they take turns briefly, never for long).
    static func limitArenas() {
        _ = zqt_limit_malloc_arenas(2)
    }

    /// When work ends (a task followed to its end, a send answered): the
    /// pages it freed go back to the system. A few hundred microseconds.
    static func giveBack() {
        _ = malloc_trim(0)
    }
}
