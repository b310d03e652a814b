// The service's model lists, which feed the compose form's pickers:
// checkpoints (zhiqite-api.md §1.4, documented), LoRAs (§1.5), VAEs (§1.6)
// and embeddings (§1.7), whose paths and row fields the docs do not give
// (inferred: paged like §1.4 under sd/v2/). Each list is read page by page
// to its end, with limits a hostile or broken service cannot get round.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Which list: its default path and the row fields that name an item.
public enum ModelListKind: String, CaseIterable, Sendable, Hashable, Codable {
    case checkpoint
    case lora
    case vae
    case embedding
    // An A1111 server's lists of choices (issue 20): the service has none of
    // these, so they are read only from an A1111 server (A1111ModelLists).
    case sampler
    case scheduler
    case upscaler
    case controlNetModule = "controlnet_module"
    case controlNetModel = "controlnet_model"

    /// A list only an A1111 server serves.
    public var isA1111Only: Bool { [.sampler, .scheduler, .upscaler, .controlNetModule, .controlNetModel].contains(self) }

    /// The lists a kind of server serves, in the order they are read.
    public static func kinds(for server: ServerKind) -> [ModelListKind] {
        server == .a1111 ? allCases : allCases.filter { !$0.isA1111Only }
    }

    /// The path under `/AIGCImgOpenServ/saas/`. Only §1.4's is documented;
    /// the others are inferred from it (§1.5–§1.7) and can be set (ModelListPaths).
    public var defaultPath: String {
        switch self {
        case .checkpoint: return Endpoint.Query.modelList
        case .lora: return "sd/v2/queryLoraList"
        case .vae: return "sd/v2/queryVaeList"
        case .embedding: return "sd/v2/queryEmbeddingList"
        // Never asked of the service (kinds(for:)); the A1111 server's path stands in.
        case .sampler, .scheduler, .upscaler, .controlNetModule, .controlNetModel: return A1111ModelLists.path(for: self)
        }
    }

    /// The environment variable that sets this list's path (read in ModelListPaths only).
    public var pathVariable: String? {
        switch self {
        case .checkpoint: return nil
        case .lora: return "ZQT_LORA_LIST_PATH"
        case .vae: return "ZQT_VAE_LIST_PATH"
        case .embedding: return "ZQT_EMBEDDING_LIST_PATH"
        case .sampler, .scheduler, .upscaler, .controlNetModule, .controlNetModel: return nil
        }
    }

    /// Row fields holding the value the request carries, first found wins.
    /// §1.4 names `sdModelCheckpoint`; §1.5 says prompts use the LoRA list's
    /// `sdLoraFileSimplifyName` (inferred); the rest are plausible guesses in
    /// the same naming style, then generic keys.
    public var nameKeys: [String] {
        switch self {
        case .checkpoint: return ["sdModelCheckpoint", "modelCheckpoint", "name"]
        case .lora: return ["sdLoraFileSimplifyName", "sdLoraFileName", "sdLoraName", "loraName", "name", "fileName"]
        case .vae: return ["sdVae", "sdVaeName", "sdVaeFileName", "vaeName", "name", "fileName"]
        case .embedding: return ["sdEmbeddingName", "sdEmbeddingFileSimplifyName", "embeddingName", "name", "fileName"]
        case .sampler, .scheduler, .upscaler, .controlNetModule, .controlNetModel: return ["name"]
        }
    }

    /// Row fields with a name for people (§1.4 `sdModelName`; the others inferred).
    public var displayKeys: [String] {
        switch self {
        case .checkpoint: return ["sdModelName"]
        case .lora: return ["sdLoraName", "loraName", "displayName", "title"]
        case .vae: return ["sdVaeName", "vaeName", "displayName", "title"]
        case .embedding: return ["sdEmbeddingName", "embeddingName", "displayName", "title"]
        case .sampler, .scheduler, .upscaler, .controlNetModule, .controlNetModel: return ["displayName"]
        }
    }

    /// Row fields naming the base family (§1.4 `modelBaseModel`: "SD 1.5").
    public static let baseKeys = ["modelBaseModel", "baseModel", "sdBaseModel", "loraBaseModel"]
}

/// Where each list is asked for: a path set by the user (a catalog file's
/// `[kind: path]`, or ZQT_*_LIST_PATH), else the default. Paths are relative
/// to `/AIGCImgOpenServ/saas/`; a full one is accepted and trimmed.
public struct ModelListPaths: Sendable, Equatable {
    public private(set) var paths: [ModelListKind: String]
    /// Which kinds were set, and where from ("ZQT_LORA_LIST_PATH"), for messages.
    public private(set) var sources: [ModelListKind: String]

