// A repeated group as catalog data (issue 16): the items of a list field
// (ControlNet units, §1.3; a user's LoRA list), each an object whose keys
// are described by FieldSpecs exactly as an endpoint's fields are, plus the
// presets that fill several keys at once, the sliders that follow another
// key's value, and the rules across keys. The form, the wire, validation and
// the group commands read only this; no Swift names an item's keys.

/// One repeated group: what an item holds and how it is edited.
public struct GroupSpec: Sendable, Equatable {
    /// The catalog's name for the group (`controlnet`).
    public let name: String
    /// What one item is called: "ControlNet unit".
    public let itemTitle: String
    /// The label of an item's row in the request's form, before its number: "Unit".
    public let rowLabel: String
    /// An item's fields in wire order; each `path` is a key of the item.
    public let fields: [FieldSpec]
    /// The fields as an item's form lists them.
    public let formFields: [FieldSpec]
    /// The row's summary: `{key}` is the key's value as the form shows it,
    /// `{@preset|fallback}` the item's preset (rule: see `summaryText`).
    public let summary: String
    public let presets: GroupPresets?
    public let variants: GroupVariants?
    public let rules: [GroupRule]

    public init(name: String, itemTitle: String, rowLabel: String, fields: [FieldSpec], summary: String,
                presets: GroupPresets? = nil, variants: GroupVariants? = nil, rules: [GroupRule] = []) {
        self.name = name
        self.itemTitle = itemTitle
        self.rowLabel = rowLabel
        self.fields = fields
        self.formFields = Endpoint.formOrder(fields).filter(\.inForm)
        self.summary = summary
        self.presets = presets
        self.variants = variants
        self.rules = rules
    }

    public func field(_ key: String) -> FieldSpec? { fields.first { $0.path == key } }

    /// The toggle the group's on/off command flips (ControlNet's `enabled`, wire rule 6).
    public var switchField: FieldSpec? { fields.first { $0.role == .itemSwitch } }

    /// The form-only key of the preset field in an item's form and its drafts (`args[0].@type`).
    public static let presetKey = "@type"
}

/// A named set of values an item can start from or be switched to (a
/// ControlNet control type: its module, model and thresholds).
public struct GroupPreset: Sendable, Equatable {
    public let name: String
    /// Other names it is found by, ignoring case ("Canny" for "canny").
    public let aliases: [String]
    /// The keys it sets, in order.
    public let values: [(key: String, value: JSONValue)]
    /// The choices offered for a key while an item is of this preset (its modules, its models).
    public let options: [String: [String]]
    /// Words that pick a key's fitting choices out of a longer list (a
    /// server's own ControlNet models: "depth" for the Depth type's), ignoring case.
    public let keywords: [String: [String]]

    public init(name: String, aliases: [String] = [], values: [(key: String, value: JSONValue)], options: [String: [String]] = [:],
                keywords: [String: [String]] = [:]) {
        self.name = name
        self.aliases = aliases
        self.values = values
        self.options = options
        self.keywords = keywords
    }

    public static func == (lhs: GroupPreset, rhs: GroupPreset) -> Bool {
        lhs.name == rhs.name && lhs.aliases == rhs.aliases && lhs.options == rhs.options
            && JSONValue.object(lhs.values) == JSONValue.object(rhs.values)
    }

    public func matches(_ name: String) -> Bool {
        let wanted = name.lowercased()
        return self.name.lowercased() == wanted || aliases.contains { $0.lowercased() == wanted }
    }
}

/// The presets of a group, and how an item's preset is recognised.
public struct GroupPresets: Sendable, Equatable {
    /// The preset field's label and hint in an item's form ("Control type").
    public let label: String
    public let hint: String
    /// The key whose value tells an item's preset (a ControlNet unit's module).
    public let by: String?
    /// Values of `by` that belong to no preset ("none").
    public let ignored: [String]
    public let presets: [GroupPreset]

    public init(label: String, hint: String = "", by: String? = nil, ignored: [String] = [], presets: [GroupPreset]) {
        self.label = label
        self.hint = hint
        self.by = by
        self.ignored = ignored
        self.presets = presets
    }

    public func preset(named name: String) -> GroupPreset? { presets.first { $0.matches(name) } }
}

/// Fields whose slider (range, default, sometimes label) follows the value
/// of another key: a ControlNet module's processor resolution and thresholds
/// (controlnet-catalog.md §2.3).
public struct GroupVariants: Sendable, Equatable {
    /// The key they follow (`module`).
    public let on: String
    /// The keys reset to the case's defaults when `on` changes.
    public let keys: [String]
    /// Keys shown only when the case gives them, under the case's label.
    public let caseOnly: Set<String>
    /// By value of `on` (a case may be listed under several values, a name and a label).
    public let cases: [String: GroupVariant]

