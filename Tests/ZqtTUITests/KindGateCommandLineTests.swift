// Issue 20: `zqt send` never sends one kind's request to the other kind's
// server, a sweep no more than a single send (a zhiqite ControlNet sweep
// with an A1111 profile was POSTed to the A1111 server, a 404 per
// combination). The rule is the screen's F5 rule (Endpoint.canBeSent).

import Foundation
import TestScratch
import Model
import Sandbox
import Testing

@Suite(.serialized) struct KindGateCommandLineTests {
    @Test func aSendOrASweepOfTheOtherKindIsRefusedAndTheServerGetsNothing() throws {
        let scratch = Scratch()
        let a1111 = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 5))
        let url = try a1111.start()
        defer { a1111.stop() }
        let root = scratch.path("zqt-kindgate-cli")
        try FileManager.default.createDirectory(atPath: root + "/config/zqt", withIntermediateDirectories: true)
        try "[profiles.gpu]\napi = \"a1111\"\nbase_url = \"\(url)\"\n\n[profiles.work]\nbase_url = \"http://127.0.0.1:9\"\n"
            .write(toFile: root + "/config/zqt/config.toml", atomically: true, encoding: .utf8)
        let env = ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": root + "/home", "HOME": root]

        for extra in [[], ["--sweep", "seed=1,2"]] {
            let sent = try ZqtBinary.run(["send", "examples/controlnet.json", "--endpoint", "controlnet", "--profile", "gpu"] + extra, environment: env)
            #expect(sent.status == 2, "\(extra): \(sent.stderr)")
            #expect(sent.stderr.contains("controlnet is an endpoint of the zhiqite service, and profile gpu is an AUTOMATIC1111 server"),
                    "\(extra): \(sent.stderr)")
        }
        // No path of the service's reached the A1111 server (it once got POST /sd/v2/controlnet per combination).
        #expect(a1111.service.receivedCalls.allSatisfy { $0.path.hasPrefix("/sdapi/") || $0.path.hasPrefix("/controlnet/") },
                "\(a1111.service.receivedCalls.map(\.path))")

        // The other way: an A1111 body over a zhiqite profile (its port closed: refused for its kind, before any connection).
        let sweep = try ZqtBinary.run(["send", "examples/txt2img.json", "--endpoint", "txt2img", "--profile", "work", "--sweep", "seed=1,2"],
                                      environment: env)
        #expect(sweep.status == 2 && sweep.stderr.contains("txt2img is an endpoint of an AUTOMATIC1111 server, and profile work is the zhiqite service"),
                "\(sweep.stderr)")
    }
}
