// Issue 20, a newcomer's re-check at 4e3a33b, the command line's part: the
// A1111 sandbox's options, a sweep's servers that drop out, a server's error
// of several lines in `zqt history show`, a web UI picture's schedule type
// under a zhiqite profile, and "use as…" on an A1111 result. Each as the user
// meets it: the command's output and exit status, the form, the row.

import Foundation
import TestScratch
@testable import Model
@testable import Sandbox
import Testing
@testable import ZqtTUI

@Suite(.serialized) struct A1111CLIRecheckTests {
    // MARK: 1. zqt sandbox --api a1111 takes the sandbox's options, or refuses them

    @Test func optionsWithoutAnA1111CounterpartAreRefusedWithWhatToUseInstead() async throws {
        try await offThePool {
            let cases: [([String], String)] = [
                (["--access-key-id", "k", "--access-key-secret", "s"], "an A1111 server asks for a user and password: --api-auth USER:PASSWORD"),
                (["--fault", "drop"], "--fault is the zhiqite sandbox's; with --api a1111 steer a job by its prompt"),
                (["--missing-list", "controlnet_model"],
                 "--missing-list controlnet_model: the a1111 sandbox serves no such list; one of checkpoint, lora, vae, embedding, sampler, scheduler, upscaler"),
                (["--task-seconds", "5", "--step-ms", "50"], "give --task-seconds (how long a whole job takes) or --step-ms"),
                (["--task-seconds=-1"], "--task-seconds takes 0 to 3600"),
            ]
            for (arguments, words) in cases {
                let run = try ZqtBinary.run(["sandbox", "--api", "a1111", "--port", "0"] + arguments, timeout: 30)
                #expect(run.status == 64, "\(arguments): \(run.status)")
                #expect(run.stderr.contains(words), "\(arguments): \(run.stderr)")
            }
        }
    }

