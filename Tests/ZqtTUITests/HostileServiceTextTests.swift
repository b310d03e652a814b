import Foundation
import TestScratch
import Model
@testable import ZqtTUI
import Testing

/// Issue 8: what a service says is printed without its control sequences,
/// and numbers typed into the form that fit no Int are refused, not a crash.
@Suite struct HostileServiceTextTests {
    /// A one-shot server on loopback answering every POST with `body`; its port.
    static func startServer(in scratch: Scratch, answering body: String, requests: Int) throws -> (port: Int, folder: String) {
        let folder = scratch.path("zqt-hostile")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = """
        import http.server, socketserver, sys
        body = open(sys.argv[1] + "/body.json", "rb").read()
        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(200); self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
            def log_message(self, *a): pass
        with socketserver.TCPServer(("127.0.0.1", 0), H) as s:
            open(sys.argv[1] + "/port", "w").write(str(s.server_address[1]))
            for _ in range(int(sys.argv[2])): s.handle_request()
        """
        try script.write(toFile: folder + "/server.py", atomically: true, encoding: .utf8)
        try body.write(toFile: folder + "/body.json", atomically: true, encoding: .utf8)
        _ = try ZqtBinary.shell("timeout 30 python3 \(folder)/server.py \(folder) \(requests) > /dev/null 2>&1 &")
        var port: Int?
        try waitUntil("the test server's port") {
            port = (try? String(contentsOfFile: folder + "/port", encoding: .utf8)).flatMap { Int($0) }
            return port != nil
        }
        return (port ?? 0, folder)
    }

    @Test func theServicesMessageReachesTheTerminalWithoutItsSequences() async throws {
        let scratch = Scratch()
        try await offThePool {
            // An API error whose msg would retitle the terminal and clear it (JSON escapes: real ESC and BEL bytes).
            let (port, _) = try Self.startServer(in: scratch, answering: #"{"code": "500", "msg": "busy \u001b]0;PWNED\u0007\u001b[2Jnow"}"#, requests: 1)
            let result = try ZqtBinary.run(["send", "examples/text2image.json".absolutePathInPackage, "--endpoint", "text2image",
                                            "--base-url", "http://127.0.0.1:\(port)"],
                                           environment: ["ZQT_ACCESS_KEY_ID": "k", "ZQT_ACCESS_KEY_SECRET": "s"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("API error 500: busy now"), "\(result.stderr)")
            #expect(!result.stderr.contains("\u{1B}") && !result.stdout.contains("\u{1B}") && !result.stderr.contains("\u{07}"))
        }
    }

    @Test func numbersTypedIntoTheFormThatFitNoIntAreRefused() {
        var state = makeState()
        for (field, text) in [("seed", "inf"), ("seed", "1e20"), ("width", "1e20"), ("steps", "nan")] {
            state.view.focus = FieldID(field)
            _ = Reducer.reduce(&state, .key(.enter))
            _ = Reducer.reduce(&state, .key(.ctrl("u")))
            _ = Reducer.reduce(&state, .paste(text))
            _ = Reducer.reduce(&state, .key(.enter))
            #expect(state.drafts[FieldID(field)]?.text == text, "\(field) = \(text): kept as typed, marked")
            #expect(state.drafts[FieldID(field)]?.message.contains("not a") == true, "\(state.drafts[FieldID(field)]?.message ?? "")")
        }
    }
}

extension String {
    /// A path inside the package, for the tests that run the binary.
    var absolutePathInPackage: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(self).path
    }
}
