// The user's catalog file (issue 9): a good one adds endpoints and may
// override shipped ones; a broken one is reported by file, line and column
// and changes nothing else.

import Foundation
import TestScratch
import Testing
@testable import Model

@Suite struct UserCatalogTests {
    /// `text` as endpoints.json in a new folder of the test's `scratch`,
    /// there for as long as the test keeps it.
    static func write(_ text: String, in scratch: Scratch) -> String {
        let file = scratch.folder("zqt-usercatalog") + "/endpoints.json"
        _ = FileManager.default.createFile(atPath: file, contents: Data(text.utf8))
        return file
    }

    static let good = """
        {
          "endpoints": [
            {"id": "tool/faceRestore", "title": "Face restoration", "family": "tool",
             "fields": [
               {"path": "businessTaskId", "kind": "text", "role": "task_id", "required": true, "default": ""},
               {"path": "imageUrl", "label": "Image", "kind": "url", "required": true, "role": "input_image"},
               {"path": "fidelity", "kind": "slider", "min": 0, "max": 1, "step": 0.05, "default": 0.7}
             ]},
            {"id": "tool/prompts/expand", "title": "My expansion", "group": "image tool", "family": "tool",
             "fields": [{"path": "businessTaskId", "kind": "text", "role": "task_id"},
                        {"path": "sourcePrompt", "kind": "multiline", "role": "prompt", "default": "a cat"}]}
          ],
          "lists": {"lora": "/AIGCImgOpenServ/saas/sd/v2/loraList"}
        }
        """

