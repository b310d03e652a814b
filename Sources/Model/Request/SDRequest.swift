// A Stable Diffusion generation request: the body of sd/v2/controlnet,
// sd/v2/text2image and sd/v2/image2image.
//
// Field for field the wire format of zhiqite-api.md §1.1–1.3 under the wire
// rules: routing fields nest in `alwayson_scripts` (rule 3), `seed` is an
// integer (rule 4), top-level `resize_mode` an integer (rule 5). Keys are
// written in the documented example's order; `batch_size` (required, absent
// from the example) follows `n_iter`, and `resize_mode` (required, absent too)
// closes the top-level sampling fields. Optional fields zqt does not have a
// value for are left out, never sent as null.

public struct SDRequest: Equatable, Sendable {
    // Top level (wire rule 3).
    public var prompt: String
    public var nIter: Int
    public var batchSize: Int
    public var steps: Int
    /// -1 means random (wire rule 4).
    public var seed: Int
    public var restoreFaces: Bool
    public var enableHR: Bool
    public var hrScale: Double
    public var width: Int
    public var height: Int
    public var negativePrompt: String
    public var cfgScale: Double
    public var samplerIndex: String
    public var hrSecondPassSteps: Int?
    /// The hi-res target *width* (wire rule 7; the docs label it the other way).
    public var hrResizeX: Int?
    /// The hi-res target *height* (wire rule 7).
    public var hrResizeY: Int?
    public var denoisingStrength: Double?
    public var hrUpscaler: String?
    /// 0 just resize, 1 crop and resize, 2 resize and fill, 3 latent upscale (wire rule 5).
    public var resizeMode: Int

    // Inside alwayson_scripts (wire rule 3).
    public var sdModelCheckpoint: String
    public var idTask: String
    public var sdVae: String?
    /// Must be a JSON object; any other value is held so the form can show it, and flagged by validation.
    public var overrideSettings: JSONValue?
    public var outputImageFormat: String?
    public var imageLink: String?
    /// nil leaves `controlnet` out (text2image); the controlnet endpoint always has it.
    public var controlNetUnits: [ControlNetUnit]?

    /// Keys zqt does not model (e.g. image2image's mask fields), kept in order.
    public internal(set) var unknownTopLevel: [(key: String, value: JSONValue)] = []
    public internal(set) var unknownAlwaysOn: [(key: String, value: JSONValue)] = []

    public init(
        prompt: String = "", nIter: Int = 1, batchSize: Int = 1, steps: Int = 20, seed: Int = -1,
        restoreFaces: Bool = false, enableHR: Bool = false, hrScale: Double = 2, width: Int = 512, height: Int = 512,
        negativePrompt: String = "", cfgScale: Double = 7, samplerIndex: String = "DPM++ 2M Karras",
        hrSecondPassSteps: Int? = nil, hrResizeX: Int? = nil, hrResizeY: Int? = nil,
        denoisingStrength: Double? = nil, hrUpscaler: String? = nil, resizeMode: Int = 0,
        sdModelCheckpoint: String = "", idTask: String = "", sdVae: String? = nil,
        overrideSettings: JSONValue? = nil, outputImageFormat: String? = nil, imageLink: String? = nil,
        controlNetUnits: [ControlNetUnit]? = nil
    ) {
        self.prompt = prompt
        self.nIter = nIter
        self.batchSize = batchSize
        self.steps = steps
        self.seed = seed
        self.restoreFaces = restoreFaces
        self.enableHR = enableHR
        self.hrScale = hrScale
        self.width = width
        self.height = height
        self.negativePrompt = negativePrompt
        self.cfgScale = cfgScale
        self.samplerIndex = samplerIndex
        self.hrSecondPassSteps = hrSecondPassSteps
        self.hrResizeX = hrResizeX
        self.hrResizeY = hrResizeY
        self.denoisingStrength = denoisingStrength
        self.hrUpscaler = hrUpscaler
        self.resizeMode = resizeMode
        self.sdModelCheckpoint = sdModelCheckpoint
        self.idTask = idTask
        self.sdVae = sdVae
        self.overrideSettings = overrideSettings
        self.outputImageFormat = outputImageFormat
        self.imageLink = imageLink
        self.controlNetUnits = controlNetUnits
    }

