import Foundation
import Model
import Testing

/// Issue 8: zqt on every size and terminal a user may have, and through a
/// storm of resizes; it always draws something meaningful, quits cleanly
/// and leaves the terminal as it found it.
@Suite(.serialized) struct EndToEndTerminalsTests {
    /// Runs zqt in a pane, waits for `expected`, optionally resizes, quits with F10 y
    /// and returns the shell's report: the exit status and stty's echo/icanon.
    static func run(env: String = "", width: Int, height: Int, expected: String,
                    resizes: [(Int, Int)] = []) throws -> String {
        let home = "\(ZqtBinary.testHome)-terminals-\(width)x\(height)-\(Int.random(in: 0..<1_000_000))"
        let report = home + ".report"
        defer {
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: report)
        }
        // The report goes to a file: a 20×5 pane has no room for it.
        let session = try TmuxSession(command: "\(env) ZQT_HOME=\(home) \(ZqtBinary.url.path) --sandbox; s=$?; f=$(stty -a | tr ' ' '\\n' | grep -x -e echo -e -echo -e icanon -e -icanon | tr '\\n' ' '); echo \"EXITED=$s $f\" > \(report); sleep infinity",
                                      width: width, height: height)
        try session.waitFor("\(expected) at \(width)×\(height)") { $0.contains(expected) }
        for (w, h) in resizes {
            try TmuxSession.tmux(["resize-window", "-t", session.name, "-x", String(w), "-y", String(h)])
        }
        if let (w, h) = resizes.last {
            // Still drawing after the storm: the last size's screen is there.
            // From 120 columns the preview is beside the form; narrower, F3 switches; below 80×24, too small.
            let wanted = w < 80 || h < 24 ? "too small" : (w >= 120 ? "exactly what is sent" : "F3 JSON")
            try session.waitFor("a \(w)×\(h) screen after the resizes") { screen in
                screen.contains(wanted) && screen.split(separator: "\n", omittingEmptySubsequences: false).count >= h
            }
        }
        // q quits (F10 is not in every terminfo: vt100 has none); y answers if it asks.
        try session.send("q")
        try session.send("y")
        var text = ""
        try waitUntil("the shell's report after zqt", detail: { "screen was:\n\((try? session.screen()) ?? "")" }) {
            text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
            return text.hasSuffix("\n")
        }
        return text
    }

    @Test(.needsTmux, arguments: [(20, 5), (40, 12), (79, 23), (80, 24), (120, 40), (300, 100)])
    func everySizeDrawsAndQuitsCleanly(width: Int, height: Int) async throws {
        try await offThePool {
            let expected = width >= 80 && height >= 24 ? "zqt ·" : "too small"
            let report = try Self.run(width: width, height: height, expected: expected)
            #expect(report.contains("EXITED=0"), "\(width)×\(height)")
            #expect(report.contains("icanon echo"), "\(width)×\(height): the terminal is restored")
        }
    }

    @Test(.needsTmux)
    func aStormOfResizesLeavesAWorkingScreen() async throws {
        try await offThePool {
            var sizes: [(Int, Int)] = []
            for step in 0..<30 { sizes.append(step % 2 == 0 ? (60 + step * 3, 18 + step) : (200 - step * 2, 60 - step)) }
            sizes.append((100, 30))
            let report = try Self.run(width: 120, height: 40, expected: "exactly what is sent", resizes: sizes)
            #expect(report.contains("EXITED=0"))
            #expect(report.contains("icanon echo"))
        }
    }

    @Test(.needsTmux, arguments: ["xterm", "xterm-256color", "screen", "tmux-256color", "vt100"])
    func everyCommonTerminalDraws(term: String) async throws {
        try await offThePool {
            let report = try Self.run(env: "TERM=\(term)", width: 120, height: 40, expected: "exactly what is sent")
            #expect(report.contains("EXITED=0"), "\(term)")
            #expect(report.contains("icanon echo"), "\(term)")
        }
    }

    @Test(.needsTmux)
    func aCLocaleDrawsAndQuits() async throws {
        try await offThePool {
            let report = try Self.run(env: "LANG=C LC_ALL=C", width: 120, height: 40, expected: "exactly what is sent")
            #expect(report.contains("EXITED=0"))
            #expect(report.contains("icanon echo"))
        }
    }
}
