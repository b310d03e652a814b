// Issue 20, what an A1111 job shows beyond its pictures: a job zqt
// interrupted is recorded as interrupted ("interrupted: N of M pictures"),
// skip ends one picture of a batch and the batch goes on, and the
// ControlNet detected maps the extension appends are labelled, not counted
// as pictures. Against the A1111 sandbox over loopback, through the send
// pipeline and the history file, as A1111ClientTests.

import Foundation
import Model
import Sandbox
import Synchronization
import Testing
@testable import ZqtTUI

@Suite(.serialized) struct A1111JobControlTests {
    typealias Fixture = A1111ClientTests.Fixture

    static func finished(_ events: [SendEvent]) -> TaskInfo? {
        events.compactMap { event -> TaskInfo? in if case let .finished(info, _) = event { return info }; return nil }.first
    }

    static func kept(_ events: [SendEvent]) -> [KeptResult] {
        events.compactMap { event -> KeptResult? in if case let .kept(kept) = event { return kept }; return nil }
    }

    static func recordID(_ events: [SendEvent]) -> Int? {
        if case let .recorded(id?) = events.first { return id }
        return nil
    }

    /// A batch of `iterations` one-picture iterations, slow enough to act on while it runs.
    static func batch(iterations: Int, steps: Int) -> Request {
        A1111ClientTests.txt2img([("prompt", .string("a slow batch")), ("steps", .int(steps)), ("seed", .int(7)), ("n_iter", .int(iterations)),
                                  ("batch_size", .int(1)), ("width", .int(64)), ("height", .int(64))])
    }

