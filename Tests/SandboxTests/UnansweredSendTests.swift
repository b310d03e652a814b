import Foundation
import TestScratch
import Model
import Sandbox
import Testing

/// Issue 8: a send the service accepted is never lost for want of an answer.
@Suite struct UnansweredSendTests {
    /// A pipeline on a history of its own, over a client with a short timeout.
    static func pipeline(_ fixture: SandboxFixture, _ folder: String) throws -> (SendPipeline, HistoryStore) {
        let store = try HistoryStore.open(inFolder: folder)
        var pipeline = SendPipeline(api: fixture.api, store: store, baseURL: fixture.configuration.baseURL, profile: "sandbox") { error in
            Issue.record("history: \(error.message)")
        }
        pipeline.confirmDelays = [0, 0.2, 0.4]
        return (pipeline, store)
    }

    static func folder(in scratch: Scratch) -> String {
        scratch.path("zqt-unanswered")
    }

    @Test func aTimedOutSendTheServiceAcceptedIsFollowedNotFailed() async throws {
        let scratch = Scratch()
        let fixture = try SandboxFixture(timeout: 5)
        // The service takes the task in, then answers 60 s late: the client's 5 s deadline
        // firing first is what is under test, and no slow machine lets the answer win.
        // The questions that follow get the same 5 s each (1 s ran out on a loaded machine).
        fixture.service.setFaults(SandboxFaults(latencyMilliseconds: 60_000, mode: .lateAnswer, remaining: 1))
        let home = Self.folder(in: scratch)
        let (pipeline, store) = try Self.pipeline(fixture, home)
        let request = try SandboxFixture.exampleRequest()

        let sent = await pipeline.send(request)

        let recordID = try #require(sent.recordID)
        guard case let .failure(error) = sent.outcome.result, case .timedOut = error else {
            Issue.record("expected a timeout: \(sent.outcome.result)")
            return
        }
        guard case let .accepted(info)? = sent.confirmation else { Issue.record("not confirmed: \(String(describing: sent.confirmation))"); return }
        #expect(info.phase == .inProgress || info.phase == .succeeded)
        let row = try #require(try store.record(id: recordID))
        #expect(row.state != .sendFailed && row.state.isUnfinished || row.state == .succeeded, "\(row.state)")
        #expect(fixture.service.receivedSubmissions.count == 1, "one task at the service, and zqt knows it")

        // Followed to the end like any other.
        let events = pipeline.follow(SandboxFixture.reference(request), recordID: sent.recordID)
        for try await _ in events {}
        #expect(try store.record(id: recordID)?.state == .succeeded)
    }

    @Test func aConnectionLostAfterTheBodyWentOutIsAskedAbout() async throws {
        let scratch = Scratch()
        // A task that does not end while the test runs: on a loaded machine the
        // question about it came after a 30 s task had ended, and the row was done.
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 3600), timeout: 30)
        fixture.service.setFaults(SandboxFaults(mode: .dropAfter, remaining: 1))
        let home = Self.folder(in: scratch)
        let (pipeline, store) = try Self.pipeline(fixture, home)
        let sent = await pipeline.send(try SandboxFixture.exampleRequest())
        let recordID = try #require(sent.recordID)
        guard case .accepted? = sent.confirmation else { Issue.record("not confirmed: \(String(describing: sent.confirmation))"); return }
        let state = try store.record(id: recordID)?.state
        #expect(state?.isUnfinished == true, "\(String(describing: state))")
    }

    @Test func aDroppedSendTheServiceNeverSawFailsClearly() async throws {
        let scratch = Scratch()
        let fixture = try SandboxFixture(timeout: 30)
        fixture.service.setFaults(SandboxFaults(mode: .drop, remaining: 1))  // closed before the service took it in
        let home = Self.folder(in: scratch)
        let (pipeline, store) = try Self.pipeline(fixture, home)
        let request = try SandboxFixture.exampleRequest()
        let sent = await pipeline.send(request)
        let recordID = try #require(sent.recordID)
        guard case .notAccepted? = sent.confirmation else { Issue.record("expected no task: \(String(describing: sent.confirmation))"); return }
        let row = try #require(try store.record(id: recordID))
        #expect(row.state == .sendFailed)
        #expect(row.error?.contains("the service has no task \(request.taskID)") == true, "\(row.error ?? "")")
    }

    @Test func anUnreachableServiceLeavesTheRowToBeAskedLater() async throws {
        let scratch = Scratch()
        let fixture = try SandboxFixture(timeout: 1)
        // Late for everything, far past the client's 1 s deadline: the submit and each question about it.
        fixture.service.setFaults(SandboxFaults(latencyMilliseconds: 20_000, mode: .lateAnswer))
        let home = Self.folder(in: scratch)
        let (pipeline, store) = try Self.pipeline(fixture, home)
        let sent = await pipeline.send(try SandboxFixture.exampleRequest())
        let recordID = try #require(sent.recordID)
        guard case .stillUnknown? = sent.confirmation else { Issue.record("expected unknown: \(String(describing: sent.confirmation))"); return }
        let row = try #require(try store.record(id: recordID))
        #expect(row.state == .unknown && row.state.isUnfinished, "followed again at the next start")
        #expect(try store.unfinished().contains { $0.id == row.id })
    }
}
