import Foundation
import TestScratch
import Model
import Testing

/// A new user's first picture (issue 11), with the real zqt binary in tmux:
/// a request sent to the sandbox, its image in the results pane as block
/// symbols, enlarged and back, a resize, the history entry showing it, and
/// the copy kept in ZQT_HOME/images.
@Suite(.serialized) struct EndToEndPictureTests {
    /// Cells drawn in the 240 picture colours (palette 16–255): zqt's own
    /// screen uses only the first 8, so these are the picture's block symbols.
    static func pictureCells(_ session: TmuxSession) throws -> Int {
        try session.screenWithColours().components(separatedBy: "48;5;").count - 1
    }

    /// A picture not decoded when a frame wants it is decoded off the event
    /// loop, with this placeholder until it comes (issue 16).
    static let decoding = "decoding…"

    @Test(.needsTmux, .needsChafa)
    func aSandboxTaskFinishesAndItsPictureAppearsInThePane() async throws {
        try await offThePool { try Self.steps() }
    }

    static func steps() throws {
        let scratch = Scratch()
        let home = URL(fileURLWithPath: scratch.path("zqt-e2e-pictures"))
        defer { try? FileManager.default.removeItem(at: home) }
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/controlnet.json").path
        // NO_COLOR empty is unset (no-color.org): the tests' tmux server may hold one from whoever started it.
        let session = try TmuxSession(command: "TERM=xterm-256color LANG=C.UTF-8 NO_COLOR= ZQT_HOME=\(home.path) \(ZqtBinary.url.path) --sandbox",
                                      width: 130, height: 40)
        try session.waitFor(text: "SANDBOX")
        #expect(try pictureCells(session) == 0, "no picture before a task finishes")

        try session.send("L")
        try session.waitFor(text: "Load a request")
        try session.send(example, literal: true)
        try session.send("Enter")
        try session.waitFor(text: "revAnimated")
        try session.send("F5")
        // Each wait below is for the picture's cells as well as the text: the
        // picture may be drawn a frame after the text that announces it.
        var inPane = 0
        let shown = try session.waitFor("the result picture", timeout: 60) { screen in
            // The caption gives the size once the image is decoded (the form shows "768×768" too).
            inPane = (try? pictureCells(session)) ?? 0
            return screen.contains("Results · 1 image") && screen.contains("1 · seed 1221212 · 768×768") && !screen.contains(decoding)
                && inPane > 60
        }
        #expect(shown.contains("Task zqt-"))

        // o chooses, Enter enlarges: the picture fills the screen, then Esc brings the form back.
        try session.send("o")
        try session.waitFor(text: "Enter enlarge")
        try session.send("Enter")
        let zoomed = try session.waitFor("the enlarged picture, larger than in the pane (\(inPane) cells)") { screen in
            screen.contains("Image 1 of 1 · seed") && !screen.contains(decoding) && ((try? pictureCells(session)) ?? 0) > inPane * 2
        }
        #expect(!zoomed.contains("exactly what is sent"))
        try session.send("Escape")
        try session.send("Escape")
        try session.waitFor("the form back") { $0.contains("exactly what is sent") && $0.contains("Results · 1 image") }

        // A resize redraws the pane for the new size; the pane leaves no cells behind at the old one.
        try TmuxSession.tmux(["resize-window", "-t", session.name, "-x", "90", "-y", "30"])
        try session.waitFor("the pane and its picture at 90×30") { screen in
            screen.contains("Results · 1 image") && screen.split(separator: "\n").allSatisfy { $0.count <= 90 }
                && !screen.contains(decoding) && ((try? pictureCells(session)) ?? 0) > 20
        }

        // The history entry shows the same picture, read from zqt's copy.
        try session.send("F2")
        try session.waitFor(text: "1 submission")
        try session.send("Enter")
        let entry = try session.waitFor("the entry's picture") { screen in
            screen.contains("Results · 1 image") && screen.contains("1 · seed 1221212 · 768×768") && !screen.contains(decoding)
                && ((try? pictureCells(session)) ?? 0) > 20
        }
        #expect(entry.contains("Results (1)"))
        let images = home.appendingPathComponent("images")
        let folders = try FileManager.default.contentsOfDirectory(atPath: images.path)
        #expect(folders.count == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: images.appendingPathComponent(folders[0]).path).sorted()
        #expect(files == ["1.768x768.thumb.png", "1.png"], "the copy and its thumbnail, the intermediate images gone: \(files)")

        // Closing the entry leaves no picture cells on the list screen.
        try session.send("Escape")
        try session.waitFor("the list without picture cells") { screen in
            screen.contains("1 submission") && (try? pictureCells(session)) == 0
        }
        try session.send("q")
    }

    /// Pictures off (issue 18): a send keeps the copy and the pane names it
    /// with its size, but no thumbnail is scaled and no image library is
    /// opened, so the process maps none of libpng, libjpeg or libwebp.
    @Test(.needsTmux)
    func withPicturesOffASendOpensNoImageLibrary() async throws {
        try await offThePool { try Self.picturesOffSteps() }
    }

    static func picturesOffSteps() throws {
        let scratch = Scratch()
        let home = URL(fileURLWithPath: scratch.path("zqt-e2e-pictures-off"))
        let config = URL(fileURLWithPath: scratch.path("zqt-e2e-config"))
        defer {
            try? FileManager.default.removeItem(at: home)
            try? FileManager.default.removeItem(at: config)
        }
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/controlnet.json").path
        // exec: the pane's process is zqt itself, whose maps are read below.
        let session = try TmuxSession(command: "exec env TERM=xterm-256color LANG=C.UTF-8 ZQT_HOME=\(home.path) XDG_CONFIG_HOME=\(config.path) "
                                          + "\(ZqtBinary.url.path) --sandbox --images off",
                                      width: 130, height: 40)
        try session.waitFor(text: "SANDBOX")
        try session.send("L")
        try session.waitFor(text: "Load a request")
        try session.send(example, literal: true)
        try session.send("Enter")
        try session.waitFor(text: "revAnimated")
        try session.send("F5")
        // The pane names zqt's copy and its size, read from the copy's header.
        let shown = try session.waitFor("the kept copy named with its size", timeout: 60) { screen in
            screen.contains("Results · 1 image") && screen.contains("image 1 · 768×768") && screen.contains("/1.png")
        }
        #expect(shown.contains("pictures are off"))
        let images = home.appendingPathComponent("images")
        let folders = try FileManager.default.contentsOfDirectory(atPath: images.path)
        #expect(folders.count == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: images.appendingPathComponent(folders[0]).path).sorted()
        #expect(files == ["1.png"], "the copy alone, no thumbnail scaled for a picture not drawn: \(files)")
        let maps = try String(contentsOfFile: "/proc/\(try session.panePID())/maps", encoding: .utf8)
        for library in ["libpng", "libjpeg", "libwebp", "libchafa"] {
            #expect(!maps.contains(library), "\(library) opened with pictures off")
        }
        // The history entry shows the same copy and size, still without a decoder.
        try session.send("F2")
        try session.waitFor(text: "1 submission")
        try session.send("Enter")
        try session.waitFor("the entry's copy named with its size") { screen in
            screen.contains("Results (1)") && screen.replacing("\n", with: "").contains("(768×768)")
        }
        let mapsAfter = try String(contentsOfFile: "/proc/\(try session.panePID())/maps", encoding: .utf8)
        #expect(!mapsAfter.contains("libpng"), "libpng opened by the history entry with pictures off")
        try session.send("q")
    }
}
