// A custom request (issue 9): any path under /AIGCImgOpenServ/saas/, a
// family, and a JSON body, for what the docs do not spell out (face
// restoration, super resolution, object removal, background removal, image
// enlarge and watermark have no public field list, §4.5, §4.6, §4.12,
// §4.16–4.18) and for endpoints the service adds later.
//
// Its endpoint is built from what the form holds, not read from the
// catalog: the path, the family (how the task is followed, wire rule 8),
// and where the client's task id sits in the body. Everything else is the
// body, edited as one JSON object. Saved, it becomes a user endpoint
// (UserCatalog.swift) whose form has a field per member.

/// What a custom request's form-only fields set.
public enum CustomEndpointSetting: String, Sendable, Hashable {
    case path
    case family
    case taskKey = "task_key"
}

public enum CustomEndpoint {
    /// The one slot a custom request's form is kept and saved in, whatever path it names.
    public static let formKey = "@custom"
    public static let title = "Custom request"
    public static let group = "custom"

    public static let pathField = "@path"
    public static let familyField = "@family"
    public static let taskKeyField = "@task_key"
    public static let bodyField = "@body"

    /// The family names the form offers, in its order.
    /// A tool first: a new custom request starts as one (every endpoint the docs leave out is one, §4).
    /// Not A1111's: a custom request is a path under /AIGCImgOpenServ/saas/, the service's (issue 20).
    public static var familyNames: [String] {
        let tool = ToolFollowUp().name
        let a1111 = A1111FollowUp().name
        return [tool] + FamilyFollowUps.names.filter { $0 != tool && $0 != a1111 }
    }

    /// The family a path names by its first segment (wire rule 8): `sd/…`,
    /// `tool/CODE` (the toolCode is the rest, slashes included, §A12),
    /// `modelTraining/…` (§3); nil for a path that says none. Never A1111's:
    /// a custom request is the service's, a path under /AIGCImgOpenServ/saas/,
    /// so `sdapi/…` there is one more path of the service's; the profile's
    /// kind says which server a request goes to, not its path (issue 20).
    public static func family(ofPath id: String) -> Family? {
        let a1111 = A1111FollowUp().name
        for followUp in FamilyFollowUps.all where followUp.name != a1111 && id.hasPrefix(followUp.pathPrefix) {
            let code = followUp.code(ofPath: id)
            if followUp.needsCode, code?.isEmpty ?? true { continue }
            return Family.named(followUp.name, code: code)
        }
        return nil
    }

    /// The family a name stands for on a path: a tool's code is the path
    /// after `tool/`, or the whole path when it is elsewhere.
    public static func family(named name: String, path id: String) -> Family? {
        guard let followUp = FamilyFollowUps.named(name) else { return nil }
        return Family.named(name, code: followUp.code(ofPath: id) ?? id)
    }

    /// Where a path's task id sits when nothing says otherwise: the key the
    /// catalog gives a path the reference names without a form zqt ships
    /// (`task_id` on `tool/sdPrompts`, §5, §A5; `pathsWithoutForm`, generated
    /// from scripts/endpoint-overlay.json), else the family's (wire rule 8).
    public static func defaultTaskKey(_ family: Family, path: String = "") -> String {
        if let known = pathsWithoutForm.first(where: { $0.path == path }), self.family(ofPath: path) == family {
            return known.taskKey
        }
        return family.followUp.taskIDPath
    }

    /// The reference's entry for a path zqt ships no form for, if it is one.
    public static func withoutForm(_ path: String) -> (path: String, taskKey: String, title: String, reference: String)? {
        pathsWithoutForm.first { $0.path == path }
    }

    /// A custom request's endpoint. The family defaults to the one the path
    /// names; a path that names none is sent and kept, not followed. A new
    /// form starts as a tool: every endpoint the docs leave out is one (§4).
    public static func endpoint(path id: String, family: Family? = nil, taskKey: String? = nil) -> Endpoint {
        let family = family ?? self.family(ofPath: id) ?? (id.isEmpty ? .tool(code: "") : .training)
        let key = taskKey.flatMap { $0.isEmpty ? nil : $0 } ?? defaultTaskKey(family, path: id)
        let fields = [
            FieldSpec(path: pathField, label: "Path", hint: "under \(Endpoint.pathPrefix)", kind: .endpointSetting(.path),
                      required: true, section: title, formIndex: 0),
            FieldSpec(path: familyField, label: "Family", hint: "how the task is followed (wire rule 8)",
                      kind: .endpointSetting(.family), formIndex: 1),
            FieldSpec(path: taskKeyField, label: "Task id key", hint: "wire path of the client's task id",
                      kind: .endpointSetting(.taskKey), formIndex: 2),
            FieldSpec(path: key, label: key, hint: "new for every send", kind: .text, required: true, role: .taskID, formIndex: 3),
            FieldSpec(path: bodyField, label: "Body", hint: "a JSON object: every member but the task id",
                      kind: .otherMembers(lines: 12), section: "Body", formIndex: 4),
        ]
        return Endpoint(id: id, name: title, title: id.isEmpty ? title : "\(title) \(id)", group: group, family: family,
                        result: family == .training ? .training : .images, reference: "§4", ready: true,
                        fields: fields, isCustom: true, server: family == .a1111 ? .a1111 : .zhiqite)
    }

