// The `zqt` command line: the entry point and its subcommands.

import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import CNcurses
import Model
import Sandbox

@main
struct Zqt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zqt",
        abstract: "A terminal client for the zhiqite AIGC image API.",
        discussion: """
        zqt                     compose, preview and send requests (needs a terminal);
                                F2 shows every submission, kept in $ZQT_HOME/history.sqlite
        zqt --sandbox           the same against a local stand-in for the service, no keys needed
        zqt sandbox             run the stand-in on its own and print its URL

        Configuration: $XDG_CONFIG_HOME/zqt/config.toml (else ~/.config/zqt/config.toml): profiles,
        defaults for form fields, [keys] and theme. Flags win over ZQT_* variables, which win over the file.
        Environment: ZQT_PROFILE, ZQT_BASE_URL, ZQT_ACCESS_KEY_ID, ZQT_ACCESS_KEY_SECRET, ZQT_HOME, NO_COLOR.
        \(ZqtExit.helpText)
        """,
        version: ZqtVersion.current,
        subcommands: [SandboxCommand.self, SendCommand.self, QueryCommand.self, HistoryCommand.self, ResultsCommand.self,
                      ExportCommand.self, ModelsCommand.self, PathsCommand.self, ValidateCommand.self, KeysCommand.self,
                      ConvertCommand.self, BenchCommand.self]
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .customLong("images"), help: ArgumentHelp(
        "How result images are drawn: \(PictureSetting.choices) (default: $ZQT_IMAGES, else the config file's images, else auto).",
        valueName: "mode"))
    var images: String?

    /// Every command, then the process's end: transfers still running (the
    /// model list, a poll) are stopped first, as exit tears down the TLS
    /// libraries they use (issue 8: a crash on the way out).
    /// What every way out of a command does before exiting: transfers
    /// stopped, and the history closed rather than left to exit(), so its
    /// -wal and -shm go with the last connection (issue 21).
    private static func endCommand() {
        HTTPClient.stopAllTransfers()
        HistoryStore.closeEveryOpenStore()
    }

    static func main() async {
        FreedMemory.limitArenas()
        FreedMemory.mapLargeBuffersApart()
        do {
            // `zqt sandbox --api …` is the sandbox's own --api, not the root's `--sandbox --api` (issue 20):
            // the root's options would otherwise take it before the subcommand sees it.
            let arguments = Array(CommandLine.arguments.dropFirst())
            var command: ParsableCommand
            if arguments.first == SandboxCommand.configuration.commandName {
                do { command = try SandboxCommand.parse(Array(arguments.dropFirst())) } catch { SandboxCommand.exit(withError: error) }
            } else {
                command = try parseAsRoot()
            }
            // The user's catalog, then the config file: read here, before any command runs.
            let start = StartUp.atStart
            if !(command is Zqt) {
                start.user.warnOnStandardError()
                // A broken config file stops every command that reads it, with 2 (issue 19:
                // `zqt history list` ran on and exited 0); only the sandbox reads none.
                if !(command is SandboxCommand), let problem = start.config.problem {
                    // `zqt paths` is how a user finds the file to fix: it still prints them, then fails.
                    if let paths = command as? PathsCommand { paths.run() }
                    throw CommandFailure(ConfigAtStart.commandMessage(problem), .badInput)
                }
                start.config.warnOnStandardError()
            }
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            endCommand()
            exit()
        } catch let failure as CommandFailure {
            endCommand()
            StandardStreams.writeError("zqt: \(TerminalText.line(failure.message))\n")
            exit(withError: failure.status.exitCode)
        } catch {
            endCommand()
            // A usage error (an unknown flag, a missing argument, a ValidationError) is
            // bad input: 2 in zqt's table, not ArgumentParser's 64.
            if exitCode(for: error) == .validationFailure {
                StandardStreams.writeError(fullMessage(for: error) + "\n")
                exit(withError: ZqtExit.badInput.exitCode)
            }
            exit(withError: error)
        }
    }

    mutating func run() async throws {
        let start = StartUp.atStart
        let interactive = isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0
        guard interactive else {
            start.user.warnOnStandardError()
            // No terminal (a pipe, CI): the sandbox run prints each step instead.
            guard connection.sandbox else {
                throw ValidationError("zqt needs a terminal for the compose screen; use zqt send, or zqt --sandbox for a scripted run")
            }
            // The A1111 stand-in runs a small txt2img instead of the service's documented example (issue 20).
            let a1111 = connection.sandboxAPI == ServerKind.a1111.rawValue
            let report = try await SendCommand.send(
                requestText: a1111 ? A1111SandboxConnection.exampleJSON : BundledExamples.controlNetJSON,
                endpoint: a1111 ? try EndpointNames.resolve("txt2img", in: start.catalog) : start.catalog.controlNet, connection: connection,
                freshID: true, printJSON: false, follow: true, downloadTo: nil, start: start)
            if report.outcome.exitStatus != .success { throw report.outcome.exitStatus.exitCode }
            return
        }
        if let problem = ComposeSession.terminalProblem(term: ProcessInfo.processInfo.environment["TERM"]) {
            StandardStreams.writeError(problem)
            throw ExitCode(2)
        }
        let pictures = try PictureSettingAtStart.resolve(flag: images, config: start.config.config)
        let (configuration, sandbox, configProblem) = try connection.resolveForScreen(config: start.config)
        defer { sandbox?.stop(closingRowsIn: try? HistoryStore.open(inFolder: ZqtPaths.home().path, catalog: start.catalog)) }
        let status = await ComposeSession.runOnItsOwnThread(configuration: configuration, configProblem: configProblem,
                                                            pictures: pictures, start: start)
        if status != 0 { throw ExitCode(status) }
    }
}

/// Starts the compose screen against a configuration.
enum ComposeSession {
    /// Why ncurses cannot draw the compose screen on this terminal, said
    /// plainly with what to do instead; nil when it can. Without this, TERM=dumb
    /// drew a title line and nothing else, and an unknown TERM ended in ncurses'
    /// own one-line error.
    static func terminalProblem(term: String?) -> String? {
        let ability = zqt_terminal_can_address_cursor()
        let name = term.map { "\"\($0)\"" } ?? "(TERM is not set)"
        let instead = """
            Run zqt in a terminal that can, such as xterm-256color (TERM=xterm-256color zqt),
            or without the screen: zqt send request.json sends a request file and follows it
            (zqt validate request.json checks one; zqt --help lists the rest).

            """
        switch ability {
        case 1: return nil
        case 0:
            return "zqt: the terminal \(name) cannot move the cursor (its terminfo entry has no cursor addressing),\n"
                + "and the compose screen needs that.\n" + instead
        case -1:
            return "zqt: the terminal type \(name) is not known here (no terminfo entry for it), so the compose\n"
                + "screen cannot be drawn.\n" + instead
        default:
            return "zqt: no terminfo database was found, so the terminal \(name) cannot be driven and the\n"
                + "compose screen cannot be drawn.\n" + instead
        }
    }


    /// The terminal loop blocks its thread while it waits for keys, so it
    /// gets one of its own: on Swift's concurrency pool (as many threads as
    /// cores) it would hold one of the threads that sends and polls run on.
    static func runOnItsOwnThread(configuration: ClientConfiguration, configProblem: String? = nil,
                                  pictures: PictureSetting = .auto, start: StartUp) async -> Int32 {
        await withCheckedContinuation { continuation in
            startThread {
                continuation.resume(returning: run(configuration: configuration, configProblem: configProblem, pictures: pictures,
                                                   start: start))
            }
        }
    }

