import Foundation
import TestScratch
@testable import Model
import Testing
@testable import ZqtTUI

/// Clicks and the wheel (issue 19): SGR reports decoded, mapped to what the
/// frame drew under them, and reduced as a user would notice.
@Suite struct MouseTests {
    static func decode(_ codes: [Int32], decoder: inout InputDecoder) -> [TerminalInput] {
        var rest = codes[...]
        return decoder.decode { rest.popFirst() }
    }

    static func decode(_ codes: [Int32]) -> [TerminalInput] {
        var decoder = InputDecoder(functionKey: { $0 == 0x103 ? .up : nil })
        return decode(codes, decoder: &decoder)
    }

    /// A report as ncurses hands it over: ESC[< matched to one code, then the bytes.
    static func report(_ body: String) -> [Int32] { [InputDecoder.mouseCode] + body.utf8.map { Int32($0) } }

    /// The SGR report of a press (or a release) at a cell counted from 0.
    static func sgr(_ button: Int, x: Int, y: Int, press: Bool = true) -> [Int32] {
        report("\(button);\(x + 1);\(y + 1)" + (press ? "M" : "m"))
    }

    // MARK: Decoding

    @Test func pressesReleasesAndTheWheelAreDecodedWithTheirCell() {
        #expect(Self.decode(Self.report("0;10;5M")) == [.mouse(MouseEvent(button: .left, x: 9, y: 4, pressed: true))])
        #expect(Self.decode(Self.report("0;10;5m")) == [.mouse(MouseEvent(button: .left, x: 9, y: 4, pressed: false))])
        #expect(Self.decode(Self.report("2;1;1M")) == [.mouse(MouseEvent(button: .right, x: 0, y: 0, pressed: true))])
        #expect(Self.decode(Self.report("64;3;4M")) == [.mouse(MouseEvent(button: .wheelUp, x: 2, y: 3, pressed: true))])
        #expect(Self.decode(Self.report("65;3;4M")) == [.mouse(MouseEvent(button: .wheelDown, x: 2, y: 3, pressed: true))])
    }

    @Test func modifiersAndMotionAreNamed() {
        // Shift 4, Alt 8, Ctrl 16, motion 32 (xterm's ctlseqs, "Extended coordinates").
        #expect(Self.decode(Self.report("4;2;2M")) == [.mouse(MouseEvent(button: .left, x: 1, y: 1, pressed: true, shift: true))])
        #expect(Self.decode(Self.report("24;2;2M")) == [.mouse(MouseEvent(button: .left, x: 1, y: 1, pressed: true, alt: true, ctrl: true))])
        #expect(Self.decode(Self.report("32;2;2M")) == [.mouse(MouseEvent(button: .left, x: 1, y: 1, pressed: true, motion: true))])
        #expect(Self.decode(Self.report("81;2;2M")) == [.mouse(MouseEvent(button: .wheelDown, x: 1, y: 1, pressed: true, ctrl: true))])
    }

