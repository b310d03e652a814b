// Reading a field's value out of the request as text, and writing typed
// text back, by the field's kind (one codec per kind, issue 7). Text that
// cannot be used throws FieldInputError; the caller keeps what was typed
// and shows the message (invalid input is never thrown away).

import Model

enum FieldValues {
    /// The value as the form shows it and as an edit starts from. Empty for
    /// an optional field that is not sent.
    static func text(of id: FieldID, in request: Request) -> String {
        if id.isUnitRow { return unitSummary(request.controlNetUnits?[safe: id.unitIndex ?? -1]) }
        if id == .addUnit { return "" }
        if let index = id.unitIndex, let field = id.unitField {
            guard let unit = request.controlNetUnits?[safe: index] else { return "" }
            return unitText(field, unit)
        }
        guard let spec = request.endpoint.field(at: id.path) else { return "" }
        if case .sizePreset = spec.kind {
            let width = request.endpoint.field(role: .width).flatMap(request.wireValue(of:))
            let height = request.endpoint.field(role: .height).flatMap(request.wireValue(of:))
            return "\(width.map(JSONWriter.compact) ?? "?")×\(height.map(JSONWriter.compact) ?? "?")"
        }
        switch spec.kind {
        case .otherMembers: return request.otherMembers.objectValue?.isEmpty == false ? JSONWriter.pretty(request.otherMembers) : ""
        case let .endpointSetting(setting): return request.customSetting(setting)
        default: break
        }
        // What is sent, as the form shows it; text the wire could not read stays as given.
        guard let value = request.wireValue(of: spec) ?? request[spec.path] else { return "" }
        return display(value, spec)
    }

    static func display(_ value: JSONValue, _ spec: FieldSpec) -> String {
        switch (spec.kind, value) {
        case let (_, .string(text)): 
            if case let .choice(options, _) = spec.kind, let option = options.first(where: { $0.value == value }) { return option.label }
            return text
        case (.toggle, .bool(let on)): return on ? "on" : "off"
        case let (.choice(options, _), _):
            return options.first { $0.value == value }?.label ?? JSONWriter.compact(value)
        case let (.urlList, .array(items)):
            return items.map { $0.stringValue ?? JSONWriter.compact($0) }.joined(separator: "\n")
        case (_, .double(let d)): return JSONWriter.formatNumber(d)
        default: return JSONWriter.compact(value)
        }
    }

    static func unitText(_ field: UnitField, _ unit: ControlNetUnit) -> String {
        func num(_ d: Double?) -> String { d.map(JSONWriter.formatNumber) ?? "" }
        switch field {
        case .controlType: return ControlNetCatalog.controlType(forModule: unit.module)?.serviceName ?? "—"
        case .enabled: return unit.enabled ? "on" : "off"
        case .module: return unit.module
        case .model: return unit.model
        case .weight: return num(unit.weight)
        case .guidanceStart: return num(unit.guidanceStart)
        case .guidanceEnd: return num(unit.guidanceEnd)
        case .thresholdA: return num(unit.thresholdA)
        case .thresholdB: return num(unit.thresholdB)
        case .processorRes: return unit.processorRes.map(String.init) ?? ""
        case .pixelPerfect: return unit.pixelPerfect ? "on" : "off"
        case .lowVram: return unit.lowVram ? "on" : "off"
        case .resizeMode: return unit.resizeMode
        case .controlMode: return unit.controlMode
        case .hrOption: return unit.hrOption ?? ""
        case .imageLink: return unit.imageLink ?? ""
        }
    }

    static func unitSummary(_ unit: ControlNetUnit?) -> String {
        guard let unit else { return "" }
        let type = ControlNetCatalog.controlType(forModule: unit.module)?.serviceName ?? "custom"
        return "\(unit.enabled ? "✓" : "✗") \(type) · \(unit.module) · \(unit.model) · w \(JSONWriter.formatNumber(unit.weight))"
    }

    /// Writes typed text into the request.
    static func apply(_ raw: String, to id: FieldID, in request: inout Request) throws(FieldInputError) {
        let text = raw.trimmed
        if id.isUnitRow || id == .addUnit { return }
        if let index = id.unitIndex, let field = id.unitField {
            guard var units = request.controlNetUnits, units.indices.contains(index) else { return }
            try applyUnit(text, field, to: &units[index])
            request.controlNetUnits = units
            return
        }
        guard let spec = request.endpoint.field(at: id.path) else { return }
        if case .sizePreset = spec.kind {
            let parts = text.split(whereSeparator: { $0 == "×" || $0 == "x" || $0 == "X" })
            guard parts.count == 2, let w = Int(parts[0].trimmed), let h = Int(parts[1].trimmed) else {
                throw FieldInputError(message: "expected WIDTH×HEIGHT, like 768×768")
            }
            if let width = request.endpoint.field(role: .width) { request[width.path] = .int(w) }
            if let height = request.endpoint.field(role: .height) { request[height.path] = .int(h) }
            return
        }
        switch spec.kind {
        case .otherMembers:
            // The members no field names, as one object (a custom request's body).
            let members: JSONValue
            do {
                members = try JSONParser.parse(text.isEmpty ? "{}" : text)
            } catch {
                throw FieldInputError(message: "not valid JSON (\(error))")
            }
            guard members.objectValue != nil else {
                throw FieldInputError(message: "a request body is a JSON object like {\"key\": value}, not \(members.typeName)")
            }
            request.setOtherMembers(members)
            return
        case let .endpointSetting(setting):
            do {
                try request.setCustom(setting, to: text)
            } catch {
                throw FieldInputError(message: error.message)
            }
            return
        default: break
        }
        request[spec.path] = try value(raw, for: spec)
    }

