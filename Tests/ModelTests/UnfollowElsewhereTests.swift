// A task unfollowed in another process (newcomer re-check of issue 19):
// `zqt history unfollow ID` did not reach a screen already following it,
// which kept asking and wrote "succeeded" over the row. The follower reads
// the row's mark before each query and stops.

import Foundation
import TestScratch
@testable import Model
import Synchronization
import Testing

@Suite struct UnfollowElsewhereTests {
    @Test func aFollowerStopsAtItsNextQueryOnceTheRowIsUnfollowed() async throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-unfollow-elsewhere")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try HistoryStore.open(inFolder: folder, catalog: .shipped)
        var request = Request.new(for: .controlNet, taskID: "zqt-long")
        request["prompt"] = .string("a slow lighthouse")
        let id = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "default")
        // The first answer says running; as it is given, another process unfollows the row.
        let api = RunningTaskAPI { try? store.setFollowed(id: id, false) }
        let pipeline = SendPipeline(api: api, store: store, baseURL: "http://127.0.0.1:1", profile: "default") { _ in }
        var events: [SendEvent] = []
        for await event in pipeline.resume(TaskReference(endpoint: .controlNet, taskID: "zqt-long", submittedAt: Date()), recordID: id) {
            events.append(event)
        }
        #expect(events.last == .unfollowed, "\(events)")
        #expect(api.queries == 1, "nothing is asked once the row says not followed")
        let row = try #require(try store.record(id: id))
        #expect(row.state.isUnfinished, "no later answer is written over it")
        #expect(try store.isFollowed(id: id) == false)
        #expect(try store.list().first?.notFollowed == true, "the list still marks it")
    }
}

/// A service whose task runs for ever; `onQuery` is called as each answer is given.
private final class RunningTaskAPI: ImageAPI, @unchecked Sendable {
    private let count = Mutex(0)
    let onQuery: @Sendable () -> Void
    var queries: Int { count.withLock { $0 } }

    init(onQuery: @escaping @Sendable () -> Void) { self.onQuery = onQuery }

    func queryTask(_ task: TaskReference) async throws(APIError) -> TaskInfo {
        count.withLock { $0 += 1 }
        onQuery()
        return TaskInfo(data: .object([("status", .int(1)), ("desc", .string("running"))]))
    }

    func send(_ request: Request) async -> SendOutcome { SendOutcome(result: .failure(.cancelled), exchange: nil) }
    func queryModels(pageNum: Int, pageSize: Int, checkpoint: String?, name: String?) async throws(APIError) -> ModelListPage {
        throw .cancelled
    }
    func queryListPage(path: String, pageNum: Int, pageSize: Int) async throws(APIError) -> JSONValue { throw .cancelled }
    func download(_ url: String, maxBytes: Int) async throws(APIError) -> [UInt8] { throw .cancelled }
}
