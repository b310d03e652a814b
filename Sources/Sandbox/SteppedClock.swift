// Time that moves only when told to, for driving the sandbox's tasks
// through their phases in tests and demos without waiting on real time:
// `SandboxServer(now: clock.now)` then `clock.advance(seconds)`.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

public final class SteppedClock: Sendable {
    private let current: Mutex<Date>

    public init(start: Date = Date()) { current = Mutex(start) }

    @Sendable public func now() -> Date { current.withLock { $0 } }

    public func advance(_ seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
