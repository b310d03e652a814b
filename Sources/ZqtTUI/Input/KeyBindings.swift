// The one table from keys to named commands. The footer hints, the `?` help
// overlay, the command palette and the README's key table are all generated
// from it, so they never disagree with the code (ARCHITECTURE.md).
//
// Every command has a key that reaches the program in any terminal (a
// function key or a plain character); Ctrl-H/I/M/[ are never the only way.

enum Command: String, CaseIterable, Sendable {
    case submit
    case quit
    case help
    case palette
    case nextField
    case previousField
    case edit
    case stepUp
    case stepDown
    case coarseUp
    case coarseDown
    case togglePreview
    case previewUp
    case previewDown
    case addUnit
    case removeUnit
    case duplicateUnit
    case moveUnitUp
    case moveUnitDown
    case toggleUnit
    case back
    case randomSeed
    case reuseSeed
    case regenerateID
    case openInEditor
    case redraw
    case switchEndpoint
    case saveAsEndpoint
    case loadRequest
    // The form's request as a curl command on the clipboard (issue 10).
    case copyAsCurl
    // Profiles of the config file (issue 10).
    case switchProfile
    // Model lists (issue 9).
    case refreshModelLists
    case insertLora
    case insertEmbedding
    // History (issue 4).
    case history
    case filterHistory
    case showBatch
    case selectNext
    case selectPrevious
    case selectPageDown
    case selectPageUp
    case selectFirst
    case selectLast
    case openEntry
    case closeView
    case editInForm
    case resend
    case queryNow
    case deleteEntry
    case copyRequest
    case copyResultURLs
    case saveImages
    case markEntry
    case compareWithForm
    case compareWithMarked
    case toImage2Image
    case toControlNetUnit
    case useTextAsPrompt
    // Pictures (issue 11).
    case showPictures
    case nextPicture
    case previousPicture
    case enlargePicture
    case closePictures
    case contactSheet
    // Editing text (a field, a picker's filter, the history filter, an input box).
    case cursorLeft, cursorRight, wordLeft, wordRight, lineStart, lineEnd, cursorUp, cursorDown
    case deleteBackward, deleteForward, killToStart, killToEnd, deleteWordBackward, newLine
    case finishEdit, cancelEdit
    // Pickers and the history filter.
    case pickPrevious, pickNext, pickPageUp, pickPageDown, pickHighlighted, pickTyped, closeOverlay
    case confirmInput
    case filterDone, filterClear

