// zqt's keeper of result pictures, as every send, sweep, `zqt query`,
// `zqt results` and the screen use it (issue 23): what one task may bring
// (ImageBounds) and the disk budget of the kept pictures (`images_max_bytes`
// in the config file, deleted rows' pictures first).

import Images
import Model

extension ResultImageKeeper {
    static func zqt(home: String, store: HistoryStore?, imagesMaxBytes: Int, bounds: ImageBounds = .standard) -> ResultImageKeeper {
        ResultImageKeeper(home: home, bounds: bounds, budget: budget(home: home, store: store, imagesMaxBytes: imagesMaxBytes))
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
