// The commands a script runs without the screen (issue 10): the history,
// a task's query and results, exports, model lists and paths. Each writes
// what a script reads to standard output (with --json, one JSON object a
// line), its complaints to standard error, and ends with a ZqtExit status.

import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Images

/// The zqt version `--version` prints: here and nowhere else.
enum ZqtVersion {
    static let current = "0.10.0"
}

/// `--json` on every command a script reads.
struct JSONOption: ParsableArguments {
    @Flag(help: "Print JSON for scripts: one object a line (lists give one line per item).")
    var json = false
}

/// Output and history shared by the commands here.
enum CommandSupport {
    /// Text from the history or the service, safe on a terminal (TerminalText), then a line break.
    static func say(_ text: String) {
        StandardStreams.writeOut(TerminalText.printable(text) + "\n")
    }

    /// A field of a tab-separated line: a tab or line break in it (a prompt, an
    /// id_task kept from a file) would shift the columns a script cuts.
    /// Bidi controls are named and marks capped as in any one-line field (TerminalText.line, issue 23).
    static func column(_ text: String) -> String {
        String(TerminalText.line(text).map { $0 == "\t" || $0.isNewline ? " " : $0 })
    }

    /// One JSON object as one line. JSON escapes every C0 control, so the line
    /// is one line; DEL, C1 and bidi controls are escaped too (visibleJSON), as
    /// the line may be shown on a terminal.
    static func sayJSON(_ value: JSONValue) {
        StandardStreams.writeOut(RequestExport.visibleJSON(JSONWriter.compact(value)) + "\n")
    }

    static func openHistory() throws -> HistoryStore {
        do {
            let store = try ComposeSession.openHistorySayingWaits(home: ZqtPaths.home().path, catalog: StartUp.atStart.catalog)
            if let note = store.folderNote { StandardStreams.writeError(TerminalText.line(note) + "\n") }
            // A folder or file that refuses writes (issue 21): read, and said that nothing new can be kept.
            if let readOnly = store.readOnly, readOnly.diskFault != nil {
                StandardStreams.writeError("zqt: " + TerminalText.line(Wording.historyReadOnly(readOnly)) + "\n")
            }
            return store
        } catch {
            throw CommandFailure("cannot open the history: \(error.message)", .badInput)
        }
    }

    /// The row whose id_task (or the service's task_id) is `idTask`, or a message that says there is none.
    static func record(_ idTask: String, in store: HistoryStore) throws -> HistoryRecord {
        let found: HistoryRecord?
        do {
            found = try store.record(taskID: idTask)
        } catch {
            throw CommandFailure("cannot read the history: \(error.message)", .badInput)
        }
        guard let found else {
            throw CommandFailure("no task \(APIError.printable(idTask)) in the history (zqt history list shows them)", .badInput)
        }
        return found
    }

    static func keep(_ body: () throws(HistoryError) -> Void) {
        do {
            try body()
        } catch {
            StandardStreams.writeError("zqt: not kept in history: \(TerminalText.line(error.message))\n")
        }
    }

    static func iso(_ date: Date?) -> JSONValue {
        date.map { .string($0.ISO8601Format()) } ?? .null
    }

    static func json(_ result: StoredResult) -> JSONValue {
        .object(dropping: [
            ("position", .int(result.position + 1)),
            // An A1111 picture's held name is no URL (SendLines.publicURL): its local_path is the picture.
            ("url", result.isText ? nil : SendLines.publicURL(result.imageURL).map { .string($0) }),
            ("text", result.text.map { .string($0) }),
            ("seed", result.seed.map { .int($0) }),
            // An A1111 ControlNet map (issue 20): kept beside the pictures, not one of them.
            ("control_map", result.isControlMap ? .bool(true) : nil),
            ("local_path", result.localPath.map { .string($0) }),
            ("not_kept", result.localPath == nil ? result.keepError.map { .string($0) } : nil),
        ])
    }

    static func json(_ summary: HistorySummary) -> JSONValue {
        .object(dropping: [
            ("id_task", .string(summary.idTask)),
            ("endpoint", .string(summary.endpoint.shortName)),
            ("state", .string(summary.state.rawValue)),
            ("created_at", iso(summary.createdAt)),
            ("service_task_id", summary.serviceTaskID.map { .string($0) }),
            ("model", .string(summary.model)),
            ("prompt", .string(summary.prompt)),
            ("progress", summary.progress.map { .double($0) }),
            ("images", .int(summary.imageCount)),
            ("batch_id", summary.batchID.map { .string($0) }),
            ("profile", summary.profile.isEmpty ? nil : .string(summary.profile)),
            ("not_followed", summary.notFollowed && summary.state.isUnfinished ? .bool(true) : nil),
        ])
    }

    /// One local file of a request as its upload went (issue 17): the path
    /// as the request holds it, the URL sent in its place, the file's hash.
    static func json(_ upload: UploadRecord) -> JSONValue {
        .object(dropping: [
            ("field", .string(upload.field)),
            ("path", .string(upload.localPath)),
            ("url", .string(upload.url)),
            ("sha256", .string(upload.sha256)),
            ("store", .string(upload.store)),
            ("expires_at", upload.expiresAt.map { iso($0) }),
            ("uploaded", .bool(upload.uploaded)),
        ])
    }

