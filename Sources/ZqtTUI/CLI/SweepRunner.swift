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
// Several servers (issue 20): `--profile a,b,c` spreads the combinations over
// the profiles' servers, each running at most its profile's `parallel` at
// once (SweepServer). A server that fails a send in a way that is its own
// (refused, gone, 5xx, busy, its keys refused) leaves the sweep when another
// remains: the combination it had not accepted goes to the others, its
// refused row is dropped (the combination gets the row of the server that
// makes it), and it takes no more. An accepted task is never sent again: it
// is followed on its own server, and a server that cannot be asked about
// one leaves the sweep too. The last server standing is never left, so a
// sweep over one server runs as it always did.
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
#if canImport(Glibc)
import Glibc
#endif
import Model
import Images

/// The options `zqt send` takes for a sweep.
struct SweepOptions: ParsableArguments {
    @Option(name: .customLong("sweep"),
            help: ArgumentHelp("Send every combination: PATH is a wire path (cfg_scale, alwayson_scripts.controlnet.args[0].weight), each value JSON or text. Repeatable.",
                               valueName: "path=v1,v2,..."))
    var specs: [String] = []

    @Option(help: "With --sweep: how many tasks run at once (default: the profile's parallel, else 2; with --profile a,b: at most this many over all the servers, each at most its own parallel).")
    var parallel: Int?

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
    /// The servers of a sweep over several profiles (issue 20); empty: the one of `api` and `configuration`, `parallel` at once.
    var servers: [SweepServer] = []

    /// The servers the sweep sends to: `servers`, else the one it was made with.
    var sweepServers: [SweepServer] {
        servers.isEmpty ? [SweepServer(configuration: configuration, api: api, parallel: parallel, localInputs: localInputs)] : servers
    }

