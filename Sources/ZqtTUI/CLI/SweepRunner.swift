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
// network (its row stays open, to be resumed); 4 a combination was not sent
// because its history row could not be written (a full disk, issue 21).
//
// A full disk during a sweep (issue 21): a combination whose row cannot be
// written is not sent ("not sent", never "invalid"); a task already running
// goes on, its row's writes held back (HistoryBacklog) and written as soon
// as the history takes writes again, at the latest at the end; the end says
// which rows are still behind and how to bring them up to date, and each
// picture that could not be kept, with how to fetch it later.

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

    @Option(help: "With --sweep: how many tasks run at once, 1 to 16 (default: the profile's parallel, else 2; with --profile a,b: at most this many over all the servers, each at most its own parallel).")
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
    /// The rows' writes a full disk held back, shared by every task of the run (issue 21).
    let backlog = HistoryBacklog()
    /// The service is a sandbox in this process: its tasks end with the run (a row behind cannot be asked later).
    var sandboxInProcess = false
    /// Whether a combination's refusal for its row was said whole yet (once: the rest say "not sent" and the fault's words).
    let notRecordedSaid = InterruptedFlag()

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
        /// An A1111 job stopped at Ctrl-C (issue 20): the pictures it made are kept, its row says `interrupted`.
        case interrupted
        /// Not sent: Ctrl-C stopped the sweep first, or its history row could not be written
        /// (a full disk: exit 4, as a single send).
        case notSent = "not sent"
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
        /// Why each picture that could not be kept was not, by position.
        var notKept: [Int: String] = [:]
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
        /// An A1111 server answered HTTP 500: the job's own failure (`module(depth) not found`) unless the
        /// server answers so to a1111FailuresInARow calls in a row (runAll).
        var answered500 = false
        /// Its history row: to drop when the combination goes to another server, and to tell whether it is behind.
        var recordID: Int?
        /// A picture of it could not be kept (said, with how to fetch it later, after the table).
        var picturesNotKept = false
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
        /// Its history row (nil: none was written), and whether a picture of it could not be kept.
        var recordID: Int? = nil
        var picturesNotKept = false
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
                      summary: keep(outcome.summary), imageLines: keep(outcome.imageLines), json: keep(outcome.json),
                      recordID: outcome.recordID, picturesNotKept: outcome.picturesNotKept)
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
        static let notRecorded = ZqtExit.notRecorded.rawValue
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
        // Its tasks end with it: rows still open are closed saying why, as a single send's are.
        defer { setup.sandbox?.stop(closingRowsIn: setup.store) }
        let (configuration, printer, store) = (setup.configuration, setup.printer, setup.store)
        // One kind's request never goes to the other kind's server (issue 20): the rule a single send applies, for each server.
        for server in several.isEmpty ? [configuration] : several.map(\.configuration) where !endpoint.canBeSent(to: server.server) {
            StandardStreams.writeError("zqt: \(A1111SandboxConnection.wrongServer(endpoint, server, in: StartUp.atStart.catalog)); nothing sent\n")
            return Exit.badInput
        }
        var runner = SweepRunner(api: configuration.makeAPI(), configuration: configuration, store: store,
                                 printer: printer, parallel: options.parallel ?? profileParallel ?? ConfigProfile.defaultParallel(for: nil),
                                 json: json, follow: follow, printJSON: printJSON,
                                 downloadTo: download.map { URL(fileURLWithPath: $0, isDirectory: true) })
        runner.localInputs = setup.localInputs
        runner.sandboxInProcess = setup.sandbox != nil
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
        // Ctrl-C during a sweep to A1111 servers asks each server running one of its jobs to stop it, as a single
        // send does, and starts no more (issue 20); a second Ctrl-C quits at once. The service's tasks cannot be stopped.
        let stop = SweepStop()
        var interrupt: SendInterrupt?
        if endpoint.family.followUp.answersWhenDone {
            let printer = printer
            interrupt = SendInterrupt.install {
                let jobs = stop.stop()
                printer.warn(Wording.sweepStopping(running: jobs.count))
                for job in jobs { Self.askToStop(job.idTask, api: job.api, tag: job.tag, printer: printer) }
            }
        }
        let (outcomes, texts) = await runAll(points, sweep: sweep, base: decoded.request, batchID: batchID, stop: stop)
        interrupt?.remove()
        // What a full disk held back is written now if it has room (issue 21); the table says which rows are still behind.
        let stillHeldBy = store.flatMap { backlog.catchUp($0) }

        if json {
            for outcome in outcomes { StandardStreams.writeOut(Self.jsonLine(texts[outcome.json], rowBehind: isBehind(outcome)) + "\n") }
        } else {
            // A line at a time: a thousand tasks' table is not held whole (issue 18).
            printTable(outcomes, texts: texts, points: points, axes: sweep.axes) { printer.say($0) }
        }
        sayWhatTheDiskHeldBack(outcomes, texts: texts, fault: stillHeldBy, stopped: stop.isStopping)
        let states = outcomes.map(\.state)
        if stop.isStopping {
            printer.warn(Wording.sweepStopped(interrupted: states.filter { $0 == .interrupted }.count,
                                              notSent: states.filter { $0 == .notSent }.count))
            return SendInterrupt.exitStatus
        }
        if states.contains(.invalid) { return Exit.badInput }
        if states.contains(.notSent) { return Exit.notRecorded }
        if states.contains(.failed) { return Exit.failed }
        if states.contains(.unreachable) { return Exit.network }
        return Exit.ok
    }

    /// Runs every point's request, never more than `parallel` at once, nor
    /// more than its own `parallel` on each server: a task is started (its
    /// request made) only when one before it has ended (followed to its
    /// end), and what an ended task keeps is its row. A combination a
    /// failing server did not accept goes back to be sent to another (issue 20).
    func runAll(_ points: [SweepPoint], sweep: Sweep, base: Request, batchID: String,
                stop: SweepStop = SweepStop()) async -> ([EndedTask], EndedTexts) {
        var outcomes: [EndedTask] = []
        outcomes.reserveCapacity(points.count)
        let texts = EndedTexts()
        let servers = sweepServers
        var running = [Int](repeating: 0, count: servers.count)
        /// Why each server left the sweep; nil while it takes tasks.
        var left = [String?](repeating: nil, count: servers.count)
        /// An A1111 server's calls answered 500 since it last made something, held back: the job's own
        /// failure once the server makes another; given to the other servers if it answers 500 again.
        var held = [[Outcome]](repeating: [], count: servers.count)
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
                // Stopped by Ctrl-C: nothing more starts; what is left is said as not sent below.
                while !stop.isStopping, !moved.isEmpty || next < points.count, let server = freeServer() {
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
                        group.addTask { await runOne(index: index, of: points.count, point, request, batchID: batchID, server: server, stop: stop) }
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
                if outcome.answered500, !others.isEmpty {
                    // One 500 is the job's own; as many in a row as a1111FailuresInARow, nothing made between, are the server's.
                    held[server].append(outcome)
                    if left[server] == nil {
                        guard held[server].count >= Self.a1111FailuresInARow else {
                            startWhatFits()
                            continue
                        }
                        let fault = Wording.sweepAnswered500InARow(held[server].count)
                        left[server] = fault
                        printer.warn(Self.leftLine(servers[server], fault: fault, to: others.map { servers[$0] }))
                    }
                } else if outcome.serverFault == nil, left[server] == nil {
                    // It made something, or failed for the request: the 500s before were the jobs' own.
                    for earlier in held[server] { outcomes.append(texts.keep(earlier)) }
                    held[server] = []
                }
                if let fault = outcome.serverFault, !others.isEmpty, left[server] == nil {
                    left[server] = fault
                    printer.warn(Self.leftLine(servers[server], fault: fault, to: others.map { servers[$0] }))
                }
                // A server that left: what it did not accept (or make, its 500s held) goes to the others, each once.
                let refused = left[server] == nil || others.isEmpty ? []
                    : held[server] + (outcome.serverFault != nil && outcome.movable ? [outcome] : [])
                if !refused.isEmpty {
                    held[server] = []
                    for each in refused {
                        // Its row goes: the combination gets the row of the server that makes it.
                        if let recordID = each.recordID, let store {
                            do throws(HistoryError) {
                                try store.delete(id: recordID)
                            } catch {
                                printer.warn("[\(each.index + 1)/\(points.count)] the refused row stays in the history: \(error.message)")
                            }
                        }
                        printer.say(Self.movedLine("[\(each.index + 1)/\(points.count)]", points[each.index].label, from: servers[server]))
                        moved.append(each.index)
                    }
                    startWhatFits()
                    continue
                }
                outcomes.append(texts.keep(outcome))
                // What the ended task's transfers and answers used goes back: memory stays flat over thousands.
                FreedMemory.giveBack()
                startWhatFits()
            }
            // 500s held back of a server that made nothing after them and did not leave: the jobs' own failures.
            for each in held.joined() { outcomes.append(texts.keep(each)) }
            // Ctrl-C stopped the sweep: each combination not started is said so, in the table and with --json.
            if stop.isStopping {
                for index in moved + Array(next..<points.count) {
                    outcomes.append(texts.keep(outcome(index: index, points[index], taskID: "-", state: .notSent, seconds: 0,
                                                       Answers(problem: Wording.sweepNotSent), batchID: batchID)))
                }
            }
        }
        outcomes.sort { $0.index < $1.index }
        return (outcomes, texts)
    }

    /// `server b (http://…) left the sweep: why; the rest goes to a, c`. An
    /// A1111 server accepts nothing (it answers when the job is done, issue
    /// 20): its combinations are said not made, rather than not accepted.
    static func leftLine(_ server: SweepServer, fault: String, to others: [SweepServer]) -> String {
        "server \(server.name) (\(server.configuration.baseURL)) left the sweep: \(fault); "
            + (server.configuration.server == .a1111 ? "the combinations it has not made go to " : "what it has not accepted goes to ")
            + others.map(\.name).joined(separator: ", ")
    }

    /// `[2/4] seed=2: not accepted by b; sent to another server` (an A1111 server's: not made by b).
    static func movedLine(_ position: String, _ label: String, from server: SweepServer) -> String {
        "\(position) \(label): " + (server.configuration.server == .a1111 ? "not made by \(server.name)" : "not accepted by \(server.name)")
            + "; sent to another server"
    }

    func runOne(index: Int, of total: Int, _ point: SweepPoint, _ request: Request, batchID: String, server: Int = 0,
                stop: SweepStop = SweepStop()) async -> Outcome {
        let started = ContinuousClock.now
        let target = sweepServers[server]
        // Several servers: each line says which one runs the task.
        let tag = "[\(index + 1)/\(total)] \(request.taskID) \(point.label)" + (spansServers ? " on \(target.name):" : ":")
        let printer = printer
        // One line each: the service's words in it cannot start a line of their own (issue 23).
        func say(_ text: String) { printer.say("\(tag) \(TerminalText.line(text))") }
        var answers = Answers()
        var saidAccepted = false
        func ended(_ state: State, _ problem: String? = nil) -> Outcome {
            answers.problem = problem
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            // A task not followed (--no-wait) ends as it was accepted: that line was said already.
            if !(state == .accepted && problem == nil && saidAccepted) {
                say(problem.map { "\(state.rawValue): \($0)" } ?? state.rawValue)
            }
            return outcome(index: index, point, taskID: request.taskID, state: state, seconds: seconds, answers, batchID: batchID,
                           server: server)
        }
        if printJSON { printer.say("\(tag)\n" + request.wireJSON) }

        var pipeline = SendPipeline(api: target.api, store: store, baseURL: target.configuration.baseURL, profile: target.configuration.profile,
                                    keeper: ResultImageKeeper.zqt(home: home, store: store, imagesMaxBytes: ResultImageKeeper.configuredBudget)) { error in
            printer.warn("\(tag) \(SendWording.historyFault(error, waits: true))")
        }
        pipeline.backlog = backlog
        pipeline.pollPolicy = pollPolicy
        pipeline.localInputs = target.localInputs
        pipeline.batchID = batchID
        var lastLine = ""
        var recordID: Int?
        var final: TaskInfo?
        // An A1111 call (issue 20): its server's job may be asked to stop at Ctrl-C while the call runs.
        let answersWhenDone = request.endpoint.family.followUp.answersWhenDone
        let live = answersWhenDone ? target.api as? any LiveProgressAPI : nil
        var askedWhileRunning = false
        defer { stop.ended(request.taskID) }
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
                // An A1111 call leaves now and answers when the job is done: said as it leaves, before its progress.
                if answersWhenDone { say(Wording.sweepCallSent) }
                if let live, !stop.started(request.taskID, api: live, tag: tag) {
                    // Ctrl-C came as it left: asked to stop at once.
                    askedWhileRunning = true
                    Self.askToStop(request.taskID, api: live, tag: tag, printer: printer)
                }
            case .accepted:
                // An A1111 call's answer is its end, said by the task's last line; only the service's task is accepted and followed.
                if !answersWhenDone { say("accepted"); saidAccepted = true }
            case let .unanswered(error, confirmation):
                if case .accepted = confirmation { say(SendWording.unansweredButAccepted(error, idTask: request.taskID)) }
            case let .progress(info) where answersWhenDone:
                // An A1111 job: the server's own words (step, time left, percentage from /sdapi/v1/progress),
                // a line when its state changes and at each quarter done, not at every step.
                let line = SendLines.status(info, server: .a1111)
                let key = Self.progressKey(info)
                if key != lastLine { say(line) }
                lastLine = key
                // A job that started after Ctrl-C (it waited in its server's queue) is asked to stop in turn.
                if let live, stop.isStopping, !askedWhileRunning, (info.progress ?? 0) > 0 {
                    askedWhileRunning = true
                    Self.askToStop(request.taskID, api: live, tag: tag, printer: printer)
                }
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
                    answers.notKept[position] = failed.message
                } else {
                    failure = failed
                }
            }
        }
        if let failure {
            if case let .notRecorded(fault)? = failure.error {
                // Said whole once (where and SQLite's words); each combination then says it was not sent, and why in a few words.
                if !notRecordedSaid.isSet {
                    notRecordedSaid.set()
                    printer.warn("\(tag) \(failure.message)")
                }
                return ended(.notSent, Wording.notSentReason(fault))
            }
            var outcome = ended(Self.state(failure), failure.message)
            outcome.serverFault = Self.serverFault(failure, server: target.configuration.server)
            outcome.movable = Self.notAccepted(failure)
            outcome.answered500 = target.configuration.server == .a1111 && Self.answered500(failure)
            outcome.recordID = recordID
            outcome.picturesNotKept = !answers.notKept.isEmpty
            return outcome
        }
        // Stopped at Ctrl-C: what the server made before it stopped is kept, and the row says `interrupted`.
        var done = ended(final.map { $0.interrupted ? .interrupted : .succeeded } ?? .accepted)
        done.recordID = recordID
        done.picturesNotKept = !answers.notKept.isEmpty
        return done
    }

    /// Whether an ended task's row does not yet say how it stands: its state's writes wait,
    /// a full disk held them back (issue 21). A note alone waiting (a picture's) is said with the picture.
    func isBehind(_ task: EndedTask) -> Bool {
        task.recordID.map(backlog.isBehindOnItsState) ?? false
    }

    /// A task's --json object, with `"history": "behind"` when its row is (issue 21).
    static func jsonLine(_ object: String, rowBehind: Bool) -> String {
        guard rowBehind, object.hasSuffix("}") else { return object }
        return String(object.dropLast()) + ",\"history\":\"behind\"}"
    }

    /// After the table (issue 21): how each picture not kept is fetched later;
    /// the combinations not sent for their rows; and whether the history
    /// caught up with what a full disk held back, or which rows are behind
    /// and how each catches up. On standard error: the table stays the table.
    func sayWhatTheDiskHeldBack(_ outcomes: [EndedTask], texts: EndedTexts, fault: HistoryError?, stopped: Bool = false) {
        for outcome in outcomes where outcome.picturesNotKept {
            printer.warn("#\(outcome.index + 1) " + Wording.picturesNotKeptLater(texts[outcome.taskID], rowBehind: isBehind(outcome),
                                                                                  sandbox: sandboxInProcess))
        }
        // After Ctrl-C the combinations not sent are the ones it kept from starting, said with the stop.
        let notSent = stopped ? [] : outcomes.filter { $0.state == .notSent }
        if let first = notSent.first {
            printer.warn(Wording.notSentCombinations(notSent.count, reason: texts[first.summary]))
        }
        let behind = outcomes.filter(isBehind).map { texts[$0.taskID] }
        if let fault, !behind.isEmpty {
            printer.warn(Wording.rowsStillBehind(behind, fault: fault, sandbox: sandboxInProcess))
        } else if fault == nil, backlog.rowsHeldBack > 0 {
            printer.warn(Wording.historyCaughtUp(rows: backlog.rowsHeldBack))
        }
    }

    /// An A1111 job's progress, as what changes a sweep's line: its words without their numbers, and the quarter done.
    static func progressKey(_ info: TaskInfo) -> String {
        let fraction = info.progress ?? 0
        let quarter = [0.25, 0.5, 0.75, 1].filter { fraction >= $0 }.count
        return "\(SubmissionState(info).rawValue) \(String(info.desc.filter { !$0.isNumber })) \(quarter)"
    }

    /// Asks an A1111 server to stop one of the sweep's jobs (POST /sdapi/v1/interrupt,
    /// through A1111Watch as `X` and a single send do: its answer is then read as interrupted).
    static func askToStop(_ idTask: String, api: any LiveProgressAPI, tag: String, printer: LinePrinter) {
        Task {
            do throws(APIError) {
                // While the server runs another client's job, the interrupt waits for ours (issue 20).
                if try await A1111Watch.interrupt(idTask, api: api) == .waits { printer.warn("\(tag) \(SendLines.jobWaitsToStop)") }
            } catch {
                printer.warn("\(tag) \(SendLines.interruptFailed(error))")
            }
        }
    }

    /// Why a failure says the server cannot take tasks (issue 20): it could
    /// not be reached or asked, it failed (5xx) or was busy, or it refused
    /// the profile's keys. Nil for the request's own faults (a 4xx, the
    /// service's refusal of a value, a local file) and for a task that ran
    /// and failed: those would fail anywhere.
    /// An AUTOMATIC1111 server answers 500 for a job's own failure (an
    /// unknown ControlNet module): that is the job's, not the server's; a
    /// 502, 503 or 504 is the server's (or its proxy's). Two 500s in a row
    /// with nothing made between are the server's too (runAll's `held`).
    static func serverFault(_ failure: SendFailure, server: ServerKind = .zhiqite) -> String? {
        switch failure.stage {
        case .send, .notAccepted, .outcomeUnknown, .follow: break
        case .task, .keep: return nil
        }
        guard let error = failure.error else { return nil }
        switch error {
        case .connectionRefused, .unreachable, .timedOut, .connectionLost, .transport, .busy, .missingCredentials, .invalidBaseURL,
             .invalidHeader:
            return error.message(from: server)
        case let .httpStatus(status, _), let .notJSON(status, _):
            if server == .a1111, status == 500 { return nil }
            return status >= 500 || status == 401 || status == 403 ? error.message(from: server) : nil
        case let .api(code, _):
            if server == .a1111, let status = Int(code), status > 500, status < 600 { return error.message(from: server) }
            return ["401", "403"].contains(code) ? error.message(from: server) : nil
        case .unexpectedResponse, .cancelled, .noTaskQuery, .answeredWithTheCall, .upload, .notRecorded:
            return nil
        }
    }

    /// Whether a call was answered HTTP 500 (whatever its body said).
    static func answered500(_ failure: SendFailure) -> Bool {
        guard failure.stage == .send, let error = failure.error else { return false }
        switch error {
        case let .httpStatus(status, _), let .notJSON(status, _): return status == 500
        case let .api(code, _): return code == "500"
        default: return false
        }
    }

    /// How many calls in a row an A1111 server may answer 500, with nothing made between, before it leaves a sweep.
    static let a1111FailuresInARow = 2

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
            // A combination Ctrl-C kept from being sent went to no server.
            let server = servers.isEmpty ? [] : [outcome.state == .notSent ? "-" : servers[outcome.server].name]
            // A row the disk still holds back says so: the table's state is the task's, not yet the history's (issue 21).
            let result = texts[outcome.summary] + (isBehind(outcome) ? Wording.rowBehindInTable : "")
            return ["\(outcome.index + 1)"] + values + server + [outcome.state.rawValue, Self.seconds(outcome.seconds),
                                                                texts[outcome.taskID], result]
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
        let said = [State.succeeded, .accepted, .interrupted, .failed, .unreachable, .invalid, .notSent].compactMap { state in counts[state].map { "\($0) \(state.rawValue)" } }
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
            "#\(index + 1) \(SendLines.resultName(position: position, url: image.imageURL, among: results, counted: false))"
                + (SendLines.publicURL(image.imageURL).map { ": " + SendLines.resultURL($0) } ?? "")
                + ((answers.saved[position] ?? answers.kept[position]).map { " → \($0)" }
                    ?? answers.notKept[position].map { " → " + Wording.pictureNotKept($0) } ?? "")
        }
        return Outcome(index: index, taskID: taskID, state: state, seconds: seconds, summary: summary(answers),
                       imageLines: imageLines.joined(separator: "\n"), json: "", server: server)
    }

    /// The result column: seeds, the first text, or why the task failed.
    private func summary(_ answers: Answers) -> String {
        if let problem = answers.problem { return problem.split(whereSeparator: \.isNewline).joined(separator: " ") }
        if !answers.results.isEmpty {
            // The pictures' seeds: an A1111 ControlNet map has none to give (issue 20).
            // An A1111 row's seeds come from its answer's `info`; a picture the answer gives none for is counted, never a bare "?".
            let pictures = answers.results.filter { !$0.isControlMap }
            return Wording.sweepSeeds((pictures.isEmpty ? answers.results : pictures).map(\.seed))
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
            ("not_kept", answers.notKept.isEmpty ? nil : .array(answers.notKept.sorted { $0.key < $1.key }.map { position, reason in
                .object([(key: "image", value: .int(position + 1)), (key: "reason", value: .string(reason))])
            })),
            ("error", answers.problem.map { .string($0) }),
        ])
    }
}

/// Ctrl-C during a sweep to A1111 servers (issue 20): whether the sweep is
/// stopping, and the calls in flight, each with the server to ask to stop
/// its job. Touched by the interrupt's thread and the sweep's tasks.
final class SweepStop: @unchecked Sendable {
    struct Job {
        let idTask: String
        let api: any LiveProgressAPI
        let tag: String
    }

    private let lock = Lock()
    private var stopping = false
    private var jobs: [String: Job] = [:]

    var isStopping: Bool { lock.withLock { stopping } }

    /// A call on its way; false when the sweep is already stopping (it is then to be asked to stop at once).
    func started(_ idTask: String, api: any LiveProgressAPI, tag: String) -> Bool {
        lock.withLock {
            jobs[idTask] = Job(idTask: idTask, api: api, tag: tag)
            return !stopping
        }
    }

    func ended(_ idTask: String) { lock.withLock { _ = jobs.removeValue(forKey: idTask) } }

    /// Ctrl-C: nothing more starts; the calls in flight, to be asked to stop.
    func stop() -> [Job] {
        lock.withLock {
            stopping = true
            return jobs.values.sorted { $0.tag < $1.tag }
        }
    }
}