    /// Everything kept of a row; the request as the JSON object it was sent
    /// as (its local paths), and what each path was uploaded as.
    static func json(_ record: HistoryRecord, uploads: [UploadRecord] = [], notFollowed: Bool = false) -> JSONValue {
        .object(dropping: [
            ("id_task", .string(record.idTask)),
            ("endpoint", .string(record.endpoint.shortName)),
            ("path", .string(record.endpoint.id)),
            ("state", .string(record.state.rawValue)),
            ("base_url", .string(record.baseURL)),
            ("profile", .string(record.profile)),
            ("created_at", iso(record.createdAt)),
            ("submitted_at", record.submittedAt.map { iso($0) }),
            ("finished_at", record.finishedAt.map { iso($0) }),
            ("service_task_id", record.serviceTaskID.map { .string($0) }),
            ("http_status", record.httpStatus.map { .int($0) }),
            ("task_status", record.taskStatus.map { .int($0) }),
            ("task_desc", record.taskDesc.map { .string($0) }),
            ("progress", record.progress.map { .double($0) }),
            ("error", record.error.map { .string($0) }),
            ("request", (try? JSONParser.parse(record.requestJSON)) ?? .string(record.requestJSON)),
            ("results", .array(record.results.map(json))),
            ("uploads", uploads.isEmpty ? nil : .array(uploads.map(json))),
            ("not_followed", notFollowed ? .bool(true) : nil),
            ("info", a1111Info(record)),
        ])
    }

    /// An A1111 answer's `info` as the row keeps it (issue 20: read as JSON
    /// when it came, A1111Answer): the seeds and every parameter the server
    /// used. Nil for the service's rows and for an answer without one.
    static func a1111Info(_ record: HistoryRecord) -> JSONValue? {
        guard record.endpoint.server == .a1111, let text = record.responseJSON,
              let info = (try? JSONParser.parse(text))?["info"], info != .null else { return nil }
        // An older row kept `info` as the server sent it, a JSON string: read here the same.
        if let inner = info.stringValue, let read = try? JSONParser.parse(inner), read.objectValue != nil { return read }
        return info
    }

    /// The send pipeline for a command that keeps a task's images (`zqt query`, `zqt results`).
    /// `bounds`: `.onRequest` when the user asked for every image (`zqt results --all`, issue 23).
    static func pipeline(api: any ImageAPI, store: HistoryStore?, configuration: ClientConfiguration,
                         bounds: ImageBounds = .standard) -> SendPipeline {
        SendPipeline(api: api, store: store, baseURL: configuration.baseURL, profile: configuration.profile,
                     keeper: ResultImageKeeper.zqt(home: ZqtPaths.home().path, store: store,
                                                   imagesMaxBytes: ResultImageKeeper.configuredBudget, bounds: bounds)) { error in
            StandardStreams.writeError("zqt: \(TerminalText.line(SendWording.notKeptInHistory(error)))\n")
        }
    }

    /// A finished task's outcome as `zqt send` says it (SendLines): its texts, then each image and where it is kept.
    static func outcomeLines(_ info: TaskInfo, kept: [Int: KeptResult], notKept: [Int: SendFailure]) -> [String] {
        guard info.phase == .succeeded else { return [] }
        let sources = ResultSource.of(info)
        return SendLines.texts(info) + sources.map { source in
            if let result = kept[source.position] { return SendLines.kept(result, among: sources) }
            if let failure = notKept[source.position] { return SendLines.notKept(source, among: sources, failure) }
            return SendLines.image(source, among: sources)
        }
    }

    static func json(_ info: TaskInfo, idTask: String, kept: [Int: KeptResult] = [:]) -> JSONValue {
        .object(dropping: [
            ("id_task", .string(idTask)),
            ("state", .string(SubmissionState(info).rawValue)),
            ("status", .int(info.status)),
            ("desc", .string(info.desc)),
            ("progress", info.progress.map { .double($0) }),
            ("results", .array(info.results.enumerated().map { index, image in
                .object(dropping: [("position", .int(index + 1)), ("url", .string(image.imageURL)),
                                   ("seed", image.seed.map { .int($0) }), ("kept", kept[index].map { .string($0.path) })])
            })),
            ("texts", .array(info.texts.map { .string($0) })),
        ])
    }

    /// Reads a request file ("-": standard input) as text.
    static func readRequest(_ file: String) throws -> String {
        if file == "-" { return String(decoding: StandardStreams.readAllInput(), as: UTF8.self) }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure("cannot read \(APIError.printable(file))", .badInput)
        }
        let text = String(decoding: data, as: UTF8.self)
        // Drafts zqt wrote when no history took them (issue 21) hold several requests: not one to send.
        if UnsavedDraftsFile.read(text) != nil { throw CommandFailure(Wording.unsavedDraftsNotSent(APIError.printable(file)), .badInput) }
        return text
    }
}

// MARK: history

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List, show, export and delete the submissions zqt keeps.",
        discussion: "ID is a submission's id_task (the first column of `zqt history list`), or the task_id the service answered. \(ZqtExit.helpText)",
        subcommands: [HistoryList.self, HistoryShow.self, HistoryExport.self, HistoryDelete.self, HistoryUnfollow.self,
                      HistoryCheck.self, HistoryRecover.self]
    )
}

