// Performs effects and posts their results back to the event loop as
// actions. Network work runs off the main thread; history reads are quick
// local queries done at once, so their answer is drawn in the same frame as
// the key that asked, but for a filter's, which may read long lists and run
// on a queue of their own (HistoryFilterQueue, issue 18).

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
import Synchronization

/// Actions posted from other threads, and a pipe that wakes the event loop.
final class ActionInbox: @unchecked Sendable {
    private let lock = Lock()
    private var pending: [Action] = []
    let readFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }

    func post(_ action: Action) {
        lock.withLock { pending.append(action) }
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    func drain() -> [Action] {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) > 0 {}
        return lock.withLock {
            defer { pending = [] }
            return pending
        }
    }
}

final class EffectRunner: @unchecked Sendable {
    /// The connection in use, switched by the profile switcher (issue 10):
    /// a send, poll or list read takes the one in use when it starts.
    private var current: (api: any ImageAPI, configuration: ClientConfiguration)
    private let connectionLock = Lock()
    var api: any ImageAPI { connectionLock.withLock { current.api } }
    var configuration: ClientConfiguration { connectionLock.withLock { current.configuration } }
    /// A profile of the config file as a connection (its secret command run),
    /// or why it cannot be; nil without a config file.
    var profileResolver: (@Sendable (String) -> Result<ClientConfiguration, ConfigProblem>)? {
        get { resolverInUse.withLock { $0 } }
        set { resolverInUse.withLock { $0 = newValue } }
    }
    private let resolverInUse = Mutex<(@Sendable (String) -> Result<ClientConfiguration, ConfigProblem>)?>(nil)
    /// The config file as last read, to read it again when it changed (issue 19); nil: not watched (tests).
    let configWatch = Mutex<ConfigFileWatch?>(nil)
    /// The client for a configuration (tests give a fake).
    var makeAPI: @Sendable (ClientConfiguration) -> any ImageAPI = { $0.makeAPI() }
    /// nil when the history could not be opened (zqt still composes and sends).
    let store: HistoryStore?
    let inbox: ActionInbox
    /// The drafts, printed and written off the event loop (issue 18).
    private let draftWriter: DraftWriter?
    /// The words of the last fault a draft save met (said again at the way out).
    private let draftFault = UnsavedDrafts.LastFault()
    /// The history filter's queries, run off the event loop (issue 18).
    private let filterQueue: HistoryFilterQueue?
    var pollPolicy = PollPolicy.standard
    /// Tasks being followed, by client task id: one poller each.
    private var tracking: [String: Task<Void, Never>] = [:]
    /// Sends under way, by client task id (until their answer, and the images of one that came with it, are kept).
    private var sending: [String: Task<Void, Never>] = [:]
    /// Tasks whose submit answer already held the result: not followed.
    private var finishedAtSubmit: Set<String> = []
    private let lock = Lock()

    /// Where each model list is asked for (catalog file, ZQT_*_LIST_PATH, defaults).
    let listPaths: ModelListPaths
    /// The catalog a loaded request is matched against: the screen's
    /// (AppState.catalog), given at start and again by Effect.useCatalog.
    private let catalogInUse: Mutex<EndpointCatalog>
    var catalog: EndpointCatalog { catalogInUse.withLock { $0 } }

    /// ZQT_HOME: result images are kept in its images folder (issue 11).
    var home = "/tmp/zqt"
    /// `images_max_bytes`: the kept pictures' disk budget (issue 23), from the config file at start.
    var imagesMaxBytes = ImageBounds.defaultDiskBudget
    /// Names each intermediate image anew (PictureEffects).
    let intermediateCounter = Mutex(0)
    /// Whether pictures are drawn here (not `--images off`): only then are
    /// thumbnails decoded ahead of the frame that shows them.
    let drawsPictures = Atomic<Bool>(true)
    /// The full image to decode next for an enlarged picture, and whether one is being decoded.
    let preparing = Mutex<(wanted: String?, busy: Bool)>((nil, false))
    /// Run once, on the first picture: what the terminal takes beyond what its
    /// environment said (nil: nothing more); set by the terminal loop.
    let pictureModeDetection = Mutex<(@Sendable () -> PictureMode?)?>(nil)

