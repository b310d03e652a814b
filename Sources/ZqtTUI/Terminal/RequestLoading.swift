// "Load a request" (issue 10): what was typed or pasted in the box is a curl
// command, a JSON body, or the path of a file holding either, or the drafts
// zqt wrote to a file when no history took them (issue 21). The file is
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
        // The drafts zqt wrote at its way out when no history took them (issue 21): one form of it.
        if let unsaved = UnsavedDraftsFile.read(content) {
            return loadDraft(of: unsaved, source: source, current: current, catalog: catalog)
        }
        switch RequestImport.read(content, catalog: catalog, current: current, taskID: TaskIDGenerator.shared.next()) {
        case let .success(loaded): return .requestLoaded(loaded, source: source)
        case let .failure(problem): return .requestLoadFailed("\(source): \(problem.message)")
        }
    }

    /// The draft of the form on screen (else the one on screen at the way
    /// out), loaded as a request of its endpoint; the notes name the forms
    /// the file also holds (L again from that form loads each) and the typed
    /// text a field could not take.
    static func loadDraft(of file: UnsavedDraftsFile, source: String, current: Endpoint, catalog: EndpointCatalog) -> Action {
        guard let draft = file.draft(for: current.id) else { return .requestLoadFailed("\(source): \(Wording.unsavedDraftsEmpty)") }
        guard let endpoint = catalog.endpoint(id: draft.endpointID) ?? (draft.endpointID == current.id ? current : nil) else {
            return .requestLoadFailed("\(source): \(Wording.unsavedDraftUnknownEndpoint(draft.endpointID))")
        }
        switch RequestImport.read(JSONWriter.compact(draft.request), catalog: catalog, current: endpoint, taskID: TaskIDGenerator.shared.next()) {
        case var .success(loaded):
            let others = file.drafts.filter { $0 != draft }.map { catalog.endpoint(id: $0.endpointID)?.title ?? TerminalText.line($0.endpointID) }
            loaded.notes += Wording.unsavedDraftsLoaded(others: others, typed: draft.typed.keys.sorted()).map { DecodeNote(path: "", message: $0) }
            return .requestLoaded(loaded, source: source)
        case let .failure(problem):
            return .requestLoadFailed("\(source): \(problem.message)")
        }
    }
}
