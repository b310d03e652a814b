// A request carried by a picture (issue 17). zqt's saved PNG copies hold the
// request as sent (`zqt-request`, with its endpoint in `zqt-endpoint`) and,
// for SD endpoints, A1111's `parameters`; other formats have it in a sidecar
// `<name>.json`. `L` and `zqt send --from-image` read either back, and a
// picture from AUTOMATIC1111's web UI through its `parameters` text.

public enum PictureRequest {
    public static let requestKeyword = "zqt-request"
    public static let endpointKeyword = "zqt-endpoint"
    /// A picture larger than this is not read (result images are a few megabytes).
    public static let maximumBytes = 64 << 20

    /// The text chunks a saved PNG copy of `request`'s result carries.
    /// `parameters` for a zhiqite SD result, and for an A1111 server's picture
    /// (one with a seed: a ControlNet map has none) whose PNG came without its
    /// own: `existing`, the chunks the copy already has, keep the server's words.
    public static func entries(endpoint: Endpoint, requestJSON: String, seed: Int?,
                               existing: [PNGText.Entry] = []) -> [PNGText.Entry] {
        var entries = [PNGText.Entry(keyword: requestKeyword, text: requestJSON),
                       PNGText.Entry(keyword: endpointKeyword, text: endpoint.storageKey)]
        let writesParameters = endpoint.family == .sd || (endpoint.server == .a1111 && seed != nil)
        if writesParameters, !existing.contains(where: { $0.keyword == A1111Parameters.keyword }),
           let body = try? JSONParser.parse(requestJSON),
           let parameters = A1111Parameters.text(for: body, seed: seed) {
            entries.append(PNGText.Entry(keyword: A1111Parameters.keyword, text: parameters))
        }
        return entries
    }

    /// The request a picture's bytes carry, with a new task id (wire rule 8).
    /// `sidecar`: the text of `<name>.json` beside it, read when the picture has no chunk.
    /// A picture with A1111's `parameters` only (an A1111 server's, through
    /// zqt or its web UI) is an A1111 txt2img request when `current` is an
    /// A1111 server's endpoint or `madeBy` says an A1111 server made it (its
    /// history row), else zhiqite's text2image (issue 20).
    public static func read(_ bytes: [UInt8], sidecar: String?, catalog: EndpointCatalog, current: Endpoint,
                            madeBy: ServerKind? = nil, taskID: String) -> Result<ImportedRequest, RequestImport.Problem> {
        var entries: [PNGText.Entry] = []
        if bytes.starts(with: PNGText.signature) {
            do throws(PNGText.Fault) {
                entries = try PNGText.entries(in: bytes)
            } catch {
                if sidecar == nil { return .failure(RequestImport.Problem(message: error.description)) }
            }
        }
        if let json = entries.first(where: { $0.keyword == requestKeyword })?.text {
            // The endpoint it was sent to wins a tie; the body decides otherwise, as L infers it.
            let endpoint = entries.first(where: { $0.keyword == endpointKeyword }).map { catalog.resolve(storageKey: $0.text) } ?? current
            return RequestImport.read(json, catalog: catalog, current: endpoint, taskID: taskID)
        }
        if let parameters = entries.first(where: { $0.keyword == A1111Parameters.keyword })?.text {
            guard let text2image = catalog.endpoint(id: "sd/v2/text2image") else {
                return .failure(RequestImport.Problem(message: "this catalog has no text2image endpoint"))
            }
            let parsed = A1111Parameters.parse(parameters)
            do {
                var decoded = try Request.decode(json: JSONWriter.pretty(parsed.body), for: text2image)
                decoded.request.taskID = taskID
                if current.server == .a1111 || madeBy == .a1111 {
                    return a1111Request(decoded.request, parsed: parsed, catalog: catalog, taskID: taskID)
                }
                let zhiqite = withScheduleJoined(parsed)
                var unitNotes: [DecodeNote] = []
                if !parsed.controlNetUnits.isEmpty {
                    // Units make it zhiqite's ControlNet request (§1.3), as T moves an A1111 body with units.
                    guard let controlNet = catalog.endpoint(id: "sd/v2/controlnet"), let group = unitsField(of: controlNet) else {
                        return .failure(RequestImport.Problem(message: "this catalog has no ControlNet endpoint for the picture's units"))
                    }
                    let units = controlNetUnits(parsed.controlNetUnits, group: group)
                    unitNotes = units.notes
                    decoded = try Request.decode(json: JSONWriter.pretty(withUnits(units.args, in: zhiqite.body, at: group.path)), for: controlNet)
                    decoded.request.taskID = taskID
                } else if zhiqite.body != parsed.body {
                    decoded = try Request.decode(json: JSONWriter.pretty(zhiqite.body), for: text2image)
                    decoded.request.taskID = taskID
                }
                let notes = decoded.notes + zhiqite.notMoved + unitNotes + zhiqite.unknown.map {
                    DecodeNote(path: "", message: "A1111's \(TerminalText.printable($0)) has no field in zqt; left out")
                }
                return .success(ImportedRequest(request: decoded.request, notes: notes))
            } catch {
                return .failure(RequestImport.Problem(message: "the picture's parameters are \(error)"))
            }
        }
        if let sidecar { return RequestImport.read(sidecar, catalog: catalog, current: current, taskID: taskID) }
        return .failure(RequestImport.Problem(message: "the picture carries no request (no zqt-request or A1111 parameters text, no .json beside it)"))
    }

