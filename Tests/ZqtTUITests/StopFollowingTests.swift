// Stop following a task (issue 19): there was no cancel. From the screen
// (X) or the command line (zqt history unfollow), zqt stops asking about
// a task, now and at its next start, shows it as "not followed", and `u` or
// `zqt query` takes it up again. The service documents no cancel.

import Foundation
import TestScratch
@testable import Model
import Sandbox
import Testing
@testable import ZqtTUI

@Suite struct StopFollowingTests {
    @Test func xStopsFollowingTheTaskOnScreen() {
        var state = makeState()
        #expect(press(&state, .char("X")).isEmpty)
        #expect(state.status?.text == "No task is being followed")
        state.task = TrackedTask(recordID: 7, idTask: "zqt-long", status: 1, desc: "running", progress: nil, phase: .inProgress, resultCount: 0)
        #expect(press(&state, .char("X")) == [.stopFollowing(recordID: 7, idTask: "zqt-long")])
        #expect(state.task == nil, "no spinner, no elapsed time")
        #expect(state.status?.text.hasPrefix("Task zqt-long not followed: zqt no longer asks about it") == true)
        #expect(state.status?.text.contains("u on its history row or zqt query zqt-long takes it up again") == true)
    }

    @Test func aRowNotFollowedIsLeftOutOfTheNextStartAndSaid() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-unfollow")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try HistoryStore.open(inFolder: folder, catalog: .shipped)
        var request = Request.new(for: .controlNet, taskID: "zqt-long")
        request["prompt"] = .string("a slow lighthouse")
        let id = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "default")
        #expect(try store.unfinished().map(\.id) == [id])
        try store.setFollowed(id: id, false)
        #expect(try store.unfinished().isEmpty, "the next start does not follow it")
        let rows = try store.list()
        #expect(rows.first?.notFollowed == true)
        let screen = Screen.render(historyState(rows, width: 120, height: 24)).text
        #expect(screen.contains("(not followed) a slow lighthouse"), "\(screen)")
        try store.setFollowed(id: id, true)
        #expect(try store.unfinished().map(\.id) == [id])
    }

    @Test func theCommandLineStopsAndQueryTakesItUp() async throws {
        try await offThePool { try Self.commandLineSteps() }
    }

    static func commandLineSteps() throws {
        let scratch = Scratch()
        let root = scratch.path("zqt-unfollow-cli")
        let server = SandboxServer(options: SandboxOptions(taskSeconds: 60))
        let url = try server.start()
        defer { server.stop() }
        let environment = ["ZQT_HOME": root, "XDG_CONFIG_HOME": root + "/config", "ZQT_BASE_URL": url,
                           "ZQT_ACCESS_KEY_ID": "a", "ZQT_ACCESS_KEY_SECRET": "b"]
        let sent = try ZqtBinary.run(["send", "examples/text2image.json", "--no-wait", "--json"], environment: environment)
        let id = try #require(sent.stdout.firstMatch(of: /"id_task":"([^"]+)"/)?.1).description
        let stopped = try ZqtBinary.run(["history", "unfollow", id], environment: environment)
        #expect(stopped.status == 0 && stopped.stderr.contains("\(id) not followed"), "\(stopped.stderr)")
        let store = try HistoryStore.open(inFolder: root, catalog: .shipped)
        let row = try #require(try store.record(idTask: id))
        #expect(try store.isFollowed(id: row.id) == false)
        let asked = try ZqtBinary.run(["query", id], environment: environment)
        #expect(asked.status == 0, "\(asked.stderr)")
        #expect(try store.isFollowed(id: row.id) == true, "zqt query takes it up again")
        let done = try ZqtBinary.run(["history", "unfollow", "no-such-task"], environment: environment)
        #expect(done.status != 0)
    }
}
