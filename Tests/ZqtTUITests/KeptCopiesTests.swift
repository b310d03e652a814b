import Foundation
import TestScratch
import Images
import Model
import Testing
@testable import ZqtTUI

/// Issue 17: every result kept, nothing ever overwritten. A keep that fails
/// is said on the row and tried again; a saved copy never replaces another
/// picture and carries its request, which `--from-image` sends again.
@Suite(.serialized) struct KeptCopiesTests {
    typealias Script = ScriptCommandTests

    /// The chunks of a PNG: type, data, and whether its CRC is right.
    static func chunks(_ png: [UInt8]) -> [(type: String, data: [UInt8], crcOK: Bool)] {
        var found: [(String, [UInt8], Bool)] = []
        var offset = 8
        func word(_ at: Int) -> Int { png[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        while offset + 12 <= png.count {
            let length = word(offset)
            guard offset + 12 + length <= png.count else { break }
            let typeAndData = Array(png[(offset + 4)..<(offset + 8 + length)])
            found.append((String(decoding: typeAndData.prefix(4), as: UTF8.self), Array(typeAndData.dropFirst(4)),
                          UInt32(word(offset + 8 + length)) == PNGText.crc32(typeAndData)))
            offset += 12 + length
        }
        return found
    }

    /// The PNG without its text chunks: what the service sent, if zqt only added text.
    static func withoutText(_ png: [UInt8]) -> [UInt8] {
        var out = Array(png.prefix(8))
        var offset = 8
        while offset + 12 <= png.count {
            let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
            if type != "tEXt" && type != "iTXt" { out += png[offset..<(offset + 12 + length)] }
            offset += 12 + length
        }
        return out
    }

    static func idTask(_ output: ChildProcess.Output) throws -> String {
        try #require(Script.member(try Script.firstLine(output.stdout), "id_task")?.stringValue)
    }

    @Test func twoTasksSavedIntoOneFolderKeepAllTheirPictures() async throws {
        try await offThePool { try Self.twoTasksSavedIntoOneFolderKeepAllTheirPicturesSteps() }
    }

    static func twoTasksSavedIntoOneFolderKeepAllTheirPicturesSteps() throws {
        let scratch = Scratch()
        let home = Script.freshHome(in: scratch)
        let folder = scratch.path("zqt-out")
        defer {
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: folder)
        }
        let first = try Script.run(["send", "--sandbox", "--json", "--download", folder], home: home)
        let second = try Script.run(["send", "--sandbox", "--json", "--download", folder], home: home)
        #expect(first.status == 0 && second.status == 0, "stderr: \(first.stderr) \(second.stderr)")
        #expect(Script.member(try Script.firstLine(first.stdout), "status") == .int(2), "the service's status number: \(first.stdout)")
        let (a, b) = (try idTask(first), try idTask(second))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["\(a)-1.png", "\(b)-1.png"].sorted())

        // Another file under the first copy's name: saving again never replaces it.
        let stranger = Data("not the same picture".utf8)
        try stranger.write(to: URL(fileURLWithPath: folder + "/\(a)-1.png"))
        let again = try Script.run(["results", a, "--download", folder], home: home, environment: ["ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"])
        #expect(again.status == 0, "stderr: \(again.stderr)")
        let renamed = folder + "/\(a)-1 (2).png"
        #expect(again.stdout.contains("saved as \(renamed) because \(folder)/\(a)-1.png existed"), "\(again.stdout)")
        #expect(FileManager.default.contents(atPath: folder + "/\(a)-1.png") == stranger, "the other file is untouched")
        #expect(FileManager.default.fileExists(atPath: renamed))

        // Once more: the same picture is there already, left as it is, and said.
        let third = try Script.run(["results", a, "--download", folder, "--json"], home: home,
                                   environment: ["ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"])
        let line = try Script.firstLine(third.stdout)
        #expect(Script.member(line, "path") == .string(renamed))
        #expect(Script.member(line, "note") == .string("\(renamed) already there (the same picture)"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 3)
    }

    @Test func aSavedPNGCarriesItsRequestAndSendsItAgain() async throws {
        try await offThePool { try Self.aSavedPNGCarriesItsRequestAndSendsItAgainSteps() }
    }

