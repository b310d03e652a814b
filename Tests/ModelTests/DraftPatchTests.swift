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
        // Past the rows a draft's edits may take (DraftPatch.maxRows rows of DraftPatch.limit bytes).
        for index in 0..<(DraftPatch.limit * (DraftPatch.maxRows + 2)) {
            prompt.append(index % 7 == 0 ? "灯" : "a")
            try store.saveDraft(Self.draft(prompt))
            if index % 397 == 0 { #expect(try history.open().loadDraft()?.hasSameContent(as: Self.draft(prompt)) == true) }
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
        #expect(stored.filter { !$0.hasPrefix(DraftPatch.key(slot: "compose")) } == Set(named))
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

    // MARK: Edits in several places (draftbytes18)

    /// A megabyte of prompt tags, English and Chinese, each numbered: no two
    /// pieces alike, as in a real prompt (repeated tags make repeated pieces).
    static func numberedPrompt(bytes: Int) -> String {
        let tags = ["masterpiece", "一个女孩在雨中", "film grain", "灯塔", "soft light", "highly detailed"]
        var text = "", index = 0
        while text.utf8.count < bytes {
            text += tags[index % tags.count] + " \(index), "
            index += 1
        }
        return text
    }

    /// The draft of a form whose request is `prompt` and a typed field: the
    /// store keeps the texts as given, so no JSON printing of a megabyte per key.
    static func rawDraft(_ prompt: String) -> ComposeDraft {
        ComposeDraft(endpoint: .controlNet, requestJSON: "{\"prompt\":\"" + prompt + "\",\"steps\":20}", fieldDrafts: ["seed": "12x"])
    }

    static func sameBytes(_ loaded: ComposeDraft?, _ expected: ComposeDraft) -> Bool {
        guard let loaded else { return false }
        return loaded.requestJSON.utf8.elementsEqual(expected.requestJSON.utf8) && loaded.fieldDrafts == expected.fieldDrafts
    }

    static let page = 4096 + 24

    /// The newcomer's case (issue 18): keys at the end, then the middle, then
    /// the start of a megabyte prompt, a save each. Each save writes one row
    /// of the edits, a page or so of the log; the draft after each place
    /// comes back byte for byte. Before, the first key in each new place cut
    /// the draft into pieces again: about 24 pages of the log.
    @Test func keysAtTheEndMiddleAndStartOfAMegabyteWriteOneSmallRowASave() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        var head = Self.numberedPrompt(bytes: 1 << 20), tail = ""
        try store.saveDraft(Self.rawDraft(head))
        for place in ["end", "middle", "start"] {
            let text = head + tail
            let split = place == "end" ? text.endIndex : place == "middle" ? text.index(text.startIndex, offsetBy: text.count / 2) : text.startIndex
            (head, tail) = (String(text[..<split]), String(text[split...]))
            var frames = 0
            for character in "a lighthouse, 灯塔雨夜 at dusk" {
                head.append(character)
                let draft = Self.rawDraft(head + tail)
                var writes = HistoryStore.DraftWrites()
                let bytes = try Self.logBytes(history, store) { writes = try store.saveDraft(draft) }
                #expect(writes.rows == 1 && writes.bytes <= DraftPatch.limit + 200, "a key at the \(place) wrote \(writes)")
                // A page, or three when the row's page splits (a new row past a full page).
                #expect(bytes <= 32 + 3 * Self.page, "a key's save at the \(place) took \(bytes) bytes of the log")
                frames += max(0, bytes - 32) / Self.page
            }
            // Most saves a page; a row's page split takes three. Two a key on average at most: a loaded machine
            // once gave 51 for the 26 keys (each within three), where a re-cut of the draft took 20-27 in one save.
            #expect(frames <= 54, "the keys at the \(place) took \(frames) pages of the log")
            #expect(Self.sameBytes(try history.open().loadDraft(), Self.rawDraft(head + tail)), "the draft after the keys at the \(place)")
        }
        // A key taken back at the start, and one at the end again.
        head.removeLast()
        try store.saveDraft(Self.rawDraft(head + tail))
        tail.append("!")
        try store.saveDraft(Self.rawDraft(head + tail))
        #expect(Self.sameBytes(try history.open().loadDraft(), Self.rawDraft(head + tail)))
    }

    /// What a kill -9 leaves on the disk between saves (the history and its
    /// log as written, no checkpoint, no close), and a crash in the middle of
    /// a save (its last frame half written): the draft comes back as of the
    /// last whole save, never a wrong text.
    @Test func aKillBetweenSavesOrInTheMiddleOfOneLeavesTheLastWholeSave() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        var prompt = Self.numberedPrompt(bytes: 300_000)
        try store.saveDraft(Self.rawDraft(prompt))
        func insert(_ text: String, at fraction: Double) {
            let index = prompt.index(prompt.startIndex, offsetBy: Int(Double(prompt.count) * fraction))
            prompt.insert(contentsOf: text, at: index)
        }
        insert("灯塔 at the end", at: 1)
        try store.saveDraft(Self.rawDraft(prompt))
        insert("雨夜 in the middle", at: 0.5)
        try store.saveDraft(Self.rawDraft(prompt))
        try store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        insert("a start, ", at: 0)
        try store.saveDraft(Self.rawDraft(prompt))
        let lastWhole = prompt
        insert("一个女孩 ", at: 0.25)
        try store.saveDraft(Self.rawDraft(prompt))
        func copy(cuttingLog cut: Int) throws -> TemporaryHistory {
            let copy = TemporaryHistory()
            try FileManager.default.createDirectory(atPath: copy.folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: history.path, toPath: copy.path)
            let log = try Data(contentsOf: URL(fileURLWithPath: history.path + "-wal"))
            try log.prefix(log.count - cut).write(to: URL(fileURLWithPath: copy.path + "-wal"))
            return copy
        }
        let killed = try copy(cuttingLog: 0)
        #expect(Self.sameBytes(try killed.open().loadDraft(), Self.rawDraft(prompt)), "after a kill between saves")
        let torn = try copy(cuttingLog: 100)
        #expect(Self.sameBytes(try torn.open().loadDraft(), Self.rawDraft(lastWhole)), "after a crash in the last save")
    }

    /// Edits at piece boundaries, in Chinese: inserted at a boundary, a
    /// character on each side of one taken away, one replaced across it.
    @Test func chineseEditsAcrossPieceBoundariesLoadByteForByte() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let prompt = Self.numberedPrompt(bytes: 200_000).replacingOccurrences(of: "film grain", with: "胶片颗粒")
        var bytes = Array(prompt.utf8)
        try store.saveDraft(Self.rawDraft(prompt))
        let requestBytes = Array(Self.rawDraft(prompt).requestJSON.utf8)
        let offset = requestBytes.count - bytes.count - Array("\",\"steps\":20}".utf8).count
        // The request's piece ends inside the prompt, as the prompt's offsets.
        var boundaries: [Int] = []
        var end = 0
        for piece in DraftPieces.cutWhole(Self.rawDraft(prompt).requestJSON) {
            end += piece.text.utf8.count
            if end - offset > 0, end - offset < bytes.count { boundaries.append(end - offset) }
        }
        #expect(boundaries.count >= 10)
        func characterStart(before index: Int) -> Int {
            var index = index - 1
            while index > 0, bytes[index] & 0xC0 == 0x80 { index -= 1 }
            return index
        }
        func characterEnd(after index: Int) -> Int {
            var index = index + 1
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            return index
        }
        for (step, boundary) in boundaries.prefix(12).reversed().enumerated() {
            switch step % 3 {
            case 0: bytes.insert(contentsOf: Array("灯塔".utf8), at: boundary)
            case 1: bytes.removeSubrange(characterStart(before: boundary)..<characterEnd(after: boundary))
            default: bytes.replaceSubrange(characterStart(before: boundary)..<characterEnd(after: boundary), with: Array("雨夜".utf8))
            }
            let text = String(decoding: bytes, as: UTF8.self)
            try store.saveDraft(Self.rawDraft(text))
            #expect(Self.sameBytes(try history.open().loadDraft(), Self.rawDraft(text)), "after edit \(step)")
        }
    }

    /// Past DraftPatch.maxRows places the draft is cut into pieces again
    /// (one save), and rows start again; nothing is left behind, and a zqt
    /// that knows only the first row reads an older draft, not a wrong one.
    @Test func manyPlacesCutTheDraftAgainAndAnOlderZqtReadsTheFirstRow() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        var prompt = Self.numberedPrompt(bytes: 300_000)
        try store.saveDraft(Self.rawDraft(prompt))
        var saved: [String] = []
        var rebases = 0
        let places = DraftPatch.maxRows * 2 + 5
        for place in 0..<places {
            let index = prompt.index(prompt.startIndex, offsetBy: (place * 7_919) % prompt.count)
            prompt.insert(contentsOf: "灯\(place)", at: index)
            let writes = try store.saveDraft(Self.rawDraft(prompt))
            if writes.rows > 1 { rebases += 1 }
            saved.append(prompt)
            #expect(Self.sameBytes(try history.open().loadDraft(), Self.rawDraft(prompt)), "after place \(place)")
        }
        #expect(rebases == 2, "the draft cut again \(rebases) times in \(places) places")
        let stored = try DraftPiecesTests.pieceKeys(store)
        let rows = stored.filter { $0.hasPrefix(DraftPatch.key(slot: "compose")) }
        #expect(rows.count == 3)
        // What a zqt from before reads: the first row only.
        try store.write { db throws(SQLiteError) in
            let later = DraftPatch.laterKeys(slot: "compose")
            try db.run("DELETE FROM draft_piece WHERE key >= ? AND key < ?", [.text(later.from), .text(later.below)])
        }
        #expect(Self.sameBytes(try history.open().loadDraft(), Self.rawDraft(saved[saved.count - 3])))
    }

    /// Two edits one after the other, as one change of the first's base.
    @Test func changesJoinWhenTheirSpanFits() {
        let base = "a lighthouse at dusk, 灯塔"
        let first = DraftPatch.change(from: base, to: "a tall lighthouse at dusk, 灯塔")!
        let second = DraftPatch.change(from: "a tall lighthouse at dusk, 灯塔", to: "a tall lighthouse at 雨夜 dusk, 灯塔")!
        let joined = DraftPatch.merged(first, second, in: "a tall lighthouse at 雨夜 dusk, 灯塔", limit: DraftPatch.limit)
        #expect(joined.flatMap { DraftPatch.apply($0, to: base) } == "a tall lighthouse at 雨夜 dusk, 灯塔")
        #expect(DraftPatch.merged(first, second, in: "a tall lighthouse at 雨夜 dusk, 灯塔", limit: 5) == nil)
        // Found through the rows without building the text they make.
        let through = DraftPatch.change(from: base, through: [first, second], to: "a tall lighthouse at 雨夜 dusk, 灯塔!")
        #expect(through.flatMap { DraftPatch.apply($0, to: "a tall lighthouse at 雨夜 dusk, 灯塔") } == "a tall lighthouse at 雨夜 dusk, 灯塔!")
        #expect(through?.middle == "!")
        #expect(DraftPatch.change(from: base, through: [first, second], to: "a tall lighthouse at 雨夜 dusk, 灯塔")?.isEmpty == true)
    }
}