    /// newcomer20g 8: the zhiqite sandbox took `--missing-list sampler` silently and served nothing less; the usage
    /// line of a mistyped option read `sandbox <options>`; the help named only four lists.
    @Test func theZhiqiteSandboxRefusesAListItDoesNotServeAndItsUsageNamesZqt() async throws {
        try await offThePool {
            let refused = try ZqtBinary.run(["sandbox", "--port", "0", "--missing-list", "sampler"], timeout: 30)
            #expect(refused.status == 64, "\(refused.status)")
            #expect(refused.stderr.contains("--missing-list sampler: the zhiqite sandbox serves no such list; one of checkpoint, lora, vae, embedding"),
                    "\(refused.stderr)")
            #expect(refused.stderr.contains("Usage: zqt sandbox [<options>]"), "\(refused.stderr)")
            let help = try ZqtBinary.run(["sandbox", "--help"], timeout: 30)
            let flat = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(flat.contains("with --api a1111: checkpoint, lora, vae, embedding, sampler, scheduler, upscaler"), "\(help.stdout)")
        }
    }

    @Test(.needsCurl) func taskSecondsFailTasksAndMissingListsWorkOnTheStandaloneA1111Sandbox() async throws {
        try await offThePool {
            let server = try ChildProcess.spawn(ZqtBinary.url.path, ["sandbox", "--api", "a1111", "--port", "0", "--task-seconds", "0.5",
                                                                     "--fail-tasks", "--missing-list", "lora"],
                                                environment: ZqtBinary.environment(), stdout: .pipe, stderr: .null)
            defer { server.terminate(); _ = server.waitForExit(timeout: 10) }
            let banner = A1111CommandLineTests.read(server.stdoutFD, until: "Ctrl-C")
            #expect(banner.contains("[SANDBOX] a job takes 0.5 s whatever its steps; Ctrl-C stops"), "\(banner)")
            #expect(banner.contains("[SANDBOX] every job fails once its steps have run (--fail-tasks)"), "\(banner)")
            let range = try #require(banner.range(of: "listening on "))
            let url = String(banner[range.upperBound...].prefix { !$0.isWhitespace })
            #expect(try ZqtBinary.shell("curl -s -o /dev/null -w '%{http_code}' \(url)/sdapi/v1/loras") == "404")
            #expect(try ZqtBinary.shell("curl -s -o /dev/null -w '%{http_code}' \(url)/sdapi/v1/embeddings") == "200")
            let failed = try ZqtBinary.shell("curl -s -w ' %{http_code}' \(url)/sdapi/v1/txt2img -H 'Content-Type: application/json' "
                + "-d '{\"prompt\": \"a lighthouse\", \"steps\": 3, \"width\": 64, \"height\": 64}'")
            #expect(failed.hasSuffix(" 500") && failed.contains("--fail-tasks"), "\(failed)")
        }
    }

    // MARK: 2. A sweep's server that drops out says so once

    @Test func everyA1111ServerThatDropsOutOfASweepSaysSoOnce() async throws {
        let scratch = Scratch()
        try await offThePool {
            let server = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 5))
            let url = try server.start()
            defer { server.stop() }
            // Two servers gone before the sweep starts: every connection refused.
            var gone: [String] = []
            for _ in 0..<2 {
                let stopped = A1111SandboxServer()
                gone.append(try stopped.start())
                stopped.stop()
            }
            let config = try A1111NewcomerCLITests.config(in: scratch, [url] + gone)
            let home = A1111NewcomerCLITests.home(in: scratch)
            defer {
                try? FileManager.default.removeItem(atPath: config)
                try? FileManager.default.removeItem(atPath: home)
            }
            let body = try A1111NewcomerCLITests.file(in: scratch, #"{"prompt": "a lighthouse", "steps": 2, "width": 64, "height": 64}"#)
            let run = try ZqtBinary.run(["send", body, "--sweep", "seed=1,2,3,4,5,6", "--profile", "gpu,gpu2,gpu3"],
                                        environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": config], timeout: 180)
            #expect(run.status == 0, "every combination made by the server that answers: \(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("6 tasks: 6 succeeded"), "\(run.stdout)")
            // A1111 has no accepting step (it answers when the job is done): no line says "accepted".
            #expect(!run.stdout.lowercased().contains("accepted") && !run.stderr.lowercased().contains("accepted"), "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains(": not made by gpu2; sent to another server") || run.stdout.contains(": not made by gpu3; sent to another server"),
                    "\(run.stdout)")
            for (name, url) in zip(["gpu2", "gpu3"], gone) {
                let said = run.stderr.split(separator: "\n").filter { $0.hasPrefix("server \(name) (\(url)) left the sweep: ") }
                #expect(said.count == 1, "\(name) says it left, once: \(run.stderr)")
                #expect(said.first?.contains("Connection refused") == true && said.first?.contains("the combinations it has not made go to gpu") == true,
                        "\(said)")
            }
        }
    }

    // MARK: 3. A server's error of several lines

    static let multiLineError = #"{"error":"RuntimeError","detail":"","body":"","errors":"module(depth) not found in supported modules.\nTraceback:\r\n  line 2\t!\u001b[31m red"}"#

    /// An A1111 row whose call the server refused with `multiLineError`, as a send keeps it.
    static func refusedRow(_ store: HistoryStore) throws -> Int {
        let endpoint = try #require(EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img"))
        var request = Request.new(for: endpoint, taskID: "zqt-20261207-000000-000-mlin")
        request["prompt"] = .string("a lighthouse")
        let id = try store.recordSending(request, baseURL: "http://127.0.0.1:7860", profile: "gpu")
        let error = A1111Failure.error(status: 500, body: Array(multiLineError.utf8))
        try store.recordSendFailed(id: id, error: error.message, httpStatus: 500, response: multiLineError)
        return id
    }

    @Test func historyShowAndTheEntryShowAServersErrorOnItsOwnLines() async throws {
        let scratch = Scratch()
        let home = A1111NewcomerCLITests.home(in: scratch)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let store = try HistoryStore.open(inFolder: home)
        let id = try Self.refusedRow(store)
        let record = try #require(try store.record(id: id))
        // One-line surfaces keep " / ".
        #expect(record.error?.contains("module(depth) not found in supported modules. / Traceback: / line 2 !") == true, "\(record.error ?? "")")

        let shown = try await offThePool { try ZqtBinary.run(["history", "show", "zqt-20261207-000000-000-mlin"], environment: ["ZQT_HOME": home]) }
        #expect(shown.status == 0, "\(shown.stderr)")
        let lines = shown.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let at = try #require(lines.firstIndex { $0.hasPrefix("error:     ") }, "\(shown.stdout)")
        #expect(lines[at].hasSuffix("RuntimeError: module(depth) not found in supported modules."), "\(lines[at])")
        #expect(lines[at + 1] == "           Traceback:", "\(shown.stdout)")
        #expect(lines[at + 2] == String(repeating: " ", count: 13) + "line 2 !\\u{1b}[31m red", "the tab a space, the escape shown, never raw: \(shown.stdout)")
        #expect(!shown.stdout.contains("\u{1B}") && !shown.stdout.contains("\r") && !shown.stdout.contains(" / Traceback"))

        let entry = HistoryEntryView.detailLines(record, width: 110).map { $0.spans.map(\.text).joined() }
        let first = try #require(entry.firstIndex { $0.hasPrefix("Error ") }, "\(entry)")
        #expect(entry[first].hasSuffix("module(depth) not found in supported modules."), "\(entry)")
        #expect(entry[first + 1] == String(repeating: " ", count: 14) + "Traceback:", "\(entry)")
        #expect(entry[first + 2].hasPrefix(String(repeating: " ", count: 14)) && entry[first + 2].contains("line 2 !"), "\(entry)")
        #expect(!entry.joined().contains("\u{1B}"))
    }

    @Test func anErrorWithoutBreaksOrWithoutItsAnswerIsShownAsItIs() {
        #expect(A1111Failure.errorLines("Connection refused by 127.0.0.1", answer: nil) == ["Connection refused by 127.0.0.1"])
        #expect(A1111Failure.errorLines("API error 500: a / b", answer: #"{"errors": "something else\nentirely"}"#) == ["API error 500: a / b"],
                "an answer that is not this error's leaves it alone")
        #expect(A1111Failure.errorLines("API error 500: x", answer: "not json") == ["API error 500: x"])
    }

    // MARK: 4. A web UI picture's schedule type under a zhiqite profile

    static func webUIPicture(schedule: String) throws -> [UInt8] {
        let text = "a fox\nSteps: 20, Sampler: DPM++ 2M, Schedule type: \(schedule), CFG scale: 7, Seed: 5, Size: 512x768, Model: dream, Version: v1.10.1"
        return try PNGText.inserting([PNGText.Entry(keyword: A1111Parameters.keyword, text: text)], into: PNGImage.render(width: 8, height: 8, seed: 1))
    }

    @Test func aKarrasScheduleJoinsTheSamplersNameForZhiqite() throws {
        let catalog = EndpointCatalog.shipped
        let read = try PictureRequest.read(try Self.webUIPicture(schedule: "Karras"), sidecar: nil, catalog: catalog, current: catalog.controlNet,
                                           taskID: "zqt-z").get()
        #expect(read.request.endpoint.id == "sd/v2/text2image")
        #expect(read.request.wireValue["sampler_index"] == .string("DPM++ 2M Karras"), "\(read.request.wireJSON)")
        #expect(!read.notes.contains { $0.message.contains("Schedule type") }, "moved, so not listed: \(read.notes)")
        let automatic = try PictureRequest.read(try Self.webUIPicture(schedule: "Automatic"), sidecar: nil, catalog: catalog,
                                                current: catalog.controlNet, taskID: "zqt-z").get()
        #expect(automatic.request.wireValue["sampler_index"] == .string("DPM++ 2M"))
        #expect(!automatic.notes.contains { $0.message.contains("Schedule type") }, "\(automatic.notes)")
    }

    @Test func aScheduleZhiqitesNamesDoNotCarryIsListedAsNotMoved() throws {
        let catalog = EndpointCatalog.shipped
        let read = try PictureRequest.read(try Self.webUIPicture(schedule: "Uniform"), sidecar: nil, catalog: catalog, current: catalog.controlNet,
                                           taskID: "zqt-z").get()
        #expect(read.request.wireValue["sampler_index"] == .string("DPM++ 2M"))
        #expect(read.notes.map(\.message).contains("A1111's Schedule type: Uniform not moved: zhiqite's sampler names carry only the Karras and Exponential schedules"),
                "\(read.notes)")
    }

    @Test func fromImageUnderAZhiqiteProfileSendsTheJoinedSampler() async throws {
        let scratch = Scratch()
        try await offThePool {
            let picture = scratch.path("zqt-webui", suffix: ".png")
            try Data(try Self.webUIPicture(schedule: "Karras")).write(to: URL(fileURLWithPath: picture))
            let config = try A1111NewcomerCLITests.config(in: scratch, ["http://127.0.0.1:9"], defaultProfile: "work")
            defer {
                try? FileManager.default.removeItem(atPath: picture)
                try? FileManager.default.removeItem(atPath: config)
            }
            let read = try ZqtBinary.run(["validate", "--from-image", picture, "--profile", "work"], environment: ["XDG_CONFIG_HOME": config])
            #expect(read.status == 0, "\(read.stderr)")
            let request = try JSONParser.parse(read.stdout)
            #expect(request["sampler_index"] == .string("DPM++ 2M Karras"), "\(read.stdout)")
            #expect(!read.stderr.contains("Schedule type"), "moved, so not listed: \(read.stderr)")
            // A joined name zhiqite does not have is no sampler of its: listed, the sampler left as it was.
            let euler = try PictureRequest.read(try PNGText.inserting([PNGText.Entry(keyword: A1111Parameters.keyword,
                                                                                      text: "a fox\nSteps: 20, Sampler: Euler a, Schedule type: Karras")],
                                                                      into: PNGImage.render(width: 8, height: 8, seed: 1)),
                                                sidecar: nil, catalog: .shipped, current: .controlNet, taskID: "zqt-e").get()
            #expect(euler.request.wireValue["sampler_index"] == .string("Euler a"))
            #expect(euler.notes.map(\.message).contains("A1111's Schedule type: Karras not moved: zhiqite has no sampler Euler a Karras"), "\(euler.notes)")
        }
    }

    // MARK: 5. "Use as…" on an A1111 result

    /// The picker's target whose label starts with `prefix`, chosen.
    static func choose(_ state: inout AppState, _ prefix: String) throws {
        guard case let .picker(picker)? = state.view.overlay, case .useImage = picker.purpose else {
            Issue.record("no use-as picker: \(String(describing: state.view.overlay)) \(state.status?.text ?? "")")
            return
        }
        let label = try #require(picker.options.first { $0.hasPrefix(prefix) }, "\(picker.options)")
        _ = Reducer.chooseUse(&state, picker.purpose, label)
    }

    @Test func everyUseAsTargetOnAnA1111ProfileTakesTheKeptFile() throws {
        let scratch = Scratch()
        let (start, record, kept) = try A1111NewcomerRecheckTests.keptRow(in: scratch)
        defer { try? FileManager.default.removeItem(atPath: (kept as NSString).deletingLastPathComponent) }
        var opened = start
        Reducer.useImageAs(&opened, record, position: nil)
        guard case let .picker(probe)? = opened.view.overlay else {
            Issue.record("no picker: \(opened.status?.text ?? "")")
            return
        }
        #expect(!probe.options.isEmpty)
        for option in probe.options {
            var state = start
            Reducer.useImageAs(&state, record, position: nil)
            try Self.choose(&state, option)
            let wire = state.request.wireJSON
            #expect(!wire.contains("a1111-inline:"), "\(option): \(wire)")
            #expect(wire.contains(kept), "\(option): \(wire)")
        }
    }

    @Test func onAZhiqiteProfileAKeptA1111PictureIsALocalFileForTheUploadRules() throws {
        let scratch = Scratch()
        let (_, record, kept) = try A1111NewcomerRecheckTests.keptRow(in: scratch)
        defer { try? FileManager.default.removeItem(atPath: (kept as NSString).deletingLastPathComponent) }
        var state = makeState()
        Reducer.useImageAs(&state, record, position: nil)
        try Self.choose(&state, EndpointCatalog.shipped.image2Image.title + " · ")
        #expect(state.endpoint.server == .zhiqite)
        let wire = state.request.wireJSON
        #expect(!wire.contains("a1111-inline:") && wire.contains(kept), "\(wire)")
        // A local file in an image field is no "not a URL": the profile's upload takes it at send (docs/uploads.md).
        let field = try #require(state.endpoint.field(role: .inputImage)?.path)
        #expect(state.request[field] == .string(kept))
        #expect(!state.problems.contains { $0.path == field }, "\(state.problems)")
    }

    @Test func aPictureWhoseKeptFileIsGoneIsSaidNotOffered() throws {
        let scratch = Scratch()
        var (state, record, kept) = try A1111NewcomerRecheckTests.keptRow(in: scratch)
        try FileManager.default.removeItem(atPath: (kept as NSString).deletingLastPathComponent)
        record.results = record.results.map { var result = $0; result.localPath = nil; return result }
        Reducer.useImageAs(&state, record, position: nil)
        #expect(state.view.overlay == nil)
        #expect(state.status?.kind == .error)
        #expect(state.status?.text.contains("came inline from the server and is not kept in $ZQT_HOME/images any more") == true,
                "\(state.status?.text ?? "")")
    }
}
