import Model
import Testing
@testable import ZqtTUI

/// Issue 19's status line and 80×24 items, as a user meets them: a warning
/// that goes with its cause, an id the service cannot take refused as typed,
/// quitting with drafts kept, the key help at 80 columns.
@Suite struct StatusLineFixesTests {
    // MARK: A warning goes away when its cause is fixed

    @Test func theGuidanceWarningGoesWhenStartIsLoweredOrEndRaised() {
        var state = makeState()
        state.request.controlNetUnits = [ControlNetUnit(guidanceStart: 0.4, guidanceEnd: 0.5)]
        Reducer.moveFocus(&state, to: .unit(0, .guidanceEnd))
        type(&state, "0.2")
        press(&state, .enter)
        #expect(state.status?.text.hasSuffix("guidance end must not be below guidance start (0.4)") == true)
        #expect(Screen.render(state).text.contains("must not be below guidance start (0.4)"))

        // The cause fixed from the other side: start lowered below the end typed.
        Reducer.moveFocus(&state, to: .unit(0, .guidanceStart))
        type(&state, "0.1")
        press(&state, .enter)
        #expect(state.request.controlNetUnits![0].guidanceEnd == 0.2, "the end typed before fits now and is used")
        #expect(state.drafts.isEmpty)
        #expect(state.status == nil)
        #expect(!Screen.render(state).text.contains("must not be below"))

        // And from its own side: the end typed again, above the start.
        Reducer.moveFocus(&state, to: .unit(0, .guidanceEnd))
        type(&state, "0.05")
        press(&state, .enter)
        #expect(state.status?.text.contains("must not be below guidance start (0.1)") == true)
        type(&state, "0.6")
        press(&state, .enter)
        #expect(state.request.controlNetUnits![0].guidanceEnd == 0.6)
        #expect(state.status == nil && !Screen.render(state).text.contains("must not be below"))
    }

    @Test func aMessageWithoutACauseStaysAsBefore() {
        var state = makeState()
        state.status = StatusMessage(text: "Copied the request (812 B) to the clipboard (OSC 52)", kind: .success)
        press(&state, .tab)
        #expect(state.status?.text.hasPrefix("Copied the request") == true)
    }

    @Test func aRefusedSendsReasonGoesWhenTheFieldIsFixed() throws {
        var state = try ScreenGoldenTests.filledState(width: 120, height: 40)
        #expect(state.problems.isEmpty)
        state.request["steps"] = .int(500)
        press(&state, .function(5))
        #expect(state.status?.text.hasPrefix("Not sent: Steps") == true && state.status?.kind == .error)
        let refusal = state.status?.text ?? ""
        #expect(Screen.render(state).text.contains(String(refusal.prefix(30))))
        #expect(state.view.focus == .steps, "the send moved to the field at fault")
        type(&state, "30")
        press(&state, .enter)
        #expect(state.request["steps"] == .int(30))
        #expect(state.status == nil, "the refusal's reason is gone with the reason")
    }

    // MARK: Task ids the service can take

    @Test func anIDWithCharactersTheServiceCannotTakeIsRefusedAsTyped() {
        var state = makeState()
        focus(&state, .idTask)
        press(&state, .enter, .ctrl("u"))
        type(&state, "run/1")
        press(&state, .enter)
        #expect(state.request.taskID == "zqt-20261124-120000-000-test", "the request keeps the id it can send")
        let message = "may hold only letters a–z and A–Z, digits, - and _ (not \"/\")"
        #expect(state.drafts[.idTask]?.message == message)
        #expect(state.status?.text == "id_task: " + message, "the field is named")
        #expect(Screen.render(state).text.contains("id_task: may hold only letters"))
        press(&state, .enter, .ctrl("u"))
        type(&state, "run_1-b")
        press(&state, .enter)
        #expect(state.request.taskID == "run_1-b" && state.drafts.isEmpty && state.status == nil)
    }

