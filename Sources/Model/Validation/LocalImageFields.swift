// The image fields of a request (issue 17), read from the catalog: a field
// of kind url or url_list (every tool's picture inputs, a training list) that
// is not a callback (§0.5), and a repeated group's input image (a ControlNet
// unit's image_link, §1.3). Any of them may hold a local path, which the
// form shows as typed and the send replaces by the URL its upload returned.
// Here: where the local paths of a request are, and what the form says of
// one that names no file.

// Which fields take a picture is FieldSpec.takesImage (Catalog/ImageInputs.swift).

/// A local path in one of a request's image fields.
public struct LocalImagePath: Equatable, Sendable {
    /// Where it is on the wire: `sourceUrl`, `fileUrlList[3]`, `alwayson_scripts.controlnet.args[0].image_link`.
    public let wirePath: String
    /// The field's label ("Source face", "Control image").
    public let label: String
    /// The path as typed (`./face.jpg`, `~/photos/me.png`).
    public let path: String
}

public enum LocalImageFields {
    /// Every local path the request's image fields hold, in wire order.
    public static func localPaths(in request: Request) -> [LocalImagePath] {
        var found: [LocalImagePath] = []
        func look(_ value: JSONValue?, at path: String, label: String) {
            switch value {
            case let .string(text)?:
                let trimmed = text.trimmed
                if PathCompletion.looksLikePath(trimmed) { found.append(LocalImagePath(wirePath: path, label: label, path: trimmed)) }
            case let .array(items)?:
                for (index, item) in items.enumerated() { look(item, at: "\(path)[\(index)]", label: label) }
            default:
                break
            }
        }
        for field in request.endpoint.fields where !field.kind.isVirtual {
            if let group = field.groupSpec {
                for (index, item) in request.items(of: field).enumerated() {
                    for key in group.fields where key.takesImage {
                        look(item[key.path], at: "\(field.path)[\(index)].\(key.path)", label: "\(group.rowLabel) \(index + 1) \(key.label.lowercased())")
                    }
                }
            } else if field.takesImage {
                look(request.wireValue(of: field), at: field.path, label: field.label)
            }
        }
        return found
    }

    /// The form's problems with local paths in mind: a local path is not
    /// "not a URL" (the send uploads it), but one that names no file, or a
    /// folder, is a problem of its field. `files` holds what each path was
    /// found to be (checked off the event loop); a path not checked yet is not flagged.
    public static func problems(_ request: Request, validated: [ValidationProblem], files: [String: LocalFileState]) -> [ValidationProblem] {
        let paths = localPaths(in: request)
        guard !paths.isEmpty else { return validated }
        let local = Set(paths.map(\.wirePath))
        var problems = validated.filter { !local.contains($0.path) }
        for path in paths {
            switch files[path.path] {
            case .missing?:
                problems.append(ValidationProblem(path: path.wirePath, message: "\(path.label): no file at \(path.path)"))
            case .notAFile?:
                problems.append(ValidationProblem(path: path.wirePath, message: "\(path.label): \(path.path) is a folder or not a regular file"))
            case .file?, nil:
                break
            }
        }
        return problems
    }
}
