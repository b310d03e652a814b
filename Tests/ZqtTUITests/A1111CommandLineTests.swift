// `zqt send`, `zqt validate` and `zqt history show` against an A1111 server
// as a newcomer met them (issue 20): the endpoint inferred among the
// profile's kind's, the lines in the order things happen and in words, the
// answer's `info` shown, and Ctrl-C stopping the server's job.

import Foundation
import TestScratch
import Model
import Sandbox
import Testing

@Suite(.serialized) struct A1111CommandLineTests {
    /// A config folder with profile gpu, an A1111 server (validate never connects to it).
    static func configFolder(in scratch: Scratch) throws -> String {
        try scratch.configFolder("zqt-a1111-cli", "[profiles.gpu]\napi = \"a1111\"\nbase_url = \"http://127.0.0.1:9\"\n\n[profiles.work]\nbase_url = \"http://127.0.0.1:9\"\n")
    }

    static func file(in scratch: Scratch, _ json: String) throws -> String {
        try scratch.file("zqt-a1111-body", suffix: ".json", json)
    }

    @Test func withoutEndpointAnA1111ProfilesBodyIsInferredAmongItsServersEndpoints() throws {
        let scratch = Scratch()
        let config = try Self.configFolder(in: scratch)
        let env = ["XDG_CONFIG_HOME": config]
        let prompt = try Self.file(in: scratch, #"{"prompt": "a lighthouse", "steps": 4}"#)
        let txt = try ZqtBinary.run(["validate", prompt, "--profile", "gpu"], environment: env)
        #expect(txt.status == 0, "\(txt.stderr)")
        #expect(txt.stderr.contains("note: endpoint txt2img of the profile's A1111 server, inferred from the body's fields"), "\(txt.stderr)")
        let img = try ZqtBinary.run(["validate", try Self.file(in: scratch, #"{"prompt": "a lighthouse", "init_images": ["iVBORw0KGgoAAAANSUhEUg=="]}"#),
                                     "--profile", "gpu"], environment: env)
        #expect(img.stderr.contains("note: endpoint img2img of the profile's A1111 server"), "\(img.stderr)")
        let extras = try ZqtBinary.run(["validate", try Self.file(in: scratch, #"{"image": "iVBORw0KGgoAAAANSUhEUg==", "upscaling_resize": 2}"#),
                                        "--profile", "gpu"], environment: env)
        #expect(extras.stderr.contains("note: endpoint extras of the profile's A1111 server"), "\(extras.stderr)")
        // ZQT_PROFILE names it as --profile does; the zhiqite profile's inference is as it was.
        let viaEnvironment = try ZqtBinary.run(["validate", prompt], environment: env.merging(["ZQT_PROFILE": "gpu"]) { $1 })
        #expect(viaEnvironment.stderr.contains("note: endpoint txt2img of the profile's A1111 server"), "\(viaEnvironment.stderr)")
        let service = try ZqtBinary.run(["validate", prompt, "--profile", "work"], environment: env)
        // (A prompt and steps fit text2image and Flux text2image alike: refused with both named, issue 19's rule.)
        #expect(service.stderr.contains("the body fits text2image and flux equally") && !service.stderr.contains("A1111"), "\(service.stderr)")
        // `zqt send` infers the same (and is then refused only by the unreachable port, not for a wrong kind).
        let send = try ZqtBinary.run(["send", prompt, "--profile", "gpu", "--timeout", "5"], environment: env)
        #expect(send.stderr.contains("note: endpoint txt2img of the profile's A1111 server"), "\(send.stderr)")
        #expect(!send.stderr.contains("is an endpoint of the zhiqite service"), "\(send.stderr)")
    }

    @Test func aBodyTwoEndpointsFitEquallyIsRefusedWithBoth() throws {
        let scratch = Scratch()
        let config = try Self.configFolder(in: scratch)
        let run = try ZqtBinary.run(["validate", try Self.file(in: scratch, #"{"image": "iVBORw0KGgoAAAANSUhEUg=="}"#), "--profile", "gpu"],
                                    environment: ["XDG_CONFIG_HOME": config])
        #expect(run.status == 2)
        #expect(run.stderr.contains("equally of the profile's A1111 server: give --endpoint"), "\(run.stderr)")
        #expect(!run.stderr.contains("faceswap") && !run.stderr.contains("describe"), "only the A1111 server's endpoints: \(run.stderr)")
    }

    @Test func sendSaysItsStartThenProgressThenResultAndHistoryShowsInfo() throws {
        let scratch = Scratch()
        let home = scratch.path("zqt-a1111-home")
        let body = try Self.file(in: scratch, #"{"prompt": "a lighthouse", "steps": 12, "batch_size": 2, "width": 64, "height": 64, "seed": 77}"#)
        let run = try ZqtBinary.run(["send", body, "--endpoint", "txt2img", "--sandbox", "--api", "a1111"], environment: ["ZQT_HOME": home],
                                    timeout: 120)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        func first(_ prefix: String) -> Int? { lines.firstIndex { $0.hasPrefix("[SANDBOX] " + prefix) } }
        let started = try #require(first("started: id_task "), "\(run.stdout)")
        let progress = try #require(first("running:"), "\(run.stdout)")
        let done = try #require(first("done: the server answered (HTTP 200)"), "\(run.stdout)")
        let image = try #require(first("image 1/2: seed 77 → "), "\(run.stdout)")
        // The held name (numbered past the grid) is not said: the picture's file is (issue 20, fix20b).
        #expect(!run.stdout.contains("a1111-inline:") && lines[image].contains("/1.png"), "\(run.stdout)")
        #expect(started < progress && progress < done && done < image, "\(run.stdout)")
        #expect(!run.stdout.contains("status 1"), "an A1111 server has no status number: \(run.stdout)")
        #expect(!run.stdout.contains("accepted: task_id"), "\(run.stdout)")

        let idTask = try #require(lines[started].split(separator: " ").dropFirst(3).first.map { String($0.dropLast()) })
        let show = try ZqtBinary.run(["history", "show", idTask], environment: ["ZQT_HOME": home])
        #expect(show.status == 0, "\(show.stderr)")
        let info = try #require(show.stdout.range(of: "\ninfo:\n"), "\(show.stdout)")
        let infoText = String(show.stdout[info.upperBound...])
        #expect(infoText.contains("\"all_seeds\": [\n"), "readable JSON: \(infoText)")
        #expect(infoText.contains("77"), "\(infoText)")
        #expect(!show.stdout.contains("iVBOR"), "no base64 in the row")
        let json = try ZqtBinary.run(["history", "show", idTask, "--json"], environment: ["ZQT_HOME": home])
        let value = try JSONParser.parse(json.stdout)
        #expect(value["info"]?["all_seeds"]?.arrayValue?.first == .int(77), "\(json.stdout)")
        #expect(value["info"]?["prompt"]?.stringValue == "a lighthouse")
    }

    @Test func extrasSaysNoSeedAndEveryStateIsInWords() throws {
        let scratch = Scratch()
        let home = scratch.path("zqt-a1111-home")
        let txt = try Self.file(in: scratch, #"{"prompt": "a lighthouse", "steps": 2, "width": 64, "height": 64}"#)
        let first = try ZqtBinary.run(["send", txt, "--endpoint", "txt2img", "--sandbox", "--api", "a1111"], environment: ["ZQT_HOME": home],
                                      timeout: 120)
        let kept = try #require(first.stdout.range(of: "kept in ").map { String(first.stdout[$0.upperBound...].prefix { $0 != "\n" }) },
                                "\(first.stdout)")
        let extras = try Self.file(in: scratch, #"{"image": "\#(kept)", "upscaling_resize": 2}"#)
        let run = try ZqtBinary.run(["send", extras, "--endpoint", "extras", "--sandbox", "--api", "a1111"], environment: ["ZQT_HOME": home],
                                    timeout: 120)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("[SANDBOX] image 1/1 → "), "\(run.stdout)")
        #expect(!run.stdout.contains("seed ?"), "\(run.stdout)")
    }

    @Test func aControlMapIsSaidAsOneAndNotCountedAmongThePictures() throws {
        let scratch = Scratch()
        let home = scratch.path("zqt-a1111-home")
        let picture = scratch.path("zqt-a1111-unit", suffix: ".png")
        try Data(PNGImage.render(width: 16, height: 16, seed: 3)).write(to: URL(fileURLWithPath: picture))
        let body = try Self.file(in: scratch, #"{"prompt": "edges", "steps": 2, "batch_size": 2, "width": 64, "height": 64, "seed": 40, "#
            + #""alwayson_scripts": {"controlnet": {"args": [{"enabled": true, "module": "canny", "#
            + #""model": "control_v11p_sd15_canny [d14c016b]", "image": "\#(picture)"}]}}}"#)
        let run = try ZqtBinary.run(["send", body, "--endpoint", "txt2img", "--sandbox", "--api", "a1111"], environment: ["ZQT_HOME": home],
                                    timeout: 120)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("[SANDBOX] image 1/2: seed 40 → ") && run.stdout.contains("/1.png"), "\(run.stdout)")
        #expect(run.stdout.contains("[SANDBOX] image 2/2: seed 41 → ") && run.stdout.contains("/2.png"), "\(run.stdout)")
        #expect(!run.stdout.contains("a1111-inline:"), "\(run.stdout)")
        let map = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("[SANDBOX] control map 1 → ") && $0.hasSuffix("/3.png") },
                               "\(run.stdout)")
        #expect(map.contains("kept in "), "\(map)")
        #expect(!run.stdout.contains("seed ?") && !run.stdout.contains("#control-map") && !run.stdout.contains("/3:"), "\(run.stdout)")

        // `zqt history show` names it a control map too, not only by its URL's mark.
        let idTask = try #require(run.stdout.range(of: "started: id_task ").map { String(run.stdout[$0.upperBound...].prefix { $0 != ";" }) })
        let show = try ZqtBinary.run(["history", "show", idTask], environment: ["ZQT_HOME": home])
        #expect(show.status == 0, "\(show.stderr)")
        // Each picture numbered as made, with its seed and its file; the held URL, numbered past the grid, is not shown (issue 20).
        let shown = show.stdout.split(separator: "\n").map(String.init)
        #expect(shown.contains { $0.hasPrefix("image 1: seed 40, saved: ") && $0.hasSuffix("/\(idTask)/1.png") }, "\(show.stdout)")
        #expect(shown.contains { $0.hasPrefix("image 2: seed 41, saved: ") && $0.hasSuffix("/\(idTask)/2.png") }, "\(show.stdout)")
        #expect(shown.contains { $0.hasPrefix("control map 1: saved: ") && $0.hasSuffix("/\(idTask)/3.png") }, "\(show.stdout)")
        #expect(!show.stdout.contains("\nimage 3:") && !shown.contains { $0.hasPrefix("image 1: a1111-inline:") }, "\(show.stdout)")
        // `history show --json` gives the same: each picture's file, no held name as its URL.
        let json = try ZqtBinary.run(["history", "show", idTask, "--json"], environment: ["ZQT_HOME": home])
        #expect(json.status == 0 && !json.stdout.contains("a1111-inline:") && json.stdout.contains("/\(idTask)/3.png"), "\(json.stdout)")
    }

    /// Reads a child's output until `marker` shows (or the deadline passes).
    static func read(_ fd: Int32, until marker: String, deadline: TimeInterval = 60) -> String {
        var text = ""
        let end = Date().addingTimeInterval(deadline)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !text.contains(marker), Date() < end {
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 500) > 0 else { continue }
            let count = Foundation.read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            text += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        return text
    }

    @Test func ctrlCInterruptsTheServersJobOnceKeepsWhatItMadeAndSaysSo() async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = scratch.path("zqt-a1111-home")
            // 150 steps of the sandbox's 100 ms: a job far longer than the test waits for its first progress.
            let body = try Self.file(in: scratch, #"{"prompt": "a long job", "steps": 150, "width": 64, "height": 64}"#)
            let child = try ChildProcess.spawn(ZqtBinary.url.path, ["send", body, "--endpoint", "txt2img", "--sandbox", "--api", "a1111"],
                                               environment: ZqtBinary.environment(["ZQT_HOME": home]))
            defer { child.terminate(); _ = child.waitForExit(timeout: 10) }
            let before = Self.read(child.stdoutFD, until: "running:")
            #expect(before.contains("running:"), "\(before)")
            kill(child.pid, SIGINT)
            let rest = child.collect(timeout: 90)
            #expect(rest.status == 130, "\(before)\(rest.stdout)\n\(rest.stderr)")
            #expect(rest.stderr.contains("Ctrl-C: asking the server to stop the job (POST /sdapi/v1/interrupt)"), "\(rest.stderr)")
            #expect(rest.stderr.contains("interrupted: the server stopped the job at Ctrl-C; 1 picture it made before it stopped kept"),
                    "\(rest.stderr)")
            #expect(rest.stdout.contains("done: the server answered (HTTP 200)"), "\(rest.stdout)")
            // The row says so as the screen's X does: interrupted, not done.
            let listed = try ZqtBinary.run(["history", "list", "--state", "interrupted"], environment: ["ZQT_HOME": home])
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(listed.stdout.contains("interrupted"), "the Ctrl-C'd row is listed as interrupted: \(listed.stdout)")
            let all = try ZqtBinary.run(["history", "list"], environment: ["ZQT_HOME": home])
            #expect(!all.stdout.contains("succeeded"), "\(all.stdout)")
        }
    }

    /// An A1111 server whose job never ends: progress says it runs, each
    /// interrupt is counted in `interrupts` (and the call still never answers).
    final class EndlessJobServer {
        let folder: String
        private(set) var port = 0
        /// Holds the folder, removed after the server is ended in deinit.
        private let scratch: Scratch

        init() throws {
            let scratch = Scratch()
            folder = scratch.path("zqt-endless")
            self.scratch = scratch
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let script = #"""
            import http.server, socketserver, sys, os, time, json
            folder = sys.argv[1]
            class H(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.0"
                def answer(self, body):
                    self.send_response(200); self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
                gets = [0]
                def do_GET(self):
                    # Idle when first asked (before ours leaves), then ours runs.
                    H.gets[0] += 1
                    if H.gets[0] == 1:
                        return self.answer(json.dumps({"progress": 0, "state": {"job": "", "job_count": 0, "job_timestamp": "0"},
                                                       "current_image": None}).encode())
                    self.answer(json.dumps({"progress": 0.25, "eta_relative": 30, "state": {"job": "job", "job_count": 1,
                        "job_timestamp": "20261206000000", "sampling_step": 5, "sampling_steps": 20}, "current_image": None}).encode())
                def do_POST(self):
                    self.rfile.read(int(self.headers.get("Content-Length", "0")))
                    if self.path.endswith("/interrupt"):
                        with open(folder + "/interrupts", "a") as log: log.write("interrupt\n")
                        return self.answer(b"{}")
                    time.sleep(300)
                def log_message(self, *a): pass
            class S(socketserver.ThreadingTCPServer):
                daemon_threads = True
                allow_reuse_address = True
            with S(("127.0.0.1", 0), H) as s:
                open(folder + "/port.tmp", "w").write(str(s.server_address[1]))
                os.rename(folder + "/port.tmp", folder + "/port")
                s.serve_forever()
            """#
            try script.write(toFile: folder + "/server.py", atomically: true, encoding: .utf8)
            _ = try ZqtBinary.shell("timeout 300 python3 \(folder)/server.py \(folder) > /dev/null 2>&1 & echo $! > \(folder)/pid")
            let end = Date().addingTimeInterval(60)
            while port == 0, Date() < end {
                if let text = try? String(contentsOfFile: folder + "/port", encoding: .utf8), let number = Int(text) { port = number }
                else { usleep(50_000) }
            }
        }

        var interrupts: Int {
            ((try? String(contentsOfFile: folder + "/interrupts", encoding: .utf8)) ?? "").split(separator: "\n").count
        }

        deinit {
            if let pid = (try? String(contentsOfFile: folder + "/pid", encoding: .utf8)).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
                kill(pid, SIGTERM)
            }
        }
    }

    @Test func aSecondCtrlCQuitsAtOnceAndTheServerWasAskedOnce() async throws {
        let scratch = Scratch()
        try await offThePool {
            let server = try EndlessJobServer()
            #expect(server.port != 0)
            let config = try scratch.configFolder("zqt-a1111-cli", "[profiles.gpu]\napi = \"a1111\"\nbase_url = \"http://127.0.0.1:\(server.port)\"\n")
            let home = scratch.path("zqt-a1111-home")
            let body = try Self.file(in: scratch, #"{"prompt": "an endless job", "steps": 20}"#)
            let child = try ChildProcess.spawn(ZqtBinary.url.path, ["send", body, "--endpoint", "txt2img", "--profile", "gpu"],
                                               environment: ZqtBinary.environment(["ZQT_HOME": home, "XDG_CONFIG_HOME": config]))
            defer { child.terminate(); _ = child.waitForExit(timeout: 10) }
            let before = Self.read(child.stdoutFD, until: "running:")
            #expect(before.contains("running:"), "\(before)")
            kill(child.pid, SIGINT)
            let said = Self.read(child.stderrFD, until: "Ctrl-C again quits at once")
            #expect(said.contains("asking the server to stop the job"), "\(said)")
            try Self.eventuallyBlocking("the interrupt reached the server") { server.interrupts >= 1 }
            kill(child.pid, SIGINT)
            let rest = child.collect(timeout: 60)
            #expect(rest.status == 130, "\(rest.stdout)\n\(rest.stderr)")
            #expect(rest.stderr.contains("quit at once"), "\(rest.stderr)")
            #expect(server.interrupts == 1, "POST /sdapi/v1/interrupt once")
            // This way out closes the history as every other does: nothing is left beside it.
            let left = (try? FileManager.default.contentsOfDirectory(atPath: home)) ?? []
            #expect(left.contains("history.sqlite"), "\(left)")
            #expect(!left.contains("history.sqlite-wal") && !left.contains("history.sqlite-shm"), "\(left)")
            let listed = try ZqtBinary.run(["history", "list"], environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": config])
            #expect(listed.status == 0 && listed.stdout.contains("txt2img"), "the row is there: \(listed.stdout)\n\(listed.stderr)")
        }
    }

    /// Waits for a condition on this thread (off the pool), with a generous deadline.
    static func eventuallyBlocking(_ what: String, timeout: TimeInterval = 60, _ condition: () -> Bool) throws {
        let end = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < end else { throw CancellationError() }
            usleep(50_000)
        }
    }
}
