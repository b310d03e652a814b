// The user's catalog file (issue 9): endpoints of one's own, saved custom
// requests among them, and overrides of shipped entries, in zqt's catalog
// format (EndpointCatalog.swift), in zqt's config folder:
// `$XDG_CONFIG_HOME/zqt/endpoints.json`, else `~/.config/zqt/endpoints.json`.
//
//     {"endpoints": [{"id": "tool/faceRestore", "title": "Face restoration",
//                     "family": "tool", "fields": [...]}],
//      "lists": {"lora": "sd/v2/queryLoraList"}}
//
// A field of kind "group" is a repeated group (GroupSpec.swift): its items'
// fields are given as an endpoint's are, with presets and rules as data:
//
//     {"path": "loras", "kind": "group", "group": "lora", "default": [],
//      "item": {"title": "LoRA", "row": "LoRA", "summary": "{name} · {weight}",
//               "fields": [{"path": "name", "kind": "text"},
//                          {"path": "weight", "kind": "slider", "min": 0, "max": 2, "step": 0.1, "default": 1}],
//               "presets": {"label": "Style", "by": "name",
//                           "items": [{"name": "detail", "values": {"name": "add_detail", "weight": 0.6}}]},
//               "rules": [{"rule": "needs_value", "field": "name", "message": "LoRA {n} needs a name"}]}}
//
// Rules: "not_below" (a field never below another of the item) and
// "needs_value"; "variants" make sliders follow another key (ControlNet's module).
//
// It is read at start. A fault is reported with the file, line and column
// and changes nothing: zqt goes on with the shipped catalog alone.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A fault in the user's catalog file, where it is.
public struct UserCatalogProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    /// 0 when the fault is not in the text (the file cannot be read).
    public let line: Int
    public let column: Int
    public let message: String

    public var description: String { line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)" }
}

public struct UserCatalog: Sendable {
    public let file: String
    public let endpoints: [Endpoint]
    /// Paths of the model lists by kind (`lora`, `vae`, `embedding`, `checkpoint`), where the file sets them (§1.5–1.7).
    public let listPaths: [String: String]
    public let problem: UserCatalogProblem?

    /// The group user endpoints are listed under when their entry names none.
    public static let defaultGroup = "your endpoints"
    /// Larger files are refused rather than read (nothing from outside is read without a bound).
    static let maximumBytes = 4 << 20

    /// Where the file is: `$XDG_CONFIG_HOME/zqt/endpoints.json`, else under `$HOME/.config`.
    public static func location(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        ConfigFolder.path(environment: environment) + "/endpoints.json"
    }

    /// Reads the file; a missing file is an empty catalog, a faulty one is
    /// an empty catalog with its problem.
    public static func load(file: String) -> UserCatalog {
        let text: String
        switch read(file) {
        case nil: return UserCatalog(file: file, endpoints: [], listPaths: [:], problem: nil)
        case let .failure(problem)?: return UserCatalog(file: file, endpoints: [], listPaths: [:], problem: problem)
        case let .success(read)?: text = read
        }
        switch parse(text, file: file) {
        case let .success((endpoints, lists)): return UserCatalog(file: file, endpoints: endpoints, listPaths: lists, problem: nil)
        case let .failure(problem): return UserCatalog(file: file, endpoints: [], listPaths: [:], problem: problem)
        }
    }

    /// The file's text; nil when there is no file.
    static func read(_ file: String) -> Result<String, UserCatalogProblem>? {
        let message: String
        switch LocalFile.readText(file, maximumBytes: maximumBytes) {
        case let .success(text): return .success(text)
        case .failure(.missing): return nil
        case .failure(.notRegular): message = "is not a regular file"
        case .failure(.tooLarge): message = "larger than \(maximumBytes >> 20) MB; not read"
        case .failure(.unreadable): message = "cannot be read (permissions?)"
        case .failure(.notUTF8): message = "is not UTF-8 text"
        }
        return .failure(UserCatalogProblem(file: file, line: 0, column: 0, message: message))
    }

