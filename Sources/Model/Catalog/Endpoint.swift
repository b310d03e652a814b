#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// An endpoint as data: its path, group, family and fields in wire order
// (issue 7). Every endpoint zqt composes comes from the catalog
// (EndpointCatalog); no Swift names one endpoint's fields.

/// How a task is followed and read: a family's name and, where its
/// follow-up needs one, the code that tells one endpoint's tasks from
/// another's (a tool's toolCode, §2.3). What the family does (where the task
/// id goes, which query follows it, what its statuses mean) is its
/// FamilyFollowUp (TaskFamily.swift); a new family is a new follow-up.
public struct Family: Sendable, Hashable {
    public let name: String
    /// A tool's toolCode (§2.3); nil for families whose follow-up needs none.
    public let code: String?

    init(name: String, code: String? = nil) {
        self.name = name
        self.code = code
    }

    /// Stable Diffusion (zhiqite-api.md §1).
    public static let sd = Family(name: SDFollowUp().name)
    /// LoRA training (§3).
    public static let training = Family(name: TrainingFollowUp().name)
    /// An AUTOMATIC1111-compatible server's endpoint (issue 20).
    public static let a1111 = Family(name: A1111FollowUp().name)
    /// An image tool (§4) by its toolCode.
    public static func tool(code: String) -> Family { Family(name: ToolFollowUp().name, code: code) }

    /// A family by the name catalogs and the history use; the code is kept
    /// only where the family's follow-up needs one. Nil for a name no follow-up has.
    public static func named(_ name: String, code: String? = nil) -> Family? {
        guard let followUp = FamilyFollowUps.named(name) else { return nil }
        return Family(name: name, code: followUp.needsCode ? (code ?? "") : nil)
    }

    /// The toolCode of an image tool (§2.3), nil for any other family: for the
    /// code that serves or summarises zhiqite's tools themselves (the sandbox).
    public var toolCode: String? { name == ToolFollowUp().name ? code : nil }

    /// What the family does; every Family is made from a registered name.
    public var followUp: any FamilyFollowUp { FamilyFollowUps.named(name) ?? SDFollowUp() }
}

/// What a finished task gives back.
public enum ResultKind: String, Sendable, Hashable {
    case images
    /// Text such as an expanded prompt or an image description.
    case text
    /// An answer whose shape the reference does not show (face detection,
    /// §4.9): images and texts are read as for any tool; failing those, the
    /// task's `data` itself, as the service returned it, is the result.
    case data
    /// A trained model (§3); nothing zqt can show yet.
    case training
}

/// Where the code must find a field, whatever the endpoint calls it.
public enum FieldRole: String, Sendable, Hashable {
    case prompt
    case negativePrompt = "negative_prompt"
    case checkpoint
    case seed
    case taskID = "task_id"
    case inputImage = "input_image"
    case imageCount = "image_count"
    case width
    case height
    /// An item's on/off toggle, flipped by the group's on/off command (ControlNet's `enabled`).
    case itemSwitch = "item_switch"
    /// A model whose choices are marked and chosen by the checkpoint's base (a ControlNet model).
    case fitsCheckpoint = "fits_checkpoint"
    /// A URL the service calls back (§0.5), not a picture: it never takes a local file.
    case callback
}

/// One value of a fixed choice: what is sent, and what the form shows.
public struct ChoiceOption: Sendable, Equatable {
    public let value: JSONValue
    public let label: String
    /// Other values read as this one (wire rule 5: a ControlNet unit's
    /// `resize_mode: 1` from an older request is sent as its string).
    public let aliases: [JSONValue]

    public init(value: JSONValue, label: String, aliases: [JSONValue] = []) {
        self.value = value
        self.label = label
        self.aliases = aliases
    }
}

/// What kind of value a field holds, which decides how the form edits it,
/// how the wire writes it and how validation checks it.
public enum FieldKind: Sendable, Equatable {
    case text
    case multilineText(lines: Int)
    /// A whole number (`min`/`max` on the field bound it).
    case integer
    /// A number typed in.
    case number
    /// A number with a bar; `integer` values print without a fraction.
    case slider(SliderSpec, integer: Bool)
    case toggle
    /// A pick from fixed values; `freeText` also accepts anything typed.
    case choice([ChoiceOption], freeText: Bool)
    /// A pick from a list the service serves (queryModelList §1.4); any text is accepted.
    case modelChoice(list: String)
    case url
    case urlList
    /// A JSON object (override_settings, ADetailer).
    case jsonObject
    /// A repeated group of objects edited one at a time (ControlNet units),
    /// described by its catalog entry (GroupSpec.swift).
    case group(GroupSpec)
    /// A form-only field that writes several wire fields (width and height).
    case sizePreset([String])
    /// Form-only: the body's members no other field names, edited as one JSON
    /// object (a custom request's body; an endpoint whose page lists no fields, §4.11).
    case otherMembers(lines: Int)
    /// Form-only: a custom request's path, family or task id key (CustomEndpoint.swift).
    case endpointSetting(CustomEndpointSetting)

