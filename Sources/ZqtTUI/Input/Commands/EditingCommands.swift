// Editing text: a field's (Enter on it), and every one-line box (a picker's
// filter, an input box, the history filter). Characters typed there are
// text, never commands; these are the other keys.

enum EditingCommands {
    private static func edit(_ command: Command) -> CommandDeclaration.Handler {
        { state, _ in Reducer.editText(&state, command) }
    }

    static let all: [CommandDeclaration] = [
        CommandDeclaration(.finishEdit, "Done: keep the text", footer: "done",
                           [.on(.textEditing, .enter, footer: true)]) { state, _ in Reducer.finishEditing(&state) },
        CommandDeclaration(.cancelEdit, "Cancel: back to the value before the edit (or end a selection)", footer: "cancel",
                           [.on(.textEditing, .escape, footer: true)]) { state, _ in Reducer.cancelEdit(&state) },
        // A selection as terminal editors make one (issue 19); typing replaces it, Esc or a plain motion ends it.
        // Shift-drag stays the terminal's own selection (mouse reporting leaves Shift to it).
        CommandDeclaration(.selectLeft, "Select: grow the selection a character left", footer: "select",
                           [.on(.textEditing, .shiftLeft)], perform: edit(.selectLeft)),
        CommandDeclaration(.selectRight, "Select: grow the selection a character right", footer: "select",
                           [.on(.textEditing, .shiftRight)], perform: edit(.selectRight)),
        CommandDeclaration(.selectWordLeft, "Select: grow the selection a word left", footer: "select",
                           [.on(.textEditing, .ctrlShiftLeft)], perform: edit(.selectWordLeft)),
        CommandDeclaration(.selectWordRight, "Select: grow the selection a word right", footer: "select",
                           [.on(.textEditing, .ctrlShiftRight)], perform: edit(.selectWordRight)),
        CommandDeclaration(.selectLineStart, "Select to the start of the line", footer: "select",
                           [.on(.textEditing, .shiftHome)], perform: edit(.selectLineStart)),
        CommandDeclaration(.selectLineEnd, "Select to the end of the line", footer: "select",
                           [.on(.textEditing, .shiftEnd)], perform: edit(.selectLineEnd)),
        CommandDeclaration(.cursorUp, "Cursor a line up", footer: "move", [.on(.textEditing, .up)], perform: edit(.cursorUp)),
        CommandDeclaration(.cursorDown, "Cursor a line down", footer: "move", [.on(.textEditing, .down)], perform: edit(.cursorDown)),
        CommandDeclaration(.newLine, "New line (multi-line fields)", footer: "new line",
                           [.on(.textEditing, .ctrl("j"), footer: true)]) { state, _ in Reducer.newLine(&state) },
        CommandDeclaration(.cursorLeft, "Cursor left", footer: "move", [.on(.lineEditing, .left, .ctrl("b"))], perform: edit(.cursorLeft)),
        CommandDeclaration(.cursorRight, "Cursor right", footer: "move", [.on(.lineEditing, .right, .ctrl("f"))], perform: edit(.cursorRight)),
        CommandDeclaration(.wordLeft, "Cursor a word left", footer: "word",
                           [.on(.lineEditing, .ctrlLeft, .alt("b"), footer: true)], perform: edit(.wordLeft)),
        CommandDeclaration(.wordRight, "Cursor a word right", footer: "word", [.on(.lineEditing, .ctrlRight, .alt("f"))], perform: edit(.wordRight)),
        CommandDeclaration(.lineStart, "Cursor to the start of the line", footer: "line",
                           [.on(.lineEditing, .home, .ctrl("a"))], perform: edit(.lineStart)),
        CommandDeclaration(.lineEnd, "Cursor to the end of the line", footer: "line", [.on(.lineEditing, .end, .ctrl("e"))], perform: edit(.lineEnd)),
        // Alt-< and Alt-> as in Emacs and readline, for terminals and links that do not pass Ctrl-Home/End.
        CommandDeclaration(.textStart, "Cursor to the start of the text", footer: "text",
                           [.on(.lineEditing, .ctrlHome, .alt("<"))], perform: edit(.textStart)),
        CommandDeclaration(.textEnd, "Cursor to the end of the text", footer: "text",
                           [.on(.lineEditing, .ctrlEnd, .alt(">"))], perform: edit(.textEnd)),
        CommandDeclaration(.deleteBackward, "Delete before the cursor", footer: "delete",
                           [.on(.lineEditing, .backspace, .ctrl("h"))], perform: edit(.deleteBackward)),
        CommandDeclaration(.deleteForward, "Delete under the cursor", footer: "delete",
                           [.on(.lineEditing, .delete, .ctrl("d"))], perform: edit(.deleteForward)),
        // The logical line, up to a newline, however it wraps (readline, emacs); at its edge, the newline: the lines join.
        CommandDeclaration(.killToStart, "Delete to the start of the line (at its start: join the line above)", footer: "kill",
                           [.on(.lineEditing, .ctrl("u"), footer: true)], perform: edit(.killToStart)),
        CommandDeclaration(.killToEnd, "Delete to the end of the line (at its end: join the next line)", footer: "kill",
                           [.on(.lineEditing, .ctrl("k"))], perform: edit(.killToEnd)),
        CommandDeclaration(.deleteWordBackward, "Delete the word before the cursor", footer: "kill",
                           [.on(.lineEditing, .ctrl("w"))], perform: edit(.deleteWordBackward)),
        // The names offered under the cursor while a prompt is typed (issue 19). Enter is the list's only
        // once ↓/↑ highlighted a name: else it ends the edit as always (PromptCompletion).
        CommandDeclaration(.completionTake, "Take the offered name (the highlighted one, else the first)", footer: "take name",
                           [.on(.completion, .tab, footer: true)]) { state, _ in Reducer.takeCompletion(&state) },
        CommandDeclaration(.completionTakeChosen, "Take the highlighted name", footer: "take name",
                           [.on(.completionChosen, .enter, footer: true)]) { state, _ in Reducer.takeCompletion(&state) },
        CommandDeclaration(.completionNext, "Highlight the next offered name", footer: "names",
                           [.on(.completion, .down)]) { state, _ in Reducer.moveCompletion(&state, by: 1) },
        CommandDeclaration(.completionPrevious, "Highlight the previous offered name", footer: "names",
                           [.on(.completion, .up)]) { state, _ in Reducer.moveCompletion(&state, by: -1) },
        CommandDeclaration(.closeCompletion, "Close the offered names (the text stays)", footer: "close list",
                           [.on(.completion, .escape, footer: true)]) { state, _ in Reducer.closeCompletion(&state) },
    ]
}
