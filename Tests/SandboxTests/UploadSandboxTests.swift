// Local files as inputs against the sandbox (issue 17): the sandbox's own
// upload store; the send pipeline uploading a request's local files before
// the submit, the service receiving URLs while the history row keeps the
// paths (made absolute at send), a resend reusing the upload, a resend from
// another folder finding the file, a failed upload sending nothing and
// keeping the row, a missing file named where it was looked for; and the `command` uploader (the file in $ZQT_FILE, its
// last line the URL, bounded, its stderr said when it fails).

import Foundation
import TestScratch
import Model
import Sandbox
import Testing

@Suite struct UploadSandboxTests {
    static func folder(in scratch: Scratch) -> String {
        let folder = scratch.path("zqt-upload-sandbox")
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    static func picture(_ folder: String, _ name: String, width: Int = 64, height: Int = 48, seed: Int = 1) -> [UInt8] {
        let bytes = PNGImage.render(width: width, height: height, seed: seed)
        _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data(bytes))
        return bytes
    }

    static func get(_ url: String) async throws -> HTTPClientResponse {
        var client = HTTPClient(timeout: 30)
        client.maxBodyBytes = 32 << 20
        return try await client.send("GET", url)
    }

    @Test func theSandboxTakesUploadsAndServesThemBack() async throws {
        let scratch = Scratch()
        let fixture = try SandboxFixture()
        let folder = Self.folder(in: scratch)
        let bytes = Self.picture(folder, "face.png")
        let uploader = SandboxUploader(baseURL: fixture.configuration.baseURL)
        let uploaded = try await uploader.upload(try LocalPicture.load(folder + "/face.png"))
        #expect(uploaded.url.hasPrefix(fixture.configuration.baseURL + "/sandbox/uploads/"))
        #expect(uploaded.expiresAt == nil)
        let served = try await Self.get(uploaded.url)
        #expect(served.status == 200 && served.body == bytes)
        #expect(served.head.header("content-type") == "image/png")

        // Not a picture, or a name that is not one: refused.
        let client = HTTPClient(timeout: 30)
        let text = try await client.send("PUT", fixture.configuration.baseURL + "/sandbox/uploads/x.png", body: Array("hello".utf8))
        #expect(text.status == 400)
        let posted = try await client.send("POST", fixture.configuration.baseURL + "/sandbox/uploads", body: bytes)
        #expect(posted.status == 201 && String(decoding: posted.body, as: UTF8.self).contains("/sandbox/uploads/upload-1.png"))
        #expect(try await Self.get(fixture.configuration.baseURL + "/sandbox/uploads/nothing.png").status == 404)
        // A reuse asks the sandbox whether it still has it.
        let record = UploadRecord(field: "f", localPath: "p", url: uploaded.url, sha256: "h", store: uploader.store, expiresAt: nil, uploaded: true)
        #expect(await uploader.mayReuse(record, now: Date()))
        let gone = UploadRecord(field: "f", localPath: "p", url: fixture.configuration.baseURL + "/sandbox/uploads/gone.png", sha256: "h",
                                store: uploader.store, expiresAt: nil, uploaded: true)
        #expect(!(await uploader.mayReuse(gone, now: Date())))
    }

