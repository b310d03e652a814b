// The effects of local files in image fields (issue 17), off the event
// loop: a folder read (bounded) for a Tab completion or the file picker,
// and typed paths stat(2)ed. `~` is the user's home folder ($HOME), a
// relative path is under the folder zqt was started in.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

enum PathEffects {
    /// The user's home folder and the current one, as paths are expanded against.
    struct Places: Sendable {
        var home: String
        var current: String

        static var ofProcess: Places {
            Places(home: ProcessInfo.processInfo.environment["HOME"] ?? "/", current: FileManager.default.currentDirectoryPath)
        }
    }

    /// Performs a path effect, posting its answer.
    static func perform(_ effect: Effect, inbox: ActionInbox) {
        guard let action = answerLater(effect) else { return }
        Task.detached { inbox.post(action()) }
    }

    /// The work of a path effect, to run off the loop (tests run it in place).
    static func answerLater(_ effect: Effect, places: Places = .ofProcess) -> (@Sendable () -> Action)? {
        switch effect {
        case let .readFolder(read): return { readFolder(read, places: places) }
        case let .checkLocalFiles(paths): return { checkFiles(paths, places: places) }
        default: return nil
        }
    }

    static func readFolder(_ read: FolderRead, places: Places) -> Action {
        let absolute = read.folder.isEmpty ? places.current : PathCompletion.expand(read.folder, home: places.home, currentFolder: places.current)
        // A folder typed relative stays written as typed; one reached in the picker is written from home (~) or the root.
        let shown: String
        if read.folder.isEmpty || read.folder.hasPrefix("/") {
            shown = PathCompletion.abbreviate(absolute, home: places.home)
        } else {
            shown = read.folder
        }
        return .folderRead(read, PathCompletion.readFolder(absolute, shownAs: shown, matching: read.matching))
    }

    static func checkFiles(_ paths: [String], places: Places) -> Action {
        var found: [String: LocalFileState] = [:]
        for path in paths {
            found[path] = PathCompletion.fileState(PathCompletion.expand(path, home: places.home, currentFolder: places.current))
        }
        return .localFilesChecked(found)
    }
}
