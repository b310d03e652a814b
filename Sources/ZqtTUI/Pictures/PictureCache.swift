// Pictures kept in memory between frames (issue 11): a frame is drawn on
// every key, and decoding a PNG or asking chafa again each time would cost
// far more than the 60 bytes and ~1 ms a key may. Decoded pixels are kept
// up to a byte bound, drawn pictures (symbol cells, protocol bytes) by the
// box they were drawn for; the least recently used goes first.

import CSystem
import Images
import Model

final class PictureCache: @unchecked Sendable {
    static let shared = PictureCache()

    /// Made on the first picture. Pictures allocate and free buffers of
    /// megabytes; glibc raises its mmap threshold after the first is freed and
    /// then serves the next from its heaps, where freed pages stay resident:
    /// a fixed threshold keeps each such buffer its own mapping, gone once freed.
    private init() {
        _ = zqt_fix_mmap_threshold(256 << 10)
    }

    /// Decoded pixels kept at most (a 1024×1024 result is 4 MB).
    static let pixelBudget = 24 << 20
    /// A full image is kept at most this large on its longer side: more than a
    /// terminal shows, and at most 16 MB of pixels.
    static let largeSide = 2048
    static let drawnLimit = 48
    /// Protocol bytes kept at most, and the largest kept (an enlarged kitty
    /// picture is several MB: encoded again when next needed rather than held).
    static let drawnByteBudget = 6 << 20, drawnByteLargest = 2 << 20
    /// A small grid's thumbnails (the gallery, issue 17) are decoded no larger
    /// than they are drawn, under a key of their own (`smallKey`), and kept
    /// within a budget of their own: scrolling through thousands must not
    /// fill the whole budget with thumbnails scrolled past.
    static let smallMark = "|within "
    static let smallPixelBudget = 10 << 20

    static func smallKey(_ path: String, side: Int) -> String { path + smallMark + String(side) }

    /// A picture with face detection's boxes drawn over it (issue 17): the
    /// file decoded no larger than a pane shows it, the boxes drawn into
    /// those pixels (Picture.withFaceBoxes), under a key of its own; the file is never changed.
    static let facesMark = "|faces "
    static let facesSide = 1024

    static func facesKey(_ file: String, boxes: [FaceBox]) -> String {
        let list = boxes.map { "\($0.number):\($0.x),\($0.y),\($0.width),\($0.height)" }.joined(separator: ";")
        return smallKey(file + facesMark + list, side: facesSide)
    }