    @Test func theServiceNeverReceivesALocalPath() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.newRequest("tool/roop") {
            $0["sourceUrl"] = .string("./me.png")
            $0["targetUrl"] = .string("https://cdn.example/t.png")
        }
        let error = await fixture.submitError(request)
        #expect(error == .api(code: "400", message: "invalid parameter sourceUrl: not a URL: expected http://… or https://…"))
    }

    @Test func faceSwapWithTwoLocalPhotosSendsTheirURLsAndTheRowKeepsThePaths() async throws {
        let scratch = Scratch()
        let fixture = try SandboxFixture()
        let folder = Self.folder(in: scratch)
        let face = Self.picture(folder, "face.png", seed: 1)
        let target = Self.picture(folder, "target.png", width: 96, height: 64, seed: 2)
        let store = try HistoryStore.open(inFolder: folder + "/home")
        var pipeline = SendPipeline(api: fixture.api, store: store, baseURL: fixture.configuration.baseURL, profile: "sandbox") { _ in }
        let progress = ProgressLog()
        pipeline.localInputs = LocalInputs.Step(source: .forConnection(fixture.configuration, sandbox: true), directory: folder,
                                                onProgress: { progress.add($0) })
        let request = try SandboxFixture.newRequest("tool/roop") {
            $0["sourceUrl"] = .string("./face.png")
            $0["targetUrl"] = .string(folder + "/target.png")
        }
        let sent = await pipeline.send(request)
        guard case .success = sent.outcome.result else {
            Issue.record("the send must be accepted: \(sent.outcome.result)")
            return
        }
        #expect(progress.all == [UploadProgress(done: 0, total: 2), UploadProgress(done: 1, total: 2), UploadProgress(done: 2, total: 2)])

        // What reached the service: the sandbox's upload URLs, which serve the photos.
        let received = try #require(fixture.service.receivedSubmissions.last)
        let body = try JSONParser.parse(received.body)
        let source = try #require(body["sourceUrl"]?.stringValue)
        let targetURL = try #require(body["targetUrl"]?.stringValue)
        #expect(source.hasPrefix(fixture.configuration.baseURL + "/sandbox/uploads/"))
        #expect(try await Self.get(source).body == face)
        #expect(try await Self.get(targetURL).body == target)

        // The sandbox reads its own uploads as inputs: the swap comes out the target photo's size.
        var info = try await fixture.api.queryTask(SandboxFixture.reference(request))
        for _ in 0..<100 where !info.phase.isTerminal {
            try await Task.sleep(nanoseconds: 50_000_000)
            info = try await fixture.api.queryTask(SandboxFixture.reference(request))
        }
        #expect(info.phase == .succeeded)
        let result = try await Self.get(try #require(info.results.first?.imageURL))
        #expect(PNGInfo.dimensions(of: result.body).map { [$0.width, $0.height] } == [96, 64])

        // The row: the request with its paths made absolute, and each path's URL and hash.
        let recordID = try #require(sent.recordID)
        let row = try #require(try store.record(id: recordID))
        #expect(row.request["sourceUrl"]?.stringValue == folder + "/face.png")
        let uploads = try store.uploads(id: recordID)
        #expect(uploads.map(\.field) == ["sourceUrl", "targetUrl"])
        #expect(uploads.map(\.localPath) == [folder + "/face.png", folder + "/target.png"])
        #expect(uploads.map(\.url) == [source, targetURL])
        #expect(uploads[0].sha256 == Digest.hex(try Digest.sha256(face)))
        #expect(uploads.allSatisfy { $0.uploaded })

        // Sent again, unchanged: the same URLs, nothing uploaded.
        var again = request
        again.taskID = TaskIDGenerator.shared.next()
        let resent = await pipeline.send(again)
        let resentUploads = try store.uploads(id: try #require(resent.recordID))
        #expect(resentUploads.map(\.url) == [source, targetURL])
        #expect(resentUploads.allSatisfy { !$0.uploaded })
        #expect(progress.all.count == 3, "no upload, no progress")
    }

    @Test func aFailedUploadSendsNothingAndKeepsTheRowToSendAgain() async throws {
        let scratch = Scratch()
        let fixture = try SandboxFixture()
        let folder = Self.folder(in: scratch)
        _ = Self.picture(folder, "face.png")
        _ = FileManager.default.createFile(atPath: folder + "/target.png", contents: Data("not a picture".utf8))
        let store = try HistoryStore.open(inFolder: folder + "/home")
        var pipeline = SendPipeline(api: fixture.api, store: store, baseURL: fixture.configuration.baseURL, profile: "sandbox") { _ in }
        pipeline.localInputs = LocalInputs.Step(source: .forConnection(fixture.configuration, sandbox: true), directory: folder)
        let request = try SandboxFixture.newRequest("tool/roop") {
            $0["sourceUrl"] = .string("./face.png")
            $0["targetUrl"] = .string("./target.png")
        }
        let sent = await pipeline.send(request)
        #expect(sent.outcome.result == .failure(.upload(UploadFailure("Target image: \(folder)/target.png: is not a PNG, JPEG or WebP picture"))))
        #expect(fixture.service.receivedSubmissions.isEmpty, "nothing reached the service")
        let failedID = try #require(sent.recordID)
        let row = try #require(try store.record(id: failedID))
        #expect(row.state == .sendFailed)
        #expect(row.error == "Target image: \(folder)/target.png: is not a PNG, JPEG or WebP picture (nothing was sent)")
        #expect(row.request["targetUrl"]?.stringValue == folder + "/target.png", "the row keeps what was asked, to send again")

        // Fixed, and sent again from the row: it goes.
        _ = Self.picture(folder, "target.png", seed: 3)
        var again = row.request
        again.taskID = TaskIDGenerator.shared.next()
        let resent = await pipeline.send(again)
        guard case .success = resent.outcome.result else {
            Issue.record("the resend must be accepted: \(resent.outcome.result)")
            return
        }
        #expect(fixture.service.receivedSubmissions.count == 1)
    }

    /// The newcomer's case: a request file with "./face.png" sent from one
    /// folder, its history row sent again by a zqt whose current directory is
    /// another. The row holds the absolute path, so the file is found.
    @Test func aRowWithARelativePathIsSentAgainFromAnotherFolder() async throws {
        let scratch = Scratch()
        let fixture = try SandboxFixture()
        let photos = Self.folder(in: scratch)
        let elsewhere = Self.folder(in: scratch)
        defer {
            try? FileManager.default.removeItem(atPath: photos)
            try? FileManager.default.removeItem(atPath: elsewhere)
        }
        let face = Self.picture(photos, "face.png", seed: 5)
        let store = try HistoryStore.open(inFolder: elsewhere + "/home")
        func pipeline(in directory: String) -> SendPipeline {
            var pipeline = SendPipeline(api: fixture.api, store: store, baseURL: fixture.configuration.baseURL, profile: "sandbox") { _ in }
            pipeline.localInputs = LocalInputs.Step(source: .forConnection(fixture.configuration, sandbox: true), directory: directory)
            return pipeline
        }
        let request = try SandboxFixture.newRequest("tool/interrogate") { $0["image"] = .string("./face.png") }
        let first = await pipeline(in: photos).send(request)
        guard case .success = first.outcome.result else {
            Issue.record("the first send must be accepted: \(first.outcome.result)")
            return
        }
        let firstID = try #require(first.recordID)
        let row = try #require(try store.record(id: firstID))
        #expect(row.request["image"]?.stringValue == photos + "/face.png", "the row names the file, not the folder it was sent from")
        #expect(try store.uploads(id: row.id).map(\.localPath) == [photos + "/face.png"])

        // The history's resend, from another folder: the file is found, the send goes.
        var again = row.request
        again.taskID = TaskIDGenerator.shared.next()
        let resent = await pipeline(in: elsewhere).send(again)
        guard case .success = resent.outcome.result else {
            Issue.record("the resend from another folder must be accepted: \(resent.outcome.result)")
            return
        }
        #expect(fixture.service.receivedSubmissions.count == 2)
        let received = try #require(fixture.service.receivedSubmissions.last)
        let image = try #require(try JSONParser.parse(received.body)["image"]?.stringValue)
        #expect(try await Self.get(image).body == face)
        let resentID = try #require(resent.recordID)
        let resentRow = try #require(try store.record(id: resentID))
        #expect(resentRow.request["image"]?.stringValue == photos + "/face.png")

        // The file gone: the failure says so, and where it was looked for; nothing is sent.
        try FileManager.default.removeItem(atPath: photos + "/face.png")
        again.taskID = TaskIDGenerator.shared.next()
        let missing = await pipeline(in: elsewhere).send(again)
        #expect(missing.outcome.result == .failure(.upload(UploadFailure("Image: no such file at \(photos)/face.png",
                                                                         missingFile: photos + "/face.png"))))
        #expect(fixture.service.receivedSubmissions.count == 2)
    }

    @Test func withoutUploadSettingsALocalPathIsRefusedWithHowToSetOneUp() async throws {
        let scratch = Scratch()
        let fixture = try SandboxFixture()
        let folder = Self.folder(in: scratch)
        _ = Self.picture(folder, "face.png")
        let pipeline = SendPipeline(api: fixture.api, store: nil, baseURL: fixture.configuration.baseURL, profile: "work") { _ in }
        let request = try SandboxFixture.newRequest("tool/interrogate") { $0["image"] = .string(folder + "/face.png") }
        let sent = await pipeline.send(request)
        guard case let .failure(error) = sent.outcome.result else {
            Issue.record("a local path without an uploader must not be sent")
            return
        }
        #expect(error.message.contains("this profile has no upload settings"))
        #expect(error.message.contains("[profiles.NAME.upload]"))
        #expect(fixture.service.receivedSubmissions.isEmpty)
    }

    // MARK: kind = "command"

    @Test func aCommandUploadsTheFileNamedInZQTFILE() async throws {
        let scratch = Scratch()
        let fixture = try SandboxFixture()
        let folder = Self.folder(in: scratch)
        // A name that would run a command if it were spliced into the shell text.
        let name = "$(touch pwned) ; 'x.png"
        let bytes = Self.picture(folder, name)
        let command = """
            cd "\(folder)" && curl -s -f -T "$ZQT_FILE" \(fixture.configuration.baseURL)/sandbox/uploads/by-command.png >/dev/null \
            && echo "uploading $(basename "$ZQT_FILE")" && echo \(fixture.configuration.baseURL)/sandbox/uploads/by-command.png
            """
        let uploader = CommandUploader(settings: UploadSettings.CommandSettings(command: command, timeoutSeconds: 20))
        let uploaded = try await uploader.upload(try LocalPicture.load(folder + "/" + name))
        #expect(uploaded.url == fixture.configuration.baseURL + "/sandbox/uploads/by-command.png")
        #expect(try await Self.get(uploaded.url).body == bytes)
        #expect(!FileManager.default.fileExists(atPath: folder + "/pwned"), "the file's name was never run")
        #expect(!uploader.store.contains("curl"), "the history names the command by its hash, not its text")
    }

    @Test func aFailingCommandIsSaidWithItsStderr() async throws {
        let scratch = Scratch()
        let folder = Self.folder(in: scratch)
        _ = Self.picture(folder, "a.png")
        let picture = try LocalPicture.load(folder + "/a.png")
        func failure(_ command: String, timeout: Double = 20) async -> String? {
            do {
                _ = try await CommandUploader(settings: UploadSettings.CommandSettings(command: command, timeoutSeconds: timeout)).upload(picture)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(await failure("echo 'bucket not found' >&2; exit 3") == "the upload command failed (exit 3): bucket not found")
        #expect(await failure("echo done") == "the upload command's last line is not an http(s) URL: done")
        #expect(await failure("true") == "the upload command printed no URL (its last line of output is the URL)")
        #expect(await failure("printf 'https://ok.example/a.png\\n\\033[31m' >&2; exec sleep 30", timeout: 1)?
                    .hasPrefix("the upload command did not finish within 1 s and was stopped") == true)
        #expect(await failure("yes https://x.example/a.png") == "the upload command wrote more than 256 KiB and was stopped")
        #expect(await failure("echo 'a\u{1B}[2Jb' >&2; exit 1") == "the upload command failed (exit 1): a\\u{1b}[2Jb", "no control sequence printed raw")
    }
}

final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [UploadProgress] = []
    func add(_ event: UploadProgress) { lock.withLock { events.append(event) } }
    var all: [UploadProgress] { lock.withLock { events } }
}
