// Issue 20's findings on an A1111 job's results, from the user's side: a
// batch's pictures numbered 1…n with their own seeds (the grid the server
// sends first apart), an "outcome unknown" row in A1111's words with 0
// images, an interrupted row's seeds those of the pictures it made, the
// progress line after `B`, and `L` of a picture emptying the results pane.

import Foundation
import TestScratch
@testable import Model
import Sandbox
import Synchronization
import Testing
@testable import ZqtTUI

@Suite(.serialized) struct A1111ResultsFindingsTests {
    typealias Fixture = A1111ClientTests.Fixture

    static func entry(_ record: HistoryRecord) -> [String] {
        HistoryEntryView.detailLines(record, width: 110).map { $0.spans.map(\.text).joined() }
    }

    // MARK: Item 2: pictures numbered 1…n, each with its seed, the grid apart

    @Test func aBatchsPicturesAreNumberedFromOneEachWithItsOwnSeedAndFile() async throws {
        let fixture = try Fixture()
        let request = A1111ClientTests.txt2img([("prompt", .string("three")), ("steps", .int(2)), ("batch_size", .int(3)), ("seed", .int(7)),
                                                ("width", .int(64)), ("height", .int(64))])
        let events = await fixture.run(request)
        let info = try #require(A1111JobControlTests.finished(events), "\(events)")
        #expect(info.results.map(\.seed) == [7, 8, 9], "the grid the server sent first is no picture of its own")
        let id = try #require(A1111JobControlTests.recordID(events))
        let row = try #require(try fixture.store.record(id: id))
        // Each kept file is the picture made with the seed shown beside it (the sandbox writes it in the PNG's parameters), not the grid.
        for (index, result) in row.imageResults.enumerated() {
            let path = try #require(result.localPath)
            #expect(path.hasSuffix("/\(index + 1).png"), "\(path)")
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(PNGInfo.dimensions(of: bytes).map { [$0.width, $0.height] } == [64, 64], "a picture, not the 3-wide grid")
            let parameters = try PNGText.entries(in: bytes).first { $0.keyword == "parameters" }?.text ?? ""
            #expect(parameters.contains("Seed: \(7 + index),"), "file \(index + 1): \(parameters)")
            #expect(result.seed == 7 + index)
        }
        let lines = Self.entry(row)
        #expect(lines.contains("1. seed 7") && lines.contains("2. seed 8") && lines.contains("3. seed 9"), "\(lines)")
        #expect(lines.contains("Seeds         7, 8, 9"), "\(lines)")

        var state = makeState(width: 120, height: 40)
        _ = PictureReducer.taskUpdated(&state, recordID: id, idTask: request.taskID, info: info)
        let screen = Screen.render(state).text
        #expect(screen.contains("Results · 3 images (the server's grid not kept)"), "\(screen)")
        #expect(screen.contains("1 · seed 7") && screen.contains("2 · seed 8") && screen.contains("3 · seed 9"), "\(screen)")
    }

    // MARK: Item 3 and 4: a row whose answer was lost

    static func lostRow(saveImages: Bool = false) -> HistoryRecord {
        let endpoint = EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")!
        var request = Request.new(for: endpoint, taskID: "zqt-a1111-lost")
        request["prompt"] = .string("a lighthouse")
        if saveImages { request["save_images"] = .bool(true) }
        return HistoryRecord(id: 4, endpoint: endpoint, baseURL: "http://127.0.0.1:7860", profile: "gpu",
                             createdAt: A1111ScreenFindingsTests.fetched, idTask: "zqt-a1111-lost", serviceTaskID: nil,
                             requestJSON: request.wireJSON, state: .unknown, httpStatus: nil, responseJSON: nil,
                             taskStatus: nil, taskDesc: nil, progress: nil, lastQueryJSON: nil,
                             error: A1111RowStanding.lostWords(serverSaves: saveImages),
                             submittedAt: nil, finishedAt: nil, results: [])
    }

