// Reading and writing a JSON document by wire path: `prompt`,
// `alwayson_scripts.sd_vae`, `alwayson_scripts.controlnet.args[0].weight`.
// The same paths name form fields, preview highlights and validation problems.

public enum JSONPathStep: Equatable, Sendable {
    case key(String)
    case index(Int)
}

public enum JSONPath {
    /// Whether a path names one member: it starts with a key and has no
    /// empty step (`a..b`, `.a`, `a.` and `[0]` do not; `steps` would skip
    /// the gap or write over the whole body).
    public static func isWellFormed(_ path: String) -> Bool {
        !path.hasPrefix("[") && !path.split(separator: ".", omittingEmptySubsequences: false).contains { $0.isEmpty }
    }

    /// The steps of a path. Keys may not contain `.` or `[`, which no wire name does.
    public static func steps(_ path: String) -> [JSONPathStep] {
        var steps: [JSONPathStep] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: true) {
            var rest = Substring(part)
            if let open = rest.firstIndex(of: "[") {
                let key = rest[rest.startIndex..<open]
                if !key.isEmpty { steps.append(.key(String(key))) }
                rest = rest[open...]
                while rest.first == "[", let close = rest.firstIndex(of: "]") {
                    if let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0 {
                        steps.append(.index(index))
                    }
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                steps.append(.key(String(rest)))
            }
        }
        return steps
    }
}

extension JSONValue {
    /// The value at a wire path; nil when any step is missing.
    public func value(at path: String) -> JSONValue? {
        // A plain key (most fields' paths) is looked up as it is, not split
        // into steps: a key typed into the form asks for dozens (keyp90, issue 18).
        if !path.isEmpty, !path.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "[") }) { return self[path] }
        var current = self
        for step in JSONPath.steps(path) {
            switch step {
            case let .key(key):
                guard let next = current[key] else { return nil }
                current = next
            case let .index(index):
                guard let items = current.arrayValue, items.indices.contains(index) else { return nil }
                current = items[index]
            }
        }
        return current
    }

    /// Sets the value at a wire path, creating objects on the way (appended
    /// after the members already there, so document order is kept). nil removes it.
    public mutating func set(_ newValue: JSONValue?, at path: String) {
        // Removing what is not there changes nothing (never turns a value into {}).
        if newValue == nil, value(at: path) == nil { return }
        set(newValue, steps: JSONPath.steps(path)[...])
    }

    private mutating func set(_ newValue: JSONValue?, steps: ArraySlice<JSONPathStep>) {
        guard let step = steps.first else {
            if let newValue { self = newValue }
            return
        }
        let rest = steps.dropFirst()
        switch step {
        case let .key(key):
            var members = objectValue ?? []
            if let position = members.firstIndex(where: { $0.key == key }) {
                if rest.isEmpty, newValue == nil {
                    members.remove(at: position)
                } else {
                    var child = members[position].value
                    child.set(newValue, steps: rest)
                    members[position].value = child
                }
            } else if newValue != nil {
                var child: JSONValue = rest.first.map { if case .index = $0 { return .array([]) } else { return .object([]) } } ?? .null
                child.set(newValue, steps: rest)
                members.append((key: key, value: child))
            }
            self = .object(members)
        case let .index(index):
            var items = arrayValue ?? []
            guard index <= items.count else { return }
            if index == items.count {
                guard newValue != nil else { return }
                var child: JSONValue = .null
                child.set(newValue, steps: rest)
                items.append(child)
            } else if rest.isEmpty, newValue == nil {
                items.remove(at: index)
            } else {
                items[index].set(newValue, steps: rest)
            }
            self = .array(items)
        }
    }
}