    /// The history, opened by the screen before its first frame and by the
    /// commands (`zqt send`, `history`, …). Another zqt holding the file makes
    /// the open wait up to a minute, with nothing shown yet: after a second it
    /// is said, on stderr (the screen's terminal is not taken yet).
    static func openHistorySayingWaits(home: String, catalog: EndpointCatalog,
                                            say: @escaping (String) -> Void = StandardStreams.writeError) throws(HistoryError) -> HistoryStore {
        try HistoryStore.open(inFolder: home, catalog: catalog, whileWaiting: {
            say(Wording.historyHeldByAnother(home + "/" + HistoryStore.fileName))
        })
    }

    static func run(configuration: ClientConfiguration, configProblem: String? = nil, pictures: PictureSetting = .auto,
                    start: StartUp) -> Int32 {
        let home = ZqtPaths.home().path
        let config = start.config
        // The first form takes the config file's [defaults] too (a draft restored below replaces it).
        var first = Request.new(for: start.catalog.controlNet, taskID: TaskIDGenerator.shared.next())
        FormDefault.apply(config.formDefaults, to: &first)
        var state = AppState(request: first,
                             connection: ConnectionInfo(baseURL: configuration.baseURL, profile: configuration.profile,
                                                        isSandbox: configuration.profile == "sandbox", dataFolder: home))
        state.catalog = start.catalog
        state.formDefaults = config.formDefaults
        state.keys = config.keys
        state.connection.profiles = config.config?.profiles.map(\.name) ?? []
        for profile in config.config?.profiles ?? [] {
            state.connection.profileDetails[profile.name] = ProfileMask.details(profile)
            state.connection.profileServers[profile.name] = profile.api ?? .zhiqite
        }
        // The history opens before the first frame: the form comes back as it was left.
        var store: HistoryStore?
        var savedDrafts: [String: ComposeDraft] = [:]
        do {
            store = try openHistorySayingWaits(home: home, catalog: start.catalog)
            if let store { savedDrafts = try store.loadDrafts() }
            if let note = store?.folderNote { state.status = StatusMessage(text: note, kind: .info) }
            // A newer zqt's history, or one whose folder refuses writes (issue 21): its rows are shown, nothing is written to it.
            if let store, let readOnly = store.readOnly { Reducer.historyOpenedReadOnly(&state, readOnly, path: store.path) }
        } catch {
            Reducer.historyCannotOpen(&state, error)
        }
        if let store { restore(savedDrafts, into: &state, store: store) }
        // An A1111 profile opens on its own forms (issue 20): the drafts of the other kind wait aside.
        state.connection.server = configuration.server
        Reducer.showServersForm(&state)
        // Drafts are saved through effects from here on, against what was read (issue 4).
        state.draftSaving = DraftSaving(saved: savedDrafts, kept: store != nil && store?.readOnly == nil)
        // A long draft came through its pieces, its JSON and the parse, freed in the heap and
        // resident still: given back before the first frame (a 1 MB draft: burst18). Not kept here
        // either: the state holds the drafts until their first check and lets go of them then.
        if savedDrafts.values.contains(where: { $0.requestJSON.utf8.count >= FreedMemory.largeText }) { FreedMemory.giveBack() }
        savedDrafts = [:]
        // No history keeps the drafts: the way out writes them to a file of their own, and the quit question says where (issue 21).
        if !state.draftSaving.kept {
            state.draftSaving.notKeptBecause = state.historyProblem ?? store?.readOnly.map(Wording.draftsNotKeptInAReadOnlyHistory)
            state.draftSaving.fallbackFolder = UnsavedDrafts.likelyFolder(UnsavedDrafts.folders(home: home))
        }
        state.connection.catalogFile = start.user.file
        // A faulty catalog file is said first: the form is on the shipped catalog and the user should know why.
        if let problem = start.user.problemMessage { state.status = StatusMessage(text: problem, kind: .error) }
        // The config file's fault or permission warning is said last: it decides the keys and the connection.
        // Keys missing are said at once; keys refused, when the first model list read comes back.
        if !configuration.canSend { Reducer.noKeys(&state) }
        if let warning = config.permissionWarning { state.status = StatusMessage(text: Wording.warning(warning), kind: .error) }
        state.configFile = ConfigFileState(file: config.file, problem: config.problem,
                                           exists: config.config != nil || config.problem != nil, readOnce: config.config != nil)
        if let problem = config.problem {
            // In full, in a box: the status line cut it off (issue 19).
            Reducer.showConfigProblem(&state, problem, keptEarlier: false)
        } else if let configProblem {
            state.status = StatusMessage(text: configProblem, kind: .error)
        }
        // Where the model lists are asked for: the defaults, or ZQT_*_LIST_PATH (issue 9).
        let listPaths = ModelListPaths.fromEnvironment(overrides: start.user.listPathOverrides)
        state.modelLists.paths = listPaths
        // What the start says is kept for `M` too (a newcomer's read-only folder: M said "No message yet").
        if state.recentMessages.isEmpty, let said = state.status { StatusMessages.record(said, in: &state.recentMessages) }
        let inbox = ActionInbox()
        let runner = EffectRunner(api: configuration.makeAPI(), configuration: configuration,
                                  store: store, inbox: inbox, listPaths: listPaths, catalog: start.catalog)
        runner.home = home
        runner.imagesMaxBytes = ImageBounds.diskBudget(config.config?.imagesMaxBytes)
        // Read again when it changed, on the next screen change or by a command (issue 19).
        runner.configWatch.withLock { $0 = ConfigFileWatch(environment: ProcessInfo.processInfo.environment,
                                                           stamp: ConfigFileStamp.of(config.file)) }
        runner.profileResolver = config.config.map(profileResolver)
        return TerminalApp(state: state, runner: runner, inbox: inbox, theme: config.theme(), pictures: pictures,
                           mouse: config.mouse).run()
    }

    /// A profile of the file as a connection. A switch is an explicit choice:
    /// the start's --base-url no longer applies; ZQT_* still do (precedence).
    static func profileResolver(_ config: ZqtConfig) -> @Sendable (String) -> Result<ClientConfiguration, ConfigProblem> {
        return { name in
            do throws(ConfigProblem) {
                return .success(try ClientConfiguration.resolve(baseURLFlag: nil, profileFlag: name, config: config))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Every endpoint's form as it was left: the one on screen, and the
    /// others kept aside for the switcher (issue 7).
    static func restore(_ drafts: [String: ComposeDraft], into state: inout AppState, store: HistoryStore) {
        // A draft whose task id was already sent gets a new one (wire rule 8).
        func freshID(_ request: inout Request) {
            if (try? store.record(idTask: request.taskID)) != nil { request.taskID = TaskIDGenerator.shared.next() }
        }
        // The form on screen first: the others are then kept beside it.
        let current = drafts[DraftCodec.currentSlot]
        if let current {
            DraftCodec.restore(current, into: &state)
            freshID(&state.request)
            // The print the first draft check makes and keeps: one copy of a long prompt's JSON, not two.
            state.baselineJSON = DraftForm.printed(state.request)
        }
        for (slot, draft) in drafts where slot != DraftCodec.currentSlot && draft.endpoint.formKey != state.endpoint.formKey {
            guard var form = DraftCodec.form(draft) else { continue }
            freshID(&form.request)
            state.otherForms[form.request.endpoint.formKey] = form
        }
        guard let draft = current else { return }
        let saved = CivilTime.local(draft.savedAt).dateAndMinute
        let restored = StatusMessage(text: Wording.restoredForm(saved: saved, historyKey: state.keys.label(.history)), kind: .info,
                                     cause: .restoredForm)
        // A fault said before it (a read-only history, issue 21) is not replaced: a newcomer's read-only
        // folder said only "Restored…". The fault first, the restore after; `M` keeps each.
        guard let earlier = state.status, earlier.kind == .error else {
            state.status = restored
            return
        }
        StatusMessages.record(earlier, in: &state.recentMessages)
        StatusMessages.record(restored, in: &state.recentMessages)
        state.status = StatusMessage(text: Wording.faultThenRestored(earlier.text, restored: restored.text), kind: .error)
    }
}

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Print the key bindings as a Markdown table, with the config file's [keys] (docs/keys.md is this without a file)."
    )

    func run() {
        print(StartUp.atStart.config.keys.markdown)
    }
}

/// Where to send, shared by the root command and `send`.
struct ConnectionOptions: ParsableArguments {
    @Flag(help: "Start a sandbox in this process on a free loopback port and talk to it.")
    var sandbox = false

