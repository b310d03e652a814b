// The compose form as data: which fields there are, what kind each is, how
// its value is shown and how typed text is read back into the request.
// Each field names its wire path, which ties it to the JSON preview's
// highlight and to validation problems.

import Model

enum UnitField: String, CaseIterable, Hashable, Sendable {
    case controlType, enabled, module, model, weight, guidanceStart, guidanceEnd
    case thresholdA, thresholdB, processorRes, pixelPerfect, lowVram
    case resizeMode, controlMode, hrOption, imageLink
}

enum FieldID: Hashable, Sendable {
    case prompt, negativePrompt
    case sampler, steps, cfgScale, seed, sizePreset, width, height, nIter, batchSize, resizeMode
    case enableHR, hrScale, hrSecondPassSteps, hrResizeX, hrResizeY, denoisingStrength
    case checkpoint, vae, outputFormat, imageLink, restoreFaces, overrideSettings, idTask
    case unitRow(Int)
    case addUnit
    case unit(Int, UnitField)
}

enum FieldKind: Equatable, Sendable {
    /// Free text; `lines` is how many rows the form gives it.
    case text(lines: Int)
    /// A number with a bar; `integer` values print without a fraction.
    case slider(SliderSpec, integer: Bool)
    case integer
    case toggle
    /// A pick from `options`; `freeText` also accepts anything typed.
    case choice(options: [String], freeText: Bool)
    case unitRow
    case action
}

struct FormField: Sendable {
    let id: FieldID
    let label: String
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
}

/// A reason typed text could not be used; the text is kept and marked.
struct FieldInputError: Error, Equatable {
    let message: String
}

enum FormSchema {
    static let sizePresets = ["512×512", "768×768", "512×768", "768×512", "1024×1024", "832×1216", "1216×832", "1024×576", "576×1024"]
    static let resizeModes = ["0 just resize", "1 crop and resize", "2 resize and fill", "3 just resize (latent upscale)"]
    static let outputFormats = ["png", "jpg", "webp"]
    static let vaes = ["vae-ft-mse-840000-ema-pruned.vae.pt", "vae-ft-mse-840000-ema-pruned.safetensors", "kl-f8-anime2.ckpt", "sdxl_vae.safetensors"]
    static let notSent = "(not sent)"

    static let steps = SliderSpec(label: "Steps", min: 1, max: 150, defaultValue: 20, step: 1)
    static let cfg = SliderSpec(label: "CFG scale", min: 1, max: 30, defaultValue: 7, step: 0.5)
    static let hrScale = SliderSpec(label: "hr_scale", min: 1, max: 4, defaultValue: 2, step: 0.05)
    static let denoising = SliderSpec(label: "Denoising", min: 0, max: 1, defaultValue: 0.55, step: 0.01)
    static let nIter = SliderSpec(label: "Batches", min: 1, max: 100, defaultValue: 1, step: 1)
    static let batchSize = SliderSpec(label: "Batch size", min: 1, max: 8, defaultValue: 1, step: 1)
    static let secondPass = SliderSpec(label: "Second pass steps", min: 0, max: 150, defaultValue: 0, step: 1)
    static let weight = SliderSpec(label: "Weight", min: 0, max: 2, defaultValue: 1, step: 0.05)
    static let guidance = SliderSpec(label: "Guidance", min: 0, max: 1, defaultValue: 0, step: 0.01)
    static let processorRes = SliderSpec(label: "Preprocessor resolution", min: 64, max: 2048, defaultValue: 512, step: 8)

