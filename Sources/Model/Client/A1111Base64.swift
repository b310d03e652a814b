// Base64 (RFC 4648) for the A1111 API (issue 20): images travel inline in
// JSON, both ways. Written over bytes, bounded, and never trapping: an
// answer's text is untrusted, so a character outside the alphabet or a
// decoded size over the bound is nil, not a crash.

public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Each byte's six bits, 0xFF for a byte outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        // base64url's two letters are read too: some servers write them.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 2 < bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let n = UInt32(bytes[index]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes a base64 text holds, or nil when it is not base64 or would
    /// decode to more than `maxBytes`. A `data:image/png;base64,` prefix (how
    /// A1111 writes a preview in some versions) is skipped; whitespace is ignored.
    public static func decode(_ text: String, maxBytes: Int = Int.max) -> [UInt8]? {
        decode(bytes: Substring(text).utf8, maxBytes: maxBytes)
    }

    /// The bytes base64 text holds, read from its UTF-8 bytes where they lie
    /// (an answer's, A1111Answer: no string is made of megabytes of base64).
    public static func decode<Text: Collection>(bytes utf8: Text, maxBytes: Int = Int.max) -> [UInt8]? where Text.Element == UInt8 {
        if utf8.starts(with: "data:".utf8), let comma = utf8.firstIndex(of: UInt8(ascii: ",")) {
            return decodeBase64(utf8[utf8.index(after: comma)...], maxBytes: maxBytes)
        }
        return decodeBase64(utf8, maxBytes: maxBytes)
    }

    private static func decodeBase64<Text: Collection>(_ utf8: Text, maxBytes: Int) -> [UInt8]? where Text.Element == UInt8 {
        // Three bytes per four characters: refused before any work when plainly too large.
        if utf8.count / 4 * 3 > maxBytes + 3 { return nil }
        var out = [UInt8]()
        out.reserveCapacity(min(utf8.count / 4 * 3, maxBytes))
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for byte in utf8 {
            if byte == UInt8(ascii: "=") { padding += 1; continue }
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { continue }
            guard padding == 0 else { return nil }  // nothing but padding after padding
            let value = values[Int(byte)]
            guard value != 0xFF else { return nil }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
                if out.count > maxBytes { return nil }
            }
        }
        guard padding <= 2, bits < 6 else { return nil }
        return out
    }

    /// Whether a text is a picture given inline: base64 (or a `data:image/…;base64,` URL)
    /// whose first bytes are a PNG's, a JPEG's or a WebP's signature.
    public static func isInlinePicture(_ text: String) -> Bool {
        let trimmed = text.trimmed
        guard trimmed.utf8.count >= 16 else { return false }
        var head = Substring(trimmed)
        if head.hasPrefix("data:image/"), let comma = head.firstIndex(of: ",") { head = head[head.index(after: comma)...] }
        guard let bytes = decode(String(head.prefix(16)), maxBytes: 12) else { return false }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47]
        let riff: [UInt8] = [0x52, 0x49, 0x46, 0x46]
        return bytes.starts(with: png) || bytes.starts(with: [0xFF, 0xD8, 0xFF]) || bytes.starts(with: riff)
    }
}
