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

    // MARK: The first frame after the key (filterframe18)

    /// Reduces the fixture's answers one at a time, as the event loop draws a
    /// frame after each, until `done`; the frames drawn, in order.
    static func frames(_ fixture: GalleryFixture, _ state: inout AppState, until done: (AppState) -> Bool) async throws -> [String] {
        var frames: [String] = []
        try await eventually("the answers") {
            for action in fixture.inbox.drain() {
                Reducer.reduce(&state, action).forEach(fixture.runner.perform)
                frames.append(Screen.render(state).text)
            }
            return done(state)
        }
        return frames
    }

    /// F2 on a history longer than a page: the first frame with rows shows the
    /// newest with "counting…", and the count comes in a later frame (the first
    /// count reads an index of every row: 0.87 s at a million rows, which the
    /// rows waited for on the event loop). The key's own frame waits for neither.
    @Test func f2ShowsTheNewestRowsBeforeTheCount() async throws {
        let fixture = try GalleryFixture()
        try Self.rows(fixture, 2000)
        var state = makeState(width: 120, height: 40)
        let effects = press(&state, .function(2))
        effects.forEach(fixture.runner.perform)
        let frames = try await Self.frames(fixture, &state) { $0.history.loaded && !$0.history.counting }
        let withRows = try #require(frames.first { $0.contains("a lighthouse at dusk 1999") }, "\(frames)")
        #expect(withRows.contains("counting… · newest first") && !withRows.contains("2000 submissions"), "\(withRows)")
        #expect(frames.last?.contains("2000 submissions · newest first") == true, "\(frames.last ?? "")")
    }

    /// Words typed after a filter nothing matched: the list says they are
    /// searched until their answer comes, never the shorter filter's answer
    /// nor an empty list under the new words (newcomer19).
    @Test func aLongerFilterAfterNoMatchSaysItSearches() {
        var state = historyState([summary(1, "a lighthouse at dusk")])
        _ = press(&state, .char("/"))
        for character in "zzq" { _ = Reducer.reduce(&state, .key(.char(character))) }
        _ = Reducer.reduce(&state, .historyLoaded(HistoryPage(filter: "zzq", rows: [], matchCount: 0, countCapped: false,
                                                              hasMore: false, appending: false)))
        #expect(Screen.render(state).text.contains("Nothing matches “zzq”"))
        let effects = Reducer.reduce(&state, .key(.char("x")))
        #expect(effects == [.loadHistory(filter: "zzqx", before: nil, limit: HistoryViewState.pageSize)])
        let frame = Screen.render(state).text
        #expect(frame.contains("Searching for “zzqx”…") && !frame.contains("Nothing matches"), "\(frame)")
        #expect(Self.countLine(state).contains("searching…"), "\(Self.countLine(state))")
        _ = Reducer.reduce(&state, .historyLoaded(HistoryPage(filter: "zzqx", rows: [], matchCount: 0, countCapped: false,
                                                              hasMore: false, appending: false)))
        let answered = Screen.render(state).text
        #expect(answered.contains("Nothing matches “zzqx”") && !answered.contains("Searching for"), "\(answered)")
    }

    /// A filter nothing matches says so in the first frame its answer comes in, as
    /// a filter that matches shows its first rows there: two words found often
    /// that never meet, none among the newest rows (a window of 16 here, of
    /// 65,536 ids on the screen), say so at once while the older rows are
    /// searched, then "Nothing matches"; a word in no row says it in one answer.
    @Test func aFilterNothingMatchesSaysSoInTheFirstFrame() async throws {
        let fixture = try GalleryFixture()
        try HistoryFilterScreenTests.lighthousesAndLanterns(fixture)
        var state = makeState(width: 120, height: 40)
        try await fixture.run(press(&state, .function(2)), &state) { $0.history.loaded && !$0.history.counting }
        _ = press(&state, .char("/"))
        for character in "lighthouse 灯塔" { _ = Reducer.reduce(&state, .key(.char(character))) }
        let answers = HistoryFilterScreenTests.Answers()
        let request = HistoryFilterQueue.Request(filter: "lighthouse 灯塔", before: nil, limit: HistoryViewState.pageSize)
        let none = try #require(HistoryFilterQueue.page(fixture.store, request, cancel: HistoryQueryCancel(), early: answers.add, window: 16))
        let first = try #require(answers.early.first)
        _ = Reducer.reduce(&state, first)
        let firstFrame = Screen.render(state).text
        #expect(firstFrame.contains("None of the newest submissions matches “lighthouse 灯塔”; searching the older ones…"), "\(firstFrame)")
        #expect(Self.countLine(state).contains("searching…") && !firstFrame.contains("Nothing matches"), "\(Self.countLine(state))")
        _ = Reducer.reduce(&state, none)
        #expect(Screen.render(state).text.contains("Nothing matches “lighthouse 灯塔”. Esc clears the filter."))
        #expect(Self.countLine(state).contains("no match"), "\(Self.countLine(state))")

        // Through the runner: the first frame with the word's answer says nothing matches.
        var effects = press(&state, .escape)
        effects += press(&state, .char("/"))
        for character in "zzqqxx" { effects += Reducer.reduce(&state, .key(.char(character))) }
        effects.forEach(fixture.runner.perform)
        let frames = try await Self.frames(fixture, &state) { $0.history.rowsFilter == "zzqqxx" && !$0.history.counting }
        let answered = try #require(frames.first { $0.contains("/ zzqqxx") && !$0.contains("searching…") }, "\(frames)")
        #expect(answered.contains("Nothing matches “zzqqxx”") && answered.contains("no match"), "\(answered)")
    }
}