struct HistoryList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "The submissions, newest first: id_task, state, endpoint, time, prompt (and the profile, when a batch listed was sent to several servers).")

    @Option(help: "Only rows whose prompt, task id, model, endpoint or state hold every word of TEXT.")
    var filter: String = ""

    @Option(help: "At most this many rows.")
    var limit: Int = 50

    @Option(help: ArgumentHelp("Only this endpoint: \(EndpointNames.list).", valueName: "name"))
    var endpoint: String?

    @Option(help: "Only this state: \(SubmissionState.allCases.map(\.rawValue).joined(separator: ", ")).")
    var state: String?

    @OptionGroup var output: JSONOption

    /// The state listed, as the history screen shows it (newcomer20g finding 5): an A1111 row still
    /// `sending` is running on its server, whose call lasts as long as the job (docs/a1111.md).
    static func listed(_ row: HistorySummary) -> SubmissionState {
        Wording.listedState(row.state, server: row.endpoint.server)
    }

    func run() throws {
        guard limit > 0 else { throw CommandFailure("--limit must be 1 or more", .badInput) }
        let wantedEndpoint = try endpoint.map(EndpointNames.resolve)
        let wantedState = try state.map { name in
            guard let found = SubmissionState(rawValue: name) else {
                throw CommandFailure("--state must be one of: \(SubmissionState.allCases.map(\.rawValue).joined(separator: ", "))", .badInput)
            }
            return found
        }
        let store = try CommandSupport.openHistory()
        // Endpoint and state are checked here, page by page, so the filter's index does the rest.
        var rows: [HistorySummary] = []
        var before: Int?
        // Read past damage (issue 21): every row SQLite can still read, those it cannot counted.
        var damageMet: HistoryError?
        var unreadable = 0
        while rows.count < limit {
            let page: [HistorySummary]
            do {
                let listing = try store.listPastDamage(filter: filter, before: before, limit: 200) ?? HistoryListing(rows: [])
                page = listing.rows
                damageMet = damageMet ?? listing.damage
                unreadable += listing.unreadable
            } catch {
                throw CommandFailure("cannot read the history: \(error.message)", .badInput)
            }
            rows += page.filter { row in
                (wantedEndpoint.map { row.endpoint.formKey == $0.formKey } ?? true) && (wantedState.map { row.state == $0 || Self.listed(row) == $0 } ?? true)
            }
            guard page.count == 200, let last = page.last else { break }
            before = last.id
        }
        let listed = Array(rows.prefix(limit))
        // A batch sent to several servers (issue 20): a last column says which made each row.
        var batchProfiles: [String: Set<String>] = [:]
        for row in listed { if let batch = row.batchID { batchProfiles[batch, default: []].insert(row.profile) } }
        let spansServers = batchProfiles.values.contains { $0.count > 1 }
        // Rows `show` could not read (damage on their long columns' pages, issue 21): marked, counted, exit 2.
        let damaged = store.damagedRows(listed.map(\.id))
        for row in listed {
            if output.json {
                var fields = CommandSupport.json(row)
                if damaged.contains(row.id), case let .object(members) = fields { fields = .object(members + [("damaged", .bool(true))]) }
                CommandSupport.sayJSON(fields)
            } else {
                // A task the user stopped following is marked as the screen marks it, and a row with
                // nothing to show says "(no prompt)" as the screen does (issue 19: the column was empty).
                let prompt = (damaged.contains(row.id) ? Wording.damagedRowMark : "")
                    + (row.notFollowed && row.state.isUnfinished ? Wording.notFollowedMark : "") + String(Wording.listedPrompt(row).characters.prefix(60))
                let columns = [row.idTask, Self.listed(row).rawValue, row.endpoint.shortName,
                               CivilTime.local(row.createdAt).dateAndMinute, String(prompt.prefix(60))]
                    + (spansServers ? [row.profile] : [])
                CommandSupport.say(columns.map(CommandSupport.column).joined(separator: "\t"))
            }
        }
        // Exit 2, as for any damaged history (docs/exit-codes.md): the rows read, then what could not be.
        // Damage met but every row read whole: said once, and the exit is a sound file's (a newcomer's re-check).
        var problems: [String] = []
        if unreadable > 0 { problems.append(Wording.historyRowsUnreadable(unreadable)) }
        if !damaged.isEmpty { problems.append(Wording.damagedRowsListed(damaged.count, of: listed.count)) }
        if problems.isEmpty, let damageMet {
            StandardStreams.writeError(TerminalText.line(Wording.historyDamageMetAllRowsRead(damageMet)) + "\n")
        } else if problems.isEmpty, let found = store.damageFound() {
            // Damage on pages no listed row needed is still damage (a newcomer saw every row, exit 0, not a word,
            // where `check` said damaged and `send` refused): said once; the rows stand, as when damage was met.
            StandardStreams.writeError(TerminalText.line(Wording.historyListDamagedElsewhere(found)) + "\n")
        }
        for problem in problems.dropLast() { StandardStreams.writeError("zqt: " + TerminalText.line(problem) + "\n") }
        if let last = problems.last { throw CommandFailure(last, .badInput) }
    }
}

