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
