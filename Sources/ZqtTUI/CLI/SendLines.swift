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

    /// A task's answer: its status and desc, with the progress while it runs.
    static func status(_ info: TaskInfo) -> String {
        let percent = info.phase == .inProgress ? info.progress.map { " " + Wording.percent($0) } ?? "" : ""
        return "status \(info.status) \(TerminalText.line(info.desc))\(percent)"
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

    /// One result image, before it is kept.
    static func image(_ source: ResultSource, of count: Int) -> String {
        "image \(source.position + 1)/\(count): seed \(source.seed.map(String.init) ?? "?") \(TerminalText.line(source.url))"
    }

    /// One result image and where it is kept (wire rule 10: result URLs expire).
    static func kept(_ kept: KeptResult, of count: Int) -> String {
        let size: String
        if let pixels = kept.pixelSize, let format = kept.format {
            size = "\(pixels.width)×\(pixels.height) \(format.title), \(kept.byteCount / 1024) KB"
        } else {
            size = "\(kept.byteCount) bytes (not a PNG, JPEG or WebP picture)"
        }
        return image(kept.source, of: count) + " → \(size), kept in \(kept.path)"
            + (SendWording.savedCopyNote(kept).map { ", \($0)" } ?? kept.exported.map { ", saved to \($0)" } ?? "")
    }

    /// One result image that could not be kept, and why.
    static func notKept(_ source: ResultSource, of count: Int, _ failure: SendFailure) -> String {
        image(source, of: count) + " → \(TerminalText.line(failure.message))"
    }

    /// After an outcome that is not known: where it stays and how to ask again.
    static func askAgain(_ idTask: String) -> String {
        "It is kept in the history as \"outcome unknown\": `zqt` asks again at start (or `zqt query \(idTask)`)."
    }
}
