// What the gallery says (issue 17): its title and counts, a picture's
// caption, and why there is nothing to show. Keys are named as bound.

import Model

extension Wording {
    static let galleryWord = "gallery"

    static func galleryCount(_ count: Int, more: Bool, filtered: Bool) -> String {
        let number = "\(count)\(more ? "+" : "")"
        if filtered { return count == 0 ? "no match" : "\(number) picture\(count == 1 && !more ? "" : "s") match" }
        return "\(number) kept picture\(count == 1 && !more ? "" : "s") · newest first"
    }

    static let galleryFilterPlaceholder = "to filter by prompt, task id, model or state"
    static let galleryLoading = "Reading the kept pictures…"

    static func galleryEmpty(sendKey: String, backKey: String) -> String {
        "No kept pictures yet: a task's images are kept here once it succeeds. \(backKey) goes back; \(sendKey) on the form sends."
    }

    static func galleryNoMatch(_ filter: String, clearKey: String) -> String {
        "No kept picture matches “\(filter)”. \(clearKey) clears the filter."
    }

    /// The first caption line: the endpoint and the picture's place in its task.
    static func galleryCaption(_ picture: GalleryPicture) -> String {
        "\(picture.endpoint.title) · #\(picture.position + 1)" + (picture.isControlMap ? " · \(controlMap)" : "")
    }

    /// The status line on the selected picture: its task, when, and as much of its prompt as fits.
    static func galleryStatus(_ picture: GalleryPicture) -> String {
        "\(picture.idTask) · image \(picture.position + 1) · \(CivilTime.local(picture.createdAt).dateAndMinute) · \(galleryPrompt(picture))"
    }

    /// The second: the prompt on one line.
    static func galleryPrompt(_ picture: GalleryPicture) -> String {
        let line = picture.prompt.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.isEmpty ? noPrompt : line
    }

    static let galleryNoThumbnail = "no thumbnail"
    /// A copy kept without a thumbnail (a send from the command line), while it is made.
    static let galleryMakingThumbnail = "making thumbnail…"

    static func galleryCopyGone(_ path: String) -> String { "the kept copy is gone: \(path)" }
}
