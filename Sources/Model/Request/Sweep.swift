// Sweeps (issue 10): `--sweep cfg_scale=5,7,9 --sweep steps=20,30` turns one
// request into every combination of the values given, each its own request
// with its own task id (wire rule 8). Pure: parsing and expansion only; the
// CLI's SweepRunner sends what comes out.
//
// - A spec is `PATH=V1,V2,...`. PATH is a wire path as the preview shows it
//   (`alwayson_scripts.controlnet.args[0].weight`); a path the endpoint does
//   not know is sent as given, as a request file's unknown members are.
// - Each value is read as JSON (`7`, `true`, `"a, b"`, `[1,2]`, `{"a":1}`),
//   else taken as the text typed (`prompt=a cat,a dog`). Commas inside
//   brackets, braces or a JSON string do not split the list.
// - Combinations come in the order of nested loops over the specs as given:
//   the first spec changes slowest (5/20, 5/30, 7/20, ...), so a table of
//   them reads like the command line.

public struct SweepAxis: Sendable, Equatable {
    public let path: String
    public let values: [JSONValue]
    /// The values as typed, for the table (JSON text loses nothing the user wrote).
    public let texts: [String]
}

/// One combination: the value set at each axis's path, in the specs' order.
public struct SweepPoint: Sendable, Equatable {
    public let settings: [(path: String, value: JSONValue)]

    public static func == (lhs: SweepPoint, rhs: SweepPoint) -> Bool {
        lhs.settings.map(\.path) == rhs.settings.map(\.path) && lhs.settings.map(\.value) == rhs.settings.map(\.value)
    }

    /// `cfg_scale=5 steps=20`: the point as a line says it.
    public var label: String {
        settings.map { "\($0.path)=\(JSONWriter.compact($0.value))" }.joined(separator: " ")
    }
}

public enum SweepSpecError: Error, Equatable, Sendable, CustomStringConvertible {
    case notKeyValue(String)
    case badPath(spec: String, path: String)
    case emptyValue(spec: String, position: Int)
    case unbalanced(spec: String, reason: String)
    case repeatedPath(String)
    case taskIDPath(String)
    case cannotSet(path: String, reason: String)
    case tooMany(Int)

    public var description: String {
        switch self {
        case let .notKeyValue(spec):
            return "--sweep \(spec): expected PATH=V1,V2,... such as cfg_scale=5,7,9"
        case let .badPath(spec, path):
            return "--sweep \(spec): \(path.quotedShort) is not a wire path (a name, then .name or [n] steps, no empty step)"
        case let .emptyValue(spec, position):
            return "--sweep \(spec): value \(position) is empty (give at least one value, none empty; \"\" sends an empty string)"
        case let .unbalanced(spec, reason):
            return "--sweep \(spec): \(reason) (a value holding a comma is written as JSON: \"a, b\" or [1, 2])"
        case let .repeatedPath(path):
            return "--sweep \(path) is given twice; put all its values in one --sweep"
        case let .taskIDPath(path):
            return "--sweep \(path): every request of a sweep gets its own task id; the task id cannot be swept"
        case let .cannotSet(path, reason):
            return "--sweep \(path): \(reason)"
        case let .tooMany(limit):
            return "the sweep has more than \(limit) combinations; split it into smaller sweeps"
        }
    }
}

public struct Sweep: Sendable, Equatable {
    public let axes: [SweepAxis]

    /// More is surely a typo (and would flood the service); the check also
    /// keeps the product of the axes' sizes from overflowing.
    public static let maxCombinations = 1000

    public init(axes: [SweepAxis]) {
        self.axes = axes
    }

    /// Reads `--sweep` specs; throws with the spec and why for a malformed one.
    public static func parse(_ specs: [String]) throws(SweepSpecError) -> Sweep {
        var axes: [SweepAxis] = []
        var total = 1
        for spec in specs {
            let axis = try parseAxis(spec)
            if axes.contains(where: { $0.path == axis.path }) { throw .repeatedPath(axis.path) }
            let (product, overflow) = total.multipliedReportingOverflow(by: axis.values.count)
            if overflow || product > maxCombinations { throw .tooMany(maxCombinations) }
            total = product
            axes.append(axis)
        }
        return Sweep(axes: axes)
    }

    static func parseAxis(_ spec: String) throws(SweepSpecError) -> SweepAxis {
        guard let equals = spec.firstIndex(of: "=") else { throw .notKeyValue(spec) }
        let path = String(spec[..<equals]).trimmed
        guard !path.isEmpty else { throw .notKeyValue(spec) }
        guard isPath(path) else { throw .badPath(spec: spec, path: path) }
        let texts = try split(String(spec[spec.index(after: equals)...]), spec: spec)
        return SweepAxis(path: path, values: texts.map(value(of:)), texts: texts)
    }