    public init(on: String, keys: [String], caseOnly: Set<String> = [], cases: [String: GroupVariant]) {
        self.on = on
        self.keys = keys
        self.caseOnly = caseOnly
        self.cases = cases
    }
}

public struct GroupVariant: Sendable, Equatable {
    /// The canonical value of the key the variants follow.
    public let name: String
    public let sliders: [String: SliderSpec]
    /// Words rules test (`model_free`: the module needs no model).
    public let flags: Set<String>

    public init(name: String, sliders: [String: SliderSpec], flags: Set<String> = []) {
        self.name = name
        self.sliders = sliders
        self.flags = flags
    }
}

/// A rule across an item's keys, as data.
public enum GroupRule: Sendable, Equatable {
    /// `field` is never below `other` (guidance end not below guidance start):
    /// typing a lower value is refused, moving `other` past it carries it along.
    case notBelow(field: String, other: String)
    /// `field` needs a value other than `none` (ignoring case), unless the
    /// item's variant has the flag `unless`; with `orRequest`, a value at that
    /// path of the request will do; with `whenOn`, only items switched on need it.
    /// `message` may hold `{n}`, the item's number.
    case needsValue(field: String, none: [String], unless: String?, orRequest: String?, whenOn: Bool, message: String?)
}

/// An edit a rule refuses: the field, the one it may not go below, and that one's value.
public struct GroupRuleRefusal: Error, Equatable, Sendable {
    public let field: FieldSpec
    public let other: FieldSpec
    public let otherValue: Double
}

// MARK: Items

extension GroupSpec {
    /// A fresh item: every field's default, then the preset's values (its
    /// fitting model when the checkpoint's family is known).
    public func newItem(preset: GroupPreset? = nil, family: ModelFamily = .unknown) -> JSONValue {
        var item: [(key: String, value: JSONValue)] = []
        for field in fields {
            if let value = field.defaultValue, value != .null { item.append((field.path, value)) }
        }
        guard let preset else { return .object(item) }
        return applying(preset, to: .object(item), family: family)
    }

    /// The item switched to a preset: the keys it sets replaced, the keys
    /// that follow them reset, everything else (image, weight, unknown keys) kept.
    public func applying(_ preset: GroupPreset, to item: JSONValue, family: ModelFamily = .unknown) -> JSONValue {
        var out = item.objectValue == nil ? JSONValue.object([]) : item
        for (key, value) in preset.values { out.set(value, at: key) }
        // The model made for the checkpoint's base, where the preset lists one.
        if family != .unknown {
            for field in fields where field.role == .fitsCheckpoint {
                if let fitting = preset.options[field.path]?.first(where: { ModelFamily(modelName: $0) == family }) {
                    out.set(.string(fitting), at: field.path)
                }
            }
        }
        if let variants, preset.values.contains(where: { $0.key == variants.on }) { out = resettingVariantKeys(out) }
        return remembering(preset, in: out)
    }

    /// The variant an item's value of `variants.on` selects, if the catalog knows it.
    public func variant(of item: JSONValue) -> GroupVariant? {
        guard let variants, let value = item[variants.on]?.stringValue else { return nil }
        return variants.cases[value]
    }

    /// The value `key` goes back to when reset in an item (issue 19: a canny
    /// unit's Low Threshold went to "not sent", not the 100 its control type
    /// chose): the item's variant's default for a key that follows
    /// `variants.on`, else the value its preset sets, else the field's default.
    public func resetValue(_ key: String, in item: JSONValue) -> JSONValue? {
        if let variants, variants.keys.contains(key), variant(of: item) != nil { return resettingVariantKeys(item)[key] }
        if let preset = preset(of: item), let value = preset.values.first(where: { $0.key == key })?.value { return value }
        guard let value = field(key)?.defaultValue, value != .null else { return nil }
        return value
    }

    /// The item's preset: the one whose choices for `by` hold the item's
    /// value (its canonical name), or which sets that value.
    public func preset(of item: JSONValue) -> GroupPreset? {
        guard let presets, let by = presets.by, let raw = item[by]?.stringValue else { return nil }
        let value = variant(of: item)?.name ?? raw
        if presets.ignored.contains(value) { return nil }
        return presets.presets.first { preset in
            preset.options[by]?.contains(value) == true || preset.values.contains { $0.key == by && $0.value == .string(value) }
        }
    }

    /// The keys that follow `variants.on` set to the case's defaults, left
    /// out where the case has none; kept when the catalog does not know the value.
    func resettingVariantKeys(_ item: JSONValue) -> JSONValue {
        guard let variants, let variant = variant(of: item) else { return item }
        var out = item
        for key in variants.keys {
            guard let slider = variant.sliders[key] else {
                out.set(nil, at: key)
                continue
            }
            out.set(isInteger(key) ? .int(Int(clamping: slider.defaultValue, to: Int.min...Int.max)) : .double(slider.defaultValue), at: key)
        }
        return out
    }