    /// A web UI picture's parameters as zhiqite's text2image takes them: its
    /// `Schedule type` (A1111 1.9 and later write the sampler and its
    /// schedule apart) joined back to the sampler's name as zhiqite names
    /// samplers ("DPM++ 2M" with Karras: "DPM++ 2M Karras"), as `T` joins them
    /// (A1111Translation); a schedule zhiqite's names do not carry is said
    /// not moved, with why (issue 20), as is a joined name zhiqite does not
    /// have ("Euler a Karras").
    static func withScheduleJoined(_ parsed: A1111Parameters.Parsed)
        -> (body: JSONValue, unknown: [String], notMoved: [DecodeNote]) {
        let prefix = "Schedule type:"
        guard let index = parsed.unknown.firstIndex(where: { $0.hasPrefix(prefix) }) else { return (parsed.body, parsed.unknown, []) }
        var unknown = parsed.unknown
        let schedule = String(unknown.remove(at: index).dropFirst(prefix.count)).trimmed
        var members = parsed.body.objectValue ?? []
        func notMoved(_ why: String) -> DecodeNote {
            DecodeNote(path: "sampler_index", message: "A1111's Schedule type: \(TerminalText.printable(schedule)) not moved: " + why)
        }
        guard let at = members.firstIndex(where: { $0.key == "sampler_index" }), let sampler = members[at].value.stringValue else {
            return (parsed.body, unknown, schedule.lowercased() == "automatic" ? [] : [notMoved("no sampler named to carry it")])
        }
        guard let joined = A1111Translation.joinedSampler(sampler, scheduler: schedule) else {
            return (parsed.body, unknown, [notMoved("zhiqite's sampler names carry only the Karras and Exponential schedules")])
        }
        guard joined == sampler || ControlNetCatalog.samplers.contains(joined) else {
            return (parsed.body, unknown, [notMoved("zhiqite has no sampler \(TerminalText.printable(joined))")])
        }
        members[at].value = .string(joined)
        return (.object(members), unknown, [])
    }

    /// The keys of an A1111 `parameters` text that say who made the picture, not how: no field takes them.
    static let provenanceKeys: Set<String> = ["Model hash", "Version", "VAE hash"]

    /// A picture's `parameters` as the A1111 txt2img request that made it,
    /// in A1111's own names: the text read as zhiqite's text2image (the one
    /// reader, A1111Parameters), then moved as `T` moves a request
    /// (A1111Translation: the checkpoint in override_settings, the sampler
    /// and its schedule apart), with the schedule type the text names.
    static func a1111Request(_ text2image: Request, parsed: A1111Parameters.Parsed, catalog: EndpointCatalog,
                             taskID: String) -> Result<ImportedRequest, RequestImport.Problem> {
        guard let txt2img = catalog.endpoint(id: "sdapi/v1/txt2img") else {
            return .failure(RequestImport.Problem(message: "this catalog has no A1111 txt2img endpoint"))
        }
        let moved: A1111Translation.Translated
        do throws(A1111Translation.Failure) {
            moved = try A1111Translation.toA1111(text2image)
        } catch {
            return .failure(RequestImport.Problem(message: "the picture's parameters are \(error)"))
        }
        var members = moved.body.objectValue ?? []
        var unknown: [String] = []
        for entry in parsed.unknown {
            // Each is "Key: value" as A1111Parameters.parse wrote it.
            let parts = entry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            let value = parts.count > 1 ? String(parts[1]).trimmed : ""
            if key == "Schedule type", !value.isEmpty {
                members.removeAll { $0.key == "scheduler" }
                members.append((key: "scheduler", value: .string(value)))
            } else if !provenanceKeys.contains(key) {
                unknown.append(entry)
            }
        }
        var unitNotes: [DecodeNote] = []
        var body = JSONValue.object(members)
        if !parsed.controlNetUnits.isEmpty, let group = unitsField(of: txt2img) {
            let units = controlNetUnits(parsed.controlNetUnits, group: group)
            unitNotes = units.notes
            body = withUnits(units.args, in: body, at: group.path)
        }
        do {
            var decoded = try Request.decode(json: JSONWriter.pretty(body), for: txt2img)
            decoded.request.taskID = taskID
            let notes = decoded.notes + unitNotes + unknown.map {
                DecodeNote(path: "", message: "A1111's \(TerminalText.printable($0)) has no field in zqt; left out")
            }
            return .success(ImportedRequest(request: decoded.request, notes: notes))
        } catch {
            return .failure(RequestImport.Problem(message: "the picture's parameters are \(error)"))
        }
    }

