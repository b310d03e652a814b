// The repeated group's commands: ControlNet units (zhiqite-api.md §1.3),
// added, removed, duplicated, reordered, switched on and off, opened and left.

enum UnitCommands {
    private static func editUnits(_ command: Command) -> CommandDeclaration.Handler {
        ComposeCommands.onCompose { state in
            Reducer.editUnits(&state, command)
            return []
        }
    }

    static let all: [CommandDeclaration] = [
        CommandDeclaration(.addUnit, "Add a ControlNet unit", footer: "add unit",
                           [.on(.unitsForm, .char("a"), .function(6), footer: true)],
                           disabledWhen: { Reducer.cannotAddUnit($0) }) { state, _ in Reducer.openAddUnitPicker(&state) },
        CommandDeclaration(.removeUnit, "Remove the ControlNet unit", footer: "remove",
                           [.on(.unitRow, .char("x"), .delete, footer: true)], perform: editUnits(.removeUnit)),
        CommandDeclaration(.duplicateUnit, "Duplicate the ControlNet unit", footer: "duplicate",
                           [.on(.unitRow, .char("d"), footer: true)], perform: editUnits(.duplicateUnit)),
        CommandDeclaration(.moveUnitUp, "Move the ControlNet unit up", footer: "reorder",
                           [.on(.unitRow, .char("K"), .alt("k"), footer: true)], perform: editUnits(.moveUnitUp)),
        CommandDeclaration(.moveUnitDown, "Move the ControlNet unit down", footer: "reorder",
                           [.on(.unitRow, .char("J"), .alt("j"))], perform: editUnits(.moveUnitDown)),
        CommandDeclaration(.toggleUnit, "Enable or disable the ControlNet unit", footer: "on/off",
                           [.on(.unitRow, .char(" "), footer: true)], perform: editUnits(.toggleUnit)),
        CommandDeclaration(.back, "Back to the request (from a unit)", footer: "back",
                           [.on(.unitForm, .escape, .function(9), footer: true)]) { state, _ in Reducer.leaveUnit(&state) },
    ]
}