    @Test func theFileIsInTheConfigFolder() {
        #expect(UserCatalog.location(environment: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"]) == "/x/cfg/zqt/endpoints.json")
        #expect(UserCatalog.location(environment: ["HOME": "/home/u"]) == "/home/u/.config/zqt/endpoints.json")
        #expect(UserCatalog.location(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/home/u"]) == "/home/u/.config/zqt/endpoints.json",
                "XDG: a relative path is ignored")
    }

    @Test func aGoodFileAddsAnEndpointAndOverridesAShippedOne() throws {
        let scratch = Scratch()
        let user = UserCatalog.load(file: Self.write(Self.good, in: scratch))
        #expect(user.problem == nil)
        #expect(user.listPaths == ["lora": "sd/v2/loraList"])
        let catalog = EndpointCatalog.shipped.overlaid(with: user.endpoints)
        let added = try #require(catalog.endpoint(named: "face restoration"))
        #expect(added.family == .tool(code: "faceRestore") && added.ready && added.group == UserCatalog.defaultGroup)
        #expect(catalog.readyGroups.contains { $0.group == UserCatalog.defaultGroup && $0.endpoints == [added] }, "the switcher lists it")
        let request = Request.new(for: added, taskID: "t-1")
        #expect(request.wireJSON == "{\n  \"businessTaskId\": \"t-1\",\n  \"fidelity\": 0.7\n}")
        #expect(RequestValidator.validate(request).map(\.path) == ["imageUrl"])
        #expect(catalog.endpoint(id: "tool/prompts/expand")?.title == "My expansion", "an entry with a shipped id replaces it")
        #expect(catalog.endpoint(id: "sd/v2/controlnet") == .controlNet && catalog.endpoints.count == EndpointCatalog.shipped.endpoints.count + 1)
    }

    @Test func aMissingFileIsAnEmptyCatalog() {
        let scratch = Scratch()
        let user = UserCatalog.load(file: scratch.folder("zqt-usercatalog") + "/endpoints.json")
        #expect(user.problem == nil && user.endpoints.isEmpty)
    }

    @Test(arguments: [
        // (file text, line, column, what the message says)
        ("{\n  \"endpoints\": [\n    {\"id\": \"tool/x\",, \"family\": \"tool\"}\n  ]\n}", 3, 21, "expected"),
        ("{\"endpoints\": [\n  {\"id\": \"tool/x\", \"family\": \"tool\", \"fields\": [\n    {\"path\": \"a\", \"kind\": \"integr\"}\n  ]}\n]}", 3, 27, "unknown kind \"integr\""),
        ("{\"endpoints\": [\n  {\"id\": \"tool/x\", \"family\": \"toool\", \"fields\": []}\n]}", 2, 30, "unknown family"),
        ("{\"endpoints\": [\n  {\"id\": \"tool/x\", \"family\": \"tool\"}\n]}", 2, 3, "endpoints[0].fields"),
        ("{\"endpoints\": {}}", 1, 15, "expected a list"),
        ("{\"lists\": {\"lora\": \"../x\"}}", 1, 20, "lists.lora"),
        ("{\"endpoints\": [{\"id\": \"tool/x\", \"family\": \"tool\", \"fields\": []},\n {\"id\": \"tool/x\", \"family\": \"tool\", \"fields\": []}]}", 2, 9, "already in this file"),
    ])
    func aBrokenFileIsReportedByLineAndColumnAndChangesNothing(text: String, line: Int, column: Int, says: String) {
        let scratch = Scratch()
        let file = Self.write(text, in: scratch)
        let user = UserCatalog.load(file: file)
        guard let problem = user.problem else {
            Issue.record("no problem reported for \(text)")
            return
        }
        #expect(problem.file == file && problem.line == line && problem.column == column, "\(problem)")
        #expect(problem.message.contains(says), "\(problem)")
        #expect(problem.description.hasPrefix("\(file):\(line):\(column): "))
        #expect(user.endpoints.isEmpty && user.listPaths.isEmpty, "nothing of a broken file is used")
        #expect(EndpointCatalog.shipped.overlaid(with: user.endpoints).endpoints.count == EndpointCatalog.shipped.endpoints.count)
    }

    @Test func aFileThatIsNotTextOrTooLargeIsReportedNotRead() throws {
        let scratch = Scratch()
        let binary = scratch.folder("zqt-usercatalog") + "/endpoints.json"
        _ = FileManager.default.createFile(atPath: binary, contents: Data([0xFF, 0xFE, 0x00, 0x7B]))
        #expect(UserCatalog.load(file: binary).problem?.message == "is not UTF-8 text")
        let large = scratch.folder("zqt-usercatalog") + "/endpoints.json"
        _ = FileManager.default.createFile(atPath: large, contents: Data(repeating: 0x20, count: UserCatalog.maximumBytes + 1))
        #expect(UserCatalog.load(file: large).problem?.message.contains("larger than") == true)
    }

    @Test func savingAddsOrReplacesAnEntryAndNeverOverwritesABrokenFile() throws {
        let scratch = Scratch()
        let file = scratch.folder("zqt-usercatalog") + "/zqt/endpoints.json"
        var request = Request.new(for: CustomEndpoint.endpoint(path: "tool/bgRemove"), taskID: "t")
        request.setOtherMembers(try JSONParser.parse(#"{"imageUrl": "https://a.example/x.png"}"#))
        try UserCatalog.save(entry: CustomEndpoint.catalogEntry(for: request, title: "Background remove"), to: file)
        try UserCatalog.save(entry: CustomEndpoint.catalogEntry(for: request, title: "Background removal"), to: file)
        let user = UserCatalog.load(file: file)
        #expect(user.problem == nil && user.endpoints.map(\.title) == ["Background removal"], "the same path is replaced, not doubled")
        #expect(!FileManager.default.fileExists(atPath: file + ".partial"))

        let broken = Self.write("{\"endpoints\": [oops]}", in: scratch)
        #expect(throws: UserCatalogProblem.self) {
            try UserCatalog.save(entry: CustomEndpoint.catalogEntry(for: request, title: "X"), to: broken)
        }
        #expect(String(decoding: FileManager.default.contents(atPath: broken) ?? Data(), as: UTF8.self) == "{\"endpoints\": [oops]}",
                "the user's broken file is left as it was")
    }

    @Test func theLocatorFindsAValueOrTheDeepestPartOfItsPath() {
        let text = "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c\": {\"d\": true}\n}"
        #expect(JSONLocator.position(of: "a[1].b", in: text)! == (2, 18))
        #expect(JSONLocator.position(of: "c.d", in: text)! == (3, 14))
        #expect(JSONLocator.position(of: "c.missing", in: text)! == (3, 8), "a missing member: its object")
        #expect(JSONLocator.position(of: "", in: text)! == (1, 1))
        #expect(JSONLocator.position(of: "a", in: "{\"a\": [") == nil)
    }
}