    @Option(name: .customLong("api"), help: "With --sandbox: which API the sandbox speaks, zhiqite (the default) or a1111 (an AUTOMATIC1111 server).")
    var sandboxAPI: String?

    @Option(name: .customLong("base-url"), help: "The service's base URL (default: $ZQT_BASE_URL, else https://api.zhiqite.com).")
    var baseURL: String?

    @Option(help: "The config file's profile to use (default: $ZQT_PROFILE, else the file's default_profile).")
    var profile: String?

    @Option(help: "Seconds a call may take before it counts as timed out.")
    var timeout: Double = 30

    /// For a task in the history (`zqt query`, issue 19): the service it was
    /// sent to, its base URL and, while the config file has it, its profile's
    /// keys, said on stderr; flags that name a service win. The current
    /// profile's service has never heard of a task sent elsewhere.
    func towards(_ record: HistoryRecord?, config: ConfigAtStart = StartUp.atStart.config) -> ConnectionOptions {
        guard let record, !sandbox, baseURL == nil, profile == nil else { return self }
        var options = self
        options.baseURL = record.baseURL
        let found = config.config?.profile(named: record.profile)
        let known = found != nil
        if known { options.profile = record.profile }
        // An A1111 profile has no keys: its login goes with the question (issue 20).
        StandardStreams.writeError(Wording.askingRowServiceNote(record.idTask, baseURL: record.baseURL, profile: record.profile, known: known,
                                                                server: found.map { $0.api ?? .zhiqite }) + "\n")
        return options
    }

    /// Whether the options name the server (`--profile`, `--sandbox`, `--base-url`), not the config file's default.
    var namesServer: Bool { sandbox || baseURL != nil || profile != nil }

    /// The kind of server these options name, read before anything runs
    /// (issue 20: an endpoint is inferred among that kind's): `--sandbox
    /// --api`, else the profile's `api` (a sweep's first profile); no secret
    /// is asked for. A config fault reads as the service: the send says it.
    func serverKind(config: ConfigAtStart = StartUp.atStart.config) -> ServerKind {
        if sandbox { return sandboxAPI.flatMap(ServerKind.init(rawValue:)) ?? .zhiqite }
        return Self.serverKind(profile: SweepServer.names(profile)?.first ?? profile, config: config)
    }

    /// The kind of server a profile is: `profile`, else ZQT_PROFILE, else
    /// the file's default_profile, as a send resolves it.
    static func serverKind(profile: String?, config: ConfigAtStart = StartUp.atStart.config,
                           environment: [String: String] = ProcessInfo.processInfo.environment) -> ServerKind {
        guard config.problem == nil, let file = config.config else { return .zhiqite }
        return profileName(profile, config: config, environment: environment).flatMap { file.profile(named: $0)?.api } ?? .zhiqite
    }

    /// The profile a command uses: `profile`, else ZQT_PROFILE, else the
    /// file's start profile (ZqtConfig.startProfile, the screen's rule too).
    static func profileName(_ profile: String?, config: ConfigAtStart = StartUp.atStart.config,
                            environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        profile.flatMap { $0.isEmpty ? nil : $0 } ?? environment["ZQT_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? config.config?.startProfile
    }

    /// The profile these options name, for a message (a sweep's first); nil for --sandbox or --base-url.
    func profileName(config: ConfigAtStart = StartUp.atStart.config) -> String? {
        guard !sandbox, baseURL == nil else { return nil }
        return Self.profileName(SweepServer.names(profile)?.first ?? profile, config: config)
    }

    /// The client configuration, with an in-process sandbox started when
    /// asked. A fault in the config file (or its profile's secret command)
    /// is said on stderr and ends the command with 2.
    func resolve(config: ConfigAtStart = StartUp.atStart.config) throws -> (ClientConfiguration, (any RunningSandbox)?) {
        let configuration: ClientConfiguration
        do throws(ConfigProblem) {
            configuration = try fromConfig(config)
        } catch {
            StandardStreams.writeError("zqt: \(error)\n")
            throw ExitCode(2)
        }
        return try start(configuration)
    }

    private func fromConfig(_ file: ConfigAtStart,
                            secretCommand: (String) -> Result<String, SecretCommand.Failure> = SecretCommand.run) throws(ConfigProblem) -> ClientConfiguration {
        if let problem = file.problem { throw problem }
        return try ClientConfiguration.resolve(baseURLFlag: baseURL, profileFlag: profile, config: file.config,
                                               secretCommand: secretCommand)
    }

    /// For `zqt export`: the service and keys as every command resolves them
    /// (flags, ZQT_*, the file's profile), no sandbox started. A profile's
    /// key_secret_command runs only when `needsSecret` (--reveal-secrets): an
    /// export otherwise reads the keys from the environment when it runs.
    func resolveWithoutConnecting(needsSecret: Bool, config: ConfigAtStart = StartUp.atStart.config) throws -> ClientConfiguration {
        do throws(ConfigProblem) {
            return try fromConfig(config, secretCommand: needsSecret ? SecretCommand.run : { _ in .success("") })
        } catch {
            StandardStreams.writeError("zqt: \(error)\n")
            throw ExitCode(2)
        }
    }

    /// For the screen: a fault does not stop it. It starts on the defaults
    /// (flags and ZQT_* still apply) and says the fault in its status line.
    func resolveForScreen(config: ConfigAtStart) throws -> (ClientConfiguration, (any RunningSandbox)?, String?) {
        let configuration: ClientConfiguration
        var problem: String?
        do throws(ConfigProblem) {
            configuration = try fromConfig(config)
        } catch {
            configuration = ClientConfiguration.resolve(baseURLFlag: baseURL)
            problem = config.problemMessage ?? "Config file: \(error)"
        }
        let (resolved, server) = try start(configuration)
        return (resolved, server, problem)
    }

    private func start(_ resolved: ClientConfiguration) throws -> (ClientConfiguration, (any RunningSandbox)?) {
        var configuration = resolved
        configuration.timeout = timeout
        if let sandboxAPI {
            guard let kind = ServerKind(rawValue: sandboxAPI) else {
                throw ValidationError("--api must be zhiqite or a1111, not \(APIError.printable(sandboxAPI))")
            }
            guard sandbox else { throw ValidationError("--api goes with --sandbox (a profile says its server's API with api = \"a1111\")") }
            if kind == .a1111 { return try A1111SandboxConnection.start(configuration) }
        }
        guard sandbox else { return (configuration, nil) }
        var options = SandboxOptions()
        options.firstTaskID = SandboxOptions.firstTaskIDOfThisRun()
        let server = SandboxServer(options: options)
        configuration.baseURL = try server.start()
        configuration.profile = "sandbox"
        // The zhiqite sandbox speaks the service's API whatever the default profile's server is (an A1111 one, say).
        if configuration.server != .zhiqite {
            configuration.server = .zhiqite
            configuration.credentials = nil
        }
        if !(configuration.credentials?.isComplete ?? false) {
            configuration.credentials = SandboxServer.demoCredentials
        }
        return (configuration, server)
    }
}

/// `--endpoint NAME`: every endpoint of the catalog by its one-word name (issue 7).
enum EndpointNames {
    /// The complete forms first, then every other endpoint of the catalog.
    static var list: String {
        let endpoints = EndpointCatalog.shipped.endpoints
        let ready = endpoints.filter(\.ready).map(\.shortName).joined(separator: ", ")
        let others = endpoints.filter { !$0.ready }.map(\.shortName).joined(separator: ", ")
        return others.isEmpty ? ready : "\(ready); also \(others)"
    }

