// An A1111 server's own lists (issue 20), read into the shape the model
// pickers already read (ModelListReader: `{rows, total}`, each row's name
// under the keys ModelListKind names). The server answers each list whole,
// at once; its shapes (modules/api/models.py):
//
//   /sdapi/v1/sd-models   [{title, model_name, hash, sha256, filename, config}]
//   /sdapi/v1/sd-vae      [{model_name, filename}]
//   /sdapi/v1/loras       [{name, alias, path, metadata}]
//   /sdapi/v1/embeddings  {loaded: {name: {step, sd_checkpoint, shape, vectors}}, skipped: {…}}
//   /sdapi/v1/samplers    [{name, aliases, options}]      /sdapi/v1/schedulers [{name, label, …}]
//   /sdapi/v1/upscalers   [{name, model_name, model_path, model_url, scale}]
//   /controlnet/model_list {model_list: [...]}           /controlnet/module_list {module_list: [...], module_detail: {…}}

public enum A1111ModelLists {
    /// Where each model list is on an A1111 server.
    public static func path(for kind: ModelListKind) -> String {
        switch kind {
        case .checkpoint: return "sdapi/v1/sd-models"
        case .lora: return "sdapi/v1/loras"
        case .vae: return "sdapi/v1/sd-vae"
        case .embedding: return "sdapi/v1/embeddings"
        case .sampler: return samplers
        case .scheduler: return schedulers
        case .upscaler: return upscalers
        case .controlNetModule: return controlNetModules
        case .controlNetModel: return controlNetModels
        }
    }

    /// The paths of the lists that are choices rather than models.
    public static let samplers = "sdapi/v1/samplers"
    public static let schedulers = "sdapi/v1/schedulers"
    public static let upscalers = "sdapi/v1/upscalers"
    public static let controlNetModels = "controlnet/model_list"
    public static let controlNetModules = "controlnet/module_list"

    /// At most this many rows are read from one list (a hostile server's million are not).
    public static let maxRows = 5000

    /// A list's answer as one page of rows: `{rows: [{name, sdModelCheckpoint?, …}], total}`.
    public static func page(_ value: JSONValue, path: String) -> JSONValue {
        let names = self.names(value, path: path)
        let rows: [JSONValue] = names.prefix(maxRows).map { name, display in
            var members: [(key: String, value: JSONValue)] = []
            if path.hasSuffix("sd-models") { members.append((key: "sdModelCheckpoint", value: .string(name))) }
            members.append((key: "name", value: .string(name)))
            if let display, display != name {
                members.append((key: path.hasSuffix("sd-models") ? "sdModelName" : "displayName", value: .string(display)))
            }
            return .object(members)
        }
        return .object([(key: "rows", value: .array(rows)), (key: "total", value: .int(rows.count))])
    }

    /// Each entry's name (what a request carries) and a name for people, in the server's order.
    public static func names(_ value: JSONValue, path: String) -> [(name: String, display: String?)] {
        func printable(_ text: String?) -> String? {
            guard let text, !text.isEmpty else { return nil }
            return APIError.printable(String(text.prefix(300)))
        }
        if let items = value.arrayValue {
            return items.compactMap { item -> (String, String?)? in
                if let text = item.stringValue { return printable(text).map { ($0, nil) } }
                // sd-models: `title` ("name.safetensors [hash]") is what override_settings takes; model_name reads better.
                let name = printable(item["title"]?.stringValue) ?? printable(item["name"]?.stringValue)
                    ?? printable(item["model_name"]?.stringValue)
                guard let name else { return nil }
                let display = printable(item["model_name"]?.stringValue) ?? printable(item["alias"]?.stringValue)
                    ?? printable(item["label"]?.stringValue)
                return (name, display)
            }
        }
        for key in ["model_list", "module_list"] {
            if let items = value[key]?.arrayValue {
                return items.compactMap { printable($0.stringValue).map { ($0, nil) } }
            }
        }
        if let loaded = value["loaded"]?.objectValue {
            return loaded.compactMap { printable($0.key).map { ($0, nil) } }
        }
        return []
    }
}
