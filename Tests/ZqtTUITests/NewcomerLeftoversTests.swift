// The leftovers of issue 19's newcomer checks, each as the user meets it:
// the preview's scrolling stops at its ends, a click in the text being
// edited moves the cursor, clicks on the enlarged picture, the contact sheet
// and the history filter, F10 and Ctrl-C quit while typing, the endpoint
// picker ranks by the history's sends, a theme read again, "not followed"
// on the command line, and a status message left on its own screen.

import Foundation
import TestScratch
@testable import Model
import Sandbox
import Testing
@testable import ZqtTUI

@Suite struct NewcomerLeftoversTests {
    // MARK: The preview's scrolling stops at its ends

    /// The JSON rows the preview shows (the right half of a 120-column frame).
    static func previewText(_ state: AppState) -> [String] {
        let grid = Screen.render(state)
        let rect = Layout.regions(for: state.view.size, showPreview: true).preview!
        return (rect.y..<rect.maxY).map { y in String(grid.line(y).dropFirst(rect.x)) }
    }

    @Test func thePreviewScrollsNoFurtherThanItsEndsAndTheFirstNotchBackMovesIt() {
        var state = makeState(width: 120, height: 24)
        focus(&state, .prompt)
        let top = Self.previewText(state)
        // Up at the top: nothing moves, and the first notch down after many up moves at once.
        for _ in 0..<20 { press(&state, .char("[")) }
        #expect(Self.previewText(state) == top, "the preview was at its top already")
        press(&state, .char("]"))
        #expect(Self.previewText(state) != top, "the first notch down after many up moves the preview")
        // Down past the end: it stops, and the first notch back moves it.
        var last = Self.previewText(state)
        var notches = 0
        while notches < 200 {
            press(&state, .char("]"))
            notches += 1
            let now = Self.previewText(state)
            if now == last { break }
            last = now
        }
        #expect(notches < 200, "the preview reached its end")
        let offsetAtEnd = state.view.previewOffset
        for _ in 0..<20 { press(&state, .char("]")) }
        #expect(state.view.previewOffset == offsetAtEnd, "the wheel and ] stop at the end")
        #expect(Self.previewText(state).joined().contains("}"), "the JSON's last line is on screen")
        press(&state, .char("["))
        #expect(Self.previewText(state) != last, "the first notch back moves the preview")
    }

    @Test func theWheelOverThePreviewStopsAtItsEndToo() throws {
        var state = makeState(width: 120, height: 24)
        // One frame's hit areas serve every notch: scrolling moves no area (a frame a notch held a
        // thread of the two-thread pool for seconds under load, and starved the tests that send).
        let grid = Screen.render(state)
        let preview = try #require(grid.hitAreas.first { $0.target == .preview }).rect
        let range = PreviewView.offsetRange(state, rect: preview)
        for _ in 0..<30 {
            for action in MouseTests.actions(MouseTests.sgr(65, x: preview.x + 2, y: preview.y + 2), over: grid) {
                _ = Reducer.reduce(&state, action)
            }
        }
        #expect(state.view.previewOffset == range.upperBound, "the wheel stops at the end")
        for action in MouseTests.actions(MouseTests.sgr(64, x: preview.x + 2, y: preview.y + 2), over: grid) {
            _ = Reducer.reduce(&state, action)
        }
        #expect(state.view.previewOffset < range.upperBound, "the first notch back moves it")
    }

    // MARK: A click in the text being edited

    /// The prompt's edit begun with `text`, the cursor at its end.
    static func editing(_ text: String, width: Int = 120) -> AppState {
        var state = makeState(width: width, height: 40)
        focus(&state, .prompt)
        press(&state, .enter)
        state.view.editing?.buffer = TextBuffer(text)
        Reducer.applyEditBuffer(&state)
        return state
    }

    /// The cell (not the character offset: a wide character takes two) where the frame shows `text` first.
    static func cell(of text: String, in grid: Grid) -> (x: Int, y: Int)? {
        let wanted = Array(text)
        for y in 0..<grid.size.height {
            let cells = (0..<grid.size.width).compactMap { x in grid[x, y].character.map { (x: x, character: $0) } }
            guard cells.count >= wanted.count else { continue }
            for start in 0...(cells.count - wanted.count) where cells[start..<(start + wanted.count)].map(\.character) == wanted {
                return (cells[start].x, y)
            }
        }
        return nil
    }