    /// The endpoint's field holding ControlNet units (the catalog's `controlnet` group).
    static func unitsField(of endpoint: Endpoint) -> FieldSpec? {
        endpoint.fields.first { $0.groupSpec?.name == "controlnet" }
    }

    /// A picture's ControlNet units as `group`'s items: each switched on
    /// (wire rule 6), every field the group has; a field it has not is said
    /// left out, and each unit's missing image is said, as a PNG never holds it.
    static func controlNetUnits(_ units: [A1111Parameters.ControlNetUnitText], group field: FieldSpec)
        -> (args: [JSONValue], notes: [DecodeNote]) {
        guard let group = field.groupSpec else { return ([], []) }
        let image = group.fields.first { $0.role == .inputImage }?.path
        var args: [JSONValue] = []
        var notes: [DecodeNote] = []
        for (index, unit) in units.enumerated() {
            var members: [(key: String, value: JSONValue)] = []
            if let switchField = group.switchField { members.append((key: switchField.path, value: .bool(true))) }
            for (key, value) in unit.members.objectValue ?? [] {
                if key != image, key != group.switchField?.path, group.field(key) != nil {
                    members.append((key: key, value: value))
                } else if key != group.switchField?.path {
                    let written = unit.written[key] ?? key
                    notes.append(DecodeNote(path: "",
                                            message: "A1111's \(TerminalText.printable(unit.label)) \(TerminalText.printable(written)) has no field in zqt; left out"))
                }
            }
            args.append(.object(members))
            if image != nil {
                notes.append(DecodeNote(path: "",
                                        message: "unit \(index + 1)'s control image was not kept in the picture: choose one"))
            }
        }
        return (args, notes)
    }

    /// `body` with `args` at `path` (`alwayson_scripts.controlnet.args`), the objects on the way kept or made.
    static func withUnits(_ args: [JSONValue], in body: JSONValue, at path: String) -> JSONValue {
        func put(_ value: JSONValue, in object: JSONValue?, keys: ArraySlice<Substring>) -> JSONValue {
            guard let key = keys.first.map(String.init) else { return value }
            var members = object?.objectValue ?? []
            let inner = put(value, in: members.first { $0.key == key }?.value, keys: keys.dropFirst())
            if let at = members.firstIndex(where: { $0.key == key }) { members[at].value = inner } else { members.append((key: key, value: inner)) }
            return .object(members)
        }
        return put(.array(args), in: body, keys: path.split(separator: ".")[...])
    }

    /// Whether a path is a picture's by its name (.png, .jpg, .jpeg, .webp): L reads a request from it.
    public static func namesPicture(_ path: String) -> Bool {
        let lower = path.lowercased()
        return [".png", ".jpg", ".jpeg", ".webp"].contains { lower.hasSuffix($0) }
    }

    /// The request in the picture at `path` (its sidecar read when it has no chunk).
    public static func load(_ path: String, catalog: EndpointCatalog, current: Endpoint, madeBy: ServerKind? = nil,
                            taskID: String) -> Result<ImportedRequest, RequestImport.Problem> {
        let bytes: [UInt8]
        switch LocalFile.readBytes(path, maximumBytes: maximumBytes) {
        case let .success(read): bytes = read
        case .failure(.missing): return .failure(RequestImport.Problem(message: "no such file"))
        case .failure(.notRegular): return .failure(RequestImport.Problem(message: "not a regular file"))
        case .failure(.tooLarge): return .failure(RequestImport.Problem(message: "larger than 64 MB"))
        case .failure: return .failure(RequestImport.Problem(message: "cannot be read"))
        }
        let sidecar: String?
        if case let .success(text) = LocalFile.readText(path + ".json", maximumBytes: 4 << 20) { sidecar = text } else { sidecar = nil }
        return read(bytes, sidecar: sidecar, catalog: catalog, current: current, madeBy: madeBy, taskID: taskID)
    }
}
