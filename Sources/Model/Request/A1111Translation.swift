// Moving a request between kinds of server (issue 20): a zhiqite SD request
// (text2image, image2image, controlnet; zhiqite-api.md §1.1–§1.3) as the
// body of an AUTOMATIC1111 txt2img or img2img call, and back. Pure: what
// the translation needs done to images (a URL to download and inline, an
// inline image to keep as a file and upload; a local file stays a path) is returned
// as a list with the paths, for an effect to do (KindMove).
//
// zhiqite's SD endpoints speak A1111's language (§1.3: "A1111 naming"), so
// most fields keep their name. What differs, by A1111's own API
// (modules/api/models.py: the processing classes' parameters, plus
// sampler_index, init_images, mask, override_settings, alwayson_scripts) and
// sd-webui-controlnet's unit (units in alwayson_scripts.controlnet.args):
//
//   zhiqite                                    A1111
//   sampler_index                              sampler_name (+ scheduler)
//   seed "1221212" (a string, §A2)             seed 1221212
//   alwayson_scripts.sd_model_checkpoint       override_settings.sd_model_checkpoint
//   alwayson_scripts.sd_vae                    override_settings.sd_vae
//   alwayson_scripts.override_settings.*       override_settings.*
//   alwayson_scripts.image_link (base image)   init_images[0] (inline)
//   alwayson_scripts.mask_link                 mask (inline)
//   alwayson_scripts.controlnet.args[n]        alwayson_scripts.controlnet.args[n]
//     .image_link (URL)                          .image (inline)
//   alwayson_scripts.ADetailer                 alwayson_scripts.ADetailer
//
// Everything else is listed as not moved, in plain words: zhiqite's task id
// and output format, A1111's many fields zhiqite has none for. An A1111
// body's `infotext` (the parameters text of a picture) fills the fields it
// names, read by A1111Parameters, the one reader of that text.

public enum A1111Translation {
    /// The A1111 generation calls a zhiqite SD request becomes.
    public enum Call: String, Sendable, CaseIterable {
        case txt2img, img2img

        public var path: String { "/sdapi/v1/\(rawValue)" }
    }

    /// An image the translated body needs moved, done by an effect later.
    public struct ImageMove: Sendable, Equatable, CustomStringConvertible {
        public enum Action: Sendable, Equatable {
            /// A URL (zhiqite's `image_link`): download it and put its bytes inline (A1111 takes base64).
            case downloadAndInline(url: String)
            /// A local file (issue 17) going to A1111: it stays a path, which zqt reads and sends inline at send.
            case readAtSend(file: String)
            /// A local file going to zhiqite: it stays a path, which zqt uploads at send.
            case uploadAtSend(file: String)
            /// An inline image (A1111's base64) going to zhiqite: kept as a local file
            /// (KindMove), which the profile's upload gives a URL at send.
            case upload(bytes: Int)
        }

        /// Where the image goes in the translated body; it holds the source value until moved.
        public let path: String
        public let action: Action

        public init(path: String, action: Action) {
            self.path = path
            self.action = action
        }

        public var description: String {
            switch action {
            case let .downloadAndInline(url): return "\(path): download \(url) and send it inline"
            case let .readAtSend(file): return "\(path): \(file) stays a local file, which zqt reads and sends inline at send"
            case let .uploadAtSend(file): return "\(path): \(file) stays a local file, which zqt uploads at send"
            case let .upload(bytes): return "\(path): upload the inline image (\(bytes) bytes) and send its URL"
            }
        }
    }

    /// A member that has no place on the other side, and why.
    public struct Unmoved: Sendable, Equatable, CustomStringConvertible {
        /// Its path in the body given.
        public let path: String
        public let reason: String

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        public var description: String { "\(path): \(reason)" }
    }

    /// A body for the other kind of server.
    public struct Translated: Sendable, Equatable {
        public var body: JSONValue
        public var images: [ImageMove]
        public var unmoved: [Unmoved]
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not one of zhiqite's SD endpoints.
        case notSD(endpoint: String)
        /// Not one of A1111's generation calls, or a zhiqite endpoint other than the SD three asked to take one.
        case noZhiqiteCounterpart(endpoint: String)
        /// A body none of whose fields is an A1111 generation field: nothing would move (newcomer20g 4).
        case nothingMoves(fields: [String])
        case notAnObject

