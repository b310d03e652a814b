// What moving a request between kinds of server says (issue 20): the status
// line while its pictures move and when the form opens, the box that lists
// what moved and what could not, the profile chosen or missing. Keys are
// named as bound, passed in by the caller.

import Model

extension Wording {
    static let movedFromForm = "the form"

    static func movedFromRow(_ idTask: String) -> String { "row \(idTask)" }

    /// "A1111 img2img", "zhiqite ControlNet".
    static func kindTitle(_ endpoint: Endpoint) -> String {
        endpoint.server == .a1111 ? "A1111 \(endpoint.title)" : "zhiqite \(endpoint.title)"
    }

    static func cannotMoveKind(_ endpoint: String) -> String {
        "\(endpoint) does not move to another kind of server: only zhiqite's text2image, image2image and ControlNet and A1111's txt2img and img2img do"
    }

    static func kindMoveRefused(_ reason: String) -> String { "Not moved: \(reason)" }

    static func movingKind(_ source: String, to target: String, downloads: Int) -> String {
        let pictures = downloads == 1 ? "1 picture" : "\(downloads) pictures"
        return downloads > 0 ? "Opening \(source) as \(target): downloading \(pictures)…" : "Opening \(source) as \(target)…"
    }

    /// The profile the form goes with: switched to, already in use, or none of its kind.
    enum MoveProfile: Equatable {
        case inUse(String)
        case switching(String)
        case none(ServerKind)
    }

    static func kindMoved(_ source: String, to target: String, unmoved: Int, toChoose: Int, profile: MoveProfile, undoKey: String) -> String {
        let lost = unmoved == 0 ? "every field moved" : unmoved == 1 ? "1 thing could not move (listed)" : "\(unmoved) things could not move (listed)"
        let choose = toChoose == 0 ? "" : toChoose == 1 ? "; 1 field to choose before sending (listed)" : "; \(toChoose) fields to choose before sending (listed)"
        return "Opened \(source) as \(target): \(lost)\(choose); \(moveProfileText(profile)); \(undoKey) brings the form back"
    }

    /// A field the moved form requires and the move left empty, by its label (and section) in the form.
    static func fieldToChoose(_ label: String, section: String?) -> String {
        "\(label)" + (section.map { " (\($0))" } ?? "") + ": the form requires it and the request moved had none"
    }

    static func moveProfileText(_ profile: MoveProfile) -> String {
        switch profile {
        case let .inUse(name): return "profile \(name) sends it"
        case let .switching(name): return "switching to profile \(name)"
        case .none(.a1111): return "no profile has api = \"a1111\": sending it needs one (config.md)"
        case .none: return "no zhiqite profile (one without api = \"a1111\"): sending it needs one (config.md)"
        }
    }

    static func kindMoveNoticeTitle(_ target: String) -> String { "Moved to \(target) (any key closes this)" }

    /// The box: the pictures moved, what could not move and why, the profile.
    static func kindMoveNotice(moved: [String], unmoved: [String], toChoose: [String] = [], profile: MoveProfile) -> [String] {
        var lines: [String] = []
        if !moved.isEmpty { lines += ["Pictures:"] + moved.map { "  " + $0 } + [""] }
        if !unmoved.isEmpty { lines += ["Could not move:"] + unmoved.map { "  " + $0 } + [""] }
        if !toChoose.isEmpty { lines += ["To choose before sending:"] + toChoose.map { "  " + $0 } + [""] }
        lines.append(moveProfileText(profile).prefix(1).uppercased() + moveProfileText(profile).dropFirst())
        return lines
    }

    static func kindMoveUndone(_ endpoint: String, profile: String?) -> String {
        "Back to the \(endpoint) form as it was before the move" + (profile.map { "; switching back to profile \($0)" } ?? "")
    }
}