    @Test func aClickInTheEditedTextMovesTheCursorThereOverWideCharacters() throws {
        var state = Self.editing("一二三 abc def")
        let grid = Screen.render(state)
        let abc = try #require(Self.cell(of: "abc", in: grid), "the edit shows its text")
        _ = MouseTests.click(&state, x: abc.x + 1, y: abc.y)
        #expect(state.view.editing?.buffer.cursor == 5, "before the b of abc")
        #expect(Screen.render(state).cursor.map { $0.x } == abc.x + 1, "the terminal's cursor is on the cell clicked")
        // 二 takes two cells: a click on either puts the cursor before it.
        let wide = try #require(Self.cell(of: "一二三", in: grid))
        // The first cell of 二 is two cells right of 一's.
        _ = MouseTests.click(&state, x: wide.x + 2, y: wide.y)
        #expect(state.view.editing?.buffer.cursor == 1)
        _ = MouseTests.click(&state, x: wide.x + 3, y: wide.y)
        #expect(state.view.editing?.buffer.cursor == 1, "the second cell of a wide character is the character")
        // Past the end of the line: its end.
        _ = MouseTests.click(&state, x: abc.x + 15, y: abc.y)
        #expect(state.view.editing?.buffer.cursor == 11)
        #expect(state.view.editing?.field == .prompt, "the edit goes on")
    }

    @Test func aClickOnAWrappedLineLandsOnThatLine() throws {
        let words = (1...40).map { "word\($0)" }.joined(separator: " ")
        var state = Self.editing(words)
        let grid = Screen.render(state)
        let rows = grid.hitAreas.filter { $0.target == .field(.prompt) }
        #expect(rows.count >= 2, "the prompt has rows")
        let second = try #require(rows.dropFirst().first).rect
        let valueX = second.x + 2 + Layout.labelWidth
        let shown = String(grid.line(second.y).dropFirst(valueX))
        let firstWord = try #require(shown.split(separator: " ").first.map(String.init), "the second row shows text")
        _ = MouseTests.click(&state, x: valueX, y: second.y)
        let buffer = try #require(state.view.editing?.buffer)
        #expect(buffer.text.dropFirst(buffer.cursor).hasPrefix(firstWord), "the cursor is before \(firstWord), the second row's start")
    }

    @Test func aSecondClickOnAShortTextStartsTheEditWhereItLands() throws {
        var state = makeState()
        state.request["prompt"] = .string("a lighthouse at dusk")
        let grid = Screen.render(state)
        let at = try #require(Self.cell(of: "lighthouse", in: grid))
        _ = MouseTests.click(&state, x: at.x, y: at.y)
        _ = MouseTests.click(&state, x: at.x, y: at.y)
        #expect(state.view.editing?.field == .prompt)
        #expect(state.view.editing?.buffer.cursor == 2, "the edit starts with the cursor before lighthouse")
    }

    // MARK: Clicks on the enlarged picture, the contact sheet and the history filter

