import Foundation
import Model
import Testing
@testable import ZqtTUI

/// Issue 21, a newcomer's re-check: a read-only folder whose history holds a
/// saved draft said only "Restored the form as it was left" at start; `M`
/// said "No message yet"; F2's list said nothing of it; and a refused quit
/// said "Still here: F5 sends the request" where sends are refused.
@Suite(.serialized) struct ReadOnlyStartTests {
    @Test(.needsMount, .needsTmux)
    func aReadOnlyHistoryWithASavedDraftSaysBothAtStartKeepsBothForMAndAboveTheList() async throws {
        try await offThePool { try Self.startSteps() }
    }

    static func startSteps() throws {
        let disk = try SmallDisk(kilobytes: 4096)
        defer { disk.unmount() }
        var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        request.taskID = TaskIDGenerator.shared.next()
        try HistoryStore.open(inFolder: disk.path + "/home")
            .saveDraft(ComposeDraft(endpoint: .controlNet, requestJSON: request.wireJSON, fieldDrafts: [:]))
        let home = try disk.readOnlyView() + "/home"
        let session = try TmuxSession(command: "TERM=xterm-256color ZQT_HOME=\(home) XDG_CONFIG_HOME=\(disk.path)-config "
                                          + "\(ZqtBinary.url.path) --sandbox; echo EXITED=$?; sleep infinity", width: 240, height: 40)
        let start = try session.waitFor(text: "Restored the form as it was left")
        #expect(start.contains("The history is read-only here (the folder is read-only)"), "both said at start: \(start)")
        #expect(start.range(of: "read-only here")!.lowerBound < start.range(of: "Restored the form")!.lowerBound, "the fault first")

        try session.send("M")
        let messages = try session.waitFor("M's box") { !$0.contains("No message yet") && $0.contains("nothing new can be kept") }
        #expect(messages.contains("Restored the form as it was left"), "both kept for M: \(messages)")
        try session.send("Escape")

        try session.send("F2")
        // No row yet: one sentence says both (left21: "nothing can be sent" above "F5 there sends").
        let list = try session.waitFor("the list's read-only sentence") {
            $0.contains("No submissions yet, and none can be sent while the history cannot be written (the folder is read-only).")
        }
        #expect(!list.contains("F5 there sends"), "\(list)")
    }

    @Test func aRefusedQuitWhereSendsAreRefusedDoesNotSayF5Sends() {
        var state = makeState()
        state.historyRefusesSends = HistoryReadOnly(cannotWrite: .readOnly, snapshot: false, logLeftUnread: false).refusal(path: "/h")
        state.view.overlay = .confirm(.quit)
        _ = Reducer.decline(&state)
        let said = state.status?.text ?? ""
        #expect(!said.contains("sends the request"), "\(said)")
        #expect(said.hasPrefix("Still here: nothing can be sent this session (the folder is read-only"), "\(said)")

        var writable = makeState()
        writable.view.overlay = .confirm(.quit)
        _ = Reducer.decline(&writable)
        #expect(writable.status?.text == "Still here: F5 sends the request", "unchanged where sends go")
    }
}