    var title: String {
        switch self {
        case .submit: return "Send the request"
        case .quit: return "Quit"
        case .help: return "Show all keys"
        case .palette: return "Command palette"
        case .nextField: return "Next field"
        case .previousField: return "Previous field"
        case .edit: return "Edit or activate the field"
        case .stepUp: return "Slider or choice: next value"
        case .stepDown: return "Slider or choice: previous value"
        case .coarseUp: return "Slider: big step up"
        case .coarseDown: return "Slider: big step down"
        case .togglePreview: return "Show the form or the JSON (narrow terminals)"
        case .previewUp: return "Scroll the JSON preview up"
        case .previewDown: return "Scroll the JSON preview down"
        case .addUnit: return "Add a ControlNet unit"
        case .removeUnit: return "Remove the ControlNet unit"
        case .duplicateUnit: return "Duplicate the ControlNet unit"
        case .moveUnitUp: return "Move the ControlNet unit up"
        case .moveUnitDown: return "Move the ControlNet unit down"
        case .toggleUnit: return "Enable or disable the ControlNet unit"
        case .back: return "Back to the request (from a unit)"
        case .randomSeed: return "Seed: random (-1)"
        case .reuseSeed: return "Seed: reuse the last result's seed"
        case .regenerateID: return "New id_task"
        case .openInEditor: return "Edit the text in $EDITOR"
        case .redraw: return "Redraw the screen"
        case .switchEndpoint: return "Switch endpoint (every tool, or a custom request)"
        case .saveAsEndpoint: return "Save as your own endpoint"
        case .loadRequest: return "Load a request: JSON file or curl command"
        case .copyAsCurl: return "Copy the request as a curl command (OSC 52)"
        case .switchProfile: return "Switch profile (connection and keys from the config file)"
        case .refreshModelLists: return "Refresh the model lists (checkpoints, LoRAs, …)"
        case .insertLora: return "Insert a LoRA tag at the cursor (weight 1)"
        case .insertEmbedding: return "Insert an embedding at the cursor"
        case .history: return "History: open, or back to the form"
        case .filterHistory: return "Filter the history (prompt, task id, model, state, batch:ID)"
        case .showBatch: return "Show the row's whole batch (a sweep)"
        case .selectNext: return "Next row, or scroll down"
        case .selectPrevious: return "Previous row, or scroll up"
        case .selectPageDown: return "A page down"
        case .selectPageUp: return "A page up"
        case .selectFirst: return "Newest, or the top"
        case .selectLast: return "Oldest, or the bottom"
        case .openEntry: return "Open the entry: request, response, results, timings"
        case .closeView: return "Back (clears the filter first)"
        case .editInForm: return "Open into the form to edit and send again (new id_task)"
        case .resend: return "Send again unchanged (new id_task)"
        case .queryNow: return "Query the task now"
        case .deleteEntry: return "Delete from history"
        case .copyRequest: return "Copy the request JSON (OSC 52)"
        case .copyResultURLs: return "Copy the result URLs (OSC 52)"
        case .saveImages: return "Save the result images to a folder"
        case .markEntry: return "Mark for comparing"
        case .compareWithForm: return "Compare with the form"
        case .compareWithMarked: return "Compare with the marked entry"
        case .toImage2Image: return "Open the result image in image2image, settings carried over"
        case .toControlNetUnit: return "Open the result image as a new ControlNet unit"
        case .useTextAsPrompt: return "Use the text result as the prompt of the form"
        case .showPictures: return "The result images: choose one, enlarge it"
        case .nextPicture: return "Next image"
        case .previousPicture: return "Previous image"
        case .enlargePicture: return "Show the image as large as the terminal allows"
        case .closePictures: return "Back from the images"
        case .contactSheet: return "The batch's images as a contact sheet (a sweep)"
        case .cursorLeft: return "Cursor left"
        case .cursorRight: return "Cursor right"
        case .wordLeft: return "Cursor a word left"
        case .wordRight: return "Cursor a word right"
        case .lineStart: return "Cursor to the start of the line"
        case .lineEnd: return "Cursor to the end of the line"
        case .cursorUp: return "Cursor a line up"
        case .cursorDown: return "Cursor a line down"
        case .deleteBackward: return "Delete before the cursor"
        case .deleteForward: return "Delete under the cursor"
        case .killToStart: return "Delete to the start of the line"
        case .killToEnd: return "Delete to the end of the line"
        case .deleteWordBackward: return "Delete the word before the cursor"
        case .newLine: return "New line (multi-line fields)"
        case .finishEdit: return "Done: keep the text"
        case .cancelEdit: return "Cancel: back to the value before the edit"
        case .pickPrevious: return "Previous choice"
        case .pickNext: return "Next choice"
        case .pickPageUp: return "Choices: a page up"
        case .pickPageDown: return "Choices: a page down"
        case .pickHighlighted: return "Choose the highlighted one"
        case .pickTyped: return "Use the typed text as it is (free-text fields)"
        case .closeOverlay: return "Close without choosing"
        case .confirmInput: return "Confirm"
        case .filterDone: return "Done filtering: to the list"
        case .filterClear: return "Clear the filter"
        }
    }