    @Test func aLostA1111RowShowsNoImagesAndA1111sWords() {
        let lines = Self.entry(Self.lostRow())
        let joined = lines.joined(separator: "\n")
        #expect(!joined.contains("callback") && !joined.contains("training"), "\(joined)")
        #expect(lines.contains { $0.hasPrefix("none: the answer was lost, and an A1111 server keeps no task to ask about") }, "\(joined)")
        #expect(joined.contains("the server did not save its pictures (zqt sends save_images: false)") && !joined.contains("outputs folder"), "\(joined)")
        // Asked to save on the server, the row says where they are.
        #expect(Self.entry(Self.lostRow(saveImages: true)).joined().contains("outputs folder"))

        // The history list's Imgs column: 0, not the 1 it asked for.
        let endpoint = EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")!
        let row = HistorySummary(id: 4, createdAt: A1111ScreenFindingsTests.fetched, endpoint: endpoint, idTask: "zqt-a1111-lost", serviceTaskID: nil,
                                 prompt: "a lighthouse", model: "", state: .unknown, progress: nil, imageCount: 1, resultCount: 0)
        var grid = Grid(size: Size(width: 120, height: 1))
        HistoryView.Columns(width: 120).render(row, marked: false, selected: false, into: &grid, x: 0, y: 0)
        let imgsColumn = 2 + HistoryView.Columns.when + 1 + HistoryView.Columns.stateWidth + 1 + HistoryView.Columns.taskID + 1
        let imgs = String(Array(grid.line(0)).dropFirst(imgsColumn).prefix(HistoryView.Columns.images))
        #expect(imgs.trimmingCharacters(in: .whitespaces) == "0", "the row: \(grid.line(0))")
        // A zhiqite row still being followed shows what it asked for, as before.
        var service = Grid(size: Size(width: 120, height: 1))
        HistoryView.Columns(width: 120).render(summary(5, "a cat", state: .unknown, results: 0), marked: false, selected: false,
                                               into: &service, x: 0, y: 0)
        #expect(String(Array(service.line(0)).dropFirst(imgsColumn).prefix(HistoryView.Columns.images)).trimmingCharacters(in: .whitespaces) == "1")
    }

    // MARK: Items 5 and 8: an interrupted row's seeds

    @Test func anInterruptedRowShowsTheSeedsOfThePicturesItMade() {
        // The server's info lists every seed the batch was to use (A1111's all_seeds), 2 of 4 pictures made.
        let endpoint = EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")!
        var request = Request.new(for: endpoint, taskID: "zqt-a1111-cut")
        request["n_iter"] = .int(4)
        let info = #"{"all_seeds": [70, 71, 72, 73], "index_of_first_image": 1, "infotexts": ["g", "a", "b"]}"#
        let answer = JSONWriter.compact(.object([("images", .array([.string("a1111-inline:zqt-a1111-cut/1"), .string("a1111-inline:zqt-a1111-cut/2"),
                                                                   .string("a1111-inline:zqt-a1111-cut/3")])),
                                                 ("info", .string(info)), (A1111Watch.interruptedKey, .bool(true))]))
        let parsed = try? JSONParser.parse(answer)
        let read = TaskInfo(data: parsed ?? .null, family: Family.a1111, result: .images)
        #expect(read.results.map(\.seed) == [70, 71] && read.desc == "interrupted: 2 of 4 pictures made")
        let results = read.results.enumerated().map { index, result in
            StoredResult(position: index, imageURL: result.imageURL, seed: result.seed, imageStatus: nil, auditPassed: nil, auditLabels: [],
                         localPath: "/home/me/zqt/images/zqt-a1111-cut/\(index + 1).png")
        }
        let record = HistoryRecord(id: 6, endpoint: endpoint, baseURL: "http://127.0.0.1:7860", profile: "gpu",
                                   createdAt: A1111ScreenFindingsTests.fetched, idTask: "zqt-a1111-cut", serviceTaskID: nil,
                                   requestJSON: request.wireJSON, state: .interrupted, httpStatus: 200, responseJSON: answer,
                                   taskStatus: 2, taskDesc: read.desc, progress: nil, lastQueryJSON: nil, error: nil,
                                   submittedAt: A1111ScreenFindingsTests.fetched, finishedAt: A1111ScreenFindingsTests.fetched, results: results)
        let lines = Self.entry(record)
        #expect(lines.contains("Seeds         70, 71"), "never the seeds of pictures not made: \(lines)")
        #expect(lines.contains("1. seed 70") && lines.contains("2. seed 71"), "\(lines)")
    }

    // MARK: Item 6: the progress line after a skip

