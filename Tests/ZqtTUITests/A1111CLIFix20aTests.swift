// Issue 20, a newcomer's check at 5968118, the command line's part (fix20a):
// which profile a command uses when none is named, a zhiqite body sent to an
// A1111 profile, a sweep's server that answers 500 to everything, and the
// words said on an A1111 profile. Each as the user meets it: the command's
// output and exit status, and what the sandbox received.

import Foundation
import Synchronization
@testable import Model
@testable import Sandbox
import TestScratch
import Testing
@testable import ZqtTUI

@Suite(.serialized) struct A1111CLIFix20aTests {
    /// What a test of this suite runs zqt with, in one scratch folder removed
    /// with the value (however the test ends): a config folder
    /// (XDG_CONFIG_HOME) whose file holds `config`, a history folder
    /// (ZQT_HOME, made by zqt) and a request body.
    final class Setup {
        let scratch = Scratch()
        let folder: String
        let home: String
        let body: String

        init(config: String, body text: String = Setup.lighthouse) throws {
            folder = try scratch.configFolder("zqt-fix20a", config, mode: 0o600)
            home = scratch.path("zqt-fix20a-home")
            body = try scratch.file("zqt-fix20a", suffix: ".json", text)
        }

        var configFile: String { folder + "/zqt/config.toml" }
        var environment: [String: String] { ["ZQT_HOME": home, "XDG_CONFIG_HOME": folder] }

        /// A small txt2img, quick on the sandbox.
        static let lighthouse = #"{"prompt": "a lighthouse", "steps": 2, "width": 64, "height": 64}"#
    }

    /// Two A1111 profiles and nothing else: no default_profile, no "default", no zhiqite profile.
    static func onlyA1111(_ first: String, _ second: String) -> String {
        "[profiles.gpu]\napi = \"a1111\"\nbase_url = \"\(first)\"\n\n[profiles.slow]\napi = \"a1111\"\nbase_url = \"\(second)\"\n"
    }

    // MARK: 1. No --profile, a file of A1111 profiles only: the screen's choice, never the built-in service

    @Test func theStartProfileOfAFileOfA1111ProfilesIsItsFirstAsOnTheScreen() throws {
        let setup = try Setup(config: Self.onlyA1111("http://127.0.0.1:7860", "http://127.0.0.1:7861"))
        guard case let .loaded(config) = ConfigFile.load(path: setup.configFile) else { Issue.record("must load"); return }
        #expect(config.startProfile == "gpu")
        // The one function the screen (resolveForScreen) and every command resolve through.
        let resolved = try ClientConfiguration.resolve(baseURLFlag: nil, profileFlag: nil, environment: [:], config: config)
        #expect(resolved.profile == "gpu" && resolved.server == .a1111 && resolved.baseURL == "http://127.0.0.1:7860", "\(resolved)")
        // A zhiqite profile among several, with nothing to choose between them: the built-in service, as before.
        let mixed = try Setup(config: Self.onlyA1111("http://127.0.0.1:7860", "http://127.0.0.1:7861") + "\n[profiles.work]\nbase_url = \"http://127.0.0.1:9\"\n")
        guard case let .loaded(withService) = ConfigFile.load(path: mixed.configFile) else { Issue.record("must load"); return }
        #expect(withService.startProfile == nil)
    }

