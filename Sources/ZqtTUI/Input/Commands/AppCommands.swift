// The commands that work everywhere: the two screens, the key help, the
// palette, quitting, redrawing, the endpoint and profile switchers.

enum AppCommands {
    static let all: [CommandDeclaration] = [
        CommandDeclaration(.history, "History: open, or back to the form", footer: "history",
                           [.on(.global, .function(2), .ctrl("r"), footer: true)]) { state, _ in Reducer.openOrLeaveHistory(&state) },
        CommandDeclaration(.help, "Show all keys", footer: "help",
                           [.on(.global, .char("?"), .function(1), footer: true)]) { state, _ in Reducer.openHelp(&state) },
        CommandDeclaration(.palette, "Command palette", footer: "commands",
                           [.on(.global, .char(":"), .ctrl("p"), footer: true)]) { state, _ in Reducer.openPalette(&state) },
        CommandDeclaration(.quit, "Quit", footer: "quit",
                           // F10 and Ctrl-C even while typing (issue 19: docs said "anywhere", an edit stopped them); q is a letter there.
                           [.everywhere(.global, .char("q"), .function(10), .ctrl("c"), footer: true, whereText: Wording.quitKeysWhere)]) { state, _ in
            Reducer.quit(&state)
        },
        CommandDeclaration(.redraw, "Redraw the screen", footer: "redraw",
                           [.on(.global, .ctrl("l"))]) { state, _ in Reducer.redraw(&state) },
        CommandDeclaration(.switchEndpoint, Wording.switchEndpointTitle,
                           footer: "endpoint",
                           [.on(.global, .function(7), .ctrl("e"), footer: true)]) { state, _ in Reducer.openEndpointPicker(&state) },
        // F11 is often the terminal's full screen, so P too; not in the footer (room for q quit).
        CommandDeclaration(.switchProfile, "Switch profile (connection and keys from the config file)", footer: "profile",
                           [.on(.global, .function(11), .char("P"))]) { state, _ in Reducer.openProfilePicker(&state) },
        // A status line cut at the screen's edge says this key (Screen.renderStatus).
        CommandDeclaration(.showMessages, "Show the recent status messages whole", footer: "messages",
                           [.on(.global, .char("M"))]) { state, _ in Reducer.showMessages(&state) },
    ]
}
