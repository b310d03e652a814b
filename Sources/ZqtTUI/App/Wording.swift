// What zqt says to its user, in one place per feature (issue 16): this file
// holds counts and percentages as the screens and the command line write
// them, the model lists' pickers and the pictures; WordingCompose,
// WordingHistory, WordingSubmit and WordingOverlays the rest. Each text is a
// function or a constant taking typed arguments, keys named as bound
// (KeyTable.label); a test (WordingTests) fails on a status text or a box's
// title written anywhere else.

import Model
import Images

enum Wording {
    /// "1 image", "2 images".
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    /// What a training task (§3.1) is once accepted: §3.2 is a callback to
    /// the caller, not a query zqt could ask, so nothing more is known here.
    static let notFollowed = "the service reports training results by callback (§3.2); zqt cannot follow it"

    /// The status line after a send whose tasks cannot be followed.
    static func acceptedNotFollowed(_ title: String, serviceTaskID: String) -> String {
        "Sent to \(title): accepted, the service's task id \(serviceTaskID) · \(notFollowed)"
    }

    /// A `.data` result (face detection, §4.9) in the status line: the
    /// service's JSON on one line, without the ids and status the line
    /// already gives (§2.3's envelope members); the history shows it whole.
    static func serviceAnswer(_ json: String, kept: Bool) -> String {
        var shown = oneLine(json)
        if let members = try? JSONParser.parse(json).objectValue {
            let told: Set<String> = ["taskId", "task_id", "id_task", "businessTaskId", "status", "desc", "msg"]
            shown = JSONWriter.compact(.object(members.filter { !told.contains($0.key) }))
        }
        return "the service's answer" + (kept ? " (whole in the history)" : "") + ": " + shown
    }

    /// Text of several lines (a pretty JSON answer, a caption) on one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { String($0).trimmed }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// 0.452 → "45%".
    static func percent(_ fraction: Double) -> String {
        // Never a trap: a fraction from the service may be NaN or huge (issue 8).
        "\(Int(clamping: (fraction * 100).rounded(), to: 0...100))%"
    }
}

// MARK: Model lists (zhiqite-api.md §1.4–§1.7)

extension Wording {
    /// "checkpoint", "LoRA", "VAE", "embedding".
    static func noun(_ kind: ModelListKind) -> String {
        switch kind {
        case .checkpoint: return "checkpoint"
        case .lora: return "LoRA"
        case .vae: return "VAE"
        case .embedding: return "embedding"
        case .sampler: return "sampler"
        case .scheduler: return "schedule type"
        case .upscaler: return "upscaler"
        case .controlNetModule: return "ControlNet preprocessor"
        case .controlNetModel: return "ControlNet model"
        }
    }

    /// "23 checkpoints", "1 LoRA".
    static func count(_ number: Int, of kind: ModelListKind) -> String {
        count(number, noun(kind))
    }

    /// Why a list could not be read, and what to do: the service's own msg
    /// for refused keys, the network's reason, or (404) that the service has
    /// no such list at the path asked, with how to point zqt elsewhere.
    /// Keys missing, or refused by the service (its 401/403, or an API code
    /// saying so), for the status line at start; nil for any other fault.
    /// An A1111 profile has a login (username, password), not keys: said in its words (issue 20's re-check).
    static func keysProblem(_ error: APIError, profile: String, server: ServerKind = .zhiqite) -> String? {
        if server == .a1111 { return loginProblem(error, profile: profile) }
        switch error {
        case .missingCredentials:
            return "No access keys for profile \(profile): nothing can be sent (set ZQT_ACCESS_KEY_ID and ZQT_ACCESS_KEY_SECRET, or a profile's keys)"
        case let .httpStatus(status, _) where status == 401 || status == 403:
            return "Keys refused by the service (HTTP \(status)) for profile \(profile): check the access key id and secret"
        case let .api(code, message) where code == "401" || code == "403":
            return "Keys refused by the service for profile \(profile): \(message)"
        default:
            return nil
        }
    }

    /// What an A1111 server's refusal of the login says, for the status line at start; nil for any other fault.
    static func loginProblem(_ error: APIError, profile: String) -> String? {
        switch error {
        case .missingCredentials:
            return "No login for profile \(profile): nothing can be sent (\(loginAdvice))"
        case let .httpStatus(status, _) where status == 401 || status == 403:
            return "Login refused by the server (HTTP \(status)) for profile \(profile): \(loginAdvice)"
        case let .api(code, message) where code == "401" || code == "403":
            return "Login refused by the server for profile \(profile): \(message)"
        default:
            return nil
        }
    }