    /// Form-only: never written to the wire itself.
    public var isVirtual: Bool {
        switch self {
        case .sizePreset, .otherMembers, .endpointSetting: return true
        default: return false
        }
    }
}

extension FieldSpec {
    /// The group this field holds the items of, if it is a repeated group.
    public var groupSpec: GroupSpec? {
        if case let .group(spec) = kind { return spec }
        return nil
    }
}

public struct FieldSpec: Sendable, Equatable {
    /// Wire path: `prompt`, `alwayson_scripts.sd_vae`, `alwayson_scripts.controlnet.args`.
    public let path: String
    public let label: String
    /// The reference's description of the field.
    public let help: String
    /// Shown after the value, dim.
    public let hint: String
    public let kind: FieldKind
    public let required: Bool
    /// Written when the request has no value (a fresh form starts with it).
    public let defaultValue: JSONValue?
    /// An empty value (empty text, or none) is left out of the request.
    public let omitWhenEmpty: Bool
    /// A section heading drawn above this field.
    public let section: String?
    public let role: FieldRole?
    public let minimum: Double?
    public let maximum: Double?
    public let multipleOf: Int?
    /// Dimmed while this toggle's path is off (hi-res fields).
    public let dimmedUnless: String?
    /// Position in the form; nil: after the ordered ones, in wire order.
    public let formIndex: Int?
    /// Required by zqt's form though the reference does not mark it required
    /// (catalog `"required_by": "zqt"`): the sandbox, standing in for the
    /// service, does not refuse a body that leaves it out (issue 22).
    public let requiredByZqtOnly: Bool
    /// Shown in the form (a group item's field may be kept on the wire only).
    public let inForm: Bool
    /// Takes a picture inline as base64 as well as a URL or a local file
    /// (catalog `"inline_image": true`: an A1111 server's image fields, issue 20).
    public var inlineImage = false
    /// A choice whose options are, once read, the connected server's own
    /// list of this kind (an A1111 server's samplers, upscalers, ControlNet
    /// modules: issue 20); the catalog's options stand until then.
    public var serverList: ModelListKind?

    public init(path: String, label: String, help: String = "", hint: String = "", kind: FieldKind, required: Bool = false,
                defaultValue: JSONValue? = nil, omitWhenEmpty: Bool = false, section: String? = nil, role: FieldRole? = nil,
                minimum: Double? = nil, maximum: Double? = nil, multipleOf: Int? = nil, dimmedUnless: String? = nil,
                formIndex: Int? = nil, inForm: Bool = true, requiredByZqtOnly: Bool = false) {
        self.path = path
        self.label = label
        self.help = help
        self.hint = hint
        self.kind = kind
        self.required = required
        self.defaultValue = defaultValue
        self.omitWhenEmpty = omitWhenEmpty
        self.section = section
        self.role = role
        self.minimum = minimum
        self.maximum = maximum
        self.multipleOf = multipleOf
        self.dimmedUnless = dimmedUnless
        self.formIndex = formIndex
        self.inForm = inForm
        self.requiredByZqtOnly = requiredByZqtOnly
    }
}

