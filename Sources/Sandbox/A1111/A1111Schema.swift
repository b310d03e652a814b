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
    /// The value refused, which pydantic 2 repeats (Forge); nil for pydantic 1.
    var input: JSONValue?

    var json: JSONValue {
        var members: [(key: String, value: JSONValue)]
        if let input {
            members = [("type", .string(type)), ("loc", .array(location)), ("msg", .string(message)), ("input", input)]
        } else {
            members = [("loc", .array(location)), ("msg", .string(message)), ("type", .string(type))]
        }
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
    static func validate(_ body: JSONValue, against fields: [A1111Field], required: Set<String> = [],
                         flavor: A1111Flavor = .automatic1111) -> Result<[(key: String, value: JSONValue)], A1111ValidationFailure> {
        guard let members = body.objectValue else {
            return .failure(A1111ValidationFailure(issues: [flavor.issue(.notAnObject, given: body, location: [.string("body")])]))
        }
        var issues: [A1111ValidationIssue] = []
        var result: [(key: String, value: JSONValue)] = []
        for field in fields {
            let location: [JSONValue] = [.string("body"), .string(field.name)]
            guard let given = members.last(where: { $0.key == field.name })?.value else {
                if required.contains(field.name) {
                    issues.append(flavor.issue(.missing, given: body, location: location))
                } else {
                    result.append((field.name, field.defaultValue))
                }
                continue
            }
            switch coerce(given, to: field, flavor: flavor) {
            case let .success(value): result.append((field.name, value))
            case let .failure(problem): issues.append(flavor.issue(problem, given: given, location: location))
            }
        }
        return issues.isEmpty ? .success(result) : .failure(A1111ValidationFailure(issues: issues))
    }

    /// pydantic's coercion of one value to a field's type (lax mode: "20"
    /// for an int), then its bounds. Version 1 truncates 20.5 to an int and
    /// writes a number as a string; version 2 refuses both.
    static func coerce(_ value: JSONValue, to field: A1111Field, flavor: A1111Flavor) -> Result<JSONValue, A1111Problem> {
        let lenient = flavor == .automatic1111
        if case .null = value {
            return field.nullable ? .success(.null) : .failure(.none(field.kind))
        }
        let coerced: JSONValue
        switch field.kind {
        case .int:
            switch value {
            case let .int(number): coerced = .int(number)
            case let .bool(flag): coerced = .int(flag ? 1 : 0)
            case let .double(number):
                guard number.isFinite, let whole = Int(exactly: number.rounded(.towardZero)) else { return .failure(.wrongType(.int)) }
                guard lenient || Double(whole) == number else { return .failure(.fraction) }
                coerced = .int(whole)
            case let .string(text):
                guard let number = Int(text.trimmed) else { return .failure(.unparsable(.int)) }
                coerced = .int(number)
            default: return .failure(.wrongType(.int))
            }
        case .float:
            switch value {
            case let .int(number): coerced = .double(Double(number))
            case let .double(number): coerced = .double(number)
            case let .bool(flag): coerced = .double(flag ? 1 : 0)
            case let .string(text):
                guard let number = Double(text.trimmed) else { return .failure(.unparsable(.float)) }
                coerced = .double(number)
            default: return .failure(.wrongType(.float))
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
                    return .failure(.unparsable(.bool))
                }
            case .int, .double: return .failure(.unparsable(.bool))
            default: return .failure(.wrongType(.bool))
            }
        case .string:
            switch value {
            case let .string(text): coerced = .string(text)
            case let .int(number) where lenient: coerced = .string(String(number))
            case let .double(number) where lenient: coerced = .string(JSONWriter.formatNumber(number))
            default: return .failure(.wrongType(.string))
            }
        case .list:
            guard case .array = value else { return .failure(.wrongType(.list)) }
            coerced = value
        case .dict:
            guard case .object = value else { return .failure(.wrongType(.dict)) }
            coerced = value
        }
        if let permitted = field.permitted {
            guard case let .int(number) = coerced, permitted.contains(number) else { return .failure(.notPermitted(permitted)) }
        }
        if let number = coerced.numberValue {
            if let minimum = field.minimum {
                if field.minimumExclusive, !(number > minimum) { return .failure(.notAbove(minimum)) }
                if !field.minimumExclusive, !(number >= minimum) { return .failure(.below(minimum)) }
            }
            if let maximum = field.maximum, !(number <= maximum) { return .failure(.above(maximum)) }
        }
        return .success(coerced)
    }
}

/// Why one value was refused, before it is worded as a pydantic version words it.
enum A1111Problem: Error {
    case notAnObject
    case missing
    case none(A1111Field.Kind)
    case wrongType(A1111Field.Kind)
    /// A string that does not read as the type.
    case unparsable(A1111Field.Kind)
    /// A number with a fraction for an int (pydantic 2 only).
    case fraction
    case notPermitted([Int])
    case below(Double)
    case notAbove(Double)
    case above(Double)
}

