// Issue 20, a newcomer's re-check at 4e3a33b: `zqt sandbox --api a1111
// --task-seconds N` was ignored (jobs took --step-ms's pace), as were
// --fail-tasks, --latency-ms and --missing-list. The options as the A1111
// stand-in takes them, over real HTTP.

import Foundation
import Model
import Sandbox
import Testing

@Suite struct A1111SandboxOptionsTests {
    @Test func aJobsStepsShareTheTaskSecondsWhateverTheirCount() {
        let options = A1111SandboxOptions(stepMilliseconds: 100, jobSeconds: 6)
        #expect(options.stepMilliseconds(forJobOf: 3) == 2000)
        #expect(options.stepMilliseconds(forJobOf: 60) == 100)
        #expect(options.stepMilliseconds(forJobOf: 0) == 6000, "no division by zero")
        #expect(A1111SandboxOptions(stepMilliseconds: 70).stepMilliseconds(forJobOf: 3) == 70, "without it, --step-ms a step")
        #expect(A1111SandboxOptions(jobSeconds: .nan).stepMilliseconds(forJobOf: 3) == 100, "no trapping conversion")
        #expect(A1111SandboxOptions(jobSeconds: -5).stepMilliseconds(forJobOf: 3) == 0)
        #expect(A1111SandboxOptions(jobSeconds: .infinity).stepMilliseconds(forJobOf: 3) == 100)
    }

    /// Three steps over 600 s (200 s a step): seen running, the job has made no step yet, which a job
    /// at the 10 ms a step the fixture's options say would have ended long before. No wall-clock
    /// assertion: a loaded machine may see it late, never finished (the step arithmetic is above).
    @Test func taskSecondsPaceTheJob() async throws {
        let sandbox = try A1111SandboxFixture(A1111SandboxOptions(stepMilliseconds: 10, jobSeconds: 600))
        let call = Task { try await sandbox.post("/sdapi/v1/txt2img", #"{"prompt": "a lighthouse", "steps": 3, "seed": 1, "width": 64, "height": 64}"#) }
        let running = try await sandbox.progress(until: { $0["state"]?["job"]?.stringValue == "scripts_txt2img" }, seconds: 240)
        #expect(running["state"]?["sampling_steps"]?.numberValue == 3)
        #expect(running["state"]?["sampling_step"]?.numberValue == 0, "200 s a step: \(running)")
        #expect(sandbox.service.finishedJobs == 0)
        _ = try await sandbox.post("/sdapi/v1/interrupt", "")
        let answer = try await call.value
        #expect(answer.status == 200)
        #expect(sandbox.service.stepsRunByLastJob == 0, "interrupted long before its 600 s were up")
    }

    @Test func failTasksFailsEveryJobAsA1111Does() async throws {
        let sandbox = try A1111SandboxFixture(A1111SandboxOptions(stepMilliseconds: 1, failAllJobs: true))
        let answer = try await sandbox.post("/sdapi/v1/txt2img", #"{"prompt": "a lighthouse", "steps": 2, "width": 64, "height": 64}"#)
        #expect(answer.status == 500)
        #expect(answer.json["error"]?.stringValue == "RuntimeError")
        #expect(answer.json["errors"]?.stringValue?.contains("--fail-tasks") == true)
        #expect(sandbox.service.finishedJobs == 1, "the job ran its steps first")
    }

    @Test func aMissingListIsAServerWithoutItsPath() async throws {
        let sandbox = try A1111SandboxFixture(A1111SandboxOptions(stepMilliseconds: 1, missingLists: [.lora, .scheduler]))
        for path in ["/sdapi/v1/loras", "/sdapi/v1/schedulers"] {
            let answer = try await sandbox.get(path)
            #expect(answer.status == 404, "\(path)")
            #expect(answer.json["detail"]?.stringValue == "Not Found")
        }
        #expect(try await sandbox.get("/sdapi/v1/embeddings").status == 200, "the other lists are served")
        #expect(try await sandbox.get("/sdapi/v1/samplers").status == 200)
    }

    @Test func theBannerSaysTheJobsTime() {
        let banner = A1111Sandbox.banner(baseURL: "http://127.0.0.1:7860", options: A1111SandboxOptions(jobSeconds: 4, failAllJobs: true))
        #expect(banner.contains("[SANDBOX] a job takes 4 s whatever its steps; Ctrl-C stops"), "\(banner)")
        #expect(banner.contains("every job fails once its steps have run (--fail-tasks)"))
        #expect(A1111Sandbox.banner(baseURL: "u", options: A1111SandboxOptions()).contains("a 20-step job takes 2 s"))
    }
}
