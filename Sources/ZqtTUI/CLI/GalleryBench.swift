// `zqt bench gallery`: the gallery's figures over a history with many kept
// pictures (issue 17: with 10,000 it opens in ≤ 100 ms, thumbnails filled in
// as they are ready, scrolling decodes only what is on screen, within 48 MB).
// Measured through the code a key runs: the reducer, the effect runner (the
// store's page and the thumbnails' decoding off the loop, as in the
// terminal), the reducer again, and the screen rendered to the grid.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Images
import Model
import Sandbox

extension BenchCommand {
    func runGallery() throws {
        let store = try HistoryStore.open(inFolder: home)
        let kept = try GalleryFiller.keptPictures(store)
        if kept < pictures {
            let started = monotonicSeconds()
            let added = try GalleryFiller.fill(store, home: home, pictures: pictures - kept)
            print("filled \(added) kept pictures in \(String(seconds: monotonicSeconds() - started))")
        }
        print("history: \(try store.count()) rows, \(try GalleryFiller.keptPictures(store)) kept pictures at \(home)")
        let configuration = ClientConfiguration(baseURL: "http://127.0.0.1:9", credentials: nil, timeout: 5, profile: "bench")
        let inbox = ActionInbox()
        let runner = EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration,
                                  store: store, inbox: inbox)
        runner.home = home
        var decodedPaths = 0
        /// Effects performed and their answers reduced, as the terminal loop
        /// does, until `done` holds; each frame's wanted pictures asked for.
        func settle(_ effects: [Effect], _ state: inout AppState, until done: (AppState, Grid) -> Bool) -> Grid {
            var pending = effects
            var grid = Screen.render(state)
            let deadline = monotonicSeconds() + 30
            // Effects a frame asked for are started before it counts as done (as the loop would).
            while !(pending.isEmpty && done(state, grid)) {
                precondition(monotonicSeconds() < deadline, "the gallery did not settle")
                for effect in pending {
                    if case let .decodePictures(paths) = effect { decodedPaths += paths.count }
                    runner.perform(effect)
                }
                pending = []
                let actions = inbox.drain()
                if actions.isEmpty { usleep(200) }
                for action in actions { pending += Reducer.reduce(&state, action) }
                grid = Screen.render(state)
                if !grid.picturesWanted.isEmpty { pending += Reducer.reduce(&state, .picturesWanted(grid.picturesWanted)) }
            }
            return grid
        }
        func compose() -> AppState {
            var state = AppState(request: Request.new(for: .controlNet, taskID: "zqt-bench"),
                                 connection: ConnectionInfo(baseURL: configuration.baseURL, profile: "bench", isSandbox: false))
            state.view.size = Size(width: 120, height: 40)
            state.view.pictureMode = .symbols(.palette240)
            return state
        }
        let allDrawn: (AppState, Grid) -> Bool = { state, grid in
            state.gallery.loaded && grid.picturesWanted.isEmpty && state.view.picturesDecoding.isEmpty
        }
        var firstFrame: [Double] = [], onScreen: [Double] = [], thumbnails: [Double] = []
        for _ in 0..<repeats {
            PictureCache.shared.forget(under: home + "/images")
            var state = compose()
            let started = monotonicSeconds()
            let effects = Reducer.reduce(&state, .key(.char("I")))
            _ = Screen.render(state)
            firstFrame.append(monotonicSeconds() - started)
            _ = settle(effects, &state) { state, _ in state.gallery.loaded }
            onScreen.append(monotonicSeconds() - started)
            _ = settle([], &state, until: allDrawn)
            thumbnails.append(monotonicSeconds() - started)
        }
        report("open the gallery (I): first frame", firstFrame)
        report("open the gallery: the first page on screen, thumbnails pending", onScreen)
        report("open the gallery: every visible thumbnail drawn", thumbnails)
        // Scrolling a screen at a time through the first 2,000 pictures,
        // each screen's thumbnails all drawn before the next key.
        PictureCache.shared.forget(under: home + "/images")
        var state = compose()
        _ = settle(Reducer.reduce(&state, .key(.char("I"))), &state, until: allDrawn)
        let layout = GalleryLayout(size: state.view.size)
        decodedPaths = 0
        var perScreen: [Double] = []
        var largest = Self.status("VmRSS")
        var screens = 0
        while state.gallery.selected < min(2_000, state.gallery.items.count - 1) || state.gallery.hasMore && state.gallery.items.count < 2_000 {
            let started = monotonicSeconds()
            _ = settle(Reducer.reduce(&state, .key(.pageDown)), &state, until: allDrawn)
            perScreen.append(monotonicSeconds() - started)
            largest = max(largest, Self.status("VmRSS"))
            screens += 1
            if state.gallery.selected >= state.gallery.items.count - 1, !state.gallery.hasMore { break }
        }
        report("scroll a screen (PgDn) with its \(layout.perScreen) thumbnails drawn", perScreen)
        let shown = max(1, screens * layout.perScreen)
        let ratio = JSONWriter.formatNumber((Double(decodedPaths) / Double(shown) * 100).rounded() / 100)
        print("scrolled \(screens) screens of \(layout.perScreen): \(decodedPaths) thumbnails decoded (\(ratio) per picture shown)")
        print("resident memory while scrolling: at most \(largest / 1024) MB (\(largest) KiB)")
    }
}

