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

struct LinePrinter: Sendable {
    /// "[SANDBOX] " on every line while talking to the sandbox (issue 2).
    let prefix: String

    func say(_ text: String) {
        // Written straight to the file descriptor, so each line shows at once even through a pipe.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 + "\n" }
        StandardStreams.writeOut(lines.joined())
    }

    func warn(_ text: String) {
        StandardStreams.writeError(prefix + text + "\n")
    }
}

struct RequestRunner {
    let api: any ImageAPI
    let configuration: ClientConfiguration
    /// Where the submission is kept, as from the compose screen (nil: not kept).
    let store: HistoryStore?
    let printer: LinePrinter
    var pollPolicy: PollPolicy = .standard

    /// A history write; a failure is said once and the send goes on.
    private func keep(_ body: (HistoryStore) throws(HistoryError) -> Void) {
        guard let store else { return }
        do {
            try body(store)
        } catch {
            printer.warn("not kept in history: \(error.message)")
        }
    }

    enum Outcome: Equatable {
        case succeeded(images: Int)
        case invalid
        case submitFailed
        case taskFailed
    }

    /// Reads, validates, sends and follows. `freshID` gives the request a new
    /// id_task (wire rule 8: a re-submission always gets a new one).
    func run(requestText: String, endpoint: Endpoint, freshID: Bool, printJSON: Bool,
             follow: Bool, downloadTo folder: URL?) async -> Outcome {
        let decoded: SDRequest.Decoded
        do {
            decoded = try SDRequest.decode(json: requestText)
        } catch {
            printer.warn("Cannot read the request: \(error)")
            return .invalid
        }
        for note in decoded.notes { printer.say("note: \(note)") }
        var request = decoded.request
        if freshID || request.idTask.isEmpty {
            request.idTask = TaskIDGenerator.shared.next()
        }
        let problems = RequestValidator.validate(request, for: endpoint)
        guard problems.isEmpty else {
            printer.warn("The request is not valid; nothing was sent:")
            for problem in problems { printer.warn("  \(problem.path): \(problem.message)") }
            return .invalid
        }
        let units = request.controlNetUnits?.count ?? 0
        let size = request.outputSize
        printer.say("POST \(configuration.baseURL)\(endpoint.path)")
        printer.say("  id_task \(request.idTask) · \(Wording.count(units, "ControlNet unit")) · "
                    + "\(size.width)×\(size.height) · \(Wording.count(request.imageCount, "image"))")
        if printJSON { printer.say(request.wireJSON) }

        var recordID: Int?
        keep { store throws(HistoryError) in
            recordID = try store.recordSending(request, endpoint: endpoint, baseURL: configuration.baseURL,
                                               profile: configuration.profile)
        }
        let outcome = await api.send(request, to: endpoint)
        let submission: Submission
        switch outcome.result {
        case let .success(accepted):
            submission = accepted
            if let recordID { keep { store throws(HistoryError) in try store.recordSubmitted(id: recordID, submission: accepted) } }
        case let .failure(error):
            if let recordID {
                keep { store throws(HistoryError) in
                    try store.recordSendFailed(id: recordID, error: error.message, httpStatus: outcome.exchange?.httpStatus,
                                               response: outcome.exchange?.responseBody)
                }
            }
            printer.warn("Submit failed: \(error.message)")
            return .submitFailed
        }
        let serviceID = submission.result.serviceTaskID ?? request.idTask
        printer.say("accepted: task_id \(serviceID) (HTTP \(submission.exchange.httpStatus ?? 0))")
        guard follow else { return .succeeded(images: 0) }

        let poller = TaskPoller(api: api, policy: pollPolicy)
        var lastLine = ""
        var final: TaskInfo?
        do {
            let events = poller.track(businessTaskID: request.idTask)
            for try await event in events {
                let line: String
                switch event {
                case let .update(info):
                    final = info
                    if let recordID { keep { store throws(HistoryError) in try store.recordTaskInfo(id: recordID, info: info) } }
                    let percent = info.progress.map { " " + Wording.percent($0) } ?? ""
                    line = "status \(info.status) \(info.desc)\(info.phase == .inProgress ? percent : "")"
                case let .retrying(error, attempt):
                    line = "query failed (\(error.message)); retrying (\(attempt))"
                }
                if line != lastLine { printer.say(line) }
                lastLine = line
            }
        } catch {
            let apiError = error as? APIError ?? .transport(String(describing: error))
            if let recordID, !apiError.isTransient {
                keep { store throws(HistoryError) in
                    try store.recordTrackingFailed(id: recordID, error: "Following the task stopped: \(apiError.message)")
                }
            }
            printer.warn("Following the task failed: \(apiError.message)")
            return .taskFailed
        }
        guard let final else { return .taskFailed }
        guard final.phase == .succeeded else {
            printer.warn("The task failed: \(final.desc)")
            return .taskFailed
        }
        for (index, result) in final.results.enumerated() {
            var line = "image \(index + 1)/\(final.results.count): seed \(result.seed.map(String.init) ?? "?") \(result.imageURL)"
            do {
                let bytes = try await api.download(result.imageURL)
                if let dims = PNGInfo.dimensions(of: bytes) {
                    line += " → \(dims.width)×\(dims.height) PNG, \(bytes.count / 1024) KB"
                } else {
                    line += " → \(bytes.count) bytes (not a PNG)"
                }
                if let folder {
                    // Wire rule 10: result URLs expire, so what is downloaded is kept.
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    let file = folder.appendingPathComponent("\(request.idTask)-\(ImageFile.name(position: index, bytes: bytes))")
                    try Data(bytes).write(to: file)
                    line += ", saved to \(file.path)"
                    if let recordID {
                        keep { store throws(HistoryError) in try store.recordLocalCopy(id: recordID, position: index, path: file.path) }
                    }
                }
            } catch let error as APIError {
                line += " → download failed: \(error.message)"
            } catch {
                line += " → could not save: \(error)"
            }
            printer.say(line)
        }
        return .succeeded(images: final.results.count)
    }
}
