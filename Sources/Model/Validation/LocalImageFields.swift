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
        imageTexts(in: request) { PathCompletion.looksLikePath($0) }
    }

    /// The first image field's text (a URL or a path), or nil: the picture
    /// a one-picture tool worked on (face detection's `imageUrl`, §4.9).
    public static func firstImage(in request: Request) -> String? {
        for field in request.endpoint.fields where field.takesImage && !field.kind.isVirtual {
            if let text = request.wireValue(of: field)?.stringValue?.trimmed, !text.isEmpty { return text }
        }
        return nil
    }

    /// Bare names in image fields (`face.jpg`: no scheme, no `/`, `~`, `./`
    /// or `../` before it), which may be a file in the current folder.
    /// Such a name is not taken as a local path, only hinted at when it names
    /// a file (`problems`): the same text is also what a URL missing its
    /// scheme looks like (`example.com/face.jpg`), and a field sends exactly
    /// what it shows; `./face.jpg` says which is meant, and a typo in a URL
    /// never becomes a silent upload of some local file.
    public static func bareNames(in request: Request) -> [LocalImagePath] {
        imageTexts(in: request) { text in
            !PathCompletion.looksLikePath(text) && !text.contains("://") && !text.contains(where: \.isWhitespace)
                && RequestValidator.urlProblem(text) != nil
        }
    }

    /// The texts of the request's image fields that `matches` takes, in wire order.
    private static func imageTexts(in request: Request, _ matches: (String) -> Bool) -> [LocalImagePath] {
        var found: [LocalImagePath] = []
        func look(_ value: JSONValue?, at path: String, label: String) {
            switch value {
            case let .string(text)?:
                let trimmed = text.trimmed
                if !trimmed.isEmpty, matches(trimmed) { found.append(LocalImagePath(wirePath: path, label: label, path: trimmed)) }
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
    /// A bare name (`face.jpg`) that `files` found to be a file gets a hint
    /// naming the path it would be (`./face.jpg`) in place of "not a URL".
    public static func problems(_ request: Request, validated: [ValidationProblem], files: [String: LocalFileState]) -> [ValidationProblem] {
        let paths = localPaths(in: request)
        let hinted = bareNames(in: request).filter { files[$0.path] == .file }
        guard !paths.isEmpty || !hinted.isEmpty else { return validated }
        let local = Set(paths.map(\.wirePath)).union(hinted.map(\.wirePath))
        var problems = validated.filter { !local.contains($0.path) }
        for name in hinted {
            problems.append(ValidationProblem(path: name.wirePath, message: bareNameHint(name)))
        }
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

    /// What a bare name that is a file here is told: the path to type
    /// first, as it is shown under the field in a narrow column.
    public static func bareNameHint(_ name: LocalImagePath) -> String {
        "write ./\(name.path) for the file here; not a URL"
    }
}
