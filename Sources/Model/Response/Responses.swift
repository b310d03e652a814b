// Typed responses: the envelope (wire rule 2), the submit answer, the task
// query (wire rules 8 and 9, zhiqite-api.md §2.1–2.2) and model list pages
// (§1.4). Reading is tolerant: a field of an unexpected type is left empty,
// never a crash, and the raw JSON is kept beside the typed value.


/// `{"code": "200", "msg": "...", "data": {...}}`.
public struct Envelope: Sendable, Equatable {
    public let code: String
    public let msg: String
    public let data: JSONValue?
    public let raw: JSONValue

    public var isSuccess: Bool { code == "200" }

    /// nil when the body is JSON but not an envelope.
    public init?(_ value: JSONValue) {
        guard value.objectValue != nil, let codeValue = value["code"] else { return nil }
        switch codeValue {
        case let .string(s): code = s
        case let .int(i): code = String(i)  // tolerated: the docs insist on a string
        default: return nil
        }
        msg = value["msg"]?.stringValue ?? ""
        data = value["data"]
        raw = value
    }
}

/// Reads a task id from any of the keys the service uses (wire rule 8, §A5).
public func readTaskID(in data: JSONValue?) -> String? {
    guard let data else { return nil }
    for key in ["task_id", "taskId", "id_task"] {
        switch data[key] {
        case let .string(s)?: return s
        case let .int(i)?: return String(i)
        default: continue
        }
    }
    return nil
}

/// The answer to a submit: the service's id for the task.
public struct SubmitResult: Sendable, Equatable {
    public let serviceTaskID: String?
    public let envelope: Envelope

    public init(serviceTaskID: String?, envelope: Envelope) {
        self.serviceTaskID = serviceTaskID
        self.envelope = envelope
    }
}

/// Task status codes (wire rule 9): 2 success; 0, 1, 3 in progress; others failed.
public enum TaskPhase: Sendable, Equatable {
    case inProgress
    case succeeded
    case failed

    public init(status: Int) {
        switch status {
        case 2: self = .succeeded
        case 0, 1, 3: self = .inProgress
        default: self = .failed
        }
    }

    public var isTerminal: Bool { self != .inProgress }
}

/// One result image (`differentialImageRspList[]`).
public struct ResultImage: Sendable, Equatable {
    public let imageURL: String
    public let seed: Int?
    /// 1 = ok.
    public let imageStatus: Int?
    public let auditPassed: Bool?
    public let auditLabels: [String]

    init(_ value: JSONValue) {
        imageURL = value["image_url"]?.stringValue ?? ""
        seed = value["seed"].flatMap(WireCoding.integer)
        imageStatus = value["image_status"].flatMap(WireCoding.integer)
        auditPassed = value["img_audit_status"]?.boolValue
        auditLabels = value["img_audit"]?.arrayValue?.compactMap { $0["label"]?.stringValue } ?? []
    }
}

extension ResultImage {
    /// A picture and the seed that made it (an A1111 answer's `info.all_seeds`, issue 20).
    init(imageURL: String, seed: Int?) {
        self.imageURL = imageURL
        self.seed = seed
        imageStatus = nil
        auditPassed = nil
        auditLabels = []
    }

    /// A tool's result: a URL and nothing else known.
    init(imageURL: String) {
        self.imageURL = imageURL
        seed = nil
        imageStatus = nil
        auditPassed = nil
        auditLabels = []
    }
}

/// What a task query says about a task: queryTaskInfo v1/v2 for SD (wire
/// rule 9), a tool's queryTask (§2.3, read as ToolTaskReading says).
public struct TaskInfo: Sendable, Equatable {
    public let taskID: String?
    /// -1 when the answer has none.
    public let status: Int
    /// Shown as the service wrote it (wire rule 9).
    public let desc: String
    /// 0…1 while running, from `temporaryImageDto`; nil when the service gave none.
    public let progress: Double?
    /// An intermediate preview, when the service offers one.
    public let previewURL: String?
    public let results: [ResultImage]
    /// Text results: expanded prompts, an image description, a style.
    public let texts: [String]
    public let phase: TaskPhase
    public let raw: JSONValue

    public var hasResults: Bool { !results.isEmpty || !texts.isEmpty }

    /// An SD query's `data` (wire rule 9).
    public init(data: JSONValue) {
        self.init(data: data, family: .sd)
    }

    /// A task's `data` read as its family says; `result` is what the endpoint
    /// answers (a `.data` tool's answer is its own result, ToolTaskReading).
    public init(data: JSONValue, family: Family, result: ResultKind = .images) {
        raw = data
        taskID = readTaskID(in: data)
        // A status that is not a whole number (1e300, "lots", true) is no
        // status zqt knows: read as -1, which fails the task (wire rule 9).
        let rawStatus = data["status"]
        let statusValue = rawStatus.flatMap(WireCoding.integer) ?? ((rawStatus == nil || rawStatus == .null) ? nil : -1)
        status = statusValue ?? -1
        let temp = data["temporaryImageDto"]
        progress = TaskInfo.readProgress(temp)
        previewURL = temp?["image_url"]?.stringValue ?? temp?["imageUrl"]?.stringValue
        let reading = family.followUp.read(data, status: statusValue, result: result)
        desc = reading.desc
        results = reading.results
        texts = reading.texts
        phase = reading.phase
    }

    /// `temporaryImageDto`'s fields are undocumented (§2.2): accept a
    /// fraction (`progress` 0…1) or a percentage (`percentage`, `percent`,
    /// or `progress` above 1, possibly as text such as "45%").
    static func readProgress(_ dto: JSONValue?) -> Double? {
        guard let dto, dto.objectValue != nil else { return nil }
        for key in ["progress", "percentage", "percent", "schedule"] {
            guard let value = dto[key] else { continue }
            var number = value.numberValue
            if number == nil, let text = value.stringValue {
                number = Double(text.replacing("%", with: "").trimmed)
                if let n = number, text.contains("%") { return min(max(n / 100, 0), 1) }
            }
            guard let n = number, n.isFinite else { continue }
            let fraction = (key == "progress" && n <= 1) ? n : n / 100
            return min(max(fraction, 0), 1)
        }
        return nil
    }
}

/// One checkpoint from queryModelList (§1.4).
public struct ModelRecord: Sendable, Equatable {
    public let id: Int?
    public let sdModelCheckpoint: String
    public let sdModelName: String
    public let baseModel: String?
    public let modelType: String?
    public let imageURL: String?

    init(_ value: JSONValue) {
        id = value["id"].flatMap(WireCoding.integer)
        sdModelCheckpoint = value["sdModelCheckpoint"]?.stringValue ?? ""
        sdModelName = value["sdModelName"]?.stringValue ?? ""
        baseModel = value["modelBaseModel"]?.stringValue
        modelType = value["modelType"]?.stringValue
        imageURL = value["modelImgUrl2"]?.stringValue
    }
}

public struct ModelListPage: Sendable, Equatable {
    public let rows: [ModelRecord]
    public let total: Int
    public let pageSize: Int
    public let pageNum: Int

    public init(data: JSONValue) {
        rows = data["rows"]?.arrayValue?.map(ModelRecord.init) ?? []
        total = data["total"].flatMap(WireCoding.integer) ?? rows.count
        pageSize = data["pageSize"].flatMap(WireCoding.integer) ?? rows.count
        pageNum = data["pageNum"].flatMap(WireCoding.integer) ?? 1
    }
}
