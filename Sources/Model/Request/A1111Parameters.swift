// The `parameters` text AUTOMATIC1111's web UI writes into a PNG (its
// processing.py, create_infotext), so a saved copy of an SD result reads in
// its PNG Info tab, and one of its pictures loads into zqt (issue 17):
//
//   prompt
//   Negative prompt: …              (only when there is one)
//   Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model: name, …
//
// Keys in its order; a value holding ',', ':' or a newline is written as a
// JSON string (its infotext quote()); a key without a value is left out.

public enum A1111Parameters {
    /// The PNG text keyword A1111 reads and writes.
    public static let keyword = "parameters"

    // MARK: Writing

    /// The text for an SD request's result; `seed` is the image's own (the
    /// request's may be -1, "random"). Nil for a body with no prompt.
    public static func text(for body: JSONValue, seed: Int?) -> String? {
        guard let prompt = body["prompt"]?.stringValue else { return nil }
        var pairs: [(String, String)] = []
        func add(_ key: String, _ value: JSONValue?) {
            guard let value, let text = plain(value) else { return }
            pairs.append((key, text))
        }
        add("Steps", body["steps"])
        add("Sampler", body["sampler_index"] ?? body["sampler_name"])
        add("CFG scale", body["cfg_scale"])
        add("Seed", seed.map { .int($0) } ?? body["seed"])
        if let width = body["width"].flatMap(plain), let height = body["height"].flatMap(plain) {
            pairs.append(("Size", "\(width)x\(height)"))
        }
        // A1111 names a checkpoint by its file name without the extension (name_for_extra); zhiqite's
        // is under alwayson_scripts, an A1111 request's under override_settings (issue 20).
        let checkpoint = body["alwayson_scripts"]?["sd_model_checkpoint"]?.stringValue
            ?? body["override_settings"]?["sd_model_checkpoint"]?.stringValue
        if let checkpoint, !checkpoint.isEmpty {
            pairs.append(("Model", withoutExtension(checkpoint)))
        }
        let hires = body["enable_hr"]?.boolValue == true
        // Text2image writes a denoising strength only for the hi-res pass; image2image always.
        if hires || body["init_images"] != nil { add("Denoising strength", body["denoising_strength"]) }
        if hires {
            let resizeX = body["hr_resize_x"]?.numberValue ?? 0, resizeY = body["hr_resize_y"]?.numberValue ?? 0
            if resizeX == 0 && resizeY == 0 {
                add("Hires upscale", body["hr_scale"])
            } else if let x = body["hr_resize_x"].flatMap(plain), let y = body["hr_resize_y"].flatMap(plain) {
                pairs.append(("Hires resize", "\(x)x\(y)"))
            }
            if let steps = body["hr_second_pass_steps"]?.numberValue, steps != 0 { add("Hires steps", body["hr_second_pass_steps"]) }
            add("Hires upscaler", body["hr_upscaler"])
        }
        // The ControlNet units, as the extension adds them after the generation's own (issue 20's leftovers:
        // a saved copy said nothing of them, so the web UI's PNG Info and `L` lost them).
        pairs += controlNetPairs(body)
        let negative = body["negative_prompt"]?.stringValue ?? ""
        let line = pairs.map { "\($0.0): \(quote($0.1))" }.joined(separator: ", ")
        return (prompt + (negative.isEmpty ? "" : "\nNegative prompt: " + negative) + "\n" + line)
            .trimmed
    }

    /// The fields a unit's infotext holds, in the extension's order (its
    /// ControlNetUnit, less the image, `enabled` and what the API alone sets).
    static let controlNetFields = ["module", "model", "weight", "resize_mode", "processor_res", "threshold_a", "threshold_b",
                                   "guidance_start", "guidance_end", "pixel_perfect", "control_mode"]
    /// The names the extension shows for `resize_mode` and `control_mode` given as numbers (its enums' order).
    static let resizeModes = ["Just Resize", "Crop and Resize", "Resize and Fill"]
    static let controlModes = ["Balanced", "My prompt is more important", "ControlNet is more important"]

