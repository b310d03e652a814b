// Issue 20, a newcomer's re-check at 4e3a33b, on the screen of an A1111
// profile: a unit left at preprocessor `none` lost its control type on its
// row ("custom · none · None"); a note joined to an empty path read
// "note: : …"; the status lines, the help and the history spoke of the
// profile's keys where an A1111 profile has a login; an A1111 row's entry
// said "Accepted" though the server has no accepting step. Each is read
// off the rendered screen, as the user sees it.

import Foundation
@testable import Model
@testable import Sandbox
import Testing
@testable import ZqtTUI

@Suite struct A1111ScreenRecheck20Tests {
    static func lines(_ state: AppState) -> [String] { A1111ScreenFindingsTests.lines(state) }

    /// The form's row of unit `number` (its label, then its summary).
    static func unitRow(_ state: AppState, _ number: Int) -> String? {
        var state = state
        // The list as it stands, without the message about the unit's server (an error of two lines is shown in a box over it).
        state.view.overlay = nil
        state.status = nil
        state.view.openItem = nil
        state.view.focus = .itemRow(state.endpoint.groupFields[0].path, number - 1)
        return lines(state).first { $0.contains("Unit \(number) ") && ($0.contains("✓") || $0.contains("✗")) }
    }

    // MARK: 1. A unit's row says its type whatever its module

    @Test func aUnitTheServerHasNothingForKeepsItsTypeOnItsRow() throws {
        var state = A1111NewcomerRecheckTests.a1111Form()
        A1111ScreenFindingsTests.addUnit(&state, "Shuffle")
        let unit = try #require(A1111ScreenFindingsTests.unit(state))
        #expect(unit["module"]?.stringValue == "none" && unit["model"]?.stringValue == "None")
        // The unit's own form says its type…
        let form = Self.lines(state)
        #expect(form.contains { $0.contains("Control type") && $0.contains("Shuffle ▾") }, "\(form.joined(separator: "\n"))")
        // …and so does its row in the request's list, once back there.
        press(&state, .escape)
        let row = try #require(Self.unitRow(state, 1), "\(Self.lines(state).joined(separator: "\n"))")
        #expect(row.contains("✓ Shuffle · no preprocessor · None · w"), "\(row)")
        #expect(!row.contains("custom"), "\(row)")
        // The type is the form's: nothing of it is sent.
        #expect(!state.request.wireJSON.contains("@type"), "\(state.request.wireJSON)")
        #expect(!state.request.wireJSON.contains("Shuffle"))
    }

    @Test func everyControlTypeAddedIsNamedOnItsRow() throws {
        let presets = try #require(A1111NewcomerRecheckTests.a1111Form().endpoint.groupFields.first?.groupSpec?.presets?.presets)
        for preset in presets {
            var state = A1111NewcomerRecheckTests.a1111Form()
            _ = Reducer.choose(&state, .addItem(state.endpoint.groupFields[0].path), preset.name)
            let row = Self.unitRow(state, 1) ?? ""
            #expect(row.contains("✓ \(preset.name) · "), "\(preset.name): \(row)")
            #expect(!state.request.wireJSON.contains("@type"), "\(preset.name)")
        }
    }

    @Test func aUnitWithNoPreprocessorAndNoTypeSaysSo() throws {
        var state = A1111NewcomerRecheckTests.a1111Form()
        let path = state.endpoint.groupFields[0].path
        // A unit as a loaded body gives it: no preprocessor, no model, no type chosen.
        state.request.setItems([.object([("enabled", .bool(true)), ("module", .string("none")), ("model", .string("None"))])],
                               of: state.endpoint.groupFields[0])
        let row = try #require(Self.unitRow(state, 1))
        #expect(row.contains("Unit 1") && row.contains("✓ no preprocessor · None · w 1"), "\(row)")
        #expect(!row.contains("custom") && !row.contains("· none ·"), "\(row)")
        // A canny unit whose preprocessor was set to none by hand (its picture is already a map) is still canny, by its model.
        var canny = A1111NewcomerRecheckTests.a1111Form()
        A1111ScreenFindingsTests.addUnit(&canny, "canny")
        A1111ScreenFindingsTests.chooseModule(&canny, "none")
        press(&canny, .escape)
        let cannyRow = try #require(Self.unitRow(canny, 1))
        #expect(cannyRow.contains("✓ canny · no preprocessor · control_v1"), "\(cannyRow)")
        _ = path
    }

