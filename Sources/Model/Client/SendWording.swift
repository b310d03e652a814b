// The texts of the send pipeline's failures, in one place (issue 16): the
// screen's status line, `zqt send`, sweeps, `zqt query` and `zqt results`
// say a failure in these words, and the history keeps them.

public enum SendWording {
    public static func sendFailed(_ error: APIError, server: ServerKind = .zhiqite) -> String {
        "Send failed: \(error.message(from: server))"
    }

    /// A local file named in an image field is not there at send: where it
    /// was looked for (absolute), and the path as the request holds it when
    /// that differs.
    public static func missingFile(label: String, typed: String, lookedFor: String) -> String {
        let asTyped = typed == lookedFor ? "" : " (\(APIError.printable(typed)))"
        return "\(label): no such file at \(APIError.printable(lookedFor))\(asTyped)"
    }

    /// Issue 8: the send had no answer and the service, asked, has no such task.
    public static func notAccepted(_ error: APIError, idTask: String, answer: APIError) -> String {
        "Send failed: \(error.message); the service has no task \(APIError.printable(idTask)) (\(answer.message))"
    }

    /// Issue 8: the send had no answer, but the service has the task.
    public static func unansweredButAccepted(_ error: APIError, idTask: String) -> String {
        "No answer to the send (\(error.message)), but the service has \(APIError.printable(idTask)): following it"
    }

    /// Issue 8: the send had no answer and the service could not be asked.
    /// An A1111 generation call that lost its connection (issue 20): the job may have
    /// run to its end on the server, which keeps no task to ask about.
    public static func droppedDuringGeneration(_ error: APIError, serverSaves: Bool) -> String {
        "The connection to the server ended during the generation (\(error.message)): the job may have finished there, "
            + "an A1111 server keeps no task zqt could ask about, and "
            + (serverSaves ? "its pictures would be in the server's outputs folder (the request asked it to save them: save_images)"
                : "the server did not save the pictures (zqt sends save_images: false): send the request again")
    }

    public static func outcomeUnknown(_ error: APIError, idTask: String, reason: APIError) -> String {
        "No answer to the send (\(error.message)), and whether the service has \(APIError.printable(idTask)) is not known (\(reason.message))"
    }

    /// The row's error when the service, asked, has no task (kept in the history).
    public static func notAcceptedRecord(_ error: APIError, idTask: String, answer: APIError) -> String {
        "\(error.message) · the service has no task \(APIError.printable(idTask)) (\(answer.message))"
    }

    public static func followingStopped(_ error: APIError) -> String {
        "Following the task stopped: \(error.message)"
    }

    /// The row's error when the service, asked about a task still open, refuses.
    public static func unknownTask(_ error: APIError) -> String {
        "The service does not know this task: \(error.message)"
    }

    /// Wire rule 9: the service's desc says why; a task without one says its status.
    public static func taskFailed(_ info: TaskInfo) -> String {
        "The task failed: \(info.desc.isEmpty ? "status \(info.status)" : info.desc)"
    }

    public static let noStatus = "The task ended without a status"

    public static func queryRetrying(_ error: APIError, attempt: Int) -> String {
        "query failed (\(error.message)); retrying (\(attempt))"
    }

    public static func noURL(position: Int) -> String {
        "the service gave no URL for image \(position + 1)"
    }

    public static func downloadFailed(position: Int, _ error: APIError) -> String {
        "image \(position + 1) could not be downloaded: \(error.message)"
    }

    // MARK: What one task may bring (issue 23, ImageBounds)

    /// How an image left unfetched is fetched all the same.
    public static func fetchOnRequest(_ idTask: String) -> String {
        "fetched on request: zqt results \(APIError.printable(idTask)) --all, or \"fetch the rest\" on the screen"
    }

    private static func megabytes(_ bytes: Int) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MB" : "\(bytes) bytes"
    }

    public static func notFetchedBeyondCount(position: Int, bounds: ImageBounds, idTask: String) -> String {
        "image \(position + 1) not fetched: one task brings at most \(bounds.imagesPerTask) images (\(fetchOnRequest(idTask)))"
    }

    public static func notFetchedBeyondTaskBytes(position: Int, bounds: ImageBounds, idTask: String) -> String {
        "image \(position + 1) not fetched: the task's images reached the \(megabytes(bounds.bytesPerTask)) one task may bring (\(fetchOnRequest(idTask)))"
    }

    public static func notFetchedTooLarge(position: Int, limit: Int, bounds: ImageBounds, idTask: String) -> String {
        limit < bounds.bytesPerImage
            ? "image \(position + 1) not fetched: larger than the \(megabytes(limit)) left of the \(megabytes(bounds.bytesPerTask)) one task may bring (\(fetchOnRequest(idTask)))"
            : "image \(position + 1) not fetched: larger than the \(megabytes(bounds.bytesPerImage)) one image may be"
    }

    public static func cannotCreate(_ folder: String) -> String {
        "cannot create \(folder)"
    }

    public static func cannotWrite(_ path: String) -> String {
        "cannot write \(path)"
    }

    public static func notKeptInHistory(_ error: HistoryError) -> String {
        "not kept in history: \(error.message)"
    }

    // MARK: Copies (issue 17)

    /// How a saved copy came to its name, when not simply under its own:
    /// renamed because another picture had the name, or the same one already there.
    public static func savedCopyNote(_ kept: KeptResult) -> String? {
        guard let path = kept.exported, let note = kept.exportNote else { return nil }
        switch note {
        case .written: return nil
        case .alreadyThere: return "\(path) already there (the same picture)"
        case let .renamed(existing): return "saved as \(path) because \(existing) existed"
        }
    }

    /// A result image not kept, as its row says it.
    public static func notKept(_ reason: String, attempts: Int, gone: Bool) -> String {
        let again = gone ? "the service no longer has it" : attempts >= StoredResult.maximumKeepAttempts
            ? "given up after \(attempts) tries" : "tried again at the next look or start"
        return "not kept: \(reason) (\(again))"
    }
}

// MARK: A task's row the disk held back (issue 21)

extension SendWording {
    /// A write into the row of a task already sent failed for the disk: the
    /// row is there, the task goes on, and the write waits (HistoryBacklog).
    public static func rowBehind(_ error: HistoryError) -> String {
        if error.isDamage {
            return "its row in the history is behind: the history file is damaged (\(error.sqliteWords)). The task goes on; "
                + "zqt history recover copies what can be read into a new history, then zqt query ID brings its row up to date"
        }
        return "its row in the history is behind: \(error.message). The task goes on; "
            + "its row is brought up to date when the history can be written again"
    }

    /// A history fault met by a task already sent: its row behind when the
    /// fault is the disk's and its writes wait (`waits`), else not kept.
    public static func historyFault(_ error: HistoryError, waits: Bool) -> String {
        waits && HistoryBacklog.waits(for: error) ? rowBehind(error) : notKeptInHistory(error)
    }
}
