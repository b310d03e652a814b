// `zqt send FILE --sweep PATH=V1,V2 ...` (issue 10): every combination of
// the values (Model's Sweep), each sent with its own task id through the
// screen's own pipeline, at most `--parallel` at once, all rows of the run
// joined by one batch id in the history. A line per step of each task while
// they run (plain lines: a pipe or a log reads them as well as a terminal),
// then a table of the parameters and results, or with --json one JSON object
// per task. Each task is the send pipeline's (SendPipeline), rendered here:
// its images are kept in $ZQT_HOME/images as the screen keeps them, and
// --download saves them as `TASKID-N.png` too, as a single send does
// (result URLs expire).
//
// Exit codes: 0 every task succeeded; 1 a task failed (at the service, or
// its submit was refused); 2 a bad --sweep, request or configuration (no
// keys), nothing sent; 3 no
// task failed at the service but one could not be sent or followed for the
// network (its row stays open, to be resumed).

import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Images

/// The options `zqt send` takes for a sweep.
struct SweepOptions: ParsableArguments {
    @Option(name: .customLong("sweep"),
            help: ArgumentHelp("Send every combination: PATH is a wire path (cfg_scale, alwayson_scripts.controlnet.args[0].weight), each value JSON or text. Repeatable.",
                               valueName: "path=v1,v2,..."))
    var specs: [String] = []

    @Option(help: "With --sweep: how many tasks run at once.")
    var parallel: Int = 2

    static let maxParallel = 16
}

struct SweepRunner {
    let api: any ImageAPI
    let configuration: ClientConfiguration
    let store: HistoryStore?
    let printer: LinePrinter
    var parallel = 2
    var json = false
    var follow = true
    var printJSON = false
    /// Where result images are saved too (wire rule 10: result URLs expire), as `TASKID-N.png`.
    var downloadTo: URL?
    var pollPolicy: PollPolicy = .standard
    /// Local files in image fields (issue 17): uploaded before each submit, reused once uploaded.
    var localInputs = LocalInputs.Step()
    /// ZQT_HOME: every task's images are kept in its images folder, as the screen keeps them (issue 16).
    var home = ZqtPaths.home().path

    /// How one task of the sweep ended.
    enum State: String {
        case succeeded
        /// Accepted and not followed (--no-wait, or a family with no task query).
        case accepted
        case failed
        /// Could not be sent or followed for the network; the row stays open.
        case unreachable
        /// Not sent for zqt's own configuration (no keys, a bad base URL): exit 2, as a single send.
        case invalid
    }

    /// What a task brought while it ran: its answers, dropped when it ends
    /// (the outcome keeps only what the final table or --json prints).
    struct Answers {
        var results: [ResultImage] = []
        /// Where each result image was saved (--download), by position; empty when not asked to.
        var saved: [Int: String] = [:]
        /// zqt's own copy of each result image, under $ZQT_HOME/images, by position.
        var kept: [Int: String] = [:]
        var texts: [String] = []
        var problem: String?
    }

    /// How one task of the sweep ended, as the end of the run prints it:
    /// printed text, not the task's answers (issue 18: a 1,000-task sweep's
    /// memory stays flat): its row's result column and its URL lines, or
    /// with --json its object. Kept to the end as an EndedTask.
    struct Outcome {
        let index: Int
        let taskID: String
        let state: State
        let seconds: Double
        /// The table's result column (seeds, the first text, or why it failed); empty with --json.
        let summary: String
        /// "#N image K: URL → copy", a line each, joined; empty with --json.
        let imageLines: String
        /// With --json, the task's object as printed.
        let json: String
    }

    /// An ended task as kept until the end of the run: its text in the
    /// run's one EndedTexts buffer. A thousand small strings kept to the end,
    /// each made among a task's short-lived allocations, would each pin a
    /// page of the heap that a task's freed memory could not give back.
    struct EndedTask {
        let index: Int
        let state: State
        let seconds: Double
        let taskID: Range<Int>, summary: Range<Int>, imageLines: Range<Int>, json: Range<Int>
    }

    /// The text of every ended task, one buffer.
    struct EndedTexts {
        private var bytes: [UInt8] = []

        init(expectedTasks: Int) { bytes.reserveCapacity(expectedTasks * 160) }

        mutating func keep(_ outcome: Outcome) -> EndedTask {
            func keep(_ text: String) -> Range<Int> {
                let start = bytes.count
                bytes.append(contentsOf: text.utf8)
                return start..<bytes.count
            }
            return EndedTask(index: outcome.index, state: outcome.state, seconds: outcome.seconds, taskID: keep(outcome.taskID),
                             summary: keep(outcome.summary), imageLines: keep(outcome.imageLines), json: keep(outcome.json))
        }

        subscript(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
    }