    @Test func aTypeRememberedIsLetGoWhenThePreprocessorIsChosenByHand() throws {
        var state = A1111NewcomerRecheckTests.a1111Form()
        A1111ScreenFindingsTests.addUnit(&state, "Shuffle")
        A1111ScreenFindingsTests.chooseModule(&state, "canny")
        press(&state, .escape)
        let row = try #require(Self.unitRow(state, 1))
        #expect(row.contains("✓ canny · canny · "), "\(row)")
        #expect(!row.contains("Shuffle"), "\(row)")
    }

    // MARK: 2. A note of the whole request has no empty label

    @Test func aNoteWithoutAPathIsItsMessageAlone() {
        let note = DecodeNote(path: "", message: "A1111's Hires upscaler has no field in zqt; left out")
        #expect(note.description == "A1111's Hires upscaler has no field in zqt; left out")
        #expect("note: \(note)" == "note: A1111's Hires upscaler has no field in zqt; left out")
        #expect(DecodeNote(path: "steps", message: "was text").description == "steps: was text")
        #expect(ValidationProblem(path: "", message: "the body must be an object").description == "the body must be an object")
        #expect(Wording.notSent(field: "", "the body must be an object") == "Not sent: the body must be an object")
        #expect(Wording.notSent(field: "", path: "", "the body must be an object", more: 0) == "Not sent: the body must be an object")
        #expect(Wording.fieldProblem("", "too long") == "too long")
    }

    @Test func theStatusLineOfALoadedPictureHasNoEmptyLabel() throws {
        var state = A1111NewcomerRecheckTests.a1111Form()
        // A picture's request other than the form's (one the form holds already is "Already loaded", no notes).
        var request = Request.new(for: state.endpoint, taskID: "zqt-20261206-233000-000-note")
        request["prompt"] = .string("a lighthouse read from a picture")
        let loaded = ImportedRequest(request: request, notes: [DecodeNote(path: "", message: "A1111's Hires upscaler has no field in zqt; left out")])
        _ = Reducer.reduce(&state, .requestLoaded(loaded, source: "photo.png"))
        let status = Self.lines(state).suffix(3).joined(separator: " ")
        #expect(status.contains("· A1111's Hires upscaler has no field in zqt"), "\(status)")
        #expect(!status.contains(": :") && !status.contains("· :"), "\(status)")
    }

    // MARK: 3. An A1111 profile has a login, not keys