    @Test func aClickOnTheEnlargedPictureStepsAtItsEdgesAndClosesInItsMiddle() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-zoom-click")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var state = try PictureTests.stateWithResults(in: folder)
        let grid = Screen.render(state)
        let first = try #require(grid.hitAreas.first { $0.target == .picture(0) }).rect
        _ = MouseTests.click(&state, x: first.x + 2, y: first.y + 1)
        #expect(state.view.zoom?.index == 0)
        let size = state.view.size
        _ = MouseTests.click(&state, x: size.width - 2, y: size.height / 2)
        #expect(state.view.zoom?.index == 1, "a click on the right edge shows the next picture")
        _ = MouseTests.click(&state, x: 1, y: size.height / 2)
        #expect(state.view.zoom?.index == 0, "a click on the left edge shows the previous one")
        _ = MouseTests.click(&state, x: size.width / 2, y: size.height / 2)
        #expect(state.view.zoom == nil, "a click in the middle closes it")
    }

    @Test func aClickOnAContactSheetCellEnlargesItAndAnotherGoesBack() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-sheet-click")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var state = try PictureTests.stateWithResults(in: folder)
        let pictures = try #require(state.results?.pictures)
        state.view.contactSheet = ContactSheet(batchID: "b1", rowLabel: "steps", columnLabel: "cfg_scale", rowValues: ["20", "30"],
                                               columnValues: ["5", "7"], cells: [[pictures[0], pictures[1]], [pictures[1], nil]])
        let grid = Screen.render(state)
        let cell = try #require(grid.hitAreas.first { $0.target == .sheetCell(SheetPlace(row: 1, column: 0)) }, "the cells are marked").rect
        #expect(!grid.hitAreas.contains { $0.target == .sheetCell(SheetPlace(row: 1, column: 1)) }, "an empty cell is no picture to enlarge")
        _ = MouseTests.click(&state, x: cell.x + 1, y: cell.y + 1)
        #expect(state.view.contactSheet?.enlarged == SheetPlace(row: 1, column: 0))
        let enlarged = Screen.render(state)
        #expect(enlarged.line(1).contains("steps 30 · cfg_scale 5"), "the values that made it are named:\n\(enlarged.text)")
        _ = MouseTests.click(&state, x: 10, y: 10)
        #expect(state.view.contactSheet?.enlarged == nil && state.view.contactSheet != nil, "a click goes back to the sheet")
        // The back key does the same, then leaves the sheet.
        state.view.contactSheet?.enlarged = SheetPlace(row: 0, column: 1)
        press(&state, .escape)
        #expect(state.view.contactSheet != nil && state.view.contactSheet?.enlarged == nil)
        press(&state, .escape)
        #expect(state.view.contactSheet == nil)
    }

    @Test func aClickOnTheHistoryFilterLineFocusesTheFilter() throws {
        var state = historyState((1...5).map { summary($0, "prompt \($0)") })
        let grid = Screen.render(state)
        let filter = try #require(grid.hitAreas.last { $0.target == .historyFilter }, "the filter line is marked").rect
        #expect(!state.history.filterFocused)
        _ = MouseTests.click(&state, x: filter.x + 5, y: filter.y)
        #expect(state.history.filterFocused, "the click focuses the filter")
        type(&state, "pro")
        #expect(state.history.filter.text == "pro", "typing goes into the filter")
    }

    // MARK: F10 and Ctrl-C quit while typing

    @Test func f10AndCtrlCQuitFromAFieldBeingEditedKeepingItsTextAndQIsALetter() {
        for key in [Key.function(10), .ctrl("c")] {
            var state = makeState()
            state.draftSaving.kept = true
            focus(&state, .prompt)
            press(&state, .enter)
            type(&state, "quiet harbour")
            #expect(state.view.editing != nil && !state.quitting, "q typed is a letter")
            let effects = press(&state, key)
            #expect(state.quitting && effects.contains(.quit), "\(key.label) quits while typing")
            #expect(state.view.editing == nil)
            #expect(FieldValues.text(of: .prompt, in: state.request).hasSuffix("quiet harbour"), "the text typed is in the form, whose draft is kept")
        }
        // Without a kept draft the usual question comes.
        var state = makeState()
        state.draftSaving.kept = false
        focus(&state, .prompt)
        press(&state, .enter)
        type(&state, "x")
        press(&state, .function(10))
        #expect(state.view.overlay == .confirm(.quit) && !state.quitting)
        // F10 again on the question is its yes.
        press(&state, .function(10))
        #expect(state.quitting)
    }

    @Test func f10QuitsFromTheHelpAndAPickersCtrlCClosesItFirst() {
        var state = makeState()
        state.draftSaving.kept = true
        press(&state, .function(1))
        press(&state, .function(10))
        #expect(state.quitting, "F10 quits from the key help")
        var picking = makeState()
        picking.draftSaving.kept = true
        press(&picking, .function(7))
        press(&picking, .ctrl("c"))
        #expect(picking.view.overlay == nil && !picking.quitting, "Ctrl-C closes the picker first")
        press(&picking, .ctrl("c"))
        #expect(picking.quitting)
    }

    @Test func theKeyTableSaysWhereQuitsKeysWork() {
        let row = KeyBindings.markdown.split(separator: "\n").first { $0.contains("`quit`") }.map(String.init) ?? ""
        #expect(row.contains("F10 and Ctrl-C while typing too (q is a letter there)"), "\(row)")
        // The generated guide page says the same (a test holds it to the code; this names the row).
        let guide = (try? String(contentsOfFile: "docs/keys.md", encoding: .utf8)) ?? ""
        #expect(guide.contains(row), "docs/keys.md is regenerated")
    }

    // MARK: The endpoint picker ranks by the history's sends

    @Test func theHistorysSendsRankTheEndpointPickerFromAFreshStart() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-uses")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try HistoryStore.open(inFolder: folder, catalog: .shipped)
        let catalog = EndpointCatalog.shipped
        // "face" starts a word in four tools; the user sends the third (Multiple face swap).
        var state = makeState()
        press(&state, .function(7))
        type(&state, "face")
        guard case let .picker(before)? = state.view.overlay, before.matches.count >= 3 else {
            Issue.record("several endpoints match \"face\"")
            return
        }
        let wanted = before.matches[2]
        let endpoint = try #require(catalog.readyGroups.flatMap(\.endpoints).first { Reducer.endpointPickerLabel($0) == wanted })
        for index in 0..<3 { _ = try store.recordSending(Request.new(for: endpoint, taskID: "zqt-use-\(index)"), baseURL: "http://x", profile: "p") }
        _ = try store.recordSending(Request.new(for: .controlNet, taskID: "zqt-use-cn"), baseURL: "http://x", profile: "p")
        let uses = try store.endpointUses()
        #expect(uses.first { $0.endpoint.formKey == endpoint.formKey }?.count == 3)
        // A fresh screen: the counts come after the first frame.
        var fresh = makeState()
        #expect(Reducer.reduce(&fresh, .firstFrameDrawn).contains(.countEndpointUses))
        var counts: [String: Int] = [:]
        for use in uses { counts[Reducer.endpointPickerLabel(use.endpoint), default: 0] += use.count }
        _ = Reducer.reduce(&fresh, .endpointUsesCounted(counts))
        #expect(press(&fresh, .function(7)).contains(.countEndpointUses), "opening counts again for the sends since")
        type(&fresh, "face")
        guard case let .picker(after)? = fresh.view.overlay else { Issue.record("the picker is open"); return }
        #expect(after.matches.first == wanted, "the endpoint the user sends comes first: \(after.matches)")
    }

    // MARK: The theme is read again

    @Test func aThemeReadAgainReachesTheScreenAndNoColorStillWins() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-theme")
        try FileManager.default.createDirectory(atPath: folder + "/zqt", withIntermediateDirectories: true)
        try "theme = \"light\"\n".write(toFile: folder + "/zqt/config.toml", atomically: true, encoding: .utf8)
        let environment = ["XDG_CONFIG_HOME": folder, "HOME": folder]
        let config = ConfigAtStart.load(catalog: .shipped, environment: environment)
        var state = makeState()
        _ = Reducer.reduce(&state, .configFileRead(ConfigFileRead(config, asked: true, environment: environment)))
        #expect(state.configFile.theme == .light)
        var noColor = environment
        noColor["NO_COLOR"] = "1"
        _ = Reducer.reduce(&state, .configFileRead(ConfigFileRead(config, asked: true, environment: noColor)))
        #expect(state.configFile.theme == .mono)
        // A file broken again keeps the colours read before.
        try "theme = \"light\n".write(toFile: folder + "/zqt/config.toml", atomically: true, encoding: .utf8)
        let broken = ConfigAtStart.load(catalog: .shipped, environment: environment)
        _ = Reducer.reduce(&state, .configFileRead(ConfigFileRead(broken, asked: true, environment: environment)))
        #expect(state.configFile.theme == .mono)
    }

    // MARK: [defaults] checked without reading every form

    @Test func aDefaultOfALaterFormIsTakenAndATypoIsSaid() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-defaults")
        try FileManager.default.createDirectory(atPath: folder + "/zqt", withIntermediateDirectories: true)
        let environment = ["XDG_CONFIG_HOME": folder, "HOME": folder]
        // A field only a form late in the catalog has (the training's), beside the usual ones.
        let late = try #require(EndpointCatalog.shipped.endpoints.last { endpoint in
            endpoint.fields.contains { field in
                !field.kind.isVirtual && !field.path.contains("[")
                    && EndpointCatalog.shipped.endpoints.first!.fields.allSatisfy { $0.path != field.path }
            }
        })
        let path = try #require(late.fields.first { field in
            !field.kind.isVirtual && !field.path.contains("[")
                && EndpointCatalog.shipped.endpoints.first!.fields.allSatisfy { $0.path != field.path }
        }).path
        try "[defaults]\nsteps = 30\n\"\(path)\" = 1\n".write(toFile: folder + "/zqt/config.toml", atomically: true, encoding: .utf8)
        let taken = ConfigAtStart.load(catalog: .shipped, environment: environment)
        #expect(taken.problem == nil, "\(path), a field of \(late.id) only, is a default: \(String(describing: taken.problem))")
        #expect(taken.formDefaults.map(\.path) == ["steps", path])

        try "[defaults]\nstesp = 30\n".write(toFile: folder + "/zqt/config.toml", atomically: true, encoding: .utf8)
        let typo = ConfigAtStart.load(catalog: .shipped, environment: environment)
        #expect(typo.problemMessage?.contains("no endpoint has a field stesp") == true, "\(String(describing: typo.problemMessage))")
    }

    // MARK: A status message stays on its own screen

    @Test func aStatusMessageDoesNotFollowToTheHistoryScreen() {
        var state = makeState()
        focus(&state, .prompt)
        press(&state, .enter)
        type(&state, "(lighthouse")
        press(&state, .enter)
        #expect(state.status?.text.contains("no partner") == true, "the unpaired bracket is said")
        press(&state, .function(2))
        #expect(state.screen == .history)
        #expect(!Screen.render(state).text.contains("no partner"), "the compose screen's message stays there")
        // A followed task's line is no screen's: it stays.
        var running = makeState()
        running.task = TrackedTask(recordID: 1, idTask: "zqt-t", status: 1, desc: "running", progress: 0.5, phase: .inProgress, resultCount: 0)
        running.status = Reducer.taskStatus(running.task!, keys: running.keys)
        let line = running.status
        press(&running, .function(2))
        #expect(running.status == line)
    }
}

