// "Load a request" (issue 10): what was typed or pasted in the box is a curl
// command, a JSON body, or the path of a file holding either. The file is
// read here, off the reducer, with a bound.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

enum RequestLoading {
    /// Larger files are refused rather than read (nothing from outside without a bound).
    static let maximumBytes = 4 << 20

    static func load(_ typed: String, current: Endpoint) -> Action {
        let text = typed.trimmed
        let source: String
        let content: String
        if CurlCommand.looksLikeCurl(text) {
            source = "a curl command"
            content = text
        } else if text.hasPrefix("{") {
            source = "pasted JSON"
            content = text
        } else {
            let path = text.hasPrefix("~/") ? (ProcessInfo.processInfo.environment["HOME"] ?? "") + text.dropFirst() : text
            source = TerminalText.printable(path)
            guard FileManager.default.fileExists(atPath: path) else {
                return .requestLoadFailed("\(source): no such file (give a JSON file's path, or paste a curl command)")
            }
            // A device or a pipe (/dev/zero, a FIFO) has no size to bound a read by.
            guard let size = LocalFile.regularFileSize(path) else {
                return .requestLoadFailed("\(source) is not a regular file")
            }
            guard size <= maximumBytes else { return .requestLoadFailed("\(source) is larger than 4 MB") }
            guard let data = FileManager.default.contents(atPath: path) else { return .requestLoadFailed("\(source) cannot be read") }
            guard let decoded = String(validating: data, as: UTF8.self) else { return .requestLoadFailed("\(source) is not UTF-8 text") }
            content = decoded
        }
        switch RequestImport.read(content, catalog: .active, current: current, taskID: TaskIDGenerator.shared.next()) {
        case let .success(loaded): return .requestLoaded(loaded, source: source)
        case let .failure(problem): return .requestLoadFailed("\(source): \(problem.message)")
        }
    }
}
