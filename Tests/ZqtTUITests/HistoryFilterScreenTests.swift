import Foundation
import Model
import Synchronization
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
    /// Leaving the history screen lets go of the pages the filter read
    /// (issue 18, mem23: 4-5 MB on a million rows, held until zqt ended);
    /// back on it, the filter shows the same rows.
    @Test func leavingTheHistoryLetsGoOfTheFiltersPages() async throws {
        let fixture = try GalleryFixture()
        try Self.lighthousesAndLanterns(fixture)
        var state = makeState(width: 120, height: 40)
        try await fixture.run(press(&state, .function(2)), &state) { $0.history.loaded && $0.history.rows.count == 160 }
        let filter = "lighthouse 1"
        var effects = press(&state, .char("/"))
        for character in filter { effects += Reducer.reduce(&state, .key(.char(character))) }
        effects += press(&state, .enter)
        func answered(_ state: AppState) -> Bool { state.history.rowsFilter == filter && !state.history.counting }
        try await fixture.run(effects, &state, until: answered)
        let rows = state.history.rows.map(\.id)
        #expect(!rows.isEmpty && rows.count < 80)
        let held = fixture.store.filterCacheUsed()
        let left = press(&state, .function(2))
        #expect(state.screen == .compose && left.contains(.letGoOfHistoryFilter))
        try await fixture.run(left, &state) { _ in fixture.store.filterCacheUsed() < held / 2 }
        state.history.rows = []
        try await fixture.run(press(&state, .function(2)), &state) { answered($0) && !$0.history.rows.isEmpty }
        #expect(state.history.rows.map(\.id) == rows, "the same rows after coming back")
    }

    // MARK: Off the event loop (issue 18)

    /// What a queue was asked to run and what it posted, in order.
    final class QueueLog: @unchecked Sendable {
        private let lock = NSLock()
        private var startedRequests: [HistoryFilterQueue.Request] = []
        private var postedFilters: [String] = []
        var started: [HistoryFilterQueue.Request] { lock.withLock { startedRequests } }
        var posted: [String] { lock.withLock { postedFilters } }

        /// A queue whose query for `slow` runs until it is cancelled (a long
        /// list read to its end); every other answers at once with no rows.
        func queue(slow: String = "a", on dispatch: DispatchQueue = DispatchQueue(label: "test.history-filter")) -> HistoryFilterQueue {
            HistoryFilterQueue(run: { request, cancel, _ in
                self.lock.withLock { self.startedRequests.append(request) }
                if request.filter == slow {
                    let deadline = Date().addingTimeInterval(60)
                    while !cancel.isCancelled && Date() < deadline { usleep(1000) }
                    if cancel.isCancelled { return nil }
                }
                return .historyLoaded(HistoryPage(filter: request.filter, rows: [], matchCount: 0, countCapped: false,
                                                  hasMore: false, appending: request.before != nil))
            }, queue: dispatch) { action in
                if case let .historyLoaded(page) = action { self.lock.withLock { self.postedFilters.append(page.filter) } }
            }
        }
    }

    static func request(_ filter: String, before: Int? = nil) -> HistoryFilterQueue.Request {
        HistoryFilterQueue.Request(filter: filter, before: before, limit: HistoryViewState.pageSize)
    }

    @Test func theNextKeyCancelsTheQueryUnderWay() async throws {
        let log = QueueLog(), dispatch = DispatchQueue(label: "test.history-filter")
        let queue = log.queue(on: dispatch)
        queue.submit(Self.request("a"))
        try await eventually("the first query under way") { log.started.count == 1 }
        queue.submit(Self.request("ab"))
        try await eventually("the second filter answered") { log.posted == ["ab"] }
        dispatch.sync {}
        #expect(log.posted == ["ab"], "the cancelled query posts nothing")
        #expect(log.started == [Self.request("a"), Self.request("ab")])
    }

    /// What a filter's answer readies for the next key (a word's list read
    /// while the next word is typed) waits for nothing: any request stops
    /// it, one for the same filter (its next page) too.
    @Test func theNextRequestStopsWhatAnAnswerReadiesForTheNextKey() async throws {
        let readying = Mutex<[Bool]>([]), dispatch = DispatchQueue(label: "test.history-filter")
        let posted = Mutex<[HistoryFilterQueue.Request]>([])
        let queue = HistoryFilterQueue(run: { request, _, _ in
            posted.withLock { $0.append(request) }
            return .historyLoaded(HistoryPage(filter: request.filter, rows: [], matchCount: 0, countCapped: false,
                                              hasMore: false, appending: request.before != nil))
        }, afterAnswer: { request, cancel in
            guard request.before == nil, request.filter.hasSuffix(" ") else { return }
            // Readies until stopped (a minute at most).
            readying.withLock { $0.append(true) }
            let stopped = !cancel.pause(seconds: 60)
            readying.withLock { $0.append(stopped) }
        }, queue: dispatch) { _ in }
        queue.submit(Self.request("lighthouse "))
        try await eventually("readying the next key") { readying.withLock { $0 } == [true] }
        queue.submit(Self.request("lighthouse ", before: 9))
        try await eventually("the page answered") { posted.withLock { $0.count } == 2 }
        #expect(readying.withLock { $0 } == [true, true], "the page's request stopped it")
        queue.submit(Self.request("lighthouse 灯 "))
        try await eventually("readying after the next key") { readying.withLock { $0 }.count == 3 }
        queue.submit(Self.request("lighthouse 灯塔"))
        try await eventually("the next key answered") { posted.withLock { $0.count } == 4 }
        #expect(readying.withLock { $0 } == [true, true, true, true])
    }

    @Test func requestsForAnotherFilterAreDroppedAndThoseForTheSameAllRun() async throws {
        let log = QueueLog(), dispatch = DispatchQueue(label: "test.history-filter")
        let queue = log.queue(on: dispatch)
        dispatch.suspend()  // nothing runs: every request waits
        queue.submit(Self.request("l"))
        queue.submit(Self.request("li"))
        queue.submit(Self.request("li", before: 9))  // its next page
        queue.submit(Self.request("li"))  // asked again while waiting: once is enough
        dispatch.resume()
        try await eventually("the filter's pages answered") { log.posted.count == 2 }
        dispatch.sync {}
        #expect(log.started == [Self.request("li"), Self.request("li", before: 9)], "\"l\" was dropped unread")
        #expect(log.posted == ["li", "li"])
    }

    @Test func clearingTheFilterCancelsItsQuery() async throws {
        let log = QueueLog(), dispatch = DispatchQueue(label: "test.history-filter")
        let queue = log.queue(on: dispatch)
        queue.submit(Self.request("a"))
        try await eventually("the query under way") { log.started.count == 1 }
        queue.submit(Self.request(""))  // the whole history, off the event loop too (filterframe18)
        try await eventually("the whole history answered") { log.posted == [""] }
        dispatch.sync {}
        #expect(log.posted == [""], "a stopped query posts nothing")
    }

    /// Typed faster than the history answers, the screen ends on the rows
    /// of the whole filter, never on an earlier key's.
    @Test func typedAtOnceTheScreenShowsTheWholeFiltersRows() async throws {
        let fixture = try GalleryFixture()
        try fixture.keep("a lighthouse at dusk", idTask: Self.lighthouse, images: 1)
        try fixture.keep("portrait of a cat", idTask: Self.cat, images: 1)
        try fixture.keep("lighthouse keeper's cat", idTask: Self.outpaintingLighthouse, images: 1)
        var state = makeState(width: 160, height: 30)
        try await fixture.run(press(&state, .function(2)), &state) { $0.history.loaded && $0.history.rows.count == 3 }
        var effects = press(&state, .char("/"))
        for character in "lighthouse cat" { effects += Reducer.reduce(&state, .key(.char(character))) }
        try await fixture.run(effects, &state) { $0.history.filter.text == "lighthouse cat" && shown($0) == [Self.outpaintingLighthouse] }
        #expect(state.history.rows.map(\.idTask) == [Self.outpaintingLighthouse])
    }

    // MARK: The first screenful before the count (issue 18)

    /// What a filter's query gave before its answer, and the answer.
    final class Answers: @unchecked Sendable {
        private let lock = NSLock()
        private var given: [Action] = []
        var early: [Action] { lock.withLock { given } }
        func add(_ action: Action) { lock.withLock { given.append(action) } }
    }

    /// 80 rows of `灯塔雨夜`, then 80 of `a lighthouse at dusk`: two words
    /// found often that never meet, and one word with more matches than a
    /// screenful.
    static func lighthousesAndLanterns(_ fixture: GalleryFixture) throws {
        try fixture.store.inOneTransaction {
            for (index, prompt) in (Array(repeating: "灯塔雨夜", count: 80) + Array(repeating: "a lighthouse at dusk", count: 80)).enumerated() {
                var request = Request.new(for: .controlNet, taskID: String(format: "zqt-20261206-100000-%03d-eeee", index))
                request["prompt"] = .string(prompt + " \(index)")
                _ = try fixture.store.recordSending(request, baseURL: "http://127.0.0.1:9", profile: "t")
            }
        }
    }

    /// The filter line's count, as the screen shows it.
    static func countLine(_ state: AppState) -> String {
        Screen.render(state).text.split(separator: "\n", omittingEmptySubsequences: false).first { $0.contains(" / ") }.map(String.init) ?? ""
    }

    /// A word alone answers at once with its count; two words show their
    /// first screenful with "counting…" (never a count it does not know),
    /// then the page with the count; two words
    /// that never meet show "searching…" and that none of the newest rows
    /// matches, not "Nothing matches", until every row has been searched.
    @Test func theFirstScreenfulComesWithCountingThenTheCount() async throws {
        let fixture = try GalleryFixture()
        try Self.lighthousesAndLanterns(fixture)
        var state = makeState(width: 120, height: 40)
        try await fixture.run(press(&state, .function(2)), &state) { $0.history.loaded && $0.history.rows.count == 160 }
        #expect(Self.countLine(state).contains("160 submissions"))
        _ = press(&state, .char("/"))

        // A word alone (one index query stopped at the page's end) in 80 rows:
        // its page and count in one answer, nothing shown "counting…" (filter20).
        for character in "lighthouse" { _ = Reducer.reduce(&state, .key(.char(character))) }
        #expect(Self.countLine(state).contains("searching…"), "the rows shown are not yet the filter's: \(Self.countLine(state))")
        let alone = Answers()
        let aloneRequest = HistoryFilterQueue.Request(filter: "lighthouse", before: nil, limit: HistoryViewState.pageSize)
        let whole = try #require(HistoryFilterQueue.page(fixture.store, aloneRequest, cancel: HistoryQueryCancel(), early: alone.add, window: 16))
        #expect(alone.early.isEmpty, "a word alone's page is one query: no first screenful before it")
        _ = Reducer.reduce(&state, whole)
        #expect(state.history.rows.count == 80 && state.history.rows.allSatisfy { $0.prompt.contains("lighthouse") })
        #expect(Self.countLine(state).contains("80 matches") && !Self.countLine(state).contains("counting"), "\(Self.countLine(state))")

        // Two words in 80 rows (their lists merged, rows checked): a screenful (64) shown first.
        _ = press(&state, .escape)
        _ = press(&state, .char("/"))
        for character in "lighthouse at" { _ = Reducer.reduce(&state, .key(.char(character))) }
        #expect(Self.countLine(state).contains("searching…"), "the rows shown are not yet the filter's: \(Self.countLine(state))")
        let answers = Answers()
        let request = HistoryFilterQueue.Request(filter: "lighthouse at", before: nil, limit: HistoryViewState.pageSize)
        let answer = try #require(HistoryFilterQueue.page(fixture.store, request, cancel: HistoryQueryCancel(), early: answers.add, window: 100))
        #expect(answers.early.count == 1)
        for action in answers.early { _ = Reducer.reduce(&state, action) }
        #expect(state.history.rows.count == HistoryViewState.firstScreenRows)
        #expect(Self.countLine(state).contains("64+ matches, counting…"), "\(Self.countLine(state))")
        #expect(Screen.render(state).text.contains("a lighthouse at dusk 159"), "the newest first")
        _ = Reducer.reduce(&state, answer)
        #expect(state.history.rows.count == 80 && state.history.rows.allSatisfy { $0.prompt.contains("lighthouse") })
        #expect(Self.countLine(state).contains("80 matches") && !Self.countLine(state).contains("counting"), "\(Self.countLine(state))")
        // A reload's first screenful (after a poll) hides nothing of the whole answer shown.
        for action in answers.early { _ = Reducer.reduce(&state, action) }
        #expect(state.history.rows.count == 80 && Self.countLine(state).contains("80 matches"))

        // Two words that never meet: the newest rows first (none), "searching…", then "no match".
        _ = press(&state, .escape)
        _ = press(&state, .char("/"))
        for character in "lighthouse 灯塔" { _ = Reducer.reduce(&state, .key(.char(character))) }
        let never = Answers()
        let neverRequest = HistoryFilterQueue.Request(filter: "lighthouse 灯塔", before: nil, limit: HistoryViewState.pageSize)
        let none = try #require(HistoryFilterQueue.page(fixture.store, neverRequest, cancel: HistoryQueryCancel(), early: never.add, window: 16))
        #expect(never.early.count == 1)
        for action in never.early { _ = Reducer.reduce(&state, action) }
        #expect(state.history.rows.isEmpty)
        #expect(Self.countLine(state).contains("searching…"), "\(Self.countLine(state))")
        #expect(!Screen.render(state).text.contains("Nothing matches"), "not said before every row was searched")
        #expect(Screen.render(state).text.contains("None of the newest submissions matches"), "what is known is said (filterframe18)")
        _ = Reducer.reduce(&state, none)
        #expect(Self.countLine(state).contains("no match"))
        #expect(Screen.render(state).text.contains("Nothing matches “lighthouse 灯塔”"))

        // Through the event loop's queue, the screen ends on the page and its count.
        _ = press(&state, .escape)
        var effects = press(&state, .char("/"))
        for character in "dusk" { effects += Reducer.reduce(&state, .key(.char(character))) }
        try await fixture.run(effects, &state) { Self.countLine($0).contains("80 matches") }
        #expect(state.history.rows.count == 80 && state.history.rowsFilter == "dusk" && !state.history.counting)
    }

    /// More matches than a page: the count says "200+" and the next page
    /// is still asked for as the selection nears the end.
    @Test func aFullPageSaysSoAndTheNextPageFollows() async throws {
        let fixture = try GalleryFixture()
        try fixture.store.inOneTransaction {
            for index in 0..<230 {
                var request = Request.new(for: .controlNet, taskID: String(format: "zqt-20261206-110000-%03d-ffff", index))
                request["prompt"] = .string("a lighthouse at dusk \(index)")
                _ = try fixture.store.recordSending(request, baseURL: "http://127.0.0.1:9", profile: "t")
            }
        }
        var state = makeState(width: 120, height: 40)
        try await fixture.run(press(&state, .function(2)), &state) { $0.history.loaded }
        var effects = press(&state, .char("/"))
        for character in "lighthouse" { effects += Reducer.reduce(&state, .key(.char(character))) }
        try await fixture.run(effects, &state) { $0.history.rowsFilter == "lighthouse" && !$0.history.counting }
        #expect(state.history.rows.count == HistoryViewState.pageSize && state.history.hasMore)
        #expect(Self.countLine(state).contains("200+ matches"), "\(Self.countLine(state))")
        _ = press(&state, .enter)  // the filter left, the list's keys move the selection
        var next: [Effect] = []
        for _ in 0..<HistoryViewState.pageSize { next += press(&state, .down) }
        try await fixture.run(next, &state) { $0.history.rows.count == 230 }
        #expect(Self.countLine(state).contains("200+ matches"))
    }
}
