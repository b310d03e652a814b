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
            let choice = choose(for: value, in: catalog, current: current)
            endpoint = choice.endpoint
            if let note = choice.note { notes.append(note) }
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

    /// What a body says of its endpoint, for a command given no --endpoint
    /// (issue 19): the endpoints it fits best, as `L` ranks them.
    public enum Inference: Equatable, Sendable {
        /// One fits best (`alsoFit`: those that fit as well but have more fields, as L's tie rule leaves them).
        case chosen(Endpoint, alsoFit: [Endpoint])
        /// Two or more fit equally and the tie rule cannot choose: the user must.
        case ambiguous([Endpoint])
        /// No field of any endpoint is named in the body.
        case none
    }

    /// The endpoints that fit a body best: those whose fields name most of
    /// its members and leave the fewest unnamed; of these the one the body
    /// is most nearly valid for (ControlNet without a unit is not), then the
    /// one with the fewest fields (text2image rather than image2image for a
    /// plain SD body), unless two are level on both.
    public static func infer(for body: JSONValue, in catalog: EndpointCatalog, server: ServerKind = .zhiqite) -> Inference {
        var best: [Endpoint] = []
        var bestScore = Int.min
        for endpoint in catalog.endpoints where endpoint.ready && endpoint.server == server {
            let known = endpoint.fields.filter { !$0.kind.isVirtual && body.value(at: $0.path) != nil }.count
            guard known > 0 else { continue }
            let score = known - Request(endpoint: endpoint, body: body).unknownPaths.count
            if score > bestScore {
                best = [endpoint]
                bestScore = score
            } else if score == bestScore {
                best.append(endpoint)
            }
        }
        let ranked = best.map { endpoint in
            (endpoint, problems: RequestValidator.validate(Request(endpoint: endpoint, body: body)).count, fields: endpoint.fields.count)
        }
        guard let least = ranked.map(\.problems).min() else { return .none }
        let nearest = ranked.filter { $0.problems == least }
        let fewest = nearest.map(\.fields).min() ?? 0
        let smallest = nearest.filter { $0.fields == fewest }.map(\.0)
        guard smallest.count == 1 else { return .ambiguous(smallest) }
        return .chosen(smallest[0], alsoFit: best.filter { $0 != smallest[0] })
    }

    /// The endpoint a body fits (`infer`); `current` when it fits as well
    /// (a body loaded into the form on screen stays there).
    public static func bestMatch(for body: JSONValue, in catalog: EndpointCatalog, current: Endpoint) -> Endpoint {
        choose(for: body, in: catalog, current: current).endpoint
    }

    /// The endpoint a body fits among those of the form's kind of server
    /// (issue 20: an A1111 body loaded on an A1111 form stays A1111's), and,
    /// when it is not plainly the form on screen, a note saying which was
    /// chosen, why, and what another would need: said as a choice, not a fault.
    public static func choose(for body: JSONValue, in catalog: EndpointCatalog, current: Endpoint) -> (endpoint: Endpoint, note: DecodeNote?) {
        var inference = infer(for: body, in: catalog, server: current.server)
        if inference == .none, current.server != .zhiqite { inference = infer(for: body, in: catalog) }
        switch inference {
        case .none:
            return (current, nil)
        case let .chosen(endpoint, alsoFit):
            func needs(_ other: Endpoint) -> [String] {
                // The task id is given at load (wire rule 8): never what a body lacks.
                Array(RequestValidator.validate(Request(endpoint: other, body: body)).map(\.path)
                    .filter { !$0.isEmpty && $0 != other.taskIDPath }.prefix(2))
            }
            if endpoint == current && alsoFit.isEmpty { return (current, nil) }
            if alsoFit.contains(current) {
                // The form on screen takes the body as well: it stays, and what it still needs is said with the other.
                let missing = needs(current)
                guard !missing.isEmpty else { return (current, nil) }
                return (current, DecodeNote(path: "", message: "kept in \(current.title), the form on screen, which needs \(missing.joined(separator: " and ")); "
                                            + "\(endpoint.title) takes the body as it is (the endpoint switcher moves the form)"))
            }
            var message = "\(endpoint.title) chosen: the body's fields fit it"
            let others = alsoFit.map { other in
                let missing = needs(other)
                return missing.isEmpty ? "\(other.title) takes them too, with more fields" : "\(other.title) would also need \(missing.joined(separator: " and "))"
            }
            if !others.isEmpty { message += "; " + others.joined(separator: "; ") + " (the endpoint switcher moves the form)" }
            return (endpoint, DecodeNote(path: "", message: message))
        case let .ambiguous(candidates):
            let chosen = candidates.contains(current) ? current : candidates[0]
            let rest = candidates.filter { $0 != chosen }.map(\.title).joined(separator: " or ")
            return (chosen, DecodeNote(path: "", message: "the body fits \(chosen.title) and \(rest) equally: opened as \(chosen.title) (the endpoint switcher moves the form to \(rest))"))
        }
    }
}
