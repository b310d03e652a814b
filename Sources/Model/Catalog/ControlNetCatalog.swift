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

/// Requests shipped with the program, for the first run and the tests.
public enum BundledExamples {}
