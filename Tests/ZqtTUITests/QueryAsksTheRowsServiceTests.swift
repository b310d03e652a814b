// `zqt query ID` asks the service the task was sent to (issue 19): its
// base URL and profile, not the current profile's, which has never heard of it.

import Foundation
import TestScratch
import Model
import Sandbox
import Testing

@Suite struct QueryAsksTheRowsServiceTests {
    @Test func aTaskSentWithAnotherProfileIsAskedThere() async throws {
        try await offThePool { try Self.steps() }
    }

    static func steps() throws {
        let scratch = Scratch()
        let root = scratch.path("zqt-query-row")
        try FileManager.default.createDirectory(atPath: root + "/config/zqt", withIntermediateDirectories: true)
        let server = SandboxServer(options: SandboxOptions(taskSeconds: 0.2))
        let url = try server.start()
        defer { server.stop() }
        // The default profile is a service that is not there; the task goes to "studio".
        let file = root + "/config/zqt/config.toml"
        try Data("""
            default_profile = "elsewhere"
            [profiles.elsewhere]
            base_url = "http://127.0.0.1:9"
            access_key_id = "a"
            key_secret_command = "echo b"
            [profiles.studio]
            base_url = "\(url)"
            access_key_id = "a"
            key_secret_command = "echo b"
            """.utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o600)
        let environment = ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": root + "/home"]
        let sent = try ZqtBinary.run(["send", "--profile", "studio", "--endpoint", "text2image", "examples/text2image.json",
                                      "--no-wait", "--json"], environment: environment)
        #expect(sent.status == 0, "\(sent.stderr)")
        let id = try #require(sent.stdout.firstMatch(of: /"id_task":"([^"]+)"/)?.1).description

        let asked = try ZqtBinary.run(["query", id], environment: environment)
        #expect(asked.status == 0, "\(asked.stderr)")
        #expect(asked.stdout.hasPrefix(id + "\t"), "\(asked.stdout)")
        #expect(asked.stderr.contains("note: asking \(url), where \(id) was sent, with profile studio's keys"), "\(asked.stderr)")
        // A flag still decides: the default profile's service is not there.
        let flagged = try ZqtBinary.run(["query", id, "--profile", "elsewhere"], environment: environment)
        #expect(flagged.status != 0 && !flagged.stderr.contains("note: asking"), "\(flagged.stderr)")
    }
}
