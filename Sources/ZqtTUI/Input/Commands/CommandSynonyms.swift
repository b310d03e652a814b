// Words the `:` palette finds a command by besides its title (newcomer
// re-check of issue 19: `cancel` found nothing; the command is "stop
// following" or "interrupt"). Lowercase; matched anywhere in them.

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
    ]
}
