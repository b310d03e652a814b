// What the A1111 stand-in has installed: checkpoints, VAEs, samplers,
// schedulers, upscalers, LoRAs, embeddings and ControlNet models and
// preprocessors, answered in the shapes A1111's list endpoints use
// (models.py: SDModelItem, SDVaeItem, SamplerItem, SchedulerItem,
// UpscalerItem; the Lora extension's and ControlNet's own lists).

import Model

enum A1111Lists {
    struct Checkpoint {
        let name: String  // the file name without its extension: model_name
        let hash: String  // the short hash A1111 shows in brackets
        var title: String { "\(name).safetensors [\(hash)]" }
        var filename: String { "/sandbox/models/Stable-diffusion/\(name).safetensors" }
    }

    static let checkpoints = [
        Checkpoint(name: "v1-5-pruned-emaonly", hash: "6ce0161689"),
        Checkpoint(name: "sd_xl_base_1.0", hash: "31e35c80fc"),
        Checkpoint(name: "dreamshaper_8", hash: "879db523c3"),
        Checkpoint(name: "juggernautXL_v9", hash: "c9e3e68f89"),
        Checkpoint(name: "realisticVisionV60B1", hash: "e5f3cbc5f7"),
    ]

    /// The checkpoint a job uses: the one `override_settings.sd_model_checkpoint`
    /// names by title, name or hash, else the loaded one. A1111 falls back
    /// the same way, quietly, when the name matches nothing (sd_models.py
    /// select_checkpoint): the `info` answer says which one ran.
    static func checkpoint(named name: String?, loaded: Checkpoint) -> Checkpoint {
        guard let name = name?.trimmed, !name.isEmpty else { return loaded }
        return checkpoints.first {
            $0.title == name || $0.name == name || "\($0.name).safetensors" == name || $0.hash == name
        } ?? loaded
    }

    static let vaes = ["vae-ft-mse-840000-ema-pruned.safetensors", "sdxl_vae.safetensors", "kl-f8-anime2.ckpt"]

    /// Sampler names and their aliases (A1111 1.10's all_samplers).
    static let samplers: [(name: String, aliases: [String])] = [
        ("DPM++ 2M", ["k_dpmpp_2m"]), ("DPM++ SDE", ["k_dpmpp_sde"]), ("DPM++ 2M SDE", ["k_dpmpp_2m_sde"]),
        ("DPM++ 2M SDE Heun", ["k_dpmpp_2m_sde_heun"]), ("DPM++ 2S a", ["k_dpmpp_2s_a"]), ("DPM++ 3M SDE", ["k_dpmpp_3m_sde"]),
        ("Euler a", ["k_euler_a", "k_euler_ancestral"]), ("Euler", ["k_euler"]), ("LMS", ["k_lms"]), ("Heun", ["k_heun"]),
        ("DPM2", ["k_dpm_2"]), ("DPM2 a", ["k_dpm_2_a"]), ("DPM fast", ["k_dpm_fast"]), ("DPM adaptive", ["k_dpm_ad"]),
        ("Restart", ["restart"]), ("DDIM", ["ddim"]), ("DDIM CFG++", ["ddim_cfgpp"]), ("PLMS", ["plms"]),
        ("UniPC", ["unipc"]), ("LCM", ["k_lcm"]),
    ]

    /// A sampler's own name for a name or alias, nil when there is none
    /// (A1111 answers 404 "Sampler not found").
    static func sampler(named name: String) -> String? {
        samplers.first { $0.name == name || $0.aliases.contains(name) }?.name
    }

    static let schedulers: [(name: String, label: String, rho: Double?, inner: Bool)] = [
        ("automatic", "Automatic", nil, false), ("uniform", "Uniform", nil, true), ("karras", "Karras", 7, false),
        ("exponential", "Exponential", nil, false), ("polyexponential", "Polyexponential", 1, false),
        ("sgm_uniform", "SGM Uniform", nil, true), ("kl_optimal", "KL Optimal", nil, false),
        ("align_your_steps", "Align Your Steps", nil, false), ("simple", "Simple", nil, true),
        ("normal", "Normal", nil, true), ("ddim", "DDIM", nil, true), ("beta", "Beta", nil, true),
    ]

    /// Upscaler names with the factor each draws at (nil: any).
    static let upscalers: [(name: String, scale: Double)] = [
        ("None", 4), ("Lanczos", 4), ("Nearest", 4), ("DAT x2", 2), ("ESRGAN_4x", 4), ("LDSR", 4),
        ("R-ESRGAN 4x+", 4), ("R-ESRGAN 4x+ Anime6B", 4), ("ScuNET GAN", 4), ("SwinIR 4x", 4),
    ]

    static let loras = ["add_detail", "lcm-lora-sdv1-5", "pixel-art-xl", "epiNoiseoffset_v2", "more_details"]

    static let embeddings: [(name: String, vectors: Int, shape: Int)] = [
        ("EasyNegative", 8, 768), ("badhandv4", 6, 768), ("ng_deepnegative_v1_75t", 75, 768), ("verybadimagenegative_v1.3", 1, 768),
    ]

