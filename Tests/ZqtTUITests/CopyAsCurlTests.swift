import Model
import Testing
@testable import ZqtTUI

/// Issue 10: Y on the compose screen puts the form's request on the
/// clipboard as the curl command `zqt export --curl` would print.
@Suite struct CopyAsCurlTests {
    @Test func yCopiesTheFormsRequestAsCurlWithoutTheKeys() {
        var state = makeState()
        state.request["prompt"] = .string("it's $(id)\n漢字")
        let effects = Reducer.reduce(&state, .key(.char("Y")))
        let expected = RequestExport.snippet(.curl, request: state.request, baseURL: "http://127.0.0.1:8931")
        // This form lacks a ControlNet unit: copied as it stands, and said not valid (issue 19).
        let problem = try? #require(state.problems.first)
        #expect(effects == [.copyToClipboard(expected, what: Wording.requestAsCurlNotValid(problem?.path ?? "", problem?.message ?? ""))])
        #expect(expected.contains("${ZQT_ACCESS_KEY_SECRET:?"), "the secret stays a reference to the environment")
        #expect(expected.contains(RequestExport.shellQuoted(state.request.wireJSON)))
    }

    @Test func thePaletteOffersIt() {
        var state = makeState()
        _ = Reducer.reduce(&state, .key(.char(":")))
        guard case let .picker(picker)? = state.view.overlay else {
            Issue.record("the palette opens")
            return
        }
        #expect(picker.options.contains(Command.copyAsCurl.title))
    }
}
