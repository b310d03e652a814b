// Real PNG images for the sandbox's result URLs: the requested size, a
// picture that differs with the seed, compressed row by row with zlib so a
// large hi-res result neither fills memory nor the wire.

import CZlib
import Model

public enum PNGImage {
    /// An RGB image of `width` × `height`: a diagonal gradient whose colours
    /// come from `seed`, with bands whose spacing comes from it too.
    public static func render(width: Int, height: Int, seed: Int) -> [UInt8] {
        precondition(width > 0 && height > 0)
        var rng = UInt64(bitPattern: Int64(seed)) &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> UInt8 {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            return UInt8(truncatingIfNeeded: rng >> 24)
        }
        let from = (next(), next(), next())
        let to = (next(), next(), next())
        let band = 8 + Int(next()) % 56

        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // 8-bit, truecolour, deflate, adaptive filter, no interlace
        appendChunk("IHDR", header, to: &out)

        var stream = z_stream()
        deflateInit_(&stream, 6, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var compressed: [UInt8] = []
        var outBuffer = [UInt8](repeating: 0, count: 1 << 16)
        var row = [UInt8](repeating: 0, count: 1 + width * 3)
        let span = max(1, width + height - 2)

        func pump(_ input: inout [UInt8], flush: Int32) {
            input.withUnsafeMutableBufferPointer { inPtr in
                stream.next_in = inPtr.baseAddress
                stream.avail_in = uInt(inPtr.count)
                repeat {
                    outBuffer.withUnsafeMutableBufferPointer { outPtr in
                        stream.next_out = outPtr.baseAddress
                        stream.avail_out = uInt(outPtr.count)
                        deflate(&stream, flush)
                        compressed.append(contentsOf: outPtr[0..<(outPtr.count - Int(stream.avail_out))])
                    }
                } while stream.avail_out == 0
            }
        }

        for y in 0..<height {
            row[0] = 0  // filter: none
            for x in 0..<width {
                let t = Double(x + y) / Double(span)
                let shade: Double = ((x + y) / band) % 2 == 0 ? 1.0 : 0.82
                let i = 1 + x * 3
                row[i] = UInt8(min(255, (Double(from.0) * (1 - t) + Double(to.0) * t) * shade))
                row[i + 1] = UInt8(min(255, (Double(from.1) * (1 - t) + Double(to.1) * t) * shade))
                row[i + 2] = UInt8(min(255, (Double(from.2) * (1 - t) + Double(to.2) * t) * shade))
            }
            pump(&row, flush: Z_NO_FLUSH)
        }
        var empty: [UInt8] = []
        pump(&empty, flush: Z_FINISH)
        appendChunk("IDAT", compressed, to: &out)
        appendChunk("IEND", [], to: &out)
        return out
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        out += bigEndian(UInt32(data.count))
        let typed = Array(type.utf8) + data
        out += typed
        let crc = typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        out += bigEndian(UInt32(crc))
    }
}
