import Foundation
import Testing
@testable import Model

/// A damaged or newer history (issue 21): zqt says what is wrong, never
/// rewrites the file, and `recover` copies what SQLite can still read.
@Suite struct HistoryRepairTests {
    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// A closed history of `count` rows (the log checkpointed into the file as the last connection closed).
    static func filled(_ history: TemporaryHistory, count: Int) throws -> [Int: String] {
        var prompts: [Int: String] = [:]
        let store = try history.open()
        try store.inOneTransaction {
            for index in 0..<count {
                let prompt = "lighthouse \(index) " + String(repeating: "waves crashing on rocks at dusk, ", count: 8)
                prompts[try store.recordSending(HistoryStoreTests.request(prompt), baseURL: "http://127.0.0.1:1", profile: "p")] = prompt
            }
        }
        return prompts
    }

    /// Overwrites page `page` (1-based) of the file with junk, as a bad disk or a stray write would.
    static func damage(_ path: String, page: Int, pageSize: Int = 4096) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: UInt64((page - 1) * pageSize))
        handle.write(Data((0..<pageSize).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }))
        try handle.close()
    }

    @Test func aSoundHistoryChecksOkAndIsNotRecovered() throws {
        let history = TemporaryHistory()
        #expect(HistoryRepair.check(path: history.path) == .missing)
        _ = try Self.filled(history, count: 3)
        #expect(HistoryRepair.check(path: history.path) == .healthy(schema: HistorySchema.currentVersion, submissions: 3))
    }

    @Test func aDamagedPageIsFoundAndTheReadableRowsAreRecoveredIntoANewFile() throws {
        let history = TemporaryHistory()
        let prompts = try Self.filled(history, count: 600)
        let size = try #require(Self.bytes(history.path)).count
        try Self.damage(history.path, page: size / 4096 * 2 / 3)
        let damaged = try #require(Self.bytes(history.path))

        guard case let .damaged(problems) = HistoryRepair.check(path: history.path) else {
            Issue.record("the check must find the damage: \(HistoryRepair.check(path: history.path))")
            return
        }
        #expect(!problems.isEmpty)
        #expect(Self.bytes(history.path) == damaged, "checking writes nothing")

        let result = try HistoryRepair.recover(path: history.path, stamp: "test")
        #expect(result.keptAside == history.path + ".damaged-test")
        #expect(Self.bytes(result.keptAside) == damaged, "the damaged file is kept as it was")
        let copied = result.copied["submission"] ?? 0
        #expect(copied > 300 && copied <= 600, "most rows survive one bad page (\(copied))")

        #expect(HistoryRepair.check(path: history.path) == .healthy(schema: HistorySchema.currentVersion, submissions: copied))
        let store = try history.open()
        let rows = try store.list(limit: 1000)
        #expect(rows.count == copied)
        for row in rows { #expect(prompts[row.id] == row.prompt, "row \(row.id) came back as it was") }
        // The search indexes were rebuilt: the filter finds a recovered row by a word and by a trigram.
        let some = try #require(rows.first)
        let word = try #require(some.prompt.split(separator: " ").dropFirst().first).description
        #expect(try store.list(filter: "lighthouse \(word)", limit: 10).contains { $0.id == some.id })
        // And it takes new rows.
        _ = try store.recordSending(HistoryStoreTests.request("after the recovery"), baseURL: "http://127.0.0.1:1", profile: "p")
    }

    @Test func aFileThatIsNotADatabaseIsSaidSoAndLeftAlone() throws {
        let history = TemporaryHistory()
        try FileManager.default.createDirectory(atPath: history.folder, withIntermediateDirectories: true)
        let junk = Data(repeating: 0x41, count: 10_000)
        try junk.write(to: URL(fileURLWithPath: history.path))
        guard case .notADatabase = HistoryRepair.check(path: history.path) else {
            Issue.record("\(HistoryRepair.check(path: history.path))")
            return
        }
        do throws(HistoryError) {
            _ = try history.open()
            Issue.record("a file that is not a database must not open")
        } catch {
            #expect(error.message.contains("zqt history recover"), "the message says what to do: \(error.message)")
        }
        #expect(Self.bytes(history.path) == junk)
    }

    @Test func aTruncatedHistoryIsFoundDamaged() throws {
        let history = TemporaryHistory()
        _ = try Self.filled(history, count: 300)
        let size = try #require(Self.bytes(history.path)).count
        #expect(truncate(history.path, off_t(size / 2)) == 0)
        let finding = HistoryRepair.check(path: history.path)
        #expect(!(finding == .healthy(schema: HistorySchema.currentVersion, submissions: 300)), "\(finding)")
        let result = try HistoryRepair.recover(path: history.path, stamp: "cut")
        #expect((result.copied["submission"] ?? 0) > 0, "the first half's rows come back")
        #expect(HistoryRepair.check(path: history.path) == .healthy(schema: HistorySchema.currentVersion, submissions: result.copied["submission"] ?? 0))
    }

    @Test func aNewerZqtsHistoryIsReadButNeverWritten() throws {
        let history = TemporaryHistory()
        let prompts = try Self.filled(history, count: 2)
        do {
            let newer = try SQLiteConnection(path: history.path)
            try newer.execute("CREATE TABLE future (x); PRAGMA user_version = 99")
        }
        let before = try #require(Self.bytes(history.path))
        let store = try history.open()
        #expect(store.readOnly == HistoryReadOnly(found: 99, known: HistorySchema.currentVersion))
        #expect(Set(try store.list().map(\.prompt)) == Set(prompts.values), "its rows are read")
        #expect(throws: HistoryError.newerSchema(path: history.path, found: 99, known: HistorySchema.currentVersion)) {
            try store.recordSending(HistoryStoreTests.request("new"), baseURL: "http://x", profile: "p")
        }
        #expect(throws: HistoryError.self) { try store.saveDraft(ComposeDraft(endpoint: .controlNet, requestJSON: "{}", fieldDrafts: [:]), slot: "x") }
        #expect(HistoryRepair.check(path: history.path) == .newer(schema: 99, known: HistorySchema.currentVersion, submissions: 2))
        #expect(Self.bytes(history.path) == before, "not a byte changed")
    }

    @Test func aLogWithoutItsDatabaseIsNeverResetAndCanBeRecovered() throws {
        let history = TemporaryHistory()
        let stray = TemporaryHistory()
        try FileManager.default.createDirectory(atPath: stray.folder, withIntermediateDirectories: true)
        // While the history is open its rows are in the log; the log is copied alone, as if the database were lost.
        // The log holds the whole history only until its first checkpoint (every 64 pages since disk21d): none here.
        let store = try history.open()
        try store.connection.execute("PRAGMA wal_autocheckpoint = 0")
        var prompts: Set<String> = []
        for index in 0..<5 {
            let prompt = "harbour at night \(index)"
            _ = try store.recordSending(HistoryStoreTests.request(prompt), baseURL: "http://x", profile: "p")
            prompts.insert(prompt)
        }
        try FileManager.default.copyItem(atPath: history.path + "-wal", toPath: stray.path + "-wal")
        let log = try #require(Self.bytes(stray.path + "-wal"))

        #expect(throws: HistoryError.journalWithoutDatabase(path: stray.path, journal: stray.path + "-wal")) { try stray.open() }
        #expect(Self.bytes(stray.path + "-wal") == log, "the log is left as it was")
        #expect(!FileManager.default.fileExists(atPath: stray.path), "no empty database was made beside it")
        #expect(HistoryRepair.check(path: stray.path) == .journalWithoutDatabase(journal: stray.path + "-wal"))

        let result = try HistoryRepair.recover(path: stray.path, stamp: "log")
        #expect(Self.bytes(stray.path + ".damaged-log-wal") == log)
        let recovered = try stray.open()
        #expect(Set(try recovered.list().map(\.prompt)) == prompts, "\(result)")
    }
}
