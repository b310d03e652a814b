// A request: an endpoint and an ordered JSON body, read and written by wire
// path (issue 7). The body holds what the user gave, known fields and
// unknown ones alike; `wireValue` is what is sent and what the preview
// shows, laid out by the endpoint's fields under the wire rules:
//
// - keys in the endpoint's wire order (rule 3), unknown keys kept after the
//   known ones at their level;
// - each value written as its kind says: an integer seed even when read
//   from a string (rule 4), integer top-level resize_mode (rule 5), every
//   group item as its catalog entry says (a ControlNet unit with `enabled`, rule 6);
// - a field without a value gets its default; nothing is sent as null.

import Synchronization

public struct Request: Sendable {
    public var endpoint: Endpoint { didSet { revision = Self.nextRevision() } }
    public var body: JSONValue { didSet { revision = Self.nextRevision() } }
    /// Changes whenever the endpoint or body does and never repeats in a run:
    /// the same revision is the same request, known without printing or
    /// comparing it (issue 18: what a frame derives from a request with ten
    /// thousand URLs is kept until the request changes). Not part of equality.
    public private(set) var revision: Int

    private static let revisions = Atomic<Int>(0)
    private static func nextRevision() -> Int { revisions.add(1, ordering: .relaxed).newValue }

    public init(endpoint: Endpoint, body: JSONValue = .object([])) {
        self.endpoint = endpoint
        self.body = body.objectValue == nil ? .object([]) : body
        revision = Self.nextRevision()
    }

    /// A fresh form: every field at its default, and a task id.
    public static func new(for endpoint: Endpoint, taskID: String) -> Request {
        var body: JSONValue = .object([])
        for field in endpoint.fields where !field.kind.isVirtual {
            if let value = field.defaultValue, value != .null { body.set(value, at: field.path) }
        }
        var request = Request(endpoint: endpoint, body: body)
        // A saved custom request's members without a field of their own (UserCatalog.swift).
        if let other = endpoint.fields.first(where: { if case .otherMembers = $0.kind { return true } else { return false } }),
           let template = other.defaultValue, template.objectValue?.isEmpty == false {
            request.setOtherMembers(template)
        }
        request.taskID = taskID
        return request
    }

    public subscript(path: String) -> JSONValue? {
        get { body.value(at: path) }
        set { body.set(newValue, at: path) }
    }

    public func value(role: FieldRole) -> JSONValue? {
        endpoint.field(role: role).flatMap { body.value(at: $0.path) }
    }

    /// The client's task id (wire rule 8): `alwayson_scripts.id_task`, `businessTaskId` or `taskId`.
    public var taskID: String {
        get {
            switch body.value(at: endpoint.taskIDPath) {
            case let .string(s)?: return s
            case let .int(i)?: return String(i)
            default: return ""
            }
        }
        set {
            // Issue 22: a container the id sits in that the body holds as something
            // else (`"alwayson_scripts": "revAnimated"`) is the user's value, not an
            // empty place: it is left for validation to refuse, never overwritten.
            guard !Endpoint.containers(of: endpoint.taskIDPath).contains(where: misplacedContainers.contains) else { return }
            body.set(.string(newValue), at: endpoint.taskIDPath)
        }
    }

    /// One field as the wire writes it (its default when unset, its kind's
    /// type), without laying out the whole body: what the form shows.
    public func wireValue(of field: FieldSpec) -> JSONValue? {
        WireCoding.encode(field, body.value(at: field.path))
    }

    public func wireValue(at path: String) -> JSONValue? {
        endpoint.field(at: path).flatMap(wireValue(of:)) ?? body.value(at: path)
    }

    public var prompt: String { value(role: .prompt)?.stringValue ?? "" }
    public var checkpoint: String { value(role: .checkpoint)?.stringValue ?? "" }

    /// How many images the request asks for: the product of its image-count
    /// fields (n_iter × batch_size on SD, §1.1), 1 when it has none.
    public var imageCount: Int {
        guard endpoint.result == .images else { return 0 }
        var count = 1
        for field in endpoint.fields where field.role == .imageCount {
            let value = wireValue(of: field)?.numberValue ?? 1
            count = count.multipliedReportingOverflow(by: Int(clamping: value, to: 0...10_000)).partialValue
        }
        return max(0, count)
    }

