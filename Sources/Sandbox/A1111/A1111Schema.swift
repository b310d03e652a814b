// The request bodies A1111 accepts, checked as FastAPI checks them: its
// models (modules/api/models.py) are pydantic models generated from the
// processing classes' parameters, every field optional with a default, an
// unknown field ignored. A value of the wrong type is coerced where pydantic
// (v1, which A1111 1.x pins) coerces it ("20" for an int, 7 for a float),
// else the call is refused with 422 and a `detail` list of {loc, msg, type}.

import Model

struct A1111Field {
    enum Kind {
        case int, float, bool, string, list, dict
    }

    let name: String
    let kind: Kind
    /// The default the answer's `parameters` echo shows when a body leaves the field out.
    let defaultValue: JSONValue
    /// Bounds pydantic checks (the extras request's `ge`/`le`/`gt`), and the values a Literal allows.
    var minimum: Double? = nil
    var minimumExclusive = false
    var maximum: Double? = nil
    var permitted: [Int]? = nil
    /// `Optional[...]`: null is accepted.
    var nullable = true
}

/// One entry of a 422 answer's `detail` list.
struct A1111ValidationIssue: Error {
    let location: [JSONValue]
    let message: String
    let type: String
    var context: [(key: String, value: JSONValue)] = []

    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("loc", .array(location)), ("msg", .string(message)), ("type", .string(type))]
        if !context.isEmpty { members.append(("ctx", .object(context))) }
        return .object(members)
    }
}

enum A1111Schema {
    private static func field(_ name: String, _ kind: A1111Field.Kind, _ value: JSONValue) -> A1111Field {
        A1111Field(name: name, kind: kind, defaultValue: value)
    }

    /// Fields both generation calls take (StableDiffusionProcessing's parameters and the API's additions).
    static let common: [A1111Field] = [
        field("prompt", .string, .string("")), field("negative_prompt", .string, .string("")), field("styles", .list, .null),
        field("seed", .int, .int(-1)), field("subseed", .int, .int(-1)), field("subseed_strength", .float, .double(0)),
        field("seed_resize_from_h", .int, .int(-1)), field("seed_resize_from_w", .int, .int(-1)),
        field("sampler_name", .string, .null), field("scheduler", .string, .null),
        field("batch_size", .int, .int(1)), field("n_iter", .int, .int(1)), field("steps", .int, .int(50)),
        field("cfg_scale", .float, .double(7)), field("width", .int, .int(512)), field("height", .int, .int(512)),
        field("restore_faces", .bool, .null), field("tiling", .bool, .null),
        field("do_not_save_samples", .bool, .bool(false)), field("do_not_save_grid", .bool, .bool(false)),
        field("eta", .float, .null), field("denoising_strength", .float, .null),
        field("s_min_uncond", .float, .null), field("s_churn", .float, .null), field("s_tmax", .float, .null),
        field("s_tmin", .float, .null), field("s_noise", .float, .null),
        field("override_settings", .dict, .object([])), field("override_settings_restore_afterwards", .bool, .bool(true)),
        field("refiner_checkpoint", .string, .null), field("refiner_switch_at", .float, .null),
        field("disable_extra_networks", .bool, .bool(false)), field("firstpass_image", .string, .null),
        field("comments", .dict, .null),
        field("sampler_index", .string, .string("Euler")), field("script_name", .string, .null),
        field("script_args", .list, .array([])), field("send_images", .bool, .bool(true)),
        field("save_images", .bool, .bool(false)), field("alwayson_scripts", .dict, .object([])),
        field("force_task_id", .string, .null), field("infotext", .string, .null),
    ]

    static let txt2imgOnly: [A1111Field] = [
        field("enable_hr", .bool, .bool(false)), field("firstphase_width", .int, .int(0)), field("firstphase_height", .int, .int(0)),
        field("hr_scale", .float, .double(2)), field("hr_upscaler", .string, .null), field("hr_second_pass_steps", .int, .int(0)),
        field("hr_resize_x", .int, .int(0)), field("hr_resize_y", .int, .int(0)), field("hr_checkpoint_name", .string, .null),
        field("hr_sampler_name", .string, .null), field("hr_scheduler", .string, .null),
        field("hr_prompt", .string, .string("")), field("hr_negative_prompt", .string, .string("")),
    ]

