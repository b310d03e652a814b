// The pictures' part of the reducer (issue 11): a task's images asked for
// when it succeeds, its intermediate image while it runs, the keys of the
// results pane, the enlarged picture and the contact sheet.

import Images
import Model

enum PictureReducer {
    /// A poll's answer for the task the compose screen follows.
    static func taskUpdated(_ state: inout AppState, recordID: Int?, idTask: String, info: TaskInfo) -> [Effect] {
        switch info.phase {
        case .succeeded:
            // Positions are the results' own (the history numbers them so): an
            // image without a URL (refused by moderation) keeps its number empty.
            let images = info.results.enumerated().filter { !$0.element.imageURL.isEmpty }
            guard !images.isEmpty else {
                // A text result is the task's result: shown whole, and never
                // under another task's pictures (issue 17).
                let shown = state.results
                var effects: [Effect] = []
                if !info.texts.isEmpty {
                    if shown?.idTask == idTask, shown?.texts == info.texts { return [] }
                    state.results = PictureSet(idTask: idTask, recordID: recordID, pictures: [], texts: info.texts)
                    effects += faceScan(state, idTask: idTask, recordID: recordID, texts: info.texts)
                } else {
                    state.results = nil
                }
                closePictures(&state, target: .compose)
                return effects + (shown?.idTask == idTask && shown?.isRunning == true ? [.discardIntermediate(idTask: idTask)] : [])
            }
            if let shown = state.results, shown.idTask == idTask, !shown.isRunning { return [] }
            let pictures = images.map { ShownPicture(position: $0.offset, seed: $0.element.seed, isControlMap: $0.element.isControlMap) }
            state.results = PictureSet(idTask: idTask, recordID: recordID, pictures: pictures)
            state.results?.gridLeftOut = A1111AnswerFacts(answer: info.raw).gridLeftOut
            // Another task's pictures: nothing of the old set stays enlarged or chosen.
            closePictures(&state, target: .compose)
            return [.fetchPictures(PictureFetch(target: .compose, idTask: idTask, recordID: recordID,
                                                sources: images.map { ResultImageSource(position: $0.offset, url: $0.element.imageURL) },
                                                seeds: images.map(\.element.seed)))]
        case .inProgress:
            // The pane appears with the first intermediate image, not before:
            // a task without one leaves the form as it was until its results.
            if state.results?.idTask == idTask {
                state.results?.progress = info.progress
            }
            guard let url = info.previewURL, !url.isEmpty else { return [] }
            if state.results?.idTask != idTask || state.results?.isRunning != true {
                state.results = PictureSet(idTask: idTask, recordID: recordID, pictures: [], progress: info.progress)
                closePictures(&state, target: .compose)
            }
            guard state.results?.intermediateURL != url else { return [] }
            state.results?.intermediateURL = url
            return [.fetchIntermediate(idTask: idTask, url: url)]
        case .failed:
            guard state.results?.idTask == idTask, state.results?.isRunning == true else { return [] }
            state.results = nil
            // Its intermediate images have nothing left to show.
            return [.discardIntermediate(idTask: idTask)]
        }
    }

