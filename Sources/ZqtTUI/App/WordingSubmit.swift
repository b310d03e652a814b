// What a send and the task it started say in the status line: refused
// before it leaves, sent, failed, unanswered (issue 8), and the task's
// progress and outcome. Keys are named as bound.

import Model

extension Wording {
    // MARK: Before the send

    /// A label or path that is empty (a problem of the whole request) is left out, not joined as "Not sent: : …".
    static func notSent(field: String, _ message: String) -> String { "Not sent: " + labelled(field, message) }

    /// "label: text", or the text alone when there is no label: every prefix joined to a part that may be empty goes through here.
    static func labelled(_ label: String, _ text: String) -> String {
        label.trimmed.isEmpty ? text : "\(label): \(text)"
    }

    /// The first problem of the form, and how many more there are.
    /// The field said once (newcomer check: "alwayson_scripts.sd_model_checkpoint: choose a
    /// checkpoint model (alwayson_scripts.sd_model_checkpoint)"): by its label, not again when
    /// the message names it already; the wire path only for a field the form has no label for.
    static func notSent(field: String, path: String, _ message: String, more: Int) -> String {
        let bare = message.replacing(" (\(path))", with: "")
        let lowered = bare.lowercased()
        let named = lowered.contains(field.lowercased()) || lowered.contains(path.lowercased())
        return "Not sent: " + (named ? bare : labelled(field, bare)) + (more > 0 ? " (+\(more) more)" : "")
    }

    static let alreadySending = "Already sending; wait for the answer"
    static func sending(_ idTask: String) -> String { "Sending \(idTask)…" }

    /// Local files in image fields going up before the send (issue 17).
    static func uploading(_ progress: UploadProgress) -> String {
        "Uploading \(count(progress.total, "file"))… \(progress.done)/\(progress.total)"
    }

    // MARK: The answer

    /// The service accepts a task and answers later; an A1111 server answers the call itself when the job is done.
    static func sent(to endpoint: String, taskID: String, server: ServerKind = .zhiqite) -> String {
        server == .a1111 ? "The server answered \(endpoint) \(taskID): keeping its pictures…" : "Sent to \(endpoint): task_id \(taskID)"
    }

    /// A task's state word right after the send answered: the service "submitted" it; an A1111 server is done.
    static func submittedDesc(_ server: ServerKind) -> String { server == .a1111 ? "done, keeping the pictures" : "submitted" }

    /// The history entry's line for when the send was answered: "Accepted" by the service, "Answered"
    /// by an A1111 server, which has no accepting step (its call answers when the job is done).
    static func entryAnsweredLabel(_ server: ServerKind) -> String { server == .a1111 ? "Answered" : "Accepted" }

    /// An A1111 row's state in the history entry: a call still out is sent and running there, not "sending".
    static func entryState(_ state: SubmissionState, server: ServerKind) -> String {
        guard server == .a1111 else { return state.title }
        switch state {
        case .sending: return "sent · running on the server (it answers when the job is done)"
        case .submitted, .queued, .running: return "running on the server"
        default: return state.title
        }
    }

    /// Where a send that failed is kept: the history's key, and the key that
    /// sends it again (nil when sending it again cannot help: a local file missing).
    struct KeptKeys: Equatable, Sendable {
        var history: String
        var resend: String?
    }

    private static func kept(_ keys: KeptKeys?) -> String {
        guard let keys else { return "" }
        guard let resend = keys.resend else { return " · kept in history (\(keys.history))" }
        return " · kept in history (\(keys.history), \(resend) sends it again)"
    }

    // The send's failures in the pipeline's words (SendWording), which the
    // command line says too; the screen adds where the row is kept and its keys.
    static func sendFailed(_ error: APIError, kept keys: KeptKeys?) -> String { SendWording.sendFailed(error) + kept(keys) }

    static func unansweredButFollowing(_ error: APIError, idTask: String) -> String {
        SendWording.unansweredButAccepted(error, idTask: idTask)
    }

    static func sendFailedNoTask(_ error: APIError, idTask: String, answer: APIError, kept keys: KeptKeys?) -> String {
        SendWording.notAccepted(error, idTask: idTask, answer: answer) + kept(keys)
    }

    static func unansweredUnknown(_ error: APIError, idTask: String, reason: APIError, queryKey: String) -> String {
        SendWording.outcomeUnknown(error, idTask: idTask, reason: reason) + ": zqt asks again at start, \(queryKey) in the history asks now"
    }

