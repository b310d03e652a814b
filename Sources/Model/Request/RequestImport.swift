// A request brought in from outside (issue 10): a JSON body, or a curl
// command pasted from the docs, a browser or `zqt export --curl`. The
// endpoint is the URL's path for curl, else the one whose fields the body
// matches best. Everything in the body is kept: members no field names stay
// and are listed in the notes, nothing is dropped silently.

public struct ImportedRequest: Sendable, Equatable {
    public var request: Request
    public var notes: [DecodeNote]
}

public enum RequestImport {
    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Reads `text`; the request gets `taskID` (a loaded request is a new
    /// submission, wire rule 8). `current` wins a tie between endpoints.
    public static func read(_ text: String, catalog: EndpointCatalog, current: Endpoint,
                            taskID: String) -> Result<ImportedRequest, Problem> {
        var notes: [DecodeNote] = []
        let endpoint: Endpoint
        let body: String
        if CurlCommand.looksLikeCurl(text) {
            let command: CurlCommand
            do {
                command = try CurlCommand.parse(text)
            } catch {
                return .failure(Problem(message: "cannot read the curl command: \(error)"))
            }
            guard let prefix = command.url.firstRange(of: Endpoint.pathPrefix) else {
                return .failure(Problem(message: "\(TerminalText.printable(command.url)) is not under \(Endpoint.pathPrefix)"))
            }
            var path = String(command.url[prefix.upperBound...])
            if let query = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<query]) }
            guard case let .success(relative) = CustomEndpoint.relativePath(path) else {
                return .failure(Problem(message: "\(TerminalText.printable(path)) is not a path zqt can send to"))
            }
            guard let sent = command.body else { return .failure(Problem(message: "the curl command sends no body (-d or --data-raw)")) }
            endpoint = catalog.resolve(relative)
            body = sent
            if let method = command.method, method.uppercased() != "POST" {
                notes.append(DecodeNote(path: "", message: "the command said \(TerminalText.printable(method)); zqt sends POST (wire rule 1)"))
            }
            for header in command.headers {
                let name = header.name.lowercased()
                if name.hasPrefix("x-request-req-access") {
                    notes.append(DecodeNote(path: "", message: "\(TerminalText.printable(header.name)) not kept: zqt sends the keys of its own configuration"))
                } else if name != "content-type" {
                    notes.append(DecodeNote(path: "", message: "header \(TerminalText.printable(header.name)) is not sent by zqt"))
                }
            }
            for option in command.ignored {
                notes.append(DecodeNote(path: "", message: "\(TerminalText.printable(option)) left out"))
            }
        } else {
            body = text
            guard let value = try? JSONParser.parse(text), value.objectValue != nil else {
                // Parsed again for its message: the line and column of the fault.
                do {
                    _ = try JSONParser.parse(text)
                    return .failure(Problem(message: "a request is a JSON object like {\"prompt\": …}, or a curl command"))
                } catch {
                    return .failure(Problem(message: "not valid JSON (\(error)), nor a curl command"))
                }
            }
            endpoint = bestMatch(for: value, in: catalog, current: current)
        }
        do {
            let decoded = try Request.decode(json: body, for: endpoint)
            var request = decoded.request
            // Issue 22: a container held as something else (`"alwayson_scripts": "x"`)
            // would lose the user's value to the task id; nothing is loaded, the form stays.
            if let problem = RequestValidator.validate(request).first(where: { request.misplacedContainers.contains($0.path) }) {
                return .failure(Problem(message: "\(TerminalText.printable(problem.message)); not loaded"))
            }
            notes += decoded.notes
            if !request.taskID.isEmpty, request.taskID != taskID {
                notes.append(DecodeNote(path: endpoint.taskIDPath, message: "\(TerminalText.printable(request.taskID)) replaced by a new task id (wire rule 8)"))
            }
            request.taskID = taskID
            return .success(ImportedRequest(request: request, notes: notes))
        } catch {
            return .failure(Problem(message: "the body is \(error)"))
        }
    }

    /// The endpoint whose fields name most of the body's members and leave
    /// the fewest unnamed; on a tie `current`, else the one with the fewest
    /// fields (text2image rather than image2image for a plain SD body).
    public static func bestMatch(for body: JSONValue, in catalog: EndpointCatalog, current: Endpoint) -> Endpoint {
        var best: Endpoint?
        var bestScore = Int.min
        for endpoint in catalog.endpoints where endpoint.ready {
            let known = endpoint.fields.filter { !$0.kind.isVirtual && body.value(at: $0.path) != nil }.count
            guard known > 0 else { continue }
            let score = known - Request(endpoint: endpoint, body: body).unknownPaths.count
            let better: Bool
            if let chosen = best {
                if score != bestScore {
                    better = score > bestScore
                } else if chosen == current {
                    better = false
                } else if endpoint == current {
                    better = true
                } else {
                    better = endpoint.fields.count < chosen.fields.count
                }
            } else {
                better = true
            }
            if better {
                best = endpoint
                bestScore = score
            }
        }
        return best ?? current
    }
}