    /// The command line's exit codes (ExitStatus.swift), as numbers.
    enum Exit {
        static let ok = ZqtExit.success.rawValue, failed = ZqtExit.failed.rawValue
        static let badInput = ZqtExit.badInput.rawValue, network = ZqtExit.network.rawValue
    }

    /// `zqt send` with --sweep: the connection resolved and the history
    /// opened as for a single send, then the sweep.
    /// `json`: send's --json, one object per task instead of the table.
    static func send(requestText: String, endpoint: Endpoint, connection: ConnectionOptions, options: SweepOptions,
                     json: Bool, keepID: Bool, download: String?, follow: Bool, printJSON: Bool) async throws -> Int32 {
        // Said, not ignored: each request of a sweep needs an id of its own.
        if keepID {
            StandardStreams.writeError("--keep-id cannot be used with --sweep: every request of a sweep gets its own task id\n")
            return Exit.badInput
        }
        guard (1...SweepOptions.maxParallel).contains(options.parallel) else {
            StandardStreams.writeError("--parallel must be 1 to \(SweepOptions.maxParallel)\n")
            return Exit.badInput
        }
        // With --json, standard output holds only the tasks' objects; the running commentary goes to stderr.
        let setup = try SendSetup(connection: connection, stepsToStandardError: json)
        defer { setup.sandbox?.stop() }
        let (configuration, printer, store) = (setup.configuration, setup.printer, setup.store)
        var runner = SweepRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration, store: store,
                                 printer: printer, parallel: options.parallel, json: json, follow: follow, printJSON: printJSON,
                                 downloadTo: download.map { URL(fileURLWithPath: $0, isDirectory: true) })
        runner.localInputs = setup.localInputs
        return await runner.run(requestText: requestText, endpoint: endpoint, specs: options.specs)
    }

    func run(requestText: String, endpoint: Endpoint, specs: [String]) async -> Int32 {
        let sweep: Sweep
        let points: [SweepPoint]
        let decoded: (request: Request, notes: [DecodeNote])
        do {
            sweep = try Sweep.parse(specs)
            decoded = try Request.decode(json: requestText, for: endpoint)
            try sweep.check(decoded.request)
            points = sweep.points
        } catch let error as SweepSpecError {
            printer.warn(error.description)
            return Exit.badInput
        } catch {
            printer.warn("Cannot read the request: \(error)")
            return Exit.badInput
        }
        for note in decoded.notes { printer.say("note: \(note)") }
        // Every combination is checked before any is sent: a sweep half sent is harder to redo than one refused.
        // Each request is made again when it is sent, so a sweep of thousands holds its points, not its requests.
        var invalid = false
        for (index, point) in points.enumerated() {
            let problems: [ValidationProblem]
            do throws(SweepSpecError) {
                problems = LocalInputs.problems(try sweep.request(at: point, from: decoded.request, taskID: TaskIDGenerator.shared.next()),
                                                namesIn: FileManager.default.currentDirectoryPath)
            } catch {
                printer.warn(error.description)
                return Exit.badInput
            }
            guard !problems.isEmpty else { continue }
            invalid = true
            printer.warn("[\(index + 1)/\(points.count)] \(point.label) is not valid:")
            for problem in problems { printer.warn("  \(problem.path): \(problem.message)") }
        }
        if invalid {
            printer.warn("Nothing was sent.")
            return Exit.badInput
        }

        let batchID = TaskIDGenerator(prefix: "batch").next()
        printer.say("POST \(configuration.baseURL)\(endpoint.path)")
        printer.say("sweep of \(Wording.count(points.count, "request")), at most \(parallel) at once · batch \(batchID)"
                    + (store == nil ? "" : " (zqt history: filter batch:\(batchID))"))
        // The history's writes need no cache kept across tasks (SQLiteMemory): at most about 256 KB, not the default 2 MB
        // (1 MB held a 1,000-task sweep 0.4 MB higher, issue 18).
        SQLiteMemory.limitHeap(bytes: 256 << 10)
        let (outcomes, texts) = await runAll(points, sweep: sweep, base: decoded.request, batchID: batchID)

        if json {
            for outcome in outcomes { StandardStreams.writeOut(texts[outcome.json] + "\n") }
        } else {
            // A line at a time: a thousand tasks' table is not held whole (issue 18).
            printTable(outcomes, texts: texts, points: points, axes: sweep.axes) { printer.say($0) }
        }
        let states = outcomes.map(\.state)
        if states.contains(.invalid) { return Exit.badInput }
        if states.contains(.failed) { return Exit.failed }
        if states.contains(.unreachable) { return Exit.network }
        return Exit.ok
    }

