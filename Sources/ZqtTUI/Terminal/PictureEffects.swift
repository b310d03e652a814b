// The pictures' effects (issue 11), off the event loop: a task's images
// read from $ZQT_HOME/images, where the send pipeline keeps them (result URLs
// expire, wire rule 10; one kept before is downloaded here, by ResultImageFiles),
// their thumbnails made and decoded before the frame that shows them, the
// intermediate image of a running task, and a sweep's contact sheet.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Images
import Model
import Synchronization

extension EffectRunner {
    func performPictures(_ effect: Effect) {
        switch effect {
        case let .fetchPictures(fetch):
            Task.detached { [self] in await fetchPictures(fetch) }
        case let .fetchHistoryPictures(recordID, entry):
            Task.detached { [self] in
                guard var record = (try? store?.record(id: recordID)) ?? nil else { return }
                // A look at the row tries again an image that could not be kept (issue 17), its outcome noted on the row.
                if record.imageResults.contains(where: { $0.keepError != nil && $0.mayRetryKeep(finishedAt: record.finishedAt) }) {
                    for await _ in keepAgainPipeline.retryKeeps(record) {}
                    record = ((try? store?.record(id: recordID)) ?? nil) ?? record
                }
                let images = record.imageResults
                guard !images.isEmpty else { return }
                // Browsing the list downloads only what its pane shows (issue 23: a hostile row's 2,000 images were all fetched).
                await fetchPictures(PictureFetch(target: .history, idTask: record.idTask, recordID: record.id,
                                                 sources: images.map { ResultImageSource(position: $0.position, url: $0.imageURL, knownCopy: $0.localPath) },
                                                 seeds: images.map(\.seed),
                                                 shownOnly: entry ? nil : PicturesPane.slots(width: HistoryView.thumbnailPaneWidth)))
            }
        case let .fetchRestOfPictures(target, recordID):
            // Asked for by the user: every image, each still within what one image may be (issue 23).
            Task.detached { [self] in
                guard let record = (try? store?.record(id: recordID)) ?? nil, !record.imageResults.isEmpty else { return }
                let images = record.imageResults
                await fetchPictures(PictureFetch(target: target, idTask: record.idTask, recordID: record.id,
                                                 sources: images.map { ResultImageSource(position: $0.position, url: $0.imageURL, knownCopy: $0.localPath) },
                                                 seeds: images.map(\.seed), bounds: .onRequest))
            }
        case let .fetchIntermediate(idTask, url):
            Task.detached { [self] in
                let image = await fetchIntermediate(idTask: idTask, url: url)
                inbox.post(.intermediateFetched(idTask: idTask, url: url, image))
            }
        case let .loadContactSheet(batchID):
            Task.detached { [self] in await loadContactSheet(batchID) }
        case let .deletePictures(idTask):
            let home = home
            Task.detached {
                let folder = ResultImageFiles.folder(home: home, idTask: idTask)
                ResultImageFiles.delete(home: home, idTask: idTask)
                PictureCache.shared.forget(under: folder)
            }
        case let .discardIntermediate(idTask):
            let home = home
            Task.detached { Self.removeIntermediates(in: ResultImageFiles.folder(home: home, idTask: idTask)) }
        case let .decodePictures(paths):
            let inbox = inbox
            Task.detached { inbox.post(Self.decodePictures(paths)) }
        case let .preparePicture(path):
            // One full image at a time, the latest asked for: holding → decodes no pile of them.
            guard drawsPictures.load(ordering: .relaxed), !PictureCache.shared.hasPicture(path) else {
                inbox.post(.picturePrepared(path: path))
                return
            }
            let asked = preparing.withLock { latest -> Bool in
                defer { latest.wanted = path }
                return latest.busy
            }
            if !asked { prepareLatest() }
        default:
            break
        }
    }

    /// Decodes pictures a frame wanted into the cache (or notes why one cannot
    /// be drawn), then answers so the next frame draws them.
    static func decodePictures(_ paths: [String]) -> Action {
        for path in paths { _ = PictureCache.shared.picture(path) }
        PictureCache.returnFreedMemory()
        return .picturesDecoded(paths)
    }

    /// Decodes the latest full image asked for, then any asked for meanwhile.
    private func prepareLatest() {
        preparing.withLock { $0.busy = true }
        Task.detached { [self] in
            while let path = preparing.withLock({ latest -> String? in
                defer { latest.wanted = nil }
                if latest.wanted == nil { latest.busy = false }
                return latest.wanted
            }) {
                _ = PictureCache.shared.picture(path)
                PictureCache.returnFreedMemory()
                inbox.post(.picturePrepared(path: path))
            }
        }
    }

