// The history screen's state (issue 4): the filter, the page of rows it
// matched, the selection, and the entry, comparison or folder prompt on
// top of it. Rows come from the store through effects; nothing here
// touches the database.

import Model

/// What loading one or more entries is for: the reducer decides what to do
/// with the records when they arrive.
enum EntryPurpose: Equatable, Sendable {
    case show
    case refreshDetail
    case queryNow
    case editInForm
    case resend
    case copyRequest
    case copyResultURLs
    case saveImages
    case compareWithForm
    case compareRows
    /// Moving work on (issue 7): a result image into image2image or a new
    /// ControlNet unit, a text result into the form's prompt.
    case toImage2Image
    case toControlNetUnit
    case useTextAsPrompt
    /// Any result carried on (issue 17): its picture (the one at this
    /// position, else the first) into a field picked from every image
    /// field; its text (a candidate picked) anywhere text goes.
    case useImageAs(position: Int?)
    case useTextAs
    /// The row's request opened as the other kind of server's (issue 20, KindMoveReducer).
    case openAsOtherKind
}

/// A page of rows as the store answered a filter.
struct HistoryPage: Equatable, Sendable {
    let filter: String
    let rows: [HistorySummary]
    /// Rows matching the filter, counted up to a cap; nil for a next page (unchanged).
    let matchCount: Int?
    let countCapped: Bool
    /// More rows follow (the page was full).
    let hasMore: Bool
    /// Appends to the rows shown (the next page) rather than replacing them.
    let appending: Bool
    /// The first screenful (issue 18): more rows and the count follow, and
    /// `matchCount` is only how many were found so far.
    var counting = false
    /// Read past damage (issue 21): the page holds the rows that could be
    /// read, and `unreadable` counts those that could not.
    var damaged = false
    var unreadable = 0
}

/// The history file found damaged while the screen shows it (issue 21): the
/// list says so above its rows until zqt ends (a damaged file stays damaged
/// until `zqt history recover`, which wants this zqt closed).
struct HistoryListDamage: Equatable, Sendable {
    /// Rows of the pages on screen that could not be read (0: the damage was met elsewhere).
    var unreadable = 0
}

/// Two requests side by side, field by field.
struct ComparisonState: Equatable, Sendable {
    let title: String
    let changes: [RequestDiff.Change]
    var scroll = 0
    /// Where Esc goes back to: the list or the entry it was opened from.
    let returnTo: HistoryViewState.Mode
}

struct HistoryViewState: Equatable, Sendable {
    enum Mode: Equatable, Sendable { case list, detail, compare }

    var mode: Mode = .list
    var filter = TextBuffer("")
    /// Typing goes to the filter.
    var filterFocused = false
    var rows: [HistorySummary] = []
    var matchCount = 0
    var countCapped = false
    /// The filter the rows shown answer: until the typed one's answer
    /// comes, the count line says it is searching.
    var rowsFilter = ""
    /// The rows shown are the first screenful; the rest and the count follow.
    var counting = false
    var hasMore = false
    var loaded = false
    var selected = 0
    /// The first row on screen.
    var scroll = 0
    var detail: HistoryRecord?
    var detailScroll = 0
    var comparison: ComparisonState?
    /// The row picked with `m`, to compare another with.
    var marked: HistorySummary?
    /// The row to select when the list next loads (a submission just made).
    var pendingSelection: Int?
    /// An A1111 row's watch is due (A1111RowsWatch): one timer at a time.
    var a1111WatchScheduled = false
    /// What the current profile's A1111 server last said of its job, shown on its running row.
    var serverProgress: A1111ServerFraction?
    /// Set once any read or write met damage (issue 21): the list shows its
    /// rows read past it, under a line that says so, never an empty "no history".
    var damage: HistoryListDamage?

    /// Rows asked for at a time; more load as the selection nears the end.
    static let pageSize = 200
    /// A filter's rows shown before the rest and the count (more than a
    /// tall terminal's list holds), and matches counted up to (the line
    /// then says "200+"): the page's own rows, so the count costs no more
    /// than the page did. Counting on to 1,000 cost up to 150 ms of CPU
    /// for words that meet often but whose rows are each checked
    /// (docs/dev/measurements.md, filter18f).
    static let firstScreenRows = 64, countCap = pageSize

    var selectedRow: HistorySummary? { rows.indices.contains(selected) ? rows[selected] : nil }

    /// The entry actions apply to: the one open, else the selected row.
    var currentID: Int? { mode == .list ? selectedRow?.id : (detail?.id ?? selectedRow?.id) }
}