    // MARK: Quitting

    @Test func quittingWithDraftsKeptAsksNothing() {
        var state = makeState()
        state.draftSaving.kept = true
        state.request["prompt"] = .string("unsent")
        #expect(press(&state, .char("q")).contains(.quit), "the form is kept as a draft on the way out: nothing to ask")
        #expect(state.view.overlay == nil && state.quitting)
    }

    /// Issue 21: they are no longer lost; the question says where they go (UnsavedDraftsTests shows the file).
    @Test func quittingWithoutAHistorySaysWhereTheChangesGo() {
        var state = makeState(width: 80, height: 24)
        state.draftSaving.kept = false
        state.draftSaving.fallbackFolder = "/tmp"
        state.request["prompt"] = .string("unsent")
        #expect(press(&state, .char("q")).isEmpty)
        let screen = Screen.render(state).text
        #expect(screen.contains("You have changes that were not sent and no history"))
        #expect(screen.contains("to keep them in. When zqt ends they are written to a"))
        #expect(screen.contains("file in /tmp (its name is printed);"))
        #expect(screen.contains("L (Load a request) brings them back."))
    }

    // MARK: The key help at 80 columns

    @Test func theKeyHelpFitsEightyColumns() {
        var state = makeState(width: 80, height: 24)
        press(&state, .char("?"))
        // Every line of the help, scrolled through: read whole at 80 columns.
        var seen: [String] = []
        for _ in 0..<60 {
            let grid = Screen.render(state)
            seen += (2..<22).map { grid.line($0) }
            press(&state, .down)
        }
        let text = seen.joined(separator: "\n")
        // Cut at the box's edge before (…(u on its history r│): now wrapped under its column.
        // (X's line says what it does on this profile's kind of server, a zhiqite one here.)
        #expect(text.contains("X                     Stop following the task (u on its history row"))
        #expect(text.contains("                      takes it up again)"))
        for line in OverlayView.helpLines(state, width: 72) {
            #expect(TextWidth.of(line) <= 72, "\(line)")
        }
        // Each command's title is all there, only wrapped (a command of the other kind of server is left out).
        let joined = OverlayView.helpLines(state, width: 72).joined(separator: " ").split(separator: " ").joined(separator: " ")
        for binding in state.keys.bindings where Commands.exists(binding.command, on: state.connection.server) {
            let title = Wording.helpTitle(binding.command, server: state.connection.server)
            #expect(joined.contains(title.split(separator: " ").joined(separator: " ")), "\(title)")
        }
    }

    // MARK: The JSON preview wraps at spaces

    @Test(arguments: [300, 9000])
    func theJSONPreviewWrapsALongPromptAtSpacesShowingTheBytesSent(words: Int) {
        var request = Request.new(for: .text2Image, taskID: "zqt-t")
        // 9,000 words is past PreviewDocument.longString: the lazily escaped path.
        let prompt = (0..<words).map { "word\($0 % 97)" }.joined(separator: " ") + ", \"lit\"\tsky"
        request["prompt"] = .string(prompt)
        let document = PreviewDocument(request.wireValue)
        guard let index = document.lines.firstIndex(where: { $0.text.contains("\"prompt\"") }) else {
            Issue.record("no prompt line")
            return
        }
        let line = document.lines[index].text
        let characters = Array(line)
        for width in [30, 57, 80] {
            let rows = PreviewView.rowRanges(characters, width: width)
            #expect(document.rowCount(index, width: width) == rows.count, "the counted rows are the laid-out ones")
            #expect(rows.map { String(characters[$0.range]) }.joined() == line, "exactly the bytes sent, spaces kept")
            // Every cut falls at a space: after one, or before one the row had no room for.
            for (row, next) in zip(rows, rows.dropFirst()) {
                #expect(characters[row.range].last == " " || characters[next.range].first == " ",
                        "\(String(characters[row.range])) | \(String(characters[next.range]))")
            }
        }
    }
}
