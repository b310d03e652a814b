// `zqt models`: one exit rule for every kind (issue 19), and the in-process
// sandbox's lists kept whatever its port (they vanished on every start).

import Foundation
import TestScratch
import Testing

@Suite struct ModelsCommandRuleTests {
    @Test func everyKindAskedForMustBeCachedAndTheSandboxsListsOutliveItsPort() async throws {
        let scratch = Scratch()
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let home = scratch.path("zqt-models-rule")
            let environment = ["ZQT_HOME": home, "XDG_CONFIG_HOME": home + "/config"]
            // Nothing cached: 1 for all kinds and for one kind alike.
            for arguments in [["models"], ["models", "--kind", "lora"], ["models", "--sandbox"], ["models", "--sandbox", "--kind", "lora"]] {
                let run = try ZqtBinary.run(arguments, environment: environment)
                #expect(run.status == 1, "\(arguments) exited \(run.status)")
                #expect(run.stdout.isEmpty)
            }
            // One list read from a sandbox; the next run's sandbox (another port) finds it.
            let refreshed = try ZqtBinary.run(["models", "--sandbox", "--refresh", "--kind", "lora"], environment: environment)
            #expect(refreshed.status == 0, "\(refreshed.stderr)")
            let cached = try ZqtBinary.run(["models", "--sandbox", "--kind", "lora"], environment: environment)
            #expect(cached.status == 0, "\(cached.stderr)")
            #expect(cached.stdout == refreshed.stdout && cached.stdout.contains("lora\tadd_detail"))
            // All kinds: the lora list is printed, the three missing are said, and the rule is the same: 1.
            let all = try ZqtBinary.run(["models", "--sandbox"], environment: environment)
            #expect(all.status == 1)
            #expect(all.stdout == refreshed.stdout)
            #expect(all.stderr.contains("zqt: no checkpoint list cached yet for the sandbox; zqt models --refresh reads it from the service"),
                    "\(all.stderr)")
            #expect(!all.stderr.contains("127.0.0.1"), "the port is not the sandbox's name: \(all.stderr)")
        }
    }

    @Test func anA1111ServersListNotYetReadIsSaidForThatServerWithTheSameRule() async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = scratch.path("zqt-models-a1111")
            try FileManager.default.createDirectory(atPath: home + "/config/zqt", withIntermediateDirectories: true)
            try "[profiles.gpu]\napi = \"a1111\"\nbase_url = \"http://127.0.0.1:9\"\n"
                .write(toFile: home + "/config/zqt/config.toml", atomically: true, encoding: .utf8)
            let environment = ["ZQT_HOME": home, "XDG_CONFIG_HOME": home + "/config"]
            // A fresh home: the same rule as every kind (1, said on stderr), the server named by its profile and kind.
            let sampler = try ZqtBinary.run(["models", "--kind", "sampler", "--profile", "gpu"], environment: environment)
            #expect(sampler.status == 1 && sampler.stdout.isEmpty, "\(sampler.status) \(sampler.stderr)")
            #expect(sampler.stderr.contains("zqt: no sampler list cached yet for profile gpu (an A1111 server at http://127.0.0.1:9); "
                                            + "zqt models --kind sampler --refresh --profile gpu reads it from that server"), "\(sampler.stderr)")
            #expect(!sampler.stderr.contains("the service"), "\(sampler.stderr)")
            let sandbox = try ZqtBinary.run(["models", "--kind", "scheduler", "--sandbox", "--api", "a1111"], environment: environment)
            #expect(sandbox.status == 1, "\(sandbox.stderr)")
            #expect(sandbox.stderr.contains("zqt: no scheduler list cached yet for the sandbox (A1111); "
                                            + "zqt models --kind scheduler --refresh reads it from that server"), "\(sandbox.stderr)")
        }
    }
}
