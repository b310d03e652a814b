// A sweep's contact sheet laid out as the README says (issue 19): the first
// `--sweep` runs down the rows, the others across, and numeric values
// ascend (30 stood above 20). The rows of a sweep are sent in the order of
// its combinations, the first `--sweep` changing slowest (Sweep.swift), so
// the path that changes least often from one row to the next is the first.

enum ContactSheetAxes {
    /// The varied paths, the first `--sweep` first: fewest changes between
    /// rows in send order first; a tie keeps the request's order.
    static func ordered(paths: [String], leaves: [[String: String]]) -> [String] {
        func changes(_ path: String) -> Int {
            zip(leaves, leaves.dropFirst()).filter { ($0[path] ?? "") != ($1[path] ?? "") }.count
        }
        return paths.enumerated()
            .sorted { a, b in
                let (ca, cb) = (changes(a.element), changes(b.element))
                return ca != cb ? ca < cb : a.offset < b.offset
            }
            .map(\.element)
    }

    /// An axis's values in order: part by part (several paths are joined
    /// with " · "), numbers ascending, other values where they first came.
    static func sorted(_ values: [String]) -> [String] {
        let parts = values.map { $0.components(separatedBy: " · ") }
        // Each part's first appearance, for the values that are not numbers.
        var firstSeen: [Int: [String: Int]] = [:]
        for (index, value) in parts.enumerated() {
            for (position, part) in value.enumerated() where firstSeen[position]?[part] == nil {
                firstSeen[position, default: [:]][part] = index
            }
        }
        func before(_ a: [String], _ b: [String]) -> Bool {
            for position in 0..<min(a.count, b.count) where a[position] != b[position] {
                if let x = Double(a[position]), let y = Double(b[position]), x != y { return x < y }
                return (firstSeen[position]?[a[position]] ?? 0) < (firstSeen[position]?[b[position]] ?? 0)
            }
            return a.count < b.count
        }
        return parts.enumerated()
            .sorted { a, b in before(a.element, b.element) || (!before(b.element, a.element) && a.offset < b.offset) }
            .map { values[$0.offset] }
    }
}
