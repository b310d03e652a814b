// newcomer20g 3: `sdapi/v1/txt2img` on a zhiqite profile was handled three
// ways (send refused it as A1111's, export --curl filled A1111's defaults in,
// validate passed it as A1111 txt2img) and the zhiqite sandbox took it as a
// task, so the send failed on "invalid parameter force_task_id". One rule now:
// the profile's kind decides; on the service it is a custom request to that
// path, its body as written, and the sandbox answers 404 as the service does.

import Foundation
import TestScratch
import Model
import Sandbox
import Testing

@Suite(.serialized) struct ServicePathKindTests {
    @Test func anA1111PathOnAZhiqiteProfileIsACustomRequestToTheServicesPathEverywhere() async throws {
        let scratch = Scratch()
        try await offThePool {
            let sandbox = SandboxServer(options: SandboxOptions(taskSeconds: 0.2))
            let url = try sandbox.start()
            defer { sandbox.stop() }
            let root = scratch.path("zqt-pathkind")
            try FileManager.default.createDirectory(atPath: root + "/config/zqt", withIntermediateDirectories: true)
            try "[profiles.svc]\nbase_url = \"\(url)\"\n\n[profiles.gpu]\napi = \"a1111\"\nbase_url = \"http://127.0.0.1:9\"\n"
                .write(toFile: root + "/config/zqt/config.toml", atomically: true, encoding: .utf8)
            let env = ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": root + "/home", "HOME": root,
                       "ZQT_ACCESS_KEY_ID": "id", "ZQT_ACCESS_KEY_SECRET": "secret"]
            let path = "/AIGCImgOpenServ/saas/sdapi/v1/txt2img"

            let curl = try ZqtBinary.run(["export", "--curl", "examples/txt2img.json", "--endpoint", "sdapi/v1/txt2img", "--profile", "svc"],
                                         environment: env)
            #expect(curl.status == 0, "\(curl.stderr)")
            #expect(curl.stdout.contains(url + path) && curl.stdout.contains("a lighthouse at dusk"), "\(curl.stdout)")
            for added in ["send_images", "save_images", "force_task_id", "n_iter"] {
                #expect(!curl.stdout.contains(added), "no A1111 default added (\(added)): \(curl.stdout)")
            }

            let validated = try ZqtBinary.run(["validate", "examples/txt2img.json", "--endpoint", "sdapi/v1/txt2img", "--profile", "svc"],
                                              environment: env)
            #expect(validated.status == 0 && !validated.stdout.contains("force_task_id") && !validated.stdout.contains("send_images"),
                    "\(validated.stdout)\n\(validated.stderr)")

            // The send goes to the service's path; the sandbox, as the service, has no such path.
            let sent = try ZqtBinary.run(["send", "examples/txt2img.json", "--endpoint", "sdapi/v1/txt2img", "--profile", "svc"],
                                         environment: env, timeout: 120)
            #expect(sent.status != 0 && sent.status != 2, "sent, and the service refused it: \(sent.status) \(sent.stderr)")
            #expect(sent.stderr.contains("404"), "\(sent.stdout)\n\(sent.stderr)")
            #expect(!sent.stderr.contains("force_task_id") && !sent.stderr.contains("AUTOMATIC1111"), "\(sent.stderr)")

            // On an A1111 profile the same path is the A1111 call, as before.
            let a1111 = try ZqtBinary.run(["validate", "examples/txt2img.json", "--endpoint", "sdapi/v1/txt2img", "--profile", "gpu"],
                                          environment: env)
            #expect(a1111.status == 0 && a1111.stdout.contains("force_task_id"), "\(a1111.stdout)\n\(a1111.stderr)")
        }
    }
}