    /// The endpoints and list paths of a catalog document, or its first fault with its line and column.
    static func parse(_ text: String, file: String) -> Result<([Endpoint], [String: String]), UserCatalogProblem> {
        let document: JSONValue
        do {
            document = try JSONParser.parse(text)
        } catch {
            return .failure(UserCatalogProblem(file: file, line: error.line, column: error.column, message: error.message))
        }
        func fault(_ path: String, _ message: String) -> UserCatalogProblem {
            let place = JSONLocator.position(of: path, in: text) ?? (1, 1)
            return UserCatalogProblem(file: file, line: place.line, column: place.column,
                                      message: path.isEmpty ? message : "\(path): \(message)")
        }
        guard document.objectValue != nil else { return .failure(fault("", "expected an object like {\"endpoints\": [...]}")) }
        var endpoints: [Endpoint] = []
        if let list = document["endpoints"] {
            guard let items = list.arrayValue else { return .failure(fault("endpoints", "expected a list of endpoints")) }
            for (index, item) in items.enumerated() {
                do {
                    let endpoint = try EndpointCatalog.endpoint(item, at: "endpoints[\(index)]", userEntry: true)
                    if endpoints.contains(endpoint) {
                        return .failure(fault("endpoints[\(index)].id", "\(endpoint.id) is already in this file"))
                    }
                    endpoints.append(endpoint)
                } catch {
                    return .failure(fault(error.path, error.message))
                }
            }
        }
        var lists: [String: String] = [:]
        if let given = document["lists"] {
            guard let members = given.objectValue else { return .failure(fault("lists", "expected an object of list paths by kind")) }
            for (kind, value) in members {
                guard ModelListKind(rawValue: kind) != nil else {
                    let known = ModelListKind.allCases.map(\.rawValue).joined(separator: ", ")
                    return .failure(fault("lists.\(kind)", "no list is called \(kind.quotedShort) (\(known))"))
                }
                guard let path = value.stringValue, case let .success(relative) = CustomEndpoint.relativePath(path) else {
                    return .failure(fault("lists.\(kind)", "expected a path under \(Endpoint.pathPrefix), like sd/v2/queryLoraList"))
                }
                lists[kind] = relative
            }
        }
        return .success((endpoints, lists))
    }

    /// An entry of the file as an endpoint (as `load` reads it).
    public static func endpoint(_ entry: JSONValue) throws(CatalogError) -> Endpoint {
        try EndpointCatalog.endpoint(entry, at: "", userEntry: true)
    }

    /// Adds an endpoint entry to the file, or replaces the one with its id.
    /// A file that cannot be read as a catalog is left alone: the fault is thrown.
    public static func save(entry: JSONValue, to file: String) throws(UserCatalogProblem) {
        var document: JSONValue = .object([("endpoints", .array([]))])
        switch read(file) {
        case nil: break
        case let .failure(problem)?: throw problem
        case let .success(text)?:
            if case let .failure(problem) = parse(text, file: file) { throw problem }
            if let existing = try? JSONParser.parse(text) { document = existing }
        }
        var items = document["endpoints"]?.arrayValue ?? []
        if let index = items.firstIndex(where: { $0["id"] == entry["id"] }) { items[index] = entry } else { items.append(entry) }
        document.set(.array(items), at: "endpoints")
        // Checked as it will be read, before anything is written.
        let text = JSONWriter.pretty(document) + "\n"
        if case let .failure(problem) = parse(text, file: file) { throw problem }
        let folder = file.lastIndex(of: "/").map { String(file[..<$0]) } ?? "."
        // Written beside and renamed over: a crash mid-write leaves the old file whole.
        let partial = file + ".partial"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: partial))
        } catch {
            throw UserCatalogProblem(file: file, line: 0, column: 0, message: "cannot be written (\(error))")
        }
        guard rename(partial, file) == 0 else {
            let reason = String(cString: strerror(errno))
            throw UserCatalogProblem(file: file, line: 0, column: 0, message: "cannot be written (\(reason))")
        }
    }
}