    /// Short word for the footer.
    var footerWord: String {
        switch self {
        case .submit: return "send"
        case .quit: return "quit"
        case .help: return "help"
        case .palette: return "commands"
        case .nextField, .previousField: return "move"
        case .edit: return "edit"
        case .stepUp, .stepDown: return "adjust"
        case .coarseUp, .coarseDown: return "big step"
        case .togglePreview: return "form/JSON"
        case .previewUp, .previewDown: return "scroll JSON"
        case .addUnit: return "add unit"
        case .removeUnit: return "remove"
        case .duplicateUnit: return "duplicate"
        case .moveUnitUp, .moveUnitDown: return "reorder"
        case .toggleUnit: return "on/off"
        case .back: return "back"
        case .randomSeed: return "random"
        case .reuseSeed: return "last seed"
        case .regenerateID: return "new id"
        case .openInEditor: return "$EDITOR"
        case .redraw: return "redraw"
        case .switchEndpoint: return "endpoint"
        case .saveAsEndpoint: return "save as endpoint"
        case .loadRequest: return "load"
        case .copyAsCurl: return "copy curl"
        case .switchProfile: return "profile"
        case .refreshModelLists: return "refresh lists"
        case .insertLora: return "LoRA"
        case .insertEmbedding: return "embedding"
        case .history: return "history"
        case .filterHistory: return "filter"
        case .showBatch: return "batch"
        case .selectNext, .selectPrevious, .selectPageDown, .selectPageUp, .selectFirst, .selectLast: return "move"
        case .openEntry: return "open"
        case .closeView: return "back"
        case .editInForm: return "edit"
        case .resend: return "resend"
        case .queryNow: return "query"
        case .deleteEntry: return "delete"
        case .copyRequest: return "copy JSON"
        case .copyResultURLs: return "copy URLs"
        case .saveImages: return "save images"
        case .markEntry: return "mark"
        case .compareWithForm: return "vs form"
        case .compareWithMarked: return "vs marked"
        case .toImage2Image: return "→ img2img"
        case .toControlNetUnit: return "→ unit"
        case .useTextAsPrompt: return "→ prompt"
        case .showPictures: return "images"
        case .nextPicture, .previousPicture: return "image"
        case .enlargePicture: return "enlarge"
        case .closePictures: return "back"
        case .contactSheet: return "contact sheet"
        case .cursorLeft, .cursorRight, .cursorUp, .cursorDown: return "move"
        case .wordLeft, .wordRight: return "word"
        case .lineStart, .lineEnd: return "line"
        case .deleteBackward, .deleteForward: return "delete"
        case .killToStart, .killToEnd, .deleteWordBackward: return "kill"
        case .newLine: return "new line"
        case .finishEdit: return "done"
        case .cancelEdit, .closeOverlay: return "cancel"
        case .pickPrevious, .pickNext, .pickPageUp, .pickPageDown: return "select"
        case .pickHighlighted: return "choose"
        case .pickTyped: return "use typed text"
        case .confirmInput: return "save"
        case .filterDone: return "to the list"
        case .filterClear: return "clear"
        }
    }
}

/// Where a binding applies: everywhere, or only when the focused field is of a kind.
enum BindingScope: String, Sendable {
    case global
    /// The compose screen, whatever is focused.
    case compose
    case form
    case slider
    case choice
    case text
    case seed
    case idTask
    case unitRow
    case unitForm
    case historyList
    /// Typing into the history filter (keys not bound here edit the filter).
    case historyFilter
    case historyDetail
    /// A history row or the entry open: the actions on one submission.
    case historyEntry
    case comparison
    /// The compose screen after a task sent from it finished: its result moves on.
    case lastResult
    /// A form with ControlNet units (the repeated group).
    case unitsForm
    /// A custom request's form (issue 9).
    case customForm
    /// The prompt or negative prompt, focused or being edited: LoRA and embedding pickers.
    case promptText
    /// Editing a field's text (Enter on a text field).
    case textEditing
    /// Every one-line text box, and a field's text: cursor and delete keys.
    case lineEditing
    /// A picker: a list with a filter (choices, the palette, the endpoint switcher).
    case picker
    /// A box asking for one line (the folder to save images into).
    case inputBox
    /// The compose screen or a history entry with images (issue 11).
    case withPictures
    /// Keys on the results pane's thumbnails.
    case pictures
    /// One image as large as the terminal allows.
    case pictureZoom
    /// A sweep's images in a grid.
    case contactSheet
}

