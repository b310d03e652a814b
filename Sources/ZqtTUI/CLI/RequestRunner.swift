// Sends one request and follows its task to the end, printing each step:
// what `zqt send` and `zqt --sandbox` without a terminal do. The send
// itself is the pipeline's (SendPipeline); this only renders its events.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Model
import Images

struct LinePrinter: Sendable {
    /// "[SANDBOX] " on every line while talking to the sandbox (issue 2).
    let prefix: String
    /// With `--json`, standard output holds only the JSON a script reads, so
    /// the running commentary goes to standard error.
    var toStandardError = false

    /// Lines hold what the service said (msg, desc, prompts, URLs): only
    /// printable text reaches the terminal (TerminalText).
    func say(_ text: String) {
        // Written straight to the file descriptor, so each line shows at once even through a pipe.
        let lines = TerminalText.printable(text).split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 + "\n" }
        if toStandardError { StandardStreams.writeError(lines.joined()) } else { StandardStreams.writeOut(lines.joined()) }
    }

    /// A message is one line (issue 23): a line break the service put in it is shown, not made.
    func warn(_ text: String) {
        StandardStreams.writeError(prefix + TerminalText.line(text) + "\n")
    }
}

struct RequestRunner {
    let api: any ImageAPI
    let configuration: ClientConfiguration
    /// Where the submission is kept, as from the compose screen (nil: not kept).
    let store: HistoryStore?
    let printer: LinePrinter
    var pollPolicy: PollPolicy = .standard
    /// Local files in image fields (issue 17): uploaded before the submit.
    var localInputs = LocalInputs.Step()
    /// ZQT_HOME: result images are kept in its images folder, as the screen keeps them (issue 16).
    var home = ZqtPaths.home().path
    /// The kept pictures' disk budget (issue 23).
    var imagesMaxBytes = ResultImageKeeper.configuredBudget
    /// `zqt send` alone (issue 20): Ctrl-C during an A1111 call interrupts the server's job (SendInterrupt).
    var interruptsOnCtrlC = false
    /// The service is a sandbox in this process: its tasks end with it (a row behind cannot be asked later).
    var sandboxInProcess = false

    enum Outcome: Equatable {
        case succeeded(images: Int)
        case invalid
        case submitFailed
        case taskFailed
        /// No answer: the service could not be reached (exit 3, not 1).
        case network
        /// Not sent: its history row could not be written (exit 4, issue 21).
        case notRecorded

        var exitStatus: ZqtExit {
            switch self {
            case .succeeded: return .success
            case .invalid: return .badInput
            case .submitFailed, .taskFailed: return .failed
            case .network: return .network
            case .notRecorded: return .notRecorded
            }
        }
    }

    /// What a run came to, for `--json`: the task, its last answer and the files kept.
    struct Report {
        var outcome: Outcome
        var taskID: String?
        var endpoint: Endpoint?
        var final: TaskInfo?
        /// Where each result was saved into the folder asked for (--download), by position.
        var savedFiles: [Int: String] = [:]
        /// zqt's own copy of each result, under $ZQT_HOME/images, by position.
        var keptFiles: [Int: String] = [:]
        /// Ctrl-C stopped the server's job (issue 20): what it made is kept, the exit is 130.
        var interrupted = false
    }

    /// Reads, validates, sends and follows, through the screen's own
    /// pipeline (SendPipeline). `freshID` gives the request a new task id
    /// (wire rule 8: a re-submission always gets a new one).
    func run(requestText: String, endpoint: Endpoint, freshID: Bool, printJSON: Bool,
             follow: Bool, downloadTo folder: URL?) async -> Outcome {
        await report(requestText: requestText, endpoint: endpoint, freshID: freshID, printJSON: printJSON,
                     follow: follow, downloadTo: folder).outcome
    }

