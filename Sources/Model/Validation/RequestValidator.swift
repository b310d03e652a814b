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
    /// Every problem of a request: first what its fields' specs say
    /// (required, kind, range, multiple of 8, URL, JSON object, choice), then
    /// the named rules across fields below.
    public static func validate(_ request: Request) -> [ValidationProblem] {
        let wire = request.wireValue
        var problems: [ValidationProblem] = []
        for field in request.endpoint.fields where !field.kind.isVirtual {
            problems += check(field, wire.value(at: field.path))
        }
        for rule in rules where rule.applies(request.endpoint) {
            problems += rule.check(request, wire)
        }
        return problems
    }

    /// What a field's own spec says about its value.
    static func check(_ field: FieldSpec, _ value: JSONValue?) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        func fail(_ message: String) { problems.append(ValidationProblem(path: field.path, message: message)) }
        let name = field.label == field.path ? field.path : "\(field.label) (\(field.path))"
        guard let value, value != .null, value != .string("") || !field.required else {
            if field.required { fail(requiredMessage(field)) }
            return problems
        }
        if case .string(let text) = value, text.trimmed.isEmpty, field.required {
            fail(requiredMessage(field))
            return problems
        }
        func bounds(_ number: Double) {
            let low = field.minimum ?? { if case let .slider(spec, _) = field.kind { return spec.min } else { return nil } }()
            let high = field.maximum ?? { if case let .slider(spec, _) = field.kind { return spec.max } else { return nil } }()
            if let low, let high, !(number >= low && number <= high) {
                fail("\(name) must be between \(fmt(low)) and \(fmt(high)) (is \(fmt(number)))")
            } else if let low, high == nil, number < low {
                fail("\(name) must be at least \(fmt(low)) (is \(fmt(number)))")
            } else if let multiple = field.multipleOf, number.truncatingRemainder(dividingBy: Double(multiple)) != 0 {
                let below = Int(clamping: (number / Double(multiple)).rounded(.down), to: -1_000_000...1_000_000) * multiple
                fail("\(name) must be a multiple of \(multiple) (is \(fmt(number)); try \(below) or \(below + multiple))")
            }
        }
        switch field.kind {
        case .integer, .slider(_, integer: true):
            guard case let .int(number) = value else {
                fail("\(name) must be a whole number (is \(value.typeName == "a number" ? fmt(value.numberValue ?? 0) : value.typeName))")
                return problems
            }
            bounds(Double(number))
        case .number, .slider(_, integer: false):
            guard let number = value.numberValue, number.isFinite else {
                fail("\(name) must be a number (is \(value.typeName))")
                return problems
            }
            bounds(number)
        case .toggle:
            if value.boolValue == nil { fail("\(name) must be on or off (true or false), not \(value.typeName)") }
        case let .choice(options, freeText):
            if !freeText, !options.isEmpty, !options.contains(where: { $0.value == value }) {
                fail("\(name) must be one of: \(options.map(\.label).joined(separator: ", "))")
            } else if freeText, value.stringValue == nil {
                fail("\(name) must be text, not \(value.typeName)")
            }
        case .text, .multilineText, .modelChoice:
            guard let text = value.stringValue else {
                fail("\(name) must be text, not \(value.typeName)")
                return problems
            }
            // A number the reference types string (§A2: learningRate, fidelityWeight): a
            // range on a text field means the text must read as a number within it.
            if field.minimum != nil || field.maximum != nil, !text.trimmed.isEmpty {
                guard let number = Double(text.trimmed), number.isFinite else {
                    fail("\(name) must be a number written as text, like \"\(fmt(field.maximum ?? field.minimum ?? 0))\" (is \"\(text)\")")
                    return problems
                }
                bounds(number)
            }
        case .url:
            if let text = value.stringValue {
                if let message = urlProblem(text) { fail(message) }
            } else {
                fail("\(name) must be an http(s) URL, not \(value.typeName)")
            }
        case .urlList:
            guard let items = value.arrayValue else {
                fail("\(name) must be a list of http(s) URLs")
                return problems
            }
            for (index, item) in items.enumerated() {
                let message = item.stringValue.map(urlProblem) ?? "expected a URL, got \(item.typeName)"
                if let message { problems.append(ValidationProblem(path: "\(field.path)[\(index)]", message: message)) }
            }
            if field.required, items.isEmpty {
                fail(requiredMessage(field))
            } else if !items.isEmpty || field.required {
                // min and max on a list bound how many URLs it holds (§3.1: 10–100 training images; §4.8: 1–2 faces).
                let low = field.minimum.map { Int(clamping: $0, to: 0...1_000_000) }
                let high = field.maximum.map { Int(clamping: $0, to: 0...1_000_000) }
                if let low, let high, items.count < low || items.count > high {
                    fail("\(name) takes \(low == high ? "\(low)" : "\(low)–\(high)") URLs (has \(items.count))")
                } else if let low, high == nil, items.count < low {
                    fail("\(name) takes at least \(low) URLs (has \(items.count))")
                } else if let high, low == nil, items.count > high {
                    fail("\(name) takes at most \(high) URLs (has \(items.count))")
                }
            }
        case .jsonObject:
            if value.objectValue == nil {
                fail("\(name) must be a JSON object like {\"key\": value}, not \(value.typeName)")
            }
        case .group:
            if value.arrayValue == nil { fail("\(name) must be a list") }
        case .sizePreset, .otherMembers, .endpointSetting:
            break
        }
        return problems
    }

    static func requiredMessage(_ field: FieldSpec) -> String {
        switch field.role {
        case .taskID?: return "\(field.path) is required (zqt generates one; regenerate it)"
        case .checkpoint?: return "choose a checkpoint model (\(field.path))"
        case .prompt?: return "the prompt is required"
        case .inputImage?: return "\(field.label) is required: the http(s) URL of the image to start from"
        default: return "\(field.label) (\(field.path)) is required"
        }
    }

    /// A rule across fields, with the endpoints it applies to.
    struct Rule: Sendable {
        let name: String
        let applies: @Sendable (Endpoint) -> Bool
        let check: @Sendable (Request, JSONValue) -> [ValidationProblem]
    }

    static let unitsPath = ControlNetUnit.wirePath

    /// The named rules (issue 7), each citing what it follows.
    static let rules: [Rule] = [
        // A custom request (issue 9) goes nowhere without its path.
        Rule(name: "custom request path", applies: { $0.isCustom }) { request, _ in
            guard request.endpoint.id.isEmpty else { return [] }
            return [ValidationProblem(path: CustomEndpoint.pathField,
                                      message: "give the path under \(Endpoint.pathPrefix), like tool/faceRestore")]
        },
        // Wire rule 3: routing fields sit in an object; a body holding something else there is not sent.
        Rule(name: "containers are objects", applies: { _ in true }) { request, _ in
            request.misplacedContainers.map { ValidationProblem(path: $0, message: "\($0) must be an object holding its fields") }
        },
        // Wire rule 8: the id goes into a URL-less JSON string, but the service keys tasks by it.
        Rule(name: "task id without spaces", applies: { _ in true }) { request, _ in
            let id = request.taskID
            guard id.contains(where: { $0.isWhitespace }) else { return [] }
            return [ValidationProblem(path: request.endpoint.taskIDPath, message: "\(request.endpoint.taskIDPath) must not contain spaces")]
        },
        // Wire rule 4: -1 means random; anything below is no seed.
        Rule(name: "seed", applies: { $0.field(role: .seed) != nil }) { request, wire in
            guard let field = request.endpoint.field(role: .seed), case let .int(seed)? = wire.value(at: field.path), seed < -1 else { return [] }
            return [ValidationProblem(path: field.path, message: "seed must be -1 (random) or a non-negative number (is \(seed))")]
        },
        // Wire rule 7 / §A4: 0 means "use hr_scale"; else a size the upscaler takes.
        Rule(name: "hi-res target size", applies: { $0.family == .sd }) { _, wire in
            var problems: [ValidationProblem] = []
            for (key, name) in [("hr_resize_x", "hr_resize_x (hi-res width)"), ("hr_resize_y", "hr_resize_y (hi-res height)")] {
                guard case let .int(value)? = wire.value(at: key), value != 0 else { continue }
                if value < 64 || value > 8192 {
                    problems.append(ValidationProblem(path: key, message: "\(name) must be 0 (use hr_scale) or between 64 and 8192 pixels (is \(value))"))
                } else if value % 8 != 0 {
                    problems.append(ValidationProblem(path: key, message: "\(name) must be a multiple of 8 (is \(value))"))
                }
            }
            return problems
        },
        // §1.3: the controlnet endpoint runs units; sending none is a plain text2image.
        Rule(name: "controlnet needs a unit", applies: { $0.field(at: unitsPath) != nil }) { _, wire in
            guard (wire.value(at: unitsPath)?.arrayValue ?? []).isEmpty else { return [] }
            return [ValidationProblem(path: unitsPath, message: "add at least one ControlNet unit")]
        },
        // §1.1–1.2 document no ControlNet units; the service would ignore or refuse them.
        Rule(name: "units only on controlnet", applies: { $0.family == .sd && $0.field(at: unitsPath) == nil }) { request, wire in
            guard wire.value(at: "alwayson_scripts.controlnet") != nil else { return [] }
            return [ValidationProblem(path: "alwayson_scripts.controlnet",
                                      message: "ControlNet units are sent only to the ControlNet endpoint, not \(request.endpoint.title)")]
        },
        // Each unit: its own checks (controlnet-catalog.md), guidance start ≤ end, and a
        // control image, its own image_link or the request's (§1.3).
        Rule(name: "ControlNet units", applies: { $0.field(at: unitsPath) != nil }) { _, wire in
            var problems: [ValidationProblem] = []
            let requestImage = wire.value(at: "alwayson_scripts.image_link")?.stringValue?.trimmed ?? ""
            for (index, item) in (wire.value(at: unitsPath)?.arrayValue ?? []).enumerated() {
                let path = "\(unitsPath)[\(index)]"
                guard item.objectValue != nil else {
                    problems.append(ValidationProblem(path: path, message: "unit \(index + 1) must be an object of unit fields, not \(item.typeName)"))
                    continue
                }
                var notes: [DecodeNote] = []
                let unit = ControlNetUnit.decode(item, path: path, notes: &notes)
                problems += validate(unit, path: path)
                let ownImage = unit.imageLink?.trimmed ?? ""
                if unit.enabled, ownImage.isEmpty, requestImage.isEmpty {
                    problems.append(ValidationProblem(path: path + ".image_link",
                                                      message: "unit \(index + 1) needs a control image: its own image link, or the request's"))
                }
            }
            return problems
        },
    ]

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
