// Results carried on (issue 17): any picture into any image field of any
// endpoint ("use as…"), and any text result into any text field or the
// clipboard. The places are read from the catalog (Endpoint.imageInputs,
// the text fields), so an endpoint of the user's catalog is offered too.
// `i` (image2image) and `n` (a new ControlNet unit) are the same code with
// the place given; `p` is the text picker with the prompt given.
//
// Entry points for other screens (the gallery): `offerImageUses` with a
// picture's URL (or kept path) and its history record, `useImage` with a
// place chosen; `offerTextUses` with a record's texts.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Images
import Model

extension FieldSpec {
    /// A field a text result can go into: a prompt, or any text of several lines.
    var takesProse: Bool {
        if role == .prompt || role == .negativePrompt { return true }
        if case .multilineText = kind { return role != .taskID }
        return false
    }
}

/// One place a picture can go: an endpoint's image field, as a picker line.
struct ImageUseTarget: Equatable, Sendable {
    var endpoint: Endpoint
    var input: ImageInput
    /// "Face swap V1 · Target image", "ControlNet · Control image (new ControlNet unit)".
    var label: String
}

/// A picture on its way into a form: what is set, and where it came from.
struct ImageUse: Equatable, Sendable {
    /// The picture's URL, or the path of the copy zqt keeps.
    var image: String
    /// Its history row: whose task it was (for the status line, and the
    /// settings an SD form without a draft starts from).
    var record: HistoryRecord?
    var targets: [ImageUseTarget]
}

/// Where a text result can go.
enum TextDestination: Equatable, Sendable {
    /// A text field of an endpoint's form (its prompt, negative prompt, any text).
    case field(Endpoint, String)
    /// The terminal's clipboard (OSC 52).
    case clipboard
}

/// Text results on their way somewhere: the task's texts, the one chosen,
/// and where it goes when that is already known (`p`: the prompt).
struct TextUse: Equatable, Sendable {
    var idTask: String
    /// The endpoint that made them (its own prompt is not offered first: the
    /// description tool's "prompt" is no place for its own description).
    var endpoint: Endpoint
    var texts: [String]
    var destination: TextDestination?
}

extension Reducer {
    // MARK: Pictures

    /// Every image field of every endpoint the switcher offers, grouped by
    /// endpoint in its order; then the custom request's members that hold a URL.
    static func imageTargets(_ state: AppState) -> [ImageUseTarget] {
        var targets: [ImageUseTarget] = []
        for endpoint in state.catalog.readyGroups(for: state.connection.server).flatMap(\.endpoints) {
            for input in endpoint.imageInputs {
                targets.append(ImageUseTarget(endpoint: endpoint, input: input, label: Wording.imageTargetLabel(endpoint.title, input)))
            }
        }
        let custom = state.form(of: CustomEndpoint.endpoint(path: ""))
        if let custom, let members = custom.otherMembers.objectValue {
            for (key, value) in members {
                guard let text = value.stringValue, text.hasPrefix("http://") || text.hasPrefix("https://") else { continue }
                let input = ImageInput(place: .field(key), label: key)
                targets.append(ImageUseTarget(endpoint: custom.endpoint, input: input,
                                              label: Wording.imageTargetLabel(custom.endpoint.title, input)))
            }
        }
        return targets
    }

    /// The picker of image fields for a picture (a result, a history entry's, the gallery's).
    static func offerImageUses(_ state: inout AppState, image: String, record: HistoryRecord?) {
        let targets = imageTargets(state)
        let use = ImageUse(image: image, record: record, targets: targets)
        state.view.overlay = .picker(PickerState(purpose: .useImage(use), title: Wording.useImageTitle(record?.idTask),
                                                 options: targets.map(\.label), filter: TextBuffer(""), selected: 0, freeText: false))
    }

