// What the overlays say: the questions (quit, delete, replace the form)
// with their answers' keys as bound, the key help's title, and the titles
// of the palette and the model lists' pickers.

import Model

extension Wording {
    static let paletteTitle = "Command"

    static func insertTitle(_ kind: ModelListKind) -> String {
        kind == .lora ? "Insert a LoRA at the cursor (weight 1)" : "Insert an embedding at the cursor"
    }

    static func helpTitle(upKey: String, downKey: String) -> String { "Keys · \(upKey)/\(downKey) scroll · any other key closes" }

    static func stillHere(submitKey: String) -> String { "Still here: \(submitKey) sends the request" }

    /// After a refused quit where sends are refused (a history the disk keeps from writing, issue 21): what is true there.
    static func stillHereSendsRefused(_ refusal: HistoryError) -> String {
        "Still here: nothing can be sent this session (\(refusal.diskFault?.words ?? refusal.message): a task would have no row); "
            + "the form stays as typed"
    }

    /// The question and its answers, with the keys as bound.
    /// `draftsFolder`: where the forms go when zqt ends without a history to keep them (issue 21).
    static func question(_ question: Confirmation, keys: KeyTable, draftsFolder: String? = nil) -> (String, [String]) {
        let yes = keys.label(.confirm, in: .confirmation)
        switch question {
        case .quit:
            // Asked only when no history keeps the forms (Reducer.quit): they go to a file of their own.
            return ("Quit", quitWithoutHistory(yes: yes, load: keys.label(.loadRequest), folder: draftsFolder))
        case let .deleteEntry(_, idTask):
            return ("Delete", ["Delete \(idTask) from history?",
                               "Its request, answer and result links go; images saved to a folder stay.", "",
                               "\(yes) delete, and zqt's copies of its images · \(keys.label(.deleteKeepingImages)) delete, keep the images",
                               "any other key keeps it"])
        case let .replaceForm(record, _, endpoint):
            return ("Open into the form", ["The \(endpoint.title) form has changes that were not sent.",
                                           "Replace them with \(record.idTask)?", "",
                                           "\(yes) replace · any other key keeps the form"])
        case let .replaceWithLoaded(loaded, source):
            return ("Load into the form", ["The \(loaded.request.endpoint.title) form has changes that were not sent.",
                                           "Replace them with the request from \(source)?", "",
                                           "\(yes) replace · any other key keeps the form"])
        case let .resend(record, baseURL, sandbox):
            // Where it goes is where the profile in use sends (a row of the other kind switched to one of its kind first).
            let destination = sandbox ? "the sandbox (\(APIError.printable(baseURL)))" : APIError.printable(baseURL)
            let task = record.endpoint.server == .a1111 ? "a new task on the server" : "a new task on the service"
            let send = keys.label(.confirmResend, in: .resendConfirmation)
            return ("Send again", ["Send \(record.idTask) (\(record.endpoint.title)) again to \(destination)?",
                                   "It goes unchanged as \(task), under a new id_task.", "",
                                   "\(send) send · any other key sends nothing"])
        }
    }

    // MARK: The key help and the pickers' lines

    static let helpHere = "Here"
    static let helpElsewhere = "Elsewhere"
    static let helpTypedText = "In any text (a field being edited, a filter, a box), typed keys are text."

    /// Under a picker's list when nothing matches; on a free-text field, the key that takes the typed text.
    /// The palette names what it lists (leftovers23: "no match" in a box of commands read as broken).
    static func noMatch(useTypedKey: String?, palette: Bool = false) -> String {
        if palette { return "no command matches" }
        return useTypedKey.map { "no match · \($0) uses the typed text" } ?? "no match"
    }

    /// After the picker's keys: how the typed text is used.
    static func pickerHint(typedKey: String?) -> String {
        typedKey.map { " · \($0) use typed text" } ?? " · type to filter"
    }

    // MARK: The screen's frame

    static func tooSmall(_ size: Size, needs minimum: Size, quitKey: String) -> [String] {
        ["Terminal too small: \(size.width)×\(size.height)",
         "zqt needs at least \(minimum.width)×\(minimum.height).",
         "Enlarge the window; \(quitKey) quits."]
    }

    /// The title line's switch on a narrow terminal.
    static func formOrJSON(showingJSON: Bool, key: String) -> String {
        showingJSON ? " [JSON · \(key) form] " : " [form · \(key) JSON] "
    }

    static func fieldsToFix(_ fields: Int) -> String { "\(count(fields, "field")) to fix before sending" }

    /// The footer's first hint while the history filter is typed.
    static let typeToFilterHint = ("type", "to filter")
    /// F2's word on the history screen: it leads back to the form.
    static let backToFormWord = "form"
}

extension Wording {
    /// What Enter does in an input box, said in its footer (issue 19: the Load box said "save").
    static func inputConfirmWord(_ purpose: InputPrompt.Purpose) -> String {
        switch purpose {
        case .loadRequest: return "load"
        case .saveImages: return "save the images"
        case .saveEndpoint: return "save the endpoint"
        }
    }

    /// Where quit's keys work, as docs/keys.md says it (issue 19).
    static let quitKeysWhere = "anywhere; F10 and Ctrl-C while typing too (q is a letter there), and they close a picker or box first"
}
