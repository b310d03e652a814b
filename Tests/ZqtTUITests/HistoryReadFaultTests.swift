import Foundation
@testable import Model
import Sandbox
import Testing
@testable import ZqtTUI

/// Issue 21, a newcomer's findings on READING a history the disk is not on
/// zqt's side about, each fault made for real (a page overwritten in the file,
/// a read-only bind mount): `zqt send` into a damaged file, `zqt history
/// list` over damage by its newest rows, a read-only home, and the screen's
/// list when the file is damaged under it.
@Suite(.serialized) struct HistoryReadFaultTests {
    /// A history of `count` rows whose prompts carry a marker each, so the
    /// page a row sits on can be found in the file and overwritten.
    struct MarkedHistory {
        let home: String
        let count: Int
        var path: String { home + "/" + HistoryStore.fileName }

        static func marker(_ index: Int) -> String { "ZQTROW-\(String(repeating: "0", count: max(0, 4 - String(index).count)))\(index)-" }
        static func idTask(_ index: Int) -> String { "zqt-histread-\(index)" }

        init(count: Int = 120, home: String? = nil) throws {
            self.home = home ?? NSTemporaryDirectory() + "zqt-histread-\(UUID().uuidString)"
            self.count = count
            try FileManager.default.createDirectory(atPath: self.home, withIntermediateDirectories: true)
            let store = try HistoryStore.open(inFolder: self.home)
            try store.inOneTransaction {
                for index in 0..<count {
                    var request = Request.new(for: .controlNet, taskID: Self.idTask(index))
                    request["prompt"] = .string("harbour \(Self.marker(index)) " + String(repeating: "boats under a grey sky, ", count: 6))
                    let id = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "p")
                    // Finished rows: no zqt follows them, so no screen writes to their pages.
                    try store.recordSendFailed(id: id, error: "refused")
                }
            }
        }

        func remove() { try? FileManager.default.removeItem(atPath: home) }