struct KeyBinding: Sendable {
    let keys: [Key]
    let command: Command
    let scope: BindingScope
    /// Shown in the footer when its scope applies.
    let inFooter: Bool
}

enum KeyBindings {
    /// The table in use: the shipped one with the config file's `[keys]`
    /// applied at start (ConfigAtStart), before the first frame; never
    /// changed after that.
    nonisolated(unsafe) static var table: [KeyBinding] = shipped

    static let shipped: [KeyBinding] = [
        KeyBinding(keys: [.function(5), .ctrl("s")], command: .submit, scope: .compose, inFooter: true),
        KeyBinding(keys: [.function(2), .ctrl("r")], command: .history, scope: .global, inFooter: true),
        KeyBinding(keys: [.char("?"), .function(1)], command: .help, scope: .global, inFooter: true),
        KeyBinding(keys: [.char(":"), .ctrl("p")], command: .palette, scope: .global, inFooter: true),
        KeyBinding(keys: [.char("q"), .function(10), .ctrl("c")], command: .quit, scope: .global, inFooter: true),
        KeyBinding(keys: [.tab, .down, .char("j")], command: .nextField, scope: .compose, inFooter: false),
        KeyBinding(keys: [.backTab, .up, .char("k")], command: .previousField, scope: .compose, inFooter: false),
        KeyBinding(keys: [.function(3), .char("v")], command: .togglePreview, scope: .compose, inFooter: false),
        KeyBinding(keys: [.char("]"), .shiftDown], command: .previewDown, scope: .compose, inFooter: false),
        KeyBinding(keys: [.char("["), .shiftUp], command: .previewUp, scope: .compose, inFooter: false),
        KeyBinding(keys: [.ctrl("l")], command: .redraw, scope: .global, inFooter: false),
        KeyBinding(keys: [.function(7), .ctrl("e")], command: .switchEndpoint, scope: .global, inFooter: true),
        KeyBinding(keys: [.char("L")], command: .loadRequest, scope: .compose, inFooter: false),
        // F11 is often the terminal's full screen, so P too; not in the footer (room for q quit).
        KeyBinding(keys: [.function(11), .char("P")], command: .switchProfile, scope: .global, inFooter: false),
        KeyBinding(keys: [.enter], command: .edit, scope: .form, inFooter: true),
        KeyBinding(keys: [.right, .char("l")], command: .stepUp, scope: .slider, inFooter: true),
        KeyBinding(keys: [.left, .char("h")], command: .stepDown, scope: .slider, inFooter: false),
        KeyBinding(keys: [.pageUp, .shiftRight], command: .coarseUp, scope: .slider, inFooter: true),
        KeyBinding(keys: [.pageDown, .shiftLeft], command: .coarseDown, scope: .slider, inFooter: false),
        KeyBinding(keys: [.right, .char("l")], command: .stepUp, scope: .choice, inFooter: true),
        KeyBinding(keys: [.left, .char("h")], command: .stepDown, scope: .choice, inFooter: false),
        KeyBinding(keys: [.char("e"), .function(4)], command: .openInEditor, scope: .text, inFooter: true),
        // Model lists (issue 9): control keys, so they work while the prompt is being typed too.
        // Not in the footer: on an 80-column screen they would push out q quit; ? and : list them.
        KeyBinding(keys: [.ctrl("t"), .function(8)], command: .insertLora, scope: .promptText, inFooter: false),
        KeyBinding(keys: [.ctrl("g"), .function(12)], command: .insertEmbedding, scope: .promptText, inFooter: false),
        KeyBinding(keys: [.char("R")], command: .refreshModelLists, scope: .compose, inFooter: false),
        // Not in the footer either (80 columns); `:` and `?` list it.
        KeyBinding(keys: [.char("Y")], command: .copyAsCurl, scope: .compose, inFooter: false),
        KeyBinding(keys: [.char("r")], command: .randomSeed, scope: .seed, inFooter: true),
        KeyBinding(keys: [.char("s")], command: .reuseSeed, scope: .seed, inFooter: true),
        KeyBinding(keys: [.char("g")], command: .regenerateID, scope: .idTask, inFooter: true),
        KeyBinding(keys: [.char("a"), .function(6)], command: .addUnit, scope: .unitsForm, inFooter: true),
        KeyBinding(keys: [.char("S")], command: .saveAsEndpoint, scope: .customForm, inFooter: true),
        KeyBinding(keys: [.char("x"), .delete], command: .removeUnit, scope: .unitRow, inFooter: true),
        KeyBinding(keys: [.char("d")], command: .duplicateUnit, scope: .unitRow, inFooter: true),
        KeyBinding(keys: [.char("K"), .alt("k")], command: .moveUnitUp, scope: .unitRow, inFooter: true),
        KeyBinding(keys: [.char("J"), .alt("j")], command: .moveUnitDown, scope: .unitRow, inFooter: false),
        KeyBinding(keys: [.char(" ")], command: .toggleUnit, scope: .unitRow, inFooter: true),
        KeyBinding(keys: [.escape, .function(9)], command: .back, scope: .unitForm, inFooter: true),
        // Editing text: a field's (Enter on it), and every one-line box.
        KeyBinding(keys: [.enter], command: .finishEdit, scope: .textEditing, inFooter: true),
        KeyBinding(keys: [.escape], command: .cancelEdit, scope: .textEditing, inFooter: true),
        KeyBinding(keys: [.tab], command: .nextField, scope: .textEditing, inFooter: false),
        KeyBinding(keys: [.backTab], command: .previousField, scope: .textEditing, inFooter: false),
        KeyBinding(keys: [.up], command: .cursorUp, scope: .textEditing, inFooter: false),
        KeyBinding(keys: [.down], command: .cursorDown, scope: .textEditing, inFooter: false),
        KeyBinding(keys: [.ctrl("j")], command: .newLine, scope: .textEditing, inFooter: true),
        KeyBinding(keys: [.function(4), .ctrl("o")], command: .openInEditor, scope: .textEditing, inFooter: true),
        KeyBinding(keys: [.function(5), .ctrl("s")], command: .submit, scope: .textEditing, inFooter: true),
        KeyBinding(keys: [.left, .ctrl("b")], command: .cursorLeft, scope: .lineEditing, inFooter: false),
        KeyBinding(keys: [.right, .ctrl("f")], command: .cursorRight, scope: .lineEditing, inFooter: false),
        KeyBinding(keys: [.ctrlLeft, .alt("b")], command: .wordLeft, scope: .lineEditing, inFooter: true),
        KeyBinding(keys: [.ctrlRight, .alt("f")], command: .wordRight, scope: .lineEditing, inFooter: false),
        KeyBinding(keys: [.home, .ctrl("a")], command: .lineStart, scope: .lineEditing, inFooter: false),
        KeyBinding(keys: [.end, .ctrl("e")], command: .lineEnd, scope: .lineEditing, inFooter: false),
        KeyBinding(keys: [.backspace, .ctrl("h")], command: .deleteBackward, scope: .lineEditing, inFooter: false),
        KeyBinding(keys: [.delete, .ctrl("d")], command: .deleteForward, scope: .lineEditing, inFooter: false),
        KeyBinding(keys: [.ctrl("u")], command: .killToStart, scope: .lineEditing, inFooter: true),
        KeyBinding(keys: [.ctrl("k")], command: .killToEnd, scope: .lineEditing, inFooter: false),
        KeyBinding(keys: [.ctrl("w")], command: .deleteWordBackward, scope: .lineEditing, inFooter: false),
        // Pickers (choices, the palette, the endpoint switcher) and input boxes.
        KeyBinding(keys: [.enter], command: .pickHighlighted, scope: .picker, inFooter: true),
        KeyBinding(keys: [.tab], command: .pickTyped, scope: .picker, inFooter: false),
        KeyBinding(keys: [.up, .ctrl("p")], command: .pickPrevious, scope: .picker, inFooter: false),
        KeyBinding(keys: [.down, .ctrl("n")], command: .pickNext, scope: .picker, inFooter: false),
        KeyBinding(keys: [.pageUp], command: .pickPageUp, scope: .picker, inFooter: false),
        KeyBinding(keys: [.pageDown], command: .pickPageDown, scope: .picker, inFooter: false),
        KeyBinding(keys: [.escape, .function(10), .ctrl("c")], command: .closeOverlay, scope: .picker, inFooter: true),
        KeyBinding(keys: [.enter], command: .confirmInput, scope: .inputBox, inFooter: true),
        KeyBinding(keys: [.escape, .function(10), .ctrl("c")], command: .closeOverlay, scope: .inputBox, inFooter: true),
        // The history screen (issue 4).
        KeyBinding(keys: [.enter, .tab], command: .filterDone, scope: .historyFilter, inFooter: true),
        KeyBinding(keys: [.escape], command: .filterClear, scope: .historyFilter, inFooter: true),
        KeyBinding(keys: [.down, .ctrl("n")], command: .selectNext, scope: .historyFilter, inFooter: true),
        KeyBinding(keys: [.up, .ctrl("p")], command: .selectPrevious, scope: .historyFilter, inFooter: false),
        KeyBinding(keys: [.pageDown], command: .selectPageDown, scope: .historyFilter, inFooter: false),
        KeyBinding(keys: [.pageUp], command: .selectPageUp, scope: .historyFilter, inFooter: false),
        KeyBinding(keys: [.char("/")], command: .filterHistory, scope: .historyList, inFooter: true),
        KeyBinding(keys: [.char("b")], command: .showBatch, scope: .historyList, inFooter: false),
        KeyBinding(keys: [.enter], command: .openEntry, scope: .historyList, inFooter: true),
        KeyBinding(keys: [.down, .char("j")], command: .selectNext, scope: .historyList, inFooter: false),
        KeyBinding(keys: [.up, .char("k")], command: .selectPrevious, scope: .historyList, inFooter: false),
        KeyBinding(keys: [.pageDown], command: .selectPageDown, scope: .historyList, inFooter: false),
        KeyBinding(keys: [.pageUp], command: .selectPageUp, scope: .historyList, inFooter: false),
        KeyBinding(keys: [.home, .char("g")], command: .selectFirst, scope: .historyList, inFooter: false),
        KeyBinding(keys: [.end, .char("G")], command: .selectLast, scope: .historyList, inFooter: false),
        KeyBinding(keys: [.escape], command: .closeView, scope: .historyList, inFooter: false),
        KeyBinding(keys: [.down, .char("j")], command: .selectNext, scope: .historyDetail, inFooter: false),
        KeyBinding(keys: [.up, .char("k")], command: .selectPrevious, scope: .historyDetail, inFooter: false),
        KeyBinding(keys: [.pageDown, .char(" ")], command: .selectPageDown, scope: .historyDetail, inFooter: false),
        KeyBinding(keys: [.pageUp], command: .selectPageUp, scope: .historyDetail, inFooter: false),
        KeyBinding(keys: [.home, .char("g")], command: .selectFirst, scope: .historyDetail, inFooter: false),
        KeyBinding(keys: [.end, .char("G")], command: .selectLast, scope: .historyDetail, inFooter: false),
        KeyBinding(keys: [.escape, .function(9)], command: .closeView, scope: .historyDetail, inFooter: true),
        KeyBinding(keys: [.char("e")], command: .editInForm, scope: .historyEntry, inFooter: true),
        KeyBinding(keys: [.char("r")], command: .resend, scope: .historyEntry, inFooter: true),
        KeyBinding(keys: [.char("u")], command: .queryNow, scope: .historyEntry, inFooter: true),
        KeyBinding(keys: [.char("y")], command: .copyRequest, scope: .historyEntry, inFooter: true),
        KeyBinding(keys: [.char("Y")], command: .copyResultURLs, scope: .historyEntry, inFooter: false),
        KeyBinding(keys: [.char("s")], command: .saveImages, scope: .historyEntry, inFooter: true),
        KeyBinding(keys: [.char("c")], command: .compareWithForm, scope: .historyEntry, inFooter: false),
        KeyBinding(keys: [.char("m")], command: .markEntry, scope: .historyEntry, inFooter: false),
        KeyBinding(keys: [.char("C")], command: .compareWithMarked, scope: .historyEntry, inFooter: false),
        KeyBinding(keys: [.char("x"), .delete], command: .deleteEntry, scope: .historyEntry, inFooter: true),
        KeyBinding(keys: [.char("i")], command: .toImage2Image, scope: .historyEntry, inFooter: false),
        KeyBinding(keys: [.char("n")], command: .toControlNetUnit, scope: .historyEntry, inFooter: false),
        KeyBinding(keys: [.char("p")], command: .useTextAsPrompt, scope: .historyEntry, inFooter: false),
        KeyBinding(keys: [.char("i")], command: .toImage2Image, scope: .lastResult, inFooter: false),
        KeyBinding(keys: [.char("n")], command: .toControlNetUnit, scope: .lastResult, inFooter: false),
        KeyBinding(keys: [.char("p")], command: .useTextAsPrompt, scope: .lastResult, inFooter: false),
        KeyBinding(keys: [.char("o")], command: .showPictures, scope: .withPictures, inFooter: true),
        KeyBinding(keys: [.char("O")], command: .contactSheet, scope: .historyEntry, inFooter: false),
        KeyBinding(keys: [.right, .char("l"), .tab], command: .nextPicture, scope: .pictures, inFooter: true),
        KeyBinding(keys: [.left, .char("h"), .backTab], command: .previousPicture, scope: .pictures, inFooter: false),
        KeyBinding(keys: [.enter], command: .enlargePicture, scope: .pictures, inFooter: true),
        KeyBinding(keys: [.escape, .char("o")], command: .closePictures, scope: .pictures, inFooter: true),
        KeyBinding(keys: [.right, .char("l"), .char(" ")], command: .nextPicture, scope: .pictureZoom, inFooter: true),
        KeyBinding(keys: [.left, .char("h")], command: .previousPicture, scope: .pictureZoom, inFooter: false),
        KeyBinding(keys: [.escape, .enter], command: .closePictures, scope: .pictureZoom, inFooter: true),
        KeyBinding(keys: [.escape, .enter], command: .closePictures, scope: .contactSheet, inFooter: true),
        KeyBinding(keys: [.down, .char("j")], command: .selectNext, scope: .comparison, inFooter: false),
        KeyBinding(keys: [.up, .char("k")], command: .selectPrevious, scope: .comparison, inFooter: false),
        KeyBinding(keys: [.pageDown, .char(" ")], command: .selectPageDown, scope: .comparison, inFooter: false),
        KeyBinding(keys: [.pageUp], command: .selectPageUp, scope: .comparison, inFooter: false),
        KeyBinding(keys: [.escape, .function(9)], command: .closeView, scope: .comparison, inFooter: true),
    ]

