// zqt's own copy of each result image, under $ZQT_HOME/images/<id_task>/:
// result URLs expire (wire rule 10), so an image is downloaded once, kept,
// and every later look (the results pane, the history, a restart) reads the
// copy. Beside each copy, a thumbnail scaled once (at most 512 pixels on its
// longer side) whose name holds the full image's size.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A result image on disk, ready to draw.
public struct LocalImage: Equatable, Sendable {
    public let position: Int
    /// The full image as the service made it.
    public let path: String
    public let thumbnailPath: String
    /// The full image's size in pixels.
    public let width: Int
    public let height: Int

    public init(position: Int, path: String, thumbnailPath: String, width: Int, height: Int) {
        self.position = position
        self.path = path
        self.thumbnailPath = thumbnailPath
        self.width = width
        self.height = height
    }
}

/// One image a task produced, as far as zqt knows it.
public struct ResultImageSource: Equatable, Sendable {
    public let position: Int
    public let url: String
    /// A copy the history already notes (zqt's own, or a folder the user saved into).
    public let knownCopy: String?

    public init(position: Int, url: String, knownCopy: String? = nil) {
        self.position = position
        self.url = url
        self.knownCopy = knownCopy
    }
}

public enum ResultImageFiles {
    public static let thumbnailSide = 512

    /// The folder of a task's images. The id is the client's (wire rule 8)
    /// but came through files and the service: ImageFile.safeStem keeps it inside.
    /// An id that is not its own safe stem ("a/b", "a.b") gets a hash of itself
    /// after it, so two ids never share a folder.
    public static func folder(home: String, idTask: String) -> String {
        let stem = ImageFile.safeStem(idTask)
        guard stem != idTask else { return home + "/images/" + stem }
        // FNV-1a over the id's bytes: stable across runs (Hasher is seeded per process).
        var hash: UInt32 = 2_166_136_261
        for byte in idTask.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return home + "/images/" + stem + "-" + String(hash, radix: 16)
    }

    /// The copy kept of one result, if there is one with its thumbnail.
    public static func existing(home: String, idTask: String, position: Int) -> LocalImage? {
        let folder = folder(home: home, idTask: idTask)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        let stem = "\(position + 1)."
        guard let thumbnail = names.first(where: { $0.hasPrefix(stem) && $0.hasSuffix(".thumb.png") }),
              let full = copyName(in: names, position: position) else {
            return nil
        }
        // "1.1024x768.thumb.png": the full image's size.
        let size = thumbnail.dropFirst(stem.count).dropLast(".thumb.png".count).split(separator: "x")
        guard size.count == 2, let width = Int(size[0]), let height = Int(size[1]), width > 0, height > 0 else { return nil }
        return LocalImage(position: position, path: folder + "/" + full, thumbnailPath: folder + "/" + thumbnail,
                          width: width, height: height)
    }

    /// The local copy of a result: the one kept, else the history's noted copy,
    /// else downloaded now; its thumbnail made when missing. `downloaded` is
    /// told the path of a fresh download (to note it in the history).
    /// With `thumbnail` false (pictures are off: nothing will draw it) the
    /// size is read from the copy's header and no decoder is opened (issue 18:
    /// a send with pictures off loaded libpng, libjpeg and libwebp, 0.38 MB, to
    /// scale a thumbnail no one would see); the thumbnail is made when a
    /// picture is first drawn from the copy (the gallery's `withThumbnail`).
    public static func ensure(_ source: ResultImageSource, idTask: String, home: String, api: any ImageAPI,
                              bounds: ImageBounds = .standard, budget: KeptPicturesBudget? = nil, thumbnail: Bool = true,
                              downloaded: (String) -> Void = { _ in }) async throws(PictureError) -> LocalImage {
        if let kept = existing(home: home, idTask: idTask, position: source.position),
           LocalFile.regularFileSize(kept.path) != nil {
            return kept
        }
        let folder = folder(home: home, idTask: idTask)
        let copy: (path: String, bytes: [UInt8])
        do throws(SendFailure) {
            copy = try await keepCopy(source, idTask: idTask, home: home, api: api, bounds: bounds, budget: budget, downloaded: downloaded)
        } catch {
            throw PictureError(error.message, notFetched: error.notFetched)
        }
        if !thumbnail, let sized = sizedFromHeader(copy.path, bytes: copy.bytes, position: source.position, folder: folder) {
            return sized
        }
        return try makeThumbnail(of: copy.path, bytes: copy.bytes, position: source.position, folder: folder, home: home)
    }

