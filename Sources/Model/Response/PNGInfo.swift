// Reads a PNG's size from its header, to check and describe downloaded results.

public enum PNGInfo {
    /// Width and height from the IHDR chunk, or nil when the bytes are not a PNG.
    public static func dimensions(of png: [UInt8]) -> (width: Int, height: Int)? {
        guard png.count >= 24, png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
              png[12..<16].elementsEqual("IHDR".utf8) else { return nil }
        func read(_ at: Int) -> Int { png[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (read(16), read(20))
    }
}
