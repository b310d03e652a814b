// The drafts' writer (issue 18): forms handed over by the reducer are
// printed and written on a queue of their own, never on the event loop; a
// form handed over while an earlier one of its slot still waits replaces
// it (only the newest is written). `finish()` waits for every write, for
// zqt's way out, where the last drafts must be kept before it ends.
//
// A draft that cannot be written (issue 21: a full disk, a read-only
// folder) is kept here, as the form on screen keeps what was typed, and
// written again at the next change and every `retryDelay` meanwhile: the
// fault is said once, and once more when every draft is written again.

import Dispatch
import Model
import Synchronization

final class DraftWriter: Sendable {
    /// Seconds between tries while a draft waits unwritten (only then: nothing is written while idle otherwise).
    static let retryDelay = 5.0

    private let store: HistoryStore
    private let onFailure: @Sendable (String) -> Void
    private let onCaughtUp: @Sendable () -> Void
    private let retryDelay: Double
    private let queue = DispatchQueue(label: "zqt.drafts")
    private let waiting = Mutex<[String: DraftForm]>([:])
    /// Drafts whose write failed, by slot, whether the fault was said, and whether a retry is scheduled.
    private let unwritten = Mutex<(forms: [String: DraftForm], said: Bool, retrying: Bool)>(([:], false, false))

    /// `onFailure` is told the history's words once per fault; `onCaughtUp` when every draft is written after one.
    init(store: HistoryStore, retryDelay: Double = DraftWriter.retryDelay, onFailure: @escaping @Sendable (String) -> Void,
         onCaughtUp: @escaping @Sendable () -> Void = {}) {
        self.store = store
        self.retryDelay = retryDelay
        self.onFailure = onFailure
        self.onCaughtUp = onCaughtUp
    }

    func save(_ forms: [String: DraftForm]) {
        waiting.withLock { $0.merge(forms) { _, newer in newer } }
        queue.async { self.writeWaiting() }
    }

    /// Returns once everything handed over is written, or tried: the slots
    /// still unwritten (zqt's way out says so, not to end in silence).
    @discardableResult
    func finish() -> [String] {
        queue.sync { writeWaiting() }
        return unwritten.withLock { $0.forms.keys.sorted() }
    }

    /// Whether a draft waits unwritten (tests).
    var isBehind: Bool { unwritten.withLock { !$0.forms.isEmpty } }

    /// The forms a fault left unwritten, by slot: zqt's way out writes them elsewhere (issue 21).
    var unwrittenForms: [String: DraftForm] { unwritten.withLock { $0.forms } }

    /// Each waiting draft in its slot, with those a fault left unwritten
    /// (the newer form of a slot wins); the form itself is untouched.
    private func writeWaiting() {
        let handed = waiting.withLock { waiting in
            defer { waiting = [:] }
            return waiting
        }
        let earlier = unwritten.withLock { $0.forms }
        let forms = earlier.merging(handed) { _, newer in newer }
        var failed: [String: DraftForm] = [:]
        var fault: HistoryError?
        // What the history holds already, read once when a write fails (a full disk still reads).
        var saved: [String: ComposeDraft]?
        for (slot, form) in forms.sorted(by: { $0.key < $1.key }) {
            let draft = form.encoded()
            do throws(HistoryError) {
                try store.saveDraft(draft, slot: slot)
            } catch {
                // A form the history already holds as it is is not unsaved (left21: the way out counted
                // an unchanged, saved form among the drafts not saved on a full disk).
                if saved == nil { saved = (try? store.loadDrafts()) ?? [:] }
                if let kept = saved?[slot], kept.hasSameContent(as: draft) { continue }
                failed[slot] = form
                fault = fault ?? error
            }
        }
        enum Tell { case nothing, failure(String), caughtUp }
        let (tell, retry) = unwritten.withLock { state -> (Tell, Bool) in
            state.forms = failed
            var tell = Tell.nothing
            if let fault, !state.said {
                state.said = true
                tell = .failure(fault.message)
            } else if failed.isEmpty, state.said {
                state.said = false
                tell = .caughtUp
            }
            let retry = !failed.isEmpty && !state.retrying
            if retry { state.retrying = true }
            return (tell, retry)
        }
        switch tell {
        case .nothing: break
        case let .failure(message): onFailure(message)
        case .caughtUp: onCaughtUp()
        }
        if retry {
            queue.asyncAfter(deadline: .now() + retryDelay) {
                self.unwritten.withLock { $0.retrying = false }
                self.writeWaiting()
            }
        }
    }
}