    /// Every image of a task on disk with its thumbnail, posted together.
    private func fetchPictures(_ fetch: PictureFetch) async {
        noteFirstPicture()
        // A send or follow under way keeps the task's images (the pipeline):
        // read once it has, not downloaded a second time beside it.
        await runUnderWay(for: fetch.idTask)?.value
        let pictures = await localPictures(fetch)
        PictureCache.returnFreedMemory()  // the full images decoded for the thumbnails
        // The task is done: its intermediate images have served.
        Self.removeIntermediates(in: ResultImageFiles.folder(home: home, idTask: fetch.idTask))
        inbox.post(.picturesFetched(fetch.target, idTask: fetch.idTask, recordID: fetch.recordID, pictures))
    }

    private func localPictures(_ fetch: PictureFetch) async -> [ShownPicture] {
        var pictures: [ShownPicture] = []
        for (index, source) in fetch.sources.enumerated() {
            let seed = fetch.seeds.indices.contains(index) ? fetch.seeds[index] : nil
            let controlMap = A1111ResultKinds.isControlMap(source.url)
            // Pictures off: a copy is sized from its header, no thumbnail made, no image library opened (issue 18).
            let draws = drawsPictures.load(ordering: .relaxed)
            if let shownOnly = fetch.shownOnly, index >= shownOnly {
                // Not shown: a copy kept with its thumbnail is shown, nothing is downloaded or decoded.
                if let kept = draws ? ResultImageFiles.existing(home: home, idTask: fetch.idTask, position: source.position)
                    : ResultImageFiles.existingCopy(home: home, idTask: fetch.idTask, position: source.position) {
                    pictures.append(ShownPicture(position: source.position, seed: seed, image: kept, isControlMap: controlMap))
                } else {
                    pictures.append(ShownPicture(position: source.position, seed: seed, problem: Wording.notFetchedWhileBrowsing, notFetched: true, isControlMap: controlMap))
                }
                continue
            }
            do throws(PictureError) {
                let store = store, recordID = fetch.recordID, inbox = inbox
                let image = try await ResultImageFiles.ensure(source, idTask: fetch.idTask, home: home, api: api, bounds: fetch.bounds,
                                                              budget: ResultImageKeeper.budget(home: home, store: store, imagesMaxBytes: imagesMaxBytes),
                                                              thumbnail: draws) { path in
                    // The history notes zqt's copy, unless the row already names one (a folder the user saved into).
                    guard let store, let recordID, source.knownCopy == nil else { return }
                    do throws(HistoryError) { try store.recordLocalCopy(id: recordID, position: source.position, path: path) } catch {
                        inbox.post(.historyFault(error))
                    }
                }
                // Decoded now, off the loop: the frame that shows it only draws.
                if draws { _ = PictureCache.shared.picture(image.thumbnailPath) }
                pictures.append(ShownPicture(position: source.position, seed: seed, image: image, isControlMap: controlMap))
            } catch {
                pictures.append(ShownPicture(position: source.position, seed: seed, problem: error.message, notFetched: error.notFetched, isControlMap: controlMap))
            }
        }
        return pictures
    }

    /// The latest intermediate image, kept as `progress-N` beside the task's
    /// results (the one before it removed): each is a new file, so the
    /// picture cache never shows an older one under the same name.
    private func fetchIntermediate(idTask: String, url: String) async -> LocalImage? {
        noteFirstPicture()
        guard let bytes = try? await api.download(url) else { return nil }
        // Pictures off: the image is kept as it came, sized from its header, and no
        // image library is opened to scale a picture no one will see (issue 18).
        let undrawn = drawsPictures.load(ordering: .relaxed) ? nil : ResultImageFiles.headerSize(bytes)
        let picture: Picture?, size: (width: Int, height: Int)
        if let undrawn {
            (picture, size) = (nil, undrawn)
        } else {
            guard let decoded = try? Picture.decode(bytes) else { return nil }
            (picture, size) = (decoded, (decoded.width, decoded.height))
        }
        let folder = ResultImageFiles.folder(home: home, idTask: idTask)
        guard PrivateFolder.ensure(folder) else { return nil }
        let step = intermediateCounter.withLock { counter -> Int in
            counter += 1
            return counter
        }
        let path: String
        if let picture {
            path = folder + "/progress-\(step).png"
            guard (try? picture.scaled(within: ResultImageFiles.thumbnailSide).writePNG(to: path)) != nil else { return nil }
            PrivateFolder.restrict(path)
        } else {
            path = folder + "/progress-\(step).\(ImageFile.fileExtension(bytes))"
            guard WholeFile.write(bytes, to: path) == nil else { return nil }
        }
        // Only older ones go: one that finished late must not take a newer one with it.
        Self.removeIntermediates(in: folder, before: step)
        if picture != nil { _ = PictureCache.shared.picture(path) }
        return LocalImage(position: 0, path: path, thumbnailPath: path, width: size.width, height: size.height)
    }