    init(api: any ImageAPI, configuration: ClientConfiguration, store: HistoryStore?, inbox: ActionInbox,
         listPaths: ModelListPaths = ModelListPaths(), catalog: EndpointCatalog = .shipped) {
        current = (api, configuration)
        self.store = store
        self.inbox = inbox
        let draftFault = draftFault
        draftWriter = store.map { store in
            DraftWriter(store: store, onFailure: { message in
                            draftFault.words = message
                            inbox.post(.historyFailed(Wording.draftsNotSaved(message)))
                        },
                        onCaughtUp: { inbox.post(.draftsSavedAgain) })
        }
        filterQueue = store.map { store in HistoryFilterQueue(store: store) { inbox.post($0) } }
        self.listPaths = listPaths
        catalogInUse = Mutex(catalog)
    }

    /// The cache's name for this service and account (shared with `zqt models`).
    var listService: String { configuration.modelListCacheKey }

    /// Takes another connection for every call from now on; calls already
    /// under way finish on the one they started with.
    func switchConnection(_ configuration: ClientConfiguration) {
        let api = makeAPI(configuration)
        connectionLock.withLock { current = (api, configuration) }
    }

    /// Resolves a profile off the event loop (its key_secret_command may take
    /// a moment), switches to it, and posts the outcome. Nothing secret is
    /// posted: the name, the base URL and whether keys are complete.
    private func switchProfile(_ name: String) {
        guard let resolver = profileResolver else {
            inbox.post(.profileSwitched(.failure(ProfileSwitchFailure(message: "No config file, so no profiles to switch to"))))
            return
        }
        let inbox = inbox
        // Its own thread: a key_secret_command may take seconds (a password
        // manager), which on Swift's two-thread pool would hold up sends and polls.
        startThread { [self] in
            switch resolver(name) {
            case var .success(configuration):
                configuration.timeout = self.configuration.timeout
                switchConnection(configuration)
                inbox.post(.profileSwitched(.success(ProfileSwitch(name: configuration.profile, baseURL: configuration.baseURL,
                                                                   hasKeys: configuration.canSend, server: configuration.server))))
            case let .failure(problem):
                inbox.post(.profileSwitched(.failure(ProfileSwitchFailure(message: problem.description))))
            }
        }
    }

    /// Reads lists one after another (gentle on the service), keeping each
    /// read in the history and posting it, or why it failed.
    private func refreshModelLists(_ kinds: [ModelListKind]) {
        let api = api, inbox = inbox, paths = listPaths, service = listService
        // An A1111 server's own lists (issue 20): /sdapi/v1/sd-models, loras, sd-vae, embeddings.
        let a1111 = configuration.server == .a1111
        Task.detached { [self] in
            for kind in kinds {
                let path = a1111 ? A1111ModelLists.path(for: kind) : paths.path(for: kind)
                do throws(APIError) {
                    let list = try await api.readModelList(kind, path: path)
                    record { store throws(HistoryError) in try store.saveModelList(list, service: service) }
                    inbox.post(.modelListRead(kind, path: path, .success(list)))
                } catch {
                    inbox.post(.modelListRead(kind, path: path, .failure(error)))
                }
            }
        }
    }