    /// A path as typed: a full URL, `/AIGCImgOpenServ/saas/tool/x` or
    /// `tool/x`, made relative; nil with the reason when it cannot be one.
    public static func relativePath(_ typed: String) -> Result<String, PathProblem> {
        var text = typed.trimmed
        if let scheme = text.firstRange(of: "://") {
            let afterHost = text[scheme.upperBound...].drop { $0 != "/" }
            text = String(afterHost)
        }
        if text.hasPrefix(Endpoint.pathPrefix) {
            text = String(text.dropFirst(Endpoint.pathPrefix.count))
        } else if text.hasPrefix("/") {
            return .failure(PathProblem(message: "the path must be under \(Endpoint.pathPrefix)"))
        }
        guard !text.isEmpty else { return .failure(PathProblem(message: "give the path, like tool/faceRestore")) }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/")
        if let bad = text.first(where: { !allowed.contains($0) }) {
            return .failure(PathProblem(message: "a path holds letters, digits, - . _ ~ and /, not \"\(bad)\""))
        }
        if text.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            return .failure(PathProblem(message: "a path has no empty, . or .. segments"))
        }
        return .success(text)
    }

    public struct PathProblem: Error, Equatable {
        public let message: String
    }
}

extension Endpoint {
    /// How a saved draft names its endpoint: the id, or for a custom request
    /// its family and task id key too, which the path alone may not tell.
    public var storageKey: String {
        guard isCustom else { return id }
        return [CustomEndpoint.formKey, family.name, taskIDPath, id].joined(separator: " ")
    }
}

extension EndpointCatalog {
    /// The endpoint a storage key names (`Endpoint.storageKey`).
    public func resolve(storageKey key: String) -> Endpoint {
        let parts = key.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == CustomEndpoint.formKey else { return resolve(key) }
        return CustomEndpoint.endpoint(path: parts[3], family: CustomEndpoint.family(named: parts[1], path: parts[3]),
                                       taskKey: parts[2])
    }
}

extension Request {
    /// The body without what the endpoint's fields name: what a field of
    /// kind `otherMembers` shows and edits. Objects the fields sit in are
    /// kept with their other members, dropped when nothing else is in them.
    public var otherMembers: JSONValue {
        var rest = body
        for field in endpoint.fields where !field.kind.isVirtual { rest.set(nil, at: field.path) }
        for container in endpoint.containerPaths.sorted(by: { $0.count > $1.count }) {
            if let members = rest.value(at: container)?.objectValue, members.isEmpty { rest.set(nil, at: container) }
        }
        return rest
    }

    /// Replaces the members no field names; the fields keep their values.
    public mutating func setOtherMembers(_ members: JSONValue) {
        var next = members.objectValue == nil ? JSONValue.object([]) : members
        for field in endpoint.fields where !field.kind.isVirtual {
            if let value = body.value(at: field.path) { next.set(value, at: field.path) }
        }
        body = next
    }

    /// A custom request's path, family or task id key changed: its endpoint
    /// is built again and the task id moves to its new key.
    public mutating func setCustom(_ setting: CustomEndpointSetting, to typed: String) throws(CustomEndpoint.PathProblem) {
        guard endpoint.isCustom else { return }
        var path = endpoint.id
        var family = endpoint.family
        var key = endpoint.taskIDPath
        let text = typed.trimmed
        switch setting {
        case .path:
            switch CustomEndpoint.relativePath(text) {
            case let .success(relative): path = relative
            case let .failure(problem): throw problem
            }
            // A path that names its family takes it (tool/x is followed as tool x), and
            // a key nobody chose follows the path (task_id on tool/sdPrompts, §5).
            let keyWasDefault = key == CustomEndpoint.defaultTaskKey(family, path: endpoint.id)
            if let named = CustomEndpoint.family(ofPath: path) {
                if named.name != family.name || keyWasDefault { key = CustomEndpoint.defaultTaskKey(named, path: path) }
                family = named
            } else if family.followUp.needsCode {
                family = Family.named(family.name, code: path) ?? family
            }
        case .family:
            guard CustomEndpoint.familyNames.contains(text), let named = CustomEndpoint.family(named: text, path: path) else {
                throw CustomEndpoint.PathProblem(message: "choose one of: \(CustomEndpoint.familyNames.joined(separator: ", "))")
            }
            if named.name != family.name { key = CustomEndpoint.defaultTaskKey(named, path: path) }
            family = named
        case .taskKey:
            guard !text.isEmpty, !text.contains(where: { $0.isWhitespace }), !text.contains("["), JSONPath.isWellFormed(text) else {
                throw CustomEndpoint.PathProblem(message: "a task id key is a wire path like businessTaskId or alwayson_scripts.id_task")
            }
            key = text
        }
        let id = taskID
        var moved = body
        moved.set(nil, at: endpoint.taskIDPath)
        if let container = Endpoint.containers(of: endpoint.taskIDPath).last, moved.value(at: container)?.objectValue?.isEmpty == true {
            moved.set(nil, at: container)
        }
        endpoint = CustomEndpoint.endpoint(path: path, family: family, taskKey: key)
        body = moved
        taskID = id
    }

    /// A custom request's form-only values as the form shows them.
    public func customSetting(_ setting: CustomEndpointSetting) -> String {
        switch setting {
        case .path: return endpoint.id
        case .family: return endpoint.family.name
        case .taskKey: return endpoint.taskIDPath
        }
    }
}
