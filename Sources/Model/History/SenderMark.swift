// Which A1111 rows still have a zqt waiting for the server's answer (issue
// 20). An A1111 server answers the generation call itself, when the job is
// done, and keeps no task to ask about afterwards: a row left `sending` is
// either a call still running in some zqt (its answer will come) or one
// whose zqt ended first (its answer is lost). `zqt query` and `u` must
// never close the first; only the second may be said lost.
//
// The sender holds an exclusive flock(2) on `senders/<id_task>.lock` beside
// the history for as long as its call runs, and removes the file when the
// call ends. The kernel lets go of the lock when the process ends, however
// it ends, so a file still there and not locked is a sender gone. A flock
// belongs to its open file, not to the process, so the same process asking
// about its own send finds it held too. The file holds the sender's pid, to
// be named when asked.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum SenderMark {
    /// What is known of a row's sender.
    public enum Standing: Sendable, Equatable {
        /// A zqt holds the mark: its call runs, its answer will be kept.
        case waiting(pid: Int32?)
        /// The mark is there, not held: the zqt that sent it ended before the answer.
        case gone
        /// No mark: the row was sent by a zqt that marks nothing (an older one), or its call ended.
        case unmarked
    }

    /// A mark held by this process; `release` ends it (the file removed, then closed).
    public final class Held: @unchecked Sendable {
        private let path: String
        private let lock = Lock()
        private var descriptor: Int32

        init(path: String, descriptor: Int32) {
            self.path = path
            self.descriptor = descriptor
        }

        public func release() {
            lock.withLock {
                guard descriptor >= 0 else { return }
                // Removed while still held: a reader never sees a free mark of a call that ended well.
                unlink(path)
                close(descriptor)
                descriptor = -1
            }
        }

        deinit { release() }
    }

    public static func folder(history: String) -> String {
        let parent = history.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return (parent.isEmpty ? "." : parent) + "/senders"
    }

    /// A task id as a file name: the id's own characters when they are plain, else a hash (ids come from files).
    static func fileName(_ idTask: String) -> String {
        let plain = !idTask.isEmpty && idTask.utf8.count <= 120
            && idTask.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
            && !idTask.hasPrefix(".")
        if plain { return idTask + ".lock" }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in idTask.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "id-" + String(hash, radix: 16) + ".lock"
    }

    /// Marks `idTask` as sent by this process, before its row is written; nil
    /// when the folder cannot take the file (the send goes on unmarked: a
    /// later query then says nothing is known of its sender, and closes nothing).
    public static func hold(idTask: String, history: String) -> Held? {
        let folder = folder(history: history)
        guard PrivateFolder.ensure(folder) else { return nil }
        let path = folder + "/" + fileName(idTask)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { return nil }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        return Held(path: path, descriptor: descriptor)
    }

    /// Removes a mark its sender left behind (it ended before the answer); a held mark is left alone.
    public static func forget(idTask: String, history: String) {
        let path = folder(history: history) + "/" + fileName(idTask)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { unlink(path) }
    }

    /// Whether a zqt still waits for `idTask`'s answer.
    public static func standing(idTask: String, history: String) -> Standing {
        let path = folder(history: history) + "/" + fileName(idTask)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return .unmarked }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return .gone
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 15) }
        let text = count > 0 ? String(decoding: bytes.prefix(count), as: UTF8.self) : ""
        return .waiting(pid: Int32(text.trimmed))
    }
}
