// The command-line findings of a newcomer who used A1111 profiles from the
// README and docs alone (issue 20), each as the user meets it: the command's
// output and exit status, and the history row it leaves.

import Foundation
import TestScratch
import Model
import Sandbox
import Testing

@Suite(.serialized) struct A1111NewcomerCLITests {
    /// A config folder whose profiles are A1111 servers at `urls` (gpu, gpu2, …) and a zhiqite one, `work`.
    static func config(in scratch: Scratch, _ urls: [String], defaultProfile: String? = nil) throws -> String {
        var text = defaultProfile.map { "default_profile = \"\($0)\"\n" } ?? ""
        for (index, url) in urls.enumerated() {
            text += "[profiles.gpu\(index == 0 ? "" : String(index + 1))]\napi = \"a1111\"\nbase_url = \"\(url)\"\n\n"
        }
        text += "[profiles.work]\nbase_url = \"http://127.0.0.1:9\"\n"
        return try scratch.configFolder("zqt-a1111-newcomer", text)
    }

    static func home(in scratch: Scratch) -> String { scratch.path("zqt-a1111-newcomer-home") }

    static func file(in scratch: Scratch, _ json: String) throws -> String {
        try scratch.file("zqt-a1111-newcomer", suffix: ".json", json)
    }

    /// The history row's state, as `zqt history list` prints it.
    static func state(_ idTask: String, home: String) throws -> String? {
        let list = try ZqtBinary.run(["history", "list"], environment: ["ZQT_HOME": home])
        return list.stdout.split(separator: "\n").first { $0.hasPrefix(idTask + "\t") }?.split(separator: "\t").dropFirst().first.map(String.init)
    }

    // MARK: 1. --from-image on an A1111 picture

