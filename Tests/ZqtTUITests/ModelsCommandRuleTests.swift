// `zqt models`: one exit rule for every kind (issue 19), and the in-process
// sandbox's lists kept whatever its port (they vanished on every start).

import Foundation
import Testing

@Suite struct ModelsCommandRuleTests {
    @Test func everyKindAskedForMustBeCachedAndTheSandboxsListsOutliveItsPort() async throws {
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let home = NSTemporaryDirectory() + "zqt-models-rule-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: home) }
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
            #expect(all.stderr.contains("zqt: no checkpoint list cached for the sandbox;"), "\(all.stderr)")
            #expect(!all.stderr.contains("127.0.0.1"), "the port is not the sandbox's name: \(all.stderr)")
        }
    }
}
