import Foundation
import TestScratch
import Synchronization
import Testing
@testable import Model

/// Issue 18: tasks are followed at the service's pace. The schedule is
/// followed with a clock and random numbers given by the test, so every
/// wait is known exactly.
@Suite struct PollPolicyTests {
    let policy = PollPolicy.standard

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

    /// The waits a task that ends at `duration` seconds goes through, on a
    /// clock that only the waits move (the answers take no time).
    func schedule(until duration: Double, unit: Double = 0.5) -> [Double] {
        var pace = PollPace(policy: policy)
        var age = 0.0
        var waits: [Double] = []
        while true {
            let wait = pace.nextDelay(age: age, unit: unit)
            waits.append(wait)
            age += wait
            pace.answered()
            if age >= duration { return waits }
        }
    }

    @Test func aTaskOfAFifthOfASecondIsSeenDoneWellUnderASecond() {
        let waits = schedule(until: 0.2)
        #expect(waits == [0.25])
        // Even with the widest spread either way.
        for unit in [0.0, 0.999] {
            var pace = PollPace(policy: policy)
            var age = 0.0
            while age < 0.2 {
                age += pace.nextDelay(age: age, unit: unit)
                pace.answered()
            }
            #expect(age < 0.5, "seen done at \(age) s")
        }
    }

    @Test func theWaitsGrowWithTheTasksAgeUpToTenSeconds() {
        let waits = schedule(until: 600)
        // Never sooner than a quarter second, never later than ten seconds.
        #expect(waits.allSatisfy { $0 >= 0.25 && $0 <= 10 })
        #expect(waits == waits.sorted(), "each wait at least the one before: \(waits)")
        // A ten-minute task is not asked about every second: about 70 queries, not 600 (or 120 every 5 s).
        #expect(waits.count < 80, "\(waits.count) queries")
        #expect(waits.suffix(20).allSatisfy { $0 == 10 })
        // Late by at most a quarter of its age: a 4 s task is seen done by 5 s.
        let four = schedule(until: 4)
        #expect(four.reduce(0, +) <= 5, "\(four)")
    }

    @Test func theWaitsAreSpreadSoASweepsTasksDoNotAskInStep() {
        let pace = PollPace(policy: policy)
        #expect(close(pace.nextDelay(age: 0, unit: 0), 0.2))
        #expect(close(pace.nextDelay(age: 0, unit: 1), 0.3))
        var later = PollPace(policy: policy)
        later.answered()
        // At 20 s a task waits 5 s, give or take a second.
        #expect(close(later.nextDelay(age: 20, unit: 0), 4))
        #expect(later.nextDelay(age: 20, unit: 0.5) == 5)
        #expect(close(later.nextDelay(age: 20, unit: 1), 6))
        // Sixteen tasks started together, each with its own random numbers, do not query together.
        let firsts = Set((0..<16).map { index in pace.nextDelay(age: 0, unit: Double(index) / 16) })
        #expect(firsts.count == 16)
    }

    @Test func aBusyAnswerWaitsAsLongAsTheServiceAsksUpToAMinute() {
        var pace = PollPace(policy: policy)
        pace.answered()
        #expect(pace.failed(.busy(BusyAnswer(httpStatus: 429, detail: "slow down", retryAfter: 7))) == .askAgain)
        #expect(pace.nextDelay(age: 1, unit: 0.5) == 7)
        // Without a Retry-After, at least two seconds.
        #expect(pace.failed(.busy(BusyAnswer(httpStatus: 503, detail: ""))) == .askAgain)
        #expect(pace.nextDelay(age: 1, unit: 0.5) == 2)
        // A Retry-After of a day is not kept: a minute at most.
        #expect(pace.failed(.busy(BusyAnswer(httpStatus: 429, detail: "", retryAfter: 86_400))) == .askAgain)
        #expect(pace.nextDelay(age: 1, unit: 0.5) == 60)
        #expect(pace.attemptsInARow == 3)
    }

    @Test func busyAnswersSlowTheFollowingDownUntilTheServiceAnswersAgain() {
        var pace = PollPace(policy: policy)
        pace.answered()
        let before = pace.nextDelay(age: 8, unit: 0.5)
        #expect(before == 2)
        for _ in 0..<3 { _ = pace.failed(.busy(BusyAnswer(httpStatus: 200, code: "429", detail: "busy"))) }
        #expect(pace.slowdown == 8)
        // Eight times slower than the age says (16 s), the busy floor under it.
        #expect(pace.nextDelay(age: 8, unit: 0.5) == 16)
        // Each answer halves it back.
        pace.answered()
        #expect(pace.nextDelay(age: 8, unit: 0.5) == 8)
        pace.answered()
        pace.answered()
        pace.answered()
        #expect(pace.nextDelay(age: 8, unit: 0.5) == before)
    }