    @Test func theProgressSaysWhichIterationRunsAndWhichIsSkipped() throws {
        func progress(_ job: String, skipped: Bool = false, jobNo: Int = 0, jobCount: Int = 3) throws -> A1111Progress {
            A1111Progress(try JSONParser.parse("""
                {"progress": 0.2, "eta_relative": 4, "state": {"skipped": \(skipped), "interrupted": false, "job": "\(job)",
                 "job_count": \(jobCount), "job_no": \(jobNo), "sampling_step": 3, "sampling_steps": 10, "job_timestamp": "1"}}
                """))
        }
        #expect(try progress("Batch 1 out of 3").desc == "step 3/10, batch 1 of 3, about 4 s left")
        #expect(try progress("Batch 1 out of 3", skipped: true).desc == "skipping batch 1 of 3, about 4 s left")
        #expect(try progress("Batch 2 out of 3", jobNo: 1).desc == "step 3/10, batch 2 of 3, about 4 s left")
        // One iteration with a hi-res pass: job_count 2 counts passes, not pictures.
        #expect(try progress("txt2img", jobNo: 1, jobCount: 2).desc == "step 3/10, about 4 s left")
    }

    @Test func afterASkipTheProgressGoesOnWithTheNextIteration() async throws {
        // 12 steps of 250 ms: each iteration lasts 3 s of the sandbox's clock (its steps are due from the job's start,
        // loaded machine or not), so the progress, asked every 0.5 s, sees the second and third even under load.
        let fixture = try Fixture(A1111SandboxOptions(stepMilliseconds: 250))
        let api = fixture.api
        let request = A1111JobControlTests.batch(iterations: 3, steps: 12)
        let skipped = Mutex(false)
        let seen = Mutex<[(desc: String, progress: Double)]>([])
        let events = await fixture.run(request, api: api) { event in
            guard case let .progress(info) = event else { return }
            if skipped.withLock({ $0 }) { seen.withLock { $0.append((info.desc, info.progress ?? 0)) } }
            guard info.desc.contains("batch 1 of 3"), info.desc.contains("step "), !skipped.withLock({ $0 }) else { return }
            skipped.withLock { $0 = true }
            try? await api.skip()
        }
        #expect(skipped.withLock { $0 }, "\(events)")
        let after = seen.withLock { $0 }
        let descs = after.map(\.desc)
        #expect(descs.contains { $0.contains("batch 2 of 3") } && descs.contains { $0.contains("batch 3 of 3") }, "\(descs)")
        // Once the second iteration shows, the first is never shown again, and the fraction does not go back.
        if let second = descs.firstIndex(where: { $0.contains("batch 2 of 3") }) {
            #expect(!descs[second...].contains { $0.contains("batch 1 of 3") }, "\(descs)")
            let fractions = after[second...].map(\.progress).filter { $0 > 0 && $0 < 1 }
            #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $1 >= $0 }, "\(fractions)")
            #expect((fractions.first ?? 1) > 0.3, "the skipped first counts as done: \(fractions)")
        }
        #expect(A1111JobControlTests.finished(events)?.desc == "done: 3 pictures")
    }

    // MARK: Item 7: L of a picture empties the results pane

    @Test func loadingAPicturesRequestEmptiesTheResultsPane() throws {
        let scratch = Scratch()
        var state = makeState(width: 120, height: 40)
        state.results = PictureSet(idTask: "zqt-earlier", recordID: 3, pictures: [ShownPicture(position: 0, seed: 12)])
        #expect(Screen.render(state).text.contains("Results · 1 image"))
        // An A1111 web UI's picture, its parameters in the PNG, loaded as `L` loads a typed path.
        let png = PNGImage.render(width: 8, height: 8, seed: 3)
        let withText = try PNGText.inserting([PNGText.Entry(keyword: "parameters", text: "a lighthouse\nSteps: 20, Sampler: Euler a, Seed: 5, Size: 8x8")],
                                             into: png)
        let folder = scratch.path("zqt-l-picture")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/lighthouse.png"
        try Data(withText).write(to: URL(fileURLWithPath: path))
        let action = RequestLoading.load(path, current: state.endpoint, catalog: state.catalog)
        guard case .requestLoaded = action else { Issue.record("\(action)"); return }
        _ = Reducer.reduce(&state, action)
        #expect(state.request.wireJSON.contains("a lighthouse"), "the picture's request is on the form")
        #expect(state.results == nil)
        let screen = Screen.render(state).text
        #expect(!screen.contains("Results ·") && !screen.contains("zqt-earlier"), "\(screen)")
    }
}
