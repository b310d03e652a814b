// What tolerant decoding noticed while reading a request: a field of the
// wrong type that was replaced by its default, a seed sent as a string, an
// unknown key kept as it was. Decoding never fails on these; it reports them.


public struct DecodeNote: Equatable, Sendable, CustomStringConvertible {
    /// The wire path, e.g. `alwayson_scripts.controlnet.args[0].weight`.
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// "path: message", or the message alone for a note about the whole
    /// request (a picture's parameters, a curl option): joined to an empty
    /// path it read "note: : A1111's Hires upscale…" (issue 20's re-check).
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Reads typed fields out of one JSON object, recording a note for anything
/// it had to coerce or could not use, and collecting the keys it did not know.
struct FieldReader {
    let members: [(key: String, value: JSONValue)]
    let pathPrefix: String
    private(set) var consumed: Set<String> = []
    var notes: [DecodeNote] = []

    init(_ value: JSONValue, path: String) {
        members = value.objectValue ?? []
        pathPrefix = path
    }

    func path(_ key: String) -> String { pathPrefix.isEmpty ? key : pathPrefix + "." + key }

    mutating func raw(_ key: String) -> JSONValue? {
        consumed.insert(key)
        guard let value = members.first(where: { $0.key == key })?.value else { return nil }
        if case .null = value { return nil }
        return value
    }

    mutating func string(_ key: String) -> String? {
        guard let value = raw(key) else { return nil }
        switch value {
        case let .string(s): return s
        case .int, .double:
            notes.append(DecodeNote(path: path(key), message: "was a number; read as text"))
            return JSONWriter.compact(value)
        default:
            notes.append(DecodeNote(path: path(key), message: "expected text, got \(value.typeName); ignored"))
            return nil
        }
    }

    /// An integer; a numeric string is accepted (noted unless `quietStrings`,
    /// which wire rule 4 asks for on `seed`).
    mutating func int(_ key: String, quietStrings: Bool = false) -> Int? {
        guard let value = raw(key) else { return nil }
        switch value {
        case let .int(i): return i
        case let .double(d) where WholeNumber.from(d) != nil: return WholeNumber.from(d)
        case let .string(s):
            if let i = Int(s.trimmed) {
                if !quietStrings { notes.append(DecodeNote(path: path(key), message: "was text \(s.quotedShort); read as a number")) }
                return i
            }
        case let .bool(b):
            notes.append(DecodeNote(path: path(key), message: "was a boolean; read as \(b ? 1 : 0)"))
            return b ? 1 : 0
        default: break
        }
        notes.append(DecodeNote(path: path(key), message: "expected a whole number, got \(JSONWriter.compact(value)); ignored"))
        return nil
    }

    mutating func double(_ key: String) -> Double? {
        guard let value = raw(key) else { return nil }
        if let d = value.numberValue { return d }
        if case let .string(s) = value, let d = Double(s.trimmed) {
            notes.append(DecodeNote(path: path(key), message: "was text \(s.quotedShort); read as a number"))
            return d
        }
        notes.append(DecodeNote(path: path(key), message: "expected a number, got \(JSONWriter.compact(value)); ignored"))
        return nil
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let value = raw(key) else { return nil }
        switch value {
        case let .bool(b): return b
        case let .int(i) where i == 0 || i == 1:
            notes.append(DecodeNote(path: path(key), message: "was \(i); read as \(i == 1)"))
            return i == 1
        case let .string(s) where ["true", "false"].contains(s.lowercased()):
            notes.append(DecodeNote(path: path(key), message: "was text \(s.quotedShort); read as a boolean"))
            return s.lowercased() == "true"
        default:
            notes.append(DecodeNote(path: path(key), message: "expected true or false, got \(JSONWriter.compact(value)); ignored"))
            return nil
        }
    }

    /// Members this reader was never asked for, kept in their order.
    func unknownMembers(reporting: inout [DecodeNote]) -> [(key: String, value: JSONValue)] {
        let extra = members.filter { !consumed.contains($0.key) }
        for member in extra {
            reporting.append(DecodeNote(path: path(member.key), message: "not a field zqt knows; kept and sent as it is"))
        }
        return extra
    }
}
