// Sending the form's request and following the task it started: the
// submit, its answer (or none: an unanswered send), and the task's status line.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

extension Reducer {
    // MARK: Submit

    /// F5: a field being edited keeps its text first, then the form is sent.
    static func submitFromForm(_ state: inout AppState) -> [Effect] {
        if let editing = state.view.editing { finishEdit(&state, editing) }
        guard state.screen == .compose else { return [] }
        return submit(&state)
    }

    static func submit(_ state: inout AppState) -> [Effect] {
        // The wrong server first: no field filled in makes the request fit it.
        if refusedForServer(&state, state.request) { return [] }
        // Typed text that could not be used comes first: it is what the user sees marked.
        let order = allFieldOrder(state)
        if let (id, draft) = order.compactMap({ id in state.drafts[id].map { (id, $0) } }).first {
            moveFocus(&state, to: id)
            state.status = StatusMessage(text: Wording.notSent(field: label(of: id, in: state), draft.message), kind: .error,
                                         cause: .draft(id))
            return []
        }
        let problems = state.problems
        if let first = problems.first {
            state.view.showProblems = true
            let id = field(forPath: first.path, in: state)
            if let id { moveFocus(&state, to: id) }
            let name = id.flatMap { id in problemFieldName(id, in: state) } ?? first.path
            state.status = StatusMessage(text: Wording.notSent(field: name, path: first.path, first.message, more: problems.count - 1), kind: .error,
                                         cause: .problem(path: first.path))
            return []
        }
        return send(&state, state.request, note: Wording.sending(state.request.taskID))
    }

    /// The field a refusal names: its form label, but a group's by the
    /// catalog's ("ControlNet units", not its add row "+ Add a ControlNet unit…"; issue 19).
    static func problemFieldName(_ id: FieldID, in state: AppState) -> String? {
        if id.path.hasSuffix("[+]"), let field = state.request.endpoint.fields.first(where: { FieldID.addItem($0.path) == id }) {
            return field.label
        }
        return state.fields.first { $0.id == id }?.label
    }

    /// The history did not open at start. A damaged file: the screen sends
    /// unkept, as docs/history.md says (commit 540e4da). A disk that refuses
    /// writes (a read-only folder, a full disk) or a newer zqt's history:
    /// sends are refused as `zqt send` refuses them, since an accepted task
    /// must always have its row (issue 21).
    static func historyCannotOpen(_ state: inout AppState, _ error: HistoryError) {
        state.historyProblem = error.message
        if error.refusesSends {
            state.historyRefusesSends = error
            state.status = StatusMessage(text: Wording.sendsRefused(error.message, historyKey: state.keys.label(.history)), kind: .error)
        } else {
            state.status = StatusMessage(text: Wording.nothingKept(error.message), kind: .error)
        }
    }

    /// The history, read-only since the disk was full, can be written again:
    /// sends and drafts are kept again, and the send that asked goes on (left21).
    static func historyWritableAgain(_ state: inout AppState, _ request: Request, note: String) -> [Effect] {
        state.historyRefusesSends = nil
        state.historyReadOnlyForFullDisk = false
        state.historyReadOnlyLine = nil
        state.historyEmptyReadOnlyText = nil
        state.draftSaving.kept = true
        state.draftSaving.notKeptBecause = nil
        state.draftSaving.fallbackFolder = nil
        return send(&state, request, note: Wording.historyWritableAgain + " " + note) + SessionReducer.saveDrafts(&state)
    }

    /// Sends a request (from the form, or again from history).
    static func send(_ state: inout AppState, _ request: Request, note: String) -> [Effect] {
        guard !state.submitting else {
            state.status = StatusMessage(text: Wording.alreadySending, kind: .info)
            return []
        }
        // The words `zqt send` says; the request stays in the form, its task id unspent (nothing left).
        if let refusal = state.historyRefusesSends {
            state.status = StatusMessage(text: Wording.sendFailed(.notRecorded(refusal), kept: nil), kind: .error)
            // A history read-only because the disk was full is tried again now (left21): the room may be back.
            return state.historyReadOnlyForFullDisk ? [.retryWritableHistory(request, note: note)] : []
        }
        if refusedForServer(&state, request) { return [] }
        state.submitting = true
        state.status = StatusMessage(text: note, kind: .info)
        renewTaskID(&state, sent: request.taskID)
        return [.submit(request)]
    }

