import Foundation
@testable import Images
import Model
import Sandbox
import Synchronization
import Testing
@testable import ZqtTUI

/// Issue 21: a full disk (a tmpfs filled to its last byte) and a read-only
/// folder (a read-only bind mount), made for real, on each write zqt makes:
/// a new row, a task's state, a kept picture, the model-list cache, a draft.
/// What the user is told (once, in words), that nothing is sent without its
/// row, and that the rows and drafts land once the disk has room again.
@Suite(.serialized) struct DiskFaultTests {
    static let fastPolling = PollPolicy(firstDelay: 0.1, ageShare: 0.25, minDelay: 0.1, maxDelay: 0.3, jitter: 0, busyDelay: 0.1,
                                        busyMaxDelay: 0.3, maxTransientFailures: 3, maxBusyAnswers: 30)

    /// A sandbox, a history on a small disk, and the pipeline `zqt send` and the screen use; what it told the user.
    final class Setting {
        let disk: SmallDisk
        let server: SandboxServer
        let url: String
        let home: String
        let store: HistoryStore
        let told = Lines()
        var pipeline: SendPipeline

        init(kilobytes: Int = 4096, homeOn view: ((SmallDisk) throws -> String)? = nil) throws {
            disk = try SmallDisk(kilobytes: kilobytes)
            server = SandboxServer(options: SandboxOptions(taskSeconds: 0.2))
            url = try server.start()
            home = disk.path + "/home"
            store = try HistoryStore.open(inFolder: home)
            let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: url, credentials: SandboxServer.demoCredentials, timeout: 10))
            let told = told
            pipeline = SendPipeline(api: api, store: store, baseURL: url, profile: "sandbox", pollPolicy: DiskFaultTests.fastPolling,
                                    keeper: ResultImageKeeper(home: home)) { error in told.append(error.message) }
        }

        deinit {
            server.stop()
            disk.unmount()
        }

        func request(_ prompt: String) throws -> Request {
            var request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
            request["prompt"] = .string(prompt)
            request.taskID = TaskIDGenerator.shared.next()
            return request
        }

        /// Sends and follows to the end, keeping the pictures; the events.
        func run(_ request: Request) async -> [SendEvent] {
            var events: [SendEvent] = []
            for await event in pipeline.run(request) { events.append(event) }
            return events
        }

        func integrity() throws -> String? {
            try SQLiteConnection(path: home + "/" + HistoryStore.fileName, create: false, readOnly: true).run("PRAGMA integrity_check").first?.text(0)
        }
    }

    @Test(.needsMount)
    func aSendWhoseRowCannotBeWrittenIsNotSentAndSaysTheDiskIsFull() async throws {
        let setting = try Setting()
        defer { setting.disk.unmount() }
        try setting.disk.fill()

        let refused = try setting.request("a lighthouse, on a full disk")
        let sent = await setting.pipeline.send(refused)
        guard case let .failure(error) = sent.outcome.result, case let .notRecorded(history) = error else {
            Issue.record("the send went ahead without its row: \(sent.outcome.result)")
            return
        }
        #expect(history.diskFault == .full)
        let said = SendWording.sendFailed(error)
        #expect(said.contains("the disk is full") && said.contains("nothing was sent"), "\(said)")
        #expect(FailureClass(error) == .badInput, "zqt's side to fix, not the service's nor the network's")
        #expect(ZqtExit(error) == .notRecorded, "zqt send's exit 4: not sent for the history (docs/exit-codes.md), not 2 (bad input)")
        #expect(setting.server.service.receivedSubmissions.isEmpty, "nothing left without its row")
        #expect(sent.recordID == nil)
        // The model-list cache, the other write of the history: the same words.
        let list = ModelList(kind: .checkpoint, items: [ModelItem(name: "m")], fetchedAt: Date(), path: "/list")
        #expect(throws: HistoryError.self) { try setting.store.saveModelList(list, service: "s") }
        do { try setting.store.saveModelList(list, service: "s") } catch { #expect(error.diskFault == .full) }

        setting.disk.free()
        let accepted = try setting.request("a lighthouse, with room again")
        let events = await setting.run(accepted)
        #expect(events.contains { if case .kept = $0 { true } else { false } }, "\(events)")
        #expect(setting.server.service.receivedSubmissions.count == 1)
        let row = try #require(try setting.store.record(idTask: accepted.taskID))
        #expect(row.state == .succeeded)
        #expect(try setting.store.record(idTask: refused.taskID) == nil)
        #expect(try setting.integrity() == "ok")
        #expect(setting.told.all.isEmpty, "the refused send said it once, as its failure")
    }

    @Test(.needsMount)
    func aTasksStateOnAFullDiskIsSaidOnceAndKeptWhenThereIsRoom() async throws {
        let setting = try Setting()
        defer { setting.disk.unmount() }
        let request = try setting.request("a harbour at night")
        let sent = await setting.pipeline.send(request)
        let recordID = try #require(sent.recordID)
        guard case .success = sent.outcome.result else {
            Issue.record("not accepted: \(sent.outcome.result)")
            return
        }
        try setting.disk.fill()

        // Followed to its end on a full disk: every poll's write fails, the user is told once.
        var events: [SendEvent] = []
        for await event in setting.pipeline.resume(TaskReference(endpoint: .controlNet, taskID: request.taskID), recordID: recordID) {
            events.append(event)
        }
        let told = setting.told.all
        #expect(told.count == 1, "told once, not per poll: \(told)")
        #expect(told.first?.contains("the disk is full") == true)
        // The picture could not be kept either, and says why in words.
        let keptFailure = events.compactMap { event -> String? in if case let .failed(failure) = event { failure.message } else { nil } }
        #expect(keptFailure.contains { $0.contains("the disk is full") }, "\(keptFailure)")
        let folder = ResultImageFiles.folder(home: setting.home, idTask: request.taskID)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        #expect(names.allSatisfy { !ResultImageFiles.isCopyName($0) && !$0.hasSuffix(".part") }, "no half-written copy: \(names)")
        #expect(try setting.store.record(id: recordID)?.state == .submitted, "the row waits, as the service's answer could not be kept")

        setting.disk.free()
        // Asked again (as at the next start or with the query key): the row catches up, the picture is kept.
        let info = try await setting.pipeline.ask(TaskReference(endpoint: .controlNet, taskID: request.taskID), recordID: recordID, rowIsOpen: true)
        #expect(info.phase == .succeeded)
        #expect(try setting.store.record(id: recordID)?.state == .succeeded)
        var kept: [SendEvent] = []
        for await event in setting.pipeline.keepResults(ResultSource.of(info), idTask: request.taskID, recordID: recordID) { kept.append(event) }
        #expect(kept.contains { if case .kept = $0 { true } else { false } }, "\(kept)")
        let keptNames = try FileManager.default.contentsOfDirectory(atPath: folder)
        let copy = try #require(keptNames.first(where: ResultImageFiles.isCopyName).map { folder + "/" + $0 })
        #expect(try Picture.decode([UInt8](Data(contentsOf: URL(fileURLWithPath: copy)))).width > 0, "the copy is whole")
        #expect(try setting.integrity() == "ok")
    }

    @Test(.needsMount)
    func aDraftOnAFullDiskStaysInMemoryIsSaidOnceAndIsWrittenWhenThereIsRoom() async throws {
        let setting = try Setting()
        defer { setting.disk.unmount() }
        let failures = Lines()
        let caughtUp = Lines()
        let writer = DraftWriter(store: setting.store, retryDelay: 0.2, onFailure: { message in failures.append(message) },
                                 onCaughtUp: { caughtUp.append("caught up") })
        try setting.disk.fill()

        var form = DraftForm(request: try setting.request("first words"), drafts: [:])
        writer.save(["compose": form])
        form.request["prompt"] = .string("first words, then more typed on a full disk")
        writer.save(["compose": form])
        writer.finish()
        try await eventually("the draft writer tried again at least once") { failures.all.count >= 1 }
        let said = failures.all
        #expect(said.count == 1, "said once, not at every change: \(said)")
        #expect(said.first?.contains("the disk is full") == true, "\(said)")
        #expect(writer.isBehind)
        #expect(try setting.store.loadDraft() == nil, "nothing half written")

        // Room again, no new key: the writer's own retry writes what was typed, and says so.
        setting.disk.free()
        try await eventually("the draft is written by the retry") { caughtUp.all.count == 1 }
        #expect(!writer.isBehind)
        let draft = try #require(try setting.store.loadDraft())
        #expect(draft.requestJSON.contains("first words, then more typed on a full disk"))
        #expect(failures.all.count == 1)
        #expect(try setting.integrity() == "ok")
    }

    @Test(.needsMount)
    func aReadOnlyFolderRefusesTheSendTheDraftAndThePictureInWords() async throws {
        let setting = try Setting()
        defer { setting.disk.unmount() }
        // A row and a finished task written while the folder could be written.
        let first = try setting.request("a quay, before")
        _ = await setting.run(first)
        let view = try setting.disk.readOnlyView()
        let store: HistoryStore
        do {
            store = try HistoryStore.open(inFolder: view + "/home")
        } catch {
            // What the screen and `zqt send` say when the history cannot be opened at all.
            #expect(error.diskFault == .readOnly && error.message.contains("the folder is read-only"), "\(error.message)")
            return
        }

        let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: setting.url, credentials: SandboxServer.demoCredentials, timeout: 10))
        let pipeline = SendPipeline(api: api, store: store, baseURL: setting.url, profile: "sandbox") { _ in }
        let sent = await pipeline.send(try setting.request("a quay, read-only"))
        guard case let .failure(error) = sent.outcome.result, case let .notRecorded(history) = error else {
            Issue.record("sent without its row: \(sent.outcome.result)")
            return
        }
        #expect(history.diskFault == .readOnly, "\(history.message)")
        #expect(error.message.contains("the folder is read-only"), "\(error.message)")
        #expect(setting.server.service.receivedSubmissions.count == 1, "only the first")

        let failures = Lines()
        let writer = DraftWriter(store: store, retryDelay: 60, onFailure: { message in failures.append(message) })
        writer.save(["compose": DraftForm(request: try setting.request("typed into a read-only home"), drafts: [:])])
        #expect(writer.finish() == ["compose"])
        #expect(failures.all.first?.contains("the folder is read-only") == true, "\(failures.all)")

        // A picture kept into the read-only folder.
        let source = ResultImageSource(position: 5, url: setting.url + "/sandbox/images/none.png")
        do throws(SendFailure) {
            _ = try await ResultImageFiles.keepCopy(source, idTask: "zqt-other", home: view + "/home", api: api)
            Issue.record("a copy was written into a read-only folder")
        } catch {
            #expect(error.message.contains("the folder is read-only"), "\(error.message)")
        }
    }

    /// A history closed (its -shm gone) in a folder that is read-only now:
    /// SQLite alone says "unable to open database file" even to read it. It
    /// is read as an immutable file (HistoryOpening), and every write is
    /// refused in the folder's words.
    @Test(.needsMount)
    func aClosedHistoryInAReadOnlyFolderIsReadAndRefusesWritesSayingTheFolderIsReadOnly() throws {
        let disk = try SmallDisk(kilobytes: 4096)
        defer { disk.unmount() }
        do {
            let store = try HistoryStore.open(inFolder: disk.path + "/home")
            var request = Request.new(for: .controlNet, taskID: "zqt-closed-ro")
            request["prompt"] = .string("a quay, closed")
            _ = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "p")
        }
        #expect(!FileManager.default.fileExists(atPath: disk.path + "/home/history.sqlite-shm"), "closed: no -shm left")
        let view = try disk.readOnlyView()
        let store = try HistoryStore.open(inFolder: view + "/home")
        #expect(store.readOnly == HistoryReadOnly(cannotWrite: .readOnly, snapshot: true, logLeftUnread: false))
        #expect(try store.count() == 1)
        #expect(try store.list().map(\.prompt) == ["a quay, closed"])
        #expect(try store.record(idTask: "zqt-closed-ro")?.requestJSON.contains("a quay, closed") == true)
        do {
            try store.setFollowed(id: 1, false)
            Issue.record("a read-only folder's history was written")
        } catch {
            #expect(error.diskFault == .readOnly, "\(error.message)")
            #expect(error.message.contains("the folder is read-only"), "\(error.message)")
        }
        #expect(!FileManager.default.fileExists(atPath: disk.path + "/home/history.sqlite-shm"), "nothing made beside it")
    }

    @Test(.needsMount)
    func aPictureOnAFullDiskSaysSoAndLeavesNoPartOfItself() async throws {
        let setting = try Setting()
        defer { setting.disk.unmount() }
        let bytes = PNGImage.render(width: 64, height: 64, seed: 1)
        try setting.disk.fill()
        let path = setting.home + "/images/t/1.png"
        try? FileManager.default.createDirectory(atPath: setting.home + "/images/t", withIntermediateDirectories: true)
        let number = ResultImageFiles.writeWhole(bytes, to: path + ".4194303-1.part")
        #expect(number.flatMap { DiskFault(errno: $0) } == .full)
        #expect(SendWording.cannotWrite(path, errno: number ?? 0) == "cannot write \(path): the disk is full")
        setting.disk.free()
        // A leftover aside file of a writer that is gone is cleared; a live writer's is left to it.
        let live = setting.home + "/images/t/1.png.\(getpid())-7.part"
        #expect(ResultImageFiles.writeWhole(bytes, to: live) == nil)
        #expect(ResultImageFiles.removeLeftovers(home: setting.home) == 1)
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(!FileManager.default.fileExists(atPath: path + ".4194303-1.part"))
    }
}

/// What was said, from any thread.
final class Lines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
