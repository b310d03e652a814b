// Loading a request from outside (issue 10): curl commands as the docs, a
// browser and `zqt export --curl` write them, and JSON bodies matched to
// their endpoint; nothing in the body is dropped, and what is left out is said.

import Testing
@testable import Model

@Suite struct RequestImportTests {
    @Test func theDocsCurlSampleIsRead() throws {
        // As the service's docs write them: empty credential headers, a body over several lines.
        let text = """
            curl --location --request POST 'https://api.zhiqite.com/AIGCImgOpenServ/saas/tool/roop' \\
            --header 'X-Request-req-accessKeyId;' \\
            --header 'X-Request-req-accessKeySecret;' \\
            --header 'Content-Type: application/json' \\
            --data-raw '{
                "sourceUrl": "https://a.example/face.png",
                "targetUrl": "https://a.example/body.png",
                "businessTaskId": "10086"
            }'
            """
        let command = try CurlCommand.parse(text)
        #expect(command.url == "https://api.zhiqite.com/AIGCImgOpenServ/saas/tool/roop" && command.method == "POST")
        #expect(command.headers.map(\.name) == ["X-Request-req-accessKeyId", "X-Request-req-accessKeySecret", "Content-Type"])
        #expect(command.ignored == ["--location"])
        let loaded = try RequestImport.read(text, catalog: .shipped, current: .controlNet, taskID: "zqt-new").get()
        #expect(loaded.request.endpoint.id == "tool/roop")
        #expect(loaded.request.wireValue["sourceUrl"] == .string("https://a.example/face.png") && loaded.request.taskID == "zqt-new")
        let said = loaded.notes.map(\.message).joined(separator: "\n")
        #expect(said.contains("X-Request-req-accessKeyId not kept") && said.contains("10086 replaced by a new task id"), "\(said)")
    }