    /// `ControlNet N: Module: canny, Model: …, Weight: 1, …` for each enabled
    /// unit in `alwayson_scripts.controlnet.args`, as sd-webui-controlnet's
    /// infotext writes it (scripts/infotext.py serialize_unit): each field
    /// name's words capitalized, a value of -1 (a slider the module hides)
    /// left out, and a unit whose values hold ',' or ':' not written at all,
    /// since the list could not be read back. `quote()` then makes the whole
    /// value one JSON string, as A1111 does.
    static func controlNetPairs(_ body: JSONValue) -> [(String, String)] {
        guard let units = body["alwayson_scripts"]?["controlnet"]?["args"]?.arrayValue else { return [] }
        var pairs: [(String, String)] = []
        for unit in units where unit.objectValue != nil && unit["enabled"]?.boolValue != false {
            var items: [String] = []
            var readable = true
            for field in controlNetFields {
                guard let value = unit[field], var text = plain(value) else { continue }
                if value.numberValue == -1 { continue }
                if case let .int(index) = value {
                    if field == "resize_mode" { text = resizeModes.indices.contains(index) ? resizeModes[index] : text }
                    if field == "control_mode" { text = controlModes.indices.contains(index) ? controlModes[index] : text }
                }
                if text.contains(",") || text.contains(":") || text.contains("\n") { readable = false }
                let name = field.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
                items.append("\(name): \(text)")
            }
            guard readable, !items.isEmpty else { continue }
            pairs.append(("ControlNet \(pairs.count)", items.joined(separator: ", ")))
        }
        return pairs
    }

    private static func plain(_ value: JSONValue) -> String? {
        switch value {
        case let .string(text): return text.isEmpty ? nil : text
        case let .int(number): return String(number)
        case let .double(number): return JSONWriter.formatNumber(number)
        case let .bool(flag): return flag ? "True" : "False"
        default: return nil
        }
    }

    private static func withoutExtension(_ name: String) -> String {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return String(base[..<dot])
    }