        public var description: String {
            switch self {
            case let .notSD(endpoint):
                return "\(endpoint) has no AUTOMATIC1111 counterpart: only text2image, image2image and controlnet move to A1111's txt2img and img2img"
            case let .noZhiqiteCounterpart(endpoint):
                return "\(endpoint) has no zhiqite counterpart: only A1111's txt2img and img2img move, to zhiqite's text2image, image2image or controlnet"
            case let .nothingMoves(fields):
                let named = fields.isEmpty ? "it has no fields" : "none of its fields (\(fields.prefix(6).joined(separator: ", "))) is one"
                return "not an AUTOMATIC1111 txt2img or img2img request: \(named); nothing to convert"
            case .notAnObject:
                return "an A1111 request is a JSON object"
            }
        }
    }

    // MARK: The fields both kinds have

    /// Top-level fields with the same name and meaning on both (A1111's processing parameters).
    static let sharedFields = [
        "prompt", "negative_prompt", "n_iter", "batch_size", "steps", "cfg_scale", "width", "height", "restore_faces",
        "enable_hr", "hr_scale", "hr_upscaler", "hr_second_pass_steps", "hr_resize_x", "hr_resize_y", "denoising_strength",
    ]

    /// The hi-res fix: txt2img's alone on A1111, zhiqite's SD endpoints all have it (§1.1–§1.3).
    public static let hiResFields = ["enable_hr", "hr_scale", "hr_upscaler", "hr_second_pass_steps", "hr_resize_x", "hr_resize_y"]

    /// img2img's own fields (StableDiffusionProcessingImg2Img), zhiqite's image2image's too (§1.2).
    static let img2imgFields = [
        "resize_mode", "mask_blur", "mask_blur_x", "mask_blur_y", "inpainting_fill", "inpaint_full_res",
        "inpaint_full_res_padding", "inpainting_mask_invert", "initial_noise_multiplier", "image_cfg_scale",
    ]

    /// Override settings zhiqite keeps beside its override_settings, in alwayson_scripts (§1.1).
    static let liftedSettings = ["sd_model_checkpoint", "sd_vae"]