    /// A picture into one image field: that endpoint's form (its draft kept;
    /// an SD form without one starts from the record's settings, as `n`
    /// always did) opens with the field set, a list's picture appended, a
    /// group's new item made from its first preset.
    static func useImage(_ state: inout AppState, _ use: ImageUse, _ target: ImageUseTarget) {
        let endpoint = target.endpoint
        var request = state.form(of: endpoint)
            ?? use.record.flatMap { record in
                endpoint.family == .sd ? record.request.carried(to: endpoint, taskID: TaskIDGenerator.shared.next()) : nil
            }
            ?? state.freshForm(for: endpoint, taskID: TaskIDGenerator.shared.next())
        let from = use.record?.idTask
        leavePictures(&state)
        switch target.input.place {
        case let .field(path):
            request[path] = .string(use.image)
            show(&state, request)
            state.drafts[FieldID(path)] = nil
        case let .list(path):
            var list = request[path]?.arrayValue ?? []
            list.append(.string(use.image))
            request[path] = .array(list)
            show(&state, request)
            state.drafts[FieldID(path)] = nil
        case let .newItem(group, key):
            guard let field = endpoint.field(at: group), let spec = field.groupSpec else { return }
            var items = request.items(of: field)
            var item = spec.newItem(preset: spec.presets?.presets.first, family: checkpointFamily(state, of: request))
            item.set(.string(use.image), at: key)
            items.append(item)
            request.setItems(items, of: field)
            show(&state, request)
            openItem(&state, field.path, items.count - 1)
            state.status = StatusMessage(text: Wording.itemHoldsImage(spec, number: items.count, of: from, in: endpoint.title,
                                                                      submitKey: state.keys.label(.submit)), kind: .info)
            return
        }
        state.status = StatusMessage(text: Wording.imageUsed(target.label, of: from, submitKey: state.keys.label(.submit)), kind: .info)
    }

    /// The record's picture at a position (the one chosen on screen), else its first.
    static func resultImage(_ record: HistoryRecord, position: Int?) -> String? {
        let images = record.imageResults.filter { !$0.imageURL.isEmpty }
        return (position.flatMap { p in images.first { $0.position == p } } ?? images.first)?.imageURL
    }

    /// The picture chosen on screen: its result position, when the pictures have the keys.
    static func chosenPosition(_ state: AppState) -> Int? {
        guard state.view.picturesFocused || state.view.zoom != nil else { return nil }
        let target: PictureTarget = state.view.zoom?.target ?? (state.screen == .history ? .history : .compose)
        return state.pictures(for: target)?.pictures[safe: state.view.zoom?.index ?? state.view.selectedPicture]?.position
    }

    /// The use-as command: the result's picture (the one chosen with the
    /// pictures' keys, else the first) into a field picked from the list.
    static func useResultImageAs(_ state: inout AppState) -> [Effect] {
        let position = chosenPosition(state)
        if state.screen == .history { return loadCurrent(state, .useImageAs(position: position)) }
        guard let id = state.results?.recordID ?? state.task?.recordID else { return [] }
        return [.loadEntries([id], .useImageAs(position: position))]
    }

    /// The record read fresh for the use-as command.
    /// A picture an A1111 server answered inline is offered as the file kept
    /// of it (ZQT_HOME/images), never its `a1111-inline:` name, which no
    /// server can read (issue 20): an A1111 form sends the file inline, a
    /// zhiqite form uploads it at send by the profile's upload rules
    /// (docs/uploads.md), or the send says the profile has none.
    static func useImageAs(_ state: inout AppState, _ record: HistoryRecord, position: Int?) {
        guard let raw = resultImage(record, position: position) else {
            state.status = StatusMessage(text: Wording.noResultImage(record.idTask, state: record.state.title), kind: .error)
            return
        }
        guard let image = usablePicture(state, record, position: position) else {
            state.status = StatusMessage(text: Wording.inlinePictureNotKept(record.idTask, InlineImages.isInline(raw) ? raw : nil), kind: .error)
            return
        }
        offerImageUses(&state, image: image, record: record)
    }

    /// The record's picture as a form can take it: a picture that came inline
    /// (an A1111 answer's `a1111-inline:` name, only held in memory) is the file
    /// kept of it in ZQT_HOME/images, which an A1111 form sends inline; nil when none is kept.
    static func usablePicture(_ state: AppState, _ record: HistoryRecord, position: Int?) -> String? {
        guard let url = resultImage(record, position: position) else { return nil }
        guard InlineImages.isInline(url) else { return url }
        let result = record.imageResults.first { $0.imageURL == url }
        if let kept = result?.localPath, !kept.isEmpty, FileManager.default.fileExists(atPath: kept) { return kept }
        guard let result else { return nil }
        // zqt's copy with or without its thumbnail (pictures off make none).
        return ResultImageFiles.ownCopy(home: state.connection.dataFolder, idTask: record.idTask, position: result.position)
    }

    /// The profile's own endpoints, when it is not the service (issue 20: `i` and `n` on an A1111
    /// profile opened the service's forms): the catalog's endpoints of its kind of server.
    static func ownEndpoints(_ state: AppState) -> [Endpoint]? {
        let own = state.catalog.readyGroups(for: state.connection.server).flatMap(\.endpoints)
        return own.contains(where: { $0.id == state.catalog.image2Image.id }) || own.isEmpty ? nil : own
    }

