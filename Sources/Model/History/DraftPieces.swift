// A saved draft's text cut into pieces where its content says, not at fixed
// offsets (issue 18): a piece ends where a rolling hash of the last bytes
// hits a mark, so an edit changes the piece it falls in and the pieces
// after it stay the same. A save writes only the pieces not stored yet and
// the list of piece names, not the whole form again: typing into a
// megabyte prompt writes a few kilobytes a save instead of a megabyte.

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

    static func cut(_ text: String) -> [Piece] {
        var text = text
        let ends: [(key: String, start: Int, end: Int)] = text.withUTF8 { bytes in
            let gear = Self.gear
            var pieces: [(key: String, start: Int, end: Int)] = []
            var start = 0
            while start < bytes.count {
                var hash: UInt64 = 0
                var end = bytes.count
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
                        if hash >> 52 == 0 { end = index; break }
                        if length >= maximum - 4 { end = lowest?.index ?? index; break }
                        if hash <= lowest?.hash ?? .max { lowest = (hash, index) }
                    }
                    // The top bits depend on the last 64 bytes.
                    hash = (hash << 1) &+ gear[Int(byte)]
                }
                pieces.append((key(UnsafeBufferPointer(rebasing: bytes[start..<end])), start, end))
                start = end
            }
            return pieces
        }
        // Each piece starts and ends at a character's first byte: the slices are
        // whole scalars, and together the text's bytes exactly.
        let utf8 = text.utf8
        return ends.map { piece in
            let start = utf8.index(utf8.startIndex, offsetBy: piece.start)
            let end = utf8.index(utf8.startIndex, offsetBy: piece.end)
            return Piece(key: piece.key, text: Substring(utf8[start..<end]))
        }
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
}
