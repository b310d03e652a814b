import Foundation
import Model
import Sandbox
import Testing

/// Issue 21 as the user meets it: `zqt send` and the screen on a home whose
/// disk is full (a real tmpfs filled to its last byte), what they say, and
/// what the history holds once there is room again.
@Suite(.serialized) struct DiskFaultScreenTests {
    @Test(.needsMount)
    func zqtSendOnAFullDiskSaysSoExitsFourAndSendsNothing() async throws {
        try await offThePool { try Self.zqtSendOnAFullDiskSteps() }
    }

    static func zqtSendOnAFullDiskSteps() throws {
        let disk = try SmallDisk(kilobytes: 4096)
        defer { disk.unmount() }
        let server = SandboxServer(options: SandboxOptions(taskSeconds: 0.2))
        let url = try server.start()
        defer { server.stop() }
        let example = disk.path + "-example.json"
        try BundledExamples.controlNetJSON.write(toFile: example, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: example) }
        let home = disk.path + "/home"
        let environment = ["ZQT_HOME": home, "ZQT_BASE_URL": url, "ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"]
        let first = try ZqtBinary.run(["send", example, "--endpoint", "controlnet", "--no-wait"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")

        try disk.fill()
        let refused = try ZqtBinary.run(["send", example, "--endpoint", "controlnet", "--no-wait"], environment: environment)
        #expect(refused.status == 4, "exit 4: not sent for the history, nothing wrong with the request (docs/exit-codes.md)")
        #expect(refused.stderr.contains("the disk is full") && refused.stderr.contains("nothing was sent"), "\(refused.stderr)")
        #expect(server.service.receivedSubmissions.count == 1, "the refused send never left")

        disk.free()
        let again = try ZqtBinary.run(["send", example, "--endpoint", "controlnet", "--no-wait"], environment: environment)
        #expect(again.status == 0, "\(again.stderr)")
        let store = try HistoryStore.open(inFolder: home)
        #expect(try store.count() == 2, "every send the sandbox took has its row")
        #expect(server.service.receivedSubmissions.count == 2)
    }

    @Test(.needsMount, .needsTmux)
    func theScreenOnAFullDiskKeepsWhatIsTypedSaysSoOnceAndSavesItWhenThereIsRoom() async throws {
        try await offThePool { try Self.theScreenOnAFullDiskSteps() }
    }

    static func theScreenOnAFullDiskSteps() throws {
        let disk = try SmallDisk(kilobytes: 4096)
        defer { disk.unmount() }
        let home = disk.path + "/home"
        // The service's example as the saved form: ready to send once its prompt is typed.
        var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        request.taskID = TaskIDGenerator.shared.next()
        try HistoryStore.open(inFolder: home).saveDraft(ComposeDraft(endpoint: .controlNet, requestJSON: request.wireJSON, fieldDrafts: [:]))
        let session = try TmuxSession(command: "TERM=xterm-256color ZQT_HOME=\(home) XDG_CONFIG_HOME=\(disk.path)-config \(ZqtBinary.url.path) --sandbox",
                                      width: 160, height: 40)
        try session.waitFor(text: "SANDBOX")
        // The disk fills once zqt has started and said so: filled at the first frame, a
        // loaded machine's zqt met it in its own start-up writes, and the fault it then
        // said took the place of this note before the screen was read.
        try session.waitFor(text: "Restored the form as it was left")
        try disk.fill()

        // Typed into the prompt (the form opens on it) with no room for its draft.
        try EndToEndHistoryTests.retype(session, prompt: "words typed on a full disk")
        let told = try session.waitFor("the draft's fault on the status line") { $0.contains("Draft not saved") }
        #expect(told.contains("the disk is full"), "\(told)")
        #expect(told.contains("words typed on a full disk"), "what was typed stays on screen")

        // A send with no room for its row is not sent.
        try session.send("F5")
        let refused = try session.waitFor("the send's refusal") { $0.contains("nothing was sent") }
        #expect(refused.contains("the disk is full"), "\(refused)")

        disk.free()
        try session.waitFor("the drafts written again, by the writer's own retry", timeout: 30) { $0.contains("Drafts saved again") }
        let store = try HistoryStore.open(inFolder: home)
        #expect(try store.loadDraft()?.requestJSON.contains("words typed on a full disk") == true, "nothing typed was lost")
        #expect(try store.count() == 0, "the refused send left no row, and nothing was sent")

        try session.send("F5")
        try session.waitFor("the send, with room again", timeout: 30) { $0.contains("Success") || $0.contains("Sent") || $0.contains("Task zqt-") }
        try waitUntil("the row of the send") { try store.count() == 1 }
    }
}
