// The drafts' writer (issue 18): forms handed over by the reducer are
// printed and written on a queue of their own, never on the event loop; a
// form handed over while an earlier one of its slot still waits replaces
// it (only the newest is written). `finish()` waits for every write, for
// zqt's way out, where the last drafts must be kept before it ends.

import Dispatch
import Model
import Synchronization

final class DraftWriter: Sendable {
    private let store: HistoryStore
    private let onFailure: @Sendable (String) -> Void
    private let queue = DispatchQueue(label: "zqt.drafts")
    private let waiting = Mutex<[String: DraftForm]>([:])

    init(store: HistoryStore, onFailure: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.onFailure = onFailure
    }

    func save(_ forms: [String: DraftForm]) {
        waiting.withLock { $0.merge(forms) { _, newer in newer } }
        queue.async { self.writeWaiting() }
    }

    /// Returns once everything handed over is written.
    func finish() {
        queue.sync {}
    }

    /// Each waiting draft in its slot: a failure is said once per draft; the form itself is untouched.
    private func writeWaiting() {
        let forms = waiting.withLock { waiting in
            defer { waiting = [:] }
            return waiting
        }
        for (slot, form) in forms.sorted(by: { $0.key < $1.key }) {
            do throws(HistoryError) {
                try store.saveDraft(form.encoded(), slot: slot)
            } catch {
                onFailure(error.message)
            }
        }
    }
}