    static func aSavedPNGCarriesItsRequestAndSendsItAgainSteps() throws {
        let scratch = Scratch()
        let home = Script.freshHome(in: scratch)
        let folder = scratch.path("zqt-tagged")
        defer {
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: folder)
        }
        let sent = try Script.run(["send", "--sandbox", "--json", "--download", folder], home: home)
        #expect(sent.status == 0, "stderr: \(sent.stderr)")
        let idTask = try idTask(sent)
        let saved = Array(try #require(FileManager.default.contents(atPath: folder + "/\(idTask)-1.png")))
        let kept = Array(try #require(FileManager.default.contents(atPath: home + "/images/\(idTask)/1.png")))

        // The chunks: the request as sent, its endpoint, A1111's parameters; all before IDAT, every CRC right.
        let chunks = Self.chunks(saved)
        #expect(chunks.allSatisfy { $0.crcOK }, "\(chunks.map(\.type))")
        let firstIDAT = try #require(chunks.firstIndex { $0.type == "IDAT" })
        let texts = chunks.enumerated().filter { $0.element.type == "tEXt" || $0.element.type == "iTXt" }
        #expect(!texts.isEmpty && texts.allSatisfy { $0.offset < firstIDAT })
        let entries = try PNGText.entries(in: saved)
        let shown = try Script.run(["history", "show", idTask, "--json"], home: home)
        let request = try #require(Script.member(try Script.firstLine(shown.stdout), "request"))
        let carried = try #require(entries.first { $0.keyword == "zqt-request" }?.text)
        #expect(try JSONParser.parse(carried) == request, "the request as sent")
        let parameters = try #require(entries.first { $0.keyword == "parameters" }?.text)
        #expect(parameters.contains("\nSteps: 25, Sampler: DPM++ 2M Karras, CFG scale: 11, Seed: "), "\(parameters)")
        #expect(parameters.contains(", Size: 768x768, Model: revAnimated_v122_7371"), "\(parameters)")

        // libpng reads the copy as the same picture; the kept original is what the service sent, byte for byte.
        let picture = try Picture.decode(saved)
        #expect(picture.width == 768 && picture.height == 768)
        #expect(Self.withoutText(saved) == kept)
        #expect(try PNGText.entries(in: kept).isEmpty, "zqt's own copy carries nothing added")

        // zqt validate and send read it back: the same request, a new task id.
        let validated = try Script.run(["validate", "--from-image", folder + "/\(idTask)-1.png"], home: home)
        #expect(validated.status == 0, "stderr: \(validated.stderr)")
        let again = try Script.run(["send", "--from-image", folder + "/\(idTask)-1.png", "--sandbox", "--json"], home: home)
        #expect(again.status == 0, "stderr: \(again.stderr)")
        let newID = try Self.idTask(again)
        #expect(newID != idTask)
        let resent = try Script.run(["history", "show", newID, "--json"], home: home)
        let resentRequest = try #require(Script.member(try Script.firstLine(resent.stdout), "request"))
        // Every task id (each read gets a new one, wire rule 8) as one placeholder.
        func withoutID(_ value: JSONValue) -> String {
            JSONWriter.compact(value).replacingOccurrences(of: "zqt-[0-9]{8}-[0-9]{6}-[0-9]{3}-[a-z0-9]{4}", with: "ID",
                                                           options: .regularExpression)
        }
        #expect(withoutID(resentRequest) != JSONWriter.compact(resentRequest), "the id is in the request")
        #expect(withoutID(resentRequest) == withoutID(request))
        #expect(withoutID(try JSONParser.parse(validated.stdout)) == withoutID(request))
    }

    @Test func aKeepThatFailsIsSaidOnTheRowAndTriedAgainAtStart() async throws {
        let fixture = try TrackingFixture()
        // The images folder cannot be written: read-only, or (root ignores modes) a file in its place.
        let images = fixture.folder + "/images"
        let asRoot = geteuid() == 0
        if asRoot {
            try Data("in the way".utf8).write(to: URL(fileURLWithPath: images))
        } else {
            try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
            chmod(images, 0o500)
        }
        let request = try TrackingFixture.request("a lighthouse, kept later")
        try await fixture.submitAndFollow(request)
        let failed = try await fixture.waitForRow(request.taskID, "the keep's failure on the row") {
            $0.state == .succeeded && $0.imageResults.first?.keepError != nil
        }
        let result = try #require(failed.imageResults.first)
        #expect(result.localPath == nil && result.keepAttempts == 1 && !result.keepGone)
        #expect(result.keepError?.contains("cannot") == true, "\(String(describing: result.keepError))")
        // The history entry says it.
        let entry = HistoryEntryView.detailLines(failed, width: 120, pictureRows: 0).lines
            .map { $0.spans.map(\.text).joined() }.joined(separator: "\n")
        #expect(entry.contains("not kept: cannot"), "\(entry)")

        // The folder is writable again; at the next start the image is kept, and the row says so.
        if asRoot { try FileManager.default.removeItem(atPath: images) } else { chmod(images, 0o700) }
        fixture.runner.resumeUnfinished()
        let kept = try await fixture.waitForRow(request.taskID, "the image kept on the second try") {
            $0.imageResults.first?.localPath != nil
        }
        let copy = try #require(kept.imageResults.first?.localPath)
        #expect(copy.hasPrefix(images + "/") && FileManager.default.fileExists(atPath: copy))
        #expect(kept.imageResults.first?.keepError == nil)
    }

    /// A zqt that ended between a task's success and keeping its images:
    /// the next start keeps them (the URL still lives).
    @Test func aSuccessLeftUnkeptIsKeptAtTheNextStart() async throws {
        let fixture = try TrackingFixture(taskSeconds: 0.2)
        let request = try TrackingFixture.request("finished, never kept")
        let api = HTTPImageAPI(configuration: fixture.configuration)
        let id = try fixture.store.recordSending(request, baseURL: fixture.configuration.baseURL, profile: "sandbox")
        try fixture.store.recordSubmitted(id: id, submission: try await api.send(request).result.get())
        var info = try await api.queryTask(TaskReference(endpoint: request.endpoint, taskID: request.taskID))
        let deadline = Date().addingTimeInterval(30)
        while info.phase != .succeeded, Date() < deadline {
            try await Task.sleep(nanoseconds: 100_000_000)
            info = try await api.queryTask(TaskReference(endpoint: request.endpoint, taskID: request.taskID))
        }
        try fixture.store.recordTaskInfo(id: id, info: info)
        #expect(try fixture.store.record(id: id)?.imageResults.first?.localPath == nil)

        fixture.runner.resumeUnfinished()
        let kept = try await fixture.waitForRow(request.taskID, "kept at start") { $0.imageResults.first?.localPath != nil }
        #expect(kept.imageResults.first?.localPath == fixture.folder + "/images/" + request.taskID + "/1.png")
    }

    /// The service says the image is gone (404): said on the row, and not tried again.
    @Test func anImageTheServiceNoLongerHasIsNotTriedAgain() async throws {
        let fixture = try TrackingFixture()
        let request = try TrackingFixture.request("gone")
        let id = try fixture.store.recordSending(request, baseURL: fixture.configuration.baseURL, profile: "sandbox")
        let gone = fixture.server.baseURL + "/sandbox/images/no-such-image.png"
        let pipeline = SendPipeline(api: HTTPImageAPI(configuration: fixture.configuration), store: fixture.store,
                                    baseURL: fixture.configuration.baseURL, profile: "sandbox",
                                    keeper: ResultImageKeeper(home: fixture.folder)) { error in Issue.record("history: \(error.message)") }
        // The row's result, as a query would have written it.
        try fixture.store.recordTaskInfo(id: id, info: TaskInfo(data: try JSONParser.parse("""
            {"status": 2, "desc": "Success", "differentialImageRspList": [{"image_url": "\(gone)", "seed": 1}]}
            """), family: .sd))
        var failures: [SendFailure] = []
        for await event in pipeline.keepResults([ResultSource(position: 0, url: gone)], idTask: request.taskID, recordID: id) {
            if case let .failed(failure) = event { failures.append(failure) }
        }
        #expect(failures.count == 1)
        let row = try #require(try fixture.store.record(id: id))
        let result = try #require(row.imageResults.first)
        #expect(result.keepGone && result.keepAttempts == 1 && result.keepError != nil, "\(result)")
        #expect(!result.mayRetryKeep(finishedAt: row.finishedAt))
        #expect(SendWording.notKept(result.keepError ?? "", attempts: 1, gone: true).hasSuffix("(the service no longer has it)"))
        #expect(try fixture.store.rowsToKeepAgain().allSatisfy { $0.id != id })
    }
}
