import Foundation
import TestScratch
import Model
import Testing
@testable import ZqtTUI

/// Every large field costs a key what is on screen (issue 18): a long JSON
/// object, `Other fields` or URL list is read into the request off the event
/// loop, a moment after the keys, not parsed whole on each. What a user sees
/// must not change for it: the preview shows the bytes the send carries, an
/// Enter keeps exactly what was typed, and a draft saved while a read is on
/// its way comes back after a restart as typed.
@Suite struct LargeFieldTests {
    static func runner(_ inbox: ActionInbox, store: HistoryStore? = nil) -> EffectRunner {
        let configuration = ClientConfiguration(baseURL: "http://127.0.0.1:9", credentials: nil, timeout: 1, profile: "t")
        return EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration, store: store, inbox: inbox)
    }

    /// One action as the terminal loop handles it, the effects performed,
    /// except a send (the test looks at it) and draft saves (not asked for here).
    static func handle(_ state: inout AppState, _ action: Action, _ runner: EffectRunner, sent: inout [Request]) {
        for effect in Reducer.reduce(&state, action) {
            if case let .submit(request) = effect { sent.append(request); continue }
            runner.perform(effect)
        }
    }

    /// A JSON object of `members` long members, pretty, as pasted from a file.
    static func jsonObject(_ members: Int) -> String {
        "{\n" + (0..<members).map { "  \"setting_\($0)\": \"masterpiece, best quality, 一个女孩在雨中, number \($0)\"" }.joined(separator: ",\n") + "\n}"
    }

    /// Keys typed into the middle of a long JSON object field: the request
    /// follows once the read lands, and then the preview's bytes are the
    /// bytes F5 sends, with the keys in them.
    @Test(arguments: ["json", "other"])
    func thePreviewShowsTheBytesSentAfterEditsInTheMiddle(kind: String) async throws {
        var state = makeState()
        state.request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        let field: FieldID
        if kind == "other" {
            state.request = Request.new(for: CustomEndpoint.endpoint(path: "tool/faceswap"), taskID: "zqt-test-large")
            field = FieldID(CustomEndpoint.bodyField)
        } else {
            field = FieldID("alwayson_scripts.override_settings")
        }
        let inbox = ActionInbox()
        let runner = Self.runner(inbox)
        var sent: [Request] = []
        state.view.focus = field
        Self.handle(&state, .key(.enter), runner, sent: &sent)
        let text = Self.jsonObject(1500)
        #expect(text.count > Reducer.readLaterLength, "long enough to be read off the loop")
        Self.handle(&state, .paste(text), runner, sent: &sent)
        // Into the middle of a member's string: home, then ← a few hundred times.
        let buffer = try #require(state.view.editing?.buffer)
        state.view.editing?.buffer = {
            var moved = buffer
            moved.moveToStart()
            for _ in 0..<(buffer.count / 2) { moved.moveRight() }
            while moved.text(in: moved.cursor..<moved.cursor + 6) != "number" { moved.moveLeft() }
            return moved
        }()
        for character in "lighthouse 灯塔 " { Self.handle(&state, .typed(String(character)), runner, sent: &sent) }
        let typed = try #require(state.view.editing?.buffer.text)
        #expect(typed.contains("雨中, lighthouse 灯塔 number"), "typed inside a member's string")
        var expected = state.request
        try FieldValues.apply(typed, to: field, in: &expected)
        try await eventually("the typed text to be read into the request", timeout: 120) {
            for action in inbox.drain() { Self.handle(&state, action, runner, sent: &sent) }
            return state.request.wireJSON == expected.wireJSON
        }
        let preview = PreviewDocument.ofRequest(state.request).lines.map(\.text).joined(separator: "\n")
        #expect(preview.contains("lighthouse 灯塔"))
        Self.handle(&state, .key(.function(5)), runner, sent: &sent)
        let request = try #require(sent.first, "F5 sent the request (status: \(state.status?.text ?? "none"))")
        #expect(request.wireJSON == preview, "the preview showed exactly the bytes sent")
    }

    /// Ten thousand URLs, a line typed into the middle and Enter: the list
    /// kept is the typed one, whether the read landed before Enter or not,
    /// and the preview shows it.
    @Test func aURLListOfTenThousandLinesKeepsWhatWasTyped() async throws {
        var state = makeState()
        state.request = Request.new(for: EndpointCatalog.shipped.resolve("modelTraining/submitTraining/Job"), taskID: "zqt-test-urls")
        let inbox = ActionInbox()
        let runner = Self.runner(inbox)
        var sent: [Request] = []
        state.view.focus = FieldID("fileUrlList")
        Self.handle(&state, .key(.enter), runner, sent: &sent)
        let urls = (0..<10_000).map { "https://e.com/p\($0).png" }
        Self.handle(&state, .paste(urls.joined(separator: "\n")), runner, sent: &sent)
        // To the end of line 5,000 (each URL one line at this width).
        var moved = try #require(state.view.editing?.buffer)
        moved.moveVertically(by: -5_000, width: Reducer.editWidth(state))
        moved.moveToLineEnd(width: Reducer.editWidth(state))
        state.view.editing?.buffer = moved
        Self.handle(&state, .typed("\nhttps://e.com/"), runner, sent: &sent)
        for character in "typed.png" { Self.handle(&state, .typed(String(character)), runner, sent: &sent) }
        var expected = urls
        expected.insert("https://e.com/typed.png", at: 5_000)
        try await eventually("the typed list to be read into the request", timeout: 120) {
            for action in inbox.drain() { Self.handle(&state, action, runner, sent: &sent) }
            return state.request["fileUrlList"] == .array(expected.map(JSONValue.string))
        }
        let preview = PreviewDocument.ofRequest(state.request).lines.map(\.text).joined(separator: "\n")
        #expect(preview == state.request.wireJSON)
        // More typed, Enter at once: what is kept is what was typed, read then and there.
        Self.handle(&state, .typed("?v=2"), runner, sent: &sent)
        Self.handle(&state, .key(.enter), runner, sent: &sent)
        expected[5_000] += "?v=2"
        #expect(state.view.editing == nil)
        #expect(state.request["fileUrlList"] == .array(expected.map(JSONValue.string)))
        // A read that lands after the edit ended changes nothing.
        for action in inbox.drain() { Self.handle(&state, action, runner, sent: &sent) }
        #expect(state.request["fileUrlList"] == .array(expected.map(JSONValue.string)))
        #expect(PreviewDocument.ofRequest(state.request).lines.map(\.text).joined(separator: "\n") == state.request.wireJSON)
    }

    /// A draft saved while the long text's read is still on its way holds
    /// the typed text, and a restart puts back exactly what was typed.
    @Test func aDraftSavedBeforeTheReadComesBackAsTyped() throws {
        let scratch = Scratch()
        let folder = try PictureTests.temporaryFolder(in: scratch)
        let store = try HistoryStore.open(inFolder: folder)
        let inbox = ActionInbox()
        let runner = Self.runner(inbox, store: store)
        var state = DraftSavingTests.savedState()
        var sent: [Request] = []
        state.view.focus = FieldID("alwayson_scripts.override_settings")
        Self.handle(&state, .key(.enter), runner, sent: &sent)
        Self.handle(&state, .paste(Self.jsonObject(1500)), runner, sent: &sent)
        for _ in 0..<3 { Self.handle(&state, .key(.left), runner, sent: &sent) }
        Self.handle(&state, .typed(" 灯塔"), runner, sent: &sent)
        let typed = try #require(state.view.editing?.buffer.text)
        // Saved now, the read not waited for (its answers left in the inbox).
        for effect in Reducer.reduce(&state, .draftSaveDue) { runner.perform(effect) }
        runner.finishDraftSaves()
        let saved = try #require(try store.loadDrafts()[DraftCodec.currentSlot])
        let restored = try #require(DraftCodec.form(saved))
        var expected = makeState().request
        try FieldValues.apply(typed, to: FieldID("alwayson_scripts.override_settings"), in: &expected)
        #expect(restored.drafts.isEmpty)
        #expect(restored.request["alwayson_scripts.override_settings"] == expected["alwayson_scripts.override_settings"])
        #expect(restored.request["alwayson_scripts.override_settings"]?.value(at: "setting_1499")?.stringValue?.hasSuffix("number 1499 灯塔") == true)
    }

    /// A long prompt typed into in the middle: the request joins the text on
    /// a tick, but the preview follows every key, and shows exactly the
    /// bytes the send carries (escapes and new lines included).
    @Test func aLongPromptsPreviewFollowsEachKeyWithTheBytesSent() throws {
        var state = makeState()
        state.request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        let inbox = ActionInbox()
        let runner = Self.runner(inbox)
        var sent: [Request] = []
        state.view.focus = FieldID("prompt")
        Self.handle(&state, .key(.enter), runner, sent: &sent)
        Self.handle(&state, .paste(String(repeating: "masterpiece, 灯塔 \"q\" a\\b\n", count: 3000)), runner, sent: &sent)
        #expect(state.request.prompt.count > Reducer.readLaterLength, "the paste itself is applied")
        var moved = try #require(state.view.editing?.buffer)
        for _ in 0..<(moved.count / 2) { moved.moveLeft() }
        state.view.editing?.buffer = moved
        for character in "lighthouse 雨夜\"" {
            Self.handle(&state, .typed(String(character)), runner, sent: &sent)
            var expected = state.request
            try FieldValues.apply(try #require(state.view.editing?.buffer.text), to: FieldID("prompt"), in: &expected)
            let shown = PreviewView.document(state).lines.map(\.text).joined(separator: "\n")
            #expect(shown == expected.wireJSON, "after \(character): the preview shows the text typed")
        }
        let shown = PreviewView.document(state).lines.map(\.text).joined(separator: "\n")
        #expect(shown.contains("lighthouse 雨夜\\\""))
        Self.handle(&state, .key(.function(5)), runner, sent: &sent)
        let request = try #require(sent.first, "F5 sent the request (status: \(state.status?.text ?? "none"))")
        #expect(request.wireJSON == shown, "the preview showed exactly the bytes sent")
    }

    /// A megabyte of JSON is read once the typing pauses, not while it goes
    /// on: a read's moment that finds the text changed since it was set is
    /// put off again, and one that finds it unchanged reads it (issue 18).
    @Test func aLongJSONFieldIsReadAtAPauseNotWhileTheKeysGoOn() throws {
        var state = makeState()
        state.request = try Request.decode(json: BundledExamples.controlNetJSON, for: .controlNet).request
        state.view.focus = FieldID("alwayson_scripts.override_settings")
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .paste(Self.jsonObject(1500)))
        for _ in 0..<3 { _ = Reducer.reduce(&state, .key(.left)) }
        func isRead(_ effects: [Effect]) -> Bool { effects.contains { if case .readText = $0 { true } else { false } } }
        func isScheduled(_ effects: [Effect]) -> Bool { effects.contains { if case .scheduleTextRead = $0 { true } else { false } } }
        let held = state.request["alwayson_scripts.override_settings"]
        // The paste set the read's moment; a key meanwhile reads nothing.
        #expect(!isRead(Reducer.reduce(&state, .typed("a"))))
        #expect(state.view.editing?.readPending == true, "a read's moment is set")
        // Keys keep coming: each moment finds the text changed and is put off, nothing is read.
        for character in "bcd" {
            #expect(!isScheduled(Reducer.reduce(&state, .typed(String(character)))), "one read's moment at a time")
            let due = Reducer.reduce(&state, .textReadDue)
            #expect(!isRead(due) && isScheduled(due), "typing goes on: the read waits")
        }
        #expect(state.request["alwayson_scripts.override_settings"] == held, "nothing parsed while typing")
        // A pause: the next moment finds the text as it was and reads it.
        let due = Reducer.reduce(&state, .textReadDue)
        guard case let .readText(field, spec, revision, buffer)? = due.first(where: { if case .readText = $0 { true } else { false } }) else {
            Issue.record("the pause did not read the text")
            return
        }
        _ = Reducer.reduce(&state, .textRead(field: field, revision: revision, FieldValues.read(buffer.text, for: spec)))
        #expect(state.request["alwayson_scripts.override_settings"]?.value(at: "setting_1499")?.stringValue?.hasSuffix("number 1499abcd") == true)
    }

    /// The loop draws no frame for a wake that brought only a read's moment
    /// or a draft's save coming due (screenfar22): neither may change what
    /// the screen shows, with a megabyte's prompt being typed into at its
    /// start and the preview far into it, whether the read is put off or made.
    @Test func aReadsMomentOrADraftsSaveChangesNothingOnTheScreen() throws {
        var state = makeState()
        state.draftSaving = DraftSaving(saved: DraftCodec.drafts(of: state), kept: true)
        state.view.focus = FieldID("prompt")
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .paste(String(repeating: "a lighthouse on a rocky cliff at dusk, volumetric light, 8k, ", count: 2_000)))
        _ = Reducer.reduce(&state, .key(.enter))
        for _ in 0..<400 { _ = Reducer.reduce(&state, .key(.char("]"))) }
        _ = Reducer.reduce(&state, .key(.enter))
        state.view.editing?.buffer.moveCursor(to: 0)
        for action in [Action.draftSaveDue, .textReadDue] { #expect(action.changesNothingShown) }
        for character in "0 1" {
            _ = Reducer.reduce(&state, .typed(String(character)))
            #expect(state.view.editing?.readPending == true, "a read's moment is set")
            let shown = Screen.render(state)
            #expect(shown.text.contains("0"), "the key is on the screen")
            // Typed since the moment was set: put off; then made (the read's answer is another action).
            for action in [Action.textReadDue, .draftSaveDue, .textReadDue] {
                _ = Reducer.reduce(&state, action)
                #expect(Screen.render(state) == shown, "\(action) after \(character) changed the screen")
            }
        }
    }
}
