// A task sent through another profile (a sweep over --profile a,b) is asked
// of the service it was sent to, with that profile's keys: `u` on its row
// and the follow at start, as `zqt query` does (issue 19). An in-process
// sandbox's tasks end with its zqt, followed or not.

import Foundation
import TestScratch
import Model
import Sandbox
import Testing
@testable import ZqtTUI

@Suite struct RowServiceTests {
    /// A second service, where profile b's tasks went; the runner talks to the fixture's.
    final class OtherService: @unchecked Sendable {
        let server = SandboxServer(options: SandboxOptions(taskSeconds: 0.3))
        let url: String
        init() throws { url = try server.start() }
        deinit { server.stop() }

        /// A task the earlier zqt sent here through profile b and left running.
        func taskLeftRunning(_ fixture: TrackingFixture, _ prompt: String, profile: String = "b") async throws -> HistoryRecord {
            let request = try TrackingFixture.request(prompt)
            let id = try fixture.store.recordSending(request, baseURL: url, profile: profile)
            let configuration = ClientConfiguration(baseURL: url, credentials: SandboxServer.demoCredentials, profile: "b")
            let outcome = await HTTPImageAPI(configuration: configuration).send(request)
            try fixture.store.recordSubmitted(id: id, submission: try outcome.result.get())
            return try #require(try fixture.store.record(idTask: request.taskID))
        }
    }

    /// The config file's profiles: b (its base_url since changed: the row's own is asked), none other.
    static let resolver: @Sendable (String) -> Result<ClientConfiguration, ConfigProblem> = { name in
        name == "b" ? .success(ClientConfiguration(baseURL: "http://127.0.0.1:9/moved", credentials: SandboxServer.demoCredentials, profile: "b"))
            : .failure(ConfigProblem(file: "/home/u/.config/zqt/config.toml", message: "has no profile \"\(name)\" (it has: b)"))
    }

    @Test func uOnAnotherProfilesRowAsksItsOwnService() async throws {
        let fixture = try TrackingFixture()
        fixture.runner.profileResolver = Self.resolver
        let other = try OtherService()
        let row = try await other.taskLeftRunning(fixture, "sent through profile b")
        fixture.runner.perform(.queryNow(row))
        var said: [Action] = []
        try await eventually("the answer", detail: { "\(said)" }) {
            said += fixture.inbox.drain()
            return said.contains { if case .entryQueried = $0 { true } else { false } }
        }
        guard case let .entryQueried(idTask, result, askedAt)? = said.first(where: { if case .entryQueried = $0 { true } else { false } }) else { return }
        #expect(idTask == row.idTask && askedAt == other.url)
        #expect((try? result.get()) != nil, "service b knows its task: \(result)")
        // Followed there to its end (the fixture's service has never heard of it).
        let done = try await fixture.waitForRow(row.idTask, "finished on its own service") { $0.state == .succeeded }
        #expect(done.results.count == 1)

        // What the user reads: which service was asked, as it goes and with the answer.
        var state = makeState()
        _ = Reducer.reduce(&state, .entriesLoaded([row], .queryNow))
        #expect(state.status?.text == "Asking \(other.url) (where it was sent, with profile b's keys) about \(row.idTask)…")
        _ = Reducer.reduce(&state, .entryQueried(idTask: row.idTask, result, askedAt: askedAt))
        #expect(state.status?.text.hasSuffix(" (asked \(other.url))") == true, "\(state.status?.text ?? "")")
    }

    @Test func aRowWhoseProfileIsGoneIsNotAskedWithOtherKeys() async throws {
        let fixture = try TrackingFixture()
        fixture.runner.profileResolver = Self.resolver
        let other = try OtherService()
        let row = try await other.taskLeftRunning(fixture, "sent through a profile since removed", profile: "gone")
        fixture.runner.perform(.queryNow(row))
        var said: [Action] = []
        try await eventually("the refusal", detail: { "\(said)" }) {
            said += fixture.inbox.drain()
            return !said.isEmpty
        }
        guard case let .historyFailed(message)? = said.first else { Issue.record("\(said)"); return }
        #expect(message == "Not asked: \(row.idTask) was sent to \(other.url) with profile gone, which cannot be used "
                + "(/home/u/.config/zqt/config.toml: has no profile \"gone\" (it has: b))")
        var state = makeState()
        _ = Reducer.reduce(&state, .historyFailed(message))
        #expect(state.status?.kind == .error)
    }

    @Test func anotherProfilesTaskIsFollowedAtStartOnItsService() async throws {
        let fixture = try TrackingFixture()
        fixture.runner.profileResolver = Self.resolver
        let other = try OtherService()
        let row = try await other.taskLeftRunning(fixture, "left running on b")
        fixture.runner.resumeUnfinished()
        let done = try await fixture.waitForRow(row.idTask, "followed on b") { $0.state == .succeeded }
        #expect(done.results.count == 1)
    }

    @Test func aGoneSandboxsRowNotFollowedIsClosedAtStartToo() async throws {
        let fixture = try TrackingFixture()
        let orphan = try TrackingFixture.request("orphan, not followed")
        let id = try fixture.store.recordSending(orphan, baseURL: "http://127.0.0.1:9", profile: "sandbox",
                                                 at: Date().addingTimeInterval(-3600))
        try fixture.store.setFollowed(id: id, false)
        fixture.runner.resumeUnfinished()
        let closed = try await fixture.waitForRow(orphan.taskID, "the orphan closed") { $0.state == .failed }
        #expect(closed.error == "The sandbox that ran this task has stopped (it lives only as long as its zqt)")
    }

    /// `zqt send --sandbox --no-wait`: its task ends with that zqt, so `zqt history list` does not show it queued for ever.
    @Test func anInProcessSandboxsTaskIsClosedWhenItsZqtEnds() async throws {
        let scratch = Scratch()
        try await offThePool {
            let root = scratch.path("zqt-sandbox-gone")
            let environment = ["ZQT_HOME": root, "XDG_CONFIG_HOME": root + "/config"]
            let sent = try ZqtBinary.run(["send", "--sandbox", "examples/text2image.json", "--no-wait", "--json"], environment: environment)
            #expect(sent.status == 0, "\(sent.stderr)")
            let id = try #require(sent.stdout.firstMatch(of: /"id_task":"([^"]+)"/)?.1).description
            _ = try ZqtBinary.run(["history", "unfollow", id], environment: environment)
            let list = try ZqtBinary.run(["history", "list"], environment: environment)
            let row = try #require(list.stdout.split(separator: "\n").first { $0.hasPrefix(id) }, "\(list.stdout)")
            #expect(row.split(separator: "\t")[1] == "failed" && !row.contains("(not followed)"), "\(row)")
            let show = try ZqtBinary.run(["history", "show", id], environment: environment)
            #expect(show.stdout.contains("The sandbox that ran this task has stopped"), "\(show.stdout)")
        }
    }
}
