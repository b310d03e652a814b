// The history filter's queries, run off the event loop (issue 18: every
// filter answers within a frame at 1,000,000 rows). A filter of two common
// words that never meet reads two lists of 80,000 rows to the end: 10-15 ms
// of CPU, and on a loaded machine several times that in waiting for a core.
// Run on the event loop, that held the next key; here the key is drawn at
// once and the rows follow when the query answers.
//
// A filter's first page comes in two answers: the first screenful, found
// among the newest rows, and then the page and its count (the screen says
// "counting…" meanwhile, never a count it does not know). A word alone,
// one index query stopped at the page's end, comes in one (filter20).
//
// The whole history's rows come the same way (filterframe18): its first
// count, an index of every row read (0.87 s at a million rows from a cold
// disk), held the event loop and with it F2's first frame; here the newest
// rows are drawn first and the count follows.
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
        /// Whether the query under way has answered and is readying the
        /// next (`afterAnswer`): any request then stops it, its own filter's too.
        var preparing = false
    }

    /// Answers a request, or nil when its cancel stopped it; what it has
    /// before its answer (a first screenful) it gives to `early`.
    typealias Run = @Sendable (Request, HistoryQueryCancel, _ early: @Sendable (Action) -> Void) -> Action?

    private let run: Run
    /// What a query does once its answer is posted (`prepareNext`).
    private let afterAnswer: @Sendable (Request, HistoryQueryCancel) -> Void
    /// What `letGo` does once the queries queued have run.
    private let release: @Sendable () -> Void
    private let post: @Sendable (Action) -> Void
    private let queue: DispatchQueue
    private let state = Mutex(Queue())

    convenience init(store: HistoryStore, post: @escaping @Sendable (Action) -> Void) {
        self.init(run: { request, cancel, early in Self.page(store, request, cancel: cancel, early: early) },
                  afterAnswer: { request, cancel in Self.prepareNext(store, request, cancel: cancel) },
                  release: { Self.release(store) }, post: post)
    }

    /// `queue`: where the queries run (tests hold it suspended to see what waits).
    init(run: @escaping Run, afterAnswer: @escaping @Sendable (Request, HistoryQueryCancel) -> Void = { _, _ in },
         release: @escaping @Sendable () -> Void = {},
         queue: DispatchQueue = DispatchQueue(label: "zqt.history-filter"), post: @escaping @Sendable (Action) -> Void) {
        self.run = run
        self.afterAnswer = afterAnswer
        self.release = release
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

    /// The history screen was left: once the queries queued have run (on
    /// the queue, so the event loop never waits for the filter's lock), what
    /// the filter keeps between keys is let go of (`release`).
    func letGo() {
        // What an answer readies for the next key is worth nothing now (review24).
        state.withLock { queue in if queue.preparing { queue.running?.cancel.cancel() } }
        queue.async { self.release() }
    }

    private func supersede(_ queue: inout Queue, by filter: String) {
        queue.waiting.removeAll { $0.filter != filter }
        if let running = queue.running, running.request.filter != filter || queue.preparing { running.cancel.cancel() }
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
            if let answer = run(request, cancel, post) {
                post(answer)
                // Only with nothing else asked, and stopped by the next request.
                let idle = state.withLock { queue in
                    queue.preparing = queue.waiting.isEmpty
                    return queue.preparing
                }
                if idle {
                    afterAnswer(request, cancel)
                    state.withLock { $0.preparing = false }
                }
            }
        }
        // No key waiting: what the queries freed (a list's rest and its blob, the
        // rows read, the pages of a reader) goes back to the system before the
        // next key rather than staying resident in this thread's arena (mem24).
        FreedMemory.giveBack()
    }

    /// The page for a request as the reducer takes it, or its failure; nil when cancelled.
    /// A filter's first page comes in two steps (issue 18: the first
    /// screenful before the count): the rows among the newest `window` ids
    /// (up to a screenful), given to `early` with the count still to come,
    /// then the page and the count (up to HistoryViewState.countCap).
    static func page(_ store: HistoryStore, _ request: Request, cancel: HistoryQueryCancel?,
                     early: @Sendable (Action) -> Void = { _ in }, window: Int = firstScreenWindow) -> Action? {
        do throws(HistoryError) {
            // A damaged file's filter is read past its damage below instead (issue 21).
            if !request.filter.isBlank, request.before == nil, let cancel {
                do throws(HistoryError) {
                    // A word alone is one index query stopped at the page's end: the page
                    // costs about what a screenful does, and a screenful first only put the
                    // final answer a frame later, two queries and their rows read (filter20).
                    var first: HistoryMatches?
                    if !store.answersInOneQuery(filter: request.filter) {
                        let firstRows = min(HistoryViewState.firstScreenRows, request.limit)
                        guard let screenful = try store.firstMatches(filter: request.filter, rows: firstRows, cap: firstRows,
                                                                     window: window, cancel: cancel) else { return nil }
                        first = screenful
                        if screenful.searchedAll {
                            return .historyLoaded(HistoryPage(filter: request.filter, rows: screenful.rows, matchCount: screenful.matched,
                                                              countCapped: false, hasMore: false, appending: false))
                        }
                        early(.historyLoaded(HistoryPage(filter: request.filter, rows: screenful.rows, matchCount: screenful.matched,
                                                         countCapped: false, hasMore: false, appending: false, counting: true)))
                    }
                    let cap = max(HistoryViewState.countCap, request.limit)
                    // The page goes on from the screenful's last row.
                    guard let all = try store.firstMatches(filter: request.filter, rows: request.limit, cap: cap,
                                                           window: nil, after: first, cancel: cancel) else { return nil }
                    return .historyLoaded(HistoryPage(filter: request.filter, rows: all.rows, matchCount: all.matched,
                                                      countCapped: !all.searchedAll, hasMore: !all.searchedAll || all.matched > all.rows.count,
                                                      appending: false))
                } catch where error.isDamage {
                    // The read past damage below says how many rows it could not read.
                }
            }
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
            // The rows first, the count after (issue 18): the first count reads an index of every row
            // (seconds from a cold disk at a million rows), which the rows on screen need not wait for.
            // A page not full holds every row, and its count comes at once with it.
            let counts = request.before == nil && !filtered && !damaged && ((try? store.knownCount()) ?? nil) == nil
            if counts, rows.count == request.limit {
                var first = HistoryPage(filter: request.filter, rows: rows, matchCount: rows.count, countCapped: false,
                                        hasMore: rows.count == request.limit, appending: false, counting: true)
                first.unreadable = listing.unreadable
                early(.historyLoaded(first))
            }
            if request.before == nil {
                do throws(HistoryError) {
                    if filtered || damaged {
                        count = rows.count
                    } else {
                        // Stopped by the next filter typed: its query need not wait for a count of every row.
                        guard let counted = try store.count(cancel: cancel) else { return nil }
                        count = counted
                        // The pages the count let go of (the filter's cache, up to 4 MB) go back to the system (mem23).
                        if counts { FreedMemory.giveBack() }
                    }
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

    /// The filter's caches let go of (HistoryStore.letGoOfFilterMemory), and
    /// the pages freed given back: SQLite's pages are allocated one by one
    /// on this queue's thread, among others in its malloc arena, whose freed
    /// pages stay resident until trimmed (mem23).
    static func release(_ store: HistoryStore) {
        store.letGoOfFilterMemory()
        FreedMemory.giveBack()
    }

    /// After a word alone and a space (`lighthouse `), while the next word is
    /// typed: what the next key's plan asks first, read now
    /// (HistoryStore.prepareNextWord), once the space's answer has had time
    /// to be drawn (`drawnFirst`). A key typed meanwhile cancels it, and its
    /// own query reads what it needs.
    static func prepareNext(_ store: HistoryStore, _ request: Request, cancel: HistoryQueryCancel) {
        guard request.before == nil, request.filter.last?.isWhitespace == true, !request.filter.isBlank,
              store.answersInOneQuery(filter: request.filter), cancel.pause(seconds: drawnFirst) else { return }
        try? store.prepareNextWord(filter: request.filter, cancel: cancel)
    }

    /// Seconds the read ahead waits after the answer is posted: run at once,
    /// its 10-20 ms of CPU took a core from the frame drawing that answer
    /// (a real screen under `chrt`, 2 cores: the space's key 11-23 ms before,
    /// 16-34 ms with it). A user's next key comes 100-200 ms after.
    static let drawnFirst = 0.04

    /// Ids searched for the first screenful: the newest 65,536 (of a
    /// million rows, the lists of two common words hold some 6,000 ids
    /// there, well under a millisecond to read).
    static let firstScreenWindow = 65_536
}
