import Foundation
import Model
import Sandbox
import Testing
import TestScratch
@testable import ZqtTUI

/// The effect runner against a real sandbox over loopback and a real
/// history file: every submission's row follows its task to the end.
final class TrackingFixture: @unchecked Sendable {
    let folder: String
    let store: HistoryStore
    let server: SandboxServer
    let configuration: ClientConfiguration
    let inbox = ActionInbox()
    let runner: EffectRunner

    /// With a clock, the sandbox's time moves only when the test says.
    init(taskSeconds: Double = 0.6, clock: SteppedClock? = nil) throws {
        folder = Self.parent + "/zqt-track-\(UUID().uuidString)"
        store = try HistoryStore.open(inFolder: folder)
        server = clock.map { SandboxServer(options: SandboxOptions(taskSeconds: taskSeconds), now: $0.now) }
            ?? SandboxServer(options: SandboxOptions(taskSeconds: taskSeconds))
        let url = try server.start()
        // Generous: on a loaded machine the sandbox's PNGs come slowly, and a stall would read as a fault.
        configuration = ClientConfiguration(baseURL: url, credentials: SandboxServer.demoCredentials, timeout: 20, profile: "sandbox")
        runner = EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration, store: store, inbox: inbox)
        runner.pollPolicy = PollPolicy(firstDelay: 0.1, ageShare: 0.25, minDelay: 0.1, maxDelay: 0.3, jitter: 0, busyDelay: 0.1, busyMaxDelay: 0.3,
                                            maxTransientFailures: 3, maxBusyAnswers: 30)
        runner.home = folder
    }

    /// Sends `request` and, once the service accepted it, follows its task.
    @discardableResult
    func submitAndFollow(_ request: Request) async throws -> HistoryRecord {
        runner.perform(.submit(request))
        let row = try await waitForRow(request.taskID, "submitted") { $0.state == .submitted }
        runner.perform(.track(recordID: row.id, TaskReference(endpoint: request.endpoint, taskID: request.taskID)))
        return row
    }

    deinit {
        runner.cancelAll()
        server.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// One folder for the test process's fixtures, removed as it exits: a
    /// picture's write the cancel did not stop in time makes its `images/`
    /// again after `deinit` removed the fixture's own folder (a whole run left
    /// ten empty ones in /tmp).
    private static let parent: String = {
        atexit { Scratch.remove([TrackingFixture.parentOfThisProcess]) }
        return parentOfThisProcess
    }()

    private static var parentOfThisProcess: String { Scratch.root + "/zqt-track-\(getpid())" }

    static func request(_ prompt: String) throws -> Request {
        var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        request.taskID = TaskIDGenerator.shared.next()
        request["prompt"] = .string(prompt)
        return request
    }

    /// Waits until the row for `idTask` satisfies `condition`; returns it.
    /// Async, so waiting never holds one of the few threads the tasks under test run on.
    @discardableResult
    func waitForRow(_ idTask: String, timeout: Double = 45, _ what: String,
                    _ condition: (HistoryRecord) -> Bool) async throws -> HistoryRecord {
        var last: HistoryRecord?
        try await eventually(what, timeout: timeout, detail: { "row was \(String(describing: last))" }) {
            last = try store.record(idTask: idTask)
            return last.map(condition) ?? false
        }
        return try #require(last)
    }
}

@Suite struct TaskTrackingTests {
    @Test func aSubmissionIsKeptAndFollowedToItsResults() async throws {
        let fixture = try TrackingFixture()
        let request = try TrackingFixture.request("a lighthouse at dusk")
        fixture.runner.perform(.submit(request))
        let sent = try await fixture.waitForRow(request.taskID, "the submit's answer") { $0.state != .sending }
        #expect(sent.serviceTaskID == request.taskID && sent.httpStatus == 200)
        #expect(sent.requestJSON == request.wireJSON)
        // The row is written first, then the answer posted (the pipeline's events reach the loop a moment later).
        var submitted: [Int?] = []
        let deadline = Date().addingTimeInterval(30)
        while submitted.isEmpty, Date() < deadline {
            submitted += fixture.inbox.drain().compactMap { action -> Int?? in
                if case let .submitFinished(_, recordID, .success) = action { return recordID }
                return nil
            }
            if submitted.isEmpty { try await Task.sleep(nanoseconds: 20_000_000) }
        }
        #expect(submitted == [sent.id], "the form learns the row's id")
        fixture.runner.perform(.track(recordID: sent.id, TaskReference(endpoint: .controlNet, taskID: request.taskID)))
        let done = try await fixture.waitForRow(request.taskID, "success") { $0.state == .succeeded }
        #expect(done.taskDesc == "Success" && done.results.count == 1 && done.finishedAt != nil)
        #expect(done.results[0].imageURL.hasPrefix(fixture.server.baseURL + "/sandbox/images/"))
        #expect(done.lastQueryJSON?.contains("\"differentialImageRspList\"") == true)
    }