    @Test func quotingAsShellsAndBrowsersWriteIt() throws {
        #expect(try CurlCommand.split(#"curl -d 'it'"'"'s' "a \"b\" \$c" $'x\'y\nz' plain\ word"#)
                == ["curl", "-d", "it's", "a \"b\" $c", "x'y\nz", "plain word"])
        // A multi-line command pasted into a one-line box: its continuations became "\ ".
        #expect(try CurlCommand.split(#"curl 'https://h/x' \  -H 'A: b' \  -d '{}'"#) == ["curl", "https://h/x", "-H", "A: b", "-d", "{}"])
        #expect(try CurlCommand.split("echo $(rm -rf /) `id`") == ["echo", "$(rm", "-rf", "/)", "`id`"], "nothing is run")
        #expect(throws: CurlCommand.ParseError.self) { try CurlCommand.split("curl -d '{\"a\": 1}") }
        #expect(throws: CurlCommand.ParseError.self) { try CurlCommand.parse("curl -H") }
        #expect(throws: CurlCommand.ParseError.self) { try CurlCommand.parse("curl -d @request.json https://h/AIGCImgOpenServ/saas/tool/roop") }
    }

    @Test func unknownMembersAreKeptAndListed() throws {
        let text = """
            curl https://api.zhiqite.com/AIGCImgOpenServ/saas/tool/comfyui/text2image -H 'Content-Type: application/json' -H 'Cookie: x=1' \
            -d '{"prompt": "a cat", "comfyTaskType": "Flux1DevFP8", "loraStrength": 0.8, "businessTaskId": "b1"}'
            """
        let loaded = try RequestImport.read(text, catalog: .shipped, current: .controlNet, taskID: "zqt-new").get()
        #expect(loaded.request.endpoint.id == "tool/comfyui/text2image")
        #expect(loaded.request.wireValue["loraStrength"] == .double(0.8), "kept and sent")
        let said = loaded.notes.map { "\($0.path): \($0.message)" }
        #expect(said.contains { $0.hasPrefix("loraStrength: not a field zqt knows") }, "\(said)")
        #expect(said.contains { $0.contains("header Cookie is not sent") }, "\(said)")
    }

    @Test func aPathWithoutAFormBecomesACustomRequest() throws {
        let loaded = try RequestImport.read(#"curl -X POST https://h/AIGCImgOpenServ/saas/tool/faceRestore?x=1 --data-raw '{"imageUrl": "https://a/b.png"}'"#,
                                            catalog: .shipped, current: .controlNet, taskID: "zqt-new").get()
        #expect(loaded.request.endpoint.isCustom && loaded.request.endpoint.id == "tool/faceRestore")
        #expect(loaded.request.wireValue["imageUrl"] == .string("https://a/b.png") && loaded.request.taskID == "zqt-new")
    }

    /// newcomer20g 4: the Custom request form refused a body that "fits 12 endpoints equally" though it takes any
    /// body; an A1111 form was told to switch to endpoints its switcher does not list.
    @Test func theCustomFormTakesAnyObjectAndAnA1111FormNamesNoServiceEndpoint() throws {
        guard case let .success(path) = CustomEndpoint.relativePath("tool/faceRestore") else { Issue.record("no path"); return }
        let custom = CustomEndpoint.endpoint(path: path)
        // A tool's task id alone fits every tool alike ("fits 12 endpoints equally" before): it stays on the custom form.
        let loaded = try RequestImport.read(#"{"businessTaskId": "x"}"#, catalog: .shipped, current: custom, taskID: "zqt-new").get()
        #expect(loaded.request.endpoint.isCustom && loaded.request.endpoint.id == "tool/faceRestore", "\(loaded.request.endpoint.id)")
        #expect(loaded.request.taskID == "zqt-new")

        let txt2img = try #require(EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img"))
        guard case let .failure(problem) = RequestImport.read(#"{"businessTaskId": "x"}"#, catalog: .shipped, current: txt2img, taskID: "t") else {
            Issue.record("a service's tool body loaded on an A1111 form"); return
        }
        #expect(problem.message.contains("it is a zhiqite request, to load under a zhiqite profile"), "\(problem.message)")
        #expect(!problem.message.contains("Flux") && !problem.message.contains("switch to the one"), "\(problem.message)")
    }

    @Test func aJSONBodyFindsTheEndpointItsFieldsName() throws {
        func endpoint(_ json: String, current: Endpoint = .controlNet) throws -> String {
            try RequestImport.read(json, catalog: .shipped, current: current, taskID: "t").get().request.endpoint.id
        }
        #expect(try endpoint(BundledExamples.controlNetJSON, current: .text2Image) == "sd/v2/controlnet")
        // ControlNet cannot send it (no unit); text2image and Flux text2image both can: it stays on either,
        // and from ControlNet the user chooses (issue 19: no tie broken by a form's size).
        let plain = #"{"prompt": "a cat", "steps": 20, "width": 512, "height": 512}"#
        #expect(try endpoint(plain, current: .text2Image) == "sd/v2/text2image")
        #expect((try? endpoint(plain)) == nil, "not loaded onto ControlNet")
        #expect(try endpoint(#"{"prompt": "a cat", "steps": 20, "alwayson_scripts": {"mask_link": "https://a/m.png"}}"#) == "sd/v2/image2image")
        #expect(try endpoint(#"{"prompt": "a cat", "comfyTaskType": "Flux1DevFP8", "fluxGuidance": 3.5}"#) == "tool/comfyui/text2image")
        #expect(try endpoint(#"{"sourcePrompt": "a cat", "mode": 1}"#) == "tool/prompts/expand")
        #expect(try endpoint(#"{"fileUrlList": ["https://a/1.png"], "maxEpochs": 10}"#) == "modelTraining/submitTraining/Job")
        guard case let .failure(problem) = RequestImport.read("{\"prompt\": ", catalog: .shipped, current: .controlNet, taskID: "t") else {
            Issue.record("broken JSON loaded")
            return
        }
        #expect(problem.message.hasPrefix("not valid JSON (line 1, column"))
    }
}