public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// The path under `/AIGCImgOpenServ/saas/`, e.g. `sd/v2/controlnet`; also its key in history.
    public let id: String
    /// The reference's name ("sd controlnet").
    public let name: String
    /// A short name for the title line, status line and history rows.
    public let title: String
    /// The service's group: "AI image generation", "image tool", "train model".
    public let group: String
    public let family: Family
    public let result: ResultKind
    /// The section of zhiqite-api.md the form follows ("§1.3").
    public let reference: String
    /// Has a complete form; the switcher offers it.
    public let ready: Bool
    /// In wire order.
    public let fields: [FieldSpec]
    /// A one-word name for the command line, when the catalog gives one.
    let cliName: String?
    /// A custom request's endpoint (CustomEndpoint.swift): a path the user
    /// typed, not a catalog entry; its form edits the path and the whole body.
    public let isCustom: Bool
    /// The kind of server that serves it (issue 20): the switcher offers an
    /// endpoint only for a profile of its kind.
    public let server: ServerKind

    /// Whether a request of this endpoint may be sent to a server of that
    /// kind (issue 20): only to its own, whose paths it names (a zhiqite
    /// body at an A1111 server is a 404 at best). A custom request is no
    /// exception: its path is under /AIGCImgOpenServ/saas/ and its task id
    /// a zhiqite one, so it is the service's (an A1111 server answered it
    /// 404, issue 20 re-check). The one rule `zqt send` and the screen's
    /// F5 (form or history row) both apply.
    public func canBeSent(to server: ServerKind) -> Bool {
        self.server == server
    }

    public init(id: String, name: String, title: String, group: String, family: Family, result: ResultKind,
                reference: String, ready: Bool, fields: [FieldSpec], cliName: String? = nil, isCustom: Bool = false,
                server: ServerKind = .zhiqite) {
        self.cliName = cliName
        self.isCustom = isCustom
        self.server = server
        formFields = Endpoint.formOrder(fields)
        var positions: [String: Int] = [:]
        for (index, field) in fields.enumerated() where positions[field.path] == nil { positions[field.path] = index }
        fieldPositions = positions
        containerPaths = Set(fields.flatMap { Endpoint.containers(of: $0.path) })
        self.id = id
        self.name = name
        self.title = title
        self.group = group
        self.family = family
        self.result = result
        self.reference = reference
        self.ready = ready
        self.fields = fields
    }

    public static let pathPrefix = "/AIGCImgOpenServ/saas/"

    /// Under the service's prefix; an A1111 server's paths are its own (`/sdapi/v1/txt2img`, issue 20).
    public var path: String { server == .a1111 ? "/" + id : Endpoint.pathPrefix + id }
    public var description: String { title }

    public static func == (lhs: Endpoint, rhs: Endpoint) -> Bool { lhs.id == rhs.id && lhs.isCustom == rhs.isCustom }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(isCustom)
    }

    /// The key of its form among the forms kept aside and saved drafts: its
    /// id, or one slot for the custom request whatever path it names.
    public var formKey: String { isCustom ? CustomEndpoint.formKey : id }

    public func field(at path: String) -> FieldSpec? { fieldPositions[path].map { fields[$0] } }
    public func field(role: FieldRole) -> FieldSpec? { fields.first { $0.role == role } }

    /// The fields as the form lists them (sorted once, when the endpoint is read).
    public let formFields: [FieldSpec]
    /// Where each field is in `fields`, by wire path.
    private let fieldPositions: [String: Int]
    /// The objects the fields sit in (`alwayson_scripts`, `alwayson_scripts.controlnet`):
    /// the wire writes unknown members inside them after the known ones.
    public let containerPaths: Set<String>

    /// The repeated groups' fields (ControlNet units, §1.3), in form order.
    public var groupFields: [FieldSpec] {
        formFields.filter { $0.groupSpec != nil }
    }

    /// Whether a wire path is one of the endpoint's fields.
    public func hasField(at path: String) -> Bool { fieldPositions[path] != nil }

    /// The objects a path passes through: `a.b.c` → `a`, `a.b`.
    static func containers(of path: String) -> [String] {
        let keys = path.split(separator: ".").map { part in String(part.prefix { $0 != "[" }) }
        guard keys.count > 1 else { return [] }
        return (1..<keys.count).map { keys[0..<$0].joined(separator: ".") }
    }

    static func formOrder(_ fields: [FieldSpec]) -> [FieldSpec] {
        fields.enumerated().sorted { a, b in
            switch (a.element.formIndex, b.element.formIndex) {
            case let (x?, y?): return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return a.offset < b.offset
            }
        }.map(\.element)
    }

    /// Whether its tasks can be followed: training's cannot (§3.2 documents no query).
    public var canBeFollowed: Bool { family.hasTaskQuery }

    /// Where the client's task id sits in the body (wire rule 8, §A5).
    public var taskIDPath: String {
        field(role: .taskID)?.path ?? family.followUp.taskIDPath
    }

    // The endpoints the code names: the SD three (the screen's first form,
    // `zqt send`'s default) as shipped, and the task and model queries. As
    // the user's catalog file may override them: `catalog.controlNet`.
    public static var controlNet: Endpoint { EndpointCatalog.shipped.controlNet }
    public static var text2Image: Endpoint { EndpointCatalog.shipped.text2Image }
    public static var image2Image: Endpoint { EndpointCatalog.shipped.image2Image }

    /// The path of a task or list query (§1.4, §2.1–2.3), relative like `id`.
    public enum Query {
        public static let taskInfoV2 = "sd/v2/queryTaskInfo"
        public static let taskInfoV1 = "sd/queryTaskInfo"
        public static let modelList = "sd/v2/queryModelList"
        public static func tool(_ code: String) -> String { "tool/\(code)/queryTask" }
    }
}

extension EndpointCatalog {
    /// The SD three in this catalog (a user's entry with their id replaces the shipped one).
    public var controlNet: Endpoint { named("sd/v2/controlnet") }
    public var text2Image: Endpoint { named("sd/v2/text2image") }
    public var image2Image: Endpoint { named("sd/v2/image2image") }

    /// A catalog made of other endpoints still has the shipped entry.
    private func named(_ id: String) -> Endpoint {
        endpoint(id: id) ?? EndpointCatalog.shipped.endpoint(id: id)!
    }
}
