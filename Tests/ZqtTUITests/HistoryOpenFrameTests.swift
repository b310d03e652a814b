import Foundation
import Model
import Testing
@testable import ZqtTUI

/// What the history screen says in the frames before an answer (issue 18,
/// start18): words just typed are never shown above the rows of another
/// filter without "searching…", and a long history's newest rows come
/// before its count, which the first count at start reads from disk.
@Suite(.serialized) struct HistoryOpenFrameTests {
    static func countLine(_ state: AppState) -> String { HistoryFilterScreenTests.countLine(state) }

    /// `count` rows whose prompts say their number.
    static func rows(_ fixture: GalleryFixture, _ count: Int) throws {
        try fixture.store.inOneTransaction {
            for index in 0..<count {
                var request = Request.new(for: .controlNet, taskID: String(format: "zqt-20261207-030000-%03d-ssss", index))
                request["prompt"] = .string("a lighthouse at dusk \(index)")
                _ = try fixture.store.recordSending(request, baseURL: "http://127.0.0.1:9", profile: "t")
            }
        }
    }

    @Test func theFrameThatShowsNewWordsSaysTheSearchIsUnderWay() async throws {
        let fixture = try GalleryFixture()
        try Self.rows(fixture, 12)
        var state = makeState(width: 120, height: 40)
        try await fixture.run(press(&state, .function(2)), &state) { $0.history.loaded && Self.countLine($0).contains("12 submissions") }

        // The first key's frame: the word typed, the unfiltered rows still shown, and the search said.
        _ = press(&state, .char("/"), .char("z"))
        #expect(Self.countLine(state).contains("/ z"), "\(Self.countLine(state))")
        #expect(Self.countLine(state).contains("searching…") && !Self.countLine(state).contains("submissions"), "\(Self.countLine(state))")
        let typed = Reducer.reduce(&state, .key(.char("e")))
        #expect(Self.countLine(state).contains("searching…"), "\(Self.countLine(state))")
        try await fixture.run(typed, &state) { $0.history.rowsFilter == "ze" }
        #expect(Self.countLine(state).contains("no match"), "\(Self.countLine(state))")

        // Words matching some rows, then the filter cleared: the frame that shows the empty filter
        // above the filter's rows does not give them the history's count.
        _ = press(&state, .escape)
        var effects = press(&state, .char("/"))
        for character in "dusk 3" { effects += Reducer.reduce(&state, .key(.char(character))) }
        try await fixture.run(effects, &state) { $0.history.rowsFilter == "dusk 3" && !$0.history.counting }
        #expect(Self.countLine(state).contains("1 match"), "\(Self.countLine(state))")
        let cleared = press(&state, .escape)
        #expect(state.history.filter.text.isEmpty && state.history.rows.count == 1)
        #expect(Self.countLine(state).contains("searching…") && !Self.countLine(state).contains("1 submission"), "\(Self.countLine(state))")
        try await fixture.run(cleared, &state) { $0.history.rowsFilter.isEmpty && $0.history.rows.count == 12 }
        #expect(Self.countLine(state).contains("12 submissions"), "\(Self.countLine(state))")
    }

    /// Words typed before the list's first rows came (a slow start) say their search is under way.
    @Test func wordsTypedBeforeTheFirstRowsSaySearching() {
        var state = makeState(width: 120, height: 40)
        _ = press(&state, .function(2))
        #expect(!state.history.loaded)
        _ = press(&state, .char("/"), .char("c"), .char("a"), .char("t"))
        #expect(Self.countLine(state).contains("/ cat") && Self.countLine(state).contains("searching…"), "\(Self.countLine(state))")
    }

    /// A history longer than a page: its newest rows are given before the count, "counting…"
    /// said meanwhile; the count once known comes with the rows at once; a short history's count
    /// comes with its rows.
    @Test func aLongHistorysRowsComeBeforeItsCount() async throws {
        let fixture = try GalleryFixture()
        try Self.rows(fixture, HistoryViewState.pageSize + 5)
        var state = makeState(width: 120, height: 40)
        _ = press(&state, .function(2))
        let request = HistoryFilterQueue.Request(filter: "", before: nil, limit: HistoryViewState.pageSize)
        let answers = HistoryFilterScreenTests.Answers()
        let answer = try #require(HistoryFilterQueue.page(fixture.store, request, cancel: HistoryQueryCancel(), early: answers.add))
        #expect(answers.early.count == 1)
        for action in answers.early { _ = Reducer.reduce(&state, action) }
        #expect(state.history.rows.count == HistoryViewState.pageSize)
        #expect(Screen.render(state).text.contains("a lighthouse at dusk 204"), "the newest first")
        #expect(Self.countLine(state).contains("counting… · newest first"), "\(Self.countLine(state))")
        _ = Reducer.reduce(&state, answer)
        #expect(Self.countLine(state).contains("\(HistoryViewState.pageSize + 5) submissions · newest first"), "\(Self.countLine(state))")

        // Counted once, and nothing written since: the rows come with the count.
        let again = HistoryFilterScreenTests.Answers()
        _ = try #require(HistoryFilterQueue.page(fixture.store, request, cancel: HistoryQueryCancel(), early: again.add))
        #expect(again.early.isEmpty)

        let short = try GalleryFixture()
        try Self.rows(short, 3)
        let shortAnswers = HistoryFilterScreenTests.Answers()
        _ = try #require(HistoryFilterQueue.page(short.store, request, cancel: HistoryQueryCancel(), early: shortAnswers.add))
        #expect(shortAnswers.early.isEmpty)
    }
}
