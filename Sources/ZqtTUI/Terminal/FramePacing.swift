// When the event loop draws while input arrives (TerminalApp). A paste
// still arriving is drawn at most every 0.2 s (a frame lays out the whole
// text), and so is input that keeps coming faster than slow frames are
// drawn (a paste arriving slower than zqt reads it, a debug build): drawing
// each piece would fall behind it.
//
// A key typed after a pause is drawn at once, however slow the frame before
// it was (issue 18, screen19). Before, any input within 0.1 s of a frame
// slower than 20 ms waited for the spacing: a key typed 120 ms after a slow
// frame (a jump to a megabyte's end; a frame drawn while the draft's save
// ran on the other core) showed up to 200 ms after that frame, some 80 ms
// late, about one key in six on the real screen while typing into a 1 MB
// prompt (a save every half second).

struct FramePacing: Equatable {
    /// A frame slower than this (wall time) is spaced out while input keeps coming.
    static let slowFrame = 0.02
    /// Input that came after zqt had waited idle this long, and longer than
    /// the last frame took, is typed, not a stream: drawn at once. A stream
    /// read by zqt finds its next piece waiting when a frame ends, or within
    /// a few milliseconds; a held key repeats every 25-40 ms, and then
    /// comes sooner after a slow frame than that frame took.
    static let typingPause = 0.03
    /// The least time between frames while input keeps coming.
    static let spacing = 0.2

    /// When the last frame ended, and what it took.
    private(set) var lastDrawn = 0.0
    private(set) var lastDrawCost = 0.0
    /// When input was last read, and how long zqt had been idle before it.
    private(set) var lastInput = 0.0
    private(set) var idleBeforeInput = Double.infinity

    mutating func drawn(from start: Double, to end: Double) {
        lastDrawn = end
        lastDrawCost = end - start
    }

    /// Input read at `now`: idle since the later of the last frame's end
    /// and the input read before it.
    mutating func inputRead(at now: Double) {
        idleBeforeInput = now - max(lastDrawn, lastInput)
        lastInput = now
    }

    /// When the frame is due: nil to draw now. `inputWaiting`: more input is
    /// already there (a paste still arriving).
    func frameDue(now: Double, inputWaiting: Bool) -> Double? {
        let spacing = max(Self.spacing, 4 * lastDrawCost)
        let streaming = lastDrawCost > Self.slowFrame && now - lastInput < 0.1
            && idleBeforeInput < max(Self.typingPause, lastDrawCost)
        // Compared with the due time itself: a wake at that time draws (no rounding keeps it waiting).
        let due = lastDrawn + spacing
        guard inputWaiting || streaming, now < due else { return nil }
        return due
    }
}
