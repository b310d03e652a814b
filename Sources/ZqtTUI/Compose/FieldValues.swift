// Reading a field's value out of the request as text, and writing typed
// text back. Text that cannot be used throws FieldInputError; the caller
// keeps what was typed and shows the message (issue 3: invalid input is
// never thrown away).

import Model

enum FieldValues {
    /// The value as the form shows it and as an edit starts from. Empty for
    /// an optional field that is not sent.
    static func text(of id: FieldID, in request: SDRequest) -> String {
        func num(_ d: Double?) -> String { d.map(JSONWriter.formatNumber) ?? "" }
        switch id {
        case .prompt: return request.prompt
        case .negativePrompt: return request.negativePrompt
        case .sampler: return request.samplerIndex
        case .steps: return String(request.steps)
        case .cfgScale: return num(request.cfgScale)
        case .seed: return String(request.seed)
        case .sizePreset: return "\(request.width)×\(request.height)"
        case .width: return String(request.width)
        case .height: return String(request.height)
        case .nIter: return String(request.nIter)
        case .batchSize: return String(request.batchSize)
        case .resizeMode:
            return FormSchema.resizeModes.indices.contains(request.resizeMode) ? FormSchema.resizeModes[request.resizeMode] : String(request.resizeMode)
        case .enableHR: return request.enableHR ? "on" : "off"
        case .hrScale: return num(request.hrScale)
        case .hrSecondPassSteps: return request.hrSecondPassSteps.map(String.init) ?? ""
        case .hrResizeX: return request.hrResizeX.map(String.init) ?? ""
        case .hrResizeY: return request.hrResizeY.map(String.init) ?? ""
        case .denoisingStrength: return num(request.denoisingStrength)
        case .checkpoint: return request.sdModelCheckpoint
        case .vae: return request.sdVae ?? ""
        case .outputFormat: return request.outputImageFormat ?? ""
        case .imageLink: return request.imageLink ?? ""
        case .restoreFaces: return request.restoreFaces ? "on" : "off"
        case .overrideSettings: return request.overrideSettings.map { settings in
            if case let .string(raw) = settings { return raw }  // held as typed: not an object
            return JSONWriter.compact(settings)
        } ?? ""
        case .idTask: return request.idTask
        case let .unitRow(index): return unitSummary(request.controlNetUnits?[safe: index])
        case .addUnit: return ""
        case let .unit(index, field):
            guard let unit = request.controlNetUnits?[safe: index] else { return "" }
            return unitText(field, unit)
        }
    }

    static func unitText(_ field: UnitField, _ unit: ControlNetUnit) -> String {
        func num(_ d: Double?) -> String { d.map(JSONWriter.formatNumber) ?? "" }
        switch field {
        case .controlType: return ControlNetCatalog.controlType(forModule: unit.module)?.serviceName ?? "—"
        case .enabled: return unit.enabled ? "on" : "off"
        case .module: return unit.module
        case .model: return unit.model
        case .weight: return num(unit.weight)
        case .guidanceStart: return num(unit.guidanceStart)
        case .guidanceEnd: return num(unit.guidanceEnd)
        case .thresholdA: return num(unit.thresholdA)
        case .thresholdB: return num(unit.thresholdB)
        case .processorRes: return unit.processorRes.map(String.init) ?? ""
        case .pixelPerfect: return unit.pixelPerfect ? "on" : "off"
        case .lowVram: return unit.lowVram ? "on" : "off"
        case .resizeMode: return unit.resizeMode
        case .controlMode: return unit.controlMode
        case .hrOption: return unit.hrOption ?? ""
        case .imageLink: return unit.imageLink ?? ""
        }
    }

    static func unitSummary(_ unit: ControlNetUnit?) -> String {
        guard let unit else { return "" }
        let type = ControlNetCatalog.controlType(forModule: unit.module)?.serviceName ?? "custom"
        return "\(unit.enabled ? "✓" : "✗") \(type) · \(unit.module) · \(unit.model) · w \(JSONWriter.formatNumber(unit.weight))"
    }

