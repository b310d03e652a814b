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
        CommandDeclaration(.cancelEdit, "Cancel: back to the value before the edit", footer: "cancel",
                           [.on(.textEditing, .escape, footer: true)]) { state, _ in Reducer.cancelEdit(&state) },
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
        CommandDeclaration(.deleteBackward, "Delete before the cursor", footer: "delete",
                           [.on(.lineEditing, .backspace, .ctrl("h"))], perform: edit(.deleteBackward)),
        CommandDeclaration(.deleteForward, "Delete under the cursor", footer: "delete",
                           [.on(.lineEditing, .delete, .ctrl("d"))], perform: edit(.deleteForward)),
        CommandDeclaration(.killToStart, "Delete to the start of the line", footer: "kill",
                           [.on(.lineEditing, .ctrl("u"), footer: true)], perform: edit(.killToStart)),
        CommandDeclaration(.killToEnd, "Delete to the end of the line", footer: "kill", [.on(.lineEditing, .ctrl("k"))], perform: edit(.killToEnd)),
        CommandDeclaration(.deleteWordBackward, "Delete the word before the cursor", footer: "kill",
                           [.on(.lineEditing, .ctrl("w"))], perform: edit(.deleteWordBackward)),
    ]
}
