// Issue 20, a newcomer's re-check of 5968118 on an A1111 profile: what the
// screen (and `zqt send`) said that pointed the wrong way. The endpoint
// switcher offered zhiqite's custom request, which F5 then posted to the
// A1111 server; `T` listed zqt's own task id as "could not move"; a dropped
// call promised a query that cannot learn anything; `i` named the form
// image2image on an img2img form; the first progress line guessed a time
// left before any step; an interrupted one-iteration batch read "2 of 2".

import Foundation
import TestScratch
@testable import Model
import Sandbox
import Testing
@testable import ZqtTUI

@Suite(.serialized) struct NewcomerRecheckFix20cTests {
    static func lines(_ state: AppState) -> [String] {
        let grid = Screen.render(state)
        return (0..<state.view.size.height).map(grid.line)
    }

    static func a1111State() -> AppState {
        var state = A1111PickerTests.a1111State()
        state.view.size = Size(width: 120, height: 40)
        state.connection.profiles = ["gpu"]
        state.connection.profileServers = ["gpu": .a1111]
        return state
    }

    // MARK: 1. The switcher offers only the server's own forms

    @Test func theA1111SwitcherOffersNoCustomRequestAndF5RefusesOne() throws {
        var state = Self.a1111State()
        _ = Commands.perform(&state, .switchEndpoint)
        let screen = Self.lines(state).joined(separator: "\n")
        #expect(screen.contains("AUTOMATIC1111 · txt2img") && screen.contains("AUTOMATIC1111 · img2img"), "\(screen)")
        #expect(!screen.contains(CustomEndpoint.title), "only the A1111 server's own forms: \(screen)")

        // A zhiqite profile's switcher still ends with the custom request.
        var zhiqite = makeState()
        _ = Commands.perform(&zhiqite, .switchEndpoint)
        #expect(Self.lines(zhiqite).joined(separator: "\n").contains(CustomEndpoint.title))

        // A custom request (a draft, a row) on the A1111 profile: refused like any zhiqite form, nothing leaves.
        let custom = CustomEndpoint.endpoint(path: "tool/faceRestore")
        #expect(!custom.canBeSent(to: .a1111) && custom.canBeSent(to: .zhiqite))
        #expect(!CustomEndpoint.familyNames.contains("a1111"), "the custom form offers no A1111 family")
        state.view.overlay = nil
        Reducer.switchEndpoint(&state, to: custom)
        state.request["@body"] = .object([("image", .string("https://example.com/a.png"))])
        let effects = Commands.perform(&state, .submit)
        #expect(effects.isEmpty, "nothing is sent: \(effects)")
        let status = try #require(state.status?.text)
        #expect(status.hasPrefix("Not sent: profile gpu is an AUTOMATIC1111 server, and this request is for zhiqite Custom request"), "\(status)")
        #expect(Self.lines(state).contains { $0.contains("Not sent: profile gpu is an AUTOMATIC1111 server") })
    }

    // MARK: 2. zqt's own ids are not "could not move"

    @Test func movingAnA1111FormListsNotItsTaskIdAndConvertAgrees() async throws {
        let scratch = Scratch()
        var state = Self.a1111State()
        state.request["prompt"] = .string("a lighthouse")
        #expect(state.request.wireValue["force_task_id"] != nil, "the form carries zqt's id")
        let plan = try KindMove.plan(state.request, in: .shipped)
        let home = scratch.path("zqt-fix20c")
        let outcome = await KindMove.perform(plan.translated, folder: KindMove.folder(home: home), downloaded: .file, download: nil)
        let job = KindMoveJob(source: state.request, from: Wording.movedFromForm, plan: plan, folder: KindMove.folder(home: home))
        _ = Reducer.kindMoved(&state, KindMoveDone(job: job, outcome: outcome))
        #expect(state.endpoint.id == "sd/v2/text2image")
        let status = try #require(state.status?.text)
        #expect(status.hasPrefix("Opened the form as zhiqite text2image: every field moved"), "\(status)")
        let screen = Self.lines(state).joined(separator: "\n")
        #expect(!screen.contains("force_task_id") && !screen.contains("Could not move"), "\(screen)")

        // `zqt convert` shares the translation: no note about either id, either way.
        let file = home + "/a1111.json"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try #"{"prompt": "a fox", "steps": 20, "force_task_id": "zqt-20261206-181502-118-k2rd"}"#.write(toFile: file, atomically: true, encoding: .utf8)
        let back = try await offThePool {
            try ZqtBinary.run(["convert", file, "--to", "zhiqite", "--endpoint", "text2image"], environment: ["ZQT_HOME": home])
        }
        #expect(back.status == 0, "\(back.stderr)")
        #expect(!back.stderr.contains("force_task_id") && !back.stderr.contains("not moved"), "\(back.stderr)")
        let there = try await offThePool {
            try ZqtBinary.run(["convert", "examples/controlnet.json", "--to", "a1111", "--no-download"], environment: ["ZQT_HOME": home])
        }
        #expect(there.status == 0 && !there.stderr.contains("id_task"), "\(there.stderr)")
    }

    // MARK: 3. A dropped call: kept as outcome unknown, nothing promised

