// zqt's keeper of result pictures, as every send, sweep, `zqt query`,
// `zqt results` and the screen use it (issue 23): what one task may bring
// (ImageBounds) and the disk budget of the kept pictures (`images_max_bytes`
// in the config file, deleted rows' pictures first).

// The first keeper a process makes for a home also clears away the aside
// files a killed zqt left half-written (issue 21), on a thread of its own:
// never shown (no copy's name ends in .part), they only took space.

import Images
import Model
import Synchronization

extension ResultImageKeeper {
    static func zqt(home: String, store: HistoryStore?, imagesMaxBytes: Int, bounds: ImageBounds = .standard) -> ResultImageKeeper {
        removeLeftoversOnce(home: home)
        return ResultImageKeeper(home: home, bounds: bounds, budget: budget(home: home, store: store, imagesMaxBytes: imagesMaxBytes))
    }

    /// The homes whose leftovers this process has cleared (tests use many homes).
    private static let cleared = Mutex<Set<String>>([])

    /// Clears `home`'s leftover aside files once per process, off the caller's thread
    /// (listing a gallery of 10,000 tasks' folders must not hold up a send or a frame).
    static func removeLeftoversOnce(home: String) {
        guard cleared.withLock({ $0.insert(home).inserted }) else { return }
        startThread(stackSize: 256 << 10) { ResultImageFiles.removeLeftovers(home: home) }
    }

    /// The budget, with the history's rows when there is a history.
    static func budget(home: String, store: HistoryStore?, imagesMaxBytes: Int) -> KeptPicturesBudget {
        KeptPicturesBudget(maxBytes: imagesMaxBytes, liveFolders: store.map { KeptPicturesBudget.liveFolders(of: $0, home: home) })
    }

    /// `images_max_bytes` as the config file read at start says it, else the default.
    static var configuredBudget: Int {
        ImageBounds.diskBudget(StartUp.atStart.config.config?.imagesMaxBytes)
    }
}
