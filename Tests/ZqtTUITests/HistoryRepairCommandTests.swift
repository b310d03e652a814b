import Foundation
import TestScratch
import Model
import Testing

/// `zqt history check` and `zqt history recover` run as a user would (issue 21):
/// a damaged history is named with what to do, every other command exits 2
/// on it, and recovery gives back the rows and keeps the damaged file.
@Suite struct HistoryRepairCommandTests {
    static func home(in scratch: Scratch) throws -> String {
        let home = scratch.path("zqt-repair")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        return home
    }

    /// 400 rows of ControlNet requests, their ids `prefix-N`, each prompt long enough to fill pages.
    static func fill(_ home: String, prefix: String) throws {
        let store = try HistoryStore.open(inFolder: home)
        try store.inOneTransaction {
            for index in 0..<400 {
                var request = Request.new(for: .controlNet, taskID: "\(prefix)-\(index)")
                request["prompt"] = .string("harbour \(index) " + String(repeating: "boats under a grey sky, ", count: 10))
                _ = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "p")
            }
        }
    }

    /// A page in the middle of the file overwritten (its first pages sound, so it still opens); the damaged bytes.
    static func overwriteAPageInTheMiddle(_ path: String) throws -> Data {
        let size = try #require(FileManager.default.contents(atPath: path)).count
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: UInt64(size / 4096 / 2 * 4096))
        handle.write(Data(repeating: 0xA5, count: 4096))
        try handle.close()
        return try #require(FileManager.default.contents(atPath: path))
    }

    static func zqt(_ arguments: [String], home: String) throws -> ChildProcess.Output {
        try ZqtBinary.run(arguments, environment: ["ZQT_HOME": home])
    }

    @Test func aDamagedHistoryIsNamedByEveryCommandAndRecovered() async throws {
        let scratch = Scratch()
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let home = try Self.home(in: scratch)
            let path = home + "/" + HistoryStore.fileName
            try Self.fill(home, prefix: "zqt-repair")
            #expect(try Self.zqt(["history", "check"], home: home).status == 0)
            let damaged = try Self.overwriteAPageInTheMiddle(path)

            let check = try Self.zqt(["history", "check"], home: home)
            #expect(check.status == 2)
            #expect(check.stdout.hasPrefix("damaged: SQLite finds \(path) damaged:"), "\(check.stdout)")
            #expect(check.stdout.contains("`zqt history recover` copies every row SQLite can still read"))
            let list = try Self.zqt(["history", "list"], home: home)
            if list.status != 0 {
                #expect(list.status == 2)
                #expect(list.stderr.contains("zqt history recover"), "\(list.stderr)")
            }
            #expect(FileManager.default.contents(atPath: path) == damaged, "no command wrote to it")

            let recover = try Self.zqt(["history", "recover"], home: home)
            #expect(recover.status == 0, "\(recover.stderr)")
            #expect(recover.stdout.hasPrefix("recovered "), "\(recover.stdout)")
            let keptLine = try #require(recover.stdout.split(separator: "\n").first { $0.contains("kept as ") })
            let aside = String(keptLine.split(separator: "kept as ")[1].split(separator: " ")[0])
            #expect(aside.hasPrefix(path + ".damaged-"))
            #expect(FileManager.default.contents(atPath: aside) == damaged, "the damaged file is kept, unchanged")
            var info = stat()
            #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600, "the recovered history is the user's alone")
            #expect(try Self.zqt(["history", "check"], home: home).status == 0)
            let after = try Self.zqt(["history", "list", "--limit", "1000"], home: home)
            #expect(after.status == 0)
            #expect(after.stdout.split(separator: "\n").count > 200, "most rows are back")
            #expect(try Self.zqt(["history", "recover"], home: home).stdout.hasPrefix("nothing to recover"))
        }
    }

    /// A history from a newer zqt is read only: `zqt send` sends nothing
    /// (exit 4), as beside a read-only folder, since an accepted task must
    /// always have its row; it says to update zqt or send from another home
    /// (a newcomer's send to it was accepted with no row to ask about later).
    @Test func aSendBesideANewerZqtsHistoryIsRefused() async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = try Self.home(in: scratch)
            let path = home + "/" + HistoryStore.fileName
            try Self.fill(home, prefix: "zqt-newer")
            try SQLiteConnection(path: path).execute("PRAGMA user_version = \(HistorySchema.currentVersion + 1)")
            let before = try #require(FileManager.default.contents(atPath: path))
            let body = scratch.path("zqt-newer", suffix: ".json")
            try #"{"prompt": "a harbour", "steps": 4, "width": 64, "height": 64}"#.write(toFile: body, atomically: true, encoding: .utf8)
            let run = try ZqtBinary.run(["send", body, "--endpoint", "text2image", "--sandbox", "--no-wait"], environment: ["ZQT_HOME": home])
            #expect(run.status == 4, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stderr.contains("nothing was sent"), "\(run.stderr)")
            #expect(run.stderr.contains("newer zqt (schema \(HistorySchema.currentVersion + 1)"), "\(run.stderr)")
            #expect(run.stderr.contains("ZQT_HOME"), "\(run.stderr)")
            #expect(!run.stderr.contains("submitted") && !run.stdout.contains("zqt-"), "nothing went out: \(run.stdout)")
            let sweep = try ZqtBinary.run(["send", body, "--endpoint", "text2image", "--sandbox", "--sweep", "seed=1,2"],
                                          environment: ["ZQT_HOME": home])
            #expect(sweep.status == 4, "a sweep is refused too: \(sweep.stdout)\n\(sweep.stderr)")
            #expect(FileManager.default.contents(atPath: path) == before, "the newer history is left as it was")
        }
    }
}
