import Model
import Testing

/// The bytes two texts share at their start and end (a draft's save and a
/// key's preview ask it of a megabyte, in pieces of any length): the same
/// answer as a byte at a time, wherever they first differ, at any length.
@Suite struct SharedBytesTests {
    static func naiveStart(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var at = 0
        while at < min(a.count, b.count), a[at] == b[at] { at += 1 }
        return at
    }

    static func naiveEnd(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        var at = 0
        while at < min(limit, a.count, b.count), a[a.count - 1 - at] == b[b.count - 1 - at] { at += 1 }
        return at
    }

    @Test(arguments: [0, 1, 15, 16, 17, 100, 1_023, 4_096, 4_097, 9_000])
    func sharedBytesAreCountedToTheFirstDifferenceAtAnyLength(length: Int) {
        let a = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let places = Set([0, 1, 2, 15, 16, 17, 511, 512, 4_095, 4_096, length / 2, length - 2, length - 1].filter { $0 >= 0 && $0 < length })
        for place in places.sorted() + [length] {
            // A byte changed at `place` (none when it is the length), then one byte more at the end of the other.
            var b = a
            if place < length { b[place] ^= 0x55 }
            for other in [b, b + [1]] {
                let start = a.withUnsafeBufferPointer { x in other.withUnsafeBufferPointer { SharedBytes.atStart(x, $0) } }
                #expect(start == Self.naiveStart(a, other), "length \(length), differing at \(place): shared start")
                for limit in [Int.max, length / 3] {
                    let end = a.withUnsafeBufferPointer { x in other.withUnsafeBufferPointer { SharedBytes.atEnd(x, $0, atMost: limit) } }
                    #expect(end == Self.naiveEnd(a, other, limit: limit), "length \(length), differing at \(place), at most \(limit): shared end")
                }
            }
        }
    }
}
