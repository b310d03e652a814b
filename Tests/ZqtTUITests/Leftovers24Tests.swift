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
        #expect(text.contains("y send · any other key sends nothing"), "\(width): \(text)")

        // Another key sends nothing and keeps the history as it was.
        #expect(press(&state, .char("n")).isEmpty)
        #expect(state.view.overlay == nil && !state.submitting && state.screen == .history)

        _ = press(&state, .char("r"))
        _ = Reducer.reduce(&state, .entriesLoaded([row], .resend))
        let effects = press(&state, .char("y"))
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
}