/// Submissions with kept pictures, as the history filler makes rows: each
/// succeeded task's images kept under $ZQT_HOME/images/<id_task>/ with real
/// PNG thumbnails (hard links to a few made once, so 10,000 cost little disk)
/// and noted in their rows, as zqt keeps them.
enum GalleryFiller {
    static let thumbnailSide = 256, fullSide = 768, variants = 12

    static func keptPictures(_ store: HistoryStore) throws -> Int { try store.keptPictureCount() }

    static func fill(_ store: HistoryStore, home: String, pictures: Int) throws -> Int {
        let sources = home + "/bench-sources"
        try FileManager.default.createDirectory(atPath: sources, withIntermediateDirectories: true)
        for variant in 0..<variants {
            let full = sources + "/\(variant).png", thumbnail = sources + "/\(variant).thumb.png"
            if !FileManager.default.fileExists(atPath: full) {
                try Data(PNGImage.render(width: fullSide, height: fullSide, seed: variant)).write(to: URL(fileURLWithPath: full))
                try Picture.read(full).scaled(within: thumbnailSide).writePNG(to: thumbnail)
            }
        }
        let example = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        let start = Date().addingTimeInterval(-Double(pictures) * 60)
        var added = 0, index = 0
        while added < pictures {
            var request = example
            request["prompt"] = .string(HistoryFiller.subjects.randomElement()! + ", "
                + (0..<Int.random(in: 2...6)).map { _ in HistoryFiller.styles.randomElement()! }.joined(separator: ", "))
            let at = start.addingTimeInterval(Double(index) * 60)
            index += 1
            request.taskID = TaskIDGenerator(now: { at }).next()
            let id = try store.recordSending(request, baseURL: ClientConfiguration.defaultBaseURL, profile: "default", at: at)
            let count = min(pictures - added, Int.random(in: 1...4))
            let images = (0..<count).map { n -> JSONValue in
                .object([("image_url", .string("https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Output/\(request.taskID)/\(n).png")),
                         ("seed", .int(n)), ("image_status", .int(1)), ("img_audit_status", .bool(true))])
            }
            try store.recordTaskInfo(id: id, info: TaskInfo(data: .object([
                ("status", .int(2)), ("desc", .string("Success")), ("differentialImageRspList", .array(images)),
            ])), at: at.addingTimeInterval(12))
            let folder = ResultImageFiles.folder(home: home, idTask: request.taskID)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for n in 0..<count {
                let variant = Int.random(in: 0..<variants)
                let full = folder + "/\(n + 1).png"
                link(sources + "/\(variant).png", full)
                link(sources + "/\(variant).thumb.png", folder + "/\(n + 1).\(fullSide)x\(fullSide).thumb.png")
                try store.recordLocalCopy(id: id, position: n, path: full)
            }
            added += count
        }
        return added
    }
}
