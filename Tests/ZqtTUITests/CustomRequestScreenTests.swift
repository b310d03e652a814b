// The custom request on the compose screen (issue 9): from the switcher, a
// path and a body typed in, what is sent, a bad body kept, and saving it as
// an endpoint of one's own.

import Testing
@testable import Model
@testable import ZqtTUI

@Suite struct CustomRequestScreenTests {
    static func openCustom(_ state: inout AppState) {
        _ = press(&state, .function(7))
        type(&state, "custom")
        _ = press(&state, .enter)
    }

    /// Enter on the focused field, the text, Enter: as a user fills a field.
    static func fill(_ state: inout AppState, _ field: String, _ text: String) {
        focus(&state, FieldID(field))
        _ = press(&state, .enter)
        _ = press(&state, .ctrl("u"))
        _ = Reducer.reduce(&state, .paste(text))
        _ = press(&state, .enter)
    }

    @Test func aPathAndABodyTypedInAreWhatIsSent() throws {
        var state = makeState()
        Self.openCustom(&state)
        #expect(state.endpoint.isCustom && Screen.render(state).line(0).hasPrefix(" zqt · Custom request → "))
        #expect(press(&state, .function(5)).isEmpty, "no path: nothing is sent")
        #expect(Screen.render(state).text.contains("give the path under /AIGCImgOpenServ/saas/"))

        Self.fill(&state, CustomEndpoint.pathField, "/AIGCImgOpenServ/saas/tool/faceRestore")
        Self.fill(&state, CustomEndpoint.bodyField, "{\"imageUrl\": \"https://a.example/face.png\",\n \"upscale\": 2}")
        let screen = Screen.render(state).text
        #expect(screen.contains("\"imageUrl\": \"https://a.example/face.png\""), "the preview shows the body")
        let effects = press(&state, .function(5))
        guard case let .submit(sent)? = effects.first else {
            Issue.record("not sent: \(effects), \(String(describing: state.status))")
            return
        }
        #expect(sent.endpoint.path == "/AIGCImgOpenServ/saas/tool/faceRestore" && sent.endpoint.family == .tool(code: "faceRestore"))
        #expect(sent.wireJSON == """
            {
              "businessTaskId": "\(sent.taskID)",
              "imageUrl": "https://a.example/face.png",
              "upscale": 2
            }
            """)
    }

    @Test func aBodyThatIsNotAnObjectIsKeptAndMarked() {
        var state = makeState()
        Self.openCustom(&state)
        Self.fill(&state, CustomEndpoint.bodyField, "{\"imageUrl\": ")
        #expect(state.drafts[FieldID(CustomEndpoint.bodyField)]?.text == "{\"imageUrl\": ", "nothing typed is lost")
        #expect(Screen.render(state).text.contains("not valid JSON (line 1, column"))
        Self.fill(&state, CustomEndpoint.bodyField, "[1, 2]")
        #expect(Screen.render(state).text.contains("a request body is a JSON object"))
    }

    @Test func theCustomFormIsKeptAsideLikeAnyOther() {
        var state = makeState()
        Self.openCustom(&state)
        Self.fill(&state, CustomEndpoint.pathField, "tool/bgRemove")
        _ = press(&state, .function(7))
        type(&state, "ControlNet")
        _ = press(&state, .enter)
        #expect(state.endpoint == .controlNet)
        Self.openCustom(&state)
        #expect(state.endpoint.id == "tool/bgRemove", "back to the custom request as it was left")
    }

    @Test func savingAsAnEndpointAsksForANameAndOpensItsForm() throws {
        var state = makeState()
        state.connection.catalogFile = "/tmp/cfg/zqt/endpoints.json"
        Self.openCustom(&state)
        _ = press(&state, .char("S"))
        #expect(state.view.overlay == nil && state.status?.text.contains("path first") == true)
        Self.fill(&state, CustomEndpoint.pathField, "tool/sr")
        Self.fill(&state, CustomEndpoint.bodyField, "{\"imageUrl\": \"https://a.example/x.png\"}")
        _ = press(&state, .char("S"))
        guard case .input? = state.view.overlay else {
            Issue.record("no name asked")
            return
        }
        _ = press(&state, .ctrl("u"))
        type(&state, "Super resolution")
        let effects = press(&state, .enter)
        guard case let .saveUserEndpoint(entry, file)? = effects.first else {
            Issue.record("not saved: \(effects)")
            return
        }
        #expect(file == "/tmp/cfg/zqt/endpoints.json" && entry["title"] == .string("Super resolution"))
        let saved = try UserCatalog.endpoint(entry)
        _ = Reducer.reduce(&state, .userEndpointSaved(saved, file: file))
        #expect(state.endpoint == saved && !state.endpoint.isCustom)
        #expect(state.request.wireValue.value(at: "imageUrl") == .string("https://a.example/x.png"))
        #expect(Screen.render(state).text.contains("Saved as \"Super resolution\" in /tmp/cfg/zqt/endpoints.json"))

        // A documented path has its own form: saving it as another is refused with the way to override it.
        Self.openCustom(&state)
        Self.fill(&state, CustomEndpoint.pathField, "tool/roop")
        _ = press(&state, .char("S"))
        #expect(state.view.overlay == nil && state.status?.text.contains("ships with zqt") == true)
    }

    /// §4.11 documents a path and no fields: what the service takes goes in as JSON, and is sent.
    @Test func theHairstyleChangersOtherFieldsAreSent() {
        var state = makeState()
        _ = press(&state, .function(7))
        type(&state, "hairstyle")
        _ = press(&state, .enter)
        #expect(state.endpoint.id == "tool/hair/change")
        Self.fill(&state, "@other", "{\"imageUrl\": \"https://a.example/me.png\", \"hairStyle\": \"bob\"}")
        let wire = state.request.wireValue
        #expect(wire["imageUrl"] == .string("https://a.example/me.png") && wire["hairStyle"] == .string("bob"))
        #expect(wire.objectValue?.first?.key == "businessTaskId", "the documented fields first")
        try? FieldValues.apply("", to: FieldID("@other"), in: &state.request)
        #expect(state.request.wireValue["hairStyle"] == nil, "emptied, they are no longer sent")
    }
}
