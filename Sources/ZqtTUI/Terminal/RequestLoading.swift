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

    /// `catalog`: the endpoints a body is matched against (the screen's, with the user's own).
    static func load(_ typed: String, current: Endpoint, catalog: EndpointCatalog) -> Action {
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
            // A picture: the request its copy carries (zqt's chunk or sidecar, or A1111's parameters; issue 17).
            if PictureRequest.namesPicture(path) {
                switch PictureRequest.load(path, catalog: catalog, current: current, taskID: TaskIDGenerator.shared.next()) {
                case let .success(loaded): return .requestLoaded(loaded, source: source)
                case let .failure(problem): return .requestLoadFailed("\(source): \(problem.message)")
                }
            }
            // A device or a pipe (/dev/zero, a FIFO) is refused: it has no size to bound a read by.
            switch LocalFile.readText(path, maximumBytes: maximumBytes) {
            case let .success(text): content = text
            case .failure(.missing): return .requestLoadFailed("\(source): no such file (give a JSON file's path, or paste a curl command)")
            case .failure(.notRegular): return .requestLoadFailed("\(source) is not a regular file")
            case .failure(.tooLarge): return .requestLoadFailed("\(source) is larger than 4 MB")
            case .failure(.unreadable): return .requestLoadFailed("\(source) cannot be read")
            case .failure(.notUTF8): return .requestLoadFailed("\(source) is not UTF-8 text")
            }
        }
        switch RequestImport.read(content, catalog: catalog, current: current, taskID: TaskIDGenerator.shared.next()) {
        case let .success(loaded): return .requestLoaded(loaded, source: source)
        case let .failure(problem): return .requestLoadFailed("\(source): \(problem.message)")
        }
    }
}