    /// zqt's copy of a result as a picture that is not drawn (pictures off):
    /// the one with its thumbnail, else the copy alone sized from its header;
    /// nil when there is no copy or its header says no size the decoders take.
    public static func existingCopy(home: String, idTask: String, position: Int) -> LocalImage? {
        if let kept = existing(home: home, idTask: idTask, position: position) { return kept }
        let folder = folder(home: home, idTask: idTask)
        guard let copy = ownCopy(in: folder, position: position), let bytes = readCopy(copy) else { return nil }
        return sizedFromHeader(copy, bytes: bytes, position: position, folder: folder)
    }

    /// zqt's own copy of a result, with its thumbnail or without (a send from
    /// the command line, or with pictures off, keeps none).
    public static func ownCopy(home: String, idTask: String, position: Int) -> String? {
        ownCopy(in: folder(home: home, idTask: idTask), position: position)
    }

    /// A copy's size from its header alone, when the decoders would take that
    /// size (Picture.maximumPixels; the C shim's 65,535-pixel side): else nil,
    /// and the caller decodes, which says what is wrong in the decoder's words.
    /// The thumbnail path is the one `makeThumbnail` would write (not there yet).
    private static func sizedFromHeader(_ copy: String, bytes: [UInt8], position: Int, folder: String) -> LocalImage? {
        guard let size = headerSize(bytes) else { return nil }
        return LocalImage(position: position, path: copy,
                          thumbnailPath: folder + "/\(position + 1).\(size.width)x\(size.height).thumb.png",
                          width: size.width, height: size.height)
    }

