// The history screen's commands (issue 4): the filter, moving through the
// rows and an entry, opening and leaving, and the actions on one submission;
// a finished task's result carried on, from the history or the compose screen.

enum HistoryCommands {
    /// The history's commands do nothing on the compose screen.
    private static func onHistory(_ run: @escaping @Sendable (inout AppState) -> [Effect]) -> CommandDeclaration.Handler {
        { state, _ in state.screen == .history ? run(&state) : [] }
    }

    /// An action on the whole record, read fresh from the store.
    private static func onRecord(_ purpose: EntryPurpose) -> CommandDeclaration.Handler {
        onHistory { Reducer.loadCurrent($0, purpose) }
    }

    static let all: [CommandDeclaration] = [
        CommandDeclaration(.filterHistory, "Filter the history (prompt, task id, model, state, a text result, endpoint:NAME, batch:ID)", footer: "filter",
                           [.on(.historyList, .char("/"), footer: true)], perform: onHistory(Reducer.focusHistoryFilter)),
        CommandDeclaration(.filterDone, "Done filtering: to the list", footer: "to the list",
                           [.on(.historyFilter, .enter, .tab, footer: true)], perform: onHistory(Reducer.filterDone)),
        // Esc steps back one thing a press, as lazygit's does in a filtered list (leftovers23): the filter's
        // edit and its words, then (on the list) a filter kept with Enter, then the history itself.
        CommandDeclaration(.filterClear, "Clear the filter and leave it: the list has the keys (letters are its commands)", footer: "clear",
                           [.on(.historyFilter, .escape, footer: true)], perform: onHistory(Reducer.clearHistoryFilter)),
        CommandDeclaration(.selectNext, "Next row, or scroll down", footer: "move",
                           [.on(.historyFilter, .down, .ctrl("n"), footer: true), .on(.historyList, .down, .char("j")),
                            .on(.historyDetail, .down, .char("j")), .on(.comparison, .down, .char("j"))],
                           perform: onHistory { Reducer.moveInHistory(&$0, by: 1) }),
        CommandDeclaration(.selectPrevious, "Previous row, or scroll up", footer: "move",
                           [.on(.historyFilter, .up, .ctrl("p")), .on(.historyList, .up, .char("k")),
                            .on(.historyDetail, .up, .char("k")), .on(.comparison, .up, .char("k"))],
                           perform: onHistory { Reducer.moveInHistory(&$0, by: -1) }),
        CommandDeclaration(.selectPageDown, "A page down", footer: "move",
                           [.on(.historyFilter, .pageDown), .on(.historyList, .pageDown),
                            .on(.historyDetail, .pageDown, .char(" ")), .on(.comparison, .pageDown, .char(" "))],
                           perform: onHistory { Reducer.pageInHistory(&$0, down: true) }),
        CommandDeclaration(.selectPageUp, "A page up", footer: "move",
                           [.on(.historyFilter, .pageUp), .on(.historyList, .pageUp), .on(.historyDetail, .pageUp), .on(.comparison, .pageUp)],
                           perform: onHistory { Reducer.pageInHistory(&$0, down: false) }),
        CommandDeclaration(.showBatch, "Show the row's whole batch (a sweep)", footer: "batch",
                           [.on(.historyList, .char("b"))], perform: onHistory(Reducer.showBatch)),
        CommandDeclaration(.openEntry, "Open the entry: request, response, results, timings", footer: "open",
                           [.on(.historyList, .enter, footer: true)], perform: onHistory(Reducer.openEntry)),
        CommandDeclaration(.selectFirst, "Newest, or the top", footer: "move",
                           [.on(.historyList, .home, .char("g")), .on(.historyDetail, .home, .char("g"))],
                           perform: onHistory { Reducer.moveToHistoryEnd(&$0, last: false) }),
        CommandDeclaration(.selectLast, "Oldest, or the bottom", footer: "move",
                           [.on(.historyList, .end, .char("G")), .on(.historyDetail, .end, .char("G"))],
                           perform: onHistory { Reducer.moveToHistoryEnd(&$0, last: true) }),
        CommandDeclaration(.closeView, "Back one step: on the list, a filter cleared first, then to the form", footer: "back",
                           [.on(.historyList, .escape), .on(.historyDetail, .escape, .function(9), footer: true),
                            .on(.comparison, .escape, .function(9), footer: true)], perform: onHistory(Reducer.closeHistoryView)),
        CommandDeclaration(.editInForm, "Open into the form to edit and send again (new id_task)", footer: "edit",
                           [.on(.historyEntry, .char("e"), footer: true)], perform: onRecord(.editInForm)),
        CommandDeclaration(.resend, "Send again unchanged, a new task (new id_task): asks first", footer: "resend",
                           [.on(.historyEntry, .char("r"), footer: true)], perform: onRecord(.resend)),
        CommandDeclaration(.queryNow, "Query the task now", footer: "query",
                           [.on(.historyEntry, .char("u"), footer: true)], perform: onRecord(.queryNow)),
        CommandDeclaration(.copyRequest, "Copy the request JSON (OSC 52)", footer: "copy JSON",
                           [.on(.historyEntry, .char("y"), footer: true)], perform: onRecord(.copyRequest)),
        CommandDeclaration(.copyResultURLs, "Copy the result URLs (OSC 52)", footer: "copy URLs",
                           [.on(.historyEntry, .char("Y"))], perform: onRecord(.copyResultURLs)),
        CommandDeclaration(.saveImages, "Save the result images to a folder", footer: "save images",
                           [.on(.historyEntry, .char("s"), footer: true)], perform: onRecord(.saveImages)),
        CommandDeclaration(.compareWithForm, "Compare with the form", footer: "vs form",
                           [.on(.historyEntry, .char("c"))], perform: onRecord(.compareWithForm)),
        CommandDeclaration(.markEntry, "Mark for comparing", footer: "mark",
                           [.on(.historyEntry, .char("m"))], perform: onHistory(Reducer.markEntry)),
        CommandDeclaration(.compareWithMarked, "Compare with the marked entry", footer: "vs marked",
                           [.on(.historyEntry, .char("C"))], disabledWhen: { Reducer.cannotCompareWithMarked($0) },
                           perform: onHistory(Reducer.compareWithMarked)),
        CommandDeclaration(.deleteEntry, "Delete from history", footer: "delete",
                           [.on(.historyEntry, .char("x"), .delete, footer: true)], perform: onHistory(Reducer.askToDeleteEntry)),
        CommandDeclaration(.useAs, "Use the result image as… (any image field of any endpoint)", footer: "use as…",
                           [.on(.historyEntry, .char("A")), .on(.lastResult, .char("A")), .on(.pictures, .char("A"))]) { state, _ in
            Reducer.useResultImageAs(&state)
        },
        CommandDeclaration(.toImage2Image, "Open the result image in image2image, settings carried over", footer: "→ img2img",
                           [.on(.historyEntry, .char("i")), .on(.lastResult, .char("i")), .on(.pictures, .char("i"))]) { state, _ in
            Reducer.carryResult(&state, .toImage2Image)
        },
        CommandDeclaration(.toControlNetUnit, "Open the result image as a new ControlNet unit", footer: "→ unit",
                           [.on(.historyEntry, .char("n")), .on(.lastResult, .char("n")), .on(.pictures, .char("n"))]) { state, _ in
            Reducer.carryResult(&state, .toControlNetUnit)
        },
        CommandDeclaration(.useTextAsPrompt, "Use a text result as the prompt of the form (which one, when there are several)",
                           footer: "→ prompt",
                           [.on(.historyEntry, .char("p")), .on(.lastResult, .char("p")), .on(.pictures, .char("p"))]) { state, _ in
            Reducer.useResultText(&state, toPrompt: true)
        },
        CommandDeclaration(.useTextAs, "Use a text result as… (prompt, negative prompt, any text field, the clipboard)",
                           footer: "use text as…",
                           [.on(.historyEntry, .char("t")), .on(.lastResult, .char("t")), .on(.pictures, .char("t"))]) { state, _ in
            Reducer.useResultText(&state, toPrompt: false)
        },
    ]
}