    func perform(_ effect: Effect) {
        switch effect {
        case let .submit(request):
            submit(request)
        case let .retryWritableHistory(request, note):
            // A statvfs and an access; the history opens for writing only when the disk has room (left21).
            if store?.becomeWritableIfRoom() == true { inbox.post(.historyWritableAgain(request: request, note: note)) }
        case let .track(recordID, task):
            track(recordID: recordID, task)
        case .loadCachedModelLists:
            // Off the event loop: a long list takes a moment to read, and the
            // first frame is already drawn when this starts.
            let store = store, inbox = inbox, service = listService
            Task.detached {
                let lists = (try? store?.loadModelLists(service: service)) ?? [:]
                inbox.post(.modelListsCached(lists, now: Date()))
            }
        case let .refreshModelLists(kinds):
            refreshModelLists(kinds)
        case .checkKeys:
            let api = api, inbox = inbox
            Task.detached {
                do throws(APIError) {
                    _ = try await api.queryModels(pageNum: 1, pageSize: 1, checkpoint: nil, name: nil)
                    inbox.post(.keysChecked(nil))
                } catch {
                    inbox.post(.keysChecked(error))
                }
            }
        case let .switchProfile(name):
            switchProfile(name)
        case let .interruptGeneration(idTask):
            interruptGeneration(idTask)
        case let .skipGenerationImage(idTask):
            skipGenerationImage(idTask)
        case let .stopFollowing(recordID, idTask):
            stopTracking(idTask)
            if let recordID { record { store throws(HistoryError) in try store.setFollowed(id: recordID, false) } }
        case let .checkConfigFile(asked):
            checkConfigFile(asked: asked)
        case let .loadHistory(filter, before, limit):
            // Off the event loop (HistoryFilterQueue), the whole history's rows too: their
            // newest page is quick, but its first count is not, and on the event loop the
            // rows given before the count waited for it (filterframe18: the first F2, 0.87 s).
            filterQueue?.submit(HistoryFilterQueue.Request(filter: filter, before: before, limit: limit))
        case .letGoOfHistoryFilter:
            filterQueue?.letGo()
        case let .loadEntries(ids, purpose):
            history { store throws(HistoryError) in
                var records: [HistoryRecord] = []
                for id in ids { if let record = try store.record(id: id) { records.append(record) } }
                return .entriesLoaded(records, purpose)
            }
        case let .deleteEntry(id):
            history { store throws(HistoryError) in
                let idTask = try store.record(id: id)?.idTask ?? "#\(id)"
                self.stopTracking(idTask)
                try store.delete(id: id)
                return .entryDeleted(id: id, idTask: idTask)
            }
        case let .queryNow(record):
            queryNow(record)
        case let .saveImages(record, folder):
            saveImages(record, into: folder)
        case let .saveUserEndpoint(entry, file):
            do {
                try UserCatalog.save(entry: entry, to: file)
                let endpoint = try UserCatalog.endpoint(entry)
                // The reducer lays it over the screen's catalog and hands that back (.useCatalog).
                inbox.post(.userEndpointSaved(endpoint, file: file))
            } catch {
                inbox.post(.userEndpointFailed("\(error)"))
            }
        case let .useCatalog(catalog):
            catalogInUse.withLock { $0 = catalog }
            store?.catalog = catalog
        case let .moveKind(job):
            moveKind(job)
        case let .loadRequest(text, current):
            // A file is read off the event loop: a slow disk or mount must not freeze the screen.
            let inbox = inbox, catalog = catalog
            startThread { inbox.post(RequestLoading.load(text, current: current, catalog: catalog)) }
        case .fetchPictures, .fetchHistoryPictures, .fetchRestOfPictures, .fetchIntermediate, .loadContactSheet, .deletePictures,
             .discardIntermediate, .preparePicture, .decodePictures:
            performPictures(effect)
        case let .fetchFaceScan(scan):
            performFaceScan(scan)
        case let .loadGallery(filter, before, limit):
            loadGallery(filter: filter, before: before, limit: limit)
        case .readFolder, .checkLocalFiles:
            PathEffects.perform(effect, inbox: inbox)
        case .resumeUnfinishedTasks:
            resumeUnfinished()
        case .countEndpointUses:
            // Off the event loop, as the lists are: a bounded slice of the table (HistoryStore.endpointUses).
            let store = store, inbox = inbox
            Task.detached {
                guard let uses = try? store?.endpointUses() else { return }
                var counts: [String: Int] = [:]
                for use in uses { counts[Reducer.endpointPickerLabel(use.endpoint), default: 0] += use.count }
                inbox.post(.endpointUsesCounted(counts))
            }
        case let .lookForUnsavedDrafts(after):
            // Off the event loop: a few folders' names read (UnsavedDraftsFile.newest).
            let (inbox, home) = (inbox, home)
            startThread(stackSize: 256 << 10) {
                guard let found = UnsavedDraftsFile.waiting(in: UnsavedDrafts.folders(home: home), history: home, after: after) else { return }
                inbox.post(.unsavedDraftsFound(path: found.newest, older: found.older))
            }
        case .scheduleDraftSave:
            // A small thread of its own, not Swift's pool: sends and decodes there must not hold up the save.
            let inbox = inbox
            startThread(stackSize: 64 << 10) {
                usleep(UInt32(DraftSaving.delay * 1_000_000))
                inbox.post(.draftSaveDue)
            }
        case .scheduleA1111RowsRecheck:
            let inbox = inbox
            startThread(stackSize: 64 << 10) {
                usleep(UInt32(A1111RowsWatch.interval * 1_000_000))
                inbox.post(.a1111RowsRecheckDue)
            }
        case let .askA1111Progress(profile):
            // The current connection only: another profile's server is not this one's to ask.
            let (api, configuration) = connectionLock.withLock { current }
            guard configuration.profile == profile, let live = api as? any LiveProgressAPI else {
                return inbox.post(.a1111ServerProgress(profile: profile, fraction: nil))
            }
            let inbox = inbox
            Task.detached {
                do throws(APIError) {
                    let progress = try await live.progress()
                    inbox.post(.a1111ServerProgress(profile: profile, fraction: progress.isIdle ? nil : progress.fraction))
                } catch {
                    inbox.post(.a1111ServerProgress(profile: profile, fraction: nil))
                }
            }
        case let .saveDrafts(forms):
            draftWriter?.save(forms)
        case .scheduleTextRead:
            let inbox = inbox
            startThread(stackSize: 64 << 10) {
                usleep(UInt32(Reducer.textReadDelay * 1_000_000))
                inbox.post(.textReadDue)
            }
        case let .readText(field, spec, revision, buffer):
            // The text is joined and read here, not on the event loop (issue 18).
            let inbox = inbox
            startThread { inbox.post(.textRead(field: field, revision: revision, FieldValues.read(buffer.text, for: spec))) }
        case let .keepCopyInFile(text, what):
            let path = Self.copyFile(home: home), inbox = inbox
            startThread {
                let bytes = Array(text.utf8)
                let failure = WholeFile.replace(path, with: bytes).map { String(cString: strerror($0)) }
                inbox.post(.copyKeptInFile(what: what, bytes: bytes.count, path: path, error: failure))
            }
        case .openEditor, .quit, .copyToClipboard:
            break  // handled by the event loop, which owns the terminal
        }
    }

