// A fresh form of any endpoint with its required fields filled as a user
// would fill them: any URL for a link, as many URLs as a list needs at least,
// a text, a checkpoint the sandbox lists, one item of a repeated group (a
// ControlNet unit from the first control type). Optional
// fields keep their defaults. The tests send one of every endpoint with it
// (issue 9), and a form the catalog gains is covered without a line more.

import Model

public enum PlausibleForm {
    public static func filled(_ endpoint: Endpoint, taskID: String = TaskIDGenerator.shared.next()) -> Request {
        var request = Request.new(for: endpoint, taskID: taskID)
        for field in endpoint.fields where needsValue(field, in: request) {
            switch field.kind {
            case .url:
                request[field.path] = .string("https://example.com/\(field.path).png")
            case .urlList:
                let count = Int(clamping: field.minimum ?? 1, to: 1...100)
                request[field.path] = .array((0..<count).map { .string("https://example.com/\(field.path)-\($0).png") })
            case .text, .multilineText:
                request[field.path] = .string("a lighthouse at dusk")
            case .modelChoice:
                request[field.path] = .string("photon_v1_84728.safetensors")
            case let .group(group):
                // One item from the first preset, its links and required texts filled as above.
                var item = group.newItem(preset: group.presets?.presets.first)
                for itemField in group.fields where itemField.role == .inputImage || (itemField.required && item[itemField.path] == nil) {
                    switch itemField.kind {
                    case .url: item.set(.string("https://example.com/\(itemField.path).png"), at: itemField.path)
                    case .text, .multilineText, .modelChoice: item.set(.string("a lighthouse at dusk"), at: itemField.path)
                    default: break
                    }
                }
                request[field.path] = .array([item])
            default:
                break  // named by `unfilled`
            }
        }
        return request
    }

    /// The required fields `filled` has no value for (a kind it does not know).
    public static func unfilled(_ endpoint: Endpoint) -> [String] {
        let request = filled(endpoint, taskID: "t")
        return endpoint.fields.filter { needsValue($0, in: request) }.map(\.path)
    }

    private static func needsValue(_ field: FieldSpec, in request: Request) -> Bool {
        guard field.required, !field.kind.isVirtual, field.role != .taskID else { return false }
        let current = request.wireValue(of: field)
        return current == nil || current == .string("") || current == .array([])
    }
}