    @Test func anInterruptedJobIsRecordedAsInterruptedWithThePicturesMadeSoFar() async throws {
        // Each picture takes 5 s, so the interrupt lands before the batch ends even on a loaded machine;
        // the job then stops within a step (the sandbox checks every 10 ms).
        let fixture = try Fixture(A1111SandboxOptions(stepMilliseconds: 50))
        let api = fixture.api
        let request = Self.batch(iterations: 4, steps: 100)
        let sent = Mutex(false)
        // Interrupted once the job runs: the picture being made is kept as it stands, the later ones never start.
        let events = await fixture.run(request, api: api) { event in
            guard case let .progress(info) = event, (info.progress ?? 0) > 0.02, !sent.withLock({ $0 }) else { return }
            sent.withLock { $0 = true }
            _ = try? await A1111Watch.interrupt(request.taskID, api: api)
        }
        #expect(sent.withLock { $0 })
        let info = try #require(Self.finished(events), "\(events)")
        let made = Self.kept(events).count
        #expect(made >= 1 && made < 4, "the pictures made before the interrupt: \(made)")
        #expect(info.phase == .succeeded && info.interrupted)
        #expect(info.desc == "interrupted: \(made) of 4 pictures made")

        let id = try #require(Self.recordID(events))
        let row = try #require(try fixture.store.record(id: id))
        #expect(row.state == .interrupted && row.state.title == "interrupted")
        #expect(row.taskDesc == "interrupted: \(made) of 4 pictures made")
        #expect(row.imageResults.count == made && row.imageResults.allSatisfy { $0.localPath.map(FileManager.default.fileExists) == true },
                "the pictures made so far are kept as for any job")
        // The history's state filter finds it by its word.
        #expect(SubmissionState(rawValue: "interrupted") == .interrupted)
    }

    @Test func aJobNotInterruptedIsNoInterruptedOne() async throws {
        let fixture = try Fixture()
        let events = await fixture.run(Self.batch(iterations: 2, steps: 3))
        let info = try #require(Self.finished(events))
        #expect(!info.interrupted && info.desc == "done: 2 pictures")
        let id = try #require(Self.recordID(events))
        let row = try #require(try fixture.store.record(id: id))
        #expect(row.state == .succeeded)
    }

    @Test func skipEndsThePictureBeingMadeAndTheBatchGoesOn() async throws {
        let fixture = try Fixture(A1111SandboxOptions(stepMilliseconds: 40))
        let api = fixture.api
        let request = Self.batch(iterations: 3, steps: 12)
        let skipped = Mutex(false)
        let events = await fixture.run(request, api: api) { event in
            guard case let .progress(info) = event, (info.progress ?? 0) > 0.05, !skipped.withLock({ $0 }) else { return }
            skipped.withLock { $0 = true }
            try? await api.skip()
        }
        #expect(skipped.withLock { $0 })
        #expect(fixture.server.service.stepsRunByLastJob < 36, "the skipped picture ran fewer than its 12 steps")
        let info = try #require(Self.finished(events))
        #expect(Self.kept(events).count == 3, "every picture of the batch, the skipped one as it stood: \(events)")
        #expect(!info.interrupted && info.desc == "done: 3 pictures")
        let id = try #require(Self.recordID(events))
        let row = try #require(try fixture.store.record(id: id))
        #expect(row.state == .succeeded)
    }

    @Test func theControlMapIsLabelledAndNotCountedAsAPicture() async throws {
        let fixture = try Fixture()
        let endpoint = EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")!
        let group = try #require(endpoint.groupFields.first?.groupSpec)
        var unit = group.newItem(preset: group.presets?.preset(named: "canny"), family: .unknown)
        unit.set(.string(Base64.encode(PNGImage.render(width: 8, height: 8, seed: 5))), at: "image")
        unit.set(.string("control_v11p_sd15_canny [d14c016b]"), at: "model")
        let request = A1111ClientTests.txt2img([("prompt", .string("edges")), ("steps", .int(3)), ("batch_size", .int(2)), ("seed", .int(40)),
                                                ("width", .int(64)), ("height", .int(64)),
                                                ("alwayson_scripts.controlnet.args", .array([unit]))])
        let events = await fixture.run(request)
        let info = try #require(Self.finished(events), "\(events)")
        // The grid first (no result), the two pictures, then the unit's detected map.
        #expect(info.desc == "done: 2 pictures and 1 control map")
        #expect(info.results.map(\.isControlMap) == [false, false, true])
        #expect(info.results.last?.seed == nil, "a map has no seed of its own")
        #expect(Self.kept(events).count == 3, "the map is kept beside the pictures")

        let id = try #require(Self.recordID(events))
        let row = try #require(try fixture.store.record(id: id))
        #expect(row.imageResults.map(\.isControlMap) == [false, false, true])
        #expect(row.imageResults.allSatisfy { $0.localPath.map(FileManager.default.fileExists) == true })
        #expect(row.taskDesc == "done: 2 pictures and 1 control map")

        // The gallery says which is the map.
        let page = try fixture.store.gallery(filter: "", before: nil, limit: 10)
        #expect(page.pictures.map(\.isControlMap) == [false, false, true])
        // The gallery counts and numbers the map apart from the pictures (issue 20): "#1", "#2", "control map 1".
        var gallery = GalleryState()
        gallery.items = page.pictures.map { GalleryItem(picture: $0) }
        gallery.loaded = true
        #expect((0..<3).map { Wording.galleryCaption(gallery.items[$0].picture, ordinal: gallery.ordinal(of: $0)) }
                == ["txt2img · #1", "txt2img · #2", "control map 1 · txt2img"])
        var galleryScreen = makeState(width: 120, height: 40)
        galleryScreen.screen = .gallery
        galleryScreen.gallery = gallery
        #expect(Screen.render(galleryScreen).text.contains("2 kept pictures + 1 control map · newest first"))

        // The history entry counts them apart, numbers the pictures 1…2 with their seeds and the map on its own.
        let lines = HistoryEntryView.detailLines(row, width: 100).map { $0.spans.map(\.text).joined() }
        let seeds = info.results.prefix(2).map { String($0.seed ?? -1) }
        #expect(seeds == ["40", "41"], "each picture its own seed, the grid sent first not counted")
        #expect(lines.contains { $0.contains("Results (2 images + 1 control map)") }, "\(lines)")
        #expect(lines.contains("1. seed \(seeds[0])") && lines.contains("2. seed \(seeds[1])"), "\(lines)")
        #expect(lines.contains("control map 1. ControlNet's detected map"), "\(lines)")
        #expect(lines.contains("Seeds         \(seeds.joined(separator: ", "))"), "\(lines)")
        // The held picture's URL (numbered past the grid) is not shown beside a kept one: its file is.
        let first = try #require(lines.firstIndex(of: "1. seed \(seeds[0])"))
        #expect(lines[first + 1].hasPrefix("   saved ") && lines[first + 1].hasSuffix("/1.png"), "\(lines)")

        // The results pane's caption and the enlarged picture's status line say it too.
        #expect(Wording.pictureCaption(0, seed: nil, width: 64, height: 64, controlMap: true) == "control map 1 · 64×64")
        #expect(Wording.zoomStatus(0, of: 1, image: nil, seed: nil, controlMap: true)
                == "Control map 1 of 1 (ControlNet's detected map, not a generated picture)")
        // Wide enough for the pane's whole title and three captions side by side.
        var state = makeState(width: 200, height: 40)
        _ = PictureReducer.taskUpdated(&state, recordID: id, idTask: request.taskID, info: info)
        #expect(state.results?.pictures.map(\.isControlMap) == [false, false, true], "the pane knows which is the map")
        // The pane's title counts 2 images and the map apart, and each thumbnail is numbered in its kind.
        let screen = Screen.render(state).text
        #expect(screen.contains("Results · 2 images + 1 control map (the server's grid not kept)"), "\(screen)")
        #expect(screen.contains("1 · seed \(seeds[0])") && screen.contains("2 · seed \(seeds[1])") && screen.contains("control map 1"), "\(screen)")
        #expect(!screen.contains("3 images") && !screen.contains("3 · control map"), "\(screen)")

        // `zqt send`'s lines (SendLines) count the two pictures and name the map a control map: no seed, no mark.
        let sources = ResultSource.of(info)
        let said = Self.kept(events).map { SendLines.kept($0, among: sources) }
        #expect(said.count == 3 && said[0].hasPrefix("image 1/2: ") && said[1].hasPrefix("image 2/2: "), "\(said)")
        #expect(said[2].hasPrefix("control map 1 → ") && said[2].contains("kept in ") && !said[2].contains("a1111-inline:"), "\(said)")
        #expect(!said[2].contains("seed") && !said[2].contains(A1111ResultKinds.controlMapMark), "\(said)")
        // The history list's Imgs column counts the pictures, as the row's desc does.
        let listed = try #require(try fixture.store.list().first)
        #expect(listed.resultCount == 3 && listed.controlMapCount == 1 && listed.pictureCount == 2)
        var grid = Grid(size: Size(width: 120, height: 1))
        HistoryView.Columns(width: 120).render(listed, marked: false, selected: false, into: &grid, x: 0, y: 0)
        let imgsColumn = 2 + HistoryView.Columns.when + 1 + HistoryView.Columns.stateWidth + 1 + HistoryView.Columns.taskID + 1
        let imgs = String(Array(grid.line(0)).dropFirst(imgsColumn).prefix(HistoryView.Columns.images))
        #expect(imgs.trimmingCharacters(in: CharacterSet.whitespaces) == "2+1", "the row: \(grid.line(0))")
        // The status line, when the job ends, says two images too.
        var tracked = makeState(width: 120, height: 40)
        tracked.task = TrackedTask(recordID: id, idTask: request.taskID, status: nil, desc: "", progress: nil, phase: .inProgress, resultCount: 0)
        _ = Reducer.reduce(&tracked, .poll(recordID: id, idTask: request.taskID, .update(info)))
        #expect(tracked.task?.resultCount == 2)
        let status = try #require(tracked.status?.text)
        #expect(status.contains("done: 2 pictures and 1 control map · 2 images"), "\(status)")
        #expect(!status.contains("3 images"), "\(status)")
    }
}