    /// Waits until every draft handed over is written (zqt's way out); the
    /// drafts a fault left unwritten, with the fault's words (issue 21).
    @discardableResult
    func finishDraftSaves() -> UnsavedDrafts {
        guard let draftWriter, !draftWriter.finish().isEmpty else { return UnsavedDrafts(forms: [:], fault: nil) }
        return UnsavedDrafts(forms: draftWriter.unwrittenForms, fault: draftFault.words)
    }

    /// Runs a history read or write now and posts its answer, or the error.
    private func history(_ body: (HistoryStore) throws(HistoryError) -> Action) {
        record { store throws(HistoryError) in inbox.post(try body(store)) }
    }

    /// A history read or write: a failure is reported (the send or poll around it goes on),
    /// a disk fault or damage once (HistoryStore.shouldSay): a read-only folder, said at
    /// start, is not said again by the model lists' cache at every read (issue 21).
    private func record(_ body: (HistoryStore) throws(HistoryError) -> Void) {
        guard let store else { return }
        do {
            try body(store)
        } catch {
            if store.shouldSay(error) { inbox.post(.historyFault(error)) }
        }
    }

    // MARK: Sending and following

    /// The pipeline `zqt send` uses too; history faults reach the status line.
    /// It keeps every result in $ZQT_HOME/images (ResultImageFiles), where the
    /// pictures are read from.
    var keepAgainPipeline: SendPipeline { pipeline }

    private var pipeline: SendPipeline {
        let (api, configuration) = connectionLock.withLock { current }
        return pipeline(api: api, configuration: configuration)
    }

    /// The pipeline on another connection: a task sent through another profile, asked of its own service (issue 19).
    private func pipeline(api: any ImageAPI, configuration: ClientConfiguration) -> SendPipeline {
        let inbox = inbox
        var pipeline = SendPipeline(api: api, store: store, baseURL: configuration.baseURL, profile: configuration.profile,
                                    pollPolicy: pollPolicy, keeper: ResultImageKeeper.zqt(home: home, store: store, imagesMaxBytes: imagesMaxBytes)) { error in inbox.post(.historyFault(error)) }
        // Local files in image fields go up first, their progress on the status line (issue 17).
        pipeline.localInputs = LocalInputs.Step(source: .forConnection(configuration, sandbox: configuration.profile == "sandbox"),
                                                onProgress: { inbox.post(.uploadProgress($0)) })
        return pipeline
    }

