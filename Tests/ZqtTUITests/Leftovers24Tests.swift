// What the last newcomer and reviewer found (leftovers24): `r` sent again
// at once, a paid task and a letter a filter left behind; Ctrl-K/Ctrl-U at a
// line's edge did nothing; the history filter's footer lost `Esc clear` at
// 80 columns; the enlarged picture's footer said only `→ image`.

import Foundation
import Model
import Testing
@testable import ZqtTUI

@Suite(.serialized) struct Leftovers24Tests {
    init() {
        setenv("TZ", "UTC", 1)
        tzset()
    }

    /// A box's lines as read: the text between its borders, wrapped lines joined by a space.
    static func boxText(_ grid: Grid) -> String { boxText(grid.text) }

    /// The same of a screen as text (tmux's).
    static func boxText(_ screen: String) -> String {
        screen.split(separator: "\n").compactMap { line -> String? in
            guard let left = line.firstIndex(of: "│"), let right = line.lastIndex(of: "│"), left < right else { return nil }
            let inner = line[line.index(after: left)..<right].trimmingCharacters(in: .whitespaces)
            return inner.isEmpty ? nil : inner
        }.joined(separator: " ")
    }

    static func footer(_ state: AppState) -> String { Leftovers23Tests.footer(state) }

    /// `r` asks: what goes where, that it is a new task, `y` sends it, any other key sends nothing.
    @Test(arguments: [(80, 24), (120, 40)])
    func resendAsksFirstAndSaysWhatGoesWhere(width: Int, height: Int) {
        var state = historyState([summary(5, "a cat")], width: width, height: height)
        let row = record(5, prompt: "a cat")
        #expect(press(&state, .char("r")) == [.loadEntries([5], .resend)])
        #expect(Reducer.reduce(&state, .entriesLoaded([row], .resend)).isEmpty, "nothing sent on r")
        #expect(!state.submitting)
        let text = Self.boxText(Screen.render(state))
        #expect(text.contains("Send zqt-old-5 (ControlNet) again to the sandbox (http://127.0.0.1:8931)?"), "\(width): \(text)")
        #expect(text.contains("It goes unchanged as a new task on the service, under a new id_task."), "\(width): \(text)")
        #expect(text.contains("Enter send · any other key sends nothing"), "\(width): \(text)")

        // Another key sends nothing and keeps the history as it was.
        #expect(press(&state, .char("n")).isEmpty)
        #expect(state.view.overlay == nil && !state.submitting && state.screen == .history)
        #expect(state.status?.text == "Not sent: zqt-old-5 stays as it was, nothing went to the server", "the status says so")

        // A letter is no yes (review24: `ryokan`, typed for a filter just left with Esc, sent a task).
        _ = press(&state, .char("r"))
        _ = Reducer.reduce(&state, .entriesLoaded([row], .resend))
        #expect(press(&state, .char("y")).isEmpty && !state.submitting && state.view.overlay == nil, "y sends nothing")
        _ = press(&state, .char("r"))
        _ = Reducer.reduce(&state, .entriesLoaded([row], .resend))
        let effects = press(&state, .enter)
        guard case let .submit(request)? = effects.first else { Issue.record("no submit: \(effects)"); return }
        #expect(request.taskID != "zqt-old-5")
        var sentBefore = row.request
        sentBefore.taskID = request.taskID
        #expect(request.wireJSON == sentBefore.wireJSON, "the wire JSON as before but for id_task")
        #expect(state.status?.text == "Sending zqt-old-5 again as \(request.taskID)…")
    }

    /// Through a profile of the service the question names its base URL, not the sandbox.
    @Test func theQuestionNamesTheServicesURL() {
        var state = historyState([summary(5, "a cat")], width: 80, height: 24)
        state.connection = ConnectionInfo(baseURL: "https://api.zhiqite.com", profile: "work", isSandbox: false)
        _ = press(&state, .char("r"))
        _ = Reducer.reduce(&state, .entriesLoaded([record(5, prompt: "a cat")], .resend))
        let text = Self.boxText(Screen.render(state))
        #expect(text.contains("again to https://api.zhiqite.com?") && !text.contains("sandbox"), "\(text)")
    }