    /// A picture's size from its header alone (ImageHeader), when the decoders
    /// would take that size; else nil (decode it to learn why not).
    public static func headerSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard let header = ImageHeader.read(bytes), header.width <= 65535, header.height <= 65535,
              Int64(header.width) * Int64(header.height) <= Picture.maximumPixels else { return nil }
        return (header.width, header.height)
    }

    /// zqt's copy of a result with its thumbnail, the thumbnail made now when
    /// the copy was kept without one (a send from the command line keeps no
    /// thumbnail); nil when there is no copy in zqt's folder. Decodes the
    /// copy: never on the event loop.
    public static func withThumbnail(home: String, idTask: String, position: Int) throws(PictureError) -> LocalImage? {
        if let kept = existing(home: home, idTask: idTask, position: position) { return kept }
        let folder = folder(home: home, idTask: idTask)
        guard let copy = ownCopy(in: folder, position: position), let bytes = readCopy(copy) else { return nil }
        return try makeThumbnail(of: copy, bytes: bytes, position: position, folder: folder, home: home)
    }

    /// Scales a copy to its thumbnail beside it, named with the full image's size.
    private static func makeThumbnail(of copy: String, bytes: [UInt8], position: Int, folder: String,
                                      home: String) throws(PictureError) -> LocalImage {
        let picture = try Picture.decode(bytes)
        let thumbnailPath = folder + "/\(position + 1).\(picture.width)x\(picture.height).thumb.png"
        let thumbnailPartial = partName(thumbnailPath)
        do {
            try picture.scaled(within: thumbnailSide).writePNG(to: thumbnailPartial)
            PrivateFolder.restrict(thumbnailPartial)
        } catch {
            // libpng's stdio leaves the failed write's errno: a full disk is said in words (issue 21).
            let number = errno
            unlink(thumbnailPartial)
            if DiskFault(errno: number) != nil { throw PictureError(SendWording.cannotWrite(thumbnailPath, errno: number)) }
            throw error
        }
        guard rename(thumbnailPartial, thumbnailPath) == 0 else {
            let number = errno
            unlink(thumbnailPartial)
            throw PictureError(SendWording.cannotWrite(thumbnailPath, errno: number))
        }
        KeptPicturesTally.added(LocalFile.regularFileSize(thumbnailPath) ?? 0, home: home)
        return LocalImage(position: position, path: copy, thumbnailPath: thumbnailPath,
                          width: picture.width, height: picture.height)
    }

    /// zqt's copy of a result and its bytes, without decoding it (what a send
    /// from the command line keeps: the screen makes the thumbnail when it
    /// first shows it): the copy kept, else the history's noted copy, else
    /// downloaded now. `downloaded` is told the path of a new copy.
    /// A download is bounded (issue 23): at most `bounds.imagesPerTask` copies
    /// and `bounds.bytesPerTask` in a task's folder, each copy at most
    /// `bounds.bytesPerImage`; beyond, a failure that says it was not fetched.
    /// After a download, the kept pictures are brought within `budget`.
    public static func keepCopy(_ source: ResultImageSource, idTask: String, home: String, api: any ImageAPI,
                                bounds: ImageBounds = .standard, budget: KeptPicturesBudget? = nil,
                                downloaded: (String) -> Void = { _ in }) async throws(SendFailure) -> (path: String, bytes: [UInt8]) {
        let position = source.position
        let folder = folder(home: home, idTask: idTask)
        // $ZQT_HOME/images and the task's folder are the user's alone (issue 23).
        guard PrivateFolder.ensure(folder) else {
            throw SendFailure(.keep(position: position), .badInput, message: "\(SendWording.cannotCreate(folder)): \(DiskFault.reason(errno: errno))")
        }
        do throws(SendFailure) {
            return try await keepCopy(source, into: folder, idTask: idTask, home: home, api: api, bounds: bounds, budget: budget,
                                      downloaded: downloaded)
        } catch {
            // A task whose picture could not be kept (a full disk, issue 21) leaves no empty folder
            // behind: rmdir takes only an empty one, so its other pictures and a writer's part stay.
            rmdir(folder)
            throw error
        }
    }

    /// `keepCopy`'s work, once the task's folder is there.
    private static func keepCopy(_ source: ResultImageSource, into folder: String, idTask: String, home: String, api: any ImageAPI,
                                 bounds: ImageBounds, budget: KeptPicturesBudget?,
                                 downloaded: (String) -> Void) async throws(SendFailure) -> (path: String, bytes: [UInt8]) {
        let position = source.position
        // zqt's own copy (one without its thumbnail too), else the history's noted copy.
        let ownCopy = ownCopy(in: folder, position: position)
        if let copy = ownCopy ?? source.knownCopy, let bytes = readCopy(copy) {
            if let ownCopy { return (ownCopy, bytes) }
            let path = try write(bytes, as: folder + "/" + ImageFile.name(position: position, bytes: bytes), position: position,
                                 downloaded: downloaded)
            KeptPicturesTally.added(bytes.count, home: home)
            return (path, bytes)
        }
        guard !source.url.isEmpty else {
            throw SendFailure(.keep(position: position), .failed, message: SendWording.noURL(position: position))
        }
        let used = keptUsage(in: folder)
        if used.count >= bounds.imagesPerTask {
            throw SendFailure(.keep(position: position), .failed,
                              message: SendWording.notFetchedBeyondCount(position: position, bounds: bounds, idTask: idTask), notFetched: true)
        }
        if used.bytes >= bounds.bytesPerTask {
            throw SendFailure(.keep(position: position), .failed,
                              message: SendWording.notFetchedBeyondTaskBytes(position: position, bounds: bounds, idTask: idTask), notFetched: true)
        }
        let limit = min(bounds.bytesPerImage, bounds.bytesPerTask - used.bytes)
        let bytes: [UInt8]
        do throws(APIError) {
            bytes = try await api.download(source.url, maxBytes: limit)
        } catch {
            if HTTPClient.isOverLimit(error) {
                throw SendFailure(.keep(position: position), .failed,
                                  message: SendWording.notFetchedTooLarge(position: position, limit: limit, bounds: bounds, idTask: idTask), notFetched: true)
            }
            throw SendFailure(.keep(position: position), FailureClass(error), message: SendWording.downloadFailed(position: position, error),
                              error: error)
        }
        // An API that does not bound its downloads itself is held to the bound here.
        if bytes.count > limit {
            throw SendFailure(.keep(position: position), .failed,
                              message: SendWording.notFetchedTooLarge(position: position, limit: limit, bounds: bounds, idTask: idTask), notFetched: true)
        }
        // Kept whether or not it can be drawn (result URLs expire).
        let path = try write(bytes, as: ownCopy ?? folder + "/" + ImageFile.name(position: position, bytes: bytes), position: position,
                             downloaded: downloaded)
        // The budget kept to by a running total: the images tree is not listed after every download (issue 18).
        if let budget { KeptPicturesTally.wrote(bytes.count, home: home, budget: budget, sparing: folder) }
        return (path, bytes)
    }

    /// How many result copies a task's folder holds and their bytes (not thumbnails, intermediates or files being written).
    static func keptUsage(in folder: String) -> (count: Int, bytes: Int) {
        var count = 0, bytes = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where isCopyName(name) {
            count += 1
            bytes += LocalFile.regularFileSize(folder + "/" + name) ?? 0
        }
        return (count, bytes)
    }

    /// "3.png": a result's copy, by its position.
    static func isCopyName(_ name: String) -> Bool {
        guard let dot = name.firstIndex(of: "."), !name[..<dot].isEmpty, name[..<dot].allSatisfy(\.isASCII), Int(name[..<dot]) != nil else { return false }
        return !name.hasSuffix(".thumb.png") && !name.hasSuffix(".part")
    }

    /// Brings the pictures kept under $ZQT_HOME/images within the budget
    /// (`images_max_bytes`, issue 23): whole task folders go, first those of
    /// rows no longer in the history, then the oldest, never `sparing` (the
    /// task being kept). Only zqt's own copies live there: a picture the
    /// user saved into a folder of theirs is never touched. Returns the
    /// folders removed. Lists the whole images tree: a download keeps to the
    /// budget through KeptPicturesTally, which calls this only when over it.
    @discardableResult
    public static func pruneToBudget(home: String, budget: KeptPicturesBudget, sparing: String? = nil) -> [String] {
        let pruned = listAndPrune(home: home, budget: budget, sparing: sparing)
        KeptPicturesTally.listed(pruned.total, home: home)
        return pruned.removed
    }

    /// `pruneToBudget`'s work: the folders removed and the bytes left.
    static func listAndPrune(home: String, budget: KeptPicturesBudget, sparing: String?) -> (removed: [String], total: Int) {
        let root = home + "/images"
        var folders: [(name: String, path: String, bytes: Int, newest: Double)] = []
        var total = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            let path = root + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { continue }
            var bytes = 0
            var newest = Double(info.st_mtim.tv_sec)
            for file in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                var fileInfo = stat()
                guard lstat(path + "/" + file, &fileInfo) == 0, (fileInfo.st_mode & S_IFMT) == S_IFREG else { continue }
                bytes += Int(fileInfo.st_size)
                newest = max(newest, Double(fileInfo.st_mtim.tv_sec))
            }
            total += bytes
            folders.append((name, path, bytes, newest))
        }
        guard total > budget.maxBytes else { return ([], total) }
        // Deleted rows' folders first, then the oldest (the history asked only when over the budget).
        let live = budget.liveFolders?()
        func isLive(_ name: String) -> Int { live.map { $0.contains(name) ? 1 : 0 } ?? 1 }
        folders.sort { (isLive($0.name), $0.newest) < (isLive($1.name), $1.newest) }
        var removed: [String] = []
        for folder in folders where total > budget.maxBytes && folder.path != sparing {
            guard (try? FileManager.default.removeItem(atPath: folder.path)) != nil else { continue }
            total -= folder.bytes
            removed.append(folder.path)
        }
        return (removed, total)
    }

    /// A copy of a kept result in a folder the user named, as
    /// `<id_task>-<n>.<ext>` (two tasks saved into one folder never share a
    /// name), carrying its request (issue 17): a PNG in text chunks, another
    /// format in a sidecar `<name>.json`. A file of that name is never
    /// replaced: the same bytes are left as they are ("already there"), a
    /// different file makes the copy `<id_task>-<n> (2).<ext>`, and so on.
    public static func export(_ copy: String, idTask: String, position: Int, seed: Int? = nil, request: SavedRequest? = nil,
                              into folder: String) throws(SendFailure) -> SavedCopy {
        guard let kept = readCopy(copy) else {
            throw SendFailure(.keep(position: position), .badInput, message: SendWording.cannotWrite(copy))
        }
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil else {
            throw SendFailure(.keep(position: position), .badInput, message: SendWording.cannotCreate(folder))
        }
        removeLeftoversOnce(inFolder: folder)
        var bytes = kept
        var sidecar: String?
        if let request {
            let entries = PictureRequest.entries(endpoint: request.endpoint, requestJSON: request.json, seed: seed,
                                                 existing: (try? PNGText.entries(in: kept)) ?? [])
            if ImageFile.fileExtension(kept) == "png", let tagged = try? PNGText.inserting(entries, into: kept) {
                bytes = tagged
            } else {
                sidecar = request.json
            }
        }
        let name = exportName(idTask: idTask, position: position, bytes: kept)
        let dot = name.lastIndex(of: ".") ?? name.endIndex
        let (stem, ext) = (String(name[..<dot]), String(name[dot...]))
        // Each name in turn: link(2) never replaces a file, so a name taken meanwhile is skipped too.
        for attempt in 1...1000 {
            let path = folder + "/" + (attempt == 1 ? name : "\(stem) (\(attempt))\(ext)")
            if FileManager.default.fileExists(atPath: path) {
                if LocalFile.regularFileSize(path) == bytes.count, readCopy(path) == bytes {
                    return SavedCopy(path: path, note: .alreadyThere)
                }
                continue
            }
            let partial = partName(path)
            // The user's folder: their umask decides, as for any file they make.
            if let number = writeWhole(bytes, to: partial, mode: 0o666) {
                unlink(partial)
                throw SendFailure(.keep(position: position), .badInput, message: SendWording.cannotWrite(path, errno: number))
            }
            let linked = link(partial, path) == 0
            let linkError = errno
            unlink(partial)
            guard linked else {
                if linkError == EEXIST { continue }
                throw SendFailure(.keep(position: position), .badInput, message: SendWording.cannotWrite(path))
            }
            if let sidecar {
                let sidecarPath = path + ".json"
                // The sidecar too is never written over another file.
                if !FileManager.default.fileExists(atPath: sidecarPath) {
                    _ = FileManager.default.createFile(atPath: sidecarPath, contents: Data(sidecar.utf8))
                }
            }
            return SavedCopy(path: path, note: attempt == 1 ? .written : .renamed(existing: folder + "/" + name))
        }
        throw SendFailure(.keep(position: position), .badInput, message: SendWording.cannotWrite(folder + "/" + name))
    }

    /// The name of a result's copy in a folder the user named.
    public static func exportName(idTask: String, position: Int, bytes: [UInt8]) -> String {
        "\(ImageFile.safeStem(idTask))-\(ImageFile.name(position: position, bytes: bytes))"
    }

    /// Written aside, then renamed: a copy is whole or absent, even if zqt ends
    /// mid-write; each writer its own aside name (the pane and the history may fetch at once).
    /// Written with write(2) to the aside name itself (not a library's own
    /// temporary file, which a kill would leave under a name of its own), so
    /// a failure keeps its errno: "the disk is full" (issue 21).
    private static func write(_ bytes: [UInt8], as path: String, position: Int,
                              downloaded: (String) -> Void = { _ in }) throws(SendFailure) -> String {
        var failed = WholeFile.replace(path, with: bytes, halfway: halfwayPause)
        // Its folder removed meanwhile, empty, by another picture of the task that could not be kept: made again.
        if failed == ENOENT, let slash = path.lastIndex(of: "/"), PrivateFolder.ensure(String(path[..<slash])) {
            failed = WholeFile.replace(path, with: bytes, halfway: halfwayPause)
        }
        if let number = failed {
            throw SendFailure(.keep(position: position), .badInput, message: SendWording.cannotWrite(path, errno: number))
        }
        downloaded(path)
        return path
    }

    /// Writes `bytes` to a new file at `path` (zqt's own 0600, never over another); the errno of the first failure, or nil.
    static func writeWhole(_ bytes: [UInt8], to path: String, mode: mode_t = PrivateFolder.fileMode) -> Int32? {
        WholeFile.write(bytes, to: path, mode: mode, halfway: halfwayPause)
    }

    /// The kill loop's pause inside a picture's write (debug builds only).
    private static var halfwayPause: (() -> Void)? {
        #if DEBUG
        pauseInsideWrite.map { pause in { usleep(useconds_t(min(max(pause, 0), 10) * 1_000_000)) } }
        #else
        nil
        #endif
    }

    #if DEBUG
    /// scripts/kill-loop.sh's pause half-way through each picture written
    /// (ZQT_TEST_PICTURE_WRITE_PAUSE, seconds), so its kills land inside a
    /// write; debug builds only: a release zqt has no such switch.
    static let pauseInsideWrite: Double? = getenv("ZQT_TEST_PICTURE_WRITE_PAUSE").flatMap { Double(String(cString: $0)) }.flatMap { $0 > 0 ? $0 : nil }
    #endif

    /// The aside names of copies whose writer is gone (killed mid-write, issue 21)
    /// are removed; those of a zqt still running are left to it.
    static func isLeftover(_ name: String) -> Bool {
        guard name.hasSuffix(".part") else { return false }
        // "<name>.<pid>-<random>.part"
        let stem = name.dropLast(".part".count)
        guard let dot = stem.lastIndex(of: "."), let dash = stem[dot...].firstIndex(of: "-"),
              let pid = Int32(stem[stem.index(after: dot)..<dash]), pid > 0 else { return true }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Removes every leftover aside file under $ZQT_HOME/images (a copy or a
    /// thumbnail being written when zqt was killed): never shown (no copy
    /// name ends in .part), and now gone. Returns how many were removed.
    @discardableResult
    public static func removeLeftovers(home: String) -> Int {
        let root = home + "/images"
        var removed = 0
        for folder in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)) ?? [] where isLeftover(name) {
                if unlink(root + "/" + folder + "/" + name) == 0 { removed += 1 }
            }
        }
        return removed
    }

    /// The folders a user named whose leftovers this process has cleared.
    private static let clearedFolders = Mutex<Set<String>>([])

    /// A copy into a folder the user named is written aside too (`<name>.<pid>-<n>.part`,
    /// then linked): a kill mid-write leaves that part there. The first export into a
    /// folder removes the parts of writers that are gone; only names zqt makes (a
    /// picture's extension, its writer's pid and number) are touched in the user's folder.
    @discardableResult
    public static func removeLeftoversOnce(inFolder folder: String) -> Int {
        guard clearedFolders.withLock({ $0.insert(folder).inserted }) else { return 0 }
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where isExportLeftover(name) {
            if unlink(folder + "/" + name) == 0 { removed += 1 }
        }
        return removed
    }

    /// "<stem>.<ext>.<pid>-<digits>.part" with a picture's extension and a writer that is gone.
    static func isExportLeftover(_ name: String) -> Bool {
        guard name.hasSuffix(".part") else { return false }
        let stem = name.dropLast(".part".count)
        guard let dot = stem.lastIndex(of: "."), let dash = stem[dot...].firstIndex(of: "-") else { return false }
        let number = stem[stem.index(after: dash)...]
        let picture = stem[..<dot].lowercased()
        guard let pid = Int32(stem[stem.index(after: dot)..<dash]), pid > 0, !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }),
              [".png", ".jpg", ".jpeg", ".webp", ".gif"].contains(where: { picture.hasSuffix($0) }) else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// A copy's bytes, when it is a regular file no larger than an image may be.
    private static func readCopy(_ path: String) -> [UInt8]? {
        guard let size = LocalFile.regularFileSize(path), size <= Picture.maximumFileBytes,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return [UInt8](data)
    }

    /// A result's copy in zqt's folder, thumbnail or not.
    private static func ownCopy(in folder: String, position: Int) -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return copyName(in: names, position: position).map { folder + "/" + $0 }
    }

    /// The name of a result's copy among a folder's names: "N.ext", not its thumbnail nor a file being written.
    private static func copyName(in names: [String], position: Int) -> String? {
        let stem = "\(position + 1)."
        return names.first { $0.hasPrefix(stem) && !$0.hasSuffix(".thumb.png") && !$0.hasSuffix(".part") }
    }

    private static func partName(_ path: String) -> String { WholeFile.asideName(path) }

    /// Removes a task's folder of images (asked when its history row goes).
    @discardableResult
    public static func delete(home: String, idTask: String) -> Bool {
        let folder = folder(home: home, idTask: idTask)
        guard FileManager.default.fileExists(atPath: folder) else { return false }
        // The running total of the kept pictures loses what the folder held (its files alone are listed).
        let bytes = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).reduce(0) { sum, name in
            sum + (LocalFile.regularFileSize(folder + "/" + name) ?? 0)
        }
        guard (try? FileManager.default.removeItem(atPath: folder)) != nil else { return false }
        KeptPicturesTally.removed(bytes, home: home)
        return true
    }
}

