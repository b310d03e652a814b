// What a local picture is, from its first bytes: PNG, JPEG or WebP, and its
// width and height, read from the header alone (no decoder, no library), so
// a file that is not a picture the service can take is refused before any
// upload. PNG's IHDR is read by PNGInfo; JPEG's size is in its first SOFn
// segment; WebP's in its VP8, VP8L or VP8X chunk (RFC 9649).

public struct ImageHeader: Sendable, Equatable {
    public enum Format: String, Sendable {
        case png, jpeg, webp

        /// The Content-Type an upload is stored with.
        public var mimeType: String { "image/\(rawValue)" }
        /// As a line names it: "PNG", "JPEG", "WebP".
        public var title: String { self == .webp ? "WebP" : rawValue.uppercased() }
        /// The file name extension an upload's object key ends with.
        public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
    }

    public let format: Format
    public let width: Int
    public let height: Int

    public init(format: Format, width: Int, height: Int) {
        self.format = format
        self.width = width
        self.height = height
    }

    /// The picture's header, or nil when the bytes are none of the three
    /// formats or the header is cut short or holds no size.
    public static func read(_ bytes: [UInt8]) -> ImageHeader? {
        if let size = PNGInfo.dimensions(of: bytes) { return valid(.png, size) }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return jpegSize(bytes).flatMap { valid(.jpeg, $0) } }
        if bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WEBP".utf8) {
            return webpSize(bytes).flatMap { valid(.webp, $0) }
        }
        return nil
    }

    private static func valid(_ format: Format, _ size: (width: Int, height: Int)) -> ImageHeader? {
        size.width > 0 && size.height > 0 ? ImageHeader(format: format, width: size.width, height: size.height) : nil
    }

    /// The first start-of-frame segment's size (SOF0–SOF15 but DHT, JPG and DAC).
    static func jpegSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        var at = 2
        while at + 4 <= bytes.count {
            guard bytes[at] == 0xFF else { return nil }
            let marker = bytes[at + 1]
            if marker == 0xFF { at += 1; continue }  // fill bytes
            // Markers without a length: TEM, RSTn; SOI again.
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { at += 2; continue }
            if marker == 0xD9 || marker == 0xDA { return nil }  // end of image, or scan data before any frame
            let length = Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            guard length >= 2 else { return nil }
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                guard at + 9 <= bytes.count else { return nil }
                let height = Int(bytes[at + 5]) << 8 | Int(bytes[at + 6])
                let width = Int(bytes[at + 7]) << 8 | Int(bytes[at + 8])
                return (width, height)
            }
            at += 2 + length
        }
        return nil
    }

    static func webpSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count >= 30 else { return nil }
        let chunk = String(decoding: bytes[12..<16], as: UTF8.self)
        func le(_ at: Int, _ count: Int) -> Int { (0..<count).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        switch chunk {
        case "VP8 ":
            // A key frame: 3 bytes of frame tag, the start code 9D 01 2A, then 14-bit sizes.
            guard bytes[23] == 0x9D, bytes[24] == 0x01, bytes[25] == 0x2A else { return nil }
            return (le(26, 2) & 0x3FFF, le(28, 2) & 0x3FFF)
        case "VP8L":
            guard bytes[20] == 0x2F else { return nil }
            let bits = le(21, 4)
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            return (le(24, 3) + 1, le(27, 3) + 1)
        default:
            return nil
        }
    }
}