    func report(requestText: String, endpoint: Endpoint, freshID: Bool, printJSON: Bool,
                follow: Bool, downloadTo folder: URL?) async -> Report {
        var report = Report(outcome: .invalid, endpoint: endpoint)
        let decoded: (request: Request, notes: [DecodeNote])
        do {
            decoded = try Request.decode(json: requestText, for: endpoint)
        } catch {
            printer.warn("Cannot read the request: \(error)")
            return report
        }
        for note in decoded.notes { printer.say("note: \(note)") }
        var request = decoded.request
        if freshID || request.taskID.isEmpty {
            request.taskID = TaskIDGenerator.shared.next()
        }
        let problems = LocalInputs.problems(request, namesIn: FileManager.default.currentDirectoryPath)
        guard problems.isEmpty else {
            printer.warn("The request is not valid; nothing was sent:")
            for problem in problems { printer.warn("  \(problem.path): \(problem.message)") }
            return report
        }
        report.taskID = request.taskID
        printer.say("POST \(configuration.baseURL)\(endpoint.path)")
        printer.say("  \(endpoint.taskIDPath.split(separator: ".").last ?? "") \(TerminalText.line(request.taskID)) · \(summary(request))")
        if printJSON { printer.say(request.wireJSON) }

        let printer = printer
        var pipeline = SendPipeline(api: api, store: store, baseURL: configuration.baseURL, profile: configuration.profile,
                                    keeper: ResultImageKeeper.zqt(home: home, store: store, imagesMaxBytes: imagesMaxBytes)) { error in
            printer.warn(SendWording.historyFault(error, waits: true))
        }
        // A full disk holds the row's writes back until it has room (issue 21), at the latest until the end below.
        let backlog = HistoryBacklog()
        pipeline.backlog = backlog
        pipeline.pollPolicy = pollPolicy
        pipeline.localInputs = localInputs
        report.outcome = .succeeded(images: 0)
        var lastLine = ""
        var followed = false
        var sources: [ResultSource] = []
        let answersWhenDone = endpoint.family.followUp.answersWhenDone
        func say(_ line: String) {
            if line != lastLine { printer.say(line) }
            lastLine = line
        }
        // Ctrl-C once the call is on its way interrupts the server's job (issue 20); before, it quits as ever.
        let interrupted = InterruptedFlag()
        var interrupt: SendInterrupt?
        defer { interrupt?.remove() }
        // The pipeline's events, rendered: what is said here is all `zqt send` adds.
        for await event in pipeline.run(request, follow: follow, exportTo: folder?.path) {
            switch event {
            case .recorded:
                // A call that answers when done (issue 20): said as it leaves, before its progress.
                if answersWhenDone { printer.say(SendLines.started(request.taskID)) }
                if answersWhenDone, interruptsOnCtrlC, let live = api as? any LiveProgressAPI {
                    let idTask = request.taskID
                    interrupt = SendInterrupt.install {
                        interrupted.set()
                        Task {
                            // Through A1111Watch, as the screen's X: the answer is then read, and its row kept, as interrupted;
                            // while another client's job runs, the interrupt waits for ours.
                            do throws(APIError) {
                                let answer = try await A1111Watch.interrupt(idTask, api: live)
                                printer.warn(answer == .waits ? SendLines.interruptWaits : SendLines.interrupting)
                            } catch {
                                printer.warn(SendLines.interruptFailed(error))
                            }
                        }
                    }
                }
            case let .accepted(submission):
                printer.say(answersWhenDone ? SendLines.answered(submission) : SendLines.accepted(submission, idTask: request.taskID))
            case let .unanswered(error, confirmation):
                // Issue 8: the request left without an answer; a refusal or an unknown is said by its failure.
                if case .accepted = confirmation { printer.say(SendWording.unansweredButAccepted(error, idTask: request.taskID)) }
            case let .progress(info):
                followed = true
                report.final = info
                say(SendLines.status(info, server: endpoint.server))
            case let .retrying(error, attempt):
                say(SendWording.queryRetrying(error, attempt: attempt))
            case .unfollowed:
                // `zqt history unfollow` (or a screen's X) while this follows it: it stops asking too (issue 19).
                say(request.taskID + " " + Wording.notFollowedLine(request.taskID))
            case let .finished(info, followedToIt):
                followed = followed || followedToIt
                report.final = info
                sources = ResultSource.of(info)
                // An answer that came with the send (a tool's at once, §4.10) has no status to follow.
                if followedToIt { say(SendLines.status(info, server: endpoint.server)) }
                for line in SendLines.texts(info) { printer.say(line) }
                if info.phase == .succeeded { report.outcome = .succeeded(images: info.results.count) }
            case let .kept(kept):
                printer.say(SendLines.kept(kept, among: sources.isEmpty ? [kept.source] : sources))
                report.keptFiles[kept.source.position] = kept.path
                if let exported = kept.exported { report.savedFiles[kept.source.position] = exported }
            case let .failed(failure):
                report.outcome = Self.outcome(failure, current: report.outcome)
                switch failure.stage {
                case let .keep(position):
                    // The task succeeded: an image not kept is said, the exit stays the task's.
                    if let source = sources.first(where: { $0.position == position }) {
                        printer.say(SendLines.notKept(source, among: sources, failure))
                    } else {
                        printer.warn(failure.message)
                    }
                case .outcomeUnknown:
                    printer.warn(failure.message + ". " + (request.endpoint.family.followUp.answersWhenDone
                        ? SendLines.keptUnknownA1111(request.taskID) : SendLines.askAgain(request.taskID)))
                default:
                    printer.warn(failure.message)
                }
            }
        }
        interrupt?.remove()
        interrupt = nil
        if let store {
            Self.catchUp(backlog, store: store, idTask: request.taskID, sandbox: sandboxInProcess, printer: printer)
        }
        // Stopped at Ctrl-C, unless the answer came before the stop could go (then it is done); stopped by
        // someone else when the answer holds fewer pictures than planned (issue 20): neither is a success.
        if report.final?.interruptedElsewhere == true {
            report.interrupted = true
            printer.warn(SendLines.interruptedElsewhere(kept: report.keptFiles.count))
        } else if interrupted.isSet, report.final?.interrupted ?? true {
            report.interrupted = true
            printer.warn(SendLines.interrupted(kept: report.keptFiles.count))
        }
        // Training alone is told by callback (§3.2); an A1111 call that answered with its result has nothing left to follow.
        if follow, !followed, case .succeeded = report.outcome, !endpoint.canBeFollowed, endpoint.family == .training {
            printer.say(Wording.notFollowed)
        }
        return report
    }