    /// `overrides` (a catalog file) first, then the environment, which wins:
    /// a variable is what a user sets for one run.
    public init(overrides: [ModelListKind: String] = [:], environment: [String: String] = [:], overrideSource: String = "the catalog") {
        paths = [:]
        sources = [:]
        for kind in ModelListKind.allCases {
            if let path = overrides[kind].flatMap(Self.clean) {
                paths[kind] = path
                sources[kind] = overrideSource
            }
            if let variable = kind.pathVariable, let path = environment[variable].flatMap(Self.clean) {
                paths[kind] = path
                sources[kind] = variable
            }
        }
    }

    /// The one place the environment is read for list paths.
    public static func fromEnvironment(overrides: [ModelListKind: String] = [:]) -> ModelListPaths {
        ModelListPaths(overrides: overrides, environment: ProcessInfo.processInfo.environment)
    }

    public func path(for kind: ModelListKind) -> String { paths[kind] ?? kind.defaultPath }

    /// A usable relative path, or nil (empty, or with characters no path has).
    static func clean(_ raw: String) -> String? {
        var path = raw.trimmed
        if path.hasPrefix(Endpoint.pathPrefix) { path.removeFirst(Endpoint.pathPrefix.count) }
        while path.hasPrefix("/") { path.removeFirst() }
        guard !path.isEmpty, path.utf8.count <= 200,
              path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "?" && $0 != "#" }) else { return nil }
        return path
    }
}

/// One item of a list: the value the request carries, and what is shown beside it.
public struct ModelItem: Sendable, Equatable, Hashable {
    /// Sent as it is (`sd_model_checkpoint`, `sd_vae`, the `<lora:NAME:1>` token).
    public let name: String
    /// For people ("Photon"); empty when the row has none.
    public let displayName: String
    /// The base family as the service wrote it ("SD 1.5", "SDXL 1.0"); empty when unknown.
    public let baseModel: String

    public init(name: String, displayName: String = "", baseModel: String = "") {
        self.name = name
        self.displayName = displayName
        self.baseModel = baseModel
    }

    /// Longest name taken from the service; longer ones are not model names.
    public static let maxNameLength = 256
    static let maxLabelLength = 80

    /// The item a row describes, or nil when it names none usable.
    public init?(row: JSONValue, kind: ModelListKind) {
        guard row.objectValue != nil else { return nil }
        func text(_ keys: [String]) -> String? {
            for key in keys {
                if let value = row[key]?.stringValue?.trimmed, !value.isEmpty { return value }
            }
            return nil
        }
        guard let name = text(kind.nameKeys) else { return nil }
        self.init(checkedName: name, display: text(kind.displayKeys), base: text(ModelListKind.baseKeys))
    }

    /// An item from text read outside (the service, the cache). A name with
    /// a control character, or too long to be a model's, is refused whole:
    /// it would go into a prompt or the request as it is. Labels only shown
    /// are made printable and shortened.
    public init?(checkedName name: String, display: String?, base: String?) {
        guard !name.isEmpty, name.count <= Self.maxNameLength,
              !name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else { return nil }
        func label(_ value: String?) -> String {
            let clean = TerminalText.printable(value ?? "").replacing("\n", with: " ").replacing("\t", with: " ").trimmed
            return clean.count > Self.maxLabelLength ? String(clean.prefix(Self.maxLabelLength - 1)) + "…" : clean
        }
        self.name = name
        let shown = label(display)
        displayName = shown == name ? "" : shown
        baseModel = label(base)
    }

    /// The family of its base ("SD 1.5" → sd15), or from its name when the base is unknown.
    public var family: ModelFamily {
        let fromBase = ModelFamily(baseModel: baseModel)
        return fromBase != .unknown ? fromBase : ModelFamily(modelName: name)
    }
}

/// A list as read, and when.
public struct ModelList: Sendable, Equatable {
    public var kind: ModelListKind
    public var items: [ModelItem]
    public var fetchedAt: Date
    /// The path it was read from.
    public var path: String
    /// False when reading stopped at a limit before the service's total.
    public var complete: Bool

    public init(kind: ModelListKind, items: [ModelItem], fetchedAt: Date, path: String, complete: Bool = true) {
        self.kind = kind
        self.items = items
        self.fetchedAt = fetchedAt
        self.path = path
        self.complete = complete
    }
}

/// Base families, to tell which ControlNet models fit a checkpoint.
public enum ModelFamily: String, Sendable, Equatable {
    case sd15 = "SD 1.5"
    case sd2 = "SD 2"
    case sdxl = "SDXL"
    case sd3 = "SD 3"
    case flux = "Flux"
    case unknown = ""

    /// From a base as the service writes it: "SD 1.5", "SDXL 1.0", "Pony", "Flux.1 D".
    public init(baseModel: String) {
        let base = baseModel.lowercased().replacing(" ", with: "").replacing("_", with: "").replacing("-", with: "")
        if base.contains("xl") || base.contains("pony") || base.contains("illustrious") {
            self = .sdxl
        } else if base.contains("flux") {
            self = .flux
        } else if base.contains("sd1") || base == "1.5" || base.contains("v1.5") {
            self = .sd15
        } else if base.contains("sd2") {
            self = .sd2
        } else if base.contains("sd3") {
            self = .sd3
        } else {
            self = .unknown
        }
    }