/// `zqt history list` and `history show` say "not followed" as the screen does (issue 19).
@Suite struct NotFollowedOnTheCommandLineTests {
    @Test func listAndShowSayNotFollowed() async throws {
        try await offThePool { try Self.steps() }
    }

    static func steps() throws {
        let scratch = Scratch()
        let root = scratch.path("zqt-unfollow-list")
        let server = SandboxServer(options: SandboxOptions(taskSeconds: 60))
        let url = try server.start()
        defer { server.stop() }
        let environment = ["ZQT_HOME": root, "XDG_CONFIG_HOME": root + "/config", "ZQT_BASE_URL": url,
                           "ZQT_ACCESS_KEY_ID": "a", "ZQT_ACCESS_KEY_SECRET": "b"]
        let sent = try ZqtBinary.run(["send", "examples/text2image.json", "--no-wait", "--json"], environment: environment)
        let id = try #require(sent.stdout.firstMatch(of: /"id_task":"([^"]+)"/)?.1).description
        let followed = try ZqtBinary.run(["history", "list"], environment: environment)
        #expect(followed.status == 0 && !followed.stdout.contains("not followed"), "\(followed.stdout)")
        _ = try ZqtBinary.run(["history", "unfollow", id], environment: environment)
        let list = try ZqtBinary.run(["history", "list"], environment: environment)
        let row = try #require(list.stdout.split(separator: "\n").first { $0.hasPrefix(id) }, "\(list.stdout)")
        #expect(row.contains("(not followed) "), "\(row)")
        let json = try ZqtBinary.run(["history", "list", "--json"], environment: environment)
        #expect(json.stdout.contains("\"not_followed\":true"), "\(json.stdout)")
        let show = try ZqtBinary.run(["history", "show", id], environment: environment)
        #expect(show.stdout.contains("not followed: zqt no longer asks about it (zqt query \(id) takes it up again)"), "\(show.stdout)")
        let shownJSON = try ZqtBinary.run(["history", "show", id, "--json"], environment: environment)
        #expect(shownJSON.stdout.contains("\"not_followed\":true"))
    }
}
