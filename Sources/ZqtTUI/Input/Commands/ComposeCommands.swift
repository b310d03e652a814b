// The compose screen's commands: moving through the form, changing values,
// sending, the JSON preview, the seed and task id, the text fields and the
// model lists, loading and copying requests, custom requests.

enum ComposeCommands {
    /// The form's commands do nothing on the history screen (the palette
    /// there lists none of them; a stray call changes nothing).
    static func onCompose(_ run: @escaping @Sendable (inout AppState) -> [Effect]) -> CommandDeclaration.Handler {
        { state, _ in state.screen == .compose ? run(&state) : [] }
    }

    static let all: [CommandDeclaration] = [
        // Before submit: in a field's edit the footer shows F4 $EDITOR, then F5 send.
        CommandDeclaration(.openInEditor, "Edit the text in $EDITOR", footer: "$EDITOR",
                           [.on(.text, .char("e"), .function(4), footer: true), .on(.textEditing, .function(4), .ctrl("o"), footer: true)],
                           perform: onCompose(Reducer.openInEditor)),
        CommandDeclaration(.submit, "Send the request", footer: "send",
                           [.on(.compose, .function(5), .ctrl("s"), footer: true), .on(.textEditing, .function(5), .ctrl("s"), footer: true)]) { state, _ in
            Reducer.submitFromForm(&state)
        },
        CommandDeclaration(.nextField, "Next field", footer: "move",
                           [.on(.compose, .tab, .down, .char("j")), .on(.textEditing, .tab)]) { state, _ in Reducer.stepFocus(&state, by: 1) },
        CommandDeclaration(.previousField, "Previous field", footer: "move",
                           [.on(.compose, .backTab, .up, .char("k")), .on(.textEditing, .backTab)]) { state, _ in Reducer.stepFocus(&state, by: -1) },
        CommandDeclaration(.togglePreview, "Show the form or the JSON (narrow terminals)", footer: "form/JSON",
                           [.on(.compose, .function(3), .char("v"))], perform: onCompose(Reducer.togglePreview)),
        CommandDeclaration(.previewDown, "Scroll the JSON preview down", footer: "scroll JSON",
                           [.on(.compose, .char("]"), .shiftDown)], perform: onCompose { Reducer.scrollPreview(&$0, down: true) }),
        CommandDeclaration(.previewUp, "Scroll the JSON preview up", footer: "scroll JSON",
                           [.on(.compose, .char("["), .shiftUp)], perform: onCompose { Reducer.scrollPreview(&$0, down: false) }),
        CommandDeclaration(.loadRequest, "Load a request: JSON file or curl command", footer: "load",
                           [.on(.compose, .char("L"))], perform: onCompose(Reducer.askForRequestToLoad)),
        CommandDeclaration(.edit, "Edit or activate the field", footer: "edit",
                           [.on(.form, .enter, footer: true)]) { state, _ in Reducer.editOrActivate(&state) },
        CommandDeclaration(.stepUp, "Slider or choice: next value", footer: "adjust",
                           [.on(.slider, .right, .char("l"), footer: true), .on(.choice, .right, .char("l"), footer: true)]) { state, _ in
            Reducer.stepValue(&state, .stepUp)
        },
        CommandDeclaration(.stepDown, "Slider or choice: previous value", footer: "adjust",
                           [.on(.slider, .left, .char("h")), .on(.choice, .left, .char("h"))]) { state, _ in Reducer.stepValue(&state, .stepDown) },
        CommandDeclaration(.coarseUp, "Slider: big step up", footer: "big step",
                           [.on(.slider, .pageUp, .shiftRight, footer: true)]) { state, _ in Reducer.stepValue(&state, .coarseUp) },
        CommandDeclaration(.coarseDown, "Slider: big step down", footer: "big step",
                           [.on(.slider, .pageDown, .shiftLeft)]) { state, _ in Reducer.stepValue(&state, .coarseDown) },
        CommandDeclaration(.typeNumber, "Type a number: sets the value exactly", footer: "type a number",
                           [.on(.number, keys: "0123456789-.".map { Key.char($0) })]) { state, key in Reducer.typeNumber(&state, key) },
        CommandDeclaration(.toggleField, "Switch on or off", footer: "on/off",
                           [.on(.toggle, .char(" "))]) { state, _ in Reducer.toggleField(&state) },
        // Model lists (issue 9): control keys, so they work while the prompt is being typed too.
        // Not in the footer: on an 80-column screen they would push out q quit; ? and : list them.
        CommandDeclaration(.insertLora, "Insert a LoRA tag at the cursor (weight 1)", footer: "LoRA",
                           [.on(.promptText, .ctrl("t"), .function(8))]) { state, _ in Reducer.insertModelToken(&state, .lora) },
        CommandDeclaration(.insertEmbedding, "Insert an embedding at the cursor", footer: "embedding",
                           [.on(.promptText, .ctrl("g"), .function(12))]) { state, _ in Reducer.insertModelToken(&state, .embedding) },
        // AUTOMATIC1111's attention keys (issue 19): `word` → `(word:1.1)`, back to `word` at 1.0.
        CommandDeclaration(.raiseWeight, "Raise the weight of the word or (group:w) at the cursor by 0.1", footer: "weight",
                           [.on(.promptText, .ctrlUp)]) { state, _ in Reducer.adjustWeight(&state, up: true) },
        CommandDeclaration(.lowerWeight, "Lower the weight of the word or (group:w) at the cursor by 0.1", footer: "weight",
                           [.on(.promptText, .ctrlDown)]) { state, _ in Reducer.adjustWeight(&state, up: false) },
        CommandDeclaration(.refreshModelLists, "Refresh the model lists (checkpoints, LoRAs, …)", footer: "refresh lists",
                           [.on(.compose, .char("R"))], perform: onCompose { Reducer.refreshModelLists(&$0, announce: true) }),
        // Not in the footer either (80 columns); `:` and `?` list it.
        CommandDeclaration(.copyAsCurl, "Copy the request as a curl command (OSC 52)", footer: "copy curl",
                           [.on(.compose, .char("Y"))], perform: onCompose(Reducer.copyRequestAsCurl)),
        // The config file read again (issue 19); also by itself on the next screen change when it changed.
        CommandDeclaration(.rereadConfig, "Read the config file again (profiles, [keys], [defaults])", footer: "config",
                           [.on(.compose, .char("F"))], perform: onCompose(Reducer.rereadConfig)),
        CommandDeclaration(.newForm, "New form: the endpoint's defaults and the config file's [defaults] (U brings this one back)", footer: "new",
                           [.on(.compose, .char("N"))], perform: onCompose(Reducer.newForm)),
        CommandDeclaration(.undoNewForm, "Bring back the form New replaced", footer: "undo new",
                           [.on(.compose, .char("U"))], perform: onCompose(Reducer.undoNewForm)),
        CommandDeclaration(.resetField, "Reset the field to its default", footer: "reset",
                           [.on(.form, .char("D"))], perform: onCompose(Reducer.resetField)),
        // Per kind of server (issue 20): the service has no cancel, so zqt only stops asking; an A1111 server stops its job.
        CommandDeclaration(.stopFollowing, Wording.stopFollowingTitle,
                           footer: "stop / interrupt",
                           [.on(.compose, .char("X"))], disabledWhen: { Reducer.cannotStopFollowing($0) },
                           perform: onCompose(Reducer.stopFollowing)),
        CommandDeclaration(.skipImage, "A1111 job: skip the picture being made, the batch goes on with the next", footer: "skip picture",
                           [.on(.compose, .char("B"))], onlyOn: .a1111, disabledWhen: { Reducer.cannotSkipImage($0) },
                           perform: onCompose(Reducer.skipImage)),
        CommandDeclaration(.randomSeed, "Seed: random (-1)", footer: "random",
                           [.on(.seed, .char("r"), footer: true)], perform: onCompose(Reducer.randomSeed)),
        CommandDeclaration(.reuseSeed, "Seed: reuse the last result's seed", footer: "last seed",
                           [.on(.seed, .char("s"), footer: true)], disabledWhen: { Reducer.cannotReuseSeed($0) },
                           perform: onCompose(Reducer.reuseSeed)),
        CommandDeclaration(.regenerateID, "New task id", footer: "new id",
                           [.on(.idTask, .char("g"), footer: true)], perform: onCompose(Reducer.newTaskID)),
        CommandDeclaration(.saveAsEndpoint, "Save as your own endpoint", footer: "save as endpoint",
                           [.on(.customForm, .char("S"), footer: true)], perform: onCompose(Reducer.askToSaveAsEndpoint)),
    ]
}