    /// One kind's body never goes to the other kind's server (issue 20), by the rule `zqt send`
    /// applies (Endpoint.canBeSent): a form moved by `T` while no profile of its kind exists, or a
    /// row whose profile switch did not happen, is refused before anything leaves; the form, its
    /// text and its task id stay. Said: the profile of its kind to choose (or to add), or `T` to
    /// move the form to the profile's kind. True when refused.
    static func refusedForServer(_ state: inout AppState, _ request: Request) -> Bool {
        let endpoint = request.endpoint
        guard !endpoint.canBeSent(to: state.connection.server) else { return false }
        let ofItsKind = state.connection.profiles.first { (state.connection.profileServers[$0] ?? .zhiqite) == endpoint.server }
        let onForm = state.screen == .compose && request.taskID == state.request.taskID
        let text = Wording.notSentWrongServer(endpoint, profile: state.connection.profile, server: state.connection.server,
                                              ofItsKind: ofItsKind, switchKey: state.keys.label(.switchProfile),
                                              moveKey: onForm && KindMove.canMove(endpoint) ? state.keys.label(.openAsOtherKind) : nil,
                                              formKept: onForm)
        state.status = StatusMessage(text: text, kind: .error)
        return true
    }

    /// Wire rule 8: once a request leaves, its task id is spent, whatever
    /// the answer (a timeout may still have been accepted, issue 8). Every
    /// form holding it, on screen, kept aside or as an edit's undo, gets a new one.
    static func renewTaskID(_ state: inout AppState, sent id: String) {
        guard !id.isEmpty else { return }
        func renew(_ request: inout Request) {
            if request.taskID == id { request.taskID = TaskIDGenerator.shared.next() }
        }
        renew(&state.request)
        if var editing = state.view.editing {
            renew(&editing.originalRequest)
            state.view.editing = editing
        }
        for (key, var form) in state.otherForms {
            renew(&form.request)
            state.otherForms[key] = form
        }
    }

    static func submitFinished(_ state: inout AppState, request: Request, recordID: Int?,
                               result: Result<Submission, APIError>) -> [Effect] {
        state.submitting = false
        generationEnded(&state, request: request, result: result)
        if state.screen == .history, let recordID { state.history.pendingSelection = recordID }
        let refresh = refreshHistoryIfShown(state, changed: recordID)
        switch result {
        case let .success(submission):
            let taskID = submission.result.serviceTaskID ?? request.taskID
            // An A1111 call answers when the job is done: no "submitted" (accepted) step to say (issue 20's re-check).
            let server = request.endpoint.server
            state.task = TrackedTask(recordID: recordID, idTask: request.taskID, status: nil, desc: Wording.submittedDesc(server),
                                     progress: nil, phase: .inProgress, resultCount: 0, result: request.endpoint.result)
            state.status = StatusMessage(text: Wording.sent(to: request.endpoint.title, taskID: taskID, server: server), kind: .success)
            // What was sent is what counts as saved, when the form still holds it (its id renewed at send).
            if state.request.endpoint == request.endpoint {
                var probe = state.request
                probe.taskID = request.taskID
                if probe == request, state.drafts.isEmpty { state.baselineJSON = state.request.wireJSON }
            }
            guard request.endpoint.canBeFollowed || request.endpoint.family.followUp.answersWhenDone else {
                state.task = nil
                state.status = StatusMessage(text: Wording.acceptedNotFollowed(request.endpoint.title, serviceTaskID: taskID), kind: .success)
                return refresh
            }
            return [.track(recordID: recordID, TaskReference(endpoint: request.endpoint, taskID: request.taskID))] + refresh
        case let .failure(error):
            var keys = keptKeys(state, recordID)
            // A local file that is not there: the same request sent again would fail the same way.
            if case let .upload(failure) = error, failure.missingFile != nil { keys?.resend = nil }
            state.status = StatusMessage(text: Wording.sendFailed(error, kept: keys), kind: .error)
            return refresh
        }
    }

