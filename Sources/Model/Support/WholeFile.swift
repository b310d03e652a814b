// A file zqt writes whole or not at all (issue 21): written with write(2) to
// an aside name of its own, "<path>.<pid>-<random>.part", then renamed. A kill
// mid-write leaves only the aside file, which its owner's pid tells apart from
// a writer still running (ResultImageFiles cleans them at start); a failure
// keeps its errno, so "the disk is full" can be said in words.

#if canImport(Glibc)
import Glibc
#endif

public enum WholeFile {
    /// The aside name a writer in this process writes `path` under.
    public static func asideName(_ path: String) -> String {
        "\(path).\(getpid())-\(UInt32.random(in: 0...UInt32.max)).part"
    }

    /// Writes `bytes` to a new file at `path` (`mode`, never over another file);
    /// the errno of the first failure, or nil. `halfway`, when given, runs
    /// once with half the bytes written (a test's pause for kills inside a write).
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = PrivateFolder.fileMode,
                             halfway: (() -> Void)? = nil) -> Int32? {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { return errno }
        var failure: Int32?
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var pauseAt = halfway == nil ? Int.max : buffer.count / 2
            var offset = 0
            while offset < buffer.count {
                if offset >= pauseAt {
                    pauseAt = Int.max
                    halfway?()
                }
                let end = min(buffer.count, max(pauseAt, offset + 1))
                let wrote = Glibc.write(fd, base + offset, end - offset)
                if wrote < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += wrote
            }
        }
        if close(fd) != 0, failure == nil { failure = errno }
        return failure
    }

    /// `bytes` at `path`, written aside and renamed over it; the errno of the first failure, or nil.
    public static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = PrivateFolder.fileMode,
                               halfway: (() -> Void)? = nil) -> Int32? {
        let aside = asideName(path)
        if let failure = write(bytes, to: aside, mode: mode, halfway: halfway) ?? (rename(aside, path) == 0 ? nil : errno) {
            unlink(aside)
            return failure
        }
        return nil
    }
}
