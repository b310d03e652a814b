// `zqt export --new-id` (issue 19): the snippet makes a fresh task id each
// time it runs, so running it twice is two submissions (one fixed id met
// 409 the second time; wire rule 8). Run for real with sh and python3.

import Foundation
import TestScratch
import Model
import Testing

@Suite struct ExportNewIDTests {
    @Test func eachRunOfTheSnippetIsANewSubmission() async throws {
        try await offThePool { try Self.steps() }
    }

    static func steps() throws {
        let scratch = Scratch()
        let home = ScriptCommandTests.freshHome(in: scratch)
        let keys = ["ZQT_ACCESS_KEY_ID": "kid", "ZQT_ACCESS_KEY_SECRET": "secret"]
        let sandbox = try ScriptCommandTests.StandaloneSandbox()
        defer { sandbox.stop() }
        func codes(_ program: String, _ arguments: [String]) throws -> [String] {
            try (0..<2).map { _ in
                let answer = try ChildProcess.run(program, arguments, environment: ZqtBinary.environment(keys), timeout: 30)
                return Envelope(try JSONParser.parse(answer.stdout))?.code ?? "no answer: \(answer.stdout) \(answer.stderr)"
            }
        }
        // Without --new-id the file's id is sent twice: the second run is refused.
        let body = #"{"prompt": "a lighthouse", "alwayson_scripts": {"sd_model_checkpoint": "revAnimated_v122_7371.safetensors", "id_task": "zqt-fixed-\#(UUID().uuidString.prefix(8))"}}"#
        let fixed = try ScriptCommandTests.run(["export", "--curl", "-", "--endpoint", "text2image", "--base-url", sandbox.url],
                                               home: home, environment: keys, stdin: body)
        let fixedScript = home + "-fixed.sh"
        try fixed.stdout.write(toFile: fixedScript, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: fixedScript) }
        let fixedCodes = try codes("/bin/sh", [fixedScript])
        #expect(fixedCodes.first == "200" && fixedCodes.last != "200", "\(fixedCodes)")

        let curl = try ScriptCommandTests.run(["export", "--curl", "--new-id", "examples/text2image.json", "--endpoint", "text2image",
                                               "--base-url", sandbox.url], home: home, environment: keys)
        #expect(curl.status == 0, "\(curl.stderr)")
        let script = home + "-new.sh"
        try curl.stdout.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        #expect(try codes("/bin/sh", [script]) == ["200", "200"])

        if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
            let python = try ScriptCommandTests.run(["export", "--python", "--new-id", "examples/text2image.json", "--endpoint", "text2image",
                                                     "--base-url", sandbox.url], home: home, environment: keys)
            #expect(try codes("/usr/bin/python3", ["-c", python.stdout]) == ["200", "200"])
        }
        // Swift: the id is made when the script runs (compiling one here would take a minute).
        let swift = try ScriptCommandTests.run(["export", "--swift", "--new-id", "examples/text2image.json", "--endpoint", "text2image"],
                                               home: home, environment: keys)
        #expect(swift.stdout.contains("let taskID = \"zqt-\" +") && swift.stdout.contains(".replacingOccurrences(of:"), "\(swift.stdout)")
    }
}