    /// A send with no answer, once the service was asked about it (issue 8).
    static func submitUnanswered(_ state: inout AppState, request: Request, recordID: Int?, error: APIError,
                                 confirmation: SendConfirmation) -> [Effect] {
        state.submitting = false
        if state.screen == .history, let recordID { state.history.pendingSelection = recordID }
        let refresh = refreshHistoryIfShown(state, changed: recordID)
        let id = request.taskID
        switch confirmation {
        case let .accepted(info):
            let task = TrackedTask(recordID: recordID, idTask: id, status: info.status, desc: info.desc, progress: info.progress,
                                   phase: info.phase, resultCount: info.pictureCount, texts: info.texts, result: request.endpoint.result)
            state.task = task
            if info.phase.isTerminal {
                state.status = taskStatus(task, keys: state.keys)
                return refresh
            }
            state.status = StatusMessage(text: Wording.unansweredButFollowing(error, idTask: id), kind: .info)
            return [.track(recordID: recordID, TaskReference(endpoint: request.endpoint, taskID: id))] + refresh
        case let .notAccepted(answer):
            state.status = StatusMessage(text: Wording.sendFailedNoTask(error, idTask: id, answer: answer,
                                                                        kept: keptKeys(state, recordID)), kind: .error)
        case let .stillUnknown(reason):
            state.status = StatusMessage(text: Wording.unansweredUnknown(error, idTask: id, reason: reason,
                                                                         queryKey: state.keys.label(.queryNow)), kind: .error)
        }
        return refresh
    }

    /// The keys a failed send's status line names when it is kept in the history.
    private static func keptKeys(_ state: AppState, _ recordID: Int?) -> Wording.KeptKeys? {
        recordID == nil ? nil : Wording.KeptKeys(history: state.keys.label(.history), resend: state.keys.label(.resend))
    }

    static func taskStatus(_ task: TrackedTask, keys: KeyTable) -> StatusMessage {
        switch task.phase {
        case .inProgress:
            return StatusMessage(text: Wording.taskInProgress(task.idTask, desc: task.desc, progress: task.progress,
                                                              elapsedSeconds: task.elapsedSeconds), kind: .info)
        case .succeeded:
            // What the result can do next (scope lastResult): it moves on from its history row.
            let kept = task.recordID != nil
            let results: String
            if task.texts.isEmpty {
                results = Wording.imageResults(task.resultCount, image2imageKey: kept ? keys.label(.toImage2Image) : nil,
                                               unitKey: kept ? keys.label(.toControlNetUnit) : nil)
            } else if task.result == .data {
                results = Wording.serviceAnswer(task.texts.first ?? "", kept: kept)
            } else {
                results = Wording.textResult(task.texts.first ?? "", promptKey: kept ? keys.label(.useTextAsPrompt) : nil)
            }
            return StatusMessage(text: Wording.taskSucceeded(task.idTask, desc: task.desc, results: results), kind: .success)
        case .failed:
            return StatusMessage(text: Wording.taskFailed(task.idTask, desc: task.desc), kind: .error)
        }
    }
}

extension Reducer {
    // MARK: Stop following (issue 19; declared in Input/Commands/ComposeCommands.swift)

    static func cannotStopFollowing(_ state: AppState) -> String? {
        state.task?.phase == .inProgress ? nil : Wording.noTaskToStop
    }

    /// zqt stops asking about the task; the service documents no cancel, so
    /// it may still run there, which the status line says.
    static func stopFollowing(_ state: inout AppState) -> [Effect] {
        guard let task = state.task, task.phase == .inProgress else { return [] }
        if state.generating == task.idTask { return interruptGeneration(&state, idTask: task.idTask) }
        state.task = nil
        state.status = StatusMessage(text: Wording.notFollowed(task.idTask, queryKey: state.keys.label(.queryNow)), kind: .info)
        return [.stopFollowing(recordID: task.recordID, idTask: task.idTask)]
    }
}
