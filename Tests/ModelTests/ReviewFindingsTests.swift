import Foundation
import Testing
@testable import Model

/// Faults a review of the endpoint core found, each as a user would meet it.
@Suite struct UntrustedValuesTests {
    @Test func aProgressThatIsNotANumberIsNoProgress() throws {
        for progress in [#""nan""#, #""inf""#, #""-inf%""#, "1e308"] {
            let data = try JSONParser.parse("{\"status\":1,\"temporaryImageDto\":{\"progress\":\(progress)}}")
            let info = TaskInfo(data: data, family: .tool(code: "comfyui/text2image"))
            if let value = info.progress { #expect(value.isFinite && (0...1).contains(value), "\(progress)") }
        }
    }

    @Test func serviceTextLosesItsControlSequencesNotItsWords() {
        let hostile = "done\u{1B}]0;PWNED\u{07}\u{1B}[2J ok\u{9B}31m\r\nnext\u{1B}P1;2|x\u{1B}\\ line\u{7F}\u{0}"
        #expect(TerminalText.printable(hostile) == "done ok31m\nnext line")
        #expect(TerminalText.printable("一只猫 e\u{301} 👍🏽\ttab") == "一只猫 e\u{301} 👍🏽\ttab", "text and tabs stay")
    }
}

@Suite struct WireEdgeTests {
    @Test func unknownKeysAreKeysEvenWithDotsOrBrackets() throws {
        let decoded = try Request.decode(json: #"{"prompt":"p","a.b":1,"x[1]":2,"":3,"alwayson_scripts":{"id_task":"t","k.v":4}}"#,
                                         for: .text2Image)
        let wire = decoded.request.wireValue
        #expect(wire["a.b"] == .int(1) && wire["x[1]"] == .int(2) && wire[""] == .int(3))
        #expect(wire["alwayson_scripts"]?["k.v"] == .int(4))
        #expect(wire["a"] == nil && wire["x"] == nil)
    }

    @Test func aRoutingObjectThatIsNotAnObjectIsSaidAndStopsTheSend() throws {
        let decoded = try Request.decode(json: #"{"prompt":"p","alwayson_scripts":"oops"}"#, for: .text2Image)
        #expect(decoded.notes.contains { $0.path == "alwayson_scripts" && $0.message.contains("expected an object") })
        #expect(RequestValidator.validate(decoded.request).contains {
            $0.path == "alwayson_scripts"
                && $0.message == "alwayson_scripts must be a JSON object holding sd_model_checkpoint, id_task, sd_vae…, not a string"
        })
    }

    @Test func anEmptyOptionalCheckpointIsLeftOutOnText2Image() throws {
        let decoded = try Request.decode(json: #"{"prompt":"p","alwayson_scripts":{"id_task":"t","sd_model_checkpoint":""}}"#, for: .text2Image)
        #expect(decoded.request.wireValue["alwayson_scripts"]?["sd_model_checkpoint"] == nil, "empty: the service's default (§1.1)")
        #expect(Request.new(for: .text2Image, taskID: "t").wireValue["alwayson_scripts"]?["sd_model_checkpoint"] == nil)
        #expect(Request.new(for: .controlNet, taskID: "t").wireValue["alwayson_scripts"]?["sd_model_checkpoint"] == .string(""),
                "required on ControlNet: written, and validation asks for it")
    }

    @Test func removingWhatIsNotThereChangesNothing() {
        var value: JSONValue = .object([(key: "a", value: .string("text"))])
        value.set(nil, at: "a.b")
        #expect(value == .object([(key: "a", value: .string("text"))]))
    }

    @Test func trainingTasksAreNotFollowed() throws {
        let training = try #require(EndpointCatalog.shipped.endpoint(named: "training"))
        #expect(!training.canBeFollowed, "§3.2 documents no query")
        #expect(Endpoint.controlNet.canBeFollowed)
    }
}