    /// The help and `zqt keys` (docs/keys.md) say that `r` asks.
    @Test func theHelpAndTheKeysListSayRAsks() throws {
        var state = historyState([summary(5, "a cat")], width: 80, height: 24)
        press(&state, .char("?"))
        #expect(OverlayView.helpLines(state).contains { $0.hasPrefix("r ") && $0.contains("asks first") },
                "\(OverlayView.helpLines(state).joined(separator: "\n"))")
        let keys = try String(contentsOfFile: #filePath.replacingOccurrences(of: "Tests/ZqtTUITests/Leftovers24Tests.swift", with: "docs/keys.md"),
                              encoding: .utf8)
        #expect(keys.contains("| `r` | Send again unchanged, a new task (new id_task): asks first |"))
    }

    /// The prompt being edited at 80 columns: its rows as drawn.
    static func promptRows(_ state: AppState) -> [String] {
        let lines = Screen.render(state).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.firstIndex(where: { $0.contains("Prompt ") && !$0.contains("──") }) else { return [] }
        return lines[first...].prefix { !$0.contains("Negative prompt") }.map { String($0.dropFirst(22)).trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// Ctrl-K deletes to the newline, not the wrapped row's end; at the line's end it joins the next line;
    /// Ctrl-U the same way back to the line's start, and at its start joins the line above.
    @Test func ctrlKAndCtrlUWorkOnTheLogicalLine() {
        var state = makeState(width: 80, height: 24)
        focus(&state, FieldID("prompt"))
        press(&state, .enter)
        let long = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec"
        type(&state, long)
        press(&state, .ctrl("j"))
        type(&state, "second line")
        #expect(Self.promptRows(state).count == 3, "the first line wraps: \(Self.promptRows(state))")
        // To the middle of the first row: after "delta ".
        press(&state, .ctrlHome)
        for _ in 0..<4 { press(&state, .ctrlRight) }
        press(&state, .right)
        press(&state, .ctrl("k"))
        #expect(Self.promptRows(state) == ["alpha bravo charlie delta", "second line"], "\(Self.promptRows(state))")
        press(&state, .ctrl("k"))
        #expect(Self.promptRows(state) == ["alpha bravo charlie delta second line"], "joined: \(Self.promptRows(state))")
        #expect(state.view.editing?.buffer.text == "alpha bravo charlie delta second line")
        // Ctrl-U: to the line's start, then at its start the newline before it.
        press(&state, .ctrlEnd)
        press(&state, .ctrl("j"))
        type(&state, "third")
        press(&state, .ctrl("u"))
        #expect(state.view.editing?.buffer.text == "alpha bravo charlie delta second line\n")
        press(&state, .ctrl("u"))
        #expect(state.view.editing?.buffer.text == "alpha bravo charlie delta second line")
        #expect(Self.promptRows(state) == ["alpha bravo charlie delta second line"])
    }

    /// While the history's filter is typed, the footer says what Enter and Esc do there, at 80 columns too.
    @Test(arguments: [80, 120])
    func theFilterFooterSaysHowToLeaveIt(width: Int) {
        var state = historyState([summary(2, "a lighthouse"), summary(1, "a cat")], width: width, height: 24)
        press(&state, .char("/"))
        type(&state, "cat")
        let footer = Self.footer(state)
        for hint in ["Enter to the list", "Esc clear", "F10 quit", "F1 help", "F2 form"] {
            #expect(footer.contains(hint), "\(width): \(footer)")
        }
        #expect(!footer.contains("/ filter"), "\(footer)")
    }

    /// The enlarged picture (the gallery's and a task's) says both directions, how to close it and `: commands`.
    @Test(arguments: [(80, 24), (120, 40)])
    func theEnlargedPicturesFooterSaysBothWaysAndTheWayOut(width: Int, height: Int) async throws {
        let fixture = try GalleryFixture()
        try fixture.standardPictures()
        var state = try await fixture.opened(width: width, height: height)
        press(&state, .enter)
        #expect(state.view.zoom != nil)
        let footer = Self.footer(state)
        for hint in ["←/→ image", "Esc back", ": commands", "? help", "q quit"] {
            #expect(footer.contains(hint), "\(width): \(footer)")
        }
        #expect(TextWidth.of(footer) <= width)
    }
}
