// A unit's model follows its preprocessor (issue 20's screen findings: canny
// changed to depth kept the canny model). One rule for both kinds of server:
// when an item's `presets.by` value (a ControlNet unit's module) changes and
// its model (the field whose role is fits_checkpoint) is not one the module's
// control types take, the model becomes one they take — from the server's
// own list where it was read (an A1111 server's /controlnet/model_list),
// else from the catalog's — made for the checkpoint's base where one is, as
// issue 19's presets choose. A model that fits stays; a module that needs no
// model, or "none", changes nothing.

extension GroupSpec {
    /// What following the module did.
    public enum ModelFollow: Equatable, Sendable {
        /// The model fits (or the module takes none): nothing changed.
        case kept
        /// The model was set to `model`; `was` is the one it replaced (nil when there was none).
        case chosen(model: String, was: String?)
        /// No model on offer fits the module; `model` stays, made for another.
        case noneFits(model: String)
    }

    /// The item with its model fitting its module, and what was done.
    /// `offered`: the server's own model list when read, else nil (the catalog's are used).
    public func followingModule(_ item: JSONValue, family: ModelFamily, offered: [String]?) -> (item: JSONValue, follow: ModelFollow) {
        guard let presets, let by = presets.by, let raw = item[by]?.stringValue,
              let modelField = fields.first(where: { $0.role == .fitsCheckpoint }) else { return (item, .kept) }
        let module = variant(of: item)?.name ?? raw
        let path = modelField.path
        if presets.ignored.contains(module) || variant(of: item)?.flags.contains("model_free") == true { return (item, .kept) }
        // Every control type that offers the module (invert is canny's, lineart's and MLSD's).
        var types = presets.presets.filter { preset in
            preset.options[by]?.contains(module) == true || preset.values.contains { $0.key == by && $0.value == .string(module) }
        }
        // A server's module the catalog does not list (A1111's depth_midas, lineart_realistic): the types its name names.
        if types.isEmpty {
            let lowered = module.lowercased()
            types = presets.presets.filter { preset in
                (preset.keywords[path] ?? []).contains { $0.lowercased() != "union" && lowered.contains($0.lowercased()) }
            }
        }
        guard !types.isEmpty else { return (item, .kept) }
        func fits(_ model: String) -> Bool {
            let lowered = model.lowercased()
            return types.contains { type in
                (type.options[path] ?? []).contains { Self.sameModel($0, model) }
                    || (type.keywords[path] ?? []).contains { lowered.contains($0.lowercased()) }
            }
        }
        let current = item[path]?.stringValue?.trimmed ?? ""
        let hasModel = !current.isEmpty && current.lowercased() != "none"
        if hasModel, fits(current) { return (item, .kept) }
        var candidates: [String] = []
        for name in offered ?? types.flatMap({ $0.options[path] ?? [] }) where name.lowercased() != "none" && fits(name) && !candidates.contains(name) {
            candidates.append(name)
        }
        // Made for the checkpoint's base first, then a type's own model before an all-types ("union") one.
        let specific = Set(types.flatMap { $0.keywords[path] ?? [] }.filter { $0.lowercased() != "union" }.map { $0.lowercased() })
        func rank(_ name: String) -> Int {
            let base = family == .unknown || ModelFamily(modelName: name) == family ? 0 : 2
            let own = specific.isEmpty || specific.contains(where: { name.lowercased().contains($0) }) ? 0 : 1
            return base + own
        }
        guard let chosen = candidates.enumerated().min(by: { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) })?.element else {
            return (item, hasModel ? .noneFits(model: current) : .kept)
        }
        var out = item
        out.set(.string(chosen), at: path)
        return (out, .chosen(model: chosen, was: hasModel ? current : nil))
    }

    /// A model named with or without its bracketed hash ("control_v11p_sd15_canny" is "control_v11p_sd15_canny [d14c016b]").
    static func sameModel(_ a: String, _ b: String) -> Bool {
        func bare(_ name: String) -> String { String(name.prefix { $0 != "[" }).trimmed.lowercased() }
        return bare(a) == bare(b)
    }
}

// A control type chosen on a form for a server that lists its own modules and
// models (an A1111 server's /controlnet/module_list and model_list): the
// catalog's default names may be ones that server lacks (issue 20, newcomer's
// re-check: `depth` sent `module: "depth"` and failed with HTTP 500 where the
// server has depth_midas). The preset's module and model are then picked from
// the server's lists by the control type's names and keywords, and where the
// server has none, the item says so rather than carry a name it lacks.

extension GroupSpec {
    /// What fitting a new item to a server's lists did.
    public struct ServerFit: Equatable, Sendable {
        /// The module now set, when it differs from the preset's (nil: unchanged).
        public var module: String?
        /// The model now set, when it differs from the preset's (nil: unchanged).
        public var model: String?
        /// The server lists no module of the control type (the module is set to the group's "none").
        public var noModule = false
        /// The server lists no model of the control type (the model is set to "None").
        public var noModel = false

        public var changed: Bool { module != nil || model != nil || noModule || noModel }
    }

    /// A preset's fresh item with its module and model taken from the server's
    /// lists (`modules`, `models`: nil or empty when not read, then nothing changes).
    public func fittingServer(_ item: JSONValue, preset: GroupPreset, modules: [String]?, models: [String]?,
                              family: ModelFamily) -> (item: JSONValue, fit: ServerFit) {
        guard let presets, let by = presets.by, let modelField = fields.first(where: { $0.role == .fitsCheckpoint }) else {
            return (item, ServerFit())
        }
        var out = item
        var fit = ServerFit()
        let path = modelField.path
        let keywords = (preset.keywords[path] ?? []).map { $0.lowercased() }.filter { $0 != "union" }
        // The model first, while the module is still the catalog's (followingModule knows its type).
        if let models, !models.isEmpty, let current = out[path]?.stringValue, current.lowercased() != "none",
           !models.contains(where: { Self.sameModel($0, current) }) {
            out.set(.string(""), at: path)
            let (followed, follow) = followingModule(out, family: family, offered: models)
            if case let .chosen(model, _) = follow {
                out = followed
                fit.model = model
            } else {
                out.set(.string("None"), at: path)
                fit.noModel = true
            }
        }
        // Then the module: the server's modules the type's keywords name, in the server's order
        // (depth_midas for depth), else the preset's own choices it has (not one shared with another type, like invert).
        if let modules, !modules.isEmpty, let current = out[by]?.stringValue, !presets.ignored.contains(current),
           !modules.contains(current) {
            let shared = Set(presets.presets.filter { $0.name != preset.name }.flatMap { $0.options[by] ?? [] })
            let own = (preset.options[by] ?? []).filter { !presets.ignored.contains($0) && !shared.contains($0) && modules.contains($0) }
            let named = modules.filter { name in
                !presets.ignored.contains(name) && keywords.contains { name.lowercased().contains($0) }
            }
            if let chosen = (named + own).first {
                out.set(.string(chosen), at: by)
                fit.module = chosen
            } else {
                out.set(.string(presets.ignored.first ?? "none"), at: by)
                fit.noModule = true
            }
            out = resettingVariantKeys(out)
        }
        // Its type stays said on its row when neither name tells it any more (`none`, `None`).
        return (remembering(preset, in: out), fit)
    }
}
