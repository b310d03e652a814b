// Pixels as terminal graphics, through chafa (opened on the first image):
// Unicode block symbols with colours, which any terminal shows and which go
// into zqt's grid of cells like text; or a pixel protocol's escape sequences
// (kitty, iTerm2, sixel), which the terminal layer writes over blank cells.

import CImageShim
import Model
#if canImport(Glibc)
import Glibc
#endif

/// The terminal graphics protocols zqt can send pictures through.
public enum PixelProtocol: String, Sendable, CaseIterable {
    case kitty, iterm2, sixel
}

/// How many colours a symbols picture may use (the terminal's palette).
public enum ColourDepth: Sendable, Equatable {
    /// 24-bit colour: cells carry 0xRRGGBB.
    case trueColour
    /// The 240 colours of the 256-colour palette past the 16 a theme may
    /// change: cells carry palette indexes 16–255.
    case palette240
    case palette16
    case palette8
    /// Shapes only, in the terminal's own foreground and background.
    case monochrome

    var chafaMode: Int32 {
        switch self {
        case .trueColour: return Int32(ZQT_COLORS_TRUECOLOR)
        case .palette240: return Int32(ZQT_COLORS_240)
        case .palette16: return Int32(ZQT_COLORS_16)
        case .palette8: return Int32(ZQT_COLORS_8)
        case .monochrome: return Int32(ZQT_COLORS_FGBG)
        }
    }
}

/// One cell of a symbols picture: a block symbol and its two colours
/// (palette indexes or 0xRRGGBB, by the depth asked; -1 the terminal's own).
public struct SymbolCell: Equatable, Sendable {
    public var character: Character
    public var foreground: Int32
    public var background: Int32
}

public struct SymbolArt: Equatable, Sendable {
    public let columns: Int
    public let rows: Int
    /// Row by row.
    public let cells: [SymbolCell]

    public subscript(x: Int, y: Int) -> SymbolCell { cells[y * columns + x] }
}

public enum TerminalArt {
    /// A terminal cell is about twice as tall as it is wide: the proportion
    /// used to keep a picture's shape in cells when the terminal does not
    /// say its cells' size in pixels.
    public static let defaultCell = (width: 10, height: 20)

    /// Whether chafa can be used, and why not.
    public static func load() throws(PictureError) {
        var error = [CChar](repeating: 0, count: 256)
        guard zqt_image_chafa_load(&error, error.count) == 1 else { throw PictureError(cString: error) }
    }

    /// The largest box of whole cells within `columns` × `rows` that keeps the
    /// picture's proportions, for cells of `cell` pixels. At least 1 × 1.
    public static func fit(width: Int, height: Int, columns: Int, rows: Int,
                           cell: (width: Int, height: Int) = defaultCell) -> (columns: Int, rows: Int) {
        guard width > 0, height > 0, columns > 0, rows > 0, cell.width > 0, cell.height > 0 else { return (1, 1) }
        // The picture's width in cell units over its height in cell units.
        let aspect = (Double(width) / Double(cell.width)) / (Double(height) / Double(cell.height))
        var fitColumns = Double(columns), fitRows = fitColumns / aspect
        if fitRows > Double(rows) {
            fitRows = Double(rows)
            fitColumns = fitRows * aspect
        }
        return (WholeNumber.rounded(fitColumns, in: 1...columns), WholeNumber.rounded(fitRows, in: 1...rows))
    }

    /// The picture drawn in block symbols over exactly `columns` × `rows` cells.
    public static func symbols(_ picture: Picture, columns: Int, rows: Int, depth: ColourDepth) throws(PictureError) -> SymbolArt {
        try load()
        guard columns > 0, rows > 0 else { throw PictureError("no room for the picture") }
        guard let canvas = picture.pixels.withUnsafeBufferPointer({ buffer in
            zqt_canvas_draw(buffer.baseAddress, Int32(picture.width), Int32(picture.height), Int32(columns), Int32(rows),
                            Int32(ZQT_PIXEL_SYMBOLS), depth.chafaMode, 0, 0)
        }) else { throw PictureError("chafa could not draw the picture") }
        defer { zqt_canvas_free(canvas) }
        var cells: [SymbolCell] = []
        cells.reserveCapacity(columns * rows)
        for y in 0..<rows {
            for x in 0..<columns {
                var code: UInt32 = 0, fg: Int32 = -1, bg: Int32 = -1
                zqt_canvas_cell(canvas, Int32(x), Int32(y), &code, &fg, &bg)
                // chafa only ever picks from the symbol map asked (one-cell block
                // elements and the space); anything else would be its fault: a space.
                let scalar = Unicode.Scalar(code).flatMap { (0x2580...0x259F).contains($0.value) || $0 == " " ? $0 : nil }
                cells.append(SymbolCell(character: Character(scalar ?? " "), foreground: fg, background: bg))
            }
        }
        return SymbolArt(columns: columns, rows: rows, cells: cells)
    }

    /// The picture as a pixel protocol's escape sequences, filling exactly
    /// `columns` × `rows` cells of `cell` pixels each.
    public static func escapes(_ picture: Picture, columns: Int, rows: Int, using pixelProtocol: PixelProtocol,
                               cell: (width: Int, height: Int) = defaultCell) throws(PictureError) -> [UInt8] {
        try load()
        guard columns > 0, rows > 0 else { throw PictureError("no room for the picture") }
        let mode: Int32
        switch pixelProtocol {
        case .kitty: mode = Int32(ZQT_PIXEL_KITTY)
        case .iterm2: mode = Int32(ZQT_PIXEL_ITERM2)
        case .sixel: mode = Int32(ZQT_PIXEL_SIXELS)
        }
        guard let canvas = picture.pixels.withUnsafeBufferPointer({ buffer in
            zqt_canvas_draw(buffer.baseAddress, Int32(picture.width), Int32(picture.height), Int32(columns), Int32(rows),
                            mode, ColourDepth.trueColour.chafaMode, Int32(cell.width), Int32(cell.height))
        }) else { throw PictureError("chafa could not draw the picture") }
        defer { zqt_canvas_free(canvas) }
        var length = 0
        guard let printed = zqt_canvas_print(canvas, &length) else { throw PictureError("chafa could not encode the picture") }
        defer { free(printed) }
        return printed.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    /// The protocols chafa's terminal database finds for an environment
    /// (TERM, TERM_PROGRAM, KITTY_WINDOW_ID, VTE_VERSION and the like).
    public static func detect(environment: [String: String]) -> Set<PixelProtocol> {
        guard (try? load()) != nil else { return [] }
        var strings = environment.map { strdup("\($0.key)=\($0.value)") }
        strings.append(nil)
        defer { strings.forEach { free($0) } }
        let found = zqt_chafa_detect(&strings)
        var protocols = Set<PixelProtocol>()
        if found & 1 != 0 { protocols.insert(.kitty) }
        if found & 2 != 0 { protocols.insert(.iterm2) }
        if found & 4 != 0 { protocols.insert(.sixel) }
        return protocols
    }
}
