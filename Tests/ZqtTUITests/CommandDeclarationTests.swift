// Commands declared once (issue 16): every command has one declaration, the
// key table is made from them, a `[keys]` override reaches the command and
// the footer, and the keys once matched by hand (digits on a slider, Space
// on a toggle, a question's y and k, the help's scrolling) are declared rows.

import Foundation
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct CommandDeclarationTests {
    @Test func everyCommandIsDeclaredExactlyOnce() {
        let declared = Commands.all.map(\.command)
        for command in Command.allCases {
            #expect(declared.filter { $0 == command }.count == 1, "\(command) is declared once in Input/Commands")
        }
        #expect(Set(Commands.all.map(\.title)).count == Commands.all.count, "titles are distinct: the palette runs a command by its title")
    }

    @Test func noScopeHasTheSameKeyTwice() {
        for scope in BindingScope.allCases {
            let keys = KeyTable.shipped.bindings.filter { $0.scope == scope }.flatMap(\.keys)
            #expect(Set(keys).count == keys.count, "a key in \(scope) runs one command")
        }
    }

    @Test func theTableIsInScopeOrderAndKeepsTheDeclarationsOrderWithinAScope() {
        let order = BindingScope.allCases
        let scopes = KeyTable.shipped.bindings.map(\.scope)
        #expect(scopes == scopes.sorted { order.firstIndex(of: $0)! < order.firstIndex(of: $1)! })
        // The footer's order while a field is edited comes from the declarations.
        let editing = KeyTable.shipped.bindings.filter { $0.scope == .textEditing && $0.inFooter }.map(\.command)
        #expect(editing == [.finishEdit, .cancelEdit, .newLine, .openInEditor, .submit])
    }

    static func config(_ keys: String) throws -> ZqtConfig {
        guard case let .loaded(config) = ConfigFile.parse(text: "[keys]\n" + keys, file: "c.toml") else {
            throw CancellationError()
        }
        return config
    }

    @Test func aReboundKeyReachesTheCommandInItsDeclarationAndTheFooterShowsIt() throws {
        var state = makeState()
        state.request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        state.baselineJSON = state.request.wireJSON
        state.keys = try ConfigAtStart.keyTable(Self.config("submit = [\"F6\"]\n"))
        #expect(Screen.footerHints(state).contains { $0 == ("F6", "send") })
        #expect(!Screen.footerHints(state).contains { $0.0 == "F5" })
        #expect(Screen.footerHints(state).contains { $0 == ("a", "add unit") }, "F6 was add unit's second key: a stays")
        let sent = state.request
        #expect(press(&state, .function(5)) == [], "F5 is no longer submit's")
        #expect(press(&state, .function(6)) == [.submit(sent)])
        // Messages that name the key name the rebound one.
        var asked = makeState()
        asked.keys = state.keys
        asked.request["prompt"] = .string("changed")
        press(&asked, .char("q"))
        press(&asked, .char("n"))
        #expect(asked.status?.text == "Still here: F6 sends the request")
    }

    @Test func aQuestionsKeysCanBeReboundToo() throws {
        var state = historyState([summary(5, "a cat")])
        state.keys = try ConfigAtStart.keyTable(Self.config("confirm = [\"Enter\"]\n"))
        press(&state, .char("x"))
        let (_, lines) = Wording.question(.deleteEntry(id: 5, idTask: "t"), keys: state.keys)
        #expect(lines.contains { $0.hasPrefix("Enter delete, and zqt's copies of its images") })
        #expect(press(&state, .char("y")) == [], "y is not confirm's any more: it says no")
        #expect(state.view.overlay == nil)
        press(&state, .char("x"))
        #expect(press(&state, .enter) == [.deleteEntry(id: 5), .deletePictures(idTask: summary(5, "").idTask)])
    }

    @Test func theDeleteQuestionsKeysAreDeclared() {
        var state = historyState([summary(5, "a cat")])
        press(&state, .char("x"))
        #expect(Reducer.keyContext(state).scopes == [.deleteConfirmation, .confirmation])
        #expect(press(&state, .char("k")) == [.deleteEntry(id: 5)], "k deletes and keeps the images")
        press(&state, .char("x"))
        #expect(press(&state, .char("Y")) == [.deleteEntry(id: 5), .deletePictures(idTask: summary(5, "").idTask)])
        press(&state, .char("x"))
        #expect(press(&state, .char("d")) == [] && state.view.overlay == nil, "any other key keeps it")
        // k answers only the delete question: in the quit question it says no.
        var quitting = makeState()
        quitting.request["prompt"] = .string("changed")
        press(&quitting, .char("q"))
        #expect(press(&quitting, .char("k")) == [] && !quitting.quitting)
    }

    @Test func aDigitOnASliderAndSpaceOnAToggleAreDeclaredKeys() {
        var state = makeState()
        focus(&state, .steps)
        #expect(state.keys.command(for: .char("7"), in: Reducer.keyContext(state)) == .typeNumber)
        press(&state, .char("4"), .char("2"), .enter)
        #expect(state.request["steps"] == .int(42))
        let toggle = FieldID("restore_faces")
        focus(&state, toggle)
        #expect(state.keys.command(for: .char(" "), in: Reducer.keyContext(state)) == .toggleField)
        let before = state.request["restore_faces"]
        press(&state, .char(" "))
        #expect(state.request["restore_faces"] != before)
        press(&state, .char(" "))
        #expect(state.request["restore_faces"] == before)
        // On a text field a digit is nothing until Enter starts an edit.
        focus(&state, .prompt)
        #expect(state.keys.command(for: .char("4"), in: Reducer.keyContext(state)) == nil)
    }

    @Test func theHelpScrollsWithItsDeclaredKeysAndAnyOtherKeyClosesIt() {
        var state = makeState()
        press(&state, .char("?"))
        press(&state, .char("j"), .down, .pageDown)
        #expect(state.view.overlay == .help(scroll: 12))
        press(&state, .char("k"), .pageUp, .up, .up)
        #expect(state.view.overlay == .help(scroll: 0))
        press(&state, .char("x"))
        #expect(state.view.overlay == nil)
    }

    @Test func aDisabledCommandSaysWhy() {
        var state = makeState()
        focus(&state, .seed)
        press(&state, .char("s"))
        #expect(state.status == StatusMessage(text: "No result yet: send a request and wait for it to finish", kind: .error))
        var flux = makeState()
        EndpointReducerTests.switchTo(&flux, "flux")
        _ = Reducer.run(&flux, .addUnit)
        #expect(flux.view.overlay == nil)
        #expect(flux.status?.text.hasSuffix("takes no ControlNet units: F7 switches to ControlNet") == true)
    }

    @Test func zqtKeysListsTheKeysOnceMatchedByHand() {
        let markdown = KeyBindings.markdown
        #expect(markdown.contains("| `y` `Y` | Yes: do what the question asks | `confirm` | asked a question (quit, replace the form, delete) |"))
        #expect(markdown.contains("| `k` | Delete, but keep zqt's copies of its images | `deleteKeepingImages` | asked whether to delete a history entry |"))
        #expect(markdown.contains("| `Space` | Switch on or off | `toggleField` | on an on/off field |"))
        #expect(markdown.contains("| `0` `1` `2` `3` `4` `5` `6` `7` `8` `9` `-` `.` | Type a number: sets the value exactly | `typeNumber` | on a slider or number field |"))
        #expect(markdown.contains("| `↓` `j` | Scroll the key help down | `helpDown` | in the key help |"))
    }

    @Test func zqtKeysPrintsTheTableWithTheConfigFilesKeys() async throws {
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let root = NSTemporaryDirectory() + "zqt-keys-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: root) }
            let shipped = try ZqtBinary.run(["keys"], environment: ["XDG_CONFIG_HOME": root + "/none"])
            #expect(shipped.status == 0)
            #expect(shipped.stdout == KeyBindings.markdown + "\n", "without a file, zqt keys is the shipped table (docs/keys.md)")
            #expect(shipped.stdout.contains("| `y` `Y` | Yes: do what the question asks |"))
            try FileManager.default.createDirectory(atPath: root + "/config/zqt", withIntermediateDirectories: true)
            try "[keys]\nconfirm = [\"Enter\"]\n".write(toFile: root + "/config/zqt/config.toml", atomically: true, encoding: .utf8)
            let rebound = try ZqtBinary.run(["keys"], environment: ["XDG_CONFIG_HOME": root + "/config"])
            #expect(rebound.status == 0)
            #expect(rebound.stdout.contains("| `Enter` | Yes: do what the question asks | `confirm` | asked a question (quit, replace the form, delete) |"))
        }
    }
}
