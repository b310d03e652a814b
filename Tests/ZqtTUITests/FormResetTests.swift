// Starting over (issue 19): "new" lays out the endpoint's defaults with the
// config file's [defaults] (a draft had kept them out for good), the old
// form one key away; "reset field" puts one field back.

import Foundation
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct FormResetTests {
    static func state() -> AppState {
        var state = makeState()
        state.formDefaults = [FormDefault(path: "steps", value: .int(30)), FormDefault(path: "prompt", value: .string("from [defaults]"))]
        state.request["prompt"] = .string("my draft prompt")
        state.request["steps"] = .int(44)
        state.request["cfg_scale"] = .int(12)
        return state
    }

    @Test func newTakesTheDefaultsAndTheOldFormIsOneKeyAway() {
        var state = Self.state()
        let oldID = state.request.taskID
        press(&state, .char("N"))
        #expect(state.request.prompt == "from [defaults]" && state.request["steps"] == .int(30))
        #expect(state.request["cfg_scale"] == Request.new(for: state.endpoint, taskID: "x")["cfg_scale"])
        #expect(state.request.taskID != oldID, "a new form is a new submission (wire rule 8)")
        #expect(state.status?.text == "New form: the endpoint's defaults and the config file's [defaults]; U brings back the form it replaced")
        press(&state, .char("U"))
        #expect(state.request.prompt == "my draft prompt" && state.request["steps"] == .int(44) && state.request.taskID == oldID)
        press(&state, .char("U"))
        #expect(state.request.prompt == "from [defaults]", "U again shows the new one")
    }

    @Test func resetPutsOneFieldBack() {
        var state = Self.state()
        focus(&state, FieldID("steps"))
        press(&state, .char("D"))
        #expect(state.request["steps"] == .int(30), "the config file's default")
        #expect(state.request.prompt == "my draft prompt", "only the focused field")
        #expect(state.status?.text == "Steps reset to 30")
        focus(&state, FieldID("cfg_scale"))
        press(&state, .char("D"))
        #expect(state.request["cfg_scale"] == Request.new(for: state.endpoint, taskID: "x")["cfg_scale"])
    }

    @Test func nothingToBringBackIsSaid() {
        var state = Self.state()
        press(&state, .char("U"))
        #expect(state.status?.text == "No form to bring back: N starts a new one first")
        #expect(state.request.prompt == "my draft prompt")
    }
}

@Suite struct CopyInvalidAsCurlTests {
    /// Y says when the request is not valid (issue 19): copied as it stands, the first problem named.
    @Test func yNamesTheFirstProblem() {
        var state = makeState()
        state.request["prompt"] = .string("")
        let effects = press(&state, .char("Y"))
        guard case let .copyToClipboard(_, what)? = effects.first else { Issue.record("nothing copied: \(effects)"); return }
        #expect(what.hasPrefix("the request as a curl command, NOT VALID as it stands ("), "\(what)")
        _ = Reducer.reduce(&state, .clipboardWritten(what: what, bytes: 900))
        #expect(state.status?.text.contains("NOT VALID") == true)
    }
}

@Suite struct InputBoxFooterTests {
    /// The Load box's footer says what Enter does there (issue 19: it said "save").
    @Test func enterLoadsInTheLoadBox() {
        var state = makeState()
        press(&state, .char("L"))
        let screen = Screen.render(state).text
        #expect(screen.contains("Enter load"), "\(screen)")
        #expect(!screen.contains("Enter save"))
    }
}

@Suite struct InvalidSliderValueTests {
    /// A value a slider cannot use is drawn as typed, not as an empty bar (issue 19).
    @Test func theTypedValueShowsWithoutABar() {
        var state = makeState()
        state.drafts[FieldID("steps")] = Draft(text: "500", message: "Steps must be between 1 and 150")
        let line = Screen.render(state).text.split(separator: "\n").first { $0.contains("  Steps ") } ?? ""
        #expect(line.contains("Steps               500"), "\(line)")
        #expect(!line.contains("░"), "\(line)")
    }
}
