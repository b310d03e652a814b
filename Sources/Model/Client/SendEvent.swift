// What the send pipeline reports (issue 16): one stream of events for a
// send, from the answer to the kept images, which the screen, `zqt send`,
// sweeps, `zqt query` and `zqt results` only render. A failure carries its
// class (the command line's exit status) and its one wording (SendWording).

/// How a failure reads to a script: what to do about it.
public enum FailureClass: Int, Sendable, Equatable, Comparable {
    /// The service or the task failed (exit 1).
    case failed = 1
    /// zqt's own input or configuration: no keys, a bad URL (exit 2).
    case badInput = 2
    /// The service could not be reached; the row stays open, to be resumed (exit 3).
    case network = 3

    /// The class of an error from the service's client.
    public init(_ error: APIError) {
        switch error {
        case .missingCredentials, .invalidBaseURL, .invalidHeader, .noTaskQuery, .answeredWithTheCall, .notRecorded:
            // .notRecorded: the disk or folder of zqt's history, to be fixed here (issue 21).
            self = .badInput
        case .connectionRefused, .unreachable, .timedOut, .connectionLost, .transport, .busy:
            // The service busy is "try again later" too (issue 18).
            self = .network
        case .httpStatus, .notJSON, .unexpectedResponse, .api, .cancelled:
            self = .failed
        case let .upload(failure):
            // A local file refused is the input's fault; a store out of reach, the network's (issue 17).
            self = failure.network ? .network : .badInput
        }
    }

    /// The worse of two is the one to fix first: network, then configuration, then failure.
    public static func < (lhs: FailureClass, rhs: FailureClass) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Why a send, or a step of it, did not come to its end.
public struct SendFailure: Error, Sendable, Equatable {
    public enum Stage: Sendable, Equatable {
        /// The submit failed: refused, or no answer and nothing to ask (the row is "send failed").
        case send
        /// No answer, and the service says it has no such task: nothing runs.
        case notAccepted
        /// No answer, and the service could not be asked: "outcome unknown", asked again later.
        case outcomeUnknown
        /// Following the task stopped before its end.
        case follow
        /// The task ended failed (or without a status).
        case task
        /// One result could not be kept; the others go on.
        case keep(position: Int)
    }

    public let stage: Stage
    public let failureClass: FailureClass
    /// The one text said to the user (SendWording).
    public let message: String
    /// The client's error behind it, when there is one.
    public let error: APIError?
    /// A bound of what one task may bring left the image unfetched (ImageBounds,
    /// issue 23): fetched on request, never tried again by itself.
    public let notFetched: Bool

    public init(_ stage: Stage, _ failureClass: FailureClass, message: String, error: APIError? = nil, notFetched: Bool = false) {
        self.stage = stage
        self.failureClass = failureClass
        self.message = message
        self.error = error
        self.notFetched = notFetched
    }
}

/// One result image to keep: where the service put it and what the history knows of it.
public struct ResultSource: Sendable, Equatable {
    /// The result's own position (an image without a URL keeps its number).
    public let position: Int
    public let url: String
    public let seed: Int?
    /// A copy the history already notes (zqt's own, or a folder the user saved into).
    public let knownCopy: String?

    public init(position: Int, url: String, seed: Int? = nil, knownCopy: String? = nil) {
        self.position = position
        self.url = url
        self.seed = seed
        self.knownCopy = knownCopy
    }

    /// Every image of a finished task, by position.
    public static func of(_ info: TaskInfo) -> [ResultSource] {
        info.results.enumerated().map { ResultSource(position: $0.offset, url: $0.element.imageURL, seed: $0.element.seed) }
    }

    /// Every image a history row holds, with the copy it notes.
    public static func of(_ record: HistoryRecord) -> [ResultSource] {
        record.imageResults.map { ResultSource(position: $0.position, url: $0.imageURL, seed: $0.seed, knownCopy: $0.localPath) }
    }
}

/// A result as kept: zqt's copy (wire rule 10: result URLs expire), and the
/// user's when asked for one.
public struct KeptResult: Sendable, Equatable {
    public let source: ResultSource
    /// zqt's own copy, under $ZQT_HOME/images.
    public let path: String
    /// The copy written into the folder the user named (--download, the history's save).
    public var exported: String?
    /// How that copy came to its name (never over another picture, issue 17).
    public var exportNote: SavedCopy.Note?
    public let byteCount: Int
    /// The image's size when its header says it (PNG, JPEG, WebP).
    public let pixelSize: PixelSize?
    /// What its header says it is (issue 23: a JPEG is no "not a PNG").
    public let format: ImageHeader.Format?