    /// The body moved onto another endpoint: fields whose wire path exists
    /// there too carry over (prompt, size, seed…), as "send to img2img" does.
    /// Fields the other endpoint lacks are left behind; a role match (the
    /// prompt is `sourcePrompt` on prompt expansion) carries the value too.
    public func carried(to target: Endpoint, taskID: String) -> Request {
        var moved = Request.new(for: target, taskID: taskID)
        let wire = wireValue
        for field in target.fields where !field.kind.isVirtual && field.role != .taskID {
            if let value = wire.value(at: field.path), endpoint.field(at: field.path) != nil {
                moved[field.path] = value
            } else if let role = field.role, let source = endpoint.field(role: role), let value = wire.value(at: source.path),
                      role != .imageCount {
                moved[field.path] = value
            }
        }
        return moved
    }

    // MARK: The wire

    /// What is sent, in order (see the top of this file): made once per
    /// revision. A key typed into a short prompt asked for it two to four
    /// times (its validation, its preview, its draft compared), each walking
    /// every field's path (keyp19, issue 18). One value kept, the last revision's.
    public var wireValue: JSONValue {
        Self.lastWire.value(for: revision) { madeWireValue }
    }

    private static let lastWire = KeptLast<Int, JSONValue>()

    private var madeWireValue: JSONValue {
        var out: JSONValue = .object([])
        for field in endpoint.fields where !field.kind.isVirtual {
            guard let value = WireCoding.encode(field, body.value(at: field.path)) else { continue }
            out.set(value, at: field.path)
        }
        // Known fields are written as their spec says, or left out: never copied again as unknown ones.
        WireCoding.appendUnknown(from: body, into: &out, prefix: "", endpoint: endpoint)
        // A container the body holds as something else shows what the user wrote
        // (validation refuses to send it, issue 22), not an object of defaults.
        for path in misplacedContainers where !misplacedContainers.contains(where: { path.hasPrefix($0 + ".") }) {
            out.set(body.value(at: path), at: path)
        }
        return out
    }

    /// The exact text the preview shows and the client sends.
    public var wireJSON: String { JSONWriter.pretty(wireValue) }

    /// The body with unknown members listed, for notes.
    public var unknownPaths: [String] {
        var found: [String] = []
        func walk(_ value: JSONValue, _ prefix: String) {
            for (key, child) in value.objectValue ?? [] {
                let path = prefix.isEmpty ? key : prefix + "." + key
                if endpoint.hasField(at: path) { continue }
                if endpoint.containerPaths.contains(path) { walk(child, path) } else { found.append(path) }
            }
        }
        walk(body, "")
        return found
    }

    /// Objects the endpoint's fields sit in (`alwayson_scripts`) that the
    /// body holds as something else: what they held cannot be sent.
    public var misplacedContainers: [String] {
        endpoint.containerPaths.sorted().filter { path in
            guard let value = body.value(at: path), value != .null else { return false }
            return value.objectValue == nil
        }
    }

    // MARK: Reading

