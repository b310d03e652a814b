import Foundation
import TestScratch
import Model
@testable import Sandbox
import Testing

/// The real zqt binary in tmux against its in-process sandbox, across the
/// endpoint catalog (issue 7): the switcher (F7), a tool of each kind (Flux's
/// images, prompt expansion's text), and results moved on from the history
/// into another endpoint's form (i, p, e).
@Suite(.serialized) struct EndToEndEndpointTests {
    /// Wide enough that the status line holds a whole expanded prompt and the
    /// history shows its Endpoint column.
    static let width = 200, height = 50

    static func freshHome(in scratch: Scratch) -> String {
        scratch.path("zqt-e2e-endpoints")
    }

    /// zqt on `home`, with the sandbox's base URL read off its first screen.
    static func start(home: String) throws -> (TmuxSession, String) {
        let session = try TmuxSession(command: "TERM=xterm-256color ZQT_HOME=\(home) \(ZqtBinary.url.path) --sandbox",
                                      width: width, height: height)
        let screen = try session.waitFor(text: "SANDBOX")
        let baseURL = try #require(screen.firstMatch(of: /→ (http:\/\/127\.0\.0\.1:\d+)/)?.1).description
        return (session, baseURL)
    }

    /// F7, a filter, Enter; returns once the title names the endpoint.
    static func switchEndpoint(_ session: TmuxSession, filter: String, title: String) throws {
        try session.send("F7")
        try session.waitFor(text: "Endpoint (now ")
        try session.send(filter, literal: true)
        try session.send("Enter")
        try session.waitFor(text: "zqt · \(title) → ")
    }

    /// Edits the focused text field: Enter, the text, Enter. Each step waits
    /// for the screen, so an Enter and the text after it never arrive in one
    /// read (which zqt takes for a paste).
    static func edit(_ session: TmuxSession, _ text: String) throws {
        try session.send("Enter")
        try session.waitFor(text: "Enter done")
        try session.send(text, literal: true)
        try session.waitFor(text: text)
        try session.send("Enter")
        try session.waitFor("the edit to end") { !$0.contains("Enter done") }
    }

    /// Moves the focus down until the field labelled `label` has it.
    static func focus(_ session: TmuxSession, _ label: String) throws {
        func focused(_ screen: String) -> String? {
            screen.split(separator: "\n").first { $0.hasPrefix("▸ ") }.map(String.init)
        }
        for _ in 0..<40 {
            let screen = try session.screen()
            if focused(screen)?.hasPrefix("▸ \(label) ") == true { return }
            try session.send("Down")
            try session.waitFor("the focus to leave \(focused(screen) ?? "?")") { focused($0) != focused(screen) }
        }
        throw TmuxSession.WaitError(message: "no field labelled \(label)")
    }

    /// The submit bodies the sandbox received, with their endpoint paths.
    static func received(_ baseURL: String) throws -> [(endpoint: String, body: JSONValue)] {
        let list = try #require(try JSONParser.parse(ZqtBinary.shell("curl -s \(baseURL)/sandbox/requests")).arrayValue)
        return list.map { ($0["endpoint"]?.stringValue ?? "", $0["body"] ?? .null) }
    }

    /// A row's cell in the history list, found under its column's heading.
    static func cell(_ screen: String, column: String, width: Int, inRowWith text: String) throws -> String {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.first { $0.contains(column) && $0.contains("Prompt") }, "no column heads")
        let offset = header.distance(from: header.startIndex, to: try #require(header.range(of: column)).lowerBound)
        let row = try #require(lines.first { $0.contains(text) }, "no row with \(text)")
        return String(row.dropFirst(offset).prefix(width)).trimmingCharacters(in: .whitespaces)
    }

    /// Quits; the form may hold edits, so a confirmation may come first.
    static func quit(_ session: TmuxSession) throws {
        try session.send("F10")
        let screen = try session.waitFor("zqt to exit or ask") { !$0.contains("SANDBOX") || $0.contains("Quit anyway?") }
        if screen.contains("Quit anyway?") { try session.send("y") }
        try session.waitFor("zqt to exit") { !$0.contains("SANDBOX") }
    }

