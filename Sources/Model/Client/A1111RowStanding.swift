// What can be known of an A1111 row when asked about it (`zqt query ID`, `u`
// on the history screen; issue 20). An A1111 server has no task query: the
// generation call itself returns the answer, and the server keeps nothing
// to ask about afterwards. So the row's own state is the answer, except for
// a row still `sending`: then its sender (SenderMark) and the server's
// `/sdapi/v1/progress` say what is known. A row whose sender still waits is
// never changed; only a row whose sender is gone, on a server that is idle,
// is said lost (and kept as "outcome unknown", as a dropped call is).

public enum A1111RowStanding: Sendable, Equatable {
    /// What `/sdapi/v1/progress` said.
    public enum ServerSays: Sendable, Equatable {
        case idle
        case running(A1111Progress)
        case unreadable(String)
    }

    /// The row is closed: the call's answer (or its failure) is in it.
    case answered(SubmissionState, error: String?)
    /// A zqt still waits for the server's answer, and keeps it when it comes.
    case waiting(pid: Int32?, ServerSays)
    /// The zqt that sent it ended first, and the server runs a job (perhaps this one) or could not be asked;
    /// what the row asked of the server (A1111AskedJob), to tell its job from another one.
    case senderGone(ServerSays, asked: A1111AskedJob)
    /// The zqt that sent it ended first and the server is idle: the answer is lost (the row now says so);
    /// whether the request asked the server to save its pictures (A1111ServerCopies).
    case lost(serverSaves: Bool)
    /// No zqt marked the send (an older zqt sent it, or its call ended as it was asked): the row is left as it is.
    case unmarked(ServerSays)

    /// A row no longer `sending`: its own state is all there is to know (nothing to ask the server).
    public static func closed(_ row: HistoryRecord) -> A1111RowStanding? {
        row.state == .sending ? nil : .answered(row.state, error: row.state == .succeeded ? nil : row.error)
    }

    /// The state a script reads (`zqt query`'s second column).
    public var state: SubmissionState {
        switch self {
        case let .answered(state, _): return state
        case .lost: return .unknown
        case .waiting, .senderGone, .unmarked: return .sending
        }
    }

    /// The server's fraction done, when a job runs.
    public var fraction: Double? {
        switch self {
        case let .waiting(_, .running(progress)), let .senderGone(.running(progress), _), let .unmarked(.running(progress)):
            return progress.fraction
        default: return nil
        }
    }

    /// Whether the row ended badly (`zqt query` exits 1).
    public var isFailure: Bool {
        switch self {
        case let .answered(state, _): return state.isFailure || state == .unknown
        case .lost: return true
        default: return false
        }
    }

    public static let noQuery = "an A1111 server answers with the call itself and keeps no task to ask about"
    public static func lostWords(serverSaves: Bool) -> String {
        "the answer was lost: the zqt that sent it ended before the server answered, and the server is idle now; "
            + A1111ServerCopies.words(serverSaves: serverSaves)
    }

    /// In A1111's terms, one line.
    public var words: String {
        switch self {
        case let .answered(state, error):
            let why = error.map { ": " + TerminalText.line($0) } ?? ""
            return "\(state.title)\(why) (\(Self.noQuery); the row is as its answer left it)"
        case let .waiting(pid, server):
            let who = pid.map { "a zqt (pid \($0))" } ?? "a zqt"
            return "\(who) is waiting for the server's answer and keeps it when it comes; " + Self.serverWords(server)
        case let .senderGone(.running(progress), asked):
            let gone = "the zqt that sent it ended before the server answered; "
            // A job of another step count is not this row's (newcomer20g finding 7: "perhaps this one" of a
            // 30-step job for a row that asked 10): this one waits in the server's queue or has run already.
            if let steps = progress.samplingSteps, steps > 0, let counts = asked.stepCounts, !counts.contains(steps) {
                return gone + "the server is running another job (\(Self.progressWords(progress))), not this one (it asked "
                    + "\(counts.map(String.init).joined(separator: " and ")) steps): this one may still wait in the server's queue, "
                    + "or have run already; its pictures will not reach zqt; " + A1111ServerCopies.words(serverSaves: asked.serverSaves)
            }
            return gone + "the server is running a job (\(Self.progressWords(progress))), perhaps this one: its pictures will not reach zqt; "
                + A1111ServerCopies.runningWords(serverSaves: asked.serverSaves)
        case let .senderGone(server, _):
            return "the zqt that sent it ended before the server answered; " + Self.serverWords(server)
        case let .lost(serverSaves):
            return Self.lostWords(serverSaves: serverSaves)
        case let .unmarked(server):
            return "sent by a zqt that does not say whether it still waits for the answer (older than this one); the row is left as it is; "
                + Self.serverWords(server)
        }
    }