    /// Reads a request for `endpoint` from JSON text. Throws only when the
    /// text is not JSON or not an object; everything else is kept and noted.
    public static func decode(json text: String, for endpoint: Endpoint) throws(RequestReadError) -> (request: Request, notes: [DecodeNote]) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw .notJSON(error)
        }
        guard value.objectValue != nil else { throw .notAnObject(value.typeName) }
        let request = Request(endpoint: endpoint, body: value)
        var notes: [DecodeNote] = []
        for field in endpoint.fields where !field.kind.isVirtual {
            if case let .group(group) = field.kind, let items = value.value(at: field.path)?.arrayValue {
                notes += GroupCodec.notes(items, group: group, path: field.path)
            } else if let note = WireCoding.note(field, value.value(at: field.path)) {
                notes.append(DecodeNote(path: field.path, message: note))
            }
        }
        for path in request.misplacedContainers {
            notes.append(DecodeNote(path: path, message: "expected an object holding fields; it cannot be sent as it is"))
        }
        // A custom request's body is all members without a field: nothing to note.
        for path in request.unknownPaths where !endpoint.isCustom {
            let hint = endpoint.likelyMeant(path).map { ", \($0.explanation)" } ?? ""
            notes.append(DecodeNote(path: path, message: "not a field zqt knows on \(endpoint.title)\(hint); sent as it is"))
        }
        return (request, notes)
    }

    /// `--strict` (issue 22): every member no field of the endpoint names,
    /// refused, each with the field it was likely meant to be.
    public var unknownFieldProblems: [ValidationProblem] {
        guard !endpoint.isCustom else { return [] }
        let refused = "not a field of \(endpoint.title) (--strict refuses unknown fields)"
        var problems = unknownPaths.map { path in
            ValidationProblem(path: path, message: refused + (endpoint.likelyMeant(path).map { ", \($0.explanation)" } ?? ""))
        }
        // The keys of a repeated group's items (a ControlNet unit's `wieght`).
        for field in endpoint.groupFields {
            guard let group = field.groupSpec else { continue }
            for (index, item) in items(of: field).enumerated() {
                for member in item.objectValue ?? [] where group.field(member.key) == nil && member.key != GroupSpec.presetKey {
                    let hint = LikelyMistake.nearest(member.key, among: group.fields.map(\.path)).map { ", likely a mistake for \($0)" } ?? ""
                    problems.append(ValidationProblem(path: "\(field.path)[\(index)].\(member.key)", message: refused + hint))
                }
            }
        }
        return problems
    }
}

/// Why a request could not be read at all.
public enum RequestReadError: Error, Equatable, CustomStringConvertible {
    case notJSON(JSONParseError)
    case notAnObject(String)

    public var description: String {
        switch self {
        case let .notJSON(error): return "not valid JSON (\(error))"
        case let .notAnObject(type): return "a request must be a JSON object, not \(type)"
        }
    }
}

extension Request: Equatable {
    /// The same request: same endpoint, same bytes on the wire.
    public static func == (lhs: Request, rhs: Request) -> Bool {
        // The same revision is the same request: a form compared with itself as last saved, at once.
        lhs.revision == rhs.revision || (lhs.endpoint == rhs.endpoint && lhs.wireValue == rhs.wireValue)
    }
}

/// How each kind of field is written on the wire.
enum WireCoding {
    /// The value to send for a field, or nil to leave it out.
    static func encode(_ field: FieldSpec, _ raw: JSONValue?) -> JSONValue? {
        let value = raw == .null ? nil : raw
        guard let present = value ?? field.defaultValue, present != .null else { return nil }
        // Left out when empty, whether typed empty or empty by default (text2image's checkpoint).
        if field.omitWhenEmpty {
            if case .string(let s) = present, s.isEmpty { return nil }
            if case .urlList = field.kind, case .array(let items) = present, items.isEmpty { return nil }
            // A group with no item (an A1111 server without the ControlNet extension refuses its name, issue 20).
            if case .group = field.kind, case .array(let items) = present, items.isEmpty { return nil }
        }
        return coerce(field, present)
    }

