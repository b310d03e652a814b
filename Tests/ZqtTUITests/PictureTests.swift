import Foundation
import TestScratch
import Images
import Model
import Sandbox
import Testing
@testable import ZqtTUI

/// Result images (issue 11): decoded by the system's libraries, drawn by
/// chafa, shown in the results pane, enlarged, and kept on disk once.
@Suite struct PictureTests {
    static let screens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Screens")

    /// A known picture: the sandbox's PNG for seed 7 (a banded diagonal gradient).
    static func knownPNG(width: Int = 96, height: Int = 64) -> [UInt8] { PNGImage.render(width: width, height: height, seed: 7) }

    /// The picture's symbols and colours as reviewable text: the characters,
    /// then each cell's foreground/background palette index.
    static func describe(_ art: SymbolArt) -> String {
        var lines: [String] = []
        for y in 0..<art.rows { lines.append(String((0..<art.columns).map { art[$0, y].character })) }
        lines.append("")
        for y in 0..<art.rows {
            lines.append((0..<art.columns).map { "\(art[$0, y].foreground)/\(art[$0, y].background)" }.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(.needsChafa) func aKnownPNGInSymbolsMatchesItsGoldenFile() throws {
        let picture = try Picture.decode(Self.knownPNG())
        #expect(picture.width == 96 && picture.height == 64)
        let art = try TerminalArt.symbols(picture, columns: 24, rows: 8, depth: .palette240)
        let text = Self.describe(art)
        let file = Self.screens.appendingPathComponent("picture-symbols-24x8.txt")
        if ProcessInfo.processInfo.environment["ZQT_WRITE_GOLDENS"] == "1" {
            try text.write(to: file, atomically: true, encoding: .utf8)
            // Written, not compared: a rewritten golden is read and reviewed before it counts.
            Issue.record("wrote golden picture-symbols-24x8: review it, then run the tests again")
            return
        }
        #expect(text == (try String(contentsOf: file, encoding: .utf8)), "the symbols picture differs from its golden file")
        // Every colour is in the 240 a theme cannot change; every symbol a one-cell block element or a space.
        #expect(art.cells.allSatisfy { (16...255).contains($0.foreground) && (16...255).contains($0.background) })
        #expect(art.cells.allSatisfy { $0.character == " " || ("\u{2580}"..."\u{259F}").contains($0.character) })
    }

    @Test(.needsChafa) func thePixelProtocolsAreFramedAndSizedAsTheirSpecsSay() throws {
        let picture = try Picture.decode(Self.knownPNG())
        let cell = (width: 8, height: 16)
        let kitty = String(decoding: try TerminalArt.escapes(picture, columns: 12, rows: 4, using: .kitty, cell: cell), as: UTF8.self)
        #expect(kitty.hasPrefix("\u{1B}_G"))
        #expect(kitty.contains("a=T"))
        #expect(kitty.contains("s=96,v=64"), "12×4 cells of 8×16 pixels: \(kitty.prefix(80))")
        #expect(kitty.hasSuffix("\u{1B}\\"))
        let iterm = String(decoding: try TerminalArt.escapes(picture, columns: 12, rows: 4, using: .iterm2, cell: cell), as: UTF8.self)
        #expect(iterm.hasPrefix("\u{1B}]1337;File="))
        #expect(iterm.contains("inline=1"))
        #expect(iterm.contains("width=12") && iterm.contains("height=4"))
        #expect(iterm.hasSuffix("\u{07}"))
        let sixel = String(decoding: try TerminalArt.escapes(picture, columns: 12, rows: 4, using: .sixel, cell: cell), as: UTF8.self)
        #expect(sixel.hasPrefix("\u{1B}P"))
        // Raster attributes give the size: 96 wide, the height in whole sixels (rows of 6) within the 64.
        let raster = try #require(sixel.firstMatch(of: /q"1;1;(\d+);(\d+)/), "no raster attributes: \(sixel.prefix(40).debugDescription)")
        #expect(Int(raster.1) == 96)
        #expect(Int(raster.2).map { $0 <= 64 && $0 > 54 && $0 % 6 == 0 } == true, "height \(raster.2)")
        #expect(sixel.hasSuffix("\u{1B}\\"))
    }

    @Test func tmuxPassthroughWrapsEachSequenceWithItsEscapesDoubled() {
        let output = PixelOutput(pixelProtocol: .kitty, tmuxPassthrough: true) { _ in nil }
        let wrapped = String(decoding: output.wrap(Array("\u{1B}_Ga=T;AAAA\u{1B}\\".utf8)), as: UTF8.self)
        #expect(wrapped == "\u{1B}Ptmux;\u{1B}\u{1B}_Ga=T;AAAA\u{1B}\u{1B}\\\u{1B}\\")
        // A kitty picture comes in chunks: each is wrapped on its own (tmux bounds one passthrough string).
        let chunks = String(decoding: output.wrap(Array("\u{1B}_Gm=1;AA\u{1B}\\\u{1B}_Gm=0;BB\u{1B}\\".utf8)), as: UTF8.self)
        #expect(chunks == "\u{1B}Ptmux;\u{1B}\u{1B}_Gm=1;AA\u{1B}\u{1B}\\\u{1B}\\\u{1B}Ptmux;\u{1B}\u{1B}_Gm=0;BB\u{1B}\u{1B}\\\u{1B}\\")
        // The cursor is moved again in each (tmux puts its own back after every passthrough).
        let placed = String(decoding: output.wrap(Array("\u{1B}_Gm=1;AA\u{1B}\\\u{1B}_Gm=0;BB\u{1B}\\".utf8),
                                                  each: Array("\u{1B}[3;4H".utf8)), as: UTF8.self)
        #expect(placed.components(separatedBy: "\u{1B}Ptmux;\u{1B}\u{1B}[3;4H\u{1B}\u{1B}_Gm=").count == 3)
        let plain = PixelOutput(pixelProtocol: .sixel, tmuxPassthrough: false) { _ in nil }
        #expect(plain.wrap([0x1B, 0x50]) == [0x1B, 0x50])
    }

    /// Small JPEG and WebP files made with ImageMagick (a red-to-blue gradient, top to bottom), in Pictures/.
    @Test(.needsChafa, arguments: ["gradient-24x16.jpg", "gradient-24x16.webp"])
    func jpegAndWebPAreDecodedByTheSystemsLibraries(file: String) throws {
        let path = Self.screens.deletingLastPathComponent().appendingPathComponent("Pictures/" + file).path
        let picture = try Picture.read(path)
        #expect(picture.width == 24 && picture.height == 16)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(picture.pixels[(y * 24 + x) * 4..<(y * 24 + x) * 4 + 4]) }
        let top = pixel(12, 0), bottom = pixel(12, 15)
        #expect(top[0] > 200 && top[2] < 60, "red at the top: \(top)")
        #expect(bottom[2] > 200 && bottom[0] < 60, "blue at the bottom: \(bottom)")
        #expect(top[3] == 255 && bottom[3] == 255)
        // Drawn like any other.
        let art = try TerminalArt.symbols(picture, columns: 6, rows: 2, depth: .palette240)
        #expect(art.cells.count == 12)
    }

    @Test func hostileImagesAreRefusedWithAMessage() throws {
        #expect(throws: PictureError("not a PNG, JPEG or WebP image")) { try Picture.decode(Array("<html>expired</html>".utf8)) }
        let png = Self.knownPNG()
        #expect(throws: PictureError.self) { try Picture.decode(Array(png.prefix(60))) }
        // A header claiming 100000 × 100000 pixels is refused before any pixel is read.
        var huge = Array(png.prefix(33))
        huge.replaceSubrange(16..<24, with: [0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0])
        do {
            _ = try Picture.decode(huge)
            Issue.record("a 100000×100000 header was decoded")
        } catch {
            #expect(error.message.contains("PNG"), "\(error.message)")
        }
        #expect(throws: PictureError.self) { try Picture.decode([0xFF, 0xD8, 0xFF, 0xE0, 0, 0]) }
        #expect(throws: PictureError.self) { try Picture.decode(Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) }
    }

    @Test func thumbnailsKeepTheShapeAndAverageTheirPixels() throws {
        let picture = try Picture.decode(Self.knownPNG(width: 1024, height: 512))
        let thumbnail = picture.scaled(within: 512)
        #expect(thumbnail.width == 512 && thumbnail.height == 256)
        #expect(TerminalArt.fit(width: 1024, height: 1024, columns: 40, rows: 40) == (40, 20))
        #expect(TerminalArt.fit(width: 1024, height: 1024, columns: 100, rows: 10) == (20, 10))
        #expect(TerminalArt.fit(width: 0, height: 5, columns: 10, rows: 10) == (1, 1))
    }

    @Test func theModeComesFromTheEnvironmentOrTheSetting() {
        func decide(_ environment: [String: String], _ setting: PictureSetting = .auto, palette: Int = 256) -> PictureMode {
            PictureSupport.decide(setting, environment: environment, paletteSize: palette,
                                  utf8: PictureSupport.localeIsUTF8(environment))
        }
        let utf8 = ["LANG": "en_US.UTF-8"]
        #expect(decide(utf8.merging(["TERM": "xterm-256color"]) { $1 }) == .symbols(.palette240))
        #expect(decide(utf8.merging(["TERM": "xterm-kitty"]) { $1 }) == .pixels(.kitty))
        #expect(decide(utf8.merging(["TERM": "xterm-256color", "KITTY_WINDOW_ID": "3"]) { $1 }) == .pixels(.kitty))
        #expect(decide(utf8.merging(["TERM": "xterm-256color", "LC_TERMINAL": "iTerm2"]) { $1 }) == .pixels(.iterm2))
        #expect(decide(utf8.merging(["TERM": "foot"]) { $1 }) == .pixels(.sixel))
        // Inside tmux a protocol needs passthrough, asked on the first picture.
        #expect(decide(utf8.merging(["TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0", "KITTY_WINDOW_ID": "1"]) { $1 })
            == .symbols(.palette240))
        #expect(decide(["TERM": "xterm-256color", "LANG": "C"]) == .off(reason: Wording.picturesNeedUTF8))
        #expect(decide(utf8.merging(["TERM": "dumb"]) { $1 }) == .off(reason: Wording.picturesDumbTerminal))
        #expect(decide(utf8.merging(["TERM": "xterm"]) { $1 }, palette: 8) == .symbols(.palette8))
        #expect(decide(utf8.merging(["TERM": "xterm"]) { $1 }, palette: 0) == .symbols(.monochrome))
        #expect(decide(utf8.merging(["TERM": "xterm-256color"]) { $1 }, .sixel) == .pixels(.sixel))
        #expect(decide(utf8.merging(["TERM": "xterm-kitty"]) { $1 }, .off) == .off(reason: Wording.picturesOff))
    }

    // MARK: On screen

    /// A state whose last task finished with two images kept in `folder`.
    static func stateWithResults(in folder: String, width: Int = 120, height: Int = 40) throws -> AppState {
        var state = makeState(width: width, height: height)
        var pictures: [ShownPicture] = []
        for position in 0..<2 {
            let path = folder + "/\(position + 1).png", thumbnail = folder + "/\(position + 1).96x64.thumb.png"
            try Data(knownPNG()).write(to: URL(fileURLWithPath: path))
            try Data(knownPNG()).write(to: URL(fileURLWithPath: thumbnail))
            pictures.append(ShownPicture(position: position, seed: 100 + position,
                                         image: LocalImage(position: position, path: path, thumbnailPath: thumbnail, width: 96, height: 64)))
        }
        state.results = PictureSet(idTask: "zqt-20261203-100000-000-test", recordID: 1, pictures: pictures)
        return state
    }

    /// The frame once its pictures are on screen, as the terminal loop gets
    /// there: a frame names the pictures it would show that are not decoded
    /// (a view never decodes), the reducer asks for them once, the effect's
    /// answer is reduced, and the frame is drawn again.
    static func renderWithPictures(_ state: inout AppState) -> Grid {
        var grid = Screen.render(state)
        var rounds = 0
        while !grid.picturesWanted.isEmpty, rounds < 3 {
            rounds += 1
            for case let .decodePictures(paths) in Reducer.reduce(&state, .picturesWanted(grid.picturesWanted)) {
                _ = Reducer.reduce(&state, EffectRunner.decodePictures(paths))
            }
            grid = Screen.render(state)
        }
        return grid
    }

    static func temporaryFolder(in scratch: Scratch) throws -> String {
        let folder = scratch.path("zqt-pictures")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test(.needsChafa, arguments: [(120, 40), (80, 24)])
    func theResultsPaneShowsEachThumbnailWithItsCaption(width: Int, height: Int) throws {
        let scratch = Scratch()
        let folder = try Self.temporaryFolder(in: scratch)
        var state = try Self.stateWithResults(in: folder, width: width, height: height)
        let grid = Self.renderWithPictures(&state)
        #expect(grid.text.contains("Results · 2 images · o to choose and enlarge"))
        #expect(grid.text.contains("1 · seed 100 · 96×64"))
        #expect(grid.text.contains("2 · seed 101 · 96×64"))
        let pictureCells = grid.cells.filter { $0.style == .picture }
        #expect(pictureCells.count > 40, "block symbols drawn in the grid: \(pictureCells.count)")
        #expect(grid.placements.isEmpty)
        // The form is still there, above or beside the pane.
        #expect(grid.text.contains("Prompt"))
    }

    @Test func aPixelProtocolLeavesBlankCellsAndPlacesThePicture() throws {
        let scratch = Scratch()
        let folder = try Self.temporaryFolder(in: scratch)
        var state = try Self.stateWithResults(in: folder)
        state.view.pictureMode = .pixels(.kitty)
        let grid = Self.renderWithPictures(&state)
        #expect(grid.placements.count == 2)
        for placement in grid.placements {
            #expect(placement.path.hasSuffix(".thumb.png"))
            for y in placement.rect.y..<placement.rect.maxY {
                for x in placement.rect.x..<placement.rect.maxX { #expect(grid[x, y].character == " ") }
            }
        }
        // An overlay over the screen: no picture drawn over it.
        press(&state, .char("?"))
        #expect(Screen.render(state).placements.isEmpty)
    }

    @Test func withoutPicturesThePaneNamesTheLocalCopy() throws {
        let scratch = Scratch()
        let folder = try Self.temporaryFolder(in: scratch)
        var state = try Self.stateWithResults(in: folder)
        state.view.pictureMode = .off(reason: Wording.picturesNeedUTF8)
        let text = Screen.render(state).text.replacing("\n", with: " ")
        // The copy's path cut at its start where the pane is small: its folder's end and the file stay.
        #expect(text.contains("image 1 · 96×64") && text.contains(folder.suffix(12) + "/1.png"), "\(text)")
        #expect(text.contains("UTF-8"))
    }

    /// A gallery tile with pictures off showed the path's start and lost the task's folder and
    /// the file ("/tmp/tmp.grcgTTCLvG/i", newcomer20g): in a small room the path is cut at its start.
    @Test func aSmallRoomWithPicturesOffShowsThePathsEnd() {
        let image = LocalImage(position: 0, path: "/home/someone/.local/share/zqt/images/zqt-20261207-090822-317-bf7y/1.png",
                               thumbnailPath: "/x/1.thumb.png", width: 768, height: 768)
        var view = makeState().view
        view.pictureMode = .off(reason: Wording.picturesOff)
        var grid = Grid(size: Size(width: 40, height: 8))
        PicturesPane.draw(image, large: false, view: view, into: &grid, rect: Rect(x: 1, y: 1, width: 22, height: 5))
        #expect(grid.line(1).hasPrefix(" image 1 · 768×768"), "\(grid.text)")
        #expect(grid.line(2).hasPrefix(" …") && grid.line(2).contains("317-bf7y/1.png"), "\(grid.text)")
        #expect(grid.text.contains("pictures are off"), "\(grid.text)")
        // With room, the whole path as before.
        var wide = Grid(size: Size(width: 120, height: 8))
        PicturesPane.draw(image, large: false, view: view, into: &wide, rect: Rect(x: 0, y: 0, width: 110, height: 5))
        #expect(wide.text.contains("image 1: " + image.path + " (768×768); pictures are off"), "\(wide.text)")
    }

    @Test(.needsChafa) func oChoosesEnterEnlargesEscGoesBack() throws {
        let scratch = Scratch()
        let folder = try Self.temporaryFolder(in: scratch)
        var state = try Self.stateWithResults(in: folder)
        #expect(Screen.render(state).text.contains("o to choose and enlarge"))
        press(&state, .char("o"))
        #expect(state.view.picturesFocused)
        press(&state, .right)
        #expect(state.view.selectedPicture == 1)
        press(&state, .enter)
        #expect(state.view.zoom == PictureZoom(target: .compose, index: 1))
        let zoomed = Self.renderWithPictures(&state)
        #expect(zoomed.text.contains("Image 2 of 2 · seed 101 · 96×64"))
        var unzoomed = try Self.stateWithResults(in: folder)
        let small = Self.renderWithPictures(&unzoomed).cells.filter { $0.style == .picture }.count
        #expect(zoomed.cells.filter { $0.style == .picture }.count > small * 2, "the enlarged picture is larger")
        press(&state, .left)
        #expect(state.view.zoom?.index == 0)
        press(&state, .escape)
        #expect(state.view.zoom == nil && state.view.picturesFocused)
        press(&state, .escape)
        #expect(!state.view.picturesFocused)
        // Keys go to the form again.
        press(&state, .down)
        #expect(state.view.focus != FieldID("prompt"))
    }

    @Test func aSucceededTaskAsksForItsImagesOnceAndARunningOneForItsIntermediateImage() {
        var state = makeState()
        state.task = TrackedTask(recordID: 5, idTask: "t1", status: nil, desc: "submitted", progress: nil, phase: .inProgress, resultCount: 0)
        func info(_ data: String) -> TaskInfo {
            TaskInfo(data: try! JSONParser.parse(data))
        }
        let running = info(#"{"id_task":"t1","status":1,"desc":"running","temporaryImageDto":{"progress":0.5,"image_url":"http://x/step-2.png"},"differentialImageRspList":[]}"#)
        var effects = Reducer.reduce(&state, .poll(recordID: 5, idTask: "t1", .update(running)))
        #expect(effects.contains(.fetchIntermediate(idTask: "t1", url: "http://x/step-2.png")))
        #expect(state.results?.isRunning == true)
        // The same intermediate image is not asked for twice.
        effects = Reducer.reduce(&state, .poll(recordID: 5, idTask: "t1", .update(running)))
        #expect(!effects.contains { if case .fetchIntermediate = $0 { return true } else { return false } })
        let done = info(#"{"id_task":"t1","status":2,"desc":"Success","temporaryImageDto":null,"differentialImageRspList":[{"image_url":"http://x/0.png","seed":9,"image_status":1}]}"#)
        effects = Reducer.reduce(&state, .poll(recordID: 5, idTask: "t1", .update(done)))
        let fetch = PictureFetch(target: .compose, idTask: "t1", recordID: 5,
                                 sources: [ResultImageSource(position: 0, url: "http://x/0.png")], seeds: [9])
        #expect(effects.contains(.fetchPictures(fetch)))
        #expect(state.results?.pictures == [ShownPicture(position: 0, seed: 9)])
        #expect(Screen.render(state).text.contains(Wording.picturesDownloading))
        effects = Reducer.reduce(&state, .poll(recordID: 5, idTask: "t1", .update(done)))
        #expect(!effects.contains(.fetchPictures(fetch)))
    }

    @Test func deletingARowAsksWhetherItsImagesGoToo() {
        var state = makeState()
        state.view.overlay = .confirm(.deleteEntry(id: 3, idTask: "t3"))
        #expect(Screen.render(state).text.contains("k delete, keep the images"))
        #expect(Reducer.reduce(&state, .key(.char("y"))) == [.deleteEntry(id: 3), .deletePictures(idTask: "t3")])
        state.view.overlay = .confirm(.deleteEntry(id: 3, idTask: "t3"))
        #expect(Reducer.reduce(&state, .key(.char("k"))) == [.deleteEntry(id: 3)])
        state.view.overlay = .confirm(.deleteEntry(id: 3, idTask: "t3"))
        #expect(Reducer.reduce(&state, .key(.char("n"))) == [])
    }
}

/// The terminal asked what it draws (issue 11): its answers come back as
/// input, and must neither type into the form nor be missed.
@Suite struct PictureQueryTests {
    static func decode(_ text: String, expecting: Bool) -> [TerminalInput] {
        var decoder = InputDecoder(functionKey: { _ in nil })
        decoder.reportsExpected = expecting
        var codes = Array(text.utf8).map(Int32.init)[...]
        return decoder.decode { codes.popFirst() }
    }

    @Test func kittysAnswerAndDA1AreReportsNotKeys() {
        let answers = Self.decode("\u{1B}_Gi=31;OK\u{1B}\\\u{1B}[?62;22c", expecting: true)
        #expect(answers == [.report(.kittyGraphics(ok: true)), .report(.deviceAttributes([62, 22]))])
        var gathered = PictureQuery.Answers()
        for case let .report(report) in answers { gathered.take(report) }
        #expect(gathered.conclusion() == .pixels(.kitty))
        #expect(gathered.conclusion() == nil, "concluded once")
    }

    @Test func aSixelTerminalSaysSoInItsAttributes() {
        let answers = Self.decode("\u{1B}[?64;1;2;4;6;9;15;18;21;22c", expecting: true)
        var gathered = PictureQuery.Answers()
        for case let .report(report) in answers { gathered.take(report) }
        #expect(gathered.conclusion() == .pixels(.sixel))
        // A terminal with neither keeps the symbols.
        var plain = PictureQuery.Answers()
        for case let .report(report) in Self.decode("\u{1B}[?1;2c", expecting: true) { plain.take(report) }
        #expect(plain.conclusion() == nil)
    }

    @Test func keysAroundTheAnswersStayKeysAndNothingIsTyped() {
        let mixed = Self.decode("a\u{1B}_Gi=31;ENOTSUPPORTED\u{1B}\\\u{1B}[?62;4cb", expecting: true)
        #expect(mixed == [.text("a"), .report(.kittyGraphics(ok: false)), .report(.deviceAttributes([62, 4])), .text("b")])
        // Alt-[ and a plain Esc while answers are awaited.
        #expect(Self.decode("\u{1B}[x", expecting: true) == [.key(.alt("[")), .text("x")])
        #expect(Self.decode("\u{1B}", expecting: true) == [.key(.escape)])
        // When nothing was asked, the same bytes are the keys they always were.
        #expect(Self.decode("\u{1B}_G", expecting: false) == [.key(.alt("_")), .text("G")])
        // An answer that never ends costs a bounded read and types nothing.
        let endless = Self.decode("\u{1B}_G" + String(repeating: "A", count: 2000), expecting: true)
        let typed = endless.map { if case let .text(run) = $0 { run } else { "" } }.joined()
        #expect(!typed.contains("G"))
        #expect(typed.filter { $0 == "A" }.count < 2000)
    }
}

/// A sweep's images as a contact sheet (issue 11): rows and columns are the
/// parameters that vary between the batch's requests, each cell a row's image.
@Suite struct ContactSheetTests {
    @Test(.needsChafa) func aBatchIsLaidOutByItsVariedParameters() async throws {
        let fixture = try TrackingFixture()
        let batch = "batch-20261203-100000-000-test"
        let picture = PictureTests.knownPNG()
        let pictureFile = fixture.folder + "/known.png"
        try Data(picture).write(to: URL(fileURLWithPath: pictureFile))
        for cfg in [5, 7] {
            for steps in [20, 30] {
                var request = try TrackingFixture.request("a cat")
                request["cfg_scale"] = .int(cfg)
                request["steps"] = .int(steps)
                let id = try fixture.store.recordSending(request, baseURL: "http://127.0.0.1:9", profile: "sandbox", batchID: batch)
                let answer = #"{"id_task":"\#(request.taskID)","status":2,"desc":"Success","differentialImageRspList":[{"image_url":"http://127.0.0.1:9/gone.png","seed":\#(cfg * 100 + steps),"image_status":1}]}"#
                try fixture.store.recordTaskInfo(id: id, info: TaskInfo(data: try JSONParser.parse(answer)))
                // The URL has expired; the copy the user saved earlier is what is shown.
                try fixture.store.recordLocalCopy(id: id, position: 0, path: pictureFile)
            }
        }
        fixture.runner.perform(.loadContactSheet(batchID: batch))
        var sheet: ContactSheet?
        try await eventually("the contact sheet", timeout: 30) {
            for case let .contactSheetLoaded(loaded) in fixture.inbox.drain() { sheet = loaded }
            return sheet != nil
        }
        let loaded = try #require(sheet)
        let labels = [loaded.rowLabel, loaded.columnLabel].compactMap { $0 }.sorted()
        #expect(labels == ["cfg_scale", "steps"])
        let (cfgValues, stepValues) = loaded.rowLabel == "cfg_scale" ? (loaded.rowValues, loaded.columnValues) : (loaded.columnValues, loaded.rowValues)
        #expect(cfgValues == ["5", "7"] && stepValues == ["20", "30"])
        #expect(loaded.cells.flatMap { $0 }.allSatisfy { $0?.image != nil }, "every cell has its picture: \(loaded.cells)")

        var state = makeState(width: 120, height: 40)
        state.screen = .history
        // A sheet not asked for (another batch's, or after leaving the history) is not shown.
        _ = Reducer.reduce(&state, .contactSheetLoaded(loaded))
        #expect(state.view.contactSheet == nil)
        state.view.contactSheetAsked = batch
        _ = Reducer.reduce(&state, .contactSheetLoaded(loaded))
        let grid = Screen.render(state)
        #expect(grid.text.contains("Batch \(batch) · rows: \(loaded.rowLabel!) · columns: \(loaded.columnLabel!)"))
        #expect(grid.cells.filter { $0.style == .picture }.count > 100)
        press(&state, .escape)
        #expect(state.view.contactSheet == nil)
    }

    @Test func aRowOutsideASweepHasNoSheet() {
        var state = makeState()
        state.screen = .history
        state.history.rows = []
        #expect(PictureReducer.askForContactSheet(&state) == [])
        #expect(state.status?.text.contains("not sent in a sweep") == true)
    }
}

/// The history's pictures (issue 11): the selected row's thumbnail beside a
/// wide list, the entry's strip in its Results section.
@Suite struct HistoryPictureTests {
    @Test(.needsChafa) func aWideListAsksForTheSelectedRowsImagesAndShowsThemBesideIt() throws {
        let scratch = Scratch()
        let folder = try PictureTests.temporaryFolder(in: scratch)
        let rows = [summary(2, "a dog"), summary(1, "a cat", results: 0)]
        var state = historyState(rows, width: 150, height: 40)
        #expect(PictureReducer.historyShownKey(state) != nil)
        // Moving onto a row with no results asks nothing; back onto one with results asks for its images.
        #expect(!press(&state, .down).contains(.fetchHistoryPictures(recordID: 1)))
        #expect(press(&state, .up).contains(.fetchHistoryPictures(recordID: 2)))
        let shown = try PictureTests.stateWithResults(in: folder).results!.pictures
        _ = Reducer.reduce(&state, .picturesFetched(.history, idTask: rows[0].idTask, recordID: 2, shown))
        let grid = PictureTests.renderWithPictures(&state)
        let pane = grid.text.split(separator: "\n").map { String($0.dropFirst(150 - HistoryView.thumbnailPaneWidth)) }
        #expect(pane.contains { $0.contains("Results · 2 images") })
        #expect(grid.cells.filter { $0.style == .picture }.count > 40)
        // An answer for a row no longer selected is dropped.
        press(&state, .down)
        _ = Reducer.reduce(&state, .picturesFetched(.history, idTask: rows[0].idTask, recordID: 2, shown))
        #expect(state.historyPictures == nil)
        // At 120 columns the list keeps its room: nothing is asked while moving.
        var narrow = historyState(rows, width: 120, height: 40)
        press(&narrow, .down)
        #expect(!press(&narrow, .up).contains(.fetchHistoryPictures(recordID: 2)))
    }

    @Test func theEntrysImagesSitInItsResultsSectionAndScrollWithIt() throws {
        let scratch = Scratch()
        let folder = try PictureTests.temporaryFolder(in: scratch)
        var state = historyState([summary(5, "a cat")], width: 120, height: 40)
        let entry = record(5, prompt: "a cat")
        _ = Reducer.reduce(&state, .entriesLoaded([entry], .show))
        #expect(state.history.mode == .detail)
        let shown = try PictureTests.stateWithResults(in: folder).results!.pictures
        _ = Reducer.reduce(&state, .picturesFetched(.history, idTask: entry.idTask, recordID: 5, shown))
        let lines = Screen.render(state).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let section = try #require(lines.firstIndex { $0.contains("Results (") })
        #expect(lines[section + 1].contains("Results · 2 images"), "the strip opens the section")
        #expect(lines.contains { $0.contains("1 · seed 100 · 96×64") })
        // Scrolled past, the strip is not drawn over other lines.
        for _ in 0..<30 { press(&state, .down) }
        #expect(!Screen.render(state).text.contains("Results · 2 images"))
        #expect(Screen.render(state).cells.filter { $0.style == .picture }.isEmpty)
    }
}

/// The second review's findings (issue 11), each as a user would meet it.
@Suite struct PictureReviewTests {
    @Test func anAnswerSplitAcrossReadsIsStillAReportAndAKeyInsideOneIsAKey() {
        var decoder = InputDecoder(functionKey: { $0 == 0x103 ? .up : nil })
        decoder.reportsExpected = true
        var first = Array("\u{1B}[?62;".utf8).map(Int32.init)[...]
        #expect(decoder.decode { first.popFirst() } == [], "nothing typed while the answer is incomplete")
        var rest = Array("4c".utf8).map(Int32.init)[...]
        #expect(decoder.decode { rest.popFirst() } == [.report(.deviceAttributes([62, 4]))])
        // An arrow key (ncurses' code) in the middle ends a would-be answer and stays a key.
        decoder.reportsExpected = true
        var mixed = (Array("\u{1B}_Gi".utf8).map(Int32.init) + [0x103] + Array("x".utf8).map(Int32.init))[...]
        #expect(decoder.decode { mixed.popFirst() } == [.key(.up), .text("x")])
    }

    @Test func gnuScreenAndTheConsoleAreNotAsked() {
        #expect(PictureQuery.isSafe(term: "xterm-256color"))
        #expect(!PictureQuery.isSafe(term: "screen.xterm-256color"))
        #expect(!PictureQuery.isSafe(term: "xterm-256color", environment: ["STY": "123.pts-0"]))
        #expect(!PictureQuery.isSafe(term: "linux"))
    }

    @Test func aPictureEnlargedWhileDownloadingGetsItsFullImageWhenItArrives() throws {
        let scratch = Scratch()
        let folder = try PictureTests.temporaryFolder(in: scratch)
        var state = makeState()
        let ready = try PictureTests.stateWithResults(in: folder).results!
        state.results = PictureSet(idTask: ready.idTask, recordID: 1, pictures: ready.pictures.map { ShownPicture(position: $0.position, seed: $0.seed) })
        // Focused on the pictures (as after an earlier set), Enter on one still downloading.
        state.view.picturesFocused = true
        #expect(press(&state, .enter) == [], "nothing to decode yet")
        #expect(state.view.zoom != nil)
        let effects = Reducer.reduce(&state, .picturesFetched(.compose, idTask: ready.idTask, recordID: 1, ready.pictures))
        #expect(effects == [.preparePicture(path: ready.pictures[0].image!.path)])
    }

    @Test func anotherTasksResultsCloseTheEnlargedPicture() throws {
        let scratch = Scratch()
        let folder = try PictureTests.temporaryFolder(in: scratch)
        var state = try PictureTests.stateWithResults(in: folder)
        state.task = TrackedTask(recordID: 9, idTask: "next", status: nil, desc: "submitted", progress: nil, phase: .inProgress, resultCount: 0)
        press(&state, .char("o"), .right, .enter)
        #expect(state.view.zoom?.index == 1)
        let done = TaskInfo(data: try JSONParser.parse(#"{"id_task":"next","status":2,"desc":"Success","differentialImageRspList":[{"image_url":"http://x/0.png","seed":1,"image_status":1}]}"#))
        _ = Reducer.reduce(&state, .poll(recordID: 9, idTask: "next", .update(done)))
        #expect(state.view.zoom == nil && !state.view.zoomReady && !state.view.picturesFocused && state.view.selectedPicture == 0)
    }

    @Test func aCopyThatCannotBeDrawnIsKeptAndNotFetchedAgain() async throws {
        let scratch = Scratch()
        let home = try PictureTests.temporaryFolder(in: scratch)
        let saved = home + "/expired.html"
        try Data("<html>not an image</html>".utf8).write(to: URL(fileURLWithPath: saved))
        let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: "http://127.0.0.1:9", credentials: nil, timeout: 1, profile: "t"))
        let source = ResultImageSource(position: 0, url: "http://127.0.0.1:9/gone.png", knownCopy: saved)
        await #expect(throws: PictureError("not a PNG, JPEG or WebP image")) {
            try await ResultImageFiles.ensure(source, idTask: "t-1", home: home, api: api)
        }
        let kept = ResultImageFiles.folder(home: home, idTask: "t-1") + "/1.img"
        #expect(FileManager.default.fileExists(atPath: kept), "kept though it cannot be drawn")
        try FileManager.default.removeItem(atPath: saved)
        // Asked again (the URL long gone, the saved copy too): zqt's own copy is read, not the network.
        await #expect(throws: PictureError("not a PNG, JPEG or WebP image")) {
            try await ResultImageFiles.ensure(source, idTask: "t-1", home: home, api: api)
        }
    }

    /// Pictures off (issue 18): the copy is sized from its header, no
    /// thumbnail is written; a header the decoders would refuse is decoded
    /// after all, so the pane says why in the decoder's words.
    @Test func withPicturesOffACopyIsSizedFromItsHeaderWithoutAThumbnail() async throws {
        let scratch = Scratch()
        let home = try PictureTests.temporaryFolder(in: scratch)
        let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: "http://127.0.0.1:9", credentials: nil, timeout: 1, profile: "t"))
        let saved = home + "/saved.png"
        try Data(PictureTests.knownPNG(width: 96, height: 64)).write(to: URL(fileURLWithPath: saved))
        let source = ResultImageSource(position: 0, url: "http://127.0.0.1:9/gone.png", knownCopy: saved)
        let image = try await ResultImageFiles.ensure(source, idTask: "t-1", home: home, api: api, thumbnail: false)
        let folder = ResultImageFiles.folder(home: home, idTask: "t-1")
        #expect(image.width == 96 && image.height == 64 && image.path == folder + "/1.png")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["1.png"], "no thumbnail")
        #expect(ResultImageFiles.existing(home: home, idTask: "t-1", position: 0) == nil)
        #expect(ResultImageFiles.existingCopy(home: home, idTask: "t-1", position: 0) == image)
        #expect(ResultImageFiles.ownCopy(home: home, idTask: "t-1", position: 0) == folder + "/1.png")
        // Drawn later: the thumbnail is made from the copy then, with the same size.
        let drawn = try ResultImageFiles.withThumbnail(home: home, idTask: "t-1", position: 0)
        #expect(drawn?.thumbnailPath == image.thumbnailPath && drawn?.width == 96)

        // A header claiming 5000×5000: more than the decoders take, so decoded, and refused in their words.
        var huge = PictureTests.knownPNG(width: 96, height: 64)
        huge.replaceSubrange(16..<24, with: [0, 0, 0x13, 0x88, 0, 0, 0x13, 0x88])
        // The IHDR chunk's CRC-32 (over its type and data) made whole again, so only the size is wrong.
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in huge[12..<29] {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        huge.replaceSubrange(29..<33, with: [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)])
        let hugeSaved = home + "/huge.png"
        try Data(huge).write(to: URL(fileURLWithPath: hugeSaved))
        let hugeSource = ResultImageSource(position: 0, url: "http://127.0.0.1:9/gone.png", knownCopy: hugeSaved)
        await #expect(throws: PictureError("the image is too large to show (5000×5000 pixels)")) {
            try await ResultImageFiles.ensure(hugeSource, idTask: "t-2", home: home, api: api, thumbnail: false)
        }
    }
}
