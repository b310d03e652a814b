// A saved draft's text cut into pieces where its content says, not at fixed
// offsets (issue 18): a piece ends where a rolling hash of the last bytes
// hits a mark, so an edit changes the piece it falls in and the pieces
// after it stay the same. A save writes only the pieces not stored yet and
// the list of piece names, not the whole form again: typing into a
// megabyte prompt writes a few kilobytes a save instead of a megabyte.
//
// Cutting reads only what changed: the last few long texts cut are kept
// with their pieces, and a text that shares a beginning and an end with one
// of them (the same form with a few keys typed) takes its pieces before the
// change and after it as they were, hashing only the pieces around the
// change. Compared with memcmp, so a save of a megabyte hashes a few KB.

#if canImport(Glibc)
import Glibc
#endif
import Synchronization

enum DraftPieces {
    /// Pieces are 1-16 KB, about 4 KB on average.
    static let minimum = 1 << 10, maximum = 16 << 10

    struct Piece: Equatable {
        /// The content's hash and length: the same name is the same text.
        let key: String
        /// A slice of the text cut, not a copy: only pieces not stored yet
        /// are copied out, when written (a save of a megabyte copies a few KB).
        let text: Substring
    }

    /// A piece by its bytes: `start..<end` of the text, and the last byte
    /// its end was decided by (`scanned`, the text's length when it ran to
    /// the end): the same bytes up to there give the same piece.
    struct Span: Sendable, Equatable {
        var start: Int
        var end: Int
        var scanned: Int
        var key: String
    }

    /// A long text cut, kept for the next cut of one like it.
    private struct Kept: Sendable {
        let text: String
        let spans: [Span]
    }

    /// Texts shorter than this are cut whole each time (a few microseconds).
    static let keptLength = 64 << 10
    /// The drafts' texts of a few forms (each form's request and typed text).
    private static let keptCount = 4
    private static let kept = Mutex<[Kept]>([])

    static func cut(_ text: String) -> [Piece] {
        var text = text
        let candidates = text.utf8.count >= keptLength ? kept.withLock { $0 } : []
        var replaced: Kept?
        let spans: [Span] = text.withUTF8 { bytes in
            var best: (kept: Kept, prefix: Int, suffix: Int)?
            for candidate in candidates {
                var other = candidate.text
                let (prefix, suffix) = other.withUTF8 { Self.common(bytes, $0) }
                if prefix + suffix > (best.map { $0.prefix + $0.suffix } ?? 0) { best = (candidate, prefix, suffix) }
            }
            guard let best else { return Self.spans(bytes, reusing: nil) }
            replaced = best.kept
            return Self.spans(bytes, reusing: (best.kept.spans, best.kept.text.utf8.count, best.prefix, best.suffix))
        }
        if text.utf8.count >= keptLength {
            let cut = Kept(text: text, spans: spans)
            kept.withLock { kept in
                // The text it was cut from is replaced by it (a form's drafts keep one
                // megabyte here, not four), and the same text is kept once.
                kept.removeAll { other in
                    (other.text.utf8.count == text.utf8.count && other.spans == spans)
                        || (replaced.map { other.text.utf8.count == $0.text.utf8.count && other.spans == $0.spans } ?? false)
                }
                kept.insert(cut, at: 0)
                if kept.count > keptCount { kept.removeLast(kept.count - keptCount) }
            }
        }
        // Each piece starts and ends at a character's first byte: the slices are
        // whole scalars, and together the text's bytes exactly.
        let utf8 = text.utf8
        return spans.map { span in
            let start = utf8.index(utf8.startIndex, offsetBy: span.start)
            let end = utf8.index(utf8.startIndex, offsetBy: span.end)
            return Piece(key: span.key, text: Substring(utf8[start..<end]))
        }
    }

    /// The pieces of `bytes`: those of an earlier text (`old`, its length,
    /// and how many bytes both share at the start and at the end) taken as
    /// they were where the bytes they were decided by are the same, the rest cut.
    private static func spans(_ bytes: UnsafeBufferPointer<UInt8>,
                              reusing old: (spans: [Span], count: Int, prefix: Int, suffix: Int)?) -> [Span] {
        var spans: [Span] = []
        var start = 0
        if let old {
            // Before the change: every piece decided by bytes both texts share.
            for span in old.spans {
                guard span.scanned < old.prefix else { break }
                spans.append(span)
                start = span.end
            }
        }
        let delta = bytes.count - (old?.count ?? bytes.count)
        while start < bytes.count {
            // In the shared end: cut from here as the old text was, when a piece of it started here.
            if let old, start >= bytes.count - old.suffix, let index = firstSpan(startingAt: start - delta, in: old.spans) {
                for span in old.spans[index...] {
                    spans.append(Span(start: span.start + delta, end: span.end + delta, scanned: span.scanned + delta, key: span.key))
                }
                break
            }
            let (end, scanned) = nextEnd(bytes, from: start)
            spans.append(Span(start: start, end: end, scanned: scanned, key: key(UnsafeBufferPointer(rebasing: bytes[start..<end]))))
            start = end
        }
        return spans
    }

    /// Where the piece starting at `start` ends, and the last byte read to decide it.
    private static func nextEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (end: Int, scanned: Int) {
        let gear = Self.gear
        var hash: UInt64 = 0
        // The lowest hash past the minimum (the last such place): where a
        // piece that found no mark by the maximum ends, so even text that
        // repeats itself is cut by its content (the same place in each
        // repeat), not by length, and little is read twice.
        var lowest: (hash: UInt64, index: Int)?
        for index in start..<bytes.count {
            let byte = bytes[index]
            let length = index - start
            // Only before a character's first byte: each piece is valid UTF-8 text.
            if length >= minimum, byte & 0xC0 != 0x80 {
                if hash >> 52 == 0 { return (index, index) }
                if length >= maximum - 4 { return (lowest?.index ?? index, index) }
                if hash <= lowest?.hash ?? .max { lowest = (hash, index) }
            }
            // The top bits depend on the last 64 bytes.
            hash = (hash << 1) &+ gear[Int(byte)]
        }
        return (bytes.count, bytes.count)
    }

    private static func firstSpan(startingAt position: Int, in spans: [Span]) -> Int? {
        var low = 0, high = spans.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if spans[mid].start == position { return mid }
            if spans[mid].start < position { low = mid + 1 } else { high = mid - 1 }
        }
        return nil
    }

    /// Bytes two texts share at the start, and at the end (not overlapping the start).
    static func common(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> (prefix: Int, suffix: Int) {
        let prefix = SharedBytes.atStart(a, b)
        return (prefix, SharedBytes.atEnd(a, b, atMost: min(a.count, b.count) - prefix))
    }


    /// FNV-1a of the bytes, and their count.
    private static func key(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + "-" + String(bytes.count)
    }

    /// A fixed random number per byte value (splitmix64), for the rolling hash.
    private static let gear: [UInt64] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<256).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }()

    /// The pieces of a text cut whole, nothing kept or reused: what an
    /// incremental cut must give (for tests).
    static func cutWhole(_ text: String) -> [Piece] {
        var text = text
        let found: [Span] = text.withUTF8 { Self.spans($0, reusing: nil) }
        let utf8 = text.utf8
        return found.map { span in
            Piece(key: span.key, text: Substring(utf8[utf8.index(utf8.startIndex, offsetBy: span.start)..<utf8.index(utf8.startIndex, offsetBy: span.end)]))
        }
    }
}
