// More of the newcomer's re-check of issue 19: a status message the line
// cuts is marked with the key that shows it whole; the palette finds "stop
// following" by `cancel`; `zqt history list` shows a tool row's main input
// as the screen does; the history's filter says what it finds.

import Foundation
import TestScratch
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct NewcomerRecheckFix19MoreTests {
    @Test func aCutMessageSaysWhichKeyShowsItWhole() {
        var state = makeState(width: 80, height: 24)
        let long = "examples/controlnet.json: alwayson_scripts.id_task: pro1686666 replaced by a new task id (wire rule 8); the end of this message is here"
        // A message that is not an error is cut, marked with the key that shows it whole.
        state.status = StatusMessage(text: long, kind: .info)
        let cut = Screen.render(state).text
        #expect(cut.contains("…(M)"), "\(cut)")
        #expect(!cut.contains("the end of this message is here"))
        // An error is shown whole over the rows above the line (issue 20), and M keeps it too.
        state.status = nil
        _ = Reducer.reduce(&state, .requestLoadFailed(long))
        let screen = Screen.render(state).text.split(separator: "\n").joined(separator: " ")
        #expect(screen.contains("the end of this"), "\(screen)")
        press(&state, .char("M"))
        guard case let .notice(notice)? = state.view.overlay else {
            Issue.record("M showed nothing: \(state.status?.text ?? "")")
            return
        }
        #expect(notice.lines.first == "Not loaded: " + long, "newest first, whole")
        let shown = Screen.render(state).text.split(separator: "\n").joined(separator: " ")
        #expect(shown.contains("the end of this"), "wrapped in the box: \(shown)")
        // Any key closes it; a short message is not marked.
        press(&state, .enter)
        state.status = StatusMessage(text: "short", kind: .info)
        _ = Reducer.reduce(&state, .resize(Size(width: 80, height: 24)))
        #expect(!Screen.render(state).text.contains("…(M)"))
    }

    @Test func theLastMessagesAreKeptOnceEach() {
        var state = makeState()
        press(&state, .char("X"))
        press(&state, .char("X"))
        #expect(state.recentMessages.map(\.text) == ["No task is being followed"], "the same message again is kept once")
        for _ in 0..<20 { press(&state, .char("X")); press(&state, .char("U")) }
        #expect(state.recentMessages.count <= StatusMessages.kept)
    }

    @Test func thePaletteFindsStopFollowingByCancel() {
        var state = makeState()
        press(&state, .char(":"))
        type(&state, "cancel")
        guard case let .picker(picker)? = state.view.overlay else {
            Issue.record("no palette")
            return
        }
        #expect(picker.matches.contains { $0.hasPrefix("Stop following the task") }, "\(picker.matches)")
    }

    @Test func theHistoryFilterSaysItFindsEndpointsAndTexts() {
        let state = historyState([], width: 120, height: 24)
        let screen = Screen.render(state).text
        // A whole sentence naming endpoints and endpoint:NAME (issue 19's leftover: it ended in a dangling "endpoint:").
        #expect(screen.contains("to filter by prompt, task id, model, state or endpoint (endpoint:NAME)"), "\(screen)")
    }

    @Test func historyListShowsAToolRowsMainInput() async throws {
        let scratch = Scratch()
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let root = scratch.path("zqt-list-tool")
            try FileManager.default.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
            let environment = ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": root + "/home"]
            let sent = try ZqtBinary.run(["send", "--sandbox", "examples/faceswap.json", "--endpoint", "faceswap", "--no-wait"], environment: environment)
            #expect(sent.status == 0, "\(sent.stderr)")
            let listed = try ZqtBinary.run(["history", "list"], environment: environment)
            #expect(listed.status == 0, "\(listed.stderr)")
            let row = try #require(listed.stdout.split(separator: "\n").first { $0.contains("\tfaceswap\t") }, "\(listed.stdout)")
            #expect(row.contains("dalle_face.png"), "the screen's headline: \(row)")
        }
    }
}