    /// A fresh request for an endpoint: the controlnet endpoint starts with an
    /// (empty) unit list, the others without one.
    public static func new(for endpoint: Endpoint, idTask: String) -> SDRequest {
        SDRequest(idTask: idTask, controlNetUnits: endpoint == .controlNet ? [] : nil)
    }

    public static func == (lhs: SDRequest, rhs: SDRequest) -> Bool {
        lhs.jsonValue == rhs.jsonValue
    }

    /// The number of images the request asks for (n_iter × batch_size, §1.1).
    public var imageCount: Int { max(0, nIter) * max(0, batchSize) }

    /// The size of each result: the hi-res target when hi-res is on
    /// (hr_resize_x/y when set, else the base size × hr_scale), else the base size.
    public var outputSize: (width: Int, height: Int) {
        guard enableHR else { return (width, height) }
        let scaledW = Int((Double(width) * hrScale).rounded())
        let scaledH = Int((Double(height) * hrScale).rounded())
        let x = hrResizeX ?? 0, y = hrResizeY ?? 0
        switch (x > 0, y > 0) {
        case (true, true): return (x, y)
        case (true, false): return (x, Int((Double(x) * Double(height) / Double(max(width, 1))).rounded()))
        case (false, true): return (Int((Double(y) * Double(width) / Double(max(height, 1))).rounded()), y)
        case (false, false): return (scaledW, scaledH)
        }
    }

    // MARK: Wire format

    /// The request as it goes on the wire, keys in the documented order.
    public var jsonValue: JSONValue {
        var alwaysOn: [(String, JSONValue?)] = [
            ("sd_model_checkpoint", .string(sdModelCheckpoint)),
            ("id_task", .string(idTask)),
            ("sd_vae", sdVae.map { .string($0) }),
            ("override_settings", overrideSettings),
            ("output_image_format", outputImageFormat.map { .string($0) }),
            ("image_link", imageLink.map { .string($0) }),
        ]
        alwaysOn += unknownAlwaysOn.map { ($0.key, $0.value) }
        if let units = controlNetUnits {
            alwaysOn.append(("controlnet", .object([(key: "args", value: .array(units.map(\.jsonValue)))])))
        }
        var top: [(String, JSONValue?)] = [
            ("prompt", .string(prompt)),
            ("n_iter", .int(nIter)),
            ("batch_size", .int(batchSize)),
            ("steps", .int(steps)),
            ("seed", .int(seed)),
            ("restore_faces", .bool(restoreFaces)),
            ("enable_hr", .bool(enableHR)),
            ("hr_scale", .double(hrScale)),
            ("width", .int(width)),
            ("height", .int(height)),
            ("negative_prompt", .string(negativePrompt)),
            ("cfg_scale", .double(cfgScale)),
            ("sampler_index", .string(samplerIndex)),
            ("hr_second_pass_steps", hrSecondPassSteps.map { .int($0) }),
            ("hr_resize_x", hrResizeX.map { .int($0) }),
            ("hr_resize_y", hrResizeY.map { .int($0) }),
            ("denoising_strength", denoisingStrength.map { .double($0) }),
            ("hr_upscaler", hrUpscaler.map { .string($0) }),
            ("resize_mode", .int(resizeMode)),
        ]
        top += unknownTopLevel.map { ($0.key, $0.value) }
        top.append(("alwayson_scripts", JSONValue.object(dropping: alwaysOn)))
        return .object(dropping: top)
    }

    /// The exact text the preview shows and the client sends.
    public var wireJSON: String { JSONWriter.pretty(jsonValue) }

    // MARK: Reading

    /// The result of reading a request: the request and what was noticed.
    public struct Decoded: Sendable {
        public let request: SDRequest
        public let notes: [DecodeNote]
    }

