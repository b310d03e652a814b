// Drafts the history could not take at zqt's way out (issue 21: a full
// disk, a read-only folder). They are never lost in silence: written, as
// JSON, to a file in the history's folder, else a temporary folder, else
// the current one (the first that takes it whole), and said on the terminal
// once the screen is left, with the file's name; L loads it back
// (UnsavedDraftsFile). A file none of them takes: the JSON itself is printed.
// Every way out goes through here: a quit, SIGTERM, SIGHUP, the terminal
// gone, and a history that could not be opened at all at start (issue 21).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Model
import Synchronization

struct UnsavedDrafts: Sendable {
    /// The words of the last fault a draft save met, kept for the way out.
    final class LastFault: Sendable {
        private let stored = Mutex<String?>(nil)
        var words: String? {
            get { stored.withLock { $0 } }
            set { stored.withLock { $0 = newValue } }
        }
    }

    /// By slot (`compose`, one per endpoint kept aside).
    let forms: [String: DraftForm]
    /// The history's words for the fault, when one was said.
    let fault: String?
    /// The history's folder (ZQT_HOME): the next start offers the file back for it alone.
    var home: String?

    var isEmpty: Bool { forms.isEmpty }

    /// The file's contents: each draft's endpoint, its request as `zqt send`
    /// reads it, and the typed text a field could not take yet.
    var json: String {
        let drafts: [JSONValue] = forms.sorted { $0.key < $1.key }.map { slot, form in
            let draft = form.encoded()
            let request = (try? JSONParser.parse(draft.requestJSON)) ?? .string(draft.requestJSON)
            let typed = JSONValue.object(draft.fieldDrafts.sorted { $0.key < $1.key }.map { (key: $0.key, value: .string($0.value)) })
            return .object(dropping: [("slot", .string(slot)), ("endpoint", .string(draft.endpoint.id)), ("request", request),
                                      ("typed", draft.fieldDrafts.isEmpty ? nil : typed)])
        }
        return JSONWriter.pretty(.object(dropping: [(UnsavedDraftsFile.marker, .string(fault ?? "the history could not be written")),
                                                    ("history", home.map { .string($0) }), ("drafts", .array(drafts))])) + "\n"
    }

    /// Where the file is tried, in order: the history's own folder (beside
    /// the history, where the next start looks first), then $TMPDIR and the
    /// system's temporary folders (one of them is often on another disk than
    /// the full one), then the folder zqt was started in.
    static func folders(home: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                        current: String? = FileManager.default.currentDirectoryPath) -> [String] {
        var folders: [String] = []
        for folder in [home, environment["TMPDIR"], "/tmp", "/var/tmp", "/dev/shm", current].compactMap({ $0 }) where !folder.isEmpty {
            let trimmed = folder.count > 1 && folder.hasSuffix("/") ? String(folder.dropLast()) : folder
            if !folders.contains(trimmed) { folders.append(trimmed) }
        }
        return folders
    }

    /// The first of `folders` the system lets zqt write to now (a full disk
    /// is found only by writing: the quit question names this one, the way
    /// out says where the file went).
    static func likelyFolder(_ folders: [String]) -> String? {
        folders.first { access($0, W_OK | X_OK) == 0 && hasRoom($0) }
    }

    /// Whether the folder's disk has a free block: a disk full at start is
    /// skipped, as the way out will skip it (a newcomer's quit question named
    /// the full history folder while the file went to /tmp).
    static func hasRoom(_ folder: String) -> Bool {
        var disk = statvfs()
        guard statvfs(folder, &disk) == 0 else { return true }
        return disk.f_bavail > 0
    }

    /// Writes the JSON, whole, to a new file (0600, never over another) in
    /// the first folder that takes it; its path, or nil when none did.
    func write(into folders: [String], now: Date = Date(), pid: Int32 = getpid()) -> String? {
        let bytes = Array(json.utf8)
        let stamp = Self.stamp(now)
        for folder in folders {
            let path = "\(folder)/\(UnsavedDraftsFile.namePrefix)\(stamp)-\(pid).json"
            let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { continue }
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                written += count
            }
            let whole = written == bytes.count && fsync(fd) == 0
            close(fd)
            if whole { return path }
            unlink(path)  // half a file would be taken for the drafts
        }
        return nil
    }

    /// YYYYMMDD-HHMMSS in UTC, as the history's own copies are named.
    static func stamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y%m%d-%H%M%S", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// What the terminal is told once the screen is left.
    func report(writtenTo path: String?) -> String {
        Wording.draftsUnsavedAtQuit(forms: formNames, fault: fault, file: path, json: path == nil ? json : nil)
    }

    /// The drafts by the endpoint titles the user sees, the form on screen first (left21: the
    /// way out named them by slot, `compose` and `form:controlnet`).
    var formNames: [String] {
        let onScreen = forms["compose"].map { [Wording.draftOnScreen($0.encoded().endpoint.title)] } ?? []
        var titles: [String] = []
        for (slot, form) in forms.sorted(by: { $0.key < $1.key }) where slot != "compose" {
            let title = form.encoded().endpoint.title
            if !titles.contains(title) { titles.append(title) }
        }
        return onScreen + titles
    }
}