    /// A `[keys]` entry that cannot be applied: which command, and why.
    struct OverrideError: Error, Equatable {
        let command: String
        let message: String
    }

    /// `table` with each named command's keys replaced by the given ones, in
    /// every scope the command has. The new keys are taken from every other
    /// command, so the key does what the file says wherever the command applies.
    /// Commands are named as in the palette's code names ("submit",
    /// "switchEndpoint", also "switch_endpoint"); keys as the footer writes them.
    static func overridden(_ table: [KeyBinding], with overrides: [(command: String, keys: [String])]) throws(OverrideError) -> [KeyBinding] {
        var table = table
        for (name, keyNames) in overrides {
            let wanted = name.replacing("_", with: "").lowercased()
            guard let command = Command.allCases.first(where: { $0.rawValue.lowercased() == wanted }) else {
                throw OverrideError(command: name, message: "keys: no command \"\(name)\" (zqt keys lists them; e.g. submit, history, switchEndpoint)")
            }
            guard !keyNames.isEmpty else {
                throw OverrideError(command: name, message: "keys.\(name): give at least one key; a command without a key cannot be run")
            }
            var keys: [Key] = []
            for keyName in keyNames {
                guard let key = Key.named(keyName) else {
                    throw OverrideError(command: name, message: "keys.\(name): no key \"\(keyName)\" (write keys as F6, Ctrl-x, Alt-k, Enter, Esc, PgUp, Space or one character)")
                }
                if !keys.contains(key) { keys.append(key) }
            }
            table = table.map { binding in
                if binding.command == command {
                    return KeyBinding(keys: keys, command: command, scope: binding.scope, inFooter: binding.inFooter)
                }
                // Taken from every other command, whatever its scope: a narrower
                // scope (F6 adds a unit in a units form) would otherwise win over it.
                return KeyBinding(keys: binding.keys.filter { !keys.contains($0) }, command: binding.command,
                                  scope: binding.scope, inFooter: binding.inFooter)
            }
        }
        return table
    }

