import Foundation
import Testing

/// Reads a reviewed golden file from Tests/ModelTests/Golden.
enum GoldenFile {
    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    }

    static func text(_ name: String) throws -> String {
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    /// Whether `actual` is the golden file `name`, byte for byte (apart from
    /// the file's final newline). A missing golden, or any golden when
    /// `ZQT_WRITE_GOLDEN=1`, is written from `actual` and the test fails:
    /// a new golden must be read and reviewed before it counts.
    static func matches(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let url = folder.appendingPathComponent(name)
        let rewrite = ProcessInfo.processInfo.environment["ZQT_WRITE_GOLDEN"] == "1"
        if rewrite || !FileManager.default.fileExists(atPath: url.path) {
            try (actual + "\n").write(to: url, atomically: true, encoding: .utf8)
            Issue.record("wrote golden \(name): review it, then run the tests again", sourceLocation: sourceLocation)
            return false
        }
        return try text(name) == actual
    }

    /// The first line where two texts part, for a failure message.
    static func firstDifference(_ actual: String, _ expected: String) -> String {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(a.count, e.count) {
            let left = index < a.count ? String(a[index]) : "<end>"
            let right = index < e.count ? String(e[index]) : "<end>"
            if left != right { return "line \(index + 1):\n  actual:   \(left)\n  expected: \(right)" }
        }
        return "no difference"
    }
}
