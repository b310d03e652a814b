// A command declared once (issue 16; lazygit's `Binding` is the precedent):
// its title, its footer word, the scopes it works in with their default
// keys, the reason it cannot run when it cannot, and its handler. The
// handler only points into a feature reducer (App/*Reducer.swift), where
// the logic lives. Declarations are grouped by feature, one file each in
// Input/Commands; `Commands.all` gathers them and the key table is made
// from them (KeyTable.shipped). Within a scope, the order of declaration is
// the order of the footer's hints.

import Model

struct CommandDeclaration: Sendable {
    /// The keys a command has by default in one scope, and whether the
    /// footer shows them there.
    struct Keys: Sendable {
        let scope: BindingScope
        let keys: [Key]
        let inFooter: Bool
        /// Its keys that are not characters work everywhere, typing included (KeyBinding.evenWhileTyping).
        var evenWhileTyping = false
        /// Where it works in words, when its scope's description would not say it exactly.
        var whereText: String?

        static func on(_ scope: BindingScope, _ keys: Key..., footer: Bool = false) -> Keys {
            Keys(scope: scope, keys: keys, inFooter: footer)
        }

        /// Keys that work everywhere: the scope's, and their non-character keys while typing too.
        static func everywhere(_ scope: BindingScope, _ keys: Key..., footer: Bool = false, whereText: String) -> Keys {
            Keys(scope: scope, keys: keys, inFooter: footer, evenWhileTyping: true, whereText: whereText)
        }

        static func on(_ scope: BindingScope, keys: [Key], footer: Bool = false) -> Keys {
            Keys(scope: scope, keys: keys, inFooter: footer)
        }
    }

    /// What the command does: the state changed, the effects asked for. The
    /// key is the one pressed (nil from the palette).
    typealias Handler = @Sendable (inout AppState, Key?) -> [Effect]

    let command: Command
    let title: String
    let footerWord: String
    let keys: [Keys]
    /// Why the command cannot run now, said in the status line instead; nil when it can.
    let disabledReason: (@Sendable (AppState) -> String?)?
    /// The one kind of server the command exists for (A1111's skip): on a
    /// profile of the other kind the help and the palette leave it out, its
    /// key says so, and `zqt keys` marks it (newcomer19: B in a zhiqite palette).
    let onlyOn: ServerKind?
    let perform: Handler

    init(_ command: Command, _ title: String, footer: String, _ keys: [Keys], onlyOn: ServerKind? = nil,
         disabledWhen disabledReason: (@Sendable (AppState) -> String?)? = nil, perform: @escaping Handler) {
        self.command = command
        self.title = title
        self.footerWord = footer
        self.keys = keys
        self.onlyOn = onlyOn
        self.disabledReason = disabledReason
        self.perform = perform
    }
}

enum Commands {
    /// Every declaration, feature by feature. The order of the files matters
    /// only within a scope two of them share (the footer's order there).
    static let all: [CommandDeclaration] = AppCommands.all + EditingCommands.all + ComposeCommands.all + UnitCommands.all
        + PictureCommands.all + OverlayCommands.all + HistoryCommands.all + PathCommands.all + GalleryCommands.all + KindMoveCommands.all

    private static let byCommand: [Command: CommandDeclaration] =
        Dictionary(all.map { ($0.command, $0) }, uniquingKeysWith: { first, _ in first })

    /// A command's declaration (a test holds every command to exactly one).
    static func declaration(of command: Command) -> CommandDeclaration {
        guard let declaration = byCommand[command] else { preconditionFailure("\(command) is not declared in Input/Commands") }
        return declaration
    }

    /// Whether the command exists for a profile of this kind of server (the help and the palette list it).
    static func exists(_ command: Command, on server: ServerKind) -> Bool {
        declaration(of: command).onlyOn.map { $0 == server } ?? true
    }

    /// Runs a command: the reason it cannot run goes to the status line, or
    /// its handler runs.
    static func perform(_ state: inout AppState, _ command: Command, key: Key? = nil) -> [Effect] {
        let declaration = declaration(of: command)
        if let kind = declaration.onlyOn, kind != state.connection.server {
            state.status = StatusMessage(text: Wording.commandOnlyOn(state.keys.label(command), kind, here: state.connection.server), kind: .error)
            return []
        }
        if let reason = declaration.disabledReason?(state) {
            state.status = StatusMessage(text: reason, kind: .error)
            return []
        }
        return declaration.perform(&state, key)
    }
}
