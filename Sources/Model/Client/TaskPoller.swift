// Follows a task to its end: queries until a terminal status (wire rule 9),
// at the pace PollPolicy sets (issue 18), reporting every answer as it
// comes. Cancel the consuming task to stop; no query is sent after that.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// What the poller reports.
public enum PollEvent: Sendable, Equatable {
    /// A query answered; the task may still be running.
    case update(TaskInfo)
    /// A query failed in a way that may pass; it will be tried again.
    case retrying(APIError, attempt: Int)
    /// The user stopped following the task (its history row's mark: `X` on
    /// another screen, `zqt history unfollow`): nothing more is asked (issue 19).
    case unfollowed
}

/// What the poller's waits are measured and spread with: the real clock and
/// random numbers, or a test's.
public struct PollTiming: Sendable {
    /// Now, for a task's age (its submittedAt is a Date).
    public var now: @Sendable () -> Date
    /// Waits this many seconds; throws when the waiting task is cancelled.
    public var sleep: @Sendable (Double) async throws -> Void
    /// A number in 0..<1, for the spread.
    public var random: @Sendable () -> Double

    public init(now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (Double) async throws -> Void,
                random: @escaping @Sendable () -> Double) {
        self.now = now
        self.sleep = sleep
        self.random = random
    }

    public static let live = PollTiming(now: Date.init,
                                        sleep: { seconds in try await Task.sleep(nanoseconds: UInt64(min(max(seconds, 0), 3600) * 1e9)) },
                                        random: { Double.random(in: 0..<1) })
}

public struct TaskPoller: Sendable {
    public let api: any ImageAPI
    public let policy: PollPolicy
    public var timing: PollTiming
    /// Asked before each query: false stops the following with `.unfollowed`
    /// (the row's mark, which another process may set at any time; issue 19).
    public var stillFollowed: (@Sendable () -> Bool)?

    public init(api: any ImageAPI, policy: PollPolicy = .standard, timing: PollTiming = .live) {
        self.api = api
        self.policy = policy
        self.timing = timing
    }

    /// Every answer for the task, ending after the one with a terminal status.
    /// Throws the last error when a non-transient one happens or transient
    /// ones persist.
    ///
    /// The task's family picks the query: an SD task's month picks v2 or v1
    /// (wire rule 8), so a task followed across a month's end, or resumed
    /// weeks later, is asked at the right endpoint; a tool's goes to its
    /// queryTask (§2.3).
    public func track(_ task: TaskReference) -> AsyncThrowingStream<PollEvent, Error> {
        AsyncThrowingStream { continuation in
            let (api, timing, stillFollowed) = (api, timing, stillFollowed)
            let worker = Task { [policy] in
                var pace = PollPace(policy: policy)
                while !Task.isCancelled {
                    // The age counts from the submit (a task resumed at start is as old as its row says).
                    let age = max(0, timing.now().timeIntervalSince(task.submittedAt))
                    do {
                        try await timing.sleep(pace.nextDelay(age: age, unit: timing.random()))
                    } catch {
                        break
                    }
                    if let stillFollowed, !stillFollowed() {
                        continuation.yield(.unfollowed)
                        continuation.finish()
                        return
                    }
                    do throws(APIError) {
                        let info = try await api.queryTask(task)
                        pace.answered()
                        continuation.yield(.update(info))
                        if info.phase.isTerminal {
                            continuation.finish()
                            return
                        }
                    } catch {
                        if error == .cancelled || Task.isCancelled { break }
                        guard pace.failed(error) == .askAgain else {
                            continuation.finish(throwing: error)
                            return
                        }
                        continuation.yield(.retrying(error, attempt: pace.attemptsInARow))
                    }
                }
                continuation.finish(throwing: APIError.cancelled)
            }
            continuation.onTermination = { _ in worker.cancel() }
        }
    }

    /// Follows the task and returns its final answer, calling `onEvent` for each step.
    public func waitForResult(_ task: TaskReference, onEvent: @Sendable (PollEvent) -> Void = { _ in }) async throws -> TaskInfo {
        var last: TaskInfo?
        for try await event in track(task) {
            onEvent(event)
            if case let .update(info) = event { last = info }
        }
        guard let last else { throw APIError.cancelled }
        return last
    }
}
