// The command line's lines for the send pipeline's events (issue 16), in one
// place: `zqt send`, sweeps, `zqt query` and `zqt results` say a task's
// steps and outcome in the same words. Failures read as SendWording says.

import Model

enum SendLines {
    static func accepted(_ submission: Submission, idTask: String) -> String {
        "accepted: task_id \(submission.result.serviceTaskID ?? idTask) (HTTP \(submission.exchange.httpStatus ?? 0))"
    }

    /// A task's answer: its status and desc, with the progress while it runs.
    static func status(_ info: TaskInfo) -> String {
        let percent = info.phase == .inProgress ? info.progress.map { " " + Wording.percent($0) } ?? "" : ""
        return "status \(info.status) \(info.desc)\(percent)"
    }

    /// What the outcome says beyond its images: each text of a success.
    static func texts(_ info: TaskInfo) -> [String] {
        guard info.phase == .succeeded else { return [] }
        return info.texts.enumerated().map { "text \($0.offset + 1)/\(info.texts.count): \($0.element)" }
    }

    /// One result image, before it is kept.
    static func image(_ source: ResultSource, of count: Int) -> String {
        "image \(source.position + 1)/\(count): seed \(source.seed.map(String.init) ?? "?") \(source.url)"
    }

    /// One result image and where it is kept (wire rule 10: result URLs expire).
    static func kept(_ kept: KeptResult, of count: Int) -> String {
        let size = kept.pixelSize.map { "\($0.width)×\($0.height) PNG, \(kept.byteCount / 1024) KB" } ?? "\(kept.byteCount) bytes (not a PNG)"
        return image(kept.source, of: count) + " → \(size), kept in \(kept.path)" + (kept.exported.map { ", saved to \($0)" } ?? "")
    }

    /// One result image that could not be kept, and why.
    static func notKept(_ source: ResultSource, of count: Int, _ failure: SendFailure) -> String {
        image(source, of: count) + " → \(failure.message)"
    }

    /// After an outcome that is not known: where it stays and how to ask again.
    static func askAgain(_ idTask: String) -> String {
        "It is kept in the history as \"outcome unknown\": `zqt` asks again at start (or `zqt query \(idTask)`)."
    }
}