/// The send pipeline's keeper (issue 16): every result a send, a sweep, the
/// screen, `zqt query` and `zqt results` keep goes through ResultImageFiles.
public struct ResultImageKeeper: ResultKeeper {
    public let home: String
    /// What one task may bring (issue 23); `.onRequest` when the user asked for the rest.
    public var bounds: ImageBounds
    /// The kept pictures' disk budget (`images_max_bytes`); nil: none kept to.
    public var budget: KeptPicturesBudget?

    public init(home: String, bounds: ImageBounds = .standard, budget: KeptPicturesBudget? = nil) {
        self.home = home
        self.bounds = bounds
        self.budget = budget
    }

    public func keep(_ source: ResultSource, idTask: String, api: any ImageAPI) async throws(SendFailure) -> KeptResult {
        let copy = try await ResultImageFiles.keepCopy(ResultImageSource(position: source.position, url: source.url, knownCopy: source.knownCopy),
                                                       idTask: idTask, home: home, api: api, bounds: bounds, budget: budget)
        return KeptResult(source: source, path: copy.path, bytes: copy.bytes)
    }

    public func export(_ kept: KeptResult, idTask: String, request: SavedRequest?, into folder: String) throws(SendFailure) -> SavedCopy {
        try ResultImageFiles.export(kept.path, idTask: idTask, position: kept.source.position, seed: kept.source.seed,
                                    request: request, into: folder)
    }
}

