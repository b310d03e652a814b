// The file zqt writes its drafts to when the history cannot take them at its
// way out (issue 21: a full disk, a read-only folder, a history that could
// not be opened, a newer zqt's history): its name, its members, and reading
// it back. L (the Load dialog) takes it as it takes a request file: the
// draft of the form on screen, or the one form it holds; the next start
// names the newest such file when it is newer than the history's drafts.
//
// {"zqt_unsaved_drafts": "<why>", "history": "<ZQT_HOME>", "drafts": [{"slot": "compose",
//   "endpoint": "<endpoint id>", "request": {…the wire body…},
//   "typed": {"<field>": "<text a field could not take>"}}]}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

public struct UnsavedDraftsFile: Sendable, Equatable {
    /// Every such file's name starts so (then a UTC stamp and zqt's pid, `.json`).
    public static let namePrefix = "zqt-unsaved-drafts-"
    /// The member that marks the file (its value: why the history did not take the drafts).
    public static let marker = "zqt_unsaved_drafts"

    public struct Draft: Sendable, Equatable {
        /// `compose` (the form on screen at the way out), or `form:<endpoint>`.
        public let slot: String
        /// The endpoint's id, as the catalog names it.
        public let endpointID: String
        /// The request's wire body, as `zqt send` reads it.
        public let request: JSONValue
        /// Text a field could not take yet, by field.
        public let typed: [String: String]
    }

    /// Why the history did not take them, as said at the way out.
    public let fault: String
    /// The folder of the history they belong to (ZQT_HOME), when the file says.
    public let history: String?
    public let drafts: [Draft]

    /// The file's contents read; nil when the text is not such a file (a
    /// plain request, anything else). A draft without an endpoint or a
    /// request object is left out (a file edited by hand).
    public static func read(_ text: String) -> UnsavedDraftsFile? {
        guard text.contains(marker), let value = try? JSONParser.parse(text), let fault = value[marker]?.stringValue else { return nil }
        let drafts: [Draft] = (value["drafts"]?.arrayValue ?? []).compactMap { draft in
            guard let endpoint = draft["endpoint"]?.stringValue, let request = draft["request"], request.objectValue != nil else { return nil }
            var typed: [String: String] = [:]
            for (field, text) in draft["typed"]?.objectValue ?? [] { if let text = text.stringValue { typed[field] = text } }
            return Draft(slot: draft["slot"]?.stringValue ?? "", endpointID: endpoint, request: request, typed: typed)
        }
        return UnsavedDraftsFile(fault: fault, history: value["history"]?.stringValue, drafts: drafts)
    }

    /// The draft L loads when the form on screen is `endpointID`'s: that
    /// endpoint's, else the form that was on screen at the way out, else the first.
    public func draft(for endpointID: String) -> Draft? {
        drafts.first { $0.endpointID == endpointID } ?? drafts.first { $0.slot == "compose" } ?? drafts.first
    }

    /// The newest such file in `folders` that this user owns, was written
    /// after `cutoff` and names `history` as its history's folder (a start
    /// does this once, after the first frame: a name read per file, a stat
    /// for each of the right name, and the newest few read, bounded).
    public static func newest(in folders: [String], history: String, after cutoff: Date?) -> String? {
        waiting(in: folders, history: history, after: cutoff)?.newest
    }

    /// The files of drafts waiting for a history: the newest, which L offers,
    /// and the older ones, newest first (left21: they were offered no more once
    /// a newer one existed; the start now says how many and where).
    public struct Waiting: Sendable, Equatable {
        public let newest: String
        public let older: [String]
    }

    /// Every such file in `folders` for `history` written after `cutoff` (as `newest`), newest first.
    public static func waiting(in folders: [String], history: String, after cutoff: Date?) -> Waiting? {
        var found: [(path: String, modified: Date)] = []
        for folder in folders {
            guard let directory = opendir(folder) else { continue }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = DirectoryEntryName.of(entry)
                guard name.hasPrefix(namePrefix), name.hasSuffix(".json") else { continue }
                let path = folder + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == getuid() else { continue }
                let modified = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
                if cutoff.map({ modified > $0 }) ?? true { found.append((path, modified)) }
            }
        }
        var paths: [String] = []
        for candidate in found.sorted(by: { $0.modified > $1.modified }).prefix(maximumRead) {
            guard case let .success(text) = LocalFile.readText(candidate.path, maximumBytes: maximumBytes),
                  let file = read(text), file.history == history, !file.drafts.isEmpty else { continue }
            paths.append(candidate.path)
        }
        guard let newest = paths.first else { return nil }
        return Waiting(newest: newest, older: Array(paths.dropFirst()))
    }

    /// At most this many files are read at a start, each at most this large.
    static let maximumRead = 8
    public static let maximumBytes = 4 << 20
}
