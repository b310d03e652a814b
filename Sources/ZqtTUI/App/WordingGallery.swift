// What the gallery says (issue 17): its title and counts, a picture's
// caption, and why there is nothing to show. Keys are named as bound.

import Model

extension Wording {
    static let galleryWord = "gallery"

    /// `count` pictures made; an A1111 answer's ControlNet maps counted apart (issue 20): "12 kept pictures + 1 control map".
    static func galleryCount(_ count: Int, controlMaps: Int = 0, more: Bool, filtered: Bool) -> String {
        let number = "\(count)\(more ? "+" : "")"
        let maps = controlMaps > 0 ? " + " + Self.count(controlMaps, controlMap) : ""
        // One picture alone matches; a number of them, or a picture and a map, match (newcomer24: "1 picture match").
        let verb = count + controlMaps == 1 && !more ? "matches" : "match"
        if filtered { return count + controlMaps == 0 ? "no match" : "\(number) picture\(count == 1 && !more ? "" : "s")\(maps) \(verb)" }
        return "\(number) kept picture\(count == 1 && !more ? "" : "s")\(maps) · newest first"
    }

    static let galleryFilterPlaceholder = "to filter by prompt, task id, model or state"
    static let galleryLoading = "Reading the kept pictures…"
    /// The count's place, the history's and the gallery's, while the rows or pictures shown are another filter's.
    static let filterSearching = "searching…"
    /// End with pages still to load, while they come (GalleryState.seekingLast).
    static let galleryLoadingToLast = "Loading the older pictures to reach the oldest…"

    /// → on the grid's last picture, ← on its first: the grid stops there, and says so (leftovers21: it said
    /// nothing, while the enlarged picture's ← → go round). Keys as bound (the gallery's Home and End).
    static func galleryAtLast(firstKey: String) -> String { "The oldest picture, the last: \(firstKey) goes to the newest" }
    static func galleryAtFirst(lastKey: String) -> String { "The newest picture, the first: \(lastKey) goes to the oldest" }
    /// → on the last picture loaded, while the next page comes.
    static let galleryLoadingOlder = "Loading the older pictures…"

    static func galleryEmpty(sendKey: String, backKey: String) -> String {
        "No kept pictures yet: a task's images are kept here once it succeeds. \(backKey) goes back; \(sendKey) on the form sends."
    }

    static func galleryNoMatch(_ filter: String, clearKey: String) -> String {
        "No kept picture matches “\(filter)”. \(clearKey) clears the filter."
    }

    /// The first caption line: the endpoint and the picture's place in its task.
    /// `ordinal`: its place among its task's pictures of its kind (GalleryState.ordinal), a map numbered apart.
    static func galleryCaption(_ picture: GalleryPicture, ordinal: Int) -> String {
        // A map's words first: a narrow cell cuts the end, and "control map 1" is what tells it from the pictures.
        picture.isControlMap ? "\(controlMap) \(ordinal + 1) · \(picture.endpoint.title)" : "\(picture.endpoint.title) · #\(ordinal + 1)"
    }

    /// The status line on the selected picture: its task, when, and as much of its prompt as fits.
    static func galleryStatus(_ picture: GalleryPicture, ordinal: Int) -> String {
        "\(picture.idTask) · \(picture.isControlMap ? controlMap : "image") \(ordinal + 1) · \(CivilTime.local(picture.createdAt).dateAndMinute) · \(galleryPrompt(picture))"
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
