// The compose form as data: which fields there are, what kind each is, how
// its value is shown and how typed text is read back into the request.
// Each field names its wire path, which ties it to the JSON preview's
// highlight and to validation problems.

import Model

enum UnitField: String, CaseIterable, Hashable, Sendable {
    case controlType, enabled, module, model, weight, guidanceStart, guidanceEnd
    case thresholdA, thresholdB, processorRes, pixelPerfect, lowVram
    case resizeMode, controlMode, hrOption, imageLink

    /// The unit's wire key; the control type is form-only (it presets several keys).
    var wireKey: String {
        switch self {
        case .controlType: return "@type"
        case .enabled: return "enabled"
        case .module: return "module"
        case .model: return "model"
        case .weight: return "weight"
        case .guidanceStart: return "guidance_start"
        case .guidanceEnd: return "guidance_end"
        case .thresholdA: return "threshold_a"
        case .thresholdB: return "threshold_b"
        case .processorRes: return "processor_res"
        case .pixelPerfect: return "pixel_perfect"
        case .lowVram: return "low_vram"
        case .resizeMode: return "resize_mode"
        case .controlMode: return "control_mode"
        case .hrOption: return "hr_option"
        case .imageLink: return "image_link"
        }
    }
}

/// A field of the form, named by its wire path (issue 7): the same name the
/// preview highlights, validation reports and the draft saves. Form-only
/// fields have paths starting with `@` (`@size`) or ending in one (a unit's `@type`).
struct FieldID: Hashable, Sendable, CustomStringConvertible {
    let path: String

    init(_ path: String) { self.path = path }

    var description: String { path }

    /// Where ControlNet units sit (§1.3).
    static let unitsPath = ControlNetUnit.wirePath
    static let addUnit = FieldID(unitsPath + "[+]")
    static func unitRow(_ index: Int) -> FieldID { FieldID("\(unitsPath)[\(index)]") }
    static func unit(_ index: Int, _ field: UnitField) -> FieldID { FieldID("\(unitsPath)[\(index)].\(field.wireKey)") }

    /// The unit this field belongs to (its row or one of its fields).
    var unitIndex: Int? {
        guard path.hasPrefix(Self.unitsPath + "["), let close = path.firstIndex(of: "]") else { return nil }
        return Int(path[path.index(path.startIndex, offsetBy: Self.unitsPath.count + 1)..<close])
    }

    var isUnitRow: Bool { unitIndex != nil && path.hasSuffix("]") }

    var unitField: UnitField? {
        guard unitIndex != nil, let dot = path.lastIndex(of: "."), path[dot...].count > 1, !isUnitRow else { return nil }
        let key = String(path[path.index(after: dot)...])
        return UnitField.allCases.first { $0.wireKey == key }
    }
}

enum FieldKind: Equatable, Sendable {
    /// Free text; `lines` is how many rows the form gives it.
    case text(lines: Int)
    /// A number with a bar; `integer` values print without a fraction.
    case slider(SliderSpec, integer: Bool)
    /// A number typed in (whole or not, as the field's spec says).
    case integer
    case toggle
    /// A pick from `options`; `freeText` also accepts anything typed.
    case choice(options: [String], freeText: Bool)
    case unitRow
    case action
}

struct FormField: Sendable {
    let id: FieldID
    let label: String
    /// The catalog's spec, for fields of the request (nil for unit fields).
    var spec: FieldSpec? = nil
    /// Where the value sits in the JSON (e.g. `alwayson_scripts.controlnet.args[0].weight`).
    let wirePath: String
    let kind: FieldKind
    /// Greyed out (hi-res fields while hi-res is off); still editable.
    var dimmed = false
    /// Shown after the value, dim.
    var hint: String = ""
    /// Empty text leaves the field out of the request.
    var optional = false
    /// A section heading drawn above this field.
    var section: String?

