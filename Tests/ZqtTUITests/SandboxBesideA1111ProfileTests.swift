import Foundation
import TestScratch
import Model
import Testing

/// `--sandbox` is the zhiqite sandbox whatever the default profile's server
/// is (a newcomer with `api = "a1111"` as default met "controlnet is an
/// endpoint of the zhiqite service" from the README's own example).
@Suite struct SandboxBesideA1111ProfileTests {
    @Test func theSandboxSpeaksTheServicesAPIWhenTheDefaultProfileIsAnA1111Server() async throws {
        let scratch = Scratch()
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let config = scratch.path("zqt-a1111-default")
            let home = config + "-home"
            try FileManager.default.createDirectory(atPath: config + "/zqt", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: config); try? FileManager.default.removeItem(atPath: home) }
            try "default_profile = \"a\"\n[profiles.a]\napi = \"a1111\"\nbase_url = \"http://127.0.0.1:9\"\n"
                .write(toFile: config + "/zqt/config.toml", atomically: true, encoding: .utf8)
            let file = config + "/t2i.json"
            try #"{"prompt":"a lighthouse","width":64,"height":64}"#.write(toFile: file, atomically: true, encoding: .utf8)
            let sent = try ZqtBinary.run(["send", file, "--endpoint", "text2image", "--sandbox", "--no-wait"],
                                         environment: ["XDG_CONFIG_HOME": config, "ZQT_HOME": home])
            #expect(sent.status == 0, "\(sent.stdout)\n\(sent.stderr)")
            #expect(sent.stdout.contains("accepted") || sent.stderr.contains("accepted"), "\(sent.stdout)\n\(sent.stderr)")
        }
    }
}
