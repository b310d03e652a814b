// txt2img and img2img: validated as FastAPI validates them, queued behind
// the running job, run step by step, answered only when done with the
// pictures inline (base64 PNGs, each with its `parameters` infotext), the
// request echoed as `parameters`, and `info`, a JSON document in a string
// (processing.py Processed.js). A batch answers a grid first when the
// return_grid option is on (A1111's default), and each enabled ControlNet
// unit adds its control map after the pictures (the extension's
// save_detected_map, on by default).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

extension A1111Service {
    enum GenerationKind {
        case txt2img, img2img

        var fields: [A1111Field] { self == .txt2img ? A1111Schema.txt2img : A1111Schema.img2img }
        var jobName: String { self == .txt2img ? "scripts_txt2img" : "scripts_img2img" }
    }

    /// The largest picture the stand-in draws and the most pictures one call
    /// makes: beyond them it answers as a GPU out of memory does.
    static let maximumSide = 4096
    static let maximumPictures = 16
    /// Pixels one call draws at most, pictures and control maps together (a grid adds as many again).
    static let maximumPixels = 16 << 20

    /// Always-on scripts A1111 1.10 and the ControlNet extension offer; any
    /// other name is refused as A1111 refuses it.
    static let alwaysOnScripts: Set<String> = ["controlnet", "refiner", "seed", "sampler", "extra options", "hypertile",
                                               "soft inpainting", "lora", "comments"]

    func generate(_ kind: GenerationKind, body: JSONValue, request: HTTPRequest) -> HTTPAction {
        record(request)
        let fields: [(key: String, value: JSONValue)]
        switch A1111Schema.validate(body, against: kind.fields, flavor: options.flavor) {
        case let .failure(failure): return .respond(Self.json(failure.json, status: 422))
        case let .success(valid): fields = valid
        }
        let plan: GenerationPlan
        switch GenerationPlan.make(kind, fields, service: self) {
        case let .failure(refusal): return .respond(refusal.response)
        case let .success(made): plan = made
        }
        let ticket = jobs.enqueue()
        guard jobs.waitForTurn(ticket) else {
            return .respond(Self.error(status: 500, type: "RuntimeError", errors: "the server is stopping"))
        }
        let ends: [A1111IterationEnd]
        do {
            defer { jobs.endTurn() }
            ends = jobs.run(plan.job)
        }
        if plan.prompt.contains(A1111SandboxOptions.PromptMarker.drop) { return .dropConnection }
        if plan.prompt.contains(A1111SandboxOptions.PromptMarker.fail) {
            return .respond(Self.error(status: 500, type: "RuntimeError",
                                       errors: "the job failed as asked (\(A1111SandboxOptions.PromptMarker.fail) in the prompt)"))
        }
        if options.failAllJobs {
            return .respond(Self.error(status: 500, type: "RuntimeError", errors: "the job failed as asked (the sandbox runs with --fail-tasks)"))
        }
        return .respond(Self.json(plan.answer(iterations: ends, echo: echo(kind, fields), returnGrid: options.returnGrid,
                                              sendImages: fields[member: "send_images"].boolValue ?? true)))
    }

    /// The request as the answer's `parameters` echoes it: every field, defaults filled in;
    /// img2img leaves out its pictures unless include_init_images.
    private func echo(_ kind: GenerationKind, _ fields: [(key: String, value: JSONValue)]) -> JSONValue {
        guard kind == .img2img, fields[member: "include_init_images"].boolValue != true else { return .object(fields) }
        return .object(fields.map { ["init_images", "mask"].contains($0.key) ? ($0.key, .null) : $0 })
    }
}

/// Why a generation is refused before it runs, as the answer to send.
struct A1111Refusal: Error {
    let response: HTTPResponse
}

/// One ControlNet unit as the extension reads it.
struct A1111ControlUnit {
    let module: String
    let model: String
    let weight: Double
    let resizeMode: String
    let processorResolution: Int
    let thresholdA: Double
    let thresholdB: Double
    let guidanceStart: Double
    let guidanceEnd: Double
    let pixelPerfect: Bool
    let controlMode: String
    let saveDetectedMap: Bool
    /// What the control map is drawn from: the unit's picture, else the init image.
    let pictureFingerprint: Int