    /// Removes a task's intermediate images (`progress-N.png`), all or those before `before`.
    static func removeIntermediates(in folder: String, before: Int = .max) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix("progress-") {
            let number = Int(name.dropFirst("progress-".count).prefix { $0.isNumber }) ?? 0
            if number < before { try? FileManager.default.removeItem(atPath: folder + "/" + name) }
        }
    }

    /// A sweep's rows laid out by the parameters that vary between them: the
    /// first `--sweep` down, the others (joined) across, numbers ascending
    /// (ContactSheetAxes); each cell the row's first image.
    private func loadContactSheet(_ batchID: String) async {
        guard let store else { return inbox.post(.contactSheetFailed(Wording.historyUnavailable)) }
        let records: [HistoryRecord]
        do throws(HistoryError) {
            let rows = try store.list(filter: "batch:\(batchID)", limit: 1000)
            var found: [HistoryRecord] = []
            for row in rows.reversed() { if let record = try store.record(id: row.id) { found.append(record) } }
            records = found
        } catch {
            return inbox.post(.contactSheetFailed(error.message))
        }
        guard !records.isEmpty else { return inbox.post(.contactSheetFailed(Wording.emptyBatch(batchID))) }
        let leaves = records.map { record in
            Dictionary(RequestDiff.leaves((try? JSONParser.parse(record.requestJSON)) ?? .object([])),
                       uniquingKeysWith: { first, _ in first })
        }
        let ignored = RequestDiff.alwaysDifferent
        var varied: [String] = []
        for (path, _) in RequestDiff.leaves((try? JSONParser.parse(records[0].requestJSON)) ?? .object([]))
        where !ignored.contains(path) && Set(leaves.map { $0[path] ?? "" }).count > 1 {
            varied.append(path)
        }
        varied = ContactSheetAxes.ordered(paths: varied, leaves: leaves)
        let rowPath = varied.first
        let columnPaths = Array(varied.dropFirst())
        func value(_ index: Int, _ paths: [String]) -> String {
            paths.map { leaves[index][$0] ?? "—" }.joined(separator: " · ")
        }
        var rowValues: [String] = [], columnValues: [String] = []
        for index in records.indices {
            let row = rowPath.map { value(index, [$0]) } ?? ""
            let column = value(index, columnPaths)
            if !rowValues.contains(row) { rowValues.append(row) }
            if !columnValues.contains(column) { columnValues.append(column) }
        }
        rowValues = ContactSheetAxes.sorted(rowValues)
        columnValues = ContactSheetAxes.sorted(columnValues)
        var cells = [[ShownPicture?]](repeating: [ShownPicture?](repeating: nil, count: columnValues.count), count: rowValues.count)
        for (index, record) in records.enumerated() {
            guard let first = record.imageResults.first else { continue }
            let fetch = PictureFetch(target: .history, idTask: record.idTask, recordID: record.id,
                                     sources: [ResultImageSource(position: first.position, url: first.imageURL, knownCopy: first.localPath)],
                                     seeds: [first.seed])
            let picture = await localPictures(fetch).first
            let row = rowValues.firstIndex(of: rowPath.map { value(index, [$0]) } ?? "") ?? 0
            let column = columnValues.firstIndex(of: value(index, columnPaths)) ?? 0
            cells[row][column] = picture
        }
        inbox.post(.contactSheetLoaded(ContactSheet(batchID: batchID, rowLabel: rowPath,
                                                    columnLabel: columnPaths.isEmpty ? nil : columnPaths.joined(separator: " · "),
                                                    rowValues: rowValues, columnValues: columnValues, cells: cells)))
    }

    /// On the first picture, the terminal is asked what it takes beyond what
    /// its environment said at start (chafa's database, tmux's passthrough).
    private func noteFirstPicture() {
        guard let detect = pictureModeDetection.withLock({ detector -> (@Sendable () -> PictureMode?)? in
            defer { detector = nil }
            return detector
        }) else { return }
        if let mode = detect() { inbox.post(.pictureModeFound(mode)) }
    }
}
