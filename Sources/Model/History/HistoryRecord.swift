// What the history keeps of a submission: the exact request sent, the
// service's answer, the task as last seen and its results (issue 4).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where a submission stands. Stored as its raw value, which is also the
/// word a history filter matches ("failed" finds both kinds of failure).
public enum SubmissionState: String, Sendable, CaseIterable {
    /// Written before the request leaves, so a send that never returns is still a row.
    case sending
    /// The service accepted it; no task query has answered yet.
    case submitted
    /// Task status 0 (wire rule 9).
    case queued
    /// Task status 1 or 3.
    case running
    case succeeded
    /// An A1111 job zqt interrupted (issue 20): it ended early, its pictures those made before.
    case interrupted
    /// The task ran and failed (any other status), or polling gave up on it.
    case failed
    /// The submit itself failed: network, HTTP or API error. Nothing runs.
    case sendFailed = "send-failed"
    /// The request left but no answer came (timed out, connection lost):
    /// the service may have accepted it, so it is asked before anything is
    /// called failed (issue 8).
    case unknown

    /// Still to be followed: polling resumes for these when zqt starts.
    public var isUnfinished: Bool { [.sending, .submitted, .queued, .running, .unknown].contains(self) }
    public var isFailure: Bool { self == .failed || self == .sendFailed }

    /// A task status as a state (wire rule 9).
    public init(taskStatus: Int) {
        switch taskStatus {
        case 0: self = .queued
        case 1, 3: self = .running
        case 2: self = .succeeded
        default: self = .failed
        }
    }

    /// A task query's answer as a state, as its family reads it.
    public init(_ info: TaskInfo) {
        switch info.phase {
        case .succeeded: self = info.interrupted ? .interrupted : .succeeded
        case .failed: self = .failed
        case .inProgress: self = info.status == 0 ? .queued : .running
        }
    }

    /// One cell in the history list.
    public var glyph: String {
        switch self {
        case .sending: return "↑"
        case .submitted: return "…"
        case .queued: return "◷"
        case .running: return "▶"
        case .succeeded: return "✓"
        case .interrupted: return "◐"
        case .failed: return "✗"
        case .sendFailed: return "!"
        case .unknown: return "?"
        }
    }

    public var title: String {
        switch self {
        case .sending: return "sending"
        case .submitted: return "submitted"
        case .queued: return "queued"
        case .running: return "running"
        case .succeeded: return "succeeded"
        case .interrupted: return "interrupted"
        case .failed: return "failed"
        case .sendFailed: return "send failed"
        case .unknown: return "outcome unknown"
        }
    }
}

/// A result image as stored: what the service said, and where zqt saved it.
public struct StoredResult: Sendable, Equatable {
    public let position: Int
    public let imageURL: String
    public let seed: Int?
    public let imageStatus: Int?
    public let auditPassed: Bool?
    public let auditLabels: [String]
    /// The local copy, once downloaded (result URLs expire: wire rule 10).
    public var localPath: String?
    /// A text result (an expanded prompt, a description); `imageURL` is then empty.
    public let text: String?
    /// Why the image could not be kept the last time it was tried (issue 17), while it is not.
    public var keepError: String?
    /// How many times keeping it failed.
    public var keepAttempts: Int
    /// The service answered that the image is gone (404, 410, 403): no more tries.
    public var keepGone: Bool

    public var isText: Bool { text != nil }

    /// Tries at keeping an image before zqt gives up on it.
    public static let maximumKeepAttempts = 5
    /// How long after its task a result's URL may still work: wire rule 10
    /// gives no figure; a signed S3-style link lives at most 7 days (SigV4's limit).
    public static let urlLifetime: TimeInterval = 7 * 24 * 3600

    /// Whether to try keeping it again: not kept, not said gone by the
    /// service, fewer tries than the limit, and its URL may still live.
    public func mayRetryKeep(finishedAt: Date?, now: Date = Date()) -> Bool {
        guard !isText, localPath == nil, !imageURL.isEmpty, !keepGone, keepAttempts < Self.maximumKeepAttempts else { return false }
        guard let finishedAt else { return true }
        return now.timeIntervalSince(finishedAt) < Self.urlLifetime
    }

    public init(position: Int, imageURL: String, seed: Int?, imageStatus: Int?, auditPassed: Bool?,
                auditLabels: [String], localPath: String? = nil, text: String? = nil,
                keepError: String? = nil, keepAttempts: Int = 0, keepGone: Bool = false) {
        self.text = text
        self.keepError = keepError
        self.keepAttempts = keepAttempts
        self.keepGone = keepGone
        self.position = position
        self.imageURL = imageURL
        self.seed = seed
        self.imageStatus = imageStatus
        self.auditPassed = auditPassed
        self.auditLabels = auditLabels
        self.localPath = localPath
    }

    public init(position: Int, _ image: ResultImage) {
        self.init(position: position, imageURL: image.imageURL, seed: image.seed, imageStatus: image.imageStatus,
                  auditPassed: image.auditPassed, auditLabels: image.auditLabels)
    }
}

