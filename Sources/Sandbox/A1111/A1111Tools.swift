// The A1111 stand-in's one-picture tools: extras (upscale, face
// restoration), interrogate (describe a picture) and PNG Info (read the
// `parameters` a picture carries). Like A1111 they take the picture inline
// as base64 and answer at once, in the shapes of models.py.

import Model

extension A1111Service {
    /// /sdapi/v1/extra-single-image: the picture upscaled by
    /// `upscaling_resize` (resize_mode 0) or to `upscaling_resize_w`×`_h` (1).
    func extras(_ body: JSONValue) -> HTTPResponse {
        let fields: [(key: String, value: JSONValue)]
        switch A1111Schema.validate(body, against: A1111Schema.extras, flavor: options.flavor) {
        case let .failure(failure): return Self.json(failure.json, status: 422)
        case let .success(valid): fields = valid
        }
        guard let bytes = A1111Images.decode(fields[member: "image"].stringValue ?? ""), let size = A1111Images.size(of: bytes) else {
            return Self.error(status: 500, type: "HTTPException", detail: "Invalid encoded image")
        }
        for key in ["upscaler_1", "upscaler_2"] {
            let name = fields[member: key].stringValue ?? "None"
            guard A1111Lists.upscalers.contains(where: { $0.name == name }) else {
                return Self.error(status: 500, type: "AssertionError", errors: "could not find upscaler named \(name)")
            }
        }
        let width: Int, height: Int
        if fields[member: "resize_mode"] == .int(1) {
            width = fields[member: "upscaling_resize_w"].numberValue.flatMap { Int(exactly: $0) } ?? 512
            height = fields[member: "upscaling_resize_h"].numberValue.flatMap { Int(exactly: $0) } ?? 512
        } else {
            let factor = fields[member: "upscaling_resize"].numberValue ?? 2
            width = Int(exactly: (Double(size.width) * factor).rounded(.down)) ?? 0
            height = Int(exactly: (Double(size.height) * factor).rounded(.down)) ?? 0
        }
        guard width >= 1, height >= 1, width <= Self.maximumSide, height <= Self.maximumSide else {
            return Self.error(status: 500, type: "OutOfMemoryError",
                              errors: "CUDA out of memory (the sandbox's GPU: pictures up to \(Self.maximumSide)x\(Self.maximumSide), asked for \(width)x\(height))")
        }
        let upscaler = fields[member: "upscaler_1"].stringValue ?? "None"
        var steps = ["Postprocess upscale by: \(A1111Infotext.number(Double(width) / Double(size.width)))",
                     "Postprocess upscaler: \(upscaler)"]
        if let gfpgan = fields[member: "gfpgan_visibility"].numberValue, gfpgan > 0 { steps.append("GFPGAN visibility: \(A1111Infotext.number(gfpgan))") }
        if let codeformer = fields[member: "codeformer_visibility"].numberValue, codeformer > 0 {
            steps.append("CodeFormer visibility: \(A1111Infotext.number(codeformer))")
            steps.append("CodeFormer weight: \(A1111Infotext.number(fields[member: "codeformer_weight"].numberValue ?? 0))")
        }
        let info = steps.joined(separator: ", ")
        let image: JSONValue = fields[member: "show_extras_results"].boolValue == false ? .null
            : .string(A1111Images.base64(A1111Images.picture(width: width, height: height, seed: A1111Images.fingerprint(bytes),
                                                            parameters: info)))
        return Self.json(.object([("html_info", .string("<p>\(info)</p>")), ("image", image)]))
    }

    /// /sdapi/v1/interrogate: a caption in the style of the model asked for.
    func interrogate(_ body: JSONValue) -> HTTPResponse {
        let fields: [(key: String, value: JSONValue)]
        switch A1111Schema.validate(body, against: A1111Schema.interrogate, flavor: options.flavor) {
        case let .failure(failure): return Self.json(failure.json, status: 422)
        case let .success(valid): fields = valid
        }
        guard let bytes = A1111Images.decode(fields[member: "image"].stringValue ?? "") else {
            return Self.error(status: 500, type: "HTTPException", detail: "Invalid encoded image")
        }
        let size = A1111Images.size(of: bytes)
        let shape = size.map { $0.width > $0.height ? "landscape" : $0.width < $0.height ? "portrait" : "square" } ?? "square"
        let colours = ["teal", "amber", "violet", "crimson", "olive", "slate"]
        let colour = colours[abs(A1111Images.fingerprint(bytes) % colours.count)]
        switch fields[member: "model"].stringValue ?? "clip" {
        case "clip":
            return Self.json(.object([("caption", .string("a \(shape) picture of a \(colour) gradient with diagonal stripes, "
                                                       + "abstract art, a minimalist painting"))]))
        case "deepdanbooru":
            return Self.json(.object([("caption", .string("no humans, \(colour) theme, gradient, striped, simple background, \(shape)"))]))
        default:
            return Self.error(status: 404, type: "HTTPException", detail: "Model not found")
        }
    }

    /// /sdapi/v1/png-info: the `parameters` text, the other text chunks, and the text parsed.
    func pngInfo(_ body: JSONValue) -> HTTPResponse {
        let fields: [(key: String, value: JSONValue)]
        switch A1111Schema.validate(body, against: A1111Schema.pngInfo, required: ["image"], flavor: options.flavor) {
        case let .failure(failure): return Self.json(failure.json, status: 422)
        case let .success(valid): fields = valid
        }
        guard let bytes = A1111Images.decode(fields[member: "image"].stringValue ?? "") else {
            return Self.error(status: 500, type: "HTTPException", detail: "Invalid encoded image")
        }
        let entries = bytes.starts(with: PNGText.signature) ? ((try? PNGText.entries(in: bytes)) ?? []) : []
        let info = entries.first { $0.keyword == A1111Parameters.keyword }?.text ?? ""
        let items = entries.filter { $0.keyword != A1111Parameters.keyword }.map { ($0.keyword, JSONValue.string($0.text)) }
        return Self.json(.object([("info", .string(info)), ("items", .object(items)),
                                  ("parameters", info.isEmpty ? .object([]) : A1111Infotext.parse(info))]))
    }
}
