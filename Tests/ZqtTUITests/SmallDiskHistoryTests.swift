import Foundation
import TestScratch
import Synchronization
import Model
import Testing
@testable import ZqtTUI

/// Issue 21 re-checked by a newcomer (disk21d): a small disk and zqt's own
/// history on it. The write-ahead log must not fill the disk by itself; a
/// disk full before zqt starts still shows every row; a newer zqt's history
/// refuses the send on the screen as `zqt send` refuses it.
@Suite(.serialized) struct SmallDiskHistoryTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/text2image.json").path

    /// The newcomer's run: 20 combinations, 4 at a time, on a 2 MB disk with
    /// nothing else on it. SQLite checkpointed its log only at 4 MB, so the
    /// log alone filled the disk (history.sqlite one page, -wal 2 MB) and 14
    /// combinations were not sent. Now the log stays small: all 20 are sent,
    /// each with its row.
    @Test(.needsMount)
    func aTwentyTaskSweepOnATwoMegabyteDiskSendsAllAndKeepsEveryRow() async throws {
        try await offThePool {
            let disk = try SmallDisk(kilobytes: 2048)
            defer { disk.unmount() }
            let home = disk.path + "/w"
            let log = home + "/" + HistoryStore.fileName + "-wal"
            let peak = Mutex<Int64>(0)
            let watching = Atomic<Bool>(true)
            let watcher = Thread {
                while watching.load(ordering: .relaxed) {
                    var info = stat()
                    if stat(log, &info) == 0 { peak.withLock { $0 = max($0, Int64(info.st_size)) } }
                    usleep(20_000)
                }
            }
            watcher.start()
            let seeds = (1...20).map(String.init).joined(separator: ",")
            let run = try ZqtBinary.run(["send", Self.example, "--sandbox", "--sweep", "seed=" + seeds, "--parallel", "4"],
                                        environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": disk.path + "-config"], timeout: 240)
            watching.store(false, ordering: .relaxed)
            let largest = peak.withLock { $0 }
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(!run.stdout.contains("not sent") && !run.stderr.contains("not sent"), "\(run.stdout)\n\(run.stderr)")
            let db = try SQLiteConnection(path: home + "/" + HistoryStore.fileName, create: false, readOnly: true)
            #expect(try db.scalar("SELECT count(*) FROM submission") == 20, "every accepted task has its row")
            #expect(try db.scalar("SELECT count(*) FROM submission WHERE state = 'succeeded'") == 20, "each row says how it ended")
            // The default log would have grown to the whole disk; bounded, it is copied back every 256 KB.
            #expect(largest < 1_048_576, "the log peaked at \(largest) bytes")
            print("disk21d: the log's peak on the 2 MB disk: \(largest) bytes")
        }
    }

    /// A disk filled (dd) under a history holding rows, before zqt starts:
    /// SQLite cannot open it even to read ("disk I/O error"), and the
    /// newcomer saw no row anywhere. Now it is read as a read-only folder's
    /// history is: listed, exported, counted; a send refused, in the disk's words.
    @Test(.needsMount)
    func aHistoryOnAFullDiskIsReadAndRefusesTheSend() async throws {
        try await offThePool {
            let disk = try SmallDisk(kilobytes: 4096)
            defer { disk.unmount() }
            let home = disk.path + "/w"
            do {
                let store = try HistoryStore.open(inFolder: home)
                for index in 0..<3 {
                    var request = Request.new(for: .controlNet, taskID: "zqt-full-\(index)")
                    request["prompt"] = .string("a quay on a full disk \(index)")
                    _ = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "p")
                }
            }
            try disk.fill()
            let environment = ["ZQT_HOME": home, "XDG_CONFIG_HOME": disk.path + "-config"]

            let list = try ZqtBinary.run(["history", "list"], environment: environment)
            #expect(list.status == 0, "\(list.stdout)\n\(list.stderr)")
            #expect(list.stdout.contains("a quay on a full disk 2") && list.stdout.contains("a quay on a full disk 0"), "\(list.stdout)")
            #expect(list.stderr.contains("The history cannot be written (the disk is full): rows are shown; nothing new can be kept, so nothing is sent"),
                    "\(list.stderr)")
            let export = try ZqtBinary.run(["history", "export"], environment: environment)
            #expect(export.status == 0 && export.stdout.contains("zqt-full-1"), "\(export.stdout)\n\(export.stderr)")

            let body = disk.path + "-body.json"
            try #"{"prompt": "a harbour", "steps": 4, "width": 64, "height": 64}"#.write(toFile: body, atomically: true, encoding: .utf8)
            defer { unlink(body) }
            let send = try ZqtBinary.run(["send", body, "--endpoint", "text2image", "--sandbox", "--no-wait"], environment: environment)
            #expect(send.status == 4, "\(send.stdout)\n\(send.stderr)")
            #expect(send.stderr.contains("nothing was sent: the disk is full"), "\(send.stderr)")

            // The screen: its rows there, its words the same, the send refused.
            let store = try HistoryStore.open(inFolder: home)
            let readOnly = try #require(store.readOnly)
            #expect(readOnly.diskFault == .full)
            #expect(try store.count() == 3)
            var state = makeState(width: 200)
            Reducer.historyOpenedReadOnly(&state, readOnly, path: store.path)
            #expect(state.status?.text.hasPrefix("The history cannot be written (the disk is full): rows are shown") == true,
                    "\(state.status?.text ?? "")")
            var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
            request["prompt"] = .string("a quay on a full disk")
            // Nothing leaves: the history is only asked again whether the disk has room (left21), and it has none.
            #expect(Reducer.send(&state, request, note: "Sending") == [.retryWritableHistory(request, note: "Sending")], "nothing leaves")
            #expect(!store.becomeWritableIfRoom() && store.readOnly != nil, "still full: still read-only")
            #expect(state.status?.text.hasPrefix("Send failed: nothing was sent: the disk is full") == true, "\(state.status?.text ?? "")")
        }
    }

    /// A newer zqt's history, on the screen: its rows shown, F5 and the
    /// form's send refused in `zqt send`'s words (it sent, unkept, before).
    @Test func aNewerZqtsHistoryRefusesTheScreensSend() throws {
        let scratch = Scratch()
        let home = scratch.path("zqt-newer-screen")
        do {
            var request = Request.new(for: .controlNet, taskID: "zqt-newer-row")
            request["prompt"] = .string("a row a newer zqt kept")
            _ = try HistoryStore.open(inFolder: home).recordSending(request, baseURL: "http://127.0.0.1:1", profile: "p")
        }
        try SQLiteConnection(path: home + "/" + HistoryStore.fileName).execute("PRAGMA user_version = \(HistorySchema.currentVersion + 1)")
        let store = try HistoryStore.open(inFolder: home)
        let readOnly = try #require(store.readOnly)
        #expect(try store.count() == 1, "its rows are read")
        var state = makeState(width: 240)
        Reducer.historyOpenedReadOnly(&state, readOnly, path: store.path)
        let said = state.status?.text ?? ""
        #expect(said.contains("newer zqt") && said.contains("nothing is sent") && said.contains("ZQT_HOME"), "\(said)")
        var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        request["prompt"] = .string("a quay beside a newer history")
        state.request = request
        #expect(Reducer.send(&state, request, note: "Sending").isEmpty, "nothing leaves")
        #expect(!state.submitting)
        let refused = state.status?.text ?? ""
        #expect(refused.hasPrefix("Send failed: nothing was sent: the history cannot keep its row (") && refused.contains("newer zqt"),
                "\(refused)")
        #expect(state.request == request, "the request stays in the form")
    }
}
