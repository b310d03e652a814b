import Foundation
import TestScratch
import Images
import Model
import Sandbox
import Testing
@testable import ZqtTUI

/// The gallery (issue 17) through the reducer, the effect runner and a real
/// history with pictures kept as zqt keeps them ($ZQT_HOME/images/<id_task>/
/// N.png beside N.WxH.thumb.png, the copy noted in the row).
final class GalleryFixture: @unchecked Sendable {
    let home: String
    let store: HistoryStore
    let inbox = ActionInbox()
    let runner: EffectRunner
    /// Rows are sent a minute apart from a fixed time (the status line shows it).
    private var sent = 0

    /// Holds the home, removed with the fixture.
    private let scratch: Scratch

    init() throws {
        let scratch = Scratch()
        self.scratch = scratch
        home = try PictureTests.temporaryFolder(in: scratch)
        store = try HistoryStore.open(inFolder: home)
        let configuration = ClientConfiguration(baseURL: "http://127.0.0.1:9", credentials: nil, timeout: 1, profile: "t")
        runner = EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration, store: store, inbox: inbox)
        runner.home = home
    }

    deinit { try? FileManager.default.removeItem(atPath: home) }

    /// A succeeded task whose `images` pictures are kept; returns its row id.
    @discardableResult
    /// Without `thumbnails`, as `zqt send` keeps them: the copy alone.
    func keep(_ prompt: String, idTask: String, images: Int, endpoint: Endpoint = .controlNet, thumbnails: Bool = true) throws -> Int {
        var request = Request.new(for: endpoint, taskID: idTask)
        request["prompt"] = .string(prompt)
        sent += 1
        let id = try store.recordSending(request, baseURL: "http://127.0.0.1:9", profile: "t",
                                         at: Date(timeIntervalSince1970: 1_796_547_600 + Double(sent) * 60))
        let results = (0..<images).map { n -> JSONValue in
            .object([("image_url", .string("https://oss.example.com/\(idTask)/\(n).png")), ("seed", .int(100 + n)), ("image_status", .int(1))])
        }
        try store.recordTaskInfo(id: id, info: TaskInfo(data: .object([("status", .int(2)), ("desc", .string("Success")),
                                                                        ("differentialImageRspList", .array(results))])))
        let folder = ResultImageFiles.folder(home: home, idTask: idTask)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for n in 0..<images {
            let png = Data(PNGImage.render(width: 96, height: 64, seed: id * 10 + n))
            try png.write(to: URL(fileURLWithPath: folder + "/\(n + 1).png"))
            if thumbnails { try png.write(to: URL(fileURLWithPath: folder + "/\(n + 1).96x64.thumb.png")) }
            try store.recordLocalCopy(id: id, position: n, path: folder + "/\(n + 1).png")
        }
        return id
    }

    /// The four tasks the screens show: eight pictures, newest first.
    func standardPictures() throws {
        try keep("a lighthouse at dusk, film grain", idTask: "zqt-20261206-090000-000-aaaa", images: 1)
        try keep("portrait of a cat, 一只猫在雨中, soft light, masterpiece, best quality, 85mm", idTask: "zqt-20261206-090100-000-bbbb", images: 2)
        try keep("", idTask: "zqt-20261206-090200-000-cccc", images: 1)
        try keep("a red bicycle in the snow\nsecond line", idTask: "zqt-20261206-090300-000-dddd", images: 4)
    }

    /// Effects run as the event loop runs them until `done` holds.
    func run(_ effects: [Effect], _ state: inout AppState, until done: (AppState) -> Bool) async throws {
        effects.forEach(runner.perform)
        try await eventually("the runner's answers", detail: { "status \(String(describing: state.status))" }) {
            for action in inbox.drain() { Reducer.reduce(&state, action).forEach(runner.perform) }
            return done(state)
        }
    }

    /// The gallery opened from the form, its first page loaded.
    func opened(width: Int = 120, height: Int = 40) async throws -> AppState {
        var state = makeState(width: width, height: height)
        let effects = press(&state, .char("I"))
        #expect(state.screen == .gallery)
        #expect(effects == [.loadGallery(filter: "", before: nil, limit: GalleryState.pageSize)])
        try await run(effects, &state) { $0.gallery.loaded }
        return state
    }

    /// The standard pictures in the gallery, `filter` typed after `/` and its answer come.
    func filtered(_ filter: String) async throws -> AppState {
        try standardPictures()
        var state = try await opened()
        press(&state, .char("/"))
        var typed: [Effect] = []
        for character in filter { typed += Reducer.reduce(&state, .key(.char(character))) }
        try await run(typed, &state) { $0.gallery.itemsFilter == filter }
        return state
    }
}