    /// What an A1111 profile's login is made of, as docs/a1111.md names it.
    static let loginAdvice = "check the profile's username and password_command (or password)"

    static func listProblem(_ kind: ModelListKind, path: String, error: APIError, server: ServerKind = .zhiqite) -> String {
        let list = "The \(noun(kind)) list"
        // An A1111 server refuses a login, not keys; its 401 already says what to check.
        if server == .a1111 {
            switch error {
            case let .api(code, message) where code == "401" || code == "403":
                return "\(list) was refused: \(message)"
            case .httpStatus(401, _), .httpStatus(403, _):
                return "\(list) was refused (\(error.message)); \(loginAdvice)"
            case .httpStatus(404, _) where !kind.isA1111Only, .api(code: "404", _) where !kind.isA1111Only:
                return "This server has no \(noun(kind)) list at \(path)"
            default:
                break
            }
        }
        switch error {
        case .httpStatus(404, _) where kind.isA1111Only:
            // An older A1111 (no /schedulers before 1.9), or one without the ControlNet extension.
            return "This server has no \(noun(kind)) list at \(path) (an older version, or the extension is not installed); the form's own choices stand"
        case .httpStatus(404, _), .api(code: "404", _):
            let setting = kind.pathVariable.map { "; set \($0) (or the catalog's list path) to where it is" } ?? ""
            return "This service has no \(noun(kind)) list at \(path)\(setting)"
        case let .api(code, message) where code == "401" || code == "403":
            return "\(list) was refused: \(message) (code \(code)); check ZQT_ACCESS_KEY_ID and ZQT_ACCESS_KEY_SECRET"
        case .httpStatus(401, _), .httpStatus(403, _):
            return "\(list) was refused (\(error.message)); check ZQT_ACCESS_KEY_ID and ZQT_ACCESS_KEY_SECRET"
        case .missingCredentials:
            return "\(list) was not asked for: \(error.message)"
        default:
            return "\(list) could not be read: \(error.message)"
        }
    }

    /// The picker's line about its list: how many, when refreshed, how to
    /// refresh; or that it is being read; or why it could not be.
    static func listNote(_ kind: ModelListKind, _ list: ModelListState, keys: KeyTable) -> PickerState.Note? {
        let refresh = "\(keys.label(.refreshModelLists)) refreshes"
        if let problem = list.problem {
            let kept = list.fetchedAt.map { " · showing the list of \(CivilTime.local($0).dateAndMinute)" } ?? ""
            return PickerState.Note(text: problem + kept + " · typed text is used as it is", isProblem: true)
        }
        if list.refreshing, list.fetchedAt == nil {
            return PickerState.Note(text: "Reading the \(noun(kind)) list from the service… · typed text is used as it is", isProblem: false)
        }
        guard let fetched = list.fetchedAt else { return nil }
        let partial = list.complete ? "" : " (the first ones: the service's list did not end)"
        let when = list.refreshing ? "refreshing…" : "refreshed \(CivilTime.local(fetched).dateAndMinute)"
        return PickerState.Note(text: "\(count(list.items.count, of: kind))\(partial) · \(when) · \(refresh)", isProblem: false)
    }

    /// A checkpoint's line beside its file name: "Photon · SD 1.5".
    static func itemDetail(_ item: ModelItem) -> String {
        [item.displayName, item.baseModel].filter { !$0.isEmpty }.joined(separator: " · ")
    }

    /// The ControlNet model picker's line: which base the marks are for.
    static func fitNote(_ family: ModelFamily, checkpoint: String, marked: Int) -> String {
        if checkpoint.isEmpty { return "No checkpoint chosen: no model is marked as fitting" }
        guard family != .unknown else { return "The base of \(checkpoint) is not known: no model is marked as fitting" }
        return marked == 0 ? "None of these is marked for \(family.rawValue) (\(checkpoint)); any can still be chosen"
            : "✓ fits \(family.rawValue), the base of \(checkpoint); the others can still be chosen"
    }

    static let refreshingLists = "Refreshing the model lists…"
    static let alreadyRefreshing = "The model lists are being read already"