    /// What a failure makes of the run: the keeping of an image changes nothing.
    static func outcome(_ failure: SendFailure, current: Outcome) -> Outcome {
        switch failure.stage {
        case .keep: return current
        case .send:
            // A row that could not be written stops the send: nothing is wrong with the request (4, issue 21).
            if case .notRecorded? = failure.error { return .notRecorded }
            // Missing keys or a bad URL are configuration (2), no answer is the network (3).
            switch failure.failureClass {
            case .badInput: return .invalid
            case .network: return .network
            case .failed: return .submitFailed
            }
        // The query answered, so the service was reached: its refusal is the failure (1).
        case .notAccepted: return .submitFailed
        case .outcomeUnknown: return .network
        case .follow: return failure.failureClass == .network ? .network : .taskFailed
        case .task: return .taskFailed
        }
    }

    /// The row's writes a full disk held back, written at the end when it
    /// has room; else said: the row is behind, and how it catches up.
    static func catchUp(_ backlog: HistoryBacklog, store: HistoryStore, idTask: String, sandbox: Bool, printer: LinePrinter) {
        guard backlog.rowsHeldBack > 0 else { return }
        if let fault = backlog.catchUp(store) {
            // Only a picture's note waiting: the picture's own line said how to fetch it.
            guard backlog.rowsBehind.contains(where: backlog.isBehindOnItsState) else { return }
            printer.warn(Wording.rowsStillBehind([idTask], fault: fault, sandbox: sandbox))
        } else {
            printer.warn(Wording.historyCaughtUp(rows: 1))
        }
    }

    /// One line about what the request asks for.
    private func summary(_ request: Request) -> String {
        guard request.endpoint.family == .sd else { return request.endpoint.title }
        let size = request.outputSize
        let units = request.endpoint.groupFields.map { " · " + Wording.count(request.items(of: $0).count, $0.groupSpec?.itemTitle ?? $0.label) }.joined()
        return "\(request.endpoint.title)\(units) · \(size.width)×\(size.height) · \(Wording.count(request.imageCount, "image"))"
    }
}

/// Whether Ctrl-C came, set on the interrupt's thread and read after the send.
final class InterruptedFlag: Sendable {
    private let lock = Lock()
    nonisolated(unsafe) private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