    static let img2imgOnly: [A1111Field] = [
        field("init_images", .list, .null), field("resize_mode", .int, .int(0)), field("image_cfg_scale", .float, .null),
        field("mask", .string, .null), field("mask_blur_x", .int, .int(4)), field("mask_blur_y", .int, .int(4)),
        field("mask_blur", .int, .null), field("mask_round", .bool, .bool(true)), field("inpainting_fill", .int, .int(0)),
        field("inpaint_full_res", .bool, .bool(true)), field("inpaint_full_res_padding", .int, .int(0)),
        field("inpainting_mask_invert", .int, .int(0)), field("initial_noise_multiplier", .float, .null),
        field("latent_mask", .string, .null), field("include_init_images", .bool, .bool(false)),
    ]

    static let txt2img = common + txt2imgOnly
    static let img2img = common.map { $0.name == "denoising_strength" ? field("denoising_strength", .float, .double(0.75)) : $0 }
        + img2imgOnly

    /// ExtrasSingleImageRequest (models.py ExtrasBaseRequest + image).
    static let extras: [A1111Field] = [
        A1111Field(name: "resize_mode", kind: .int, defaultValue: .int(0), permitted: [0, 1], nullable: false),
        A1111Field(name: "show_extras_results", kind: .bool, defaultValue: .bool(true), nullable: false),
        A1111Field(name: "gfpgan_visibility", kind: .float, defaultValue: .double(0), minimum: 0, maximum: 1, nullable: false),
        A1111Field(name: "codeformer_visibility", kind: .float, defaultValue: .double(0), minimum: 0, maximum: 1, nullable: false),
        A1111Field(name: "codeformer_weight", kind: .float, defaultValue: .double(0), minimum: 0, maximum: 1, nullable: false),
        A1111Field(name: "upscaling_resize", kind: .float, defaultValue: .double(2), minimum: 0, minimumExclusive: true, nullable: false),
        A1111Field(name: "upscaling_resize_w", kind: .int, defaultValue: .int(512), minimum: 1, nullable: false),
        A1111Field(name: "upscaling_resize_h", kind: .int, defaultValue: .int(512), minimum: 1, nullable: false),
        A1111Field(name: "upscaling_crop", kind: .bool, defaultValue: .bool(true), nullable: false),
        A1111Field(name: "upscaler_1", kind: .string, defaultValue: .string("None"), nullable: false),
        A1111Field(name: "upscaler_2", kind: .string, defaultValue: .string("None"), nullable: false),
        A1111Field(name: "extras_upscaler_2_visibility", kind: .float, defaultValue: .double(0), minimum: 0, maximum: 1, nullable: false),
        A1111Field(name: "upscale_first", kind: .bool, defaultValue: .bool(false), nullable: false),
        A1111Field(name: "image", kind: .string, defaultValue: .string(""), nullable: false),
    ]

    static let interrogate: [A1111Field] = [
        A1111Field(name: "image", kind: .string, defaultValue: .string(""), nullable: false),
        A1111Field(name: "model", kind: .string, defaultValue: .string("clip"), nullable: false),
    ]

    /// PNGInfoRequest: `image` has no default, so leaving it out is refused.
    static let pngInfo: [A1111Field] = [
        A1111Field(name: "image", kind: .string, defaultValue: .null, nullable: false),
    ]

    /// The body with every field coerced and every default filled in (the
    /// answer's `parameters`), or the problems FastAPI would list.
    static func validate(_ body: JSONValue, against fields: [A1111Field], required: Set<String> = [])
        -> Result<[(key: String, value: JSONValue)], A1111ValidationFailure> {
        guard let members = body.objectValue else {
            return .failure(A1111ValidationFailure(issues: [
                A1111ValidationIssue(location: [.string("body")], message: "value is not a valid dict", type: "type_error.dict"),
            ]))
        }
        var issues: [A1111ValidationIssue] = []
        var result: [(key: String, value: JSONValue)] = []
        for field in fields {
            let location: [JSONValue] = [.string("body"), .string(field.name)]
            guard let given = members.last(where: { $0.key == field.name })?.value else {
                if required.contains(field.name) {
                    issues.append(A1111ValidationIssue(location: location, message: "field required", type: "value_error.missing"))
                } else {
                    result.append((field.name, field.defaultValue))
                }
                continue
            }
            switch coerce(given, to: field) {
            case let .success(value): result.append((field.name, value))
            case let .failure(issue): issues.append(A1111ValidationIssue(location: location, message: issue.message, type: issue.type,
                                                                       context: issue.context))
            }
        }
        return issues.isEmpty ? .success(result) : .failure(A1111ValidationFailure(issues: issues))
    }

