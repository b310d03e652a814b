// Validation of an SD request: a pure function from a request to every
// problem it has, each with its wire path and a message a user understands.
//
// An invalid request is still a value: the form holds it, the preview shows
// it and history saves it; only sending is refused. The sandbox answers with
// the first of these problems, as the real service would (issue 2).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public struct ValidationProblem: Equatable, Sendable, CustomStringConvertible {
    /// The wire path, e.g. `steps` or `alwayson_scripts.controlnet.args[1].guidance_end`.
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

public enum RequestValidator {
    public static func validate(_ request: SDRequest, for endpoint: Endpoint = .controlNet) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        func fail(_ path: String, _ message: String) { problems.append(ValidationProblem(path: path, message: message)) }
        func range<T: Comparable & CustomStringConvertible>(_ path: String, _ value: T, _ low: T, _ high: T, _ name: String) {
            if value < low || value > high { fail(path, "\(name) must be between \(low) and \(high) (is \(value))") }
        }
        func rangeD(_ path: String, _ value: Double, _ low: Double, _ high: Double, _ name: String) {
            if !(value >= low && value <= high) {
                fail(path, "\(name) must be between \(fmt(low)) and \(fmt(high)) (is \(fmt(value)))")
            }
        }
        func dimension(_ path: String, _ value: Int, _ name: String) {
            if value < 64 || value > 2048 {
                fail(path, "\(name) must be between 64 and 2048 pixels (is \(value))")
            } else if value % 8 != 0 {
                fail(path, "\(name) must be a multiple of 8 (is \(value); try \(value / 8 * 8) or \(value / 8 * 8 + 8))")
            }
        }

        if request.prompt.trimmed.isEmpty {
            fail("prompt", "the prompt is required")
        }
        range("n_iter", request.nIter, 1, 100, "n_iter (batches)")
        range("batch_size", request.batchSize, 1, 8, "batch_size (images per batch)")
        range("steps", request.steps, 1, 150, "steps")
        if request.seed < -1 { fail("seed", "seed must be -1 (random) or a non-negative number (is \(request.seed))") }
        rangeD("hr_scale", request.hrScale, 1, 4, "hr_scale")
        dimension("width", request.width, "width")
        dimension("height", request.height, "height")
        rangeD("cfg_scale", request.cfgScale, 1, 30, "cfg_scale")
        if request.samplerIndex.trimmed.isEmpty {
            fail("sampler_index", "choose a sampler")
        }
        if let steps = request.hrSecondPassSteps { range("hr_second_pass_steps", steps, 0, 150, "hr_second_pass_steps") }
        for (key, value, name) in [("hr_resize_x", request.hrResizeX, "hr_resize_x (hi-res width)"),
                                   ("hr_resize_y", request.hrResizeY, "hr_resize_y (hi-res height)")] {
            guard let value, value != 0 else { continue }  // 0 = use hr_scale
            if value < 64 || value > 8192 {
                fail(key, "\(name) must be 0 (use hr_scale) or between 64 and 8192 pixels (is \(value))")
            } else if value % 8 != 0 {
                fail(key, "\(name) must be a multiple of 8 (is \(value))")
            }
        }
        if let strength = request.denoisingStrength { rangeD("denoising_strength", strength, 0, 1, "denoising_strength") }
        range("resize_mode", request.resizeMode, 0, 3, "resize_mode")

        if request.idTask.trimmed.isEmpty {
            fail("alwayson_scripts.id_task", "id_task is required (zqt generates one; regenerate it)")
        } else if request.idTask.contains(where: { $0.isWhitespace }) {
            fail("alwayson_scripts.id_task", "id_task must not contain spaces")
        }
        if endpoint != .text2Image, request.sdModelCheckpoint.trimmed.isEmpty {
            fail("alwayson_scripts.sd_model_checkpoint", "choose a checkpoint model (sd_model_checkpoint)")
        }
        if let link = request.imageLink, let message = urlProblem(link) {
            fail("alwayson_scripts.image_link", message)
        }
        if let settings = request.overrideSettings, settings.objectValue == nil {
            fail("alwayson_scripts.override_settings", "override_settings must be a JSON object like {\"CLIP_stop_at_last_layers\": 2}")
        }

