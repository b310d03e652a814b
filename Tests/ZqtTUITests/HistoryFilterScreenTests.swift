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
            HistoryFilterQueue(run: { request, cancel in
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
        queue.supersede(by: "")  // the whole history, answered on the event loop
        dispatch.sync {}  // returns once the query has stopped (it would run for a minute)
        #expect(log.posted.isEmpty, "a stopped query posts nothing")
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
}
