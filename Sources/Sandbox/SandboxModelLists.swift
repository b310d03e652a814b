// The sandbox's model lists: checkpoints (zhiqite-api.md §1.4) and the
// LoRA, VAE and embedding lists (§1.5–§1.7, whose paths and rows are
// inferred: the same paging, rows named as ModelListKind says), at their
// default paths. Paged as asked (`pageSize`, 1-based `pageNum`), credentials
// checked like every service path (SandboxService.serve). A list can be made
// to fail, for testing what the client says: missing (404 as a service
// without it), or refused keys.

import Model

/// How the sandbox's lists behave.
public struct SandboxModelListOptions: Sendable, Equatable {
    /// Lists answered as a service that has none: HTTP 404, code "404".
    public var missing: Set<ModelListKind>
    /// Lists whose answers refuse the keys (code "401"), whatever was sent.
    public var refused: Set<ModelListKind>

    public init(missing: Set<ModelListKind> = [], refused: Set<ModelListKind> = []) {
        self.missing = missing
        self.refused = refused
    }
}

extension SandboxService {
    /// One entry of a sandbox list: the wire name, a name for people, a base.
    struct ListEntry {
        let name: String
        let display: String
        let base: String
    }

    /// 23 checkpoints over SD 1.5, SDXL and Flux bases: enough for three pages of 10.
    static let checkpointEntries: [ListEntry] = [
        ListEntry(name: "revAnimated_v122_7371.safetensors", display: "ReV Animated", base: "SD 1.5"),
        ListEntry(name: "photon_v1_84728.safetensors", display: "Photon", base: "SD 1.5"),
        ListEntry(name: "majicmixRealistic_v7_176425.safetensors", display: "majicMIX realistic", base: "SD 1.5"),
        ListEntry(name: "dreamshaper_8_128713.safetensors", display: "DreamShaper", base: "SD 1.5"),
        ListEntry(name: "realisticVisionV60B1_v51VAE_130072.safetensors", display: "Realistic Vision", base: "SD 1.5"),
        ListEntry(name: "counterfeitV30_v30_57618.safetensors", display: "Counterfeit", base: "SD 1.5"),
        ListEntry(name: "anything-v5-PrtRE_30163.safetensors", display: "Anything V5", base: "SD 1.5"),
        ListEntry(name: "meinamix_meinaV11_176264.safetensors", display: "MeinaMix", base: "SD 1.5"),
        ListEntry(name: "epicrealism_naturalSinRC1VAE_143906.safetensors", display: "epiCRealism", base: "SD 1.5"),
        ListEntry(name: "cyberrealistic_v42_256915.safetensors", display: "CyberRealistic", base: "SD 1.5"),
        ListEntry(name: "absolutereality_v181_134065.safetensors", display: "AbsoluteReality", base: "SD 1.5"),
        ListEntry(name: "sd_xl_base_1.0_128078.safetensors", display: "SDXL 1.0", base: "SDXL 1.0"),
        ListEntry(name: "juggernautXL_v9_348913.safetensors", display: "Juggernaut XL", base: "SDXL 1.0"),
        ListEntry(name: "animagineXLV31_v31_403131.safetensors", display: "Animagine XL", base: "SDXL 1.0"),
        ListEntry(name: "ponyDiffusionV6XL_v6_290640.safetensors", display: "Pony Diffusion V6 XL", base: "Pony"),
        ListEntry(name: "dreamshaperXL_v21Turbo_351306.safetensors", display: "DreamShaper XL", base: "SDXL 1.0"),
        ListEntry(name: "realvisxlV40_v40Bakedvae_344487.safetensors", display: "RealVisXL", base: "SDXL 1.0"),
        ListEntry(name: "copaxTimelessxlSDXL1_v12_247259.safetensors", display: "Copax TimeLessXL", base: "SDXL 1.0"),
        ListEntry(name: "zavychromaxl_v80_563988.safetensors", display: "ZavyChromaXL", base: "SDXL 1.0"),
        ListEntry(name: "flux1-dev-fp8_691639.safetensors", display: "FLUX.1 dev fp8", base: "Flux.1 D"),
        ListEntry(name: "flux1-schnell-fp8_638187.safetensors", display: "FLUX.1 schnell fp8", base: "Flux.1 S"),
        ListEntry(name: "fluxRealistic_v10_721401.safetensors", display: "Flux Realistic", base: "Flux.1 D"),
        ListEntry(name: "fluxUnchained_v10_645943.safetensors", display: "Flux Unchained", base: "Flux.1 D"),
    ]

    /// LoRAs, named by `sdLoraFileSimplifyName` as §1.5 infers.
    static let loraEntries: [ListEntry] = [
        ListEntry(name: "add_detail", display: "Detail Tweaker", base: "SD 1.5"),
        ListEntry(name: "more_details", display: "More Details", base: "SD 1.5"),
        ListEntry(name: "epi_noiseoffset2", display: "epi_noiseoffset", base: "SD 1.5"),
        ListEntry(name: "LowRA", display: "LowRA (dark images)", base: "SD 1.5"),
        ListEntry(name: "blindbox_v1_mix", display: "Blindbox", base: "SD 1.5"),
        ListEntry(name: "GoodHands-beta2", display: "Good Hands", base: "SD 1.5"),
        ListEntry(name: "film_grain_sdxl", display: "Film grain XL", base: "SDXL 1.0"),
        ListEntry(name: "xl_more_art-full_v1", display: "XL More Art", base: "SDXL 1.0"),
        ListEntry(name: "pixel-art-xl", display: "Pixel Art XL", base: "SDXL 1.0"),
        ListEntry(name: "add-detail-xl", display: "Add Detail XL", base: "SDXL 1.0"),
        ListEntry(name: "flux_realism_lora", display: "Flux Realism", base: "Flux.1 D"),
        ListEntry(name: "水墨画风_v1", display: "Ink wash painting", base: "SD 1.5"),
    ]

