import Foundation
import Model
import Testing

/// The full disk the issue-21 tests make (`SmallDisk.fill()`) is full for the
/// history too (diskflaky). Two screen tests waited in vain, now and then on a
/// loaded machine, for "Draft not saved": zqt's start-up writes (the sandbox's
/// model lists) landed after the fill had emptied the history's log and before
/// it filled the disk, and the room that log then held was found again by the
/// draft's save, which checkpoints and cuts the log once on a full disk and
/// tries again. The draft was saved; the test's disk was not full.
@Suite(.serialized) struct DiskFaultFillTests {
    static func draft(_ prompt: String) -> ComposeDraft {
        var request = Request.new(for: .controlNet, taskID: "zqt-diskflaky-1")
        request["prompt"] = .string(prompt)
        return ComposeDraft(endpoint: .controlNet, requestJSON: request.wireJSON, fieldDrafts: [:])
    }

    /// What zqt writes at start with the sandbox: a list of each kind, one
    /// write each (33 KB of log: each write adds its pages again).
    static func writeModelLists(_ store: HistoryStore) throws {
        for kind in [ModelListKind.checkpoint, .lora, .vae, .embedding] {
            let items = (1...40).map { ModelItem(name: "\(kind.rawValue)-model-\($0).safetensors", displayName: "Model \($0)") }
            try store.saveModelList(ModelList(kind: kind, items: items, fetchedAt: Date(), path: kind.defaultPath), service: "sandbox")
        }
    }

    static func draftPrompt(_ store: HistoryStore) throws -> String? {
        guard let json = try store.loadDraft()?.requestJSON else { return nil }
        return try JSONParser.parse(json)["prompt"]?.stringValue
    }

    /// Why the fill empties the logs, shown: a history whose log holds room
    /// when the disk fills keeps saving drafts on it.
    @Test(.needsMount)
    func aLogHoldingRoomWhenTheDiskFillsIsFoundAgainByTheNextWrite() throws {
        let disk = try SmallDisk(kilobytes: 4096)
        defer { disk.unmount() }
        let store = try HistoryStore.open(inFolder: disk.path + "/home")
        try store.saveDraft(Self.draft("saved while there was room"))
        try Self.writeModelLists(store)
        disk.emptyHistoryLogs()  // the lists' pages are the database's: written again, they take room only in the log
        try Self.writeModelLists(store)
        #expect(disk.historyLogsHoldingRoom() == ["home/history.sqlite-wal"])
        try disk.fillLeavingLogs()

        try store.saveDraft(Self.draft("typed on a disk full but for the log"))
        #expect(try Self.draftPrompt(store) == "typed on a disk full but for the log", "the log's room was the draft's")
    }

    /// A history write landing between the logs' emptying and the fill (a
    /// late start-up write on a loaded machine) leaves no room the next
    /// write could find: the draft's save meets the full disk, every time.
    @Test(.needsMount)
    func aHistoryWriteLandingWhileTheDiskIsFilledLeavesItFullForTheHistory() throws {
        let disk = try SmallDisk(kilobytes: 4096)
        defer { disk.unmount() }
        let store = try HistoryStore.open(inFolder: disk.path + "/home")
        try store.saveDraft(Self.draft("saved while there was room"))
        // Lists kept from an earlier start: the late writes replace them in pages the database has.
        try Self.writeModelLists(store)
        try disk.fill(meanwhile: { try Self.writeModelLists(store) })
        #expect(try store.loadModelLists(service: "sandbox").count == 4, "the late writes landed")
        #expect(disk.historyLogsHoldingRoom().isEmpty)

        do {
            try store.saveDraft(Self.draft("typed on a full disk"))
            Issue.record("a draft was saved on a full disk: a history's log held room")
        } catch {
            #expect(error.diskFault == .full, "\(error.message)")
        }
        #expect(try Self.draftPrompt(store) == "saved while there was room")
        disk.free()
        try store.saveDraft(Self.draft("typed on a full disk"))
        #expect(try Self.draftPrompt(store) == "typed on a full disk")
    }
}