    private func isInteger(_ key: String) -> Bool {
        switch field(key)?.kind {
        case .integer?, .slider(_, integer: true)?: return true
        default: return false
        }
    }

    /// A field as it applies to this item: its slider as the item's variant
    /// gives it; nil when the field is shown only for variants that give it.
    public func resolvedField(_ key: String, in item: JSONValue) -> FieldSpec? {
        guard let field = field(key) else { return nil }
        guard let variants, variants.keys.contains(key) else { return field }
        let variant = variant(of: item)
        guard let slider = variant?.sliders[key] else { return variants.caseOnly.contains(key) ? nil : field }
        guard case let .slider(_, integer) = field.kind else { return field }
        let label = variants.caseOnly.contains(key) ? slider.label : field.label
        return field.with(kind: .slider(slider, integer: integer), label: label, minimum: slider.min, maximum: slider.max)
    }

    /// The item with `key` set to `value` (nil leaves it out), the rules
    /// applied: a value below the one it may not go below is refused, a
    /// value carried along, the keys following a changed `on` reset.
    public func setting(_ key: String, to value: JSONValue?, in item: JSONValue) throws(GroupRuleRefusal) -> JSONValue {
        var out = item.objectValue == nil ? JSONValue.object([]) : item
        let wire = normalize(out)
        for case let .notBelow(field, other) in rules where field == key {
            if let number = value?.numberValue, let floor = wire[other]?.numberValue, number < floor,
               let fieldSpec = self.field(field), let otherSpec = self.field(other) {
                throw GroupRuleRefusal(field: fieldSpec, other: otherSpec, otherValue: floor)
            }
        }
        out.set(value, at: key)
        if key == variants?.on { out = resettingVariantKeys(out) }
        for case let .notBelow(field, other) in rules where other == key {
            if let number = value?.numberValue, let current = wire[field]?.numberValue, current < number { out.set(value, at: field) }
        }
        return out
    }

    /// The lowest value a field may take in this item (a rule's floor), if any.
    public func floor(of key: String, in item: JSONValue) -> Double? {
        let wire = normalize(item)
        var lowest: Double?
        for case let .notBelow(field, other) in rules where field == key {
            if let value = wire[other]?.numberValue { lowest = max(lowest ?? value, value) }
        }
        return lowest
    }

    // MARK: The wire

    /// An item as the wire writes it: its fields in wire order, each with its
    /// default when unset and as its kind says (wire rules 5 and 6), then the
    /// keys no field names, in the order they came (nothing a user wrote is lost).
    public func normalize(_ item: JSONValue) -> JSONValue {
        guard let members = item.objectValue else { return item }
        var out: [(key: String, value: JSONValue)] = []
        for field in fields {
            let raw = members.first { $0.key == field.path }?.value
            if let value = WireCoding.encode(field, raw) { out.append((field.path, value)) }
        }
        for member in members where field(member.key) == nil { out.append(member) }
        return .object(out)
    }

    /// What reading an item noticed: a key written some other way, a missing
    /// key zqt writes anyway, a key no field names.
    func notes(_ item: JSONValue, path: String) -> [DecodeNote] {
        guard let members = item.objectValue else { return [] }
        var notes: [DecodeNote] = []
        for field in fields {
            let notePath = path + "." + field.path
            let raw = members.first { $0.key == field.path }?.value
            guard let raw, raw != .null else {
                // Wire rule 6: a server skips a unit without "enabled"; zqt sends it.
                if field.required, let value = field.defaultValue {
                    notes.append(DecodeNote(path: notePath, message: "missing; zqt sends \"\(field.path)\": \(JSONWriter.compact(value))"))
                }
                continue
            }
            if case let .choice(options, _) = field.kind, let option = options.first(where: { $0.aliases.contains(raw) }) {
                // Wire rule 5: an integer read from an older request becomes its string.
                notes.append(DecodeNote(path: notePath, message: "was \(JSONWriter.compact(raw)); zqt sends \(JSONWriter.compact(option.value))"))
            } else if case let .choice(options, false) = field.kind, !options.contains(where: { $0.value == WireCoding.coerce(field, raw) }) {
                let labels = options.map(\.label).joined(separator: ", ")
                notes.append(DecodeNote(path: notePath, message: "expected one of \(labels); sent as it is"))
            } else if let note = WireCoding.note(field, raw) {
                notes.append(DecodeNote(path: notePath, message: note))
            }
        }
        for member in members where field(member.key) == nil && member.key != Self.presetKey {
            // Issue 22: a slip of a field's name is said with the name it was likely meant to be.
            let hint = LikelyMistake.nearest(member.key, among: fields.map(\.path)).map { ", likely a mistake for \($0)" } ?? ""
            notes.append(DecodeNote(path: path + "." + member.key, message: "not a field zqt knows\(hint); kept and sent as it is"))
        }
        return notes
    }

