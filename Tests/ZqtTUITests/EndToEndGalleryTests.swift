import Foundation
import TestScratch
import Model
import Testing

/// The gallery as a new user meets it (issue 17), with the real zqt binary
/// in tmux: a request sent to the sandbox, its picture kept, then `I` from
/// the form shows it in the gallery with its endpoint and prompt, Enter
/// enlarges it, and `o` opens its history entry.
@Suite(.serialized) struct EndToEndGalleryTests {
    @Test(.enabled(if: TmuxSession.isAvailable))
    func aSandboxResultIsInTheGallery() async throws {
        try await offThePool { try Self.steps() }
    }

    static func steps() throws {
        let scratch = Scratch()
        let home = URL(fileURLWithPath: scratch.path("zqt-e2e-gallery"))
        defer { try? FileManager.default.removeItem(at: home) }
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/controlnet.json").path
        let session = try TmuxSession(command: "TERM=xterm-256color LANG=C.UTF-8 NO_COLOR= ZQT_HOME=\(home.path) \(ZqtBinary.url.path) --sandbox",
                                      width: 120, height: 40)
        try session.waitFor(text: "SANDBOX")
        // Before anything is kept, the gallery says how pictures get there.
        try session.send("I")
        try session.waitFor(text: "No kept pictures yet")
        try session.send("Escape")
        try session.waitFor("the form back") { !$0.contains("zqt · gallery") && $0.contains("Prompt") }

        try session.send("L")
        try session.waitFor(text: "Load a request:")
        try session.send(example, literal: true)
        try session.send("Enter")
        try session.waitFor(text: "revAnimated")
        try session.send("F5")
        try session.waitFor("the result kept", timeout: 60) { screen in
            screen.contains("1 · seed 1221212 · 768×768") && !screen.contains(EndToEndPictureTests.decoding)
        }

        try session.send("I")
        let gallery = try session.waitFor("the picture in the gallery") { screen in
            screen.contains("zqt · gallery") && screen.contains("1 kept picture · newest first")
                && screen.contains("ControlNet · #1") && !screen.contains(EndToEndPictureTests.decoding)
        }
        #expect(gallery.contains(" {best quality}, {{mas"), "the prompt under it")
        #expect(try EndToEndPictureTests.pictureCells(session) > 30, "its thumbnail drawn")

        try session.send("Enter")
        try session.waitFor("the picture enlarged") { $0.contains("Image 1 of 1") && !$0.contains(EndToEndPictureTests.decoding) }
        try session.send("Escape")
        try session.waitFor(text: "1 kept picture")
        try session.send("o")
        try session.waitFor("its history entry") { $0.contains("Results (1)") }
        try session.send("q")
    }
}