    @Test func keysAroundAReportStayKeys() {
        let codes: [Int32] = [Int32(UInt8(ascii: "a"))] + Self.report("0;1;1M") + [Int32(UInt8(ascii: "b")), 0x103]
        #expect(Self.decode(codes) == [.text("a"), .mouse(MouseEvent(button: .left, x: 0, y: 0, pressed: true)),
                                       .text("b"), .key(.up)])
    }

    @Test func aReportSplitAcrossReadsIsReadWhole() {
        var decoder = InputDecoder(functionKey: { _ in nil })
        let codes = Self.report("65;120;40M")
        let first = Self.decode(Array(codes.prefix(5)), decoder: &decoder)
        let rest = Self.decode(Array(codes.dropFirst(5)), decoder: &decoder)
        #expect(first.isEmpty)
        #expect(rest == [.mouse(MouseEvent(button: .wheelDown, x: 119, y: 39, pressed: true))])
    }

    @Test func malformedAndHostileReportsAreDroppedWithoutHarm() {
        let hostile = ["", "M", ";;M", "0;;1M", "0;1M", "0;1;1;1M", "0;0;1M", "0;1;0M", "999;1;1M", "0;99999999999999999999;1M",
                       "0;1;20000M", "-1;1;1M", "0;1;1X", "0;1;1", String(repeating: "9", count: 500) + "M",
                       String(repeating: ";", count: 100), "0;1;1\u{1B}[A"]
        for body in hostile {
            var decoder = InputDecoder(functionKey: { $0 == 0x103 ? .up : nil })
            let out = Self.decode(Self.report(body) + [Int32(UInt8(ascii: "z"))], decoder: &decoder)
            #expect(!out.contains { if case .mouse = $0 { return true } else { return false } }, "\(body.prefix(30)) is not a report")
            // The decoder keeps working: a good report after the bad one is read.
            let after = Self.decode(Self.report("0;2;3M"), decoder: &decoder)
            #expect(after.last == .mouse(MouseEvent(button: .left, x: 1, y: 2, pressed: true)) || after.isEmpty == false,
                    "\(body.prefix(30)) left the decoder unable to read the next report")
        }
        // Random bytes after the report's start never crash, and end.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            var decoder = InputDecoder(functionKey: { _ in nil })
            let noise = (0..<Int.random(in: 0...40, using: &generator)).map { _ in Int32.random(in: -1...300, using: &generator) }
            _ = Self.decode([InputDecoder.mouseCode] + noise, decoder: &decoder)
        }
    }

    @Test func aKeyCodeInsideAReportIsStillTheKey() {
        #expect(Self.decode(Self.report("0;1") + [0x103]) == [.key(.up)])
    }

    // MARK: From a click to what it does

    static func actions(_ codes: [Int32], over grid: Grid) -> [Action] {
        TerminalApp.actions(for: decode(codes), hitAreas: grid.hitAreas)
    }

    static func click(_ state: inout AppState, x: Int, y: Int, button: Int = 0) -> [Effect] {
        var effects: [Effect] = []
        for action in actions(sgr(button, x: x, y: y), over: Screen.render(state)) { effects += Reducer.reduce(&state, action) }
        return effects
    }

    /// The first cell where the frame shows `text`.
    static func cell(of text: String, in grid: Grid) -> (x: Int, y: Int)? {
        for y in 0..<grid.size.height {
            let line = grid.line(y)
            if let range = line.range(of: text) { return (line.distance(from: line.startIndex, to: range.lowerBound), y) }
        }
        return nil
    }

    @Test func aClickOnAFieldFocusesItAndASecondClickEditsIt() throws {
        var state = makeState()
        let grid = Screen.render(state)
        let steps = try #require(Self.cell(of: "  Steps ", in: grid), "the form shows Steps")
        #expect(Grid.target(at: steps.x + 3, steps.y, in: grid.hitAreas) == .field(.steps), "the label's cell is the field's")
        _ = Self.click(&state, x: steps.x + 3, y: steps.y)
        #expect(state.view.focus == .steps)
        #expect(Screen.render(state).line(steps.y).contains("▸"), "the focus marker moved to the row clicked")
        #expect(state.view.editing == nil)
        _ = Self.click(&state, x: steps.x + 3, y: steps.y)
        #expect(state.view.editing?.field == .steps, "a second click does what Enter does")
        // A click elsewhere ends the edit and focuses there.
        let seed = try #require(Self.cell(of: "  Seed ", in: Screen.render(state)), "the form shows Seed")
        _ = Self.click(&state, x: seed.x + 3, y: seed.y)
        #expect(state.view.editing == nil && state.view.focus == .seed)
    }

    @Test func aClickOnAUnitRowFocusesTheUnitAndASecondOpensIt() throws {
        var state = makeState()
        state.request.controlNetUnits = [ControlNetUnit(controlType: ControlNetCatalog.controlType(named: "canny")!)]
        var grid = Screen.render(state)
        let row = try #require(grid.hitAreas.first { $0.target == .field(.unitRow(0)) }, "the unit's row is drawn")
        _ = Self.click(&state, x: row.rect.x + 3, y: row.rect.y)
        #expect(state.view.focus == .unitRow(0))
        _ = Self.click(&state, x: row.rect.x + 3, y: row.rect.y)
        #expect(state.view.openUnit == 0, "a second click opens the unit, as Enter does")
        grid = Screen.render(state)
        #expect(grid.line(1).contains("1"), "the unit's form is shown")
    }

    @Test func aClickWithShiftOrARightClickOrAReleaseDoesNothing() throws {
        let state = makeState()
        let grid = Screen.render(state)
        let steps = try #require(grid.hitAreas.first { $0.target == .field(.steps) })
        for codes in [Self.sgr(4, x: steps.rect.x + 1, y: steps.rect.y), Self.sgr(2, x: steps.rect.x + 1, y: steps.rect.y),
                      Self.sgr(0, x: steps.rect.x + 1, y: steps.rect.y, press: false)] {
            #expect(Self.actions(codes, over: grid).isEmpty)
        }
        #expect(state.view.focus == .prompt)
        _ = state
    }

    @Test func theWheelMovesTheFocusAndScrollsThePreview() throws {
        var state = makeState()
        let grid = Screen.render(state)
        let form = try #require(grid.hitAreas.first { $0.target == .form }).rect
        let before = state.view.focus
        for action in Self.actions(Self.sgr(65, x: form.x + 2, y: form.maxY - 1), over: grid) { _ = Reducer.reduce(&state, action) }
        #expect(state.view.focus != before, "the wheel down moved the focus to the next field")
        let preview = try #require(grid.hitAreas.first { $0.target == .preview }).rect
        for action in Self.actions(Self.sgr(65, x: preview.x + 2, y: preview.y + 2), over: grid) { _ = Reducer.reduce(&state, action) }
        #expect(state.view.previewOffset > 0, "the wheel over the preview scrolls it")
    }

    @Test func aClickOnAHistoryRowSelectsItAndASecondOpensIt() throws {
        var state = historyState((1...5).map { summary($0, "prompt \($0)") })
        let grid = Screen.render(state)
        let row = try #require(grid.hitAreas.first { $0.target == .historyRow(3) })
        _ = Self.click(&state, x: row.rect.x + 5, y: row.rect.y)
        #expect(state.history.selected == 3)
        #expect(Screen.render(state)[row.rect.x + 5, row.rect.y].style == .selection, "the row clicked is drawn selected")
        let effects = Self.click(&state, x: row.rect.x + 5, y: row.rect.y)
        #expect(effects.contains { if case .loadEntries = $0 { return true } else { return false } } || state.history.mode == .detail,
                "a second click opens the entry")
        // The wheel moves the selection.
        var wheeled = historyState((1...5).map { summary($0, "prompt \($0)") })
        for action in Self.actions(Self.sgr(65, x: 5, y: row.rect.y), over: Screen.render(wheeled)) { _ = Reducer.reduce(&wheeled, action) }
        #expect(wheeled.history.selected == 1)
    }

    @Test func theWheelScrollsTheHelpAndAClickBesideAnOverlayReachesNothing() throws {
        var state = makeState(width: 100, height: 24)
        press(&state, .function(1))
        guard case .help(scroll: 0)? = state.view.overlay else { Issue.record("F1 opens the help"); return }
        let grid = Screen.render(state)
        let help = try #require(grid.hitAreas.first { $0.target == .help }).rect
        for action in Self.actions(Self.sgr(65, x: help.x + 3, y: help.y + 3), over: grid) { _ = Reducer.reduce(&state, action) }
        #expect(state.view.overlay == .help(scroll: 1))
        #expect(Grid.target(at: 0, grid.size.height - 1, in: grid.hitAreas) == .covered || help.maxY >= grid.size.height)
    }

    @Test func aClickOnAThumbnailEnlargesIt() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-mouse")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var state = try PictureTests.stateWithResults(in: folder)
        let grid = Screen.render(state)
        let second = try #require(grid.hitAreas.first { $0.target == .picture(1) }, "the second thumbnail is drawn").rect
        _ = Self.click(&state, x: second.x + second.width / 2, y: second.y + 1)
        #expect(state.view.zoom?.index == 1, "the thumbnail clicked is enlarged")
    }

    @Test func aClickInTheGallerySelectsThePictureAndTheWheelMovesARow() throws {
        var state = makeState(width: 120, height: 40)
        press(&state, .char("I"))
        let items = (0..<20).map { index in
            GalleryItem(picture: GalleryPicture(submissionID: 100 - index, position: 0, idTask: "t\(index)", endpoint: .controlNet,
                                                createdAt: Date(), prompt: "p", localPath: "/k/\(index).png"), problem: "gone")
        }
        _ = Reducer.reduce(&state, .galleryLoaded(GalleryPageLoaded(filter: "", items: items, hasMore: false, nextBefore: nil, appending: false)))
        let grid = Screen.render(state)
        let third = try #require(grid.hitAreas.first { $0.target == .galleryItem(2) }, "the third picture is drawn").rect
        _ = Self.click(&state, x: third.x + 2, y: third.y + 1)
        #expect(state.gallery.selected == 2)
        let columns = try #require(grid.hitAreas.filter { if case .galleryItem = $0.target { $0.rect.y == third.y } else { false } }.count as Int?)
        for action in Self.actions(Self.sgr(65, x: third.x + 2, y: third.y + 1), over: Screen.render(state)) { _ = Reducer.reduce(&state, action) }
        #expect(state.gallery.selected == 2 + columns, "the wheel moves a row of pictures down")
    }

    @Test func aClickOnAPickersOptionChoosesIt() throws {
        var state = makeState()
        let grid = Screen.render(state)
        let sampler = try #require(Self.cell(of: "  Sampler ", in: grid), "the form shows Sampler")
        _ = Self.click(&state, x: sampler.x + 3, y: sampler.y)
        _ = Self.click(&state, x: sampler.x + 3, y: sampler.y)
        guard case let .picker(picker)? = state.view.overlay else { Issue.record("a second click opens the sampler's picker"); return }
        let options = Screen.render(state).hitAreas.compactMap { if case .pickerOption = $0.target { $0 } else { nil } }
        let third = try #require(options.first { $0.target == .pickerOption(2) }, "the third option is drawn")
        let chosen = picker.matches[2]
        _ = Self.click(&state, x: third.rect.x + 3, y: third.rect.y)
        #expect(state.view.overlay == nil)
        #expect(FieldValues.text(of: FieldID("sampler_index"), in: state.request) == chosen)
    }

    // MARK: The config file

    @Test func mouseFalseInTheConfigFileTurnsItOff() throws {
        guard case let .loaded(off) = ConfigFile.parse(text: "mouse = false\n", file: "c.toml"),
              case let .loaded(unset) = ConfigFile.parse(text: "theme = \"dark\"\n", file: "c.toml") else {
            Issue.record("the files are read")
            return
        }
        #expect(off.mouse == false)
        #expect(unset.mouse == nil)
        guard case let .failed(problem) = ConfigFile.parse(text: "mouse = \"no\"\n", file: "c.toml") else {
            Issue.record("a mouse setting that is not true or false is a fault")
            return
        }
        #expect(problem.line == 1 && problem.message.contains("mouse must be true or false"))
    }

    @Test func reportingIsButtonEventsInSGRFormOnly() {
        #expect(MouseReporting.on.contains("?1000h") && MouseReporting.on.contains("?1006h"))
        #expect(!MouseReporting.on.contains("1003") && !MouseReporting.on.contains("1002"), "no motion reports: Shift-drag selects, nothing comes while idle")
        #expect(MouseReporting.off.contains("?1000l") && MouseReporting.off.contains("?1006l"))
    }
}
