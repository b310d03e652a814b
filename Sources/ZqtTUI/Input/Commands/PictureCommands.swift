// The pictures' commands (issue 11): a task's images chosen, enlarged and
// left, and a sweep's contact sheet. Stepping through them goes round
// (PictureReducer.stepPicture), which their titles say (leftovers20: undocumented).

enum PictureCommands {
    static let all: [CommandDeclaration] = [
        CommandDeclaration(.showPictures, "The result images: choose one, enlarge it", footer: "images",
                           [.on(.withPictures, .char("o"), footer: true)]) { state, _ in PictureReducer.showPictures(&state) },
        CommandDeclaration(.contactSheet, "The batch's images as a contact sheet (a sweep)", footer: "contact sheet",
                           [.on(.historyEntry, .char("O"))]) { state, _ in PictureReducer.askForContactSheet(&state) },
        // Previous before next: the footer joins the two into `←/→ image` (leftovers24: only `→ image` was said).
        CommandDeclaration(.previousPicture, "Previous image (before the first, the last)", footer: "image",
                           [.on(.pictures, .left, .char("h"), .backTab, footer: true), .on(.pictureZoom, .left, .char("h"), footer: true)]) { state, _ in
            PictureReducer.stepPicture(&state, forward: false)
        },
        CommandDeclaration(.nextPicture, "Next image (after the last, the first)", footer: "image",
                           [.on(.pictures, .right, .char("l"), .tab, footer: true), .on(.pictureZoom, .right, .char("l"), .char(" "), footer: true)]) { state, _ in
            PictureReducer.stepPicture(&state, forward: true)
        },
        CommandDeclaration(.enlargePicture, "Show the image as large as the terminal allows", footer: "enlarge",
                           [.on(.pictures, .enter, footer: true)]) { state, _ in PictureReducer.enlargePicture(&state) },
        CommandDeclaration(.scrollResultsDown, "Scroll the text results down", footer: "scroll",
                           [.on(.pictures, .down, .char("j"), .pageDown)]) { state, key in
            PictureReducer.scrollResults(&state, down: true, page: key == .pageDown)
        },
        CommandDeclaration(.scrollResultsUp, "Scroll the text results up", footer: "scroll",
                           [.on(.pictures, .up, .char("k"), .pageUp)]) { state, key in
            PictureReducer.scrollResults(&state, down: false, page: key == .pageUp)
        },
        CommandDeclaration(.fetchRestOfPictures, "Fetch the images left unfetched (beyond what one task may bring)", footer: "fetch the rest",
                           [.on(.pictures, .char("f"))], disabledWhen: PictureReducer.nothingLeftUnfetched) { state, _ in
            PictureReducer.fetchRestOfPictures(&state)
        },
        CommandDeclaration(.closePictures, "Back from the images", footer: "back",
                           [.on(.pictures, .escape, .char("o"), footer: true), .on(.pictureZoom, .escape, .enter, footer: true),
                            .on(.contactSheet, .escape, .enter, footer: true)]) { state, _ in PictureReducer.backFromPictures(&state) },
    ]
}
