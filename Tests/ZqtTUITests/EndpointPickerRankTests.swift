// The endpoint switcher's filter (issue 19): `style` listed Hairstyle
// changer first and the wrong tool got sent. A match where a word starts
// ranks before one inside a word; among equals, the endpoints used this
// session (a form kept) come first.

import Foundation
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct EndpointPickerRankTests {
    static func matches(_ state: inout AppState, _ filter: String) -> [String] {
        press(&state, .function(7))
        type(&state, filter)
        guard case let .picker(picker)? = state.view.overlay else { return [] }
        return picker.matches
    }

    @Test func aWordStartRanksBeforeASubstring() {
        var state = makeState()
        let found = Self.matches(&state, "style")
        #expect(found.first == "image tool · Style recognition", "\(found)")
        #expect(found.firstIndex(of: "image tool · Hairstyle changer") ?? 0 > 0)
        // Enter switches to what is listed first.
        press(&state, .enter)
        #expect(state.endpoint.title == "Style recognition")
    }

    @Test func amongEqualMatchesTheUsedComeFirst() {
        var state = makeState()
        // Both face swaps start a word with "face"; V2 gets a form, so it is used.
        EndpointReducerTests.switchTo(&state, "Face swap V2")
        EndpointReducerTests.switchTo(&state, "text2image")
        let found = Self.matches(&state, "face swap")
        #expect(found.first == "image tool · Face swap V2", "\(found)")
    }

    @Test func aMatchInTheTitleRanksBeforeOneInTheGroup() throws {
        // Newcomer re-check: `image` listed the twelve "image tool" entries first and image2image last.
        var state = makeState()
        // A tool used often still ranks below a title match.
        EndpointReducerTests.switchTo(&state, "Face swap V1")
        EndpointReducerTests.switchTo(&state, "text2image")
        let found = Self.matches(&state, "image")
        #expect(found.first == "AI image generation · image2image", "\(found)")
        let inGroupOnly = try #require(found.firstIndex(of: "image tool · Face swap V1"))
        for titled in ["AI image generation · text2image", "image tool · Flux text2image", "image tool · Image description"] {
            #expect((found.firstIndex(of: titled) ?? .max) < inGroupOnly, "\(titled): \(found)")
        }
        // Enter on `image` opens image2image.
        press(&state, .enter)
        #expect(state.endpoint.title == "image2image")
    }

    @Test func wordStartsAreFoundAfterAnyNonLetter() {
        #expect(PickerState.startsAWord("style", in: "image tool · style recognition"))
        #expect(PickerState.startsAWord("canny", in: "control_v11p_sd15_canny"))
        #expect(!PickerState.startsAWord("style", in: "image tool · hairstyle changer"))
    }
}

@Suite struct EndpointPickerExactTitleTests {
    /// A title typed whole is that endpoint, whatever was used: `text2image` is not Flux text2image.
    @Test func aWholeTitleComesFirst() {
        var state = makeState()
        EndpointReducerTests.switchTo(&state, "Flux text2image")
        let found = EndpointPickerRankTests.matches(&state, "text2image")
        #expect(found.first == "AI image generation · text2image", "\(found)")
    }
}
