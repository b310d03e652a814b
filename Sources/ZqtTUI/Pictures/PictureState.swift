// What the screens know of a task's images (issue 11): which are on disk
// and ready to draw, which are still coming, and which could not be had and
// why. The pixels themselves stay out of the state (PictureCache).

import Images
import Model

struct ShownPicture: Equatable, Sendable {
    var position: Int
    var seed: Int?
    /// The local copy and its thumbnail, once downloaded.
    var image: LocalImage?
    /// Why there is no picture (an expired URL, a damaged file).
    var problem: String?
    /// Left unfetched by a bound of what one task may bring (issue 23): "fetch the rest" fetches it.
    var notFetched = false
    /// A ControlNet detected map an A1111 server appended, not a picture asked for (issue 20).
    var isControlMap = false

    var isPending: Bool { image == nil && problem == nil }
}

/// Where a set of pictures is shown.
enum PictureTarget: Equatable, Sendable {
    /// The compose screen's results pane: the task sent from it.
    case compose
    /// The history: the entry open, or the row selected.
    case history
    /// The gallery: every kept picture (issue 17).
    case gallery
}

struct PictureSet: Equatable, Sendable {
    var idTask: String
    var recordID: Int?
    var pictures: [ShownPicture]
    /// While the task runs: its latest intermediate image (temporaryImageDto,
    /// wire rule 9) and how far it is.
    var intermediate: LocalImage?
    var progress: Double?
    /// The intermediate image's URL last asked for (it changes as the task runs).
    var intermediateURL: String?
    /// A finished task's text results (issue 17): a description, the
    /// expansion candidates, face detection's answer, a style; shown whole.
    var texts: [String] = []
    /// Lines of the texts scrolled past.
    var scroll = 0
    /// The picture face detection scanned, its faces' boxes drawn over it
    /// (issue 17); nil until had, and when pictures are off.
    var scanned: ShownPicture?
    /// An A1111 batch's grid, sent first, was left out (issue 20): the pane says so.
    var gridLeftOut = false

    var isRunning: Bool { pictures.isEmpty && texts.isEmpty }

    /// The pictures made, an A1111 answer's ControlNet maps apart (issue 20).
    var madeCount: Int { pictures.count(where: { !$0.isControlMap }) }
    var controlMapCount: Int { pictures.count(where: \.isControlMap) }

    /// The place of the picture at `index` among those of its kind, 0-based:
    /// pictures are numbered 1…n as made, the maps after them 1…m.
    func ordinal(of index: Int) -> Int {
        guard pictures.indices.contains(index) else { return index }
        let isMap = pictures[index].isControlMap
        return pictures[..<index].count(where: { $0.isControlMap == isMap })
    }
}

/// A picture shown as large as the terminal allows (Enter on a thumbnail).
struct PictureZoom: Equatable, Sendable {
    /// A step that went round the set, said on the status line (leftovers23: the
    /// enlarged picture went from the last to the first without a word).
    enum Round: Equatable, Sendable {
        /// From the last picture to the first.
        case toFirst
        /// From the first picture to the last.
        case toLast
    }

    var target: PictureTarget
    var index: Int
    /// The last step went round; nil after any other.
    var round: Round? = nil
}

/// A sweep's results as a grid (issue 11): a row per value of the first
/// varied parameter, a column per value of the second.
struct ContactSheet: Equatable, Sendable {
    var batchID: String
    var rowLabel: String?
    var columnLabel: String?
    var rowValues: [String]
    var columnValues: [String]
    /// [row][column]: the picture there, if that combination has one.
    var cells: [[ShownPicture?]]
    /// The cell whose picture fills the screen (a click on it, issue 19); nil: the sheet.
    var enlarged: SheetPlace? = nil
}

/// A request to have the picture a face detection scanned (its row's image
/// field: a local file, or a URL downloaded once), to draw its boxes over.
struct FaceScanFetch: Equatable, Sendable {
    var idTask: String
    var recordID: Int?
    /// The image field's value when there is no row to read it from.
    var source: String?
    var boxes: [FaceBox]
}

/// A request to have a task's images on disk.
struct PictureFetch: Equatable, Sendable {
    var target: PictureTarget
    var idTask: String
    var recordID: Int?
    var sources: [ResultImageSource]
    var seeds: [Int?]
    /// What the task may bring: `.onRequest` when the user asked for the rest (issue 23).
    var bounds: ImageBounds = .standard
    /// Images downloaded at most, those shown first (the history list's pane,
    /// issue 23); the others are shown when kept already, else not fetched.
    var shownOnly: Int?
}
