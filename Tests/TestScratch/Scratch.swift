// Scratch files and folders for the tests, under the temporary folder
// (TMPDIR, else /tmp), removed by the test that made them: one run of the
// suite used to leave thousands behind (docs/dev/README.md, "Tests clean up
// after themselves"). One helper for the three test targets, so no suite
// grows its own way of naming and removing them.

import Foundation
import Synchronization

/// The scratch paths of one test: each a new name directly under the
/// temporary folder (`label-UUID`, as the tests always named them, so what a
/// screen or a message shows of a path is as long as before), all removed
/// with everything under them when the value goes away. A failing `#expect`,
/// a thrown error or an early `return` removes them too, as the test's
/// `let scratch = Scratch()` goes out of scope.
///
/// Keep the value for as long as the test (or a zqt it started) uses the
/// paths: a helper that makes a path takes the test's `Scratch` rather than
/// making one of its own that would go away as the helper returns.
public final class Scratch: Sendable {
    private let made = Mutex<[String]>([])

    public init() {}

    /// A new path under the temporary folder, not created: `label-UUID` then
    /// `suffix` (".json"). The test makes it, or checks what happens when it
    /// is missing.
    public func path(_ label: String, suffix: String = "") -> String {
        let path = Self.root + "/" + label + "-" + UUID().uuidString + suffix
        made.withLock { $0.append(path) }
        return path
    }

    /// A new folder under the temporary folder, created (its parents are
    /// there). One that could not be made fails the test at its first write
    /// there, with the path in the message, so this does not throw.
    public func folder(_ label: String) -> String {
        let folder = path(label)
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A new file holding `text` (mode `mode` when given), named `label-UUID`
    /// then `suffix`.
    public func file(_ label: String, suffix: String = "", _ text: String, mode: Int? = nil) throws -> String {
        let file = path(label, suffix: suffix)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        if let mode { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file) }
        return file
    }

    /// A config folder for zqt, what XDG_CONFIG_HOME names: `label-UUID`
    /// holding zqt/config.toml with `toml` (mode `mode` when given: 0o600
    /// keeps zqt from warning about a secret in a readable file).
    public func configFolder(_ label: String, _ toml: String, mode: Int? = nil) throws -> String {
        let folder = path(label)
        try FileManager.default.createDirectory(atPath: folder + "/zqt", withIntermediateDirectories: true)
        try Data(toml.utf8).write(to: URL(fileURLWithPath: folder + "/zqt/config.toml"))
        if let mode { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: folder + "/zqt/config.toml") }
        return folder
    }

    /// Removes every path made so far, now (they are removed at deinit anyway).
    public func removeAll() {
        Self.remove(made.withLock { paths in
            defer { paths.removeAll() }
            return paths
        })
    }

    deinit { removeAll() }

    /// The temporary folder the tests write in: TMPDIR when set, else /tmp
    /// (NSTemporaryDirectory's answer), without its trailing slash.
    public static var root: String {
        var folder = NSTemporaryDirectory()
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        return folder
    }

    /// Removes each path with everything under it, only when it is inside the
    /// temporary folder: a path gone wrong (empty, the user's home) is left
    /// alone rather than removed.
    public static func remove(_ paths: [String]) {
        let under = root + "/"
        for path in paths {
            let standard = (path as NSString).standardizingPath
            guard standard.hasPrefix(under), standard.count > under.count else { continue }
            guard (try? FileManager.default.removeItem(atPath: standard)) == nil,
                  FileManager.default.fileExists(atPath: standard) else { continue }
            // A folder a test made read-only to provoke a fault keeps its
            // files from a user who is not root: opened up, then removed.
            openUp(standard)
            try? FileManager.default.removeItem(atPath: standard)
        }
    }

    private static func openUp(_ path: String) {
        chmod(path, 0o700)
        for entry in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] {
            var info = stat()
            if lstat(path + "/" + entry, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { chmod(path + "/" + entry, 0o700) }
        }
    }
}