        /// Overwrites the table page holding row `index` (a leaf of the submission
        /// table: its rows' own bytes); the markers of the rows it held.
        @discardableResult
        func damageRow(_ index: Int) throws -> [Int] {
            var bytes = try #require(FileManager.default.contents(atPath: path))
            let pageSize = 4096
            let wanted = Data(Self.marker(index).utf8)
            // The table's live leaves (SQLite's dbstat, 1-based): a free page may still hold a row's old bytes.
            let leaves = try SQLiteConnection(path: path, create: false, readOnly: true)
                .run("SELECT pageno FROM dbstat WHERE name = 'submission' AND pagetype = 'leaf'").compactMap { $0.int(0) }
            func holdsRow(_ page: Int) -> Bool {
                guard page > 0, (page + 1) * pageSize <= bytes.count else { return false }
                return bytes[page * pageSize..<(page + 1) * pageSize].range(of: wanted) != nil
            }
            let found: Int? = leaves.map { $0 - 1 }.first(where: holdsRow)
            let page = try #require(found, "the table page of row \(index)")
            let content = Data(bytes[page * pageSize..<(page + 1) * pageSize])
            let held = (0..<count).filter { content.range(of: Data(Self.marker($0).utf8)) != nil }
            bytes.replaceSubrange(page * pageSize..<(page + 1) * pageSize,
                                  with: Data((0..<pageSize).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }))
            // In place, as `dd conv=notrunc` does: a screen that has the file open keeps reading this one.
            let handle = try #require(FileHandle(forWritingAtPath: path))
            try handle.seek(toOffset: UInt64(page * pageSize))
            handle.write(bytes[page * pageSize..<(page + 1) * pageSize])
            try handle.close()
            return held
        }
    }

    static func zqt(_ arguments: [String], home: String, extra: [String: String] = [:]) throws -> ChildProcess.Output {
        try ZqtBinary.run(arguments, environment: ["ZQT_HOME": home].merging(extra) { _, new in new })
    }

    // MARK: 2. `zqt history list` over damage

    @Test func historyListReadsEveryRowItCanPastDamageByTheNewestRowsSaysHowManyItCouldNotAndExitsTwo() async throws {
        try await offThePool {
            let history = try MarkedHistory()
            defer { history.remove() }
            let lost = try history.damageRow(history.count - 2)
            #expect(!lost.isEmpty)

            let list = try Self.zqt(["history", "list", "--limit", "20"], home: history.home)
            #expect(list.status == 2, "exit 2, as for any damaged history (docs/exit-codes.md): \(list.stderr)")
            let lines = list.stdout.split(separator: "\n")
            #expect(lines.count == 20, "every row it can read, up to the limit: \(list.stdout)")
            for index in lost { #expect(!list.stdout.contains(MarkedHistory.idTask(index) + "\t"), "row \(index) cannot be read") }
            let newestRead = try #require((0..<history.count).last { !lost.contains($0) })
        #expect(lines.first?.hasPrefix(MarkedHistory.idTask(newestRead) + "\t") == true, "newest first: \(list.stdout)")
            let unreadable = lost.count == 1 ? "1 row could not be read" : "\(lost.count) rows could not be read"
            #expect(list.stderr.contains("The history file is damaged: \(unreadable)"), "\(list.stderr)")
            #expect(list.stderr.contains("zqt history check") && list.stderr.contains("zqt history recover"), "\(list.stderr)")

            let json = try Self.zqt(["history", "list", "--json", "--limit", "20"], home: history.home)
            #expect(json.status == 2)
            #expect(json.stdout.split(separator: "\n").count == 20, "\(json.stdout)")
            // A filter goes through its index, which the damage did not touch.
            let filtered = try Self.zqt(["history", "list", "--filter", "harbour"], home: history.home)
            #expect(filtered.status == 2, "\(filtered.stderr)")
            #expect(filtered.stdout.split(separator: "\n").count == 50, "\(filtered.stdout)")
            // `show` reads the rows the list printed; `export` writes every row that reads whole.
            #expect(try Self.zqt(["history", "show", MarkedHistory.idTask(3)], home: history.home).status == 0)
            let export = try Self.zqt(["history", "export"], home: history.home)
            #expect(export.status == 2, "\(export.stderr)")
            #expect(export.stdout.split(separator: "\n").count == history.count - lost.count, "\(export.stderr)")
        }
    }

    // MARK: 1. `zqt send` into a damaged history

    @Test func zqtSendIntoADamagedHistorySaysSoOnceAndSendsNothingWhenItsRowCannotBeWritten() async throws {
        try await offThePool { try Self.sendIntoDamageSteps() }
    }

    static func sendIntoDamageSteps() throws {
        let server = SandboxServer(options: SandboxOptions(taskSeconds: 0.2))
        let url = try server.start()
        defer { server.stop() }
        let history = try MarkedHistory(count: 60)
        defer { history.remove() }
        let example = history.home + "-example.json"
        try BundledExamples.controlNetJSON.write(toFile: example, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: example) }
        let environment = ["ZQT_BASE_URL": url, "ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"]

        // Damage among old rows: the new row still goes in, and the damage is said once, with what to do.
        try history.damageRow(5)
        let kept = try zqt(["send", example, "--endpoint", "controlnet", "--json"], home: history.home, extra: environment)
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(kept.stderr.components(separatedBy: "the history file is damaged").count == 2, "said once: \(kept.stderr)")
        #expect(kept.stderr.contains("zqt history check") && kept.stderr.contains("zqt history recover"), "\(kept.stderr)")
        let idTask = try #require(try JSONParser.parse(kept.stdout)["id_task"]?.stringValue, "\(kept.stdout)")
        let store = try HistoryStore.open(inFolder: history.home)
        #expect(try store.record(idTask: idTask)?.state == .succeeded, "the accepted task has its row, followed to its end")
        #expect(server.service.receivedSubmissions.count == 1)

        // Damage where the next row goes (the newest rows' page, in another history): the row cannot be
        // written, so nothing is sent.
        let full = try MarkedHistory(count: 60)
        defer { full.remove() }
        try full.damageRow(full.count - 1)
        let refused = try zqt(["send", example, "--endpoint", "controlnet", "--no-wait"], home: full.home, extra: environment)
        #expect(refused.status == 4, "exit 4: not sent for want of its row: \(refused.stderr)")
        #expect(refused.stderr.contains("nothing was sent") && refused.stderr.contains("zqt history recover"), "\(refused.stderr)")
        #expect(refused.stderr.components(separatedBy: "the history file is damaged").count == 2, "said once: \(refused.stderr)")
        #expect(server.service.receivedSubmissions.count == 1, "the refused send never left")
    }

    // MARK: 3. A read-only home

    @Test(.needsMount)
    func aReadOnlyHomeIsListedShownExportedAndCheckedAndSaysNothingNewCanBeKept() async throws {
        try await offThePool { try Self.readOnlyHomeSteps() }
    }

    static func readOnlyHomeSteps() throws {
        let disk = try SmallDisk(kilobytes: 8192)
        defer { disk.unmount() }
        let history = try MarkedHistory(count: 30, home: disk.path + "/home")
        let view = try disk.readOnlyView()
        let home = view + "/home"
        let server = SandboxServer(options: SandboxOptions(taskSeconds: 0.2))
        let url = try server.start()
        defer { server.stop() }

        let list = try zqt(["history", "list"], home: home)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.split(separator: "\n").count == history.count, "\(list.stdout)")
        #expect(list.stderr.contains("the folder is read-only") && list.stderr.contains("nothing new can be kept"), "\(list.stderr)")
        let show = try zqt(["history", "show", MarkedHistory.idTask(7)], home: home)
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains(MarkedHistory.marker(7)))
        let export = try zqt(["history", "export"], home: home)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.split(separator: "\n").count == history.count)

        let check = try zqt(["history", "check"], home: home)
        #expect(check.status == 0, "the file is sound: \(check.stdout) \(check.stderr)")
        #expect(check.stdout.hasPrefix("ok: "), "\(check.stdout)")
        #expect(check.stdout.contains("read-only: the folder is read-only"), "\(check.stdout)")
        let checkJSON = try zqt(["history", "check", "--json"], home: home)
        #expect(checkJSON.stdout.contains(#""read_only":"the folder is read-only""#), "\(checkJSON.stdout)")
        let recover = try zqt(["history", "recover"], home: home)
        #expect(recover.stdout.hasPrefix("nothing to recover"), "\(recover.stdout) \(recover.stderr)")

        // A send would leave no row: nothing is sent, in the words a full disk gets.
        let example = disk.path + "-example.json"
        try BundledExamples.controlNetJSON.write(toFile: example, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: example) }
        let send = try zqt(["send", example, "--endpoint", "controlnet", "--no-wait"], home: home,
                           extra: ["ZQT_BASE_URL": url, "ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"])
        #expect(send.status == 4, "exit 4, as a full disk: \(send.stderr)")
        #expect(send.stderr.contains("nothing was sent: the folder is read-only"), "\(send.stderr)")
        #expect(server.service.receivedSubmissions.isEmpty)

        // Damage in a read-only home: checked read-only, said so, and not recovered there.
        try history.damageRow(12)
        let damaged = try zqt(["history", "check"], home: home)
        #expect(damaged.status == 2)
        #expect(damaged.stdout.hasPrefix("damaged: "), "\(damaged.stdout)")
        #expect(damaged.stdout.contains("read-only: the folder is read-only"), "\(damaged.stdout)")
        let cannot = try zqt(["history", "recover"], home: home)
        #expect(cannot.status == 2)
        #expect(cannot.stderr.contains("cannot recover here: the folder is read-only"), "\(cannot.stderr)")
    }

    @Test(.needsMount, .needsTmux)
    func theScreenShowsAReadOnlyHomesHistoryAndSaysNothingNewCanBeKept() async throws {
        try await offThePool { try Self.readOnlyScreenSteps() }
    }

    static func readOnlyScreenSteps() throws {
        let disk = try SmallDisk(kilobytes: 8192)
        defer { disk.unmount() }
        _ = try MarkedHistory(count: 12, home: disk.path + "/home")
        let view = try disk.readOnlyView()
        let session = try TmuxSession(command: "TERM=xterm-256color ZQT_HOME=\(view)/home XDG_CONFIG_HOME=\(disk.path)-config "
                                          + "\(ZqtBinary.url.path) --sandbox", width: 160, height: 40)
        let start = try session.waitFor("the read-only history said at start") { $0.contains("The history is read-only here") }
        #expect(start.contains("the folder is read-only"), "\(start)")
        try session.send("F2")
        let list = try session.waitFor("the history's rows") { $0.contains(MarkedHistory.marker(11)) }
        #expect(list.contains("12 submissions"), "\(list)")
        #expect(!list.contains("History is not available"), "\(list)")
    }

    // MARK: 4. The screen's list over a file damaged while it runs

    @Test func aDamagedPageShowsTheRowsReadUnderALineThatSaysSoNeverNoHistory() throws {
        let history = try MarkedHistory(count: 40)
        defer { history.remove() }
        let store = try HistoryStore.open(inFolder: history.home)
        var state = makeState(width: 120, height: 30)
        _ = press(&state, .function(2))
        let clean = try #require(HistoryFilterQueue.page(store, .init(filter: "", before: nil, limit: 200), cancel: nil))
        _ = Reducer.reduce(&state, clean)
        #expect(state.history.rows.count == 40)

        // Damaged, then read again (as after a change): the rows it can read, and a line that says so.
        let lost = try history.damageRow(history.count - 1)
        let fresh = try HistoryStore.open(inFolder: history.home)
        let damaged = try #require(HistoryFilterQueue.page(fresh, .init(filter: "", before: nil, limit: 200), cancel: nil))
        _ = Reducer.reduce(&state, damaged)
        #expect(state.history.rows.count == 40 - lost.count, "the rows it can read")
        let screen = Screen.render(state).text
        #expect(screen.contains("History file damaged: \(lost.count == 1 ? "1 row" : "\(lost.count) rows") could not be read."), "\(screen)")
        let newestRead = try #require((0..<history.count).last { !lost.contains($0) })
        #expect(screen.contains(MarkedHistory.idTask(newestRead)), "the newest readable row is on screen: \(screen)")
        #expect(state.status?.text == Wording.historyDamagedNow, "said once on the status line")

        // Nothing readable at all: said, never "No submissions yet".
        var empty = makeState(width: 120, height: 30)
        _ = press(&empty, .function(2))
        var page = HistoryPage(filter: "", rows: [], matchCount: 0, countCapped: false, hasMore: false, appending: false)
        page.damaged = true
        page.unreadable = 3
        _ = Reducer.reduce(&empty, .historyLoaded(page))
        let nothing = Screen.render(empty).text
        #expect(!nothing.contains("No submissions yet"), "\(nothing)")
        #expect(nothing.contains("No row of the history could be read"), "\(nothing)")
    }

    /// Damage met by any other read or write while the list is on screen
    /// (a poll's write, the start's reads) reads the list again, past it.
    @Test func damageMetElsewhereReadsTheListAgainOnceAndKeepsTheLine() {
        var state = historyState([summary(3, "a cat"), summary(2, "a dog")])
        let effects = Reducer.reduce(&state, .historyDamaged("database disk image is malformed"))
        #expect(effects == [.loadHistory(filter: "", before: nil, limit: HistoryViewState.pageSize)], "read again, past the damage")
        #expect(state.history.damage == HistoryListDamage(unreadable: 0))
        #expect(Reducer.reduce(&state, .historyDamaged("again")).isEmpty, "once")
        let screen = Screen.render(state).text
        #expect(screen.contains("History file damaged: Quit, then `zqt history check` and `zqt history recover`."), "\(screen)")
        #expect(screen.contains("a cat") && screen.contains("a dog"))
    }

    @Test(.needsTmux)
    func aScreenWhoseHistoryIsDamagedWhileItRunsShowsTheRowsItCanReadAndSaysSo() async throws {
        try await offThePool { try Self.damagedWhileOpenSteps() }
    }

    static func damagedWhileOpenSteps() throws {
        let history = try MarkedHistory(count: 60)
        defer { history.remove() }
        let session = try TmuxSession(command: "TERM=xterm-256color ZQT_HOME=\(history.home) XDG_CONFIG_HOME=\(history.home)-config "
                                          + "\(ZqtBinary.url.path) --sandbox", width: 160, height: 40)
        try session.waitFor(text: "SANDBOX")
        try session.send("F2")
        try session.waitFor("the newest row") { $0.contains(MarkedHistory.idTask(history.count - 1)) }
        let lost = try history.damageRow(history.count - 1)
        // Another zqt writes (a model list read): the screen's connections read the file again at their next read.
        try HistoryStore.open(inFolder: history.home).saveModelList(
            ModelList(kind: .checkpoint, items: [ModelItem(name: "m")], fetchedAt: Date(), path: "/list"), service: "other")
        try session.send("F2")
        try session.waitFor(text: "F5 send")
        try session.send("F2")
        let screen = try session.waitFor("the damaged list") { $0.contains("History file damaged") }
        let newestRead = try #require((0..<history.count).last { !lost.contains($0) })
        #expect(screen.contains(MarkedHistory.idTask(newestRead)), "\(screen)")
        #expect(!screen.contains("No submissions yet"))
        for index in lost { #expect(!screen.contains(MarkedHistory.idTask(index) + " "), "\(screen)") }
    }
}
