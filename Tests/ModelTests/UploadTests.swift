// Local files as inputs (issue 17), the Model's side: the presigned URL's
// signature against AWS's published example, the digests from libcrypto,
// picture headers, the checks on a local file (each fault naming the field),
// which fields are looked at, the step that replaces paths by URLs (in
// parallel, with progress, reusing an earlier upload), the validator taking
// a path, and the `[profiles.NAME.upload]` table with its faults' places.

import Foundation
import TestScratch
import Synchronization
import Testing
@testable import Model

/// Hand-made picture headers: the smallest bytes each format's header reader takes.
enum PictureBytes {
    /// A PNG signature and IHDR chunk of `width` × `height` (the rest need not follow for the header).
    static func png(width: Int, height: Int) -> [UInt8] {
        func be32(_ n: Int) -> [UInt8] { [UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be32(13) + Array("IHDR".utf8) + be32(width) + be32(height)
            + [8, 2, 0, 0, 0] + [0, 0, 0, 0]
    }

    /// SOI, a JFIF APP0 segment, then a baseline SOF0 with the size, and EOI.
    static func jpeg(width: Int, height: Int) -> [UInt8] {
        let app0: [UInt8] = [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        let sof0: [UInt8] = [0xFF, 0xC0, 0x00, 0x11, 8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 3,
                             1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
        return [0xFF, 0xD8] + app0 + sof0 + [0xFF, 0xD9]
    }

    /// A RIFF/WEBP file whose first chunk is VP8X (extended format): 24-bit sizes less one.
    static func webp(width: Int, height: Int) -> [UInt8] {
        func le24(_ n: Int) -> [UInt8] { [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF)] }
        let chunk: [UInt8] = Array("VP8X".utf8) + [10, 0, 0, 0] + [0, 0, 0, 0] + le24(width - 1) + le24(height - 1)
        return Array("RIFF".utf8) + [UInt8(chunk.count + 4), 0, 0, 0] + Array("WEBP".utf8) + chunk
    }

    /// A lossless (VP8L) WebP: 14-bit sizes less one after the 0x2F signature.
    static func webpLossless(width: Int, height: Int) -> [UInt8] {
        let bits = (width - 1) | (height - 1) << 14
        let chunk: [UInt8] = Array("VP8L".utf8) + [5, 0, 0, 0, 0x2F, UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF),
                                                   UInt8(bits >> 24 & 0xFF), 0, 0, 0, 0, 0]
        return Array("RIFF".utf8) + [UInt8(chunk.count + 4), 0, 0, 0] + Array("WEBP".utf8) + chunk
    }

    /// A lossy (VP8) key frame: the frame tag, start code and 14-bit sizes.
    static func webpLossy(width: Int, height: Int) -> [UInt8] {
        let chunk: [UInt8] = Array("VP8 ".utf8) + [10, 0, 0, 0, 0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A,
                                                   UInt8(width & 0xFF), UInt8(width >> 8), UInt8(height & 0xFF), UInt8(height >> 8)]
        return Array("RIFF".utf8) + [UInt8(chunk.count + 4), 0, 0, 0] + Array("WEBP".utf8) + chunk
    }
}

/// An uploader that answers from memory, counting what it was given.
final class MemoryUploader: ImageUploader, @unchecked Sendable {
    let store = "memory test"
    private let lock = NSLock()
    private(set) var uploaded: [String] = []
    var failWith: UploadFailure?
    var expiresIn: Double?
    /// Each upload waits for this many others to be in flight (shows they run at once).
    var rendezvous = 0
    private let inFlight = Atomic<Int>(0)
    private let peak = Atomic<Int>(0)
    var peakInFlight: Int { peak.load(ordering: .relaxed) }

    func upload(_ image: LocalPicture) async throws(UploadFailure) -> UploadedImage {
        let now = inFlight.add(1, ordering: .relaxed).newValue
        _ = peak.max(now, ordering: .relaxed)
        // Long enough for a loaded machine to start the others; reached at once when they run together.
        let deadline = Date().addingTimeInterval(60)
        while peak.load(ordering: .relaxed) < rendezvous, Date() < deadline { try? await Task.sleep(nanoseconds: 2_000_000) }
        inFlight.subtract(1, ordering: .relaxed)
        if let failWith { throw failWith }
        lock.withLock { uploaded.append(image.path) }
        return UploadedImage(url: "https://store.example/\(image.sha256).\(image.header.format.fileExtension)",
                             expiresAt: expiresIn.map { Date().addingTimeInterval($0) })
    }

    func mayReuse(_ earlier: UploadRecord, now: Date) async -> Bool {
        earlier.store == store && (earlier.expiresAt.map { $0 > now.addingTimeInterval(60) } ?? true)
    }
}

@Suite struct UploadTests {
    // MARK: Signing

    /// The S3 docs' "GET object with presigned URL" example (SigV4 query-string signing).
    @Test func thePresignedURLMatchesAWSsPublishedExample() throws {
        let presigner = SigV4Presigner(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                       secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
        let url = try presigner.presignedGET(scheme: "https", host: "examplebucket.s3.amazonaws.com", path: "/test.txt",
                                             date: "20130524T000000Z", expires: 86400)
        #expect(url == "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        #expect(!url.contains("wJalrXUtnFEMI"), "the secret never appears in the URL")
    }

    @Test func digestsComeFromLibcrypto() throws {
        #expect(Digest.hex(try Digest.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.hex(try Digest.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // RFC 4231, test case 2.
        #expect(Digest.hex(try Digest.hmacSHA256(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func amzDatesAreUTC() {
        #expect(SigV4Presigner.amzDate(Date(timeIntervalSince1970: 1_369_353_600)) == "20130524T000000Z")
        #expect(SigV4Presigner.encode("a b/c~d", keepSlash: true) == "a%20b/c~d")
        #expect(SigV4Presigner.encode("a/b") == "a%2Fb")
    }

    // MARK: Pictures

    @Test func headersGiveFormatAndSize() {
        #expect(ImageHeader.read(PictureBytes.png(width: 640, height: 480)) == ImageHeader(format: .png, width: 640, height: 480))
        #expect(ImageHeader.read(PictureBytes.jpeg(width: 1024, height: 768)) == ImageHeader(format: .jpeg, width: 1024, height: 768))
        #expect(ImageHeader.read(PictureBytes.webp(width: 3000, height: 2000)) == ImageHeader(format: .webp, width: 3000, height: 2000))
        #expect(ImageHeader.read(PictureBytes.webpLossless(width: 16, height: 9)) == ImageHeader(format: .webp, width: 16, height: 9))
        #expect(ImageHeader.read(PictureBytes.webpLossy(width: 300, height: 200)) == ImageHeader(format: .webp, width: 300, height: 200))
        // Not pictures, or cut short: nil, never a trap.
        #expect(ImageHeader.read(Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 40)) == nil)
        #expect(ImageHeader.read([0xFF, 0xD8, 0xFF]) == nil)
        #expect(ImageHeader.read(Array(PictureBytes.jpeg(width: 5, height: 5).prefix(25))) == nil)
        #expect(ImageHeader.read(PictureBytes.jpeg(width: 0, height: 5)) == nil)
        #expect(ImageHeader.read(Array(PictureBytes.webp(width: 5, height: 5).prefix(20))) == nil)
        for length in 0..<40 {
            _ = ImageHeader.read(Array(PictureBytes.jpeg(width: 9, height: 9).prefix(length)))
            _ = ImageHeader.read(Array(PictureBytes.webpLossy(width: 9, height: 9).prefix(length)))
        }
    }

    static func folder(in scratch: Scratch) -> String {
        let folder = scratch.path("zqt-upload")
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func aLocalFileIsCheckedBeforeAnyUpload() throws {
        let scratch = Scratch()
        let folder = Self.folder(in: scratch)
        _ = FileManager.default.createFile(atPath: folder + "/face.jpg", contents: Data(PictureBytes.jpeg(width: 4, height: 3)))
        _ = FileManager.default.createFile(atPath: folder + "/notes.txt", contents: Data("hello".utf8))
        _ = FileManager.default.createFile(atPath: folder + "/empty.png", contents: Data())
        _ = FileManager.default.createFile(atPath: folder + "/big.png", contents: Data(PictureBytes.png(width: 9, height: 9) + [UInt8](repeating: 0, count: 2000)))

        let picture = try LocalPicture.load(folder + "/face.jpg")
        #expect(picture.header == ImageHeader(format: .jpeg, width: 4, height: 3))
        #expect(picture.sha256 == Digest.hex(try Digest.sha256(PictureBytes.jpeg(width: 4, height: 3))))
        func fault(_ path: String, limit: Int = LocalPicture.sizeLimit) -> String? {
            do { _ = try LocalPicture.load(path, sizeLimit: limit); return nil } catch { return error.message }
        }
        #expect(fault(folder + "/missing.png") == "no such file")
        #expect(fault(folder) == "is a folder, not a picture")
        #expect(fault("/dev/null") == "is not a regular file")
        #expect(fault(folder + "/notes.txt") == "is not a PNG, JPEG or WebP picture")
        #expect(fault(folder + "/empty.png") == "is empty")
        #expect(fault(folder + "/big.png", limit: 1024)?.contains("a picture to upload may be at most") == true)
    }

    @Test func pathsExpandTildeAndResolveRelativeOnes() {
        let environment = ["HOME": "/home/ann"]
        #expect(LocalPicture.absolutePath("~/Pictures/a.png", directory: "/work", environment: environment) == "/home/ann/Pictures/a.png")
        #expect(LocalPicture.absolutePath("~", directory: "/work", environment: environment) == "/home/ann")
        #expect(LocalPicture.absolutePath("./face.jpg", directory: "/work/req", environment: environment) == "/work/req/./face.jpg")
        #expect(LocalPicture.absolutePath("face.jpg", directory: "/work/req/", environment: environment) == "/work/req/face.jpg")
        #expect(LocalPicture.absolutePath(" /tmp/x.png ", directory: "/work", environment: environment) == "/tmp/x.png")
    }

    @Test func whatCountsAsALocalPath() {
        for path in ["./face.jpg", "./face", "../a/b.png", "~/x.webp", "/tmp/x.png", "~", " ./spaced.png "] {
            #expect(LocalInputs.localPath(path) != nil, "\(path)")
        }
        for text in ["", "  ", "https://a.example/x.png", "HTTP://a.example/x.png", "ftp://a/b", "data:image/png;base64,AAAA",
                     "mailto:me.png", "not a url", "5", "face.jpg", "photos/me.jpeg"] {
            #expect(LocalInputs.localPath(text) == nil, "\(text)")
        }
    }

    // MARK: Fields

    static func endpoint(_ id: String) throws -> Endpoint { try #require(EndpointCatalog.shipped.endpoint(id: id)) }

    /// What the history keeps: each local path absolute, URLs and other fields as they were.
    @Test func localPathsAreMadeAbsoluteForTheHistory() throws {
        var fusion = Request.new(for: try Self.endpoint("tool/face/fusion"), taskID: "t2")
        fusion["sourceUrl"] = .array([.string("https://a.example/./1.png"), .string("~/two.png"), .string("./three.png")])
        fusion["targetUrl"] = .string("../group/./g.webp")
        let absolute = LocalInputs.absolute(fusion, directory: "/work/req", environment: ["HOME": "/home/ann"])
        #expect(absolute["sourceUrl"] == .array([.string("https://a.example/./1.png"), .string("/home/ann/two.png"),
                                                 .string("/work/req/three.png")]))
        #expect(absolute["targetUrl"]?.stringValue == "/work/req/../group/g.webp", "a lexical .. could cross a symlink: kept")
        #expect(LocalInputs.absolute(absolute, directory: "/elsewhere", environment: ["HOME": "/home/bob"]) == absolute,
                "an absolute path stays as it is")
    }

    @Test func everyImageFieldIsLookedAtButNoOther() throws {
        var swap = Request.new(for: try Self.endpoint("tool/roop"), taskID: "t1")
        swap["sourceUrl"] = .string("./me.jpg")
        swap["targetUrl"] = .string("https://cdn.example/target.png")
        #expect(LocalInputs.find(in: swap).map(\.path) == ["sourceUrl"])
        #expect(LocalInputs.find(in: swap).first?.label == "Source face")

        var fusion = Request.new(for: try Self.endpoint("tool/face/fusion"), taskID: "t2")
        fusion["sourceUrl"] = .array([.string("https://a.example/1.png"), .string("~/two.png")])
        fusion["targetUrl"] = .string("/tmp/group.webp")
        #expect(LocalInputs.find(in: fusion).map(\.path) == ["sourceUrl[1]", "targetUrl"])

        var controlnet = Request.new(for: try Self.endpoint("sd/v2/controlnet"), taskID: "t3")
        controlnet["prompt"] = .string("pose.png is not an image field")
        controlnet["alwayson_scripts.image_link"] = .string("./base.png")
        controlnet["alwayson_scripts.controlnet.args"] = .array([
            .object([(key: "enabled", value: .bool(true)), (key: "image_link", value: .string("https://a.example/u1.png"))]),
            .object([(key: "enabled", value: .bool(true)), (key: "image_link", value: .string("./pose.png"))]),
        ])
        let found = LocalInputs.find(in: controlnet)
        #expect(found.map(\.path) == ["alwayson_scripts.image_link", "alwayson_scripts.controlnet.args[1].image_link"])
        #expect(found.last?.label == "Unit 2 control image")
        // A callback URL is no image field, whatever it holds.
        var flux = Request.new(for: try Self.endpoint("tool/comfyui/text2image"), taskID: "t4")
        flux["callbackUrl"] = .string("./hook.png")
        #expect(LocalInputs.find(in: flux).isEmpty)
    }

    @Test func aSendFromTheCommandLineTakesALocalPathInAnImageField() throws {
        var swap = Request.new(for: try Self.endpoint("tool/roop"), taskID: "t1")
        swap["sourceUrl"] = .string("./me.jpg")
        swap["targetUrl"] = .string("~/target.png")
        #expect(LocalInputs.problems(swap).isEmpty)
        #expect(RequestValidator.validate(swap).count == 2, "the validator alone (the service's check) says they are no URLs")
        swap["targetUrl"] = .string("ftp://host/target.png")
        #expect(LocalInputs.problems(swap).map(\.path) == ["targetUrl"])
        swap["targetUrl"] = .string("target.png")
        #expect(LocalInputs.problems(swap).map(\.message) == ["not a URL: expected http://… or https://…"])
    }

    // MARK: The step before the submit

    @Test func pathsBecomeURLsInParallelWithProgressAndTheRequestKeepsItsOwn() async throws {
        let scratch = Scratch()
        let folder = Self.folder(in: scratch)
        _ = FileManager.default.createFile(atPath: folder + "/a.png", contents: Data(PictureBytes.png(width: 2, height: 2)))
        _ = FileManager.default.createFile(atPath: folder + "/b.webp", contents: Data(PictureBytes.webp(width: 3, height: 3)))
        var fusion = Request.new(for: try Self.endpoint("tool/face/fusion"), taskID: "t2")
        fusion["sourceUrl"] = .array([.string("./a.png"), .string("https://a.example/keep.png")])
        fusion["targetUrl"] = .string(folder + "/b.webp")
        let uploader = MemoryUploader()
        uploader.rendezvous = 2
        let seen = Mutex<[UploadProgress]>([])
        let (sent, records) = try await LocalInputs.resolve(fusion, uploader: uploader, directory: folder,
                                                            progress: { progress in seen.withLock { $0.append(progress) } })
        #expect(uploader.peakInFlight == 2, "the two files went up at once")
        #expect(seen.withLock { $0 } == [UploadProgress(done: 0, total: 2), UploadProgress(done: 1, total: 2), UploadProgress(done: 2, total: 2)])
        #expect(records.map(\.field) == ["sourceUrl[0]", "targetUrl"])
        #expect(records.map(\.localPath) == ["./a.png", folder + "/b.webp"])
        #expect(records.allSatisfy { $0.uploaded && $0.store == "memory test" && $0.sha256.count == 64 })
        let sentSources = sent["sourceUrl"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(sentSources.count == 2 && sentSources[0] == records[0].url && sentSources[1] == "https://a.example/keep.png")
        #expect(sent["targetUrl"]?.stringValue == records[1].url)
        #expect(sent["targetUrl"]?.stringValue?.hasSuffix(".webp") == true)
        // The form's request is left as it was: it keeps the paths.
        #expect(fusion["targetUrl"]?.stringValue == folder + "/b.webp")
        #expect(LocalInputs.find(in: sent).isEmpty)
    }

    @Test func aRefusedFileStopsEverythingAndNamesTheField() async throws {
        let scratch = Scratch()
        let folder = Self.folder(in: scratch)
        _ = FileManager.default.createFile(atPath: folder + "/a.png", contents: Data(PictureBytes.png(width: 2, height: 2)))
        var swap = Request.new(for: try Self.endpoint("tool/roop"), taskID: "t1")
        swap["sourceUrl"] = .string("./a.png")
        swap["targetUrl"] = .string("./gone.png")
        let uploader = MemoryUploader()
        // A missing file says where it was looked for, absolute.
        await #expect(throws: UploadFailure("Target image: no such file at \(folder)/./gone.png (./gone.png)",
                                            missingFile: folder + "/./gone.png")) {
            _ = try await LocalInputs.resolve(swap, uploader: uploader, directory: folder)
        }
        #expect(uploader.uploaded.isEmpty, "no upload starts while any file is refused")
        // No uploader set: the message says how to get one.
        await #expect(performing: { _ = try await LocalInputs.resolve(swap, uploader: nil, directory: folder) },
                      throws: { ($0 as? UploadFailure)?.message.contains("[profiles.NAME.upload]") == true })
        // An upload that fails is said with the field.
        swap["targetUrl"] = .string("./a.png")
        uploader.failWith = UploadFailure("the store refused the upload: HTTP 403", network: false)
        await #expect(throws: UploadFailure("Source face: ./a.png: the store refused the upload: HTTP 403")) {
            _ = try await LocalInputs.resolve(swap, uploader: uploader, directory: folder)
        }
    }

    @Test func anUnchangedFileReusesAURLStillValid() async throws {
        let scratch = Scratch()
        let folder = Self.folder(in: scratch)
        _ = FileManager.default.createFile(atPath: folder + "/a.png", contents: Data(PictureBytes.png(width: 2, height: 2)))
        var swap = Request.new(for: try Self.endpoint("tool/roop"), taskID: "t1")
        swap["sourceUrl"] = .string("./a.png")
        swap["targetUrl"] = .string(folder + "/a.png")
        let uploader = MemoryUploader()
        uploader.expiresIn = 3600
        let (_, first) = try await LocalInputs.resolve(swap, uploader: uploader, directory: folder)
        #expect(uploader.uploaded.count == 1, "the same picture in two fields goes up once")
        #expect(first.map(\.uploaded) == [true, false])
        #expect(first[0].url == first[1].url)

        let (_, second) = try await LocalInputs.resolve(swap, uploader: uploader, directory: folder, earlier: { sha, store in
            first.filter { $0.sha256 == sha && $0.store == store }
        })
        #expect(uploader.uploaded.count == 1, "reused, not uploaded again")
        #expect(second.map(\.uploaded) == [false, false])
        #expect(second[0].url == first[0].url)

        // Changed bytes: a new upload. An expired URL: a new upload.
        _ = FileManager.default.createFile(atPath: folder + "/a.png", contents: Data(PictureBytes.png(width: 3, height: 2)))
        _ = try await LocalInputs.resolve(swap, uploader: uploader, directory: folder, earlier: { _, _ in first })
        #expect(uploader.uploaded.count == 2)
        let expired = first.map { UploadRecord(field: $0.field, localPath: $0.localPath, url: $0.url, sha256: $0.sha256, store: $0.store,
                                               expiresAt: Date().addingTimeInterval(10), uploaded: true) }
        _ = FileManager.default.createFile(atPath: folder + "/a.png", contents: Data(PictureBytes.png(width: 2, height: 2)))
        _ = try await LocalInputs.resolve(swap, uploader: uploader, directory: folder, earlier: { _, _ in expired })
        #expect(uploader.uploaded.count == 3)
    }

    @Test func presignedURLsAreReusedOnlyWhileTheyLive() async {
        let settings = UploadSettings.S3Settings(endpoint: "http://127.0.0.1:9", region: "us-east-1", bucket: "b", accessKeyID: "id",
                                                 secretAccessKey: "s", presignSeconds: 3600)
        let uploader = S3Uploader(settings: settings, secretAccessKey: "s")
        let now = Date()
        func record(expiresIn seconds: Double?, store: String? = nil) -> UploadRecord {
            UploadRecord(field: "f", localPath: "p", url: "u", sha256: "h", store: store ?? uploader.store,
                         expiresAt: seconds.map { now.addingTimeInterval($0) }, uploaded: true)
        }
        #expect(await uploader.mayReuse(record(expiresIn: 3000), now: now))
        #expect(!(await uploader.mayReuse(record(expiresIn: 300), now: now)), "too close to its end: the service may fetch it later")
        #expect(!(await uploader.mayReuse(record(expiresIn: 3000, store: "s3 elsewhere"), now: now)))
        #expect(!(await uploader.mayReuse(record(expiresIn: nil), now: now)), "a presigning store never sent a URL without an end")
        var publicSettings = settings
        publicSettings.publicBaseURL = "https://cdn.example"
        let publicUploader = S3Uploader(settings: publicSettings, secretAccessKey: "s")
        #expect(await publicUploader.mayReuse(record(expiresIn: nil, store: publicUploader.store), now: now))
        #expect(!uploader.store.contains("s"+"ecret") && !uploader.store.contains(" s "))
    }

    @Test func objectURLsArePathStyleOrVirtualHosted() {
        var settings = UploadSettings.S3Settings(endpoint: "https://s3.us-east-1.amazonaws.com", region: "us-east-1", bucket: "pics",
                                                 prefix: "zqt/", accessKeyID: "id", secretAccessKey: "s")
        #expect(S3Uploader(settings: settings, secretAccessKey: "s").objectURL(key: "zqt/ab.png")?.url
                == "https://pics.s3.us-east-1.amazonaws.com/zqt/ab.png")
        settings.pathStyle = true
        settings.endpoint = "http://127.0.0.1:9000/"
        #expect(S3Uploader(settings: settings, secretAccessKey: "s").objectURL(key: "zqt/ab.png")?.url == "http://127.0.0.1:9000/pics/zqt/ab.png")
    }

    // MARK: The config table

    static let s3Profile = """
        [profiles.work]
        base_url = "https://api.zhiqite.com"
        access_key_id = "AKID-work"
        key_secret_command = "printf 'k\\\\n'"

        [profiles.work.upload]
        kind = "s3"
        endpoint = "https://oss-cn-hangzhou.aliyuncs.com"
        region = "oss-cn-hangzhou"
        bucket = "my-pictures"
        prefix = "zqt/"
        access_key_id = "LTAI-store"
        secret_command = "pass show oss"
        presign_seconds = 900
        """

    @Test func theUploadTableIsRead() throws {
        let config = try ConfigFileTests.config(Self.s3Profile)
        guard case let .s3(settings)? = config.profile(named: "work")?.upload else {
            Issue.record("an s3 upload table")
            return
        }
        #expect(settings == UploadSettings.S3Settings(endpoint: "https://oss-cn-hangzhou.aliyuncs.com", region: "oss-cn-hangzhou",
                                                      bucket: "my-pictures", prefix: "zqt/", accessKeyID: "LTAI-store",
                                                      secretCommand: "pass show oss", presignSeconds: 900))
        let command = try ConfigFileTests.config("""
            [profiles.home.upload]
            kind = "command"
            command = "rclone copyto \\"$ZQT_FILE\\" r2:pics/x && echo https://pics.example/x"
            timeout_seconds = 60
            valid_seconds = 86400
            """)
        #expect(command.profile(named: "home")?.upload == .command(UploadSettings.CommandSettings(
            command: "rclone copyto \"$ZQT_FILE\" r2:pics/x && echo https://pics.example/x", timeoutSeconds: 60, validSeconds: 86400)))
        // The profile's upload reaches the connection.
        let resolved = try ClientConfiguration.resolve(baseURLFlag: nil, profileFlag: "home", environment: [:], config: command)
        #expect(resolved.upload == command.profile(named: "home")?.upload)
    }

    @Test func uploadTableFaultsSayWhere() throws {
        func problem(_ body: String) -> ConfigProblem? {
            ConfigFileTests.problem("[profiles.p]\nbase_url = \"https://a.example\"\n\n[profiles.p.upload]\n" + body)
        }
        let noKind = try #require(problem("bucket = \"b\"\n"))
        #expect(noKind.line == 4 && noKind.message.contains("kind = \"s3\""))
        let badKind = try #require(problem("kind = \"ftp\"\n"))
        #expect(badKind.line == 5 && badKind.column == 1 && badKind.message.contains("kind must be \"s3\" or \"command\""))
        let unknown = try #require(problem("kind = \"s3\"\nendpoint = \"https://s3.example\"\nregion = \"r\"\nbucket = \"b\"\naccess_key_id = \"i\"\nsecret_access_key = \"s\"\nbukket = \"x\"\n"))
        #expect(unknown.line == 11 && unknown.message.contains("unknown setting \"bukket\""))
        let missing = try #require(problem("kind = \"s3\"\nendpoint = \"https://s3.example\"\nregion = \"r\"\naccess_key_id = \"i\"\nsecret_access_key = \"s\"\n"))
        #expect(missing.message.contains("needs bucket"))
        let badEndpoint = try #require(problem("kind = \"s3\"\nendpoint = \"s3.example\"\nregion = \"r\"\nbucket = \"b\"\naccess_key_id = \"i\"\nsecret_access_key = \"s\"\n"))
        #expect(badEndpoint.line == 6 && badEndpoint.message.contains("endpoint must be an http(s) URL"))
        let both = try #require(problem("kind = \"s3\"\nendpoint = \"https://s3.example\"\nregion = \"r\"\nbucket = \"b\"\naccess_key_id = \"i\"\nsecret_access_key = \"s\"\nsecret_command = \"c\"\n"))
        #expect(both.line == 11 && both.message.contains("keep one"))
        let noSecret = try #require(problem("kind = \"s3\"\nendpoint = \"https://s3.example\"\nregion = \"r\"\nbucket = \"b\"\naccess_key_id = \"i\"\n"))
        #expect(noSecret.message.contains("needs secret_command"))
        let pathStyle = try #require(problem("kind = \"s3\"\nendpoint = \"https://s3.example\"\nregion = \"r\"\nbucket = \"b\"\naccess_key_id = \"i\"\nsecret_access_key = \"s\"\npath_style = \"yes\"\n"))
        #expect(pathStyle.line == 11 && pathStyle.message.contains("path_style must be true or false"))
        let presign = try #require(problem("kind = \"s3\"\nendpoint = \"https://s3.example\"\nregion = \"r\"\nbucket = \"b\"\naccess_key_id = \"i\"\nsecret_access_key = \"s\"\npresign_seconds = 9999999\n"))
        #expect(presign.line == 11 && presign.message.contains("presign_seconds must be a whole number of seconds from 1 to 604800"))
        let commandless = try #require(problem("kind = \"command\"\n"))
        #expect(commandless.message.contains("needs command"))
        let notATable = try #require(ConfigFileTests.problem("[profiles.p]\nupload = \"s3\"\n"))
        #expect(notATable.line == 2 && notATable.message.contains("must be a table"))
    }

    @Test func anInlineStoreSecretInAReadableFileIsWarned() throws {
        let scratch = Scratch()
        let file = ConfigFileTests.write("""
            [profiles.p.upload]
            kind = "s3"
            endpoint = "https://s3.example"
            region = "r"
            bucket = "b"
            access_key_id = "i"
            secret_access_key = "store-secret"
            """, mode: 0o644, in: scratch)
        guard case let .loaded(config) = ConfigFile.load(path: file) else {
            Issue.record("the file must load")
            return
        }
        let warning = try #require(ConfigFile.permissionWarning(config))
        #expect(warning.contains("secret_access_key") && warning.contains("chmod 600"))
        #expect(!warning.contains("store-secret"))
    }
}
