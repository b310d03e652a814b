// One ControlNet unit: an element of `alwayson_scripts.controlnet.args`.
//
// Fields and their order follow the service's example (zhiqite-api.md §1.3,
// examples/controlnet.json); `hr_option` and `save_detected_map` come from
// controlnet-catalog.md §1. Wire rule 5: `resize_mode` and `control_mode` are
// strings here. Wire rule 6: `enabled` is always written.

public struct ControlNetUnit: Equatable, Sendable {
    /// Where units sit in an SD body (zhiqite-api.md §1.3, wire rule 3).
    public static let wirePath = "alwayson_scripts.controlnet.args"

    public var imageLink: String?
    public var enabled: Bool
    public var module: String
    public var model: String
    public var weight: Double
    public var resizeMode: String
    public var lowVram: Bool
    public var processorRes: Int?
    public var thresholdA: Double?
    public var thresholdB: Double?
    public var guidanceStart: Double
    public var guidanceEnd: Double
    public var pixelPerfect: Bool
    public var controlMode: String
    public var hrOption: String?
    public var saveDetectedMap: Bool?
    /// Keys zqt does not model, kept in order so nothing a user wrote is lost.
    public internal(set) var unknownFields: [(key: String, value: JSONValue)] = []

    public init(
        imageLink: String? = nil, enabled: Bool = true, module: String = "none", model: String = "None",
        weight: Double = 1, resizeMode: String = "Crop and Resize", lowVram: Bool = false,
        processorRes: Int? = 512, thresholdA: Double? = nil, thresholdB: Double? = nil,
        guidanceStart: Double = 0, guidanceEnd: Double = 1, pixelPerfect: Bool = false,
        controlMode: String = "Balanced", hrOption: String? = nil, saveDetectedMap: Bool? = nil
    ) {
        self.imageLink = imageLink
        self.enabled = enabled
        self.module = module
        self.model = model
        self.weight = weight
        self.resizeMode = resizeMode
        self.lowVram = lowVram
        self.processorRes = processorRes
        self.thresholdA = thresholdA
        self.thresholdB = thresholdB
        self.guidanceStart = guidanceStart
        self.guidanceEnd = guidanceEnd
        self.pixelPerfect = pixelPerfect
        self.controlMode = controlMode
        self.hrOption = hrOption
        self.saveDetectedMap = saveDetectedMap
    }

    /// A unit preset for a control type: its default module, first example
    /// model, and the module's slider defaults (controlnet-catalog.md §2).
    public init(controlType: ControlType) {
        self.init(module: controlType.defaultModule, model: controlType.models.first ?? "None")
        applyModuleDefaults()
    }

    /// Resets processor_res and the thresholds to the current module's
    /// defaults, leaving them out where the module has none.
    public mutating func applyModuleDefaults() {
        let spec = ControlNetCatalog.module(named: module)
        processorRes = spec?.processorRes.map { Int($0.defaultValue) } ?? (spec == nil ? processorRes : nil)
        thresholdA = spec?.thresholdA?.defaultValue
        thresholdB = spec?.thresholdB?.defaultValue
    }

    public static func == (lhs: ControlNetUnit, rhs: ControlNetUnit) -> Bool {
        lhs.jsonValue == rhs.jsonValue
    }

    /// The unit as it goes on the wire.
    public var jsonValue: JSONValue {
        var members: [(String, JSONValue?)] = [
            ("image_link", imageLink.map { .string($0) }),
            ("enabled", .bool(enabled)),
            ("module", .string(module)),
            ("model", .string(model)),
            ("weight", .double(weight)),
            ("resize_mode", .string(resizeMode)),
            ("low_vram", .bool(lowVram)),
            ("processor_res", processorRes.map { .int($0) }),
            ("threshold_a", thresholdA.map { .double($0) }),
            ("threshold_b", thresholdB.map { .double($0) }),
            ("guidance_start", .double(guidanceStart)),
            ("guidance_end", .double(guidanceEnd)),
            ("pixel_perfect", .bool(pixelPerfect)),
            ("control_mode", .string(controlMode)),
            ("hr_option", hrOption.map { .string($0) }),
            ("save_detected_map", saveDetectedMap.map { .bool($0) }),
        ]
        members += unknownFields.map { ($0.key, $0.value) }
        return .object(dropping: members)
    }

    /// Reads a unit, never failing: what cannot be used is noted and defaulted.
    public static func decode(_ value: JSONValue, path: String, notes: inout [DecodeNote]) -> ControlNetUnit {
        var reader = FieldReader(value, path: path)
        if value.objectValue == nil {
            notes.append(DecodeNote(path: path, message: "expected an object, got \(value.typeName); replaced by an empty unit"))
        }
        var unit = ControlNetUnit()
        unit.imageLink = reader.string("image_link")
        if let enabled = reader.bool("enabled") {
            unit.enabled = enabled
        } else {
            // Wire rule 6: servers skip a unit without "enabled"; zqt will send it.
            notes.append(DecodeNote(path: reader.path("enabled"), message: "missing; zqt sends \"enabled\": true"))
        }
        unit.module = reader.string("module") ?? unit.module
        unit.model = reader.string("model") ?? unit.model
        unit.weight = reader.double("weight") ?? unit.weight
        unit.resizeMode = enumString(&reader, "resize_mode", values: ControlNetCatalog.unitResizeModes) ?? unit.resizeMode
        unit.lowVram = reader.bool("low_vram") ?? unit.lowVram
        unit.processorRes = reader.int("processor_res")
        unit.thresholdA = reader.double("threshold_a")
        unit.thresholdB = reader.double("threshold_b")
        unit.guidanceStart = reader.double("guidance_start") ?? unit.guidanceStart
        unit.guidanceEnd = reader.double("guidance_end") ?? unit.guidanceEnd
        unit.pixelPerfect = reader.bool("pixel_perfect") ?? unit.pixelPerfect
        unit.controlMode = enumString(&reader, "control_mode", values: ControlNetCatalog.controlModes) ?? unit.controlMode
        unit.hrOption = enumString(&reader, "hr_option", values: ControlNetCatalog.hrOptions)
        unit.saveDetectedMap = reader.bool("save_detected_map")
        notes += reader.notes
        unit.unknownFields = reader.unknownMembers(reporting: &notes)
        return unit
    }

    /// Wire rule 5: current servers reject integers for these enums, so an
    /// integer read from an older request is turned into its string.
    private static func enumString(_ reader: inout FieldReader, _ key: String, values: [String]) -> String? {
        guard let raw = reader.raw(key) else { return nil }
        switch raw {
        case let .string(s): return s
        case let .int(i) where values.indices.contains(i):
            reader.notes.append(DecodeNote(path: reader.path(key), message: "was \(i); zqt sends \"\(values[i])\""))
            return values[i]
        default:
            reader.notes.append(DecodeNote(path: reader.path(key), message: "expected one of \(values.joined(separator: ", ")); ignored"))
            return nil
        }
    }
}

extension ControlNetUnit: Codable {
    public init(from decoder: Decoder) throws {
        var notes: [DecodeNote] = []
        self = ControlNetUnit.decode(try JSONValue(from: decoder), path: "unit", notes: &notes)
    }

    public func encode(to encoder: Encoder) throws {
        try jsonValue.encode(to: encoder)
    }
}
