import Foundation
import TestScratch
import Model
import Sandbox
import Testing

/// `zqt convert ID|FILE --to a1111|zhiqite` (issue 20) through the real binary:
/// the translated JSON on standard output, the pictures moved and what did
/// not move on standard error, exit 0; exit 2 for what it cannot read; a
/// URL going to A1111 downloaded inline from a server over loopback, a
/// history row of an A1111 server converted and sent to the zhiqite sandbox.
@Suite struct ConvertCommandTests {
    @Test func theControlNetExampleConvertsToA1111AndBack() async throws {
        let example = SweepCommandTests.example
        // The example's URLs are on the internet: left as they are, and said.
        let there = try await offThePool { try ZqtBinary.run(["convert", example, "--to", "a1111", "--no-download"]) }
        #expect(there.status == 0, "stderr: \(there.stderr)")
        let body = try JSONParser.parse(there.stdout)
        // The combined sampler name as A1111 1.9 and later take it: a sampler and its schedule.
        #expect(body["sampler_name"] == .string("DPM++ 2M") && body["scheduler"] == .string("Karras")
                && body["override_settings"]?["sd_model_checkpoint"] != nil)
        let notes = there.stderr.split(separator: "\n").map(String.init)
        #expect(notes.contains("note: for AUTOMATIC1111 img2img (POST /sdapi/v1/img2img), from ControlNet"), "\(there.stderr)")
        #expect(notes.contains { $0.hasPrefix("not moved: alwayson_scripts.controlnet.args[0].image: https://") && $0.contains("not downloaded (--no-download)") },
                "\(there.stderr)")
        #expect(!there.stderr.contains("id_task"), "zqt's own task id is set at send, not listed as not moved: \(there.stderr)")

        let back = try await offThePool {
            try ZqtBinary.run(["convert", "-", "--to", "zhiqite", "--endpoint", "controlnet"], stdin: there.stdout)
        }
        #expect(back.status == 0, "stderr: \(back.stderr)")
        let zhiqite = try JSONParser.parse(back.stdout)
        #expect(zhiqite["alwayson_scripts"]?["controlnet"]?["args"]?.arrayValue?.first?["image_link"] == .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Output-Img2/bbbb/QR_Code4.png"))
        #expect(zhiqite["sampler_index"] == .string("DPM++ 2M Karras") && !back.stderr.contains("not moved"), "\(back.stderr)")
    }

    @Test func aURLGoingToA1111IsDownloadedInlineAndAFailedDownloadEndsWithItsStatus() async throws {
        let server = SandboxServer()
        let url = try server.start()
        defer { server.stop() }
        let edge = PNGImage.render(width: 48, height: 32, seed: 3)
        let put = try await HTTPClient(timeout: 10).send("PUT", url + "/sandbox/uploads/edge.png", body: edge)
        #expect(put.status == 201)
        let request = """
        {"prompt": "a fox", "alwayson_scripts": {"controlnet": {"args": [
          {"enabled": true, "module": "canny", "model": "control_v11p_sd15_canny", "image_link": "\(url)/sandbox/uploads/edge.png"}]}}}
        """
        let moved = try await offThePool { try ZqtBinary.run(["convert", "-", "--to", "a1111", "--endpoint", "controlnet"], stdin: request) }
        #expect(moved.status == 0, "stderr: \(moved.stderr)")
        let body = try JSONParser.parse(moved.stdout)
        #expect(body["alwayson_scripts"]?["controlnet"]?["args"]?.arrayValue?.first?["image"] == .string(Base64.encode(edge)))
        #expect(moved.stderr.contains("image: alwayson_scripts.controlnet.args[0].image: downloaded \(url)/sandbox/uploads/edge.png (PNG 48×32"),
                "\(moved.stderr)")

        let gone = request.replacingOccurrences(of: "edge.png", with: "gone.png")
        let failed = try await offThePool { try ZqtBinary.run(["convert", "-", "--to", "a1111", "--endpoint", "controlnet"], stdin: gone) }
        #expect(failed.status == 1, "an HTTP 404 is the server's answer, not the network: \(failed.stderr)")
        #expect(failed.stderr.contains("not moved: alwayson_scripts.controlnet.args[0].image: could not download \(url)/sandbox/uploads/gone.png"))
        #expect(try JSONParser.parse(failed.stdout)["alwayson_scripts"]?["controlnet"]?["args"]?.arrayValue?.first?["image"]
                == .string("\(url)/sandbox/uploads/gone.png"), "the request is printed all the same, the URL left")
    }

    @Test func anA1111HistoryRowConvertsToZhiqiteAndIsSentToTheSandbox() async throws {
        let scratch = Scratch()
        let home = scratch.path("zqt-convert")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let pose = PNGImage.render(width: 32, height: 32, seed: 4)
        let request = """
        {"prompt": "a dancer", "width": 64, "height": 64, "steps": 4, "override_settings": {"sd_model_checkpoint": "v1-5-pruned-emaonly.safetensors"},
         "alwayson_scripts": {"controlnet": {"args": [{"enabled": true, "module": "openpose", "model": "control_v11p_sd15_openpose",
           "image": "\(Base64.encode(pose))"}]}}}
        """
        let environment = ["ZQT_HOME": home]
        let sent = try await offThePool {
            try ZqtBinary.run(["send", "-", "--endpoint", "txt2img", "--sandbox", "--api", "a1111", "--json"], environment: environment, stdin: request)
        }
        #expect(sent.status == 0, "\(sent.stdout)\n\(sent.stderr)")
        let listed = try await offThePool { try ZqtBinary.run(["history", "list", "--json"], environment: environment) }
        let idTask = try #require(listed.stdout.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }.first?["id_task"]?.stringValue,
                                  "\(listed.stdout)")

        let converted = try await offThePool { try ZqtBinary.run(["convert", idTask, "--to", "zhiqite"], environment: environment) }
        #expect(converted.status == 0, "stderr: \(converted.stderr)")
        #expect(converted.stderr.contains("note: for zhiqite controlnet (/AIGCImgOpenServ/saas/sd/v2/controlnet), from row \(idTask)"), "\(converted.stderr)")
        let zhiqite = try JSONParser.parse(converted.stdout)
        let file = try #require(zhiqite["alwayson_scripts"]?["controlnet"]?["args"]?.arrayValue?.first?["image_link"]?.stringValue)
        #expect(file.hasPrefix(home + "/moved/") && FileManager.default.contents(atPath: file) == Data(pose),
                "the inline picture is kept as a file under $ZQT_HOME, which the send uploads")
        #expect(zhiqite["prompt"] == .string("a dancer") && zhiqite["alwayson_scripts"]?["id_task"] == nil)

        let resent = try await offThePool {
            try ZqtBinary.run(["send", "-", "--endpoint", "controlnet", "--sandbox", "--no-wait"], environment: environment, stdin: converted.stdout)
        }
        #expect(resent.status == 0, "\(resent.stdout)\n\(resent.stderr)")
        #expect(resent.stdout.contains("accepted") || resent.stderr.contains("accepted") || resent.stderr.contains("upload"), "\(resent.stdout)\n\(resent.stderr)")
    }

    @Test func whatItCannotReadEndsWithTwo() async throws {
        let notJSON = try await offThePool { try ZqtBinary.run(["convert", "-", "--to", "zhiqite"], stdin: "[1") }
        #expect(notJSON.status == 2 && notJSON.stderr.contains("not JSON") && notJSON.stdout.isEmpty)
        let flux = try await offThePool { try ZqtBinary.run(["convert", "-", "--to", "a1111", "--endpoint", "flux"], stdin: #"{"prompt": "x"}"#) }
        #expect(flux.status == 2 && flux.stderr.contains("has no AUTOMATIC1111 counterpart"), "stderr: \(flux.stderr)")
        let missing = try await offThePool { try ZqtBinary.run(["convert", "/nonexistent/r.json", "--to", "a1111"]) }
        #expect(missing.status == 2)
    }

    /// newcomer20g 4: convert advised steps that led nowhere (--endpoint flux, then refused; validate --fits) and
    /// printed {} with exit 0 for a body that is no A1111 request; an A1111 endpoint was said to have "no AUTOMATIC1111 counterpart".
    @Test func aBodyThatFitsNoRequestKindIsRefusedWithAdviceThatLeadsSomewhere() async throws {
        let tool = try await offThePool { try ZqtBinary.run(["convert", "-", "--to", "a1111"], stdin: #"{"businessTaskId": "x"}"#) }
        #expect(tool.status == 2 && tool.stdout.isEmpty, "\(tool.status) \(tool.stdout)")
        #expect(tool.stderr.contains("only those move to AUTOMATIC1111: nothing converted"), "\(tool.stderr)")
        #expect(!tool.stderr.contains("validate") && !tool.stderr.contains("give --endpoint"), "no step that leads nowhere: \(tool.stderr)")

        for body in [#"{"image": "abc"}"#, #"{"businessTaskId": "x"}"#, "{}"] {
            let other = try await offThePool { try ZqtBinary.run(["convert", "-", "--to", "zhiqite"], stdin: body) }
            #expect(other.status == 2 && other.stdout.isEmpty, "\(body): \(other.status) \(other.stdout)")
            #expect(other.stderr.contains("not an AUTOMATIC1111 txt2img or img2img request") && other.stderr.contains("nothing to convert"),
                    "\(body): \(other.stderr)")
        }

        let extras = try await offThePool {
            try ZqtBinary.run(["convert", "-", "--to", "zhiqite", "--endpoint", "extras"], stdin: #"{"image": "abc"}"#)
        }
        #expect(extras.status == 2 && extras.stderr.contains("has no zhiqite counterpart"), "\(extras.stderr)")
        #expect(!extras.stderr.contains("AUTOMATIC1111 counterpart"), "\(extras.stderr)")

        // A zhiqite SD body still converts, its endpoint inferred among the three that move.
        let sd = try await offThePool { try ZqtBinary.run(["convert", "-", "--to", "a1111"], stdin: #"{"prompt": "a lighthouse", "steps": 20}"#) }
        #expect(sd.status == 0 && sd.stdout.contains("a lighthouse"), "\(sd.status) \(sd.stderr)")
    }
}