        if endpoint == .controlNet {
            let units = request.controlNetUnits ?? []
            if units.isEmpty {
                fail("alwayson_scripts.controlnet.args", "add at least one ControlNet unit")
            }
        }
        for (index, unit) in (request.controlNetUnits ?? []).enumerated() {
            problems += validate(unit, path: "alwayson_scripts.controlnet.args[\(index)]")
        }
        return problems
    }

    public static func validate(_ unit: ControlNetUnit, path: String) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        func fail(_ key: String, _ message: String) { problems.append(ValidationProblem(path: path + "." + key, message: message)) }
        func rangeD(_ key: String, _ value: Double, _ low: Double, _ high: Double, _ name: String) {
            if !(value >= low && value <= high) {
                fail(key, "\(name) must be between \(fmt(low)) and \(fmt(high)) (is \(fmt(value)))")
            }
        }

        if let link = unit.imageLink, let message = urlProblem(link) { fail("image_link", message) }
        let module = ControlNetCatalog.module(named: unit.module)
        if unit.module.trimmed.isEmpty {
            fail("module", "choose a preprocessor (module), or \"none\"")
        }
        let needsModel = !(module?.modelFree ?? false)
        let model = unit.model.trimmed
        if needsModel, model.isEmpty || model.lowercased() == "none" {
            fail("model", "choose a ControlNet model for this unit")
        }
        rangeD("weight", unit.weight, 0, 2, "weight")
        if !ControlNetCatalog.unitResizeModes.contains(unit.resizeMode) {
            fail("resize_mode", "resize_mode must be one of: \(ControlNetCatalog.unitResizeModes.joined(separator: ", "))")
        }
        if let res = unit.processorRes, res < 64 || res > 2048 {
            fail("processor_res", "processor_res must be between 64 and 2048 (is \(res))")
        }
        // Thresholds are checked only against a module that has them; a module
        // without them ignores whatever is sent (the service's example sends 64).
        if let spec = module?.thresholdA, let value = unit.thresholdA {
            rangeD("threshold_a", value, spec.min, spec.max, "\(spec.label) (threshold_a)")
        }
        if let spec = module?.thresholdB, let value = unit.thresholdB {
            rangeD("threshold_b", value, spec.min, spec.max, "\(spec.label) (threshold_b)")
        }
        rangeD("guidance_start", unit.guidanceStart, 0, 1, "guidance_start")
        rangeD("guidance_end", unit.guidanceEnd, 0, 1, "guidance_end")
        if unit.guidanceStart > unit.guidanceEnd {
            fail("guidance_end", "guidance_end (\(fmt(unit.guidanceEnd))) must not be below guidance_start (\(fmt(unit.guidanceStart)))")
        }
        if !ControlNetCatalog.controlModes.contains(unit.controlMode) {
            fail("control_mode", "control_mode must be one of: \(ControlNetCatalog.controlModes.joined(separator: ", "))")
        }
        if let option = unit.hrOption, !ControlNetCatalog.hrOptions.contains(option) {
            fail("hr_option", "hr_option must be one of: \(ControlNetCatalog.hrOptions.joined(separator: ", "))")
        }
        return problems
    }

    /// nil when the text is an http(s) URL with a host; else why not.
    public static func urlProblem(_ text: String) -> String? {
        let trimmed = text.trimmed
        if trimmed.isEmpty { return nil }  // empty = not set
        guard let components = URLComponents(string: trimmed),
              let scheme = components.scheme?.lowercased() else {
            return "not a URL: expected http://… or https://…"
        }
        guard scheme == "http" || scheme == "https" else {
            return "must be an http:// or https:// URL (is \(scheme):)"
        }
        guard let host = components.host, !host.isEmpty else { return "the URL has no host" }
        return nil
    }

    static func fmt(_ d: Double) -> String { JSONWriter.formatNumber(d) }
}
