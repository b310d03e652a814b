import Foundation
import TestScratch
import Images
import Model
@testable import ZqtTUI
import Testing

/// Issue 23: what a service that misbehaves on purpose could still do (fill
/// the disk, forge zqt's lines, read what others can read), each against a
/// hostile stand-in server (HostileStandIn), as a user sees it.
@Suite(.serialized) struct HostileServiceLimitsTests {
    static let keys = ["ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"]

    /// A data folder that does not exist yet, inside a fresh temporary folder.
    static func freshHome(in scratch: Scratch) throws -> String {
        let parent = scratch.path("zqt-home")
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        return parent + "/data"
    }

    static func mode(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_mode & 0o777) : -1
    }

    /// A JPEG header saying 32×16, and a WebP (VP8X) one saying 64×48: enough for a header, not for a decoder.
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x20, 0x03,
                                0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9]
    static let webp: [UInt8] = Array("RIFF".utf8) + [22, 0, 0, 0] + Array("WEBPVP8X".utf8) + [10, 0, 0, 0, 0, 0, 0, 0]
        + [63, 0, 0] + [47, 0, 0]

    /// An SD task's answer, to the submit and to every query: succeeded, with these images.
    static func sdAnswer(taskID: String = "svc-1", desc: String = "Success", images: [String]) -> String {
        let list = images.enumerated().map { #"{"image_url": \#(HostileStandIn.json($0.element)), "seed": \#($0.offset + 1)}"# }
        return #"{"code": "200", "msg": "ok", "data": {"task_id": \#(HostileStandIn.json(taskID)), "status": 2, "desc": \#(HostileStandIn.json(desc)), "differentialImageRspList": [\#(list.joined(separator: ", "))]}}"#
    }

    static func send(_ example: String, endpoint: String, server: HostileStandIn, home: String,
                     environment: [String: String] = [:], extra: [String] = []) throws -> ChildProcess.Output {
        try ZqtBinary.run(["send", "examples/\(example)".absolutePathInPackage, "--endpoint", endpoint, "--base-url", server.url] + extra,
                          environment: keys.merging(["ZQT_HOME": home, "XDG_CONFIG_HOME": home + "-config"]) { _, new in new }
                              .merging(environment) { _, new in new },
                          timeout: 120)
    }

    // MARK: 2. Forged lines, 5. a JPEG is no "not a PNG", U+202E

    @Test func theServicesFieldsCannotForgeZqtsLines() async throws {
        let scratch = Scratch()
        try await offThePool {
            let forged = "x\nstatus 2 Success\nimage 1/1: seed 1 http://h/1.png → 1×1 PNG, 1 KB, kept in /tmp/k.png, saved to /home/me/ok.png"
            let marks = "e" + String(repeating: "\u{301}", count: 30)
            let server = try HostileStandIn(body: "")
            try server.serve(Self.jpeg, as: "a.jpg")
            try server.serve(Self.webp, as: "b.webp")
            try Self.sdAnswer(taskID: forged, desc: "Succe\u{202E}edss\r\nstatus 2 done " + marks,
                              images: [server.url + "/file/a.jpg", server.url + "/file/b.webp"])
                .write(toFile: server.folder + "/body.json", atomically: true, encoding: .utf8)
            let home = try Self.freshHome(in: scratch)
            let result = try Self.send("text2image.json", endpoint: "text2image", server: server, home: home)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            // Every line is one of zqt's own; none the service wrote.
            #expect(!lines.contains { $0.hasPrefix("image 1/1: seed 1 http://h/") || $0.hasPrefix("status 2 Success") }, "\(result.stdout)")
            #expect(result.stdout.contains("accepted: task_id x␤status 2 Success␤image 1/1: seed 1 http://h/1.png"), "\(result.stdout)")
            #expect(result.stdout.contains("Succe⟨U+202E⟩edss␍␤status 2 done"), "\(result.stdout)")
            #expect(!result.stdout.unicodeScalars.contains("\u{202E}") && !result.stdout.contains("\r"))
            // Combining marks: four kept on the e, the rest said as ⟨…⟩.
            #expect(result.stdout.contains("e" + String(repeating: "\u{301}", count: 4) + "⟨…⟩"), "\(result.stdout)")
            #expect(!result.stdout.contains(String(repeating: "\u{301}", count: 5)))
            // Item 5: a JPEG and a WebP are said as what they are.
            #expect(result.stdout.contains("→ 32×16 JPEG, 0 KB, kept in "), "\(result.stdout)")
            #expect(result.stdout.contains("→ 64×48 WebP, 0 KB, kept in "), "\(result.stdout)")
            #expect(!result.stdout.contains("not a PNG"))

            // Item 3: the data folder zqt made is the user's alone.
            #expect(Self.mode(home) == 0o700)
            #expect(Self.mode(home + "/history.sqlite") == 0o600)
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: home + "/history.sqlite" + suffix) {
                #expect(Self.mode(home + "/history.sqlite" + suffix) == 0o600, "\(suffix)")
            }
            #expect(Self.mode(home + "/images") == 0o700)
            let folders = try FileManager.default.contentsOfDirectory(atPath: home + "/images")
            #expect(folders.count == 1)
            for folder in folders {
                #expect(Self.mode(home + "/images/" + folder) == 0o700)
                let files = try FileManager.default.contentsOfDirectory(atPath: home + "/images/" + folder)
                #expect(files.sorted() == ["1.jpg", "2.webp"], "\(files)")
                for file in files { #expect(Self.mode(home + "/images/\(folder)/\(file)") == 0o600, "\(file)") }
            }
        }
    }

    @Test func aMessageWithAReversingCharacterDoesNotTurnItsLineAround() async throws {
        let scratch = Scratch()
        try await offThePool {
            let server = try HostileStandIn(body: #"{"code": "500", "msg": "refused \u202Eevil.exe"}"#)
            let result = try Self.send("text2image.json", endpoint: "text2image", server: server, home: try Self.freshHome(in: scratch))
            #expect(result.status == 1)
            #expect(result.stderr.contains("API error 500: refused ⟨U+202E⟩evil.exe"), "\(result.stderr)")
            #expect(!result.stderr.unicodeScalars.contains("\u{202E}"))
        }
    }

    // MARK: 4. Text after a NUL; 2. a caption's lines marked

    @Test func aCaptionIsKeptWholeAndPrintedAlikeBySendAndHistory() async throws {
        let scratch = Scratch()
        try await offThePool {
            let caption = "line2\r\u{8}\u{8}\u{7F}more\u{0}nul\nimage 1/1: seed 1 x → 1×1 PNG, kept in /tmp/k.png, saved to /home/me/ok.png"
            let server = try HostileStandIn(body: #"{"code": "200", "msg": "ok", "data": {"taskId": "9", "status": 1, "caption": \#(HostileStandIn.json(caption))}}"#)
            let home = try Self.freshHome(in: scratch)
            let sent = try Self.send("describe.json", endpoint: "tool/interrogate", server: server, home: home)
            #expect(sent.status == 0, "\(sent.stdout)\n\(sent.stderr)")
            let printed = ["text 1/1:", "  │ line2␍morenul", "  │ image 1/1: seed 1 x → 1×1 PNG, kept in /tmp/k.png, saved to /home/me/ok.png"]
            #expect(sent.stdout.contains(printed.joined(separator: "\n") + "\n"), "\(sent.stdout)")
            // The history keeps the service's text whole, after its NUL too.
            let store = try HistoryStore.open(inFolder: home)
            let row = try #require(try store.list(limit: 1).first)
            let record = try #require(try store.record(id: row.id))
            #expect(record.results.first?.text == caption)
            // And `zqt history show` prints what `zqt send` printed.
            let shown = try ZqtBinary.run(["history", "show", row.idTask], environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": home + "-config"])
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(shown.stdout.contains((["text 1:"] + printed.dropFirst()).joined(separator: "\n") + "\n"), "\(shown.stdout)")
        }
    }

    // MARK: 1. What one task may bring

    @Test func aTaskOfManyImagesBringsItsBoundAndTheRestOnRequest() async throws {
        let scratch = Scratch()
        try await offThePool {
            let server = try HostileStandIn(body: "")
            let count = ImageBounds.standard.imagesPerTask + 8
            try Self.sdAnswer(images: (1...count).map { server.url + "/big/20000/\($0).png" })
                .write(toFile: server.folder + "/body.json", atomically: true, encoding: .utf8)
            let home = try Self.freshHome(in: scratch)
            let result = try Self.send("text2image.json", endpoint: "text2image", server: server, home: home)
            #expect(result.status == 0, "the task succeeded: \(result.stderr)")
            let kept = result.stdout.split(separator: "\n").filter { $0.contains(", kept in ") }
            let notFetched = result.stdout.split(separator: "\n").filter { $0.contains("not fetched: one task brings at most 32 images") }
            #expect(kept.count == 32 && notFetched.count == 8, "\(result.stdout)")
            #expect(notFetched.first?.hasPrefix("image 33/40: ") == true)
            #expect(notFetched.first?.contains("fetched on request: zqt results ") == true)
            #expect(server.gets.count == 32, "nothing beyond the bound was asked for")
            let store = try HistoryStore.open(inFolder: home)
            let row = try #require(try store.list(limit: 1).first)
            // Not tried again by itself: the row notes no failure to keep them.
            let record = try #require(try store.record(id: row.id))
            #expect(record.imageResults.filter { $0.keepError != nil }.isEmpty)

            // On request, the rest.
            let rest = try ZqtBinary.run(["results", row.idTask, "--all", "--base-url", server.url],
                                         environment: Self.keys.merging(["ZQT_HOME": home, "XDG_CONFIG_HOME": home + "-config"]) { _, new in new },
                                         timeout: 120)
            #expect(rest.status == 0, "\(rest.stderr)")
            #expect(rest.stdout.split(separator: "\n").filter { $0.contains(", kept in ") }.count == 40, "\(rest.stdout)")
            #expect(server.gets.count == 40, "the 8 left, once each")
        }
    }

    @Test func aTasksBytesAndAnImagesBytesAreBounded() async throws {
        let scratch = Scratch()
        do {
            let server = try HostileStandIn(body: "")
            let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: server.url, credentials: Credentials(accessKeyID: "k", accessKeySecret: "s"), timeout: 10))
            let home = try Self.freshHome(in: scratch)
            let bounds = ImageBounds(imagesPerTask: 10, bytesPerTask: 1_000_000, bytesPerImage: 400_000)
            var messages: [String] = []
            for position in 0..<5 {
                let size = position == 0 ? 500_000 : 300_000
                let source = ResultImageSource(position: position, url: server.url + "/big/\(size)/\(position).png")
                do throws(SendFailure) {
                    _ = try await ResultImageFiles.keepCopy(source, idTask: "bounded", home: home, api: api, bounds: bounds)
                    messages.append("kept")
                } catch {
                    #expect(error.notFetched)
                    messages.append(error.message)
                }
            }
            #expect(messages == [
                "image 1 not fetched: larger than the 400000 bytes one image may be",
                "kept", "kept", "kept",
                "image 5 not fetched: larger than the 100000 bytes left of the 1000000 bytes one task may bring (fetched on request: zqt results bounded --all, or \"fetch the rest\" on the screen)",
            ], "\(messages)")
            let folder = ResultImageFiles.folder(home: home, idTask: "bounded")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["2.png", "3.png", "4.png"])
        }
    }

    @Test func keptPicturesKeepToTheirDiskBudgetDeletedRowsFirst() throws {
        let scratch = Scratch()
        let home = try Self.freshHome(in: scratch)
        let saved = home + "-saved"
        try FileManager.default.createDirectory(atPath: saved, withIntermediateDirectories: true)
        try Data(count: 400_000).write(to: URL(fileURLWithPath: saved + "/mine.png"))
        // Four tasks' folders of 400 KB each: "gone" (a deleted row, the newest), "old", "newer", "current".
        let ages: [(String, Double)] = [("gone", 10), ("old", 1000), ("newer", 500), ("current", 2000)]
        for (name, age) in ages {
            let folder = home + "/images/" + name
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(count: 400_000).write(to: URL(fileURLWithPath: folder + "/1.png"))
            let when = Date().addingTimeInterval(-age)
            for path in [folder + "/1.png", folder] {
                try FileManager.default.setAttributes([.modificationDate: when], ofItemAtPath: path)
            }
        }
        let budget = KeptPicturesBudget(maxBytes: 900_000, liveFolders: { ["old", "newer", "current"] })
        let removed = ResultImageFiles.pruneToBudget(home: home, budget: budget, sparing: home + "/images/current")
        #expect(removed == [home + "/images/gone", home + "/images/old"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: home + "/images").sorted() == ["current", "newer"])
        #expect(FileManager.default.fileExists(atPath: saved + "/mine.png"), "a picture the user saved is never touched")
        #expect(ResultImageFiles.pruneToBudget(home: home, budget: budget).isEmpty, "within the budget: nothing goes")
    }

    /// Issue 18: the budget is kept by a running total, the images tree listed
    /// at the first download and when over the budget, not after every download.
    @Test func theDiskBudgetIsKeptByARunningTotalNotAListingPerDownload() async throws {
        let scratch = Scratch()
        let server = try HostileStandIn(body: "")
        let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: server.url, credentials: Credentials(accessKeyID: "k", accessKeySecret: "s"), timeout: 10))
        let home = try Self.freshHome(in: scratch)
        func onDisk() throws -> Int {
            var total = 0
            for folder in try FileManager.default.contentsOfDirectory(atPath: home + "/images") {
                for file in try FileManager.default.contentsOfDirectory(atPath: home + "/images/" + folder) {
                    total += LocalFile.regularFileSize(home + "/images/" + folder + "/" + file) ?? 0
                }
            }
            return total
        }
        func keep(_ task: Int, budget: Int) async throws {
            let source = ResultImageSource(position: 0, url: server.url + "/big/300000/\(task).png")
            _ = try await ResultImageFiles.keepCopy(source, idTask: "task-\(task)", home: home, api: api,
                                                    budget: KeptPicturesBudget(maxBytes: budget))
        }
        for task in 0..<6 { try await keep(task, budget: 10_000_000) }
        #expect(KeptPicturesTally.listings(home: home) == 1, "listed at the first download only")
        #expect(try KeptPicturesTally.bytes(home: home) == onDisk() && onDisk() == 1_800_000)
        // Over the budget: listed again and pruned to it, the task being kept spared.
        try await keep(6, budget: 1_000_000)
        #expect(KeptPicturesTally.listings(home: home) == 2)
        #expect(try onDisk() <= 1_000_000 && KeptPicturesTally.bytes(home: home) == onDisk())
        #expect(FileManager.default.fileExists(atPath: ResultImageFiles.folder(home: home, idTask: "task-6") + "/1.png"))
        // A row's folder deleted: its bytes leave the total, with no listing.
        #expect(ResultImageFiles.delete(home: home, idTask: "task-6"))
        #expect(try KeptPicturesTally.bytes(home: home) == onDisk())
        #expect(KeptPicturesTally.listings(home: home) == 2)
    }

    @Test func imagesMaxBytesFromTheConfigFileBoundsWhatSendsKeep() async throws {
        let scratch = Scratch()
        try await offThePool {
            let server = try HostileStandIn(body: "")
            try Self.sdAnswer(images: [server.url + "/big/700000/1.png"])
                .write(toFile: server.folder + "/body.json", atomically: true, encoding: .utf8)
            let home = try Self.freshHome(in: scratch)
            try FileManager.default.createDirectory(atPath: home + "-config/zqt", withIntermediateDirectories: true)
            try "images_max_bytes = 1_048_576\n".write(toFile: home + "-config/zqt/config.toml", atomically: true, encoding: .utf8)
            let first = try Self.send("text2image.json", endpoint: "text2image", server: server, home: home)
            #expect(first.status == 0, "\(first.stderr)")
            let firstFolders = try FileManager.default.contentsOfDirectory(atPath: home + "/images")
            let second = try Self.send("text2image.json", endpoint: "text2image", server: server, home: home)
            #expect(second.status == 0, "\(second.stderr)")
            let folders = try FileManager.default.contentsOfDirectory(atPath: home + "/images")
            // 1.4 MB would be over 1 MiB: the older task's copy went, the new one stays.
            #expect(folders.count == 1 && !folders.contains(firstFolders[0]), "\(firstFolders) then \(folders)")
        }
    }

    @Test func imagesMaxBytesIsReadAndCheckedInTheConfigFile() {
        guard case let .loaded(config) = ConfigFile.parse(text: "images_max_bytes = 5_000_000_000\n", file: "c.toml") else {
            Issue.record("must read"); return
        }
        #expect(config.imagesMaxBytes == 5_000_000_000)
        #expect(ImageBounds.diskBudget(nil) == 2 << 30)
        guard case let .failed(problem) = ConfigFile.parse(text: "images_max_bytes = \"lots\"\n", file: "c.toml") else {
            Issue.record("must fail"); return
        }
        #expect(problem.description.contains("images_max_bytes must be a whole number of bytes"), "\(problem)")
    }

    @Test func fetchTheRestIsOfferedOnlyWhenImagesWereLeftUnfetched() {
        var state = makeState()
        state.screen = .history
        state.historyPictures = PictureSet(idTask: "t", recordID: 7, pictures: [ShownPicture(position: 0, seed: 1)])
        #expect(Commands.perform(&state, .fetchRestOfPictures).isEmpty)
        #expect(state.status?.text == Wording.nothingLeftUnfetched)
        state.historyPictures?.pictures.append(ShownPicture(position: 1, seed: 2, problem: "image 2 not fetched: …", notFetched: true))
        #expect(Commands.perform(&state, .fetchRestOfPictures) == [.fetchRestOfPictures(.history, recordID: 7)])
        #expect(state.status?.text == Wording.fetchingRest(1))
    }

    @Test func browsingTheListFetchesOnlyWhatItsPaneShowsAndTheEntryTheRest() async throws {
        let scratch = Scratch()
        let server = try HostileStandIn(body: "")
        let home = try Self.freshHome(in: scratch)
        let store = try HistoryStore.open(inFolder: home)
        var request = Request.new(for: .controlNet, taskID: "many-images")
        request["prompt"] = .string("many")
        let id = try store.recordSending(request, baseURL: server.url, profile: "t")
        let results = (0..<12).map { n -> JSONValue in
            .object([("image_url", .string(server.url + "/big/2000/\(n).png")), ("seed", .int(n)), ("image_status", .int(1))])
        }
        try store.recordTaskInfo(id: id, info: TaskInfo(data: .object([("status", .int(2)), ("differentialImageRspList", .array(results))])))
        let configuration = ClientConfiguration(baseURL: server.url, credentials: nil, timeout: 30, profile: "t")
        let inbox = ActionInbox()
        let runner = EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration, store: store, inbox: inbox)
        runner.home = home
        // Awaited, not waited for: a blocking wait here would hold one of the
        // pool's two threads while the fetch it waits for needs them.
        func fetched(_ effect: Effect) async throws -> [ShownPicture] {
            runner.perform(effect)
            var pictures: [ShownPicture]?
            try await eventually("the pictures fetched") {
                for case let .picturesFetched(_, _, _, shown) in inbox.drain() { pictures = shown }
                return pictures != nil
            }
            return pictures ?? []
        }
        // The list's pane shows two: two are downloaded, the ten others said not fetched.
        let slots = PicturesPane.slots(width: HistoryView.thumbnailPaneWidth)
        let browsing = try await fetched(.fetchHistoryPictures(recordID: id))
        #expect(server.gets.count == slots, "\(server.gets)")
        #expect(browsing.filter(\.notFetched).count == 12 - slots)
        #expect(browsing.last?.problem == Wording.notFetchedWhileBrowsing)
        // The entry opened: every image, within the task's bound.
        let entry = try await fetched(.fetchHistoryPictures(recordID: id, entry: true))
        #expect(server.gets.count == 12 && !entry.contains { $0.notFetched })

        // The reducer: a row shown while browsing, then opened, asks for the entry's images.
        var state = historyState([summary(5, "a cat")], width: 150, height: 40)
        let row = summary(5, "a cat")
        _ = Reducer.reduce(&state, .picturesFetched(.history, idTask: row.idTask, recordID: 5, [
            ShownPicture(position: 0, seed: 1), ShownPicture(position: 1, seed: 2, problem: Wording.notFetchedWhileBrowsing, notFetched: true),
        ]))
        press(&state, .enter)
        let opened = Reducer.reduce(&state, .entriesLoaded([record(5, prompt: "a cat")], .show))
        #expect(opened.contains(.fetchHistoryPictures(recordID: 5, entry: true)), "\(opened)")
    }

    // MARK: 3. $ZQT_HOME

    @Test func aDataFolderOthersCouldReadIsTightenedWithANote() async throws {
        let scratch = Scratch()
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let home = try Self.freshHome(in: scratch)
            try FileManager.default.createDirectory(atPath: home + "/images/t", withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: home + "/history.sqlite", contents: Data())
            _ = FileManager.default.createFile(atPath: home + "/images/t/1.png", contents: Data([1, 2, 3]))
            for (path, mode) in [(home, 0o755), (home + "/images", 0o755), (home + "/images/t", 0o755),
                                 (home + "/history.sqlite", 0o644), (home + "/images/t/1.png", 0o644)] {
                chmod(path, mode_t(mode))
            }
            let result = try ZqtBinary.run(["history", "list"], environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": home + "-config"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("\(home) was readable by other users (mode 755); it is now 0700 and its files 0600"), "\(result.stderr)")
            #expect(Self.mode(home) == 0o700 && Self.mode(home + "/history.sqlite") == 0o600)
            #expect(Self.mode(home + "/images") == 0o700 && Self.mode(home + "/images/t") == 0o700 && Self.mode(home + "/images/t/1.png") == 0o600)
            // Said once: the next run finds it tight.
            let again = try ZqtBinary.run(["history", "list"], environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": home + "-config"])
            #expect(!again.stderr.contains("readable by other users"))
        }
    }

    // MARK: 5. A proxy's 403

    @Test func aProxysRefusalIsNotCalledTheServices() async throws {
        let scratch = Scratch()
        try await offThePool {
            let proxy = try HostileStandIn(body: "")
            // Port 1 has no server: whatever answers is the proxy.
            let result = try ZqtBinary.run(["send", "examples/text2image.json".absolutePathInPackage, "--endpoint", "text2image",
                                            "--base-url", "http://127.0.0.1:1"],
                                           environment: Self.keys.merging(["ZQT_HOME": try Self.freshHome(in: scratch), "HTTP_PROXY": proxy.url]) { _, new in new })
            #expect(result.status != 0)
            #expect(result.stderr.contains("the proxy \(proxy.url) answered HTTP 403 in its place: <html>"), "\(result.stderr)")
            #expect(!result.stderr.contains("HTTP 403 from the service"), "\(result.stderr)")
        }
    }
}