    static let vaeEntries: [ListEntry] = [
        ListEntry(name: "vae-ft-mse-840000-ema-pruned.safetensors", display: "SD 1.5 MSE", base: "SD 1.5"),
        ListEntry(name: "vae-ft-mse-840000-ema-pruned.vae.pt", display: "SD 1.5 MSE (pt)", base: "SD 1.5"),
        ListEntry(name: "kl-f8-anime2.ckpt", display: "Anime", base: "SD 1.5"),
        ListEntry(name: "orangemix.vae.pt", display: "OrangeMix", base: "SD 1.5"),
        ListEntry(name: "sdxl_vae.safetensors", display: "SDXL VAE", base: "SDXL 1.0"),
    ]

    static let embeddingEntries: [ListEntry] = [
        ListEntry(name: "EasyNegative", display: "EasyNegative", base: "SD 1.5"),
        ListEntry(name: "badhandv4", display: "Bad Hand v4", base: "SD 1.5"),
        ListEntry(name: "ng_deepnegative_v1_75t", display: "Deep Negative", base: "SD 1.5"),
        ListEntry(name: "verybadimagenegative_v1.3", display: "Very Bad Image", base: "SD 1.5"),
        ListEntry(name: "negativeXL_D", display: "Negative XL", base: "SDXL 1.0"),
        ListEntry(name: "FastNegativeV2", display: "Fast Negative", base: "SD 1.5"),
    ]

    /// The list a service path is, when it is one (the default paths).
    static func modelListKind(path id: String) -> ModelListKind? {
        ModelListKind.kinds(for: .zhiqite).first { $0.defaultPath == id }
    }

    /// One page of a list, in the §1.4 envelope.
    func modelListAnswer(_ kind: ModelListKind, _ value: JSONValue, options: SandboxModelListOptions) -> HTTPResponse {
        if options.missing.contains(kind) {
            return envelope(code: "404", msg: "no such endpoint: \(Endpoint.pathPrefix)\(kind.defaultPath)", status: 404)
        }
        if options.refused.contains(kind) {
            return envelope(code: "401", msg: "invalid access key")
        }
        guard let pageSize = value["pageSize"]?.numberValue.flatMap(WholeNumber.from), pageSize > 0,
              let pageNum = value["pageNum"]?.numberValue.flatMap(WholeNumber.from), pageNum > 0 else {
            return envelope(code: "400", msg: "pageSize and pageNum are required and must be at least 1")
        }
        // §1.4's filters; the other lists are taken to ignore them.
        let checkpointFilter = value["sdModelCheckpoint"]?.stringValue?.lowercased() ?? ""
        let nameFilter = value["sdModelName"]?.stringValue?.lowercased() ?? ""
        let entries: [ListEntry]
        switch kind {
        case .checkpoint:
            entries = Self.checkpointEntries.filter {
                (checkpointFilter.isEmpty || $0.name.lowercased().contains(checkpointFilter))
                    && (nameFilter.isEmpty || $0.display.lowercased().contains(nameFilter))
            }
        case .lora: entries = Self.loraEntries
        case .vae: entries = Self.vaeEntries
        case .embedding: entries = Self.embeddingEntries
        // An A1111 server's own lists: the service has none (modelListKind(path:) never names one).
        case .sampler, .scheduler, .upscaler, .controlNetModule, .controlNetModel: entries = []
        }
        let size = min(pageSize, 1000)
        let start = (pageNum - 1).multipliedReportingOverflow(by: size)
        let page = start.overflow ? [] : Array(entries.enumerated().dropFirst(start.partialValue).prefix(size))
        let rows: [JSONValue] = page.map { index, entry in row(kind, entry, id: index + 1) }
        return envelope(code: "200", msg: "success", data: .object([
            (key: "rows", value: .array(rows)),
            (key: "total", value: .int(entries.count)),
            (key: "pageSize", value: .int(size)),
            (key: "pageNum", value: .int(pageNum)),
        ]))
    }

    private func row(_ kind: ModelListKind, _ entry: ListEntry, id: Int) -> JSONValue {
        switch kind {
        case .checkpoint:
            // §1.4's row (10 of its 12 fields are documented).
            return .object([
                (key: "id", value: .int(id)),
                (key: "sdModelCheckpoint", value: .string(entry.name)),
                (key: "sdModelName", value: .string(entry.display)),
                (key: "modelBaseModel", value: .string(entry.base)),
                (key: "modelType", value: .string("Checkpoint")),
                (key: "modelVersion", value: .string("v1")),
                (key: "modelStatus", value: .int(1)),
                (key: "modelUploadStatus", value: .int(2)),
            ])
        case .lora:
            return .object([
                (key: "id", value: .int(id)),
                (key: "sdLoraFileSimplifyName", value: .string(entry.name)),
                (key: "sdLoraName", value: .string(entry.display)),
                (key: "modelBaseModel", value: .string(entry.base)),
            ])
        case .vae:
            return .object([
                (key: "id", value: .int(id)),
                (key: "sdVae", value: .string(entry.name)),
                (key: "sdVaeName", value: .string(entry.display)),
                (key: "modelBaseModel", value: .string(entry.base)),
            ])
        case .embedding, .sampler, .scheduler, .upscaler, .controlNetModule, .controlNetModel:
            return .object([
                (key: "id", value: .int(id)),
                (key: "name", value: .string(entry.name)),
                (key: "displayName", value: .string(entry.display)),
                (key: "modelBaseModel", value: .string(entry.base)),
            ])
        }
    }
}