    /// The file a faces key names and its boxes; nil for any other key.
    static func faces(of file: String) -> (file: String, boxes: [FaceBox])? {
        guard let mark = file.ranges(of: facesMark).last else { return nil }
        let boxes = file[mark.upperBound...].split(separator: ";").compactMap { item -> FaceBox? in
            let parts = item.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let number = Int(parts[0]) else { return nil }
            let numbers = parts[1].split(separator: ",").compactMap { Int($0) }
            guard numbers.count == 4 else { return nil }
            return FaceBox(number: number, x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3])
        }
        return (String(file[..<mark.lowerBound]), boxes)
    }

    /// A file's pixels within `side`, with face boxes drawn when the name asks for them.
    private static func decode(_ file: String, side: Int) throws(PictureError) -> Picture {
        guard let (source, boxes) = faces(of: file) else { return try Picture.read(file).scaled(within: side) }
        let original = try Picture.read(source)
        let scaled = original.scaled(within: side)
        return scaled.withFaceBoxes(boxes, scale: Double(scaled.width) / Double(max(1, original.width)))
    }

    /// The file a key names, and the longest side it is decoded to.
    private static func source(of key: String) -> (file: String, side: Int) {
        guard let mark = key.ranges(of: smallMark).last,
              let side = Int(key[mark.upperBound...]), side > 0 else { return (key, largeSide) }
        return (String(key[..<mark.lowerBound]), min(side, largeSide))
    }

    private let lock = Lock()
    private var pixels: [String: Picture] = [:]
    private var pixelOrder: [String] = []
    private var drawnSymbols: [String: SymbolArt] = [:]
    private var drawnBytes: [String: [UInt8]] = [:]
    private var drawnOrder: [String] = []
    private var failures: [String: PictureError] = [:]

    /// A file's pixels, decoded once: off the event loop only (thumbnails
    /// when fetched, full images by Effect.preparePicture, what a frame wanted
    /// by Effect.decodePictures). A view asks `decoded` instead.
    func picture(_ path: String) -> Result<Picture, PictureError> {
        if let kept = lock.withLock({ () -> Picture? in
            guard let kept = pixels[path] else { return nil }
            touch(&pixelOrder, path)
            return kept
        }) { return .success(kept) }
        if let failure = lock.withLock({ failures[path] }) { return .failure(failure) }
        let result: Result<Picture, PictureError>
        let (file, side) = Self.source(of: path)
        do throws(PictureError) { result = .success(try Self.decode(file, side: side)) } catch { result = .failure(error) }
        lock.withLock {
            switch result {
            case let .success(picture):
                pixels[path] = picture
                touch(&pixelOrder, path)
                var total = pixels.values.reduce(0) { $0 + $1.pixels.count }
                while total > Self.pixelBudget, pixelOrder.count > 1, let oldest = pixelOrder.first {
                    total -= pixels.removeValue(forKey: oldest)?.pixels.count ?? 0
                    pixelOrder.removeFirst()
                }
                var small = pixels.filter { $0.key.contains(Self.smallMark) }.values.reduce(0) { $0 + $1.pixels.count }
                while small > Self.smallPixelBudget,
                      let oldest = pixelOrder.first(where: { $0.contains(Self.smallMark) && $0 != path }) {
                    small -= pixels.removeValue(forKey: oldest)?.pixels.count ?? 0
                    pixelOrder.removeAll { $0 == oldest }
                }
            case let .failure(error):
                failures[path] = error
            }
        }
        return result
    }

    /// Whether a file's pixels are decoded and kept.
    func hasPicture(_ path: String) -> Bool { lock.withLock { pixels[path] != nil } }

    /// A file's pixels as kept, or why it cannot be drawn; nil when it is
    /// not decoded (yet, or no longer): never reads the file.
    func decoded(_ path: String) -> Result<Picture, PictureError>? {
        lock.withLock {
            if let kept = pixels[path] {
                touch(&pixelOrder, path)
                return .success(kept)
            }
            return failures[path].map { .failure($0) }
        }
    }

    /// Whether the terminal layer can send the file through a pixel protocol
    /// over this box without decoding it (`escapes`): its pixels or its bytes
    /// for the box are kept, or it is known not to be drawable.
    func canSend(_ path: String, columns: Int, rows: Int, using pixelProtocol: PixelProtocol, cell: (width: Int, height: Int)) -> Bool {
        let key = "\(path)|\(columns)x\(rows)|\(pixelProtocol)|\(cell.width)x\(cell.height)"
        return lock.withLock { pixels[path] != nil || failures[path] != nil || drawnBytes[key] != nil }
    }

    /// The picture in block symbols over `columns` × `rows` cells, from the
    /// pixels kept; nil when they are not decoded (a view draws a placeholder
    /// and asks for them). Never reads the file.
    func symbols(_ path: String, columns: Int, rows: Int, depth: ColourDepth) -> Result<SymbolArt, PictureError>? {
        let key = "\(path)|\(columns)x\(rows)|\(depth)"
        if let kept = lock.withLock({ () -> SymbolArt? in
            guard let kept = drawnSymbols[key] else { return nil }
            touch(&drawnOrder, key)
            return kept
        }) { return .success(kept) }
        guard let pixels = decoded(path) else { return nil }
        let drawn = pixels.flatMap { picture -> Result<SymbolArt, PictureError> in
            do throws(PictureError) { return .success(try TerminalArt.symbols(picture, columns: columns, rows: rows, depth: depth)) } catch {
                return .failure(error)
            }
        }
        if case let .success(art) = drawn { keepDrawn(key) { $0.drawnSymbols[key] = art } }
        return drawn
    }

    /// The picture as a protocol's bytes over `columns` × `rows` cells.
    func escapes(_ path: String, columns: Int, rows: Int, using pixelProtocol: PixelProtocol,
                 cell: (width: Int, height: Int)) -> Result<[UInt8], PictureError> {
        let key = "\(path)|\(columns)x\(rows)|\(pixelProtocol)|\(cell.width)x\(cell.height)"
        if let kept = lock.withLock({ () -> [UInt8]? in
            guard let kept = drawnBytes[key] else { return nil }
            touch(&drawnOrder, key)
            return kept
        }) { return .success(kept) }
        let drawn = picture(path).flatMap { picture -> Result<[UInt8], PictureError> in
            do throws(PictureError) {
                return .success(try TerminalArt.escapes(picture, columns: columns, rows: rows, using: pixelProtocol, cell: cell))
            } catch {
                return .failure(error)
            }
        }
        if case let .success(bytes) = drawn, bytes.count <= Self.drawnByteLargest { keepDrawn(key) { $0.drawnBytes[key] = bytes } }
        return drawn
    }

    /// Gives the memory a large picture's work freed back to the system:
    /// chafa's threads work in malloc arenas of their own, which glibc keeps
    /// (several MB after an enlarged picture) until told to let them go.
    static func returnFreedMemory() {
        _ = malloc_trim(0)
    }

    /// Forgets every file under a folder (its images were deleted or replaced).
    func forget(under folder: String) {
        lock.withLock {
            let gone = { (key: String) in key.hasPrefix(folder + "/") }
            pixels = pixels.filter { !gone($0.key) }
            pixelOrder.removeAll(where: gone)
            drawnSymbols = drawnSymbols.filter { !gone($0.key) }
            drawnBytes = drawnBytes.filter { !gone($0.key) }
            drawnOrder.removeAll(where: gone)
            failures = failures.filter { !gone($0.key) }
        }
    }

    private func keepDrawn(_ key: String, _ store: (PictureCache) -> Void) {
        lock.withLock {
            store(self)
            touch(&drawnOrder, key)
            var bytes = drawnBytes.values.reduce(0) { $0 + $1.count }
            while drawnOrder.count > 1, drawnOrder.count > Self.drawnLimit || bytes > Self.drawnByteBudget {
                let oldest = drawnOrder.removeFirst()
                drawnSymbols[oldest] = nil
                bytes -= drawnBytes.removeValue(forKey: oldest)?.count ?? 0
            }
        }
    }

    private func touch(_ order: inout [String], _ key: String) {
        order.removeAll { $0 == key }
        order.append(key)
    }
}
