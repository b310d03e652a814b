// `zqt bench typing`: a key typed into a field holding a megabyte (issue
// 18), through the same code the terminal loop runs for a key: the reducer,
// the effect runner (the draft's save included, into a history of its own),
// the reducer again for the answers, and the screen grid. Keys come at a
// typing pace, so the draft's saves fall among them as they would.
// `--field` picks the large field: the prompt, the negative prompt, a JSON
// object field (ControlNet's override settings), a custom request's
// `Other fields`, or a URL list (training images, 10,000 lines a megabyte asked).

#if canImport(FoundationEssentials)
import FoundationEssentials
import Synchronization
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Model

extension BenchCommand {
    func runTyping() throws {
        // Widths as the terminal has them (it sets the locale before its first
        // frame): in the C locale a Chinese character is one cell, and each is
        // asked for its category, so the bench measured another layout.
        TextWidth.ensureUTF8Locale()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zqt-bench-typing-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try HistoryStore.open(inFolder: folder)
        let configuration = ClientConfiguration(baseURL: "http://127.0.0.1:9", credentials: nil, timeout: 5, profile: "bench")
        let inbox = ActionInbox()
        let runner = EffectRunner(api: HTTPImageAPI(configuration: configuration), configuration: configuration,
                                  store: store, inbox: inbox)
        let large = try TypingBenchField(field, megabytes: megabytes)
        var state = AppState(request: .new(for: large.endpoint, taskID: "zqt-bench"),
                             connection: ConnectionInfo(baseURL: configuration.baseURL, profile: "bench", isSandbox: false))
        state.view.size = Size(width: 120, height: 40)
        state.view.focus = large.id
        guard state.focusedField?.id == large.id else { throw BenchFailure("\(large.id) is not a field of the form") }
        state.draftSaving = DraftSaving(saved: DraftCodec.drafts(of: state), kept: true)

        /// One action as the terminal loop handles it: reduce, perform, reduce the answers, render
        /// (and, as TerminalApp.dispatch, the pieces of a large edit given back when it ends).
        func handle(_ action: Action) {
            let editingLargeText = FreedMemory.editsLargeText(state)
            defer { if editingLargeText, state.view.editing == nil { FreedMemory.giveBack() } }
            var effects = Reducer.reduce(&state, action)
            while !effects.isEmpty {
                effects.forEach(runner.perform)
                effects = inbox.drain().flatMap { Reducer.reduce(&state, $0) }
            }
            _ = Screen.render(state)
        }

        /// Keys at 20 a second, as the loop takes them: at the end of the text,
        /// then twenty lines up, inside it. Prints their cost.
        func typeKeys(into what: String) {
            var perKey: [Double] = []
            let (cpuBefore, writtenBefore) = (Self.cpuSeconds(), Self.bytesWritten())
            let walkedBefore = PreviewDocument.bytesWalkedByAll.load(ordering: .relaxed)
            for phase in 0..<2 {
                if phase == 1 {
                    for _ in 0..<20 { handle(.key(.up)) }
                }
                for character in "a lighthouse at dusk, 灯塔雨夜, ".prefix(keys / 2) {
                    let started = monotonicSeconds()
                    handle(.key(.char(character)))
                    perKey.append(monotonicSeconds() - started)
                    usleep(50_000)
                    for action in inbox.drain() { handle(action) }
                }
            }
            // The last save, as on the way out (TerminalApp ends with it).
            handle(.draftSaveDue)
            runner.finishDraftSaves()
            let cpu = Self.cpuSeconds() - cpuBefore
            let written = Self.bytesWritten() - writtenBefore
            let walked = PreviewDocument.bytesWalkedByAll.load(ordering: .relaxed) - walkedBefore
            let sorted = perKey.sorted()
            print("a key typed into \(what): p50 \(String(milliseconds: Self.percentile(50, of: sorted))), p90 \(String(milliseconds: Self.percentile(90, of: sorted))), worst \(String(milliseconds: sorted.last ?? 0)) (\(perKey.count) keys, 20 a second); CPU per key (every thread, saves included) \(String(milliseconds: cpu / Double(perKey.count))); bytes written per key (write and pwrite calls: the draft's saves) \(written / perKey.count); the preview's text streamed past per key (toward a far window) \(walked / perKey.count) bytes")
        }

        /// Keys a second apart, as one types them one by one (or tmux send-keys
        /// sends them): each key's save comes due through the inbox as on the
        /// screen (DraftSaving.delay), so each key is a save. Prints what each
        /// took in SQLite's log (history.sqlite-wal, its frames read from the
        /// file) and elsewhere (the log's checkpoints into history.sqlite).
        func typeKeysWithPauses(into what: String) {
            let log = folder + "/" + HistoryStore.fileName + "-wal"
            let count = min(keys, 10)
            var (logBytes, allBytes) = (0, 0)
            for character in "lighthouse".prefix(count) {
                let (frames, written) = (WALFrames(path: log), Self.bytesWritten())
                handle(.key(.char(character)))
                let paused = monotonicSeconds() + 1
                while monotonicSeconds() < paused {
                    usleep(10_000)
                    for action in inbox.drain() { handle(action) }
                }
                runner.finishDraftSaves()
                logBytes += WALFrames(path: log).bytesWritten(since: frames)
                allBytes += Self.bytesWritten() - written
            }
            print("a key a second into \(what) (a save each, as on the screen): bytes written per key \(allBytes / count): to the log (history.sqlite-wal) \(logBytes / count), to the history file and elsewhere (checkpoints) \((allBytes - logBytes) / count) (\(count) keys)")
        }

        /// The motion keys across the long text (paste18): at its end, then at
        /// its start (put there as a click would), each key's worst time and CPU.
        func moveAround() throws {
            let motions: [(name: String, key: Key)] = [("Home", .home), ("End", .end), ("↑", .up), ("↓", .down),
                                                       ("Ctrl-←", .ctrlLeft), ("Ctrl-→", .ctrlRight)]
            for place in ["end", "start"] {
                if place == "start" { state.view.editing?.buffer.moveCursor(to: 0) }
                var line = "motion keys at the text's \(place):"
                for (name, key) in motions {
                    let cpuBefore = Self.cpuSeconds()
                    var worst = 0.0
                    for _ in 0..<10 {
                        let started = monotonicSeconds()
                        handle(.key(key))
                        worst = max(worst, monotonicSeconds() - started)
                    }
                    line += " \(name) worst \(String(milliseconds: worst)), CPU \(String(milliseconds: (Self.cpuSeconds() - cpuBefore) / 10));"
                }
                print(line)
            }
            guard let editing = state.view.editing, editing.field == large.id else { throw BenchFailure("the motion keys ended the edit") }
            state.view.editing?.buffer.moveCursor(to: editing.buffer.count - large.keysBack)
        }

        // The same keys into the empty field first, for comparison.
        handle(.key(.enter))
        typeKeys(into: "the empty \(large.name)")
        typeKeysWithPauses(into: "the empty \(large.name)")
        handle(.key(.enter))
        state.view.focus = large.id

        let startRSS = Self.status("VmRSS")
        let text = large.text
        Self.resetPeakMemory()
        let pasteStarted = monotonicSeconds()
        // As the terminal reads a bracketed paste: through the input decoder, in reads of 64 KB.
        guard let decoded = Self.pasteThroughDecoder(text) else { throw BenchFailure("the decoder gave no paste") }
        handle(.paste(decoded))
        let pasteTime = monotonicSeconds() - pasteStarted
        guard let pasted = state.view.editing?.buffer, state.view.editing?.field == large.id, pasted.count >= text.count else {
            throw BenchFailure("the paste did not land in the \(large.name)")
        }
        // Typed inside the text's last string (a JSON value), not after it.
        for _ in 0..<large.keysBack { handle(.key(.left)) }
        let afterPaste = Self.status("VmRSS")
        print("pasted \(text.utf8.count) bytes (\(pasted.count) characters) into the \(large.name) in \(String(seconds: pasteTime)); resident memory \(startRSS / 1024) MB before, \(afterPaste / 1024) MB after (peak \(Self.status("VmHWM") / 1024) MB)")
        typeKeys(into: "the \(megabytes) MB \(large.name)")
        print("resident memory after typing: \(Self.status("VmRSS") / 1024) MB (peak since the paste \(Self.status("VmHWM") / 1024) MB)")
        try moveAround()
        typeKeysWithPauses(into: "the \(megabytes) MB \(large.name)")
        // Then in its middle, as one edits a long text in another place: the
        // saves write a row of their own, not the draft cut into pieces again (draftbytes18).
        if let count = state.view.editing?.buffer.count { state.view.editing?.buffer.moveCursor(to: count / 2) }
        typeKeysWithPauses(into: "the middle of the \(megabytes) MB \(large.name), after its end")
        // The edit's end (Enter): the text read into the request, its brackets checked, the draft saved.
        handle(.key(.enter))
        for action in inbox.drain() { handle(action) }
        runner.finishDraftSaves()
        print("resident memory after the edit's end: \(Self.status("VmRSS") / 1024) MB (peak since the paste \(Self.status("VmHWM") / 1024) MB)")
        if previewScrolled > 0 {
            // The newcomer's case (issue 18): out of the field, ] a few times
            // (the preview scrolled into the text), into it again, the same keys.
            if let previewFar {
                // Far into the line at once (farrows18): the offset a few thousand ] would reach.
                let regions = Layout.regions(for: state.view.size, showPreview: true, results: false)
                guard let preview = regions.preview else { throw BenchFailure("no preview at \(state.view.size)") }
                let range = PreviewView.offsetRange(state, rect: preview)
                state.view.previewOffset = previewFar == "end" ? range.upperBound - 3 * max(1, state.view.size.height / 3) : range.upperBound / 2
                let started = monotonicSeconds()
                _ = Screen.render(state)
                print("preview scrolled to the \(previewFar) (offset \(state.view.previewOffset) of \(range.upperBound) rows); its first frame \(String(milliseconds: monotonicSeconds() - started))")
            }
            let cpuBefore = Self.cpuSeconds()
            var perScroll: [Double] = []
            for _ in 0..<previewScrolled {
                let started = monotonicSeconds()
                handle(.key(.char("]")))
                perScroll.append(monotonicSeconds() - started)
            }
            let cpu = (Self.cpuSeconds() - cpuBefore) / Double(previewScrolled)
            guard state.view.previewOffset > 0 else { throw BenchFailure("] did not scroll the preview") }
            print("] pressed \(previewScrolled) times (preview offset \(state.view.previewOffset) rows): worst \(String(milliseconds: perScroll.max() ?? 0)), CPU per press \(String(milliseconds: cpu)); resident memory \(Self.status("VmRSS") / 1024) MB")
        }
        handle(.key(.enter))
        guard state.view.editing?.field == large.id else { throw BenchFailure("Enter did not edit the \(large.name) again") }
        if previewScrolled > 0 {
            // At the text's start, the keys land above a window scrolled into it (fartype18).
            if typingAt == "start" { state.view.editing?.buffer.moveCursor(to: 0) }
            typeKeys(into: "the \(megabytes) MB \(large.name) with the preview scrolled\(typingAt == "start" ? ", typed at its start" : "")")
            print("resident memory after typing with the preview scrolled: \(Self.status("VmRSS") / 1024) MB")
        }
        // What a restart would put back: the saved draft read as the form, against the text typed.
        guard let typed = state.view.editing?.buffer.text, let saved = try store.loadDrafts()[DraftCodec.currentSlot],
              let restored = DraftCodec.form(saved) else {
            throw BenchFailure("no draft was saved")
        }
        var expected = state.request
        let usable = (try? FieldValues.apply(typed, to: large.id, in: &expected)) != nil
        if usable ? restored.request.wireJSON != expected.wireJSON : restored.drafts[large.id]?.text != typed {
            throw BenchFailure("the saved draft does not hold the \(large.name) as typed")
        }
        print("the saved draft holds the \(large.name) as typed (\(usable ? "sent as typed" : "kept as typed text"))")
    }

