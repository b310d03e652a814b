// The compose form as data: which fields there are, what kind each is, how
// its value is shown and how typed text is read back into the request.
// Each field names its wire path, which ties it to the JSON preview's
// highlight and to validation problems.

import Model

/// A field of the form, named by its wire path (issue 7): the same name the
/// preview highlights, validation reports and the draft saves. Form-only
/// fields have paths starting with `@` (`@size`) or ending in one (a unit's `@type`).
struct FieldID: Hashable, Sendable, CustomStringConvertible {
    let path: String

    init(_ path: String) { self.path = path }

    var description: String { path }

    // A repeated group's places (GroupSpec.swift): `PATH[+]` its add action,
    // `PATH[n]` an item's row, `PATH[n].KEY` one of its fields, and
    // `PATH[n].@type` its preset; drafts are saved under these names.
    static func addItem(_ group: String) -> FieldID { FieldID(group + "[+]") }
    static func itemRow(_ group: String, _ index: Int) -> FieldID { FieldID("\(group)[\(index)]") }
    static func item(_ group: String, _ index: Int, _ key: String) -> FieldID { FieldID("\(group)[\(index)].\(key)") }

    /// The group item the path names, read from its shape; the caller checks
    /// that `group` is a group of the endpoint (`ItemPlace.field(in:)`).
    var itemPlace: ItemPlace? {
        if path.hasSuffix("[+]") { return ItemPlace(group: String(path.dropLast(3)), index: nil, key: nil) }
        guard let open = path.lastIndex(of: "[") else { return nil }
        let after = path[path.index(after: open)...]
        guard let close = after.firstIndex(of: "]"), let index = Int(after[..<close]), index >= 0 else { return nil }
        let rest = after[after.index(after: close)...]
        let group = String(path[..<open])
        if rest.isEmpty { return ItemPlace(group: group, index: index, key: nil) }
        guard rest.first == ".", rest.count > 1, !rest.dropFirst().contains("."), !rest.contains("[") else { return nil }
        return ItemPlace(group: group, index: index, key: String(rest.dropFirst()))
    }
}

/// Where in a repeated group a field of the form is.
struct ItemPlace: Hashable, Sendable {
    /// The group field's wire path.
    let group: String
    /// nil: the group's add action.
    let index: Int?
    /// nil: the item's row.
    let key: String?

    /// The group's field and spec on this endpoint, if `group` is one of its groups.
    func field(in endpoint: Endpoint) -> (field: FieldSpec, group: GroupSpec)? { endpoint.group(at: group) }
}

extension Endpoint {
    /// The repeated group whose items sit at this wire path, with its field.
    func group(at path: String) -> (field: FieldSpec, group: GroupSpec)? {
        guard let field = field(at: path), let spec = field.groupSpec else { return nil }
        return (field, spec)
    }
}

/// The item whose form is open.
struct ItemRef: Hashable, Sendable {
    let group: String
    let index: Int
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
    /// A repeated group's item, summarised; opens its form.
    case itemRow
    case action
}

struct FormField: Sendable {
    let id: FieldID
    let label: String
    /// The catalog's spec: the request's field, or an item's (nil for rows, actions and presets).
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
        if let list = spec.serverList { return list }
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
            // An A1111 server's own list (samplers, upscalers…) replaces the catalog's options once read (issue 20).
            if let list = spec.serverList, !lists[list].names.isEmpty { return .choice(options: lists[list].names, freeText: true) }
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
        guard let group = spec.groupSpec else { return [] }
        let count = request.items(of: spec).count
        var fields: [FormField] = []
        let heading = "\(spec.section ?? spec.label) (\(count))"
        for index in 0..<count {
            fields.append(FormField(id: .itemRow(spec.path, index), label: "\(group.rowLabel) \(index + 1)",
                                    wirePath: "\(spec.path)[\(index)]", kind: .itemRow,
                                    section: index == 0 ? heading : nil))
        }
        // The preview marks the object the items sit in (`alwayson_scripts.controlnet`).
        let container = spec.path.lastIndex(of: ".").map { String(spec.path[..<$0]) } ?? spec.path
        fields.append(FormField(id: .addItem(spec.path), label: Wording.addItemAction(group), wirePath: container,
                                kind: .action, section: count == 0 ? heading : nil))
        return fields
    }

    /// An item's form: its preset first, then its fields in the catalog's
    /// form order, each as the item's variant gives it; a field shown only
    /// for some variants is left out for the others (a module without thresholds).
    static func itemFields(_ field: FieldSpec, index: Int, in request: Request, lists: ModelLists = ModelLists()) -> [FormField] {
        guard let group = field.groupSpec, let item = request.wireItem(index, of: field) else { return [] }
        let path = "\(field.path)[\(index)]"
        var section: String? = "\(group.itemTitle) \(index + 1)"
        var fields: [FormField] = []
        let preset = group.preset(of: item)
        if let presets = group.presets {
            fields.append(FormField(id: .item(field.path, index, GroupSpec.presetKey), label: presets.label,
                                    wirePath: path + "." + (presets.by ?? GroupSpec.presetKey),
                                    kind: .choice(options: presets.presets.map(\.name), freeText: false),
                                    hint: presets.hint, section: section))
            section = nil
        }
        for base in group.formFields {
            guard let spec = group.resolvedField(base.path, in: item) else { continue }
            let optional = spec.omitWhenEmpty && !spec.required
            var kind = formKind(spec, lists: lists)
            if case let .choice(options, freeText) = kind {
                // The preset's own choices (a control type's modules and models); "(not sent)" to leave an optional one out.
                // A server's own list (an A1111 server's modules and models, issue 20) is what that server has: it wins.
                let serversOwn = spec.serverList.map { !lists[$0].names.isEmpty } ?? false
                let offered = serversOwn ? options : (preset?.options[spec.path] ?? options)
                kind = .choice(options: optional && !freeText ? [notSent] + offered : offered, freeText: freeText)
            }
            fields.append(FormField(id: .item(field.path, index, spec.path), label: spec.label, spec: spec,
                                    wirePath: path + "." + spec.path, kind: kind, hint: spec.hint, optional: optional, section: section))
            section = nil
        }
        return fields
    }
}
