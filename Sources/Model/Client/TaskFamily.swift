// What a family decides about a task (issue 7): which query follows it and
// how its answer reads. SD follows wire rules 8–9; tools follow §2.3 with
// the status rule below; training has no documented query (§3.2).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Family {
    /// Whether its tasks can be asked about: training's cannot (§3.2 documents no query).
    public var hasTaskQuery: Bool { self != .training }

    /// The query path for a task, or nil when the family has none.
    public func queryPath(submittedAt: Date, version: QueryVersion? = nil) -> String? {
        switch self {
        case .sd: return (version ?? QueryVersion.forTask(submittedAt: submittedAt)).path
        case let .tool(code): return Endpoint.Query.tool(code)
        case .training: return nil
        }
    }

    /// Whether a submit answer already carries the finished task: a tool may
    /// answer with its result at once (prompt expansion §4.10; Flux §4.1's
    /// example has `outputImageUrl` too). SD answers never do (wire rule 8).
    public func finishedTask(inSubmitData data: JSONValue?) -> TaskInfo? {
        guard case .tool = self, let data, data.objectValue != nil else { return nil }
        let info = TaskInfo(data: data, family: self)
        return info.hasResults ? info : nil
    }
}

/// Reading a tool task's `data` (§2.3, inferred: the tool envelope
/// `{taskId, businessTaskId, status, outputImageUrl, …}`).
///
/// Tool status values are undocumented (§A6: 1 on a finished Flux task, 0 on
/// a finished prompt expansion). zqt's rule: an answer that carries a result
/// is a success whatever its status; without one, 0, 1 and 3 are still in
/// progress, 2 is a success with nothing to show, anything else failed, as
/// wire rule 9 reads SD statuses.
enum ToolTaskReading {
    static let imageKeys = ["outputImageUrl", "outputImageUrls", "outputImageUrlList", "imageUrl", "imageUrls", "images"]
    static let textKeys = ["prompts", "caption", "text", "style", "styles", "result"]

    static func images(_ data: JSONValue) -> [ResultImage] {
        var urls: [String] = []
        for key in imageKeys {
            switch data[key] {
            case let .string(url)? where !url.isEmpty: urls.append(url)
            case let .array(items)?: urls += items.compactMap { $0.stringValue ?? $0["url"]?.stringValue ?? $0["image_url"]?.stringValue }
            default: break
            }
        }
        return urls.filter { !$0.isEmpty }.map { ResultImage(imageURL: $0) }
    }

    static func texts(_ data: JSONValue) -> [String] {
        var texts: [String] = []
        for key in textKeys {
            switch data[key] {
            case let .string(text)? where !text.isEmpty: texts.append(text)
            case let .array(items)?: texts += items.compactMap(\.stringValue).filter { !$0.isEmpty }
            default: break
            }
        }
        return texts
    }

    /// The members every tool answer carries, result or not (§2.3, §4.1, §4.7).
    static let bookkeepingKeys: Set<String> = ["taskId", "task_id", "id_task", "businessTaskId", "status", "desc", "msg"]

    /// A `.data` tool's answer (face detection, §4.9, whose response the
    /// reference never shows): once it holds anything beyond the bookkeeping
    /// members, the whole `data` as the service returned it, pretty JSON,
    /// kept as one text so the history keeps it too. Nothing is dropped.
    static func answerText(_ data: JSONValue) -> [String] {
        let members = data.objectValue ?? []
        let carriesAnswer = members.contains { key, value in
            guard !bookkeepingKeys.contains(key) else { return false }
            switch value {
            case .null: return false
            case let .string(text): return !text.isEmpty
            case let .array(items): return !items.isEmpty
            case let .object(inner): return !inner.isEmpty
            default: return true
            }
        }
        return carriesAnswer ? [JSONWriter.pretty(data)] : []
    }

    static func phase(status: Int?, hasResults: Bool) -> TaskPhase {
        if hasResults { return .succeeded }
        switch status {
        case nil, 0?, 1?, 3?: return .inProgress
        case 2?: return .succeeded
        default: return .failed
        }
    }
}