    struct BenchFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }


    /// A paste as CursesTerminal.readInput reads it: the start mark decoded,
    /// then the bytes and the end mark fed in reads of 64 KB.
    static func pasteThroughDecoder(_ text: String) -> String? {
        var decoder = InputDecoder(functionKey: { _ in nil })
        var start = [InputDecoder.pasteStartCode][...]
        _ = decoder.decode { start.popFirst() }
        var rest = text.utf8[...]
        while true {
            let read = Array(rest.prefix(1 << 16))
            rest = rest.dropFirst(read.count)
            if rest.isEmpty { return decoder.feedPaste(read + InputDecoder.pasteEnd).paste }
            if let paste = decoder.feedPaste(read).paste { return paste }
        }
    }

    /// Bytes this process passed to write(2) and its kind (/proc/self/io's wchar).
    static func bytesWritten() -> Int { procField("/proc/self/io", "wchar:") }

    /// A "name: value" line of a /proc file, read whole by `procFile` (they say their size is 0).
    static func procField(_ file: String, _ name: String) -> Int {
        guard let line = procFile(file).split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

/// SQLite's log as it stands: its frames since its last restart, read from
/// the file's frame headers (sqlite.org/fileformat2.html#walformat). A
/// frame is a page and its 24-byte header; a restart writes from the start
/// again with new salts, so frames are counted while their salts are the log's.
struct WALFrames: Equatable {
    var salts: [UInt8] = []
    var frames = 0
    var pageSize = 0

    init(path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 32)
        guard pread(fd, &header, 32, 0) == 32 else { return }
        pageSize = header[8..<12].reduce(0) { $0 << 8 | Int($1) }
        if pageSize == 1 { pageSize = 65_536 }
        salts = Array(header[16..<24])
        guard pageSize >= 512 else { return }
        var frame = [UInt8](repeating: 0, count: 24)
        while pread(fd, &frame, 24, off_t(32 + frames * (24 + pageSize))) == 24, Array(frame[8..<16]) == salts { frames += 1 }
    }

    /// Bytes written to the log since `earlier` was read (one commit or several, no restart between
    /// two of them: a save at a time): its new frames, or all of them after a restart.
    func bytesWritten(since earlier: WALFrames) -> Int {
        let new = salts == earlier.salts ? max(0, frames - earlier.frames) : frames
        return new * (24 + pageSize) + (salts == earlier.salts ? 0 : 32)
    }
}