    /// After a refresh the user asked for: what each list holds now, or why not.
    static func refreshed(_ lists: ModelLists, kinds: [ModelListKind] = ModelListKind.kinds(for: .zhiqite)) -> StatusMessage {
        var parts: [String] = []
        var failed = false
        for kind in kinds {
            if lists[kind].problem != nil {
                failed = true
                parts.append("\(noun(kind)) list failed")
            } else {
                parts.append(count(lists[kind].items.count, of: kind))
            }
        }
        let first = kinds.compactMap { lists[$0].problem }.first
        return StatusMessage(text: "Model lists: " + parts.joined(separator: ", ") + (first.map { " · " + $0 } ?? ""),
                             kind: failed ? .error : .success)
    }
}

// MARK: Pictures (issue 11)

extension Wording {
    static let picturesOff = "pictures are off (images = off, or --images off)"
    static let picturesDumbTerminal = "this terminal (TERM=dumb) shows no pictures"
    static let picturesNeedUTF8 = "pictures need a UTF-8 locale (LANG=C.UTF-8 or similar)"
    static let picturesDownloading = "downloading…"
    static let picturesDecoding = "decoding…"
    static let picturesNoneYet = "no images yet"
    // Issue 23: what one task may bring.
    static let notFetchedWhileBrowsing = "not fetched while browsing the list: Enter opens the entry with its images"
    static let nothingLeftUnfetched = "Every image of this task is fetched (none was left beyond what one task may bring)"
    static func fetchingRest(_ count: Int) -> String { "Fetching \(count == 1 ? "the image" : "the \(count) images") left unfetched…" }

    /// The results pane's title: whose images, how many, and the keys that use them (as bound).
    static func picturesTitle(_ idTask: String, images: Int, controlMaps: Int = 0, focused: Bool, keys: KeyTable, note: String? = nil) -> String {
        let keys = focused
            ? "\(keys.label(.previousPicture))\(keys.label(.nextPicture)) choose · \(keys.label(.enlargePicture)) enlarge · \(keys.label(.closePictures)) back"
            : "\(keys.label(.showPictures)) to choose and enlarge"
        return "Results · \(imagesAndMaps(images, controlMaps))\(note.map { " (\($0))" } ?? "") · \(keys) · \(idTask)"
    }

    /// "2 images + 1 control map": an A1111 answer's ControlNet maps counted apart from the pictures made (issue 20).
    static func imagesAndMaps(_ images: Int, _ controlMaps: Int) -> String {
        count(images, "image") + (controlMaps > 0 ? " + " + count(controlMaps, controlMap) : "")
    }

    /// The history list's Imgs column: "2+1" is 2 pictures and 1 ControlNet map (docs/history.md).
    static func imagesAndMapsShort(_ images: Int, _ controlMaps: Int) -> String { "\(images)+\(controlMaps)" }

    /// Under a thumbnail: its number among its kind (PictureSet.ordinal), seed and size:
    /// "2 · seed 41 · 512×512", a ControlNet map "control map 1 · 512×512".
    static func pictureCaption(_ ordinal: Int, seed: Int?, width: Int?, height: Int?, controlMap: Bool = false) -> String {
        var caption = controlMap ? "\(Self.controlMap) \(ordinal + 1)" : "\(ordinal + 1)"
        if let seed { caption += " · seed \(seed)" }
        if let width, let height { caption += " · \(width)×\(height)" }
        return caption
    }

    /// What a ControlNet detected map an A1111 server appended is called beside it (issue 20).
    static let controlMap = "control map"

    /// The enlarged picture's status line.
    /// `ordinal` and `total` count the picture's own kind: "Image 2 of 4", "Control map 1 of 1" (issue 20).
    /// `more`: the gallery has older pictures not loaded yet, so `total` is only those loaded: it says so,
    /// rather than a count that is not the gallery's ("Image 46 of 80" of 100).
    /// `round`: the step went round the set, said first so a narrow line keeps it (leftovers23), as
    /// docs/pictures.md says: after the last comes the first, before the first the last.
    static func zoomStatus(_ ordinal: Int, of total: Int, more: Bool = false, image: LocalImage?, seed: Int?,
                           controlMap: Bool = false, round: PictureZoom.Round? = nil) -> String {
        let of = more ? "of \(total) loaded so far" : "of \(total)"
        let went = round.map { $0 == .toFirst ? " (after the last, the first again)" : " (before the first, the last again)" } ?? ""
        var text = controlMap ? "Control map \(ordinal + 1) \(of)\(went) (ControlNet's detected map, not a generated picture)"
            : "Image \(ordinal + 1) \(of)\(went)"
        if let seed { text += " · seed \(seed)" }
        if let image { text += " · \(image.width)×\(image.height) · \(image.path)" }
        return text
    }

