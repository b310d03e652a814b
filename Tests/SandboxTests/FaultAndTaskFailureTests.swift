import Foundation
import Model
import Sandbox
import Testing

@Suite struct FaultAndTaskFailureTests {
    @Test func http500IsAnHTTPStatusError() async throws {
        let fixture = try SandboxFixture()
        fixture.service.setFaults(SandboxFaults(mode: .http500))
        let error = await fixture.submitError(try SandboxFixture.exampleRequest())
        #expect(error == .httpStatus(500, bodyStart: "sandbox fault: internal server error"))
        #expect(error?.message == "HTTP 500 from the service: sandbox fault: internal server error")
    }

    @Test func aBodyThatIsNotJSONIsToldApart() async throws {
        let fixture = try SandboxFixture()
        fixture.service.setFaults(SandboxFaults(mode: .notJSON))
        let error = await fixture.submitError(try SandboxFixture.exampleRequest())
        guard case let .notJSON(status, body)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(status == 200)
        #expect(body.hasPrefix("<html>"))
    }

    @Test func aDroppedConnectionIsToldApart() async throws {
        let fixture = try SandboxFixture()
        fixture.service.setFaults(SandboxFaults(mode: .drop))
        await #expect(throws: APIError.connectionLost) {
            try await fixture.api.submit(try SandboxFixture.exampleRequest())
        }
    }

    /// The client's 0.5 s deadline firing is what is under test. The service
    /// is 20 s late, so no slow machine lets its answer come first; the test
    /// does not wait for it.
    @Test func aSlowAnswerTimesOut() async throws {
        let fixture = try SandboxFixture(timeout: 0.5)
        fixture.service.setFaults(SandboxFaults(latencyMilliseconds: 20_000))
        await #expect(throws: APIError.timedOut(seconds: 0.5)) {
            try await fixture.api.submit(try SandboxFixture.exampleRequest())
        }
    }

    @Test func aRefusedConnectionIsToldApart() async throws {
        let fixture = try SandboxFixture()
        let url = fixture.server.baseURL
        fixture.server.stop()
        let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: url, credentials: SandboxServer.demoCredentials))
        await #expect(throws: APIError.connectionRefused(host: "127.0.0.1")) {
            try await api.submit(try SandboxFixture.exampleRequest())
        }
    }

    @Test func aPromptMarkerMakesTheTaskFailWithTheServicesDesc() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.exampleRequest { $0["prompt"] = .string($0.prompt + ", sandbox:fail") }
        _ = try await fixture.api.submit(request)
        let info = try await TaskPoller(api: fixture.api, policy: SandboxFixture.fastPolling)
            .waitForResult(SandboxFixture.reference(request))
        #expect(info.phase == .failed)
        #expect(info.status == 4)
        #expect(info.desc == "Task failed: the prompt contains sandbox:fail")
        #expect(info.results.isEmpty)
    }

    @Test func theFailSwitchFailsEveryTask() async throws {
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 0.3, failAllTasks: true))
        let request = try SandboxFixture.exampleRequest()
        _ = try await fixture.api.submit(request)
        let info = try await TaskPoller(api: fixture.api, policy: SandboxFixture.fastPolling)
            .waitForResult(SandboxFixture.reference(request))
        #expect(info.phase == .failed)
    }

    @Test func aVanishedTaskEndsPollingWithTheAPIError() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.exampleRequest { $0["prompt"] = .string($0.prompt + " sandbox:vanish") }
        _ = try await fixture.api.submit(request)
        await #expect(throws: APIError.api(code: "404", message: "no task with businessTaskId \(request.taskID)")) {
            _ = try await TaskPoller(api: fixture.api, policy: SandboxFixture.fastPolling)
                .waitForResult(SandboxFixture.reference(request))
        }
    }

    @Test func pollingRidesOutTransientFaults() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.exampleRequest()
        _ = try await fixture.api.submit(request)
        fixture.service.setFaults(SandboxFaults(mode: .http500, remaining: 2))
        var retries = 0
        var final: TaskInfo?
        for try await event in TaskPoller(api: fixture.api, policy: SandboxFixture.fastPolling).track(SandboxFixture.reference(request)) {
            switch event {
            case .retrying: retries += 1
            case let .update(info): final = info
            case .unfollowed: Issue.record("no row to unfollow")
            }
        }
        #expect(retries == 2)
        #expect(final?.phase == .succeeded)
    }

    @Test func pollingGivesUpWhenFaultsPersist() async throws {
        let fixture = try SandboxFixture()
        let request = try SandboxFixture.exampleRequest()
        _ = try await fixture.api.submit(request)
        fixture.service.setFaults(SandboxFaults(mode: .notJSON))
        await #expect(throws: APIError.self) {
            _ = try await TaskPoller(api: fixture.api, policy: SandboxFixture.fastPolling)
                .waitForResult(SandboxFixture.reference(request))
        }
    }

    @Test func cancellingStopsPolling() async throws {
        // Tasks that never end while the test runs: an answer saying "done" would end
        // a stream before its count, and a loaded machine can take 30 s to ask five times.
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 3600))
        let request = try SandboxFixture.exampleRequest()
        _ = try await fixture.api.submit(request)
        let poller = TaskPoller(api: fixture.api, policy: .every(0.05, maxTransientFailures: 1))
        // Follow until two answers came (a condition, not a time), then stop: leaving the loop cancels the poller.
        var answers = 0
        for try await event in poller.track(SandboxFixture.reference(request)) {
            if case .update = event { answers += 1 }
            if answers == 2 { break }
        }
        let atCancel = fixture.service.queryCount
        #expect(atCancel >= 2)
        // Proving that nothing more comes needs time to pass: as long as a poller
        // like it, not cancelled, takes to ask five times on a sandbox of its own.
        // A busy machine slows both alike: a condition, not a guess of time.
        let control = try SandboxFixture(options: SandboxOptions(taskSeconds: 3600))
        let other = try SandboxFixture.exampleRequest()
        _ = try await control.api.submit(other)
        var controlAnswers = 0
        for try await event in TaskPoller(api: control.api, policy: poller.policy).track(SandboxFixture.reference(other)) {
            if case .update = event { controlAnswers += 1 }
            if controlAnswers == 5 { break }
        }
        #expect(controlAnswers == 5)
        #expect(fixture.service.queryCount <= atCancel + 1, "no query after cancel (one may have been in flight)")
    }
}