    @Test func sendWithoutProfileGoesToTheFirstA1111ProfileNotTheService() async throws {
        try await offThePool {
            let server = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 5))
            let url = try server.start()
            defer { server.stop() }
            let setup = try Setup(config: Self.onlyA1111(url, "http://127.0.0.1:9"))
            let (folder, home, body) = (setup.folder, setup.home, setup.body)
            // Keys in the environment: before, these went with a paid task to https://api.zhiqite.com.
            let run = try ZqtBinary.run(["send", body], environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": folder,
                                                                     "ZQT_ACCESS_KEY_ID": "id", "ZQT_ACCESS_KEY_SECRET": "secret"],
                                        timeout: 120)
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("POST \(url)/sdapi/v1/txt2img"), "\(run.stdout)")
            #expect(!(run.stdout + run.stderr).contains("api.zhiqite.com"), "\(run.stdout)\n\(run.stderr)")
            #expect(server.service.receivedCalls.contains { $0.path == "/sdapi/v1/txt2img" && $0.body.contains("a lighthouse") },
                    "the profile's server made it")
            let list = try ZqtBinary.run(["history", "list"], environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": folder])
            #expect(!list.stdout.contains("send-failed") && !list.stdout.contains("zhiqite.com"), "\(list.stdout)")

            // 4. zqt query of a row still `sending` (its sender gone) asks the server with the A1111 profile's login, not keys it has none of.
            let idTask = "zqt-20261207-000000-000-fxa4"
            do {
                let store = try HistoryStore.open(inFolder: home)
                let endpoint = try #require(EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img"))
                var request = Request.new(for: endpoint, taskID: idTask)
                request["prompt"] = .string("a lighthouse")
                _ = try store.recordSending(request, baseURL: url, profile: "gpu")
            }
            let asked = try ZqtBinary.run(["query", idTask], environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": folder])
            #expect(asked.stderr.contains("note: asking \(url), where \(idTask) was sent, with profile gpu's login"), "\(asked.stderr)")
            #expect(!asked.stderr.contains("keys"), "\(asked.stderr)")
        }
    }

    // MARK: 2. A zhiqite body sent to an A1111 profile without --endpoint

    @Test func aConvertedZhiqiteBodyToAnA1111ProfileIsSaidToBeZhiqitesAndNotSent() async throws {
        try await offThePool {
            let server = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 5))
            let url = try server.start()
            defer { server.stop() }
            // What `zqt convert ID --to zhiqite` writes for a txt2img with a ControlNet unit.
            let setup = try Setup(config: Self.onlyA1111(url, "http://127.0.0.1:9"), body: #"""
                {"prompt": "a lighthouse", "sampler_index": "Euler a", "steps": 20, "width": 512, "height": 512,
                 "alwayson_scripts": {"controlnet": {"args": [{"module": "canny", "model": "control_v11p_sd15_canny",
                   "image_link": "https://example.invalid/edges.png", "weight": 1}]}}}
                """#)
            let (body, environment) = (setup.body, setup.environment)
            for command in [["send", body], ["send", body, "--profile", "gpu"], ["validate", body]] {
                let run = try ZqtBinary.run(command, environment: environment, timeout: 60)
                #expect(run.status == 2, "\(command): \(run.status) \(run.stdout)\n\(run.stderr)")
                #expect(run.stderr.contains("this is a zhiqite ControlNet request (its fields fit controlnet better than any endpoint of an AUTOMATIC1111 server); "
                    + "profile gpu is an AUTOMATIC1111 server: zqt convert \(body) --to a1111, or --profile a zhiqite one"), "\(command): \(run.stderr)")
                #expect(!run.stderr.contains("unit 1 needs a control image") && !run.stderr.contains("txt2img"), "\(command): \(run.stderr)")
            }
            #expect(!server.service.receivedCalls.contains { $0.path.hasSuffix("2img") }, "nothing sent")
            // The A1111 txt2img it is the twin of goes as before.
            let own = try setup.scratch.file("zqt-fix20a", suffix: ".json", #"{"prompt": "a lighthouse", "sampler_name": "Euler a", "steps": 2, "width": 64, "height": 64}"#)
            let sent = try ZqtBinary.run(["send", own], environment: environment, timeout: 120)
            #expect(sent.status == 0 && sent.stderr.contains("note: endpoint txt2img of the profile's A1111 server"), "\(sent.stdout)\n\(sent.stderr)")
        }
    }

    // MARK: 3. A sweep's server that answers 500 to everything leaves; one job's own 500 does not drop its server

    /// An "A1111 server" that answers every call with A1111's own 500 (`{"error": …, "errors": …}`), counting its generation calls.
    final class FailingServer: Sendable {
        final class Count: Sendable { let value = Mutex(0) }
        let count = Count()
        let http: HTTPServer
        var calls: Int { count.value.withLock { $0 } }

        /// `plainText`: a 500 whose body is not JSON (a plain server or a proxy's page), which a newcomer saw
        /// kept as "outcome unknown", not counted, its server left in the sweep.
        init(plainText: Bool = false) {
            let count = self.count
            http = HTTPServer { request in
                if request.path.hasSuffix("2img") { count.value.withLock { $0 += 1 } }
                if plainText { return .respond(.text("Internal Server Error", status: 500)) }
                return .respond(.json(JSONValueText(#"{"error":"RuntimeError","detail":"","body":"","errors":"CUDA error: an illegal memory access"}"#), status: 500))
            }
        }
    }

    @Test(arguments: [false, true])
    func aServerAnswering500ToEveryCallLeavesTheSweepAndItsCombinationsAreMadeByTheOther(plainText: Bool) async throws {
        try await offThePool {
            let server = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 5))
            let url = try server.start()
            defer { server.stop() }
            let failing = FailingServer(plainText: plainText)
            try failing.http.start()
            defer { failing.http.stop() }
            let fake = "http://127.0.0.1:\(failing.http.port)"
            let setup = try Setup(config: "[profiles.gpu]\napi = \"a1111\"\nbase_url = \"\(url)\"\n\n[profiles.fake]\napi = \"a1111\"\nbase_url = \"\(fake)\"\n")
            let (folder, home, body) = (setup.folder, setup.home, setup.body)
            let run = try ZqtBinary.run(["send", body, "--sweep", "seed=1,2,3,4,5,6", "--profile", "gpu,fake"],
                                        environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": folder], timeout: 240)
            #expect(run.status == 0, "every combination made by gpu: \(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("6 tasks: 6 succeeded"), "\(run.stdout)")
            let left = run.stderr.split(separator: "\n").filter { $0.hasPrefix("server fake (\(fake)) left the sweep: ") }
            #expect(left.count == 1 && left.first?.contains("it answered HTTP 500 to 2 calls in a row and made nothing") == true, "\(run.stderr)")
            #expect(failing.calls == 2, "fake got two combinations, then none")
            #expect(run.stdout.components(separatedBy: ": not made by fake; sent to another server").count - 1 == 2, "\(run.stdout)")
        }
    }

    /// A plain-text 500 is the server's own answer: the call ended there, so the send failed, said as an HTTP 500,
    /// never "the connection ended during the generation" with its row left "outcome unknown".
    @Test func aPlainText500EndsTheCallAsAFailedSendNotAnUnknownOutcome() async throws {
        try await offThePool {
            let failing = FailingServer(plainText: true)
            try failing.http.start()
            defer { failing.http.stop() }
            let fake = "http://127.0.0.1:\(failing.http.port)"
            let setup = try Setup(config: "[profiles.fake]\napi = \"a1111\"\nbase_url = \"\(fake)\"\n")
            let (folder, home, body) = (setup.folder, setup.home, setup.body)
            let environment = ["ZQT_HOME": home, "XDG_CONFIG_HOME": folder]
            let run = try ZqtBinary.run(["send", body], environment: environment, timeout: 120)
            #expect(run.status != 0, "\(run.stdout)\n\(run.stderr)")
            let said = run.stdout + run.stderr
            #expect(said.contains("HTTP 500"), "\(said)")
            #expect(!said.contains("ended during the generation"), "\(said)")
            let list = try ZqtBinary.run(["history", "list"], environment: environment)
            #expect(!list.stdout.contains("unknown"), "the row is a failed send: \(list.stdout)")
            #expect(failing.calls == 1)
        }
    }

    @Test func oneJobsOwn500FailsThatJobAndItsServerStaysInTheSweep() async throws {
        try await offThePool {
            let first = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 5))
            let second = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 5))
            let urls = [try first.start(), try second.start()]
            defer {
                first.stop()
                second.stop()
            }
            let setup = try Setup(config: Self.onlyA1111(urls[0], urls[1]))
            let (folder, home, body) = (setup.folder, setup.home, setup.body)
            let run = try ZqtBinary.run(["send", body, "--sweep", "prompt=a lighthouse,sandbox:fail a lighthouse,a harbour,a cliff",
                                         "--profile", "gpu,slow"],
                                        environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": folder], timeout: 240)
            #expect(run.status == 1, "the job that failed: \(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("4 tasks: 3 succeeded, 1 failed"), "\(run.stdout)")
            #expect(!run.stderr.contains("left the sweep") && !run.stdout.contains("sent to another server"), "\(run.stdout)\n\(run.stderr)")
            // Its 500 is the job's own, made on one server only: the other was not given it.
            let failedCalls = (first.service.receivedCalls + second.service.receivedCalls).filter { $0.body.contains("sandbox:fail") }
            #expect(failedCalls.count == 1, "\(failedCalls.count)")
        }
    }

    // MARK: 4. Words on an A1111 profile

    @Test func validateOfAnA1111BodySaysWhereTheServerReadsAField() async throws {
        try await offThePool {
            let setup = try Setup(config: Self.onlyA1111("http://127.0.0.1:9", "http://127.0.0.1:8"),
                                  body: #"{"prompt": "a lighthouse", "sd_model_checkpoint": "v1-5"}"#)
            let run = try ZqtBinary.run(["validate", setup.body], environment: ["XDG_CONFIG_HOME": setup.folder])
            #expect(run.stderr.contains("likely meant at override_settings.sd_model_checkpoint, where the server reads it"), "\(run.stderr)")
            #expect(!run.stderr.contains("wire rule 3") && !run.stderr.contains("the service"), "\(run.stderr)")
        }
    }

    @Test func aSweepsRefusedConnectionToAnA1111ServerSaysTheServer() async throws {
        try await offThePool {
            let server = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 5))
            let url = try server.start()
            defer { server.stop() }
            let stopped = A1111SandboxServer()
            let gone = try stopped.start()
            stopped.stop()
            let setup = try Setup(config: Self.onlyA1111(url, gone))
            let (folder, home, body) = (setup.folder, setup.home, setup.body)
            let run = try ZqtBinary.run(["send", body, "--sweep", "seed=1,2,3", "--profile", "gpu,slow"],
                                        environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": folder], timeout: 240)
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stderr.contains("is the server (or sandbox) running?") && !(run.stdout + run.stderr).contains("is the service"),
                    "\(run.stdout)\n\(run.stderr)")
        }
    }
}
