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

    /// A problem of the whole request has no path: then the message alone (no ": …").
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

public enum RequestValidator {
    /// Every problem of a request: first what its fields' specs say
    /// (required, kind, range, multiple of 8, URL, JSON object, choice), then
    /// the named rules across fields below.
    public static func validate(_ request: Request) -> [ValidationProblem] {
        let wire = request.wireValue
        var problems: [ValidationProblem] = []
        // A field inside a container the body holds as something else is not
        // checked: the container's own problem says it (issue 22).
        let misplaced = request.misplacedContainers
        for field in request.endpoint.fields where !field.kind.isVirtual {
            if misplaced.contains(where: { field.path.hasPrefix($0 + ".") }) { continue }
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
        // Blank, read from the front: stops at the first letter, where trimming a
        // megabyte prompt copied it on every frame (issue 18).
        if case .string(let text) = value, field.required, text.isBlank {
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
            if field.minimum != nil || field.maximum != nil, !text.isBlank {
                guard let number = Double(text.trimmed), number.isFinite else {
                    fail("\(name) must be a number written as text, like \"\(fmt(field.maximum ?? field.minimum ?? 0))\" (is \(text.quotedShort))")
                    return problems
                }
                bounds(number)
            }
        case .url:
            if let text = value.stringValue {
                if field.inlineImage, Base64.isInlinePicture(text) { break }
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
                if field.inlineImage, let text = item.stringValue, Base64.isInlinePicture(text) { continue }
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
        case let .group(group):
            guard let items = value.arrayValue else {
                fail("\(name) must be a list")
                return problems
            }
            // §1.3: the controlnet endpoint runs units; sending none is a plain text2image.
            if field.required, items.isEmpty { fail("add at least one \(group.itemTitle)") }
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

    /// Where ControlNet units would sit on an SD body (§1.3, wire rule 3).
    static let controlNetContainer = "alwayson_scripts.controlnet"

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
            request.misplacedContainers.map { path in
                let inside = request.endpoint.fields.filter { !$0.kind.isVirtual && Endpoint.containers(of: $0.path).last == path }
                    .prefix(3).map { Endpoint.lastKey(of: $0.path) }
                let like = inside.isEmpty ? "" : " holding \(inside.joined(separator: ", "))…"
                let given = request.body.value(at: path)?.typeName ?? "nothing"
                return ValidationProblem(path: path, message: "\(path) must be a JSON object\(like), not \(given)")
            }
        },
        // Wire rule 8: the service keys tasks by the id and names results after it (TaskIDCharacters, issue 19).
        Rule(name: "task id characters", applies: { _ in true }) { request, _ in
            guard let problem = TaskIDCharacters.problem(in: request.taskID) else { return [] }
            return [ValidationProblem(path: request.endpoint.taskIDPath, message: "\(request.endpoint.taskIDPath) \(problem)")]
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
        // §1.1–1.2 document no ControlNet units; the service would ignore or refuse them.
        Rule(name: "units only on controlnet",
             applies: { endpoint in endpoint.family == .sd && !endpoint.groupFields.contains { $0.path.hasPrefix(controlNetContainer + ".") } }) { request, wire in
            guard wire.value(at: controlNetContainer) != nil else { return [] }
            return [ValidationProblem(path: controlNetContainer,
                                      message: "ControlNet units are sent only to the ControlNet endpoint, not \(request.endpoint.title)")]
        },
        // Each item of each repeated group: its fields as the catalog describes them, and its rules.
        Rule(name: "group items", applies: { !$0.groupFields.isEmpty }) { request, wire in
            var problems: [ValidationProblem] = []
            for field in request.endpoint.groupFields {
                guard let group = field.groupSpec else { continue }
                for (index, item) in (wire.value(at: field.path)?.arrayValue ?? []).enumerated() {
                    problems += validate(item, of: group, number: index + 1, path: "\(field.path)[\(index)]", request: wire)
                }
            }
            return problems
        },
    ]

    /// One item of a group, as sent: each field by its spec (a slider as the
    /// item's variant gives it; a field shown only for some variants is not
    /// checked for others, which ignore it), then the group's rules.
    public static func validate(_ item: JSONValue, of group: GroupSpec, number: Int, path: String, request wire: JSONValue) -> [ValidationProblem] {
        let row = group.rowLabel.lowercased()
        guard item.objectValue != nil else {
            return [ValidationProblem(path: path, message: "\(row) \(number) must be an object of \(row) fields, not \(item.typeName)")]
        }
        var problems: [ValidationProblem] = []
        for key in group.fields.map(\.path) {
            guard let field = group.resolvedField(key, in: item) else { continue }
            // Named by its key, as a unit's fields are written (or by the variant's label and key).
            let named = field.with(kind: field.kind, label: field.label == group.field(key)?.label ? key : field.label)
            problems += check(named, item[key]).map { ValidationProblem(path: path + "." + $0.path, message: $0.message) }
        }
        for rule in group.rules {
            switch rule {
            case let .notBelow(field, other):
                if let high = item[field]?.numberValue, let low = item[other]?.numberValue, high < low {
                    problems.append(ValidationProblem(path: path + "." + field,
                                                      message: "\(field) (\(fmt(high))) must not be below \(other) (\(fmt(low)))"))
                }
            case let .needsValue(field, none, unless, orRequest, whenOn, message):
                if let unless, group.variant(of: item)?.flags.contains(unless) == true { continue }
                if whenOn, let toggle = group.switchField, item[toggle.path]?.boolValue == false { continue }
                let given = item[field].map { $0.stringValue ?? JSONWriter.compact($0) }?.trimmed ?? ""
                if !given.isEmpty, !none.contains(where: { $0.lowercased() == given.lowercased() }) { continue }
                // The request's picture will do: a text, or a list holding one (A1111 img2img's init_images,
                // issue 20: a unit without its own image takes the input image).
                if let orRequest, let other = wire.value(at: orRequest),
                   ([other] + (other.arrayValue ?? [])).contains(where: { !($0.stringValue?.trimmed ?? "").isEmpty }) { continue }
                let label = group.field(field)?.label.lowercased() ?? field
                let text = message?.replacing("{n}", with: String(number)) ?? "\(group.rowLabel.lowercased()) \(number) needs a \(label) (\(field))"
                problems.append(ValidationProblem(path: path + "." + field, message: text))
            }
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
