// What a family decides about a task (issue 7): which query follows it and
// how its answer reads. SD follows wire rules 8–9; tools follow §2.3 with
// the status rule below; training has no documented query (§3.2).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What one family of endpoints does after the send: where the client's
/// task id goes, which query follows a task, and how an answer reads. The
/// send pipeline, the poller, the catalog and the history ask a family only
/// through this protocol, so a new family (another server's API, say) is one
/// type conforming to it and one line in FamilyFollowUps.all
/// (docs/dev/architecture.md, "Adding a family").
public protocol FamilyFollowUp: Sendable {
    /// The name catalogs, the custom request's form and the history use.
    var name: String { get }
    /// The first path segment that names the family (wire rule 8).
    var pathPrefix: String { get }
    /// Whether each endpoint of the family carries a code of its own (a tool's toolCode, §2.3).
    var needsCode: Bool { get }
    /// Where the client's task id goes when the endpoint names no field for it (wire rule 8, §A5).
    var taskIDPath: String { get }
    /// The code a path gives, or nil when this family's paths carry none.
    func code(ofPath id: String) -> String?
    /// A one-word name for the command line when the catalog gives none.
    func shortName(endpointID id: String, code: String?) -> String
    /// The query that asks where a task stands, or nil when the family documents none.
    func queryPath(code: String?, submittedAt: Date, version: QueryVersion?) -> String?
    /// A finished task already carried by the submit answer's `data`.
    func finishedTask(inSubmitData data: JSONValue, family: Family, result: ResultKind) -> TaskInfo?
    /// A query answer's `data` read: `status` is its whole-number status, when it has one.
    func read(_ data: JSONValue, status: Int?, result: ResultKind) -> TaskReading
    /// Whether the send's own answer carries the finished task after a call as long as the job (issue 20).
    var answersWhenDone: Bool { get }
}

extension FamilyFollowUp {
    /// Whether the send's own answer carries the finished task, after a call
    /// that lasts as long as the job (an A1111 server, issue 20): nothing is
    /// followed afterwards, and while the call runs its progress is asked
    /// for (LiveProgressAPI). The service's families answer at once.
    public var answersWhenDone: Bool { false }
}

/// What a family reads from a task's answer (TaskInfo adds what every family shares).
public struct TaskReading: Sendable, Equatable {
    public let desc: String
    public let results: [ResultImage]
    public let texts: [String]
    public let phase: TaskPhase

    public init(desc: String, results: [ResultImage], texts: [String], phase: TaskPhase) {
        self.desc = desc
        self.results = results
        self.texts = texts
        self.phase = phase
    }
}

/// Every family zqt knows.
public enum FamilyFollowUps {
    public static let all: [any FamilyFollowUp] = [SDFollowUp(), ToolFollowUp(), TrainingFollowUp(), A1111FollowUp()]

    public static var names: [String] { all.map(\.name) }

    /// "sd, tool or training", for messages.
    public static var namesInWords: String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }

    public static func named(_ name: String) -> (any FamilyFollowUp)? {
        all.first { $0.name == name }
    }
}

extension Family {
    /// Whether its tasks can be asked about: training's cannot (§3.2 documents no query).
    public var hasTaskQuery: Bool { queryPath(submittedAt: Date(timeIntervalSince1970: 0)) != nil }

    /// The query path for a task, or nil when the family has none.
    public func queryPath(submittedAt: Date, version: QueryVersion? = nil) -> String? {
        followUp.queryPath(code: code, submittedAt: submittedAt, version: version)
    }

    /// Whether a submit answer already carries the finished task.
    public func finishedTask(inSubmitData data: JSONValue?, result: ResultKind = .images) -> TaskInfo? {
        guard let data, data.objectValue != nil else { return nil }
        return followUp.finishedTask(inSubmitData: data, family: self, result: result)
    }
}

/// Stable Diffusion (zhiqite-api.md §1): `alwayson_scripts.id_task`, queryTaskInfo
/// v2 or v1 by the task's month (wire rule 8), statuses as wire rule 9 reads them.
struct SDFollowUp: FamilyFollowUp {
    let name = "sd"
    let pathPrefix = "sd/"
    let needsCode = false
    let taskIDPath = "alwayson_scripts.id_task"

    func code(ofPath id: String) -> String? { nil }

    func shortName(endpointID id: String, code: String?) -> String {
        String(id.split(separator: "/").last ?? Substring(id)).lowercased()
    }

    func queryPath(code: String?, submittedAt: Date, version: QueryVersion?) -> String? {
        (version ?? QueryVersion.forTask(submittedAt: submittedAt)).path
    }

    /// SD answers never carry the finished task (wire rule 8).
    func finishedTask(inSubmitData data: JSONValue, family: Family, result: ResultKind) -> TaskInfo? { nil }