    /// pydantic v1's coercion of one value to a field's type, then its bounds.
    static func coerce(_ value: JSONValue, to field: A1111Field) -> Result<JSONValue, A1111ValidationIssue> {
        func issue(_ message: String, _ type: String, _ context: [(key: String, value: JSONValue)] = []) -> Result<JSONValue, A1111ValidationIssue> {
            .failure(A1111ValidationIssue(location: [], message: message, type: type, context: context))
        }
        if case .null = value {
            return field.nullable ? .success(.null) : issue("none is not an allowed value", "type_error.none.not_allowed")
        }
        let coerced: JSONValue
        switch field.kind {
        case .int:
            switch value {
            case let .int(number): coerced = .int(number)
            case let .bool(flag): coerced = .int(flag ? 1 : 0)
            case let .double(number):
                guard number.isFinite, let whole = Int(exactly: number.rounded(.towardZero)) else {
                    return issue("value is not a valid integer", "type_error.integer")
                }
                coerced = .int(whole)
            case let .string(text):
                guard let number = Int(text.trimmed) else { return issue("value is not a valid integer", "type_error.integer") }
                coerced = .int(number)
            default: return issue("value is not a valid integer", "type_error.integer")
            }
        case .float:
            switch value {
            case let .int(number): coerced = .double(Double(number))
            case let .double(number): coerced = .double(number)
            case let .bool(flag): coerced = .double(flag ? 1 : 0)
            case let .string(text):
                guard let number = Double(text.trimmed) else { return issue("value is not a valid float", "type_error.float") }
                coerced = .double(number)
            default: return issue("value is not a valid float", "type_error.float")
            }
        case .bool:
            switch value {
            case let .bool(flag): coerced = .bool(flag)
            case let .int(number) where number == 0 || number == 1: coerced = .bool(number == 1)
            case let .double(number) where number == 0 || number == 1: coerced = .bool(number == 1)
            case let .string(text):
                let word = text.lowercased()
                if ["1", "on", "t", "true", "y", "yes"].contains(word) {
                    coerced = .bool(true)
                } else if ["0", "off", "f", "false", "n", "no"].contains(word) {
                    coerced = .bool(false)
                } else {
                    return issue("value could not be parsed to a boolean", "type_error.bool")
                }
            default: return issue("value could not be parsed to a boolean", "type_error.bool")
            }
        case .string:
            switch value {
            case let .string(text): coerced = .string(text)
            case let .int(number): coerced = .string(String(number))
            case let .double(number): coerced = .string(JSONWriter.formatNumber(number))
            default: return issue("str type expected", "type_error.str")
            }
        case .list:
            guard case .array = value else { return issue("value is not a valid list", "type_error.list") }
            coerced = value
        case .dict:
            guard case .object = value else { return issue("value is not a valid dict", "type_error.dict") }
            coerced = value
        }
        if let permitted = field.permitted {
            guard case let .int(number) = coerced, permitted.contains(number) else {
                let list = permitted.map(String.init).joined(separator: ", ")
                return issue("unexpected value; permitted: \(list)", "value_error.const",
                             [("given", value), ("permitted", .array(permitted.map(JSONValue.int)))])
            }
        }
        if let number = coerced.numberValue {
            if let minimum = field.minimum {
                let limit: JSONValue = minimum == minimum.rounded() ? .int(Int(exactly: minimum) ?? 0) : .double(minimum)
                if field.minimumExclusive, !(number > minimum) {
                    return issue("ensure this value is greater than \(JSONWriter.formatNumber(minimum))", "value_error.number.not_gt",
                                 [("limit_value", limit)])
                }
                if !field.minimumExclusive, !(number >= minimum) {
                    return issue("ensure this value is greater than or equal to \(JSONWriter.formatNumber(minimum))",
                                 "value_error.number.not_ge", [("limit_value", limit)])
                }
            }
            if let maximum = field.maximum, !(number <= maximum) {
                let limit: JSONValue = maximum == maximum.rounded() ? .int(Int(exactly: maximum) ?? 0) : .double(maximum)
                return issue("ensure this value is less than or equal to \(JSONWriter.formatNumber(maximum))", "value_error.number.not_le",
                             [("limit_value", limit)])
            }
        }
        return .success(coerced)
    }
}

struct A1111ValidationFailure: Error {
    let issues: [A1111ValidationIssue]

    /// FastAPI's 422 body.
    var json: JSONValue { .object([("detail", .array(issues.map(\.json)))]) }
}

extension Array where Element == (key: String, value: JSONValue) {
    /// The value of a member the validator filled in.
    subscript(member name: String) -> JSONValue {
        last { $0.key == name }?.value ?? .null
    }
}
