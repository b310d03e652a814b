// The screen's part of an A1111 server (issue 20): its forms shown for its
// profile, a generation call's progress while it runs (the call answers
// only when done), and `X` interrupting the job rather than only
// stopping to follow it.

import Model

extension Reducer {
    /// The form on screen is one of the connection's kind of server: else
    /// that kind's first endpoint is shown (its form kept aside or its draft).
    static func showServersForm(_ state: inout AppState) {
        guard state.endpoint.server != state.connection.server, !state.endpoint.isCustom,
              let first = state.catalog.readyGroups(for: state.connection.server).first?.endpoints.first else { return }
        let said = state.status
        switchEndpoint(&state, to: first)
        if let said { state.status = said }
    }

    /// A progress answer while the call runs: the task on the status line, the preview in the pane.
    static func generationProgress(_ state: inout AppState, request: Request, recordID: Int?, info: TaskInfo) -> [Effect] {
        // The answer came already (a late progress answer), or another send is on screen now.
        guard state.submitting, state.task?.idTask == request.taskID || state.task?.phase != .inProgress else { return [] }
        if state.task?.idTask != request.taskID {
            state.task = TrackedTask(recordID: recordID, idTask: request.taskID, status: info.status, desc: info.desc, progress: info.progress,
                                     phase: .inProgress, resultCount: 0, result: request.endpoint.result)
        }
        state.generating = request.taskID
        return reduce(&state, .poll(recordID: recordID, idTask: request.taskID, .update(info)))
    }

    /// The call answered (or failed): nothing runs to interrupt; a failed call's task is no longer running.
    static func generationEnded(_ state: inout AppState, request: Request, result: Result<Submission, APIError>) {
        guard state.generating == request.taskID || request.endpoint.family.followUp.answersWhenDone else { return }
        state.generating = nil
        if case .failure = result, state.task?.idTask == request.taskID { state.task = nil }
    }

    /// `X` on a running A1111 job: the server stops it, and its call answers with the pictures made so far.
    static func interruptGeneration(_ state: inout AppState, idTask: String) -> [Effect] {
        state.status = StatusMessage(text: Wording.interrupting(idTask), kind: .info)
        return [.interruptGeneration(idTask: idTask)]
    }

    /// `B` needs an A1111 job of ours running: a zhiqite task has no skip.
    static func cannotSkipImage(_ state: AppState) -> String? {
        guard let task = state.task, task.phase == .inProgress, state.generating == task.idTask else { return Wording.noJobToSkip }
        return nil
    }

    /// `B` on a running A1111 job: the picture being made ends there (kept as it is), the batch goes on.
    static func skipImage(_ state: inout AppState) -> [Effect] {
        guard cannotSkipImage(state) == nil, let idTask = state.task?.idTask else {
            state.status = StatusMessage(text: Wording.noJobToSkip, kind: .info)
            return []
        }
        state.status = StatusMessage(text: Wording.skipping(idTask), kind: .info)
        return [.skipGenerationImage(idTask: idTask)]
    }

    static func skipAnswered(_ state: inout AppState, idTask: String, error: APIError?) -> [Effect] {
        guard let error else { return [] }
        state.status = StatusMessage(text: Wording.skipFailed(idTask, error.message), kind: .error)
        return []
    }

    static func interruptAnswered(_ state: inout AppState, idTask: String, error: APIError?) -> [Effect] {
        guard let error else { return [] }
        state.status = StatusMessage(text: Wording.interruptFailed(idTask, error.message), kind: .error)
        return []
    }
}
