// ControlNet units in `alwayson_scripts.controlnet.args`, read as the
// extension reads them (internal_controlnet/args.py ControlNetUnit): a unit
// is an object; `enabled` defaults to false, so a unit that does not say
// `"enabled": true` does nothing; module and model must be in its lists;
// weight 0–2, guidance start and end 0–1; resize and control mode by name
// or number. The extension raises while processing, so a bad unit is
// answered by A1111's error handler: HTTP 500 with pydantic's text in
// `errors`.

import Model

enum A1111ControlNet {
    static let resizeModes = ["Just Resize", "Crop and Resize", "Resize and Fill"]
    static let controlModes = ["Balanced", "My prompt is more important", "ControlNet is more important"]

    static func units(_ args: JSONValue, kind: A1111Service.GenerationKind,
                      initFingerprint: Int?) -> Result<[A1111ControlUnit], A1111Refusal> {
        guard let list = args.arrayValue else {
            return .failure(validation("args", "value is not a valid list", "type_error.list"))
        }
        var units: [A1111ControlUnit] = []
        for item in list {
            guard let members = item.objectValue else {
                return .failure(validation("__root__", "a unit is an object of named fields", "type_error.dict"))
            }
            let unit = JSONValue.object(members)
            func issue(_ field: String, _ message: String, _ type: String = "value_error") -> Result<[A1111ControlUnit], A1111Refusal> {
                .failure(validation(field, message, type))
            }
            func number(_ field: String, _ fallback: Double, within range: ClosedRange<Double>? = nil) -> Result<Double, A1111Refusal> {
                guard let value = unit[field], value != .null else { return .success(fallback) }
                guard let number = value.numberValue ?? value.stringValue.flatMap(Double.init), number.isFinite else {
                    return .failure(validation(field, "value is not a valid float", "type_error.float"))
                }
                if let range, !range.contains(number) {
                    let bound = number < range.lowerBound ? "greater than or equal to \(A1111Infotext.number(range.lowerBound))"
                        : "less than or equal to \(A1111Infotext.number(range.upperBound))"
                    return .failure(validation(field, "ensure this value is \(bound)",
                                               number < range.lowerBound ? "value_error.number.not_ge" : "value_error.number.not_le"))
                }
                return .success(number)
            }
            func flag(_ field: String, _ fallback: Bool) -> Result<Bool, A1111Refusal> {
                guard let value = unit[field], value != .null else { return .success(fallback) }
                switch value {
                case let .bool(flag): return .success(flag)
                case let .int(number) where number == 0 || number == 1: return .success(number == 1)
                default: return .failure(validation(field, "value could not be parsed to a boolean", "type_error.bool"))
                }
            }
            func choice(_ field: String, _ names: [String], fallback: Int, aliases: [String: String] = [:]) -> Result<String, A1111Refusal> {
                guard let value = unit[field], value != .null else { return .success(names[fallback]) }
                if let index = value.numberValue.flatMap({ Int(exactly: $0) }), names.indices.contains(index) { return .success(names[index]) }
                if let name = value.stringValue, let known = names.first(where: { $0 == name }) ?? aliases[name] { return .success(known) }
                let permitted = names.map { "'\($0)'" }.joined(separator: ", ")
                return .failure(validation(field, "value is not a valid enumeration member; permitted: \(permitted)", "type_error.enum"))
            }

            let enabled: Bool
            switch flag("enabled", false) {
            case let .failure(refusal): return .failure(refusal)
            case let .success(value): enabled = value
            }
            guard enabled else { continue }
            let module = unit["module"]?.stringValue ?? "none"
            guard A1111Lists.controlNetModule(named: module) else {
                return issue("module", "module(\(module)) not found in supported modules.")
            }
            let modelName = unit["model"]?.stringValue ?? "None"
            let modelFree = module == "reference_only"
            var model = modelName
            if !modelFree {
                guard modelName != "None", !modelName.isEmpty else {
                    return .failure(A1111Refusal(response: A1111Service.error(status: 500, type: "RuntimeError",
                                                                              errors: "You have not selected any ControlNet Model.")))
                }
                guard let known = A1111Lists.controlNetModel(named: modelName) else {
                    return issue("model", "model(\(modelName)) not found in supported models.")
                }
                model = known
            }
            let picture: Int?
            switch unit["image"] ?? unit["input_image"] ?? .null {
            case .null: picture = nil
            case let .string(text):
                guard let bytes = A1111Images.decode(text) else {
                    return .failure(A1111Refusal(response: A1111Service.error(status: 500, type: "HTTPException", detail: "Invalid encoded image")))
                }
                picture = A1111Images.fingerprint(bytes)
            case let .object(parts):
                guard let text = JSONValue.object(parts)["image"]?.stringValue, let bytes = A1111Images.decode(text) else {
                    return .failure(A1111Refusal(response: A1111Service.error(status: 500, type: "HTTPException", detail: "Invalid encoded image")))
                }
                picture = A1111Images.fingerprint(bytes)
            default:
                return issue("image", "Unrecognized image format.")
            }
            guard let fingerprint = picture ?? (kind == .img2img ? initFingerprint : nil) ?? (modelFree ? 0 : nil) else {
                return .failure(A1111Refusal(response: A1111Service.error(status: 500, type: "ValueError",
                                                                          errors: "controlnet is enabled but no input image is given")))
            }
            let resizeAliases = ["Inner Fit (Scale to Fit)": "Crop and Resize", "Outer Fit (Shrink to Fit)": "Resize and Fill",
                                 "Scale to Fit (Inner Fit)": "Crop and Resize", "Envelope (Outer Fit)": "Resize and Fill"]
            do {
                let weight = try number("weight", 1, within: 0...2).get()
                let start = try number("guidance_start", 0, within: 0...1).get()
                let end = try number("guidance_end", 1, within: 0...1).get()
                let resolution = try number("processor_res", -1).get()
                let thresholdA = try number("threshold_a", -1).get()
                let thresholdB = try number("threshold_b", -1).get()
                let pixelPerfect = try flag("pixel_perfect", false).get()
                let save = try flag("save_detected_map", true).get()
                let resize = try choice("resize_mode", resizeModes, fallback: 1, aliases: resizeAliases).get()
                let control = try choice("control_mode", controlModes, fallback: 0).get()
                units.append(A1111ControlUnit(
                    module: module, model: model, weight: weight, resizeMode: resize,
                    processorResolution: Int(exactly: resolution.rounded(.towardZero)) ?? -1, thresholdA: thresholdA,
                    thresholdB: thresholdB, guidanceStart: start, guidanceEnd: end, pixelPerfect: pixelPerfect,
                    controlMode: control, saveDetectedMap: save, pictureFingerprint: fingerprint ^ module.count))
            } catch {
                return .failure(error)
            }
        }
        return .success(units)
    }

    /// The error A1111 answers when a unit fails pydantic's checks inside the extension.
    private static func validation(_ field: String, _ message: String, _ type: String) -> A1111Refusal {
        A1111Refusal(response: A1111Service.error(status: 500, type: "ValidationError",
                                                  errors: "1 validation error for ControlNetUnit\n\(field)\n  \(message) (type=\(type))"))
    }
}
