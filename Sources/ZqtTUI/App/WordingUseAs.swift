// What carrying a result on says (issue 17): the lines of the use-as
// pickers, their titles, what was set where; and the results pane's text
// results. Keys are named as bound, passed in by the caller.

import Model

extension Wording {
    // MARK: Pictures

    /// A picker line: "Face swap V1 · Target image", "Training · Training
    /// images (append)", "ControlNet · Control image (new ControlNet unit)".
    static func imageTargetLabel(_ endpoint: String, _ input: ImageInput) -> String {
        switch input.place {
        case .field: return "\(endpoint) · \(input.label)"
        case .list: return "\(endpoint) · \(input.label) (append)"
        case .newItem: return "\(endpoint) · \(input.label) (new \(input.itemTitle ?? "item"))"
        }
    }

    static func useImageTitle(_ idTask: String?) -> String {
        "Use " + (idTask.map { "\($0)'s image" } ?? "the image") + " as…"
    }

    /// An A1111 picture that came inline and whose kept file is gone: its name is no picture a form could send.
    static func inlinePictureNotKept(_ idTask: String, _ name: String?) -> String {
        "\(idTask)'s picture" + (name.map { " (\(TerminalText.line($0)))" } ?? "")
            + " came inline from the server and is not kept in $ZQT_HOME/images any more: nothing to use"
    }

    static func imageUsed(_ target: String, of idTask: String?, submitKey: String) -> String {
        "\(target) is now " + (idTask.map { "\($0)'s image" } ?? "the image") + ": \(submitKey) sends it"
    }

    /// "Unit 2 of the ControlNet form holds X's image: pick its control type, then F5".
    static func itemHoldsImage(_ group: GroupSpec, number: Int, of idTask: String?, in endpoint: String, submitKey: String) -> String {
        let whose = idTask.map { "\($0)'s image" } ?? "the image"
        let next = group.presets.map { "pick its \($0.label.lowercased()), then \(submitKey)" } ?? "\(submitKey) sends it"
        return "\(group.rowLabel) \(number) of the \(endpoint) form holds \(whose): \(next)"
    }

    // MARK: Text

    static func textTargetLabel(_ endpoint: String, _ field: String) -> String { "\(endpoint) · \(field)" }
    static let clipboardTarget = "The clipboard (OSC 52)"

    static func chooseTextTitle(_ count: Int, of idTask: String) -> String { "Which of \(idTask)'s \(count) texts?" }
    static func useTextTitle(_ idTask: String) -> String { "Use \(idTask)'s text as…" }

    /// A candidate as a picker line: its number as the results pane shows it, its text on one line.
    static func candidateLine(_ number: Int, _ text: String) -> String { "\(number). " + oneLine(text) }

    static func textResultOf(_ idTask: String) -> String { "the text of \(idTask)" }

    static func textUsed(_ idTask: String, into field: String, of endpoint: String, submitKey: String) -> String {
        "\(field) of \(endpoint) is now \(idTask)'s text: \(submitKey) sends it"
    }

    // MARK: The results pane's text

    /// The footer's words over a text result (issue 17): the pictures'
    /// commands act on its texts there, and say so; nil keeps the command's own word.
    static func textResultsFooterWord(_ command: Command) -> String? {
        switch command {
        case .showPictures: return "texts"
        case .nextPicture, .previousPicture: return "candidate"
        case .enlargePicture: return "use as…"
        default: return nil
        }
    }

    static func textResultsTitle(_ idTask: String, count: Int, focused: Bool, keys: KeyTable) -> String {
        let what = count == 1 ? "text" : "\(count) texts"
        let hint = focused
            ? "\(keys.label(.nextPicture)) choose · \(keys.label(.enlargePicture)) use as… · "
                + "\(keys.label(.useTextAsPrompt)) prompt · \(keys.label(.scrollResultsDown))\(keys.label(.scrollResultsUp)) scroll · \(keys.label(.closePictures)) back"
            : "\(keys.label(.showPictures)) to choose · \(keys.label(.useTextAsPrompt)) prompt · \(keys.label(.useTextAs)) use as…"
        return "Results · \(what) of \(idTask) · \(hint)"
    }

    /// A candidate's heading in the pane, when there are several.
    static func candidateHeading(_ number: Int, of count: Int) -> String { "\(number) of \(count)" }

    /// The faces found (§4.9, as the answer gives them): a table's heading.
    static func facesFound(_ count: Int) -> String { count == 1 ? "1 face found" : "\(count) faces found" }
    static let faceColumns = ["face", "score", "x", "y", "width", "height"]
}
