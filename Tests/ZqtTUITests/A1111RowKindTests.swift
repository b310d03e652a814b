// A history row goes back to its own kind of server (issue 20): `e` and `r`
// on a zhiqite row while an A1111 profile is in use switch to a profile of
// the row's kind first, and never send its body to the A1111 server.

import Foundation
import Model
import Testing
@testable import ZqtTUI

@Suite struct A1111RowKindTests {
    /// The screen on profile gpu, an A1111 server; work is the zhiqite service.
    static func onA1111Profile(_ servers: [String: ServerKind] = ["gpu": .a1111, "work": .zhiqite]) -> AppState {
        var state = historyState([summary(5, "a cat")])
        state.connection.profile = "gpu"
        state.connection.server = .a1111
        state.connection.profiles = servers.keys.sorted()
        state.connection.profileServers = servers
        return state
    }

    @Test func resendOfAZhiqiteRowUnderAnA1111ProfileSwitchesToAZhiqiteProfileFirst() {
        var state = Self.onA1111Profile()
        let row = record(5, prompt: "a cat")
        let effects = Reducer.reduce(&state, .entriesLoaded([row], .resend))
        #expect(effects == [.switchProfile("work")], "nothing is sent to the A1111 server: \(effects)")
        #expect(!state.submitting)
        #expect(state.status?.text == "zqt-old-5 was sent to the zhiqite service: switching to profile work to open it there")
        let after = Reducer.reduce(&state, .profileSwitched(.success(ProfileSwitch(name: "work", baseURL: "https://api.zhiqite.com",
                                                                                  hasKeys: true, server: .zhiqite))))
        #expect(after.contains(.loadEntries([5], .resend)), "\(after)")
        _ = Reducer.reduce(&state, .entriesLoaded([row], .resend))
        // Asked on the profile it switched to: the question names where it goes (leftovers24).
        #expect(state.view.overlay == .confirm(.resend(row, baseURL: "https://api.zhiqite.com", sandbox: false)))
        let sent = press(&state, .enter)
        guard case let .submit(request)? = sent.first else { Issue.record("no submit: \(sent)"); return }
        #expect(request.endpoint == .controlNet && request.prompt == "a cat")
        #expect(state.connection.profile == "work" && state.connection.server == .zhiqite)
    }

    @Test func editOfAZhiqiteRowOpensItInItsOwnFormOnAProfileOfItsKind() {
        var state = Self.onA1111Profile()
        let row = record(5, prompt: "a cat")
        #expect(Reducer.reduce(&state, .entriesLoaded([row], .editInForm)) == [.switchProfile("work")])
        let after = Reducer.reduce(&state, .profileSwitched(.success(ProfileSwitch(name: "work", baseURL: "https://w", hasKeys: true,
                                                                                  server: .zhiqite))))
        #expect(after.contains(.loadEntries([5], .editInForm)))
        _ = Reducer.reduce(&state, .entriesLoaded([row], .editInForm))
        #expect(state.endpoint == .controlNet && state.request.prompt == "a cat")
        #expect(state.request.taskID != "zqt-old-5", "a fresh id_task (wire rule 8)")
    }

    @Test func withNoProfileOfTheRowsKindNothingIsSentAndItIsSaid() {
        var state = Self.onA1111Profile(["gpu": .a1111, "box2": .a1111])
        let effects = Reducer.reduce(&state, .entriesLoaded([record(5, prompt: "a cat")], .resend))
        #expect(effects.isEmpty)
        #expect(!state.submitting)
        #expect(state.status?.kind == .error)
        #expect(state.status?.text.hasPrefix("zqt-old-5 was sent to the zhiqite service, and the config file has no profile of that kind: "
                                             + "add a profile without api to send it again") == true, "\(state.status?.text ?? "")")
    }

    @Test func aSwitchThatLandsOnAnotherKindOpensNothing() {
        var state = Self.onA1111Profile()
        _ = Reducer.reduce(&state, .entriesLoaded([record(5, prompt: "a cat")], .resend))
        // The file changed meanwhile: work is an A1111 server now.
        let after = Reducer.reduce(&state, .profileSwitched(.success(ProfileSwitch(name: "work", baseURL: "http://box:7860", hasKeys: true,
                                                                                  server: .a1111))))
        #expect(!after.contains { if case .loadEntries = $0 { true } else { false } }, "\(after)")
        #expect(state.status?.text == "profile work is not the zhiqite service any more: zqt-old-5 not opened, nothing sent")
    }

    @Test func aRowOfTheProfilesKindGoesAsEver() {
        var state = historyState([summary(5, "a cat")])
        state.connection.profileServers = ["sandbox": .zhiqite, "gpu": .a1111]
        _ = Reducer.reduce(&state, .entriesLoaded([record(5, prompt: "a cat")], .resend))
        let effects = press(&state, .enter)
        guard case .submit? = effects.first else { Issue.record("\(effects)"); return }
    }
}