    /// In the catalog this process read at start.
    static func resolve(_ name: String) throws -> Endpoint {
        try resolve(name, in: StartUp.atStart.catalog)
    }

    /// The endpoint a request body fits, as `L` chooses it on the screen,
    /// among the endpoints of the kind of server the profile is (issue 20:
    /// an A1111 profile's body is txt2img, img2img by its `init_images`,
    /// extras by its `image`…), said on stderr; two that fit equally are
    /// refused with a few named and the rest behind `zqt validate FILE --fits`
    /// (issue 19: twelve names joined with "or"). `file` is the body's path, for that command.
    static func infer(_ text: String, in catalog: EndpointCatalog, server: ServerKind = .zhiqite, file: String? = nil,
                      profile: String? = nil) throws -> Endpoint {
        guard let body = try? JSONParser.parse(text), body.objectValue != nil else {
            // Not an object: the endpoint cannot matter; decoding says what is wrong.
            return server == .zhiqite ? catalog.controlNet : catalog.readyGroups(for: server).first?.endpoints.first ?? catalog.controlNet
        }
        // A body that fits the other kind of server better is that kind's (issue 20: a converted zhiqite
        // ControlNet body went to an A1111 profile as txt2img, its image_link unknown): said, nothing sent.
        if let theirs = otherKind(of: body, in: catalog, server: server) {
            throw CommandFailure(Wording.bodyOfTheOtherKind(theirs, profile: profile, server: server, file: file), .badInput)
        }
        let kind = kindWords(server)
        switch inference(body, in: catalog, server: server) {
        case let .chosen(endpoint, alsoFit):
            let others = alsoFit.isEmpty ? "" : "; \(alsoFit.map(\.shortName).joined(separator: ", ")) would take it too"
            StandardStreams.writeError("note: endpoint \(endpoint.shortName)\(kind), inferred from the body's fields\(others) (--endpoint NAME chooses)\n")
            return endpoint
        case let .ambiguous(candidates):
            throw CommandFailure(Wording.fitsEqually(candidates.map(\.shortName), kind: kind, file: file), .badInput)
        case .none:
            throw CommandFailure(Wording.fitsNone(kind: kind, names: list(for: server, in: catalog)), .badInput)
        }
    }

    /// Every endpoint a body fits, the one `infer` would choose first
    /// (`zqt validate FILE --fits`): the whole list a refusal names a few of.
    static func fitting(_ text: String, in catalog: EndpointCatalog, server: ServerKind = .zhiqite) throws -> (endpoints: [Endpoint], chosen: Bool) {
        guard let body = try? JSONParser.parse(text), body.objectValue != nil else {
            throw CommandFailure("a request is a JSON object like {\"prompt\": …}: no endpoint fits anything else", .badInput)
        }
        switch inference(body, in: catalog, server: server) {
        case let .chosen(endpoint, alsoFit): return ([endpoint] + alsoFit, true)
        case let .ambiguous(candidates): return (candidates, false)
        case .none: throw CommandFailure(Wording.fitsNone(kind: kindWords(server), names: list(for: server, in: catalog)), .badInput)
        }
    }

    /// The zhiqite endpoint a body for an A1111 server fits strictly better
    /// than any of that server's (RequestImport.bestFit), nil when the
    /// server's fit as well. Only that way: the service's endpoints take
    /// most A1111 fields by the same names, so an A1111 body sent to the
    /// service is read as its own (docs/scripting.md).
    static func otherKind(of body: JSONValue, in catalog: EndpointCatalog, server: ServerKind) -> Endpoint? {
        guard server == .a1111 else { return nil }
        let ours = RequestImport.bestFit(for: body, in: catalog, server: server) ?? Int.min
        for other in ServerKind.allCases where other != server {
            guard let theirs = RequestImport.bestFit(for: body, in: catalog, server: other), theirs > ours else { continue }
            if let endpoint = RequestImport.infer(for: body, in: catalog, server: other).candidates.first { return endpoint }
        }
        return nil
    }

    /// " of the profile's A1111 server" after "the body fits …", or nothing for the service's endpoints.
    private static func kindWords(_ server: ServerKind) -> String {
        server == .zhiqite ? "" : " of the profile's \(server.titleMark ?? server.rawValue) server"
    }

    private static func inference(_ body: JSONValue, in catalog: EndpointCatalog, server: ServerKind) -> RequestImport.Inference {
        let inference = RequestImport.infer(for: body, in: catalog, server: server)
        // An A1111 server's endpoints that take a bare `image` do different things (upscale it, describe
        // it, read its parameters): the fewest fields is no reason to choose one, so the user does.
        if server == .a1111, case let .chosen(endpoint, alsoFit) = inference {
            func problems(_ candidate: Endpoint) -> Int { RequestValidator.validate(Request(endpoint: candidate, body: body)).count }
            let level = alsoFit.filter { problems($0) == problems(endpoint) }
            if !level.isEmpty { return .ambiguous([endpoint] + level) }
        }
        return inference
    }

    /// The complete forms of one kind of server, for a message about a body sent to it.
    static func list(for server: ServerKind, in catalog: EndpointCatalog) -> String {
        server == .zhiqite ? list : catalog.readyGroups(for: server).flatMap(\.endpoints).map(\.shortName).joined(separator: ", ")
    }

    /// `server`: the kind of server the request goes to, when known. On the service a path the catalog
    /// holds for an A1111 server (`sdapi/v1/txt2img`) is one more path under /AIGCImgOpenServ/saas/: a custom
    /// request, its body as written (newcomer20g 3: send refused it, export filled A1111's defaults in,
    /// validate passed it as A1111's). The profile's kind decides, not the path (CustomEndpoint.family(ofPath:)).
    static func resolve(_ name: String, in catalog: EndpointCatalog, server: ServerKind? = nil) throws -> Endpoint {
        if let found = catalog.endpoint(named: name) {
            if server == .zhiqite, found.server != .zhiqite, name.contains("/"), case let .success(path) = CustomEndpoint.relativePath(name) {
                return CustomEndpoint.endpoint(path: path)
            }
            return found
        }
        // Any other path is a custom request (issue 9): its family follows the path.
        if name.contains("/"), case let .success(path) = CustomEndpoint.relativePath(name) {
            return CustomEndpoint.endpoint(path: path)
        }
        throw ValidationError("--endpoint must be one of: \(list), or any path under \(Endpoint.pathPrefix) such as tool/faceRestore")
    }
}

/// A ControlNet model not made for the checkpoint's base: a likely mistake,
/// not a refusal (the service takes any model name; issue 19). `zqt validate`
/// and `zqt send` say it alike.
enum FitWarnings {
    static func say(_ request: Request) {
        for misfit in ControlNetFit.misfits(request) {
            StandardStreams.writeError("warning: \(misfit)\n")
        }
    }

