// The history filter's queries, run off the event loop (issue 18: every
// filter answers within a frame at 1,000,000 rows). A filter of two common
// words that never meet reads two lists of 80,000 rows to the end: 10-15 ms
// of CPU, and on a loaded machine several times that in waiting for a core.
// Run on the event loop, that held the next key; here the key is drawn at
// once and the rows follow when the query answers.
//
// Only the filter on screen is worth answering: a request for another
// filter cancels the query under way (HistoryQueryCancel) and the requests
// still waiting, whose answers the reducer would drop. Requests for the
// same filter (its next page, a reload after a poll) all run, in order.

import Dispatch
import Model
import Synchronization

final class HistoryFilterQueue: Sendable {
    struct Request: Equatable, Sendable {
        let filter: String
        let before: Int?
        let limit: Int
    }

    private struct Queue {
        var waiting: [Request] = []
        /// The query under way and its cancel.
        var running: (request: Request, cancel: HistoryQueryCancel)?
    }

    /// Answers a request, or nil when its cancel stopped it.
    typealias Run = @Sendable (Request, HistoryQueryCancel) -> Action?

    private let run: Run
    private let post: @Sendable (Action) -> Void
    private let queue: DispatchQueue
    private let state = Mutex(Queue())

    convenience init(store: HistoryStore, post: @escaping @Sendable (Action) -> Void) {
        self.init(run: { request, cancel in Self.page(store, request, cancel: cancel) }, post: post)
    }

    /// `queue`: where the queries run (tests hold it suspended to see what waits).
    init(run: @escaping Run, queue: DispatchQueue = DispatchQueue(label: "zqt.history-filter"),
         post: @escaping @Sendable (Action) -> Void) {
        self.run = run
        self.queue = queue
        self.post = post
    }

    /// Queues `request`, cancelling the query under way and dropping those
    /// waiting when they are for another filter.
    func submit(_ request: Request) {
        let start = state.withLock { queue in
            supersede(&queue, by: request.filter)
            guard !queue.waiting.contains(request) else { return false }
            queue.waiting.append(request)
            return queue.waiting.count == 1 && queue.running == nil
        }
        if start { self.queue.async { self.runWaiting() } }
    }

    /// A filter answered elsewhere (on the event loop): queries for any other are dropped.
    func supersede(by filter: String) {
        state.withLock { supersede(&$0, by: filter) }
    }

    private func supersede(_ queue: inout Queue, by filter: String) {
        queue.waiting.removeAll { $0.filter != filter }
        if let running = queue.running, running.request.filter != filter { running.cancel.cancel() }
    }

    /// Runs the waiting requests one after another until none is left.
    private func runWaiting() {
        while let (request, cancel) = state.withLock({ queue -> (Request, HistoryQueryCancel)? in
            guard !queue.waiting.isEmpty else {
                queue.running = nil
                return nil
            }
            let next = (queue.waiting.removeFirst(), HistoryQueryCancel())
            queue.running = next
            return next
        }) {
            if let answer = run(request, cancel) { post(answer) }
        }
    }

    /// The page for a request as the reducer takes it, or its failure; nil when cancelled.
    static func page(_ store: HistoryStore, _ request: Request, cancel: HistoryQueryCancel?) -> Action? {
        do throws(HistoryError) {
            // Read past damage (issue 21): the rows SQLite can still read, never an empty page that looks like no history.
            guard let listing = try store.listPastDamage(filter: request.filter, before: request.before, limit: request.limit,
                                                         cancel: cancel) else { return nil }
            let rows = listing.rows
            var damaged = listing.damage != nil
            // The whole history is counted exactly (an index count); matches of a
            // filter only as far as the page, which says "200+" when full: counting
            // every match of a common word would cost more than the keystroke may.
            // A damaged file's count may meet the damage too: the page's rows then.
            let filtered = !request.filter.isBlank
            var count: Int?
            if request.before == nil {
                do throws(HistoryError) {
                    count = filtered || damaged ? rows.count : try store.count()
                } catch where error.isDamage {
                    damaged = true
                    count = rows.count
                }
            }
            var page = HistoryPage(filter: request.filter, rows: rows, matchCount: count,
                                   countCapped: (filtered || damaged) && rows.count == request.limit,
                                   hasMore: rows.count == request.limit, appending: request.before != nil)
            page.damaged = damaged
            page.unreadable = listing.unreadable
            return .historyLoaded(page)
        } catch {
            return .historyFault(error)
        }
    }
}
