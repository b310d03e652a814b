// The compose form to and from the history's saved draft (issue 4): the
// request, plus any text typed into a field that could not use it yet, plus
// the text of an edit still in progress, so killing the terminal loses at
// most the moments since the last save.

import Model

extension FieldID {
    private static let simple: [(FieldID, String)] = [
        (.prompt, "prompt"), (.negativePrompt, "negative_prompt"), (.sampler, "sampler"), (.steps, "steps"),
        (.cfgScale, "cfg_scale"), (.seed, "seed"), (.sizePreset, "size"), (.width, "width"), (.height, "height"),
        (.nIter, "n_iter"), (.batchSize, "batch_size"), (.resizeMode, "resize_mode"), (.enableHR, "enable_hr"),
        (.hrScale, "hr_scale"), (.hrSecondPassSteps, "hr_second_pass_steps"), (.hrResizeX, "hr_resize_x"),
        (.hrResizeY, "hr_resize_y"), (.denoisingStrength, "denoising_strength"), (.checkpoint, "checkpoint"),
        (.vae, "vae"), (.outputFormat, "output_format"), (.imageLink, "image_link"), (.restoreFaces, "restore_faces"),
        (.overrideSettings, "override_settings"), (.idTask, "id_task"), (.addUnit, "add_unit"),
    ]

    /// A stable name for saving: "steps", "unit.0.weight".
    var key: String {
        switch self {
        case let .unitRow(index): return "unit_row.\(index)"
        case let .unit(index, field): return "unit.\(index).\(field.rawValue)"
        default: return Self.simple.first { $0.0 == self }?.1 ?? "?"
        }
    }

    init?(key: String) {
        let parts = key.split(separator: ".")
        if parts.count == 3, parts[0] == "unit", let index = Int(parts[1]), let field = UnitField(rawValue: String(parts[2])) {
            self = .unit(index, field)
        } else if parts.count == 2, parts[0] == "unit_row", let index = Int(parts[1]) {
            self = .unitRow(index)
        } else if let found = Self.simple.first(where: { $0.1 == key }) {
            self = found.0
        } else {
            return nil
        }
    }
}

enum DraftCodec {
    /// What to save of the form now.
    static func draft(of state: AppState) -> ComposeDraft {
        var typed: [String: String] = [:]
        for (field, draft) in state.drafts { typed[field.key] = draft.text }
        // An edit in progress whose text the request does not hold yet (a
        // number half typed) is kept as typed text too.
        if let editing = state.view.editing,
           editing.buffer.text != FieldValues.text(of: editing.field, in: state.request) {
            typed[editing.field.key] = editing.buffer.text
        }
        return ComposeDraft(endpoint: state.endpoint, requestJSON: state.request.wireJSON, fieldDrafts: typed)
    }

    /// Puts a saved draft back into the form. Typed text is checked again, so
    /// it comes back marked with the same message as before.
    static func restore(_ draft: ComposeDraft, into state: inout AppState) {
        guard let decoded = try? SDRequest.decode(json: draft.requestJSON) else { return }
        state.request = decoded.request
        state.endpoint = draft.endpoint
        state.drafts = [:]
        for (key, text) in draft.fieldDrafts {
            guard let field = FieldID(key: key) else { continue }
            var scratch = state.request
            do {
                try FieldValues.apply(text, to: field, in: &scratch)
                state.request = scratch  // usable after all (an edit that was in progress)
            } catch {
                state.drafts[field] = Draft(text: text, message: error.message)
            }
        }
    }
}
