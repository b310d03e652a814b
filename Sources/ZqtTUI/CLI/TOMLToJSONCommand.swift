// `zqt __toml-to-json`: the config file's TOML on stdin, its JSON on stdout
// (exit 0), or "LINE\tCOLUMN\tMESSAGE" (exit 1). zqt runs itself with it at
// start when a config file exists (TOMLBridge.inChild), so the full
// Foundation TOMLKit needs is loaded by this short-lived process only.

import ArgumentParser
import Model

struct TOMLToJSONCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: TOMLBridge.childCommand,
        abstract: "Convert TOML on standard input to JSON (used by zqt itself).",
        shouldDisplay: false
    )

    /// The config file is refused above 1 MiB (ConfigFile); a little more is read to tell.
    static let maximumBytes = (1 << 20) + 1

    func run() throws {
        let input = StandardStreams.readAllInput()
        guard input.count <= Self.maximumBytes, let text = String(validating: input, as: UTF8.self) else {
            StandardStreams.writeOut("0\t0\tis larger than 1 MiB or not UTF-8 text")
            throw ExitCode(1)
        }
        let answer = TOMLBridge.childAnswer(text)
        StandardStreams.writeOut(answer.output)
        if answer.status != 0 { throw ExitCode(answer.status) }
    }
}