struct HistoryShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Everything kept of one submission: the request, the answers, the results.")

    @Argument(help: "The submission's id_task, or the task_id the service answered (as `accepted:` printed it).")
    var id: String

    @OptionGroup var output: JSONOption

    func run() throws {
        let store = try CommandSupport.openHistory()
        let record = try CommandSupport.record(id, in: store)
        if output.json {
            let notFollowed = record.state.isUnfinished && !((try? store.isFollowed(id: record.id)) ?? true)
            CommandSupport.sayJSON(CommandSupport.json(record, uploads: (try? store.uploads(id: record.id)) ?? [], notFollowed: notFollowed))
            return
        }
        // Each field one line, a text's lines each marked as the service's (issue 23): what `zqt send` printed.
        let line = TerminalText.line
        var lines = [
            "id_task:   \(line(record.idTask))",
            "endpoint:  \(record.endpoint.title) (\(record.endpoint.id))",
            "state:     \(record.state.title)" + (record.taskDesc.map { " · \(line($0))" } ?? "")
                + (record.state.isUnfinished && !((try? store.isFollowed(id: record.id)) ?? true) ? " · " + Wording.notFollowedLine(record.idTask) : ""),
            "sent:      \(CivilTime.local(record.createdAt).dateAndMinute) to \(line(record.baseURL)) (\(line(record.profile)))",
        ]
        if let service = record.serviceTaskID { lines.append("task_id:   \(line(service))") }
        // A server's error of several lines keeps them here (issue 20); one-line surfaces show its breaks as " / ".
        if let error = record.error {
            let parts = record.endpoint.server == .a1111 ? A1111Failure.errorLines(error, answer: record.responseJSON) : [error]
            for (index, part) in parts.enumerated() {
                lines.append((index == 0 ? "error:     " : "           ") + line(part))
            }
        }
        for result in record.results {
            if let text = result.text {
                lines.append(SendLines.text(position: result.position, of: nil, text))
            } else {
                // A control map is named so (issue 20), not left to its URL's mark.
                let name = SendLines.resultName(position: result.position, url: result.imageURL,
                                                among: record.imageResults.map { ($0.position, $0.imageURL) }, counted: false)
                if InlineImages.isInline(result.imageURL), let path = result.localPath {
                    // An A1111 picture (issue 20): its `a1111-inline:` URL only named it while held, numbered past
                    // the grid the server sent first; its seed and its file are what the user has.
                    lines.append("\(name): " + (result.seed.map { "seed \($0), " } ?? "") + "saved: \(line(path))")
                } else if InlineImages.isInline(result.imageURL) {
                    // Never kept: its held name named nothing the user can open; why follows.
                    lines.append("\(name): " + (result.seed.map { "seed \($0), " } ?? "") + "not kept")
                } else {
                    lines.append("\(name): \(SendLines.resultURL(result.imageURL))" + (result.localPath.map { " (saved: \(line($0)))" } ?? ""))
                }
                if result.localPath == nil, let reason = result.keepError {
                    lines.append("  " + line(SendWording.notKept(reason, attempts: result.keepAttempts, gone: result.keepGone)))
                }
            }
        }
        // Local files in image fields (issue 17): the path as written, the URL sent, the file's hash.
        for upload in (try? store.uploads(id: record.id)) ?? [] {
            lines.append("upload \(upload.field): \(line(upload.localPath)) → \(line(upload.url)) (sha256 \(upload.sha256.prefix(16))…"
                         + (upload.uploaded ? ")" : ", sent again)"))
        }
        lines.append("request:")
        lines.append(record.requestJSON)
        // What an A1111 server says it did (issue 20): the seeds and every parameter, readable.
        if let info = CommandSupport.a1111Info(record) {
            lines.append("info:")
            lines.append(JSONWriter.pretty(info))
        }
        CommandSupport.say(lines.joined(separator: "\n"))
    }
}

struct HistoryExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Every submission as JSON Lines, oldest first (as `history show --json`).")

    @Option(help: "The format; jsonl is the one there is.")
    var format: String = "jsonl"

    func run() throws {
        guard format == "jsonl" else { throw CommandFailure("--format must be jsonl", .badInput) }
        let store = try CommandSupport.openHistory()
        var ids: [String] = []
        var before: Int?
        // Read past damage (issue 21): every row that reads whole is exported, the others counted (exit 2).
        var damageMet: HistoryError?
        var unreadable = 0
        do {
            while true {
                let listing = try store.listPastDamage(before: before, limit: 500) ?? HistoryListing(rows: [])
                damageMet = damageMet ?? listing.damage
                unreadable += listing.unreadable
                ids += listing.rows.map(\.idTask)
                guard listing.rows.count == 500, let last = listing.rows.last else { break }
                before = last.id
            }
            for idTask in ids.reversed() {
                do throws(HistoryError) {
                    if let record = try store.record(idTask: idTask) {
                        CommandSupport.sayJSON(CommandSupport.json(record, uploads: try store.uploads(id: record.id)))
                    }
                } catch where error.isDamage {
                    damageMet = damageMet ?? error
                    unreadable += 1
                }
            }
        } catch {
            throw CommandFailure("cannot read the history: \(error.message)", .badInput)
        }
        if unreadable > 0 { throw CommandFailure(Wording.historyRowsUnreadable(unreadable), .badInput) }
        if let damageMet { StandardStreams.writeError(TerminalText.line(Wording.historyDamageMetAllRowsRead(damageMet)) + "\n") }
    }
}