    /// The main form's fields, top to bottom.
    static func mainFields(_ request: SDRequest, checkpoints: [String]) -> [FormField] {
        let hrOff = !request.enableHR
        var fields: [FormField] = [
            FormField(id: .prompt, label: "Prompt", wirePath: "prompt", kind: .text(lines: 4), section: "Prompt"),
            FormField(id: .negativePrompt, label: "Negative prompt", wirePath: "negative_prompt", kind: .text(lines: 3)),
            FormField(id: .sampler, label: "Sampler", wirePath: "sampler_index",
                      kind: .choice(options: ControlNetCatalog.samplers, freeText: true), section: "Sampling"),
            FormField(id: .steps, label: "Steps", wirePath: "steps", kind: .slider(steps, integer: true)),
            FormField(id: .cfgScale, label: "CFG scale", wirePath: "cfg_scale", kind: .slider(cfg, integer: false)),
            FormField(id: .seed, label: "Seed", wirePath: "seed", kind: .integer, hint: "-1 = random"),
            FormField(id: .sizePreset, label: "Size preset", wirePath: "width",
                      kind: .choice(options: sizePresets, freeText: false), hint: "sets width and height"),
            FormField(id: .width, label: "Width", wirePath: "width", kind: .integer, hint: "px, multiple of 8"),
            FormField(id: .height, label: "Height", wirePath: "height", kind: .integer, hint: "px, multiple of 8"),
            FormField(id: .nIter, label: "Batches (n_iter)", wirePath: "n_iter", kind: .slider(nIter, integer: true)),
            FormField(id: .batchSize, label: "Batch size", wirePath: "batch_size", kind: .slider(batchSize, integer: true)),
            FormField(id: .resizeMode, label: "Resize mode", wirePath: "resize_mode", kind: .choice(options: resizeModes, freeText: false)),
            FormField(id: .enableHR, label: "Hi-res fix", wirePath: "enable_hr", kind: .toggle, section: "Hi-res"),
            FormField(id: .hrScale, label: "Upscale by", wirePath: "hr_scale", kind: .slider(hrScale, integer: false), dimmed: hrOff),
            FormField(id: .hrSecondPassSteps, label: "Second pass steps", wirePath: "hr_second_pass_steps",
                      kind: .slider(secondPass, integer: true), dimmed: hrOff, hint: "0 = same as steps", optional: true),
            // Wire rule 7: x is the width, y the height, whatever the service's docs say (§A4).
            FormField(id: .hrResizeX, label: "Resize to width", wirePath: "hr_resize_x", kind: .integer, dimmed: hrOff,
                      hint: "hr_resize_x · 0 = use scale", optional: true),
            FormField(id: .hrResizeY, label: "Resize to height", wirePath: "hr_resize_y", kind: .integer, dimmed: hrOff,
                      hint: "hr_resize_y · 0 = use scale", optional: true),
            FormField(id: .denoisingStrength, label: "Denoising strength", wirePath: "denoising_strength",
                      kind: .slider(denoising, integer: false), dimmed: hrOff, optional: true),
            FormField(id: .checkpoint, label: "Checkpoint", wirePath: "alwayson_scripts.sd_model_checkpoint",
                      kind: .choice(options: checkpoints, freeText: true), section: "Model and output"),
            FormField(id: .vae, label: "VAE", wirePath: "alwayson_scripts.sd_vae", kind: .choice(options: vaes, freeText: true), optional: true),
            FormField(id: .outputFormat, label: "Output format", wirePath: "alwayson_scripts.output_image_format",
                      kind: .choice(options: outputFormats, freeText: true), optional: true),
            FormField(id: .imageLink, label: "Image link", wirePath: "alwayson_scripts.image_link", kind: .text(lines: 1),
                      hint: "http(s) URL", optional: true),
            FormField(id: .restoreFaces, label: "Restore faces", wirePath: "restore_faces", kind: .toggle),
            FormField(id: .overrideSettings, label: "Override settings", wirePath: "alwayson_scripts.override_settings",
                      kind: .text(lines: 1), hint: "JSON object", optional: true),
            FormField(id: .idTask, label: "id_task", wirePath: "alwayson_scripts.id_task", kind: .text(lines: 1)),
        ]
        let units = request.controlNetUnits ?? []
        for index in units.indices {
            fields.append(FormField(id: .unitRow(index), label: "Unit \(index + 1)",
                                    wirePath: "alwayson_scripts.controlnet.args[\(index)]", kind: .unitRow,
                                    section: index == 0 ? "ControlNet units (\(units.count))" : nil))
        }
        fields.append(FormField(id: .addUnit, label: "+ Add a ControlNet unit…", wirePath: "alwayson_scripts.controlnet",
                                kind: .action, section: units.isEmpty ? "ControlNet units (0)" : nil))
        return fields
    }

