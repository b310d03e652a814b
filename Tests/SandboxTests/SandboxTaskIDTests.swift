import Foundation
import Model
import Sandbox
import Testing

/// A sandbox a user starts gives task ids that do not repeat from one run to
/// the next (a newcomer's `zqt results 11895411` met every earlier run's task);
/// the tests' sandboxes keep the documented example's id.
@Suite struct SandboxTaskIDTests {
    @Test func runsStartedApartGiveDifferentRisingIDs() {
        let first = SandboxOptions.firstTaskIDOfThisRun(now: 1_796_000_000)
        let later = SandboxOptions.firstTaskIDOfThisRun(now: 1_796_000_000.2)
        #expect(later >= first + 100, "a run a tenth of a second later starts past a hundred tasks of the first")
        #expect(String(first).allSatisfy { $0.isNumber })
        #expect(SandboxOptions.firstTaskIDOfThisRun(now: -1e300) == 10_000_000_000, "a clock before 2026 is no crash")
        #expect(SandboxOptions.firstTaskIDOfThisRun(now: .nan) >= 10_000_000_000)
        #expect(SandboxOptions().firstTaskID == 11_895_411)
    }

    @Test func theServiceNumbersTasksFromTheFirstID() async throws {
        var options = SandboxOptions(taskSeconds: 10)
        options.firstTaskID = 12_000_000_000
        let fixture = try SandboxFixture(options: options, clock: SteppedClock())
        var ids: [String] = []
        for _ in 0..<2 {
            let request = try SandboxFixture.newRequest("tool/comfyui/text2image") { $0["prompt"] = .string("blue sea") }
            ids.append(try #require(try await fixture.api.submit(request).result.serviceTaskID))
        }
        #expect(ids == ["12000000000", "12000000001"])
    }
}