    public init(source: ResultSource, path: String, exported: String? = nil, byteCount: Int, pixelSize: PixelSize?,
                format: ImageHeader.Format? = nil) {
        self.source = source
        self.path = path
        self.exported = exported
        self.byteCount = byteCount
        self.pixelSize = pixelSize
        self.format = format ?? (pixelSize != nil ? .png : nil)
    }

    /// The copy as its header says it: its bytes and type from the header alone.
    public init(source: ResultSource, path: String, bytes: [UInt8]) {
        let header = ImageHeader.read(bytes)
        self.init(source: source, path: path, byteCount: bytes.count,
                  pixelSize: header.map { PixelSize(width: $0.width, height: $0.height) }, format: header?.format)
    }

    /// The copy the history notes: the user's when there is one, else zqt's.
    public var notedCopy: String { exported ?? path }
}

public struct PixelSize: Sendable, Equatable {
    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
}

/// A result saved into a folder the user named. Nothing there is ever
/// replaced by another picture (issue 17): the same bytes are left as they
/// are, a different file of that name makes the copy take the next name.
public struct SavedCopy: Sendable, Equatable {
    public enum Note: Sendable, Equatable {
        /// Written under its own name.
        case written
        /// The same picture was there already; left as it is.
        case alreadyThere
        /// Another file had the name (`existing`): the copy took the next free one.
        case renamed(existing: String)
    }

    public let path: String
    public let note: Note

    public init(path: String, note: Note) {
        self.path = path
        self.note = note
    }
}

/// The request a saved copy carries (issue 17): a PNG's text chunks, another format's sidecar `.json`.
public struct SavedRequest: Sendable {
    public let endpoint: Endpoint
    /// The request's JSON as sent (the history row's).
    public let json: String

    public init(endpoint: Endpoint, json: String) {
        self.endpoint = endpoint
        self.json = json
    }
}

/// Where result images are kept. Implemented by the Images module
/// (ResultImageFiles), the one place their copies are named and written;
/// Model only asks.
public protocol ResultKeeper: Sendable {
    /// zqt's copy of one result: the one already kept, else the history's
    /// noted copy, else downloaded now.
    func keep(_ source: ResultSource, idTask: String, api: any ImageAPI) async throws(SendFailure) -> KeptResult
    /// A copy of a kept result in `folder`, named for its task and position,
    /// carrying `request` when given; never over another picture.
    func export(_ kept: KeptResult, idTask: String, request: SavedRequest?, into folder: String) throws(SendFailure) -> SavedCopy
}

/// What the pipeline says, in order. A send: `recorded`, then `accepted` or
/// `unanswered` or `failed(.send)`; a followed task: `progress` and
/// `retrying` as they come, `finished` with its last answer (or
/// `failed(.follow)`), then for a success a `kept` or `failed(.keep)` per image.
public enum SendEvent: Sendable, Equatable {
    /// The history row the send is kept in (nil without a history).
    case recorded(recordID: Int?)
    /// The service took the task.
    case accepted(Submission)
    /// The send had no answer; what the service said when asked (issue 8).
    case unanswered(APIError, SendConfirmation)
    /// An answer while the task runs.
    case progress(TaskInfo)
    /// A query failed in a way that may pass; it is tried again.
    case retrying(APIError, attempt: Int)
    /// The task's last answer: succeeded or failed. `followed`: by following
    /// it; not when the answer came with the send (a tool's at once, §4.10)
    /// or with the question about a send that had no answer.
    case finished(TaskInfo, followed: Bool)
    /// A result image kept.
    case kept(KeptResult)
    case failed(SendFailure)
    /// The user stopped following the task while it was followed (its row's
    /// mark, set by another screen or `zqt history unfollow`): nothing more is asked.
    case unfollowed
}