    /// Writes typed text into the request.
    static func apply(_ raw: String, to id: FieldID, in request: inout SDRequest) throws(FieldInputError) {
        let text = raw.trimmed
        switch id {
        case .prompt: request.prompt = raw
        case .negativePrompt: request.negativePrompt = raw
        case .sampler: request.samplerIndex = text
        case .steps: request.steps = try integer(text)
        case .cfgScale: request.cfgScale = try number(text)
        case .seed: request.seed = try integer(text)
        case .sizePreset:
            let parts = text.split(whereSeparator: { $0 == "×" || $0 == "x" || $0 == "X" })
            guard parts.count == 2, let w = Int(parts[0].trimmed),
                  let h = Int(parts[1].trimmed) else {
                throw FieldInputError(message: "expected WIDTH×HEIGHT, like 768×768")
            }
            request.width = w
            request.height = h
        case .width: request.width = try integer(text)
        case .height: request.height = try integer(text)
        case .nIter: request.nIter = try integer(text)
        case .batchSize: request.batchSize = try integer(text)
        case .resizeMode:
            if let index = FormSchema.resizeModes.firstIndex(of: text) { request.resizeMode = index } else { request.resizeMode = try integer(text) }
        case .enableHR: request.enableHR = try toggle(text)
        case .hrScale: request.hrScale = try number(text)
        case .hrSecondPassSteps: request.hrSecondPassSteps = try optionalInteger(text)
        case .hrResizeX: request.hrResizeX = try optionalInteger(text)
        case .hrResizeY: request.hrResizeY = try optionalInteger(text)
        case .denoisingStrength: request.denoisingStrength = try optionalNumber(text)
        case .checkpoint: request.sdModelCheckpoint = text
        case .vae: request.sdVae = text.isEmpty ? nil : text
        case .outputFormat: request.outputImageFormat = text.isEmpty ? nil : text
        case .imageLink: request.imageLink = text.isEmpty ? nil : text
        case .restoreFaces: request.restoreFaces = try toggle(text)
        case .overrideSettings:
            if text.isEmpty {
                request.overrideSettings = nil
            } else {
                do {
                    request.overrideSettings = try JSONParser.parse(text)
                } catch {
                    throw FieldInputError(message: "not valid JSON (\(error))")
                }
            }
        case .idTask: request.idTask = text
        case .unitRow, .addUnit: break
        case let .unit(index, field):
            guard var units = request.controlNetUnits, units.indices.contains(index) else { return }
            try applyUnit(text, field, to: &units[index])
            request.controlNetUnits = units
        }
    }

    static func applyUnit(_ text: String, _ field: UnitField, to unit: inout ControlNetUnit) throws(FieldInputError) {
        switch field {
        case .controlType:
            guard let type = ControlNetCatalog.controlType(named: text) else {
                throw FieldInputError(message: "not a control type: \(text)")
            }
            // Keep what is not about the type (image, weight, guidance, modes).
            var preset = ControlNetUnit(controlType: type)
            preset.imageLink = unit.imageLink
            preset.enabled = unit.enabled
            preset.weight = unit.weight
            preset.guidanceStart = unit.guidanceStart
            preset.guidanceEnd = unit.guidanceEnd
            preset.resizeMode = unit.resizeMode
            preset.controlMode = unit.controlMode
            preset.pixelPerfect = unit.pixelPerfect
            preset.lowVram = unit.lowVram
            preset.hrOption = unit.hrOption
            unit = preset
        case .enabled: unit.enabled = try toggle(text)
        case .module:
            guard !text.isEmpty else { throw FieldInputError(message: "choose a preprocessor, or none") }
            unit.module = text
            unit.applyModuleDefaults()
        case .model: unit.model = text
        case .weight: unit.weight = try number(text)
        case .guidanceStart:
            unit.guidanceStart = try number(text)
            // End never below start (issue 3): pushing start past end carries end along.
            if unit.guidanceEnd < unit.guidanceStart { unit.guidanceEnd = unit.guidanceStart }
        case .guidanceEnd:
            let value = try number(text)
            if value < unit.guidanceStart {
                throw FieldInputError(message: "guidance end must not be below guidance start (\(JSONWriter.formatNumber(unit.guidanceStart)))")
            }
            unit.guidanceEnd = value
        case .thresholdA: unit.thresholdA = try optionalNumber(text)
        case .thresholdB: unit.thresholdB = try optionalNumber(text)
        case .processorRes: unit.processorRes = try optionalInteger(text)
        case .pixelPerfect: unit.pixelPerfect = try toggle(text)
        case .lowVram: unit.lowVram = try toggle(text)
        case .resizeMode: unit.resizeMode = text
        case .controlMode: unit.controlMode = text
        case .hrOption: unit.hrOption = (text.isEmpty || text == FormSchema.notSent) ? nil : text
        case .imageLink: unit.imageLink = text.isEmpty ? nil : text
        }
    }

    private static func integer(_ text: String) throws(FieldInputError) -> Int {
        guard let value = Int(text) else {
            if let d = Double(text), d == d.rounded() { return Int(d) }
            throw FieldInputError(message: text.isEmpty ? "a whole number is required" : "\"\(text)\" is not a whole number")
        }
        return value
    }

    private static func optionalInteger(_ text: String) throws(FieldInputError) -> Int? {
        text.isEmpty ? nil : try integer(text)
    }

    private static func number(_ text: String) throws(FieldInputError) -> Double {
        guard let value = Double(text.replacing(",", with: ".")), value.isFinite else {
            throw FieldInputError(message: text.isEmpty ? "a number is required" : "\"\(text)\" is not a number")
        }
        return value
    }

    private static func optionalNumber(_ text: String) throws(FieldInputError) -> Double? {
        text.isEmpty ? nil : try number(text)
    }

    private static func toggle(_ text: String) throws(FieldInputError) -> Bool {
        switch text.lowercased() {
        case "on", "true", "yes", "1": return true
        case "off", "false", "no", "0": return false
        default: throw FieldInputError(message: "expected on or off")
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
