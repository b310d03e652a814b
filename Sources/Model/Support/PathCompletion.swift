// A local file typed into an image field (issue 17, "your own files as
// inputs"): what looks like a path, how `~` and a relative path expand, the
// completion of a partial name against a folder's entries, and the bounded
// read of a folder. The completion is pure; reading a folder and stat(2)ing
// a file are the only I/O, done by the screen's effects, never its reducer.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// One name in a folder.
public struct DirectoryEntry: Equatable, Sendable {
    public let name: String
    public let isDirectory: Bool

    public init(name: String, isDirectory: Bool) {
        self.name = name
        self.isDirectory = isDirectory
    }
}

/// A folder's entries, read with a bound.
public struct DirectoryListing: Equatable, Sendable {
    /// The folder, absolute.
    public let folder: String
    /// The folder as paths chosen from it are written: the home folder as `~`.
    public let shownFolder: String
    /// Sorted by name; `.` and `..` left out.
    public let entries: [DirectoryEntry]
    /// More entries than the bound: the rest were not kept.
    public var truncated: Bool { notListed > 0 }
    /// How many entries past the bound were counted and not kept (counting
    /// stops at `countLimit`: then at least that many).
    public let notListed: Int
    /// The text names had to hold to be kept (case folded), or nil for every name.
    public let matching: String?

    public init(folder: String, shownFolder: String, entries: [DirectoryEntry], truncated: Bool) {
        self.init(folder: folder, shownFolder: shownFolder, entries: entries, notListed: truncated ? 1 : 0)
    }

    public init(folder: String, shownFolder: String, entries: [DirectoryEntry], notListed: Int, matching: String? = nil) {
        self.folder = folder
        self.shownFolder = shownFolder
        self.entries = entries
        self.notListed = notListed
        self.matching = matching
    }
}

/// Why a folder could not be listed.
public enum FolderReadFault: Error, Equatable, Sendable {
    case missing(String)
    case notAFolder(String)
    case unreadable(String, reason: String)
}

/// What a local path names, as far as the form needs to know before sending.
public enum LocalFileState: Equatable, Sendable {
    case file
    case missing
    case notAFile
}

public enum PathCompletion {
    /// A folder is never read past this many entries (a folder of 100,000
    /// camera files must not hold up a Tab).
    public static let entryLimit = 5_000

    /// Text that names a local file rather than a URL: it starts with `/`,
    /// `~`, `./` or `../`. Anything else (a URL, a word) is not completed.
    public static func looksLikePath(_ text: String) -> Bool {
        text.hasPrefix("/") || text.hasPrefix("~") || text.hasPrefix("./") || text.hasPrefix("../")
    }

    /// The absolute path typed text names: `~` is the home folder, a relative
    /// path is under the current one. `~user` is not expanded (no lookup of
    /// other users): it is read as it stands, relative.
    public static func expand(_ typed: String, home: String, currentFolder: String) -> String {
        if typed == "~" { return home }
        if typed.hasPrefix("~/") { return join(home, String(typed.dropFirst(2))) }
        if typed.hasPrefix("/") { return typed }
        return join(currentFolder, typed)
    }

    /// The home folder written as `~` at the start of an absolute path.
    public static func abbreviate(_ path: String, home: String) -> String {
        guard !home.isEmpty, home != "/" else { return path }
        let trimmedHome = home.hasSuffix("/") ? String(home.dropLast()) : home
        if path == trimmedHome { return "~" }
        if path.hasPrefix(trimmedHome + "/") { return "~" + path.dropFirst(trimmedHome.count) }
        return path
    }

    private static func join(_ folder: String, _ rest: String) -> String {
        if rest.isEmpty { return folder }
        return folder.hasSuffix("/") ? folder + rest : folder + "/" + rest
    }

    /// Typed text split into the folder as typed (ending in `/`, or empty)
    /// and the partial name after it. `~` alone is the home folder.
    public static func split(_ typed: String) -> (folder: String, name: String) {
        if typed == "~" { return ("~/", "") }
        guard let slash = typed.lastIndex(of: "/") else { return ("", typed) }
        return (String(typed[...slash]), String(typed[typed.index(after: slash)...]))
    }

    /// What Tab makes of typed text, given its folder's entries.
    public struct Outcome: Equatable, Sendable {
        /// The text completed as far as every match agrees (the same text when it cannot go further).
        public let text: String
        /// The matching names, folders with a trailing `/`; empty when nothing matches.
        public let candidates: [String]

