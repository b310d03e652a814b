// A tool task shows that it runs (issue 19): "running" with no progress
// became the time it has run, a second at a time while it is followed.

import Foundation
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct TaskElapsedTests {
    @Test func aToolTaskWithoutProgressShowsItsTime() {
        var state = makeState()
        state.task = TrackedTask(recordID: 1, idTask: "zqt-swap", status: 1, desc: "running", progress: nil, phase: .inProgress, resultCount: 0)
        state.status = Reducer.taskStatus(state.task!, keys: state.keys)
        #expect(state.status?.text == "Task zqt-swap: running")
        for _ in 0..<65 { _ = Reducer.reduce(&state, .secondElapsed) }
        #expect(state.status?.text == "Task zqt-swap: running · 1 min 05 s so far")
        // A poll's answer keeps the count.
        _ = Reducer.reduce(&state, .poll(recordID: 1, idTask: "zqt-swap", .update(TaskInfo(data: .object([("status", .int(1)), ("desc", .string("running"))])))))
        #expect(state.task?.elapsedSeconds == 65)
        // Another message in the status line is not replaced; an ended task counts no more.
        state.status = StatusMessage(text: "Copied", kind: .success)
        _ = Reducer.reduce(&state, .secondElapsed)
        #expect(state.status?.text == "Copied" && state.task?.elapsedSeconds == 66)
        state.task?.phase = .succeeded
        _ = Reducer.reduce(&state, .secondElapsed)
        #expect(state.task?.elapsedSeconds == 66)
    }

    @Test func aTaskWithProgressShowsItsPercentage() {
        let text = Wording.taskInProgress("zqt-1", desc: "running", progress: 0.4, elapsedSeconds: 12)
        #expect(text == "Task zqt-1: running 40%")
        #expect(Wording.duration(9) == "9 s" && Wording.duration(125) == "2 min 05 s")
    }
}