    /// The command a key runs in the given scopes (the first match wins,
    /// narrower scopes before global).
    static func command(for key: Key, scopes: [BindingScope]) -> Command? {
        command(for: key, only: scopes + [.global])
    }

    /// The command a key runs in exactly these scopes, the global ones not
    /// included: text boxes, pickers and the filter take every other key as text.
    static func command(for key: Key, only scopes: [BindingScope]) -> Command? {
        for scope in scopes {
            if let binding = table.first(where: { $0.scope == scope && $0.keys.contains(key) }) {
                return binding.command
            }
        }
        return nil
    }

    /// One line of hints for a set of scopes, from the table (overlays' own help lines).
    static func hintLine(_ scopes: [BindingScope]) -> String {
        var seen = Set<Command>()
        var parts: [String] = []
        for scope in scopes {
            for binding in table where binding.scope == scope && binding.inFooter && !binding.keys.isEmpty && !seen.contains(binding.command) {
                seen.insert(binding.command)
                parts.append("\(binding.keys[0].label) \(binding.command.footerWord)")
            }
        }
        return parts.joined(separator: " · ")
    }

    /// The first key of a command, for messages that say what to press next:
    /// a rebound key shows as it is bound.
    static func label(_ command: Command) -> String {
        keys(for: command).first?.label ?? command.title
    }

