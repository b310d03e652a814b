// A user's catalog file (issue 9) puts any numbers in a form: stepping a
// slider whose range reaches past what a whole number holds goes to its
// end, it does not stop zqt.

import Testing
@testable import Model
@testable import ZqtTUI

@Suite struct UserCatalogFormTests {
    @Test func aWholeNumberSliderWithAHugeRangeStepsWithoutTrapping() throws {
        let entry = try JSONParser.parse("""
            {"id": "tool/huge", "family": "tool", "fields": [
              {"path": "businessTaskId", "kind": "text", "role": "task_id"},
              {"path": "count", "kind": "slider", "integer": true, "min": 0, "max": 1e300, "default": 1e299}]}
            """)
        let endpoint = try UserCatalog.endpoint(entry)
        var state = makeState()
        Reducer.switchEndpoint(&state, to: endpoint)
        focus(&state, FieldID("count"))
        press(&state, .right)
        press(&state, .pageUp)
        #expect(state.request["count"]?.numberValue.map { $0 > 1e15 } == true, "the value went up, held to what is sent")
        press(&state, .left)
        #expect(state.request["count"] != nil)
    }
}
