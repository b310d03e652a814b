// `zqt bench history`: the history screen's figures over a large history
// (issue 4), measured through the same code a key press runs: the reducer,
// the effect runner's store query (a filter's on its own queue, issue 18),
// the reducer again, and rendering the screen grid. Only the terminal's own drawing is left out (it sends the
// cells that changed, and is measured by scripts/tools/wire-bytes).

import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Model

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the history screen or the gallery over a large generated history, the compose screen's own costs, typing into a large field, a sweep, or memory at start.",
        // A line ending in \ goes on unbroken: the parser wraps each line of its own at the
        // terminal's width, so a line broken in the source came out as a short line (newcomer19).
        discussion: """
        zqt bench compose
        prints what start-up and typing cost inside zqt: reading the endpoint catalog, the first \
        frame of each endpoint's form rendered to the grid, and a typed character.
        zqt bench history --rows 1000000 --home /tmp/zqt-bench
        fills the history (once; it is reused while it has the rows) and prints the median, p95 and \
        worst times of opening the history screen and of each filter keystroke, the worst filters \
        included (words found often that never meet, one- and two-letter words, Chinese, endpoint \
        names).
        Start zqt on the same history to measure its first frame:
        ZQT_HOME=/tmp/zqt-bench scripts/tools/first-frame "exactly what is sent" .build/release/zqt \
        --sandbox
        zqt bench gallery --pictures 10000 --home /tmp/zqt-bench-gallery
        fills a history whose rows have kept pictures with real PNG thumbnails (once), and prints \
        the gallery's first frame, the time until every visible thumbnail is drawn, and the \
        thumbnails decoded and the resident memory while scrolling through it.
        zqt bench sweep --tasks 1000 --parallel 16 --task-seconds 0.2
        runs a sweep against a sandbox in this process and prints its wall time, CPU time and peak \
        resident memory (its lines go to standard error).
        zqt bench startup
        prints resident memory without network use, after the start-up key check and model lists \
        (libcurl loaded), and after one send followed to its end.
        zqt bench typing --megabytes 1 --keys 60 --field prompt
        pastes that much into the prompt (through the input decoder, as a terminal's bracketed \
        paste) and types keys into it at 20 a second (after the paste, then twenty lines up): per \
        key p50/p90, CPU, bytes written, and resident memory with its peak after the paste, the keys \
        and the edit's end; then ten keys a second apart (a draft's save each, as on the screen): \
        the bytes each writes to the history's log (history.sqlite-wal) and elsewhere (its \
        checkpoints). The real screen's figures (ncurses and the in-process sandbox included): \
        scripts/measure-screen-typing.py.
        --field negative, json (a JSON object field), other (a custom request's Other fields) or \
        urls (a URL list, 10,000 lines a megabyte) types into that field instead.
        --preview-scrolled 3 then leaves the field, presses ] three times (the JSON preview scrolled \
        into the text: each ]'s CPU), edits again and types the same keys.
        --preview-far middle (or end) scrolls the preview to the text's middle (or end) before those \
        ] presses, as a few thousand ] would: the window far into a long line.
        """
    )

    @Argument(help: "What to measure: history, gallery, compose, typing, sweep or startup.")
    var what: String = "history"

    @Option(help: "Rows of history to measure over.")
    var rows: Int = 100_000

    @Option(help: "Kept pictures to measure the gallery over.")
    var pictures: Int = 10_000

    @Option(help: "The history folder to fill and measure (kept, so zqt can be started on it).")
    var home: String = "/tmp/zqt-bench"

    @Option(help: "Megabytes pasted into the prompt before typing.")
    var megabytes: Int = 1

    @Option(help: "Keys typed into the pasted prompt.")
    var keys: Int = 60

    @Option(help: "typing: the large field typed into: prompt, negative, json, other or urls.")
    var field: String = "prompt"

    @Option(name: .customLong("preview-scrolled"), help: "typing: ] presses before typing again with the preview scrolled (0: not measured).")
    var previewScrolled: Int = 0

    @Option(name: .customLong("preview-far"), help: "typing: with --preview-scrolled, the preview first scrolled to the long field's middle or end (middle, end), as many ] would.")
    var previewFar: String?

    @Option(name: .customLong("typing-at"), help: "typing: with --preview-scrolled, where the keys go once the field is entered again (end, start: above the preview's window).")
    var typingAt: String = "end"

    @Option(name: .customLong("filter"), help: "history: a filter to measure instead of the usual ones (repeatable).")
    var onlyFilters: [String] = []

    @Flag(name: .customLong("every-key"), help: "history: print each key's figures, not only the three slowest.")
    var everyKey = false

    @Flag(name: .customLong("leave-between"), help: "history: leave the history screen (F2) after each repeat of a filter, so the next repeat's keys come after coming back (its caches let go of).")
    var leaveBetween = false

    @Option(name: .customLong("filter-cache-kib"), help: "history: the filter's page cache, KiB (zqt's own size if not given), to measure one size against another.")
    var filterCacheKiB: Int?

    @Option(help: "Times each measurement is repeated.")
    var repeats: Int = 15

    @Option(help: "sweep: how many tasks.")
    var tasks: Int = 1000

    @Option(help: "sweep: how many at once (as send's --parallel).")
    var parallel: Int = 16

    @Option(name: .customLong("task-seconds"), help: "sweep, startup: how long the sandbox's tasks take.")
    var taskSeconds: Double = 0.2

    func validate() throws {
        guard ["history", "gallery", "compose", "sweep", "startup", "typing"].contains(what) else {
            throw ValidationError("'history', 'gallery', 'compose', 'sweep', 'startup' or 'typing' can be measured")
        }
        guard (1...SweepOptions.maxParallel).contains(parallel), (1...100_000).contains(tasks), (0...600).contains(taskSeconds) else {
            throw ValidationError("--parallel 1 to \(SweepOptions.maxParallel), --tasks 1 to 100000, --task-seconds 0 to 600")
        }
        guard (1...64).contains(megabytes), (2...1000).contains(keys), (0...100).contains(previewScrolled) else {
            throw ValidationError("--megabytes 1-64, --keys 2-1000, --preview-scrolled 0-100")
        }
        if let previewFar, !["middle", "end"].contains(previewFar) || previewScrolled == 0 {
            throw ValidationError("--preview-far middle or end, with --preview-scrolled 1-100")
        }
        guard ["end", "start"].contains(typingAt) else { throw ValidationError("--typing-at end or start") }
    }

    func run() throws {
        if what == "compose" { return try runCompose() }
        if what == "gallery" { return try runGallery() }
        if what == "sweep" { return try runSweepBench() }
        if what == "startup" { return try runStartupBench() }
        if what == "typing" { return try runTyping() }
        if let filterCacheKiB { CandidateLists.sizeFilterCache(kib: filterCacheKiB) }
        let store = try HistoryStore.open(inFolder: home)
        let existing = try store.count()
        if existing < rows {
            let started = monotonicSeconds()
            try HistoryFiller.fill(store, rows: rows - existing)
            print("filled \(rows - existing) rows in \(String(seconds: monotonicSeconds() - started))")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: store.path)[.size]).flatMap { $0 as? any BinaryInteger }.map { Int($0) } ?? 0
        print("history: \(try store.count()) rows, \(size >> 20) MB at \(store.path)")
        print("the filter's page cache: \(CandidateLists.pageCacheKiB) KiB, each reader's beside it: \(CandidateLists.readerCacheKiB) KiB")

        let configuration = ClientConfiguration(baseURL: "http://127.0.0.1:9", credentials: nil, timeout: 5, profile: "bench")
        let inbox = ActionInbox()
        var runner = EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration,
                                  store: store, inbox: inbox)
        func compose() -> AppState {
            var state = AppState(request: Request.new(for: .controlNet, taskID: "zqt-bench"),
                                 connection: ConnectionInfo(baseURL: configuration.baseURL, profile: "bench", isSandbox: false))
            state.view.size = Size(width: 120, height: 40)
            return state
        }
        /// Reduces what the inbox holds and what follows from it, as the
        /// terminal loop does.
        func settle(_ state: inout AppState) {
            var actions = inbox.drain()
            while !actions.isEmpty {
                var effects: [Effect] = []
                for action in actions { effects += Reducer.reduce(&state, action) }
                effects.forEach(runner.perform)
                actions = inbox.drain()
            }
        }
        /// One key as the terminal loop handles it: reduce, perform, reduce
        /// the answers already there, render. A filter's rows come later
        /// (HistoryFilterQueue): `waitFor` waits for them.
        func press(_ key: Key, _ state: inout AppState) {
            let effects = Reducer.reduce(&state, .key(key))
            effects.forEach(runner.perform)
            settle(&state)
            _ = Screen.render(state)
        }
        /// The rows shown answer the filter typed (its first screenful at least).
        func shown(_ state: AppState) -> Bool { state.history.loaded && state.history.rowsFilter == state.history.filter.text }
        /// And its count is known (issue 18: it follows the first screenful).
        func counted(_ state: AppState) -> Bool { shown(state) && !state.history.counting }
        /// Waits until `done`, as the terminal loop waits on the inbox, drawing what comes.
        func waitFor(_ state: inout AppState, until done: (AppState) -> Bool) {
            while !done(state) {
                var ready = pollfd(fd: inbox.readFD, events: Int16(POLLIN), revents: 0)
                _ = poll(&ready, 1, 1000)
                settle(&state)
                _ = Screen.render(state)
            }
        }

        // A zqt's first F2 (filterframe18): its store has not counted yet, and
        // the first count reads an index of every row (from the page cache
        // here, as after a zqt that ran before; from a cold disk it takes most
        // of a second). The rows come first, then the count.
        var firstRows: [Double] = [], firstCount: [Double] = []
        let benchRunner = runner
        for _ in 0..<repeats {
            runner = EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration,
                                  store: try HistoryStore.open(inFolder: home), inbox: inbox)
            var state = compose()
            let started = monotonicSeconds()
            press(.function(2), &state)
            waitFor(&state) { $0.history.loaded }
            firstRows.append(monotonicSeconds() - started)
            waitFor(&state, until: counted)
            firstCount.append(monotonicSeconds() - started)
        }
        runner = benchRunner
        report("a zqt's first F2: its newest rows drawn", firstRows)
        report("a zqt's first F2: the count drawn", firstCount)

        var opening: [Double] = []
        for _ in 0..<repeats {
            var state = compose()
            let started = monotonicSeconds()
            press(.function(2), &state)
            waitFor(&state, until: counted)
            opening.append(monotonicSeconds() - started)
            precondition(state.history.rows.count == HistoryViewState.pageSize, "the first page loaded")
        }
        report("open the history screen (F2)", opening)

        // Filters as people type them: a word, a Chinese word, a task id
        // fragment, a state, two words, a miss. The first one or two
        // characters of each go through the word index, the rest through
        // the trigram index (HistoryFilter). Then the worst kinds at a
        // million rows (issue 18): words found often alone that never meet
        // (two long ones, a long one and one or two Chinese characters, two
        // Chinese words, a long word and one letter), endpoint names and
        // `endpoint:` (issue 19). Each keystroke is timed, and apart from them
        // the last one, which asks for the whole filter.
        let usual = ["lighthouse", "灯塔雨夜", "20261", "failed", "studio light", "zebra",
                       "lighthouse 灯塔", "lighthouse 雨", "猫 灯塔", "portrait lighthouse", "cat 灯塔 s", "灯塔 x",
                       "outpainting", "endpoint:outpaint", "endpoint:controlnet 灯塔 lighthouse"]
        let filters = onlyFilters.isEmpty ? usual : onlyFilters
        // Each keystroke: its frame (the key drawn, the event loop free again),
        // its answer (the rows for the filter drawn, HistoryFilterQueue), and
        // the CPU the process spent between the key and the answer, which on a
        // loaded machine is the figure that does not wait for a core.
        // Then the filter typed at once, a key every 30 ms (a fast typist),
        // each key cancelling the query of the one before: key to rows drawn
        // for the last one.
        print("load average: \(Self.loadAverage())")
        for filter in filters {
            var frames: [Double] = [], answers: [Double] = [], cpu: [Double] = [], counts: [Double] = [], countCPU: [Double] = []
            var whole: [Double] = [], wholeCPU: [Double] = [], wholeCount: [Double] = [], typed: [Double] = []
            // The first time the filter is typed its lists are read (a million
            // rows: the costliest keys); after, they are kept (HistoryCandidates).
            var coldCPU: [Double] = [], coldCountCPU: [Double] = []
            // Each key's filter with its figures: the slowest are named below,
            // so a worst figure says which key (and whether cold) it was.
            var keyed: [(filter: String, answer: Double, cpu: Double, count: Double, cold: Bool)] = []
            // What SQLite's page caches of the filter held as the filter was answered (mem23).
            var held = 0
            // Pages the filter's connection found in its cache, and read from the file, while it was typed (mem24).
            let (hitsBefore, missesBefore) = store.filterCacheHitsAndMisses()
            for repeated in 0..<repeats {
                var state = compose()
                press(.function(2), &state)
                waitFor(&state, until: counted)
                press(.char("/"), &state)
                let keys = filter.map { Key.char($0) } + filter.map { _ in Key.backspace }
                for (index, key) in keys.enumerated() {
                    let started = monotonicSeconds(), startedCPU = Self.cpuSeconds()
                    press(key, &state)
                    frames.append(monotonicSeconds() - started)
                    waitFor(&state, until: shown)
                    answers.append(monotonicSeconds() - started)
                    cpu.append(Self.cpuSeconds() - startedCPU)
                    waitFor(&state, until: counted)
                    counts.append(monotonicSeconds() - started)
                    countCPU.append(Self.cpuSeconds() - startedCPU)
                    if repeated == 0 {
                        coldCPU.append(cpu.last ?? 0)
                        coldCountCPU.append(countCPU.last ?? 0)
                    }
                    let typedSoFar = index < filter.count ? index + 1 : 2 * filter.count - index - 1
                    keyed.append((String(filter.prefix(typedSoFar)), answers.last ?? 0, cpu.last ?? 0, counts.last ?? 0, repeated == 0))
                    if index == filter.count - 1 {
                        whole.append(answers.last ?? 0)
                        wholeCPU.append(cpu.last ?? 0)
                        wholeCount.append(counts.last ?? 0)
                    }
                }
                var last = 0.0
                for character in filter {
                    while monotonicSeconds() < last + 0.030 {
                        var ready = pollfd(fd: inbox.readFD, events: Int16(POLLIN), revents: 0)
                        _ = poll(&ready, 1, Int32(max(1, (last + 0.030 - monotonicSeconds()) * 1000)))
                        settle(&state)
                    }
                    last = monotonicSeconds()
                    press(.char(character), &state)
                }
                waitFor(&state, until: shown)
                typed.append(monotonicSeconds() - last)
                waitFor(&state, until: counted)
                held = store.filterCacheUsed()
                if leaveBetween { press(.function(2), &state) }
            }
            print("filter \"\(filter)\", typed and deleted a key at a time:")
            report("  a key's frame", frames)
            report("  a key's first screenful (rows drawn)", answers)
            report("  a key's CPU to its first screenful", cpu)
            report("  a key's CPU to its first screenful, the first time typed (lists read cold)", coldCPU)
            report("  a key's count (the whole page and its count drawn)", counts)
            report("  a key's CPU to its count", countCPU)
            report("  a key's CPU to its count, the first time typed", coldCountCPU)
            report("  the last key's first screenful (the whole filter)", whole)
            report("  the last key's CPU to its first screenful", wholeCPU)
            report("  the last key's count", wholeCount)
            report("  typed at a key every 30 ms: the last key's first screenful", typed)
            print("  the filter's page caches after it: \(held >> 10) KiB")
            let (hits, misses) = store.filterCacheHitsAndMisses()
            let (hit, missed) = (max(0, hits - hitsBefore), max(0, misses - missesBefore))
            print("  pages the filter's connection found in its cache: \(hit), read from the file: \(missed)"
                  + (hit + missed > 0 ? " (\(100 * hit / (hit + missed))% found)" : ""))
            // The slowest by their count, the final answer: a key's first
            // screenful may come in time while its count does not.
            for key in everyKey ? keyed : Array(keyed.sorted(by: { $0.count > $1.count }).prefix(3)) {
                print("  \(everyKey ? "key" : "slow key"): \"\(key.filter)\"\(key.cold ? " (first time typed)" : ""): first screenful \(String(milliseconds: key.answer)), "
                      + "CPU \(String(milliseconds: key.cpu)), count \(String(milliseconds: key.count))")
            }
        }
        print("load average: \(Self.loadAverage())")

        var opens: [Double] = []
        for _ in 0..<repeats {
            let started = monotonicSeconds()
            let reopened = try HistoryStore.open(inFolder: home)
            _ = try reopened.loadDraft()
            opens.append(monotonicSeconds() - started)
        }
        report("open the history file and read the draft (on the start-up path)", opens)
    }

    /// The compose screen's costs on the start-up path and per key (issue 7:
    /// the catalog is read at start, forms are built from it).
    func runCompose() throws {
        func time(_ body: () throws -> Void) rethrows -> Double {
            let started = monotonicSeconds()
            try body()
            return monotonicSeconds() - started
        }
        var parse: [Double] = []
        for _ in 0..<repeats {
            parse.append(try time { _ = try EndpointCatalog(json: EndpointCatalog.shippedJSON) })
        }
        report("read the endpoint catalog (\(EndpointCatalog.shippedJSON.utf8.count / 1024) KB, \(EndpointCatalog.shipped.endpoints.count) endpoints)", parse)
        let connection = ConnectionInfo(baseURL: "http://127.0.0.1:9", profile: "bench", isSandbox: false)
        for endpoint in EndpointCatalog.shipped.endpoints where endpoint.ready {
            var frames: [Double] = []
            var keys: [Double] = []
            for _ in 0..<repeats {
                var state = AppState(request: .new(for: endpoint, taskID: "zqt-bench"), connection: connection)
                state.view.size = Size(width: 120, height: 40)
                frames.append(time { _ = Screen.render(state) })
                _ = Reducer.reduce(&state, .key(.enter))
                for character in "a lighthouse" {
                    keys.append(time {
                        _ = Reducer.reduce(&state, .key(.char(character)))
                        _ = Screen.render(state)
                    })
                }
            }
            report("\(endpoint.title): first frame to the grid", frames)
            report("\(endpoint.title): a character typed into the prompt (reducer and render)", keys)
        }
        try benchModelLists(connection: connection, time: time)
    }

    /// The model lists at their largest (ModelListReader.maxItems): read from
    /// the cache (off the first frame, but it delays the pickers), and the
    /// form and the checkpoint picker with them loaded (issue 9).
    private func benchModelLists(connection: ConnectionInfo, time: (() throws -> Void) throws -> Double) throws {
        let count = ModelListReader.maxItems
        let items = (0..<count).map { ModelItem(name: "checkpoint_\($0)_v\($0 % 7).safetensors", displayName: "Checkpoint \($0)",
                                                baseModel: $0 % 3 == 0 ? "SDXL 1.0" : "SD 1.5") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zqt-bench-lists-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try HistoryStore.open(inFolder: folder)
        try store.saveModelList(ModelList(kind: .checkpoint, items: items, fetchedAt: Date(), path: ModelListKind.checkpoint.defaultPath),
                                service: "bench")
        var reads: [Double] = []
        var lists: [ModelListKind: ModelList] = [:]
        for _ in 0..<repeats { reads.append(try time { lists = try store.loadModelLists(service: "bench") }) }
        report("model lists: \(count) checkpoints read from the cache", reads)
        var frames: [Double] = [], keys: [Double] = [], opens: [Double] = [], filters: [Double] = []
        for _ in 0..<repeats {
            var state = AppState(request: .new(for: .controlNet, taskID: "zqt-bench"), connection: connection)
            state.view.size = Size(width: 120, height: 40)
            _ = Reducer.reduce(&state, .modelListsCached(lists, now: Date()))
            frames.append(try time { _ = Screen.render(state) })
            _ = Reducer.reduce(&state, .key(.enter))
            keys.append(try time {
                _ = Reducer.reduce(&state, .key(.char("a")))
                _ = Screen.render(state)
            })
            _ = Reducer.reduce(&state, .key(.enter))
            Reducer.moveFocus(&state, to: FieldID("alwayson_scripts.sd_model_checkpoint"))
            opens.append(try time {
                _ = Reducer.reduce(&state, .key(.enter))
                _ = Screen.render(state)
            })
            filters.append(try time {
                _ = Reducer.reduce(&state, .key(.char("9")))
                _ = Screen.render(state)
            })
        }
        report("ControlNet with \(count) checkpoints loaded: a frame", frames)
        report("ControlNet with \(count) checkpoints loaded: a character typed into the prompt", keys)
        report("the checkpoint picker opened over \(count) items", opens)
        report("a character typed into its filter", filters)
    }

    /// /proc/loadavg's first three figures: every timed figure is read beside it.
    static func loadAverage() -> String {
        procFile("/proc/loadavg").split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// The sample at `percent` of sorted samples (nearest rank, rounded down), in whole-number
    /// arithmetic: no Double-to-Int conversion that could trap. Every bench reads its percentiles here.
    static func percentile(_ percent: Int, of sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, sorted.count * percent / 100)]
    }

    func report(_ what: String, _ samples: [Double]) {
        let sorted = samples.sorted()
        let median = Self.percentile(50, of: sorted)
        let p95 = Self.percentile(95, of: sorted)
        print("\(what): median \(String(milliseconds: median)), p95 \(String(milliseconds: p95)), worst \(String(milliseconds: sorted.last!)) (\(samples.count) samples)")
    }
}

