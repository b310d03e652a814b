import Foundation
import TestScratch
import Model
import Sandbox
import Synchronization
import Testing

/// Issue 16: a send is one stream of events, from the answer to the kept
/// images, whatever renders it; the history row follows the same steps.
@Suite struct SendPipelineEventsTests {
    /// A keeper that keeps downloads in memory-named files of a folder of its own.
    final class FolderKeeper: ResultKeeper, @unchecked Sendable {
        let folder: String
        let asked = Mutex<[Int]>([])

        init(folder: String) {
            self.folder = folder
        }

        func keep(_ source: ResultSource, idTask: String, api: any ImageAPI) async throws(SendFailure) -> KeptResult {
            asked.withLock { $0.append(source.position) }
            let bytes: [UInt8]
            do throws(APIError) {
                bytes = try await api.download(source.url)
            } catch {
                throw SendFailure(.keep(position: source.position), FailureClass(error),
                                  message: SendWording.downloadFailed(position: source.position, error), error: error)
            }
            let path = folder + "/\(idTask)-\(source.position + 1).png"
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw SendFailure(.keep(position: source.position), .badInput, message: SendWording.cannotWrite(path))
            }
            return KeptResult(source: source, path: path, byteCount: bytes.count,
                              pixelSize: PNGInfo.dimensions(of: bytes).map { PixelSize(width: $0.width, height: $0.height) })
        }

        func export(_ kept: KeptResult, idTask: String, request: SavedRequest?, into folder: String) throws(SendFailure) -> SavedCopy {
            throw SendFailure(.keep(position: kept.source.position), .badInput, message: SendWording.cannotWrite(folder))
        }
    }

    static func setUp(in scratch: Scratch) throws -> (SandboxFixture, SendPipeline, HistoryStore, FolderKeeper, String) {
        let fixture = try SandboxFixture()
        let folder = scratch.path("zqt-events")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try HistoryStore.open(inFolder: folder)
        let keeper = FolderKeeper(folder: folder)
        let pipeline = SendPipeline(api: fixture.api, store: store, baseURL: fixture.configuration.baseURL, profile: "sandbox",
                                    pollPolicy: SandboxFixture.fastPolling, keeper: keeper) { error in
            Issue.record("history: \(error.message)")
        }
        return (fixture, pipeline, store, keeper, folder)
    }

    /// The names of the events, in order, runs of progress as one.
    static func shape(_ events: [SendEvent]) -> [String] {
        var names: [String] = []
        for event in events {
            let name: String
            switch event {
            case .recorded: name = "recorded"
            case .accepted: name = "accepted"
            case .unanswered: name = "unanswered"
            case .progress: name = "progress"
            case .retrying: name = "retrying"
            case .finished: name = "finished"
            case .kept: name = "kept"
            case let .failed(failure): name = "failed(\(failure.stage))"
            case .unfollowed: name = "unfollowed"
            }
            if name == "progress", names.last == "progress" { continue }
            names.append(name)
        }
        return names
    }

    @Test func aSendIsAcceptedFollowedFinishedAndEachImageKept() async throws {
        let scratch = Scratch()
        let (fixture, pipeline, store, keeper, folder) = try Self.setUp(in: scratch)
        defer { withExtendedLifetime(fixture) { try? FileManager.default.removeItem(atPath: folder) } }
        let request = try SandboxFixture.exampleRequest { $0["batch_size"] = .int(2) }

        var events: [SendEvent] = []
        for await event in pipeline.run(request) { events.append(event) }

        let shape = Self.shape(events).filter { $0 != "progress" }
        #expect(shape == ["recorded", "accepted", "finished", "kept", "kept"], "\(Self.shape(events))")
        #expect(keeper.asked.withLock { $0 } == [0, 1])
        guard case let .recorded(recordID?) = events.first else { Issue.record("no row: \(events)"); return }
        let row = try #require(try store.record(id: recordID))
        #expect(row.state == .succeeded)
        #expect(row.results.map(\.localPath) == [folder + "/\(request.taskID)-1.png", folder + "/\(request.taskID)-2.png"],
                "the row notes each kept copy")
        let kept = events.compactMap { event -> KeptResult? in
            if case let .kept(kept) = event { return kept }
            return nil
        }
        #expect(kept.allSatisfy { $0.pixelSize == PixelSize(width: 768, height: 768) })
    }

    @Test func aFailedTaskEndsWithItsFailureAndKeepsNothing() async throws {
        let scratch = Scratch()
        let (fixture, pipeline, store, keeper, folder) = try Self.setUp(in: scratch)
        defer { withExtendedLifetime(fixture) { try? FileManager.default.removeItem(atPath: folder) } }
        let request = try SandboxFixture.exampleRequest { $0["prompt"] = .string("a ghost sandbox:fail") }

        var events: [SendEvent] = []
        for await event in pipeline.run(request) { events.append(event) }

        #expect(Self.shape(events).filter { $0 != "progress" } == ["recorded", "accepted", "finished", "failed(task)"])
        guard case let .failed(failure)? = events.last else { Issue.record("\(events)"); return }
        #expect(failure.failureClass == .failed)
        #expect(failure.message == "The task failed: Task failed: the prompt contains sandbox:fail")
        #expect(keeper.asked.withLock { $0 }.isEmpty)
        #expect(try store.record(idTask: request.taskID)?.state == .failed)
    }

    @Test func aRefusedConnectionIsASendFailureOfTheNetwork() async throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-events")
        let store = try HistoryStore.open(inFolder: folder)
        let configuration = ClientConfiguration(baseURL: "http://127.0.0.1:9", credentials: SandboxServer.demoCredentials, timeout: 5,
                                                profile: "default")
        let pipeline = SendPipeline(api: HTTPImageAPI(configuration: configuration), store: store, baseURL: configuration.baseURL,
                                    profile: "default", keeper: FolderKeeper(folder: folder)) { _ in }
        var events: [SendEvent] = []
        for await event in pipeline.run(try SandboxFixture.exampleRequest()) { events.append(event) }
        #expect(Self.shape(events) == ["recorded", "failed(send)"])
        guard case let .failed(failure)? = events.last else { return }
        #expect(failure.failureClass == .network)
        #expect(failure.message.hasPrefix("Send failed: "))
    }

    @Test func notFollowedTheSendEndsAtItsAcceptance() async throws {
        let scratch = Scratch()
        let (fixture, pipeline, _, keeper, folder) = try Self.setUp(in: scratch)
        defer { withExtendedLifetime(fixture) { try? FileManager.default.removeItem(atPath: folder) } }
        var events: [SendEvent] = []
        for await event in pipeline.run(try SandboxFixture.exampleRequest(), follow: false) { events.append(event) }
        #expect(Self.shape(events) == ["recorded", "accepted"])
        #expect(keeper.asked.withLock { $0 }.isEmpty)
    }
}
