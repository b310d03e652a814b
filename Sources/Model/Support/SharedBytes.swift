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
        var prefix = 0
        while prefix + block <= shorter, memcmp(pa + prefix, pb + prefix, block) == 0 { prefix += block }
        while prefix < shorter, a[prefix] == b[prefix] { prefix += 1 }
        return prefix
    }

    /// Bytes `a` and `b` share at the end, at most `limit`.
    public static func atEnd(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, atMost limit: Int) -> Int {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
        let limit = min(limit, a.count, b.count)
        var suffix = 0
        while suffix + block <= limit, memcmp(pa + a.count - suffix - block, pb + b.count - suffix - block, block) == 0 { suffix += block }
        while suffix < limit, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        return suffix
    }

    private static let block = 4096
}
