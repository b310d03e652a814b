// Moving a request between kinds of server (issue 20): the form on screen,
// or a history row's request, opened as the other kind's request — a
// zhiqite SD request as A1111's txt2img or img2img, and back — with every
// field both have (A1111Translation). Its pictures move off the event loop
// (Effect.moveKind, KindMove): a URL going to A1111 is downloaded and kept
// as a file the form sends inline; an inline picture going to zhiqite is
// kept as a file the profile's upload sends at send. The form opens on a
// profile of its kind when the config file has one (said which), else it
// opens anyway and says what sending needs. What could not move is listed
// in a box; the form on screen before is one undo away, as after "new".

import Model

/// A move asked for: the request, where it came from, its translation, and
/// where its pictures are kept (under $ZQT_HOME).
struct KindMoveJob: Equatable, Sendable {
    var source: Request
    /// "the form", "row zqt-…": for the status line.
    var from: String
    var plan: KindMove.Plan
    var folder: String
}

/// A move whose pictures moved: the body to open, what moved and what could not.
struct KindMoveDone: Equatable, Sendable {
    var job: KindMoveJob
    var outcome: KindMove.Outcome
}

/// What the undo key brings back after a move: the form on screen before it,
/// what the moved form's slot held, and the profile in use before a switch.
struct KindMoveUndo: Equatable, Sendable {
    var movedFormKey: String
    var returnTo: ParkedForm
    var replaced: ParkedForm?
    var profile: String?
    /// The results pane's pictures before the move: they belong to the request moved from.
    var results: PictureSet? = nil
}

extension Reducer {
    // MARK: Commands (declared in Input/Commands/KindMoveCommands.swift)

    /// On the compose screen the form; on the history screen the row's request, read fresh.
    static func openAsOtherKind(_ state: inout AppState) -> [Effect] {
        switch state.screen {
        case .compose: return moveRequest(&state, state.request, from: Wording.movedFromForm)
        case .history: return loadCurrent(state, .openAsOtherKind)
        case .gallery: return []
        }
    }

    /// Translates the request and asks for its pictures to be moved.
    static func moveRequest(_ state: inout AppState, _ request: Request, from source: String) -> [Effect] {
        guard KindMove.canMove(request.endpoint) else {
            state.status = StatusMessage(text: Wording.cannotMoveKind(request.endpoint.title), kind: .error)
            return []
        }
        let plan: KindMove.Plan
        do {
            plan = try KindMove.plan(request, in: state.catalog)
        } catch {
            state.status = StatusMessage(text: Wording.kindMoveRefused(error.description), kind: .error)
            return []
        }
        let downloads = plan.translated.images.filter { if case .downloadAndInline = $0.action { true } else { false } }.count
        state.status = StatusMessage(text: Wording.movingKind(source, to: Wording.kindTitle(plan.target), downloads: downloads), kind: .info)
        return [.moveKind(KindMoveJob(source: request, from: source, plan: plan, folder: KindMove.folder(home: state.connection.dataFolder)))]
    }

    /// The pictures moved: the request opens in the other kind's form.
    static func kindMoved(_ state: inout AppState, _ done: KindMoveDone) -> [Effect] {
        let target = done.job.plan.target
        let (moved, unmoved) = KindMove.request(done.outcome, for: target, taskID: TaskIDGenerator.shared.next())
        // Required fields the move left empty (zhiqite's checkpoint, which an A1111 request leaves to its server):
        // nothing was lost there, so they are said apart from what could not move, by their labels.
        let toChoose = KindMove.fieldsToChoose(moved).map { Wording.fieldToChoose($0.label, section: $0.section) }
        let returnTo = ParkedForm(request: state.request, drafts: state.drafts, baselineJSON: state.baselineJSON)
        let replaced = state.otherForms[target.formKey]
        show(&state, moved, drafts: [:])
        state.formBeforeNew = nil

        var effects: [Effect] = []
        let profile: Wording.MoveProfile
        var previousProfile: String?
        if state.connection.server == target.server {
            profile = .inUse(state.connection.profile)
        } else if let name = state.connection.profiles.first(where: { (state.connection.profileServers[$0] ?? .zhiqite) == target.server }) {
            profile = .switching(name)
            previousProfile = state.connection.profile
            effects.append(.switchProfile(name))
        } else {
            profile = .none(target.server)
        }
        state.kindMoveUndo = KindMoveUndo(movedFormKey: target.formKey, returnTo: returnTo, replaced: replaced, profile: previousProfile,
                                          results: state.results)
        // The moved form is a new draft for the other kind of server: the pictures of the
        // request it came from are not its results (issue 20). The undo key brings them back.
        clearResults(&state)

        let targetTitle = Wording.kindTitle(target)
        let unmovedLines = unmoved.map { TerminalText.line($0.description) }
        state.status = StatusMessage(text: Wording.kindMoved(done.job.from, to: targetTitle, unmoved: unmoved.count, toChoose: toChoose.count,
                                                             profile: profile, undoKey: state.keys.label(.undoNewForm)),
                                     kind: unmoved.isEmpty && toChoose.isEmpty ? .success : .info)
        if !unmovedLines.isEmpty || !done.outcome.moved.isEmpty || !toChoose.isEmpty {
            state.view.overlay = .notice(Notice(title: Wording.kindMoveNoticeTitle(targetTitle),
                                                lines: Wording.kindMoveNotice(moved: done.outcome.moved.map(TerminalText.line),
                                                                              unmoved: unmovedLines, toChoose: toChoose, profile: profile)))
        }
        return effects
    }

    /// The undo key after a move: the form on screen before it comes back,
    /// the moved form's slot holds again what it held, the profile switched
    /// from is taken again. Nil when the form on screen is not a move's.
    static func undoKindMove(_ state: inout AppState) -> [Effect]? {
        guard let undo = state.kindMoveUndo, undo.movedFormKey == state.endpoint.formKey else { return nil }
        state.kindMoveUndo = nil
        show(&state, undo.returnTo.request, drafts: undo.returnTo.drafts)
        state.baselineJSON = undo.returnTo.baselineJSON
        state.otherForms[undo.movedFormKey] = undo.replaced
        if state.results == nil { state.results = undo.results }
        let back = undo.profile.flatMap { state.connection.profiles.contains($0) ? $0 : nil }
        state.status = StatusMessage(text: Wording.kindMoveUndone(state.endpoint.title, profile: back), kind: .info)
        return back.map { [.switchProfile($0)] } ?? []
    }

    /// The results pane emptied, nothing of it left enlarged or chosen.
    static func clearResults(_ state: inout AppState) {
        state.results = nil
        if state.view.zoom?.target == .compose { state.view.zoom = nil }
        state.view.contactSheet = nil
        state.view.picturesFocused = false
        state.view.selectedPicture = 0
    }
}
