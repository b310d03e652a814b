// Issue 20, newcomer20g's findings 1 and 2: a stop (Ctrl-C, X, B) asked
// while our A1111 job waits behind another client's job must not stop that
// job (interrupt and skip act on whatever the server runs); it goes once the
// progress shows ours running. And a job someone else stopped (the web UI,
// another client) answers with fewer pictures than planned: it is recorded
// as interrupted elsewhere, not as a success. Against the A1111 sandbox over
// loopback, through the send pipeline, the history file and `zqt send`.

import Foundation
import TestScratch
import Model
import Sandbox
import Synchronization
import Testing
@testable import ZqtTUI
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct A1111StopWhileWaitingTests {
    typealias Fixture = A1111ClientTests.Fixture
    typealias Control = A1111JobControlTests

    /// The other client's job: 4-5 s at these tests' step times, long enough for ours to be sent and seen
    /// waiting behind it on a loaded machine (40 steps, 1.6 s, ended first there and the test failed).
    static let othersSteps = 100

    /// Starts another client's job (as `POST /sandbox/busy`) and waits until the server runs it.
    static func startOthersJob(_ fixture: Fixture, steps: Int) async throws {
        fixture.server.service.startForeignJob(steps: steps)
        try await eventually("the other client's job runs") { fixture.server.service.stepsRunByLastJob > 0 }
    }

    static func eventually(_ what: String, timeout: TimeInterval = 60, _ condition: () -> Bool) async throws {
        let end = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < end else { Issue.record("never: \(what)"); throw CancellationError() }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    static func waitsBehindOthers(_ event: SendEvent) -> Bool {
        if case let .progress(info) = event { return info.desc.contains("another client's job") }
        return false
    }

    @Test func anInterruptAskedWhileOursWaitsLeavesTheOtherJobAndStopsOursOnceItRuns() async throws {
        let fixture = try Fixture(A1111SandboxOptions(stepMilliseconds: 40))
        let api = fixture.api
        try await Self.startOthersJob(fixture, steps: Self.othersSteps)
        let request = Control.batch(iterations: 3, steps: 60)
        let answer = Mutex<A1111Watch.StopAnswer?>(nil)
        let events = await fixture.run(request, api: api) { event in
            guard Self.waitsBehindOthers(event), answer.withLock({ $0 }) == nil else { return }
            let said = try? await A1111Watch.interrupt(request.taskID, api: api)
            answer.withLock { $0 = said }
        }
        #expect(answer.withLock { $0 } == .waits, "nothing is sent while the other client's job runs")
        #expect(fixture.server.service.foreignJobsInterrupted == [false], "the other client's job ran to its end")
        let info = try #require(Control.finished(events), "\(events)")
        let made = Control.kept(events).count
        #expect(info.interrupted && !info.interruptedElsewhere, "ours was stopped, by zqt: \(info.desc)")
        #expect(made >= 1 && made < 3, "ours stopped once it ran: \(made) pictures")
        let id = try #require(Control.recordID(events))
        let row = try #require(try fixture.store.record(id: id))
        #expect(row.state == .interrupted && row.taskDesc == info.desc)
    }

    @Test func aSkipAskedWhileOursWaitsIsSentOnceOursRuns() async throws {
        let fixture = try Fixture(A1111SandboxOptions(stepMilliseconds: 40))
        let api = fixture.api
        try await Self.startOthersJob(fixture, steps: Self.othersSteps)
        let request = Control.batch(iterations: 2, steps: 30)
        let answer = Mutex<A1111Watch.StopAnswer?>(nil)
        let events = await fixture.run(request, api: api) { event in
            guard Self.waitsBehindOthers(event), answer.withLock({ $0 }) == nil else { return }
            let said = try? await A1111Watch.skip(request.taskID, api: api)
            answer.withLock { $0 = said }
        }
        #expect(answer.withLock { $0 } == .waits)
        #expect(fixture.server.service.foreignJobsInterrupted == [false])
        #expect(fixture.server.service.stepsRunByLastJob < 60, "our first picture was skipped once ours ran")
        let info = try #require(Control.finished(events), "\(events)")
        #expect(!info.interrupted && info.desc == "done: 2 pictures", "a skip keeps every picture: \(info.desc)")
    }

    @Test func anInterruptWhenTheServerRunsOursIsSentAtOnce() async throws {
        let fixture = try Fixture(A1111SandboxOptions(stepMilliseconds: 50))
        let api = fixture.api
        let request = Control.batch(iterations: 4, steps: 100)
        let answer = Mutex<A1111Watch.StopAnswer?>(nil)
        let events = await fixture.run(request, api: api) { event in
            guard case let .progress(info) = event, (info.progress ?? 0) > 0.02, answer.withLock({ $0 }) == nil else { return }
            let said = try? await A1111Watch.interrupt(request.taskID, api: api)
            answer.withLock { $0 = said }
        }
        #expect(answer.withLock { $0 } == .asked)
        let info = try #require(Control.finished(events))
        #expect(info.interrupted && !info.interruptedElsewhere && info.desc.hasPrefix("interrupted: "), "\(info.desc)")
    }

    @Test func aJobStoppedBySomeoneElseIsRecordedAsInterruptedElsewhere() async throws {
        let fixture = try Fixture(A1111SandboxOptions(stepMilliseconds: 50))
        let api = fixture.api
        let request = Control.batch(iterations: 4, steps: 100)
        let posted = Mutex(false)
        // Another client (or the web UI) posts /sdapi/v1/interrupt itself: zqt asked nothing.
        let events = await fixture.run(request, api: api) { event in
            guard case let .progress(info) = event, (info.progress ?? 0) > 0.02, !posted.withLock({ $0 }) else { return }
            posted.withLock { $0 = true }
            try? await api.interrupt()
        }
        #expect(posted.withLock { $0 })
        let info = try #require(Control.finished(events), "\(events)")
        let made = Control.kept(events).count
        #expect(made >= 1 && made < 4)
        #expect(info.interrupted && info.interruptedElsewhere)
        #expect(info.desc == "interrupted elsewhere (the server's web UI or another client): \(made) of 4 pictures made", "\(info.desc)")
        let id = try #require(Control.recordID(events))
        let row = try #require(try fixture.store.record(id: id))
        #expect(row.state == .interrupted && row.taskDesc == info.desc, "not a success: \(row.state)")
        #expect(row.imageResults.count == made, "the pictures made are kept")
    }

    /// A config whose profile `gpu` is the fixture's sandbox.
    static func config(in scratch: Scratch, _ fixture: Fixture) throws -> String {
        try scratch.configFolder("zqt-a1111-stop", "[profiles.gpu]\napi = \"a1111\"\nbase_url = \"\(fixture.server.baseURL)\"\n")
    }

    @Test func ctrlCWhileZqtSendWaitsLeavesTheOtherClientsJob() async throws {
        let scratch = Scratch()
        let fixture = try Fixture(A1111SandboxOptions(stepMilliseconds: 50))
        try await Self.startOthersJob(fixture, steps: Self.othersSteps)
        try await offThePool {
            let config = try Self.config(in: scratch, fixture)
            let home = scratch.path("zqt-a1111-stop-home")
            let body = try A1111CommandLineTests.file(in: scratch, #"{"prompt": "ours", "steps": 100, "n_iter": 3, "width": 64, "height": 64}"#)
            let child = try ChildProcess.spawn(ZqtBinary.url.path, ["send", body, "--endpoint", "txt2img", "--profile", "gpu"],
                                               environment: ZqtBinary.environment(["ZQT_HOME": home, "XDG_CONFIG_HOME": config]))
            defer { child.terminate(); _ = child.waitForExit(timeout: 10) }
            let before = A1111CommandLineTests.read(child.stdoutFD, until: "ours waits")
            #expect(before.contains("ours waits"), "\(before)")
            kill(child.pid, SIGINT)
            let said = A1111CommandLineTests.read(child.stderrFD, until: "Ctrl-C again quits at once")
            #expect(said.contains("the server runs another client's job; ours will be stopped as soon as it starts"), "\(said)")
            let rest = child.collect(timeout: 120)
            #expect(rest.status == 130, "\(before)\(rest.stdout)\n\(said)\(rest.stderr)")
            #expect(fixture.server.service.foreignJobsInterrupted == [false], "the other client's job ran to its end")
            #expect(rest.stderr.contains("interrupted: the server stopped the job at Ctrl-C"), "\(rest.stderr)")
            let listed = try ZqtBinary.run(["history", "list", "--state", "interrupted"], environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": config])
            #expect(listed.stdout.contains("interrupted"), "\(listed.stdout)")
        }
    }

    @Test func zqtSendSaysAJobStoppedElsewhereAndExitsAsInterrupted() async throws {
        let scratch = Scratch()
        let fixture = try Fixture(A1111SandboxOptions(stepMilliseconds: 50))
        let api = fixture.api
        try await offThePool {
            let config = try Self.config(in: scratch, fixture)
            let home = scratch.path("zqt-a1111-stop-home")
            let body = try A1111CommandLineTests.file(in: scratch, #"{"prompt": "ours", "steps": 100, "n_iter": 4, "width": 64, "height": 64}"#)
            let child = try ChildProcess.spawn(ZqtBinary.url.path, ["send", body, "--endpoint", "txt2img", "--profile", "gpu", "--json"],
                                               environment: ZqtBinary.environment(["ZQT_HOME": home, "XDG_CONFIG_HOME": config]))
            defer { child.terminate(); _ = child.waitForExit(timeout: 10) }
            try A1111CommandLineTests.eventuallyBlocking("our job runs") {
                fixture.server.service.receivedCalls.contains { $0.path.hasSuffix("txt2img") } && fixture.server.service.stepsRunByLastJob > 2
            }
            // Someone else stops it: zqt asked nothing.
            let stopped = Mutex(false)
            let done = DispatchSemaphore(value: 0)
            Task { try? await api.interrupt(); stopped.withLock { $0 = true }; done.signal() }
            done.wait()
            let rest = child.collect(timeout: 120)
            #expect(stopped.withLock { $0 })
            #expect(rest.status == 130, "the same exit as an interrupt: \(rest.stdout)\n\(rest.stderr)")
            #expect(rest.stderr.contains("interrupted elsewhere: the server stopped the job (its web UI or another client did)"), "\(rest.stderr)")
            let json = try JSONParser.parse(rest.stdout)
            #expect(json["interrupted"]?.boolValue == true && json["interrupted_elsewhere"]?.boolValue == true, "\(rest.stdout)")
            #expect(json["state"]?.stringValue == "interrupted", "\(rest.stdout)")
            #expect(json["status"] == nil, "an A1111 server answers no status number: \(rest.stdout)")
            #expect(json["desc"]?.stringValue?.hasPrefix("interrupted elsewhere (the server's web UI or another client): ") == true, "\(rest.stdout)")
            let idTask = try #require(json["id_task"]?.stringValue)
            let show = try ZqtBinary.run(["history", "show", idTask], environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": config])
            #expect(show.stdout.contains("interrupted elsewhere"), "\(show.stdout)")
        }
    }
}
