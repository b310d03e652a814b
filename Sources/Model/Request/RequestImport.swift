// A request brought in from outside (issue 10): a JSON body, or a curl
// command pasted from the docs, a browser or `zqt export --curl`. The
// endpoint is the URL's path for curl, else the one whose fields the body
// matches best. Everything in the body is kept: members no field names stay
// and are listed in the notes, nothing is dropped silently.

public struct ImportedRequest: Sendable, Equatable {
    public var request: Request
    public var notes: [DecodeNote]
    /// The other endpoints the body could be sent to as it is (issue 19), for the screen to name.
    public var alsoFit: [Endpoint] = []
}

public enum RequestImport {
    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Reads `text`; the request gets `taskID` (a loaded request is a new
    /// submission, wire rule 8). A JSON body goes where `infer` says, or
    /// stays on `current` when it could be sent there too (`destination`).
    public static func read(_ text: String, catalog: EndpointCatalog, current: Endpoint,
                            taskID: String) -> Result<ImportedRequest, Problem> {
        var notes: [DecodeNote] = []
        let endpoint: Endpoint
        let body: String
        var alsoFit: [Endpoint] = []
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
            // Among the endpoints of the form's kind of server (issue 20: an A1111 body loaded on an
            // A1111 form stays A1111's); a body none of them names is tried on the service's.
            var inference = infer(for: value, in: catalog, server: current.server)
            var otherKind = false
            if inference == .none, current.server != .zhiqite {
                inference = infer(for: value, in: catalog)
                otherKind = true
            }
            guard let destination = destination(of: inference, current: current) else {
                // Only endpoints the form's kind of server offers are named (newcomer20g 4: an A1111 form was told
                // to switch to Flux text2image, which its endpoint switcher does not list).
                if otherKind { return .failure(Problem(message: otherKindMessage(current.server))) }
                return .failure(Problem(message: tieMessage(inference.candidates.map(\.title))))
            }
            endpoint = destination
            alsoFit = inference.candidates.filter { $0 != destination }
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
            return .success(ImportedRequest(request: request, notes: notes, alsoFit: alsoFit))
        } catch {
            return .failure(Problem(message: "the body is \(error)"))
        }
    }

    /// A refusal names at most this many endpoints (issue 19: twelve names were
    /// no help); `zqt validate FILE --fits` lists them all.
    public static let tieNamesShown = 3

    /// `L`'s refusal of a body that fits several endpoints alike, none of them
    /// the form on screen: two or three named, more as the first few and a count.
    static func tieMessage(_ titles: [String]) -> String {
        guard titles.count > tieNamesShown else {
            let named = titles.count < 2 ? titles.joined() : titles.dropLast().joined(separator: ", ") + " and " + titles[titles.count - 1]
            return "the body fits \(named) equally: switch to the one it is for, then load it again"
        }
        return "the body fits \(titles.count) endpoints equally (\(titles.prefix(tieNamesShown).joined(separator: ", ")) and "
            + "\(titles.count - tieNamesShown) more): switch to the one it is for, then load it again (zqt validate FILE --fits lists them all)"
    }

    /// `L` on a form of an A1111 server of a body that names none of its fields and fits several
    /// of the service's alike: what it is and where it goes, no endpoint the switcher lacks named.
    static func otherKindMessage(_ server: ServerKind) -> String {
        let kind = server == .a1111 ? "an AUTOMATIC1111 server" : "this server"
        return "the body names no field of \(kind)'s endpoints: it is a zhiqite request, to load under a zhiqite profile"
    }

    /// What a body says of its endpoint, for a command given no --endpoint
    /// and for `L` on the screen (issue 19: one rule for both).
    public enum Inference: Equatable, Sendable {
        /// One endpoint is chosen. `alsoFit`: the others the body is valid
        /// for too (it could be sent there as well), for the note that says so.
        case chosen(Endpoint, alsoFit: [Endpoint])
        /// Two or more fit equally and nothing in the body chooses: the user must.
        case ambiguous([Endpoint])
        /// No field of any endpoint is named in the body.
        case none

        /// Every endpoint the body could go to, the chosen one first.
        public var candidates: [Endpoint] {
            switch self {
            case let .chosen(endpoint, alsoFit): return [endpoint] + alsoFit
            case let .ambiguous(endpoints): return endpoints
            case .none: return []
            }
        }
    }

