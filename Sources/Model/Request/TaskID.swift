// Client-chosen task ids (wire rule 8): unique per submission, readable, and
// sortable by time as plain text, e.g. `zqt-20261124-225501-123-k3x9`.
//
// Letters, digits and '-' only, so the id survives any URL, shell or log.

import Foundation

public final class TaskIDGenerator: @unchecked Sendable {
    private let lock = NSLock()
    private var lastMillis: Int64 = 0
    private let prefix: String
    private let now: @Sendable () -> Date

    public static let shared = TaskIDGenerator()

    public init(prefix: String = "zqt", now: @escaping @Sendable () -> Date = Date.init) {
        self.prefix = prefix
        self.now = now
    }

    public func next() -> String {
        lock.lock()
        // Strictly increasing milliseconds: two ids in the same millisecond
        // still sort in the order they were made.
        var millis = Int64((now().timeIntervalSince1970 * 1000).rounded(.down))
        if millis <= lastMillis { millis = lastMillis + 1 }
        lastMillis = millis
        lock.unlock()

        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let stamp = String(format: "%04d%02d%02d-%02d%02d%02d-%03d",
                           c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, Int(millis % 1000))
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        let suffix = String((0..<4).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
        return "\(prefix)-\(stamp)-\(suffix)"
    }
}