    /// `i`'s form: the service's image2image; on another kind of server, its first endpoint that takes
    /// both an input image and units (A1111's img2img), read from the catalog.
    static func image2ImageTarget(_ state: AppState) -> Endpoint {
        ownEndpoints(state)?.first { endpoint in
            endpoint.field(role: .inputImage) != nil && !endpoint.groupFields.isEmpty
        } ?? state.catalog.image2Image
    }

    /// `n`: the result's picture as a new item of the ControlNet form's group
    /// (on another kind of server, its form the record came from when it has units, else its first that has).
    static func addUnit(_ state: inout AppState, _ record: HistoryRecord, image url: String) {
        let hasUnits = { (endpoint: Endpoint) in
            endpoint.imageInputs.contains { if case .newItem = $0.place { return true } else { return false } }
        }
        let endpoint = ownEndpoints(state).flatMap { own in
            own.first { $0.id == record.endpoint.id && hasUnits($0) } ?? own.first(where: hasUnits)
        } ?? state.catalog.controlNet
        guard let input = endpoint.imageInputs.first(where: { if case .newItem = $0.place { return true } else { return false } }) else { return }
        let target = ImageUseTarget(endpoint: endpoint, input: input, label: Wording.imageTargetLabel(endpoint.title, input))
        useImage(&state, ImageUse(image: url, record: record, targets: [target]), target)
    }

    // MARK: Text

    /// Every field of prose of every endpoint the switcher offers, grouped
    /// by endpoint: its prompts and every text of several lines. A one-line
    /// text field holds a name or a number written as text (a base model, a
    /// learning rate), no place for a description.
    static func textTargets(_ state: AppState) -> [(label: String, destination: TextDestination)] {
        var targets: [(String, TextDestination)] = []
        for endpoint in state.catalog.readyGroups(for: state.connection.server).flatMap(\.endpoints) {
            for field in endpoint.formFields where field.takesProse {
                targets.append((Wording.textTargetLabel(endpoint.title, field.label), .field(endpoint, field.path)))
            }
        }
        return targets
    }

    /// The places a text can go, as picker lines: the prompt and negative
    /// prompt of the form it would go to first, the clipboard, then every text field.
    static func textDestinations(_ state: AppState, for use: TextUse) -> [(label: String, destination: TextDestination)] {
        let first = promptTarget(state, madeBy: use.endpoint)
        var lines: [(String, TextDestination)] = []
        for role in [FieldRole.prompt, .negativePrompt] {
            if let field = first.field(role: role) {
                lines.append((Wording.textTargetLabel(first.title, field.label), .field(first, field.path)))
            }
        }
        lines.append((Wording.clipboardTarget, .clipboard))
        for target in textTargets(state) where !lines.contains(where: { $0.0 == target.label }) { lines.append(target) }
        return lines
    }

    /// Text results: which one (when there are several), then where (unless given).
    static func offerTextUses(_ state: inout AppState, _ use: TextUse) -> [Effect] {
        guard !use.texts.isEmpty else { return [] }
        if use.texts.count == 1 { return chooseTextDestination(&state, use, text: use.texts[0]) }
        state.view.overlay = .picker(PickerState(purpose: .textCandidate(use), title: Wording.chooseTextTitle(use.texts.count, of: use.idTask),
                                                 options: candidateLines(use.texts), filter: TextBuffer(""),
                                                 selected: 0, freeText: false))
        return []
    }

    /// One line per candidate, numbered as the results pane numbers them.
    static func candidateLines(_ texts: [String]) -> [String] {
        texts.enumerated().map { Wording.candidateLine($0.offset + 1, $0.element) }
    }

    /// A candidate chosen: into its destination, or the picker of destinations.
    static func chooseTextDestination(_ state: inout AppState, _ use: TextUse, text: String) -> [Effect] {
        if let destination = use.destination { return useText(&state, text, of: use.idTask, destination) }
        let lines = textDestinations(state, for: use)
        state.view.overlay = .picker(PickerState(purpose: .textDestination(use, text: text), title: Wording.useTextTitle(use.idTask),
                                                 options: lines.map(\.label), filter: TextBuffer(""), selected: 0, freeText: false))
        return []
    }

