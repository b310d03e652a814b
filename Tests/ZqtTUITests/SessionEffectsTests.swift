import Foundation
import TestScratch
import Images
import Model
import Testing
@testable import ZqtTUI

/// Drafts are saved, and unfinished tasks followed again, through effects
/// the reducer asks for, never by the terminal loop calling the history
/// (issue 16): the save comes once a moment after an edit, with the edit.
@Suite struct DraftSavingTests {
    /// A compose screen whose drafts, as they stand, are the ones saved.
    static func savedState() -> AppState {
        var state = makeState()
        state.draftSaving = DraftSaving(saved: DraftCodec.drafts(of: state), kept: true)
        return state
    }

    @Test func anEditSchedulesOneSaveThatCarriesTheEdit() throws {
        var state = Self.savedState()
        #expect(Reducer.reduce(&state, .tick) == [], "nothing changed: nothing to save")
        #expect(press(&state, .enter) == [], "an edit begun changes no draft")
        #expect(Reducer.reduce(&state, .typed("a")) == [.scheduleDraftSave])
        // More typing before the save is due joins it: one save, not one per key.
        #expect(Reducer.reduce(&state, .typed("b")) == [])
        #expect(Reducer.reduce(&state, .typed("c")) == [])
        let effects = Reducer.reduce(&state, .draftSaveDue)
        guard case let .saveDrafts(drafts)? = effects.first, effects.count == 1 else {
            Issue.record("expected one .saveDrafts, got \(effects)")
            return
        }
        #expect(Array(drafts.keys) == [DraftCodec.currentSlot], "only the form that changed")
        let body = try JSONParser.parse(try #require(drafts[DraftCodec.currentSlot]).encoded().requestJSON)
        #expect(body.value(at: "prompt")?.stringValue?.hasSuffix("abc") == true, "the draft holds what was typed")
        // Saved: nothing more to save until the next edit, which schedules again.
        #expect(Reducer.reduce(&state, .draftSaveDue) == [])
        #expect(Reducer.reduce(&state, .typed("d")) == [.scheduleDraftSave])
    }

    @Test func withoutAHistoryNoSaveIsScheduled() {
        var state = makeState()
        state.draftSaving.kept = false
        press(&state, .enter)
        #expect(Reducer.reduce(&state, .typed("a")) == [])
        #expect(Reducer.reduce(&state, .draftSaveDue) == [])
    }

    @Test func theFirstFrameStartsTheKeptListsAndTheUnfinishedTasks() {
        var state = makeState()
        // And the endpoint picker's count of the history's sends (issue 19).
        #expect(Reducer.reduce(&state, .firstFrameDrawn) == [.loadCachedModelLists, .resumeUnfinishedTasks, .countEndpointUses])
    }

    @Test func theRunnerAnswersTheScheduleAndWritesTheDrafts() async throws {
        let scratch = Scratch()
        let folder = try PictureTests.temporaryFolder(in: scratch)
        let store = try HistoryStore.open(inFolder: folder)
        let inbox = ActionInbox()
        let configuration = ClientConfiguration(baseURL: "http://127.0.0.1:9", credentials: nil, timeout: 1, profile: "t")
        let runner = EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration, store: store, inbox: inbox)
        var state = Self.savedState()
        press(&state, .enter)
        for effect in Reducer.reduce(&state, .typed("a cat")) { runner.perform(effect) }
        // The schedule is answered by the inbox, a moment later.
        try await eventually("the save to come due") {
            inbox.drain().contains { if case .draftSaveDue = $0 { true } else { false } }
        }
        for effect in Reducer.reduce(&state, .draftSaveDue) { runner.perform(effect) }
        runner.finishDraftSaves()  // written off the event loop: waited for, as zqt does on its way out
        let saved = try #require(try store.loadDrafts()[DraftCodec.currentSlot])
        #expect(saved.hasSameContent(as: DraftCodec.draft(of: state)))
    }
}