    /// The endpoint a body is for (issue 19), in four steps (docs/scripting.md
    /// "Which endpoint a file goes to" says the same):
    /// 1. fit: the endpoints of the server's kind whose fields name most of the
    ///    body's members and leave the fewest unnamed (a task id names none:
    ///    a body of nothing else fits every endpoint that has its key alike);
    /// 2. valid: of these, those the body can be sent to as it is (ControlNet
    ///    with no unit cannot); when none can, those it is nearest to;
    /// 3. filled: of these, those for which the body gives the most of their
    ///    required fields (image2image requires its input image and checkpoint:
    ///    a body that gives them is image2image's, though text2image takes them too);
    /// 4. one left is chosen; two or more are refused with both named.
    /// No tie is broken by a form's size or by the order of the catalog.
    public static func infer(for body: JSONValue, in catalog: EndpointCatalog, server: ServerKind = .zhiqite) -> Inference {
        var fitting: [Endpoint] = []
        var bestScore = Int.min
        var holdingTheTaskID: [Endpoint] = []
        for endpoint in catalog.endpoints where endpoint.ready && endpoint.server == server {
            guard let score = fitScore(endpoint, body) else {
                if endpoint.fields.contains(where: { !$0.kind.isVirtual && body.value(at: $0.path) != nil }) { holdingTheTaskID.append(endpoint) }
                continue
            }
            if score > bestScore {
                fitting = [endpoint]
                bestScore = score
            } else if score == bestScore {
                fitting.append(endpoint)
            }
        }
        // The task id is given at send (wire rule 8): a body without one is no less sendable.
        let problems = fitting.map { endpoint in
            RequestValidator.validate(Request(endpoint: endpoint, body: body)).filter { $0.path != endpoint.taskIDPath }.count
        }
        guard let least = problems.min() else {
            // Nothing but a task id: every endpoint that has that key is as likely as the next.
            if holdingTheTaskID.count == 1 { return .chosen(holdingTheTaskID[0], alsoFit: []) }
            return holdingTheTaskID.isEmpty ? .none : .ambiguous(holdingTheTaskID)
        }
        let valid = zip(fitting, problems).filter { $0.1 == 0 }.map(\.0)
        let nearest = zip(fitting, problems).filter { $0.1 == least }.map(\.0)
        let filled = nearest.map { endpoint in
            endpoint.fields.filter { $0.required && !$0.kind.isVirtual && body.value(at: $0.path) != nil }.count
        }
        let most = filled.max() ?? 0
        let decided = zip(nearest, filled).filter { $0.1 == most }.map(\.0)
        guard decided.count == 1 else { return .ambiguous(decided) }
        return .chosen(decided[0], alsoFit: valid.filter { $0 != decided[0] })
    }

    /// Step 1's measure: the fields of `endpoint` the body names, less the
    /// members it leaves unnamed; nil when it names none but a task id (a
    /// task id says the family at most, every tool has businessTaskId, and
    /// it is replaced at send).
    static func fitScore(_ endpoint: Endpoint, _ body: JSONValue) -> Int? {
        let known = endpoint.fields.filter { !$0.kind.isVirtual && $0.role != .taskID && body.value(at: $0.path) != nil }.count
        guard known > 0 else { return nil }
        return known - Request(endpoint: endpoint, body: body).unknownPaths.count
    }

    /// How well a body fits the best endpoint of a kind of server (step 1's
    /// measure), nil when it names no field of any: a body sent to one kind
    /// that fits the other better is that kind's (issue 20: a converted
    /// zhiqite body went to an A1111 profile as txt2img, its fields unknown).
    public static func bestFit(for body: JSONValue, in catalog: EndpointCatalog, server: ServerKind) -> Int? {
        catalog.endpoints.filter { $0.ready && $0.server == server }.compactMap { fitScore($0, body) }.max()
    }

    /// Where `L` puts a body with the form `current` on screen: the inferred
    /// endpoint, or `current` when the body could be sent there too (the form
    /// on screen stays, the note names the others); nil when the body fits two
    /// endpoints equally and the form on screen is not one of them (the user chooses).
    public static func destination(of inference: Inference, current: Endpoint) -> Endpoint? {
        switch inference {
        case .none: return current
        case let .chosen(endpoint, _):
            return inference.candidates.contains(current) ? current : endpoint
        case let .ambiguous(candidates):
            // The Custom request form takes any body as written (newcomer20g 4: it refused one that "fits 12 endpoints").
            return candidates.contains(current) || current.isCustom ? current : nil
        }
    }
}