    /// The scheduler A1111 (1.9 and later) splits off a sampler's name, as the older
    /// combined names zhiqite takes write it ("DPM++ 2M Karras"), by its name in lower case.
    /// The catalog owns the list (controlnet-catalog.md §4.2, §4.3).
    static let combinedSchedulers = Dictionary(
        ControlNetCatalog.samplerScheduleSuffixes.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })

    /// A combined sampler name split as A1111 1.9 and later take it: "DPM++ 2M Karras"
    /// is the sampler "DPM++ 2M" with the scheduler "Karras" (a server of 1.9 or later,
    /// and the sandbox, refuse the combined name). A name without such an ending stays whole.
    public static func splitSampler(_ name: String) -> (sampler: String, scheduler: String?) {
        for suffix in ControlNetCatalog.samplerScheduleSuffixes where name.hasSuffix(" " + suffix) {
            let sampler = String(name.dropLast(suffix.count + 1)).trimmed
            if !sampler.isEmpty { return (sampler, suffix) }
        }
        return (name, nil)
    }

    /// A sampler and an A1111 schedule type joined back into the one name
    /// zhiqite takes ("DPM++ 2M" and "Karras": "DPM++ 2M Karras"): the name
    /// as it is when it ends in that schedule already or the schedule is
    /// "Automatic" (the sampler's own); nil when zhiqite's names carry no
    /// such schedule (only Karras and Exponential), to be listed as not moved.
    public static func joinedSampler(_ name: String, scheduler: String) -> String? {
        let lowered = scheduler.trimmed.lowercased()
        if lowered.isEmpty || lowered == "automatic" { return name }
        guard let suffix = combinedSchedulers[lowered] else { return nil }
        return name.hasSuffix(" " + suffix) ? name : name + " " + suffix
    }

    public static let zhiqiteEndpoints = ["sd/v2/text2image", "sd/v2/image2image", "sd/v2/controlnet"]

    /// A1111's API-only flags, at the values zqt sets itself on every A1111
    /// request (the pictures come back inline, the server keeps no copy): not
    /// the user's fields, so a move to zhiqite leaves them out without listing
    /// them. A value the user changed (`save_images: true`) is listed as any
    /// field zhiqite has no place for.
    public static let clientFlags: [String: JSONValue] = ["send_images": .bool(true), "save_images": .bool(false)]

    // MARK: zhiqite → A1111

    /// The call a zhiqite SD request becomes: image2image, and controlnet with a base image, are img2img.
    public static func call(for request: Request) -> Call {
        switch request.endpoint.id {
        case "sd/v2/image2image": return .img2img
        case "sd/v2/controlnet": return nonEmptyText(request.wireValue["alwayson_scripts"]?["image_link"]) == nil ? .txt2img : .img2img
        default: return .txt2img
        }
    }

    /// A zhiqite SD request as an A1111 body for `call(for:)`, as zqt would send it (its wire value).
    public static func toA1111(_ request: Request) throws(Failure) -> Translated {
        guard zhiqiteEndpoints.contains(request.endpoint.id) else { throw .notSD(endpoint: request.endpoint.title) }
        let source = request.wireValue
        let call = call(for: request)
        var out: [(key: String, value: JSONValue)] = []
        var images: [ImageMove] = []
        var unmoved: [Unmoved] = []
        func put(_ key: String, _ value: JSONValue) { out.append((key, value)) }
        func inline(_ value: JSONValue, to path: String, from sourcePath: String) -> JSONValue? {
            guard let text = nonEmptyText(value) else {
                unmoved.append(Unmoved(path: sourcePath, reason: "not a URL or a file"))
                return nil
            }
            images.append(contentsOf: imageToA1111(text, at: path))
            return .string(text)
        }
        var overrides: [(key: String, value: JSONValue)] = []
        var scripts: [(key: String, value: JSONValue)] = []
        for (key, value) in source.objectValue ?? [] {
            switch key {
            case _ where call == .img2img && hiResFields.contains(key):
                // A1111's hi-res pass is txt2img's (StableDiffusionProcessingTxt2Img); said only when it was on.
                if key == "enable_hr", value == .bool(true) {
                    unmoved.append(Unmoved(path: key, reason: "img2img has no hi-res fix (it is txt2img's); its hi-res fields are left out"))
                }
            case _ where sharedFields.contains(key):
                put(key, value)
            case _ where img2imgFields.contains(key):
                if call == .img2img {
                    put(key, value)
                } else if key == "resize_mode" {
                    // The form's default (0, just resize) means nothing without a base image: said only when chosen.
                    if value != .int(0) { unmoved.append(Unmoved(path: key, reason: "txt2img has no resize mode (it resizes no base image)")) }
                } else {
                    unmoved.append(Unmoved(path: key, reason: "an img2img field; txt2img has none"))
                }
            case "sampler_index":
                // zhiqite's combined name ("DPM++ 2M Karras") is a sampler and a scheduler to A1111 1.9 and later.
                if let name = value.stringValue {
                    let split = splitSampler(name)
                    put("sampler_name", .string(split.sampler))
                    if let scheduler = split.scheduler { put("scheduler", .string(scheduler)) }
                } else {
                    put("sampler_name", value)
                }
            case "seed":
                if let seed = seedValue(value) { put("seed", .int(seed)) } else { unmoved.append(Unmoved(path: key, reason: "not a whole number")) }
            case "alwayson_scripts":
                for (inner, member) in value.objectValue ?? [] {
                    let path = "alwayson_scripts." + inner
                    switch inner {
                    case _ where liftedSettings.contains(inner):
                        if nonEmptyText(member) != nil { overrides.append((inner, member)) }
                    case "override_settings":
                        for (setting, setValue) in member.objectValue ?? [] where !overrides.contains(where: { $0.key == setting }) {
                            overrides.append((setting, setValue))
                        }
                    case "id_task":
                        // zqt's own id (wire rule 8), set anew at send as force_task_id: never the user's to lose.
                        continue
                    case "output_image_format":
                        if nonEmptyText(member) != nil {
                            unmoved.append(Unmoved(path: path, reason: "A1111 answers PNG; it has no output format per request"))
                        }
                    case "image_link":
                        guard nonEmptyText(member) != nil else { continue }
                        if call == .img2img, let image = inline(member, to: "init_images[0]", from: path) {
                            put("init_images", .array([image]))
                        } else if call == .txt2img {
                            unmoved.append(Unmoved(path: path, reason: "txt2img takes no base image"))
                        }
                    case "mask_link":
                        guard nonEmptyText(member) != nil else { continue }
                        if call == .img2img, let mask = inline(member, to: "mask", from: path) { put("mask", mask) }
                    case "ADetailer":
                        scripts.append(("ADetailer", member))
                    case "controlnet":
                        guard let units = member["args"]?.arrayValue else {
                            unmoved.append(Unmoved(path: path, reason: "holds no args list of units"))
                            continue
                        }
                        let moved = units.enumerated().map { index, unit -> JSONValue in
                            unitToA1111(unit, index: index, images: &images, unmoved: &unmoved)
                        }
                        scripts.append(("controlnet", .object([("args", .array(moved))])))
                    default:
                        unmoved.append(Unmoved(path: path, reason: "no field of zqt's \(request.endpoint.title) names it; A1111 would not know it either"))
                    }
                }
            default:
                unmoved.append(Unmoved(path: key, reason: "no field of zqt's \(request.endpoint.title) names it; left out"))
            }
        }
        if !overrides.isEmpty { put("override_settings", .object(overrides)) }
        if !scripts.isEmpty { put("alwayson_scripts", .object(scripts)) }
        return Translated(body: .object(out), images: images, unmoved: unmoved)
    }

    /// A ControlNet unit as sd-webui-controlnet takes it: the same members, its image inline.
    static func unitToA1111(_ unit: JSONValue, index: Int, images: inout [ImageMove], unmoved: inout [Unmoved]) -> JSONValue {
        let base = "alwayson_scripts.controlnet.args[\(index)]"
        var out: [(key: String, value: JSONValue)] = []
        for (key, value) in unit.objectValue ?? [] {
            switch key {
            case "image_link", "input_image":
                guard let text = nonEmptyText(value) else { continue }
                images.append(contentsOf: imageToA1111(text, at: base + ".image"))
                out.append(("image", .string(text)))
            default:
                // The unit's members are the extension's own on both (§1.3, controlnet-catalog.md §1).
                out.append((key, value))
            }
        }
        return .object(out)
    }

    /// A zhiqite picture's way to A1111: a URL is downloaded and inlined; a
    /// local path stays one, read at send; anything else moves as it is.
    static func imageToA1111(_ text: String, at path: String) -> [ImageMove] {
        if isURL(text) { return [ImageMove(path: path, action: .downloadAndInline(url: text))] }
        return LocalInputs.localPath(text).map { [ImageMove(path: path, action: .readAtSend(file: $0))] } ?? []
    }

    // MARK: A1111 → zhiqite

    /// The zhiqite endpoint an A1111 body becomes: controlnet with units, image2image with a base image, else text2image.
    public static func endpointID(for body: JSONValue) -> String {
        if let units = body["alwayson_scripts"].flatMap(controlNetScript)?["args"]?.arrayValue, !units.isEmpty { return "sd/v2/controlnet" }
        if body["init_images"]?.arrayValue?.isEmpty == false { return "sd/v2/image2image" }
        return "sd/v2/text2image"
    }

    /// An A1111 txt2img or img2img body as a zhiqite body for `endpointID`
    /// (one of the SD endpoints; default: `endpointID(for:)`).
    public static func toZhiqite(_ body: JSONValue, endpointID wanted: String? = nil) throws(Failure) -> (endpointID: String, translated: Translated) {
        guard let members = body.objectValue else { throw .notAnObject }
        let endpointID = wanted ?? endpointID(for: body)
        guard zhiqiteEndpoints.contains(endpointID) else { throw .noZhiqiteCounterpart(endpoint: endpointID) }
        let title = String(endpointID.split(separator: "/").last ?? "")
        let takesImage = endpointID != "sd/v2/text2image"
        var out: [(key: String, value: JSONValue)] = []
        var scripts: [(key: String, value: JSONValue)] = []
        var overrides: [(key: String, value: JSONValue)] = []
        var images: [ImageMove] = []
        var unmoved: [Unmoved] = []
        func put(_ key: String, _ value: JSONValue) {
            if !out.contains(where: { $0.key == key }) { out.append((key, value)) }
        }
        func upload(_ value: JSONValue, to path: String, from sourcePath: String) -> JSONValue? {
            guard let text = nonEmptyText(value) else {
                unmoved.append(Unmoved(path: sourcePath, reason: "not an image"))
                return nil
            }
            if isURL(text) { return .string(text) }  // A1111 also takes a URL (with api_enable_requests): it moves as it is.
            images.append(imageToZhiqite(text, at: path))
            return .string(text)
        }
        var sampler: String?
        var scheduler: (value: String, path: String)?
        for (key, value) in members {
            switch key {
            case _ where sharedFields.contains(key):
                put(key, value)
            case _ where img2imgFields.contains(key):
                if endpointID == "sd/v2/image2image" || key == "resize_mode" {
                    put(key, value)
                } else {
                    unmoved.append(Unmoved(path: key, reason: "zhiqite's \(title) has no such field"))
                }
            case "sampler_name":
                sampler = value.stringValue
            case "sampler_index":
                // A1111's older name for the sampler; sampler_name wins when both are given.
                if members.contains(where: { $0.key == "sampler_name" }) { continue }
                sampler = value.stringValue
            case "scheduler":
                if let name = value.stringValue { scheduler = (name, key) }
            case "seed":
                if let seed = seedValue(value) { put("seed", .int(seed)) } else { unmoved.append(Unmoved(path: key, reason: "not a whole number")) }
            case "force_task_id":
                // zqt's own id for the A1111 call, set anew at send as alwayson_scripts.id_task (wire rule 8):
                // like send_images and save_images, not the user's, so not listed.
                continue
            case _ where clientFlags[key] == value:
                continue
            case "override_settings":
                for (setting, setValue) in value.objectValue ?? [] {
                    if liftedSettings.contains(setting) { scripts.append((setting, setValue)) } else { overrides.append((setting, setValue)) }
                }
            case "init_images":
                let list = value.arrayValue ?? []
                guard !list.isEmpty else { continue }
                if takesImage, let image = upload(list[0], to: "alwayson_scripts.image_link", from: "init_images[0]") {
                    scripts.append(("image_link", image))
                } else if !takesImage {
                    unmoved.append(Unmoved(path: key, reason: "zhiqite's text2image takes no base image"))
                }
                if list.count > 1 {
                    unmoved.append(Unmoved(path: key, reason: "zhiqite takes one base image; \(list.count - 1) more left out"))
                }
            case "mask":
                guard nonEmptyText(value) != nil else { continue }
                if endpointID == "sd/v2/image2image", let mask = upload(value, to: "alwayson_scripts.mask_link", from: key) {
                    scripts.append(("mask_link", mask))
                } else {
                    unmoved.append(Unmoved(path: key, reason: "only zhiqite's image2image takes a mask"))
                }
            case "alwayson_scripts":
                for (script, args) in value.objectValue ?? [] {
                    let path = "alwayson_scripts." + script
                    if script.lowercased() == "controlnet" {
                        guard endpointID == "sd/v2/controlnet" else {
                            unmoved.append(Unmoved(path: path, reason: "only zhiqite's controlnet takes ControlNet units"))
                            continue
                        }
                        let units = args["args"]?.arrayValue ?? []
                        let moved = units.enumerated().compactMap { index, unit -> JSONValue? in
                            unitToZhiqite(unit, index: index, images: &images, unmoved: &unmoved)
                        }
                        scripts.append(("controlnet", .object([("args", .array(moved))])))
                    } else if script == "ADetailer", endpointID == "sd/v2/image2image" {
                        scripts.append(("ADetailer", args))
                    } else {
                        unmoved.append(Unmoved(path: path, reason: "zhiqite runs no \(script) script"))
                    }
                }
            case "infotext":
                // The parameters text of a picture: fills what the body does not give (A1111 does the same).
                guard let text = value.stringValue, !text.isEmpty else { continue }
                let parsed = A1111Parameters.parse(text)
                for (field, fieldValue) in parsed.body.objectValue ?? [] {
                    if field == "sampler_index" {
                        if sampler == nil, !members.contains(where: { $0.key == "sampler_name" || $0.key == "sampler_index" }) {
                            sampler = fieldValue.stringValue
                        }
                    } else if field == "alwayson_scripts" {
                        for (inner, innerValue) in fieldValue.objectValue ?? [] where body["override_settings"]?[inner] == nil {
                            scripts.append((inner, innerValue))
                        }
                    } else if body[field] == nil {
                        put(field, fieldValue)
                    }
                }
                for key in parsed.unknown { unmoved.append(Unmoved(path: "infotext", reason: "\(key) has no zhiqite field")) }
            default:
                unmoved.append(Unmoved(path: key, reason: "zhiqite's \(title) has no such field"))
            }
        }
        if var name = sampler {
            if let scheduler {
                let lowered = scheduler.value.lowercased()
                if let suffix = combinedSchedulers[lowered], !name.hasSuffix(" " + suffix) {
                    name += " " + suffix
                } else if lowered != "automatic", combinedSchedulers[lowered] == nil {
                    unmoved.append(Unmoved(path: scheduler.path, reason: "zhiqite's sampler names carry only the Karras and Exponential schedules"))
                }
            }
            put("sampler_index", .string(name))
        } else if let scheduler, scheduler.value.lowercased() != "automatic" {
            unmoved.append(Unmoved(path: scheduler.path, reason: "no sampler named to carry it"))
        }
        if !overrides.isEmpty { scripts.append(("override_settings", .object(overrides))) }
        if !scripts.isEmpty {
            // zhiqite keeps the checkpoint and VAE first, as its documented example (§1.3).
            let order = ["sd_model_checkpoint", "sd_vae", "override_settings", "image_link", "mask_link", "ADetailer", "controlnet"]
            scripts.sort { (order.firstIndex(of: $0.key) ?? order.count) < (order.firstIndex(of: $1.key) ?? order.count) }
            put("alwayson_scripts", .object(scripts))
        }
        // Nothing of the body moved: printing {} would pass a body of another kind off as converted (newcomer20g 4).
        if out.isEmpty { throw .nothingMoves(fields: members.map(\.key)) }
        return (endpointID, Translated(body: .object(out), images: images, unmoved: unmoved))
    }

    /// A sd-webui-controlnet unit as zhiqite takes it: its image as `image_link`, to be uploaded when inline.
    static func unitToZhiqite(_ unit: JSONValue, index: Int, images: inout [ImageMove], unmoved: inout [Unmoved]) -> JSONValue? {
        let base = "alwayson_scripts.controlnet.args[\(index)]"
        guard let members = unit.objectValue else {
            unmoved.append(Unmoved(path: base, reason: "a unit given as a list of values; zhiqite takes units as objects"))
            return nil
        }
        var out: [(key: String, value: JSONValue)] = []
        for (key, value) in members {
            switch key {
            case "image", "input_image":
                var image = value
                // {image, mask}: the control image and a mask on it; zhiqite's unit has no mask.
                if let object = value.objectValue {
                    image = object.first { $0.key == "image" }?.value ?? .null
                    if object.contains(where: { $0.key == "mask" }) {
                        unmoved.append(Unmoved(path: "\(base).\(key).mask", reason: "zhiqite's units take no mask"))
                    }
                }
                guard let text = nonEmptyText(image) else {
                    if image != .null { unmoved.append(Unmoved(path: "\(base).\(key)", reason: "not an image zqt can move")) }
                    continue
                }
                if !isURL(text) { images.append(imageToZhiqite(text, at: base + ".image_link")) }
                out.append(("image_link", .string(text)))
            case "mask", "mask_image", "effective_region_mask":
                if value != .null { unmoved.append(Unmoved(path: "\(base).\(key)", reason: "zhiqite's units take no mask")) }
            default:
                out.append((key, value))
            }
        }
        return .object(out)
    }

    /// An A1111 picture's way to zhiqite (not a URL): a local path stays one,
    /// uploaded at send; inline base64 is kept as a file first (KindMove).
    static func imageToZhiqite(_ text: String, at path: String) -> ImageMove {
        if let file = LocalInputs.localPath(text) { return ImageMove(path: path, action: .uploadAtSend(file: file)) }
        return ImageMove(path: path, action: .upload(bytes: base64Bytes(text)))
    }

    // MARK: Values

    /// The ControlNet script's entry, matched without case as the extension matches its title.
    static func controlNetScript(_ scripts: JSONValue) -> JSONValue? {
        scripts.objectValue?.first { $0.key.lowercased() == "controlnet" }?.value
    }

    /// A seed as A1111 takes it: a whole number, from zhiqite's string too (wire rule 4).
    static func seedValue(_ value: JSONValue) -> Int? {
        switch value {
        case let .int(number): return number
        case let .double(number): return WholeNumber.from(number)
        case let .string(text): return Int(text.trimmed)
        default: return nil
        }
    }

    static func nonEmptyText(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue?.trimmed, !text.isEmpty else { return nil }
        return text
    }

    static func isURL(_ text: String) -> Bool {
        let lowered = text.prefix(8).lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
    }

    /// About how many bytes a base64 image holds (a `data:` prefix left out); never traps.
    static func base64Bytes(_ text: String) -> Int {
        let payload = text.hasPrefix("data:") ? text.split(separator: ",", maxSplits: 1).last.map(String.init) ?? "" : text
        let padding = payload.reversed().prefix(while: { $0 == "=" }).count
        return max(0, payload.utf8.count / 4 * 3 - padding)
    }
}