/// A view never reads or decodes a picture (issue 16): with the picture not
/// decoded, the frame draws a placeholder and names it; the reducer asks for
/// it once; the effect decodes it off the loop and its answer brings it on screen.
@Suite struct PictureDecodingTests {
    static func runner(_ inbox: ActionInbox) -> EffectRunner {
        let configuration = ClientConfiguration(baseURL: "http://127.0.0.1:9", credentials: nil, timeout: 1, profile: "t")
        return EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration, store: nil, inbox: inbox)
    }

    @Test(.needsChafa) func aColdCacheDrawsAPlaceholderAndThePictureArrivesWithTheEffectsAnswer() async throws {
        let scratch = Scratch()
        let folder = try PictureTests.temporaryFolder(in: scratch)
        var state = try PictureTests.stateWithResults(in: folder)
        let thumbnails = try state.results!.pictures.map { try #require($0.image).thumbnailPath }

        let cold = Screen.render(state)
        #expect(cold.cells.filter { $0.style == .picture }.isEmpty)
        #expect(cold.text.contains(Wording.picturesDecoding))
        #expect(cold.picturesWanted == thumbnails)
        #expect(thumbnails.allSatisfy { !PictureCache.shared.hasPicture($0) }, "drawing the frame decoded nothing")

        #expect(Reducer.reduce(&state, .picturesWanted(cold.picturesWanted)) == [.decodePictures(thumbnails)])
        #expect(Reducer.reduce(&state, .picturesWanted(cold.picturesWanted)) == [], "asked once, not on every frame")

        let inbox = ActionInbox()
        Self.runner(inbox).perform(.decodePictures(thumbnails))
        var answer: [String]?
        try await eventually("the decoded pictures") {
            for case let .picturesDecoded(paths) in inbox.drain() { answer = paths }
            return answer != nil
        }
        #expect(answer == thumbnails)
        _ = Reducer.reduce(&state, .picturesDecoded(try #require(answer)))
        #expect(state.view.picturesDecoding.isEmpty)

        let warm = Screen.render(state)
        #expect(warm.cells.filter { $0.style == .picture }.count > 40, "the pictures are on screen")
        #expect(warm.picturesWanted.isEmpty)
        #expect(!warm.text.contains(Wording.picturesDecoding))
    }

    @Test func aPixelProtocolPlacesNothingUntilThePictureIsDecoded() throws {
        let scratch = Scratch()
        let folder = try PictureTests.temporaryFolder(in: scratch)
        var state = try PictureTests.stateWithResults(in: folder)
        state.view.pictureMode = .pixels(.kitty)
        let cold = Screen.render(state)
        #expect(cold.placements.isEmpty)
        #expect(cold.picturesWanted.count == 2)
        #expect(cold.picturesWanted.allSatisfy { !PictureCache.shared.hasPicture($0) })
        #expect(PictureTests.renderWithPictures(&state).placements.count == 2)
    }
}

/// The catalog is a value the screen holds (issue 16): an endpoint saved
/// from the screen joins it, and the runner and the history are handed it.
@Suite struct CatalogAsValueTests {
    @Test func aSavedEndpointJoinsTheStatesCatalogAndIsHandedOn() throws {
        var state = makeState()
        let entry = CustomEndpoint.catalogEntry(for: Request.new(for: CustomEndpoint.endpoint(path: "tool/mine"), taskID: "t"),
                                                title: "Mine")
        let endpoint = try UserCatalog.endpoint(entry)
        #expect(state.catalog.endpoint(id: endpoint.id) == nil)
        let effects = Reducer.reduce(&state, .userEndpointSaved(endpoint, file: "/tmp/zqt-test/endpoints.json"))
        #expect(state.catalog.endpoint(id: endpoint.id) == endpoint)
        #expect(effects == [.useCatalog(state.catalog)])
        #expect(EndpointCatalog.shipped.endpoint(id: endpoint.id) == nil, "the shipped catalog is untouched")
    }

    @Test func theHistoryReadsRowsAgainstTheCatalogItIsGiven() throws {
        let scratch = Scratch()
        let folder = try PictureTests.temporaryFolder(in: scratch)
        let entry = CustomEndpoint.catalogEntry(for: Request.new(for: CustomEndpoint.endpoint(path: "tool/mine"), taskID: "t"),
                                                title: "Mine")
        let endpoint = try UserCatalog.endpoint(entry)
        let store = try HistoryStore.open(inFolder: folder, catalog: EndpointCatalog.shipped.overlaid(with: [endpoint]))
        try store.saveDraft(ComposeDraft(endpoint: endpoint, requestJSON: "{}", fieldDrafts: [:]))
        #expect(try store.loadDrafts()[DraftCodec.currentSlot]?.endpoint.title == "Mine")
        // Reopened with the shipped catalog alone, the row still opens, as a custom request.
        let shipped = try HistoryStore.open(inFolder: folder)
        #expect(try shipped.loadDrafts()[DraftCodec.currentSlot]?.endpoint.isCustom == true)
    }
}
