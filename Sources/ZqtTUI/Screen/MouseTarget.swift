// What a click or the wheel can reach, as the views drew it (issue 19): a
// view marks the rectangle where it drew a field, a row or a picture, and
// the event loop maps a click's cell to the last mark over it. The views
// stay pure; the Model layer never sees the mouse.

enum MouseTarget: Equatable, Sendable {
    /// A form field's rows (a unit of a group is its row in the form).
    case field(FieldID)
    /// The form pane: the wheel moves the focus.
    case form
    /// The JSON preview: the wheel scrolls it.
    case preview
    /// A history row, by its index in the rows loaded.
    case historyRow(Int)
    /// The history list or an entry: the wheel moves or scrolls.
    case history
    /// A result picture (a thumbnail), by its index in the set shown.
    case picture(Int)
    /// The results pane: the wheel steps through the results.
    case pictures
    /// A gallery picture, by its index in the pictures loaded.
    case galleryItem(Int)
    /// The gallery: the wheel moves a row of pictures.
    case gallery
    /// The key help: the wheel scrolls it.
    case help
    /// A picker's box: the wheel moves the highlight.
    case picker
    /// A picker's option, by its index among the matches.
    case pickerOption(Int)
    /// The history's filter line: a click focuses the filter.
    case historyFilter
    /// The enlarged picture: its left and right edges step, its middle closes it.
    case zoomed(ZoomPart)
    /// A contact sheet's cell: a click enlarges its picture.
    case sheetCell(SheetPlace)
    /// A contact sheet's picture enlarged: a click goes back to the sheet.
    case sheetEnlarged
    /// Anything else an overlay covers: a click there reaches nothing below.
    case covered
}

/// Where a click on an enlarged picture lands (issue 19).
enum ZoomPart: Equatable, Sendable {
    case previous, close, next
}

/// A contact sheet's cell: its row and column.
struct SheetPlace: Equatable, Sendable {
    var row: Int
    var column: Int
}

/// Where inside what it reaches a click lands: the cell from the left edge
/// of the marked area, the row counted over every area marked for the same
/// target (a field's second line is row 1), and the area's width. A click
/// inside a field being edited moves the cursor there (issue 19).
struct PointerSpot: Equatable, Sendable {
    var column = 0
    var row = 0
    var width = 0
}

struct HitArea: Equatable, Sendable {
    var rect: Rect
    var target: MouseTarget
}

extension Grid {
    /// Marks where the frame drew something a click can reach; later marks lie over earlier ones.
    mutating func mark(_ rect: Rect, _ target: MouseTarget) {
        guard rect.width > 0, rect.height > 0 else { return }
        hitAreas.append(HitArea(rect: rect, target: target))
    }

    /// What was drawn at a cell, nil for nothing a click can reach.
    static func target(at x: Int, _ y: Int, in areas: [HitArea]) -> MouseTarget? {
        area(at: x, y, in: areas)?.target
    }

    static func area(at x: Int, _ y: Int, in areas: [HitArea]) -> HitArea? {
        areas.last { x >= $0.rect.x && x < $0.rect.maxX && y >= $0.rect.y && y < $0.rect.maxY }
    }

    /// Where in what was drawn at a cell the cell is (PointerSpot).
    static func spot(at x: Int, _ y: Int, in areas: [HitArea]) -> PointerSpot? {
        guard let hit = area(at: x, y, in: areas) else { return nil }
        let rowsAbove = areas.filter { $0.target == hit.target && $0.rect.maxY <= hit.rect.y }.reduce(0) { $0 + $1.rect.height }
        return PointerSpot(column: x - hit.rect.x, row: rowsAbove + y - hit.rect.y, width: hit.rect.width)
    }
}
