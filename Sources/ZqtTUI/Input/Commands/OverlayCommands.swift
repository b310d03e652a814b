// The overlays' commands: pickers (choices, the palette, the switchers, the
// model lists), input boxes, questions and the key help. A character in a
// picker or a box is text; in a question, a key it does not take says no;
// in the help, one it does not take closes it.

enum OverlayCommands {
    static let all: [CommandDeclaration] = [
        CommandDeclaration(.pickHighlighted, "Choose the highlighted one", footer: "choose",
                           [.on(.picker, .enter, footer: true)]) { state, _ in Reducer.pick(&state, typed: false) },
        CommandDeclaration(.pickTyped, "Use the typed text as it is (free-text fields)", footer: "use typed text",
                           [.on(.picker, .tab)]) { state, _ in Reducer.pick(&state, typed: true) },
        CommandDeclaration(.pickPrevious, "Previous choice", footer: "select",
                           [.on(.picker, .up, .ctrl("p"))]) { state, _ in Reducer.movePickerSelection(&state, by: -1) },
        CommandDeclaration(.pickNext, "Next choice", footer: "select",
                           [.on(.picker, .down, .ctrl("n"))]) { state, _ in Reducer.movePickerSelection(&state, by: 1) },
        CommandDeclaration(.pickPageUp, "Choices: a page up", footer: "select",
                           [.on(.picker, .pageUp)]) { state, _ in Reducer.movePickerSelection(&state, by: -10) },
        CommandDeclaration(.pickPageDown, "Choices: a page down", footer: "select",
                           [.on(.picker, .pageDown)]) { state, _ in Reducer.movePickerSelection(&state, by: 10) },
        CommandDeclaration(.confirmInput, "Confirm", footer: "save",
                           [.on(.inputBox, .enter, footer: true)]) { state, _ in Reducer.confirmInput(&state) },
        CommandDeclaration(.closeOverlay, "Close without choosing", footer: "cancel",
                           [.on(.picker, .escape, .function(10), .ctrl("c"), footer: true),
                            .on(.inputBox, .escape, .function(10), .ctrl("c"), footer: true)]) { state, _ in Reducer.closeOverlay(&state) },
        CommandDeclaration(.confirm, "Yes: do what the question asks", footer: "yes",
                           [.on(.confirmation, .char("y"), .char("Y"), footer: true)]) { state, _ in Reducer.answerYes(&state) },
        CommandDeclaration(.confirmResend, "Yes: send the history entry again", footer: "send",
                           [.on(.resendConfirmation, .enter, footer: true)]) { state, _ in Reducer.answerYes(&state) },
        CommandDeclaration(.deleteKeepingImages, "Delete, but keep zqt's copies of its images", footer: "keep the images",
                           [.on(.deleteConfirmation, .char("k"), footer: true)]) { state, _ in Reducer.deleteKeepingImages(&state) },
        CommandDeclaration(.helpDown, "Scroll the key help down", footer: "scroll",
                           [.on(.help, .down, .char("j"), footer: true)]) { state, _ in Reducer.scrollHelp(&state, by: 1) },
        CommandDeclaration(.helpUp, "Scroll the key help up", footer: "scroll",
                           [.on(.help, .up, .char("k"), footer: true)]) { state, _ in Reducer.scrollHelp(&state, by: -1) },
        CommandDeclaration(.helpPageDown, "Scroll the key help a page down", footer: "page",
                           [.on(.help, .pageDown)]) { state, _ in Reducer.scrollHelp(&state, by: 10) },
        CommandDeclaration(.helpPageUp, "Scroll the key help a page up", footer: "page",
                           [.on(.help, .pageUp)]) { state, _ in Reducer.scrollHelp(&state, by: -10) },
    ]
}
