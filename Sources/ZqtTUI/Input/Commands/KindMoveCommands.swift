// Moving a request between kinds of server (issue 20): the form, or a
// history row's request, opened as the other kind's (zhiqite SD ↔ A1111
// txt2img/img2img). The logic is KindMoveReducer's.

enum KindMoveCommands {
    static let all: [CommandDeclaration] = [
        CommandDeclaration(.openAsOtherKind,
                           "Open as the other kind of server's request: zhiqite SD ↔ A1111 txt2img/img2img (U brings the form back)",
                           footer: "→ other kind",
                           [.on(.compose, .char("T")), .on(.historyEntry, .char("T"))]) { state, _ in
            Reducer.openAsOtherKind(&state)
        },
    ]
}
