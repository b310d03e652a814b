// `zqt convert ID|FILE --to a1111|zhiqite` (issue 20): a zhiqite SD request
// as the body of an AUTOMATIC1111 txt2img or img2img call, or such a body as
// a zhiqite request (Model's A1111Translation), read from a file or a
// history row. Its pictures move (KindMove): a URL going to A1111 is
// downloaded and put inline (`--no-download` leaves it and says so); an
// inline picture going to zhiqite is kept as a file under $ZQT_HOME/moved,
// its path in the request, which `zqt send` uploads; a local path stays one.
// The translated JSON on standard output; on standard error the call or
// endpoint it is for, each picture moved and each member that could not
// move, with why. Exit 0; 2 for a request or id it cannot read; 3 when a
// download failed on the network, 1 when it failed otherwise (the request
// is printed all the same, the URL left in it).

import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Print a zhiqite SD request as an AUTOMATIC1111 txt2img/img2img body, or the other way (a file or a history row).",
        discussion: "The translated JSON goes to standard output; the pictures moved and what could not move go to standard error. \(ZqtExit.helpText)"
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case a1111, zhiqite
    }

    @Argument(help: ArgumentHelp("A request as JSON ('-' reads standard input), or a history row's id_task.", valueName: "id-or-file"))
    var source: String

    @Option(help: "The kind of server to write for: a1111 or zhiqite.")
    var to: Kind

    @Option(help: ArgumentHelp("The zhiqite endpoint: with --to a1111 the one a FILE is for (default: the one its fields fit, as zqt send infers it); with --to zhiqite the one to write for (default: controlnet with ControlNet units, image2image with a base image, else text2image).", valueName: "name"))
    var endpoint: String?

    @Flag(help: "Leave URLs going to A1111 as they are (listed), rather than downloading them inline.")
    var noDownload = false

    @Option(help: "Seconds a download may take.")
    var timeout: Double = 60

    func run() async throws {
        let catalog = StartUp.atStart.catalog
        let (text, row) = try Self.read(source, catalog: catalog)
        let home = ZqtPaths.home().path
        let plan: KindMove.Plan
        var from = row.map { "row \($0.idTask)" } ?? ""
        switch (to, row?.endpoint.server) {
        case (.a1111, .a1111?), (.zhiqite, .zhiqite?):
            throw CommandFailure("\(APIError.printable(source)) is already a\(to == .a1111 ? "n A1111" : " zhiqite") request (\(row?.endpoint.title ?? ""))", .badInput)
        case (.zhiqite, .a1111?):
            // A row of an A1111 profile: its request, as the form had it.
            let wanted = try endpoint.map { try EndpointNames.resolve($0, in: catalog).id }
            plan = try Self.planned { () throws(A1111Translation.Failure) in try KindMove.plan(row!.request, in: catalog, zhiqiteEndpointID: wanted) }
        case (.a1111, _):
            let request: Request
            if let row {
                request = row.request
            } else {
                let target = try endpoint.map { try EndpointNames.resolve($0, in: catalog) } ?? Self.movableEndpoint(text, in: catalog, file: source)
                do {
                    request = try Request.decode(json: text, for: target).request
                } catch {
                    throw CommandFailure("\(APIError.printable(source)): \(error)", .badInput)
                }
            }
            plan = try Self.planned { () throws(A1111Translation.Failure) in try KindMove.plan(request, in: catalog) }
            from = from.isEmpty ? request.endpoint.title : "\(from) (\(request.endpoint.title))"
        case (.zhiqite, _):
            let body: JSONValue
            do {
                body = try JSONParser.parse(text)
            } catch {
                throw CommandFailure("\(APIError.printable(source)): not JSON (\(error))", .badInput)
            }
            let wanted = try endpoint.map { try EndpointNames.resolve($0, in: catalog).id }
            let result = try Self.planned { () throws(A1111Translation.Failure) in try A1111Translation.toZhiqite(body, endpointID: wanted) }
            guard let target = catalog.endpoint(id: result.endpointID) else { throw CommandFailure("no endpoint \(result.endpointID)", .badInput) }
            plan = KindMove.Plan(target: target, translated: result.translated)
        }

        let failures = DownloadFailures()
        let download = noDownload ? nil : Self.downloader(timeout: timeout, failures: failures)
        let outcome = await KindMove.perform(plan.translated, folder: KindMove.folder(home: home), downloaded: .inline, download: download)
        StandardStreams.writeOut(JSONWriter.pretty(outcome.body) + "\n")
        if plan.target.server == .a1111 {
            Self.note("for AUTOMATIC1111 \(plan.target.title) (POST \(plan.target.path)), from \(from)")
        } else {
            Self.note("for zhiqite \(plan.target.shortName) (\(plan.target.path))\(row.map { ", from row \($0.idTask)" } ?? ""); zqt send --endpoint \(plan.target.shortName) gives it a task id")
        }
        for line in outcome.moved { StandardStreams.writeError("image: \(TerminalText.line(line))\n") }
        for unmoved in outcome.unmoved { StandardStreams.writeError("not moved: \(TerminalText.line(unmoved.description))\n") }
        // What the move left empty that sending needs (a checkpoint zhiqite requires): the same list `T` shows (KindMove.toChoose).
        for missing in KindMove.toChoose(outcome.body, for: plan.target) {
            let path = missing.reason.contains(missing.path) ? "" : " (\(TerminalText.line(missing.path)))"
            StandardStreams.writeError("\(TerminalText.line(missing.reason))\(path)\n")
        }
        if let worst = failures.worst { throw ExitCode(worst.rawValue) }
    }

    /// The request's text, or a history row when SOURCE is no file but a row's id_task.
    static func read(_ source: String, catalog: EndpointCatalog) throws -> (text: String, row: HistoryRecord?) {
        if source == "-" || LocalFile.regularFileSize(source) != nil || source.contains("/") || source.hasSuffix(".json") {
            return (try CommandSupport.readRequest(source), nil)
        }
        let store = try CommandSupport.openHistory()
        let row = try CommandSupport.record(source, in: store)
        return (row.requestJSON, row)
    }

    /// The zhiqite SD endpoint a body with no --endpoint is for: inferred as `zqt send` does, but among the
    /// three that move only (newcomer20g 4: advice to give --endpoint flux led to a refusal).
    static func movableEndpoint(_ text: String, in catalog: EndpointCatalog, file: String) throws -> Endpoint {
        // Not an object: decoding says what is wrong.
        guard let body = try? JSONParser.parse(text), body.objectValue != nil else { return catalog.controlNet }
        let candidates: [Endpoint]
        switch RequestImport.infer(for: body, in: catalog, server: .zhiqite) {
        case let .chosen(endpoint, alsoFit): candidates = [endpoint] + alsoFit
        case let .ambiguous(list): candidates = list
        case .none: candidates = []
        }
        let movable = candidates.filter { $0.server == .zhiqite && KindMove.canMove($0) }
        guard let first = movable.first else {
            throw CommandFailure(Wording.convertNothingToA1111(fits: candidates.map(\.shortName)), .badInput)
        }
        if movable.count > 1, case .ambiguous = RequestImport.infer(for: body, in: catalog, server: .zhiqite) {
            throw CommandFailure(Wording.fitsEqually(movable.map(\.shortName), kind: "", file: file), .badInput)
        }
        note("endpoint \(first.shortName), inferred from the body's fields (--endpoint NAME chooses)")
        return first
    }

    static func planned<T>(_ body: () throws(A1111Translation.Failure) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw CommandFailure(error.description, .badInput)
        }
    }

    /// The statuses of the downloads that failed: the command ends with the worst.
    final class DownloadFailures: @unchecked Sendable {
        private let lock = Lock()
        private var statuses: [ZqtExit] = []

        func add(_ status: ZqtExit) {
            lock.lock()
            statuses.append(status)
            lock.unlock()
        }

        var worst: ZqtExit? {
            lock.lock()
            defer { lock.unlock() }
            return statuses.max { $0.rawValue < $1.rawValue }
        }
    }

    /// Downloads through zqt's HTTP client, each failure noted: the network's
    /// (3), a server's refusal (1), or bytes that are no picture (1).
    static func downloader(timeout: Double, failures: DownloadFailures) -> @Sendable (String, Int) async -> Result<[UInt8], APIError> {
        { url, maxBytes in
            let result = await download(url, maxBytes: maxBytes, timeout: timeout)
            switch result {
            case let .failure(error):
                failures.add(ZqtExit(error))
            case let .success(bytes):
                if ImageHeader.read(bytes) == nil { failures.add(.failed) }
            }
            return result
        }
    }

    /// One picture, bounded, through zqt's HTTP client (redirects followed, as for result images).
    static func download(_ url: String, maxBytes: Int, timeout: Double) async -> Result<[UInt8], APIError> {
        guard HTTPTarget(url) != nil else {
            return .failure(.unexpectedResponse("not an http(s) image URL: \(APIError.printable(HTTPClient.redacted(url)))"))
        }
        var client = HTTPClient(timeout: timeout)
        client.maxBodyBytes = max(1, maxBytes)
        do throws(APIError) {
            let response = try await client.send("GET", url, followRedirects: 5)
            if let refusal = response.proxyRefusal { return .failure(.unreachable(host: HTTPTarget(url)?.host ?? "", detail: refusal)) }
            guard (200..<300).contains(response.status) else {
                return .failure(.httpStatus(response.status, bodyStart: APIError.printable(String(decoding: response.body.prefix(200), as: UTF8.self))))
            }
            return .success(response.body)
        } catch {
            return .failure(error)
        }
    }

    static func note(_ text: String) {
        StandardStreams.writeError("note: \(TerminalText.line(text))\n")
    }
}
