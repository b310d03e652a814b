// `zqt convert FILE --to a1111|zhiqite` (issue 20): a zhiqite SD request as
// the body of an AUTOMATIC1111 txt2img or img2img call, or such a body as a
// zhiqite request (Model's A1111Translation). The translated JSON on
// standard output; on standard error the call or endpoint it is for, the
// images an effect must move (download and inline, or upload), and each
// member that could not move, with why. Exit 0, or 2 for a request it
// cannot read.

import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Print a zhiqite SD request as an AUTOMATIC1111 txt2img/img2img body, or the other way.",
        discussion: "The translated JSON goes to standard output; the images to move and what could not move go to standard error. \(ZqtExit.helpText)"
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case a1111, zhiqite
    }

    @Argument(help: "A request as JSON ('-' reads standard input).")
    var file: String

    @Option(help: "The kind of server to write for: a1111 or zhiqite.")
    var to: Kind

    @Option(help: ArgumentHelp("The zhiqite endpoint: with --to a1111 the one FILE is for (default: the one its fields fit, as zqt send infers it); with --to zhiqite the one to write for (default: controlnet with ControlNet units, image2image with a base image, else text2image).", valueName: "name"))
    var endpoint: String?

    func run() throws {
        let text = try CommandSupport.readRequest(file)
        let catalog = StartUp.atStart.catalog
        switch to {
        case .a1111:
            let target = try endpoint.map { try EndpointNames.resolve($0, in: catalog) } ?? EndpointNames.infer(text, in: catalog)
            let request: Request
            do {
                request = try Request.decode(json: text, for: target).request
            } catch {
                throw CommandFailure("\(APIError.printable(file)): \(error)", .badInput)
            }
            let translated: A1111Translation.Translated
            do {
                translated = try A1111Translation.toA1111(request)
            } catch {
                throw CommandFailure(error.description, .badInput)
            }
            let call = A1111Translation.call(for: request)
            print(JSONWriter.pretty(translated.body))
            Self.note("for AUTOMATIC1111 \(call.rawValue) (POST \(call.path)), from \(target.title)")
            Self.report(translated)
        case .zhiqite:
            let body: JSONValue
            do {
                body = try JSONParser.parse(text)
            } catch {
                throw CommandFailure("\(APIError.printable(file)): not JSON (\(error))", .badInput)
            }
            let wanted = try endpoint.map { try EndpointNames.resolve($0, in: catalog).id }
            let result: (endpointID: String, translated: A1111Translation.Translated)
            do {
                result = try A1111Translation.toZhiqite(body, endpointID: wanted)
            } catch {
                throw CommandFailure(error.description, .badInput)
            }
            print(JSONWriter.pretty(result.translated.body))
            let title = catalog.endpoint(id: result.endpointID)?.shortName ?? result.endpointID
            Self.note("for zhiqite \(title) (\(Endpoint.pathPrefix)\(result.endpointID)); zqt send --endpoint \(title) gives it a task id")
            Self.report(result.translated)
        }
    }

    static func note(_ text: String) {
        StandardStreams.writeError("note: \(TerminalText.line(text))\n")
    }

    /// The images to move and what did not move, a line each.
    static func report(_ translated: A1111Translation.Translated) {
        for image in translated.images { StandardStreams.writeError("image: \(TerminalText.line(image.description))\n") }
        for unmoved in translated.unmoved { StandardStreams.writeError("not moved: \(TerminalText.line(unmoved.description))\n") }
    }
}