    /// The JSON value typed text stands for in a field; nil leaves it out.
    static func value(_ raw: String, for spec: FieldSpec) throws(FieldInputError) -> JSONValue? {
        let text = raw.trimmed
        if text.isEmpty, spec.omitWhenEmpty { return nil }
        switch spec.kind {
        case .multilineText: return .string(raw)
        case .text, .url, .modelChoice: return .string(text)
        case .integer, .slider(_, integer: true): return .int(try integer(text))
        case .number, .slider(_, integer: false): return .double(try number(text))
        case .toggle: return .bool(try toggle(text))
        case let .choice(options, freeText):
            if let option = options.first(where: { $0.label == text }) { return option.value }
            if let option = options.first(where: { JSONWriter.compact($0.value) == text || $0.value.stringValue == text }) {
                return option.value
            }
            if text == FormSchema.notSent { return nil }
            guard freeText else {
                throw FieldInputError(message: "choose one of: \(options.map(\.label).joined(separator: ", "))")
            }
            return .string(text)
        case .jsonObject:
            do {
                return try JSONParser.parse(text)
            } catch {
                throw FieldInputError(message: "not valid JSON (\(error))")
            }
        case .urlList:
            // One URL per line (or space): commas belong to signed links (x-oss-process=image/resize,w_100).
            let items = raw.split(whereSeparator: { $0.isWhitespace }).map { JSONValue.string(String($0)) }
            return .array(items)
        case .group, .sizePreset, .otherMembers, .endpointSetting:
            return nil
        }
    }

    static func applyUnit(_ text: String, _ field: UnitField, to unit: inout ControlNetUnit) throws(FieldInputError) {
        switch field {
        case .controlType:
            guard let type = ControlNetCatalog.controlType(named: text) else {
                throw FieldInputError(message: "not a control type: \(text)")
            }
            // Keep what is not about the type (image, weight, guidance, modes).
            var preset = ControlNetUnit(controlType: type)
            preset.imageLink = unit.imageLink
            preset.enabled = unit.enabled
            preset.weight = unit.weight
            preset.guidanceStart = unit.guidanceStart
            preset.guidanceEnd = unit.guidanceEnd
            preset.resizeMode = unit.resizeMode
            preset.controlMode = unit.controlMode
            preset.pixelPerfect = unit.pixelPerfect
            preset.lowVram = unit.lowVram
            preset.hrOption = unit.hrOption
            unit = preset
        case .enabled: unit.enabled = try toggle(text)
        case .module:
            guard !text.isEmpty else { throw FieldInputError(message: "choose a preprocessor, or none") }
            unit.module = text
            unit.applyModuleDefaults()
        case .model: unit.model = text
        case .weight: unit.weight = try number(text)
        case .guidanceStart:
            unit.guidanceStart = try number(text)
            // End never below start (issue 3): pushing start past end carries end along.
            if unit.guidanceEnd < unit.guidanceStart { unit.guidanceEnd = unit.guidanceStart }
        case .guidanceEnd:
            let value = try number(text)
            if value < unit.guidanceStart {
                throw FieldInputError(message: "guidance end must not be below guidance start (\(JSONWriter.formatNumber(unit.guidanceStart)))")
            }
            unit.guidanceEnd = value
        case .thresholdA: unit.thresholdA = try optionalNumber(text)
        case .thresholdB: unit.thresholdB = try optionalNumber(text)
        case .processorRes: unit.processorRes = try optionalInteger(text)
        case .pixelPerfect: unit.pixelPerfect = try toggle(text)
        case .lowVram: unit.lowVram = try toggle(text)
        case .resizeMode: unit.resizeMode = text
        case .controlMode: unit.controlMode = text
        case .hrOption: unit.hrOption = (text.isEmpty || text == FormSchema.notSent) ? nil : text
        case .imageLink: unit.imageLink = text.isEmpty ? nil : text
        }
    }

    /// A whole number that fits an Int: `inf`, `1e20` and the like are refused, never a trap (issue 8).
    private static func integer(_ text: String) throws(FieldInputError) -> Int {
        if let value = Int(text) { return value }
        if let whole = Double(text).flatMap(WholeNumber.from) { return whole }
        throw FieldInputError(message: text.isEmpty ? "a whole number is required" : "\"\(text)\" is not a whole number")
    }

    private static func optionalInteger(_ text: String) throws(FieldInputError) -> Int? {
        text.isEmpty ? nil : try integer(text)
    }

    private static func number(_ text: String) throws(FieldInputError) -> Double {
        guard let value = Double(text.replacing(",", with: ".")), value.isFinite else {
            throw FieldInputError(message: text.isEmpty ? "a number is required" : "\"\(text)\" is not a number")
        }
        return value
    }

    private static func optionalNumber(_ text: String) throws(FieldInputError) -> Double? {
        text.isEmpty ? nil : try number(text)
    }

    private static func toggle(_ text: String) throws(FieldInputError) -> Bool {
        switch text.lowercased() {
        case "on", "true", "yes", "1": return true
        case "off", "false", "no", "0": return false
        default: throw FieldInputError(message: "expected on or off")
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