    @Test func aRefusedLoginIsSaidAsALogin() {
        var state = A1111NewcomerRecheckTests.a1111Form()
        let refusal = APIError.api(code: "401", message: "Not authenticated: the server runs with --api-auth: check the profile's username and password_command (or password)")
        _ = Reducer.reduce(&state, .keysChecked(refusal))
        let shown = Self.lines(state).suffix(3).joined(separator: " ")
        #expect(shown.contains("Login refused by the server for profile gpu: Not authenticated"), "\(shown)")
        #expect(!shown.contains("Keys") && !shown.contains("keys"), "\(shown)")
        // An answer with no text of its own names the login's parts; a list refused says the same, not ZQT_ACCESS_KEY_*.
        #expect(Wording.keysProblem(.httpStatus(401, bodyStart: ""), profile: "gpu", server: .a1111)
                == "Login refused by the server (HTTP 401) for profile gpu: check the profile's username and password_command (or password)")
        let list = Wording.listProblem(.checkpoint, path: "sdapi/v1/sd-models", error: .httpStatus(401, bodyStart: ""), server: .a1111)
        #expect(list.contains("username and password_command") && !list.contains("ZQT_ACCESS_KEY"), "\(list)")
        // A zhiqite profile still speaks of its keys.
        #expect(Wording.keysProblem(.httpStatus(401, bodyStart: ""), profile: "work")?.hasPrefix("Keys refused by the service") == true)
    }

    @Test func theHelpAndTheHistorySpeakOfALoginOnAnA1111Profile() throws {
        var state = A1111NewcomerRecheckTests.a1111Form()
        press(&state, .char("?"))
        let help = Self.lines(state)
        let profileLine = try #require(help.first { $0.contains("Switch profile") }, "\(help.joined(separator: "\n"))")
        #expect(profileLine.contains("Switch profile (connection and login from the config file)"), "\(profileLine)")
        #expect(!help.joined().contains("connection and keys"))
        press(&state, .escape)
        // `u` on an A1111 row of another server: asked through its profile, not "with profile gpu2's keys".
        let here = A1111ScreenFindingsTests.a1111Record(state: .sending)
        let row = HistoryRecord(id: 10, endpoint: here.endpoint, baseURL: "http://127.0.0.1:7861", profile: "gpu2", createdAt: here.createdAt,
                                idTask: here.idTask, serviceTaskID: nil, requestJSON: here.requestJSON, state: .sending, httpStatus: nil,
                                responseJSON: nil, taskStatus: nil, taskDesc: nil, progress: nil, lastQueryJSON: nil, error: nil,
                                submittedAt: nil, finishedAt: nil, results: [])
        _ = Reducer.queryNow(&state, row)
        let asked = Self.lines(state).suffix(3).joined(separator: " ")
        #expect(asked.contains("Asking http://127.0.0.1:7861 (where it was sent, through profile gpu2) about zqt-a1111-row…"), "\(asked)")
        #expect(!asked.contains("keys"), "\(asked)")
        state.connection.baseURL = "http://127.0.0.1:7861"
        _ = Reducer.queryNow(&state, row)
        #expect(state.status?.text == "Asking the server about zqt-a1111-row…")
    }

    // MARK: 4. No "Accepted" for an A1111 job

    @Test func anA1111RowsEntrySaysSentRunningAndAnswered() {
        let done = HistoryEntryView.detailLines(A1111ScreenFindingsTests.a1111Record(), width: 110).map { $0.spans.map(\.text).joined() }
        #expect(done.contains { $0.hasPrefix("Answered      +") }, "\(done.joined(separator: "\n"))")
        #expect(!done.contains { $0.hasPrefix("Accepted") }, "\(done.joined(separator: "\n"))")
        var running = A1111ScreenFindingsTests.a1111Record(state: .sending)
        running.submittedAt = nil
        running.finishedAt = nil
        let sent = HistoryEntryView.detailLines(running, width: 110).map { $0.spans.map(\.text).joined() }
        #expect(sent.contains("State         sent · running on the server (it answers when the job is done) · done: 2 pictures")
                || sent.contains { $0.hasPrefix("State         sent · running on the server") }, "\(sent.joined(separator: "\n"))")
        // A zhiqite row still says when the service accepted it.
        let service = HistoryEntryView.detailLines(record(3, prompt: "a cat"), width: 110).map { $0.spans.map(\.text).joined() }
        #expect(service.contains { $0.hasPrefix("State         succeeded") })
    }

    @Test func anA1111SendThatFailedDidNotRunThere() {
        var state = A1111NewcomerRecheckTests.a1111Form()
        _ = Reducer.queryNow(&state, A1111ScreenFindingsTests.a1111Record(state: .sendFailed))
        let shown = Self.lines(state).suffix(3).joined(separator: " ")
        #expect(shown.contains("zqt-a1111-row did not run on the server (the send failed)"), "\(shown)")
        #expect(!shown.contains("accepted"), "\(shown)")
    }

    @Test func theStatusAfterAnA1111AnswerSaysItAnswered() {
        var state = A1111NewcomerRecheckTests.a1111Form()
        state.request["prompt"] = .string("a lighthouse")
        let request = state.request
        let body = "{\"images\": [], \"info\": \"{}\"}"
        let submission = Submission(result: SubmitResult(serviceTaskID: nil, envelope: Envelope(try! JSONParser.parse("{\"code\": \"200\", \"data\": {}}"))!),
                                    exchange: Exchange(endpoint: request.endpoint.id, requestBody: request.wireJSON, httpStatus: 200,
                                                       responseBody: body, startedAt: Date(), finishedAt: Date()))
        _ = Reducer.reduce(&state, .submitFinished(request: request, recordID: 4, result: .success(submission)))
        let shown = Self.lines(state).suffix(3).joined(separator: " ")
        #expect(shown.contains("The server answered txt2img \(request.taskID)"), "\(shown)")
        #expect(!shown.contains("task_id") && !shown.contains("ccepted") && !shown.contains("submitted"), "\(shown)")
        _ = Reducer.reduce(&state, .tick)
        let ticked = Self.lines(state).suffix(3).joined(separator: " ")
        #expect(!ticked.contains("submitted"), "\(ticked)")
    }
}
