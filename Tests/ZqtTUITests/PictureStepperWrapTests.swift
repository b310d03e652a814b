// leftovers20: the pictures' ←/→ go round (last → first), which nothing said.

import Model
import Testing
@testable import ZqtTUI

@Suite(.serialized) struct PictureStepperWrapTests {
    /// The grid stops at its ends; an enlarged picture's → goes from the last round to the first,
    /// and the help says so (it was not written anywhere).
    @Test func theEnlargedPicturesArrowsGoRoundAndSaySo() async throws {
        let fixture = try GalleryFixture()
        try fixture.standardPictures()
        var state = try await fixture.opened()
        press(&state, .left)
        #expect(state.gallery.selected == 0, "the grid stops at the first")
        press(&state, .end)
        #expect(state.gallery.selected == 7)
        press(&state, .right)
        #expect(state.gallery.selected == 7, "and at the last")
        press(&state, .enter)
        #expect(PictureTests.renderWithPictures(&state).text.contains("Image 8 of 8"))
        press(&state, .right)
        #expect(state.view.zoom?.index == 0 && state.gallery.selected == 0)
        #expect(PictureTests.renderWithPictures(&state).text.contains("Image 1 of 8"))
        press(&state, .char("?"))
        let help = OverlayView.helpLines(state)
        #expect(help.contains { $0.contains("Next image (after the last, the first)") }, "\(help)")
        #expect(help.contains { $0.contains("Previous image (before the first, the last)") }, "\(help)")
    }
}
