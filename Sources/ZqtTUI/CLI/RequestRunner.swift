// Sends one request and follows its task to the end, printing each step:
// what `zqt send` and, until the compose screen exists, `zqt --sandbox` do.

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

    func warn(_ text: String) {
        StandardStreams.writeError(prefix + TerminalText.printable(text) + "\n")
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

    enum Outcome: Equatable {
        case succeeded(images: Int)
        case invalid
        case submitFailed
        case taskFailed
        /// No answer: the service could not be reached (exit 3, not 1).
        case network

        var exitStatus: ZqtExit {
            switch self {
            case .succeeded: return .success
            case .invalid: return .badInput
            case .submitFailed, .taskFailed: return .failed
            case .network: return .network
            }
        }
    }

    /// What a run came to, for `--json`: the task, its last answer and the files kept.
    struct Report {
        var outcome: Outcome
        var taskID: String?
        var endpoint: Endpoint?
        var final: TaskInfo?
        var savedFiles: [Int: String] = [:]
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
        let problems = RequestValidator.validate(request)
        guard problems.isEmpty else {
            printer.warn("The request is not valid; nothing was sent:")
            for problem in problems { printer.warn("  \(problem.path): \(problem.message)") }
            return report
        }
        report.taskID = request.taskID
        printer.say("POST \(configuration.baseURL)\(endpoint.path)")
        printer.say("  \(endpoint.taskIDPath.split(separator: ".").last ?? "") \(request.taskID) · \(summary(request))")
        if printJSON { printer.say(request.wireJSON) }

        let printer = printer
        var pipeline = SendPipeline(api: api, store: store, baseURL: configuration.baseURL, profile: configuration.profile) { error in
            printer.warn("not kept in history: \(error.message)")
        }
        pipeline.pollPolicy = pollPolicy
        pipeline.localInputs = localInputs
        let sent = await pipeline.send(request)
        switch (sent.outcome.result, sent.confirmation) {
        case let (.success(submission), _):
            let serviceID = submission.result.serviceTaskID ?? request.taskID
            printer.say("accepted: task_id \(serviceID) (HTTP \(submission.exchange.httpStatus ?? 0))")
        case let (.failure(error), .accepted?):
            // Issue 8: the request left without an answer, and the service has it.
            printer.say("no answer to the send (\(error.message)), but the service has \(request.taskID): following it")
        case let (.failure(error), .notAccepted(answer)?):
            printer.warn("Submit failed: \(error.message); the service has no task \(request.taskID) (\(answer.message))")
            // The query answered, so the service was reached: its refusal is the failure (1).
            report.outcome = .submitFailed
            return report
        case let (.failure(error), .stillUnknown(reason)?):
            printer.warn("Submit had no answer (\(error.message)); whether the service has \(request.taskID) is not known (\(reason.message)). "
                         + "It is kept in the history as \"outcome unknown\": `zqt` asks again at start (or `zqt query \(request.taskID)`).")
            report.outcome = .network
            return report
        case let (.failure(error), nil):
            printer.warn("Submit failed: \(error.message)")
            // Missing keys or a bad URL are configuration (2), no answer is the network (3).
            switch ZqtExit(error) {
            case .badInput: report.outcome = .invalid
            case .network: report.outcome = .network
            default: report.outcome = .submitFailed
            }
            return report
        }
        report.outcome = .succeeded(images: 0)
        report.final = sent.finished
        guard follow || sent.finished != nil else { return report }
        guard endpoint.canBeFollowed || sent.finished != nil else {
            printer.say(Wording.notFollowed)
            return report
        }

        var final = sent.finished
        if final == nil {
            var lastLine = ""
            do {
                let task = TaskReference(endpoint: endpoint, taskID: request.taskID)
                for try await event in pipeline.follow(task, recordID: sent.recordID) {
                    let line: String
                    switch event {
                    case let .update(info):
                        final = info
                        let percent = info.progress.map { " " + Wording.percent($0) } ?? ""
                        line = "status \(info.status) \(info.desc)\(info.phase == .inProgress ? percent : "")"
                    case let .retrying(error, attempt):
                        line = "query failed (\(error.message)); retrying (\(attempt))"
                    }
                    if line != lastLine { printer.say(line) }
                    lastLine = line
                }
            } catch {
                printer.warn("Following the task failed: \((error as? APIError)?.message ?? String(describing: error))")
                report.final = final
                report.outcome = (error as? APIError).map { ZqtExit($0) == .network } == true ? .network : .taskFailed
                return report
            }
        }
        report.final = final
        guard let final else { report.outcome = .taskFailed; return report }
        guard final.phase == .succeeded else {
            printer.warn("The task failed: \(final.desc)")
            report.outcome = .taskFailed
            return report
        }
        for (index, text) in final.texts.enumerated() {
            printer.say("text \(index + 1)/\(final.texts.count): \(text)")
        }
        for (index, result) in final.results.enumerated() {
            var line = "image \(index + 1)/\(final.results.count): seed \(result.seed.map(String.init) ?? "?") \(result.imageURL)"
            do throws(APIError) {
                let bytes = try await api.download(result.imageURL)
                line += describe(bytes)
                if let folder {
                    // Wire rule 10: result URLs expire, so what is downloaded is kept.
                    let path = folder.appendingPathComponent("\(ImageFile.safeStem(request.taskID))-\(ImageFile.name(position: index, bytes: bytes))").path
                    if (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) == nil {
                        line += ", could not create \(folder.path)"
                    } else if let problem = pipeline.save(bytes, to: path, recordID: sent.recordID, position: index) {
                        line += ", \(problem)"
                    } else {
                        line += ", saved to \(path)"
                        report.savedFiles[index] = path
                    }
                }
            } catch {
                line += " → download failed: \(error.message)"
            }
            printer.say(line)
        }
        report.outcome = .succeeded(images: final.results.count)
        return report
    }

    private func describe(_ bytes: [UInt8]) -> String {
        if let dims = PNGInfo.dimensions(of: bytes) { return " → \(dims.width)×\(dims.height) PNG, \(bytes.count / 1024) KB" }
        return " → \(bytes.count) bytes (not a PNG)"
    }

    /// One line about what the request asks for.
    private func summary(_ request: Request) -> String {
        switch request.endpoint.family {
        case .sd:
            let size = request.outputSize
            let units = request.endpoint.groupFields.map { " · " + Wording.count(request.items(of: $0).count, $0.groupSpec?.itemTitle ?? $0.label) }.joined()
            return "\(request.endpoint.title)\(units) · \(size.width)×\(size.height) · \(Wording.count(request.imageCount, "image"))"
        case .tool, .training:
            return request.endpoint.title
        }
    }
}