    /// The prompt and negative prompt take LoRA tokens and embedding names (§1.5, §1.7).
    var takesModelTokens: Bool { spec?.role == .prompt || spec?.role == .negativePrompt }

    /// The service list whose items this field picks from, if any (§1.4, §1.6).
    var modelList: ModelListKind? {
        guard let spec else { return nil }
        if case let .modelChoice(list) = spec.kind { return ModelListKind(rawValue: list) ?? .checkpoint }
        return spec.path == FormSchema.vaePath ? .vae : nil
    }
}

/// A reason typed text could not be used; the text is kept and marked.
struct FieldInputError: Error, Equatable {
    let message: String
}

enum FormSchema {
    static let notSent = "(not sent)"
    /// Where the VAE goes (wire rule 3); its choices come from the VAE list (§1.6) once read.
    static let vaePath = "alwayson_scripts.sd_vae"

    static let weight = SliderSpec(label: "Weight", min: 0, max: 2, defaultValue: 1, step: 0.05)
    static let guidance = SliderSpec(label: "Guidance", min: 0, max: 1, defaultValue: 0, step: 0.01)
    static let processorRes = SliderSpec(label: "Preprocessor resolution", min: 64, max: 2048, defaultValue: 512, step: 8)

    /// The request's form, top to bottom, from its endpoint's fields (issue 7).
    static func mainFields(_ request: Request, lists: ModelLists = ModelLists()) -> [FormField] {
        var fields: [FormField] = []
        for spec in request.endpoint.formFields {
            if case .group = spec.kind {
                fields += groupFields(spec, request)
                continue
            }
            var dimmed = false
            if let toggle = spec.dimmedUnless { dimmed = request.wireValue(at: toggle)?.boolValue != true }
            fields.append(FormField(id: FieldID(spec.path), label: spec.label, spec: spec, wirePath: spec.path,
                                    kind: formKind(spec, lists: lists), dimmed: dimmed, hint: spec.hint,
                                    optional: spec.omitWhenEmpty && !spec.required, section: spec.section))
        }
        return fields
    }

    /// How the form edits a kind of field.
    static func formKind(_ spec: FieldSpec, lists: ModelLists = ModelLists()) -> FieldKind {
        switch spec.kind {
        case .text, .url, .jsonObject: return .text(lines: 1)
        case let .multilineText(lines): return .text(lines: lines)
        case .urlList: return .text(lines: 2)
        case .integer, .number: return .integer
        case let .slider(slider, integer): return .slider(slider, integer: integer)
        case .toggle: return .toggle
        case let .choice(options, freeText):
            // The service's VAE list replaces the catalog's examples once it is read.
            if spec.path == vaePath, !lists[.vae].names.isEmpty { return .choice(options: lists[.vae].names, freeText: true) }
            return .choice(options: options.map(\.label), freeText: freeText)
        case let .modelChoice(list): return .choice(options: lists[ModelListKind(rawValue: list) ?? .checkpoint].names, freeText: true)
        case let .sizePreset(options): return .choice(options: options, freeText: false)
        case let .otherMembers(lines): return .text(lines: lines)
        case .endpointSetting(.family): return .choice(options: CustomEndpoint.familyNames, freeText: false)
        case .endpointSetting: return .text(lines: 1)
        case .group: return .action
        }
    }

    /// A repeated group (ControlNet units): a row per item and an add action.
    static func groupFields(_ spec: FieldSpec, _ request: Request) -> [FormField] {
        let units = request.controlNetUnits ?? []
        var fields: [FormField] = []
        let heading = "\(spec.section ?? spec.label) (\(units.count))"
        for index in units.indices {
            fields.append(FormField(id: .unitRow(index), label: "Unit \(index + 1)",
                                    wirePath: "\(spec.path)[\(index)]", kind: .unitRow,
                                    section: index == 0 ? heading : nil))
        }
        fields.append(FormField(id: .addUnit, label: "+ Add a ControlNet unit…", wirePath: "alwayson_scripts.controlnet",
                                kind: .action, section: units.isEmpty ? heading : nil))
        return fields
    }

