import Foundation
import TestScratch
import Model
import Testing
@testable import ZqtTUI

/// Issue 16: one send pipeline. A send, a sweep, `zqt query` and `zqt
/// results` keep a task's images in $ZQT_HOME/images as the screen does,
/// the history row notes the copy, and the outcome reads the same whichever
/// command says it.
@Suite(.serialized) struct SendKeepsImagesTests {
    typealias Script = ScriptCommandTests

    static let keys = ["ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"]

    /// The row's noted copy of each result, from `zqt history show --json`.
    static func notedCopies(_ idTask: String, home: String) throws -> [String?] {
        let shown = try Script.run(["history", "show", idTask, "--json"], home: home)
        let results = try #require(Script.member(try Script.firstLine(shown.stdout), "results")?.arrayValue)
        return results.map { Script.member($0, "local_path")?.stringValue }
    }

    @Test func aSendKeepsItsImagesInZqtHomeAndTheRowNotesThem() async throws {
        try await offThePool { try Self.aSendKeepsItsImagesInZqtHomeAndTheRowNotesThemSteps() }
    }

    static func aSendKeepsItsImagesInZqtHomeAndTheRowNotesThemSteps() throws {
        let scratch = Scratch()
        let home = Script.freshHome(in: scratch)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let sent = try Script.run(["send", "--sandbox", "--json"], home: home)
        #expect(sent.status == 0, "stderr: \(sent.stderr)")
        let line = try Script.firstLine(sent.stdout)
        let idTask = try #require(Script.member(line, "id_task")?.stringValue)
        let first = try #require(Script.member(line, "results")?.arrayValue?.first)
        let kept = home + "/images/" + idTask + "/1.png"
        #expect(Script.member(first, "kept") == .string(kept), "\(line)")
        #expect(Script.member(first, "path") == nil, "nothing saved elsewhere without --download")
        let png = try #require(FileManager.default.contents(atPath: kept))
        #expect(PNGInfo.dimensions(of: Array(png))! == (768, 768))
        #expect(try notedCopies(idTask, home: home) == [kept], "the row notes zqt's copy, as the screen's does")
        #expect(sent.stderr.contains("kept in \(kept)"), "the step says where: \(sent.stderr)")
    }

    @Test func aSweepKeepsEveryTasksImagesAndEachRowNotesThem() async throws {
        try await offThePool { try Self.aSweepKeepsEveryTasksImagesAndEachRowNotesThemSteps() }
    }

    static func aSweepKeepsEveryTasksImagesAndEachRowNotesThemSteps() throws {
        let scratch = Scratch()
        let home = Script.freshHome(in: scratch)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let example = URL(fileURLWithPath: scratch.path("zqt-sweep-keep", suffix: ".json"))
        try BundledExamples.controlNetJSON.write(to: example, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: example) }
        let result = try Script.run(["send", example.path, "--sweep", "steps=20,21", "--sandbox", "--json"], home: home)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let objects = try Script.jsonLines(result.stdout)
        #expect(objects.count == 2)
        for object in objects {
            let idTask = try #require(object["task_id"]?.stringValue)
            let kept = home + "/images/" + idTask + "/1.png"
            #expect(object["kept"] == .array([.string(kept)]), "\(object)")
            #expect(object["saved"] == nil, "nothing saved elsewhere without --download")
            #expect(FileManager.default.contents(atPath: kept)?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true, "a PNG")
            #expect(try notedCopies(idTask, home: home) == [kept])
        }
    }

    @Test func queryAndResultsSayTheOutcomeAsSendDoes() async throws {
        try await offThePool { try Self.queryAndResultsSayTheOutcomeAsSendDoesSteps() }
    }

    static func queryAndResultsSayTheOutcomeAsSendDoesSteps() throws {
        let scratch = Scratch()
        let home = Script.freshHome(in: scratch)
        let folder = scratch.path("zqt-same")
        defer {
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: folder)
        }
        let sandbox = try Script.StandaloneSandbox()
        defer { sandbox.stop() }

        let sent = try Script.run(["send", "--base-url", sandbox.url], home: home, environment: keys)
        #expect(sent.status == 0, "stderr: \(sent.stderr)")
        let sentImages = sent.stdout.split(separator: "\n").filter { $0.hasPrefix("image ") }.map(String.init)
        #expect(sentImages.count == 1 && sentImages[0].hasPrefix("image 1/1: seed "), "\(sent.stdout)")
        let idTask = try #require(sent.stdout.firstMatch(of: /accepted: task_id (\S+)/).map { String($0.output.1) })
        #expect(sentImages[0].contains(" → 768×768 PNG, ") && sentImages[0].hasSuffix(" KB, kept in \(home)/images/\(idTask)/1.png"),
                "\(sentImages)")

        // The finished task, asked again: its outcome in the same words, the same copy.
        let query = try Script.run(["query", idTask, "--base-url", sandbox.url], home: home, environment: keys)
        #expect(query.status == 0, "stderr: \(query.stderr)")
        let queryLines = query.stdout.split(separator: "\n").map(String.init)
        #expect(queryLines.first?.hasPrefix("\(idTask)\tsucceeded\tstatus 2 ") == true, "the line scripts cut stays first")
        #expect(Array(queryLines.dropFirst()) == sentImages)

        // Its images saved into a folder: the same line, and where the copy went.
        let results = try Script.run(["results", idTask, "--download", folder, "--base-url", sandbox.url], home: home, environment: keys)
        #expect(results.status == 0, "stderr: \(results.stderr)")
        let saved = folder + "/\(idTask)-1.png"
        #expect(results.stdout.split(separator: "\n").map(String.init) == [sentImages[0] + ", saved to \(saved)"])
        #expect(try notedCopies(idTask, home: home) == [saved], "the row notes the copy the user asked for")

        // A failed task: the same failure text from send and from query, and the same exit status.
        let failing = try Script.StandaloneSandbox(["--fail-tasks"])
        defer { failing.stop() }
        let failed = try Script.run(["send", "--base-url", failing.url], home: home, environment: keys)
        #expect(failed.status == 1)
        let failedID = try #require(failed.stdout.firstMatch(of: /accepted: task_id (\S+)/).map { String($0.output.1) })
        let sendFailure = try #require(failed.stderr.split(separator: "\n").first { $0.hasPrefix("The task failed: ") })
        let queried = try Script.run(["query", failedID, "--base-url", failing.url], home: home, environment: keys)
        #expect(queried.status == 1)
        #expect(queried.stderr.split(separator: "\n").contains(sendFailure), "query: \(queried.stderr) send: \(sendFailure)")
    }
}