/// Stop following a task (issue 19): no zqt asks about it, now or at its next start, until `u` or `zqt query` takes it up.
struct HistoryUnfollow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unfollow",
        abstract: "Stop following a running task: zqt no longer asks about it until zqt query ID (or u on its row) takes it up again.",
        discussion: "The service documents no cancel: the task may still run there. A screen or zqt send that follows it stops before its next question.")

    @Argument(help: "The submission's id_task.")
    var id: String

    func run() throws {
        let store = try CommandSupport.openHistory()
        let record = try CommandSupport.record(id, in: store)
        guard record.state.isUnfinished else {
            throw CommandFailure("\(APIError.printable(id)) is not running (\(record.state.title)): nothing to stop following", .badInput)
        }
        do {
            try store.setFollowed(id: record.id, false)
        } catch {
            throw CommandFailure("cannot change \(APIError.printable(id)): \(error.message)", .badInput)
        }
        StandardStreams.writeError("\(APIError.printable(id)) not followed (the service has no cancel, so it may still run there); zqt query \(APIError.printable(id)) takes it up again\n")
    }
}

struct HistoryDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete one submission from the history (the service keeps its task).")

    @Argument(help: "The submission's id_task, or the task_id the service answered (as `accepted:` printed it).")
    var id: String

    @Flag(name: .customLong("delete-images"),
          help: "Delete zqt's copies of its images too ($ZQT_HOME/images/ID); images saved to other folders stay.")
    var deleteImages = false

    func run() throws {
        let store = try CommandSupport.openHistory()
        let record = try CommandSupport.record(id, in: store)
        do {
            try store.delete(id: record.id)
        } catch {
            throw CommandFailure("cannot delete \(APIError.printable(id)): \(error.message)", .badInput)
        }
        StandardStreams.writeError("deleted \(APIError.printable(id))\n")
        let home = ZqtPaths.home().path
        let folder = ResultImageFiles.folder(home: home, idTask: record.idTask)
        guard FileManager.default.fileExists(atPath: folder) else { return }
        if deleteImages {
            ResultImageFiles.delete(home: home, idTask: record.idTask)
            StandardStreams.writeError("deleted its images in \(TerminalText.printable(folder))\n")
        } else {
            StandardStreams.writeError("its images stay in \(TerminalText.printable(folder)) (--delete-images deletes them)\n")
        }
    }
}

// MARK: query, results

struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Ask the service where a task stands; a task in the history gets the answer recorded.",
        discussion: "A task in the history is asked with its endpoint's query, of the service it was sent to (its base URL, with its profile's keys when the config file still has that profile) unless --base-url, --profile or --sandbox says otherwise; any other id with the SD query (or --endpoint's). An A1111 row has no task to ask about: its state is said, or for a row still sending whether a zqt still waits for its answer and what the server's progress says; a row whose sender is gone on an idle server is kept as outcome unknown. \(ZqtExit.helpText) A task that failed ends with 1."
    )

    @Argument(help: "The task's id_task (or businessTaskId), or the task_id the service answered (as `accepted:` printed it).")
    var taskID: String

    @Option(help: ArgumentHelp("For an id not in the history: its endpoint (default controlnet).", valueName: "name"))
    var endpoint: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: JSONOption

    mutating func run() async throws {
        let store = try? CommandSupport.openHistory()
        let record = store.flatMap { try? $0.record(taskID: taskID) }
        if let record, record.endpoint.family.followUp.answersWhenDone {
            return try await askA1111(record, store: store)
        }
        if record == nil, endpoint == nil, connection.serverKind() == .a1111 {
            throw CommandFailure("\(APIError.printable(taskID)) is not in the history: \(A1111RowStanding.noQuery)", .badInput)
        }
        let task: TaskReference
        if let record {
            task = TaskReference(endpoint: record.endpoint, taskID: record.idTask, submittedAt: record.taskStartedAt)
        } else {
            task = TaskReference(endpoint: try EndpointNames.resolve(endpoint ?? "controlnet"), taskID: taskID)
        }
        // Asked by the user: a task no longer followed is followed again (issue 19).
        if let record, let store { try? store.setFollowed(id: record.id, true) }
        let (configuration, sandbox) = try connection.towards(record).resolve()
        defer { sandbox?.stop() }
        let api = HTTPImageAPI(configuration: configuration)
        // The answer kept in the task's row, as the screen's query keeps it (SendPipeline.ask).
        let pipeline = CommandSupport.pipeline(api: api, store: record == nil ? nil : store, configuration: configuration)
        let info: TaskInfo
        do throws(APIError) {
            // Only the service the row was sent to may close it: another one has never heard of it.
            info = try await pipeline.ask(task, recordID: record?.id,
                                          rowIsOpen: record.map { $0.state.isUnfinished && $0.baseURL == configuration.baseURL } ?? false)
        } catch {
            throw CommandFailure(error)
        }
        // A finished task in the history gets its images kept, as a send that followed it would (wire rule 10).
        var kept: [Int: KeptResult] = [:]
        var notKept: [Int: SendFailure] = [:]
        if let record, info.phase == .succeeded {
            for await event in pipeline.keepResults(ResultSource.of(info), idTask: record.idTask, recordID: record.id) {
                switch event {
                case let .kept(result): kept[result.source.position] = result
                case let .failed(failure): if case let .keep(position) = failure.stage { notKept[position] = failure }
                default: break
                }
            }
        }
        if output.json {
            CommandSupport.sayJSON(CommandSupport.json(info, idTask: task.taskID, kept: kept))
        } else {
            // The first line for scripts (id, state, the service's words); then the outcome as `zqt send` says it.
            let percent = info.progress.map { " " + Wording.percent($0) } ?? ""
            var lines = ["\(CommandSupport.column(task.taskID))\t\(SubmissionState(info).rawValue)\tstatus \(info.status) \(CommandSupport.column(info.desc))\(percent)"]
            lines += CommandSupport.outcomeLines(info, kept: kept, notKept: notKept)
            CommandSupport.say(lines.joined(separator: "\n"))
        }
        if info.phase == .failed {
            StandardStreams.writeError(TerminalText.line(SendWording.taskFailed(info)) + "\n")
            throw ZqtExit.failed.exitCode
        }
    }
}

