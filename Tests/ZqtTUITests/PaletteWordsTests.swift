// Review and newcomer leftovers of session 11 (leftovers20): the palette
// finds a command by the words a user tries (`convert` for T, the footer's
// word), and an A1111 profile's palette says what F7 offers there.

import Model
import Testing
@testable import ZqtTUI

@Suite struct PaletteWordsTests {
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

    /// Words of a title typed apart find it, as a newcomer typed "other server" for T's (newcomer20).
    @Test func wordsOfATitleTypedApartFindIt() {
        var state = makeState(width: 120, height: 40)
        let screen = Self.paletteRows(&state, typing: "other server")
        #expect(screen.contains("Open as the other kind of server's request"), "\(screen)")
        var none = makeState(width: 120, height: 40)
        #expect(!Self.paletteRows(&none, typing: "other zebra").contains("Open as the other kind"))
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

    /// An A1111 server has no tools and no custom request: its palette said "every tool" (leftovers20).
    @Test func anA1111PalettesSwitchEndpointNamesItsEndpoints() {
        var a1111 = A1111PickerTests.a1111State()
        let screen = Self.paletteRows(&a1111, typing: "switch end")
        #expect(screen.contains("Switch endpoint (txt2img, img2img, extras, interrogate, PNG Info)"), "\(screen)")
        #expect(!screen.contains("every tool"), "\(screen)")
        // What F7 offers there: those, and nothing of zhiqite's.
        var picker = A1111PickerTests.a1111State()
        press(&picker, .function(7))
        guard case let .picker(endpoints)? = picker.view.overlay else { Issue.record("no endpoint picker"); return }
        #expect(!endpoints.options.isEmpty && endpoints.options.allSatisfy { $0.hasPrefix("AUTOMATIC1111") }, "\(endpoints.options)")
        var service = makeState(width: 120, height: 40)
        #expect(Self.paletteRows(&service, typing: "switch end").contains("Switch endpoint (every tool, or a custom request)"))
    }
}
