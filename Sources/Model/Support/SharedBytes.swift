// How many bytes two texts share at their start or at their end, compared
// with memcmp a block at a time: a megabyte's draft save (DraftPieces,
// DraftPatch) and a key's preview (PreviewDocument, issue 18) ask it of a
// megabyte, where a byte at a time cost a millisecond.

import Glibc

public enum SharedBytes {
    /// Bytes `a` and `b` share at the start.
    public static func atStart(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
        let shorter = min(a.count, b.count)
        var prefix = 0, step = block
        // A block smaller each time one differs, down to a few bytes: texts kept in pieces shorter than a block
        // (a typed text's, about 1 KB) were compared a byte at a time (farstart20: a millisecond a megabyte, per key).
        while prefix < shorter {
            let length = min(step, shorter - prefix)
            if memcmp(pa + prefix, pb + prefix, length) == 0 { prefix += length } else if length > 16 { step = length / 8 } else { break }
        }
        while prefix < shorter, a[prefix] == b[prefix] { prefix += 1 }
        return prefix
    }

    /// Bytes `a` and `b` share at the end, at most `limit`.
    public static func atEnd(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, atMost limit: Int) -> Int {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
        let limit = min(limit, a.count, b.count)
        var suffix = 0, step = block
        while suffix < limit {
            let length = min(step, limit - suffix)
            if memcmp(pa + a.count - suffix - length, pb + b.count - suffix - length, length) == 0 {
                suffix += length
            } else if length > 16 { step = length / 8 } else { break }
        }
        while suffix < limit, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        return suffix
    }

    private static let block = 4096
}
