// Memory zqt has freed, given back (issue 18: memory stays flat as batches
// grow, and leaves room after network use). glibc gives every thread that
// allocates an arena of its own, up to eight per core, and keeps the pages
// freed in each: a sweep's sixteen transfers on libcurl's threads left ~9 MB
// of such pages behind. Two arenas and a trim when a task ends keep what
// zqt holds to what it uses.
// A megabyte of text (a pasted prompt, issue 18) is copied in buffers of a
// megabyte or two as it goes from the terminal to the form, the preview and
// the draft: glibc serves the second such buffer from its heap (its mmap
// threshold rises past the first one freed), and the pages stay resident
// once freed; a fixed threshold keeps each its own mapping, gone when freed.

import CSystem

enum FreedMemory {
    /// At start, before any thread: two arenas (the main thread's and one
    /// the others share; they take turns briefly, never for long).
    static func limitArenas() {
        _ = zqt_limit_malloc_arenas(2)
    }

    /// Buffers at least this large are mapped apart (PictureCache's
    /// pictures asked for the same when the first was made).
    static let mappedApart = 256 << 10

    /// At start, with the arenas: a fixed mmap threshold (setting it also
    /// stops glibc from raising it, and from raising the heap's trim threshold).
    /// Measured on the screen with a 1 MB paste (scripts/measure-screen-typing.py):
    /// 3.5 MB less resident after the edit than with the moving threshold.
    static func mapLargeBuffersApart() {
        _ = zqt_fix_mmap_threshold(Int32(mappedApart))
        _ = zqt_set_trim_threshold(Int32(keptAtTop))
    }

    /// Freed memory at the heap's top kept for the next frame (the fixed
    /// mmap threshold also fixes the trim threshold, at glibc's 128 KB): a
    /// key into a megabyte prompt builds and frees about 500 KB there, and
    /// with 128 KB each key gave it back and faulted it in again, nine
    /// brk calls and ~120 pages a key, a sixth of its time (keyp90, issue
    /// 18). `giveBack` still trims everything when a large edit ends.
    static let keptAtTop = 1 << 20

    /// A text being edited at least this long (in characters) frees its
    /// pieces when the edit ends (about a thousand for a megabyte), scattered
    /// in the heap: they are given back then (TerminalApp), not left resident until a send.
    static let largeText = 64 << 10

    /// Whether a large text is being edited: when an action ends that edit, `giveBack`.
    static func editsLargeText(_ state: AppState) -> Bool {
        (state.view.editing?.buffer.count ?? 0) >= largeText
    }

    /// When work ends (a task followed to its end, a send answered, a large edit ended): the
    /// pages it freed go back to the system. A few hundred microseconds.
    static func giveBack() {
        _ = malloc_trim(0)
    }
}
