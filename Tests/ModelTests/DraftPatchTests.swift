import Foundation
import Testing
@testable import Model

/// A key typed into a saved draft writes one small row, not the pieces it
/// falls in and the row listing every piece (issue 18, wal18): SQLite's log
/// takes whole 4 KB pages, and the draft's save was five of them a key.
@Suite struct DraftPatchTests {
    /// Bytes SQLite's log took for `body`, from an empty log.
    static func logBytes(_ history: TemporaryHistory, _ store: HistoryStore, _ body: () throws -> Void) throws -> Int {
        try store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let before = (try? FileManager.default.attributesOfItem(atPath: history.path + "-wal")[.size] as? Int) ?? 0
        #expect(before == 0)
        try body()
        return (try FileManager.default.attributesOfItem(atPath: history.path + "-wal")[.size] as? Int) ?? 0
    }

    static func draft(_ prompt: String, typed: [String: String] = [:]) -> ComposeDraft {
        ComposeDraft(endpoint: .controlNet, requestJSON: HistoryStoreTests.request(prompt, idTask: "zqt-patch").wireJSON, fieldDrafts: typed)
    }

    @Test func aKeyInAMegabytePromptWritesOnePageAndLoadsAsTyped() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        var prompt = String(repeating: "masterpiece, 一个女孩在雨中, film grain, ", count: 25_000)
        try store.saveDraft(Self.draft(prompt))
        for character in "a lighthouse, 灯塔" {
            prompt.append(character)
            let draft = Self.draft(prompt, typed: ["steps": "2o"])
            let bytes = try Self.logBytes(history, store) { try store.saveDraft(draft) }
            // The log's header and one frame: a page and its 24-byte header.
            #expect(bytes <= 32 + 4096 + 24, "a key's save took \(bytes) bytes of the log")
            let loaded = try #require(try history.open().loadDraft())
            #expect(loaded.hasSameContent(as: draft))
        }
        // In the middle of the text too, and a key taken back.
        prompt.insert("x", at: prompt.index(prompt.startIndex, offsetBy: 300_000))
        try store.saveDraft(Self.draft(prompt))
        prompt.remove(at: prompt.index(prompt.startIndex, offsetBy: 300_000))
        try store.saveDraft(Self.draft(prompt))
        #expect(try history.open().loadDraft()?.hasSameContent(as: Self.draft(prompt)) == true)
    }

    @Test func anEmptyFormsKeyWritesOnePageAndAnUnchangedFormNothing() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        try store.saveDraft(Self.draft(""))
        let key = try Self.logBytes(history, store) { try store.saveDraft(Self.draft("a")) }
        #expect(key <= 32 + 4096 + 24, "a key's save took \(key) bytes of the log")
        let again = try Self.logBytes(history, store) { try store.saveDraft(Self.draft("a")) }
        #expect(again == 0, "an unchanged form wrote \(again) bytes")
    }

    @Test func typingPastThePatchSavesPiecesAgainAndLeavesNoneBehind() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        var prompt = String(repeating: "soft light, 灯塔, ", count: 8_000)
        try store.saveDraft(Self.draft(prompt))
        for index in 0..<(DraftPatch.limit * 3) {
            prompt.append(index % 7 == 0 ? "灯" : "a")
            try store.saveDraft(Self.draft(prompt))
            if index % 97 == 0 { #expect(try history.open().loadDraft()?.hasSameContent(as: Self.draft(prompt)) == true) }
        }
        #expect(try history.open().loadDraft()?.hasSameContent(as: Self.draft(prompt)) == true)
        // What the history holds: the pieces the row names, and at most its patch.
        let rows = try store.read { db throws(SQLiteError) in try db.run("SELECT request_pieces, drafts_pieces FROM draft") }
        var named: [String] = []
        for row in rows {
            let lists: String = (row.text(0) ?? "") + " " + (row.text(1) ?? "")
            named += lists.split(separator: " ").map { String($0) }
        }
        let stored = try DraftPiecesTests.pieceKeys(store)
        #expect(stored.subtracting([DraftPatch.key(slot: "compose")]) == Set(named))
    }

    @Test func anotherZqtsSaveOfTheSlotIsNeverPatched() throws {
        let history = TemporaryHistory()
        let store = try history.open(), other = try history.open()
        try store.saveDraft(Self.draft("a lighthouse"))
        try store.saveDraft(Self.draft("a lighthouse at"))
        // Another zqt saves the slot in pieces of its own; this one's next key must not patch its text.
        try other.saveDraft(Self.draft("rain over the harbour"))
        try store.saveDraft(Self.draft("a lighthouse at dusk"))
        #expect(try history.open().loadDraft()?.hasSameContent(as: Self.draft("a lighthouse at dusk")) == true)
        // A patch whose base another zqt replaced (one that knows no patches) is not applied.
        try store.saveDraft(Self.draft("a lighthouse at dusk!"))
        try store.write { db throws(SQLiteError) in
            try db.run("UPDATE draft SET request_pieces = NULL, request_json = ? WHERE slot = 'compose'", [.text(Self.draft("old").requestJSON)])
        }
        #expect(try history.open().loadDraft()?.requestJSON == Self.draft("old").requestJSON)
    }

    @Test func aPatchRowReadsBackAndNonsenseIsIgnored() {
        let change = DraftPatch.change(from: "一个女孩 at dusk", to: "一个男孩 at dusk")
        #expect(change != nil)
        #expect(change.flatMap { DraftPatch.apply($0, to: "一个女孩 at dusk") } == "一个男孩 at dusk")
        let patch = DraftPatch(request: change!, drafts: DraftPatch.Change(prefix: 2, suffix: 0, baseCount: 2, middle: "\"x\":\"灯\"}"),
                               base: "abc", savedAt: 1_796_000_000.5)
        #expect(DraftPatch(text: patch.text) == patch)
        for nonsense in ["", "1 abc", "1 abc 0 1 2 3 4 5 6 7\n", "2 abc 0 0 0 0 0 0 0 0\n", "1 abc 0 0 0 0 99 0 0 0\nshort"] {
            #expect(DraftPatch(text: nonsense) == nil)
        }
        #expect(DraftPatch.apply(DraftPatch.Change(prefix: 4, suffix: 4, baseCount: 5, middle: ""), to: "abcde") == nil)
        #expect(DraftPatch.change(from: "", to: String(repeating: "x", count: DraftPatch.limit + 1)) == nil)
    }
}