extension SendKeepsImagesTests {
    @Test func queryClosesAnOpenRowOnlyWhenItsOwnServiceDoesNotKnowIt() async throws {
        try await offThePool { try Self.queryClosesAnOpenRowOnlyWhenItsOwnServiceDoesNotKnowItSteps() }
    }

    static func queryClosesAnOpenRowOnlyWhenItsOwnServiceDoesNotKnowItSteps() throws {
        let scratch = Scratch()
        let home = Script.freshHome(in: scratch)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let first = try Script.StandaloneSandbox()
        let sent = try Script.run(["send", "--base-url", first.url, "--no-wait", "--json"], home: home, environment: keys)
        #expect(sent.status == 0, "stderr: \(sent.stderr)")
        let idTask = try #require(Script.member(try Script.firstLine(sent.stdout), "id_task")?.stringValue)
        let port = try #require(first.url.firstMatch(of: /:(\d+)/).map { String($0.output.1) })
        first.stop()

        // Another service has never heard of the task: the row stays open.
        let other = try Script.StandaloneSandbox()
        defer { other.stop() }
        let elsewhere = try Script.run(["query", idTask, "--base-url", other.url], home: home, environment: keys)
        #expect(elsewhere.status == 1, "stderr: \(elsewhere.stderr)")
        #expect(Script.member(try Script.firstLine(try Script.run(["history", "show", idTask, "--json"], home: home).stdout),
                              "state") == .string("submitted"))

        // Its own service (the same address, started again, its tasks gone) does not know it: the row is closed, in the screen's words.
        let again = try Script.StandaloneSandbox(["--port", port])
        defer { again.stop() }
        let refused = try Script.run(["query", idTask, "--base-url", again.url], home: home, environment: keys)
        #expect(refused.status == 1, "stderr: \(refused.stderr)")
        let row = try Script.firstLine(try Script.run(["history", "show", idTask, "--json"], home: home).stdout)
        #expect(Script.member(row, "state") == .string("failed"))
        #expect(Script.member(row, "error")?.stringValue?.hasPrefix("The service does not know this task: ") == true, "\(row)")
    }
}

extension SendKeepsImagesTests {
    @Test func resultsAfterTheServiceIsGoneSavesTheKeptCopy() async throws {
        try await offThePool { try Self.resultsAfterTheServiceIsGoneSavesTheKeptCopySteps() }
    }

    /// Wire rule 10: result URLs expire. What a send kept is saved from the
    /// copy, with no download: here the sandbox that made it has ended.
    static func resultsAfterTheServiceIsGoneSavesTheKeptCopySteps() throws {
        let scratch = Scratch()
        let home = Script.freshHome(in: scratch)
        let folder = scratch.path("zqt-gone")
        defer {
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: folder)
        }
        let sent = try Script.run(["send", "--sandbox", "--json"], home: home)
        #expect(sent.status == 0, "stderr: \(sent.stderr)")
        let idTask = try #require(Script.member(try Script.firstLine(sent.stdout), "id_task")?.stringValue)
        let results = try Script.run(["results", idTask, "--download", folder, "--base-url", "http://127.0.0.1:9", "--json"],
                                     home: home, environment: keys)
        #expect(results.status == 0, "stderr: \(results.stderr)")
        let saved = folder + "/\(idTask)-1.png"
        #expect(Script.member(try Script.firstLine(results.stdout), "path") == .string(saved))
        // The kept picture byte for byte, with its request added in text chunks (issue 17).
        let copy = try #require(FileManager.default.contents(atPath: saved))
        #expect(KeptCopiesTests.withoutText(Array(copy)) == Array(try #require(FileManager.default.contents(atPath: home + "/images/\(idTask)/1.png"))))
    }
}