    /// Where no picture can be drawn: the local copy's path, so it can be opened elsewhere.
    static func pictureAsText(_ image: LocalImage, reason: String) -> String {
        "image \(image.position + 1): \(image.path) (\(image.width)×\(image.height)); \(reason)"
    }

    /// The same in a small room (a gallery tile): which image and its size, then its path on a line of its own.
    static func pictureAsTextHead(_ image: LocalImage) -> String {
        "image \(image.position + 1) · \(image.width)×\(image.height)"
    }

    static func intermediateTitle(_ idTask: String, progress: Double?) -> String {
        "Task \(idTask) running" + (progress.map { " · " + percent($0) } ?? "") + " · intermediate image"
    }

    /// A contact sheet's title: the batch and what its axes vary.
    /// Over a contact sheet's picture enlarged: which values made it (issue 19).
    static func sheetPictureTitle(rows: String?, _ rowValue: String?, columns: String?, _ columnValue: String?, backKey: String) -> String {
        let parts = [(rows, rowValue), (columns, columnValue)].compactMap { label, value in
            value.map { value in label.map { "\($0) \(value)" } ?? value }
        }
        return (parts + ["\(backKey) or a click: back to the sheet"]).joined(separator: " · ")
    }

    static func contactSheetTitle(_ batch: String, rows: String?, columns: String?, backKey: String) -> String {
        var text = "Batch \(batch)"
        if let rows { text += " · rows: \(rows)" }
        if let columns { text += " · columns: \(columns)" }
        return text + " · \(backKey) back"
    }

    static let notASweep = "this row was not sent in a sweep (zqt send --sweep)"

    static func noContactSheet(_ why: String) -> String { "No contact sheet: \(why)" }

    static func loadingContactSheet(_ batch: String) -> String { "Loading batch \(batch)'s images…" }

    static let historyUnavailable = "the history is not available"

    /// A history read or write found the file damaged while zqt runs.
    static let historyDamagedNow = "The history file is damaged: quit and run `zqt history check`, then `zqt history recover` to save what it can"

    static func emptyBatch(_ batch: String) -> String { "no rows in batch \(batch)" }

    // MARK: Repeated groups (GroupSpec.swift): named by the catalog's titles

    /// The add action under a group's rows: "+ Add a ControlNet unit…".
    static func addItemAction(_ group: GroupSpec) -> String { "+ Add a \(group.itemTitle)…" }

    /// The title of the preset picker the add command opens.
    static func addItemPicker(_ group: GroupSpec, _ presets: GroupPresets) -> String {
        "Add a \(group.itemTitle): \(presets.label.lowercased())"
    }

    /// After an item was added and its form opened.
    static func addedItem(_ group: GroupSpec, preset: String?, backKey: String) -> String {
        let row = group.rowLabel.lowercased()
        let first = group.formFields.first { $0.role == .inputImage }.map { "set its \($0.label.lowercased()), then " } ?? "fill it in, then "
        let what = (preset.map { $0 + " " } ?? "") + row
        return "Added \(article(what)) \(what): \(first)\(backKey) to go back"
    }

    /// "a" or "an" before a word, by its first letter ("an OpenPose unit", "a canny unit").
    static func article(_ word: String) -> String {
        guard let first = word.first?.lowercased() else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }

    static func removedItem(_ group: GroupSpec, number: Int) -> String { "Removed \(group.rowLabel.lowercased()) \(number)" }

    /// The add command on an endpoint without a group.
    static func noGroup(_ endpoint: Endpoint, switchKey: String) -> String {
        "\(endpoint.title) takes no ControlNet units: \(switchKey) switches to ControlNet"
    }

    /// The open item's header: " ControlNet unit 1 of 2 · Esc back to the request".
    static func itemHeader(_ group: GroupSpec, number: Int, of count: Int) -> String {
        " \(group.itemTitle) \(number) of \(count) · Esc back to the request"
    }

    /// Typed text that names no preset: "not a control type: x".
    static func notAPreset(_ label: String, _ text: String) -> String { "not a \(label.lowercased()): \(text)" }

    /// A value a group's rule refuses: "guidance end must not be below guidance start (0.4)".
    static func notBelow(_ field: String, _ other: String, _ value: Double) -> String {
        "\(field.lowercased()) must not be below \(other.lowercased()) (\(JSONWriter.formatNumber(value)))"
    }
}
