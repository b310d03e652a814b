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
    public static func entries(endpoint: Endpoint, requestJSON: String, seed: Int?) -> [PNGText.Entry] {
        var entries = [PNGText.Entry(keyword: requestKeyword, text: requestJSON),
                       PNGText.Entry(keyword: endpointKeyword, text: endpoint.storageKey)]
        if endpoint.family == .sd, let body = try? JSONParser.parse(requestJSON),
           let parameters = A1111Parameters.text(for: body, seed: seed) {
            entries.append(PNGText.Entry(keyword: A1111Parameters.keyword, text: parameters))
        }
        return entries
    }

    /// The request a picture's bytes carry, with a new task id (wire rule 8).
    /// `sidecar`: the text of `<name>.json` beside it, read when the picture has no chunk.
    public static func read(_ bytes: [UInt8], sidecar: String?, catalog: EndpointCatalog, current: Endpoint,
                            taskID: String) -> Result<ImportedRequest, RequestImport.Problem> {
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
                let leftOut = parsed.unknown.map {
                    DecodeNote(path: "", message: "A1111's \(TerminalText.printable($0)) has no field in zqt; left out")
                }
                let notes = decoded.notes + leftOut
                // On an A1111 form (issue 20) the picture's parameters are a txt2img request of that server, said so.
                if current.server == .a1111, let txt2img = catalog.endpoint(id: "sdapi/v1/txt2img"),
                   let moved = try? A1111Translation.toA1111(decoded.request),
                   var own = try? Request.decode(json: JSONWriter.pretty(moved.body), for: txt2img) {
                    own.request.taskID = taskID
                    let chosen = DecodeNote(path: "", message: "txt2img chosen: an A1111 picture's parameters are a txt2img request (the endpoint switcher moves the form)")
                    let unmoved = moved.unmoved.filter { !$0.path.hasSuffix("id_task") }.map { DecodeNote(path: $0.path, message: $0.reason) }
                    return .success(ImportedRequest(request: own.request, notes: [chosen] + own.notes + leftOut + unmoved))
                }
                return .success(ImportedRequest(request: decoded.request, notes: notes))
            } catch {
                return .failure(RequestImport.Problem(message: "the picture's parameters are \(error)"))
            }
        }
        if let sidecar { return RequestImport.read(sidecar, catalog: catalog, current: current, taskID: taskID) }
        return .failure(RequestImport.Problem(message: "the picture carries no request (no zqt-request or A1111 parameters text, no .json beside it)"))
    }

    /// Whether a path is a picture's by its name (.png, .jpg, .jpeg, .webp): L reads a request from it.
    public static func namesPicture(_ path: String) -> Bool {
        let lower = path.lowercased()
        return [".png", ".jpg", ".jpeg", ".webp"].contains { lower.hasSuffix($0) }
    }

    /// The request in the picture at `path` (its sidecar read when it has no chunk).
    public static func load(_ path: String, catalog: EndpointCatalog, current: Endpoint,
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
        return read(bytes, sidecar: sidecar, catalog: catalog, current: current, taskID: taskID)
    }
}