    @Test func aSlowTaskShowsItsProgressInTheRowOnTheWay() async throws {
        // The sandbox's time is stepped by hand, so the running phase is seen however busy the machine is.
        let clock = SteppedClock()
        let fixture = try TrackingFixture(taskSeconds: 1, clock: clock)
        let request = try TrackingFixture.request("a lighthouse, sandbox:slow")
        try await fixture.submitAndFollow(request)
        let queued = try await fixture.waitForRow(request.taskID, "queued") { $0.state == .queued }
        #expect(queued.taskStatus == 0)
        clock.advance(2.4)  // four times one second: queued for 0.8 s, then running
        let running = try await fixture.waitForRow(request.taskID, "running with progress") { $0.state == .running && ($0.progress ?? 0) > 0 }
        #expect(running.finishedAt == nil && running.progress == 0.5)
        #expect(try fixture.store.list(filter: "running").map(\.idTask) == [request.taskID])
        clock.advance(2)
        try await fixture.waitForRow(request.taskID, "success", { $0.state == .succeeded })
    }

    @Test func aFailingTaskIsMarkedFailedWithTheServicesDesc() async throws {
        let fixture = try TrackingFixture()
        let request = try TrackingFixture.request("sandbox:fail")
        try await fixture.submitAndFollow(request)
        let failed = try await fixture.waitForRow(request.taskID, "failure") { $0.state == .failed }
        #expect(failed.taskStatus == 4)
        #expect(failed.taskDesc == "Task failed: the prompt contains sandbox:fail")
    }

    @Test func aVanishedTaskEndsFailedWithTheServicesAnswer() async throws {
        let fixture = try TrackingFixture()
        let request = try TrackingFixture.request("sandbox:vanish")
        try await fixture.submitAndFollow(request)
        let failed = try await fixture.waitForRow(request.taskID, "failure") { $0.state == .failed }
        #expect(failed.error?.hasPrefix("Following the task stopped: API error") == true, "\(failed.error ?? "")")
    }

    @Test func aFailedSendIsARowWithItsErrorAndTheServicesAnswer() async throws {
        let fixture = try TrackingFixture()
        // A 500 may come from a gateway after the service took the task: zqt asks, and the service has none.
        fixture.server.service.setFaults(SandboxFaults(mode: .http500, remaining: 1))
        let request = try TrackingFixture.request("a red bicycle")
        fixture.runner.perform(.submit(request))
        let row = try await fixture.waitForRow(request.taskID, "send failure") { $0.state == .sendFailed }
        #expect(row.error?.hasPrefix("HTTP 500 from the service: sandbox fault: internal server error · the service has no task \(request.taskID)") == true,
                "\(row.error ?? "")")
        #expect(row.httpStatus == 500 && row.responseJSON == "sandbox fault: internal server error")
        #expect(try fixture.store.unfinished().isEmpty, "nothing to follow")

