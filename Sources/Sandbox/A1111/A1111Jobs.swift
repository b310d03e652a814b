// The one job the A1111 stand-in runs at a time, and what /sdapi/v1/progress
// reads of it. A1111 holds a queue lock around each generation, so a second
// call waits behind the first; its shared state (shared_state.py) is one
// record of the running job: job, job_count, job_no, sampling_step,
// sampling_steps, skipped, interrupted, job_timestamp. Interrupt stops the
// job, keeping the pictures of the iteration it stopped in; skip ends the
// current iteration early and goes on with the next.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Model
import Synchronization

/// What one generation asks of the runner.
struct A1111JobPlan {
    /// `scripts_txt2img` or `scripts_img2img`, as A1111 names its jobs.
    let name: String
    /// n_iter: each iteration makes a batch of pictures.
    let iterations: Int
    /// Sampling steps of each pass of an iteration (a second pass for hi-res fix).
    let passes: [Int]
    let stepMilliseconds: Int
    /// The job stops half-way (the `sandbox:drop` marker: the call then closes its connection unanswered).
    var dropHalfWay = false
    /// The preview is no picture (the `sandbox:bad-preview` marker).
    var badPreview = false
    /// The preview's size and the seed of the picture it shows per iteration.
    let previewWidth: Int
    let previewHeight: Int
    let previewSeeds: [Int]
}

/// How each iteration ended.
enum A1111IterationEnd: Equatable {
    case finished
    /// Stopped by skip or interrupt part-way: its pictures are kept, unfinished.
    case cutShort
}

final class A1111Jobs: Sendable {
    private struct State {
        var skipped = false
        var interrupted = false
        var job = ""
        var jobCount = 0
        var jobNo = 0
        var jobTimestamp = "0"
        var samplingStep = 0
        var samplingSteps = 0
        var timeStart: Date?
        var textinfo: String?
        /// The preview as last drawn, and the step it was drawn at.
        var currentImage: String?
        var currentImageStep = 0
        var previewRequest: (width: Int, height: Int, seed: Int)?
        var previewIsGarbage = false
        /// The queue: tickets are served in the order taken.
        var nextTicket = 0
        var serving = 0
        var closed = false
        /// Jobs run so far, and the steps the last one ran, for tests.
        var finishedJobs = 0
        var stepsRun = 0
    }

    private let state = Mutex(State())
    private let previewEverySteps: Int

    init(previewEverySteps: Int) {
        self.previewEverySteps = max(1, previewEverySteps)
    }

    // MARK: The queue

    /// Takes a place in the queue (A1111's queue lock): places are served in the order taken.
    func enqueue() -> Int {
        state.withLock { state -> Int in
            defer { state.nextTicket += 1 }
            return state.nextTicket
        }
    }

    /// Waits until `ticket` is served; false once the server stopped.
    func waitForTurn(_ ticket: Int) -> Bool {
        while true {
            let (turn, closed) = state.withLock { ($0.serving == ticket, $0.closed) }
            if closed { return false }
            if turn { return true }
            usleep(3000)
        }
    }

    func endTurn() {
        state.withLock { $0.serving += 1 }
    }

    /// Jobs waiting behind the running one, for tests.
    var waiting: Int { state.withLock { max(0, $0.nextTicket - $0.serving - 1) } }

    var finishedJobs: Int { state.withLock { $0.finishedJobs } }

    /// Sampling steps the running or last job has made.
    var stepsRun: Int { state.withLock { $0.stepsRun } }

    /// Stops the running job and lets no other start (the server is stopping).
    func close() {
        state.withLock {
            $0.closed = true
            $0.interrupted = true
        }
    }

    // MARK: Running

    /// Runs `plan` step by step at its pace; call between `waitForTurn` and
    /// `endTurn`. Returns how each iteration that made pictures ended.
    func run(_ plan: A1111JobPlan, now: () -> Date = Date.init) -> [A1111IterationEnd] {
        let timestamp = Self.timestampFormat(now())
        state.withLock { state in
            state.skipped = false
            state.interrupted = false
            state.job = plan.name
            state.jobCount = plan.iterations * plan.passes.count
            state.jobNo = 0
            state.jobTimestamp = timestamp
            state.samplingStep = 0
            state.samplingSteps = plan.passes.first ?? 0
            state.timeStart = now()
            state.textinfo = nil
            state.currentImage = nil
            state.currentImageStep = 0
            state.previewRequest = nil
            state.previewIsGarbage = plan.badPreview
            state.stepsRun = 0
        }
        defer {
            state.withLock { state in
                state.job = ""
                state.jobCount = 0
                state.finishedJobs += 1
            }
        }
        var ends: [A1111IterationEnd] = []
        let totalSteps = plan.passes.reduce(0) { $0 + max(1, $1) } * plan.iterations
        var stepsSoFar = 0
        // Each step ends at a time set from the job's start, not after a sleep of its own: on a loaded
        // machine sleeps overrun, and a job of --task-seconds N would take twice that (issue 20).
        var due = ContinuousClock.now
        for iteration in 0..<plan.iterations {
            let stop = state.withLock { state -> Bool in
                if state.interrupted { return true }
                state.skipped = false
                if plan.iterations > 1 { state.job = "Batch \(iteration + 1) out of \(plan.iterations)" }
                return false
            }
            if stop { break }
            var end = A1111IterationEnd.finished
            passes: for steps in plan.passes {
                state.withLock {
                    $0.samplingSteps = steps
                    $0.samplingStep = 0
                }
                for step in 1...max(1, steps) {
                    stepsSoFar += 1
                    if plan.dropHalfWay, stepsSoFar > totalSteps / 2 { return ends }
                    due = due.advanced(by: .milliseconds(max(0, plan.stepMilliseconds)))
                    guard sleepStep(until: due) else {
                        end = .cutShort
                        // A skipped iteration's steps are not made up for by the next one's.
                        due = ContinuousClock.now
                        break passes
                    }
                    state.withLock { state in
                        state.samplingStep = step
                        state.stepsRun += 1
                        let seed = plan.previewSeeds.isEmpty ? 0 : plan.previewSeeds[iteration % plan.previewSeeds.count]
                        state.previewRequest = (plan.previewWidth, plan.previewHeight, seed &+ step)
                    }
                }
                state.withLock { state in
                    state.jobNo += 1
                    state.samplingStep = 0
                    state.currentImageStep = 0
                }
            }
            // A skipped iteration counts as done, its passes not run included (A1111's state.nextjob
            // after each iteration): the next one's progress goes on from there, not back.
            state.withLock { $0.jobNo = (iteration + 1) * plan.passes.count }
            ends.append(end)
        }
        return ends
    }

