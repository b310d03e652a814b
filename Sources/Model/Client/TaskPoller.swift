// Follows a task to its end: queries until a terminal status (wire rule 9),
// with back-off, reporting every answer as it comes. Cancel the consuming
// task to stop; no query is sent after that.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

public struct PollPolicy: Sendable, Equatable {
    /// Before the first query (the task was just submitted).
    public var firstDelay: Double
    /// Each wait is the previous one times this, capped at `maxDelay`.
    public var growth: Double
    public var maxDelay: Double
    /// Transient failures in a row (timeouts, refused, 5xx) tolerated before giving up.
    public var maxTransientFailures: Int

    /// Issue 2: first poll after about 1 s, at most every 5 s.
    public static let standard = PollPolicy(firstDelay: 1, growth: 1.5, maxDelay: 5, maxTransientFailures: 5)

    public init(firstDelay: Double, growth: Double, maxDelay: Double, maxTransientFailures: Int) {
        self.firstDelay = firstDelay
        self.growth = growth
        self.maxDelay = maxDelay
        self.maxTransientFailures = maxTransientFailures
    }

    /// The wait before query number `attempt` (0-based).
    public func delay(beforeAttempt attempt: Int) -> Double {
        min(maxDelay, firstDelay * pow(growth, Double(attempt)))
    }
}

/// What the poller reports.
public enum PollEvent: Sendable, Equatable {
    /// A query answered; the task may still be running.
    case update(TaskInfo)
    /// A query failed in a way that may pass; it will be tried again.
    case retrying(APIError, attempt: Int)
}

public struct TaskPoller: Sendable {
    public let api: any ImageAPI
    public let policy: PollPolicy

    public init(api: any ImageAPI, policy: PollPolicy = .standard) {
        self.api = api
        self.policy = policy
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
            let worker = Task {
                var attempt = 0
                var failuresInARow = 0
                while !Task.isCancelled {
                    do {
                        try await Task.sleep(nanoseconds: UInt64(policy.delay(beforeAttempt: attempt) * 1e9))
                    } catch {
                        break
                    }
                    attempt += 1
                    do {
                        let info = try await api.queryTask(task)
                        failuresInARow = 0
                        continuation.yield(.update(info))
                        if info.phase.isTerminal {
                            continuation.finish()
                            return
                        }
                    } catch let error as APIError {
                        if error == .cancelled || Task.isCancelled { break }
                        failuresInARow += 1
                        guard error.isTransient, failuresInARow <= policy.maxTransientFailures else {
                            continuation.finish(throwing: error)
                            return
                        }
                        continuation.yield(.retrying(error, attempt: failuresInARow))
                    } catch {
                        continuation.finish(throwing: error)
                        return
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