/// The large field `zqt bench typing --field` types into, and its megabyte.
struct TypingBenchField {
    let name: String
    let endpoint: Endpoint
    let id: FieldID
    let text: String
    /// ← keys after the paste, so the keys land inside the last JSON string.
    var keysBack = 0

    static let names = ["prompt", "negative", "json", "other", "urls"]

    init(_ field: String, megabytes: Int) throws {
        let size = megabytes << 20
        switch field {
        case "prompt", "negative":
            name = field == "prompt" ? "prompt" : "negative prompt"
            endpoint = .controlNet
            id = FieldID(field == "prompt" ? "prompt" : "negative_prompt")
            // Prompt tags, English and Chinese.
            let tags = ["masterpiece", "best quality", "一个女孩在雨中", "film grain", "灯塔", "soft light", "highly detailed"]
            var text = ""
            var index = 0
            while text.utf8.count < size {
                text += tags[index % tags.count] + ", "
                index += 1
            }
            self.text = text
        case "json", "other":
            // A pretty JSON object of long string members, as pasted from a file.
            name = field == "json" ? "JSON object field" : "Other fields"
            endpoint = field == "json" ? .controlNet : CustomEndpoint.endpoint(path: "tool/bench")
            id = FieldID(field == "json" ? "alwayson_scripts.override_settings" : CustomEndpoint.bodyField)
            var text = "{"
            var index = 0
            while text.utf8.count < size {
                text += (index == 0 ? "\n" : ",\n") + "  \"setting_\(index)\": \"masterpiece, best quality, 一个女孩在雨中, film grain, 灯塔, soft light, highly detailed, number \(index)\""
                index += 1
            }
            self.text = text + "\n}"
            keysBack = 3
        case "urls":
            name = "URL list"
            endpoint = EndpointCatalog.shipped.resolve("modelTraining/submitTraining/Job")
            id = FieldID("fileUrlList")
            self.text = (0..<(10_000 * megabytes)).map { "https://example.com/training/2026/12/06/photo-\($0).png" }.joined(separator: "\n")
        default:
            throw BenchCommand.BenchFailure("--field is one of \(Self.names.joined(separator: ", "))")
        }
    }
}
