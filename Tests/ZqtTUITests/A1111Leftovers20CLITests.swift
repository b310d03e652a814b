// Issue 20's leftovers on the command line, as a user runs zqt: a custom
// request's `sdapi/` path goes to the service on a zhiqite profile, `zqt
// convert`'s refusal names the file to run `--fits` on, and `zqt sandbox
// --help` says which sandbox `--fault` is for.

import Foundation
import TestScratch
import Testing

@Suite(.serialized) struct A1111Leftovers20CLITests {
    static func words(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    @Test func aCustomSdapiPathOnAZhiqiteProfileGoesToTheService() async throws {
        let scratch = Scratch()
        try await offThePool {
            let root = scratch.path("zqt-sdapi-custom")
            try FileManager.default.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
            let body = root + "/body.json"
            try #"{"prompt": "a lighthouse"}"#.write(toFile: body, atomically: true, encoding: .utf8)
            let sent = try ZqtBinary.run(["send", body, "--endpoint", "sdapi/v9/thing", "--sandbox"],
                                         environment: ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": root + "/home"])
            let said = sent.stdout + sent.stderr
            // The service's path, under /AIGCImgOpenServ/saas/, as for any custom request; not an A1111 call.
            let posted = said.split(separator: "\n").filter { $0.contains("POST http://") }
            #expect(posted.count == 1 && posted[0].hasSuffix("/AIGCImgOpenServ/saas/sdapi/v9/thing"), "\(said)")
            #expect(!said.contains("force_task_id") && !said.contains("the server answers when the job is done"), "\(said)")
        }
    }

    @Test func convertsRefusalOfABodyManyEndpointsFitNamesTheFile() async throws {
        let scratch = Scratch()
        try await offThePool {
            let root = scratch.path("zqt-convert-fits")
            try FileManager.default.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
            let body = root + "/bare.json"
            try #"{"businessTaskId": "x"}"#.write(toFile: body, atomically: true, encoding: .utf8)
            let refused = try ZqtBinary.run(["convert", body, "--to", "a1111"],
                                            environment: ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": root + "/home"])
            #expect(refused.status == 2, "\(refused.stderr)")
            // newcomer20g 4: none of the tools it fits moves to A1111, so no --endpoint or validate --fits is advised.
            #expect(refused.stderr.contains("only those move to AUTOMATIC1111: nothing converted"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("zqt validate") && !refused.stderr.contains("give --endpoint"), "\(refused.stderr)")
        }
    }

    @Test func theSandboxsHelpSaysFaultIsTheZhiqiteSandboxs() async throws {
        try await offThePool {
            let help = try ZqtBinary.run(["sandbox", "--help"], environment: [:])
            let text = Self.words(help.stdout + help.stderr)
            #expect(text.contains("--fault <fault> The zhiqite sandbox only (with --api a1111 a job's prompt steers it"), "\(text)")
        }
    }
}
