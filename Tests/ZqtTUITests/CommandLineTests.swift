import Foundation
import TestScratch
import Model
import Testing

@Suite(.serialized) struct CommandLineTests {
    @Test func sandboxModeSendsTheExampleAndFollowsItToAPNG() async throws {
        try await offThePool { try Self.sandboxModeSendsTheExampleAndFollowsItToAPNGSteps() }
    }

    static func sandboxModeSendsTheExampleAndFollowsItToAPNGSteps() throws {
        let result = try ZqtBinary.run(["--sandbox"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("[SANDBOX] ") }, "every line carries the SANDBOX mark")
        #expect(result.stdout.contains("/AIGCImgOpenServ/saas/sd/v2/controlnet"))
        #expect(result.stdout.contains("accepted: task_id zqt-"))
        #expect(result.stdout.contains("status 2 (succeeded) Success"))
        #expect(result.stdout.contains("→ 768×768 PNG"))
    }

    @Test func sendRefusesAnInvalidFileAndSaysWhy() async throws {
        try await offThePool { try Self.sendRefusesAnInvalidFileAndSaysWhySteps() }
    }

    static func sendRefusesAnInvalidFileAndSaysWhySteps() throws {
        let result = try ZqtBinary.run(["send", "-", "--sandbox", "--endpoint", "controlnet"], stdin: "{\"prompt\": \"\", \"steps\": 0}")
        #expect(result.status == 2)
        #expect(result.stderr.contains("prompt: the prompt is required"))
        #expect(result.stderr.contains("steps: Steps (steps) must be between 1 and 150 (is 0)"))
        #expect(!result.stdout.contains("accepted"))
    }

    @Test func sendReportsAFailedTaskWithTheServicesDesc() async throws {
        try await offThePool { try Self.sendReportsAFailedTaskWithTheServicesDescSteps() }
    }

    static func sendReportsAFailedTaskWithTheServicesDescSteps() throws {
        let request = BundledExamples.controlNetJSON.replacingOccurrences(of: "ghost\"", with: "ghost sandbox:fail\"")
        let result = try ZqtBinary.run(["send", "-", "--sandbox"], stdin: request)
        #expect(result.status == 1)
        #expect(result.stderr.contains("The task failed: Task failed: the prompt contains sandbox:fail"))
    }

    @Test func sendWithoutKeysAgainstARealURLSaysHowToSetThem() async throws {
        try await offThePool { try Self.sendWithoutKeysAgainstARealURLSaysHowToSetThemSteps() }
    }

    static func sendWithoutKeysAgainstARealURLSaysHowToSetThemSteps() throws {
        let result = try ZqtBinary.run(["send", "--base-url", "http://127.0.0.1:9"])
        #expect(result.status == 2, "missing keys are configuration (issue 10's exit statuses)")
        #expect(result.stderr.contains("No access keys: set ZQT_ACCESS_KEY_ID and ZQT_ACCESS_KEY_SECRET"))
    }

    @Test func sendDownloadsResultsIntoAFolder() async throws {
        try await offThePool { try Self.sendDownloadsResultsIntoAFolderSteps() }
    }

