import Foundation
import Testing
@testable import Model
@testable import ZqtTUI

/// Issue 18: a task asked about from a quarter second on must not wipe the
/// status line's other message (the send's "Sent to", a copy's) at once.
@Suite struct StatusHoldTests {
    func sent() throws -> (AppState, Request) {
        var state = makeState()
        state.request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        state.baselineJSON = state.request.wireJSON
        let sent = state.request
        _ = press(&state, .ctrl("s"))
        let submission = Submission(
            result: SubmitResult(serviceTaskID: sent.taskID, envelope: Envelope(try JSONParser.parse("{\"code\":\"200\"}"))!),
            exchange: Exchange(endpoint: Endpoint.controlNet.id, requestBody: sent.wireJSON, httpStatus: 200, responseBody: "{}",
                               startedAt: .distantPast, finishedAt: .distantPast))
        _ = Reducer.reduce(&state, .submitFinished(request: sent, recordID: 7, result: .success(submission)))
        return (state, sent)
    }

    func running(_ percent: Int) throws -> TaskInfo {
        TaskInfo(data: try #require(Envelope(try JSONParser.parse(
            #"{"code":"200","data":{"status":1,"desc":"running","temporaryImageDto":{"progress":\#(percent)}}}"#))?.data))
    }

    @Test func theSentLineStaysForThreeAnswersThenTheTaskSaysWhereItStands() throws {
        var (state, sent) = try sent()
        let sentLine = try #require(state.status)
        #expect(sentLine.text.hasPrefix("Sent to ControlNet: task_id"))
        for percent in [10, 20, 30] {
            _ = Reducer.reduce(&state, .poll(recordID: 7, idTask: sent.taskID, .update(try running(percent))))
            #expect(state.status == sentLine, "after the answer at \(percent) %")
        }
        _ = Reducer.reduce(&state, .poll(recordID: 7, idTask: sent.taskID, .update(try running(40))))
        #expect(state.status?.text.hasPrefix("Task \(sent.taskID):") == true, "\(String(describing: state.status))")
        // From then on each answer says where the task stands.
        let line = state.status
        _ = Reducer.reduce(&state, .poll(recordID: 7, idTask: sent.taskID, .update(try running(50))))
        #expect(state.status != line && state.status?.text.hasPrefix("Task \(sent.taskID):") == true)
    }

    @Test func theTasksEndIsSaidAtOnce() throws {
        var (state, sent) = try sent()
        let done = TaskInfo(data: .object([("status", .int(2)), ("desc", .string("Success"))]))
        _ = Reducer.reduce(&state, .poll(recordID: 7, idTask: sent.taskID, .update(done)))
        #expect(state.status?.kind == .success, "\(String(describing: state.status))")
    }
}
