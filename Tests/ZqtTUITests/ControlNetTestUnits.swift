import Model
@testable import ZqtTUI

// Test support: ControlNet units as the tests name them, made and read
// through the catalog's group (GroupSpec.swift), as the program does. The
// program names no key of a unit; these tests do, to say what a user sees.

enum ControlNetTest {
    static var field: FieldSpec { Endpoint.controlNet.groupFields[0] }
    static var group: GroupSpec { field.groupSpec! }
    static var path: String { field.path }
}

/// A unit's keys, for field ids in tests.
enum UnitField: String {
    case controlType = "@type", enabled, module, model, weight
    case guidanceStart = "guidance_start", guidanceEnd = "guidance_end"
    case thresholdA = "threshold_a", thresholdB = "threshold_b", processorRes = "processor_res"
    case pixelPerfect = "pixel_perfect", lowVram = "low_vram", resizeMode = "resize_mode"
    case controlMode = "control_mode", hrOption = "hr_option", imageLink = "image_link"
}

extension FieldID {
    static func unit(_ index: Int, _ field: UnitField) -> FieldID { .item(ControlNetTest.path, index, field.rawValue) }
    static func unitRow(_ index: Int) -> FieldID { .itemRow(ControlNetTest.path, index) }
    static var addUnit: FieldID { .addItem(ControlNetTest.path) }
}

extension ViewState {
    /// The open unit's index, when the open item is a ControlNet unit.
    var openUnit: Int? { openItem?.group == ControlNetTest.path ? openItem?.index : nil }
}

extension Reducer {
    static func openUnit(_ state: inout AppState, _ index: Int) { openItem(&state, ControlNetTest.path, index) }
}

/// One unit as a JSON object, read by key.
struct ControlNetUnit: Equatable {
    var jsonValue: JSONValue

    init(json: JSONValue) { jsonValue = json }

    /// A unit of a control type, as the add command makes it (no checkpoint base known).
    init(controlType: ControlType) {
        let group = ControlNetTest.group
        jsonValue = group.newItem(preset: group.presets?.preset(named: controlType.serviceName))
    }

    /// A unit with the catalog's defaults and these keys.
    init(imageLink: String? = nil, module: String? = nil, model: String? = nil, guidanceStart: Double? = nil, guidanceEnd: Double? = nil) {
        jsonValue = ControlNetTest.group.newItem()
        if let imageLink { jsonValue.set(.string(imageLink), at: "image_link") }
        if let module { jsonValue.set(.string(module), at: "module") }
        if let model { jsonValue.set(.string(model), at: "model") }
        if let guidanceStart { jsonValue.set(.double(guidanceStart), at: "guidance_start") }
        if let guidanceEnd { jsonValue.set(.double(guidanceEnd), at: "guidance_end") }
    }

    private var wire: JSONValue { ControlNetTest.group.normalize(jsonValue) }

    var module: String? { wire["module"]?.stringValue }
    var model: String? { wire["model"]?.stringValue }
    var enabled: Bool? { wire["enabled"]?.boolValue }
    var thresholdA: Double? { wire["threshold_a"]?.numberValue }
    var thresholdB: Double? { wire["threshold_b"]?.numberValue }
    var guidanceStart: Double? { wire["guidance_start"]?.numberValue }
    var guidanceEnd: Double? { wire["guidance_end"]?.numberValue }
    var imageLink: String? {
        get { wire["image_link"]?.stringValue }
        set { jsonValue.set(newValue.map(JSONValue.string), at: "image_link") }
    }
    var weight: Double? {
        get { wire["weight"]?.numberValue }
        set { jsonValue.set(newValue.map(JSONValue.double), at: "weight") }
    }
}

extension Request {
    /// The ControlNet units of a ControlNet request; nil on other endpoints.
    var controlNetUnits: [ControlNetUnit]? {
        get {
            guard let field = endpoint.field(at: ControlNetTest.path), field.groupSpec != nil else { return nil }
            return items(of: field).map(ControlNetUnit.init(json:))
        }
        set {
            guard let field = endpoint.field(at: ControlNetTest.path) else { return }
            setItems((newValue ?? []).map(\.jsonValue), of: field)
        }
    }
}