    /// For a request text; one that cannot be read says nothing here (the send says why).
    static func say(_ text: String, endpoint: Endpoint) {
        if let request = try? Request.decode(json: text, for: endpoint).request { say(request) }
    }
}

/// `--strict` (issue 22): a member no field names is refused before anything is sent.
enum StrictCheck {
    /// The unknown members of a request text, or nil when it cannot be read
    /// (the send itself then says why).
    static func unknownFields(_ text: String, endpoint: Endpoint) -> [ValidationProblem]? {
        (try? Request.decode(json: text, for: endpoint))?.request.unknownFieldProblems
    }

    static func report(_ problems: [ValidationProblem]) {
        StandardStreams.writeError("The request is not valid; nothing was sent:\n")
        for problem in problems { StandardStreams.writeError("invalid: \(TerminalText.printable(problem.description))\n") }
    }
}

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a request file and follow its task to the result.",
        discussion: "Without FILE, sends the service's documented ControlNet example. The request always gets a fresh task id (id_task or businessTaskId) unless --keep-id is given. examples/ holds a request for each endpoint. \(ZqtExit.helpText)"
    )

    @Argument(help: "A request as JSON (the service's wire format). '-' reads standard input.")
    var file: String?

    @Option(help: ArgumentHelp("The endpoint: \(EndpointNames.list) (default: the one the file's fields fit, as L does on the screen; controlnet without a file).", valueName: "name"))
    var endpoint: String?

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Keep the file's id_task instead of generating a new one.")
    var keepID = false

    @Flag(name: .customLong("print-json"), help: "Print the exact JSON that is sent.")
    var printJSON = false

    @Flag(inversion: .prefixedNo, help: "Follow the task to its end and print the results (the default); --no-wait returns after the submit.")
    var wait = true

    @Flag(help: "Print one JSON object at the end (id_task, state, results); the steps go to standard error.")
    var json = false

    @Option(help: "Save the result images into this folder too, as <id_task>-<n>.<ext> (they are always kept in $ZQT_HOME/images; result URLs expire).")
    var download: String?

    @Option(name: .customLong("from-image"),
            help: ArgumentHelp("Send the request a picture carries: a copy zqt saved, or an AUTOMATIC1111 PNG (its parameters, as text2image).", valueName: "file"))
    var fromImage: String?

    @Flag(help: "Refuse a request with a member no field of the endpoint names (exit 2, nothing sent); each is said with the field it was likely meant to be.")
    var strict = false

    @OptionGroup(title: "Sweeps") var sweep: SweepOptions

    mutating func run() async throws {
        let start = StartUp.atStart
        var target = try EndpointNames.resolve(endpoint ?? "controlnet", in: start.catalog, server: connection.serverKind(config: start.config))
        let text: String
        if let fromImage {
            guard file == nil else { throw ValidationError("give a request FILE or --from-image, not both") }
            let loaded = try PictureRequestOption.read(fromImage, catalog: start.catalog, given: endpoint == nil ? nil : target,
                                                       server: connection.serverKind(config: start.config),
                                                       serverChosen: connection.namesServer, config: start.config)
            target = loaded.target
            text = loaded.request.wireJSON
            // A request of the other kind of server goes to a profile of its kind (issue 20).
            if let profile = try PictureRequestOption.profile(for: target, connection: connection, config: start.config) {
                connection.profile = profile
            }
        } else {
        switch file {
        case nil:
            guard target == start.catalog.controlNet else {
                throw ValidationError("give a request FILE for \(target.title) (examples/ has one per endpoint)")
            }
            text = BundledExamples.controlNetJSON
        case "-"?: text = String(decoding: StandardStreams.readAllInput(), as: UTF8.self)
        case let path?:
            text = try CommandSupport.readRequest(path)
        }
        // No --endpoint: the one the body fits, said (issue 19: ControlNet was assumed).
        if endpoint == nil, let file {
            target = try EndpointNames.infer(text, in: start.catalog, server: connection.serverKind(config: start.config), file: file,
                                             profile: connection.profileName(config: start.config))
        }
        }
        if strict, let problems = StrictCheck.unknownFields(text, endpoint: target), !problems.isEmpty {
            StrictCheck.report(problems)
            if json { CommandSupport.sayJSON(Self.json(RequestRunner.Report(outcome: .invalid, endpoint: target))) }
            throw ZqtExit.badInput.exitCode
        }
        FitWarnings.say(text, endpoint: target)
        // Several profiles share a sweep's combinations (issue 20); one request goes to one server.
        if sweep.specs.isEmpty, SweepServer.names(connection.profile) != nil {
            throw CommandFailure("--profile \(APIError.printable(connection.profile ?? "")) names several servers: only a sweep (--sweep) is spread over them; give one profile", .badInput)
        }
        if !sweep.specs.isEmpty {
            let status = try await SweepRunner.send(requestText: text, endpoint: target, connection: connection, options: sweep,
                                                    json: json, keepID: keepID, download: download, follow: wait, printJSON: printJSON)
            if status != ZqtExit.success.rawValue { throw ExitCode(status) }
            return
        }
        let report = try await Self.send(requestText: text, endpoint: target, connection: connection,
                                         freshID: !keepID, printJSON: printJSON, follow: wait,
                                         downloadTo: download.map { URL(fileURLWithPath: $0, isDirectory: true) },
                                         stepsToStandardError: json, start: start)
        if json { CommandSupport.sayJSON(Self.json(report)) }
        // Ctrl-C stopped the server's job (issue 20): the shell's status for it, whatever was kept.
        if report.interrupted { throw ExitCode(SendInterrupt.exitStatus) }
        if report.outcome.exitStatus != .success { throw report.outcome.exitStatus.exitCode }
    }

    /// What `send --json` prints: the task, where it stands and its results.
    static func json(_ report: RequestRunner.Report) -> JSONValue {
        var members: [(String, JSONValue?)] = [
            ("id_task", report.taskID.map { .string($0) }),
            ("endpoint", report.endpoint.map { .string($0.shortName) }),
        ]
        if case .succeeded = report.outcome, report.final == nil {
            members.append(("state", .string(SubmissionState.submitted.rawValue)))
        } else if let final = report.final {
            members.append(("state", .string(SubmissionState(final).rawValue)))
            // The service's status number (wire rule 9); an A1111 server answers none (zqt's own 2 is not its word),
            // as `zqt query --json` of an A1111 row says none.
            if report.endpoint?.server != .a1111 { members.append(("status", .int(final.status))) }
            members.append(("desc", .string(final.desc)))
            members.append(("results", .array(final.results.enumerated().map { index, image in
                .object(dropping: [("position", .int(index + 1)), ("url", SendLines.publicURL(image.imageURL).map { .string($0) }),
                                   ("seed", image.seed.map { .int($0) }), ("path", report.savedFiles[index].map { .string($0) }),
                                   ("kept", report.keptFiles[index].map { .string($0) })])
            })))
            members.append(("texts", .array(final.texts.map { .string($0) })))
        } else {
            members.append(("state", .string(report.outcome == .invalid ? "invalid"
                                                 : report.outcome == .notRecorded ? Wording.notSentState : SubmissionState.sendFailed.rawValue)))
        }
        if report.interrupted { members.append(("interrupted", .bool(true))) }
        if report.final?.interruptedElsewhere == true { members.append(("interrupted_elsewhere", .bool(true))) }
        members.append(("exit", .int(Int(report.interrupted ? SendInterrupt.exitStatus : report.outcome.exitStatus.rawValue))))
        return .object(dropping: members)
    }