    static func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case let .picturesFetched(target, idTask, recordID, pictures):
            switch target {
            case .compose:
                guard state.results?.idTask == idTask else { return [] }
                state.results?.pictures = pictures
                state.results?.intermediate = nil
            case .history:
                guard recordID == historyShownID(state) else { return [] }
                state.historyPictures = PictureSet(idTask: idTask, recordID: recordID, pictures: pictures)
            case .gallery:
                return []  // the gallery's pictures come with its pages (GalleryEffects)
            }
            // A picture enlarged while it was still downloading: its full image now.
            if state.view.zoom?.target == target, !state.view.zoomReady { return prepareZoomed(&state) }
        case let .intermediateFetched(idTask, url, image):
            guard let shown = state.results, shown.idTask == idTask, shown.isRunning, shown.intermediateURL == url, let image else {
                return []
            }
            state.results?.intermediate = image
        case let .faceScanShown(idTask, picture):
            guard state.results?.idTask == idTask, state.results?.pictures.isEmpty == true else { return [] }
            state.results?.scanned = picture
        case let .contactSheetLoaded(sheet):
            // Only the sheet still asked for, on the screen it was asked from.
            guard state.view.contactSheetAsked == sheet.batchID, state.screen == .history else { return [] }
            state.view.contactSheetAsked = nil
            state.view.contactSheet = sheet
            state.view.zoom = nil
            // The pictures are drawn: "Loading…" is over.
            if state.status?.text == Wording.loadingContactSheet(sheet.batchID) { state.status = nil }
        case let .contactSheetFailed(message):
            state.view.contactSheetAsked = nil
            state.status = StatusMessage(text: Wording.noContactSheet(message), kind: .error)
        case let .picturePrepared(path):
            if state.view.zoom != nil, zoomedPath(state) == path { state.view.zoomReady = true }
        case let .pictureModeFound(mode):
            state.view.pictureMode = mode
        default:
            break
        }
        return []
    }

    /// Face detection's faces (§4.9) over the picture it scanned, where
    /// pictures are on: the picture asked for, its boxes from the answer.
    private static func faceScan(_ state: AppState, idTask: String, recordID: Int?, texts: [String]) -> [Effect] {
        if case .off = state.view.pictureMode { return [] }
        guard let boxes = texts.lazy.compactMap(PicturesPane.faceBoxes).first, !boxes.isEmpty else { return [] }
        // Without a row, the form's own image field (the request just sent, when still on screen).
        let source = recordID == nil && state.task?.idTask == idTask ? LocalImageFields.firstImage(in: state.request) : nil
        return [.fetchFaceScan(FaceScanFetch(idTask: idTask, recordID: recordID, source: source, boxes: boxes))]
    }

    // MARK: Commands (declared in Input/Commands/PictureCommands.swift)

    /// The screen's pictures: the enlarged one's set, else the history's or the compose screen's.
    private static func shownTarget(_ state: AppState) -> PictureTarget {
        state.view.zoom?.target ?? (state.screen == .history ? .history : (state.screen == .gallery ? .gallery : .compose))
    }

    /// The pictures shown, or a text set's candidates (chosen as pictures are).
    private static func shownCount(_ state: AppState) -> Int {
        guard let set = state.pictures(for: shownTarget(state)) else { return 0 }
        return set.pictures.isEmpty ? set.texts.count : set.pictures.count
    }

    /// The text results' lines scrolled (the pane clamps what it draws).
    static func scrollResults(_ state: inout AppState, down: Bool, page: Bool) -> [Effect] {
        guard state.screen == .compose, var set = state.results, !set.texts.isEmpty else { return [] }
        let step = page ? max(1, state.view.size.height / 3) : 1
        set.scroll = max(0, min(set.scroll + (down ? step : -step), PicturesPane.maxTextScroll(set, state: state)))
        state.results = set
        return []
    }

    /// The set on screen and its images a bound left unfetched (issue 23).
    private static func unfetched(_ state: AppState) -> (target: PictureTarget, recordID: Int, count: Int)? {
        let target: PictureTarget = state.screen == .history ? .history : .compose
        guard let set = state.pictures(for: target), let recordID = set.recordID else { return nil }
        let count = set.pictures.filter(\.notFetched).count
        return count > 0 ? (target, recordID, count) : nil
    }

    static func nothingLeftUnfetched(_ state: AppState) -> String? {
        unfetched(state) == nil ? Wording.nothingLeftUnfetched : nil
    }

    /// Fetches the images left unfetched, on the user's word: every one, each within what one image may be.
    static func fetchRestOfPictures(_ state: inout AppState) -> [Effect] {
        guard let (target, recordID, count) = unfetched(state) else { return [] }
        state.status = StatusMessage(text: Wording.fetchingRest(count), kind: .info)
        return [.fetchRestOfPictures(target, recordID: recordID)]
    }

    static func showPictures(_ state: inout AppState) -> [Effect] {
        let count = shownCount(state)
        guard count > 0 else { return [] }
        state.view.picturesFocused = true
        state.view.selectedPicture = min(state.view.selectedPicture, count - 1)
        return []
    }

    /// The next or previous image, round the set; an enlarged one follows.
    static func stepPicture(_ state: inout AppState, forward: Bool) -> [Effect] {
        let count = shownCount(state)
        guard count > 0 else { return [] }
        let step = forward ? 1 : count - 1
        let from = state.view.selectedPicture
        state.view.selectedPicture = (state.view.selectedPicture + step) % count
        if let set = state.results, state.screen == .compose, set.pictures.isEmpty, !set.texts.isEmpty {
            // The chosen candidate comes into view.
            let scroll = min(PicturesPane.textLineOffset(set, candidate: state.view.selectedPicture, state: state),
                             PicturesPane.maxTextScroll(set, state: state))
            state.results?.scroll = scroll
            return []
        }
        if state.view.zoom != nil {
            state.view.zoom?.index = state.view.selectedPicture
            state.view.zoom?.round = count < 2 ? nil : forward ? (from == count - 1 ? .toFirst : nil) : (from == 0 ? .toLast : nil)
            return prepareZoomed(&state)
        }
        return []
    }

    static func enlargePicture(_ state: inout AppState) -> [Effect] {
        // A text is not enlarged: Enter asks where the chosen one goes.
        if let set = state.pictures(for: shownTarget(state)), set.pictures.isEmpty, !set.texts.isEmpty {
            return Reducer.useResultText(&state, toPrompt: false)
        }
        let count = shownCount(state)
        guard count > 0 else { return [] }
        state.view.zoom = PictureZoom(target: shownTarget(state), index: min(state.view.selectedPicture, count - 1))
        return prepareZoomed(&state)
    }

    /// Back one step: from the contact sheet, the enlarged image, or the thumbnails.
    static func backFromPictures(_ state: inout AppState) -> [Effect] {
        if state.view.contactSheet?.enlarged != nil {
            state.view.contactSheet?.enlarged = nil
        } else if state.view.contactSheet != nil {
            state.view.contactSheet = nil
        } else if state.view.zoom != nil {
            state.view.zoom = nil
        } else {
            state.view.picturesFocused = false
        }
        return []
    }

    static func askForContactSheet(_ state: inout AppState) -> [Effect] {
        guard state.screen == .history else { return [] }
        let row = state.history.mode == .list ? state.history.selectedRow : nil
        let batch = row?.batchID ?? state.history.detail?.batchID
        guard let batch else {
            state.status = StatusMessage(text: Wording.noContactSheet(Wording.notASweep), kind: .error)
            return []
        }
        state.view.contactSheetAsked = batch
        state.status = StatusMessage(text: Wording.loadingContactSheet(batch), kind: .info)
        return [.loadContactSheet(batchID: batch)]
    }

    /// The history row whose images the history shows: the entry open, or the row selected.
    static func historyShownID(_ state: AppState) -> Int? {
        guard state.screen == .history, state.historyProblem == nil else { return nil }
        switch state.history.mode {
        case .list: return state.history.selectedRow?.id
        case .detail: return state.history.detail?.id
        case .compare: return nil
        }
    }

    /// What the history shows, to notice a change: the row, whether as an
    /// entry, whether the list has room for its thumbnail, and how many
    /// results it has (a row that finishes while shown gets its images).
    static func historyShownKey(_ state: AppState) -> String? {
        guard let id = historyShownID(state) else { return nil }
        let room = state.view.size.width >= HistoryView.thumbnailListWidth
        let results = state.history.mode == .list ? state.history.selectedRow?.resultCount ?? 0 : state.history.detail?.results.count ?? 0
        return "\(state.history.mode == .detail ? "entry" : "row") \(id) \(room) \(results)"
    }

    /// The file an enlarged picture is drawn from: the full image, not its thumbnail.
    static func zoomedPath(_ state: AppState) -> String? {
        guard let zoom = state.view.zoom, let set = state.pictures(for: zoom.target) else { return nil }
        return set.pictures[safe: zoom.index]?.image?.path
    }

    /// The full image is decoded off the event loop; until it is, the
    /// enlarged picture is drawn from the thumbnail.
    private static func prepareZoomed(_ state: inout AppState) -> [Effect] {
        state.view.zoomReady = false
        guard let path = zoomedPath(state) else { return [] }
        return [.preparePicture(path: path)]
    }

    /// Another row is on screen: its images are asked for (the list shows
    /// them only where it has room for them; an entry always).
    static func historyShownChanged(_ state: inout AppState) -> [Effect] {
        if state.historyPictures?.recordID != historyShownID(state) {
            state.historyPictures = nil
            closePictures(&state, target: .history)
        }
        // The list fetched only what its pane shows (issue 23): the entry, opened, fetches its images.
        let entry = state.history.mode != .list
        let leftWhileBrowsing = entry && state.historyPictures?.pictures.contains { $0.problem == Wording.notFetchedWhileBrowsing } == true
        guard let id = historyShownID(state), state.historyPictures == nil || leftWhileBrowsing else { return [] }
        if state.history.mode == .list {
            guard state.view.size.width >= HistoryView.thumbnailListWidth,
                  (state.history.selectedRow?.resultCount ?? 0) > 0 else { return [] }
        }
        return [.fetchHistoryPictures(recordID: id, entry: entry)]
    }

    private static func closePictures(_ state: inout AppState, target: PictureTarget) {
        if state.view.zoom?.target == target { state.view.zoom = nil }
        let onScreen: PictureTarget = state.screen == .history ? .history : .compose
        if onScreen == target {
            state.view.picturesFocused = false
            state.view.selectedPicture = 0
        }
    }
}
