// The newcomer check's findings on the status line, the history message and
// the endpoint picker, each as the user meets it: the picker opens on the
// endpoints sent most, messages go when what they speak of is over, a
// refused send names its field once, a long box title is cut at a word,
// and a history found damaged while zqt runs is said once with the way out.

import Foundation
import TestScratch
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct NewcomerStatusTests {
    // MARK: The endpoint picker with nothing typed

    @Test func theEndpointPickerOpensOnTheMostUsedEndpoints() throws {
        var state = makeState()
        #expect(press(&state, .function(7)).contains(.countEndpointUses))
        guard case let .picker(before)? = state.view.overlay else { Issue.record("the picker is open"); return }
        let current = Reducer.endpointPickerLabel(state.endpoint)
        // Two endpoints far down the catalog's order, the second sent more.
        let (often, sometimes) = (before.options[before.options.count - 3], before.options[before.options.count - 4])
        #expect(before.matches.first != often)
        _ = Reducer.reduce(&state, .endpointUsesCounted([often: 7, sometimes: 2]))
        guard case let .picker(after)? = state.view.overlay else { Issue.record("the picker stays open"); return }
        #expect(Array(after.matches.prefix(2)) == [often, sometimes], "most used first: \(after.matches.prefix(3))")
        #expect(after.matches[after.selected] == current, "the selection stays on the endpoint on screen")
        // On screen: the most used is the list's first row.
        let lines = Screen.render(state).text.split(separator: "\n")
        let oftenAt = try #require(lines.firstIndex { $0.contains(often) })
        let firstAt = try #require(lines.firstIndex { $0.contains(before.options[0]) })
        #expect(oftenAt < firstAt, "\(often) above \(before.options[0])")
        // Opened again: the same order, the current endpoint selected.
        press(&state, .escape)
        press(&state, .function(7))
        guard case let .picker(again)? = state.view.overlay else { Issue.record("the picker is open again"); return }
        #expect(again.matches.first == often)
        #expect(again.matches[again.selected] == current)
        // Typing still ranks matches first, then by use.
        type(&state, "zzzz-no-such-endpoint")
        guard case let .picker(typed)? = state.view.overlay else { Issue.record("the picker is open"); return }
        #expect(!typed.matches.contains(often))
    }

    // MARK: Messages that outlive what they speak of

    @Test func theContactSheetsLoadingMessageGoesWhenItsPicturesAreDrawn() {
        var state = makeState()
        press(&state, .function(2))
        #expect(state.screen == .history)
        state.view.contactSheetAsked = "b-1"
        state.status = StatusMessage(text: Wording.loadingContactSheet("b-1"), kind: .info)
        let sheet = ContactSheet(batchID: "b-1", rowLabel: "seed", columnLabel: nil, rowValues: ["1"], columnValues: [""], cells: [[nil]])
        _ = Reducer.reduce(&state, .contactSheetLoaded(sheet))
        #expect(state.view.contactSheet != nil)
        #expect(state.status == nil, "\(String(describing: state.status))")
        #expect(!Screen.render(state).text.contains("Loading batch"))
    }

    @Test func theRestoredFormNoteGoesAtTheFirstChange() {
        var state = makeState()
        state.status = StatusMessage(text: Wording.restoredForm(saved: "2026-12-06 16:00", historyKey: "F2"), kind: .info, cause: .restoredForm)
        // Something that changes nothing of the form: it stays.
        _ = Reducer.reduce(&state, .endpointUsesCounted(["x": 1]))
        #expect(state.status?.text.contains("Restored the form") == true)
        // The focus moved: the user is at work, the note goes.
        press(&state, .down)
        #expect(state.status == nil)
        // An edit begun says so too.
        state.status = StatusMessage(text: Wording.restoredForm(saved: "2026-12-06 16:00", historyKey: "F2"), kind: .info, cause: .restoredForm)
        focus(&state, .prompt)
        press(&state, .enter)
        #expect(state.status == nil)
    }

    @Test func theUnpairedBracketNoteGoesWhenTheFocusLeavesThePrompt() {
        var state = makeState()
        focus(&state, .prompt)
        press(&state, .enter)
        type(&state, "(lighthouse")
        press(&state, .enter)
        #expect(state.status?.text.contains("no partner") == true)
        // Still on the prompt: it stays.
        _ = Reducer.reduce(&state, .endpointUsesCounted(["x": 1]))
        #expect(state.status?.text.contains("no partner") == true)
        press(&state, .down)
        #expect(state.view.focus != .prompt)
        #expect(state.status == nil)
        #expect(!Screen.render(state).text.contains("no partner"))
        #expect(state.request["prompt"] == .string("(lighthouse"), "the text is kept as typed")
    }

    // MARK: A refused send names its field once

    @Test func aMissingCheckpointIsSaidOnceByWhatItIs() {
        var state = makeState()
        state.request["prompt"] = .string("a cat")
        press(&state, .function(5))
        let text = state.status?.text ?? ""
        #expect(text.hasPrefix("Not sent: choose a checkpoint model"), "\(text)")
        #expect(!text.contains("sd_model_checkpoint"), "no wire path said: \(text)")
        #expect(TextWidth.of(text) < 118, "it fits the status line: \(text)")
    }

    @Test func aProblemWhoseMessageDoesNotNameTheFieldIsSaidByItsLabel() {
        #expect(Wording.notSent(field: "Steps", path: "steps", "must be at most 150", more: 0) == "Not sent: Steps: must be at most 150")
        #expect(Wording.notSent(field: "Steps", path: "steps", "steps (steps) is required", more: 2) == "Not sent: steps is required (+2 more)")
    }

    // MARK: A box title too long for its box

    @Test func theLoadBoxTitleIsCutAtAWord() throws {
        var state = makeState(width: 120, height: 40)
        press(&state, .char("L"))
        guard case .input? = state.view.overlay else { Issue.record("the load box is open"); return }
        let lines = Screen.render(state).text.split(separator: "\n")
        let top = try #require(lines.first { $0.contains("┌─ Load a request") })
        #expect(top.contains(" \(Wording.loadRequestTitle) ─"), "whole at 120 columns: \(top)")
        var small = makeState(width: 80, height: 24)
        press(&small, .char("L"))
        let smallTop = try #require(Screen.render(small).text.split(separator: "\n").first { $0.contains("┌─ Load a request") })
        #expect(smallTop.contains(" \(Wording.loadRequestTitle) ─"), "whole at 80 columns: \(smallTop)")
        // A title longer than its box: cut after a word, with "…".
        #expect(OverlayView.fitted("Load a request: a JSON file's path, or paste a curl command", room: 40) == "Load a request: a JSON file's path, or…")
        #expect(OverlayView.fitted("Short", room: 40) == "Short")
    }

    // MARK: A history damaged while zqt runs

    @Test func aHistoryFoundDamagedAtRunTimeIsSaidOnceWithTheWayOut() {
        // SQLITE_CORRUPT (11), as a write meets it.
        let damaged = HistoryError.write(path: "/tmp/h/history.sqlite", SQLiteError(code: 11, message: "database disk image is malformed"))
        let action = Action.historyFault(damaged)
        guard case .historyDamaged = action else { Issue.record("a damaged file is its own action: \(action)"); return }
        // SQLITE_NOTADB (26) on a read, too; any other fault is the history's words.
        guard case .historyDamaged = Action.historyFault(.unreadable(path: "/h", SQLiteError(code: 26, message: "file is not a database"))) else {
            Issue.record("not a database is damage too")
            return
        }
        guard case .historyFailed = Action.historyFault(.unreadable(path: "/h", SQLiteError(code: 1, message: "no such table"))) else {
            Issue.record("another fault is said as before")
            return
        }
        var state = makeState()
        _ = Reducer.reduce(&state, action)
        let text = state.status?.text ?? ""
        #expect(text.contains("damaged") && text.contains("zqt history check") && text.contains("zqt history recover"), "\(text)")
        #expect(Screen.render(state).text.contains("zqt history recover"), "the whole advice is on screen at 120 columns")
        // Once: the next fault of the same kind does not cover what the user is doing.
        state.status = StatusMessage(text: "Sending zqt-1…", kind: .info)
        _ = Reducer.reduce(&state, action)
        #expect(state.status?.text == "Sending zqt-1…")
    }

    // MARK: Already right on main, held by a test

    @Test func theHistoryUnavailableMessageIsWrappedWholeAt120Columns() {
        var state = makeState(width: 120, height: 40)
        state.historyProblem = HistoryError.unreadable(path: "/home/someone/.local/share/zqt/history.sqlite",
                                                       SQLiteError(code: 26, message: "file is not a database")).message
        press(&state, .function(2))
        let text = Screen.render(state).text
        #expect(text.contains("zqt history check"), "\(text)")
        #expect(text.contains("keeps this one beside it."), "the whole message, to its end")
    }

    @Test func aConfigFaultFoundOnReadingAgainIsShownInTheBox() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-purple")
        try FileManager.default.createDirectory(atPath: folder + "/zqt", withIntermediateDirectories: true)
        let environment = ["XDG_CONFIG_HOME": folder, "HOME": folder]
        try "theme = \"purple\"\n".write(toFile: folder + "/zqt/config.toml", atomically: true, encoding: .utf8)
        var state = makeState(width: 120, height: 40)
        press(&state, .function(2))
        let read = ConfigFileRead(ConfigAtStart.load(catalog: .shipped, environment: environment), asked: false, environment: environment)
        _ = Reducer.reduce(&state, .configFileRead(read))
        guard case .notice? = state.view.overlay else { Issue.record("the fault is in the box"); return }
        let text = Screen.render(state).text
        #expect(text.contains("not \"purple\""), "the whole fault in the box: \(text)")
    }
}