    @Test func aPictureAnA1111ServerMadeComesBackAsItsA1111Request() async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = Self.home(in: scratch)
            let body = try Self.file(in: scratch, #"{"prompt": "a lighthouse", "steps": 3, "width": 64, "height": 64, "seed": 5, "#
                                     + #""sampler_name": "DPM++ 2M", "scheduler": "Karras", "override_settings": {"sd_model_checkpoint": "v1-5-pruned-emaonly"}}"#)
            let sent = try ZqtBinary.run(["send", body, "--endpoint", "txt2img", "--sandbox", "--api", "a1111"], environment: ["ZQT_HOME": home],
                                         timeout: 120)
            #expect(sent.status == 0, "\(sent.stdout)\n\(sent.stderr)")
            let picture = try #require(sent.stdout.range(of: "kept in ").map { String(sent.stdout[$0.upperBound...].prefix { $0 != "\n" }) })
            // Under an A1111 server (the sandbox); under a zhiqite server the command names, it moves to zhiqite (below).
            let config = try Self.config(in: scratch, ["http://127.0.0.1:9"], defaultProfile: "work")
            for connection in [["--sandbox", "--api", "a1111"]] {
                let read = try ZqtBinary.run(["validate", "--from-image", picture] + connection,
                                             environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": config])
                #expect(read.status == 0, "\(connection): \(read.stderr)")
                let request = try JSONParser.parse(read.stdout)
                #expect(request["sampler_name"] == .string("DPM++ 2M") && request["scheduler"] == .string("Karras"), "\(read.stdout)")
                #expect(request["override_settings"]?["sd_model_checkpoint"] == .string("v1-5-pruned-emaonly"), "\(read.stdout)")
                #expect(request["seed"] == .int(5) && request["steps"] == .int(3) && request["prompt"] == .string("a lighthouse"))
                #expect(request["sampler_index"] == nil && request["alwayson_scripts"]?["id_task"] == nil
                        && request["alwayson_scripts"]?["sd_model_checkpoint"] == nil, "A1111's names, not zhiqite's: \(read.stdout)")
                #expect(!read.stderr.contains("not a field zqt knows") && !read.stderr.contains("Model hash")
                        && !read.stderr.contains("Version"), "\(connection): \(read.stderr)")
            }
            // A zhiqite profile named on the command line: zhiqite's text2image, as a web UI picture reads (issue 20, fix20b).
            let moved = try ZqtBinary.run(["validate", "--from-image", picture, "--profile", "work"],
                                          environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": config])
            #expect(moved.status == 0, "\(moved.stderr)")
            let zhiqite = try JSONParser.parse(moved.stdout)
            #expect(zhiqite["prompt"] == .string("a lighthouse") && zhiqite["steps"] == .int(3) && zhiqite["sampler_name"] == nil, "\(moved.stdout)")
            #expect(zhiqite["alwayson_scripts"]?["sd_model_checkpoint"] == .string("v1-5-pruned-emaonly"), "\(moved.stdout)")
            // `zqt send --from-image` while the default profile is the zhiqite one goes to the config file's A1111 profile.
            let again = try ZqtBinary.run(["send", "--from-image", picture, "--timeout", "5"],
                                          environment: ["ZQT_HOME": home, "XDG_CONFIG_HOME": config], timeout: 120)
            #expect(again.stderr.contains("the picture's request is for an AUTOMATIC1111 server (txt2img): sent through profile gpu"),
                    "\(again.stderr)")
            #expect(!again.stderr.contains("not a field zqt knows"), "\(again.stderr)")
        }
    }

    @Test func theWebUIsParametersReadForAnA1111EndpointAreItsTxt2imgRequestAsLReadsThem() throws {
        // `L` on the screen and `--from-image` read through the same PictureRequest: the current endpoint's kind decides.
        let catalog = EndpointCatalog.shipped
        let txt2img = try #require(catalog.endpoint(id: "sdapi/v1/txt2img"))
        let text = "a fox\nNegative prompt: rain\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 5, "
            + "Size: 512x768, Model hash: 6ce0161689, Model: dream, Clip skip: 2, Version: v1.10.1"
        let png = try PNGText.inserting([PNGText.Entry(keyword: A1111Parameters.keyword, text: text)], into: PNGImage.render(width: 8, height: 8, seed: 1))
        let read = try PictureRequest.read(png, sidecar: nil, catalog: catalog, current: txt2img, taskID: "zqt-x").get()
        #expect(read.request.endpoint == txt2img)
        let wire = read.request.wireValue
        #expect(wire["sampler_name"] == .string("DPM++ 2M") && wire["scheduler"] == .string("Karras") && wire["sampler_index"] == nil)
        #expect(wire["override_settings"]?["sd_model_checkpoint"] == .string("dream") && wire["alwayson_scripts"]?["id_task"] == nil)
        #expect(wire["height"] == .int(768) && wire["negative_prompt"] == .string("rain") && wire["seed"] == .int(5))
        #expect(read.notes.map(\.message) == ["A1111's Clip skip: 2 has no field in zqt; left out"], "\(read.notes)")
        // For a zhiqite endpoint, as before: zhiqite's text2image.
        let zhiqite = try PictureRequest.read(png, sidecar: nil, catalog: catalog, current: catalog.controlNet, taskID: "zqt-y").get()
        #expect(zhiqite.request.endpoint.id == "sd/v2/text2image")
    }

    // MARK: 2. zqt query on an A1111 row

    @Test func queryOnAnA1111RowSaysWhatItCanKnowAndNeverClosesARowWhoseSenderWaits() async throws {
        let scratch = Scratch()
        try await offThePool {
            // 150 steps of 200 ms: a job of 30 s, far longer than the questions below take.
            let server = A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 200))
            let url = try server.start()
            defer { server.stop() }
            let config = try Self.config(in: scratch, [url])
            let home = Self.home(in: scratch)
            let environment = ["ZQT_HOME": home, "XDG_CONFIG_HOME": config]
            let body = try Self.file(in: scratch, #"{"prompt": "a long job", "steps": 150, "width": 64, "height": 64}"#)
            let child = try ChildProcess.spawn(ZqtBinary.url.path, ["send", body, "--endpoint", "txt2img", "--profile", "gpu"],
                                               environment: ZqtBinary.environment(environment))
            defer { child.terminate(); _ = child.waitForExit(timeout: 10) }
            let before = A1111CommandLineTests.read(child.stdoutFD, until: "running: step")
            let idTask = try #require(before.range(of: "started: id_task ").map { String(before[$0.upperBound...].prefix { $0 != ";" }) },
                                      "\(before)")
            // Its sender waits: said so, with the server's progress; the row stays `sending`.
            let waiting = try ZqtBinary.run(["query", idTask], environment: environment)
            #expect(waiting.status == 0, "\(waiting.stdout)\n\(waiting.stderr)")
            #expect(waiting.stdout.hasPrefix("\(idTask)\tsending\ta zqt (pid \(child.pid)) is waiting for the server's answer"), "\(waiting.stdout)")
            #expect(waiting.stdout.contains("the server: step "), "\(waiting.stdout)")
            #expect(!waiting.stdout.contains("status") && !waiting.stderr.contains("the service documents no query"), "\(waiting.stderr)")
            #expect(try Self.state(idTask, home: home) == "running", "history list says the row runs on its server (newcomer20g finding 5)")
            let json = try JSONParser.parse(try ZqtBinary.run(["query", idTask, "--json"], environment: environment).stdout)
            #expect(json["state"] == .string("sending") && json["progress"]?.numberValue != nil, "\(json)")

            // The sender ends without its answer: the row is never marked failed; once the server is idle, the answer is said lost.
            kill(child.pid, SIGKILL)
            _ = child.waitForExit(timeout: 30)
            var last = ""
            let end = Date().addingTimeInterval(90)
            while !last.contains("the answer was lost"), Date() < end {
                let asked = try ZqtBinary.run(["query", idTask], environment: environment)
                last = asked.stdout
                #expect(asked.stdout.contains("ended before the server answered"), "\(asked.stdout)\n\(asked.stderr)")
                let state = try Self.state(idTask, home: home)
                #expect(state == "running" || (state == "unknown" && asked.status == 1), "\(String(describing: state)): \(asked.stdout)")
                if !last.contains("the answer was lost") { usleep(500_000) }
            }
            #expect(last.hasPrefix("\(idTask)\tunknown\tthe answer was lost"), "\(last)")
            // zqt sent save_images: false: the pictures are not in the server's outputs folder either (issue 20).
            #expect(last.contains("the server did not save its pictures") && !last.contains("outputs folder"), "\(last)")
            // Asked again, the row's own words: nothing more to ask the server.
            let after = try ZqtBinary.run(["query", idTask], environment: environment)
            #expect(after.status == 1 && after.stdout.contains("an A1111 server answers with the call itself"), "\(after.stdout)")
            #expect(try Self.state(idTask, home: home) == "unknown")
        }
    }

    @Test func queryOnAFinishedA1111RowIsItsOwnStateInA1111sTerms() async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = Self.home(in: scratch)
            let body = try Self.file(in: scratch, #"{"prompt": "a lighthouse", "steps": 2, "width": 64, "height": 64}"#)
            let sent = try ZqtBinary.run(["send", body, "--endpoint", "txt2img", "--sandbox", "--api", "a1111"], environment: ["ZQT_HOME": home],
                                         timeout: 120)
            let idTask = try #require(sent.stdout.range(of: "started: id_task ").map { String(sent.stdout[$0.upperBound...].prefix { $0 != ";" }) })
            let asked = try ZqtBinary.run(["query", idTask], environment: ["ZQT_HOME": home])
            #expect(asked.status == 0, "\(asked.stderr)")
            #expect(asked.stdout.hasPrefix("\(idTask)\tsucceeded\tsucceeded (an A1111 server answers with the call itself"), "\(asked.stdout)")
            #expect(try Self.state(idTask, home: home) == "succeeded")
        }
    }

    // MARK: 3 and 5. A sweep over A1111 servers: its lines, and Ctrl-C

    @Test func ctrlCDuringAnA1111SweepStopsEveryRunningJobAndSaysWhatWasNotSent() async throws {
        let scratch = Scratch()
        try await offThePool {
            let servers = [A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 200)),
                           A1111SandboxServer(options: A1111SandboxOptions(stepMilliseconds: 200))]
            let urls = try servers.map { try $0.start() }
            defer { servers.forEach { $0.stop() } }
            let config = try Self.config(in: scratch, urls)
            let home = Self.home(in: scratch)
            let body = try Self.file(in: scratch, #"{"prompt": "a long job", "steps": 150, "width": 64, "height": 64}"#)
            let child = try ChildProcess.spawn(ZqtBinary.url.path, ["send", body, "--endpoint", "txt2img", "--sweep", "seed=1,2,3,4",
                                                                   "--profile", "gpu,gpu2"],
                                               environment: ZqtBinary.environment(["ZQT_HOME": home, "XDG_CONFIG_HOME": config]))
            defer { child.terminate(); _ = child.waitForExit(timeout: 10) }
            // Both servers run a job of the sweep (one each: an A1111 profile's parallel is 1).
            var before = ""
            let end = Date().addingTimeInterval(90)
            while Date() < end, !(before.contains("on gpu: running: step") && before.contains("on gpu2: running: step")) {
                before += A1111CommandLineTests.read(child.stdoutFD, until: "running: step", deadline: 5)
            }
            #expect(before.contains("on gpu: running: step") && before.contains("on gpu2: running: step"), "\(before)")
            kill(child.pid, SIGINT)
            let rest = child.collect(timeout: 120)
            let out = before + rest.stdout
            #expect(rest.status == 130, "\(out)\n\(rest.stderr)")
            #expect(rest.stderr.contains("Ctrl-C: asking the server of each running job to stop it (POST /sdapi/v1/interrupt, 2 jobs)"),
                    "\(rest.stderr)")
            #expect(rest.stderr.contains("interrupted: the sweep stopped at Ctrl-C; 2 jobs stopped on the server"), "\(rest.stderr)")
            #expect(rest.stderr.contains("2 combinations not sent"), "\(rest.stderr)")
            let table = out.split(separator: "\n").map(String.init)
            #expect(table.filter { $0.contains("  interrupted  ") }.count == 2, "\(out)")
            #expect(table.filter { $0.contains("  -       not sent  ") }.count == 2, "no server made them: \(out)")
            // The two rows say so, as a single send's: interrupted, none left `sending`.
            let listed = try ZqtBinary.run(["history", "list"], environment: ["ZQT_HOME": home])
            #expect(listed.stdout.split(separator: "\n").filter { $0.contains("\tinterrupted\t") }.count == 2, "\(listed.stdout)")
            #expect(!listed.stdout.contains("\tsending\t"), "\(listed.stdout)")
        }
    }

    @Test func anA1111SweepSaysEachCallAsItLeavesThenTheServersProgressInItsOwnWords() async throws {
        let scratch = Scratch()
        try await offThePool {
            let home = Self.home(in: scratch)
            let body = try Self.file(in: scratch, #"{"prompt": "a lighthouse", "steps": 20, "width": 64, "height": 64, "seed": -1}"#)
            let run = try ZqtBinary.run(["send", body, "--endpoint", "txt2img", "--sweep", "cfg_scale=5,7", "--sandbox", "--api", "a1111"],
                                        environment: ["ZQT_HOME": home], timeout: 120)
            #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
            let lines = run.stdout.split(separator: "\n").map(String.init)
            for task in ["[1/2]", "[2/2]"] {
                let mine = lines.filter { $0.contains(task) }
                let sent = try #require(mine.firstIndex { $0.hasSuffix(": sent: the server answers when the job is done") }, "\(run.stdout)")
                let running = mine.firstIndex { $0.contains(": running: ") }
                #expect(running.map { sent < $0 } ?? true, "sent before its progress: \(mine)")
                #expect(mine.last?.hasSuffix(": succeeded") == true, "\(mine)")
            }
            #expect(lines.contains { $0.contains(": running: step ") && $0.hasSuffix("%") }, "A1111's step and percentage: \(run.stdout)")
            #expect(!run.stdout.contains("accepted") && !run.stdout.contains("status "), "\(run.stdout)")
            // The seeds the server chose (seed -1) come from its answer's info: every row has them, never a "?".
            let rows = lines.filter { $0.contains("  succeeded  ") }
            #expect(rows.count == 2 && rows.allSatisfy { $0.range(of: #"seed \d+$"#, options: .regularExpression) != nil }, "\(rows)")
            #expect(!run.stdout.contains("?"), "\(run.stdout)")
        }
    }

    // MARK: 4 and 7. zqt convert

    @Test func convertSaysWhatMustBeChosenBeforeTheMovedRequestCanBeSent() async throws {
        let scratch = Scratch()
        let home = Self.home(in: scratch)
        let noCheckpoint = try Self.file(in: scratch, #"{"prompt": "a fox", "steps": 20, "sampler_name": "DPM++ 2M", "scheduler": "Karras"}"#)
        let moved = try ZqtBinary.run(["convert", noCheckpoint, "--to", "zhiqite", "--endpoint", "controlnet"], environment: ["ZQT_HOME": home])
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(moved.stderr.contains("to choose before it is sent: choose a checkpoint model (alwayson_scripts.sd_model_checkpoint)"),
                "\(moved.stderr)")
        #expect(try JSONParser.parse(moved.stdout)["sampler_index"] == .string("DPM++ 2M Karras"), "joined back: \(moved.stdout)")
        let withCheckpoint = try Self.file(in: scratch, #"{"prompt": "a fox", "override_settings": {"sd_model_checkpoint": "dream.safetensors"}}"#)
        let fine = try ZqtBinary.run(["convert", withCheckpoint, "--to", "zhiqite", "--endpoint", "controlnet"], environment: ["ZQT_HOME": home])
        #expect(fine.status == 0 && !fine.stderr.contains("to choose"), "\(fine.stderr)")

        // `T` finds the same (KindMove.toChoose of the moved form): one place says what is missing,
        // apart from what could not move (it lost nothing).
        let catalog = EndpointCatalog.shipped
        let controlNet = try #require(catalog.endpoint(id: "sd/v2/controlnet"))
        let translated = try A1111Translation.toZhiqite(try JSONParser.parse(#"{"prompt": "a fox"}"#), endpointID: controlNet.id).translated
        let outcome = await KindMove.perform(translated, folder: home + "/moved", downloaded: .file, download: nil)
        let (form, unmoved) = KindMove.request(outcome, for: controlNet, taskID: "zqt-t")
        #expect(!unmoved.contains { $0.path == "alwayson_scripts.sd_model_checkpoint" }, "\(unmoved)")
        #expect(KindMove.toChoose(form).map { $0.description }.contains(
            "alwayson_scripts.sd_model_checkpoint: to choose before it is sent: choose a checkpoint model (alwayson_scripts.sd_model_checkpoint)"),
                "\(unmoved)")

        // zhiqite's combined sampler name goes to A1111 1.9+ as a sampler and its schedule.
        let toA1111 = try ZqtBinary.run(["convert", "examples/controlnet.json", "--to", "a1111", "--no-download"], environment: ["ZQT_HOME": home])
        let body = try JSONParser.parse(toA1111.stdout)
        #expect(body["sampler_name"] == .string("DPM++ 2M") && body["scheduler"] == .string("Karras"), "\(toA1111.stdout)\n\(toA1111.stderr)")
    }
}
