import Foundation
import Model
import Testing

/// `zqt convert FILE --to a1111|zhiqite` (issue 20) through the real binary:
/// the translated JSON on standard output, the images to move and what did
/// not move on standard error, exit 0; exit 2 for what it cannot read.
@Suite struct ConvertCommandTests {
    @Test func theControlNetExampleConvertsToA1111AndBack() async throws {
        let example = SweepCommandTests.example
        let there = try await offThePool { try ZqtBinary.run(["convert", example, "--to", "a1111"]) }
        #expect(there.status == 0, "stderr: \(there.stderr)")
        let body = try JSONParser.parse(there.stdout)
        #expect(body["sampler_name"] == .string("DPM++ 2M Karras") && body["override_settings"]?["sd_model_checkpoint"] != nil)
        let notes = there.stderr.split(separator: "\n").map(String.init)
        #expect(notes.contains("note: for AUTOMATIC1111 img2img (POST /sdapi/v1/img2img), from ControlNet"), "\(there.stderr)")
        #expect(notes.contains { $0.hasPrefix("image: alwayson_scripts.controlnet.args[0].image: download https://") })
        #expect(notes.contains("not moved: alwayson_scripts.id_task: A1111 has no task id; zqt keeps the send under its own id"))

        let back = try await offThePool {
            try ZqtBinary.run(["convert", "-", "--to", "zhiqite", "--endpoint", "controlnet"], stdin: there.stdout)
        }
        #expect(back.status == 0, "stderr: \(back.stderr)")
        let zhiqite = try JSONParser.parse(back.stdout)
        #expect(zhiqite["alwayson_scripts"]?["controlnet"]?["args"]?.arrayValue?.first?["image_link"] == .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Output-Img2/bbbb/QR_Code4.png"))
        #expect(zhiqite["sampler_index"] == .string("DPM++ 2M Karras") && !back.stderr.contains("not moved"), "\(back.stderr)")
    }

    @Test func whatItCannotReadEndsWithTwo() async throws {
        let notJSON = try await offThePool { try ZqtBinary.run(["convert", "-", "--to", "zhiqite"], stdin: "[1") }
        #expect(notJSON.status == 2 && notJSON.stderr.contains("not JSON") && notJSON.stdout.isEmpty)
        let flux = try await offThePool { try ZqtBinary.run(["convert", "-", "--to", "a1111", "--endpoint", "flux"], stdin: #"{"prompt": "x"}"#) }
        #expect(flux.status == 2 && flux.stderr.contains("has no AUTOMATIC1111 counterpart"), "stderr: \(flux.stderr)")
        let missing = try await offThePool { try ZqtBinary.run(["convert", "/nonexistent/r.json", "--to", "a1111"]) }
        #expect(missing.status == 2)
    }
}