        /// One match: the text names it whole.
        public var isUnique: Bool { candidates.count == 1 }
    }

    /// The completion of typed text against its folder's entries: the common
    /// prefix of the names that start with the typed name (a folder gets a
    /// trailing `/` when it is the only match). Hidden names only when the
    /// typed name starts with `.`.
    public static func complete(_ typed: String, entries: [DirectoryEntry]) -> Outcome {
        let (folder, name) = split(typed)
        let showHidden = name.hasPrefix(".")
        let matches = entries.filter { entry in
            entry.name != "." && entry.name != ".." && entry.name.hasPrefix(name) && (showHidden || !entry.name.hasPrefix("."))
        }.sorted { $0.name < $1.name }
        let candidates = matches.map { $0.isDirectory ? $0.name + "/" : $0.name }
        guard let first = matches.first else { return Outcome(text: typed, candidates: []) }
        if matches.count == 1 { return Outcome(text: folder + candidates[0], candidates: candidates) }
        var common = Array(first.name)
        for match in matches.dropFirst() {
            let other = Array(match.name)
            var length = 0
            while length < common.count, length < other.count, common[length] == other[length] { length += 1 }
            common = Array(common.prefix(length))
        }
        let completed = common.count > name.count ? folder + String(common) : typed
        return Outcome(text: completed, candidates: candidates)
    }

    /// A picture the form can send, by its name (the upload checks its bytes).
    public static func isPicture(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return ["png", "jpg", "jpeg", "webp"].contains(name[name.index(after: dot)...].lowercased())
    }

    /// Past the bound, names are only counted, up to this many (a number to
    /// say, not a reason to walk a folder of millions).
    public static let countLimit = 1_000_000

    /// Whether a name holds the text, ignoring case (the file picker's filter).
    public static func nameMatches(_ name: String, _ text: String) -> Bool {
        text.isEmpty || name.lowercased().contains(text.lowercased())
    }

    /// A folder's entries, at most `limit` of them (readdir(3): never the whole
    /// folder in memory first), sorted by name; the rest counted. With
    /// `matching`, only names holding that text count (the picker's filter
    /// finds a name past the bound of the whole folder).
    public static func readFolder(_ folder: String, shownAs shown: String, limit: Int = entryLimit,
                                  matching: String? = nil) -> Result<DirectoryListing, FolderReadFault> {
        var info = stat()
        guard stat(folder, &info) == 0 else {
            return .failure(errno == ENOENT || errno == ENOTDIR ? .missing(shown) : .unreadable(shown, reason: String(cString: strerror(errno))))
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return .failure(.notAFolder(shown)) }
        guard let handle = opendir(folder) else {
            return .failure(.unreadable(shown, reason: String(cString: strerror(errno))))
        }
        defer { closedir(handle) }
        var entries: [DirectoryEntry] = []
        var notListed = 0
        let matching = matching.flatMap { $0.isEmpty ? nil : $0 }
        while let entry = readdir(handle) {
            let name = DirectoryEntryName.of(entry)
            if name == "." || name == ".." { continue }
            if let matching, !nameMatches(name, matching) { continue }
            if entries.count >= limit {
                notListed += 1
                if notListed >= countLimit { break }
                continue
            }
            var isDirectory = Int32(entry.pointee.d_type) == Int32(DT_DIR)
            // A link or a file system that does not say: stat(2) follows it.
            if Int32(entry.pointee.d_type) == Int32(DT_LNK) || Int32(entry.pointee.d_type) == Int32(DT_UNKNOWN) {
                var target = stat()
                isDirectory = stat(join(folder, name), &target) == 0 && (target.st_mode & S_IFMT) == S_IFDIR
            }
            entries.append(DirectoryEntry(name: name, isDirectory: isDirectory))
        }
        entries.sort { $0.name < $1.name }
        return .success(DirectoryListing(folder: folder, shownFolder: shown, entries: entries, notListed: notListed, matching: matching))
    }

    /// What a path names now (stat(2), following links).
    public static func fileState(_ path: String) -> LocalFileState {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        return (info.st_mode & S_IFMT) == S_IFREG ? .file : .notAFile
    }

    /// The folder above an absolute one (`/` stays `/`).
    public static func parent(of folder: String) -> String {
        var path = folder
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        guard let slash = path.lastIndex(of: "/") else { return "/" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
