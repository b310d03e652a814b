// The command line's lines for the send pipeline's events (issue 16), in one
// place: `zqt send`, sweeps, `zqt query` and `zqt results` say a task's
// steps and outcome in the same words. Failures read as SendWording says.
// Every field the service gave is one line here (TerminalText.line, issue 23):
// a task_id holding "\nimage 1/1: … saved to …" cannot print a line of zqt's.

import Model

enum SendLines {
    static func accepted(_ submission: Submission, idTask: String) -> String {
        "accepted: task_id \(TerminalText.line(submission.result.serviceTaskID ?? idTask)) (HTTP \(submission.exchange.httpStatus ?? 0))"
    }

    /// A task's answer: where it stands in words, its desc, with the
    /// progress while it runs. The service's status number is kept for
    /// scripts, but a number alone misleads (a tool's 1 is its success, an
    /// SD task's 1 is running, wire rule 9), so the state follows it; an
    /// A1111 server has no status number (issue 20): the state alone.
    /// `withProgress: false` leaves the percent out: a sweep says a task's
    /// line when its state changes, not at every percent.
    static func status(_ info: TaskInfo, server: ServerKind = .zhiqite, withProgress: Bool = true) -> String {
        let percent = withProgress && info.phase == .inProgress ? info.progress.map { " " + Wording.percent($0) } ?? "" : ""
        let state = SubmissionState(info).title
        let desc = info.desc.trimmed.lowercased() == state ? "" : " " + TerminalText.line(info.desc)
        if server == .a1111 { return "\(state):\(desc)\(percent)" }
        return "status \(info.status) (\(state))\(desc)\(percent)"
    }

    /// An A1111 call, as it leaves (issue 20): the server answers only when
    /// the job is done, so this line comes first and the progress after it.
    static func started(_ idTask: String) -> String {
        "started: id_task \(TerminalText.line(idTask)); the server answers when the job is done"
    }

    /// An A1111 call's answer, before its pictures.
    static func answered(_ submission: Submission) -> String {
        "done: the server answered (HTTP \(submission.exchange.httpStatus ?? 0))"
    }

    /// What the outcome says beyond its images: each text of a success, its
    /// lines kept and each marked as the service's (TerminalText.serviceLines).
    static func texts(_ info: TaskInfo) -> [String] {
        guard info.phase == .succeeded else { return [] }
        return info.texts.enumerated().map { text(position: $0.offset, of: info.texts.count, $0.element) }
    }

    /// One text of a result: "text 1/2:", then its lines, each marked.
    static func text(position: Int, of count: Int?, _ text: String) -> String {
        (["text \(position + 1)\(count.map { "/\($0)" } ?? ""):"] + TerminalText.serviceLines(text)).joined(separator: "\n")
    }

    /// A result's name: "image 2/3" (the pictures counted), or for a
    /// ControlNet map an A1111 server added after the pictures (issue 20,
    /// A1111ResultKinds) "control map 1", which has no seed and is not a
    /// picture made: as the answer's "done: 2 pictures and 1 control map".
    /// `counted: false` leaves the count out (`zqt history show`).
    static func resultName(position: Int, url: String, among results: [(position: Int, url: String)], counted: Bool = true) -> String {
        if A1111ResultKinds.isControlMap(url) {
            let ordinal = results.filter { A1111ResultKinds.isControlMap($0.url) && $0.position <= position }.count
            return "control map \(max(1, ordinal))"
        }
        let pictures = results.filter { !A1111ResultKinds.isControlMap($0.url) }.count
        return "image \(position + 1)" + (counted ? "/\(pictures)" : "")
    }

    /// A result's URL as said: a control map's without the mark its name already gives.
    static func resultURL(_ url: String) -> String {
        TerminalText.line(A1111ResultKinds.heldURL(url))
    }

