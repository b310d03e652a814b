// Issue 20, newcomer20g's findings 5, 6 and 7, seen from the user's side
// against the A1111 sandbox: a running A1111 row in `zqt history list` and
// on the history screen (its state, the server's percentage, the planned
// count, and the row finished by another zqt seen without leaving the
// screen); the title line of a form of the other kind; `zqt query` on an
// orphaned row while the server runs another job.

import Foundation
import TestScratch
@testable import Model
import Sandbox
import Testing
@testable import ZqtTUI

@Suite(.serialized) struct A1111RunningRowTests {
    /// The row's line on the screen, if it is listed.
    static func rowLine(_ state: AppState, _ idTask: String) -> String? {
        Screen.render(state).text.split(separator: "\n").map(String.init).first { $0.contains(idTask) }
    }

    /// Effects run for real, the inbox drained, until `done` holds for the screen (never a key pressed).
    static func watch(_ state: inout AppState, _ effects: [Effect], runner: EffectRunner, inbox: ActionInbox,
                      deadline seconds: TimeInterval = 60, until done: (AppState) -> Bool) async throws -> Bool {
        var pending = effects
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            pending.forEach(runner.perform)
            pending = []
            if done(state) { return true }
            guard Date() < deadline else { return false }
            try await Task.sleep(nanoseconds: 50_000_000)
            for action in inbox.drain() { pending += Reducer.reduce(&state, action) }
        }
    }

    static func idTask(in output: String) -> String? {
        output.range(of: "started: id_task ").map { String(output[$0.upperBound...].prefix { $0 != ";" && !$0.isWhitespace }) }
    }

    @Test func aRunningA1111RowIsListedRunningWithTheServersPercentageAndSeenFinishedWithoutLeavingTheScreen() async throws {
        let scratch = Scratch()
        // 120 steps of 150 ms: a job of about 18 s, sent by another zqt. (60 steps, 9 s, could end on a loaded
        // machine before the screen below first looked at it, and the running row was never seen.)
        let server = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 150))
        let url = try server.start()
        defer { server.stop() }
        let config = try A1111NewcomerCLITests.config(in: scratch, [url])
        let home = A1111NewcomerCLITests.home(in: scratch)
        let body = try A1111NewcomerCLITests.file(in: scratch, #"{"prompt": "a slow lighthouse", "steps": 120, "width": 64, "height": 64, "n_iter": 2}"#)
        defer { [config, home, body].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let environment = ["ZQT_HOME": home, "XDG_CONFIG_HOME": config]
        let child = try ChildProcess.spawn(ZqtBinary.url.path, ["send", body, "--endpoint", "txt2img", "--profile", "gpu"],
                                           environment: ZqtBinary.environment(environment))
        defer { child.terminate(); _ = child.waitForExit(timeout: 10) }
        let before = A1111CommandLineTests.read(child.stdoutFD, until: "running: step")
        let idTask = try #require(Self.idTask(in: before), "\(before)")

        // `zqt history list`: running, as docs/a1111.md says, and `--state running` finds it.
        let listed = try ZqtBinary.run(["history", "list", "--state", "running"], environment: environment)
        let line = listed.stdout.split(separator: "\n").first { $0.hasPrefix(idTask + "\t") }
        #expect(line?.split(separator: "\t").dropFirst().first == "running", "\(listed.stdout)\n\(listed.stderr)")

        // The screen of another zqt on the same profile: the history, no key pressed after F2.
        let store = try HistoryStore.open(inFolder: home)
        var state = KindGateScreenTests.onlyProfile("gpu", .a1111, url: url, home: home,
                                                    form: Request.new(for: try #require(EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")),
                                                                      taskID: "zqt-screen-form"))
        let configuration = KindGateScreenTests.a1111Configuration(url)
        let inbox = ActionInbox()
        let runner = EffectRunner(api: A1111API(configuration: configuration), configuration: configuration, store: store, inbox: inbox)
        let opened = Reducer.toggleHistory(&state)
        // ▶ with the server's percentage once known; the Imgs column the 2 pictures planned, marked as planned.
        let percent = try await Self.watch(&state, opened, runner: runner, inbox: inbox) { state in
            guard let row = Self.rowLine(state, idTask) else { return false }
            return row.contains("▶ ") && row.contains("%")
        }
        let running = Self.rowLine(state, idTask) ?? ""
        #expect(percent, "the row: \(running)")
        #expect(running.contains(" ~2 ") && !running.contains(" 2 a slow"), "the row: \(running)")
        #expect(!running.contains(SubmissionState.sending.glyph), "the row: \(running)")

        // The other zqt gets the answer and writes it: the open screen shows the row finished by itself.
        let finished = try await Self.watch(&state, [], runner: runner, inbox: inbox, deadline: 90) { state in
            Self.rowLine(state, idTask)?.contains(SubmissionState.succeeded.glyph) == true
        }
        #expect(finished, "the row: \(Self.rowLine(state, idTask) ?? "not listed")")
        let done = Self.rowLine(state, idTask) ?? ""
        #expect(!done.contains("~") && !done.contains("%"), "the row: \(done)")
        // Nothing left to watch: the watch stops by itself (no timer while idle).
        let stopped = try await Self.watch(&state, [], runner: runner, inbox: inbox) { !$0.history.a1111WatchScheduled }
        #expect(stopped)
    }

    @Test func queryOnAnOrphanWhileTheServerRunsAnotherJobSaysItIsNotThisOneAndWhatZqtSent() async throws {
        let scratch = Scratch()
        try await offThePool {
            let server = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 200))
            let url = try server.start()
            defer { server.stop() }
            // Another client's job of 300 steps (60 s): ours, of 10 steps, waits behind it.
            server.service.startForeignJob(steps: 300)
            let config = try A1111NewcomerCLITests.config(in: scratch, [url])
            let home = A1111NewcomerCLITests.home(in: scratch)
            let body = try A1111NewcomerCLITests.file(in: scratch, #"{"prompt": "a short job", "steps": 10, "width": 64, "height": 64}"#)
            defer { [config, home, body].forEach { try? FileManager.default.removeItem(atPath: $0) } }
            let environment = ["ZQT_HOME": home, "XDG_CONFIG_HOME": config]
            let child = try ChildProcess.spawn(ZqtBinary.url.path, ["send", body, "--endpoint", "txt2img", "--profile", "gpu"],
                                               environment: ZqtBinary.environment(environment))
            defer { child.terminate(); _ = child.waitForExit(timeout: 10) }
            let before = A1111CommandLineTests.read(child.stdoutFD, until: "ours waits")
            let idTask = try #require(Self.idTask(in: before), "\(before)")
            kill(child.pid, SIGKILL)
            _ = child.waitForExit(timeout: 30)

            let asked = try ZqtBinary.run(["query", idTask], environment: environment)
            #expect(asked.stdout.hasPrefix("\(idTask)\tsending\tthe zqt that sent it ended before the server answered"),
                    "\(asked.stdout)\n\(asked.stderr)")
            #expect(asked.stdout.contains("the server is running another job (step ") && asked.stdout.contains("/300"), "\(asked.stdout)")
            #expect(asked.stdout.contains("not this one (it asked 10 steps)") && !asked.stdout.contains("perhaps"), "\(asked.stdout)")
            // What zqt sent, plainly: save_images false.
            #expect(asked.stdout.contains("zqt sends save_images: false") && !asked.stdout.contains("only if the request asked"), "\(asked.stdout)")
        }
    }

    @Test func theTitleLineOfAFormOfTheOtherKindNamesWhereItsKindGoesNotTheProfilesServer() throws {
        let custom = CustomEndpoint.endpoint(path: "sdapi/v1/txt2img", family: .tool(code: ""))
        #expect(custom.server == .zhiqite)
        var state = KindGateScreenTests.onlyProfile("gpu", .a1111, url: "http://127.0.0.1:17881", home: NSTemporaryDirectory(),
                                                    form: Request.new(for: custom, taskID: "zqt-custom-form"))
        let title = Screen.render(state).text.split(separator: "\n").first.map(String.init) ?? ""
        #expect(title.contains("Custom request sdapi/v1/txt2img → the zhiqite service (choose a zhiqite profile)"), "\(title)")
        #expect(!title.contains("→ http://127.0.0.1:17881") && title.contains("gpu · A1111"), "\(title)")
        // A form of the profile's kind goes to its server, as ever.
        state.request = Request.new(for: try #require(EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")), taskID: "zqt-a1111-form")
        let own = Screen.render(state).text.split(separator: "\n").first.map(String.init) ?? ""
        #expect(own.contains("→ http://127.0.0.1:17881"), "\(own)")
    }
}