/// Which server the stand-in answers as: AUTOMATIC1111 1.x (pydantic 1's
/// 422 wording) or Forge (FastAPI on pydantic 2: `type`, `loc`, `msg`,
/// `input`, and `ctx` for bounds).
public enum A1111Flavor: String, Sendable, CaseIterable {
    case automatic1111 = "a1111"
    case forge

    var version: String { self == .forge ? "f2.0.1v1.10.1-sandbox" : "v1.10.1-sandbox" }

    func issue(_ problem: A1111Problem, given: JSONValue, location: [JSONValue]) -> A1111ValidationIssue {
        func limit(_ value: Double) -> JSONValue { Int(exactly: value).map(JSONValue.int) ?? .double(value) }
        let text = JSONWriter.formatNumber
        if self == .automatic1111 {
            let (message, type, context): (String, String, [(key: String, value: JSONValue)]) = switch problem {
            case .notAnObject: ("value is not a valid dict", "type_error.dict", [])
            case .missing: ("field required", "value_error.missing", [])
            case .none: ("none is not an allowed value", "type_error.none.not_allowed", [])
            case let .wrongType(kind), let .unparsable(kind): Self.version1Words(kind)
            case .fraction: Self.version1Words(.int)
            case let .notPermitted(values):
                ("unexpected value; permitted: \(values.map(String.init).joined(separator: ", "))", "value_error.const",
                 [("given", given), ("permitted", .array(values.map(JSONValue.int)))])
            case let .below(value): ("ensure this value is greater than or equal to \(text(value))", "value_error.number.not_ge", [("limit_value", limit(value))])
            case let .notAbove(value): ("ensure this value is greater than \(text(value))", "value_error.number.not_gt", [("limit_value", limit(value))])
            case let .above(value): ("ensure this value is less than or equal to \(text(value))", "value_error.number.not_le", [("limit_value", limit(value))])
            }
            return A1111ValidationIssue(location: location, message: message, type: type, context: context)
        }
        let (message, type, context): (String, String, [(key: String, value: JSONValue)]) = switch problem {
        case .notAnObject: ("Input should be a valid dictionary or object to extract fields from", "model_attributes_type", [])
        case .missing: ("Field required", "missing", [])
        case let .none(kind), let .wrongType(kind): Self.version2Words(kind, parsing: false)
        case let .unparsable(kind): Self.version2Words(kind, parsing: true)
        case .fraction: ("Input should be a valid integer, got a number with a fractional part", "int_from_float", [])
        case let .notPermitted(values):
            ("Input should be \(values.map(String.init).dropLast().joined(separator: ", ")) or \(values.last.map(String.init) ?? "")",
             "literal_error", [("expected", .string(values.map(String.init).dropLast().joined(separator: ", ") + " or " + (values.last.map(String.init) ?? "")))])
        case let .below(value): ("Input should be greater than or equal to \(text(value))", "greater_than_equal", [("ge", limit(value))])
        case let .notAbove(value): ("Input should be greater than \(text(value))", "greater_than", [("gt", limit(value))])
        case let .above(value): ("Input should be less than or equal to \(text(value))", "less_than_equal", [("le", limit(value))])
        }
        var issue = A1111ValidationIssue(location: location, message: message, type: type, context: context)
        issue.input = given
        return issue
    }

    private static func version1Words(_ kind: A1111Field.Kind) -> (String, String, [(key: String, value: JSONValue)]) {
        switch kind {
        case .int: ("value is not a valid integer", "type_error.integer", [])
        case .float: ("value is not a valid float", "type_error.float", [])
        case .bool: ("value could not be parsed to a boolean", "type_error.bool", [])
        case .string: ("str type expected", "type_error.str", [])
        case .list: ("value is not a valid list", "type_error.list", [])
        case .dict: ("value is not a valid dict", "type_error.dict", [])
        }
    }

    private static func version2Words(_ kind: A1111Field.Kind, parsing: Bool) -> (String, String, [(key: String, value: JSONValue)]) {
        switch (kind, parsing) {
        case (.int, true): ("Input should be a valid integer, unable to parse string as an integer", "int_parsing", [])
        case (.int, false): ("Input should be a valid integer", "int_type", [])
        case (.float, true): ("Input should be a valid number, unable to parse string as a number", "float_parsing", [])
        case (.float, false): ("Input should be a valid number", "float_type", [])
        case (.bool, true): ("Input should be a valid boolean, unable to interpret input", "bool_parsing", [])
        case (.bool, false): ("Input should be a valid boolean", "bool_type", [])
        case (.string, _): ("Input should be a valid string", "string_type", [])
        case (.list, _): ("Input should be a valid list", "list_type", [])
        case (.dict, _): ("Input should be a valid dictionary", "dict_type", [])
        }
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
