import Foundation
import Model

/// A service that misbehaves on purpose (issue 23), on loopback: every POST
/// gets `body.json` (the submit and every query alike), and GETs serve
/// what a hostile image host would: `/big/N/name` N bytes that start like
/// a PNG, `/file/name` a file written beside, `/to-file` a redirect to
/// file:///etc/passwd. A request for an absolute URL (a client using it
/// as its proxy) gets a proxy's own 403 page. Ended when dropped.
final class HostileStandIn {
    let folder: String
    let port: Int
    private let pid: Int32

    var url: String { "http://127.0.0.1:\(port)" }

    init(body: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("zqt-standin-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/files", withIntermediateDirectories: true)
        let script = #"""
        import http.server, socketserver, sys, os
        folder = sys.argv[1]
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"
            def answer(self, status, body, headers=()):
                self.send_response(status)
                for name, value in headers: self.send_header(name, value)
                self.send_header("Content-Length", str(len(body))); self.end_headers()
                try: self.wfile.write(body)
                except Exception: pass
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path.startswith("http://"):
                    return self.answer(403, b"<html><body>Access denied by the proxy's policy</body></html>", [("Content-Type", "text/html")])
                self.answer(200, open(folder + "/body.json", "rb").read(), [("Content-Type", "application/json")])
            def do_GET(self):
                p = self.path
                with open(folder + "/gets", "a") as log: log.write(p + "\n")
                if p.startswith("http://"):
                    return self.answer(403, b"<html>Access denied by the proxy's policy</html>", [("Content-Type", "text/html")])
                if p.startswith("/big/"):
                    n = int(p.split("/")[2])
                    return self.answer(200, b"\x89PNG\r\n\x1a\n" + b"\0" * max(0, n - 8), [("Content-Type", "image/png")])
                if p.startswith("/file/"):
                    return self.answer(200, open(folder + "/files/" + os.path.basename(p), "rb").read(), [("Content-Type", "image/jpeg")])
                if p == "/to-file":
                    return self.answer(302, b"", [("Location", "file:///etc/passwd")])
                self.answer(404, b"no such thing")
            def log_message(self, *a): pass
        class S(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
        with S(("127.0.0.1", 0), H) as s:
            open(folder + "/port", "w").write(str(s.server_address[1]))
            open(folder + "/pid", "w").write(str(os.getpid()))
            s.serve_forever()
        """#
        try script.write(toFile: folder + "/server.py", atomically: true, encoding: .utf8)
        try body.write(toFile: folder + "/body.json", atomically: true, encoding: .utf8)
        _ = try ZqtBinary.shell("timeout 300 python3 \(folder)/server.py \(folder) > /dev/null 2>&1 &")
        var port: Int?
        var pid: Int32?
        let folder = folder
        try waitUntil("the stand-in's port") {
            port = (try? String(contentsOfFile: folder + "/port", encoding: .utf8)).flatMap { Int($0) }
            pid = (try? String(contentsOfFile: folder + "/pid", encoding: .utf8)).flatMap { Int32($0) }
            return port != nil && pid != nil
        }
        self.port = port ?? 0
        self.pid = pid ?? 0
    }

    deinit {
        if pid > 0 { kill(pid, SIGTERM) }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The paths asked for with GET, in order.
    var gets: [String] {
        ((try? String(contentsOfFile: folder + "/gets", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// A file `/file/NAME` serves.
    func serve(_ bytes: [UInt8], as name: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/files/" + name))
    }

    /// JSON text of a string, every control character escaped (as a service's JSON would carry it).
    static func json(_ text: String) -> String {
        JSONWriter.compact(.string(text))
    }
}