    /// A unit's sub-form. Threshold sliders follow the module and are left out
    /// when it has none (controlnet-catalog.md §2.3).
    static func unitFields(_ unit: ControlNetUnit, index: Int) -> [FormField] {
        let path = "\(FieldID.unitsPath)[\(index)]"
        let type = ControlNetCatalog.controlType(forModule: unit.module)
        let module = ControlNetCatalog.module(named: unit.module)
        let moduleOptions = type?.modules ?? ControlNetCatalog.moduleList.map(\.name)
        var modelOptions = type?.models ?? []
        if !modelOptions.contains("None") { modelOptions.append("None") }
        var fields: [FormField] = [
            FormField(id: .unit(index, .controlType), label: "Control type", wirePath: path + ".module",
                      kind: .choice(options: ControlNetCatalog.controlTypes.map(\.serviceName), freeText: false),
                      hint: "presets module, model, thresholds", section: "ControlNet unit \(index + 1)"),
            FormField(id: .unit(index, .enabled), label: "Enabled", wirePath: path + ".enabled", kind: .toggle),
            FormField(id: .unit(index, .imageLink), label: "Control image", wirePath: path + ".image_link",
                      kind: .text(lines: 1), hint: "http(s) URL", optional: true),
            FormField(id: .unit(index, .module), label: "Preprocessor", wirePath: path + ".module",
                      kind: .choice(options: moduleOptions, freeText: true)),
            FormField(id: .unit(index, .model), label: "Model", wirePath: path + ".model",
                      kind: .choice(options: modelOptions, freeText: true)),
            FormField(id: .unit(index, .weight), label: "Weight", wirePath: path + ".weight", kind: .slider(weight, integer: false)),
            FormField(id: .unit(index, .guidanceStart), label: "Guidance start", wirePath: path + ".guidance_start",
                      kind: .slider(guidance, integer: false)),
            FormField(id: .unit(index, .guidanceEnd), label: "Guidance end", wirePath: path + ".guidance_end",
                      kind: .slider(guidance, integer: false), hint: "never below start"),
        ]
        if let spec = module?.thresholdA {
            fields.append(FormField(id: .unit(index, .thresholdA), label: spec.label, wirePath: path + ".threshold_a",
                                    kind: .slider(spec, integer: spec.step >= 1), hint: "threshold_a"))
        }
        if let spec = module?.thresholdB {
            fields.append(FormField(id: .unit(index, .thresholdB), label: spec.label, wirePath: path + ".threshold_b",
                                    kind: .slider(spec, integer: spec.step >= 1), hint: "threshold_b"))
        }
        fields += [
            FormField(id: .unit(index, .processorRes), label: "Preprocessor res", wirePath: path + ".processor_res",
                      kind: .slider(module?.processorRes ?? processorRes, integer: true), optional: true),
            FormField(id: .unit(index, .pixelPerfect), label: "Pixel perfect", wirePath: path + ".pixel_perfect", kind: .toggle),
            FormField(id: .unit(index, .lowVram), label: "Low VRAM", wirePath: path + ".low_vram", kind: .toggle),
            FormField(id: .unit(index, .resizeMode), label: "Resize mode", wirePath: path + ".resize_mode",
                      kind: .choice(options: ControlNetCatalog.unitResizeModes, freeText: false)),
            FormField(id: .unit(index, .controlMode), label: "Control mode", wirePath: path + ".control_mode",
                      kind: .choice(options: ControlNetCatalog.controlModes, freeText: false)),
            FormField(id: .unit(index, .hrOption), label: "Hi-res option", wirePath: path + ".hr_option",
                      kind: .choice(options: [notSent] + ControlNetCatalog.hrOptions, freeText: false), optional: true),
        ]
        return fields
    }
}