extension QueryCommand {
    /// An A1111 row (issue 20): no task to ask; its state, or for a row still
    /// `sending` its sender and the server's progress (A1111RowStanding). A
    /// row whose sender waits is never changed; one whose sender is gone on an
    /// idle server is kept as "outcome unknown". Exit 1 for a row that ended badly.
    func askA1111(_ record: HistoryRecord, store: HistoryStore?) async throws {
        let standing: A1111RowStanding
        if let closed = A1111RowStanding.closed(record) {
            standing = closed
        } else {
            let (configuration, sandbox) = try connection.towards(record).resolve()
            defer { sandbox?.stop() }
            let pipeline = CommandSupport.pipeline(api: configuration.makeAPI(), store: store, configuration: configuration)
            standing = await pipeline.a1111Standing(of: record)
        }
        if output.json {
            var members: [(key: String, value: JSONValue)] = [
                (key: "id_task", value: .string(record.idTask)), (key: "state", value: .string(standing.state.rawValue)),
                (key: "desc", value: .string(standing.words)),
            ]
            if let fraction = standing.fraction { members.append((key: "progress", value: .double(fraction))) }
            CommandSupport.sayJSON(.object(members))
        } else {
            CommandSupport.say("\(CommandSupport.column(record.idTask))\t\(standing.state.rawValue)\t\(CommandSupport.column(standing.words))")
        }
        if standing.isFailure { throw ZqtExit.failed.exitCode }
    }
}

struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Download a finished task's result images from the history, into a folder when given.",
        discussion: "Files are named <id_task>-<n>.<ext>; the history keeps where each was saved. An image zqt already keeps (in $ZQT_HOME/images) is copied, not downloaded again. One task brings at most \(ImageBounds.standard.imagesPerTask) images and \(ImageBounds.standard.bytesPerTask >> 20) MB unless --all is given. \(ZqtExit.helpText)"
    )

    @Argument(help: "The submission's id_task, or the task_id the service answered (as `accepted:` printed it).")
    var id: String

    @Option(help: "The folder to save the images into (created when missing); without it they are kept in $ZQT_HOME/images only.")
    var download: String?

    @Flag(help: "Fetch every image, beyond what one task may bring (\(ImageBounds.standard.imagesPerTask) images, \(ImageBounds.standard.bytesPerTask >> 20) MB).")
    var all = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: JSONOption

    mutating func run() async throws {
        let store = try CommandSupport.openHistory()
        let record = try CommandSupport.record(id, in: store)
        guard !record.imageResults.isEmpty else {
            throw CommandFailure("\(APIError.printable(id)) has no result images (\(record.state.title)); zqt query \(APIError.printable(id)) asks the service", .failed)
        }
        // Absolute, so the history notes a path that holds from any folder.
        let folder = download.map { URL(fileURLWithPath: $0, isDirectory: true).path }
        if let folder, (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) == nil {
            throw CommandFailure(SendWording.cannotCreate(APIError.printable(folder)), .badInput)
        }
        let (configuration, sandbox) = try connection.resolve()
        defer { sandbox?.stop() }
        let pipeline = CommandSupport.pipeline(api: HTTPImageAPI(configuration: configuration), store: store, configuration: configuration,
                                               bounds: all ? .onRequest : .standard)
        let sources = ResultSource.of(record)
        var worst: ZqtExit = .success
        // The pipeline keeps each image (zqt's copy first: it outlives the service's URL) and saves it into the folder.
        for await event in pipeline.keepResults(sources, idTask: record.idTask, recordID: record.id, exportTo: folder) {
            switch event {
            case let .kept(kept):
                guard let path = kept.exported ?? (folder == nil ? kept.path : nil) else { continue }
                if output.json {
                    CommandSupport.sayJSON(.object(dropping: [("position", .int(kept.source.position + 1)), ("url", SendLines.publicURL(kept.source.url).map { .string($0) }),
                                                              ("path", .string(path)), ("kept", .string(kept.path)),
                                                              ("note", SendWording.savedCopyNote(kept).map { .string($0) })]))
                } else {
                    CommandSupport.say(SendLines.kept(kept, among: sources))
                }
            case let .failed(failure):
                StandardStreams.writeError("zqt: \(TerminalText.line(failure.message))\n")
                worst = max(worst, ZqtExit(failure.failureClass))
            default:
                break
            }
        }
        if worst != .success { throw worst.exitCode }
    }
}

