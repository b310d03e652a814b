// The gallery's commands (issue 17): opened from anywhere, its filter (the
// history's), moving through the grid, and the actions on one picture:
// enlarged, its history entry opened, its entry deleted.

enum GalleryCommands {
    /// The gallery's commands do nothing elsewhere.
    private static func onGallery(_ run: @escaping @Sendable (inout AppState) -> [Effect]) -> CommandDeclaration.Handler {
        { state, _ in state.screen == .gallery ? run(&state) : [] }
    }

    static let all: [CommandDeclaration] = [
        // `I` (images) reaches zqt in any terminal; Ctrl-X also while typing a filter.
        CommandDeclaration(.gallery, "Gallery: every kept picture, or back", footer: "gallery",
                           [.on(.global, .char("I"), .ctrl("x"))]) { state, _ in GalleryReducer.openOrLeave(&state) },
        CommandDeclaration(.galleryEnlarge, "Show the picture as large as the terminal allows", footer: "enlarge",
                           [.on(.gallery, .enter, footer: true)], perform: onGallery(GalleryReducer.enlarge)),
        CommandDeclaration(.galleryOpenEntry, "Open the picture's history entry", footer: "entry",
                           [.on(.gallery, .char("o"), footer: true)], perform: onGallery(GalleryReducer.openEntry)),
        CommandDeclaration(.filterGallery, "Filter the pictures (prompt, task id, model, state, batch:ID)", footer: "filter",
                           [.on(.gallery, .char("/"), footer: true)], perform: onGallery(GalleryReducer.focusFilter)),
        CommandDeclaration(.galleryDelete, "Delete the picture's entry from history (asks first)", footer: "delete",
                           [.on(.gallery, .char("x"), .delete, footer: true)], perform: onGallery(GalleryReducer.askToDelete)),
        CommandDeclaration(.galleryRight, "Next picture (the grid stops at its last, and says so)", footer: "move",
                           [.on(.gallery, .right, .char("l"))], perform: onGallery { GalleryReducer.step(&$0, forward: true) }),
        CommandDeclaration(.galleryLeft, "Previous picture (the grid stops at its first, and says so)", footer: "move",
                           [.on(.gallery, .left, .char("h"))], perform: onGallery { GalleryReducer.step(&$0, forward: false) }),
        CommandDeclaration(.galleryDown, "A row of pictures down", footer: "move",
                           [.on(.gallery, .down, .char("j")), .on(.galleryFilter, .down, .ctrl("n"))],
                           perform: onGallery { GalleryReducer.moveRows(&$0, by: 1) }),
        CommandDeclaration(.galleryUp, "A row of pictures up", footer: "move",
                           [.on(.gallery, .up, .char("k")), .on(.galleryFilter, .up, .ctrl("p"))],
                           perform: onGallery { GalleryReducer.moveRows(&$0, by: -1) }),
        CommandDeclaration(.galleryPageDown, "A screen of pictures down", footer: "move",
                           [.on(.gallery, .pageDown, .char(" ")), .on(.galleryFilter, .pageDown)],
                           perform: onGallery { GalleryReducer.movePage(&$0, down: true) }),
        CommandDeclaration(.galleryPageUp, "A screen of pictures up", footer: "move",
                           [.on(.gallery, .pageUp), .on(.galleryFilter, .pageUp)],
                           perform: onGallery { GalleryReducer.movePage(&$0, down: false) }),
        CommandDeclaration(.galleryFirst, "The newest picture", footer: "move",
                           [.on(.gallery, .home, .char("g"))], perform: onGallery { GalleryReducer.moveToEnd(&$0, last: false) }),
        CommandDeclaration(.galleryLast, "The oldest picture (loads every page to it)", footer: "move",
                           [.on(.gallery, .end, .char("G"))], perform: onGallery { GalleryReducer.moveToEnd(&$0, last: true) }),
        CommandDeclaration(.closeGallery, "Back from the gallery (clears the filter first)", footer: "back",
                           [.on(.gallery, .escape, footer: true)], perform: onGallery(GalleryReducer.back)),
        CommandDeclaration(.galleryFilterDone, "Done filtering: to the pictures", footer: "to the pictures",
                           [.on(.galleryFilter, .enter, .tab, footer: true)], perform: onGallery(GalleryReducer.filterDone)),
        CommandDeclaration(.galleryFilterClear, "Clear the gallery's filter", footer: "clear",
                           [.on(.galleryFilter, .escape, footer: true)], perform: onGallery(GalleryReducer.clearFilter)),
    ]
}
