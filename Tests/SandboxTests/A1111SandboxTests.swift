import Foundation
import Model
import Sandbox
import Testing

/// The A1111 stand-in over real HTTP: what an A1111 client sees of a GPU box.
@Suite struct A1111SandboxTests {
    @Test func progressAdvancesWhileTheCallRunsThenTheCallAnswersWithThePictures() async throws {
        // 9 s of steps: the run must be seen twice (a step, then a preview) by
        // progress questions that each take a round trip; on a loaded 2-core
        // machine 3 s of steps ended before the preview was asked for.
        let sandbox = try A1111SandboxFixture(A1111SandboxOptions(stepMilliseconds: 300, previewEverySteps: 3))
        let idle = try await sandbox.progress()
        #expect(idle["progress"]?.numberValue == 0)
        #expect(idle["state"]?["job"]?.stringValue == "")
        #expect(idle["state"]?["job_count"]?.numberValue == 0)

        let call = Task { try await sandbox.post("/sdapi/v1/txt2img", #"{"prompt": "a lighthouse", "steps": 30, "seed": 42}"#) }
        let early = try await sandbox.progress { ($0["state"]?["sampling_step"]?.numberValue ?? 0) >= 1 }
        #expect(early["state"]?["job"]?.stringValue == "scripts_txt2img")
        #expect(early["state"]?["sampling_steps"]?.numberValue == 30)
        let withPreview = try await sandbox.progress { $0["current_image"]?.stringValue != nil }
        let preview = try A1111SandboxFixture.bytes(withPreview["current_image"])
        #expect(A1111SandboxFixture.size(preview) != nil, "the preview is a PNG")
        #expect((withPreview["progress"]?.numberValue ?? 0) > (early["progress"]?.numberValue ?? 1))
        #expect((withPreview["eta_relative"]?.numberValue ?? -1) >= 0)
        let skipped = try await sandbox.get("/sdapi/v1/progress?skip_current_image=true").json
        #expect(skipped["current_image"] == .null)

        let answer = try await call.value
        #expect(answer.status == 200)
        let pictures = try A1111SandboxFixture.pictures(answer.json)
        #expect(pictures.count == 1)
        #expect(A1111SandboxFixture.size(pictures[0]).map { [$0.0, $0.1] } == [512, 512])
        let info = try A1111SandboxFixture.info(answer.json)
        #expect(info["all_seeds"] == .array([.int(42)]))
        #expect(info["steps"]?.numberValue == 30)
        #expect(info["sd_model_name"]?.stringValue == "v1-5-pruned-emaonly")
        #expect(answer.json["parameters"]?["prompt"]?.stringValue == "a lighthouse")
        #expect(answer.json["parameters"]?["cfg_scale"]?.numberValue == 7, "the echo fills in defaults")
        let after = try await sandbox.progress()
        #expect(after["progress"]?.numberValue == 0)
        #expect(after["state"]?["job"]?.stringValue == "")
    }

    @Test func interruptStopsTheJobAndTheAnswerHoldsThePicturesMadeSoFar() async throws {
        // Eight pictures of 3 s each: the interrupt ends the call early, so
        // the length costs nothing, and a loaded machine's interrupt that
        // lands a few pictures late still lands before the last one.
        let sandbox = try A1111SandboxFixture(A1111SandboxOptions(stepMilliseconds: 30))
        let call = Task { try await sandbox.post("/sdapi/v1/txt2img", #"{"prompt": "x", "steps": 100, "n_iter": 8, "seed": 7}"#) }
        // Once the first picture is done (a slow poll may first see a later one).
        let second = try await sandbox.progress {
            ($0["state"]?["job_no"]?.numberValue ?? 0) >= 1 && ($0["state"]?["sampling_step"]?.numberValue ?? 0) >= 1
        }
        let running = try #require(second["state"]?["job_no"]?.numberValue)
        #expect(second["state"]?["job"]?.stringValue?.hasPrefix("Batch \(JSONWriter.formatNumber(running + 1)) out of 8") == true)
        let interrupt = try await sandbox.post("/sdapi/v1/interrupt", "")
        #expect(interrupt.status == 200)
        let answer = try await call.value
        #expect(answer.status == 200)
        let info = try A1111SandboxFixture.info(answer.json)
        let pictures = try A1111SandboxFixture.pictures(answer.json)
        // A grid first, then one picture per iteration that ran: those finished and the one interrupted.
        #expect(info["index_of_first_image"]?.numberValue == 1)
        #expect(Double(pictures.count - 1) >= running + 1, "the pictures made before the interrupt")
        #expect(pictures.count - 1 < 8, "fewer pictures than the 8 asked for")
        #expect(info["infotexts"]?.arrayValue?.count == pictures.count)
        #expect(info["all_seeds"]?.arrayValue?.count == 8, "all_seeds lists every seed the call planned")
        #expect(sandbox.service.stepsRunByLastJob < 800)
        let after = try await sandbox.progress()
        #expect(after["state"]?["interrupted"] == .bool(true))
    }

    @Test func skipEndsTheCurrentPictureAndTheBatchGoesOn() async throws {
        // The skip must land while the first picture runs: 7.5 s of steps, for a loaded machine's round trips.
        let sandbox = try A1111SandboxFixture(A1111SandboxOptions(stepMilliseconds: 30))
        let call = Task { try await sandbox.post("/sdapi/v1/txt2img", #"{"prompt": "x", "steps": 250, "n_iter": 2}"#) }
        _ = try await sandbox.progress {
            $0["state"]?["job_no"]?.numberValue == 0 && ($0["state"]?["sampling_step"]?.numberValue ?? 0) >= 1
        }
        #expect(try await sandbox.post("/sdapi/v1/skip", "").status == 200)
        let answer = try await call.value
        let pictures = try A1111SandboxFixture.pictures(answer.json)
        #expect(pictures.count == 3, "a grid and both pictures: the skipped one is kept unfinished")
        #expect(sandbox.service.stepsRunByLastJob < 500)
        #expect(sandbox.service.stepsRunByLastJob >= 250, "the second picture ran all its steps")
    }

    @Test func aWrongTypeIsRefusedWithFastAPIsDetailList() async throws {
        let sandbox = try A1111SandboxFixture()
        let answer = try await sandbox.post("/sdapi/v1/txt2img", #"{"prompt": "x", "steps": "many", "width": "640", "tiling": "maybe"}"#)
        #expect(answer.status == 422)
        let detail = try #require(answer.json["detail"]?.arrayValue)
        #expect(detail.count == 2, "\"640\" is coerced to an int, as pydantic does")
        #expect(detail[0]["loc"] == .array([.string("body"), .string("steps")]))
        #expect(detail[0]["msg"]?.stringValue == "value is not a valid integer")
        #expect(detail[0]["type"]?.stringValue == "type_error.integer")
        #expect(detail[1]["loc"] == .array([.string("body"), .string("tiling")]))
        #expect(sandbox.service.finishedJobs == 0)

        let notAnObject = try await sandbox.post("/sdapi/v1/txt2img", "[1]")
        #expect(notAnObject.status == 422)
        #expect(notAnObject.json["detail"]?[0]?["type"]?.stringValue == "type_error.dict")

        let sampler = try await sandbox.post("/sdapi/v1/txt2img", #"{"sampler_name": "Eulerish", "steps": 1}"#)
        #expect(sampler.status == 404)
        #expect(sampler.json["detail"]?.stringValue == "Sampler not found")
    }

    @Test func withAPIAuthEverySdapiPathWantsBasicCredentials() async throws {
        let sandbox = try A1111SandboxFixture(A1111SandboxOptions(stepMilliseconds: 1, apiAuth: "alice:s3cret,bob:pw"))
        let missing = try await sandbox.get("/sdapi/v1/sd-models")
        #expect(missing.status == 401)
        #expect(missing.json["detail"]?.stringValue == "Not authenticated")
        #expect(missing.json["error"]?.stringValue == "HTTPException")
        #expect(missing.head.header("WWW-Authenticate") == "Basic")
        let wrong = try await sandbox.send("POST", "/sdapi/v1/txt2img", json: #"{"steps": 1}"#,
                                           authorization: A1111SandboxFixture.basic("alice", "guess"))
        #expect(wrong.status == 401)
        #expect(wrong.json["detail"]?.stringValue == "Incorrect username or password")
        #expect(sandbox.service.finishedJobs == 0)
        sandbox.authorization = A1111SandboxFixture.basic("bob", "pw")
        #expect(try await sandbox.get("/sdapi/v1/sd-models").status == 200)
        #expect(try await sandbox.post("/sdapi/v1/txt2img", #"{"steps": 1, "width": 64, "height": 64}"#).status == 200)
        // The ControlNet extension adds its routes without A1111's guard.
        #expect(try await sandbox.send("GET", "/controlnet/model_list", authorization: "").status == 200)
    }

    @Test func theListsAnswerInTheRealServersShapes() async throws {
        let sandbox = try A1111SandboxFixture()
        let models = try #require(try await sandbox.get("/sdapi/v1/sd-models").json.arrayValue)
        #expect(models.count >= 3)
        for key in ["title", "model_name", "hash", "sha256", "filename", "config"] { #expect(models[0][key] != nil, "sd-models has \(key)") }
        #expect(models[0]["title"]?.stringValue?.hasSuffix("[\(models[0]["hash"]?.stringValue ?? "")]") == true)
        let samplers = try #require(try await sandbox.get("/sdapi/v1/samplers").json.arrayValue)
        #expect(samplers.contains { $0["name"]?.stringValue == "Euler a" && $0["aliases"]?.arrayValue != nil })
        let schedulers = try #require(try await sandbox.get("/sdapi/v1/schedulers").json.arrayValue)
        #expect(schedulers.contains { $0["name"]?.stringValue == "karras" && $0["label"]?.stringValue == "Karras" })
        let upscalers = try #require(try await sandbox.get("/sdapi/v1/upscalers").json.arrayValue)
        #expect(upscalers.first?["name"]?.stringValue == "None")
        #expect(try await sandbox.get("/sdapi/v1/sd-vae").json.arrayValue?.first?["model_name"] != nil)
        #expect(try await sandbox.get("/sdapi/v1/loras").json.arrayValue?.first?["alias"] != nil)
        let embeddings = try await sandbox.get("/sdapi/v1/embeddings").json
        #expect(embeddings["loaded"]?["EasyNegative"]?["vectors"]?.numberValue == 8)
        #expect(embeddings["skipped"] == .object([]))
        let options = try await sandbox.get("/sdapi/v1/options").json
        #expect(options["sd_model_checkpoint"]?.stringValue == models[0]["title"]?.stringValue)
        let cnModels = try #require(try await sandbox.get("/controlnet/model_list").json["model_list"]?.arrayValue)
        #expect(cnModels.contains(.string("control_v11p_sd15_canny [d14c016b]")))
        let modules = try await sandbox.get("/controlnet/module_list").json
        #expect(modules["module_list"]?.arrayValue?.contains(.string("canny")) == true)
        #expect(modules["module_detail"]?["canny"]?["sliders"]?.arrayValue?.count == 3)
        #expect(try await sandbox.get("/controlnet/version").json["version"]?.numberValue == 3)
        #expect(try await sandbox.get("/sdapi/v1/no-such-list").status == 404)
        #expect(try await sandbox.post("/sdapi/v1/samplers", "{}").status == 405)
    }

    @Test func aCheckpointChosenInOverrideSettingsServesThatJobOnly() async throws {
        let sandbox = try A1111SandboxFixture()
        let body = #"{"steps": 1, "width": 64, "height": 64, "override_settings": {"sd_model_checkpoint": "dreamshaper_8.safetensors [879db523c3]"}}"#
        let chosen = try A1111SandboxFixture.info(try await sandbox.post("/sdapi/v1/txt2img", body).json)
        #expect(chosen["sd_model_name"]?.stringValue == "dreamshaper_8")
        #expect(chosen["infotexts"]?[0]?.stringValue?.contains("Model: dreamshaper_8,") == true)
        let next = try A1111SandboxFixture.info(try await sandbox.post("/sdapi/v1/txt2img", #"{"steps": 1, "width": 64, "height": 64}"#).json)
        #expect(next["sd_model_name"]?.stringValue == "v1-5-pruned-emaonly")
        #expect(try await sandbox.get("/sdapi/v1/options").json["sd_model_checkpoint"]?.stringValue?.hasPrefix("v1-5") == true)
    }

    @Test func oneJobRunsAtATimeAndAnotherClientsJobIsSeenInTheProgress() async throws {
        let sandbox = try A1111SandboxFixture()
        // Another client's job that runs until interrupted.
        let started = try await sandbox.post("/sandbox/busy", #"{"steps": 10000}"#)
        #expect(started.status == 200)
        let foreign = try await sandbox.progress { $0["state"]?["job"]?.stringValue == "scripts_txt2img" }
        #expect((foreign["state"]?["job_count"]?.numberValue ?? 0) > 0, "an idle check before sending sees the box busy")
        let call = Task { try await sandbox.post("/sdapi/v1/txt2img", #"{"steps": 5, "width": 64, "height": 64, "seed": 3}"#) }
        let deadline = Date().addingTimeInterval(60)
        while sandbox.service.waitingJobs == 0, Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
        #expect(sandbox.service.waitingJobs == 1, "our call waits behind the other client's job")
        #expect(sandbox.service.finishedJobs == 0)
        _ = try await sandbox.post("/sdapi/v1/interrupt", "")
        let answer = try await call.value
        #expect(answer.status == 200)
        #expect(try A1111SandboxFixture.pictures(answer.json).count == 1, "an interrupt of the job before ours does not touch ours")
        #expect(sandbox.service.finishedJobs == 2, "the other client's job ended first")
        #expect(sandbox.service.stepsRunByLastJob == 5)
    }

    @Test func eachPictureIsARealPNGWithItsParametersAndTheSameSeedDrawsTheSamePicture() async throws {
        let sandbox = try A1111SandboxFixture()
        let body = #"{"prompt": "a red fox, snow", "negative_prompt": "blurry", "steps": 3, "seed": 42, "width": 320, "height": 256, "batch_size": 2, "sampler_name": "DPM++ 2M", "scheduler": "karras"}"#
        let first = try await sandbox.post("/sdapi/v1/txt2img", body)
        let pictures = try A1111SandboxFixture.pictures(first.json)
        #expect(pictures.count == 3)
        #expect(A1111SandboxFixture.size(pictures[0]).map { [$0.0, $0.1] } == [640, 256], "the grid: two pictures side by side")
        #expect(A1111SandboxFixture.size(pictures[1]).map { [$0.0, $0.1] } == [320, 256])
        let texts = try PNGText.entries(in: pictures[2])
        let parameters = try #require(texts.first { $0.keyword == "parameters" }?.text)
        #expect(parameters.hasPrefix("a red fox, snow\nNegative prompt: blurry\nSteps: 3, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 43, Size: 320x256"))
        #expect(pictures[1] != pictures[2])
        let again = try A1111SandboxFixture.pictures(try await sandbox.post("/sdapi/v1/txt2img", body).json)
        #expect(again[1] == pictures[1], "the same seed draws the same picture")

        let info = try await sandbox.post("/sdapi/v1/png-info", "{\"image\": \"\(Data(pictures[1]).base64EncodedString())\"}")
        #expect(info.json["info"]?.stringValue?.contains("Seed: 42,") == true)
        #expect(info.json["parameters"]?["Seed"]?.stringValue == "42")
        #expect(info.json["parameters"]?["Size-1"]?.stringValue == "320")
        #expect(info.json["parameters"]?["Negative prompt"]?.stringValue == "blurry")
    }

    @Test func controlNetUnitsAreCheckedAndAddTheirMap() async throws {
        let sandbox = try A1111SandboxFixture()
        let picture = Data(PNGImage.render(width: 64, height: 48, seed: 5)).base64EncodedString()
        func body(_ unit: String) -> String {
            #"{"prompt": "cn", "steps": 2, "width": 64, "height": 64, "alwayson_scripts": {"controlnet": {"args": ["# + unit + "]}}}"
        }
        let good = try await sandbox.post("/sdapi/v1/txt2img", body(
            #"{"enabled": true, "module": "canny", "model": "control_v11p_sd15_canny", "weight": 0.8, "image": ""# + picture + #"", "control_mode": 2}"#))
        #expect(good.status == 200)
        #expect(try A1111SandboxFixture.pictures(good.json).count == 2, "the picture, then the control map")
        let infotext = try A1111SandboxFixture.info(good.json)["infotexts"]?[0]?.stringValue ?? ""
        #expect(infotext.contains(#"ControlNet 0: "Module: canny, Model: control_v11p_sd15_canny [d14c016b], Weight: 0.8"#))
        #expect(infotext.contains("Control Mode: ControlNet is more important"))

        let disabled = try await sandbox.post("/sdapi/v1/txt2img", body(#"{"module": "canny", "model": "control_v11p_sd15_canny"}"#))
        #expect(try A1111SandboxFixture.pictures(disabled.json).count == 1, "a unit is off unless it says enabled")

        let badModel = try await sandbox.post("/sdapi/v1/txt2img", body(#"{"enabled": true, "module": "canny", "model": "control_nope", "image": ""# + picture + #""}"#))
        #expect(badModel.status == 500)
        #expect(badModel.json["error"]?.stringValue == "ValidationError")
        #expect(badModel.json["errors"]?.stringValue?.contains("model(control_nope) not found") == true)
        let noImage = try await sandbox.post("/sdapi/v1/txt2img", body(#"{"enabled": true, "module": "canny", "model": "control_v11p_sd15_canny"}"#))
        #expect(noImage.status == 500)
        #expect(noImage.json["errors"]?.stringValue == "controlnet is enabled but no input image is given")
        let badWeight = try await sandbox.post("/sdapi/v1/txt2img", body(#"{"enabled": true, "module": "none", "model": "control_v11p_sd15_canny", "weight": 3, "image": ""# + picture + #""}"#))
        #expect(badWeight.status == 500)
        #expect(sandbox.service.finishedJobs == 2)
    }

    @Test func theFailMarkerAnswersA1111sErrorBodyAfterTheJobRan() async throws {
        let sandbox = try A1111SandboxFixture()
        let answer = try await sandbox.post("/sdapi/v1/txt2img", #"{"prompt": "x sandbox:fail", "steps": 3, "width": 64, "height": 64}"#)
        #expect(answer.status == 500)
        #expect(answer.json.objectValue?.map(\.key) == ["error", "detail", "body", "errors"])
        #expect(answer.json["errors"]?.stringValue?.contains("sandbox:fail") == true)
        #expect(sandbox.service.finishedJobs == 1)
    }

    @Test func img2imgExtrasAndInterrogateTakeTheirPictureInline() async throws {
        let sandbox = try A1111SandboxFixture()
        let source = Data(PNGImage.render(width: 200, height: 100, seed: 9)).base64EncodedString()
        let missing = try await sandbox.post("/sdapi/v1/img2img", #"{"prompt": "x", "steps": 1}"#)
        #expect(missing.status == 404)
        #expect(missing.json["detail"]?.stringValue == "Init image not found")
        let garbage = try await sandbox.post("/sdapi/v1/img2img", #"{"prompt": "x", "steps": 1, "init_images": ["bm90IGEgcGljdHVyZQ=="]}"#)
        #expect(garbage.status == 500)
        #expect(garbage.json["detail"]?.stringValue == "Invalid encoded image")
        let made = try await sandbox.post("/sdapi/v1/img2img",
                                          "{\"prompt\": \"x\", \"steps\": 2, \"width\": 128, \"height\": 96, \"init_images\": [\"\(source)\"]}")
        #expect(made.status == 200)
        #expect(made.json["parameters"]?["init_images"] == .null, "pictures are not echoed unless include_init_images")
        #expect(try A1111SandboxFixture.info(made.json)["denoising_strength"]?.numberValue == 0.75)

        let upscaled = try await sandbox.post("/sdapi/v1/extra-single-image",
                                              "{\"image\": \"data:image/png;base64,\(source)\", \"upscaling_resize\": 1.5, \"upscaler_1\": \"R-ESRGAN 4x+\"}")
        #expect(upscaled.status == 200)
        let bigger = try A1111SandboxFixture.bytes(upscaled.json["image"])
        #expect(A1111SandboxFixture.size(bigger).map { [$0.0, $0.1] } == [300, 150])
        let unknownUpscaler = try await sandbox.post("/sdapi/v1/extra-single-image", "{\"image\": \"\(source)\", \"upscaler_1\": \"Magic\"}")
        #expect(unknownUpscaler.status == 500)
        let badMode = try await sandbox.post("/sdapi/v1/extra-single-image", "{\"image\": \"\(source)\", \"resize_mode\": 2}")
        #expect(badMode.status == 422)
        #expect(badMode.json["detail"]?[0]?["type"]?.stringValue == "value_error.const")

        let caption = try await sandbox.post("/sdapi/v1/interrogate", "{\"image\": \"\(source)\", \"model\": \"clip\"}")
        #expect(caption.json["caption"]?.stringValue?.isEmpty == false)
        #expect(try await sandbox.post("/sdapi/v1/interrogate", "{\"image\": \"\(source)\", \"model\": \"blip9\"}").status == 404)
    }

    @Test func theDropMarkerClosesTheConnectionMidJobAndTheBadPreviewMarkerSendsNoPicture() async throws {
        let sandbox = try A1111SandboxFixture(A1111SandboxOptions(stepMilliseconds: 30))
        await #expect(throws: APIError.self) {
            _ = try await sandbox.post("/sdapi/v1/txt2img", #"{"prompt": "x sandbox:drop", "steps": 20, "width": 64, "height": 64}"#)
        }
        #expect(sandbox.service.stepsRunByLastJob == 10, "the job went half-way")

        let call = Task { try await sandbox.post("/sdapi/v1/txt2img", #"{"prompt": "sandbox:bad-preview", "steps": 100, "width": 64, "height": 64}"#) }
        let progress = try await sandbox.progress { $0["current_image"]?.stringValue != nil }
        let preview = try A1111SandboxFixture.bytes(progress["current_image"])
        #expect(A1111SandboxFixture.size(preview) == nil)
        _ = try await sandbox.post("/sdapi/v1/interrupt", "")
        #expect(try await call.value.status == 200)
    }

    @Test func aCallBeyondTheSandboxsGPUIsAnsweredAsOutOfMemory() async throws {
        let sandbox = try A1111SandboxFixture()
        let tooMany = try await sandbox.post("/sdapi/v1/txt2img", #"{"steps": 1, "width": 2048, "height": 2048, "batch_size": 8}"#)
        #expect(tooMany.status == 500)
        #expect(tooMany.json["error"]?.stringValue == "OutOfMemoryError")
        let tooWide = try await sandbox.post("/sdapi/v1/txt2img", #"{"steps": 1, "width": 1024, "height": 1024, "enable_hr": true, "hr_scale": 8}"#)
        #expect(tooWide.status == 500)
        #expect(sandbox.service.finishedJobs == 0, "refused before it ran")
    }

    @Test func asForgeA422IsWordedAsPydantic2WordsIt() async throws {
        let sandbox = try A1111SandboxFixture(A1111SandboxOptions(stepMilliseconds: 1, flavor: .forge))
        let answer = try await sandbox.post("/sdapi/v1/txt2img", #"{"steps": "many", "width": 512.5, "prompt": 3}"#)
        #expect(answer.status == 422)
        let detail = try #require(answer.json["detail"]?.arrayValue)
        #expect(detail.count == 3, "pydantic 2 neither truncates 512.5 nor writes 3 as a string")
        #expect(detail[0] == .object([("type", .string("string_type")), ("loc", .array([.string("body"), .string("prompt")])),
                                      ("msg", .string("Input should be a valid string")), ("input", .int(3))]))
        #expect(detail[1]["type"]?.stringValue == "int_parsing")
        #expect(detail[1]["input"]?.stringValue == "many")
        #expect(detail[2]["type"]?.stringValue == "int_from_float")
        let bounds = try await sandbox.post("/sdapi/v1/extra-single-image", #"{"image": "", "codeformer_weight": 2}"#)
        #expect(bounds.json["detail"]?[0]?["ctx"] == .object([("le", .int(1))]))
        let made = try await sandbox.post("/sdapi/v1/txt2img", #"{"steps": 1, "width": 64, "height": 64}"#)
        #expect(try A1111SandboxFixture.info(made.json)["version"]?.stringValue?.hasPrefix("f2.") == true)
    }
}
