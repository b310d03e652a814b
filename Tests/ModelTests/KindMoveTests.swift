import Foundation
import TestScratch
import Synchronization
import Testing
@testable import Model

/// Issue 20: a request's pictures moved between kinds of server. A URL going
/// to A1111 is downloaded (bounded) and kept as a file or put inline; an
/// inline picture going to zhiqite is kept as a file the upload sends; a
/// local path stays a path; a failure leaves the value and says why.
@Suite struct KindMoveTests {
    static let catalog = EndpointCatalog.shipped

    static func folder(in scratch: Scratch) -> String { scratch.path("zqt-kindmove") + "/moved" }

    static func controlNet(_ json: String) throws -> Request {
        try Request.decode(json: json, for: try #require(catalog.endpoint(named: "controlnet"))).request
    }

    @Test func aUnitsURLIsDownloadedToAFileTheA1111FormSendsInlineAndTheBasePathStaysAPath() async throws {
        let scratch = Scratch()
        let png = PictureBytes.png(width: 64, height: 48)
        let request = try Self.controlNet("""
        {"prompt": "a fox", "alwayson_scripts": {"image_link": "./base.png", "controlnet": {"args": [
          {"enabled": true, "module": "canny", "model": "control_v11p_sd15_canny", "image_link": "http://127.0.0.1:9/u/edge.png"}]}}}
        """)
        let plan = try KindMove.plan(request, in: Self.catalog)
        #expect(plan.target.id == "sdapi/v1/img2img" && plan.target.server == .a1111)
        let asked = Mutex<[String]>([])
        let folder = Self.folder(in: scratch)
        let outcome = await KindMove.perform(plan.translated, folder: folder, downloaded: .file) { url, maxBytes in
            asked.withLock { $0.append("\(url) \(maxBytes)") }
            return .success(png)
        }
        #expect(asked.withLock { $0 } == ["http://127.0.0.1:9/u/edge.png \(LocalPicture.sizeLimit)"], "one bounded download")
        let file = try #require(outcome.body["alwayson_scripts"]?["controlnet"]?["args"]?.arrayValue?.first?["image"]?.stringValue)
        #expect(file.hasPrefix(folder + "/") && file.hasSuffix(".png"))
        #expect(FileManager.default.contents(atPath: file) == Data(png), "the file holds the bytes downloaded")
        #expect(outcome.body["init_images"] == .array([.string("./base.png")]), "a local path stays a path")
        #expect(outcome.moved.contains { $0.hasPrefix("alwayson_scripts.controlnet.args[0].image: downloaded http://127.0.0.1:9/u/edge.png (PNG 64×48") })
        #expect(outcome.moved.contains("init_images[0]: ./base.png stays a local file, read and sent inline at send"))

        // In the A1111 form: a fresh img2img with the moved body laid over, a new task id.
        let (form, unmoved) = KindMove.request(outcome, for: plan.target, taskID: "zqt-moved")
        #expect(form.taskID == "zqt-moved" && form["prompt"] == .string("a fox") && form.endpoint.id == "sdapi/v1/img2img")
        #expect(form["send_images"] == .bool(true), "the form's own defaults stay")
        #expect(unmoved.isEmpty, "zqt's own task id is not listed as lost: \(unmoved)")
    }

    @Test func theCommandLinePutsTheDownloadInlineAndAFailureLeavesTheURLSaid() async throws {
        let scratch = Scratch()
        let png = PictureBytes.png(width: 8, height: 8)
        let request = try Self.controlNet("""
        {"prompt": "p", "alwayson_scripts": {"controlnet": {"args": [
          {"enabled": true, "module": "canny", "model": "m", "image_link": "https://x.example/a.png"},
          {"enabled": true, "module": "depth", "model": "m", "image_link": "https://x.example/gone.png"},
          {"enabled": true, "module": "depth", "model": "m", "image_link": "https://x.example/page.html"}]}}}
        """)
        let plan = try KindMove.plan(request, in: Self.catalog)
        #expect(plan.target.id == "sdapi/v1/txt2img")
        let outcome = await KindMove.perform(plan.translated, folder: Self.folder(in: scratch), downloaded: .inline) { url, _ in
            if url.hasSuffix("gone.png") { return .failure(.httpStatus(404, bodyStart: "not found")) }
            return .success(url.hasSuffix(".html") ? Array("<html>".utf8) : png)
        }
        let units = try #require(outcome.body["alwayson_scripts"]?["controlnet"]?["args"]?.arrayValue)
        #expect(units[0]["image"] == .string(Base64.encode(png)))
        #expect(units[1]["image"] == .string("https://x.example/gone.png") && units[2]["image"] == .string("https://x.example/page.html"))
        let reasons = Dictionary(uniqueKeysWithValues: outcome.unmoved.map { ($0.path, $0.reason) })
        #expect(reasons["alwayson_scripts.controlnet.args[1].image"]?.hasPrefix("could not download https://x.example/gone.png: ") == true, "\(reasons)")
        #expect(reasons["alwayson_scripts.controlnet.args[2].image"] == "https://x.example/page.html is not a PNG, JPEG or WebP picture; left as the URL")

        let left = await KindMove.perform(plan.translated, folder: Self.folder(in: scratch), downloaded: .inline, download: nil)
        #expect(left.unmoved.filter { $0.reason.contains("not downloaded (--no-download)") }.count == 3)
    }

    @Test func anA1111InlinePictureIsKeptAsAFileTheZhiqiteUploadSendsAndBadBase64IsLeftOut() async throws {
        let scratch = Scratch()
        let png = PictureBytes.png(width: 32, height: 32)
        var request = Request.new(for: try #require(Self.catalog.endpoint(id: "sdapi/v1/txt2img")), taskID: "zqt-a")
        request["prompt"] = .string("a cat")
        request["alwayson_scripts.controlnet"] = .object([("args", .array([
            .object([("enabled", .bool(true)), ("module", .string("canny")), ("model", .string("m")), ("image", .string(Base64.encode(png)))]),
            .object([("enabled", .bool(true)), ("module", .string("depth")), ("model", .string("m")), ("image", .string("bm90IGEgcGljdHVyZQ=="))]),
        ]))])
        let plan = try KindMove.plan(request, in: Self.catalog)
        #expect(plan.target.id == "sd/v2/controlnet")
        let folder = Self.folder(in: scratch)
        let outcome = await KindMove.perform(plan.translated, folder: folder, downloaded: .file) { _, _ in
            Issue.record("nothing to download")
            return .failure(.cancelled)
        }
        let units = try #require(outcome.body["alwayson_scripts"]?["controlnet"]?["args"]?.arrayValue)
        let file = try #require(units[0]["image_link"]?.stringValue)
        #expect(file.hasPrefix(folder + "/") && FileManager.default.contents(atPath: file) == Data(png))
        #expect(units[1]["image_link"] == nil)
        #expect(outcome.unmoved.contains(.init(path: "alwayson_scripts.controlnet.args[1].image_link",
                                               reason: "the inline image is not base64 of a PNG, JPEG or WebP picture; left out")))
        let (form, unmoved) = KindMove.request(outcome, for: plan.target, taskID: "zqt-z")
        #expect(form.taskID == "zqt-z" && form.prompt == "a cat")
        // The kept file is a local path the send uploads (issue 17).
        #expect(LocalInputs.find(in: form).map(\.localPath) == [file])
        #expect(!unmoved.contains { $0.path == "force_task_id" }, "zqt's own id is not listed as lost: \(unmoved)")
    }

    @Test func onlyTheGenerationEndpointsMove() throws {
        #expect(KindMove.canMove(Self.catalog.controlNet))
        #expect(KindMove.canMove(try #require(Self.catalog.endpoint(id: "sdapi/v1/img2img"))))
        #expect(!KindMove.canMove(try #require(Self.catalog.endpoint(id: "sdapi/v1/extra-single-image"))))
        let flux = try Request.decode(json: #"{"prompt": "x"}"#, for: try #require(Self.catalog.endpoint(named: "flux"))).request
        #expect(throws: A1111Translation.Failure.self) { try KindMove.plan(flux, in: Self.catalog) }
    }
}
