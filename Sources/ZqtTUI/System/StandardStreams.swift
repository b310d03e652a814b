// Standard input, output and error as plain file descriptors: each write
// goes out at once (lines show immediately through a pipe), and nothing of
// Foundation's FileHandle is loaded for it.

#if canImport(Glibc)
import Glibc
#endif

enum StandardStreams {
    static func writeOut(_ text: String) { writeAll(1, Array(text.utf8)) }
    static func writeError(_ text: String) { writeAll(2, Array(text.utf8)) }

    /// Everything on standard input until it ends.
    static func readAllInput() -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(0, &chunk, chunk.count)
            if n > 0 { bytes += chunk[0..<n]; continue }
            if n < 0, errno == EINTR { continue }
            return bytes
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n > 0 { offset += n } else if n < 0, errno == EINTR { continue } else { return }
        }
    }
}
