import Testing
@testable import ZqtTUI

/// → on the grid's last picture and ← on its first (leftovers21): the grid
/// stops, as its other moves do, and the status line says so and names the
/// key to the other end; before, the key did nothing and said nothing.
@Suite(.serialized) struct GalleryEndsTests {
    static func statusLine(_ state: AppState) -> String {
        let lines = Screen.render(state).text.split(separator: "\n", omittingEmptySubsequences: false)
        return String(lines[lines.count - 2])
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func theGridsEndsSaySoOnTheStatusLine(width: Int, height: Int) async throws {
        let fixture = try GalleryFixture()
        try fixture.standardPictures()
        var state = try await fixture.opened(width: width, height: height)
        #expect(state.gallery.selected == 0 && !state.gallery.hasMore)

        press(&state, .left)
        #expect(state.gallery.selected == 0)
        #expect(Self.statusLine(state).contains("The newest picture, the first: End goes to the oldest"), "status: \(Self.statusLine(state))")

        press(&state, .char("G"))
        #expect(state.gallery.selected == 7)
        press(&state, .right)
        #expect(state.gallery.selected == 7, "the grid stops at its last picture")
        #expect(Self.statusLine(state).contains("The oldest picture, the last: Home goes to the newest"), "status: \(Self.statusLine(state))")

        // The next move: the status line describes the selected picture again.
        press(&state, .left)
        #expect(state.gallery.selected == 6)
        let selected = try #require(state.gallery.selectedItem?.picture)
        #expect(Self.statusLine(state).contains("\(selected.idTask) · image \(selected.position + 1) ·"), "status: \(Self.statusLine(state))")
    }

    /// The enlarged picture goes round past the last: back on the grid, the
    /// status line describes the picture selected, not the end said before
    /// (newcomer21 saw "the last" on the first picture).
    @Test func anEndSaidIsForgottenOnceTheEnlargedPictureMovesTheSelection() async throws {
        let fixture = try GalleryFixture()
        try fixture.standardPictures()
        var state = try await fixture.opened(width: 120, height: 40)
        press(&state, .char("G"))
        press(&state, .right)
        #expect(Self.statusLine(state).contains("The oldest picture, the last"), "status: \(Self.statusLine(state))")
        press(&state, .enter)
        press(&state, .right)
        press(&state, .escape)
        #expect(state.gallery.selected == 0, "the enlarged picture went round to the first")
        #expect(!Self.statusLine(state).contains("The oldest picture, the last"), "status: \(Self.statusLine(state))")
    }
}