    /// A text into a field (its form opens, its draft kept) or onto the clipboard.
    static func useText(_ state: inout AppState, _ text: String, of idTask: String, _ destination: TextDestination) -> [Effect] {
        switch destination {
        case .clipboard:
            return [Reducer.copy(text, what: Wording.textResultOf(idTask))]
        case let .field(endpoint, path):
            var request = state.form(of: endpoint) ?? state.freshForm(for: endpoint, taskID: TaskIDGenerator.shared.next())
            request[path] = .string(text)
            leavePictures(&state)
            show(&state, request)
            state.drafts[FieldID(path)] = nil
            let field = endpoint.field(at: path)
            let submitKey = state.keys.label(.submit)
            state.status = StatusMessage(text: field?.role == .prompt ? Wording.promptFrom(idTask, into: endpoint.title, submitKey: submitKey)
                                            : Wording.textUsed(idTask, into: field?.label ?? path, of: endpoint.title, submitKey: submitKey),
                                         kind: .info)
            return []
        }
    }

    /// The text result commands (`p`, use text as…): the compose screen's
    /// task as the results pane shows it, or the history's row read fresh.
    static func useResultText(_ state: inout AppState, toPrompt: Bool) -> [Effect] {
        let purpose: EntryPurpose = toPrompt ? .useTextAsPrompt : .useTextAs
        if state.screen == .history { return loadCurrent(state, purpose) }
        guard let task = state.task else { return [] }
        if let id = task.recordID { return [.loadEntries([id], purpose)] }
        // Without a history, the texts the screen has; the form on screen made them.
        guard !task.texts.isEmpty else {
            state.status = StatusMessage(text: Wording.noTextResult(task.idTask, state: task.desc), kind: .error)
            return []
        }
        return textUse(&state, TextUse(idTask: task.idTask, endpoint: state.endpoint, texts: chosenTexts(state, task.idTask, task.texts),
                                       destination: nil), toPrompt: toPrompt)
    }

    /// `p` names the prompt of the form it would go to; the other command asks.
    static func textUse(_ state: inout AppState, _ use: TextUse, toPrompt: Bool) -> [Effect] {
        var use = use
        if toPrompt {
            let target = promptTarget(state, madeBy: use.endpoint)
            if let prompt = target.field(role: .prompt) { use.destination = .field(target, prompt.path) }
        }
        if use.texts.count == 1, let destination = use.destination {
            return useText(&state, use.texts[0], of: use.idTask, destination)
        }
        return offerTextUses(&state, use)
    }

    /// The record read fresh for a text command.
    static func useRecordText(_ state: inout AppState, _ record: HistoryRecord, toPrompt: Bool) -> [Effect] {
        guard !record.textResults.isEmpty else {
            state.status = StatusMessage(text: Wording.noTextResult(record.idTask, state: record.state.title), kind: .error)
            return []
        }
        return textUse(&state, TextUse(idTask: record.idTask, endpoint: record.endpoint, texts: chosenTexts(state, record.idTask, record.textResults),
                                       destination: nil), toPrompt: toPrompt)
    }

    /// The candidate chosen in the results pane (its keys on it), else every one.
    static func chosenTexts(_ state: AppState, _ idTask: String, _ texts: [String]) -> [String] {
        guard state.screen == .compose, state.view.picturesFocused, let shown = state.results, shown.idTask == idTask,
              !shown.texts.isEmpty, let chosen = texts[safe: state.view.selectedPicture] else { return texts }
        return [chosen]
    }

    /// Where a text result goes as a prompt: the form on screen when it has
    /// a prompt and is not the tool that made the text, else text2image.
    static func promptTarget(_ state: AppState, madeBy endpoint: Endpoint) -> Endpoint {
        state.endpoint != endpoint && state.endpoint.field(role: .prompt) != nil ? state.endpoint : state.catalog.text2Image
    }

    /// Keys go to the form a result was carried into, not the pane it came from.
    static func leavePictures(_ state: inout AppState) {
        state.view.picturesFocused = false
        state.view.zoom = nil
    }

    // MARK: Picks

    /// A line of one of these pickers chosen.
    static func chooseUse(_ state: inout AppState, _ purpose: PickerState.Purpose, _ choice: String) -> [Effect] {
        switch purpose {
        case let .useImage(use):
            guard let target = use.targets.first(where: { $0.label == choice }) else { return [] }
            useImage(&state, use, target)
        case let .textCandidate(use):
            guard let index = candidateLines(use.texts).firstIndex(of: choice) else { return [] }
            return chooseTextDestination(&state, use, text: use.texts[index])
        case let .textDestination(use, text):
            guard let line = textDestinations(state, for: use).first(where: { $0.label == choice }) else { return [] }
            return useText(&state, text, of: use.idTask, line.destination)
        default:
            break
        }
        return []
    }
}