extension EndpointCatalog {
    /// The shipped catalog with a user's entries laid over it: an entry with
    /// a shipped id replaces it, the others follow.
    public func overlaid(with user: [Endpoint]) -> EndpointCatalog {
        guard !user.isEmpty else { return self }
        var merged = endpoints.map { shipped in user.first { $0.id == shipped.id } ?? shipped }
        merged += user.filter { entry in !merged.contains { $0.id == entry.id } }
        return EndpointCatalog(endpoints: merged)
    }
}

// The catalog zqt composes with (the shipped one, the user's file laid over
// it) is a value: read at start and handed to the screen's state, the effect
// runner, the history and each command, never kept in a process-wide variable.
extension EndpointCatalog: Equatable {
    /// The same endpoints in the same order (states and effects holding a catalog are compared in tests).
    public static func == (lhs: EndpointCatalog, rhs: EndpointCatalog) -> Bool {
        lhs.endpoints == rhs.endpoints
    }
}

extension CustomEndpoint {
    /// A custom request as an entry of the user's catalog: a field per
    /// member of its body, each starting at the value sent (text, number,
    /// toggle, JSON object), the task id field, and one field for members
    /// added later. Values no field kind holds (lists, null) stay in that
    /// last field's default, so a fresh form sends the same body.
    public static func catalogEntry(for request: Request, title: String) -> JSONValue {
        let endpoint = request.endpoint
        let key = endpoint.taskIDPath
        var fields: [JSONValue] = [.object([
            ("path", .string(key)), ("label", .string(key)), ("kind", .string("text")), ("role", .string("task_id")),
            ("required", .bool(true)), ("default", .string("")), ("hint", .string("new for every send")),
        ])]
        var rest: JSONValue = .object([])
        let containers = Set(Endpoint.containers(of: key))
        // Kept under its own name in the object at `prefix` (the task id's containers, plain keys):
        // a name with `.` or `[` read as a path would land elsewhere, or turn `rest` into an array.
        func keep(_ member: JSONValue, _ name: String, in prefix: String) {
            let inner = (prefix.isEmpty ? rest : rest.value(at: prefix))?.objectValue ?? []
            let object = JSONValue.object(inner + [(key: name, value: member)])
            if prefix.isEmpty { rest = object } else { rest.set(object, at: prefix) }
        }
        func walk(_ value: JSONValue, _ prefix: String) {
            for (name, member) in value.objectValue ?? [] {
                let path = prefix.isEmpty ? name : prefix + "." + name
                if name.isEmpty || name.contains(".") || name.contains("[") { keep(member, name, in: prefix); continue }
                let kind: String?
                switch member {
                case .object where containers.contains(path): walk(member, path); continue
                case .object: kind = "json"
                case let .string(text):
                    kind = text.contains("\n") || name.lowercased().contains("prompt") ? "multiline"
                        : (text.hasPrefix("http://") || text.hasPrefix("https://")) ? "url" : "text"
                case .int: kind = "integer"
                case .double: kind = "number"
                case .bool: kind = "toggle"
                default: kind = nil
                }
                guard let kind else { keep(member, name, in: prefix); continue }
                fields.append(.object([("path", .string(path)), ("label", .string(name)), ("kind", .string(kind)),
                                       ("default", member)]))
            }
        }
        walk(request.otherMembers, "")
        var other: [(key: String, value: JSONValue)] = [("path", .string(bodyField)), ("label", .string("Other fields")),
                                                         ("kind", .string("other")), ("hint", .string("JSON object of members without a field"))]
        if rest.objectValue?.isEmpty == false { other.append(("default", rest)) }
        fields.append(.object(other))
        var entry: [(key: String, value: JSONValue)] = [
            ("id", .string(endpoint.id)), ("title", .string(title)), ("group", .string(UserCatalog.defaultGroup)),
            ("family", .string(endpoint.family.name)),
        ]
        if let code = endpoint.family.code { entry.append(("tool_code", .string(code))) }
        entry += [("result", .string(endpoint.result.rawValue)), ("ready", .bool(true)), ("fields", .array(fields))]
        return .object(entry)
    }
}
