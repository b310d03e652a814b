// `zqt send FILE` without --endpoint (issue 19): the endpoint is the one
// the body fits, as `L` chooses it, and said; a body two endpoints fit
// equally is refused with both named. Before, ControlNet was assumed and a
// text2image sweep failed every combination with "add at least one ControlNet unit".

import Foundation
import Testing

@Suite struct SendInfersEndpointTests {
    static func folder() throws -> String {
        let root = NSTemporaryDirectory() + "zqt-infer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/config/zqt", withIntermediateDirectories: true)
        return root
    }

    @Test func aText2ImageSweepGoesToText2Image() async throws {
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let root = try Self.folder()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let environment = ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": root + "/home"]
            let sweep = try ZqtBinary.run(["send", "--sandbox", "examples/text2image.json", "--sweep", "steps=10,20", "--no-wait"],
                                          environment: environment)
            #expect(sweep.status == 0, "\(sweep.stdout)\(sweep.stderr)")
            #expect(sweep.stderr.contains("note: endpoint text2image, inferred from the body's fields"), "\(sweep.stderr)")
            #expect(!(sweep.stdout + sweep.stderr).contains("ControlNet unit"))
            // A face swap body goes to the face swap, with no flag.
            let swap = try ZqtBinary.run(["send", "--sandbox", "examples/faceswap.json", "--json"], environment: environment)
            #expect(swap.status == 0, "\(swap.stderr)")
            #expect(swap.stdout.contains(#""endpoint":"faceswap""#), "\(swap.stdout)")
            #expect(swap.stderr.contains("note: endpoint faceswap, inferred"))
            // --endpoint still decides.
            let named = try ZqtBinary.run(["send", "--sandbox", "examples/text2image.json", "--endpoint", "image2image", "--json", "--no-wait"],
                                          environment: environment)
            #expect(named.stdout.contains(#""endpoint":"image2image""#) && !named.stderr.contains("inferred"), "\(named.stdout)\(named.stderr)")
        }
    }

    @Test func aBodyTwoEndpointsFitEquallyIsRefusedWithBoth() async throws {
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let root = try Self.folder()
            defer { try? FileManager.default.removeItem(atPath: root) }
            // Two endpoints of the user's catalog with the same fields.
            func entry(_ id: String) -> String {
                #"{"id": "tool/\#(id)", "title": "\#(id)", "family": "tool", "fields": [{"path": "businessTaskId", "kind": "text", "role": "task_id"}, {"path": "pictureUrl", "kind": "url", "required": true, "role": "input_image"}]}"#
            }
            try Data(#"{"endpoints": [\#(entry("sharpen")), \#(entry("upscale"))]}"#.utf8)
                .write(to: URL(fileURLWithPath: root + "/config/zqt/endpoints.json"))
            try Data(#"{"pictureUrl": "https://a.example/p.png"}"#.utf8).write(to: URL(fileURLWithPath: root + "/body.json"))
            let environment = ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": root + "/home"]
            let run = try ZqtBinary.run(["send", "--sandbox", root + "/body.json"], environment: environment)
            #expect(run.status == 2)
            #expect(run.stderr.contains("the body fits") && run.stderr.contains("equally: give --endpoint"), "\(run.stderr)")
            #expect(run.stderr.contains("sharpen") && run.stderr.contains("upscale"), "\(run.stderr)")
            #expect(!run.stderr.contains("sandbox listening"), "nothing is sent")
        }
    }
}
