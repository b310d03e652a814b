import Testing
@testable import ZqtTUI

/// Issue 18 (screen19): on the real screen one key in six typed into a 1 MB
/// prompt showed late. The event loop spaced frames out after any frame
/// slower than 20 ms while "keys kept coming", and a key typed 120 ms after
/// such a frame counted as coming: its frame waited until 0.2 s after the
/// last one. The event loop's clock is replayed here (times in seconds).
@Suite struct FramePacingTests {
    /// The loop's frames for input read at `reads` (each handled, then a frame
    /// drawn when due, taking `frameCost`): when each frame was drawn.
    static func frames(reads: [Double], frameCost: Double, firstFrameCost: Double? = nil) -> [Double] {
        var pacing = FramePacing()
        var drawn: [Double] = []
        var now = 0.0
        var due: Double?
        var pending = reads[...]
        func draw(at time: Double) {
            let cost = drawn.isEmpty ? (firstFrameCost ?? frameCost) : frameCost
            pacing.drawn(from: time, to: time + cost)
            drawn.append(time)
            now = time + cost
        }
        while !pending.isEmpty || due != nil {
            // Poll: the next input, or the frame's due time, whichever comes first.
            if let next = pending.first, next <= (due ?? .infinity) {
                now = max(now, next)
                pending.removeFirst()
                pacing.inputRead(at: now)
            } else if let due {
                now = max(now, due)
            }
            let waiting = pending.first.map { $0 <= now } ?? false
            due = pacing.frameDue(now: now, inputWaiting: waiting)
            if due == nil { draw(at: now) }
        }
        return drawn
    }

    @Test func aKeyTypedAfterASlowFrameIsDrawnAtOnce() {
        // A slow frame (a jump to a megabyte's end, 40 ms; or one drawn while the
        // draft's save ran), then keys 120 ms apart: each is drawn as it is read.
        let keys = [0.0, 0.12, 0.24, 0.36]
        let drawn = Self.frames(reads: keys, frameCost: 0.005, firstFrameCost: 0.04)
        #expect(drawn == keys)
        // Every frame slow (a debug build's 30 ms), keys typed 120 ms apart: the same.
        #expect(Self.frames(reads: keys, frameCost: 0.03) == keys)
        // A jump's frame of 60 ms, the next key 120 ms after the jump.
        #expect(Self.frames(reads: keys, frameCost: 0.005, firstFrameCost: 0.06) == keys)
    }

    @Test func inputStillComingAfterSlowFramesIsDrawnEveryFifthOfASecond() {
        // A paste arriving in pieces 5 ms apart, slower than zqt reads it, frames of 30 ms:
        // drawn at its first piece, then at most every 0.2 s, and once at its end.
        let pieces = (0..<200).map { Double($0) * 0.005 }
        let drawn = Self.frames(reads: pieces, frameCost: 0.03)
        #expect(drawn.count <= 7, "\(drawn.count) frames for a second of pieces: \(drawn)")
        for (earlier, later) in zip(drawn, drawn.dropFirst()) {
            #expect(later - earlier >= 0.2 + 0.03 - 1e-9)
        }
        // The last piece is shown: a frame after it.
        #expect((drawn.last ?? 0) >= pieces.last ?? 0)
    }

    @Test func keysTypedFasterThanSlowFramesAreSpacedOut() {
        // Frames of 50 ms, keys 20 ms apart (a held key): each key comes within a
        // frame's time of the last, so frames are spaced out.
        let keys = (0..<25).map { Double($0) * 0.02 }
        let drawn = Self.frames(reads: keys, frameCost: 0.05)
        #expect(drawn.count <= 4, "\(drawn)")
    }
}