    // MARK: a. Flux

    @Test(.needsTmux, .needsCurl)
    func fluxFromTheSwitcherSendsAndItsRowReopensInItsForm() async throws {
        try await offThePool { try Self.fluxFromTheSwitcherSendsAndItsRowReopensInItsFormSteps() }
    }

    static func fluxFromTheSwitcherSendsAndItsRowReopensInItsFormSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let (session, baseURL) = try start(home: home)
        try session.waitFor(text: "zqt · ControlNet → ")

        try switchEndpoint(session, filter: "flux", title: "Flux text2image")
        try focus(session, "Prompt")
        try edit(session, "a lighthouse on a cliff, Flux")
        try session.send("F5")
        try session.waitFor(text: "Sent to Flux text2image: task_id")
        try session.waitFor("Flux's image", timeout: 60) { $0.contains("success · 1 image") }

        let sent = try received(baseURL)
        #expect(sent.count == 1)
        #expect(sent.first?.endpoint == "/AIGCImgOpenServ/saas/tool/comfyui/text2image")
        #expect(sent.first?.body["prompt"] == .string("a lighthouse on a cliff, Flux"))
        #expect(sent.first?.body["businessTaskId"]?.stringValue?.hasPrefix("zqt-") == true, "the tool's task id (wire rule 8)")
        #expect(sent.first?.body["alwayson_scripts"] == nil)
        let row = try #require(try HistoryStore.open(inFolder: home).list().first)
        #expect(row.endpoint.title == "Flux text2image" && row.state == .succeeded && row.resultCount == 1)

        // The history row says which endpoint it went to.
        try session.send("F2")
        let list = try session.waitFor(text: "1 submission")
        #expect(try cell(list, column: "Endpoint", width: 10, inRowWith: "a lighthouse on a cliff, Flux").hasPrefix("Flux"))