    /// A unit's sub-form. Threshold sliders follow the module and are left out
    /// when it has none (controlnet-catalog.md §2.3).
    static func unitFields(_ unit: ControlNetUnit, index: Int) -> [FormField] {
        let path = "alwayson_scripts.controlnet.args[\(index)]"
        let type = ControlNetCatalog.controlType(forModule: unit.module)
        let module = ControlNetCatalog.module(named: unit.module)
        let moduleOptions = type?.modules ?? ControlNetCatalog.moduleList.map(\.name)
        var modelOptions = type?.models ?? []
        if !modelOptions.contains("None") { modelOptions.append("None") }
        var fields: [FormField] = [
            FormField(id: .unit(index, .controlType), label: "Control type", wirePath: path + ".module",
                      kind: .choice(options: ControlNetCatalog.controlTypes.map(\.serviceName), freeText: false),
                      hint: "presets module, model, thresholds", section: "ControlNet unit \(index + 1)"),
            FormField(id: .unit(index, .enabled), label: "Enabled", wirePath: path + ".enabled", kind: .toggle),
            FormField(id: .unit(index, .imageLink), label: "Control image", wirePath: path + ".image_link",
                      kind: .text(lines: 1), hint: "http(s) URL", optional: true),
            FormField(id: .unit(index, .module), label: "Preprocessor", wirePath: path + ".module",
                      kind: .choice(options: moduleOptions, freeText: true)),
            FormField(id: .unit(index, .model), label: "Model", wirePath: path + ".model",
                      kind: .choice(options: modelOptions, freeText: true)),
            FormField(id: .unit(index, .weight), label: "Weight", wirePath: path + ".weight", kind: .slider(weight, integer: false)),
            FormField(id: .unit(index, .guidanceStart), label: "Guidance start", wirePath: path + ".guidance_start",
                      kind: .slider(guidance, integer: false)),
            FormField(id: .unit(index, .guidanceEnd), label: "Guidance end", wirePath: path + ".guidance_end",
                      kind: .slider(guidance, integer: false), hint: "never below start"),
        ]
        if let spec = module?.thresholdA {
            fields.append(FormField(id: .unit(index, .thresholdA), label: spec.label, wirePath: path + ".threshold_a",
                                    kind: .slider(spec, integer: spec.step >= 1), hint: "threshold_a"))
        }
        if let spec = module?.thresholdB {
            fields.append(FormField(id: .unit(index, .thresholdB), label: spec.label, wirePath: path + ".threshold_b",
                                    kind: .slider(spec, integer: spec.step >= 1), hint: "threshold_b"))
        }
        fields += [
            FormField(id: .unit(index, .processorRes), label: "Preprocessor res", wirePath: path + ".processor_res",
                      kind: .slider(module?.processorRes ?? processorRes, integer: true), optional: true),
            FormField(id: .unit(index, .pixelPerfect), label: "Pixel perfect", wirePath: path + ".pixel_perfect", kind: .toggle),
            FormField(id: .unit(index, .lowVram), label: "Low VRAM", wirePath: path + ".low_vram", kind: .toggle),
            FormField(id: .unit(index, .resizeMode), label: "Resize mode", wirePath: path + ".resize_mode",
                      kind: .choice(options: ControlNetCatalog.unitResizeModes, freeText: false)),
            FormField(id: .unit(index, .controlMode), label: "Control mode", wirePath: path + ".control_mode",
                      kind: .choice(options: ControlNetCatalog.controlModes, freeText: false)),
            FormField(id: .unit(index, .hrOption), label: "Hi-res option", wirePath: path + ".hr_option",
                      kind: .choice(options: [notSent] + ControlNetCatalog.hrOptions, freeText: false), optional: true),
        ]
        return fields
    }
}