extension ZqtExit: Comparable {
    /// The worse of two: network beats configuration beats failure, as the first to fix.
    static func < (lhs: ZqtExit, rhs: ZqtExit) -> Bool { lhs.rawValue < rhs.rawValue }
}

// MARK: export

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print a request as a curl command, or a Python or Swift script, that sends it as it is.",
        discussion: """
        SOURCE is a history row's id_task, or a request file ('-': standard input; --endpoint says which). \
        A row's request is exported exactly as it was sent.

        Credentials are read from $\(RequestExport.idVariable) and $\(RequestExport.secretVariable) when the snippet runs; \
        --reveal-secrets writes the current ones in instead.

        The service refuses an id_task it has seen: with --new-id the snippet makes a fresh one each time it runs.

        A local file in an image field (a path the snippet could not read where it runs) goes into the snippet as a URL: \
        one the history holds for the same bytes while it is still valid, else the file is uploaded as `zqt send` would \
        (the profile's [profiles.NAME.upload]); without upload settings the export is refused, naming the field.

        \(ZqtExit.helpText)
        """
    )

    @Flag(help: "The language of the snippet.")
    var language: Language

    enum Language: String, EnumerableFlag {
        case curl, python, swift
    }

    @Argument(help: "A history row's id_task, or a request JSON file.")
    var source: String

    @Option(help: ArgumentHelp("For a file: the endpoint: \(EndpointNames.list).", valueName: "name"))
    var endpoint: String?

    // The root's options, whose --base-url ArgumentParser gives to the root when a
    // subcommand declares its own: the snippet posts to it (default: the row's
    // service, else $ZQT_BASE_URL, else the profile's base_url, else
    // https://api.zhiqite.com). --sandbox does nothing here.
    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .customLong("reveal-secrets"), help: "Write the access keys in use (flags, environment, profile) into the snippet.")
    var revealSecrets = false

    @Flag(name: .customLong("new-id"), help: "The snippet makes a new id_task (or businessTaskId) each time it runs, so the service takes it every time.")
    var newID = false

    mutating func run() async throws {
        let language = RequestExport.Language(rawValue: language.rawValue) ?? .curl
        let baseURL = connection.baseURL
        let configuration = try connection.resolveWithoutConnecting(needsSecret: revealSecrets)
        var credentials: Credentials?
        if revealSecrets {
            guard let keys = configuration.credentials, keys.isComplete else {
                throw CommandFailure(APIError.missingCredentials.message, .badInput)
            }
            credentials = keys
        }
        // A row's id_task first: a file of that name is read only when no row has it, or with --endpoint.
        let store = try? CommandSupport.openHistory()
        if endpoint == nil, let store, let record = try? store.record(taskID: source) {
            // Exactly the JSON that was sent, not a re-encoding of it (unless it needs a new id, or holds local files).
            let url = RequestExport.url(baseURL: baseURL == nil ? record.baseURL : configuration.baseURL, endpoint: record.endpoint)
            var body = record.requestJSON
            var fresh: String?
            if newID || !LocalInputs.find(in: record.request).isEmpty {
                var request = try await Self.withURLs(record.request, configuration: configuration, store: store)
                if newID { request.taskID = TaskIDGenerator.shared.next() }
                body = request.wireJSON
                fresh = request.taskID
            }
            StandardStreams.writeOut(RequestExport.snippet(language, url: url, body: body, revealing: credentials, freshID: fresh))
            return
        }
        if source != "-" && !FileManager.default.fileExists(atPath: source) {
            throw CommandFailure("\(APIError.printable(source)) is neither a task in the history nor a file", .badInput)
        }
        let target = try EndpointNames.resolve(endpoint ?? "controlnet", in: StartUp.atStart.catalog, server: configuration.server)
        var request: Request
        do {
            request = try Request.decode(json: try CommandSupport.readRequest(source), for: target).request
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(APIError.printable(source)): \(error)", .badInput)
        }
        if newID { request.taskID = TaskIDGenerator.shared.next() }
        request = try await Self.withURLs(request, configuration: configuration, store: store)
        StandardStreams.writeOut(RequestExport.snippet(language, url: RequestExport.url(baseURL: configuration.baseURL, endpoint: request.endpoint),
                                                       body: request.wireJSON, revealing: credentials, freshID: newID ? request.taskID : nil))
    }

    /// The request with each local file in its image fields replaced by a URL
    /// the snippet's service can fetch: an earlier upload of the same bytes
    /// (the history's, by SHA-256) while its uploader says it is still valid,
    /// else a new upload through the profile's uploader, as `zqt send` does
    /// (LocalInputs.resolve). Refused, naming the field, when the profile has
    /// no upload settings or the file is not a picture that can go.
    static func withURLs(_ request: Request, configuration: ClientConfiguration, store: HistoryStore?) async throws -> Request {
        guard !LocalInputs.find(in: request).isEmpty else { return request }
        do throws(UploadFailure) {
            let uploader = try UploaderSource.forConnection(configuration, sandbox: false).uploader()
            let (sent, _) = try await LocalInputs.resolve(
                request, uploader: uploader, directory: FileManager.default.currentDirectoryPath,
                earlier: { sha256, storeName in (try? store?.earlierUploads(sha256: sha256, store: storeName)) ?? [] })
            return sent
        } catch {
            throw CommandFailure("cannot export with a local file: \(error.message)", error.network ? .network : .badInput)
        }
    }
}

