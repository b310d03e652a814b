import Foundation
import Model
import Sandbox
import Synchronization
import Testing

/// Issue 18: the service's busy answers (HTTP 429, its Retry-After, a busy
/// envelope) slow the following down instead of ending it, over the wire.
@Suite struct BusyServiceTests {
    @Test func busyAnswersOverTheWireAreWaitedOutAsTheServiceAsks() async throws {
        let fixture = try SandboxFixture(options: SandboxOptions(taskSeconds: 0.2))
        let request = try SandboxFixture.exampleRequest()
        _ = try await fixture.api.submit(request)
        fixture.service.setFaults(SandboxFaults(mode: .busy, remaining: 2))
        // The real clock; each wait recorded as the poller asks for it.
        let waits = Mutex<[Double]>([])
        var timing = PollTiming.live
        let sleep = timing.sleep
        timing.sleep = { seconds in
            waits.withLock { $0.append(seconds) }
            try await sleep(seconds)
        }
        var policy = SandboxFixture.fastPolling
        policy.busyMaxDelay = 5
        let poller = TaskPoller(api: fixture.api, policy: policy, timing: timing)
        var busy: [BusyAnswer] = []
        var last: TaskInfo?
        for try await event in poller.track(SandboxFixture.reference(request)) {
            switch event {
            case let .retrying(error, _): if let answer = error.busyAnswer { busy.append(answer) }
            case let .update(info): last = info
            case .unfollowed: Issue.record("no row to unfollow")
            }
        }
        #expect(busy.count == 2)
        #expect(busy.allSatisfy { $0.httpStatus == 429 && $0.code == "429" && $0.retryAfter == 1 })
        #expect(last?.phase == .succeeded)
        // After each busy answer the next query waited the second the service asked for.
        let seen = waits.withLock { $0 }
        #expect(seen.count == 3, "\(seen)")
        #expect(seen.dropFirst().allSatisfy { $0 >= 1 }, "\(seen)")
    }

    @Test func aSubmitAnsweredBusyIsNotSentAgainAndSaysSo() async throws {
        let fixture = try SandboxFixture()
        fixture.service.setFaults(SandboxFaults(mode: .busy, remaining: 1))
        let request = try SandboxFixture.exampleRequest()
        let error = await fixture.submitError(request)
        #expect(error?.busyAnswer?.retryAfter == 1)
        #expect(error?.message == "The service is busy (code 429): sandbox fault: busy, try again later; it asks to wait 1 s")
        #expect(error?.mayHaveBeenAccepted == false)
        #expect(fixture.service.receivedSubmissions.isEmpty)
    }
}
