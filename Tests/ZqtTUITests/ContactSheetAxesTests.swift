// The sweep's contact sheet (issue 19): 30 stood above 20, and the axes were
// the reverse of the README's. The first `--sweep` runs down the rows (it
// changes slowest in send order), numeric values ascend.

import Model
import Testing
@testable import ZqtTUI

@Suite struct ContactSheetAxesTests {
    /// An A1111 sweep's rows differ in their task ids too (`force_task_id`):
    /// that is no swept value (a newcomer's 3×2 sweep drew a 3×6 sheet headed
    /// "cfg_scale · force_task_id"). Every endpoint's task id field is ignored.
    @Test func anA1111SweepsTaskIdIsNoAxis() throws {
        let first = try JSONParser.parse(#"{"prompt": "p", "seed": 1, "force_task_id": "zqt-a"}"#)
        let second = try JSONParser.parse(#"{"prompt": "p", "seed": 2, "force_task_id": "zqt-b"}"#)
        #expect(RequestDiff.changes(from: first, to: second).map(\.path) == ["seed"])
        #expect(RequestDiff.alwaysDifferent == ["alwayson_scripts.id_task", "businessTaskId", "taskId", "force_task_id"])
        for endpoint in EndpointCatalog.shipped.endpoints {
            #expect(RequestDiff.alwaysDifferent.contains(endpoint.taskIDPath), "\(endpoint.id)")
        }
    }

    @Test func theFirstSweepRunsDownTheRows() {
        // zqt send --sweep steps=30,20 --sweep cfg_scale=5,7: sent in this order; the body writes cfg_scale first.
        let leaves: [[String: String]] = [
            ["cfg_scale": "5", "steps": "30"], ["cfg_scale": "7", "steps": "30"],
            ["cfg_scale": "5", "steps": "20"], ["cfg_scale": "7", "steps": "20"],
        ]
        #expect(ContactSheetAxes.ordered(paths: ["cfg_scale", "steps"], leaves: leaves) == ["steps", "cfg_scale"])
        // Three paths: the two changing faster join across, in sweep order.
        let three: [[String: String]] = [
            ["a": "1", "b": "x", "c": "p"], ["a": "1", "b": "x", "c": "q"], ["a": "1", "b": "y", "c": "p"], ["a": "1", "b": "y", "c": "q"],
            ["a": "2", "b": "x", "c": "p"], ["a": "2", "b": "x", "c": "q"], ["a": "2", "b": "y", "c": "p"], ["a": "2", "b": "y", "c": "q"],
        ]
        #expect(ContactSheetAxes.ordered(paths: ["c", "b", "a"], leaves: three) == ["a", "b", "c"])
    }

    @Test func numbersAscendAndTextKeepsItsOrder() {
        #expect(ContactSheetAxes.sorted(["30", "20"]) == ["20", "30"])
        #expect(ContactSheetAxes.sorted(["10", "9", "100", "7.5"]) == ["7.5", "9", "10", "100"])
        #expect(ContactSheetAxes.sorted(["\"euler\"", "\"ddim\""]) == ["\"euler\"", "\"ddim\""])
        // Joined paths: part by part.
        #expect(ContactSheetAxes.sorted(["7 · \"b\"", "5 · \"b\"", "7 · \"a\"", "5 · \"a\""])
                == ["5 · \"b\"", "5 · \"a\"", "7 · \"b\"", "7 · \"a\""])
    }
}
