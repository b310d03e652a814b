import Model

/// Runs blocking test code (child processes, tmux, waits on the screen) on
/// a thread of its own. Done on Swift's concurrency pool (two threads on a
/// two-core machine) it would starve the sends and polls that other tests,
/// and the code under test, run there.
///
/// The code runs in the test's own task, moved to that thread (a task
/// executor), so an expectation that fails in it is reported against the
/// test; run on a bare thread it would be an issue of no test, and the test
/// itself would be listed as passed.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withTaskExecutorPreference(AThreadOfItsOwn()) { try body() }
}

/// Each job it is given runs on a new thread.
final class AThreadOfItsOwn: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        startThread { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
