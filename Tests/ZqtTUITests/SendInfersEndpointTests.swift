// `zqt send FILE` without --endpoint (issue 19): the endpoint is the one
// the body fits, as `L` chooses it, and said; a body two endpoints fit
// equally is refused with both named. Before, ControlNet was assumed and a
// text2image sweep failed every combination with "add at least one ControlNet unit".

import Foundation
import TestScratch
import Testing

@Suite struct SendInfersEndpointTests {
    static func folder(in scratch: Scratch) throws -> String {
        let root = scratch.path("zqt-infer")
        try FileManager.default.createDirectory(atPath: root + "/config/zqt", withIntermediateDirectories: true)
        return root
    }

    @Test func aText2ImageSweepGoesToText2Image() async throws {
        let scratch = Scratch()
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let root = try Self.folder(in: scratch)
            let environment = ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": root + "/home"]
            let sweep = try ZqtBinary.run(["send", "--sandbox", "examples/text2image.json", "--sweep", "steps=10,20", "--no-wait"],
                                          environment: environment)
            #expect(sweep.status == 0, "\(sweep.stdout)\(sweep.stderr)")
            #expect(sweep.stderr.contains("note: endpoint text2image, inferred from the body's fields"), "\(sweep.stderr)")
            #expect(!(sweep.stdout + sweep.stderr).contains("ControlNet unit"))
            // Not followed (--no-wait): each task's "accepted" is said once, not again as its end.
            let lines = (sweep.stdout + sweep.stderr).split(separator: "\n").filter { $0.hasSuffix(": accepted") }
            #expect(lines.count == 2 && Set(lines).count == 2, "\(lines)")
            // A face swap V2 body (its fidelityWeight) goes to it, with no flag.
            let swap = try ZqtBinary.run(["send", "--sandbox", "examples/faceswap2.json", "--json"], environment: environment)
            #expect(swap.status == 0, "\(swap.stderr)")
            #expect(swap.stdout.contains(#""endpoint":"faceswap2""#), "\(swap.stdout)")
            #expect(swap.stderr.contains("note: endpoint faceswap2, inferred"))
            // Two URLs both face swaps take: refused, both named (no tie broken by a form's size).
            let either = try ZqtBinary.run(["send", "--sandbox", "examples/faceswap.json", "--json"], environment: environment)
            #expect(either.status == 2 && either.stderr.contains("give --endpoint faceswap or --endpoint faceswap2"), "\(either.stderr)")
            // --endpoint still decides.
            let named = try ZqtBinary.run(["send", "--sandbox", "examples/text2image.json", "--endpoint", "image2image", "--json", "--no-wait"],
                                          environment: environment)
            #expect(named.stdout.contains(#""endpoint":"image2image""#) && !named.stderr.contains("inferred"), "\(named.stdout)\(named.stderr)")
        }
    }

    @Test func aBodyTwoEndpointsFitEquallyIsRefusedWithBoth() async throws {
        let scratch = Scratch()
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let root = try Self.folder(in: scratch)
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

    @Test func validateAndSendChooseOnlyWhereTheBodyCanGo() async throws {
        let scratch = Scratch()
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let root = try Self.folder(in: scratch)
            let environment = ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": root + "/home"]
            // ControlNet (no unit) is not a candidate for the text2image example: nothing else is named.
            let text = try ZqtBinary.run(["validate", "examples/text2image.json"], environment: environment)
            #expect(text.status == 0 && text.stderr.contains("note: endpoint text2image, inferred from the body's fields (--endpoint NAME chooses)"),
                    "\(text.stderr)")
            // The image2image example's input image and checkpoint are what image2image requires.
            let image = try ZqtBinary.run(["send", "--sandbox", "examples/image2image.json", "--json", "--no-wait"], environment: environment)
            #expect(image.status == 0, "\(image.stderr)")
            #expect(image.stdout.contains(#""endpoint":"image2image""#), "\(image.stdout)")
            #expect(image.stderr.contains("note: endpoint image2image, inferred from the body's fields; text2image would take it too"), "\(image.stderr)")
            #expect(!image.stderr.contains("controlnet would take it"), "\(image.stderr)")
            // A bare task id fits every tool alike: refused with the candidates, nothing sent.
            try Data(#"{"businessTaskId": "x"}"#.utf8).write(to: URL(fileURLWithPath: root + "/bare.json"))
            for command in ["validate", "send"] {
                let bare = try ZqtBinary.run([command, root + "/bare.json"] + (command == "send" ? ["--sandbox"] : []), environment: environment)
                #expect(bare.status == 2, "\(command): \(bare.stdout)\(bare.stderr)")
                // Too many to name each: a few, and the command that lists them all (issue 19's leftover).
                #expect(bare.stderr.contains("equally") && bare.stderr.contains("--fits lists them all"), "\(command): \(bare.stderr)")
            }
        }
    }
}