    static func progressWords(_ progress: A1111Progress) -> String {
        progress.desc + ", \(Int(exactly: (progress.fraction * 100).rounded()) ?? 0)%"
    }

    static func serverWords(_ server: ServerSays) -> String {
        switch server {
        case .idle: return "the server is idle (the job may wait in its queue, or be sending its answer)"
        case let .running(progress): return "the server: \(progressWords(progress))"
        case let .unreadable(why): return "the server's progress could not be read: \(TerminalText.line(why))"
        }
    }
}

/// Whether an A1111 server kept its own copy of a job's pictures: zqt sends
/// `save_images: false` on every request (A1111Translation.clientFlags), so
/// the server's outputs folder holds them only when the user turned "Save on
/// the server" on. Said when the answer, and so zqt's copy, was lost.
public enum A1111ServerCopies {
    public static func requested(_ body: JSONValue) -> Bool { body["save_images"]?.boolValue == true }

    /// Where the pictures of a job whose answer was lost are, if it ran.
    public static func words(serverSaves: Bool) -> String {
        serverSaves
            ? "if the job ran, its pictures are in the server's outputs folder (the request asked it to save them: save_images)"
            : "the server did not save its pictures (zqt sends save_images: false): send the request again"
    }

    /// The same, said while the server may still be running the job.
    public static func runningWords(serverSaves: Bool) -> String {
        serverSaves
            ? "the server keeps them in its outputs folder (the request asked it to save them: save_images)"
            : "the server will not save them either (zqt sent save_images: false)"
    }
}

/// What an A1111 row asked of the server, to tell its job from another one
/// the server runs (`/sdapi/v1/progress` says `sampling_steps`, not whose job
/// it is) and to say where its pictures could be.
public struct A1111AskedJob: Sendable, Equatable {
    /// The step counts the server's progress may show for this request: its
    /// `steps`, and the hi-res pass's (`hr_second_pass_steps`, or `steps` when
    /// 0); nil when they cannot be told from the body (img2img runs a share
    /// of `steps` set by the denoising strength; a body without `steps`).
    public let stepCounts: [Int]?
    /// Whether the request asked the server to keep its pictures (`save_images`).
    public let serverSaves: Bool

    public init(stepCounts: [Int]?, serverSaves: Bool) {
        self.stepCounts = stepCounts
        self.serverSaves = serverSaves
    }

    public init(_ body: JSONValue) {
        serverSaves = A1111ServerCopies.requested(body)
        guard body["init_images"] == nil, let steps = body["steps"].flatMap(WireCoding.integer), steps > 0 else {
            stepCounts = nil
            return
        }
        var counts = [steps]
        if body["enable_hr"]?.boolValue == true {
            let second = body["hr_second_pass_steps"].flatMap(WireCoding.integer) ?? 0
            let hires = second > 0 ? second : steps
            if hires != steps { counts.append(hires) }
        }
        stepCounts = counts
    }
}

extension SendPipeline {
    /// What is known of an A1111 row, its progress asked of `api` when it is
    /// still `sending`; a row whose sender is gone on an idle server is kept
    /// as "outcome unknown" with why (only while it is still `sending`).
    public func a1111Standing(of row: HistoryRecord) async -> A1111RowStanding {
        if let closed = A1111RowStanding.closed(row) { return closed }
        let sender = store.map { SenderMark.standing(idTask: row.idTask, history: $0.path) } ?? .unmarked
        func server() async -> A1111RowStanding.ServerSays {
            guard let live = api as? any LiveProgressAPI else { return .unreadable("this connection has no progress to ask") }
            do throws(APIError) {
                let progress = try await live.progress()
                return progress.isIdle ? .idle : .running(progress)
            } catch {
                return .unreadable(error.message)
            }
        }
        switch sender {
        case let .waiting(pid):
            return .waiting(pid: pid, await server())
        case .unmarked:
            return .unmarked(await server())
        case .gone:
            let says = await server()
            guard says == .idle, let store else { return .senderGone(says, asked: A1111AskedJob(row.request.body)) }
            let serverSaves = A1111ServerCopies.requested(row.request.body)
            // Asked again just before writing: a sender that kept its answer meanwhile wins.
            guard case .gone = SenderMark.standing(idTask: row.idTask, history: store.path),
                  (try? store.recordAnswerLost(id: row.id, error: A1111RowStanding.lostWords(serverSaves: serverSaves))) == true else {
                return .answered((try? store.record(id: row.id))??.state ?? row.state, error: nil)
            }
            SenderMark.forget(idTask: row.idTask, history: store.path)
            return .lost(serverSaves: serverSaves)
        }
    }
}
