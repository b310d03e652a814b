// The ControlNet domain catalog: control types, their preprocessors (modules),
// slider ranges, samplers. Data comes from docs/api/controlnet-catalog.json
// through scripts/gen-catalog.py (CatalogData.swift); this file holds the types
// and the look-ups the form and validation need.

/// One slider's label, range, default and step (controlnet-catalog.md §2.3).
public struct SliderSpec: Equatable, Sendable {
    public let label: String
    public let min: Double
    public let max: Double
    public let defaultValue: Double
    public let step: Double

    public init(label: String, min: Double, max: Double, defaultValue: Double, step: Double) {
        self.label = label
        self.min = min
        self.max = max
        self.defaultValue = defaultValue
        self.step = step
    }
}

/// A preprocessor. `name` is the internal name, `label` the UI name; ControlNet
/// servers accept either (controlnet-catalog.md §2.3, legacy-name mapping).
public struct ControlModule: Equatable, Sendable {
    public let name: String
    public let label: String
    public let modelFree: Bool
    public let processorRes: SliderSpec?
    public let thresholdA: SliderSpec?
    public let thresholdB: SliderSpec?
    public let summary: String
}

/// A control type as the service names it (zhiqite-api.md §1.3).
public struct ControlType: Equatable, Sendable {
    /// The name in the service's list ("canny", "MLSD", "Instant-ID").
    public let serviceName: String
    /// The name in the ControlNet extension ("Canny").
    public let name: String
    public let defaultModule: String
    /// Module names offered for this type, "none" first.
    public let modules: [String]
    /// Example model names; the user may type any other.
    public let models: [String]
    /// Substrings that pick this type's models out of a longer model list.
    public let modelKeywords: [String]
}

public enum ControlNetCatalog {
    private static let modulesByName: [String: ControlModule] = {
        var map: [String: ControlModule] = [:]
        for module in moduleList {
            map[module.name] = module
            if map[module.label] == nil { map[module.label] = module }
        }
        return map
    }()

    /// The module with this internal name or UI label.
    public static func module(named name: String) -> ControlModule? {
        modulesByName[name]
    }

    /// The control type whose service or extension name matches, ignoring case.
    public static func controlType(named name: String) -> ControlType? {
        let lowered = name.lowercased()
        return controlTypes.first { $0.serviceName.lowercased() == lowered || $0.name.lowercased() == lowered }
    }

    /// The control type a module belongs to (its first listing), for showing a
    /// unit loaded from JSON under the right type.
    public static func controlType(forModule name: String) -> ControlType? {
        guard let module = module(named: name), module.name != "none" else { return nil }
        return controlTypes.first { $0.modules.contains(module.name) }
    }
}

/// Preset and variant tables shipped with zqt, which a group's catalog entry
/// names by `"table"` rather than repeating them (GroupSpec.swift). The
/// ControlNet tables are the control types and modules above, written as
/// the keys of a unit (zhiqite-api.md §1.3, controlnet-catalog.md §2.3).
public enum GroupTables {
    public static let names = ["controlnet"]

    public static func presets(named name: String) -> [GroupPreset]? {
        name == "controlnet" ? controlNetPresets : nil
    }

    public static func variants(named name: String) -> [String: GroupVariant]? {
        name == "controlnet" ? controlNetVariants : nil
    }

    /// A control type: its default module and first model, the modules and
    /// models offered while a unit is of it ("None" always among the models).
    static let controlNetPresets: [GroupPreset] = ControlNetCatalog.controlTypes.map { type in
        GroupPreset(name: type.serviceName, aliases: type.name == type.serviceName ? [] : [type.name],
                    values: [("module", .string(type.defaultModule)), ("model", .string(type.models.first ?? "None"))],
                    options: ["module": type.modules, "model": type.models.contains("None") ? type.models : type.models + ["None"]],
                    keywords: ["model": type.modelKeywords])
    }

    /// A module, by internal name and by UI label (servers take either): its sliders, and whether it needs a model.
    static let controlNetVariants: [String: GroupVariant] = {
        var cases: [String: GroupVariant] = [:]
        for module in ControlNetCatalog.moduleList {
            var sliders: [String: SliderSpec] = [:]
            sliders["processor_res"] = module.processorRes
            sliders["threshold_a"] = module.thresholdA
            sliders["threshold_b"] = module.thresholdB
            let variant = GroupVariant(name: module.name, sliders: sliders, flags: module.modelFree ? ["model_free"] : [])
            if cases[module.name] == nil { cases[module.name] = variant }
            if cases[module.label] == nil { cases[module.label] = variant }
        }
        return cases
    }()
}

/// Requests shipped with the program, for the first run and the tests.
public enum BundledExamples {}
