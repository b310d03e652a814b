// Performs effects (HTTP, polling) off the main thread and posts their
// results back to the event loop as actions.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Model

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
        _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)
        _ = fcntl(writeFD, F_SETFL, fcntl(writeFD, F_GETFL) | O_NONBLOCK)
    }

    func post(_ action: Action) {
        lock.lock()
        pending.append(action)
        lock.unlock()
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    func drain() -> [Action] {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) > 0 {}
        lock.lock()
        defer { lock.unlock() }
        let actions = pending
        pending = []
        return actions
    }
}

final class EffectRunner: @unchecked Sendable {
    let api: any ImageAPI
    let configuration: ClientConfiguration
    let recorder: any SubmissionRecorder
    let inbox: ActionInbox
    private var tracking: [String: Task<Void, Never>] = [:]
    private let lock = Lock()

    init(api: any ImageAPI, configuration: ClientConfiguration, recorder: any SubmissionRecorder, inbox: ActionInbox) {
        self.api = api
        self.configuration = configuration
        self.recorder = recorder
        self.inbox = inbox
    }

    func perform(_ effect: Effect) {
        switch effect {
        case let .submit(request, endpoint):
            let api = api, recorder = recorder, inbox = inbox, baseURL = configuration.baseURL
            Task.detached {
                var record = SubmissionRecord(endpoint: endpoint, baseURL: baseURL, idTask: request.idTask,
                                              requestJSON: request.wireJSON, submittedAt: Date())
                do {
                    let submission = try await api.submit(request, to: endpoint)
                    record.serviceTaskID = submission.result.serviceTaskID
                    record.httpStatus = submission.exchange.httpStatus
                    record.responseJSON = submission.exchange.responseBody
                    recorder.recordSubmit(record)
                    inbox.post(.submitFinished(request: request, result: .success(submission)))
                } catch let error as APIError {
                    record.error = error.message
                    recorder.recordSubmit(record)
                    inbox.post(.submitFinished(request: request, result: .failure(error)))
                } catch {
                    record.error = String(describing: error)
                    recorder.recordSubmit(record)
                    inbox.post(.submitFinished(request: request, result: .failure(.transport(record.error!))))
                }
            }
        case let .track(idTask):
            let poller = TaskPoller(api: api)
            let recorder = recorder, inbox = inbox
            let task = Task.detached {
                do {
                    for try await event in poller.track(businessTaskID: idTask) {
                        if case let .update(info) = event { recorder.recordTaskInfo(idTask: idTask, info: info) }
                        inbox.post(.poll(idTask: idTask, event))
                    }
                    inbox.post(.pollEnded(idTask: idTask, error: nil))
                } catch {
                    inbox.post(.pollEnded(idTask: idTask, error: error as? APIError ?? .transport(String(describing: error))))
                }
            }
            lock.lock()
            tracking[idTask] = task
            lock.unlock()
        case .loadModels:
            let api = api, inbox = inbox
            Task.detached {
                // Deferred until after the first frame; a failure leaves the picker to free text.
                if let page = try? await api.queryModels(pageNum: 1, pageSize: 100, checkpoint: nil, name: nil) {
                    inbox.post(.modelsLoaded(page.rows.map(\.sdModelCheckpoint)))
                }
            }
        case .openEditor, .quit:
            break  // handled by the event loop, which owns the terminal
        }
    }

    func cancelAll() {
        lock.lock()
        tracking.values.forEach { $0.cancel() }
        lock.unlock()
    }
}
