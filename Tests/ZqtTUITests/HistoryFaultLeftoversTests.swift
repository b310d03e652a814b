import Foundation
import TestScratch
import Model
import Testing

/// A newcomer's findings after issue 21 (left21): what `zqt history list`,
/// `zqt history recover` and `zqt send` say over a damaged history, and what a
/// finished `zqt send` leaves beside it. Each runs the real binary.
@Suite struct HistoryFaultLeftoversTests {
    static func overwrite(page: Int, of path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: UInt64(page * 4096))
        handle.write(Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }))
        try handle.close()
    }

    static func stderrLines(_ output: ChildProcess.Output) -> [Substring] {
        output.stderr.split(separator: "\n")
    }

    /// Pages 3, 8 or 12 overwritten: `check` says damaged, and the list says so too (once, on stderr),
    /// whether its rows met the damage or not, while it still lists what it can.
    @Test func theListWarnsOnceWheneverTheFileIsDamaged() async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = try HistoryRepairCommandTests.home(in: scratch)
            let path = home + "/" + HistoryStore.fileName
            try HistoryRepairCommandTests.fill(home, prefix: "zqt-left21")
            let sound = try #require(FileManager.default.contents(atPath: path))
            let clean = try HistoryRepairCommandTests.zqt(["history", "list", "--limit", "500"], home: home)
            #expect(clean.status == 0 && !clean.stderr.contains("damaged"), "a sound history lists without a word of damage: \(clean.stderr)")
            var listedWhole = 0
            for page in [3, 8, 12] {
                try sound.write(to: URL(fileURLWithPath: path))
                try Self.overwrite(page: page, of: path)
                #expect(try HistoryRepairCommandTests.zqt(["history", "check"], home: home).status == 2, "page \(page): check says damaged")
                let list = try HistoryRepairCommandTests.zqt(["history", "list", "--limit", "500"], home: home)
                let rows = list.stdout.split(separator: "\n")
                #expect(!rows.isEmpty, "page \(page): what can be read is listed")
                #expect(list.stderr.localizedCaseInsensitiveContains("damaged") && list.stderr.contains("zqt history recover"),
                        "page \(page): the list says the file is damaged: \(list.stderr)")
                #expect(!list.stderr.contains("***"), "page \(page): SQLite's own lines only behind `check`: \(list.stderr)")
                if list.status == 0 {
                    // Every row read: the damage is elsewhere, said once as a warning (the newcomer's case).
                    listedWhole += 1
                    #expect(rows.count == 400, "page \(page): \(rows.count) rows")
                    #expect(Self.stderrLines(list).count == 1, "page \(page): said once: \(list.stderr)")
                    #expect(list.stderr.hasPrefix("warning: the history file is damaged (SQLite finds "), "\(list.stderr)")
                }
            }
            #expect(listedWhole > 0, "at least one of the pages is one no listed row needs, as the newcomer found")
        }
    }

    /// The send's warning says the damage in our words: how many problems, what to run, not SQLite's raw lines.
    @Test func theSendsDamageWarningIsInOurWords() async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = try HistoryRepairCommandTests.home(in: scratch)
            let path = home + "/" + HistoryStore.fileName
            try HistoryRepairCommandTests.fill(home, prefix: "zqt-left21-send")
            try Self.overwrite(page: 8, of: path)
            let check = try HistoryRepairCommandTests.zqt(["history", "check"], home: home)
            #expect(check.status == 2)
            let send = try ZqtBinary.run(["send", "--sandbox"], environment: ["ZQT_HOME": home], timeout: 120)
            let warning = try #require(Self.stderrLines(send).first { $0.contains("damaged") }, "the send says the damage: \(send.stderr)")
            #expect(warning.contains("the history file is damaged (SQLite finds ") && warning.contains(" problem"), "\(warning)")
            #expect(warning.contains("`zqt history check` says what is wrong"), "\(warning)")
            #expect(!send.stderr.contains("***") && !send.stderr.contains("in database main") && !send.stderr.contains("btree"),
                    "SQLite's raw check text stays behind `zqt history check`: \(send.stderr)")
        }
    }

    /// A file SQLite cannot read at all: `recover` says so, why, exits 2, and leaves the file where it was.
    @Test func recoveringAFileThatCannotBeReadFailsAndLeavesIt() async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = try HistoryRepairCommandTests.home(in: scratch)
            let path = home + "/" + HistoryStore.fileName
            let junk = Data((0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
            try junk.write(to: URL(fileURLWithPath: path))
            let recover = try HistoryRepairCommandTests.zqt(["history", "recover"], home: home)
            #expect(recover.status == 2, "not a success: \(recover.stdout) \(recover.stderr)")
            #expect(!recover.stdout.contains("recovered"), "\(recover.stdout)")
            #expect(recover.stderr.contains("could not be read at all (file is not a database)"), "\(recover.stderr)")
            #expect(FileManager.default.contents(atPath: path) == junk, "the file is left as it was")
            let left = try FileManager.default.contentsOfDirectory(atPath: home)
            #expect(!left.contains { $0.contains(".damaged-") || $0.contains(".recovering-") }, "nothing made or moved: \(left)")
        }
    }

    /// A finished `zqt send` closes the history: only the database (and the in-use mark) stays beside it.
    @Test func aFinishedSendLeavesNoLogBesideTheHistory() async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = try HistoryRepairCommandTests.home(in: scratch)
            for round in 1...2 {
                let send = try ZqtBinary.run(["send", "--sandbox"], environment: ["ZQT_HOME": home], timeout: 120)
                #expect(send.status == 0, "round \(round): \(send.stderr)")
                let left = try FileManager.default.contentsOfDirectory(atPath: home)
                #expect(left.contains(HistoryStore.fileName))
                #expect(!left.contains(HistoryStore.fileName + "-wal") && !left.contains(HistoryStore.fileName + "-shm"),
                        "round \(round): the log was copied back and removed: \(left.sorted())")
            }
            let list = try HistoryRepairCommandTests.zqt(["history", "list"], home: home)
            #expect(list.status == 0 && list.stdout.split(separator: "\n").count == 2, "both rows kept: \(list.stdout)")
        }
    }
}