    /// How the unit reads in the infotext ("ControlNet 0: "Module: canny, …"").
    var infotext: String {
        "Module: \(module), Model: \(model), Weight: \(A1111Infotext.number(weight)), Resize Mode: \(resizeMode), "
            + "Processor Res: \(processorResolution), Threshold A: \(A1111Infotext.number(thresholdA)), "
            + "Threshold B: \(A1111Infotext.number(thresholdB)), Guidance Start: \(A1111Infotext.number(guidanceStart)), "
            + "Guidance End: \(A1111Infotext.number(guidanceEnd)), Pixel Perfect: \(pixelPerfect ? "True" : "False"), "
            + "Control Mode: \(controlMode)"
    }
}

/// Everything a generation needs, read from its validated fields.
struct GenerationPlan {
    let kind: A1111Service.GenerationKind
    let prompt: String
    let negativePrompt: String
    let sampler: String
    let scheduler: String?
    let steps: Int
    let cfgScale: Double
    /// The size asked for (the first pass's, with hi-res fix) and the size drawn.
    let width: Int
    let height: Int
    let outputWidth: Int
    let outputHeight: Int
    let batchSize: Int
    let iterations: Int
    let seed: Int
    let subseed: Int
    let checkpoint: A1111Lists.Checkpoint
    let denoisingStrength: Double?
    let hires: (scale: Double?, resize: (Int, Int)?, upscaler: String?, steps: Int)?
    let units: [A1111ControlUnit]
    let job: A1111JobPlan
    /// The version infotexts and `info` name.
    let version: String

    var seeds: [Int] { (0..<(batchSize * iterations)).map { seed &+ $0 } }

