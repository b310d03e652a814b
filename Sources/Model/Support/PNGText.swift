// Text chunks in a PNG (the PNG specification's tEXt and iTXt, §11.3.4): how
// a saved copy carries the request that made it (issue 17), and how one is
// read back. A picture is untrusted input: every length is checked against
// what is left, chunks are counted, and a text is read only up to a bound.

public enum PNGText {
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// A text longer than this is skipped (a request is a few kilobytes).
    public static let maximumTextBytes = 4 << 20
    /// At most this many chunks are looked at (a real PNG has a handful, plus IDATs).
    public static let maximumChunks = 100_000

    public struct Entry: Equatable, Sendable {
        public let keyword: String
        public let text: String

        public init(keyword: String, text: String) {
            self.keyword = keyword
            self.text = text
        }
    }

    public enum Fault: Error, Equatable, Sendable, CustomStringConvertible {
        case notPNG
        case truncated
        case tooManyChunks

        public var description: String {
            switch self {
            case .notPNG: return "not a PNG picture"
            case .truncated: return "the PNG is cut short or damaged"
            case .tooManyChunks: return "the PNG has more chunks than a picture has"
            }
        }
    }

    /// One chunk's place: its type and where its data lies.
    private struct Chunk {
        let type: [UInt8]
        let start: Int
        let length: Int
    }

    /// The chunks up to IEND, each length checked against the bytes left.
    private static func chunks(_ bytes: [UInt8]) throws(Fault) -> [Chunk] {
        guard bytes.count >= signature.count, bytes.starts(with: signature) else { throw .notPNG }
        var found: [Chunk] = []
        var offset = signature.count
        while offset < bytes.count {
            guard found.count < maximumChunks else { throw .tooManyChunks }
            guard bytes.count - offset >= 12 else { throw .truncated }
            let length = Int(bigEndian32(bytes, at: offset))
            // A length is at most 2^31-1 (§5.3); the data and its CRC must fit in what is left.
            guard length <= Int(Int32.max), length <= bytes.count - offset - 12 else { throw .truncated }
            let type = Array(bytes[(offset + 4)..<(offset + 8)])
            found.append(Chunk(type: type, start: offset + 8, length: length))
            offset += 12 + length
            if type == Array("IEND".utf8) { break }
        }
        return found
    }

    /// The uncompressed text chunks (tEXt, and iTXt without compression),
    /// in file order. A compressed or oversized text is left out.
    public static func entries(in bytes: [UInt8]) throws(Fault) -> [Entry] {
        var entries: [Entry] = []
        for chunk in try chunks(bytes) where chunk.length <= maximumTextBytes {
            let data = bytes[chunk.start..<(chunk.start + chunk.length)]
            guard let zero = data.firstIndex(of: 0), zero > data.startIndex, zero - data.startIndex <= 79 else { continue }
            let keyword = String(decoding: data[data.startIndex..<zero], as: UTF8.self)
            if chunk.type == Array("tEXt".utf8) {
                // Latin-1: each byte is its own code point.
                let text = String(String.UnicodeScalarView(data[(zero + 1)...].map { Unicode.Scalar($0) }))
                entries.append(Entry(keyword: keyword, text: text))
            } else if chunk.type == Array("iTXt".utf8) {
                // keyword 0, compression flag, method, language 0, translated keyword 0, text.
                var rest = data[(zero + 1)...]
                guard rest.count >= 2, rest[rest.startIndex] == 0 else { continue }
                rest = rest.dropFirst(2)
                guard let languageEnd = rest.firstIndex(of: 0) else { continue }
                rest = rest[(languageEnd + 1)...]
                guard let translatedEnd = rest.firstIndex(of: 0) else { continue }
                let text = rest[(translatedEnd + 1)...]
                guard let decoded = String(validating: text, as: UTF8.self) else { continue }
                entries.append(Entry(keyword: keyword, text: decoded))
            }
        }
        return entries
    }

    /// The PNG with `entries` as text chunks before its first IDAT (where
    /// the specification places them for readers that stop there): tEXt when
    /// the text is Latin-1, else iTXt (UTF-8), as Pillow (A1111's) writes them.
    public static func inserting(_ entries: [Entry], into bytes: [UInt8]) throws(Fault) -> [UInt8] {
        let found = try chunks(bytes)
        guard let idat = found.first(where: { $0.type == Array("IDAT".utf8) }) else { throw .truncated }
        let insertAt = idat.start - 8
        var out = Array(bytes[..<insertAt])
        for entry in entries {
            let keyword = Array(entry.keyword.utf8.prefix(79))
            let latin1 = entry.text.unicodeScalars.allSatisfy { $0.value <= 0xFF }
            if latin1 {
                out += chunk("tEXt", keyword + [0] + entry.text.unicodeScalars.map { UInt8($0.value) })
            } else {
                out += chunk("iTXt", keyword + [0, 0, 0, 0, 0] + Array(entry.text.utf8))
            }
        }
        out += bytes[insertAt...]
        return out
    }

    /// One chunk as a PNG file holds it: length, type, data, CRC.
    public static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        var out: [UInt8] = []
        appendBigEndian32(UInt32(truncatingIfNeeded: data.count), to: &out)
        out += typeBytes
        out += data
        appendBigEndian32(crc32(typeBytes + data), to: &out)
        return out
    }

    private static func bigEndian32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func appendBigEndian32(_ value: UInt32, to out: inout [UInt8]) {
        out += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// The CRC of a chunk's type and data (PNG specification, annex D).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
