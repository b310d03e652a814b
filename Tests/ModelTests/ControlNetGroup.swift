@testable import Model

/// The shipped ControlNet group, read from the catalog as the program reads it,
/// and units made from it as the form makes them (the tests name the unit's
/// keys; the program does not).
enum ControlNetGroup {
    static var field: FieldSpec { Endpoint.controlNet.groupFields[0] }
    static var group: GroupSpec { field.groupSpec! }

    /// A unit of a control type, with keys set after.
    static func unit(_ type: String, family: ModelFamily = .unknown, _ values: [(String, JSONValue)] = []) -> JSONValue {
        var item = group.newItem(preset: group.presets?.preset(named: type), family: family)
        for (key, value) in values { item.set(value, at: key) }
        return item
    }

    static func problems(_ item: JSONValue, request: JSONValue = .object([])) -> [ValidationProblem] {
        RequestValidator.validate(group.normalize(item), of: group, number: 1, path: "u", request: request)
    }
}