    /// Runs every point's request, never more than `parallel` at once: a
    /// task is started (its request made) only when one before it has ended
    /// (followed to its end), and what an ended task keeps is its row.
    func runAll(_ points: [SweepPoint], sweep: Sweep, base: Request, batchID: String) async -> ([EndedTask], EndedTexts) {
        var outcomes: [EndedTask] = []
        outcomes.reserveCapacity(points.count)
        var texts = EndedTexts(expectedTasks: points.count)
        await withTaskGroup(of: Outcome.self) { group in
            var next = 0
            /// Starts the next point's task (one that cannot be made, checked before anything was sent so not seen, is said, not dropped).
            func startNext() {
                while next < points.count {
                    let index = next
                    let point = points[index]
                    next += 1
                    let taskID = TaskIDGenerator.shared.next()
                    if let request = try? sweep.request(at: point, from: base, taskID: taskID) {
                        group.addTask { await runOne(index: index, of: points.count, point, request, batchID: batchID) }
                        return
                    }
                    outcomes.append(texts.keep(outcome(index: index, point, taskID: taskID, state: .invalid, seconds: 0,
                                                       Answers(problem: "the request cannot hold these values"), batchID: batchID)))
                }
            }
            for _ in 0..<min(parallel, points.count) { startNext() }
            while let outcome = await group.next() {
                outcomes.append(texts.keep(outcome))
                // What the ended task's transfers and answers used goes back: memory stays flat over thousands.
                FreedMemory.giveBack()
                if next < points.count { startNext() }
            }
        }
        outcomes.sort { $0.index < $1.index }
        return (outcomes, texts)
    }

    func runOne(index: Int, of total: Int, _ point: SweepPoint, _ request: Request, batchID: String) async -> Outcome {
        let started = ContinuousClock.now
        let tag = "[\(index + 1)/\(total)] \(request.taskID) \(point.label):"
        let printer = printer
        // One line each: the service's words in it cannot start a line of their own (issue 23).
        func say(_ text: String) { printer.say("\(tag) \(TerminalText.line(text))") }
        var answers = Answers()
        func ended(_ state: State, _ problem: String? = nil) -> Outcome {
            answers.problem = problem
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            say(problem.map { "\(state.rawValue): \($0)" } ?? state.rawValue)
            return outcome(index: index, point, taskID: request.taskID, state: state, seconds: seconds, answers, batchID: batchID)
        }
        if printJSON { printer.say("\(tag)\n" + request.wireJSON) }

        var pipeline = SendPipeline(api: api, store: store, baseURL: configuration.baseURL, profile: configuration.profile,
                                    keeper: ResultImageKeeper.zqt(home: home, store: store, imagesMaxBytes: ResultImageKeeper.configuredBudget)) { error in
            printer.warn("\(tag) \(SendWording.notKeptInHistory(error))")
        }
        pipeline.pollPolicy = pollPolicy
        pipeline.localInputs = localInputs
        pipeline.batchID = batchID
        var lastLine = ""
        var final: TaskInfo?
        var failure: SendFailure?
        // The pipeline's events, rendered as a line each, tagged with the task.
        for await event in pipeline.run(request, follow: follow, exportTo: downloadTo?.path) {
            switch event {
            case .recorded:
                break
            case .accepted:
                say("accepted")
            case let .unanswered(error, confirmation):
                if case .accepted = confirmation { say(SendWording.unansweredButAccepted(error, idTask: request.taskID)) }
            case let .progress(info):
                // A line when the task's status changes, not at every percent: six tasks' lines stay readable.
                // The last status is said by the line that ends the task.
                let line = "status \(info.status) \(info.desc)"
                if line != lastLine { say(line) }
                lastLine = line
            case let .retrying(error, attempt):
                say(SendWording.queryRetrying(error, attempt: attempt))
            case let .finished(info, _):
                final = info
                answers.results = info.results
                answers.texts = info.texts
            case let .kept(kept):
                answers.kept[kept.source.position] = kept.path
                if let exported = kept.exported { answers.saved[kept.source.position] = exported }
                // A copy renamed (never over another file) or already there is said (issue 17).
                if let note = SendWording.savedCopyNote(kept) { say("image \(kept.source.position + 1): \(note)") }
            case let .failed(failed):
                if case let .keep(position) = failed.stage {
                    say("image \(position + 1): \(failed.message)")
                } else {
                    failure = failed
                }
            }
        }
        if let failure { return ended(Self.state(failure), failure.message) }
        guard final != nil else { return ended(.accepted) }
        return ended(.succeeded)
    }

    /// How a task of the sweep ended, by the class of its failure.
    static func state(_ failure: SendFailure) -> State {
        switch failure.failureClass {
        case .badInput: return failure.stage == .send ? .invalid : .failed
        case .network: return .unreachable
        case .failed: return .failed
        }
    }

    // MARK: What is printed at the end

