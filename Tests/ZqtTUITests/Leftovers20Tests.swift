// Review and newcomer leftovers of session 11 (leftovers20): the palette
// finds a command by the words a user tries (`convert` for T, the footer's
// word).

import Model
import Testing
@testable import ZqtTUI

@Suite struct Leftovers20Tests {
    /// The palette's list rows on the grid after typing `word`.
    static func paletteRows(_ state: inout AppState, typing word: String) -> String {
        press(&state, .char(":"))
        type(&state, word)
        return Screen.render(state).text
    }

    @Test func thePaletteFindsTheKindConverterByConvert() {
        var state = makeState(width: 120, height: 40)
        let screen = Self.paletteRows(&state, typing: "convert")
        #expect(screen.contains("Open as the other kind of server's request"), "\(screen)")
    }

    /// The footer's word for a command finds it (it said `undo new`, `help`, `commands`; the titles did not).
    @Test(arguments: [("undo", "Bring back the form New replaced"), ("help", "Show all keys"),
                      ("commands", "Command palette"), ("refresh lists", "Refresh the model lists")])
    func thePaletteFindsACommandByItsFooterWord(word: String, title: String) {
        var state = makeState(width: 120, height: 40)
        let screen = Self.paletteRows(&state, typing: word)
        #expect(screen.contains(title), "\(word): \(screen)")
    }

    /// Each command the palette lists on the form is found by each word of its footer's.
    @Test func everyFooterWordFindsItsCommand() {
        let state = makeState(width: 120, height: 40)
        for binding in state.keys.rows(in: state.scopes + [.global]) where Commands.exists(binding.command, on: state.connection.server) {
            let title = Wording.helpTitle(binding.command, server: state.connection.server)
            for word in binding.command.footerWord.lowercased().split(separator: " ") where word.count >= 3 {
                var palette = state
                press(&palette, .char(":"))
                type(&palette, String(word))
                guard case let .picker(picker)? = palette.view.overlay else { Issue.record("no palette"); return }
                #expect(picker.matches.contains(title), "\(word) → \(title)")
            }
        }
    }
}