    static func make(_ kind: A1111Service.GenerationKind, _ fields: [(key: String, value: JSONValue)],
                     service: A1111Service) -> Result<GenerationPlan, A1111Refusal> {
        func int(_ name: String) -> Int? { fields[member: name].numberValue.flatMap { Int(exactly: $0.rounded(.towardZero)) } }
        func double(_ name: String) -> Double? { fields[member: name].numberValue }
        func string(_ name: String) -> String? { fields[member: name].stringValue }
        func refuse(_ response: HTTPResponse) -> Result<GenerationPlan, A1111Refusal> { .failure(A1111Refusal(response: response)) }
        func outOfMemory(_ why: String) -> Result<GenerationPlan, A1111Refusal> {
            refuse(A1111Service.error(status: 500, type: "OutOfMemoryError",
                                      errors: "CUDA out of memory (the sandbox's GPU: \(why))"))
        }

        let requestedSampler = string("sampler_name").flatMap { $0.isEmpty ? nil : $0 } ?? string("sampler_index") ?? "Euler"
        guard let sampler = A1111Lists.sampler(named: requestedSampler) else {
            return refuse(A1111Service.error(status: 404, type: "HTTPException", detail: "Sampler not found"))
        }
        let scheduler = string("scheduler").flatMap { name in
            A1111Lists.schedulers.first { $0.name == name || $0.label == name }.flatMap { $0.name == "automatic" ? nil : $0.label }
        }
        let steps = int("steps") ?? 50
        guard steps >= 1 else {
            return refuse(A1111Service.error(status: 500, type: "ZeroDivisionError", errors: "steps must be at least 1 (given \(steps))"))
        }
        // The latent is an eighth of the picture, so a side is drawn at a multiple of 8.
        let width = int("width") ?? 512, height = int("height") ?? 512
        guard width >= 8, height >= 8 else {
            return refuse(A1111Service.error(status: 500, type: "RuntimeError", errors: "picture size \(width)x\(height) is smaller than 8x8"))
        }
        let batchSize = max(1, int("batch_size") ?? 1), iterations = max(1, int("n_iter") ?? 1)
        guard batchSize.multipliedReportingOverflow(by: iterations).partialValue <= A1111Service.maximumPictures,
              batchSize <= A1111Service.maximumPictures, iterations <= A1111Service.maximumPictures else {
            return outOfMemory("at most \(A1111Service.maximumPictures) pictures a call, asked for \(batchSize) × \(iterations)")
        }

        var hires: (scale: Double?, resize: (Int, Int)?, upscaler: String?, steps: Int)?
        var outputWidth = width / 8 * 8, outputHeight = height / 8 * 8
        if kind == .txt2img, fields[member: "enable_hr"].boolValue == true {
            let resizeX = int("hr_resize_x") ?? 0, resizeY = int("hr_resize_y") ?? 0
            let scale = double("hr_scale") ?? 2
            if resizeX > 0 || resizeY > 0 {
                // One side given: the other keeps the first pass's proportions.
                let x = resizeX > 0 ? resizeX : Int(exactly: (Double(resizeY) * Double(width) / Double(height)).rounded()) ?? 0
                let y = resizeY > 0 ? resizeY : Int(exactly: (Double(resizeX) * Double(height) / Double(width)).rounded()) ?? 0
                hires = (nil, (x, y), string("hr_upscaler"), int("hr_second_pass_steps") ?? 0)
                outputWidth = x / 8 * 8
                outputHeight = y / 8 * 8
            } else {
                guard scale.isFinite, scale > 0, scale <= 8 else { return outOfMemory("hi-res scale \(scale)") }
                hires = (scale, nil, string("hr_upscaler"), int("hr_second_pass_steps") ?? 0)
                outputWidth = (Int(exactly: (Double(width) * scale).rounded(.down)) ?? 0) / 8 * 8
                outputHeight = (Int(exactly: (Double(height) * scale).rounded(.down)) ?? 0) / 8 * 8
            }
        }
        guard outputWidth >= 8, outputHeight >= 8, outputWidth <= A1111Service.maximumSide, outputHeight <= A1111Service.maximumSide else {
            return outOfMemory("pictures up to \(A1111Service.maximumSide)x\(A1111Service.maximumSide), asked for \(outputWidth)x\(outputHeight)")
        }

        // Checked before anything is decoded or drawn; the units are counted once they are read.
        let pixelsPerPicture = outputWidth * outputHeight
        func overBudget(maps: Int) -> Bool {
            (batchSize * iterations + maps).multipliedReportingOverflow(by: pixelsPerPicture).partialValue > A1111Service.maximumPixels
        }
        if overBudget(maps: 0) {
            return outOfMemory("at most \(A1111Service.maximumPixels >> 20) megapixels a call, asked for \(batchSize * iterations) of \(outputWidth)x\(outputHeight)")
        }

        var initFingerprint: Int?
        if kind == .img2img {
            guard let images = fields[member: "init_images"].arrayValue, !images.isEmpty else {
                return refuse(A1111Service.error(status: 404, type: "HTTPException", detail: "Init image not found"))
            }
            for image in images {
                guard let text = image.stringValue, let bytes = A1111Images.decode(text) else {
                    return refuse(A1111Service.error(status: 500, type: "HTTPException", detail: "Invalid encoded image"))
                }
                if initFingerprint == nil { initFingerprint = A1111Images.fingerprint(bytes) }
            }
            if let mask = string("mask"), A1111Images.decode(mask) == nil {
                return refuse(A1111Service.error(status: 500, type: "HTTPException", detail: "Invalid encoded image"))
            }
        }

        let scripts = fields[member: "alwayson_scripts"].objectValue ?? []
        for (name, _) in scripts where !A1111Service.alwaysOnScripts.contains(name.lowercased()) {
            return refuse(A1111Service.error(status: 422, type: "HTTPException", detail: "always on script \(name) not found"))
        }
        var units: [A1111ControlUnit] = []
        if let controlNet = scripts.first(where: { $0.key.lowercased() == "controlnet" })?.value {
            switch A1111ControlNet.units(controlNet["args"] ?? .array([]), kind: kind, initFingerprint: initFingerprint) {
            case let .failure(refusal): return .failure(refusal)
            case let .success(read): units = read
            }
            if overBudget(maps: units.filter(\.saveDetectedMap).count) {
                return outOfMemory("at most \(A1111Service.maximumPixels >> 20) megapixels a call, pictures and control maps together")
            }
        }

        let checkpoint = A1111Lists.checkpoint(named: fields[member: "override_settings"]["sd_model_checkpoint"]?.stringValue,
                                               loaded: service.loadedCheckpoint)
        let prompt = string("prompt") ?? ""
        let requestedSeed = int("seed") ?? -1
        let seed = requestedSeed == -1 ? Int.random(in: 0..<4_294_967_295) : requestedSeed
        let requestedSubseed = int("subseed") ?? -1
        let subseed = requestedSubseed == -1 ? Int.random(in: 0..<4_294_967_295) : requestedSubseed
        let slow = prompt.contains(A1111SandboxOptions.PromptMarker.slow) ? 4 : 1
        var passes = [steps]
        if let hires { passes.append(hires.steps > 0 ? hires.steps : steps) }
        let previewScale = max(1, max(outputWidth, outputHeight) / 256)
        let totalSteps = passes.reduce(0) { $0.addingReportingOverflow($1).partialValue }
            .multipliedReportingOverflow(by: iterations).partialValue
        let stepMilliseconds = service.options.stepMilliseconds(forJobOf: totalSteps)
        let job = A1111JobPlan(name: kind.jobName, iterations: iterations, passes: passes,
                               stepMilliseconds: stepMilliseconds.multipliedReportingOverflow(by: slow).partialValue,
                               dropHalfWay: prompt.contains(A1111SandboxOptions.PromptMarker.drop),
                               badPreview: prompt.contains(A1111SandboxOptions.PromptMarker.badPreview),
                               previewWidth: max(8, outputWidth / previewScale), previewHeight: max(8, outputHeight / previewScale),
                               previewSeeds: (0..<iterations).map { seed &+ $0 * batchSize })
        let denoising: Double? = kind == .img2img ? (double("denoising_strength") ?? 0.75)
            : (hires != nil ? (double("denoising_strength") ?? 0.75) : nil)
        return .success(GenerationPlan(
            kind: kind, prompt: prompt, negativePrompt: string("negative_prompt") ?? "", sampler: sampler, scheduler: scheduler,
            steps: steps, cfgScale: double("cfg_scale") ?? 7, width: width, height: height,
            outputWidth: outputWidth, outputHeight: outputHeight, batchSize: batchSize, iterations: iterations,
            seed: seed, subseed: subseed, checkpoint: checkpoint, denoisingStrength: denoising, hires: hires,
            units: units, job: job, version: service.options.flavor.version))
    }

