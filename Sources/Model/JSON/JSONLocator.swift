// Where a value sits in a JSON text, by wire path, as a line and column: a
// fault found after parsing (an unknown field kind in a user's catalog file)
// is reported where the user can find it, like a syntax error is.

public enum JSONLocator {
    /// The line and column (1-based, columns in characters) where the value
    /// at `path` starts; when the path goes further than the text, where the
    /// deepest part of it that is there starts (a missing member is reported
    /// at its object). nil when the text is not JSON.
    public static func position(of path: String, in text: String) -> (line: Int, column: Int)? {
        let bytes = Array(text.utf8)
        var scanner = Scanner(bytes: bytes, target: JSONPath.steps(path))
        guard scanner.value(depth: 0, matched: true) else { return nil }
        var line = 1, column = 1
        for byte in bytes[0..<min(scanner.best, bytes.count)] {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }

    private struct Scanner {
        let bytes: [UInt8]
        let target: [JSONPathStep]
        var index = 0
        /// Where the deepest matched part of the target starts.
        var best = 0

        init(bytes: [UInt8], target: [JSONPathStep]) {
            self.bytes = bytes
            self.target = target
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        /// Scans one value at `depth` steps into the path; `matched` says the
        /// steps so far follow the target. False on text that is not JSON.
        mutating func value(depth: Int, matched: Bool) -> Bool {
            skipSpace()
            guard index < bytes.count, depth < 512 else { return false }
            if matched { best = index }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return true }
                while true {
                    skipSpace()
                    guard let key = string() else { return false }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                    index += 1
                    let follows = matched && depth < target.count && target[depth] == .key(key)
                    guard value(depth: depth + 1, matched: follows) else { return false }
                    skipSpace()
                    guard index < bytes.count else { return false }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return true }
                    return false
                }
            case UInt8(ascii: "["):
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return true }
                var position = 0
                while true {
                    let follows = matched && depth < target.count && target[depth] == .index(position)
                    guard value(depth: depth + 1, matched: follows) else { return false }
                    position += 1
                    skipSpace()
                    guard index < bytes.count else { return false }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return true }
                    return false
                }
            case UInt8(ascii: "\""):
                return string() != nil
            default:
                // A number or literal: runs to the next delimiter.
                let start = index
                while index < bytes.count, !",]} \n\r\t".utf8.contains(bytes[index]) { index += 1 }
                return index > start
            }
        }

        /// A string's text (escapes kept as written: keys zqt looks for have none).
        mutating func string() -> String? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard index < bytes.count else { return nil }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            index += 1
            return text
        }
    }
}