// MARK: models

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "The model lists: as cached in the history database, or asked of the service with --refresh.",
        discussion: "Prints kind, name, display name and base model, a line each. \(ZqtExit.helpText) One rule for every kind: each list asked for (every kind without --kind) that is not cached, or whose read fails with --refresh, is said on stderr and ends with 1 once the others are printed. The in-process sandbox's lists are kept under \"sandbox\", whatever its port."
    )

    @Option(help: "Only this list: \(ModelListKind.allCases.map(\.rawValue).joined(separator: ", ")) (the last five an A1111 server's only).")
    var kind: String?

    @Flag(help: "Ask the service for the lists (and cache them) instead of reading the cache.")
    var refresh = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: JSONOption

    mutating func run() async throws {
        let (configuration, sandbox) = try connection.resolve()
        let kinds: [ModelListKind]
        if let kind {
            guard let found = ModelListKind(rawValue: kind) else {
                sandbox?.stop()
                throw CommandFailure("--kind must be one of: \(ModelListKind.allCases.map(\.rawValue).joined(separator: ", "))", .badInput)
            }
            guard ModelListKind.kinds(for: configuration.server).contains(found) else {
                sandbox?.stop()
                throw CommandFailure("--kind \(found.rawValue) is a list only an A1111 server has (a profile with api = \"a1111\")", .badInput)
            }
            kinds = [found]
        } else {
            kinds = ModelListKind.kinds(for: configuration.server)
        }
        defer { sandbox?.stop() }
        let store = try? CommandSupport.openHistory()
        let service = configuration.modelListCacheKey
        var lists: [ModelListKind: ModelList] = [:]
        var worst = ZqtExit.success
        if refresh {
            let api = configuration.makeAPI()
            let paths = ModelListPaths.fromEnvironment(overrides: StartUp.atStart.user.listPathOverrides)
            for kind in kinds {
                // An A1111 server's lists are at its own paths (issue 20).
                let path = configuration.server == .a1111 ? A1111ModelLists.path(for: kind) : paths.path(for: kind)
                do throws(APIError) {
                    let list = try await api.readModelList(kind, path: path)
                    lists[kind] = list
                    if let store { CommandSupport.keep { () throws(HistoryError) in try store.saveModelList(list, service: service) } }
                } catch {
                    StandardStreams.writeError("zqt: the \(kind.rawValue) list: \(TerminalText.line(error.message))\n")
                    worst = max(worst, ZqtExit(error))
                }
            }
        } else {
            lists = (try? store?.loadModelLists(service: service)) ?? [:]
            // The server named by its profile and kind (the in-process sandbox as its lists are kept: its port changes every run).
            for kind in kinds where lists[kind] == nil {
                StandardStreams.writeError("zqt: " + Wording.modelListNotCached(kind, configuration: configuration, onlyKind: self.kind != nil) + "\n")
                worst = max(worst, .failed)
            }
        }
        for kind in kinds {
            guard let list = lists[kind] else { continue }
            for item in list.items {
                if output.json {
                    CommandSupport.sayJSON(.object([(key: "kind", value: .string(kind.rawValue)), (key: "name", value: .string(item.name)),
                                                    (key: "display_name", value: .string(item.displayName)),
                                                    (key: "base_model", value: .string(item.baseModel))]))
                } else {
                    CommandSupport.say([kind.rawValue, item.name, item.displayName, item.baseModel]
                        .map(CommandSupport.column).joined(separator: "\t"))
                }
            }
        }
        if worst != .success { throw worst.exitCode }
    }
}

// MARK: paths

struct PathsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paths",
        abstract: "Where zqt reads its configuration and keeps its data.",
        discussion: "The data folder is $ZQT_HOME, else $XDG_DATA_HOME/zqt, else ~/.local/share/zqt."
    )

    @OptionGroup var output: JSONOption

    func run() {
        let environment = ProcessInfo.processInfo.environment
        let paths: [(String, String)] = [
            ("config_file", ConfigFile.location(environment: environment)),
            ("catalog_file", UserCatalog.location(environment: environment)),
            ("data_folder", ZqtPaths.home(environment: environment).path),
            ("database", ZqtPaths.home(environment: environment).appendingPathComponent(HistoryStore.fileName).path),
        ]
        if output.json {
            CommandSupport.sayJSON(.object(paths.map { (key: $0.0, value: .string($0.1)) }))
        } else {
            CommandSupport.say(paths.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n"))
        }
    }

}
