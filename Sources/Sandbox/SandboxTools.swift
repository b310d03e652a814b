// What each image tool answers in the sandbox (zhiqite-api.md §4, queried
// through §2.3). The reference shows few tool responses; where it shows
// none, the sandbox's answer is its own invention, plausible and the same
// every time for the same request, and says so below.
//
// Tools are told apart by their toolCode (the path after `tool/`, wire rule
// 8). A toolCode the catalog does not know (`tool/faceRestore`, users'
// custom requests to undocumented tools) is served as a generic image tool.

import Model

/// The result a finished tool task answers, decided at submit.
enum ToolPlan {
    /// `count` PNGs of `width` × `height` at `outputImageUrl` (§4.1's shape).
    case images(count: Int, width: Int, height: Int)
    /// Text under `key`: `prompts` (an array, §4.10), `caption` (§4.7), `style` (§4.13, invented).
    case texts(key: String, [String], status: Int)
    /// Members of the answer as they are (face detection's `faces`, invented).
    case members([(String, JSONValue)])
}

enum SandboxTools {
    /// A face swap or hairstyle change answers a picture the size of its
    /// target; the target's size is unknown unless it is one of the
    /// sandbox's own results, so 768×768 (§4.2, §4.3, §4.8, §4.11).
    static let assumedImageSize = (width: 768, height: 768)

    /// What a tool answers once done. `sizeOf` gives the size of an image URL
    /// the sandbox served itself (nil for any other URL).
    static func plan(for endpoint: Endpoint, wire: JSONValue, imageCount: Int,
                     sizeOf: (String) -> (width: Int, height: Int)?) -> ToolPlan {
        guard let code = endpoint.family.toolCode else { return .images(count: 1, width: 1024, height: 1024) }
        func text(_ key: String) -> String { wire[key]?.stringValue?.trimmed ?? "" }
        func number(_ key: String) -> Double? {
            guard let value = wire[key]?.numberValue ?? wire[key]?.stringValue.flatMap({ Double($0.trimmed) }), value.isFinite else { return nil }
            return value
        }
        func size(of key: String) -> (width: Int, height: Int) { sizeOf(text(key)) ?? assumedImageSize }
        switch code {
        case "prompts/expand":
            let count = Int(clamping: number("sequencesNum") ?? 1, to: 1...8)
            return .texts(key: "prompts", SandboxService.expandedPrompts(text("sourcePrompt"), count: count, sdxl: number("mode") == 1),
                          status: 0)
        case "interrogate":
            // §4.7's example answers `caption` with status 1.
            return .texts(key: "caption", [caption(of: text("image"), model: text("model"))], status: 1)
        case "identifyStyle":
            // §4.13 shows only the submit answer; `style` is the sandbox's own key (one of ToolTaskReading's).
            return .texts(key: "style", [style(of: text("sourceImage"))], status: 1)
        case "face/detection":
            let picture = size(of: "imageUrl")
            return .members([("faces", faces(in: text("imageUrl"), width: picture.width, height: picture.height))])
        case "roop", "v2/roop", "face/fusion", "hair/change":
            let target = size(of: "targetUrl")
            return .images(count: 1, width: target.width, height: target.height)
        case "imgExpand":
            // §4.14: the source extended by its ratios, imageCount pictures.
            let source = size(of: "sourceImage")
            let across = min(max(number("horizontalExpansionRatio") ?? 1, 1), 4)
            let down = min(max(number("verticalExpansionRatio") ?? 1, 1), 4)
            return .images(count: min(max(imageCount, 1), 8),
                           width: Int(clamping: (Double(source.width) * across).rounded(), to: 1...4096),
                           height: Int(clamping: (Double(source.height) * down).rounded(), to: 1...4096))
        case "cnt/preview":
            // §4.15: one control map the size of the source.
            let source = size(of: "sourceImage")
            return .images(count: 1, width: source.width, height: source.height)
        default:
            // The catalog's own size fields (Flux §4.1, instantID §4.4), else a
            // `width`/`height` the body happens to carry (an undocumented tool), else 1024².
            func dimension(_ role: FieldRole, _ key: String) -> Int {
                let value = endpoint.field(role: role).flatMap { wire.value(at: $0.path)?.numberValue } ?? number(key) ?? 1024
                return Int(clamping: value, to: 1...4096)
            }
            return .images(count: min(max(imageCount, 1), 16), width: dimension(.width, "width"), height: dimension(.height, "height"))
        }
    }

    /// FNV-1a: the same text picks the same answer in every run (Swift's Hasher is seeded per process).
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    static func pick<T>(_ items: [T], _ text: String, salt: UInt64 = 0) -> T {
        items[Int((stableHash(text) &+ salt) % UInt64(items.count))]
    }

    /// A caption in §4.7's manner: a sentence from clip, tags from deepdanbooru.
    static func caption(of url: String, model: String) -> String {
        if model == "deepdanbooru" {
            let tags = ["1girl", "solo", "long hair", "looking at viewer", "smile", "outdoors", "blue eyes", "upper body",
                        "short hair", "sky", "flower", "dress", "brown hair", "day", "cloud"]
            return (0..<6).map { pick(tags, url, salt: UInt64($0) * 7) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                .joined(separator: ", ")
        }
        let subjects = ["a close up of a doll with long hair and blue eyes", "a woman standing in a field of flowers",
                        "a lighthouse on a rocky cliff at dusk", "a cat sitting on a windowsill in the sun",
                        "a street at night with neon signs reflected in puddles"]
        let styles = ["a photorealistic painting", "gothic art", "a detailed matte painting", "soft natural light", "cinematic lighting"]
        return "\(pick(subjects, url)), \(pick(styles, url, salt: 3)), highly detailed"
    }

    /// A style name, as a LoRA or model pick would need (§4.13, inferred).
    static func style(of url: String) -> String {
        pick(["anime illustration", "photorealistic portrait", "watercolor painting", "3D render", "pixel art",
              "oil painting", "jk fashion", "cyberpunk", "ink wash painting", "flat vector illustration"], url)
    }

    /// §4.9 never shows its answer. The sandbox's own invention: a list of
    /// faces, left to right (the order §4.8's faceIdx counts in), each with
    /// its 1-based `index`, a detection `score` and a pixel `box`.
    static func faces(in url: String, width: Int, height: Int) -> JSONValue {
        let count = 1 + Int(stableHash(url) % 3)
        let slot = max(width / count, 1)
        let items: [JSONValue] = (0..<count).map { index in
            let side = max(min(slot * 3 / 5, height / 2), 1)
            let x = index * slot + (slot - side) / 2
            let y = height / 5 + Int((stableHash(url) >> UInt64(8 * (index + 1))) % UInt64(max(height / 6, 1)))
            let score = 0.90 + Double((stableHash(url) >> UInt64(4 * index)) % 100) / 1000
            return .object([
                (key: "index", value: .int(index + 1)),
                (key: "score", value: .double((score * 1000).rounded() / 1000)),
                (key: "box", value: .object([
                    (key: "x", value: .int(x)), (key: "y", value: .int(y)),
                    (key: "width", value: .int(side)), (key: "height", value: .int(side)),
                ])),
            ])
        }
        return .array(items)
    }
}
