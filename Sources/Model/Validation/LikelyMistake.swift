// Unknown members of a request are sent as the user wrote them (the service
// may take fields its docs leave out, §A16), but some are plainly slips
// (issue 22): a name one edit away from a field of the endpoint (`stpes`),
// the same name written in another style (`negativePrompt` on an SD body),
// or a field's name at the wrong level (`sd_model_checkpoint` at the top of
// an SD body, where wire rule 3 puts it inside `alwayson_scripts`). Each is
// said with the wire path of the field that was likely meant; `--strict`
// refuses every unknown member (Request.unknownFieldProblems).

public struct LikelyMistake: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// One edit away from a field's name, or the same name in another style.
        case misspelt
        /// A field's own name, at another level of the body.
        case wrongLevel
    }

    public let kind: Kind
    /// The wire path of the field that was likely meant.
    public let field: String
    /// Whose reading the note speaks of: wire rule 3 is the zhiqite service's;
    /// an AUTOMATIC1111 server reads its own places (issue 20).
    public var server: ServerKind = .zhiqite

    /// What a note or a `--strict` refusal says after the unknown path.
    public var explanation: String {
        switch kind {
        case .misspelt: return "likely a mistake for \(field)"
        case .wrongLevel:
            return server == .a1111 ? "likely meant at \(field), where the server reads it"
                : "likely meant at \(field), where the service reads it (wire rule 3)"
        }
    }

    /// The name among `names` that `key` is likely a slip for: the same name
    /// in another case or with `_` (`negativePrompt`, `Steps`), else one
    /// insertion, deletion, substitution or swap of neighbours away (`stpes`,
    /// `setps`, `step`). Names shorter than four letters are never guessed at,
    /// nor keys longer than any field's name could be (a hostile file's, bounded work).
    public static func nearest(_ key: String, among names: [String]) -> String? {
        guard (4...80).contains(key.utf8.count) else { return nil }
        func folded(_ text: String) -> String { text.lowercased().filter { $0 != "_" && $0 != "-" } }
        let foldedKey = folded(key)
        if let same = names.first(where: { $0 != key && folded($0) == foldedKey }) { return same }
        return names.first { $0.count >= 4 && oneEditApart($0, key) }
    }

    /// Whether two names differ by exactly one insertion, deletion,
    /// substitution or swap of two neighbouring characters.
    static func oneEditApart(_ a: String, _ b: String) -> Bool {
        let x = Array(a), y = Array(b)
        guard x != y, abs(x.count - y.count) <= 1 else { return false }
        var start = 0
        while start < min(x.count, y.count), x[start] == y[start] { start += 1 }
        if x.count == y.count {
            if Array(x[(start + 1)...]) == Array(y[(start + 1)...]) { return true }
            return start + 1 < x.count && x[start] == y[start + 1] && x[start + 1] == y[start]
                && Array(x[(start + 2)...]) == Array(y[(start + 2)...])
        }
        let (long, short) = x.count > y.count ? (x, y) : (y, x)
        return Array(long[(start + 1)...]) == Array(short[start...])
    }
}

extension Endpoint {
    /// The field an unknown wire path was likely meant to be, or nil when
    /// it looks like a member of its own (then it is only noted as unknown).
    public func likelyMeant(_ path: String) -> LikelyMistake? {
        let key = Self.lastKey(of: path)
        let parent = Self.parent(of: path)
        let known = fields.filter { !$0.kind.isVirtual }.map(\.path)
        // A field's own name one level off: `sd_model_checkpoint` beside `prompt`.
        if let placed = known.first(where: { Self.lastKey(of: $0) == key && $0 != path }) {
            return LikelyMistake(kind: .wrongLevel, field: placed, server: server)
        }
        // A slip of a neighbour's name first, then of any field's.
        let siblings = known.filter { Self.parent(of: $0) == parent }
        for candidates in [siblings, known] {
            let names = candidates.map(Self.lastKey(of:))
            if let name = LikelyMistake.nearest(key, among: names), let field = candidates.first(where: { Self.lastKey(of: $0) == name }) {
                return LikelyMistake(kind: .misspelt, field: field)
            }
        }
        return nil
    }

    static func lastKey(of path: String) -> String {
        path.split(separator: ".", omittingEmptySubsequences: false).last.map(String.init) ?? path
    }

    static func parent(of path: String) -> String {
        guard let dot = path.lastIndex(of: ".") else { return "" }
        return String(path[..<dot])
    }
}