/// A row of the history list: enough to draw it, nothing more.
public struct HistorySummary: Sendable, Equatable, Identifiable {
    public let id: Int
    public let createdAt: Date
    public let endpoint: Endpoint
    public let idTask: String
    public let serviceTaskID: String?
    public let prompt: String
    public let model: String
    public let state: SubmissionState
    public let progress: Double?
    /// The images the request asked for, and the image results the task returned.
    public let imageCount: Int
    public let resultCount: Int
    /// The sweep the row was sent in (migration 5), and how many rows the
    /// history holds of it; nil and 0 for a single send.
    public var batchID: String? = nil
    public var batchSize: Int = 0
    /// What the list shows: the prompt, else a tool's main input (Request.headline, issue 19).
    public var headline: String = ""
    /// The row's headline on one line, as the screen's history and `zqt
    /// history list` show it alike (a tool's row had an empty prompt column in the list).
    public var listedText: String { String(listedCharacters) }
    /// `listedText` read only as far as its reader wants: a row of the
    /// screen's list shows a line of a prompt that may hold kilobytes.
    public var listedCharacters: ListedCharacters { ListedCharacters(headline.isEmpty ? prompt : headline) }
    /// The user stopped following its task (migration 11, issue 19).
    public var notFollowed = false
    /// The profile it was sent with: a sweep over several servers says which made each row (issue 20).
    public var profile = ""
    /// Of the results, the ControlNet maps an A1111 server added (issue 20,
    /// A1111ResultKinds): kept beside the pictures, not counted among them.
    public var controlMapCount = 0

    /// The pictures made: the results, less the control maps.
    public var pictureCount: Int { max(0, resultCount - controlMapCount) }
}

/// A text's lines joined by one space each (a run of line breaks, or one at
/// either end, gives no empty line), a character at a time. The screen's
/// list reads a line's width of each row (issue 18: splitting and joining
/// each visible row's whole 2 KB prompt, twice a row in each frame, then
/// measuring all of it to cut it, was most of a filter key's frame at a
/// million rows).
public struct ListedCharacters: Sequence {
    let text: String

    init(_ text: String) { self.text = text }

    public var isEmpty: Bool {
        var characters = makeIterator()
        return characters.next() == nil
    }

    public func makeIterator() -> Iterator { Iterator(base: text.makeIterator()) }

    public struct Iterator: IteratorProtocol {
        var base: String.Iterator
        var started = false
        /// The character after a line break, given after the space that stands for it.
        var held: Character?

        public mutating func next() -> Character? {
            if let character = held {
                held = nil
                return character
            }
            var afterBreak = false
            while let character = base.next() {
                if character.isNewline {
                    afterBreak = true
                    continue
                }
                if afterBreak, started {
                    held = character
                    return " "
                }
                started = true
                return character
            }
            return nil
        }
    }
}

/// Everything kept of one submission.
public struct HistoryRecord: Sendable, Equatable, Identifiable {
    public let id: Int
    public let endpoint: Endpoint
    public let baseURL: String
    public let profile: String
    public let createdAt: Date
    public let idTask: String
    public var serviceTaskID: String?
    /// Exactly the JSON sent, except that an image field's local path stays a
    /// path here (its URL is in the row's uploads, issue 17). Credentials
    /// travel in headers and are never stored.
    public let requestJSON: String
    public var state: SubmissionState
    public var httpStatus: Int?
    public var responseJSON: String?
    public var taskStatus: Int?
    public var taskDesc: String?
    public var progress: Double?
    /// The last task query's `data`, as JSON.
    public var lastQueryJSON: String?
    public var error: String?
    /// When the service's answer to the submit arrived.
    public var submittedAt: Date?
    /// When the task reached a terminal status, or the send failed.
    public var finishedAt: Date?
    public var results: [StoredResult]
    /// The sweep the row was sent in (migration 5); nil for a single send.
    public var batchID: String? = nil

    /// When the task began at the service, as near as is known: its month
    /// picks the task query (wire rule 8).
    public var taskStartedAt: Date { submittedAt ?? createdAt }

    /// The request as zqt reads it back (tolerant; never fails on stored JSON).
    public var request: Request {
        Request(endpoint: endpoint, body: (try? JSONParser.parse(requestJSON)) ?? .object([]))
    }

    public var imageResults: [StoredResult] { results.filter { !$0.isText } }
    public var textResults: [String] { results.compactMap(\.text) }
}

/// The rows a filter shows first and how many match (HistoryStore.firstMatches, issue 18).
public struct HistoryMatches: Sendable, Equatable {
    public let rows: [HistorySummary]
    /// Matches found: every match when `searchedAll`, else at least this many.
    public let matched: Int
    public let searchedAll: Bool
    /// Where a search for more takes up (HistoryStore.firstMatches' `after`):
    /// the filter, the ids found, newest first, and the history's
    /// `data_version` they were read at, on which filter connection.
    var filter = ""
    var found: [Int] = []
    var version: Int?
    var connection = 0

    public init(rows: [HistorySummary], matched: Int, searchedAll: Bool) {
        self.rows = rows
        self.matched = matched
        self.searchedAll = searchedAll
    }

    /// The same answer: where a search would take up is not part of it.
    public static func == (lhs: HistoryMatches, rhs: HistoryMatches) -> Bool {
        lhs.rows == rhs.rows && lhs.matched == rhs.matched && lhs.searchedAll == rhs.searchedAll
    }
}
