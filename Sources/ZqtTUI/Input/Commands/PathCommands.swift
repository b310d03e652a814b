// Local files in image fields (issue 17): Tab completes a path while an
// image field is edited (and moves on when the text is no path), and a
// picker lists a folder's pictures to choose one.

enum PathCommands {
    private static func picker(_ run: @escaping @Sendable (inout AppState) -> [Effect]) -> CommandDeclaration.Handler {
        { state, _ in run(&state) }
    }

    static let all: [CommandDeclaration] = [
        // Tab in an image field: a path (/, ~, ./, ../ before the cursor) is completed; other text moves to the next field.
        CommandDeclaration(.completePath, "Complete the file path (text starting /, ~, ./ or ../); else next field", footer: "complete path",
                           [.on(.pathEditing, .tab, footer: true)], perform: picker(PathCompletionReducer.completeOrMove)),
        CommandDeclaration(.pickFile, "Pick a local picture for the image field", footer: "pick a file",
                           // Not in the footer: on 80 columns it would push out q quit; `?` lists it first on an image field.
                           [.on(.imageField, .char("f"), .ctrl("o"))],
                           perform: ComposeCommands.onCompose(PathCompletionReducer.openFilePicker)),
        CommandDeclaration(.fileChoose, "Open the folder, or choose the picture", footer: "choose",
                           [.on(.filePicker, .enter, footer: true)], perform: picker(PathCompletionReducer.choose)),
        CommandDeclaration(.fileParent, "Up a folder", footer: "up",
                           [.on(.filePicker, .backspace, .left, .char("h"), footer: true)], perform: picker(PathCompletionReducer.parent)),
        CommandDeclaration(.filterFiles, "Filter the files by name (as the history's filter)", footer: "filter",
                           [.on(.filePicker, .char("/"), footer: true)], perform: picker(PathCompletionReducer.focusPickerFilter)),
        CommandDeclaration(.fileFilterDone, "Done filtering: to the files", footer: "to the files",
                           [.on(.filePickerFilter, .enter, .tab, footer: true)], perform: picker(PathCompletionReducer.pickerFilterDone)),
        CommandDeclaration(.fileFilterClear, "Clear the file picker's filter", footer: "clear",
                           [.on(.filePickerFilter, .escape, footer: true)], perform: picker(PathCompletionReducer.clearPickerFilter)),
        CommandDeclaration(.fileNext, "Next file", footer: "select",
                           [.on(.filePicker, .down, .char("j"), .ctrl("n")), .on(.filePickerFilter, .down, .ctrl("n"))],
                           perform: picker { PathCompletionReducer.movePicker(&$0, by: 1) }),
        CommandDeclaration(.filePrevious, "Previous file", footer: "select",
                           [.on(.filePicker, .up, .char("k"), .ctrl("p")), .on(.filePickerFilter, .up, .ctrl("p"))],
                           perform: picker { PathCompletionReducer.movePicker(&$0, by: -1) }),
        CommandDeclaration(.filePageDown, "Files: a page down", footer: "select",
                           [.on(.filePicker, .pageDown), .on(.filePickerFilter, .pageDown)],
                           perform: picker { PathCompletionReducer.movePicker(&$0, by: PathCompletionReducer.pickerPage(state: $0)) }),
        CommandDeclaration(.filePageUp, "Files: a page up", footer: "select",
                           [.on(.filePicker, .pageUp), .on(.filePickerFilter, .pageUp)],
                           perform: picker { PathCompletionReducer.movePicker(&$0, by: -PathCompletionReducer.pickerPage(state: $0)) }),
        CommandDeclaration(.closeFilePicker, "Close the file picker without choosing", footer: "cancel",
                           [.on(.filePicker, .escape, .function(10), .ctrl("c"), .char("q"), footer: true)],
                           perform: picker(PathCompletionReducer.closePicker)),
    ]
}
