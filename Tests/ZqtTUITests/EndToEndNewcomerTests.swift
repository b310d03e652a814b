import Foundation
import TestScratch
import Model
import Testing

/// Issue 19's newcomer leftovers found on the screen, tried as they were
/// found: the real binary in tmux, keys and mouse reports as a terminal sends them.
@Suite(.serialized) struct EndToEndNewcomerTests {
    /// A home and config folder of its own, removed with the session's test.
    static func folders(in scratch: Scratch, _ tag: String) throws -> (home: URL, config: URL) {
        let home = URL(fileURLWithPath: scratch.path("zqt-e2e-\(tag)"))
        let config = home.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: config.appendingPathComponent("zqt"), withIntermediateDirectories: true)
        return (home, config)
    }

    static func start(home: URL, config: URL, width: Int = 120, height: Int = 40, colours: Bool = false) throws -> TmuxSession {
        // The tests' tmux server may carry another test's NO_COLOR (mono wins over any theme).
        let session = try TmuxSession(command: (colours ? "unset NO_COLOR; " : "") + "TERM=xterm-256color XDG_CONFIG_HOME=\(config.path) ZQT_HOME=\(home.path) "
                                          + "\(ZqtBinary.url.path) --sandbox; echo EXITED=$?; sleep infinity",
                                      width: width, height: height)
        try session.waitFor(text: "SANDBOX")
        return session
    }

    /// The bytes of an SGR report (a press) at a cell counted from 0, as hex for `send-keys -H`.
    static func reportHex(_ button: Int, x: Int, y: Int) -> [String] {
        "\u{1B}[<\(button);\(x + 1);\(y + 1)M".utf8.map { String(format: "%02x", $0) }
    }

    static func lines(_ screen: String) -> [String] {
        screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test(.needsTmux, .needsCurl)
    func f10QuitsWhileTypingAndTheNextStartHasTheText() async throws {
        let scratch = Scratch()
        try await offThePool {
            let (home, config) = try Self.folders(in: scratch, "f10")
            defer { try? FileManager.default.removeItem(at: home) }
            let session = try Self.start(home: home, config: config)
            try session.send("Enter")
            try session.waitFor(text: "Enter done")
            try session.send("quiet harbour", literal: true)
            try session.waitFor(text: "quiet harbour")
            try session.send("F10")
            try session.waitFor(text: "EXITED=0")
            let again = try Self.start(home: home, config: config)
            try again.waitFor(text: "quiet harbour")
        }
    }

    @Test(.needsTmux, .needsCurl)
    func theWheelStopsAtThePreviewsEndAndTheFirstNotchBackMovesIt() async throws {
        let scratch = Scratch()
        try await offThePool {
            let (home, config) = try Self.folders(in: scratch, "wheel")
            defer { try? FileManager.default.removeItem(at: home) }
            let session = try Self.start(home: home, config: config, width: 120, height: 24)
            // The preview's header row: its ↓ says there is more below.
            let previewX = 63
            func more(_ screen: String) -> Bool {
                let rows = Self.lines(screen)
                return rows.count > 1 && rows[1].dropFirst(previewX).contains("↓")
            }
            try session.waitFor("the preview to have more below", more)
            for _ in 0..<40 { try TmuxSession.tmux(["send-keys", "-t", session.name, "-H"] + Self.reportHex(65, x: 90, y: 10)) }
            try session.waitFor("the preview's end") { !more($0) }
            try TmuxSession.tmux(["send-keys", "-t", session.name, "-H"] + Self.reportHex(64, x: 90, y: 10))
            try session.waitFor("the first notch up to show more below again", more)
        }
    }

    @Test(.needsTmux, .needsCurl)
    func aClickInTheEditedPromptMovesTheCursorThere() async throws {
        let scratch = Scratch()
        try await offThePool {
            let (home, config) = try Self.folders(in: scratch, "cursor")
            defer { try? FileManager.default.removeItem(at: home) }
            let session = try Self.start(home: home, config: config)
            try session.send("Enter")
            try session.waitFor(text: "Enter done")
            try session.send("lighthouse at dusk", literal: true)
            let screen = try session.waitFor(text: "lighthouse at dusk")
            let row = try #require(Self.lines(screen).firstIndex { $0.contains("lighthouse at dusk") })
            let column = try #require(Self.lines(screen)[row].range(of: " at ").map { Self.lines(screen)[row].distance(from: Self.lines(screen)[row].startIndex, to: $0.lowerBound) + 1 })
            func cursor() throws -> String {
                try TmuxSession.tmux(["display-message", "-p", "-t", session.name, "#{cursor_x},#{cursor_y}"])
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(try cursor() != "\(column),\(row)")
            try TmuxSession.tmux(["send-keys", "-t", session.name, "-H"] + EndToEndMouseTests.clickHex(x: column, y: row))
            try waitUntil("the cursor on the a of at", timeout: 60, detail: { (try? cursor()) ?? "" }) { try cursor() == "\(column),\(row)" }
            try session.send("X", literal: true)
            try session.waitFor(text: "lighthouse Xat dusk")
        }
    }

    @Test(.needsTmux, .needsCurl)
    func aThemeWrittenWhileZqtRunsIsDrawnAtTheNextScreenChange() async throws {
        let scratch = Scratch()
        try await offThePool {
            let (home, config) = try Self.folders(in: scratch, "theme")
            defer { try? FileManager.default.removeItem(at: home) }
            let file = config.appendingPathComponent("zqt/config.toml")
            try "theme = \"dark\"\n".write(to: file, atomically: true, encoding: .utf8)
            let session = try Self.start(home: home, config: config, colours: true)
            // The title bar: black on cyan in the dark theme, black on blue in the light one.
            func titleColours() throws -> String { Self.lines(try session.screenWithColours()).first ?? "" }
            let dark = try titleColours()
            #expect(dark.contains("46m"), "the dark title is on cyan: \(dark.debugDescription)")
            try "theme = \"light\"\n".write(to: file, atomically: true, encoding: .utf8)
            try session.send("F2")
            try session.waitFor(text: "submission")
            try waitUntil("the title in the light theme's colours", timeout: 60, detail: { (try? titleColours())?.debugDescription ?? "" }) {
                let light = try titleColours()
                return light.contains("44m") && !light.contains("46m")
            }
        }
    }
}
