import Model

/// Runs blocking test code (child processes, tmux, waits on the screen) on
/// a thread of its own. Done on Swift's concurrency pool (two threads on a
/// two-core machine) it would starve the sends and polls that other tests,
/// and the code under test, run there.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        startThread { continuation.resume(with: Result { try body() }) }
    }
}