/// Generated submissions that look like a real user's: varied prompts in
/// English and Chinese, several models, mostly successes with results.
enum HistoryFiller {
    static let subjects = ["a lighthouse at dusk", "portrait of a cat", "a red bicycle in the snow", "一只猫在雨中",
                           "mountain lake at sunrise", "灯塔雨夜", "a girl kneeling in the rain", "cyberpunk street market",
                           "watercolor fox in a forest", "山水画, 远山", "a robot reading a book", "still life with lemons"]
    static let styles = ["masterpiece, best quality", "film grain, 85mm", "soft light", "highly detailed", "动漫风格",
                         "oil painting", "studio lighting", "cinematic", "pastel colors", "sharp focus"]
    static let models = ["revAnimated_v122_7371.safetensors", "photon_v1_84728.safetensors", "majicmixRealistic_v7.safetensors",
                         "dreamshaper_8.safetensors", "AnythingV5_v5PrtRE.safetensors"]

    /// Rows written per transaction: one each took over three hours for a million.
    static let rowsPerTransaction = 10_000

    static func fill(_ store: HistoryStore, rows: Int) throws {
        let start = Date().addingTimeInterval(-Double(rows) * 60)
        var written = 0
        while written < rows {
            let count = min(rowsPerTransaction, rows - written)
            try store.inOneTransaction { try fill(store, rows: written..<(written + count), start: start) }
            written += count
        }
    }

