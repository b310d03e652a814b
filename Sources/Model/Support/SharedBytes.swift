// How many bytes two texts share at their start or at their end, compared
// with memcmp a block at a time: a megabyte's draft save (DraftPieces,
// DraftPatch) and a key's preview (PreviewDocument, issue 18) ask it of a
// megabyte, where a byte at a time cost a millisecond.

import Glibc

public enum SharedBytes {
    /// Bytes `a` and `b` share at the start.
    public static func atStart(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
        return sharedRun(upTo: min(a.count, b.count)) { done, length in memcmp(pa + done, pb + done, length) == 0 }
    }

    /// Bytes `a` and `b` share at the end, at most `limit`.
    public static func atEnd(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, atMost limit: Int) -> Int {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
        return sharedRun(upTo: min(limit, a.count, b.count)) { done, length in
            memcmp(pa + a.count - done - length, pb + b.count - done - length, length) == 0
        }
    }

    /// How many bytes, up to `limit`, are the same, `same(done, length)`
    /// comparing the `length` bytes after the `done` found so far: a block
    /// at a time, the block smaller each time one differs, down to a byte.
    /// Texts kept in pieces shorter than a block (a typed text's, about
    /// 1 KB) were compared a byte at a time past the 4 KB blocks
    /// (farstart20: a millisecond a megabyte, per key).
    private static func sharedRun(upTo limit: Int, _ same: (_ done: Int, _ length: Int) -> Bool) -> Int {
        var done = 0, step = block
        while done < limit {
            let length = min(step, limit - done)
            if same(done, length) {
                done += length
            } else if length > 1 {
                step = max(1, length / 8)
            } else {
                break
            }
        }
        return done
    }

    private static let block = 4096
}
