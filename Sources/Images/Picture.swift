// A decoded image: RGBA pixels from the system's libpng, libjpeg-turbo or
// libwebp (CImageShim, opened on the first image), and the scaled copies
// zqt keeps of it. Never the terminal: TerminalArt turns pixels into cells.

import CImageShim
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

/// Why an image cannot be shown; the message says it in a user's words.
public struct PictureError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    /// A bound of what one task may bring left the picture unfetched (issue 23).
    public var notFetched = false
    public init(_ message: String, notFetched: Bool = false) {
        self.message = message
        self.notFetched = notFetched
    }
    public var description: String { message }

    /// The message a C function wrote into a buffer (up to its first NUL; invalid UTF-8 replaced).
    init(cString buffer: [CChar]) {
        message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

public struct Picture: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// RGBA, 8 bits a channel, unassociated alpha, rows top down.
    public let pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 4)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// 4096 × 4096 (64 MB while decoded): a hi-res result fits with room to
    /// spare; a header claiming more is refused before any pixel is read.
    public static let maximumPixels: Int64 = 4096 * 4096
    /// Files larger than this are not read (an image file, not a disk).
    public static let maximumFileBytes = 64 << 20

    public static func decode(_ bytes: [UInt8]) throws(PictureError) -> Picture {
        var image = zqt_image()
        var error = [CChar](repeating: 0, count: 256)
        let ok = bytes.withUnsafeBufferPointer { buffer in
            zqt_image_decode(buffer.baseAddress, buffer.count, maximumPixels, &image, &error, error.count)
        }
        guard ok == 1, let pixels = image.pixels else { throw PictureError(cString: error) }
        defer { zqt_image_free(&image) }
        let count = Int(image.width) * Int(image.height) * 4
        return Picture(width: Int(image.width), height: Int(image.height),
                       pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// A local file's pixels, read with a bound.
    public static func read(_ path: String) throws(PictureError) -> Picture {
        guard let size = LocalFile.regularFileSize(path) else { throw PictureError("no image file at \(path)") }
        guard size <= maximumFileBytes else { throw PictureError("\(path) is larger than \(maximumFileBytes >> 20) MB") }
        guard let data = FileManager.default.contents(atPath: path) else { throw PictureError("cannot read \(path)") }
        return try decode([UInt8](data))
    }

    /// The size that fits within `box` keeping the proportions; never larger
    /// than the picture, never zero.
    public func fitted(within box: Int) -> (width: Int, height: Int) {
        guard width > box || height > box else { return (width, height) }
        let scale = Double(box) / Double(max(width, height))
        return (WholeNumber.rounded(Double(width) * scale, in: 1...max(1, width)), WholeNumber.rounded(Double(height) * scale, in: 1...max(1, height)))
    }

    /// A smaller copy whose longer side is at most `box` pixels: each new
    /// pixel the average of the pixels it covers (a box filter), so a
    /// thumbnail keeps fine detail as colour rather than aliasing it away.
    public func scaled(within box: Int) -> Picture {
        let (newWidth, newHeight) = fitted(within: box)
        guard newWidth != width || newHeight != height else { return self }
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 4)
        pixels.withUnsafeBufferPointer { source in
            for y in 0..<newHeight {
                let y0 = y * height / newHeight, y1 = max(y0 + 1, (y + 1) * height / newHeight)
                for x in 0..<newWidth {
                    let x0 = x * width / newWidth, x1 = max(x0 + 1, (x + 1) * width / newWidth)
                    var sums = (0, 0, 0, 0)
                    for sy in y0..<y1 {
                        var index = (sy * width + x0) * 4
                        for _ in x0..<x1 {
                            sums.0 += Int(source[index]); sums.1 += Int(source[index + 1])
                            sums.2 += Int(source[index + 2]); sums.3 += Int(source[index + 3])
                            index += 4
                        }
                    }
                    let n = (y1 - y0) * (x1 - x0)
                    let target = (y * newWidth + x) * 4
                    out[target] = UInt8(sums.0 / n); out[target + 1] = UInt8(sums.1 / n)
                    out[target + 2] = UInt8(sums.2 / n); out[target + 3] = UInt8(sums.3 / n)
                }
            }
        }
        return Picture(width: newWidth, height: newHeight, pixels: out)
    }

    /// Writes the picture as a PNG file (through libpng).
    public func writePNG(to path: String) throws(PictureError) {
        var error = [CChar](repeating: 0, count: 256)
        let ok = pixels.withUnsafeBufferPointer { buffer in
            zqt_image_write_png(path, buffer.baseAddress, Int32(width), Int32(height), &error, error.count)
        }
        guard ok == 1 else { throw PictureError(cString: error) }
    }
}
