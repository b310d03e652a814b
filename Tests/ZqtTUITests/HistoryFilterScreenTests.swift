import Foundation
import Model
import Testing
@testable import ZqtTUI

/// The history screen's filter as a user types it (issue 19): a tool's rows
/// are found by the endpoint name the list shows, `endpoint:NAME` narrows
/// to an endpoint, and words keep narrowing within it (issue 18's plan).
@Suite(.serialized) struct HistoryFilterScreenTests {
    static let lighthouse = "zqt-20261206-090000-000-aaaa", outpainting = "zqt-20261206-090100-000-bbbb",
               outpaintingLighthouse = "zqt-20261206-090200-000-cccc", cat = "zqt-20261206-090300-000-dddd"

    /// The task ids the screen shows.
    func shown(_ state: AppState) -> Set<String> {
        let screen = Screen.render(state).text
        return Set([Self.lighthouse, Self.outpainting, Self.outpaintingLighthouse, Self.cat].filter(screen.contains))
    }

    /// Types `text` into the history's filter (cleared first) and waits until
    /// the screen shows the rows of `expected`, its answer.
    func filter(_ text: String, shows expected: Set<String>, _ state: inout AppState, _ fixture: GalleryFixture) async throws {
        var effects = state.history.filterFocused ? press(&state, .escape) : []
        effects += press(&state, .char("/"))
        for character in text { effects += Reducer.reduce(&state, .key(.char(character))) }
        try await fixture.run(effects, &state) { $0.history.filter.text == text && shown($0) == expected }
    }

    @Test func endpointNamesAreFoundAndEndpointNarrows() async throws {
        let fixture = try GalleryFixture()
        let outpaint = try #require(EndpointCatalog.shipped.endpoint(id: "tool/imgExpand"))
        try fixture.keep("a lighthouse at dusk", idTask: Self.lighthouse, images: 1)
        try fixture.keep("", idTask: Self.outpainting, images: 1, endpoint: outpaint)
        try fixture.keep("lighthouse, wider", idTask: Self.outpaintingLighthouse, images: 1, endpoint: outpaint)
        try fixture.keep("portrait of a cat", idTask: Self.cat, images: 1)
        var state = makeState(width: 160, height: 30)
        let opened = press(&state, .function(2))
        try await fixture.run(opened, &state) { $0.history.loaded && $0.history.rows.count == 4 }
        #expect(shown(state).count == 4)

        // The name the list shows finds the tool's rows.
        try await filter("outpainting", shows: [Self.outpainting, Self.outpaintingLighthouse], &state, fixture)
        #expect(Screen.render(state).text.contains("2 matches"))
        try await filter("endpoint:outpaint", shows: [Self.outpainting, Self.outpaintingLighthouse], &state, fixture)
        // Words narrow within the endpoint.
        try await filter("endpoint:outpaint lighthouse", shows: [Self.outpaintingLighthouse], &state, fixture)
        try await filter("endpoint:controlnet lighthouse", shows: [Self.lighthouse], &state, fixture)
        try await filter("endpoint:controlnet", shows: [Self.lighthouse, Self.cat], &state, fixture)
        try await filter("endpoint:outpaint cat", shows: [], &state, fixture)
        #expect(Screen.render(state).text.contains("no match"))
    }
}
