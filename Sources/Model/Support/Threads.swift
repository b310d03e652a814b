// Threads of zqt's own, for work that blocks by design (the sandbox's
// connections, the terminal's event loop) and so must stay off Swift's
// concurrency pool, which has only as many threads as the machine has cores.

#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` on a new detached thread (pthreads: Foundation's Thread is not loaded).
public func startThread(stackSize: Int = 0, _ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    if stackSize > 0 { pthread_attr_setstacksize(&attributes, stackSize) }
    var thread = pthread_t()
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    let created = pthread_create(&thread, &attributes, { context in
        let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
        box.body()
        return nil
    }, context)
    if created != 0 {
        // No thread to run it on: run it here rather than drop the work.
        Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
    }
}