    /// A result's URL as the command's output gives it, human or JSON: nil
    /// for an A1111 picture (issue 20), whose `a1111-inline:` name only held
    /// it in memory, numbered among everything the server sent (its grid
    /// first); the file it is kept in is what the user has.
    static func publicURL(_ url: String) -> String? {
        InlineImages.isInline(url) ? nil : url
    }

    /// One result image, before it is kept; `sources` are the task's results, which name it.
    static func image(_ source: ResultSource, among sources: [ResultSource]) -> String {
        let name = resultName(position: source.position, url: source.url, among: sources.map { ($0.position, $0.url) })
        // A picture without a seed (an upscaled one, A1111's extras, a control map) says none rather than "seed ?".
        let details = [source.seed.map { "seed \($0)" }, publicURL(source.url).map(resultURL)].compactMap { $0 }
        return name + (details.isEmpty ? "" : ": " + details.joined(separator: " "))
    }

    /// One result image and where it is kept (wire rule 10: result URLs expire).
    static func kept(_ kept: KeptResult, among sources: [ResultSource]) -> String {
        let size: String
        if let pixels = kept.pixelSize, let format = kept.format {
            size = "\(pixels.width)×\(pixels.height) \(format.title), \(kept.byteCount / 1024) KB"
        } else {
            size = "\(kept.byteCount) bytes (not a PNG, JPEG or WebP picture)"
        }
        return image(kept.source, among: sources) + " → \(size), kept in \(kept.path)"
            + (SendWording.savedCopyNote(kept).map { ", \($0)" } ?? kept.exported.map { ", saved to \($0)" } ?? "")
    }

    /// One result image that could not be kept, and why.
    static func notKept(_ source: ResultSource, among sources: [ResultSource], _ failure: SendFailure) -> String {
        image(source, among: sources) + " → \(TerminalText.line(failure.message))"
    }

    /// The first Ctrl-C during an A1111 call (issue 20, SendInterrupt).
    static let interrupting = "Ctrl-C: asking the server to stop the job (POST /sdapi/v1/interrupt); Ctrl-C again quits at once"

    /// Ctrl-C while our job waits behind another client's: interrupting now would stop theirs (issue 20).
    static let interruptWaits = "Ctrl-C: the server runs another client's job; ours will be stopped as soon as it starts (nothing is sent before); Ctrl-C again quits at once"

    /// A sweep's job that waits behind another client's when Ctrl-C asked the sweep to stop.
    static let jobWaitsToStop = "the server runs another client's job; ours will be stopped as soon as it starts"

    /// The answer came with fewer pictures than asked, and zqt did not stop the job.
    static func interruptedElsewhere(kept: Int) -> String {
        "interrupted elsewhere: the server stopped the job (its web UI or another client did); "
            + (kept == 0 ? "it made no picture before it stopped" : "\(Wording.count(kept, "picture")) it made before it stopped kept")
    }

    static func interruptFailed(_ error: APIError) -> String {
        "the server could not be asked to stop the job: \(error.message); Ctrl-C again quits at once"
    }

    /// After the interrupted call answered: what the server made before it stopped is kept.
    static func interrupted(kept: Int) -> String {
        "interrupted: the server stopped the job at Ctrl-C; "
            + (kept == 0 ? "it made no picture before it stopped" : "\(Wording.count(kept, "picture")) it made before it stopped kept")
    }

    /// After an outcome that is not known: where it stays and how to ask again.
    static func askAgain(_ idTask: String) -> String {
        "It is kept in the history as \"outcome unknown\": `zqt` asks again at start (or `zqt query \(idTask)`)."
    }

    /// The same for an A1111 call whose connection dropped (issue 20 re-check): the server keeps no
    /// task, so the start does not ask (resumeUnfinished skips what cannot be followed) and
    /// `zqt query` prints the row as it is (A1111RowStanding.answered): nothing to promise.
    static func keptUnknownA1111(_ idTask: String) -> String {
        "It is kept in the history as \"outcome unknown\": with no task on the server to ask about, "
            + "neither zqt's start nor `zqt query \(idTask)` can learn more of it."
    }
}
