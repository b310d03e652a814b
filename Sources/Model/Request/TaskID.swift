// Client-chosen task ids (wire rule 8): unique per submission, readable, and
// sortable by time as plain text, e.g. `zqt-20261124-225501-123-k3x9`.
//
// Letters, digits and '-' only, so the id survives any URL, shell or log.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

public final class TaskIDGenerator: Sendable {
    private let lastMillis = Mutex<Int64>(0)
    private let prefix: String
    private let now: @Sendable () -> Date

    public static let shared = TaskIDGenerator()

    public init(prefix: String = "zqt", now: @escaping @Sendable () -> Date = Date.init) {
        self.prefix = prefix
        self.now = now
    }

    public func next() -> String {
        // Strictly increasing milliseconds: two ids in the same millisecond
        // still sort in the order they were made.
        let millis = lastMillis.withLock { last in
            last = max(last + 1, Int64((now().timeIntervalSince1970 * 1000).rounded(.down)))
            return last
        }
        let c = CivilTime(Date(timeIntervalSince1970: Double(millis) / 1000))
        let pad = CivilTime.pad
        let stamp = "\(pad(c.year, 4))\(pad(c.month, 2))\(pad(c.day, 2))-\(pad(c.hour, 2))\(pad(c.minute, 2))\(pad(c.second, 2))-\(pad(c.millisecond, 3))"
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        let suffix = String((0..<4).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
        return "\(prefix)-\(stamp)-\(suffix)"
    }
}

/// The characters a task id may hold (issue 19): ASCII letters, digits, '-'
/// and '_'. The service keys a task by the id the client chose and echoes it
/// in its answers (wire rule 8); its documented ids are all of this kind
/// (`pro1686666`, `test10086555513`, `B-0001`, zhiqite-api.md §1.3, §2.2,
/// §4.14) and its result files are named after them (§A8's
/// `…/pro1704677500319557818419.png`). Nothing documents what else it takes,
/// so an id with a space, a slash, a quote or a letter outside ASCII is
/// refused before it is sent rather than found out from a failed task *(inferred)*.
public enum TaskIDCharacters {
    /// As a message says it.
    public static let allowed = "letters a–z and A–Z, digits, - and _"

    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_": return true
        default: return false
        }
    }

    /// The first character an id may not hold, as a message names it:
    /// `a space`, `"/"`, `U+0007` (a control character is never printed raw).
    public static func firstRefused(in id: String) -> String? {
        guard let scalar = id.unicodeScalars.first(where: { !isAllowed($0) }) else { return nil }
        switch scalar {
        case " ": return "a space"
        case "\t": return "a tab"
        case "\n", "\r": return "a line break"
        default:
            if scalar.properties.generalCategory == .control || scalar.properties.isWhitespace || scalar.properties.generalCategory == .format {
                return "U+" + String(String(scalar.value, radix: 16, uppercase: true).paddingLeft(to: 4))
            }
            return "\"\(Character(scalar))\""
        }
    }

    /// What is wrong with an id, without the field's name: "may hold only
    /// letters a–z and A–Z, digits, - and _ (not a space)"; nil when it is fine.
    public static func problem(in id: String) -> String? {
        firstRefused(in: id).map { "may hold only \(allowed) (not \($0))" }
    }
}

private extension String {
    func paddingLeft(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