    static let controlNetModels = [
        "control_v11p_sd15_canny [d14c016b]", "control_v11f1p_sd15_depth [cfd03158]", "control_v11p_sd15_openpose [cab727d4]",
        "control_v11p_sd15_lineart [43d4be0d]", "control_v11p_sd15_scribble [d4ba51ff]", "control_v11f1e_sd15_tile [a371b31b]",
        "control_v11p_sd15_inpaint [ebff9138]", "diffusers_xl_canny_mid [112a778d]", "ip-adapter_sd15 [6a3f6166]",
    ]

    /// A model the extension knows by its listed name or that name without the bracketed hash.
    static func controlNetModel(named name: String) -> String? {
        controlNetModels.first { $0 == name || $0.split(separator: " ").first.map(String.init) == name }
    }

    /// Preprocessors with the sliders A1111's ControlNet tab shows for them (`module_detail`).
    static let controlNetModules: [(name: String, sliders: [(name: String, value: Double, min: Double, max: Double)])] = [
        ("none", []),
        ("canny", [("Preprocessor Resolution", 512, 64, 2048), ("Canny Low Threshold", 100, 1, 255), ("Canny High Threshold", 200, 1, 255)]),
        ("depth_midas", [("Preprocessor Resolution", 512, 64, 2048)]),
        ("depth_anything", [("Preprocessor Resolution", 512, 64, 2048)]),
        ("openpose", [("Preprocessor Resolution", 512, 64, 2048)]),
        ("openpose_full", [("Preprocessor Resolution", 512, 64, 2048)]),
        ("lineart_realistic", [("Preprocessor Resolution", 512, 64, 2048)]),
        ("scribble_pidinet", [("Preprocessor Resolution", 512, 64, 2048)]),
        ("tile_resample", [("Down Sampling Rate", 1, 1, 8)]),
        ("inpaint_only", []),
        ("reference_only", [("Style Fidelity", 0.5, 0, 1)]),
        ("ip-adapter_clip_sd15", []),
    ]

    static func controlNetModule(named name: String) -> Bool { controlNetModules.contains { $0.name == name } }

    // MARK: Answers

    static func sdModelsAnswer() -> JSONValue {
        .array(checkpoints.map { checkpoint in
            .object([("title", .string(checkpoint.title)), ("model_name", .string(checkpoint.name)),
                     ("hash", .string(checkpoint.hash)), ("sha256", .string(checkpoint.hash + String(repeating: "0", count: 54))),
                     ("filename", .string(checkpoint.filename)), ("config", .null)])
        })
    }

    static func vaeAnswer() -> JSONValue {
        .array(vaes.map { .object([("model_name", .string($0)), ("filename", .string("/sandbox/models/VAE/\($0)"))]) })
    }

    static func samplersAnswer() -> JSONValue {
        .array(samplers.map { .object([("name", .string($0.name)), ("aliases", .array($0.aliases.map(JSONValue.string))),
                                       ("options", .object([]))]) })
    }

    static func schedulersAnswer() -> JSONValue {
        .array(schedulers.map { scheduler in
            .object([("name", .string(scheduler.name)), ("label", .string(scheduler.label)), ("aliases", .null),
                     ("default_rho", scheduler.rho.map(JSONValue.double) ?? .double(-1)), ("need_inner_model", .bool(scheduler.inner))])
        })
    }

    static func upscalersAnswer() -> JSONValue {
        .array(upscalers.map { upscaler in
            let builtIn = ["None", "Lanczos", "Nearest"].contains(upscaler.name)
            return .object([("name", .string(upscaler.name)),
                            ("model_name", builtIn ? .null : .string(upscaler.name)),
                            ("model_path", builtIn ? .null : .string("/sandbox/models/upscalers/\(upscaler.name).pth")),
                            ("model_url", .null), ("scale", .double(upscaler.scale))])
        })
    }

    static func lorasAnswer() -> JSONValue {
        .array(loras.map { name in
            .object([("name", .string(name)), ("alias", .string(name)),
                     ("path", .string("/sandbox/models/Lora/\(name).safetensors")), ("metadata", .object([]))])
        })
    }

    static func embeddingsAnswer() -> JSONValue {
        .object([("loaded", .object(embeddings.map { embedding in
            (embedding.name, .object([("step", .null), ("sd_checkpoint", .null), ("sd_checkpoint_name", .null),
                                      ("shape", .int(embedding.shape)), ("vectors", .int(embedding.vectors))]))
        })), ("skipped", .object([]))])
    }

    static func controlNetModelListAnswer() -> JSONValue {
        .object([("model_list", .array(controlNetModels.map(JSONValue.string)))])
    }

    static func controlNetModuleListAnswer() -> JSONValue {
        let detail: [(key: String, value: JSONValue)] = controlNetModules.map { module in
            (module.name, .object([
                ("model_free", .bool(module.name == "reference_only")),
                ("sliders", .array(module.sliders.map { slider in
                    .object([("name", .string(slider.name)), ("value", .double(slider.value)),
                             ("min", .double(slider.min)), ("max", .double(slider.max))])
                })),
            ]))
        }
        return .object([("module_list", .array(controlNetModules.map { .string($0.name) })), ("module_detail", .object(detail))])
    }
}
