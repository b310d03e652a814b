import Foundation
import TestScratch
import Model
import Testing

/// The real zqt binary in tmux (issue 9): a custom request to a path that has
/// no form, sent to the sandbox and followed to its result, then saved as an
/// endpoint of one's own; and the user's catalog file read at start, good and broken.
@Suite(.serialized) struct EndToEndCustomRequestTests {
    typealias E2E = EndToEndEndpointTests

    static func start(home: String, config: String) throws -> (TmuxSession, String) {
        let session = try TmuxSession(command: "TERM=xterm-256color ZQT_HOME=\(home) XDG_CONFIG_HOME=\(config) \(ZqtBinary.url.path) --sandbox",
                                      width: E2E.width, height: E2E.height)
        let screen = try session.waitFor(text: "SANDBOX")
        let baseURL = try #require(screen.firstMatch(of: /→ (http:\/\/127\.0\.0\.1:\d+)/)?.1).description
        return (session, baseURL)
    }

    static func folders(in scratch: Scratch) -> (home: String, config: String) {
        let root = E2E.freshHome(in: scratch)
        return (root + "/home", root + "/config")
    }

    @Test(.needsTmux, .needsCurl)
    func aCustomRequestToAPathWithoutAFormIsSentFollowedAndSavedAsAnEndpoint() async throws {
        try await offThePool { try Self.customRequestSteps() }
    }

    static func customRequestSteps() throws {
        let scratch = Scratch()
        let (home, config) = Self.folders(in: scratch)
        defer { try? FileManager.default.removeItem(atPath: (home as NSString).deletingLastPathComponent) }
        let (session, baseURL) = try Self.start(home: home, config: config)
        try session.send("F7")
        try session.waitFor(text: "Endpoint (now ")
        try session.send("custom", literal: true)
        try session.send("Enter")
        try session.waitFor(text: "zqt · Custom request → ")
        try E2E.focus(session, "Path")
        // §5's sdPrompts: a path the reference names without a form; its id is task_id (issue 22).
        try E2E.edit(session, "tool/sdPrompts")
        try session.waitFor(text: "zqt · Custom request tool/sdPrompts → ")
        try E2E.focus(session, "Body")
        try E2E.edit(session, "{\"raw_prompt\": \"a girl\"}")
        try session.waitFor(text: "\"raw_prompt\": \"a girl\"")
        try session.send("F5")
        // The sandbox serves the reference's paths without a form as a generic tool; the task is followed to its image.
        try session.waitFor(text: "Sent to Custom request tool/sdPrompts: task_id")
        try session.waitFor("the result", timeout: 30) { $0.contains("· 1 image") }
        let sent = try #require(try E2E.received(baseURL).last)
        #expect(sent.endpoint.hasSuffix("tool/sdPrompts"))
        #expect(sent.body["raw_prompt"] == .string("a girl") && sent.body["task_id"]?.stringValue?.hasPrefix("zqt-") == true)
        #expect(sent.body["businessTaskId"] == nil)

        try session.send("S")
        try session.waitFor(text: "as an endpoint named")
        try session.send("C-u")
        try session.send("Face restoration", literal: true)
        try session.send("Enter")
        try session.waitFor(text: "Saved as \"Face restoration\" in \(config)/zqt/endpoints.json")
        try session.waitFor(text: "zqt · Face restoration → ")
        let saved = UserCatalog.load(file: config + "/zqt/endpoints.json")
        #expect(saved.problem == nil && saved.endpoints.map(\.title) == ["Face restoration"])
        try E2E.quit(session)

        // Started again, the endpoint is in the switcher.
        let (again, _) = try Self.start(home: home, config: config)
        try again.send("F7")
        try again.waitFor(text: "your endpoints · Face restoration")
        try again.send("Escape")
        try E2E.quit(again)
    }

    @Test(.needsTmux)
    func aBrokenCatalogFileIsShownByLineAndColumnAndTheScreenStillWorks() async throws {
        try await offThePool { try Self.brokenCatalogSteps() }
    }

    static func brokenCatalogSteps() throws {
        let scratch = Scratch()
        let (home, config) = Self.folders(in: scratch)
        defer { try? FileManager.default.removeItem(atPath: (home as NSString).deletingLastPathComponent) }
        try FileManager.default.createDirectory(atPath: config + "/zqt", withIntermediateDirectories: true)
        let file = config + "/zqt/endpoints.json"
        try Data("{\"endpoints\": [\n  {\"id\": \"tool/x\", \"family\": \"tool\", \"fields\": [{\"path\": \"a\", \"kind\": \"numbr\"}]}\n]}".utf8)
            .write(to: URL(fileURLWithPath: file))
        let (session, _) = try Self.start(home: home, config: config)
        try session.waitFor(text: "\(file):2:71: endpoints[0].fields[0].kind: unknown kind \"numbr\"")
        try session.waitFor(text: "zqt · ControlNet → ")
        try E2E.switchEndpoint(session, filter: "Flux", title: "Flux text2image")
        try E2E.quit(session)
    }

    @Test(.needsTmux)
    func anEntryOverridingTheShippedControlNetIsTheFormOnScreen() async throws {
        try await offThePool { try Self.overrideSteps() }
    }

    /// The shipped ControlNet entry with a title and a default of one's own:
    /// the first form, the preview and the switcher all take it.
    static func overrideSteps() throws {
        let scratch = Scratch()
        let (home, config) = Self.folders(in: scratch)
        defer { try? FileManager.default.removeItem(atPath: (home as NSString).deletingLastPathComponent) }
        let shipped = try JSONParser.parse(EndpointCatalog.shippedJSON)
        var entry = try #require(shipped["endpoints"]?.arrayValue?.first { $0["id"] == .string("sd/v2/controlnet") })
        entry.set(.string("ControlNet (studio)"), at: "title")
        var fields = try #require(entry["fields"]?.arrayValue)
        let steps = try #require(fields.firstIndex { $0["path"] == .string("steps") })
        fields[steps].set(.int(33), at: "default")
        entry.set(.array(fields), at: "fields")
        try FileManager.default.createDirectory(atPath: config + "/zqt", withIntermediateDirectories: true)
        try Data(JSONWriter.pretty(.object([("endpoints", .array([entry]))])).utf8)
            .write(to: URL(fileURLWithPath: config + "/zqt/endpoints.json"))
        let (session, _) = try Self.start(home: home, config: config)
        try session.waitFor(text: "zqt · ControlNet (studio) → ")
        try session.waitFor(text: "\"steps\": 33")
        try session.send("F7")
        try session.waitFor(text: "AI image generation · ControlNet (studio)")
        try session.send("Escape")
        try E2E.quit(session)
    }
}
