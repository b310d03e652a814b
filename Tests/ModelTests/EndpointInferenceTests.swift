// Which endpoint a body is for (issue 19, as a newcomer met it): one rule
// for `L` on the screen, `zqt send` and `zqt validate`. Only endpoints the
// body could be sent to are candidates, a required field the body gives
// decides, and a real tie is refused rather than broken by a form's size.

import Foundation
import Testing
@testable import Model

@Suite struct EndpointInferenceTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

    static func body(_ json: String) throws -> JSONValue { try JSONParser.parse(json) }

    static func example(_ name: String) throws -> JSONValue {
        try body(String(decoding: Data(contentsOf: examples.appendingPathComponent(name + ".json")), as: UTF8.self))
    }

    @Test func everyExampleIsInferredAsTheEndpointItIsNamedFor() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.examples.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
        #expect(names.count >= 15)
        for name in names {
            let endpoint = try #require(EndpointCatalog.shipped.endpoint(named: name), "\(name)")
            let inference = RequestImport.infer(for: try Self.example(name), in: .shipped, server: endpoint.server)
            // Bodies whose fields other endpoints have alike are refused, their endpoint among the candidates:
            // Face swap V1's two URLs are V2's too, Style recognition's sourceImage two more tools', hair's body is empty.
            if ["faceswap", "style"].contains(name) {
                #expect(inference.candidates.count > 1 && inference.candidates.contains(endpoint), "examples/\(name).json: \(inference)")
                continue
            }
            if name == "hair" {
                #expect(inference == .none)
                continue
            }
            guard case let .chosen(chosen, _) = inference else {
                Issue.record("examples/\(name).json: \(inference)")
                continue
            }
            #expect(chosen.shortName == name, "examples/\(name).json went to \(chosen.shortName)")
        }
    }

    @Test func theText2ImageExampleIsNotControlNets() throws {
        // ControlNet names every field too, but has no unit to send it with.
        #expect(RequestImport.infer(for: try Self.example("text2image"), in: .shipped) == .chosen(.text2Image, alsoFit: []))
        // The form on screen is left only for one the body can be sent to.
        let loaded = try RequestImport.read(String(decoding: Data(contentsOf: Self.examples.appendingPathComponent("text2image.json")), as: UTF8.self),
                                            catalog: .shipped, current: .controlNet, taskID: "t").get()
        #expect(loaded.request.endpoint == .text2Image && loaded.alsoFit.isEmpty)
        #expect(RequestValidator.validate(loaded.request).isEmpty, "what L loads can be sent")
    }

    @Test func theImage2ImageExampleGoesToImage2ImageWhereverItIsLoaded() throws {
        // text2image takes an image link too, but only image2image requires it (and the checkpoint): the body gives both.
        #expect(RequestImport.infer(for: try Self.example("image2image"), in: .shipped) == .chosen(.image2Image, alsoFit: [.text2Image]))
        let text = String(decoding: try Data(contentsOf: Self.examples.appendingPathComponent("image2image.json")), as: UTF8.self)
        let faceSwap = try #require(EndpointCatalog.shipped.endpoint(named: "faceswap"))
        for current in [faceSwap, .controlNet, .image2Image] {
            let loaded = try RequestImport.read(text, catalog: .shipped, current: current, taskID: "t").get()
            #expect(loaded.request.endpoint == .image2Image, "from \(current.shortName)")
            #expect(loaded.alsoFit == [.text2Image], "the other endpoint it could go to is named")
        }
        // On text2image it may stay (it can be sent there), and image2image is named.
        let kept = try RequestImport.read(text, catalog: .shipped, current: .text2Image, taskID: "t").get()
        #expect(kept.request.endpoint == .text2Image && kept.alsoFit == [.image2Image])
    }

    @Test func aBodyManyToolsTakeIsRefusedWithTheCandidates() throws {
        guard case let .ambiguous(candidates) = RequestImport.infer(for: try Self.body(#"{"businessTaskId": "x"}"#), in: .shipped) else {
            Issue.record("a bare task id chose an endpoint")
            return
        }
        #expect(candidates.count >= 2 && candidates.allSatisfy { $0.family.name == Family.tool(code: "").name })
        // On the screen: loaded only onto a form among them, else the user is asked to choose.
        let hair = try #require(EndpointCatalog.shipped.endpoint(named: "hair"))
        #expect(RequestImport.destination(of: .ambiguous(candidates), current: .controlNet) == nil)
        if candidates.contains(hair) {
            #expect(RequestImport.destination(of: .ambiguous(candidates), current: hair) == hair)
        }
        guard case let .failure(problem) = RequestImport.read(#"{"businessTaskId": "x"}"#, catalog: .shipped, current: .controlNet, taskID: "t") else {
            Issue.record("loaded onto a form the body does not choose")
            return
        }
        #expect(problem.message.contains("equally") && problem.message.contains(candidates[0].title), "\(problem.message)")
    }
}
