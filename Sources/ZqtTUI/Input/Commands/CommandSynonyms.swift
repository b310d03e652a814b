// Words the `:` palette finds a command by besides its title (newcomer
// re-check of issue 19: `cancel` found nothing; the command is "stop
// following" or "interrupt"). Lowercase; matched anywhere in them.
// The footer's word for the command is one of them (leftovers20: the
// footer says `enlarge`, `resend`, `reorder`, the title does not).

enum CommandSynonyms {
    static let words: [Command: String] = [
        .stopFollowing: "cancel abort kill stop task",
        .skipImage: "cancel skip",
        .filterHistory: "search find endpoint: text result batch:",
        .switchEndpoint: "tool form api",
        .switchProfile: "server connection account keys",
        .showMessages: "log status error notes",
        .loadRequest: "import open paste curl file",
        .copyAsCurl: "export clipboard",
        .rereadConfig: "reload settings",
        .resetField: "default undo",
        // leftovers20: `convert` found nothing; T is the converter between the two kinds of server.
        .openAsOtherKind: "convert translate port",
        .toImage2Image: "img2img",
        .help: "help keys bindings",
        .palette: "commands",
        .undoNewForm: "undo restore",
        .resend: "retry repeat rerun again",
        .pickFile: "file browse open",
        .enlargePicture: "zoom full screen",
        .galleryEnlarge: "zoom full screen",
    ]

    /// What the palette finds the command by besides its title: its footer word and the words above.
    static func searchWords(_ command: Command) -> String {
        ([command.footerWord.lowercased()] + (words[command].map { [$0] } ?? [])).joined(separator: " ")
    }
}
