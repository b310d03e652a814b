import Foundation

/// Reads a reviewed golden file from Tests/ModelTests/Golden.
enum GoldenFile {
    static func text(_ name: String) throws -> String {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}
