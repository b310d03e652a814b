// Pictures in and out of the A1111 stand-in: base64 as its API sends them
// (api.py encode_pil_to_base64, decode_base64_to_image), PNGs carrying the
// `parameters` text chunk as A1111 saves them, and the size of a picture a
// client sent (its PNG or JPEG header: nothing else is decoded).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

enum A1111Images {
    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// A picture a client sent: plain base64 or a `data:image/...;base64,` URL.
    /// Nil when it is no base64 or not a PNG, JPEG or WebP ("Invalid encoded image").
    static func decode(_ text: String) -> [UInt8]? {
        var encoded = Substring(text.trimmed)
        if encoded.hasPrefix("data:image/"), let comma = encoded.firstIndex(of: ",") {
            encoded = encoded[encoded.index(after: comma)...]
        }
        guard let data = Data(base64Encoded: String(encoded), options: .ignoreUnknownCharacters) else { return nil }
        let bytes = [UInt8](data)
        guard size(of: bytes) != nil else { return nil }
        return bytes
    }

    /// Width and height from a PNG's IHDR, a JPEG's frame header, or a
    /// WebP's header; nil for anything else. Every read is bounds-checked.
    static func size(of bytes: [UInt8]) -> (width: Int, height: Int)? {
        func bigEndian(_ at: Int, _ count: Int) -> Int? {
            guard at >= 0, at + count <= bytes.count else { return nil }
            return bytes[at..<(at + count)].reduce(0) { $0 << 8 | Int($1) }
        }
        if bytes.starts(with: PNGText.signature) {
            guard let width = bigEndian(16, 4), let height = bigEndian(20, 4), width > 0, height > 0 else { return nil }
            return (width, height)
        }
        if bytes.starts(with: [0xFF, 0xD8]) {
            var index = 2
            while index + 9 < bytes.count {
                guard bytes[index] == 0xFF else { return nil }
                let marker = bytes[index + 1]
                guard let length = bigEndian(index + 2, 2), length >= 2 else { return nil }
                // SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
                if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                    guard let height = bigEndian(index + 5, 2), let width = bigEndian(index + 7, 2), width > 0, height > 0 else { return nil }
                    return (width, height)
                }
                index += 2 + length
            }
            return nil
        }
        if bytes.count >= 30, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            let little = { (at: Int, count: Int) in bytes[at..<(at + count)].reversed().reduce(0) { $0 << 8 | Int($1) } }
            switch String(decoding: bytes[12..<16], as: UTF8.self) {
            case "VP8X": return (little(24, 3) + 1, little(27, 3) + 1)
            case "VP8L":
                let bits = little(21, 4)
                return ((bits & 0x3FFF) + 1, (bits >> 14 & 0x3FFF) + 1)
            case "VP8 ": return (little(26, 2) & 0x3FFF, little(28, 2) & 0x3FFF)
            default: return nil
            }
        }
        return nil
    }

    /// A PNG of `width`×`height` drawn from `seed`, with `parameters` as A1111 writes it.
    static func picture(width: Int, height: Int, seed: Int, parameters: String?) -> [UInt8] {
        let png = PNGImage.render(width: width, height: height, seed: seed)
        guard let parameters else { return png }
        return (try? PNGText.inserting([PNGText.Entry(keyword: A1111Parameters.keyword, text: parameters)], into: png)) ?? png
    }

    /// A small stand-in for a picture's content, so captions and control maps differ per picture.
    static func fingerprint(_ bytes: [UInt8]) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes.prefix(4096) {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        return Int(truncatingIfNeeded: hash >> 1)
    }
}
