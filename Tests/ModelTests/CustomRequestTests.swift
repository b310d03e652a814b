// A custom request (issue 9): any path, a family, a JSON body; what goes on
// the wire, where the task id sits, and the endpoint it is saved as.

import Foundation
import Testing
@testable import Model

@Suite struct CustomRequestTests {
    static func custom(_ path: String = "") -> Request {
        Request.new(for: CustomEndpoint.endpoint(path: path), taskID: "zqt-custom-1")
    }

    @Test func aPathIsTakenAsTypedFromAURLAFullPathOrARelativeOne() {
        for typed in ["https://api.zhiqite.com/AIGCImgOpenServ/saas/tool/faceRestore", "/AIGCImgOpenServ/saas/tool/faceRestore",
                      "tool/faceRestore", "  tool/faceRestore  "] {
            #expect(CustomEndpoint.relativePath(typed) == .success("tool/faceRestore"), "\(typed)")
        }
        for bad in ["", "/other/prefix/x", "tool/../sd", "tool//x", "tool/a b", "tool/x?y=1", "tool/x#y", "tool/\u{1b}[31m"] {
            guard case .failure = CustomEndpoint.relativePath(bad) else {
                Issue.record("\(bad.debugDescription) accepted")
                continue
            }
        }
    }

    @Test func thePathDecidesTheFamilyAndTheTaskIDMovesWithIt() throws {
        var request = Self.custom()
        #expect(request.endpoint.family == .tool(code: "") && request.endpoint.taskIDPath == "businessTaskId",
                "a new custom request starts as a tool: every undocumented endpoint is one (§4)")
        try request.setCustom(.path, to: "tool/super/resolution")
        #expect(request.endpoint.path == "/AIGCImgOpenServ/saas/tool/super/resolution")
        #expect(request.endpoint.family.queryPath(submittedAt: .now) == "tool/super/resolution/queryTask", "wire rule 8: the toolCode keeps its slashes")
        #expect(request.wireJSON == "{\n  \"businessTaskId\": \"zqt-custom-1\"\n}")

        try request.setCustom(.path, to: "sd/v3/text2Image")
        #expect(request.endpoint.family == .sd && request.taskID == "zqt-custom-1")
        #expect(request.wireJSON == "{\n  \"alwayson_scripts\": {\n    \"id_task\": \"zqt-custom-1\"\n  }\n}",
                "wire rule 3: an SD task id sits in alwayson_scripts")

        try request.setCustom(.path, to: "tool/sdPrompts")
        try request.setCustom(.taskKey, to: "task_id")
        #expect(request.wireJSON == "{\n  \"task_id\": \"zqt-custom-1\"\n}", "§5: sdPrompts names its id task_id (§A5)")
        #expect(throws: CustomEndpoint.PathProblem.self) { try request.setCustom(.family, to: "video") }
        #expect(throws: CustomEndpoint.PathProblem.self) { try request.setCustom(.taskKey, to: "a b") }
        #expect(request.endpoint.id == "tool/sdPrompts", "a refused value changes nothing")
    }

    @Test func theBodyIsEveryMemberButTheTaskIDInItsOwnOrder() throws {
        var request = Self.custom("tool/objectRemoval")
        let body = try JSONParser.parse(#"{"imageUrl": "https://a.example/x.png", "maskUrl": "https://a.example/m.png", "options": {"dilate": 4}, "list": [1, 2]}"#)
        request.setOtherMembers(body)
        #expect(request.otherMembers == body)
        #expect(request.wireJSON == """
            {
              "businessTaskId": "zqt-custom-1",
              "imageUrl": "https://a.example/x.png",
              "maskUrl": "https://a.example/m.png",
              "options": {
                "dilate": 4
              },
              "list": [
                1,
                2
              ]
            }
            """)
        // A body that names the task id too: the field's value wins, nothing is written twice.
        request.setOtherMembers(try JSONParser.parse(#"{"businessTaskId": "typed", "a": 1}"#))
        let onlyA = try JSONParser.parse(#"{"a": 1}"#)
        #expect(request.taskID == "zqt-custom-1" && request.otherMembers == onlyA)
        #expect(RequestValidator.validate(request).isEmpty)
        #expect(RequestValidator.validate(Self.custom()).map(\.path) == [CustomEndpoint.pathField], "no path, no send")
    }

    @Test func anSDCustomBodyKeepsItsOtherRoutingMembersBesideTheTaskID() throws {
        var request = Self.custom("sd/v3/text2Image")
        let body = try JSONParser.parse(#"{"prompt": "a cat", "alwayson_scripts": {"sd_vae": "x.pt"}}"#)
        request.setOtherMembers(body)
        #expect(request.otherMembers == body)
        #expect(request.wireValue.value(at: "alwayson_scripts.id_task") == .string("zqt-custom-1"))
        #expect(request.wireValue.value(at: "alwayson_scripts.sd_vae") == .string("x.pt"))
    }

    @Test func savedAsAnEndpointItsFreshFormSendsTheSameBody() throws {
        var request = Self.custom("tool/faceRestore")
        request.setOtherMembers(try JSONParser.parse(#"""
            {"imageUrl": "https://a.example/x.png", "sourcePrompt": "line one\nline two", "scale": 2, "strength": 0.5,
             "keepColor": true, "options": {"k": 1}, "list": ["a"], "nothing": null}
            """#))
        let entry = CustomEndpoint.catalogEntry(for: request, title: "Face restoration")
        let endpoint = try UserCatalog.endpoint(entry)
        #expect(endpoint.id == "tool/faceRestore" && endpoint.family == .tool(code: "faceRestore") && !endpoint.isCustom)
        #expect(endpoint.title == "Face restoration" && endpoint.group == UserCatalog.defaultGroup && endpoint.ready)
        let kinds = endpoint.formFields.map { "\($0.path):\($0.kind)" }
        #expect(kinds.contains("imageUrl:url") && kinds.contains("scale:integer") && kinds.contains("strength:number")
                && kinds.contains("keepColor:toggle") && kinds.contains("options:jsonObject"), "\(kinds)")
        let fresh = Request.new(for: endpoint, taskID: "zqt-custom-1")
        var expected = request.wireValue
        expected.set(nil, at: "nothing")  // null is never sent (Request.swift)
        #expect(fresh.wireValue == expected, "lists and other values without a field kind come back from the template")
        #expect(RequestValidator.validate(fresh).isEmpty)
    }

    @Test func aHistoryRowOrDraftOfACustomRequestOpensAsOne() {
        let endpoint = CustomEndpoint.endpoint(path: "odd/place", family: .tool(code: "odd/place"), taskKey: "jobId")
        let back = EndpointCatalog.shipped.resolve(storageKey: endpoint.storageKey)
        #expect(back == endpoint && back.family == .tool(code: "odd/place") && back.taskIDPath == "jobId",
                "a draft keeps the family and task id key the path alone cannot tell")
        #expect(EndpointCatalog.shipped.resolve(storageKey: "sd/v2/controlnet") == .controlNet)
        #expect(EndpointCatalog.shipped.resolve("odd/place").family == .training, "a path that names no family is not followed")
        #expect(CustomEndpoint.endpoint(path: "tool/roop") != EndpointCatalog.shipped.endpoint(id: "tool/roop"),
                "a custom request to a documented path is not that path's form")
    }
}