    static func fill(_ store: HistoryStore, rows: Range<Int>, start: Date) throws {
        let example = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        for index in rows {
            var request = example
            request["prompt"] = .string(subjects.randomElement()! + ", "
                + (0..<Int.random(in: 2...6)).map { _ in styles.randomElement()! }.joined(separator: ", "))
            request["alwayson_scripts.sd_model_checkpoint"] = .string(models.randomElement()!)
            let at = start.addingTimeInterval(Double(index) * 60)
            request.taskID = TaskIDGenerator(now: { at }).next()
            let seed = Int.random(in: 0..<4_000_000_000)
            request["seed"] = .int(seed)
            let id = try store.recordSending(request, baseURL: ClientConfiguration.defaultBaseURL, profile: "default", at: at)
            switch Int.random(in: 0..<100) {
            case 0..<5:
                try store.recordSendFailed(id: id, error: "Cannot reach api.zhiqite.com: host name not found", at: at)
            case 5..<10:
                try store.recordTaskInfo(id: id, info: TaskInfo(data: .object([("status", .int(4)), ("desc", .string("Task failed"))])), at: at)
            default:
                let images = (0..<Int.random(in: 1...4)).map { n -> JSONValue in
                    .object([("image_url", .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Output/\(request.taskID)/\(n).png?Expires=1790003600&Signature=x")),
                             ("seed", .int(seed + n)), ("image_status", .int(1)), ("img_audit_status", .bool(true))])
                }
                try store.recordTaskInfo(id: id, info: TaskInfo(data: .object([
                    ("status", .int(2)), ("desc", .string("Success")), ("differentialImageRspList", .array(images)),
                ])), at: at.addingTimeInterval(12))
            }
        }
    }
}

extension String {
    init(milliseconds seconds: Double) {
        self = JSONWriter.formatNumber((seconds * 10_000).rounded() / 10) + " ms"
    }

    init(seconds value: Double) {
        self = JSONWriter.formatNumber((value * 10).rounded() / 10) + " s"
    }
}