    /// Whether `path` is a wire path exactly as `JSONPath.steps` reads it:
    /// steps of `name` then any `[n]`, joined by dots. Stricter than
    /// JSONPath.isWellFormed, because steps() passes over what it cannot
    /// read: `args[0=1` would set `args` itself, and `w]` a member named so.
    static func isPath(_ path: String) -> Bool {
        guard JSONPath.isWellFormed(path) else { return false }
        return path.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            guard let open = part.firstIndex(of: "[") else { return !part.contains("]") && !part.contains(where: \.isWhitespace) }
            let key = part[..<open]
            guard !key.isEmpty, !key.contains("]"), !key.contains(where: \.isWhitespace) else { return false }
            var rest = part[open...]
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]") else { return false }
                let digits = rest[rest.index(after: rest.startIndex)..<close]
                guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), Int(digits) != nil else { return false }
                rest = rest[rest.index(after: close)...]
            }
            return true
        }
    }

    /// The list split at commas outside brackets, braces and JSON strings,
    /// each value trimmed. An empty value (`5,,7`, `x=`) is refused: it is
    /// more likely a slip than a wish to send "".
    static func split(_ list: String, spec: String) throws(SweepSpecError) -> [String] {
        var values: [String] = []
        var current = ""
        var closers: [Character] = []
        var inString = false
        var escaped = false
        func finish() throws(SweepSpecError) {
            let value = current.trimmed
            guard !value.isEmpty else { throw .emptyValue(spec: spec, position: values.count + 1) }
            values.append(value)
            current = ""
        }
        for character in list {
            if inString {
                current.append(character)
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            switch character {
            case "\"": inString = true
            case "[": closers.append("]")
            case "{": closers.append("}")
            case "]", "}":
                guard closers.last == character else {
                    throw .unbalanced(spec: spec, reason: "\(character) without its opening bracket")
                }
                closers.removeLast()
            case "," where closers.isEmpty:
                try finish()
                continue
            default: break
            }
            current.append(character)
        }
        if inString { throw .unbalanced(spec: spec, reason: "a \" string is not closed") }
        if let closer = closers.last { throw .unbalanced(spec: spec, reason: "a bracket is not closed (\(closer) missing)") }
        try finish()
        return values
    }

    /// JSON when the text is JSON, else the text itself as a string.
    static func value(of text: String) -> JSONValue {
        (try? JSONParser.parse(text)) ?? .string(text)
    }

    /// How many combinations; saturates rather than traps for axes not made by parse().
    public var count: Int {
        axes.reduce(1) { total, axis in
            let (product, overflow) = total.multipliedReportingOverflow(by: axis.values.count)
            return overflow ? Int.max : product
        }
    }

    /// Every combination, the first axis changing slowest.
    public var points: [SweepPoint] {
        var points: [[(path: String, value: JSONValue)]] = [[]]
        for axis in axes {
            points = points.flatMap { point in axis.values.map { point + [(path: axis.path, value: $0)] } }
        }
        return points.map(SweepPoint.init(settings:))
    }

    /// The requests of the sweep: `base` with each point's values set and a
    /// new task id from `nextTaskID`. Throws when a path is the task id's or
    /// cannot hold a value in this request: an index past an array's end
    /// would be dropped silently, and a step into a number or a string would
    /// replace it with an object.
    public func requests(from base: Request, nextTaskID: () -> String) throws(SweepSpecError) -> [(point: SweepPoint, request: Request)] {
        try check(base)
        var out: [(point: SweepPoint, request: Request)] = []
        for point in points {
            out.append((point, try request(at: point, from: base, taskID: nextTaskID())))
        }
        return out
    }

    /// Throws when a path is the task id's or cannot hold a value in `base`
    /// (see `requests(from:)`), before any request is made.
    public func check(_ base: Request) throws(SweepSpecError) {
        for axis in axes {
            if JSONPath.steps(axis.path) == JSONPath.steps(base.endpoint.taskIDPath) { throw .taskIDPath(axis.path) }
            if let reason = Self.obstacle(axis.path, in: base.body) { throw .cannotSet(path: axis.path, reason: reason) }
        }
    }

    /// One point's request, made when it is sent: a sweep of a thousand
    /// holds its points, not a thousand requests (issue 18).
    public func request(at point: SweepPoint, from base: Request, taskID: String) throws(SweepSpecError) -> Request {
        var request = base
        for setting in point.settings {
            request[setting.path] = setting.value
            guard request[setting.path] == setting.value else {
                throw .cannotSet(path: setting.path, reason: "the request cannot hold a value there")
            }
        }
        request.taskID = taskID
        return request
    }

    /// Why a value cannot be set at `path`: the first step the body cannot
    /// take; nil when every step is there or can be made.
    static func obstacle(_ path: String, in body: JSONValue) -> String? {
        var current: JSONValue? = body
        var walked = ""
        for step in JSONPath.steps(path) {
            switch step {
            case let .key(key):
                if let value = current, value.objectValue == nil {
                    return "\(walked) is \(value.typeName), not an object; \(key) cannot be set in it"
                }
                current = current?[key]
                walked += walked.isEmpty ? key : "." + key
            case let .index(index):
                if let value = current {
                    guard let items = value.arrayValue else { return "\(walked) is \(value.typeName), not an array" }
                    if index > items.count {
                        return "\(walked) has \(items.count) item\(items.count == 1 ? "" : "s"); [\(index)] is past its end"
                    }
                    current = items.indices.contains(index) ? items[index] : nil
                }
                walked += "[\(index)]"
            }
        }
        return nil
    }
}