    @Test func busyAnswersAreNotFailuresButAreNotAskedForEver() {
        var pace = PollPace(policy: policy)
        for _ in 0..<policy.maxBusyAnswers {
            #expect(pace.failed(.busy(BusyAnswer(httpStatus: 429, detail: ""))) == .askAgain)
        }
        #expect(pace.failuresInARow == 0)
        #expect(pace.failed(.busy(BusyAnswer(httpStatus: 429, detail: ""))) == .giveUp)
    }

    @Test func networkFailuresAreToleratedAFewTimesAndRefusalsNever() {
        var pace = PollPace(policy: policy)
        for _ in 0..<policy.maxTransientFailures {
            #expect(pace.failed(.timedOut(seconds: 30)) == .askAgain)
        }
        #expect(pace.failed(.timedOut(seconds: 30)) == .giveUp)
        var refused = PollPace(policy: policy)
        #expect(refused.failed(.api(code: "401", message: "bad key")) == .giveUp)
    }

    @Test func aClockOrHeaderThatIsNotANumberDoesNotTrap() {
        var pace = PollPace(policy: policy)
        pace.answered()
        #expect(close(pace.nextDelay(age: .nan, unit: .infinity), 0.2))
        #expect(close(pace.nextDelay(age: .infinity, unit: -.nan), 0.2))
        #expect(BusyAnswer.seconds(retryAfter: "120") == 120)
        #expect(BusyAnswer.seconds(retryAfter: " 5 ") == 5)
        #expect(BusyAnswer.seconds(retryAfter: "-5") == nil)
        #expect(BusyAnswer.seconds(retryAfter: "Wed, 21 Oct 2026 07:28:00 GMT") == nil)
        #expect(BusyAnswer.seconds(retryAfter: String(repeating: "9", count: 400)) == nil)
        #expect(BusyAnswer.seconds(retryAfter: "١٢") == nil)
    }

    // MARK: The service's busy answers, as HTTPImageAPI reads them

    func exchange(status: Int, body: String, retryAfter: Double? = nil) -> Exchange {
        var exchange = Exchange(endpoint: "sd/queryTaskInfo/v2", requestBody: "{}", httpStatus: status, responseBody: body,
                                startedAt: Date(), finishedAt: Date())
        exchange.retryAfter = retryAfter
        return exchange
    }

