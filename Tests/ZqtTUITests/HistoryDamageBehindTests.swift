import Foundation
import TestScratch
import Model
import Sandbox
import Testing

/// Issue 21, a newcomer's re-check of a history damaged on the pages of its
/// pictures' index (as `dd … seek=20 count=2` did to their history of a few
/// rows): every row still reads, but a finished task's results cannot go in.
/// `zqt send` said `succeeded` while its row said `running` for good (and,
/// with `--sandbox`, later `failed`); `zqt history list` printed all 8 rows
/// yet said "Some rows could not be read" and exited 2.
@Suite(.serialized) struct HistoryDamageBehindTests {
    /// A history of `count` finished rows with pictures, then the pages of
    /// the pictures' index (`result_images`) overwritten in place.
    static func damagedHistory(in scratch: Scratch, count: Int = 8) throws -> String {
        let home = scratch.path("zqt-damagebehind")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let path = home + "/" + HistoryStore.fileName
        do {
            let store = try HistoryStore.open(inFolder: home)
            try store.inOneTransaction {
                for index in 0..<count {
                    var request = Request.new(for: .controlNet, taskID: "zqt-damagebehind-\(index)")
                    request["prompt"] = .string("lighthouse \(index)")
                    let id = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "p")
                    try store.recordTaskInfo(id: id, info: TaskInfo(data: try JSONParser.parse(
                        #"{"status": 2, "desc": "Success", "differentialImageRspList": [{"image_url": "http://x/\#(index).png", "seed": 1}]}"#)))
                }
            }
        }
        let pages = try SQLiteConnection(path: path, create: false, readOnly: true)
            .run("SELECT pageno FROM dbstat WHERE name = 'result_images'").compactMap { $0.int(0) }
        #expect(!pages.isEmpty, "the pictures' index has pages")
        let pageSize = 4096
        let handle = try #require(FileHandle(forWritingAtPath: path))
        for page in pages {
            try handle.seek(toOffset: UInt64((page - 1) * pageSize))
            handle.write(Data((0..<pageSize).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }))
        }
        try handle.close()
        return home
    }

    static func zqt(_ arguments: [String], home: String, extra: [String: String] = [:]) throws -> ChildProcess.Output {
        try ZqtBinary.run(arguments, environment: ["ZQT_HOME": home].merging(extra) { _, new in new })
    }

    static func state(_ idTask: String, home: String) throws -> String? {
        let db = try SQLiteConnection(path: home + "/" + HistoryStore.fileName, create: false, readOnly: true)
        return try db.run("SELECT state FROM submission WHERE id_task = ?", [.text(idTask)]).first?.text(0)
    }

    @Test func historyListOverDamageThatKeptNoRowOutSaysSoOnceAndExitsAsASoundFile() async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = try Self.damagedHistory(in: scratch)
            #expect(try Self.zqt(["history", "check"], home: home).status == 2, "check finds the damage")

            let list = try Self.zqt(["history", "list"], home: home)
            #expect(list.stdout.split(separator: "\n").count == 8, "all 8 rows: \(list.stdout) \(list.stderr)")
            #expect(list.status == 0, "nothing was left out: \(list.stderr)")
            #expect(!list.stderr.contains("could not be read"), "no alarm for rows that were read: \(list.stderr)")
            #expect(list.stderr.components(separatedBy: "the history file is damaged").count == 2, "said once: \(list.stderr)")
            #expect(list.stderr.contains("every row was read") && list.stderr.contains("zqt history recover"), "\(list.stderr)")
        }
    }

    @Test func zqtSendWhoseEndTheDamageRefusedSaysItsRowIsBehindAndHowToBringItUpToDate() async throws {
        try await offThePool { try Self.sendSteps() }
    }

    static func sendSteps() throws {
        let scratch = Scratch()
        let server = SandboxServer(options: SandboxOptions(taskSeconds: 0.2))
        let url = try server.start()
        defer { server.stop() }
        let home = try damagedHistory(in: scratch)
        let example = home + "-example.json"
        try BundledExamples.controlNetJSON.write(toFile: example, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: example) }

        let send = try zqt(["send", example, "--endpoint", "controlnet", "--json"], home: home,
                           extra: ["ZQT_BASE_URL": url, "ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"])
        #expect(send.status == 0, "the task succeeded: \(send.stderr)")
        let idTask = try #require(try JSONParser.parse(send.stdout)["id_task"]?.stringValue, "\(send.stdout)")
        #expect(try state(idTask, home: home) != "succeeded", "the damage kept its end out of its row")
        #expect(send.stderr.contains("the history is behind for 1 task (the history file is damaged"), "\(send.stderr)")
        #expect(send.stderr.contains("zqt history recover") && send.stderr.contains("zqt query ID"), "\(send.stderr)")
        #expect(send.stderr.contains(idTask), "the task named: \(send.stderr)")

        // An in-process sandbox's stop closes its open rows: not this one, which succeeded.
        let sandboxed = try zqt(["send", example, "--endpoint", "controlnet", "--json", "--sandbox"], home: home)
        #expect(sandboxed.status == 0, "\(sandboxed.stderr)")
        let sandboxTask = try #require(try JSONParser.parse(sandboxed.stdout)["id_task"]?.stringValue, "\(sandboxed.stdout)")
        #expect(try state(sandboxTask, home: home) != "failed", "never marked failed for want of its state: \(sandboxed.stderr)")
        #expect(sandboxed.stderr.contains("the history is behind for 1 task (the history file is damaged"), "\(sandboxed.stderr)")
        #expect(sandboxed.stderr.contains("not marked failed; how each ended is said above"), "\(sandboxed.stderr)")
    }
}
