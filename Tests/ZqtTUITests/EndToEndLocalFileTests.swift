import Foundation
import TestScratch
import Model
import Testing

/// The real zqt binary in tmux (issue 17): a partial path typed into face
/// swap's source field, Tab, and the path is completed on screen; the JSON
/// preview says the file is uploaded at send; `f` lists the folder's pictures.
@Suite(.serialized) struct EndToEndLocalFileTests {
    @Test(.enabled(if: TmuxSession.isAvailable))
    func aPartialPathInFaceSwapsSourceIsCompletedByTab() async throws {
        try await offThePool { try Self.aPartialPathInFaceSwapsSourceIsCompletedByTabSteps() }
    }

    static func aPartialPathInFaceSwapsSourceIsCompletedByTabSteps() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-e2e-files")
        try FileManager.default.createDirectory(atPath: folder + "/home", withIntermediateDirectories: true)
        for file in ["portrait-of-me.png", "group.jpg", "notes.txt"] {
            _ = FileManager.default.createFile(atPath: folder + "/" + file, contents: Data([0x89, 0x50, 0x4E, 0x47]))
        }
        // Started in the folder of pictures: ./ is where the user is.
        let session = try TmuxSession(command: "cd \(folder) && TERM=xterm-256color ZQT_HOME=\(folder)/home \(ZqtBinary.url.path) --sandbox",
                                      width: EndToEndEndpointTests.width, height: EndToEndEndpointTests.height)
        try session.waitFor(text: "SANDBOX")
        try EndToEndEndpointTests.switchEndpoint(session, filter: "face swap v1", title: "Face swap V1")
        try EndToEndEndpointTests.focus(session, "Source face")
        try session.waitFor("the source focused") { $0.contains("▸ Source face") }
        try session.send("Enter")
        try session.waitFor(text: "Tab complete path")
        try session.send("./por", literal: true)
        try session.waitFor(text: "./por")
        try session.send("Tab")
        try session.waitFor(text: "./portrait-of-me.png")
        try session.send("Enter")
        try session.waitFor(text: "sourceUrl: ./portrait-of-me.png will be uploaded at send")
        let screen = try session.screen()
        #expect(screen.contains("\"sourceUrl\": \"./portrait-of-me.png\""), "the preview shows the path as typed")

        // The picker on the target: pictures and no text file.
        try session.send("Down")
        try session.waitFor("the target focused") { $0.contains("▸ Target image") }
        try session.send("f")
        let picker = try session.waitFor("the folder listed") { $0.contains("Target image: choose a picture in ") && $0.contains("group.jpg") }
        #expect(picker.contains("group.jpg") && picker.contains("portrait-of-me.png") && !picker.contains("notes.txt"))
        try session.send("Escape")
        try session.waitFor("the picker to close") { !$0.contains("choose a picture in") }
        try EndToEndEndpointTests.quit(session)
    }
}