    /// The parameters, state, time and results of every task, a row each;
    /// result URLs (long) follow the table, a line each.
    func printTable(_ outcomes: [EndedTask], texts: EndedTexts, points: [SweepPoint], axes: [SweepAxis], say: (String) -> Void) {
        // A column per swept path, named by its last key unless two would share a name.
        let lastKeys = axes.map { axis -> String in
            if case let .key(key)? = JSONPath.steps(axis.path).last(where: { if case .key = $0 { return true } else { return false } }) {
                return key
            }
            return axis.path
        }
        let names = axes.indices.map { Set(lastKeys).count == lastKeys.count ? lastKeys[$0] : axes[$0].path }
        let header = ["#"] + names + ["state", "time", "task id", "result"]
        // Each row's cells are made twice (for the widths, then to print) rather than all held at once.
        func row(_ outcome: EndedTask) -> [String] {
            let values = points[outcome.index].settings.map { JSONWriter.compact($0.value) }
            return ["\(outcome.index + 1)"] + values + [outcome.state.rawValue, Self.seconds(outcome.seconds),
                                                       texts[outcome.taskID], texts[outcome.summary]]
        }
        var widths = header.map(TextWidth.of)
        for outcome in outcomes {
            for (column, cell) in row(outcome).enumerated() { widths[column] = max(widths[column], TextWidth.of(cell)) }
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - TextWidth.of(cell))
            }.joined(separator: "  ")
        }
        say("")
        say(line(header))
        for outcome in outcomes { say(line(row(outcome))) }
        var saidURLs = false
        for outcome in outcomes where !outcome.imageLines.isEmpty {
            if !saidURLs { say("") }
            saidURLs = true
            say(texts[outcome.imageLines])
        }
        var counts: [State: Int] = [:]
        for outcome in outcomes { counts[outcome.state, default: 0] += 1 }
        let said = [State.succeeded, .accepted, .failed, .unreachable, .invalid].compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }
        say("")
        say("\(outcomes.count) tasks: " + said.joined(separator: ", "))
    }

    /// A task's outcome as the end of the run prints it, made when it ends: its answers go.
    func outcome(index: Int, _ point: SweepPoint, taskID: String, state: State, seconds: Double, _ answers: Answers,
                 batchID: String) -> Outcome {
        if json {
            let object = jsonObject(index: index, point, taskID: taskID, state: state, seconds: seconds, answers, batchID: batchID)
            return Outcome(index: index, taskID: taskID, state: state, seconds: seconds, summary: "", imageLines: "",
                           json: RequestExport.visibleJSON(JSONWriter.compact(object)))
        }
        let imageLines = answers.results.enumerated().map { position, image in
            "#\(index + 1) image \(position + 1): \(image.imageURL)"
                + ((answers.saved[position] ?? answers.kept[position]).map { " → \($0)" } ?? "")
        }
        return Outcome(index: index, taskID: taskID, state: state, seconds: seconds, summary: summary(answers),
                       imageLines: imageLines.joined(separator: "\n"), json: "")
    }

    /// The result column: seeds, the first text, or why the task failed.
    private func summary(_ answers: Answers) -> String {
        if let problem = answers.problem { return problem.split(whereSeparator: \.isNewline).joined(separator: " ") }
        if !answers.results.isEmpty {
            return "seed " + answers.results.map { $0.seed.map(String.init) ?? "?" }.joined(separator: ", ")
        }
        if let text = answers.texts.first {
            let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
            let more = answers.texts.count > 1 ? " (+\(answers.texts.count - 1) more)" : ""
            return TextWidth.truncate(line, to: 60) + more
        }
        return ""
    }

    static func seconds(_ value: Double) -> String {
        let tenths = Int(clamping: (value * 10).rounded(), to: 0...Int(Int32.max))
        return "\(tenths / 10).\(tenths % 10) s"
    }

    func jsonObject(index: Int, _ point: SweepPoint, taskID: String, state: State, seconds: Double, _ answers: Answers,
                    batchID: String) -> JSONValue {
        .object(dropping: [
            ("index", .int(index + 1)),
            ("batch_id", .string(batchID)),
            ("task_id", .string(taskID)),
            ("parameters", .object(point.settings.map { (key: $0.path, value: $0.value) })),
            ("state", .string(state.rawValue)),
            ("seconds", .double((seconds * 1000).rounded() / 1000)),
            ("images", answers.results.isEmpty ? nil : .array(answers.results.map { image in
                .object(dropping: [("url", .string(image.imageURL)), ("seed", image.seed.map { .int($0) })])
            })),
            ("saved", answers.saved.isEmpty ? nil : .array(answers.saved.sorted { $0.key < $1.key }.map { .string($0.value) })),
            ("kept", answers.kept.isEmpty ? nil : .array(answers.kept.sorted { $0.key < $1.key }.map { .string($0.value) })),
            ("texts", answers.texts.isEmpty ? nil : .array(answers.texts.map { .string($0) })),
            ("error", answers.problem.map { .string($0) }),
        ])
    }
}