    // MARK: The task

    /// Without a progress (a tool task) the time it has run, once a second has passed (issue 19).
    static func taskInProgress(_ idTask: String, desc: String, progress: Double?, elapsedSeconds: Int = 0) -> String {
        "Task \(idTask): \(desc)" + (progress.map { " " + percent($0) }
            ?? (elapsedSeconds > 0 ? " · " + duration(elapsedSeconds) + " so far" : ""))
    }

    /// "12 s", "3 min 05 s".
    static func duration(_ seconds: Int) -> String {
        seconds < 60 ? "\(seconds) s" : "\(seconds / 60) min " + (seconds % 60 < 10 ? "0" : "") + "\(seconds % 60) s"
    }

    static func taskSucceeded(_ idTask: String, desc: String, results: String) -> String { "Task \(idTask): \(desc) · \(results)" }
    static func taskFailed(_ idTask: String, desc: String) -> String { "Task \(idTask) failed: \(desc)" }

    /// A finished task's images, and where they can go next (from its history row).
    static func imageResults(_ images: Int, image2imageKey: String?, unitKey: String?) -> String {
        guard images > 0, let image2imageKey, let unitKey else { return count(images, "image") }
        return count(images, "image") + " · \(image2imageKey) image2image · \(unitKey) ControlNet unit"
    }

    static func textResult(_ text: String, promptKey: String?) -> String {
        (promptKey.map { "\($0) uses it as the prompt · " } ?? "") + oneLine(text)
    }

    /// A task resumed from an earlier session, when it ends: its images or text.
    static func earlierTask(_ idTask: String, desc: String, images: Int?, text: String?) -> String {
        let result = text.map { " · " + oneLine($0) } ?? images.map { " · " + count($0, "image") } ?? ""
        return "Earlier task \(idTask): \(desc)\(result)"
    }

    static func taskRetrying(_ idTask: String, _ message: String, attempt: Int) -> String {
        "Task \(idTask): \(message); retrying (\(attempt))"
    }

    static func taskProblem(_ idTask: String, _ message: String) -> String { "Task \(idTask): \(message)" }
}

extension Wording {
    static let noTaskToStop = "No task is being followed"
    /// Before a history row's prompt.
    static let notFollowedMark = "(not followed) "
    /// A history row with neither a prompt nor a tool's main input to show:
    /// the screen's list and `zqt history list` say it in the same words (issue 19).
    static let noPrompt = "(no prompt)"

    /// The text a history row lists: its prompt or main input, else
    /// `noPrompt`; read as far as its reader wants (HistorySummary.listedCharacters).
    /// `none`: it is `noPrompt` (the screen draws it dim), asked of the row once (review23).
    static func listedPrompt(_ row: HistorySummary) -> (characters: AnySequence<Character>, none: Bool) {
        let listed = row.listedCharacters
        return listed.isEmpty ? (AnySequence(noPrompt), true) : (AnySequence(listed), false)
    }

    static func notFollowed(_ idTask: String, queryKey: String) -> String {
        "Task \(idTask) not followed: zqt no longer asks about it (the service has no cancel, so it may still run there); "
            + "\(queryKey) on its history row or zqt query \(idTask) takes it up again"
    }
}

extension Wording {
    // MARK: An A1111 server's job (issue 20)

    static func interrupting(_ idTask: String) -> String {
        "Interrupting \(APIError.printable(idTask)): the server stops the job and answers with the pictures made so far"
    }

    /// X or B while the server runs another client's job: sending now would stop theirs (issue 20).
    static func stopWaits(_ idTask: String, skip: Bool) -> String {
        "The server runs another client's job; \(APIError.printable(idTask)) will be "
            + (skip ? "skipped" : "stopped") + " as soon as it starts"
    }

    static func interruptFailed(_ idTask: String, _ message: String) -> String {
        "Could not interrupt \(APIError.printable(idTask)): \(message)"
    }

    static let noJobToSkip = "No A1111 job is running: skip is for a picture of an A1111 server's batch"

    static func skipping(_ idTask: String) -> String {
        "Skipping the picture being made in \(APIError.printable(idTask)): the server keeps it as it is and goes on with the next"
    }

    static func skipFailed(_ idTask: String, _ message: String) -> String {
        "Could not skip in \(APIError.printable(idTask)): \(message)"
    }
}
