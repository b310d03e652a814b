// What the screen says about local files in image fields (issue 17): Tab
// completion, the file picker, a path that names no file.

import Model

extension Wording {
    static func noLocalFile(_ label: String, _ path: String, folder: Bool) -> String {
        folder ? "\(label): \(path) is a folder or not a regular file; choose a picture file"
            : "\(label): no file at \(path)"
    }

    static func folderNotRead(_ fault: FolderReadFault) -> String {
        switch fault {
        case let .missing(folder): return "No folder \(folder)"
        case let .notAFolder(folder): return "\(folder) is not a folder"
        case let .unreadable(folder, reason): return "The folder \(folder) cannot be read: \(reason)"
        }
    }

    static func folderTruncated(_ limit: Int) -> String {
        " (only the first \(limit) entries of the folder were read)"
    }

    static func noPathMatch(_ typed: String) -> String {
        let (folder, name) = PathCompletion.split(typed)
        return name.isEmpty ? "Nothing in \(folder.isEmpty ? "this folder" : folder)" : "No file starts with \(name.quotedShort) in \(folder.isEmpty ? "this folder" : folder)"
    }

    static func pathAmbiguous(_ count: Int, tabKey: String) -> String {
        "\(count) files match: \(tabKey) again lists them"
    }

    /// The second Tab: as many candidates as the status line holds, the rest counted.
    static func pathCandidates(_ candidates: [String]) -> String {
        let shown = candidates.prefix(40)
        let rest = candidates.count - shown.count
        return shown.joined(separator: "  ") + (rest > 0 ? "  … and \(rest) more" : "")
    }

    static func filePicked(_ label: String, _ path: String) -> String {
        "\(label): \(path), uploaded when the request is sent"
    }

    static let filePickerEmpty = "No pictures or folders here (PNG, JPEG and WebP files are listed)"
    static let filePickerReading = "Reading the folder…"

    /// A bare name in an image field that is a file here (`face.png`): the path to write instead.
    static func bareFileName(_ label: String, hint: String) -> String { "\(label): \(hint)" }
    static let filePickerFilterPlaceholder = "type part of a name"

    static func filePickerNoMatch(_ filter: String) -> String { "No picture or folder here has “\(filter)” in its name" }

    /// A folder larger than the picker lists: how much is left out, and how to reach it.
    static func filePickerNotListed(_ count: Int, atLeast: Bool, filterKey: String) -> String {
        "\(atLeast ? "at least " : "")\(count) more entries not listed: \(filterKey) and part of a name finds them"
    }

    static func filePickerTitle(_ field: String, folder: String) -> String { "\(field): choose a picture in \(folder)" }

    /// Under the JSON preview: a local path is sent as the URL its upload returns.
    static func uploadedAtSend(_ wirePath: String, _ path: String) -> String {
        "\(wirePath): \(path) will be uploaded at send"
    }
}
