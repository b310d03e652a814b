// Reading a field's value out of the request as text, and writing typed
// text back, by the field's kind (one codec per kind, issue 7). Text that
// cannot be used throws FieldInputError; the caller keeps what was typed
// and shows the message (invalid input is never thrown away).

import Model

enum FieldValues {
    /// The value as the form shows it and as an edit starts from. Empty for
    /// an optional field that is not sent.
    static func text(of id: FieldID, in request: Request) -> String {
        if let place = id.itemPlace, let (field, group) = place.field(in: request.endpoint) {
            guard let index = place.index, let item = request.wireItem(index, of: field) else { return "" }
            guard let key = place.key else { return itemSummary(item, group) }
            if key == GroupSpec.presetKey { return group.shownPreset(of: item)?.name ?? "—" }
            guard let spec = group.resolvedField(key, in: item), let value = item[key] else { return "" }
            return display(value, spec)
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

    /// An item's row: on or off (where the group has a switch), then the group's summary.
    static func itemSummary(_ item: JSONValue, _ group: GroupSpec) -> String {
        // A unit with preprocessor `none` says "no preprocessor", and keeps its control type (issue 20's re-check).
        let noValue = group.presets?.by.flatMap(group.field).map { Wording.itemWithout($0.label) }
        let summary = group.summaryText(item, noValue: noValue) { spec, value in display(value, spec) }
        guard let toggle = group.switchField else { return summary }
        return (item[toggle.path]?.boolValue == false ? "✗ " : "✓ ") + summary
    }

    /// Writes typed text into the request.
    /// `family`: the checkpoint's, for a preset's model (GroupSpec.applying).
    static func apply(_ raw: String, to id: FieldID, in request: inout Request,
                      family: ModelFamily = .unknown) throws(FieldInputError) {
        if let place = id.itemPlace, let (field, group) = place.field(in: request.endpoint) {
            var items = request.items(of: field)
            guard let index = place.index, let key = place.key, items.indices.contains(index) else { return }
            try applyItem(raw, key: key, to: &items[index], of: group, family: family)
            request.setItems(items, of: field)
            return
        }
        guard let spec = request.endpoint.field(at: id.path) else { return }
        if case .sizePreset = spec.kind {
            let parts = raw.trimmed.split(whereSeparator: { $0 == "×" || $0 == "x" || $0 == "X" })
            guard parts.count == 2, let w = Int(parts[0].trimmed), let h = Int(parts[1].trimmed) else {
                throw FieldInputError(message: "expected WIDTH×HEIGHT, like 768×768")
            }
            if let width = request.endpoint.field(role: .width) { request[width.path] = .int(w) }
            if let height = request.endpoint.field(role: .height) { request[height.path] = .int(h) }
            return
        }
        switch spec.kind {
        case .otherMembers:
            request.setOtherMembers(try otherMembers(raw))
            return
        case let .endpointSetting(setting):
            do {
                try request.setCustom(setting, to: raw.trimmed)
            } catch {
                throw FieldInputError(message: error.message)
            }
            return
        default: break
        }
        request[spec.path] = try value(raw, for: spec)
    }

    /// The members no field names, as one object (a custom request's body).
    static func otherMembers(_ raw: String) throws(FieldInputError) -> JSONValue {
        let text = raw.trimmed
        let members: JSONValue
        do {
            members = try JSONParser.parse(text.isEmpty ? "{}" : text)
        } catch {
            throw FieldInputError(message: "not valid JSON (\(error))")
        }
        guard members.objectValue != nil else {
            throw FieldInputError(message: "a request body is a JSON object like {\"key\": value}, not \(members.typeName)")
        }
        return members
    }

    // MARK: Texts read whole (issue 18)

    /// The spec of a form field whose text is read whole to update the
    /// request (parsed as JSON, split into URLs, or joined: a long prompt
    /// is one string in the request), nil for any other: a
    /// long one is read off the event loop on a coalesced tick
    /// (Reducer.readTextLater), so a key costs the same in ten
    /// thousand URLs as in one.
    static func readWhole(_ id: FieldID, in endpoint: Endpoint) -> FieldSpec? {
        guard id.itemPlace.flatMap({ $0.field(in: endpoint) }) == nil, let spec = endpoint.field(at: id.path) else { return nil }
        switch spec.kind {
        case .jsonObject, .urlList, .otherMembers, .multilineText: return spec
        default: return nil
        }
    }

    /// What such a text stands for, read without the request (on another
    /// thread): the field's value (nil: left out), or why it cannot be used.
    static func read(_ raw: String, for spec: FieldSpec) -> Result<JSONValue?, FieldInputError> {
        do throws(FieldInputError) {
            if case .otherMembers = spec.kind { return .success(try otherMembers(raw)) }
            return .success(try value(raw, for: spec))
        } catch {
            return .failure(error)
        }
    }

    /// A value `read` gave, put into the request as `apply` would have.
    static func set(_ value: JSONValue?, for spec: FieldSpec, in request: inout Request) {
        if case .otherMembers = spec.kind {
            request.setOtherMembers(value ?? .object([]))
        } else {
            request[spec.path] = value
        }
    }

    /// The JSON value typed text stands for in a field; nil leaves it out.
    static func value(_ raw: String, for spec: FieldSpec) throws(FieldInputError) -> JSONValue? {
        // A long text is sent as typed: not copied to trim it (issue 18).
        if case .multilineText = spec.kind { return raw.isBlank && spec.omitWhenEmpty ? nil : .string(raw) }
        let text = raw.trimmed
        if text.isEmpty, spec.omitWhenEmpty { return nil }
        switch spec.kind {
        case .multilineText: return .string(raw)
        case .text where spec.role == .taskID:
            // Refused as typed, as zqt validate refuses it (issue 19).
            if let problem = TaskIDCharacters.problem(in: text) { throw FieldInputError(message: problem) }
            return .string(text)
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

    /// Typed text into one key of an item: its preset switched, or the
    /// value read by the key's kind and set under the group's rules.
    static func applyItem(_ raw: String, key: String, to item: inout JSONValue, of group: GroupSpec,
                          family: ModelFamily) throws(FieldInputError) {
        let text = raw.trimmed
        if key == GroupSpec.presetKey, let presets = group.presets {
            guard let preset = presets.preset(named: text) else {
                throw FieldInputError(message: Wording.notAPreset(presets.label, text))
            }
            // Keep what is not about the preset (image, weight, guidance, modes).
            item = group.applying(preset, to: item, family: family)
            return
        }
        guard let spec = group.resolvedField(key, in: group.normalize(item)) ?? group.field(key) else { return }
        let value = try self.value(raw, for: spec)
        do {
            let before = item
            item = try group.setting(key, to: value, in: item)
            // A module or model chosen by hand says the unit's type from now on: the one remembered is let go.
            let model = group.fields.first { $0.role == .fitsCheckpoint }?.path
            if key == group.presets?.by || key == model, item[key] != before[key] { item.set(nil, at: GroupSpec.presetKey) }
        } catch {
            throw FieldInputError(message: Wording.notBelow(error.field.label, error.other.label, error.otherValue))
        }
    }

    /// A whole number that fits an Int: `inf`, `1e20` and the like are refused, never a trap (issue 8).
    private static func integer(_ text: String) throws(FieldInputError) -> Int {
        if let value = Int(text) { return value }
        if let whole = Double(text).flatMap(WholeNumber.from) { return whole }
        throw FieldInputError(message: text.isEmpty ? "a whole number is required" : "\(text.quotedShort) is not a whole number")
    }

    private static func number(_ text: String) throws(FieldInputError) -> Double {
        guard let value = Double(text.replacing(",", with: ".")), value.isFinite else {
            throw FieldInputError(message: text.isEmpty ? "a number is required" : "\(text.quotedShort) is not a number")
        }
        return value
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
