// Ctrl-C during `zqt send` to an A1111 server (issue 20): the job runs on
// the server, not in zqt, so quitting would leave the GPU busy with a job no
// one waits for. The first Ctrl-C asks the server to stop it (POST
// /sdapi/v1/interrupt, once, as `X` on the screen); its generation call then
// answers with the pictures made so far, which are kept as any other. A
// second Ctrl-C quits at once.
//
// A signal handler may do almost nothing: it counts, and writes one byte to
// a pipe that a thread of its own waits on (as TerminalApp's handlers do).
// The second Ctrl-C's byte has that thread close the history as every other
// way out does (Zqt.endCommand; so no -wal or -shm is left beside it), then
// exit with the shell's status for Ctrl-C; a third, should that closing
// hang, ends the process from the handler.

#if canImport(Glibc)
import Glibc
#endif
import Model

/// The pipe's write end and the count, read in the handler: plain globals
/// with constant initial values, so touching them there runs no initializer.
nonisolated(unsafe) private var sendInterruptWrite: Int32 = -1
nonisolated(unsafe) private var sendInterruptCount: Int32 = 0

final class SendInterrupt: @unchecked Sendable {
    /// The status a send ends with when Ctrl-C stopped it (128 + SIGINT, as a shell reports it).
    static let exitStatus: Int32 = 130

    /// What a second Ctrl-C writes on its way out (a constant's bytes, ready before any Ctrl-C).
    private static let quitNow: [UInt8] = Array("\nzqt: quit at once; the server's job may still be stopping\n".utf8)
    nonisolated(unsafe) private static var quitNowBytes: UnsafeMutableRawPointer?
    nonisolated(unsafe) private static var quitNowCount = 0

    private let readEnd: Int32
    private var thread: pthread_t?

    /// Installs the handler; `onFirst` runs on a thread of its own at the first Ctrl-C.
    /// Nil when no pipe could be made (Ctrl-C then ends zqt as before).
    static func install(onFirst: @escaping @Sendable () -> Void) -> SendInterrupt? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        if quitNowBytes == nil {
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: quitNow.count, alignment: 1)
            buffer.copyMemory(from: quitNow, byteCount: quitNow.count)
            quitNowBytes = buffer
            quitNowCount = quitNow.count
        }
        sendInterruptCount = 0
        sendInterruptWrite = fds[1]
        let interrupt = SendInterrupt(readEnd: fds[0])
        let readEnd = fds[0]
        interrupt.thread = SendInterrupt.startThread {
            var byte: UInt8 = 0
            // The byte of the first Ctrl-C; 0 (or an error) when the send ended and the pipe closed.
            guard read(readEnd, &byte, 1) == 1 else { return }
            onFirst()
            // The second's: quit now, through the command's end.
            guard read(readEnd, &byte, 1) == 1 else { return }
            if let bytes = SendInterrupt.quitNowBytes { _ = write(2, bytes, SendInterrupt.quitNowCount) }
            // The history closed, as every way out closes it; the transfers are not stopped first: that
            // would wake the send to say "Send failed: Cancelled" or "not kept in history" after the line
            // above, and _exit runs no teardown they could crash in (issue 8). The row stays as it stands.
            HistoryStore.closeEveryOpenStore()
            _exit(SendInterrupt.exitStatus)
        }
        signal(SIGINT) { _ in
            sendInterruptCount += 1
            // A third Ctrl-C: the closing the second asked for did not end zqt; end it here.
            if sendInterruptCount >= 3 { _exit(SendInterrupt.exitStatus) }
            var byte: UInt8 = 1
            _ = write(sendInterruptWrite, &byte, 1)
        }
        return interrupt
    }

    private init(readEnd: Int32) {
        self.readEnd = readEnd
    }

    /// Ctrl-C ends zqt as before; the waiting thread is let go.
    func remove() {
        signal(SIGINT, SIG_DFL)
        let write = sendInterruptWrite
        sendInterruptWrite = -1
        if write >= 0 { close(write) }
        if let thread { pthread_join(thread, nil) }
        thread = nil
        close(readEnd)
    }

    private static func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
        final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        guard started == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            return nil
        }
        return thread
    }
}