    /// A1111's quote(): plain unless it holds ',', ':' or a newline, then a JSON string.
    static func quote(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == ":" || $0 == "\n" }) else { return text }
        var out = ""
        JSONWriter.writeString(text, into: &out)
        return out
    }

    // MARK: Reading

    public struct Parsed: Equatable, Sendable {
        /// A text2image body.
        public var body: JSONValue
        /// Keys zqt has no field for, as "Key: value".
        public var unknown: [String]
        /// The ControlNet units the text names, in its order (not in `body`:
        /// the endpoint that takes them decides where they go).
        public var controlNetUnits: [ControlNetUnitText] = []
    }

    /// One `ControlNet N: "Module: canny, Model: …, Weight: 1.0, …"` entry,
    /// as sd-webui-controlnet's infotext writes a unit (scripts/infotext.py:
    /// each field's name with its words capitalized, `low_vram` as "Low
    /// Vram"; True/False, numbers, else text; the whole value quoted, as it
    /// holds ',' and ':'). The unit's image is never in it.
    public struct ControlNetUnitText: Equatable, Sendable {
        /// The key as written: "ControlNet 0".
        public var label: String
        /// Each field as the extension names it (`module`, `processor_res`), with its value.
        public var members: JSONValue
        /// Each field's "Key: value" as written, to say what was left out.
        public var written: [String: String]
    }

    /// A unit's value read as the extension reads it back (parse_unit): "Key: value" items
    /// split at ", ", each key's words lowercased and joined by "_"; nil when it is not such a list.
    static func controlNetUnit(label: String, _ text: String) -> ControlNetUnitText? {
        var members: [(key: String, value: JSONValue)] = []
        var written: [String: String] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            let key = parts[0].trimmed, value = parts[1].trimmed
            guard !key.isEmpty else { return nil }
            var field = key.split(separator: " ").map { $0.lowercased() }.joined(separator: "_")
            // The extension's older infotext named the module "preprocessor".
            if field == "preprocessor" { field = "module" }
            let read: JSONValue
            if value == "True" || value == "False" {
                read = .bool(value == "True")
            } else if let integer = Int(value) {
                read = .int(integer)
            } else if let real = Double(value), real.isFinite {
                read = .double(real)
            } else {
                read = .string(value)
            }
            members.removeAll { $0.key == field }
            members.append((key: field, value: read))
            written[field] = "\(key): \(value)"
        }
        guard !members.isEmpty else { return nil }
        return ControlNetUnitText(label: label, members: .object(members), written: written)
    }

    /// "ControlNet", "ControlNet 0", "ControlNet 12": a unit's key.
    static func isControlNetKey(_ key: String) -> Bool {
        guard key.hasPrefix("ControlNet") else { return false }
        let rest = key.dropFirst("ControlNet".count)
        return rest.isEmpty || (rest.first == " " && rest.dropFirst().allSatisfy(\.isNumber) && rest.count > 1)
    }

    /// A `parameters` text as a text2image body: the prompt lines, the
    /// negative prompt, and the last line's "Key: value" pairs.
    public static func parse(_ text: String) -> Parsed {
        let parts = split(text, minimumPairs: 3)
        let pairs = parts.pairs
        var members: [(key: String, value: JSONValue)] = [("prompt", .string(parts.prompt))]
        let negativeText = parts.negative
        if !negativeText.isEmpty { members.append(("negative_prompt", .string(negativeText))) }
        var unknown: [String] = []
        var units: [ControlNetUnitText] = []
        var hires = false
        func number(_ text: String) -> JSONValue? {
            if let integer = Int(text) { return .int(integer) }
            if let real = Double(text), real.isFinite { return .double(real) }
            return nil
        }
        for (key, value) in pairs {
            switch key {
            case "Steps": if let n = number(value) { members.append(("steps", n)) } else { unknown.append("\(key): \(value)") }
            case "Sampler": members.append(("sampler_index", .string(value)))
            case "CFG scale": if let n = number(value) { members.append(("cfg_scale", n)) } else { unknown.append("\(key): \(value)") }
            case "Seed": if let n = number(value) { members.append(("seed", n)) } else { unknown.append("\(key): \(value)") }
            case "Size":
                let parts = value.split(separator: "x")
                if parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]) {
                    members.append(("width", .int(width)))
                    members.append(("height", .int(height)))
                } else {
                    unknown.append("\(key): \(value)")
                }
            case "Model": members.append(("alwayson_scripts", .object([("sd_model_checkpoint", .string(value))])))
            case "Denoising strength": if let n = number(value) { members.append(("denoising_strength", n)) }
            case "Hires upscale":
                hires = true
                if let n = number(value) { members.append(("hr_scale", n)) }
            case "Hires resize":
                hires = true
                let parts = value.split(separator: "x")
                if parts.count == 2, let x = Int(parts[0]), let y = Int(parts[1]) {
                    members.append(("hr_resize_x", .int(x)))
                    members.append(("hr_resize_y", .int(y)))
                }
            case "Hires steps":
                hires = true
                if let n = number(value) { members.append(("hr_second_pass_steps", n)) }
            case "Hires upscaler":
                hires = true
                members.append(("hr_upscaler", .string(value)))
            case _ where isControlNetKey(key):
                if let unit = controlNetUnit(label: key, value) { units.append(unit) } else { unknown.append("\(key): \(value)") }
            default:
                unknown.append("\(key): \(value)")
            }
        }
        if hires { members.append(("enable_hr", .bool(true))) }
        return Parsed(body: .object(members), unknown: unknown, controlNetUnits: units)
    }

    /// The "Key: value, …" pairs of a line, values unquoted; nil when the line is not such a list.
    /// An infotext's three parts: the prompt lines, the negative prompt after
    /// "Negative prompt:", and the last line's "Key: value" pairs when it holds
    /// at least `minimumPairs` of them (else that line is the prompt's too).
    /// The sandbox's PNG Info answers from the same reading.
    public static func split(_ text: String, minimumPairs: Int) -> (prompt: String, negative: String, pairs: [(String, String)]) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var pairs: [(String, String)] = []
        if let last = lines.last, let found = keyValues(last), found.count >= max(1, minimumPairs) {
            pairs = found
            lines.removeLast()
        }
        var prompt: [String] = [], negative: [String] = []
        var inNegative = false
        for line in lines {
            if !inNegative, line.hasPrefix("Negative prompt:") {
                inNegative = true
                negative.append(String(line.dropFirst("Negative prompt:".count)).trimmed)
            } else if inNegative {
                negative.append(line)
            } else {
                prompt.append(line)
            }
        }
        return (prompt.joined(separator: "\n").trimmed, negative.joined(separator: "\n").trimmed, pairs)
    }

    static func keyValues(_ line: String) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        var rest = Substring(line)
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " }
            if rest.isEmpty { break }  // spaces after the last pair
            guard let colon = rest.firstIndex(of: ":") else { return nil }
            let key = rest[..<colon].trimmed
            guard !key.isEmpty, key.count <= 60, key.allSatisfy({ $0.isLetter || $0.isNumber || " -/_".contains($0) }) else { return nil }
            rest = rest[rest.index(after: colon)...].drop { $0 == " " }
            var value: String
            if rest.first == "\"" {
                // A JSON string: up to its closing quote, escapes honoured.
                var index = rest.index(after: rest.startIndex)
                var escaped = false
                while index < rest.endIndex, escaped || rest[index] != "\"" {
                    escaped = !escaped && rest[index] == "\\"
                    index = rest.index(after: index)
                }
                guard index < rest.endIndex else { return nil }
                let literal = String(rest[...index])
                value = (try? JSONParser.parse(literal))?.stringValue ?? literal
                rest = rest[rest.index(after: index)...]
                rest = rest.drop { $0 == " " }
                if rest.first == "," { rest = rest.dropFirst() }
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmed
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[end...]
            }
            pairs.append((key, value))
        }
        return pairs
    }
}
