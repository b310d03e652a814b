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