    static func keys(for command: Command) -> [Key] {
        table.filter { $0.command == command }.flatMap(\.keys)
    }

    /// The key table as Markdown, for the README (`zqt keys`).
    static var markdown: String {
        var lines = ["| keys | command | where |", "|---|---|---|"]
        for binding in table {
            let keys = binding.keys.map { "`\($0.label)`" }.joined(separator: " ")
            lines.append("| \(keys) | \(binding.command.title) | \(binding.scope.description) |")
        }
        return lines.joined(separator: "\n")
    }
}

extension BindingScope: CustomStringConvertible {
    var description: String {
        switch self {
        case .global: return "anywhere"
        case .compose: return "on the compose screen"
        case .form: return "in the form"
        case .slider: return "on a slider"
        case .choice: return "on a choice"
        case .text: return "on a text field"
        case .seed: return "on the seed"
        case .idTask: return "on id_task"
        case .unitRow: return "on a ControlNet unit row"
        case .unitForm: return "in a unit's form"
        case .historyList: return "in the history list"
        case .historyFilter: return "typing a history filter"
        case .historyDetail: return "in a history entry"
        case .historyEntry: return "on a history row or entry"
        case .comparison: return "comparing two requests"
        case .lastResult: return "on the compose screen, after a task finished"
        case .unitsForm: return "in a form with ControlNet units"
        case .customForm: return "in a custom request's form"
        case .promptText: return "on the prompt or negative prompt, or typing it"
        case .textEditing: return "editing a field's text"
        case .lineEditing: return "editing any text"
        case .picker: return "in a picker"
        case .inputBox: return "in an input box"
        case .withPictures: return "where a task's images are shown"
        case .pictures: return "on the result images"
        case .pictureZoom: return "on an enlarged image"
        case .contactSheet: return "on a contact sheet"
        }
    }
}
