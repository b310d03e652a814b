// The gallery's state (issue 17): every kept picture across the history,
// newest first, as pages the store answered (GalleryQuery), the filter typed
// (the history's own, HistoryFilter), the selection and the first row on
// screen. Pixels stay out of it (PictureCache); thumbnails are decoded only
// when a frame shows them (Grid.picturesWanted).

import Images
import Model

/// One picture of the gallery: what the history says of it, and its files.
struct GalleryItem: Equatable, Sendable {
    var picture: GalleryPicture
    /// zqt's copy and its thumbnail, when both are on disk.
    var image: LocalImage?
    /// Why there is no thumbnail to draw (the copy was removed, none was made).
    var problem: String?

    var shown: ShownPicture {
        ShownPicture(position: picture.position, seed: nil, image: image, problem: problem, isControlMap: picture.isControlMap)
    }

    /// As the grid draws it: the thumbnail decoded no larger than a cell
    /// shows it, within the small pictures' budget (PictureCache.smallKey).
    var inGrid: ShownPicture {
        var shown = shown
        shown.image = image.map { image in
            LocalImage(position: image.position, path: image.path,
                       thumbnailPath: PictureCache.smallKey(image.thumbnailPath, side: GalleryLayout.thumbnailSide),
                       width: image.width, height: image.height)
        }
        return shown
    }
}

/// A page of the gallery as loaded, for the filter it answered.
struct GalleryPageLoaded: Equatable, Sendable {
    let filter: String
    let items: [GalleryItem]
    let hasMore: Bool
    let nextBefore: Int?
    /// Appends to the pictures shown (the next page) rather than replacing them.
    let appending: Bool
}

struct GalleryState: Equatable, Sendable {
    var items: [GalleryItem] = []
    var filter = TextBuffer("")
    /// The filter `items` answer: until the answer to the filter typed comes,
    /// the grid says it is searching, never another filter's "no match".
    var itemsFilter = ""
    /// Typing goes to the filter.
    var filterFocused = false
    var selected = 0
    /// The first row of thumbnails on screen.
    var scroll = 0
    var loaded = false
    /// A next page is asked for: not asked again until it comes.
    var loadingMore = false
    var hasMore = false
    var nextBefore: Int?
    /// End was pressed with pages still to load: each page that comes moves
    /// the selection to its last picture and asks for the next, until the
    /// oldest picture is reached (a move of the user's own stops it).
    var seekingLast = false
    /// The screen the gallery was opened from, where leaving it goes.
    var returnTo: ScreenMode = .compose

    /// Submissions asked for at a time: a screenful or two of pictures.
    static let pageSize = 40

    var selectedItem: GalleryItem? { items.indices.contains(selected) ? items[selected] : nil }

    /// The ControlNet maps among the pictures loaded, counted apart (issue 20).
    var controlMapCount: Int { items.count(where: \.picture.isControlMap) }

    /// The place of the item at `index` among its task's kept pictures of its kind, 0-based: pictures 1…n
    /// as made, an A1111 answer's maps 1…m after them. A page holds whole tasks (GalleryQuery), so all are here.
    func ordinal(of index: Int) -> Int {
        guard items.indices.contains(index) else { return index }
        let picture = items[index].picture
        return items[..<index].count(where: { $0.picture.submissionID == picture.submissionID && $0.picture.isControlMap == picture.isControlMap })
    }

    /// The pictures as a set, for the enlarged picture (PictureZoom with target .gallery).
    var pictureSet: PictureSet {
        PictureSet(idTask: selectedItem?.picture.idTask ?? "", recordID: selectedItem?.picture.submissionID,
                   pictures: items.map(\.shown))
    }
}

/// How the gallery's grid fits a terminal: as many columns of thumbnails as
/// are at least `minimumCellWidth` wide, each cell a picture over two caption
/// lines (the endpoint and task, the prompt).
struct GalleryLayout: Equatable {
    static let minimumCellWidth = 22, pictureRows = 7, captionRows = 2
    /// At most 8 × 5 thumbnails on screen (cells grow on larger terminals):
    /// what one screen decodes stays well inside PictureCache.smallPixelBudget
    /// and its drawn pictures inside PictureCache.drawnLimit.
    static let maximumColumns = 8, maximumRows = 5
    /// A cell's picture is at most 7 rows of 32 pixels: its thumbnail is decoded no larger.
    static let thumbnailSide = 224
    static var cellHeight: Int { pictureRows + captionRows + 1 }

    let columns: Int
    let rows: Int
    let cellWidth: Int

    /// The grid for a screen of this size (the title, filter, status and footer lines aside).
    init(size: Size) {
        self.init(width: size.width, height: max(1, size.height - 4))
    }

    init(width: Int, height: Int) {
        columns = min(Self.maximumColumns, max(1, (width + 1) / (Self.minimumCellWidth + 1)))
        cellWidth = max(1, (width - (columns - 1)) / columns)
        rows = min(Self.maximumRows, max(1, height / Self.cellHeight))
    }

    var perScreen: Int { columns * rows }
}
