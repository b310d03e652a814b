import Foundation
import Model
import TestScratch
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
        // Removed with what is under them, not only rmdir: a zqt still
        // ending as the disk went writes its history into the bare folder.
        if let readOnlyPath {
            _ = Self.run("/bin/umount", ["-l", readOnlyPath])
            Scratch.remove([readOnlyPath])
        }
        _ = Self.run("/bin/umount", ["-l", path])
        Scratch.remove([path])
    }

    /// Fills the disk to its last byte, with no history's log holding room.
    /// Every log is emptied first, then what is free is preallocated and
    /// written a page and a byte at a time until the kernel says ENOSPC.
    ///
    /// A history write that lands between the emptying and the last byte
    /// leaves its log holding room (zqt's start-up writes do, late on a
    /// loaded machine: the sandbox's four model lists, 33 KB of log, came
    /// after "Restored the form" and after the logs were emptied). zqt's next
    /// write that meets the full disk checkpoints and cuts that log and tries
    /// again (HistoryStore.write), so it finds the room and lands: the disk is
    /// full for everything but the history, and a draft typed then is saved,
    /// never refused (diskflaky: "Draft not saved" was waited for in vain).
    /// So the disk is filled again until no log holds a block.
    ///
    /// `meanwhile` runs once, between the first emptying and the first fill:
    /// a test's own stand-in for such a late write.
    func fill(meanwhile: () throws -> Void = {}) throws {
        var holding: [String] = []
        for attempt in 1...Self.fillAttempts {
            emptyHistoryLogs()
            if attempt == 1 { try meanwhile() }
            try waitUntilNoRemovedFileIsHeld()
            try fillLeavingLogs()
            holding = historyLogsHoldingRoom()
            var info = statvfs()
            // Asked after the logs: a write that met the full disk may have cut its log and kept part of the room.
            // And after the fill: a removed file some process still held would give its room back later.
            if holding.isEmpty, heldRemovedFiles().isEmpty, statvfs(path, &info) == 0, info.f_bavail == 0 { return }
            free()
        }
        throw Failure("the disk could not be filled with no history's log holding room (\(holding)) in \(Self.fillAttempts) tries")
    }

    /// Files on this disk that are removed but still held open by some process
    /// (their blocks stay taken until the last holder closes them). A child
    /// another test is starting holds every open file of this process until it
    /// execs: a history log SQLite removed as its connection closed (the -wal,
    /// the -shm) was held so while the disk was filled, and its room came back
    /// just after (CI at 854029d: a "full" disk took a send).
    func heldRemovedFiles() -> [String] {
        var held: [String] = []
        let mark = path + "/"
        for process in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where process.allSatisfy(\.isNumber) {
            let folder = "/proc/\(process)/fd"
            for fd in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + fd),
                      target.hasPrefix(mark), target.hasSuffix(" (deleted)") else { continue }
                held.append(target)
            }
        }
        return held
    }

    /// Waits (up to a minute, a loaded machine's exec) for no process to hold a removed file of this disk.
    func waitUntilNoRemovedFileIsHeld() throws {
        let deadline = Date().addingTimeInterval(60)
        while !heldRemovedFiles().isEmpty {
            guard Date() < deadline else { throw Failure("removed files stay held open: \(heldRemovedFiles())") }
            usleep(2_000)
        }
    }

    /// A write lands between two fills at most once per write zqt makes on its own.
    static let fillAttempts = 20

    /// The disk filled to its last byte as it is: a history's log keeps
    /// the room it holds (only to show why `fill()` empties them).
    func fillLeavingLogs() throws {
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

    /// The histories' logs on the disk (relative paths) that hold a block.
    func historyLogsHoldingRoom() -> [String] {
        historyFiles().map { $0 + "-wal" }.filter { log in
            var info = stat()
            return stat(path + "/" + log, &info) == 0 && (info.st_blocks > 0 || info.st_size > 0)
        }
    }

    /// Every history on the disk, by its path under the mount point.
    private func historyFiles() -> [String] {
        FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix("/" + HistoryStore.fileName) || $0 == HistoryStore.fileName } ?? []
    }

    /// Every history's log on the disk copied back and cut to nothing first
    /// (disk21d): a write that meets a full disk does the same once and tries
    /// again, so room a log held would be found again and the disk not full.
    func emptyHistoryLogs() {
        for history in historyFiles() {
            guard let db = try? SQLiteConnection(path: path + "/" + history, create: false) else { continue }
            db.setBusyTimeout(milliseconds: 30_000)
            _ = try? db.run("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Frees what `fill()` took, at once: cut to nothing before it is
    /// unlinked. Unlinked alone, its blocks stay taken while any process
    /// holds it open, and a child another test is starting holds every open
    /// file until it execs (close-on-exec closes it only then), so the room
    /// could come back after `fill()` had found the disk full again (diskflaky:
    /// once in 25 loop runs a draft was saved after such a refill).
    func free() {
        truncate(path + "/filler", 0)
        unlink(path + "/filler")
    }

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
