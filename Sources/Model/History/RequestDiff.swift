// Two requests compared field by field, for the history screen's compare
// action: what changed between a past submission and another one, or the
// form as it is now. Paths are wire paths (`alwayson_scripts.controlnet.args[0].weight`),
// the names the JSON preview and validation messages use.

public enum RequestDiff {
    public enum Change: Sendable, Equatable {
        case changed(path: String, from: String, to: String)
        case added(path: String, value: String)
        case removed(path: String, value: String)

        public var path: String {
            switch self {
            case let .changed(path, _, _), let .added(path, _), let .removed(path, _): return path
            }
        }
    }

    /// Fields that always differ between two submissions and say nothing
    /// about what was asked for (wire rule 8: each send has its own id_task).
    /// Each endpoint's task id field, as the catalog names it (an A1111
    /// request's `force_task_id` too: a sweep's contact sheet took it for a
    /// swept value).
    public static let alwaysDifferent: Set<String> = Set(EndpointCatalog.shipped.endpoints.map(\.taskIDPath))

    /// Every leaf that differs, in the order of `old` then the new-only ones.
    public static func changes(from old: JSONValue, to new: JSONValue,
                               ignoring ignored: Set<String> = alwaysDifferent) -> [Change] {
        let before = leaves(old), after = leaves(new)
        let afterValues = Dictionary(after, uniquingKeysWith: { first, _ in first })
        let beforeValues = Dictionary(before, uniquingKeysWith: { first, _ in first })
        var changes: [Change] = []
        for (path, value) in before where !ignored.contains(path) {
            if let other = afterValues[path] {
                if other != value { changes.append(.changed(path: path, from: value, to: other)) }
            } else {
                changes.append(.removed(path: path, value: value))
            }
        }
        for (path, value) in after where beforeValues[path] == nil && !ignored.contains(path) {
            changes.append(.added(path: path, value: value))
        }
        return changes
    }

    /// (path, compact JSON) for every scalar, empty object and empty array.
    public static func leaves(_ value: JSONValue, path: String = "") -> [(String, String)] {
        switch value {
        case let .object(members) where !members.isEmpty:
            return members.flatMap { leaves($0.value, path: path.isEmpty ? $0.key : path + "." + $0.key) }
        case let .array(items) where !items.isEmpty:
            return items.enumerated().flatMap { leaves($0.element, path: path + "[\($0.offset)]") }
        default:
            return [(path, JSONWriter.compact(value))]
        }
    }
}