    @Test func tooManyRequestsWithRetryAfterIsABusyAnswer() {
        #expect(throws: APIError.busy(BusyAnswer(httpStatus: 429, detail: "Too Many Requests", retryAfter: 3))) {
            try HTTPImageAPI.envelope(of: exchange(status: 429, body: "Too Many Requests", retryAfter: 3))
        }
        #expect(throws: APIError.busy(BusyAnswer(httpStatus: 503, code: "503", detail: "系统繁忙"))) {
            try HTTPImageAPI.envelope(of: exchange(status: 503, body: #"{"code":"503","msg":"系统繁忙","data":null}"#))
        }
        // The busy envelope on a 200.
        #expect(throws: APIError.busy(BusyAnswer(httpStatus: 200, code: "429", detail: "请求过于频繁"))) {
            try HTTPImageAPI.envelope(of: exchange(status: 200, body: #"{"code":"429","msg":"请求过于频繁","data":null}"#))
        }
        // Other faults are what they were.
        #expect(throws: APIError.httpStatus(500, bodyStart: "oops")) { try HTTPImageAPI.envelope(of: exchange(status: 500, body: "oops")) }
        #expect(throws: APIError.api(code: "500", message: "busy now")) {
            try HTTPImageAPI.envelope(of: exchange(status: 200, body: #"{"code":"500","msg":"busy now"}"#))
        }
        let said = APIError.busy(BusyAnswer(httpStatus: 429, detail: "slow down", retryAfter: 3)).message
        #expect(said == "The service is busy (HTTP 429): slow down; it asks to wait 3 s")
    }

    @Test func aBusyAnswerToASubmitIsTryAgainLater() {
        let refused = APIError.busy(BusyAnswer(httpStatus: 429, detail: ""))
        #expect(FailureClass(refused) == .network)
        #expect(!refused.mayHaveBeenAccepted)
        // A gateway's 503 may have passed the request on: the service is asked before the send is called failed.
        #expect(APIError.busy(BusyAnswer(httpStatus: 503, detail: "")).mayHaveBeenAccepted)
    }

    // MARK: The poller on that schedule

    @Test func thePollerWaitsAsThePolicySaysAndHonoursRetryAfter() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
        let started = clock.withLock { $0 }
        let waits = Mutex<[Double]>([])
        let timing = PollTiming(now: { clock.withLock { $0 } },
                                sleep: { seconds in
                                    waits.withLock { $0.append(seconds) }
                                    clock.withLock { $0 = $0.addingTimeInterval(seconds) }
                                },
                                random: { 0.5 })
        // Running until 3 s after the submit; the second query is answered busy, asking for 4 s.
        let api = ScriptedTaskAPI(clock: { clock.withLock { $0 } }, submittedAt: started, duration: 3, busyAt: [2])
        let poller = TaskPoller(api: api, policy: .standard, timing: timing)
        let task = TaskReference(endpoint: .controlNet, taskID: "zqt-pace", submittedAt: started)
        var events: [PollEvent] = []
        for try await event in poller.track(task) { events.append(event) }
        let seen = waits.withLock { $0 }
        // 0.25 s first, then a quarter second (a quarter of its age, at least that); busy at 0.5 s, asking for 4 s:
        // the next query comes 4 s later, and finds the task done.
        #expect(seen == [0.25, 0.25, 4])
        #expect(events.count == 3)
        if case let .retrying(error, attempt) = events[1] {
            #expect(error.busyAnswer?.retryAfter == 4)
            #expect(attempt == 1)
        } else {
            Issue.record("the busy answer was not reported: \(events[1])")
        }
        if case let .update(info) = events.last { #expect(info.phase == .succeeded) } else { Issue.record("no final answer") }
    }
}

/// A service whose one task runs `duration` seconds on the test's clock;
/// the queries numbered in `busyAt` (1-based) are answered busy, asking for 4 s.
private final class ScriptedTaskAPI: ImageAPI, @unchecked Sendable {
    let clock: @Sendable () -> Date
    let submittedAt: Date
    let duration: Double
    let busyAt: Set<Int>
    private let queries = Mutex(0)

    init(clock: @escaping @Sendable () -> Date, submittedAt: Date, duration: Double, busyAt: Set<Int>) {
        self.clock = clock
        self.submittedAt = submittedAt
        self.duration = duration
        self.busyAt = busyAt
    }

    func queryTask(_ task: TaskReference) async throws(APIError) -> TaskInfo {
        let number = queries.withLock { $0 += 1; return $0 }
        if busyAt.contains(number) { throw .busy(BusyAnswer(httpStatus: 429, detail: "slow down", retryAfter: 4)) }
        let done = clock().timeIntervalSince(submittedAt) >= duration
        return TaskInfo(data: .object([("status", .int(done ? 2 : 1)), ("desc", .string(done ? "Success" : "running"))]))
    }

    func send(_ request: Request) async -> SendOutcome { SendOutcome(result: .failure(.cancelled), exchange: nil) }
    func queryModels(pageNum: Int, pageSize: Int, checkpoint: String?, name: String?) async throws(APIError) -> ModelListPage {
        throw .cancelled
    }
    func queryListPage(path: String, pageNum: Int, pageSize: Int) async throws(APIError) -> JSONValue { throw .cancelled }
    func download(_ url: String, maxBytes: Int) async throws(APIError) -> [UInt8] { throw .cancelled }
}

/// Issue 18: the system's certificates are read from their hashed folder,
/// a certificate at a time, rather than the whole bundle per connection.
@Suite struct SystemTrustStoreTests {
    @Test func hashedNamesAreToldFromOtherFiles() {
        #expect(SystemTrustStore.isHashedName("5ad8a5d6.0"))
        #expect(SystemTrustStore.isHashedName("ce275665.12"))
        #expect(!SystemTrustStore.isHashedName("ca-certificates.crt"))
        #expect(!SystemTrustStore.isHashedName("5AD8A5D6.0"))
        #expect(!SystemTrustStore.isHashedName("5ad8a5d.0"))
        #expect(!SystemTrustStore.isHashedName("5ad8a5d6."))
        #expect(!SystemTrustStore.isHashedName("5ad8a5d6.pem"))
    }

    @Test func aFolderCountsOnlyWithAHashedName() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-trust")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("bundle".utf8).write(to: URL(fileURLWithPath: folder + "/ca-bundle.crt"))
        #expect(!SystemTrustStore.holdsHashedNames(folder))
        try Data("cert".utf8).write(to: URL(fileURLWithPath: folder + "/5ad8a5d6.0"))
        #expect(SystemTrustStore.holdsHashedNames(folder))
        #expect(!SystemTrustStore.holdsHashedNames(folder + "/missing"))
    }
}