    /// Sends through the pipeline, posting its events as the reducer's
    /// actions. The reducer starts the follow-up (`.track`) once it has the
    /// answer, as for a task resumed or asked again; an answer that came with
    /// the send (a tool's at once, §4.10) is finished here, its images kept,
    /// and the `.track` for it is let go.
    private func submit(_ request: Request) {
        let pipeline = pipeline
        let idTask = request.taskID
        lock.lock()
        defer { lock.unlock() }
        sending[idTask] = Task.detached { [self] in
            var recordID: Int?
            var accepted: Submission?
            var answeredAtOnce = false
            // Said with what comes next: whether an answer came with it decides whether it is followed.
            func sayAccepted() {
                guard let submission = accepted else { return }
                inbox.post(.submitFinished(request: request, recordID: recordID, result: .success(submission)))
                accepted = nil
            }
            for await event in pipeline.run(request, follow: false) {
                switch event {
                case let .recorded(id):
                    recordID = id
                case let .progress(info):
                    // An A1111 call's progress while it runs (issue 20).
                    inbox.post(.generationProgress(request: request, recordID: recordID, info))
                case let .failed(failure) where failure.stage == .outcomeUnknown && request.endpoint.family.followUp.answersWhenDone:
                    // An A1111 call whose connection dropped: nothing to ask, the send is over (issue 20).
                    inbox.post(.submitFinished(request: request, recordID: recordID, result: .failure(failure.error ?? .connectionLost)))
                case let .accepted(submission):
                    accepted = submission
                case let .unanswered(error, confirmation):
                    inbox.post(.submitUnanswered(request: request, recordID: recordID, error: error, confirmation: confirmation))
                case let .finished(info, _):
                    if accepted != nil { lock.withLock { _ = finishedAtSubmit.insert(idTask) } }
                    sayAccepted()
                    answeredAtOnce = true
                    inbox.post(.poll(recordID: recordID, idTask: idTask, .update(info)))
                case let .failed(failure) where failure.stage == .send:
                    inbox.post(.submitFinished(request: request, recordID: recordID, result: .failure(failure.error ?? .cancelled)))
                default:
                    break  // the images kept are read by the pictures (fetchPictures waits for them)
                }
            }
            sayAccepted()
            if answeredAtOnce { inbox.post(.pollEnded(recordID: recordID, idTask: idTask, error: nil)) }
            lock.withLock { sending[idTask] = nil }
            FreedMemory.giveBack()
        }
    }

    /// Follows a task until it ends, writing each answer to its row, and
    /// keeps its images: the pipeline's events posted as polls, then its end.
    func track(recordID: Int?, _ task: TaskReference, on other: SendPipeline? = nil) {
        let pipeline = other ?? pipeline
        let idTask = task.taskID
        lock.lock()
        defer { lock.unlock() }
        if finishedAtSubmit.remove(idTask) != nil { return }
        guard tracking[idTask] == nil else { return }
        tracking[idTask] = Task.detached { [self] in
            var stopped: APIError?
            for await event in pipeline.resume(task, recordID: recordID) {
                switch event {
                case let .progress(info), let .finished(info, _):
                    inbox.post(.poll(recordID: recordID, idTask: idTask, .update(info)))
                case let .retrying(error, attempt):
                    inbox.post(.poll(recordID: recordID, idTask: idTask, .retrying(error, attempt: attempt)))
                case let .failed(failure) where failure.stage == .follow:
                    stopped = failure.error ?? .cancelled
                case .unfollowed:
                    inbox.post(.poll(recordID: recordID, idTask: idTask, .unfollowed))
                default:
                    break  // the images kept are read by the pictures (fetchPictures waits for them)
                }
            }
            // Once its images are kept: the history shown then notes them.
            inbox.post(.pollEnded(recordID: recordID, idTask: idTask, error: stopped))
            stopTracking(idTask, cancel: false)
            FreedMemory.giveBack()
        }
    }

    /// The send or follow under way for a task, if any: its images are kept when it ends.
    func runUnderWay(for idTask: String) -> Task<Void, Never>? {
        lock.withLock { tracking[idTask] ?? sending[idTask] }
    }

    private func stopTracking(_ idTask: String, cancel: Bool = true) {
        lock.lock()
        let task = tracking.removeValue(forKey: idTask)
        lock.unlock()
        if cancel { task?.cancel() }
    }