    /// The row's summary: the template with each `{key}` replaced by the
    /// value as `text` gives it, `{@preset|fallback}` by the preset's name
    /// (`shownPreset`). An item whose `presets.by` value is one of `ignored`
    /// (a unit with preprocessor `none`) shows `noValue` for it ("no
    /// preprocessor"), and when it has no preset either the preset's token
    /// is left out with its separator: "Shuffle · no preprocessor · None",
    /// "no preprocessor · None", never "custom · none · None" (issue 20's re-check).
    public func summaryText(_ item: JSONValue, noValue: String? = nil, text: (FieldSpec, JSONValue) -> String) -> String {
        let wire = normalize(item)
        let shown = shownPreset(of: item)
        let ignoredBy = presets.flatMap { presets in
            presets.by.flatMap { by in wire[by]?.stringValue.map { presets.ignored.contains($0) } }
        } ?? false
        var out = ""
        var rest = Substring(summary)
        var dropSeparator = false
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let literal = dropSeparator ? "" : String(rest[..<open])
            dropSeparator = false
            let token = rest[rest.index(after: open)..<close]
            let parts = token.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            let fallback = parts.count > 1 ? String(parts[1]) : ""
            var value: String?
            if key == Self.presetKey {
                value = shown?.name ?? (ignoredBy && noValue != nil ? nil : fallback)
            } else if key == presets?.by, ignoredBy, let noValue {
                value = noValue
            } else if let field = resolvedField(key, in: wire) ?? self.field(key), let raw = wire[key] {
                value = text(field, raw)
            } else {
                value = fallback
            }
            if let value {
                out += literal + value
            } else if out.isEmpty {
                // Left out at the start: the separator after it goes with it.
                dropSeparator = true
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + (dropSeparator ? "" : rest)
    }

    /// The control type an item shows (its row, its form's Control type):
    /// the one chosen for it where its module does not tell it (kept under
    /// `presetKey`, never sent), else the one its module belongs to, else,
    /// for an item with no module (`none`), the one its model alone belongs
    /// to. A unit added as Shuffle on a server that has no Shuffle
    /// preprocessor or model is `none` and `None`, and is still Shuffle.
    public func shownPreset(of item: JSONValue) -> GroupPreset? {
        guard let presets else { return nil }
        if let chosen = item[Self.presetKey]?.stringValue, let preset = presets.preset(named: chosen) { return preset }
        let wire = normalize(item)
        if let preset = preset(of: wire) { return preset }
        guard let by = presets.by, let module = wire[by]?.stringValue, presets.ignored.contains(module),
              let modelField = fields.first(where: { $0.role == .fitsCheckpoint }),
              let model = wire[modelField.path]?.stringValue?.trimmed, !model.isEmpty, model.lowercased() != "none" else { return nil }
        let path = modelField.path, lowered = model.lowercased()
        let listing = presets.presets.filter { ($0.options[path] ?? []).contains { Self.sameModel($0, model) } }
        if listing.count == 1 { return listing[0] }
        let named = presets.presets.filter { preset in
            (preset.keywords[path] ?? []).contains { $0.lowercased() != "union" && lowered.contains($0.lowercased()) }
        }
        return named.count == 1 ? named[0] : nil
    }

    /// The item remembering the control type it was given when its module
    /// does not tell it (a server without the type's preprocessor); forgotten
    /// when the module tells it. Only the form reads it: the wire leaves it out.
    public func remembering(_ preset: GroupPreset, in item: JSONValue) -> JSONValue {
        var out = item
        out.set(nil, at: Self.presetKey)
        if self.preset(of: normalize(out))?.name != preset.name { out.set(.string(preset.name), at: Self.presetKey) }
        return out
    }

    /// The item as it is sent: normalized, without the form's own keys.
    public func onTheWire(_ item: JSONValue) -> JSONValue {
        var out = normalize(item)
        out.set(nil, at: Self.presetKey)
        return out
    }
}

extension FieldSpec {
    /// The same field with another kind, label and bounds (a variant's slider).
    func with(kind: FieldKind, label: String, minimum: Double? = nil, maximum: Double? = nil) -> FieldSpec {
        var spec = FieldSpec(path: path, label: label, help: help, hint: hint, kind: kind, required: required, defaultValue: defaultValue,
                             omitWhenEmpty: omitWhenEmpty, section: section, role: role, minimum: minimum ?? self.minimum, maximum: maximum ?? self.maximum,
                             multipleOf: multipleOf, dimmedUnless: dimmedUnless, formIndex: formIndex, inForm: inForm,
                             requiredByZqtOnly: requiredByZqtOnly)
        spec.inlineImage = inlineImage
        spec.serverList = serverList
        return spec
    }
}