    static func send(requestText: String, endpoint: Endpoint, connection: ConnectionOptions, freshID: Bool,
                     printJSON: Bool, follow: Bool, downloadTo: URL?, stepsToStandardError: Bool = false,
                     start: StartUp) async throws -> RequestRunner.Report {
        let setup = try SendSetup(connection: connection, stepsToStandardError: stepsToStandardError, start: start)
        defer { setup.sandbox?.stop(closingRowsIn: setup.store) }
        let (configuration, printer, store) = (setup.configuration, setup.printer, setup.store)
        // An endpoint of the other kind of server would reach a path that server does not have (issue 20).
        if !endpoint.canBeSent(to: configuration.server) {
            throw CommandFailure(A1111SandboxConnection.wrongServer(endpoint, configuration, in: start.catalog), .badInput)
        }
        var runner = RequestRunner(api: configuration.makeAPI(), configuration: configuration,
                                   store: store, printer: printer)
        runner.localInputs = setup.localInputs
        runner.sandboxInProcess = setup.sandbox != nil
        runner.interruptsOnCtrlC = true
        return await runner.report(requestText: requestText, endpoint: endpoint, freshID: freshID,
                                   printJSON: printJSON, follow: follow, downloadTo: downloadTo)
    }
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a request file and print it exactly as zqt would send it."
    )

    @Argument(help: "A request as JSON. '-' reads standard input.")
    var file: String?

    @Option(help: ArgumentHelp("The endpoint: \(EndpointNames.list); without it, the one the file's fields fit (as zqt send infers it).", valueName: "name"))
    var endpoint: String?

    @Option(name: .customLong("from-image"),
            help: ArgumentHelp("Check the request a picture carries (a copy zqt saved, or an AUTOMATIC1111 PNG).", valueName: "file"))
    var fromImage: String?

    @Flag(help: "Refuse members no field of the endpoint names (exit 2); each is said with the field it was likely meant to be.")
    var strict = false

    @Flag(help: "List every endpoint the file's body fits, one a line (name, then title), the one zqt would choose first; nothing else is checked.")
    var fits = false

    /// `--profile` (or `--sandbox --api a1111`): the kind of server the endpoint is inferred for (issue 20); nothing is sent.
    @OptionGroup var connection: ConnectionOptions

    mutating func run() throws {
        var target = try EndpointNames.resolve(endpoint ?? "controlnet", in: StartUp.atStart.catalog, server: connection.serverKind())
        let data: Data?
        let file: String
        if let fromImage {
            guard self.file == nil else { throw ValidationError("give a request FILE or --from-image, not both") }
            let server = connection.serverKind()
            let loaded = try PictureRequestOption.read(fromImage, catalog: StartUp.atStart.catalog, given: endpoint == nil ? nil : target,
                                                       server: server, serverChosen: connection.namesServer)
            target = loaded.target
            data = Data(loaded.request.wireJSON.utf8)
            file = fromImage
        } else {
            guard let given = self.file else { throw ValidationError("give a request FILE, or --from-image") }
            file = given
            data = given == "-" ? Data(StandardStreams.readAllInput()) : FileManager.default.contents(atPath: given)
        }
        guard let data else { throw ValidationError("cannot read \(file)") }
        // The whole list a refusal names a few of (issue 19).
        if fits {
            guard endpoint == nil, fromImage == nil else { throw ValidationError("--fits lists the endpoints a request FILE fits: give it without --endpoint and --from-image") }
            let server = connection.serverKind()
            let found = try EndpointNames.fitting(String(decoding: data, as: UTF8.self), in: StartUp.atStart.catalog, server: server)
            for endpoint in found.endpoints { print("\(endpoint.shortName)\t\(TerminalText.line(endpoint.title))") }
            StandardStreams.writeError(Wording.fitsListed(found.endpoints.count, chosen: found.chosen ? found.endpoints.first?.shortName : nil) + "\n")
            return
        }
        // No --endpoint: the one the body fits, said, as `zqt send` chooses it (issue 19: ControlNet was assumed).
        if endpoint == nil, fromImage == nil {
            // Among the endpoints of the profile's kind of server (issue 20), as `zqt send` would.
            let server = connection.serverKind()
            target = try EndpointNames.infer(String(decoding: data, as: UTF8.self), in: StartUp.atStart.catalog, server: server, file: file,
                                             profile: connection.profileName())
        }
        let decoded: (request: Request, notes: [DecodeNote])
        do {
            decoded = try Request.decode(json: String(decoding: data, as: UTF8.self), for: target)
        } catch {
            StandardStreams.writeError("\(file): \(error)\n")
            throw ExitCode(2)
        }
        var request = decoded.request
        var notes = decoded.notes
        // As `zqt send` would: a request without a task id gets one (wire rule 8).
        if request.taskID.trimmed.isEmpty {
            request.taskID = TaskIDGenerator.shared.next()
            // Not placed when its container is held as something else: validation says so below.
            if !request.taskID.isEmpty {
                notes.append(DecodeNote(path: target.taskIDPath, message: "empty; zqt send gives every request a new one, as here"))
            }
        }
        print(request.wireJSON)
        for note in notes {
            StandardStreams.writeError("note: \(note)\n")
        }
        FitWarnings.say(request)
        let problems = (strict ? request.unknownFieldProblems : [])
            + LocalInputs.problems(request, namesIn: FileManager.default.currentDirectoryPath)
        for problem in problems {
            StandardStreams.writeError("invalid: \(problem)\n")
        }
        if !problems.isEmpty { throw ExitCode(2) }
    }
}

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the local stand-in for the service until stopped (Ctrl-C).",
        // Parsed on its own (main(), for its own --api), so ArgumentParser would not know the root's name.
        usage: "zqt sandbox [<options>]"
    )

    @Option(help: "Port to listen on (0 picks a free one; default 8931, or 7860 with --api a1111 as A1111 itself).")
    var port: UInt16?

    @Option(help: "Address to listen on; loopback only by default.")
    var host: String = "127.0.0.1"

    @Option(name: .customLong("task-seconds"), help: "Seconds from submit to a finished task (default 3; with --api a1111 a whole job, whatever its steps).")
    var taskSeconds: Double?

    @Option(name: .customLong("access-key-id"), help: "The zhiqite sandbox only (an A1111 one takes --api-auth): accept only this access key id (default: any non-empty pair).")
    var accessKeyID: String?

    @Option(name: .customLong("access-key-secret"), help: "The zhiqite sandbox only: accept only this access key secret.")
    var accessKeySecret: String?

    @Flag(name: .customLong("fail-tasks"), help: "Every task fails when it would have finished.")
    var failTasks = false

    @Option(name: .customLong("fault"), help: "The zhiqite sandbox only (with --api a1111 a job's prompt steers it, docs/sandbox.md): start with a fault: none, http500, not-json, drop, late-answer, drop-after, busy.")
    var fault: String = "none"

    @Option(name: .customLong("latency-ms"), help: "Delay every answer by this many milliseconds.")
    var latencyMilliseconds: Int = 0

    @Option(name: .customLong("missing-list"), help: "Answer this model list as a server without it: HTTP 404. Repeatable. The zhiqite sandbox: \(SandboxCommand.listNames(.zhiqite)); with --api a1111: \(SandboxCommand.listNames(.a1111)).")
    var missingLists: [String] = []

    @Option(help: "Which API to speak: zhiqite (the service) or a1111 (an AUTOMATIC1111 web UI).")
    var api: String = SandboxAPI.zhiqite.rawValue

    @Option(name: .customLong("api-auth"), help: "With --api a1111: require HTTP Basic with this user:password on /sdapi paths.")
    var apiAuth: String?

    @Option(name: .customLong("step-ms"), help: "With --api a1111: milliseconds per sampling step (100: a 20-step job takes 2 s).")
    var stepMilliseconds: Int = 100

    @Option(help: "With --api a1111: answer as a1111 (AUTOMATIC1111 1.x) or forge (its pydantic 2 validation answers).")
    var flavor: String = A1111Flavor.automatic1111.rawValue

    /// The model lists `--missing-list` can take away from a sandbox of this kind: those it serves.
    static func takenLists(_ kind: SandboxAPI) -> [ModelListKind] {
        switch kind {
        case .a1111: return ModelListKind.allCases.filter { A1111SandboxOptions.listPaths[$0] != nil }
        case .zhiqite: return ModelListKind.allCases.filter { !$0.isA1111Only }
        }
    }

    static func listNames(_ kind: SandboxAPI) -> String { takenLists(kind).map(\.rawValue).joined(separator: ", ") }

    mutating func validate() throws {
        if (accessKeyID == nil) != (accessKeySecret == nil) {
            throw ValidationError("give both --access-key-id and --access-key-secret, or neither")
        }
        guard SandboxFaults.Mode(rawValue: fault) != nil else {
            throw ValidationError("--fault must be one of: \(SandboxFaults.Mode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let kind = SandboxAPI(rawValue: api) else {
            throw ValidationError("--api must be one of: \(SandboxAPI.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        // Each sandbox takes away only a list it serves: a name it would ignore is refused (newcomer20g 8).
        if let other = missingLists.first(where: { name in !Self.takenLists(kind).contains { $0.rawValue == name } }) {
            throw ValidationError("--missing-list \(other): the \(kind.rawValue) sandbox serves no such list; one of \(Self.listNames(kind))")
        }
        if kind != .a1111, apiAuth != nil || stepMilliseconds != 100 || flavor != A1111Flavor.automatic1111.rawValue {
            throw ValidationError("--api-auth, --step-ms and --flavor go with --api a1111")
        }
        if let taskSeconds, !(taskSeconds.isFinite && (0...3600).contains(taskSeconds)) {
            throw ValidationError("--task-seconds takes 0 to 3600")
        }
        if kind == .a1111 {
            // The zhiqite sandbox's options that an A1111 server has no counterpart for are refused, not ignored (issue 20).
            if accessKeyID != nil {
                throw ValidationError("--access-key-id and --access-key-secret are the zhiqite service's keys; "
                    + "an A1111 server asks for a user and password: --api-auth USER:PASSWORD")
            }
            if fault != SandboxFaults.Mode.none.rawValue {
                throw ValidationError("--fault is the zhiqite sandbox's; with --api a1111 steer a job by its prompt "
                    + "(\(A1111SandboxOptions.PromptMarker.fail), \(A1111SandboxOptions.PromptMarker.drop), "
                    + "\(A1111SandboxOptions.PromptMarker.slow)) or POST URL/sandbox/busy (docs/sandbox.md)")
            }
            if taskSeconds != nil, stepMilliseconds != 100 {
                throw ValidationError("give --task-seconds (how long a whole job takes) or --step-ms (how long a step takes), not both")
            }
        }
        guard A1111Flavor(rawValue: flavor) != nil else {
            throw ValidationError("--flavor must be one of: \(A1111Flavor.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let apiAuth, case let .failure(problem) = A1111SandboxOptions.credentials(fromAPIAuth: apiAuth) {
            throw ValidationError(problem.description)
        }
        guard (0...60_000).contains(stepMilliseconds) else { throw ValidationError("--step-ms takes 0 to 60000") }
    }

    mutating func run() async throws {
        if api == SandboxAPI.a1111.rawValue { return try await runA1111() }
        var options = SandboxOptions(taskSeconds: taskSeconds ?? 3, failAllTasks: failTasks,
                                     faults: SandboxFaults(latencyMilliseconds: latencyMilliseconds,
                                                           mode: SandboxFaults.Mode(rawValue: fault) ?? .none))
        options.modelLists.missing = Set(missingLists.compactMap(ModelListKind.init(rawValue:)))
        options.firstTaskID = SandboxOptions.firstTaskIDOfThisRun()
        if let accessKeyID, let accessKeySecret {
            options.requiredCredentials = Credentials(accessKeyID: accessKeyID, accessKeySecret: accessKeySecret)
        }
        let server = SandboxServer(options: options, host: host)
        let url: String
        do {
            url = try server.start(port: port ?? 8931)
        } catch {
            throw ValidationError("\(error) (try --port 0 for a free port)")
        }
        LinePrinter(prefix: "").say("""
        [SANDBOX] zqt sandbox listening on \(url)
        [SANDBOX] point zqt at it:  ZQT_BASE_URL=\(url) ZQT_ACCESS_KEY_ID=any ZQT_ACCESS_KEY_SECRET=any zqt send
        [SANDBOX] or with curl:     curl -s \(url)\(Endpoint.controlNet.path) -H 'Content-Type: application/json' \\
        [SANDBOX]                     -H '\(HTTPImageAPI.idHeader): any' -H '\(HTTPImageAPI.secretHeader): any' -d @request.json
        [SANDBOX] tasks take \(JSONWriter.formatNumber(taskSeconds ?? 3)) s; Ctrl-C stops
        """)
        while true {
            try await Task.sleep(nanoseconds: 3_600_000_000_000)
        }
    }

    /// `--api a1111`: the AUTOMATIC1111 stand-in instead (docs/sandbox.md).
    private func runA1111() async throws {
        let options = A1111SandboxOptions(stepMilliseconds: stepMilliseconds, apiAuth: apiAuth,
                                          flavor: A1111Flavor(rawValue: flavor) ?? .automatic1111, jobSeconds: taskSeconds,
                                          failAllJobs: failTasks, latencyMilliseconds: latencyMilliseconds,
                                          missingLists: Set(missingLists.compactMap(ModelListKind.init(rawValue:))))
        let server = A1111SandboxServer(options: options, host: host)
        let url: String
        do {
            url = try server.start(port: port ?? 7860)
        } catch {
            throw ValidationError("\(error) (try --port 0 for a free port)")
        }
        LinePrinter(prefix: "").say(A1111Sandbox.banner(baseURL: url, options: options))
        while true {
            try await Task.sleep(nanoseconds: 3_600_000_000_000)
        }
    }
}

/// What a send from the command line starts with, one send or a sweep: the
/// connection (a sandbox started when asked; the caller stops it), the line
/// printer, and the history (a send goes on without it, saying so).
struct SendSetup {
    let configuration: ClientConfiguration
    let sandbox: (any RunningSandbox)?
    let printer: LinePrinter
    let store: HistoryStore?
    /// Local files in image fields: where they are uploaded, and the progress said (issue 17).
    let localInputs: LocalInputs.Step

    /// `stepsToStandardError`: with --json, standard output holds only JSON.
    /// `resolved`: a sweep over several profiles (issue 20) has resolved its
    /// servers already; the first is the one the setup stands for.
    init(connection: ConnectionOptions, stepsToStandardError: Bool, start: StartUp = .atStart,
         resolved: ClientConfiguration? = nil) throws {
        if let resolved {
            (configuration, sandbox) = (resolved, nil)
        } else {
            (configuration, sandbox) = try connection.resolve(config: start.config)
        }
        var printer = LinePrinter(prefix: connection.sandbox ? "[SANDBOX] " : "")
        printer.toStandardError = stepsToStandardError
        if let sandbox { printer.say("sandbox listening on \(sandbox.baseURL)") }
        var store: HistoryStore?
        do {
            store = try ComposeSession.openHistorySayingWaits(home: ZqtPaths.home().path, catalog: start.catalog)
            if let note = store?.folderNote { printer.warn(note) }
        } catch {
            // A full disk, a read-only folder or a newer zqt's history (issue 21): a send would leave no row; nothing is sent.
            // A damaged history still sends, unkept, as it says.
            if error.refusesSends { throw CommandFailure(APIError.notRecorded(error)) }
            printer.warn("not kept in history: \(error.message)")
        }
        // A history opened read-only (a folder or file that refuses writes, or a newer zqt's, issue 21) is read,
        // and refuses the row as a full disk does: nothing is sent, since an accepted task must always have its row.
        if let store, let refusal = store.readOnly?.refusal(path: store.path) {
            throw CommandFailure(APIError.notRecorded(refusal))
        }
        // A history that opens but is damaged (issue 21): said once, before the row goes into it; a row that
        // cannot be written then stops the send (SendPipeline), as an accepted task must always have its row.
        if let store, store.readOnly == nil, let found = store.damageFound() {
            printer.warn(Wording.sendingIntoDamagedHistory(found))
            store.damageWasSaid()
        }
        self.printer = printer
        self.store = store
        let progressPrinter = printer
        localInputs = LocalInputs.Step(source: .forConnection(configuration, sandbox: sandbox != nil),
                                       onProgress: { progressPrinter.say(Wording.uploading($0)) })
    }

    /// Local files for another profile's server of a sweep: its own uploader, the same progress lines.
    func localInputs(for other: ClientConfiguration) -> LocalInputs.Step {
        var step = localInputs
        step.source = .forConnection(other, sandbox: false)
        return step
    }
}

/// `--from-image FILE` (issue 17): the request a picture carries, its notes
/// on standard error; a picture without one stops the command (exit 2).
enum PictureRequestOption {
    /// `server`: the kind of server the profile is (issue 20). A picture
    /// with A1111's `parameters` only (no request of zqt's) read for an A1111
    /// profile, or one zqt kept for an A1111 row (`$ZQT_HOME/images/ID/`),
    /// is the A1111 txt2img request that made it, in A1111's names
    /// (PictureRequest, as `L` reads it); zqt's own copy names its endpoint.
    ///
    /// Which kind it is read for: the `--endpoint` given; else an A1111
    /// profile; else a zhiqite server the options name (`--profile`,
    /// `--sandbox`, `--base-url`): a kept copy of an A1111 result then moves
    /// to zhiqite with notes, as a web UI picture does; else a kept copy is
    /// its row's kind when the config file has a profile of that kind to send
    /// it through (`profile(for:)`).
    ///
    /// `given`: the endpoint `--endpoint` names, honoured here for `send` and
    /// `validate` alike (issue 20): the picture's request goes to it when it
    /// is of the kind the request was read as, else to the endpoint the
    /// picture's request names.
    static func read(_ path: String, catalog: EndpointCatalog, given: Endpoint?, server: ServerKind = .zhiqite,
                     serverChosen: Bool = false, config: ConfigAtStart? = nil) throws -> (request: Request, target: Endpoint) {
        let readAs: ServerKind
        if let given {
            readAs = given.server
        } else if server == .a1111 || serverChosen {
            readAs = server
        } else if let kept = keptFor(path)?.endpoint.server, kept == .a1111,
                  config?.config.map({ $0.profiles.contains { ($0.api ?? .zhiqite) == kept } }) ?? true {
            readAs = kept
        } else {
            readAs = server
        }
        let madeBy: ServerKind? = readAs == .a1111 ? .a1111 : nil
        // Without --endpoint, a zhiqite request starts from ControlNet, as `send` without a file does.
        let current = given ?? catalog.controlNet
        switch PictureRequest.load(path, catalog: catalog, current: current, madeBy: madeBy, taskID: TaskIDGenerator.shared.next()) {
        case let .success(loaded):
            for note in loaded.notes { StandardStreams.writeError("note: \(TerminalText.printable(note.description))\n") }
            let request = loaded.request
            return (request, given.flatMap { $0.server == request.endpoint.server ? $0 : nil } ?? request.endpoint)
        case let .failure(problem):
            throw CommandFailure("\(APIError.printable(path)): \(problem.message)", .badInput)
        }
    }

    /// The history row a picture zqt keeps belongs to: its folder, `$ZQT_HOME/images/ID/`, is named by the row's id.
    static func keptFor(_ path: String) -> HistoryRecord? {
        let picture = URL(fileURLWithPath: path).standardizedFileURL
        let images = ZqtPaths.home().appendingPathComponent("images").standardizedFileURL.path
        let folder = picture.deletingLastPathComponent()
        guard folder.deletingLastPathComponent().path == images, let store = try? CommandSupport.openHistory() else { return nil }
        return try? store.record(taskID: folder.lastPathComponent)
    }

    /// The profile a picture's request goes to when it is of the other kind
    /// of server than the one the options name (issue 20): never its body to
    /// that server. With no profile, server or sandbox named, the config
    /// file's profile of the request's kind (said on stderr); nil: the
    /// options stand (a send of the other kind is then refused, naming why).
    static func profile(for endpoint: Endpoint, connection: ConnectionOptions, config: ConfigAtStart) throws -> String? {
        let server = connection.serverKind(config: config)
        guard !endpoint.canBeSent(to: server), connection.profile == nil, !connection.sandbox, connection.baseURL == nil
        else { return nil }
        let kind = endpoint.server == .a1111 ? "an AUTOMATIC1111 server" : "the zhiqite service"
        guard let profile = config.config?.profiles.first(where: { ($0.api ?? .zhiqite) == endpoint.server }) else {
            let add = endpoint.server == .a1111 ? "a profile with api = \"a1111\"" : "a profile without api"
            throw CommandFailure("the picture's request is for \(kind) (\(endpoint.shortName)), and the config file has no profile of that kind: "
                                 + "add \(add), or give --profile; nothing sent", .badInput)
        }
        StandardStreams.writeError("note: the picture's request is for \(kind) (\(endpoint.shortName)): sent through profile \(APIError.printable(profile.name))\n")
        return profile.name
    }
}