    /// The value as the field's kind wants it; a value that cannot be read so
    /// is sent as it is (validation says what is wrong with it).
    static func coerce(_ field: FieldSpec, _ value: JSONValue) -> JSONValue {
        switch field.kind {
        case .integer, .slider(_, integer: true):
            return integer(value).map(JSONValue.int) ?? value
        case .number, .slider(_, integer: false):
            if value.numberValue != nil { return value }
            if let text = value.stringValue, let number = Double(text.trimmed), number.isFinite { return .double(number) }
            return value
        case .toggle:
            switch value {
            case .bool: return value
            case let .int(i) where i == 0 || i == 1: return .bool(i == 1)  // §A7: random_crop: 0
            case let .string(s) where s == "true" || s == "false": return .bool(s == "true")
            default: return value
            }
        case let .choice(options, _):
            if options.contains(where: { $0.value == value }) { return value }
            // Wire rule 5: an older request's index, where the catalog reads indices as options.
            if let match = options.first(where: { $0.aliases.contains(value) }) { return match.value }
            // "1" for an option whose value is 1, or the option's label typed.
            if let match = options.first(where: { JSONWriter.compact($0.value) == value.stringValue || $0.label == value.stringValue }) {
                return match.value
            }
            return value
        case .text, .multilineText, .url, .modelChoice:
            if case .int = value { return .string(JSONWriter.compact(value)) }
            if case .double = value { return .string(JSONWriter.compact(value)) }
            return value
        case let .group(group):
            guard let items = value.arrayValue else { return value }
            return .array(items.map(group.onTheWire))
        case .urlList, .jsonObject, .sizePreset, .otherMembers, .endpointSetting:
            return value
        }
    }

    /// A whole number from a number or numeric text; nil when there is none
    /// (or it does not fit an Int: never a trap, issue 8).
    static func integer(_ value: JSONValue) -> Int? {
        switch value {
        case let .int(i): return i
        case let .double(d):
            return WholeNumber.from(d)
        case let .string(s):
            if let i = Int(s.trimmed) { return i }
            return Double(s.trimmed).flatMap(WholeNumber.from)
        default:
            return nil
        }
    }

    /// What reading a field's value noticed, for `zqt send`'s notes.
    static func note(_ field: FieldSpec, _ raw: JSONValue?) -> String? {
        guard let raw, raw != .null else { return nil }
        let written = coerce(field, raw)
        guard written != raw else { return nil }
        if field.role == .seed, raw.stringValue != nil { return nil }  // wire rule 4: quietly an integer
        return "was \(raw.typeName); sent as \(written.typeName)"
    }

    /// Members of `body` no field covers, appended at their level in their
    /// order, copied key by key: a key holding "." or "[" is a key, not a path.
    static func appendUnknown(from body: JSONValue, into out: inout JSONValue, prefix: String, endpoint: Endpoint) {
        guard var members = out.objectValue else { return }
        for (key, value) in body.objectValue ?? [] {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if endpoint.hasField(at: path) || value == .null { continue }
            let isContainer = endpoint.containerPaths.contains(path) && value.objectValue != nil
            if let index = members.firstIndex(where: { $0.key == key }) {
                // A container zqt writes into: its unknown members follow its known ones.
                if isContainer {
                    var child = members[index].value
                    appendUnknown(from: value, into: &child, prefix: path, endpoint: endpoint)
                    members[index].value = child
                }
                continue
            }
            if isContainer {
                var child: JSONValue = .object([])
                appendUnknown(from: value, into: &child, prefix: path, endpoint: endpoint)
                if child.objectValue?.isEmpty == false { members.append((key: key, value: child)) }
            } else {
                members.append((key: key, value: value))
            }
        }
        out = .object(members)
    }
}

/// What reading a repeated group's items noticed, item by item.
enum GroupCodec {
    static func notes(_ items: [JSONValue], group: GroupSpec, path: String) -> [DecodeNote] {
        var notes: [DecodeNote] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard item.objectValue != nil else {
                notes.append(DecodeNote(path: itemPath, message: "expected an object, got \(item.typeName); sent as it is"))
                continue
            }
            notes += group.notes(item, path: itemPath)
        }
        return notes
    }
}

extension Request {
    /// The items of a repeated group's field, as the body holds them (an
    /// item that is not an object is kept as it is, for validation to name).
    public func items(of field: FieldSpec) -> [JSONValue] {
        body.value(at: field.path)?.arrayValue ?? []
    }

    public mutating func setItems(_ items: [JSONValue], of field: FieldSpec) {
        body.set(.array(items), at: field.path)
    }

    /// One item as the wire writes it (defaults filled, keys in order).
    public func wireItem(_ index: Int, of field: FieldSpec) -> JSONValue? {
        guard let group = field.groupSpec else { return nil }
        let items = self.items(of: field)
        return items.indices.contains(index) ? group.normalize(items[index]) : nil
    }
}