/// Review of issue 9: bounds a user's file gets wrong are said, not trapped on.
@Suite struct UserCatalogBoundsTests {
    @Test func aListWhoseMinimumIsAboveItsMaximumIsAFaultOfTheFile() throws {
        let scratch = Scratch()
        let file = UserCatalogTests.write("""
            {"endpoints": [{"id": "tool/faceswapMany", "family": "tool", "fields": [
              {"path": "businessTaskId", "kind": "text", "role": "task_id"},
              {"path": "faces", "kind": "url_list", "required": true, "min": 5, "max": 2}]}]}
            """, in: scratch)
        let user = UserCatalog.load(file: file)
        let problem = try #require(user.problem, "min 5, max 2 is no count a list can have")
        #expect(problem.message.contains("min") && problem.message.contains("max"))
        #expect(problem.line == 3, "said where the field is")
        #expect(user.endpoints.isEmpty)
        // Such a field built by other means is checked, not trapped on.
        let field = FieldSpec(path: "faces", label: "faces", kind: .urlList, required: true, minimum: 5, maximum: 2)
        #expect(!RequestValidator.check(field, .array([.string("https://x/a.png")])).isEmpty)
    }

    @Test func aFieldPathWithAnEmptyStepOrAnIndexIsAFaultOfTheFile() throws {
        for path in ["a..b", "[0]", ".", "a.", ".a"] {
            let scratch = Scratch()
            let file = UserCatalogTests.write("""
                {"endpoints": [{"id": "tool/odd", "family": "tool", "fields": [
                  {"path": "\(path)", "kind": "text", "default": "x"}]}]}
                """, in: scratch)
            let user = UserCatalog.load(file: file)
            let problem = try #require(user.problem, "\(path) names no member a form can hold")
            #expect(problem.message.contains("endpoints[0].fields[0].path") && problem.line == 2, "\(problem)")
        }
    }

    @Test func aTaskIDKeyWithAnEmptyStepIsRefused() {
        var request = Request.new(for: CustomEndpoint.endpoint(path: "tool/faceRestore"), taskID: "t-1")
        request.setOtherMembers(.object([("imageUrl", .string("https://x/a.png"))]))
        for key in [".", "a..b", "a."] {
            #expect(throws: CustomEndpoint.PathProblem.self, "\(key)") { try request.setCustom(.taskKey, to: key) }
        }
        #expect(request.body.objectValue != nil && request.taskID == "t-1")
    }

    @Test func aSavedCustomRequestWhoseMemberNameHasADotSendsItAsItWas() throws {
        var request = Request.new(for: CustomEndpoint.endpoint(path: "tool/faceRestore"), taskID: "t-1")
        request.setOtherMembers(.object([("image.url", .string("https://x/a.png")), ("[0]", .int(1)), ("scale", .int(2))]))
        let saved = try UserCatalog.endpoint(CustomEndpoint.catalogEntry(for: request, title: "Restore"))
        let fresh = Request.new(for: saved, taskID: "t-1")
        func members(_ body: JSONValue) -> [String: JSONValue] {
            Dictionary((body.objectValue ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        }
        #expect(members(fresh.body) == members(request.body), "a fresh form of the saved endpoint sends the same body: \(fresh.wireJSON)")
    }
}