    /// At start: follow again every task an earlier zqt left running. A row
    /// still "sending" is only taken up once it is older than any send can
    /// take; until then another zqt may be sending it right now.
    func resumeUnfinished(now: Date = Date()) {
        guard let store else { return }
        let unfinished: [HistoryRecord]
        let onAnotherSandbox: [HistoryRecord]
        do {
            unfinished = try store.unfinished()
            // A gone sandbox's rows are closed even when not followed: nothing can ever answer for them.
            onAnotherSandbox = try store.unfinished(includingNotFollowed: true).filter {
                $0.baseURL != configuration.baseURL && $0.profile == "sandbox"
            }
        } catch {
            inbox.post(.historyFault(error))
            return
        }
        onAnotherSandbox.forEach(closeIfSandboxGone)
        var elsewhere: [HistoryRecord] = []
        for row in unfinished {
            if row.baseURL != configuration.baseURL, row.profile == "sandbox" { continue }  // closed above once gone
            if row.state == .sending, now.timeIntervalSince(row.createdAt) < configuration.timeout * 2 + 10 { continue }
            if !row.endpoint.canBeFollowed { continue }  // §3.2: nothing to ask
            if row.baseURL != configuration.baseURL {
                elsewhere.append(row)  // another profile's task: followed on its own service
                continue
            }
            track(recordID: row.id, TaskReference(endpoint: row.endpoint, taskID: row.idTask, submittedAt: row.taskStartedAt))
        }
        followElsewhere(elsewhere)
        keepAgain(now: now)
    }

    /// At start: the images of finished tasks that could not be kept (the
    /// folder not writable, the disk full, zqt ended first) are tried again
    /// while their URLs may live (issue 17, wire rule 10); each try is
    /// noted on the row.
    private func keepAgain(now: Date) {
        guard let store else { return }
        let pipeline = pipeline
        let baseURL = configuration.baseURL
        Task.detached { [self] in
            let rows: [HistoryRecord]
            do throws(HistoryError) {
                rows = try store.rowsToKeepAgain(now: now)
            } catch {
                return inbox.post(.historyFault(error))
            }
            // The pages its walk let go of, freed on this worker's arena, back to the system (mem24).
            FreedMemory.giveBack()
            for row in rows where row.baseURL == baseURL || row.profile != "sandbox" {
                for await _ in pipeline.retryKeeps(row, now: now) {}
            }
        }
    }

    /// An in-process sandbox's tasks end with its process. When nothing
    /// answers at its address any more, its unfinished rows are closed with
    /// that reason instead of staying "running" for ever.
    private func closeIfSandboxGone(_ row: HistoryRecord) {
        Task.detached { [self] in
            // A bare connection attempt: start-up does not load libcurl for it.
            guard await ConnectionProbe.isRefused(row.baseURL, timeout: 2) else { return }
            record { store throws(HistoryError) in
                try store.recordTrackingFailed(id: row.id, error: Wording.sandboxStopped)
            }
        }
    }

    /// At start: tasks an earlier zqt left running on another profile's
    /// service are followed there, with that profile's keys (issue 19); a
    /// row whose profile is gone from the config file is left as it stands
    /// (zqt never sends one profile's keys to another's service). Off the
    /// event loop: a profile's key_secret_command may take a moment.
    private func followElsewhere(_ rows: [HistoryRecord]) {
        guard !rows.isEmpty, let resolve = profileResolver else { return }
        let timeout = configuration.timeout
        startThread { [self] in
            var pipelines: [String: SendPipeline] = [:]
            for row in rows {
                let key = row.profile + "\u{0}" + row.baseURL
                if pipelines[key] == nil {
                    guard case let .success(configuration) = RowService.configuration(for: row, resolve: resolve, timeout: timeout) else { continue }
                    pipelines[key] = pipeline(api: makeAPI(configuration), configuration: configuration)
                }
                track(recordID: row.id, TaskReference(endpoint: row.endpoint, taskID: row.idTask, submittedAt: row.taskStartedAt), on: pipelines[key])
            }
        }
    }

