// The service's model lists (zhiqite-api.md §1.4, issue 9): kept lists read
// at start, refreshed when stale or asked, their answers folded into state.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

extension Reducer {
    // MARK: Model lists

    /// How old a kept list may be before it is read again at start.
    static let listMaxAge: Double = 6 * 3600

    static func modelListsCached(_ state: inout AppState, _ lists: [ModelListKind: ModelList], now: Date) -> [Effect] {
        var stale: [ModelListKind] = []
        let a1111 = state.connection.server == .a1111
        // An A1111 server's lists are at its own paths (A1111ModelLists), its choices among them (issue 20).
        for kind in ModelListKind.kinds(for: state.connection.server) {
            let path = a1111 ? A1111ModelLists.path(for: kind) : state.modelLists.paths.path(for: kind)
            guard let list = lists[kind] else {
                stale.append(kind)
                continue
            }
            state.modelLists[kind].set(list)
            // Read again when old, when dated in the future (a clock moved back), or kept from another path.
            let age = now.timeIntervalSince(list.fetchedAt)
            if age > listMaxAge || age < -3600 || list.path != path { stale.append(kind) }
            namesFollowTheLists(&state, kind)
        }
        // Every list fresh: nothing is read, so the keys are asked about on their own.
        if stale.isEmpty { return [.checkKeys] }
        return refreshModelLists(&state, only: stale, announce: false)
    }

    /// Reads lists again: all of them when the user asks, the stale ones at start.
    static func refreshModelLists(_ state: inout AppState, only kinds: [ModelListKind]? = nil, announce: Bool) -> [Effect] {
        if announce, state.modelLists.refreshing {
            state.status = StatusMessage(text: Wording.alreadyRefreshing, kind: .info)
            return []
        }
        let served = ModelListKind.kinds(for: state.connection.server)
        let kinds = (kinds ?? served).filter { served.contains($0) && !state.modelLists[$0].refreshing }
        guard !kinds.isEmpty else { return [] }
        for kind in kinds { state.modelLists[kind].refreshing = true }
        if announce {
            state.modelLists.announceRefresh = true
            state.status = StatusMessage(text: Wording.refreshingLists, kind: .info)
        }
        return [.refreshModelLists(kinds)]
    }

    static func modelListRead(_ state: inout AppState, _ kind: ModelListKind, path: String, _ result: Result<ModelList, APIError>) -> [Effect] {
        state.modelLists[kind].refreshing = false
        switch result {
        case let .success(list):
            state.modelLists[kind].set(list)
            state.modelLists[kind].problem = nil
            keysAnswered(&state, nil)
        case let .failure(error):
            // The list kept from before stays; the picker says why it is not fresh.
            state.modelLists[kind].problem = Wording.listProblem(kind, path: path, error: error, server: state.connection.server)
            keysAnswered(&state, error)
        }
        // A picker open over this list shows it as it is now.
        if case var .picker(picker)? = state.view.overlay {
            switch picker.purpose {
            case let .field(id) where state.fields.first(where: { $0.id == id })?.modelList == kind:
                picker.options = state.formLists[kind].names
                describe(&picker, kind: kind, state)
                state.view.overlay = .picker(picker)
            case .insert(kind):
                let filter = picker.filter
                openInsertPicker(&state, kind)
                if case var .picker(fresh)? = state.view.overlay {
                    fresh.filter = filter
                    state.view.overlay = .picker(fresh)
                }
            default:
                break
            }
        }
        if state.modelLists.announceRefresh, !state.modelLists.refreshing {
            state.modelLists.announceRefresh = false
            state.status = Wording.refreshed(state.modelLists, kinds: ModelListKind.kinds(for: state.connection.server))
        }
        namesFollowTheLists(&state, kind)
        return []
    }

    /// A LoRA or embedding list that arrives while `<lora:` (or a word) is
    /// being typed opens the names under the cursor at once (issue 19): the
    /// list is otherwise looked at only when the text changes, so a name typed
    /// right after start waited for the next key.
    static func namesFollowTheLists(_ state: inout AppState, _ kind: ModelListKind) {
        guard kind == .lora || kind == .embedding, state.view.editing != nil else { return }
        state.view.editing?.completionWatch.revision = nil
        updateCompletion(&state)
    }
}
