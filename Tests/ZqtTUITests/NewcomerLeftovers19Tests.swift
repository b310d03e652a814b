// The last newcomer's leftovers of issue 19, each from the user's side: the
// JSON preview's wrapped rows, a task taken up again with `u`, the history
// list's "(no prompt)", the filter's hint, `L` of the form's own body, and
// the command line's refusal of a body many endpoints fit.

import Foundation
import TestScratch
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct NewcomerLeftovers19Tests {
    // MARK: The JSON preview's wrapped rows line up

    /// The screen's rows of the preview at `size`, from its body's first column.
    static func previewRows(_ state: AppState) throws -> (rows: [[Character]], body: Rect) {
        let regions = Layout.regions(for: state.view.size, showPreview: false)
        let preview = try #require(regions.preview)
        let body = PreviewView.jsonRect(preview, noteLines: 0)
        let lines = Screen.render(state).text.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        return ((body.y..<body.maxY).map { lines[$0] }, body)
    }

    @Test func aWrappedPromptsRowsStartInOneColumn() throws {
        let words = ["lighthouse", "on", "a", "cliff", "at", "dusk,", "volumetric", "light", "storm", "waves", "crashing", "gulls"]
        var state = makeState(width: 120, height: 40)
        let body = PreviewView.jsonRect(try #require(Layout.regions(for: state.view.size, showPreview: false).preview), noteLines: 0)
        // A prompt one of whose rows is cut just before a space: the row after it began with that space, one column right.
        var chosen: (prompt: String, line: [Character])?
        for seed in 0..<400 where chosen == nil {
            let prompt = (0..<60).map { words[($0 * 7 + seed * 5 + $0 * $0 * seed) % words.count] }.joined(separator: " ")
            var request = Request.new(for: .text2Image, taskID: "zqt-t")
            request["prompt"] = .string(prompt)
            let document = PreviewDocument(request.wireValue)
            guard let line = document.lines.first(where: { $0.text.contains("\"prompt\"") }) else { continue }
            let characters = Array(line.text)
            let rows = PreviewView.rowRanges(characters, width: body.width)
            if rows.dropFirst().contains(where: { characters[$0.range].first == " " }) { chosen = (prompt, characters) }
        }
        let (prompt, line) = try #require(chosen, "a prompt with a row cut before a space")
        state.request = Request.new(for: .text2Image, taskID: "zqt-t")
        state.request["prompt"] = .string(prompt)
        focus(&state, .prompt)
        let ranges = PreviewView.rowRanges(line, width: body.width)
        let (rows, _) = try Self.previewRows(state)
        let first = try #require(rows.firstIndex { String($0).contains("\"prompt\": \"") }, "\(rows.map { String($0) })")
        try #require(first + ranges.count <= rows.count, "the whole prompt is on screen")
        let indent = (line.prefix { $0 == " " }.count) + 2
        for (offset, wrapped) in ranges.enumerated().dropFirst() {
            let range = wrapped.range
            let row = rows[first + offset]
            let text = row[body.x...].drop { $0 == " " }
            let column = row.count - text.count
            // Every continuation row's text starts in the indent's column, whatever the row began with.
            #expect(column == body.x + indent, "row \(offset): \(String(row))")
            // And shows exactly the bytes sent: the row's characters, its leading space in the indent.
            #expect(String(row[(body.x + indent - (line[range].first == " " ? 1 : 0))...]).trimmingTrailingSpaces
                        == String(line[range]).trimmingTrailingSpaces, "row \(offset)")
        }
        // The rows still hold every byte of the line.
        #expect(ranges.map { String(line[$0.range]) }.joined() == String(line))
    }

    // MARK: A task taken up with `u` shows on the compose screen

    static func running(_ fraction: Double) throws -> TaskInfo {
        TaskInfo(data: try JSONParser.parse("{\"status\": 1, \"desc\": \"Running\", \"temporaryImageDto\": {\"progress\": \(fraction)}}"))
    }

    static func statusRow(_ state: AppState) -> String {
        let lines = Screen.render(state).text.split(separator: "\n", omittingEmptySubsequences: false)
        return String(lines[state.view.size.height - 2])
    }

    @Test func aTaskTakenUpWithUShowsItsProgressOnTheComposeScreen() throws {
        let row = record(7, prompt: "a slow lighthouse", state: .running)
        var state = makeState()
        press(&state, .function(2))
        #expect(Reducer.reduce(&state, .entriesLoaded([row], .queryNow)) == [.queryNow(row)])
        _ = Reducer.reduce(&state, .entryQueried(idTask: row.idTask, .success(try Self.running(0.4)), askedAt: nil))
        press(&state, .function(2))
        #expect(state.screen == .compose)
        // As a fresh send's: the spinner and the task's line, at once and with each answer.
        let line = Wording.taskInProgress(row.idTask, desc: "Running", progress: 0.4)
        #expect(Self.statusRow(state).contains(line), "\(Self.statusRow(state))")
        for _ in 0...Reducer.messageHoldAnswers {
            _ = Reducer.reduce(&state, .poll(recordID: row.id, idTask: row.idTask, .update(try Self.running(0.55))))
        }
        let shown = Self.statusRow(state)
        #expect(shown.contains(Wording.taskInProgress(row.idTask, desc: "Running", progress: 0.55)), "\(shown)")
        #expect(Reducer.spinner.contains { shown.hasPrefix(" \($0)") }, "the running mark: \(shown)")
        // X stops following it there, as a fresh send's.
        #expect(press(&state, .char("X")) == [.stopFollowing(recordID: row.id, idTask: row.idTask)])
    }

    @Test func theFollowsFirstAnswerMayComeBeforeTheQuerys() throws {
        let row = record(8, prompt: "a slow harbour", state: .running)
        var state = makeState()
        press(&state, .function(2))
        _ = Reducer.reduce(&state, .entriesLoaded([row], .queryNow))
        _ = Reducer.reduce(&state, .poll(recordID: row.id, idTask: row.idTask, .update(try Self.running(0.3))))
        #expect(state.task?.idTask == row.idTask && state.task?.progress == 0.3)
        // The query's answer, older, does not take it back.
        _ = Reducer.reduce(&state, .entryQueried(idTask: row.idTask, .success(try Self.running(0.2)), askedAt: nil))
        #expect(state.task?.progress == 0.3)
        press(&state, .function(2))
        #expect(Self.statusRow(state).contains(Wording.taskInProgress(row.idTask, desc: "Running", progress: 0.3)), "\(Self.statusRow(state))")
    }

    @Test func aTaskTakenUpDoesNotReplaceTheOneTheFormFollows() throws {
        let row = record(9, prompt: "an old one", state: .running)
        var state = makeState()
        state.task = TrackedTask(recordID: 1, idTask: "zqt-sent-here", status: 1, desc: "Running", progress: 0.1, phase: .inProgress, resultCount: 0)
        press(&state, .function(2))
        _ = Reducer.reduce(&state, .entriesLoaded([row], .queryNow))
        _ = Reducer.reduce(&state, .entryQueried(idTask: row.idTask, .success(try Self.running(0.4)), askedAt: nil))
        _ = Reducer.reduce(&state, .poll(recordID: row.id, idTask: row.idTask, .update(try Self.running(0.5))))
        #expect(state.task?.idTask == "zqt-sent-here")
        // A finished row queried again is not followed on the form either.
        var done = makeState()
        press(&done, .function(2))
        _ = Reducer.reduce(&done, .entriesLoaded([record(10, prompt: "done")], .queryNow))
        #expect(done.takingUp == nil && done.task == nil)
    }

    // MARK: "(no prompt)" in the list, as on the screen

    @Test func historyListSaysNoPromptAsTheScreenDoes() async throws {
        let scratch = Scratch()
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let root = scratch.path("zqt-list-no-prompt")
            try FileManager.default.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
            let store = try HistoryStore.open(inFolder: root, catalog: .shipped)
            let faceSwap = try #require(EndpointCatalog.shipped.endpoints.first { $0.shortName == "faceswap" })
            var request = Request(endpoint: faceSwap, body: .object([]))
            request.taskID = "zqt-empty-tool"
            _ = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "default")
            let rows = try store.list()
            let screen = Screen.render(historyState(rows, width: 120, height: 24)).text
            #expect(screen.contains(Wording.noPrompt), "\(screen)")
            let listed = try ZqtBinary.run(["history", "list"], environment: ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": root])
            #expect(listed.status == 0, "\(listed.stderr)")
            let line = try #require(listed.stdout.split(separator: "\n").first { $0.hasPrefix("zqt-empty-tool\t") }, "\(listed.stdout)")
            #expect(line.split(separator: "\t", omittingEmptySubsequences: false).last == "(no prompt)", "\(line)")
        }
    }

    // MARK: The filter's hint is a whole sentence

    @Test(arguments: [80, 100, 120, 200])
    func theFilterHintIsWholeAtEveryWidth(width: Int) {
        for count in [5, 12_345] {
            var rows: [HistorySummary] = []
            for id in 1...5 { rows.append(summary(id, "a cat \(id)")) }
            var state = historyState(rows, width: width, height: 24)
            state.history.matchCount = count
            state.history.countCapped = count > 5
            let line = Screen.render(state).text.split(separator: "\n")[1]
            // " / ", the hint, then two spaces or more before the count.
            let hint = String(line.dropFirst(3)).components(separatedBy: "  ").first ?? ""
            #expect(Wording.historyFilterHints.dropLast().contains(hint), "width \(width): \(line)")
            #expect(!hint.hasSuffix(":"), "\(line)")
            if width >= 120 { #expect(hint == Wording.historyFilterHints[0], "\(line)") }
        }
    }

    // MARK: `L` of the body the form holds

    @Test func loadingTheFormsOwnBodySaysAlreadyLoaded() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-load-same")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/lighthouse.json"
        try Data(#"{"prompt": "a lighthouse at dusk", "negative_prompt": "blurry", "steps": 30, "width": 768, "height": 512}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        func load(_ state: inout AppState) {
            _ = Reducer.reduce(&state, RequestLoading.load(path, current: state.endpoint, catalog: .shipped))
        }
        var state = makeState()
        load(&state)
        #expect(state.status?.text.hasPrefix("Loaded into") == true, "\(state.status?.text ?? "")")
        let form = state.request
        // Again: nothing to replace, no question.
        load(&state)
        #expect(state.view.overlay == nil)
        #expect(state.status?.text == Wording.alreadyLoaded(into: form.endpoint.title, from: path))
        #expect(state.request == form, "the form as it was, its task id too")
        // From another form: back to the one that holds it, still nothing asked.
        Reducer.show(&state, Request.new(for: .controlNet, taskID: "zqt-other"))
        load(&state)
        #expect(state.view.overlay == nil && state.endpoint == form.endpoint && state.request == form)
        #expect(state.status?.text == Wording.alreadyLoaded(into: form.endpoint.title, from: path))
        // A form changed since: the question stands.
        state.request["steps"] = .int(31)
        load(&state)
        guard case .confirm(.replaceWithLoaded)? = state.view.overlay else {
            Issue.record("a changed form was replaced without a question: \(String(describing: state.view.overlay))")
            return
        }
    }

    // MARK: The command line's refusal names a few, and the command that lists all

    @Test func aBodyManyEndpointsFitNamesAFewAndTheCommandThatListsAll() async throws {
        let scratch = Scratch()
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let root = scratch.path("zqt-fits")
            try FileManager.default.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
            let environment = ["XDG_CONFIG_HOME": root + "/config", "ZQT_HOME": root + "/home"]
            let path = root + "/bare.json"
            try Data(#"{"businessTaskId": "x"}"#.utf8).write(to: URL(fileURLWithPath: path))
            let refused = try ZqtBinary.run(["validate", path], environment: environment)
            #expect(refused.status == 2)
            let all = try ZqtBinary.run(["validate", path, "--fits"], environment: environment)
            #expect(all.status == 0, "\(all.stderr)")
            let names = all.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
            try #require(names.count > Wording.fitNamesShown, "\(all.stdout)")
            let said = "the body fits \(names.count) endpoints equally (\(names.prefix(3).joined(separator: ", ")) and \(names.count - 3) more): "
                + "give --endpoint NAME; zqt validate \(path) --fits lists them all"
            #expect(refused.stderr.contains(said), "\(refused.stderr)")
            #expect(!refused.stderr.contains(" or --endpoint"), "\(refused.stderr)")
            #expect(all.stderr.contains("\(names.count) endpoints fit equally"), "\(all.stderr)")
            // A body one endpoint is chosen for lists it first.
            let text = try ZqtBinary.run(["validate", "examples/text2image.json", "--fits"], environment: environment)
            #expect(text.stdout.hasPrefix("text2image\t"), "\(text.stdout)\(text.stderr)")
        }
    }
}

private extension String {
    var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