    /// From a file name's markers: ControlNet models carry `sd15`, `sdxl`,
    /// `xl` (`diffusers_xl_canny_full`, `kohya_controllllite_xl_…`), `flux`.
    /// A name with none of them is unknown, not guessed.
    public init(modelName: String) {
        let name = modelName.lowercased()
        let words = name.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        if words.contains(where: { $0 == "xl" || $0.hasPrefix("sdxl") || $0.count > 2 && $0.hasSuffix("xl") }) {
            self = .sdxl
        } else if name.contains("flux") {
            self = .flux
        } else if words.contains(where: { $0.hasPrefix("sd15") || $0 == "v15" || $0.hasPrefix("sd1") }) || name.contains("sd15") {
            self = .sd15
        } else if words.contains(where: { $0.hasPrefix("sd21") || $0.hasPrefix("sd2") }) {
            self = .sd2
        } else if name.contains("sd3") {
            self = .sd3
        } else {
            self = .unknown
        }
    }
}

/// Reading a paged list to its end (§1.4: `pageSize`, 1-based `pageNum`;
/// answer `data.rows` and `data.total`).
public enum ModelListReader {
    public static let pageSize = 100
    /// At most this many pages (10,000 items at 100 a page): a service whose
    /// pages never end, or whose total lies, cannot keep zqt reading for ever.
    public static let maxPages = 100
    public static let maxItems = 10_000

    /// Asks for pages until the total is reached, a page comes back empty,
    /// a page repeats the one before (a service that ignores `pageNum`), or a
    /// limit is hit. Items are kept once each, in the service's order.
    public static func readAll(kind: ModelListKind, path: String, now: @Sendable () -> Date = Date.init,
                               pageSize: Int = pageSize, maxPages: Int = maxPages, maxItems: Int = maxItems,
                               page: (_ pageNum: Int, _ pageSize: Int) async throws(APIError) -> JSONValue) async throws(APIError) -> ModelList {
        var items: [ModelItem] = []
        var seen = Set<String>()
        var previousNames: [String]?
        var rowsRead = 0
        var complete = false
        for pageNum in 1...max(1, maxPages) {
            guard let decoded = Page(data: try await page(pageNum, pageSize), kind: kind, pageSize: pageSize) else {
                throw .unexpectedResponse("\(path) answered without a data object")
            }
            if decoded.rowCount == 0 {
                complete = true
                break
            }
            rowsRead += decoded.rowCount
            let pageItems = decoded.items
            let names = pageItems.map(\.name)
            if names == previousNames { complete = true; break }
            previousNames = names
            for item in pageItems where seen.insert(item.name).inserted {
                items.append(item)
                if items.count >= maxItems { break }
            }
            if items.count >= maxItems { break }
            // Rows read so far against the total, not pages times pageSize: a
            // service may give fewer rows a page than asked. One that lies high ends at maxPages.
            if let total = decoded.total, rowsRead >= total {
                complete = true
                break
            }
            if decoded.total == nil, decoded.rowCount < pageSize {
                complete = true
                break
            }
        }
        return ModelList(kind: kind, items: items, fetchedAt: now(), path: path, complete: complete)
    }

    /// One page's `data` as read: how many rows it held, the usable items
    /// (at most ten pages' worth: a page of a million rows is not read whole),
    /// and its total. A total that is missing, negative or not a whole number
    /// is no total.
    public struct Page: Sendable, Equatable {
        public let rowCount: Int
        public let items: [ModelItem]
        public let total: Int?

        /// nil when `data` is not an object. Rows may sit under `rows` (§1.4)
        /// or, on the undocumented lists, `list` or `records`.
        public init?(data: JSONValue, kind: ModelListKind, pageSize: Int) {
            guard data.objectValue != nil else { return nil }
            let rows = (data["rows"] ?? data["list"] ?? data["records"])?.arrayValue ?? []
            rowCount = rows.count
            items = rows.prefix(max(pageSize, 1) * 10).compactMap { ModelItem(row: $0, kind: kind) }
            total = data["total"].flatMap(WireCoding.integer).flatMap { $0 >= 0 ? $0 : nil }
        }
    }
}

extension ClientConfiguration {
    /// Whose lists the cache holds: the service and the account, as LoRAs an
    /// account trained (§3) are its own. The access key id is no secret; the
    /// in-process sandbox's port changes each run, so it is one service.
    /// The screen and `zqt models` read the same rows through this.
    public var modelListCacheKey: String {
        let service = profile == "sandbox" && baseURL.hasPrefix("http://127.0.0.1:") ? "sandbox" : baseURL
        return service + " " + (credentials?.accessKeyID ?? "")
    }
}