    static func sendDownloadsResultsIntoAFolderSteps() throws {
        let scratch = Scratch()
        let folder = URL(fileURLWithPath: scratch.path("zqt-dl"))
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ZqtBinary.run(["send", "--sandbox", "--download", folder.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.count == 1 && files[0].hasSuffix("-1.png"))
        let png = try Data(contentsOf: folder.appendingPathComponent(files[0]))
        #expect(PNGInfo.dimensions(of: Array(png))! == (768, 768))
    }

    /// Without --endpoint, validate checks a file against the endpoint its fields fit, as send
    /// does, and says which (a newcomer's text2image example was checked as ControlNet).
    @Test func validateInfersTheEndpointAsSendDoes() async throws {
        try await offThePool {
            let result = try ZqtBinary.run(["validate", "examples/text2image.json"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr.contains("note: endpoint text2image, inferred from the body's fields"), "\(result.stderr)")
            #expect(!result.stderr.contains("ControlNet unit"))
        }
    }

    @Test func validatePrintsTheWireJSONAndItsNotes() async throws {
        try await offThePool { try Self.validatePrintsTheWireJSONAndItsNotesSteps() }
    }

    static func validatePrintsTheWireJSONAndItsNotesSteps() throws {
        let result = try ZqtBinary.run(["validate", "-", "--endpoint", "controlnet"], stdin: "{\"prompt\": \"p\", \"seed\": \"7\", \"foo\": 1}")
        #expect(result.status == 2, "no units and no checkpoint make it invalid for controlnet")
        #expect(result.stdout.contains("\"seed\": 7"))
        #expect(result.stderr.contains("note: foo: not a field zqt knows on ControlNet; sent as it is"))
        #expect(result.stderr.contains("invalid: alwayson_scripts.controlnet.args: add at least one ControlNet unit"))
    }

    /// Issue 22: a container of the wrong type is an error (exit 2, the field
    /// named) in validate and send; `--strict` refuses unknown fields, each
    /// said with the field it was likely meant to be.
    @Test func aWrongContainerAndStrictUnknownFieldsExitTwo() async throws {
        try await offThePool { try Self.aWrongContainerAndStrictUnknownFieldsExitTwoSteps() }
    }

    static func aWrongContainerAndStrictUnknownFieldsExitTwoSteps() throws {
        let container = #"{"prompt": "a cat", "alwayson_scripts": "revAnimated"}"#
        for arguments in [["validate", "-", "--endpoint", "text2image"], ["send", "-", "--endpoint", "text2image", "--sandbox"]] {
            let result = try ZqtBinary.run(arguments, stdin: container)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("alwayson_scripts: alwayson_scripts must be a JSON object holding sd_model_checkpoint, id_task, sd_vae…, not a string"),
                    "\(arguments): \(result.stderr)")
            #expect(!result.stdout.contains("accepted"))
        }

        let slips = #"{"prompt": "a cat", "stpes": 30, "sd_model_checkpoint": "a.safetensors"}"#
        let lenient = try ZqtBinary.run(["validate", "-", "--endpoint", "text2image"], stdin: slips)
        #expect(lenient.status == 0, "without --strict an unknown field is sent as written: \(lenient.stderr)")
        #expect(lenient.stdout.contains("\"stpes\": 30"))
        #expect(lenient.stderr.contains("note: stpes: not a field zqt knows on text2image, likely a mistake for steps; sent as it is"))
        #expect(lenient.stderr.contains("note: sd_model_checkpoint: not a field zqt knows on text2image, likely meant at alwayson_scripts.sd_model_checkpoint"))
        for arguments in [["validate", "-", "--endpoint", "text2image", "--strict"],
                          ["send", "-", "--endpoint", "text2image", "--sandbox", "--strict"]] {
            let result = try ZqtBinary.run(arguments, stdin: slips)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("invalid: stpes: not a field of text2image (--strict refuses unknown fields), likely a mistake for steps"),
                    "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("invalid: sd_model_checkpoint: not a field of text2image (--strict refuses unknown fields), likely meant at alwayson_scripts.sd_model_checkpoint"))
            #expect(!result.stdout.contains("accepted"))
        }
        let clean = try ZqtBinary.run(["send", "-", "--endpoint", "text2image", "--sandbox", "--strict", "--no-wait"], stdin: #"{"prompt": "a cat"}"#)
        #expect(clean.status == 0 && clean.stdout.contains("accepted"), "--strict takes a request of known fields: \(clean.stderr)")
    }

    @Test(.needsCurl) func curlAgainstTheStandaloneSandbox() async throws {
        try await offThePool { try Self.curlAgainstTheStandaloneSandboxSteps() }
    }

    static func curlAgainstTheStandaloneSandboxSteps() throws {
        // The port a user names with --port: a free one, asked again when
        // another process took it before the sandbox could (a random one collided).
        let (server, port, banner) = try withFreePort { port -> (ChildProcess, UInt16, String)? in
            let server = try ChildProcess.spawn(ZqtBinary.url.path, ["sandbox", "--port", String(port), "--task-seconds", "0.5"],
                                                environment: ZqtBinary.environment(), stdout: .pipe, stderr: .null)
            // Wait for the line that says it listens; a sandbox that cannot bind exits without it.
            let out = FileHandle(fileDescriptor: server.stdoutFD, closeOnDealloc: false)
            var banner = ""
            while !banner.contains("listening") {
                let chunk = out.availableData
                if chunk.isEmpty { break }
                banner += String(decoding: chunk, as: UTF8.self)
            }
            if banner.contains("listening") { return (server, port, banner) }
            server.terminate()
            _ = server.waitForExit(timeout: 10)
            close(server.stdoutFD)
            return nil
        }
        defer { server.terminate(); _ = server.waitForExit(timeout: 10); close(server.stdoutFD) }
        #expect(banner.contains("[SANDBOX] zqt sandbox listening on http://127.0.0.1:\(port)"))
        let base = "http://127.0.0.1:\(port)/AIGCImgOpenServ/saas"
        let headers = "-H 'Content-Type: application/json' -H 'X-Request-req-accessKeyId: k' -H 'X-Request-req-accessKeySecret: s'"
        let example = FileManager.default.temporaryDirectory.appendingPathComponent("example-\(port).json")
        try BundledExamples.controlNetJSON.replacingOccurrences(of: "pro1686666", with: "curl\(port)")
            .write(to: example, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: example) }

        let submit = try ZqtBinary.shell("curl -s \(base)/sd/v2/controlnet \(headers) -d @\(example.path)")
        #expect(submit.contains("\"task_id\": \"curl\(port)\""), "submit answered: \(submit)")
        // Asked as a script would, until the 0.5 s task has ended (by the sandbox's clock, not the test's).
        var query = ""
        var info: TaskInfo?
        try waitUntil("the task's end through curl", timeout: 30, detail: { "the last answer was \(query)" }) {
            query = try ZqtBinary.shell("curl -s \(base)/sd/v2/queryTaskInfo \(headers) -d '{\"businessTaskId\": \"curl\(port)\"}'")
            info = TaskInfo(data: try #require(Envelope(try JSONParser.parse(query))?.data))
            return info?.phase.isTerminal == true
        }
        let ended = try #require(info)
        #expect(ended.status == 2)
        let url = try #require(ended.results.first?.imageURL)
        let header = try ZqtBinary.shell("curl -s '\(url)' | head -c 24 | od -An -tx1 | tr -d ' \\n'")
        #expect(header.hasPrefix("89504e470d0a1a0a"), "a PNG")
        #expect(header.hasSuffix("0000030000000300"), "768×768, as requested")

        // The service fills nothing in: a body without its id_task is refused as a server says it (issue 22).
        let bare = try ZqtBinary.shell("curl -s \(base)/sd/v2/controlnet \(headers) -d '{\"prompt\": \"x\", \"steps\": 500}'")
        let refusal = try #require(Envelope(try JSONParser.parse(bare)))
        #expect(refusal.code == "400" && refusal.msg == "invalid parameter alwayson_scripts.id_task: alwayson_scripts.id_task is required")
        try BundledExamples.controlNetJSON.replacingOccurrences(of: "pro1686666", with: "curl\(port)b")
            .replacingOccurrences(of: "\"steps\": 25", with: "\"steps\": 500")
            .write(to: example, atomically: true, encoding: .utf8)
        let invalid = try ZqtBinary.shell("curl -s \(base)/sd/v2/controlnet \(headers) -d @\(example.path)")
        let envelope = try #require(Envelope(try JSONParser.parse(invalid)))
        #expect(envelope.code == "400")
        #expect(envelope.msg.contains("steps"))
    }
}
