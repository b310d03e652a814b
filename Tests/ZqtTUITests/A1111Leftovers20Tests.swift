// Issue 20's leftovers, from a user's side: an A1111 row still out reads as
// running in the history (not "↑ sending"), `u` on a row whose zqt still
// waits reads as waiting (not a failed query), the `:` palette names an
// A1111 profile's login as the help does, `L` names at most three endpoints
// a body fits alike, and the gallery decodes nothing with pictures off.

import Foundation
import TestScratch
@testable import Images
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct A1111Leftovers20Tests {
    static func lines(_ state: AppState) -> [String] { A1111ScreenFindingsTests.lines(state) }

    // MARK: 6. A running A1111 row

    @Test func anA1111RowStillOutIsListedAsRunningNotSending() {
        let endpoint = EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")!
        let row = HistorySummary(id: 4, createdAt: A1111ScreenFindingsTests.fetched, endpoint: endpoint, idTask: "zqt-a1111-out",
                                 serviceTaskID: nil, prompt: "a lighthouse", model: "", state: .sending, progress: 0.4,
                                 imageCount: 1, resultCount: 0)
        var grid = Grid(size: Size(width: 120, height: 1))
        HistoryView.Columns(width: 120).render(row, marked: false, selected: false, into: &grid, x: 0, y: 0)
        let stateColumn = 2 + HistoryView.Columns.when + 1
        let shown = String(Array(grid.line(0)).dropFirst(stateColumn).prefix(HistoryView.Columns.stateWidth))
        #expect(shown.hasPrefix(SubmissionState.running.glyph) && shown.contains("40%"), "the row: \(grid.line(0))")
        #expect(!grid.line(0).contains(SubmissionState.sending.glyph), "the row: \(grid.line(0))")
        // Its entry's header too; a zhiqite row still sending is as it was.
        var state = makeState(width: 120, height: 40)
        state.history.detail = A1111ScreenFindingsTests.a1111Record(state: .sending)
        state.history.mode = .detail
        state.view.overlay = nil
        var entry = Grid(size: Size(width: 120, height: 40))
        HistoryEntryView.renderDetail(state, into: &entry, rect: Rect(x: 0, y: 0, width: 120, height: 40))
        #expect(entry.line(0).contains("▶ running · zqt-a1111-row"), "\(entry.line(0))")
        var service = Grid(size: Size(width: 120, height: 1))
        HistoryView.Columns(width: 120).render(summary(5, "a cat", state: .sending, results: 0), marked: false, selected: false,
                                               into: &service, x: 0, y: 0)
        #expect(String(Array(service.line(0)).dropFirst(stateColumn).prefix(1)) == SubmissionState.sending.glyph, "\(service.line(0))")
    }

    // MARK: 7. `u` on a row whose zqt still waits

    @Test func askingARowWhoseSenderStillWaitsReadsAsWaitingNotAsAFailure() throws {
        var state = A1111PickerTests.a1111State()
        let progress = A1111Progress(try JSONParser.parse(#"""
            {"progress": 0.5, "eta_relative": 3, "state": {"job": "txt2img", "job_count": 1, "sampling_step": 10, "sampling_steps": 20}}
            """#))
        let waiting = A1111RowStanding.waiting(pid: 4242, .running(progress))
        _ = Reducer.reduce(&state, .entryQueried(idTask: "zqt-a1111-row",
                                                 .failure(.answeredWithTheCall(waiting.words, failed: waiting.isFailure))))
        let said = state.status?.text ?? ""
        #expect(said.hasPrefix("zqt-a1111-row: a zqt (pid 4242) is waiting for the server's answer"), "\(said)")
        #expect(!said.contains("failed"), "\(said)")
        #expect(state.status?.kind == .info)
        // A row whose answer was lost is still said as a fault.
        let lost = A1111RowStanding.lost(serverSaves: false)
        _ = Reducer.reduce(&state, .entryQueried(idTask: "zqt-a1111-row", .failure(.answeredWithTheCall(lost.words, failed: lost.isFailure))))
        #expect(state.status?.kind == .error)
        #expect(state.status?.text.contains("the answer was lost") == true, "\(state.status?.text ?? "")")
    }

    // MARK: 8. The palette on an A1111 profile

    @Test func thePaletteNamesAnA1111ProfilesLoginAndStillRunsTheCommand() {
        var state = A1111PickerTests.a1111State()
        state.connection.profiles = ["work", "gpu"]
        state.connection.profileServers = ["work": .zhiqite, "gpu": .a1111]
        press(&state, .char(":"))
        type(&state, "switch profile")
        let shown = Self.lines(state).joined(separator: "\n")
        #expect(shown.contains("Switch profile (connection and login from the config file)"), "\(shown)")
        #expect(!shown.contains("connection and keys"), "\(shown)")
        press(&state, .enter)
        guard case let .picker(picker)? = state.view.overlay else {
            Issue.record("the palette's choice opened no switcher: \(String(describing: state.view.overlay))")
            return
        }
        #expect(picker.purpose != .palette, "\(picker.title)")
        // A zhiqite profile's palette still speaks of keys.
        var service = makeState(width: 120, height: 40)
        press(&service, .char(":"))
        type(&service, "switch profile")
        #expect(Self.lines(service).joined().contains("Switch profile (connection and keys from the config file)"))
    }

    // MARK: 9. The gallery with pictures off

    /// A 1×1 RGB PNG built by hand: IHDR, an IDAT (a stored zlib block), IEND.
    static func tinyPNG() -> [UInt8] {
        let ihdr: [UInt8] = [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]
        let idat: [UInt8] = [0x78, 0x01, 0x01, 0x04, 0x00, 0xFB, 0xFF, 0, 0, 0, 0, 0x00, 0x04, 0x00, 0x01]
        return PNGText.signature + PNGText.chunk("IHDR", ihdr) + PNGText.chunk("IDAT", idat) + PNGText.chunk("IEND", [])
    }

    @Test func theGalleryWithPicturesOffSizesACopyFromItsHeaderAndMakesNoThumbnail() throws {
        let scratch = Scratch()
        let home = scratch.path("zqt-gallery-off")
        let folder = ResultImageFiles.folder(home: home, idTask: "zqt-off")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // A copy a send from the command line kept: no thumbnail beside it.
        try Data(Self.tinyPNG()).write(to: URL(fileURLWithPath: folder + "/1.png"))
        let picture = GalleryPicture(submissionID: 1, position: 0, idTask: "zqt-off", endpoint: EndpointCatalog.shipped.endpoint(id: "sdapi/v1/txt2img")!,
                                     createdAt: A1111ScreenFindingsTests.fetched, prompt: "a lighthouse", localPath: folder + "/1.png")
        let off = EffectRunner.galleryItems([picture], home: home, thumbnails: false)
        #expect(off.first?.image?.width == 1 && off.first?.problem == nil, "\(off)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["1.png"], "no thumbnail made")
        // With pictures on it is made (after the page, off the event loop), as before.
        #expect(EffectRunner.galleryItems([picture], home: home).first?.problem == Wording.galleryMakingThumbnail)
    }
}