    /// Several servers: each line and row says which made it.
    var spansServers: Bool { servers.count > 1 }

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
        /// The server that ran it (its place in `sweepServers`).
        var server = 0
        /// Why its server cannot take more tasks, when the failure was the server's, not the request's.
        var serverFault: String?
        /// The send was certainly not accepted (refused, or the service said it has no such task): it may go to another server.
        var movable = false
        /// Its history row, to drop when the combination goes to another server.
        var recordID: Int?
    }

    /// An ended task as kept until the end of the run: its text in the
    /// run's one EndedTexts buffer. A thousand small strings kept to the end,
    /// each made among a task's short-lived allocations, would each pin a
    /// page of the heap that a task's freed memory could not give back.
    struct EndedTask {
        let index: Int
        /// The server that made it (its place in `sweepServers`).
        let server: Int
        let state: State
        let seconds: Double
        let taskID: Range<Int>, summary: Range<Int>, imageLines: Range<Int>, json: Range<Int>
    }

    /// The text of every ended task, out of the heap (issue 18: what a
    /// finished task keeps is its row, not its text): appended to an
    /// unlinked temporary file as each task ends, read back a row at a time
    /// when the table is printed. A thousand tasks' text in one growing
    /// buffer, copied at each doubling, held a sweep's peak up by a few
    /// hundred KB. Kept in memory when no temporary file can be made or
    /// written (a full disk): the output is the same either way.
    final class EndedTexts {
        private var file: Int32 = -1
        /// Bytes written to `file`, or held in `bytes` once it failed.
        private var count = 0
        private var bytes: [UInt8] = []

        init() {
            let folder = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            var template = Array("\(folder)/zqt-sweep-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard made >= 0 else { return }
            // Gone from the folder at once: nothing is left behind, whatever ends the run.
            _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
            _ = fcntl(made, F_SETFD, FD_CLOEXEC)
            file = made
        }

        deinit { if file >= 0 { close(file) } }

        func keep(_ outcome: Outcome) -> EndedTask {
            EndedTask(index: outcome.index, server: outcome.server, state: outcome.state, seconds: outcome.seconds, taskID: keep(outcome.taskID),
                      summary: keep(outcome.summary), imageLines: keep(outcome.imageLines), json: keep(outcome.json))
        }

        private func keep(_ text: String) -> Range<Int> {
            let start = count
            let utf8 = Array(text.utf8)
            if file >= 0, !append(utf8) { moveIntoMemory() }
            if file < 0 { bytes.append(contentsOf: utf8) }
            count += utf8.count
            return start..<count
        }

        /// Writes `utf8` at the file's end; false when it could not be written whole.
        private func append(_ utf8: [UInt8]) -> Bool {
            var done = 0
            while done < utf8.count {
                let wrote = utf8.withUnsafeBytes { pwrite(file, $0.baseAddress! + done, utf8.count - done, off_t(count + done)) }
                if wrote < 0, errno == EINTR { continue }
                guard wrote > 0 else { return false }
                done += wrote
            }
            return true
        }

        /// The file failed: what it holds is read back, and the rest kept in memory.
        private func moveIntoMemory() {
            bytes = read(0..<count) ?? Array(repeating: UInt8(ascii: "?"), count: count)
            close(file)
            file = -1
        }

        private func read(_ range: Range<Int>) -> [UInt8]? {
            var out = [UInt8](repeating: 0, count: range.count)
            var done = 0
            while done < range.count {
                let got = out.withUnsafeMutableBytes { pread(file, $0.baseAddress! + done, range.count - done, off_t(range.lowerBound + done)) }
                if got < 0, errno == EINTR { continue }
                guard got > 0 else { return nil }
                done += got
            }
            return out
        }

        subscript(_ range: Range<Int>) -> String {
            guard !range.isEmpty else { return "" }
            if file < 0 { return String(decoding: bytes[range], as: UTF8.self) }
            return String(decoding: read(range) ?? Array(repeating: UInt8(ascii: "?"), count: range.count), as: UTF8.self)
        }
    }

    /// The command line's exit codes (ExitStatus.swift), as numbers.
    enum Exit {
        static let ok = ZqtExit.success.rawValue, failed = ZqtExit.failed.rawValue
        static let badInput = ZqtExit.badInput.rawValue, network = ZqtExit.network.rawValue
    }

    /// `zqt send` with --sweep: the connection resolved and the history
    /// opened as for a single send, then the sweep. `--profile a,b,c`: a
    /// server per profile (issue 20).
    /// `json`: send's --json, one object per task instead of the table.
    static func send(requestText: String, endpoint: Endpoint, connection: ConnectionOptions, options: SweepOptions,
                     json: Bool, keepID: Bool, download: String?, follow: Bool, printJSON: Bool) async throws -> Int32 {
        // Said, not ignored: each request of a sweep needs an id of its own.
        if keepID {
            StandardStreams.writeError("--keep-id cannot be used with --sweep: every request of a sweep gets its own task id\n")
            return Exit.badInput
        }
        if let parallel = options.parallel, !(1...SweepOptions.maxParallel).contains(parallel) {
            StandardStreams.writeError("--parallel must be 1 to \(SweepOptions.maxParallel)\n")
            return Exit.badInput
        }
        let plan: SweepServer.Plan
        switch SweepServer.plan(connection) {
        case let .success(found): plan = found
        case let .failure(problem):
            StandardStreams.writeError("zqt: \(problem.message)\n")
            return Exit.badInput
        }
        var several: [SweepServer.Named] = []
        var profileParallel: Int?
        switch plan {
        case let .one(parallel): profileParallel = parallel
        case let .several(servers): several = servers
        }
        // With --json, standard output holds only the tasks' objects; the running commentary goes to stderr.
        let setup = try SendSetup(connection: connection, stepsToStandardError: json, resolved: several.first?.configuration)
        defer { setup.sandbox?.stop() }
        let (configuration, printer, store) = (setup.configuration, setup.printer, setup.store)
        var runner = SweepRunner(api: configuration.makeAPI(), configuration: configuration, store: store,
                                 printer: printer, parallel: options.parallel ?? profileParallel ?? ConfigProfile.defaultParallel(for: nil),
                                 json: json, follow: follow, printJSON: printJSON,
                                 downloadTo: download.map { URL(fileURLWithPath: $0, isDirectory: true) })
        runner.localInputs = setup.localInputs
        if !several.isEmpty {
            runner.servers = several.map { server in
                SweepServer(configuration: server.configuration, api: server.configuration.makeAPI(),
                            parallel: server.parallel, localInputs: setup.localInputs(for: server.configuration))
            }
            // --parallel, given with several servers, bounds them all together.
            runner.parallel = options.parallel ?? several.reduce(0) { $0 + $1.parallel }
        }
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
        let servers = sweepServers
        if spansServers {
            for server in servers {
                printer.say("POST \(server.configuration.baseURL)\(endpoint.path) (profile \(server.name), at most \(server.parallel) at once)")
            }
        } else {
            printer.say("POST \(configuration.baseURL)\(endpoint.path)")
        }
        let atOnce = min(parallel, servers.reduce(0) { $0 + $1.parallel })
        printer.say("sweep of \(Wording.count(points.count, "request")), at most \(atOnce) at once"
                    + (spansServers ? " over \(servers.count) servers" : "") + " · batch \(batchID)"
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

    /// Runs every point's request, never more than `parallel` at once, nor
    /// more than its own `parallel` on each server: a task is started (its
    /// request made) only when one before it has ended (followed to its
    /// end), and what an ended task keeps is its row. A combination a
    /// failing server did not accept goes back to be sent to another (issue 20).
    func runAll(_ points: [SweepPoint], sweep: Sweep, base: Request, batchID: String) async -> ([EndedTask], EndedTexts) {
        var outcomes: [EndedTask] = []
        outcomes.reserveCapacity(points.count)
        let texts = EndedTexts()
        let servers = sweepServers
        var running = [Int](repeating: 0, count: servers.count)
        /// Why each server left the sweep; nil while it takes tasks.
        var left = [String?](repeating: nil, count: servers.count)
        await withTaskGroup(of: Outcome.self) { group in
            var next = 0
            /// Combinations a failing server did not accept: sent before the next new one.
            var moved: [Int] = []
            /// The server with the most room, nil when none has any (or the sweep's own bound is reached).
            func freeServer() -> Int? {
                guard running.reduce(0, +) < parallel else { return nil }
                var best: Int?
                for server in servers.indices where left[server] == nil && running[server] < servers[server].parallel {
                    if best.map({ servers[server].parallel - running[server] > servers[$0].parallel - running[$0] }) ?? true { best = server }
                }
                return best
            }
            /// Starts what the servers have room for (a point that cannot be made, checked before anything was sent so not seen, is said, not dropped).
            func startWhatFits() {
                while !moved.isEmpty || next < points.count, let server = freeServer() {
                    let index: Int
                    if moved.isEmpty {
                        index = next
                        next += 1
                    } else {
                        index = moved.removeFirst()
                    }
                    let point = points[index]
                    let taskID = TaskIDGenerator.shared.next()
                    if let request = try? sweep.request(at: point, from: base, taskID: taskID) {
                        running[server] += 1
                        group.addTask { await runOne(index: index, of: points.count, point, request, batchID: batchID, server: server) }
                        continue
                    }
                    outcomes.append(texts.keep(outcome(index: index, point, taskID: taskID, state: .invalid, seconds: 0,
                                                       Answers(problem: "the request cannot hold these values"), batchID: batchID,
                                                       server: server)))
                }
            }
            startWhatFits()
            while let outcome = await group.next() {
                let server = outcome.server
                running[server] -= 1
                // A fault of the server's own, while another still takes tasks: it takes no more, and what it did not accept goes on.
                let others = servers.indices.filter { $0 != server && left[$0] == nil }
                if let fault = outcome.serverFault, !others.isEmpty {
                    if left[server] == nil {
                        left[server] = fault
                        printer.warn(Self.leftLine(servers[server], fault: fault, to: others.map { servers[$0] }))
                    }
                    if outcome.movable {
                        // Its row goes: the combination gets the row of the server that makes it.
                        if let recordID = outcome.recordID, let store {
                            do throws(HistoryError) {
                                try store.delete(id: recordID)
                            } catch {
                                printer.warn("[\(outcome.index + 1)/\(points.count)] the refused row stays in the history: \(error.message)")
                            }
                        }
                        printer.say("[\(outcome.index + 1)/\(points.count)] \(points[outcome.index].label): not accepted by \(servers[server].name); sent to another server")
                        moved.append(outcome.index)
                        startWhatFits()
                        continue
                    }
                }
                outcomes.append(texts.keep(outcome))
                // What the ended task's transfers and answers used goes back: memory stays flat over thousands.
                FreedMemory.giveBack()
                startWhatFits()
            }
        }
        outcomes.sort { $0.index < $1.index }
        return (outcomes, texts)
    }

    /// `server b (http://…) left the sweep: why; the rest goes to a, c`.
    static func leftLine(_ server: SweepServer, fault: String, to others: [SweepServer]) -> String {
        "server \(server.name) (\(server.configuration.baseURL)) left the sweep: \(fault); "
            + "what it has not accepted goes to \(others.map(\.name).joined(separator: ", "))"
    }

    func runOne(index: Int, of total: Int, _ point: SweepPoint, _ request: Request, batchID: String, server: Int = 0) async -> Outcome {
        let started = ContinuousClock.now
        let target = sweepServers[server]
        // Several servers: each line says which one runs the task.
        let tag = "[\(index + 1)/\(total)] \(request.taskID) \(point.label)" + (spansServers ? " on \(target.name):" : ":")
        let printer = printer
        // One line each: the service's words in it cannot start a line of their own (issue 23).
        func say(_ text: String) { printer.say("\(tag) \(TerminalText.line(text))") }
        var answers = Answers()
        func ended(_ state: State, _ problem: String? = nil) -> Outcome {
            answers.problem = problem
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            say(problem.map { "\(state.rawValue): \($0)" } ?? state.rawValue)
            return outcome(index: index, point, taskID: request.taskID, state: state, seconds: seconds, answers, batchID: batchID,
                           server: server)
        }
        if printJSON { printer.say("\(tag)\n" + request.wireJSON) }

        var pipeline = SendPipeline(api: target.api, store: store, baseURL: target.configuration.baseURL, profile: target.configuration.profile,
                                    keeper: ResultImageKeeper.zqt(home: home, store: store, imagesMaxBytes: ResultImageKeeper.configuredBudget)) { error in
            printer.warn("\(tag) \(SendWording.notKeptInHistory(error))")
        }
        pipeline.pollPolicy = pollPolicy
        pipeline.localInputs = target.localInputs
        pipeline.batchID = batchID
        var lastLine = ""
        var recordID: Int?
        var final: TaskInfo?
        var failure: SendFailure?
        // A result named as `zqt send` names it: "image 2", or "control map 1" for an A1111 ControlNet map (issue 20).
        func resultName(_ position: Int) -> String {
            let results = answers.results.enumerated().map { (position: $0.offset, url: $0.element.imageURL) }
            return SendLines.resultName(position: position, url: results.first { $0.position == position }?.url ?? "",
                                        among: results, counted: false)
        }
        // The pipeline's events, rendered as a line each, tagged with the task.
        for await event in pipeline.run(request, follow: follow, exportTo: downloadTo?.path) {
            switch event {
            case let .recorded(id):
                recordID = id
            case .accepted:
                say("accepted")
            case let .unanswered(error, confirmation):
                if case .accepted = confirmation { say(SendWording.unansweredButAccepted(error, idTask: request.taskID)) }
            case let .progress(info):
                // A line when the task's status changes, not at every percent: six tasks' lines stay readable.
                // The last status is said by the line that ends the task. Said as `zqt send` says it (SendLines):
                // the state in words beside the number, which alone misleads (wire rule 9).
                let line = SendLines.status(info, server: request.endpoint.server, withProgress: false)
                if line != lastLine { say(line) }
                lastLine = line
            case let .retrying(error, attempt):
                say(SendWording.queryRetrying(error, attempt: attempt))
            case .unfollowed:
                say(Wording.notFollowedLine(request.taskID))
            case let .finished(info, _):
                final = info
                answers.results = info.results
                answers.texts = info.texts
            case let .kept(kept):
                answers.kept[kept.source.position] = kept.path
                if let exported = kept.exported { answers.saved[kept.source.position] = exported }
                // A copy renamed (never over another file) or already there is said (issue 17).
                if let note = SendWording.savedCopyNote(kept) { say("\(resultName(kept.source.position)): \(note)") }
            case let .failed(failed):
                if case let .keep(position) = failed.stage {
                    say("\(resultName(position)): \(failed.message)")
                } else {
                    failure = failed
                }
            }
        }
        if let failure {
            var outcome = ended(Self.state(failure), failure.message)
            outcome.serverFault = Self.serverFault(failure)
            outcome.movable = Self.notAccepted(failure)
            outcome.recordID = recordID
            return outcome
        }
        guard final != nil else { return ended(.accepted) }
        return ended(.succeeded)
    }

    /// Why a failure says the server cannot take tasks (issue 20): it could
    /// not be reached or asked, it failed (5xx) or was busy, or it refused
    /// the profile's keys. Nil for the request's own faults (a 4xx, the
    /// service's refusal of a value, a local file) and for a task that ran
    /// and failed: those would fail anywhere.
    static func serverFault(_ failure: SendFailure) -> String? {
        switch failure.stage {
        case .send, .notAccepted, .outcomeUnknown, .follow: break
        case .task, .keep: return nil
        }
        guard let error = failure.error else { return nil }
        switch error {
        case .connectionRefused, .unreachable, .timedOut, .connectionLost, .transport, .busy, .missingCredentials, .invalidBaseURL,
             .invalidHeader:
            return error.message
        case let .httpStatus(status, _), let .notJSON(status, _):
            return status >= 500 || status == 401 || status == 403 ? error.message : nil
        case let .api(code, _):
            return ["401", "403"].contains(code) ? error.message : nil
        case .unexpectedResponse, .cancelled, .noTaskQuery, .upload, .notRecorded:
            return nil
        }
    }

    /// Whether the service certainly did not take the task: its send was
    /// refused, or, unanswered, the service said it has no such task. A task
    /// it may have taken (no answer, and it could not be asked) is never
    /// sent again: its row stays open, to be asked on its own server.
    static func notAccepted(_ failure: SendFailure) -> Bool {
        switch failure.stage {
        case .send:
            // A send with no answer is confirmed before it fails at this stage; only an upload can fail before it leaves.
            if case .upload? = failure.error { return false }
            return true
        case .notAccepted: return true
        case .outcomeUnknown, .follow, .task, .keep: return false
        }
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
        // Several servers: a column says which made each row (issue 20).
        let servers = spansServers ? sweepServers : []
        let header = ["#"] + names + (servers.isEmpty ? [] : ["server"]) + ["state", "time", "task id", "result"]
        // Each row's cells are made twice (for the widths, then to print) rather than all held at once.
        func row(_ outcome: EndedTask) -> [String] {
            let values = points[outcome.index].settings.map { JSONWriter.compact($0.value) }
            let server = servers.isEmpty ? [] : [servers[outcome.server].name]
            return ["\(outcome.index + 1)"] + values + server + [outcome.state.rawValue, Self.seconds(outcome.seconds),
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
                 batchID: String, server: Int = 0) -> Outcome {
        if json {
            var object = jsonObject(index: index, point, taskID: taskID, state: state, seconds: seconds, answers, batchID: batchID)
            // Several servers: each object says which one made it (issue 20).
            if spansServers, case let .object(members) = object {
                let target = sweepServers[server].configuration
                object = .object(members + [(key: "profile", value: .string(target.profile)), (key: "base_url", value: .string(target.baseURL))])
            }
            return Outcome(index: index, taskID: taskID, state: state, seconds: seconds, summary: "", imageLines: "",
                           json: RequestExport.visibleJSON(JSONWriter.compact(object)), server: server)
        }
        let results = answers.results.enumerated().map { (position: $0.offset, url: $0.element.imageURL) }
        let imageLines = answers.results.enumerated().map { position, image in
            // Named as `zqt send` names it: an A1111 ControlNet map as "control map 1" (issue 20).
            "#\(index + 1) \(SendLines.resultName(position: position, url: image.imageURL, among: results, counted: false)): "
                + SendLines.resultURL(image.imageURL)
                + ((answers.saved[position] ?? answers.kept[position]).map { " → \($0)" } ?? "")
        }
        return Outcome(index: index, taskID: taskID, state: state, seconds: seconds, summary: summary(answers),
                       imageLines: imageLines.joined(separator: "\n"), json: "", server: server)
    }

    /// The result column: seeds, the first text, or why the task failed.
    private func summary(_ answers: Answers) -> String {
        if let problem = answers.problem { return problem.split(whereSeparator: \.isNewline).joined(separator: " ") }
        if !answers.results.isEmpty {
            // The pictures' seeds: an A1111 ControlNet map has none to give (issue 20).
            let pictures = answers.results.filter { !$0.isControlMap }
            return "seed " + (pictures.isEmpty ? answers.results : pictures).map { $0.seed.map(String.init) ?? "?" }.joined(separator: ", ")
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