    func read(_ data: JSONValue, status: Int?, result: ResultKind) -> TaskReading {
        TaskReading(desc: data["desc"]?.stringValue ?? "",
                    results: data["differentialImageRspList"]?.arrayValue?.map(ResultImage.init) ?? [],
                    texts: [], phase: TaskPhase(status: status ?? -1))
    }
}

/// An image tool (§4): `businessTaskId`, `tool/{toolCode}/queryTask` (§2.3),
/// its answer read as ToolTaskReading says.
struct ToolFollowUp: FamilyFollowUp {
    let name = "tool"
    let pathPrefix = "tool/"
    let needsCode = true
    let taskIDPath = "businessTaskId"

    /// The toolCode is the rest of the path, slashes included (§A12).
    func code(ofPath id: String) -> String? {
        id.hasPrefix(pathPrefix) ? String(id.dropFirst(pathPrefix.count)) : nil
    }

    func shortName(endpointID id: String, code: String?) -> String {
        (code ?? id).replacing("/", with: "-").lowercased()
    }

    func queryPath(code: String?, submittedAt: Date, version: QueryVersion?) -> String? {
        Endpoint.Query.tool(code ?? "")
    }

    /// A tool may answer with its result at once (prompt expansion §4.10;
    /// Flux §4.1's example has `outputImageUrl` too).
    func finishedTask(inSubmitData data: JSONValue, family: Family, result: ResultKind) -> TaskInfo? {
        let info = TaskInfo(data: data, family: family, result: result)
        return info.hasResults ? info : nil
    }

    func read(_ data: JSONValue, status: Int?, result: ResultKind) -> TaskReading {
        let results = ToolTaskReading.images(data)
        let recognised = ToolTaskReading.texts(data)
        let texts = recognised.isEmpty && results.isEmpty && result == .data ? ToolTaskReading.answerText(data) : recognised
        let phase = ToolTaskReading.phase(status: status, hasResults: !results.isEmpty || !texts.isEmpty)
        let fallback: String
        switch phase {
        case .succeeded: fallback = "done"
        case .inProgress: fallback = status == nil ? "submitted" : "running"
        case .failed: fallback = "failed (status \(status ?? -1))"
        }
        return TaskReading(desc: data["desc"]?.stringValue ?? data["msg"]?.stringValue ?? fallback,
                           results: results, texts: texts, phase: phase)
    }
}

/// LoRA training (§3): `taskId`; §3.2 documents no query, so its tasks are
/// sent and kept, never followed. An answer, should one come, reads as SD's.
struct TrainingFollowUp: FamilyFollowUp {
    let name = "training"
    let pathPrefix = "modelTraining/"
    let needsCode = false
    let taskIDPath = "taskId"

    func code(ofPath id: String) -> String? { nil }
    func shortName(endpointID id: String, code: String?) -> String { name }
    func queryPath(code: String?, submittedAt: Date, version: QueryVersion?) -> String? { nil }
    func finishedTask(inSubmitData data: JSONValue, family: Family, result: ResultKind) -> TaskInfo? { nil }

    func read(_ data: JSONValue, status: Int?, result: ResultKind) -> TaskReading {
        SDFollowUp().read(data, status: status, result: result)
    }
}

/// Reading a tool task's `data` (§2.3, inferred: the tool envelope
/// `{taskId, businessTaskId, status, outputImageUrl, …}`).
///
/// Tool status values are undocumented (§A6: 1 on a finished Flux task, 0 on
/// a finished prompt expansion). zqt's rule: an answer that carries a result
/// is a success whatever its status; without one, 0, 1 and 3 are still in
/// progress, 2 is a success with nothing to show, anything else failed, as
/// wire rule 9 reads SD statuses.
enum ToolTaskReading {
    static let imageKeys = ["outputImageUrl", "outputImageUrls", "outputImageUrlList", "imageUrl", "imageUrls", "images"]
    static let textKeys = ["prompts", "caption", "text", "style", "styles", "result"]

    static func images(_ data: JSONValue) -> [ResultImage] {
        var urls: [String] = []
        for key in imageKeys {
            switch data[key] {
            case let .string(url)? where !url.isEmpty: urls.append(url)
            case let .array(items)?: urls += items.compactMap { $0.stringValue ?? $0["url"]?.stringValue ?? $0["image_url"]?.stringValue }
            default: break
            }
        }
        return urls.filter { !$0.isEmpty }.map { ResultImage(imageURL: $0) }
    }

    static func texts(_ data: JSONValue) -> [String] {
        var texts: [String] = []
        for key in textKeys {
            switch data[key] {
            case let .string(text)? where !text.isEmpty: texts.append(text)
            case let .array(items)?: texts += items.compactMap(\.stringValue).filter { !$0.isEmpty }
            default: break
            }
        }
        return texts
    }

    /// The members every tool answer carries, result or not (§2.3, §4.1, §4.7).
    static let bookkeepingKeys: Set<String> = ["taskId", "task_id", "id_task", "businessTaskId", "status", "desc", "msg"]