        // d. From another endpoint's form, e reopens the row in Flux's form.
        try switchEndpoint(session, filter: "text2image", title: "text2image")
        try session.send("F2")
        try session.waitFor(text: "1 submission")
        try session.send("e")
        let reopened = try session.waitFor("Flux's form") {
            $0.contains("zqt · Flux text2image → ") && $0.contains("Opened \(row.idTask) from history into Flux text2image with a new task id")
        }
        #expect(reopened.contains("a lighthouse on a cliff, Flux"))
        try quit(session)
    }

    // MARK: b. Prompt expansion, and its text as text2image's prompt

    @Test(.needsTmux, .needsCurl)
    func anExpandedPromptBecomesText2ImagesPromptAndIsSent() async throws {
        try await offThePool { try Self.anExpandedPromptBecomesText2ImagesPromptAndIsSentSteps() }
    }

    static func anExpandedPromptBecomesText2ImagesPromptAndIsSentSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let (session, baseURL) = try start(home: home)
        let expanded = try #require(SandboxService.expandedPrompts("a lighthouse", count: 1, sdxl: false).first)

        try switchEndpoint(session, filter: "expansion", title: "Prompt expansion")
        try focus(session, "Prompt to expand")
        try edit(session, "a lighthouse")
        // Prompt expansion answers with its text at once (§4.10): "Sent to" gives way to the result straight away.
        try session.send("F5")
        try session.waitFor("the expanded text in the status line", timeout: 60) { $0.contains("success · p uses it as the prompt · \(expanded)") }
        let row = try #require(try HistoryStore.open(inFolder: home).list().first)
        #expect(try HistoryStore.open(inFolder: home).record(id: row.id)?.textResults == [expanded])

        try session.send("F2")
        try session.waitFor(text: "1 submission")
        try session.send("p")
        // Waiting for the last thing drawn: tmux may show a frame half written.
        let form = try session.waitFor("text2image's form with the text") {
            $0.contains("zqt · text2image → ") && $0.contains("The prompt of text2image is now \(row.idTask)'s text")
                && $0.contains(String(expanded.prefix(40)))
        }
        #expect(form.contains(String(expanded.prefix(40))), "the prompt field shows the text")

        // text2image's checkpoint may be left empty (the service's default, §1.1): the form is ready to send.
        try session.send("F5")
        try session.waitFor(text: "Sent to text2image: task_id")
        try session.waitFor("text2image's image", timeout: 60) { $0.contains("Success · 1 image") }

        let sent = try received(baseURL)
        #expect(sent.map(\.endpoint) == ["/AIGCImgOpenServ/saas/tool/prompts/expand", "/AIGCImgOpenServ/saas/sd/v2/text2image"])
        #expect(sent.first?.body["sourcePrompt"] == .string("a lighthouse"))
        #expect(sent.last?.body["prompt"] == .string(expanded), "the expanded text was sent as the prompt, exactly")
        try quit(session)
    }

    // MARK: c. A text2image result into image2image

    @Test(.needsTmux, .needsCurl)
    func aText2ImageResultOpensInImage2ImageAndIsSent() async throws {
        try await offThePool { try Self.aText2ImageResultOpensInImage2ImageAndIsSentSteps() }
    }

    static func aText2ImageResultOpensInImage2ImageAndIsSentSteps() throws {
        let scratch = Scratch()
        // A text2image form left ready to send in the saved draft.
        let home = freshHome(in: scratch)
        var request = Request.new(for: .text2Image, taskID: TaskIDGenerator.shared.next())
        request["prompt"] = .string("a red bicycle in the snow")
        request["alwayson_scripts.sd_model_checkpoint"] = .string("photon_v1_84728.safetensors")
        request["steps"] = .int(24)
        try HistoryStore.open(inFolder: home).saveDraft(ComposeDraft(endpoint: .text2Image, requestJSON: request.wireJSON, fieldDrafts: [:]))
        let (session, baseURL) = try start(home: home)
        try session.waitFor(text: "Restored the form as it was left")
        try session.waitFor(text: "zqt · text2image → ")

        try session.send("F5")
        try session.waitFor(text: "Sent to text2image: task_id")
        try session.waitFor("text2image's image", timeout: 60) { $0.contains("Success · 1 image") }
        let first = try #require(try HistoryStore.open(inFolder: home).list().first)
        let result = try #require(try HistoryStore.open(inFolder: home).record(id: first.id)?.imageResults.first?.imageURL)
        #expect(result.hasPrefix(baseURL + "/sandbox/images/"))

        try session.send("F2")
        try session.waitFor(text: "1 submission")
        try session.send("i")
        // The status line is drawn last: tmux may show a frame half written until it is there.
        let form = try session.waitFor("image2image's form") {
            $0.contains("zqt · image2image → ") && $0.contains("image2image starts from \(first.idTask)'s image")
        }
        #expect(form.contains("a red bicycle in the snow"), "the prompt carried over")
        let inputImage = try #require(form.split(separator: "\n").first { $0.dropFirst(2).hasPrefix("Input image ") }, "no Input image field")
        #expect(inputImage.contains("/sandbox/images/"), "the Input image is the result's URL: \(inputImage)")

        try session.send("F5")
        try session.waitFor(text: "Sent to image2image: task_id")
        try session.waitFor("image2image's image", timeout: 60) { $0.contains("Success · 1 image") }
        let sent = try received(baseURL)
        #expect(sent.map(\.endpoint) == ["/AIGCImgOpenServ/saas/sd/v2/text2image", "/AIGCImgOpenServ/saas/sd/v2/image2image"])
        let body = try #require(sent.last?.body)
        #expect(body["alwayson_scripts"]?["image_link"] == .string(result), "the input image is the result's URL")
        #expect(body["prompt"] == .string("a red bicycle in the snow"))
        #expect(body["steps"] == .int(24) && body["alwayson_scripts"]?["sd_model_checkpoint"] == .string("photon_v1_84728.safetensors"),
                "settings whose wire names match carried over")
        #expect(body["alwayson_scripts"]?["id_task"] != sent.first?.body["alwayson_scripts"]?["id_task"], "a new id_task (wire rule 8)")
        let rows = try HistoryStore.open(inFolder: home).list()
        #expect(rows.map(\.endpoint) == [.image2Image, .text2Image] && rows.allSatisfy { $0.state == .succeeded })
        try quit(session)
    }

    // MARK: e. The image tool group: a face swap from the switcher to its image

    @Test(.needsTmux, .needsCurl)
    func aFaceSwapFromTheSwitcherSendsAndItsImageArrives() async throws {
        try await offThePool { try Self.aFaceSwapFromTheSwitcherSendsAndItsImageArrivesSteps() }
    }

    static func aFaceSwapFromTheSwitcherSendsAndItsImageArrivesSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let (session, baseURL) = try start(home: home)
        try session.waitFor(text: "zqt · ControlNet → ")

        try switchEndpoint(session, filter: "face swap v1", title: "Face swap V1")
        try focus(session, "Source face")
        try edit(session, "https://example.com/face.png")
        try focus(session, "Target image")
        try edit(session, "https://example.com/group.png")
        try session.send("F5")
        try session.waitFor(text: "Sent to Face swap V1: task_id")
        try session.waitFor("the swapped image", timeout: 60) { $0.contains("success · 1 image") }

        let sent = try received(baseURL)
        #expect(sent.map(\.endpoint) == ["/AIGCImgOpenServ/saas/tool/roop"])
        let body = try #require(sent.first?.body)
        #expect(body["sourceUrl"] == .string("https://example.com/face.png") && body["targetUrl"] == .string("https://example.com/group.png"))
        #expect(body.objectValue?.map(\.key) == ["sourceUrl", "targetUrl", "businessTaskId"], "§4.2's fields, nothing else")
        let row = try #require(try HistoryStore.open(inFolder: home).list().first)
        #expect(row.endpoint.title == "Face swap V1" && row.state == .succeeded && row.resultCount == 1)
        let image = try #require(try HistoryStore.open(inFolder: home).record(id: row.id)?.imageResults.first?.imageURL)
        #expect(try ZqtBinary.shell("curl -s -o /dev/null -w '%{http_code} %{content_type}' \(image)") == "200 image/png", "the image is served")
        try quit(session)
    }

    // MARK: f. The training group: accepted, and said to be out of zqt's sight (§3.2)

    @Test(.needsTmux, .needsCurl)
    func aTrainingTaskIsAcceptedAndTheScreenSaysItCannotBeFollowed() async throws {
        try await offThePool { try Self.aTrainingTaskIsAcceptedAndTheScreenSaysItCannotBeFollowedSteps() }
    }

    static func aTrainingTaskIsAcceptedAndTheScreenSaysItCannotBeFollowedSteps() throws {
        let scratch = Scratch()
        let home = freshHome(in: scratch)
        let (session, baseURL) = try start(home: home)
        try session.waitFor(text: "zqt · ControlNet → ")

        try switchEndpoint(session, filter: "training", title: "Training")
        try focus(session, "Training images")
        // Ten URLs, one per word (§3.1 takes 10–100); the field shows the first lines, so the wait is for the edit, not the text.
        let urls = (1...10).map { "https://e.co/\($0).png" }
        try session.send("Enter")
        try session.waitFor(text: "Enter done")
        try session.send(urls.joined(separator: " "), literal: true)
        try session.waitFor(text: "https://e.co/1.png")
        try session.send("Enter")
        try session.waitFor("the edit to end") { !$0.contains("Enter done") }
        try session.send("F5")
        let sentScreen = try session.waitFor("the training task accepted", timeout: 60) {
            $0.contains("Sent to Training: accepted, the service's task id train")
        }
        #expect(sentScreen.contains("· the service reports training results by callback (§3.2); zqt cannot follow it"), "the status line says what happens next")

        let sent = try received(baseURL)
        #expect(sent.map(\.endpoint) == ["/AIGCImgOpenServ/saas/modelTraining/submitTraining/Job"])
        let body = try #require(sent.first?.body)
        #expect(body["fileUrlList"]?.arrayValue?.compactMap(\.stringValue) == urls)
        #expect(body["taskId"]?.stringValue?.hasPrefix("zqt-") == true && body["file_url_list"] == nil, "§3.1's camelCase (§A7)")
        #expect(body["maxEpochs"] == .int(20) && body["learningRate"] == .string("0.00001"), "§3.1's defaults")

        // The sandbox's own task list shows the training running; zqt never asks about it.
        let tasks = try #require(try JSONParser.parse(ZqtBinary.shell("curl -s \(baseURL)/sandbox/tasks")).arrayValue)
        #expect(tasks.count == 1 && tasks.first?["taskId"] == body["taskId"] && tasks.first?["epoch"]?.stringValue?.hasSuffix("/20") == true)

        // The history says the same.
        let row = try #require(try HistoryStore.open(inFolder: home).list().first)
        #expect(row.endpoint.title == "Training" && row.state == .submitted && row.serviceTaskID?.hasPrefix("train") == true)
        try session.send("F2")
        try session.waitFor(text: "1 submission")
        try session.send("Enter")
        let entry = try session.waitFor("the entry") { $0.contains("accepted · the service reports training results by callback (§3.2)") }
        #expect(entry.contains(row.serviceTaskID ?? "?"), "the service's task id")
        try quit(session)
    }

    // MARK: d. Every row reopens in its own endpoint's form

    @Test(.needsTmux)
    func everyHistoryRowReopensInItsEndpointsForm() async throws {
        try await offThePool { try Self.everyHistoryRowReopensInItsEndpointsFormSteps() }
    }

    static func everyHistoryRowReopensInItsEndpointsFormSteps() throws {
        let scratch = Scratch()
        // One row per ready endpoint that has a prompt, sent to another service earlier (so none is followed now).
        // (Every endpoint's row, prompt or not, reopens in its form: EndpointReducerTests.)
        let home = freshHome(in: scratch)
        let store = try HistoryStore.open(inFolder: home)
        let endpoints = EndpointCatalog.shipped.endpoints.filter { $0.ready && $0.field(role: .prompt) != nil && $0.server == .zhiqite }
        #expect(endpoints.count == 7, "the SD three, Flux, instantID, prompt expansion, outpainting")
        for (index, endpoint) in endpoints.enumerated() {
            var request = Request.new(for: endpoint, taskID: TaskIDGenerator.shared.next())
            let prompt = try #require(endpoint.field(role: .prompt))
            request[prompt.path] = .string("row \(index) for \(endpoint.title)")
            let id = try store.recordSending(request, baseURL: "https://api.zhiqite.com", profile: "default",
                                             at: Date().addingTimeInterval(Double(index - 10) * 60))
            try store.recordSendFailed(id: id, error: "seeded by the test")
        }
        let (session, _) = try start(home: home)

        // Newest first: the last endpoint's row is at the top.
        for (position, endpoint) in endpoints.reversed().enumerated() {
            try session.send("F2")
            try session.waitFor(text: "\(endpoints.count) submissions")
            try session.send("g")
            for _ in 0..<position { try session.send("j") }
            let label = "row \(endpoints.count - 1 - position) for \(endpoint.title)"
            try session.waitFor("\(label) selected") { screen in
                screen.split(separator: "\n").contains { $0.hasPrefix("▸") && $0.contains(label) }
            }
            try session.send("e")
            let next = try session.waitFor("the form or the question") { $0.contains("zqt · \(endpoint.title) → ") || $0.contains("Replace them with") }
            if next.contains("Replace them with") { try session.send("y") }
            let form = try session.waitFor("\(endpoint.title)'s form") {
                $0.contains("zqt · \(endpoint.title) → ") && $0.contains("from history into \(endpoint.title) with a new task id")
            }
            #expect(form.contains(label), "\(endpoint.title): its prompt is in the form")
        }
        try quit(session)
    }
}
