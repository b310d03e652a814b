// A one-slot cache: the last value derived, kept for its key. The request's
// wire value (per revision), the screen's preview and problems
// (ZqtTUI's RequestDerived) and its footer each keep one this way; written
// once here, where both layers reach it (it has no terminal in it).

import Synchronization

/// The last value derived, kept for its key: asked again with an equal key,
/// it is not derived again. One value, the last key's.
public final class KeptLast<Key: Equatable & Sendable, Value: Sendable>: Sendable {
    // Inlinable so each use is specialized for its types, as it was when the
    // screen's uses had it in their own module (a frame asks several times).
    @usableFromInline let kept = Mutex<(key: Key, value: Value)?>(nil)

    public init() {}

    /// The kept value when `key` is the kept one's, else `derive`d now (outside the lock) and kept.
    @inlinable
    public func value(for key: Key, _ derive: () -> Value) -> Value {
        if let kept = kept.withLock({ $0 }), kept.key == key { return kept.value }
        let value = derive()
        kept.withLock { $0 = (key, value) }
        return value
    }
}
