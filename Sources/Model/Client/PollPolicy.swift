// How often a task is asked about (issue 18: tasks are followed at the
// service's pace). One policy for the screen, `zqt send` and sweeps: the
// first query soon after the submit, then waits that grow with the task's
// age (a task of 0.2 s is seen done well under a second, one of ten minutes
// is asked about every ten seconds, not every second), spread at random so
// a sweep's tasks do not query in step, and slowed down by the service's
// own busy answers (HTTP 429 or 503, its Retry-After, a busy envelope).
//
// The policy is a value and its decisions are pure: the poller gives it
// the task's age and a random number, so tests follow a schedule exactly.

/// The numbers of the schedule.
public struct PollPolicy: Sendable, Equatable {
    /// Before the first query (the task was just submitted).
    public var firstDelay: Double
    /// Each later wait is this share of the task's age: how late a finished
    /// task is seen grows with how long it ran, never with a fixed step.
    public var ageShare: Double
    public var minDelay: Double
    public var maxDelay: Double
    /// Each wait is spread by up to this share either way, at random.
    public var jitter: Double
    /// A busy answer without Retry-After waits at least this long.
    public var busyDelay: Double
    /// The longest wait, whatever the service asks (a Retry-After of a day is not kept).
    public var busyMaxDelay: Double
    /// Transient failures in a row (timeouts, refused, 5xx) tolerated before giving up.
    public var maxTransientFailures: Int
    /// Busy answers in a row tolerated before giving up: the service is there, so they are allowed many.
    public var maxBusyAnswers: Int

    /// Issue 18: first query after a quarter second, then a quarter of the
    /// task's age, at most every 10 s, ±20 %; busy answers wait at least 2 s
    /// (or the Retry-After), at most a minute, and double the waits after them.
    public static let standard = PollPolicy(firstDelay: 0.25, ageShare: 0.25, minDelay: 0.25, maxDelay: 10, jitter: 0.2,
                                            busyDelay: 2, busyMaxDelay: 60, maxTransientFailures: 5, maxBusyAnswers: 30)

    public init(firstDelay: Double, ageShare: Double, minDelay: Double, maxDelay: Double, jitter: Double,
                busyDelay: Double, busyMaxDelay: Double, maxTransientFailures: Int, maxBusyAnswers: Int) {
        self.firstDelay = firstDelay
        self.ageShare = ageShare
        self.minDelay = minDelay
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.busyDelay = busyDelay
        self.busyMaxDelay = busyMaxDelay
        self.maxTransientFailures = maxTransientFailures
        self.maxBusyAnswers = maxBusyAnswers
    }

    /// A fixed cadence for tests: every `interval` seconds, no spread, no growth.
    public static func every(_ interval: Double, maxTransientFailures: Int = 3) -> PollPolicy {
        PollPolicy(firstDelay: interval, ageShare: 0, minDelay: interval, maxDelay: interval, jitter: 0,
                   busyDelay: interval, busyMaxDelay: interval, maxTransientFailures: maxTransientFailures, maxBusyAnswers: 30)
    }

    /// The unspread wait before the next query of a task `age` seconds old
    /// (nil before its first query), `slowdown` times slower after busy answers.
    public func baseDelay(age: Double?, slowdown: Double = 1) -> Double {
        let ordinary: Double
        if let age {
            ordinary = Self.clamp(Self.finite(age) * ageShare, minDelay, maxDelay)
        } else {
            ordinary = firstDelay
        }
        return min(ordinary * max(1, Self.finite(slowdown)), max(maxDelay, busyMaxDelay))
    }

    /// `delay` spread by `unit` (a random number in 0..<1): 0.5 leaves it as it is.
    public func spread(_ delay: Double, unit: Double) -> Double {
        let share = jitter * (2 * Self.clamp(Self.finite(unit), 0, 1) - 1)
        return max(0, delay * (1 + share))
    }

    static func clamp(_ value: Double, _ low: Double, _ high: Double) -> Double { min(max(value, low), high) }

    /// A value from outside (an age from a clock, a header) that is not a number counts as 0.
    static func finite(_ value: Double) -> Double { value.isFinite ? value : 0 }
}

/// One task's way through the schedule: what has been answered so far
/// decides the next wait. The poller keeps one per task.
public struct PollPace: Sendable, Equatable {
    public let policy: PollPolicy
    public private(set) var queries = 0
    public private(set) var failuresInARow = 0
    public private(set) var busyInARow = 0
    /// Doubled by each busy answer (up to 32), halved by each ordinary one.
    public private(set) var slowdown = 1.0
    /// The service's own wait, from its last busy answer (Retry-After).
    private var askedToWait: Double?

    public init(policy: PollPolicy) {
        self.policy = policy
    }

    /// What to do after a failed query.
    public enum Verdict: Sendable, Equatable {
        case askAgain
        case giveUp
    }

    /// The wait before the next query of a task `age` seconds old; `unit`
    /// is a random number in 0..<1 (the spread).
    public func nextDelay(age: Double, unit: Double) -> Double {
        let base = policy.baseDelay(age: queries == 0 ? nil : age, slowdown: slowdown)
        var wait = policy.spread(base, unit: unit)
        if busyInARow > 0 {
            // Never sooner than the service asked, nor than the busy floor; never past the longest wait.
            let floor = max(askedToWait ?? 0, policy.busyDelay)
            wait = max(wait, PollPolicy.finite(floor))
        }
        return min(wait, max(policy.busyMaxDelay, policy.minDelay))
    }

    /// A query answered: the task's status came back.
    public mutating func answered() {
        queries += 1
        failuresInARow = 0
        busyInARow = 0
        askedToWait = nil
        slowdown = max(1, slowdown / 2)
    }

    /// A query failed with `error`: whether to ask again.
    public mutating func failed(_ error: APIError) -> Verdict {
        queries += 1
        if let busy = error.busyAnswer {
            busyInARow += 1
            failuresInARow = 0
            slowdown = min(slowdown * 2, 32)
            askedToWait = busy.retryAfter
            return busyInARow <= policy.maxBusyAnswers ? .askAgain : .giveUp
        }
        busyInARow = 0
        askedToWait = nil
        failuresInARow += 1
        return error.isTransient && failuresInARow <= policy.maxTransientFailures ? .askAgain : .giveUp
    }

    /// The count the `retrying` event carries: busy answers or failures in a row.
    public var attemptsInARow: Int { max(busyInARow, failuresInARow) }
}