/// The disk budget of the pictures zqt keeps (`images_max_bytes`, issue 23).
public struct KeptPicturesBudget: Sendable {
    public let maxBytes: Int
    /// The folder names under images/ of the rows the history holds (nil: not known,
    /// every folder counted as a row's): the others are a deleted row's, and go first.
    public let liveFolders: (@Sendable () -> Set<String>)?

    public init(maxBytes: Int, liveFolders: (@Sendable () -> Set<String>)? = nil) {
        self.maxBytes = maxBytes
        self.liveFolders = liveFolders
    }

    /// The folder names of a history's rows.
    public static func liveFolders(of store: HistoryStore, home: String) -> @Sendable () -> Set<String> {
        { Set(((try? store.allTaskIDs()) ?? []).map { ResultImageFiles.folder(home: home, idTask: $0).split(separator: "/").last.map(String.init) ?? "" }) }
    }
}

/// File names for result images: the position, and the type the bytes say.
public enum ImageFile {
    public static func name(position: Int, bytes: [UInt8]) -> String {
        "\(position + 1).\(fileExtension(bytes))"
    }

    public static func fileExtension(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpg" }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), bytes[8..<12].elementsEqual("WEBP".utf8) { return "webp" }
        return "img"
    }

    /// An id_task as part of a file name: it came from a request file, so
    /// '/' and '..' could otherwise put the image outside the folder asked for.
    public static func safeStem(_ idTask: String) -> String {
        let kept = idTask.unicodeScalars.prefix(100).map { scalar -> Character in
            let allowed = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "-" || scalar == "_"
            return allowed ? Character(scalar) : "_"
        }
        return kept.isEmpty ? "task" : String(kept)
    }
}