@Suite(.serialized) struct GalleryTests {
    init() {
        setenv("TZ", "UTC", 1)
        tzset()
    }

    /// A rendered grid against its reviewed golden file (ZQT_WRITE_GOLDENS=1 writes it).
    func check(_ grid: Grid, _ name: String) throws {
        let file = ScreenGoldenTests.folder.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["ZQT_WRITE_GOLDENS"] == "1" {
            try (grid.text + "\n").write(to: file, atomically: true, encoding: .utf8)
            return
        }
        #expect(grid.text + "\n" == (try String(contentsOf: file, encoding: .utf8)), "screen \(name) differs from its golden file")
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func theGridShowsEveryKeptPictureNewestFirst(width: Int, height: Int) async throws {
        let fixture = try GalleryFixture()
        try fixture.standardPictures()
        // A row whose copies were never kept is not in the gallery.
        let unkept = try fixture.store.recordSending(Request.new(for: .controlNet, taskID: "zqt-unkept"), baseURL: "x", profile: "t")
        try fixture.store.recordTaskInfo(id: unkept, info: TaskInfo(data: .object([("status", .int(2)), ("differentialImageRspList",
            .array([.object([("image_url", .string("https://oss.example.com/x.png"))])]))])))
        var state = try await fixture.opened(width: width, height: height)
        #expect(state.gallery.items.map(\.picture.idTask).allSatisfy { $0 != "zqt-unkept" })
        #expect(state.gallery.items.map(\.picture.position) == [0, 1, 2, 3, 0, 0, 1, 0])
        press(&state, .right)
        let grid = PictureTests.renderWithPictures(&state)
        #expect(grid.picturesWanted.isEmpty, "every visible thumbnail drawn")
        try check(grid, "gallery-\(width)x\(height)")
    }

    /// Only what is on screen is decoded: 8 pictures, 6 cells at 80×24.
    @Test func onlyTheVisibleThumbnailsAreAskedFor() async throws {
        let fixture = try GalleryFixture()
        try fixture.standardPictures()
        var state = try await fixture.opened(width: 80, height: 24)
        PictureCache.shared.forget(under: fixture.home)
        let wanted = Screen.render(state).picturesWanted
        #expect(wanted.count == GalleryLayout(size: state.view.size).perScreen)
        #expect(wanted.allSatisfy { $0.contains(".thumb.png") && $0.hasSuffix(PictureCache.smallMark + "224") }, "thumbnails, decoded no larger than a cell")
        #expect(Set(wanted) == Set(state.gallery.items.prefix(6).compactMap(\.inGrid.image?.thumbnailPath)))
        // A row down: the next row's thumbnails, not the ones scrolled away again.
        press(&state, .down, .down)
        #expect(state.gallery.scroll == 1)
        let next = Screen.render(state).picturesWanted
        #expect(Set(next).isSubset(of: Set(state.gallery.items.dropFirst(3).compactMap(\.inGrid.image?.thumbnailPath))))
    }

    @Test func onePictureFoundIsSaidInTheSingular() async throws {
        let state = try await GalleryFixture().filtered("lighthouse")
        #expect(state.gallery.items.count == 1)
        let screen = Screen.render(state).text
        #expect(screen.contains("1 picture matches") && !screen.contains("1 picture match "), "\(screen)")
    }

    @Test func typingFiltersWithTheHistorysFilter() async throws {
        let fixture = try GalleryFixture()
        try fixture.standardPictures()
        var state = try await fixture.opened()
        press(&state, .char("/"))
        #expect(state.galleryFilterTyping)
        var effects: [Effect] = []
        for character in "cat" { effects += Reducer.reduce(&state, .key(.char(character))) }
        #expect(effects.last == .loadGallery(filter: "cat", before: nil, limit: GalleryState.pageSize))
        try await fixture.run(effects, &state) { $0.gallery.items.count == 2 }
        #expect(state.gallery.items.allSatisfy { $0.picture.prompt.contains("cat") })
        let screen = Screen.render(state).text
        #expect(screen.contains(" / cat"))
        #expect(screen.contains("2 pictures match"))
        // Two letters: the start of a word, as in the history.
        let shorter = press(&state, .backspace, .backspace)
        try await fixture.run(shorter, &state) { $0.gallery.filter.text == "c" && $0.gallery.items.count == 2 }
        // A miss says so; Esc clears the filter and brings every picture back.
        var typed: [Effect] = []
        for character in "zebra" { typed += Reducer.reduce(&state, .key(.char(character))) }
        try await fixture.run(typed, &state) { $0.gallery.filter.text == "czebra" && $0.gallery.items.isEmpty }
        #expect(Screen.render(state).text.contains("No kept picture matches “czebra”"))
        let cleared = press(&state, .escape)
        try await fixture.run(cleared, &state) { $0.gallery.items.count == 8 }
        #expect(!state.galleryFilterTyping && state.gallery.filter.text.isEmpty)
    }

    /// The status line describes the selected picture, and follows it as it
    /// moves, though a message was on it when the gallery opened (issue 17).
    @Test func theStatusLineFollowsTheSelection() async throws {
        let fixture = try GalleryFixture()
        try fixture.standardPictures()
        var state = makeState(width: 120, height: 40)
        state.status = StatusMessage(text: "Sent to ControlNet: accepted", kind: .success)
        let effects = press(&state, .char("I"))
        try await fixture.run(effects, &state) { $0.gallery.loaded }
        let statusLine = { (state: AppState) -> String in
            let lines = Screen.render(state).text.split(separator: "\n", omittingEmptySubsequences: false)
            return String(lines[lines.count - 2])
        }
        #expect(statusLine(state).contains("zqt-20261206-090300-000-dddd · image 1 ·"), "status: \(statusLine(state))")
        press(&state, .right)
        #expect(statusLine(state).contains("zqt-20261206-090300-000-dddd · image 2 ·"), "status: \(statusLine(state))")
        state.status = StatusMessage(text: "a message said meanwhile", kind: .info)
        press(&state, .down)
        let selected = try #require(state.gallery.selectedItem?.picture)
        #expect(statusLine(state).contains("\(selected.idTask) · image \(selected.position + 1) ·"), "status: \(statusLine(state))")
        #expect(!statusLine(state).contains("a message said meanwhile"))
    }

    @Test func enterEnlargesAndTheZoomStepsThroughTheGallery() async throws {
        let fixture = try GalleryFixture()
        try fixture.standardPictures()
        var state = try await fixture.opened()
        press(&state, .right)
        let effects = press(&state, .enter)
        #expect(state.view.zoom == PictureZoom(target: .gallery, index: 1))
        let full = try #require(state.gallery.items[1].image?.path)
        #expect(effects == [.preparePicture(path: full)], "the full image, decoded off the loop")
        let zoomed = PictureTests.renderWithPictures(&state)
        #expect(zoomed.text.contains("Image 2 of 8"))
        #expect(zoomed.cells.filter { $0.style == .picture }.count > 300, "as large as the terminal allows")
        press(&state, .right)
        #expect(state.view.zoom?.index == 2 && state.gallery.selected == 2, "the selection follows the enlarged picture")
        press(&state, .escape)
        #expect(state.view.zoom == nil && state.screen == .gallery && state.gallery.selected == 2)
    }

    /// Pictures kept by `zqt send` have no thumbnail beside them: the gallery
    /// makes it from the copy, off the loop, then draws it and Enter enlarges it.
    @Test func aPictureKeptWithoutAThumbnailGetsOneAndEnlarges() async throws {
        let fixture = try GalleryFixture()
        try fixture.keep("a lighthouse at dusk", idTask: "zqt-20261206-090000-000-aaaa", images: 1)
        try fixture.keep("sent from the command line", idTask: "zqt-20261206-090100-000-send", images: 2, thumbnails: false)
        var state = try await fixture.opened()
        try await fixture.run([], &state) { $0.gallery.items.count == 3 && $0.gallery.items.allSatisfy { $0.image != nil } }
        let folder = ResultImageFiles.folder(home: fixture.home, idTask: "zqt-20261206-090100-000-send")
        let made = try #require(state.gallery.items[0].image)
        #expect(made.path == folder + "/1.png" && made.thumbnailPath == folder + "/1.96x64.thumb.png")
        #expect((made.width, made.height) == (96, 64))
        #expect(FileManager.default.fileExists(atPath: folder + "/2.96x64.thumb.png"), "kept for the next look")
        #expect(state.gallery.items.allSatisfy { $0.problem == nil })
        let grid = PictureTests.renderWithPictures(&state)
        #expect(!grid.text.contains(Wording.galleryNoThumbnail) && !grid.text.contains(Wording.galleryMakingThumbnail))
        #expect(grid.picturesWanted.isEmpty, "every visible thumbnail drawn")
        // Enter: the kept image itself, as large as the terminal allows; stepping onto the other one draws it too.
        let effects = press(&state, .enter)
        #expect(state.view.zoom == PictureZoom(target: .gallery, index: 0))
        #expect(effects == [.preparePicture(path: folder + "/1.png")])
        let zoomed = PictureTests.renderWithPictures(&state)
        #expect(zoomed.cells.filter { $0.style == .picture }.count > 300)
        press(&state, .right)
        let stepped = PictureTests.renderWithPictures(&state)
        #expect(state.view.zoom?.index == 1 && !stepped.text.contains(Wording.galleryNoThumbnail))
        #expect(stepped.cells.filter { $0.style == .picture }.count > 300)
    }

    /// A copy that cannot be decoded says why rather than waiting forever.
    @Test func aCopyThatCannotBeDecodedSaysWhy() async throws {
        let fixture = try GalleryFixture()
        try fixture.keep("broken", idTask: "zqt-20261206-090000-000-bad", images: 1, thumbnails: false)
        let folder = ResultImageFiles.folder(home: fixture.home, idTask: "zqt-20261206-090000-000-bad")
        try Data("not a picture".utf8).write(to: URL(fileURLWithPath: folder + "/1.png"))
        var state = try await fixture.opened()
        try await fixture.run([], &state) { $0.gallery.items.first.map { $0.problem != Wording.galleryMakingThumbnail } ?? false }
        #expect(state.gallery.items[0].image == nil && state.gallery.items[0].problem?.isEmpty == false)
        press(&state, .enter)
        #expect(state.view.zoom == nil)
    }

    @Test func oOpensThePicturesHistoryEntry() async throws {
        let fixture = try GalleryFixture()
        try fixture.standardPictures()
        var state = try await fixture.opened()
        press(&state, .right, .right, .right, .right, .right)
        let id = state.gallery.items[5].picture.submissionID
        let effects = press(&state, .char("o"))
        #expect(state.screen == .history)
        #expect(effects.contains(.loadEntries([id], .show)))
        try await fixture.run(effects, &state) { $0.history.mode == .detail }
        #expect(state.history.detail?.idTask == "zqt-20261206-090100-000-bbbb")
        #expect(Screen.render(state).text.contains("zqt-20261206-090100-000-bbbb"))
    }

    @Test func deleteAsksThenRemovesTheEntryAndItsFiles() async throws {
        let fixture = try GalleryFixture()
        try fixture.standardPictures()
        var state = try await fixture.opened()
        let item = state.gallery.items[0]
        let folder = ResultImageFiles.folder(home: fixture.home, idTask: item.picture.idTask)
        #expect(FileManager.default.fileExists(atPath: folder + "/1.png"))
        #expect(press(&state, .char("x")).isEmpty, "nothing goes before the answer")
        #expect(state.view.overlay == .confirm(.deleteEntry(id: item.picture.submissionID, idTask: item.picture.idTask)))
        #expect(Screen.render(state).text.contains("Delete \(item.picture.idTask) from history?"))
        // Any other key keeps it.
        #expect(press(&state, .char("n")).isEmpty)
        #expect(state.view.overlay == nil && state.gallery.items.count == 8)
        press(&state, .char("x"))
        let effects = press(&state, .char("y"))
        #expect(effects == [.deleteEntry(id: item.picture.submissionID), .deletePictures(idTask: item.picture.idTask)])
        // Its four pictures go; the other tasks' stay.
        try await fixture.run(effects, &state) { $0.gallery.items.count == 4 }
        #expect(!state.gallery.items.contains { $0.picture.submissionID == item.picture.submissionID })
        #expect(try fixture.store.record(id: item.picture.submissionID) == nil)
        try await eventually("zqt's copy and its thumbnail gone") { !FileManager.default.fileExists(atPath: folder) }
        #expect(try fixture.store.gallery().pictures.count == 4)
    }

    @Test func theNextPageIsAskedForAsTheSelectionNearsTheEnd() {
        var state = makeState(width: 80, height: 24)
        press(&state, .char("I"))
        let items = (0..<20).map { index in
            GalleryItem(picture: GalleryPicture(submissionID: 100 - index, position: 0, idTask: "t\(index)", endpoint: .controlNet,
                                                createdAt: Date(), prompt: "p", localPath: "/k/\(index).png"), problem: "gone")
        }
        let page = GalleryPageLoaded(filter: "", items: items, hasMore: true, nextBefore: 81, appending: false)
        #expect(Reducer.reduce(&state, .galleryLoaded(page)).isEmpty, "more than two screens ahead")
        #expect(press(&state, .pageDown).isEmpty)
        let effects = press(&state, .pageDown)
        #expect(effects == [.loadGallery(filter: "", before: 81, limit: GalleryState.pageSize)])
        #expect(press(&state, .pageDown).isEmpty, "asked once until it comes")
    }

    /// A filter made longer shows that it searches until its own answer comes,
    /// not the shorter filter's "no match" under the new words (newcomer19).
    @Test func aLongerFilterSaysItSearchesNotTheOldAnswer() async throws {
        let fixture = try GalleryFixture()
        var state = try await fixture.filtered("zebra")
        #expect(Screen.render(state).text.contains("No kept picture matches “zebra”"))
        let longer = press(&state, .char("s"))
        let frame = Screen.render(state).text
        #expect(!frame.contains("No kept picture matches") && !frame.contains("no match"), "\(frame)")
        #expect(frame.contains(Wording.filterSearching) && frame.contains(Wording.galleryLoading), "\(frame)")
        try await fixture.run(longer, &state) { $0.gallery.itemsFilter == "zebras" }
        let answered = Screen.render(state).text
        #expect(answered.contains("No kept picture matches “zebras”") && !answered.contains(Wording.filterSearching), "\(answered)")
        // Pictures of another filter stay on screen while the new one is searched, under "searching…", not its count.
        press(&state, .escape)
        let cleared = press(&state, .char("/")) + Reducer.reduce(&state, .key(.char("c")))
        try await fixture.run(cleared, &state) { $0.gallery.itemsFilter == "c" }
        press(&state, .char("a"))
        #expect(Screen.render(state).text.contains(Wording.filterSearching) && !Screen.render(state).text.contains("pictures match"))
    }

    /// End is the oldest picture, not the oldest of the pages loaded so far
    /// (newcomer19: End stopped at the first page's last, and the enlarged
    /// picture said "Image 46 of 80" of 100). Until the last page is in, the
    /// enlarged picture says its count is of those loaded.
    @Test func endReachesTheOldestPictureAndTheCountSaysWhatItCounts() async throws {
        let fixture = try GalleryFixture()
        for n in 0..<100 { try fixture.keep("picture \(n)", idTask: "zqt-20261206-090000-000-p\(n)", images: 1) }
        var state = try await fixture.opened()
        #expect(state.gallery.items.count == GalleryState.pageSize && state.gallery.hasMore)
        press(&state, .enter)
        let firstPage = Screen.render(state).text
        #expect(firstPage.contains("Image 1 of 40 loaded so far"), "\(firstPage)")
        press(&state, .escape)
        let effects = press(&state, .end)
        #expect(Screen.render(state).text.contains(Wording.galleryLoadingToLast))
        try await fixture.run(effects, &state) { !$0.gallery.seekingLast }
        #expect(state.gallery.items.count == 100 && state.gallery.selected == 99 && !state.gallery.hasMore)
        #expect(state.gallery.selectedItem?.picture.prompt == "picture 0", "the oldest")
        let grid = Screen.render(state).text
        #expect(!grid.contains(Wording.galleryLoadingToLast) && grid.contains("zqt-20261206-090000-000-p0 · image 1"))
        press(&state, .enter)
        #expect(Screen.render(state).text.contains("Image 100 of 100 ·"))
    }

    /// A move of the user's own while End's pages come stops the walk there.
    @Test func aMoveStopsEndsWalk() async throws {
        let fixture = try GalleryFixture()
        for n in 0..<100 { try fixture.keep("picture \(n)", idTask: "zqt-20261206-090000-000-p\(n)", images: 1) }
        var state = try await fixture.opened()
        let effects = press(&state, .end)
        #expect(state.gallery.seekingLast)
        press(&state, .up)
        #expect(!state.gallery.seekingLast)
        try await fixture.run(effects, &state) { !$0.gallery.loadingMore }
        #expect(state.gallery.selected == 39 - GalleryLayout(size: state.view.size).columns, "where the user moved, not the new last")
    }

    @Test func ctrlXOpensItFromTheHistorysFilterWithTheFilterTyped() {
        var state = historyState([summary(1, "a cat")])
        press(&state, .char("/"))
        type(&state, "cat")
        let effects = press(&state, .ctrl("x"))
        #expect(state.screen == .gallery && state.gallery.filter.text == "cat")
        // The history screen left, its filter lets go of its caches (mem23): the gallery reads through the store's connection.
        #expect(effects == [.loadGallery(filter: "cat", before: nil, limit: GalleryState.pageSize), .letGoOfHistoryFilter])
        press(&state, .char("I"))
        #expect(state.screen == .history, "back where it was opened")
    }
}
