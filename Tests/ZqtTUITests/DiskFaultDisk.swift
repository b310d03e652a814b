import Foundation
import Model
import Testing

/// A small disk of its own for one test (issue 21): a real tmpfs, filled to
/// its last byte for ENOSPC, or seen through a read-only bind mount for
/// EROFS (root ignores `chmod`, so a mode would prove nothing). Unmounted
/// however the test ends (`unmount()` in a defer, and again in deinit).
final class SmallDisk {
    /// The tmpfs's mount point.
    let path: String
    /// A read-only view of the same files, once `readOnlyView()` made it.
    private(set) var readOnlyPath: String?
    private var mounted = true

    /// Whether this machine lets the tests mount (root with CAP_SYS_ADMIN):
    /// tried once, on a tmpfs of one page.
    static let canMount: Bool = {
        guard getuid() == 0 else { return false }
        let probe = NSTemporaryDirectory() + "zqt-mount-probe-\(getpid())"
        guard mkdir(probe, 0o700) == 0 else { return false }
        defer { rmdir(probe) }
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", probe]) else { return false }
        return run("/bin/umount", [probe])
    }()

    static let cannotMount: Comment =
        "mounting a tmpfs needs root with CAP_SYS_ADMIN, which this machine does not give: the disk faults are made for real or not at all"

    init(kilobytes: Int) throws {
        path = NSTemporaryDirectory() + "zqt-disk-\(getpid())-\(UUID().uuidString)"
        guard mkdir(path, 0o700) == 0 else { throw Failure("cannot make \(path)") }
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0700", "tmpfs", path]) else {
            rmdir(path)
            throw Failure("cannot mount a tmpfs at \(path)")
        }
    }

    deinit { unmount() }

    /// Lazily, so a file still open (a history not yet closed) cannot keep the mount.
    func unmount() {
        guard mounted else { return }
        mounted = false
        if let readOnlyPath {
            _ = Self.run("/bin/umount", ["-l", readOnlyPath])
            rmdir(readOnlyPath)
        }
        _ = Self.run("/bin/umount", ["-l", path])
        rmdir(path)
    }

    /// Fills the disk to its last byte: what is free preallocated, then
    /// written a page and a byte at a time until the kernel says ENOSPC.
    func fill() throws {
        emptyHistoryLogs()
        let fd = open(path + "/filler", O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure("cannot make the filler: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = statvfs()
        if statvfs(path, &info) == 0, info.f_bavail > 0 {
            _ = posix_fallocate(fd, 0, off_t(info.f_bavail) * off_t(info.f_frsize))
            _ = lseek(fd, 0, SEEK_END)
        }
        for size in [4096, 1] {
            let chunk = [UInt8](repeating: 0x5A, count: size)
            while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, size) }) > 0 {}
        }
        guard statvfs(path, &info) == 0, info.f_bavail == 0 else { throw Failure("the disk still has room") }
    }

    /// Every history's log on the disk copied back and cut to nothing first
    /// (disk21d): a write that meets a full disk does the same once and tries
    /// again, so room a log held would be found again and the disk not full.
    private func emptyHistoryLogs() {
        let histories = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix("/" + HistoryStore.fileName) || $0 == HistoryStore.fileName } ?? []
        for history in histories {
            guard let db = try? SQLiteConnection(path: path + "/" + history, create: false) else { continue }
            db.setBusyTimeout(milliseconds: 30_000)
            _ = try? db.run("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Frees what `fill()` took.
    func free() { unlink(path + "/filler") }

    /// A read-only bind mount of the disk (EROFS for every write through it), made once.
    func readOnlyView() throws -> String {
        if let readOnlyPath { return readOnlyPath }
        let view = path + "-ro"
        guard mkdir(view, 0o700) == 0 else { throw Failure("cannot make \(view)") }
        guard Self.run("/bin/mount", ["--bind", path, view]) else {
            rmdir(view)
            throw Failure("cannot bind \(path)")
        }
        readOnlyPath = view
        guard Self.run("/bin/mount", ["-o", "remount,ro,bind", view]) else { throw Failure("cannot make \(view) read-only") }
        return view
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

extension Trait where Self == ConditionTrait {
    /// A disk fault made for real: a tmpfs mounted, filled, bound read-only.
    static var needsMount: Self { .enabled(if: SmallDisk.canMount, SmallDisk.cannotMount) }
}
