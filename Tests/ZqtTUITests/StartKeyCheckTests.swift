// Keys checked at start (issue 10): when every kept model list is fresh,
// none is read, so the keys are asked about on their own; a refusal is said
// at once, not at the first send.

import Foundation
import Testing
@testable import Model
@testable import ZqtTUI

@Suite struct StartKeyCheckTests {
    @Test func freshListsStillHaveTheKeysChecked() {
        var state = makeState()
        let now = Date()
        var lists: [ModelListKind: ModelList] = [:]
        for kind in ModelListKind.allCases {
            lists[kind] = ModelList(kind: kind, items: [], fetchedAt: now.addingTimeInterval(-60), path: state.modelLists.paths.path(for: kind))
        }
        let effects = Reducer.modelListsCached(&state, lists, now: now)
        #expect(effects == [.checkKeys], "\(effects)")

        _ = Reducer.reduce(&state, .keysChecked(.api(code: "401", message: "invalid accessKeyId")))
        #expect(state.status?.kind == .error && state.status?.text.contains("Keys refused by the service") == true)
        #expect(Screen.render(state).text.contains("Keys refused by the service"))
        _ = Reducer.reduce(&state, .keysChecked(nil))
        #expect(state.connection.keysProblem == nil, "keys taken later clear it")
        _ = Reducer.reduce(&state, .keysChecked(.connectionRefused(host: "127.0.0.1:9")))
        #expect(state.connection.keysProblem == nil, "a network fault says nothing of the keys")
    }
}