    private func queryNow(_ row: HistoryRecord) {
        // Asked by the user: a task no longer followed is followed again (issue 19).
        record { store throws(HistoryError) in try store.setFollowed(id: row.id, true) }
        let inUse = configuration
        let resolve = profileResolver
        // Its own thread when the row's profile is resolved: its key_secret_command may take a moment.
        startThread { [self] in
            var pipeline = self.pipeline
            var askedAt: String?
            if RowService.isElsewhere(row, inUse: inUse.baseURL) {
                switch RowService.configuration(for: row, resolve: resolve, timeout: inUse.timeout) {
                case let .success(configuration):
                    pipeline = self.pipeline(api: makeAPI(configuration), configuration: configuration)
                    askedAt = configuration.baseURL
                case let .failure(unusable):
                    return inbox.post(.historyFailed(Wording.rowProfileUnusable(row.idTask, baseURL: row.baseURL, profile: row.profile,
                                                                                problem: unusable.message)))
                }
            }
            let chosen = pipeline
            Task.detached { [self] in
                let task = TaskReference(endpoint: row.endpoint, taskID: row.idTask, submittedAt: row.taskStartedAt)
                do throws(APIError) {
                    // Only the service the row was sent to may close it (another profile's has never heard of it).
                    let info = try await chosen.ask(task, recordID: row.id,
                                                    rowIsOpen: row.state.isUnfinished && row.baseURL == chosen.baseURL)
                    if !info.phase.isTerminal {
                        track(recordID: row.id, task, on: askedAt == nil ? nil : chosen)
                    } else if info.phase == .succeeded {
                        // As a follow would: a task found finished gets its images kept (issue 17).
                        for await _ in chosen.keepResults(ResultSource.of(info), idTask: row.idTask, recordID: row.id) {}
                    }
                    inbox.post(.entryQueried(idTask: row.idTask, .success(info), askedAt: askedAt))
                } catch {
                    inbox.post(.entryQueried(idTask: row.idTask, .failure(error), askedAt: askedAt))
                }
            }
        }
    }

    // MARK: Saving result images

    /// Saves every result into `folder` through the pipeline: zqt's copy
    /// first (wire rule 10: the service's URLs expire, so a kept image is
    /// copied, not downloaded again), named `<id_task>-<n>.<ext>` as `zqt
    /// results` names them, and each copy noted in the row.
    private func saveImages(_ row: HistoryRecord, into folder: String) {
        let pipeline = pipeline
        Task.detached { [self] in
            var saved = 0
            var failures: [String] = []
            var notes: [String] = []
            for await event in pipeline.keepResults(ResultSource.of(row), idTask: row.idTask, recordID: row.id, exportTo: folder) {
                switch event {
                case let .kept(kept) where kept.exported != nil:
                    saved += 1
                    if let note = SendWording.savedCopyNote(kept) { notes.append(TerminalText.printable(note)) }
                case let .failed(failure): failures.append(failure.message)
                default: break
                }
            }
            inbox.post(.imagesSaved(idTask: row.idTask, folder: folder, saved: saved, failures: failures, notes: notes))
        }
    }

    func cancelAll() {
        lock.lock()
        tracking.values.forEach { $0.cancel() }
        lock.unlock()
    }
}

extension EffectRunner {
    /// POST /sdapi/v1/interrupt on the connection in use (issue 20); the
    /// generation call under way then answers with what the job made.
    func interruptGeneration(_ idTask: String) {
        let api = api, inbox = inbox
        Task.detached {
            guard let live = api as? any LiveProgressAPI else { return }
            do throws(APIError) {
                // Noted first: the call's answer may come before the interrupt's, and its row then says "interrupted".
                if try await A1111Watch.interrupt(idTask, api: live) == .waits {
                    inbox.post(.stopWaits(idTask: idTask, skip: false))
                } else {
                    inbox.post(.interruptAnswered(idTask: idTask, error: nil))
                }
            } catch {
                inbox.post(.interruptAnswered(idTask: idTask, error: error))
            }
        }
    }

    /// POST /sdapi/v1/skip: the server ends the picture it is making and goes on with the batch's next.
    func skipGenerationImage(_ idTask: String) {
        let api = api, inbox = inbox
        Task.detached {
            guard let live = api as? any LiveProgressAPI else { return }
            do throws(APIError) {
                // Through A1111Watch: while another client's job runs, the skip waits for ours (issue 20).
                if try await A1111Watch.skip(idTask, api: live) == .waits {
                    inbox.post(.stopWaits(idTask: idTask, skip: true))
                } else {
                    inbox.post(.skipAnswered(idTask: idTask, error: nil))
                }
            } catch {
                inbox.post(.skipAnswered(idTask: idTask, error: error))
            }
        }
    }
}

extension EffectRunner {
    /// Where text too large for OSC 52 is kept (Reducer.copy): one file in
    /// zqt's home, each such copy over the last, as a clipboard holds one.
    static func copyFile(home: String) -> String { home + "/clipboard.txt" }
}