    @Test func aDroppedA1111CallSaysItIsKeptAndPromisesNoQuery() async throws {
        let scratch = Scratch()
        let sandbox = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 20))
        let url = try sandbox.start()
        defer { sandbox.stop() }
        let config = try A1111NewcomerCLITests.config(in: scratch, [url])
        let home = A1111NewcomerCLITests.home(in: scratch)
        let body = try A1111NewcomerCLITests.file(in: scratch, #"{"prompt": "a fox sandbox:drop", "steps": 20, "width": 64, "height": 64}"#)
        let environment = ["ZQT_HOME": home, "XDG_CONFIG_HOME": config]
        let run = try await offThePool {
            try ZqtBinary.run(["send", body, "--endpoint", "txt2img", "--profile", "gpu"], environment: environment, timeout: 120)
        }
        #expect(run.status != 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stderr.contains("The connection to the server ended during the generation"), "\(run.stderr)")
        #expect(run.stderr.contains("It is kept in the history as \"outcome unknown\": with no task on the server to ask about, "
                                    + "neither zqt's start nor `zqt query"), "\(run.stderr)")
        #expect(!run.stderr.contains("asks again at start"), "an A1111 row is not asked again: \(run.stderr)")

        // What `zqt query` then does: the row as it was kept, nothing asked.
        let line = try #require(run.stdout.split(separator: "\n").first { $0.contains("started: id_task ") }, "\(run.stdout)")
        let idTask = try #require(line.split(separator: " ").first { $0.hasPrefix("zqt-") }.map { String($0.hasSuffix(";") ? $0.dropLast() : $0) })
        let query = try await offThePool { try ZqtBinary.run(["query", idTask, "--profile", "gpu"], environment: environment) }
        #expect(query.status == 1 && query.stdout.hasPrefix(idTask) && query.stdout.contains("outcome unknown")
                && query.stdout.contains("keeps no task to ask about"), "\(query.stdout)\n\(query.stderr)")
    }

    // MARK: 4. `i` names the form it opened

    @Test func iOnAnA1111ResultNamesTheImg2ImgForm() throws {
        let scratch = Scratch()
        let home = scratch.path("zqt-fix20c")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let picture = home + "/1.png"
        _ = FileManager.default.createFile(atPath: picture, contents: Data(PNGImage.render(width: 8, height: 8, seed: 1)))
        let txt2img = try #require(EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img"))
        var request = Request.new(for: txt2img, taskID: "zqt-a1111-row")
        request["prompt"] = .string("a lighthouse")
        let row = HistoryRecord(id: 31, endpoint: txt2img, baseURL: "http://127.0.0.1:7860", profile: "gpu",
                                createdAt: Date(timeIntervalSince1970: 1_795_000_000), idTask: "zqt-a1111-row", serviceTaskID: "zqt-a1111-row",
                                requestJSON: request.wireJSON, state: .succeeded,
                                results: [StoredResult(position: 0, imageURL: "a1111-inline:zqt-a1111-row/1", seed: 77, imageStatus: nil,
                                                       auditPassed: nil, auditLabels: [], localPath: picture)])
        var state = historyState([summary(31, "a lighthouse")])
        state.connection.server = .a1111
        state.connection.profile = "gpu"
        state.connection.dataFolder = home
        _ = Reducer.reduce(&state, .entriesLoaded([row], .toImage2Image))
        #expect(state.endpoint.id == "sdapi/v1/img2img", "\(state.endpoint.id)")
        let status = try #require(state.status?.text)
        #expect(status.hasPrefix("img2img starts from zqt-a1111-row's image"), "\(status)")
        #expect(Self.lines(state).contains { $0.contains("img2img starts from zqt-a1111-row's image") })
    }

    // MARK: 5. No guessed time left; unfinished pictures said so

    @Test func theFirstProgressHasNoTimeLeftAndACutBatchSaysUnfinished() throws {
        let first = A1111Progress(try JSONParser.parse(#"""
            {"progress": 0.01, "eta_relative": 15.2, "state": {"job": "txt2img", "job_count": 1, "job_timestamp": "20261207000000",
             "job_no": 0, "sampling_step": 0, "sampling_steps": 20}}
            """#))
        #expect(first.desc == "step 0/20", "\(first.desc)")
        let later = A1111Progress(try JSONParser.parse(#"""
            {"progress": 0.3, "eta_relative": 4.2, "state": {"job": "txt2img", "job_count": 1, "job_timestamp": "20261207000000",
             "job_no": 0, "sampling_step": 6, "sampling_steps": 20}}
            """#))
        #expect(later.desc == "step 6/20, about 4 s left", "\(later.desc)")

        func interrupted(batch: Int, iterations: Int, made: Int) -> String {
            let images = (1...made).map { JSONValue.string("a1111-inline:zqt-cut/\($0)") }
            let info = #"{"all_seeds": [\#((0..<(batch * iterations)).map { String(70 + $0) }.joined(separator: ", "))]}"#
            let data = JSONValue.object([("images", .array(images)), ("info", .string(info)),
                                         ("parameters", .object([("batch_size", .int(batch)), ("n_iter", .int(iterations))])),
                                         (A1111Watch.interruptedKey, .bool(true))])
            return TaskInfo(data: data, family: Family.a1111, result: .images).desc
        }
        #expect(interrupted(batch: 2, iterations: 1, made: 2) == "interrupted: 2 unfinished pictures")
        #expect(interrupted(batch: 1, iterations: 2, made: 2) == "interrupted: 2 pictures, the last one unfinished")
        #expect(interrupted(batch: 1, iterations: 4, made: 2) == "interrupted: 2 of 4 pictures made")
    }
}