    /// Reads a request from JSON text. Throws only when the text is not JSON
    /// or not an object; everything else is tolerated and noted.
    public static func decode(json text: String) throws(RequestReadError) -> Decoded {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw .notJSON(error)
        }
        guard value.objectValue != nil else { throw .notAnObject(value.typeName) }
        return decode(value)
    }

    public static func decode(_ value: JSONValue) -> Decoded {
        var notes: [DecodeNote] = []
        var reader = FieldReader(value, path: "")
        var request = SDRequest()
        request.prompt = reader.string("prompt") ?? ""
        request.nIter = reader.int("n_iter") ?? request.nIter
        request.batchSize = reader.int("batch_size") ?? request.batchSize
        request.steps = reader.int("steps") ?? request.steps
        request.seed = reader.int("seed", quietStrings: true) ?? request.seed
        request.restoreFaces = reader.bool("restore_faces") ?? request.restoreFaces
        request.enableHR = reader.bool("enable_hr") ?? request.enableHR
        request.hrScale = reader.double("hr_scale") ?? request.hrScale
        request.width = reader.int("width") ?? request.width
        request.height = reader.int("height") ?? request.height
        request.negativePrompt = reader.string("negative_prompt") ?? ""
        request.cfgScale = reader.double("cfg_scale") ?? request.cfgScale
        request.samplerIndex = reader.string("sampler_index") ?? request.samplerIndex
        request.hrSecondPassSteps = reader.int("hr_second_pass_steps")
        request.hrResizeX = reader.int("hr_resize_x")
        request.hrResizeY = reader.int("hr_resize_y")
        request.denoisingStrength = reader.double("denoising_strength")
        request.hrUpscaler = reader.string("hr_upscaler")
        request.resizeMode = reader.int("resize_mode") ?? request.resizeMode

        let alwaysOnValue = reader.raw("alwayson_scripts") ?? .object([])
        if alwaysOnValue.objectValue == nil {
            notes.append(DecodeNote(path: "alwayson_scripts", message: "expected an object, got \(alwaysOnValue.typeName); ignored"))
        }
        var scripts = FieldReader(alwaysOnValue, path: "alwayson_scripts")
        request.sdModelCheckpoint = scripts.string("sd_model_checkpoint") ?? ""
        request.idTask = scripts.string("id_task") ?? ""
        request.sdVae = scripts.string("sd_vae")
        request.overrideSettings = scripts.raw("override_settings")
        request.outputImageFormat = scripts.string("output_image_format")
        request.imageLink = scripts.string("image_link")
        if let controlnet = scripts.raw("controlnet") {
            var cn = FieldReader(controlnet, path: "alwayson_scripts.controlnet")
            let args = cn.raw("args")
            switch args {
            case let .array(items)?:
                request.controlNetUnits = items.enumerated().map { index, item in
                    ControlNetUnit.decode(item, path: "alwayson_scripts.controlnet.args[\(index)]", notes: &notes)
                }
            case nil:
                request.controlNetUnits = []
            case let other?:
                request.controlNetUnits = []
                notes.append(DecodeNote(path: "alwayson_scripts.controlnet.args", message: "expected a list of units, got \(other.typeName); ignored"))
            }
            notes += cn.notes
            _ = cn.unknownMembers(reporting: &notes)  // reported; zqt writes only args
        }
        notes += reader.notes + scripts.notes
        request.unknownAlwaysOn = scripts.unknownMembers(reporting: &notes)
        request.unknownTopLevel = reader.unknownMembers(reporting: &notes)
        return Decoded(request: request, notes: notes)
    }
}

/// Why a request could not be read at all.
public enum RequestReadError: Error, Equatable, CustomStringConvertible {
    case notJSON(JSONParseError)
    case notAnObject(String)

    public var description: String {
        switch self {
        case let .notJSON(error): return "not valid JSON (\(error))"
        case let .notAnObject(type): return "a request must be a JSON object, not \(type)"
        }
    }
}

extension SDRequest: Codable {
    public init(from decoder: Decoder) throws {
        self = SDRequest.decode(try JSONValue(from: decoder)).request
    }

    public func encode(to encoder: Encoder) throws {
        try jsonValue.encode(to: encoder)
    }
}
