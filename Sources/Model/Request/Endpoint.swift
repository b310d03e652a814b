// The service paths zqt calls (zhiqite-api.md §1–2). Every path sits under
// `/AIGCImgOpenServ/saas/` and every call is a JSON POST (wire rule 1).

public enum Endpoint: String, CaseIterable, Sendable, Codable {
    case controlNet = "sd/v2/controlnet"
    case text2Image = "sd/v2/text2image"
    case image2Image = "sd/v2/image2image"
    case queryTaskInfoV2 = "sd/v2/queryTaskInfo"
    case queryTaskInfoV1 = "sd/queryTaskInfo"
    case queryModelList = "sd/v2/queryModelList"

    public static let pathPrefix = "/AIGCImgOpenServ/saas/"

    public var path: String { Endpoint.pathPrefix + rawValue }

    /// The SD generation endpoints, which take an `SDRequest`.
    public static let generation: [Endpoint] = [.controlNet, .text2Image, .image2Image]

    public init?(path: String) {
        guard path.hasPrefix(Endpoint.pathPrefix) else { return nil }
        self.init(rawValue: String(path.dropFirst(Endpoint.pathPrefix.count)))
    }

    /// A short name for status lines and history rows.
    public var title: String {
        switch self {
        case .controlNet: return "controlnet"
        case .text2Image: return "text2image"
        case .image2Image: return "image2image"
        case .queryTaskInfoV2: return "queryTaskInfo v2"
        case .queryTaskInfoV1: return "queryTaskInfo v1"
        case .queryModelList: return "queryModelList"
        }
    }
}