    /// A `.data` tool's answer (face detection, §4.9, whose response the
    /// reference never shows): once it holds anything beyond the bookkeeping
    /// members, the whole `data` as the service returned it, pretty JSON,
    /// kept as one text so the history keeps it too. Nothing is dropped.
    static func answerText(_ data: JSONValue) -> [String] {
        let members = data.objectValue ?? []
        let carriesAnswer = members.contains { key, value in
            guard !bookkeepingKeys.contains(key) else { return false }
            switch value {
            case .null: return false
            case let .string(text): return !text.isEmpty
            case let .array(items): return !items.isEmpty
            case let .object(inner): return !inner.isEmpty
            default: return true
            }
        }
        return carriesAnswer ? [JSONWriter.pretty(data)] : []
    }

    static func phase(status: Int?, hasResults: Bool) -> TaskPhase {
        if hasResults { return .succeeded }
        switch status {
        case nil, 0?, 1?, 3?: return .inProgress
        case 2?: return .succeeded
        default: return .failed
        }
    }
}

/// An AUTOMATIC1111-compatible server (issue 20): the call answers when the
/// job is done, with its images inline (A1111Answer turned them into
/// `a1111-inline:` URLs) and `info`; there is no task to ask about after.
/// zqt's own id stands for the task (`force_task_id` is where A1111 1.7+
/// takes a client's id; older servers ignore it).
struct A1111FollowUp: FamilyFollowUp {
    let name = "a1111"
    let pathPrefix = "sdapi/"
    let needsCode = false
    let taskIDPath = "force_task_id"
    var answersWhenDone: Bool { true }

    func code(ofPath id: String) -> String? { nil }

    func shortName(endpointID id: String, code: String?) -> String {
        String(id.split(separator: "/").last ?? Substring(id)).lowercased()
    }

    func queryPath(code: String?, submittedAt: Date, version: QueryVersion?) -> String? { nil }

    /// The answer is the finished task: pictures, or a text (interrogate's caption, PNG Info's parameters).
    func finishedTask(inSubmitData data: JSONValue, family: Family, result: ResultKind) -> TaskInfo? {
        guard data["status"] == nil else { return TaskInfo(data: data, family: family, result: result) }
        var members = data.objectValue ?? []
        members.append((key: "status", value: .int(2)))
        return TaskInfo(data: .object(members), family: family, result: result)
    }

    func read(_ data: JSONValue, status: Int?, result: ResultKind) -> TaskReading {
        // A progress answer (A1111JobWatch) is a running task.
        if status == 1 {
            return TaskReading(desc: data["desc"]?.stringValue ?? "generating", results: [], texts: [], phase: .inProgress)
        }
        // `info` read once (A1111AnswerFacts): the grid A1111's return_grid puts first is left out,
        // each picture paired with its seed, the ControlNet extension's detected maps marked.
        let facts = A1111AnswerFacts(answer: data)
        var results: [ResultImage] = []
        if let images = data["images"]?.arrayValue {
            for (index, image) in images.enumerated() {
                let url = image.stringValue ?? ""
                switch facts.kind(ofImageAt: index) {
                case .grid: continue
                case .controlMap: results.append(ResultImage(imageURL: A1111ResultKinds.controlMapURL(url), seed: nil))
                case let .picture(_, seed): results.append(ResultImage(imageURL: url, seed: seed))
                }
            }
        } else if let image = data["image"]?.stringValue, InlineImages.isInline(image) {
            results.append(ResultImage(imageURL: image, seed: nil))
        }
        var texts: [String] = []
        for key in ["caption", "info"] {
            if let text = data[key]?.stringValue, !text.isEmpty { texts.append(text) }
        }
        let kept = results.filter { !$0.imageURL.isEmpty }
        let maps = kept.filter(\.isControlMap).count
        let made = kept.count - maps
        let notes = (data["zqt_notes"]?.arrayValue ?? []).compactMap(\.stringValue)
        let phase: TaskPhase = made > 0 || !texts.isEmpty ? .succeeded : .failed
        var desc: String
        if data[A1111Watch.interruptedKey]?.boolValue == true {
            desc = A1111ResultKinds.interruptedDesc(made: made, of: A1111ResultKinds.planned(data, facts: facts),
                                                    batchSize: A1111ResultKinds.batchSize(data),
                                                    elsewhere: data[A1111Watch.interruptedElsewhereKey]?.boolValue == true)
        } else {
            desc = made > 0 ? "done: \(made) picture\(made == 1 ? "" : "s")" : (texts.isEmpty ? "the server answered with no picture" : "done")
        }
        if maps > 0 { desc += " and \(maps) control map\(maps == 1 ? "" : "s")" }
        if !notes.isEmpty { desc += " (" + notes.joined(separator: "; ") + ")" }
        // Images with no picture in them (a batch interrupted early gives fewer) are not results.
        return TaskReading(desc: desc, results: kept, texts: texts, phase: phase)
    }
}
