import Foundation
import Testing
@testable import Model

/// A draft is saved in pieces cut where its content says (issue 18): an edit
/// in a megabyte prompt writes the piece it falls in, not the whole form.
@Suite struct DraftPiecesTests {
    static let prompt = (0..<40_000).map { "tag\($0 % 97), 一个女孩 \($0 % 13)" }.joined(separator: ", ")

    @Test func piecesJoinIntoTheTextAndAnEditChangesFew() {
        let pieces = DraftPieces.cut(Self.prompt)
        #expect(pieces.map(\.text).joined() == Self.prompt)
        #expect(pieces.allSatisfy { $0.text.utf8.count <= DraftPieces.maximum })
        var edited = Self.prompt
        edited.insert(contentsOf: "灯塔 lighthouse", at: edited.index(edited.startIndex, offsetBy: edited.count / 2))
        let after = DraftPieces.cut(edited)
        #expect(after.map(\.text).joined() == edited)
        let new = Set(after.map(\.key)).subtracting(pieces.map(\.key))
        #expect(new.count <= 2, "an edit in the middle changes the piece it falls in (\(new.count) of \(after.count) new)")
    }

    static func pieceKeys(_ store: HistoryStore) throws -> Set<String> {
        try store.read { db throws(SQLiteError) in Set(try db.run("SELECT key FROM draft_piece").compactMap { $0.text(0) }) }
    }

    @Test func aSaveWritesTheNewPiecesAndDropsTheUnusedOnes() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        var request = HistoryStoreTests.request(Self.prompt)
        let first = ComposeDraft(endpoint: .controlNet, requestJSON: request.wireJSON, fieldDrafts: ["steps": "2o"])
        try store.saveDraft(first)
        // Another form kept aside shares most pieces: they stay while it names them.
        try store.saveDraft(first, slot: "form:other")
        let before = try Self.pieceKeys(store)
        // More than a patch holds (DraftPatch.limit): saved in pieces again.
        request["prompt"] = .string(Self.prompt + String(repeating: " at dusk", count: DraftPatch.limit / 4))
        let second = ComposeDraft(endpoint: .controlNet, requestJSON: request.wireJSON, fieldDrafts: [:])
        try store.saveDraft(second)
        let after = try Self.pieceKeys(store)
        #expect(after.subtracting(before).count <= 3, "only the pieces that changed are written")
        #expect(try history.open().loadDraft()?.hasSameContent(as: second) == true)
        #expect(try history.open().loadDraft(slot: "form:other")?.hasSameContent(as: first) == true)
        // The other form replaced too: pieces nobody names are gone.
        try store.saveDraft(second, slot: "form:other")
        let cut = Set(DraftPieces.cut(second.requestJSON).map(\.key) + DraftPieces.cut("{}").map(\.key))
        #expect(try Self.pieceKeys(store) == cut)
    }

    @Test func aDraftSavedWholeBeforePiecesStillLoads() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let json = HistoryStoreTests.request("a lighthouse").wireJSON
        try store.write { db throws(SQLiteError) in
            try db.run("INSERT INTO draft (slot, endpoint, request_json, field_drafts, saved_at) VALUES ('compose', ?, ?, ?, 0)",
                       [.text(Endpoint.controlNet.storageKey), .text(json), .text("{\"seed\":\"12x\"}")])
        }
        let draft = try #require(try store.loadDraft())
        #expect(draft.requestJSON == json && draft.fieldDrafts == ["seed": "12x"])
    }
}