    /// The infotext of the picture made with `seed`.
    func infotext(seed: Int) -> String {
        var pairs: [(String, String?)] = [
            ("Steps", String(steps)), ("Sampler", sampler), ("Schedule type", scheduler),
            ("CFG scale", A1111Infotext.number(cfgScale)), ("Seed", String(seed)), ("Size", "\(width)x\(height)"),
            ("Model hash", checkpoint.hash), ("Model", checkpoint.name),
            ("Denoising strength", denoisingStrength.map(A1111Infotext.number)),
        ]
        if let hires {
            if let scale = hires.scale { pairs.append(("Hires upscale", A1111Infotext.number(scale))) }
            if let resize = hires.resize { pairs.append(("Hires resize", "\(resize.0)x\(resize.1)")) }
            if hires.steps > 0 { pairs.append(("Hires steps", String(hires.steps))) }
            pairs.append(("Hires upscaler", hires.upscaler))
        }
        for (index, unit) in units.enumerated() { pairs.append(("ControlNet \(index)", unit.infotext)) }
        pairs.append(("Version", version))
        return A1111Infotext.text(prompt: prompt, negativePrompt: negativePrompt, pairs: pairs)
    }

    /// The call's answer once the job ran: the pictures of the iterations
    /// that ran (all of them, or those before an interrupt), the grid first
    /// when several, the control maps last.
    func answer(iterations ends: [A1111IterationEnd], echo: JSONValue, returnGrid: Bool, sendImages: Bool) -> JSONValue {
        let madeSeeds = Array(seeds.prefix(ends.count * batchSize))
        var images: [String] = []
        var infotexts: [String] = []
        if returnGrid, madeSeeds.count > 1 {
            // The grid's rows: the whole square root of the count, at least 1, counted in whole numbers.
            var rows = 1
            while (rows + 1) * (rows + 1) <= madeSeeds.count { rows += 1 }
            while madeSeeds.count % rows != 0 { rows -= 1 }
            let columns = (madeSeeds.count + rows - 1) / rows
            let text = infotext(seed: madeSeeds[0])
            if sendImages {
                images.append(A1111Images.base64(A1111Images.picture(width: outputWidth * columns, height: outputHeight * rows,
                                                                     seed: madeSeeds[0] ^ 0x5A5A, parameters: text)))
            }
            infotexts.append(text)
        }
        for seed in madeSeeds {
            let text = infotext(seed: seed)
            if sendImages {
                images.append(A1111Images.base64(A1111Images.picture(width: outputWidth, height: outputHeight, seed: seed, parameters: text)))
            }
            infotexts.append(text)
        }
        if sendImages, !madeSeeds.isEmpty {
            for unit in units where unit.saveDetectedMap {
                images.append(A1111Images.base64(A1111Images.picture(width: outputWidth, height: outputHeight,
                                                                     seed: unit.pictureFingerprint, parameters: nil)))
            }
        }
        let count = seeds.count
        let info: JSONValue = .object([
            ("prompt", .string(prompt)), ("all_prompts", .array(Array(repeating: .string(prompt), count: count))),
            ("negative_prompt", .string(negativePrompt)),
            ("all_negative_prompts", .array(Array(repeating: .string(negativePrompt), count: count))),
            ("seed", .int(seed)), ("all_seeds", .array(seeds.map(JSONValue.int))),
            ("subseed", .int(subseed)), ("all_subseeds", .array((0..<count).map { .int(subseed &+ $0) })),
            ("subseed_strength", .double(0)), ("width", .int(width)), ("height", .int(height)),
            ("sampler_name", .string(sampler)), ("cfg_scale", .double(cfgScale)), ("steps", .int(steps)),
            ("batch_size", .int(batchSize)), ("restore_faces", .bool(false)), ("face_restoration_model", .null),
            ("sd_model_name", .string(checkpoint.name)), ("sd_model_hash", .string(checkpoint.hash)),
            ("sd_vae_name", .null), ("sd_vae_hash", .null), ("seed_resize_from_w", .int(-1)), ("seed_resize_from_h", .int(-1)),
            ("denoising_strength", denoisingStrength.map(JSONValue.double) ?? .null),
            ("extra_generation_params", .object(extraParameters)),
            ("index_of_first_image", .int(returnGrid && madeSeeds.count > 1 ? 1 : 0)),
            ("infotexts", .array(infotexts.map(JSONValue.string))), ("styles", .array([])),
            ("job_timestamp", .string(A1111Jobs.timestampFormat(Date()))), ("clip_skip", .int(1)),
            ("is_using_inpainting_conditioning", .bool(false)), ("version", .string(version)),
        ])
        return .object([("images", .array(images.map(JSONValue.string))), ("parameters", echo),
                        ("info", .string(JSONWriter.compact(info)))])
    }

    private var extraParameters: [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = []
        if let scheduler { members.append(("Schedule type", .string(scheduler))) }
        if let hires {
            if let scale = hires.scale { members.append(("Hires upscale", .double(scale))) }
            if let resize = hires.resize { members.append(("Hires resize", .string("\(resize.0)x\(resize.1)"))) }
            if let upscaler = hires.upscaler { members.append(("Hires upscaler", .string(upscaler))) }
        }
        for (index, unit) in units.enumerated() { members.append(("ControlNet \(index)", .string(unit.infotext))) }
        return members
    }
}