        // An API error keeps the service's envelope.
        fixture.server.service.setFaults(SandboxFaults())
        var invalid = try TrackingFixture.request("")
        invalid["steps"] = .int(500)
        fixture.runner.perform(.submit(invalid))
        let refused = try await fixture.waitForRow(invalid.taskID, "API error") { $0.state == .sendFailed }
        #expect(refused.error?.hasPrefix("API error 400:") == true)
        #expect(refused.responseJSON?.contains("\"code\": \"400\"") == true)
    }

    @Test func tasksLeftRunningAreFollowedAgainAtTheNextStart() async throws {
        let fixture = try TrackingFixture(taskSeconds: 1)
        let request = try TrackingFixture.request("left running")
        // An earlier zqt sent it and was killed before the task finished.
        let api = HTTPImageAPI(configuration: fixture.configuration)
        let id = try fixture.store.recordSending(request, baseURL: fixture.configuration.baseURL, profile: "sandbox")
        let outcome = await api.send(request)
        try fixture.store.recordSubmitted(id: id, submission: try outcome.result.get())
        // And a row from an in-process sandbox that is gone.
        let orphan = try TrackingFixture.request("orphan")
        let orphanID = try fixture.store.recordSending(orphan, baseURL: "http://127.0.0.1:9", profile: "sandbox",
                                                       at: Date().addingTimeInterval(-3600))

        fixture.runner.resumeUnfinished()
        let done = try await fixture.waitForRow(request.taskID, "the resumed task's success") { $0.state == .succeeded }
        #expect(done.id == id && done.results.count == 1)
        // Its image kept as a send that followed it would keep it (issue 17).
        let kept = try await fixture.waitForRow(request.taskID, "the resumed task's image kept") { $0.imageResults.first?.localPath != nil }
        #expect(kept.imageResults.first?.localPath == fixture.folder + "/images/" + request.taskID + "/1.png")
        let closed = try await fixture.waitForRow(orphan.taskID, "the orphan closed") { $0.state == .failed }
        #expect(closed.id == orphanID)
        #expect(closed.error == "The sandbox that ran this task has stopped (it lives only as long as its zqt)")
    }

    @Test func aTaskFromAnEarlierMonthIsAskedAtTheArchiveQuery() async throws {
        let clock = SteppedClock()
        let fixture = try TrackingFixture(clock: clock)
        let request = try TrackingFixture.request("sent last month")
        let outcome = await HTTPImageAPI(configuration: fixture.configuration).send(request)
        // Kept as sent 40 days ago: wire rule 8 sends its queries to sd/queryTaskInfo (v1).
        let longAgo = Date().addingTimeInterval(-40 * 86_400)
        let id = try fixture.store.recordSending(request, baseURL: fixture.configuration.baseURL,
                                                 profile: "sandbox", at: longAgo)
        try fixture.store.recordSubmitted(id: id, submission: try outcome.result.get(), at: longAgo)
        clock.advance(1)  // the sandbox's 0.6 s task is done by its clock, whatever the machine's speed
        fixture.runner.resumeUnfinished()
        let done = try await fixture.waitForRow(request.taskID, "success through v1") { $0.state == .succeeded }
        #expect(done.lastQueryJSON?.contains("\"task_id\"") == true, "v1 answers name the id task_id (§2.2); v2 says id_task")
    }

    @Test func resultImagesAreSavedAndTheirPathsKept() async throws {
        let fixture = try TrackingFixture()
        var request = try TrackingFixture.request("two cats")
        request["batch_size"] = .int(2)
        try await fixture.submitAndFollow(request)
        // The pipeline keeps zqt's copies as the task ends (issue 16), and the row notes them.
        let kept = fixture.folder + "/images/" + request.taskID
        let done = try await fixture.waitForRow(request.taskID, "zqt's copies") { row in
            row.state == .succeeded && row.results.count == 2 && row.results.allSatisfy { $0.localPath?.hasPrefix(kept) == true }
        }
        #expect(done.results.map(\.localPath) == [kept + "/1.png", kept + "/2.png"])
        // Saved into a folder as `zqt results` names them (issue 16: the screen named them 1.png, 2.png,
        // which a second task saved into the same folder overwrote).
        let folder = fixture.folder + "/images/two-cats"
        fixture.runner.perform(.saveImages(done, folder: folder))
        let saved = try await fixture.waitForRow(request.taskID, "local copies") { $0.results.allSatisfy { $0.localPath?.hasPrefix(folder) == true } }
        #expect(saved.results.map(\.localPath) == [folder + "/\(request.taskID)-1.png", folder + "/\(request.taskID)-2.png"])
        for path in saved.results.compactMap(\.localPath) {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(PNGInfo.dimensions(of: bytes)! == (768, 768))
        }
    }
}
