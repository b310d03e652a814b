// A ControlNet unit whose model is not made for the checkpoint's base
// (issue 19: an SDXL checkpoint with control_v11p_sd15_canny, said nowhere
// although the model picker knows "✓ fits SDXL"). Not a refusal: the
// service takes any model name, and a base zqt reads from a name can be
// wrong; the form flags it and `zqt validate` warns. The bases are read
// from the names (ModelFamily), the checkpoint's from its list entry when
// the caller knows it.

public enum ControlNetFit {
    public struct Misfit: Equatable, Sendable, CustomStringConvertible {
        /// The model's wire path (`alwayson_scripts.controlnet.args[0].model`).
        public let path: String
        public let model: String
        public let modelFamily: ModelFamily
        public let checkpointFamily: ModelFamily

        public var message: String {
            "\(TerminalText.printable(model)) is made for \(modelFamily.rawValue); the checkpoint is \(checkpointFamily.rawValue) (the model picker marks the models that fit)"
        }

        public var description: String { "\(path): \(message)" }
    }

    /// Every unit's model whose base is known and is not the checkpoint's.
    public static func misfits(_ request: Request, checkpointFamily: ModelFamily? = nil) -> [Misfit] {
        let family = checkpointFamily ?? ModelFamily(modelName: request.checkpoint)
        guard family != .unknown else { return [] }
        var found: [Misfit] = []
        for field in request.endpoint.fields {
            guard let group = field.groupSpec else { continue }
            for (index, item) in request.items(of: field).enumerated() {
                for spec in group.fields where spec.role == .fitsCheckpoint {
                    guard let model = item[spec.path]?.stringValue, !model.trimmed.isEmpty else { continue }
                    let base = ModelFamily(modelName: model)
                    guard base != .unknown, base != family else { continue }
                    found.append(Misfit(path: "\(field.path)[\(index)].\(spec.path)", model: model,
                                        modelFamily: base, checkpointFamily: family))
                }
            }
        }
        return found
    }
}
