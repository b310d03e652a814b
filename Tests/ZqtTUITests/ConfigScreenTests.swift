// The config file on the screen (issue 10): [keys] on the key table,
// [defaults] on fresh forms, the profile switcher's effect and outcome, and
// the keys problem said from the model list read.

import Foundation
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct ConfigScreenTests {
    @Test func keyNamesReadAsTheFooterWritesThem() {
        #expect(Key.named("F6") == .function(6))
        #expect(Key.named("ctrl-X") == .ctrl("x"))
        #expect(Key.named("Alt-k") == .alt("k"))
        #expect(Key.named("PgUp") == .pageUp)
        #expect(Key.named("Space") == .char(" "))
        #expect(Key.named("x") == .char("x"))
        #expect(Key.named("F13") == nil)
        #expect(Key.named("\u{1B}") == nil)
        #expect(Key.named("Hyper-x") == nil)
    }

    @Test func anOverrideReplacesTheCommandsKeysAndTakesThemFromOthers() throws {
        let table = try KeyTable.shipped.overridden(with: [("submit", ["F6", "Ctrl-x"])]).bindings
        let submit = table.filter { $0.command == .submit }
        #expect(!submit.isEmpty && submit.allSatisfy { $0.keys == [.function(6), .ctrl("x")] })
        // F6 was addUnit's in the units form, which is narrower than compose: taken from it, else it would win there.
        #expect(table.first { $0.command == .addUnit }?.keys == [.char("a")])
        let history = try KeyTable.shipped.overridden(with: [("switch_endpoint", ["F2"])]).bindings
        #expect(history.first { $0.command == .switchEndpoint }?.keys == [.function(2)])
        #expect(history.first { $0.command == .history }?.keys == [.ctrl("r")], "F2 moved to the switcher in their shared scope")
    }

    @Test func anUnknownCommandOrKeyIsAFaultWithItsPlace() throws {
        #expect(throws: KeyTable.OverrideError.self) { try KeyTable.shipped.overridden(with: [("sumbit", ["F6"])]) }
        #expect(throws: KeyTable.OverrideError.self) { try KeyTable.shipped.overridden(with: [("submit", ["F66"])]) }
        let text = "theme = \"dark\"\n\n[keys]\nhistory = [\"F2\"]\nsumbit = [\"F6\"]\n"
        guard case let .loaded(config) = ConfigFile.parse(text: text, file: "c.toml") else { Issue.record("must read"); return }
        do {
            _ = try ConfigAtStart.keyTable(config)
            Issue.record("an unknown command must be a fault")
        } catch {
            #expect(error.line == 5 && error.message.contains("sumbit"))
        }
    }

    @Test func defaultsFillAFreshFormOnly() {
        var state = makeState()
        state.formDefaults = [FormDefault(path: "prompt", value: .string("from the file")),
                              FormDefault(path: "steps", value: .int(30)),
                              FormDefault(path: "businessTaskId", value: .string("never"))]
        EndpointReducerTests.switchTo(&state, "flux")
        #expect(state.request["prompt"] == .string("from the file"))
        #expect(state.request["steps"] == .int(30))
        #expect(state.request.taskID != "never", "the task id is never a default (wire rule 8)")
        #expect(!state.hasUnsentEdits, "a fresh form with the file's defaults counts as unchanged")
    }

    @Test func theSwitcherAsksForTheProfileAndTheTitleFollows() {
        var state = makeState()
        state.connection.profiles = ["home", "work"]
        state.connection.profileDetails = ["work": "https://api · key AKID… · secret from a command"]
        press(&state, .char("P"))
        guard case let .picker(picker)? = state.view.overlay else { Issue.record("no picker"); return }
        #expect(picker.purpose == .profile && picker.options == ["home", "work"])
        type(&state, "work")
        let effects = press(&state, .enter)
        #expect(effects == [.switchProfile("work")])
        let more = Reducer.reduce(&state, .profileSwitched(.success(ProfileSwitch(name: "work", baseURL: "https://w", hasKeys: true))))
        #expect(state.connection.profile == "work" && state.connection.baseURL == "https://w" && !state.connection.isSandbox)
        #expect(more == [.loadCachedModelLists])
        _ = Reducer.reduce(&state, .profileSwitched(.failure(ProfileSwitchFailure(message: "c.toml:3:1: key_secret_command of profile x failed (exit 1)"))))
        #expect(state.status?.kind == .error && state.connection.profile == "work")
    }

    @Test func refusedKeysAreSaidOnceFromTheModelListRead() {
        var state = makeState()
        state.connection.profile = "work"
        _ = Reducer.reduce(&state, .modelListRead(.checkpoint, path: "/p", .failure(.api(code: "401", message: "bad key"))))
        #expect(state.status?.text.contains("Keys refused by the service for profile work") == true)
        state.status = nil
        _ = Reducer.reduce(&state, .modelListRead(.lora, path: "/p", .failure(.api(code: "401", message: "bad key"))))
        #expect(state.status == nil, "said once")
        _ = Reducer.reduce(&state, .modelListRead(.vae, path: "/p", .failure(.missingCredentials)))
        #expect(state.status == nil)
    }

    @Test func theProfileViewMasksTheKeyID() {
        let details = ProfileMask.details(ConfigProfile(name: "w", baseURL: "https://u:pw@h", accessKeyID: "AKID-long-1234",
                                                        accessKeySecret: "S3CR3T"))
        #expect(!details.contains("S3CR3T") && !details.contains("AKID-long") && !details.contains("pw"))
        #expect(details.contains("AKID…"))
    }

    /// An A1111 profile has no key pair: the switcher names its login instead
    /// of "no key id · no secret" (issue 20).
    @Test func anA1111ProfileShowsItsLoginNotKeys() {
        var open = ConfigProfile(name: "gpu", baseURL: "http://gpu-box:7860")
        open.api = .a1111
        #expect(ProfileMask.details(open) == "http://gpu-box:7860 · no login")
        var guarded = open
        guarded.username = "me"
        guarded.passwordCommand = "pass show gpu"
        #expect(ProfileMask.details(guarded) == "http://gpu-box:7860 · user me · password from a command")
        guarded.passwordCommand = nil
        #expect(ProfileMask.details(guarded) == "http://gpu-box:7860 · user me · no password")
        guarded.password = "hunter2"
        #expect(!ProfileMask.details(guarded).contains("hunter2"))
    }
}