    /// Sleeps in short slices until the step is due; false when skip or interrupt came meanwhile.
    private func sleepStep(until due: ContinuousClock.Instant) -> Bool {
        while true {
            if state.withLock({ $0.interrupted || $0.skipped }) { return false }
            let left = ContinuousClock.now.duration(to: due).components
            let milliseconds = left.seconds.multipliedReportingOverflow(by: 1000).partialValue + left.attoseconds / 1_000_000_000_000_000
            if milliseconds <= 0 { break }
            usleep(useconds_t(min(milliseconds, 10)) * 1000)
        }
        return !state.withLock { $0.interrupted || $0.skipped }
    }

    func interrupt() { state.withLock { $0.interrupted = true } }

    func skip() { state.withLock { $0.skipped = true } }

    /// Whether the job that ran last was interrupted (the answer of an interrupted call says so in its info).
    var wasInterrupted: Bool { state.withLock { $0.interrupted } }

    // MARK: Progress

    /// The /sdapi/v1/progress answer (api.py progressapi): 0.01 plus the
    /// share of finished jobs plus the share of the current one's steps.
    func progress(skipCurrentImage: Bool, now: Date = Date()) -> JSONValue {
        refreshPreview()
        let snapshot = state.withLock { $0 }
        let stateObject: JSONValue = .object([
            ("skipped", .bool(snapshot.skipped)), ("interrupted", .bool(snapshot.interrupted)),
            ("stopping_generation", .bool(false)), ("job", .string(snapshot.job)),
            ("job_count", .int(snapshot.jobCount)), ("job_timestamp", .string(snapshot.jobTimestamp)),
            ("job_no", .int(snapshot.jobNo)), ("sampling_step", .int(snapshot.samplingStep)),
            ("sampling_steps", .int(snapshot.samplingSteps)),
        ])
        let textinfo: JSONValue = snapshot.textinfo.map(JSONValue.string) ?? .null
        guard snapshot.jobCount > 0 else {
            return .object([("progress", .double(0)), ("eta_relative", .double(0)), ("state", stateObject),
                            ("current_image", .null), ("textinfo", textinfo)])
        }
        var progress = 0.01 + Double(snapshot.jobNo) / Double(snapshot.jobCount)
        if snapshot.samplingSteps > 0 {
            progress += 1 / Double(snapshot.jobCount) * Double(snapshot.samplingStep) / Double(snapshot.samplingSteps)
        }
        let elapsed = snapshot.timeStart.map { now.timeIntervalSince($0) } ?? 0
        let eta = elapsed / progress - elapsed
        let image: JSONValue = skipCurrentImage ? .null : (snapshot.currentImage.map(JSONValue.string) ?? .null)
        return .object([("progress", .double(min(progress, 1))), ("eta_relative", .double(eta)), ("state", stateObject),
                        ("current_image", image), ("textinfo", textinfo)])
    }

    /// Redraws the preview when the job has gone `previewEverySteps` steps
    /// since the last one (A1111 does it when progress is asked, too).
    private func refreshPreview() {
        let wanted = state.withLock { state -> (width: Int, height: Int, seed: Int, step: Int, garbage: Bool)? in
            guard state.jobCount > 0, let request = state.previewRequest,
                  state.currentImage == nil || state.samplingStep - state.currentImageStep >= previewEverySteps,
                  state.samplingStep >= min(previewEverySteps, max(1, state.samplingSteps)) else { return nil }
            return (request.width, request.height, request.seed, state.samplingStep, state.previewIsGarbage)
        }
        guard let wanted else { return }
        let encoded = wanted.garbage ? A1111Images.base64(Array("not a picture \(wanted.step)".utf8))
            : A1111Images.base64(PNGImage.render(width: wanted.width, height: wanted.height, seed: wanted.seed))
        state.withLock { state in
            guard state.jobCount > 0 else { return }
            state.currentImage = encoded
            state.currentImageStep = wanted.step
        }
    }

    /// A1111's job_timestamp: local time as YYYYMMDDhhmmss.
    static func timestampFormat(_ date: Date) -> String {
        var seconds = time_t(Int(exactly: date.timeIntervalSince1970.rounded(.down)) ?? 0)
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
    }
}
