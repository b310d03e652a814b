// The event loop: waits on the keyboard and the inbox (no timer while
// nothing is in flight), reduces actions, runs effects, draws when the
// rendered screen differs. Restores the terminal on every way out.

import CNcurses
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Model
import Images

/// The write end of the signal pipe, for the async-signal-safe handler.
nonisolated(unsafe) private var signalPipeWrite: Int32 = -1
nonisolated(unsafe) private var cursesActive = false

final class TerminalApp {
    private(set) var state: AppState
    private let runner: EffectRunner
    private let inbox: ActionInbox
    private var terminal: CursesTerminal?
    private var lastGrid: Grid?
    private var signalPipeRead: Int32 = -1
    /// When frames are drawn while input arrives (screen19).
    private var pacing = FramePacing()
    private var drawDue: Double?
    /// Whether every action dispatched since the last frame changes nothing
    /// shown (Action.changesNothingShown); nil when none was: such a wake draws nothing.
    private var onlyUnshownSinceFrame: Bool?
    /// The whole second (monotonic) last counted for the followed task's time.
    private var lastSecond: Double?
    private var pendingInput: [TerminalInput] = []
    private var pendingSince: Double?
    static let burstLimit = 1 << 18
    /// Wakes in a row with the terminal readable and nothing read before zqt takes it as gone.
    static let unreadableWakeLimit = 1000
    private var unreadableWakes = 0
    static let pasteQuiet = 1.0
    /// The spinner's step while a send is on its way: a second, as the issue
    /// asks of what moves while a task runs (19: "updated at most once a second";
    /// it was 0.12 s, a write to the terminal eight times a second).
    static let tickInterval = 1.0

    private let theme: Theme
    /// How result images are to be drawn, as asked (issue 11).
    private let pictures: PictureSetting

    /// Clicks and the wheel (issue 19; config `mouse = false` turns them off).
    private let mouse: Bool
    /// Where the last frame drawn put what a click can reach.
    private var hitAreas: [HitArea] = []

    init(state: AppState, runner: EffectRunner, inbox: ActionInbox, theme: Theme = .dark, pictures: PictureSetting = .auto,
         mouse: Bool = true) {
        self.theme = theme
        self.mouse = mouse
        self.pictures = pictures
        self.state = state
        self.runner = runner
        self.inbox = inbox
    }

    /// Runs until the user quits or a signal ends it; returns the exit status.
    /// A signal ends zqt with the terminal restored and a line saying which.
    func run() -> Int32 {
        let status = runLoop()
        // Drafts the history could not take (issue 21): said once the screen is left, and where they went.
        if var unsaved = unsavedAtExit, !unsaved.isEmpty {
            unsaved.home = runner.home
            StandardStreams.writeError(unsaved.report(writtenTo: unsaved.write(into: UnsavedDrafts.folders(home: runner.home))))
        }
        if let signal = endedBy {
            let name = Self.signalNames[signal] ?? "signal \(signal)"
            StandardStreams.writeError("zqt: ended by \(name)\n")
        }
        return status
    }

    static let signalNames: [Int32: String] = [SIGTERM: "SIGTERM", SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT"]
    private var endedBy: Int32?
    /// The drafts a full or read-only disk kept from the history, as zqt ends.
    private var unsavedAtExit: UnsavedDrafts?

    private func runLoop() -> Int32 {
        installSignalHandlers()
        let terminal = CursesTerminal(theme: theme, mouse: mouse)
        self.terminal = terminal
        cursesActive = true
        defer {
            // However zqt ends: the drafts as they are now, written before it does (issue 4).
            dispatch(.draftSaveDue)
            unsavedAtExit = runner.finishDraftSaves()
            // No history keeps them at all (none opened, or a newer zqt's): written elsewhere, not lost (issue 21).
            let unkept = SessionReducer.unkeptForms(state)
            if !unkept.isEmpty { unsavedAtExit = UnsavedDrafts(forms: unkept, fault: state.draftSaving.notKeptBecause) }
            runner.cancelAll()
            terminal.shutdown()
            cursesActive = false
        }
        state.view.size = terminal.size
        setUpPictures(terminal)
        draw()
        // After the first frame: not on the start-up path.
        dispatch(.firstFrameDrawn)

        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: inbox.readFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: signalPipeRead, events: Int16(POLLIN), revents: 0)]
        var nextTick = monotonicSeconds() + Self.tickInterval
        while !state.quitting {
            // No timer at all while idle: only the spinner wakes the loop (a draft save is due through the inbox).
            let busy = state.submitting || state.task?.phase == .inProgress
            let now = monotonicSeconds()
            // A paste whose end mark never comes (cut off) is taken as it stands after
            // a quiet second, so the keys after it are keys again.
            let pasteDue = terminal.readingPaste ? pacing.lastInput + Self.pasteQuiet : nil
            let wakeAt = [busy ? nextTick : nil, pasteDue, drawDue].compactMap { $0 }.min()
            let timeout = wakeAt.map { Int32(max(0, ($0 - now) * 1000).rounded(.up)) } ?? -1
            _ = poll(&fds, nfds_t(fds.count), timeout)
            if busy, monotonicSeconds() >= nextTick {
                nextTick = monotonicSeconds() + Self.tickInterval
                dispatch(.tick)
            }
            // A followed task's time, a second at a time (only while one runs: no timer when idle).
            if state.task?.phase == .inProgress {
                let second = monotonicSeconds().rounded(.down)
                if let last = lastSecond, second > last { dispatch(.secondElapsed) }
                if lastSecond.map({ second > $0 }) ?? true { lastSecond = second }
            } else {
                lastSecond = nil
            }
            if fds[2].revents != 0 {
                var signal: UInt8 = 0
                while read(signalPipeRead, &signal, 1) == 1 {
                    guard Int32(signal) == SIGWINCH else {
                        endedBy = Int32(signal)
                        return 128 + Int32(signal)
                    }
                    dispatch(.resize(terminal.resizeToWindow()))
                    state.view.cellPixels = terminal.cellPixels
                    // A resize of a tmux pane may move it too (a split, a zoom): asked again before the next picture.
                    terminal.pictureOrigin = nil
                }
            }
            // The terminal went away without a SIGHUP (a dropped SSH link can do
            // that): poll would report it at once for ever, so end as for SIGHUP.
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                endedBy = SIGHUP
                return 128 + SIGHUP
            }
            // Keys (EINTR from SIGWINCH lands here too: ncurses then reports KEY_RESIZE).
            let read = terminal.readInput()
            pendingInput += read
            // A terminal zqt may no longer read (its process group put in the
            // background without being stopped, an orphaned group: every read
            // is EIO) is reported readable at once for ever, and nothing comes
            // of it: rather than spin a core, end as when the terminal goes.
            if fds[0].revents & Int16(POLLIN) != 0, read.isEmpty {
                unreadableWakes += 1
                if unreadableWakes >= Self.unreadableWakeLimit {
                    endedBy = SIGHUP
                    return 128 + SIGHUP
                }
            } else {
                unreadableWakes = 0
            }
            if fds[0].revents & Int16(POLLIN) != 0 { pacing.inputRead(at: monotonicSeconds()) }
            // Keys still arriving belong to the same burst (a paste without bracketed
            // paste comes in many reads): judged together, inserted once; at most
            // half a second or burstLimit keys at a time.
            if !pendingInput.isEmpty {
                let since = pendingSince ?? monotonicSeconds()
                if inputWaiting(), pendingInput.count < Self.burstLimit, monotonicSeconds() - since < 0.5 {
                    pendingSince = since
                } else {
                    let inputs = pendingInput
                    pendingInput = []
                    pendingSince = nil
                    handleInput(inputs)
                }
            }
            if terminal.readingPaste, monotonicSeconds() - pacing.lastInput >= Self.pasteQuiet, let cut = terminal.endPaste() {
                dispatch(.paste(cut))
            }
            // History answers are posted at once, so they are drawn with the key that asked.
            while case let actions = inbox.drain(), !actions.isEmpty {
                for action in actions { dispatch(action) }
            }
            // While a long paste is still arriving, the screen waits for it (a
            // frame lays out the whole text) but is drawn at least every 0.2 s, or
            // every four frames' time when a frame is slow (a long text in a debug build).
            // Slow frames are also spaced out while input keeps coming (a paste arriving
            // slower than zqt reads it), not for a key typed after a pause (FramePacing);
            // the frame skipped is drawn when due.
            drawDue = pacing.frameDue(now: monotonicSeconds(), inputWaiting: inputWaiting())
            if drawDue != nil { continue }
            if onlyUnshownSinceFrame == true {
                onlyUnshownSinceFrame = nil
                continue
            }
            if !state.quitting { draw() }
        }
        return 0
    }

    private func handleInput(_ inputs: [TerminalInput]) {
        for case let .report(report) in inputs { pictureAnswers.take(report) }
        if let mode = pictureAnswers.conclusion() { dispatch(.pictureModeFound(mode)) }
        // Each action reduced as it is made, never gathered: an Action is some
        // 500 bytes (its largest case inline), and 20,000 ↑ sent at once were
        // an array of them grown to 25 MB, the whole peak of a key burst (issue 18, burst18).
        Self.forEachAction(for: inputs, hitAreas: hitAreas) { action in
            switch action {
            case .key(.resize):
                dispatch(.resize(terminal?.size ?? state.view.size))
            case .key(.ctrl("z")):
                suspendToShell()
            default:
                dispatch(action)
            }
        }
    }

    /// What one read of the terminal does, as a list (the tests read it).
    static func actions(for inputs: [TerminalInput], hitAreas: [HitArea] = []) -> [Action] {
        var actions: [Action] = []
        forEachAction(for: inputs, hitAreas: hitAreas) { actions.append($0) }
        return actions
    }

    /// What one read of the terminal does, each action handed over in order.
    /// A bracketed paste is one `.paste`.
    /// Without bracketed paste, a burst of keys that holds a line break or
    /// control key with more text after it is a paste too: its Enter must not
    /// end the edit and its Ctrl-S must not send, so all of it goes in as text.
    /// Runs of typed characters go in as one `.typed` (a paste without line
    /// breaks is one insert, not one per character).
    static func forEachAction(for inputs: [TerminalInput], hitAreas: [HitArea] = [], _ body: (Action) -> Void) {
        var burst: [TerminalInput] = []  // typed text and keys, judged together
        func flushBurst() {
            defer { burst.removeAll(keepingCapacity: true) }
            guard !burst.isEmpty else { return }
            if looksLikePaste(burst) {
                body(.paste(joined(burst, keepingKeys: true)))
                return
            }
            var start = 0
            for (index, input) in burst.enumerated() {
                guard case let .key(key) = input else { continue }
                if case .char = key { continue }
                if start < index { body(.typed(joined(burst[start..<index], keepingKeys: false))) }
                body(.key(key))
                start = index + 1
            }
            if start < burst.count { body(.typed(joined(burst[start...], keepingKeys: false))) }
        }
        for input in inputs {
            switch input {
            case .key, .text: burst.append(input)
            case let .paste(text):
                flushBurst()
                body(.paste(text))
            case .report:
                continue  // answers to zqt's own questions: handleInput takes them
            case let .mouse(event):
                // A click goes to what the last frame drew under it (issue 19).
                flushBurst()
                if let pointer = MouseRouting.input(for: event, in: hitAreas) { body(.pointer(pointer)) }
            }
        }
        flushBurst()
    }

    /// The text of typed runs and characters, one String sized once (a
    /// paste without bracketed paste is a megabyte in a few hundred runs);
    /// `keepingKeys`: control keys as the control characters they stand for.
    private static func joined(_ inputs: some Collection<TerminalInput>, keepingKeys: Bool) -> String {
        var text = ""
        text.reserveCapacity(inputs.reduce(0) { if case let .text(run) = $1 { $0 + run.utf8.count } else { $0 + 4 } })
        for input in inputs {
            switch input {
            case let .text(run): text += run
            case let .key(.char(character)): text.append(character)
            case let .key(key): if keepingKeys { text += pastedText(key) }
            default: continue
            }
        }
        return text
    }

    /// Text and control keys only, at least two characters, and either a
    /// line break or tab with text after it (no Ctrl keys), or a control key
    /// with text both before and after it ("hello" Ctrl-S "world"): no one
    /// types that between two reads of the terminal. Keys that start with a
    /// command (Enter, Ctrl-U, then text) stay keys.
    static func looksLikePaste(_ inputs: [TerminalInput]) -> Bool {
        // Items as keys: a typed run counts as its characters (three are enough to know).
        var count = 0
        var characters = 0
        var hasCtrl = false
        var textBefore = false       // a character seen
        var controlAfterText = false // a control key after a character
        var breakSeen = false
        var textAfterBreak = false
        var textAroundControl = false
        for input in inputs {
            let key: Key
            switch input {
            case let .text(run):
                let seen = run.prefix(3).count
                guard seen > 0 else { continue }
                count += seen
                characters += seen
                if controlAfterText { textAroundControl = true }
                if breakSeen { textAfterBreak = true }
                textBefore = true
                continue
            case let .key(named): key = named
            default: return false
            }
            count += 1
            switch key {
            case .char:
                characters += 1
                if controlAfterText { textAroundControl = true }
                if breakSeen { textAfterBreak = true }
                textBefore = true
            case .enter, .tab, .ctrl:
                if case .ctrl = key { hasCtrl = true }
                breakSeen = true
                if textBefore { controlAfterText = true }
            default: return false
            }
        }
        return count > 2 && characters >= 2 && ((!hasCtrl && textAfterBreak) || textAroundControl)
    }

    /// A key of a burst taken for a paste, as the text it stands for
    /// (a control key as its control character, which the paste then drops).
    private static func pastedText(_ key: Key) -> String {
        switch key {
        case let .char(c): return String(c)
        case .enter: return "\r"
        case .tab: return "\t"
        case let .ctrl(c): return c.asciiValue.flatMap { Unicode.Scalar($0 &- 96) }.map { String($0) } ?? ""
        default: return ""
        }
    }

    private func dispatch(_ action: Action) {
        onlyUnshownSinceFrame = (onlyUnshownSinceFrame ?? true) && action.changesNothingShown
        let screen = (state.screen, state.endpoint.formKey)
        let editingLargeText = FreedMemory.editsLargeText(state)
        // The pieces of a large text let go of when its edit ends go back to the system (issue 18).
        defer { if editingLargeText, state.view.editing == nil { FreedMemory.giveBack() } }
        var effects = Reducer.reduce(&state, action)
        // Another screen or form: the config file is read again if it changed (one stat; issue 19).
        if screen != (state.screen, state.endpoint.formKey) { effects.append(.checkConfigFile(asked: false)) }
        for effect in effects {
            switch effect {
            case .fetchPictures, .fetchHistoryPictures, .fetchRestOfPictures, .fetchIntermediate, .loadContactSheet:
                askTerminalAboutPictures()
                runner.perform(effect)
            case let .openEditor(field, text):
                openEditor(field, text: text)
            case .quit:
                break
            case let .copyToClipboard(text, what):
                terminal?.copyToClipboard(text)
                dispatch(.clipboardWritten(what: what, bytes: text.utf8.count))
            default:
                runner.perform(effect)
            }
        }
    }

    /// More input is already waiting: a paste still arriving.
    private func inputWaiting() -> Bool {
        if terminal?.readingPaste == true { return true }
        var fd = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, 0) > 0 && fd.revents & Int16(POLLIN) != 0
    }

    private func draw() {
        onlyUnshownSinceFrame = nil
        let start = monotonicSeconds()
        defer { pacing.drawn(from: start, to: monotonicSeconds()) }
        guard let terminal else { return }
        if state.view.pictureMode.pixelProtocol != terminal.pixelOutput?.pixelProtocol { usePictureMode(state.view.pictureMode) }
        let grid = Screen.render(state)
        // Pictures the frame would show that are not decoded yet: decoded off the loop, then drawn.
        if !grid.picturesWanted.isEmpty { dispatch(.picturesWanted(grid.picturesWanted)) }
        // Inside tmux, where the pane sits is asked of tmux when a picture is first placed (not at start).
        if !grid.placements.isEmpty, insideTmux, terminal.pixelOutput != nil, terminal.pictureOrigin == nil {
            terminal.pictureOrigin = PictureSupport.tmuxPaneOrigin()
        }
        hitAreas = grid.hitAreas
        // The config file read again named other colours: drawn whole in them.
        if let theme = state.configFile.theme, theme != terminal.theme {
            terminal.use(theme)
            state.needsFullRedraw = true
        }
        let full = state.needsFullRedraw
        state.needsFullRedraw = false
        if !full, grid == lastGrid { return }  // nothing changed: nothing sent
        terminal.draw(grid, full: full)
        lastGrid = grid
    }

    // MARK: Pictures (issue 11)

    /// The mode from the environment alone (no image library is loaded
    /// before the first picture). On the first picture, for auto: the
    /// terminal is asked (askTerminalAboutPictures), or inside tmux, the
    /// runner asks tmux whether it passes kitty's pictures on.
    private func setUpPictures(_ terminal: CursesTerminal) {
        let environment = ProcessInfo.processInfo.environment
        state.view.cellPixels = terminal.cellPixels
        state.view.pictureMode = PictureSupport.decide(pictures, environment: environment, paletteSize: terminal.paletteSize,
                                                       utf8: PictureSupport.localeIsUTF8(environment))
        usePictureMode(state.view.pictureMode)
        // Inside tmux the terminal cannot be asked (tmux answers for itself): tmux is.
        guard pictures == .auto, case .symbols = state.view.pictureMode, insideTmux else { return }
        runner.pictureModeDetection.withLock { $0 = { PictureSupport.detectThroughTmux(environment) } }
    }

    /// Read once: the frame's drawing asks it while a picture is on screen.
    private let insideTmux = ProcessInfo.processInfo.environment["TMUX"] != nil

    /// The terminal's answers to the picture query, gathered until its last.
    private var pictureAnswers = PictureQuery.Answers()
    private var pictureQueryAsked = false

    /// On the first picture, when the mode is auto and the environment named
    /// no protocol: ask the terminal itself (PictureQuery), outside tmux.
    private func askTerminalAboutPictures() {
        guard !pictureQueryAsked, let terminal else { return }
        pictureQueryAsked = true
        guard pictures == .auto, case .symbols = state.view.pictureMode, !insideTmux,
              PictureQuery.isSafe(term: ProcessInfo.processInfo.environment["TERM"] ?? "",
                                  environment: ProcessInfo.processInfo.environment) else { return }
        terminal.ask(PictureQuery.question)
    }

    private func usePictureMode(_ mode: PictureMode) {
        guard let terminal else { return }
        runner.drawsPictures.store(!mode.isOff, ordering: .relaxed)
        guard let used = mode.pixelProtocol else {
            terminal.pixelOutput = nil
            return
        }
        // The cell size read when drawing: a resize or a font change alters it.
        let output = PixelOutput(pixelProtocol: used, tmuxPassthrough: insideTmux) { [weak self] placement in
            let size = self?.state.view.cellPixels ?? Size(width: 10, height: 20)
            return try? PictureCache.shared.escapes(placement.path, columns: placement.rect.width, rows: placement.rect.height,
                                                    using: used, cell: (size.width, size.height)).get()
        }
        terminal.pixelOutput = output
    }

    /// Ctrl-Z: give the terminal back to the shell until `fg`.
    /// The stop is raised on this thread (tgkill), so it takes effect before
    /// raise returns: kill(getpid()) let another thread take the signal while
    /// this one ran on into resume(), and zqt drew itself and turned the mouse
    /// and bracketed paste on again just before it stopped; after `fg` the
    /// shell's readline had turned bracketed paste off and the modes were lost (issue 19).
    private func suspendToShell() {
        terminal?.suspend()
        raise(SIGSTOP)
        terminal?.resume()
        state.needsFullRedraw = true
    }

    /// Opens the text in $VISUAL / $EDITOR (else vi) and reads it back.
    private func openEditor(_ field: FieldID, text: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zqt-\(getpid())-edit.txt")
        do {
            try text.write(to: file, atomically: true, encoding: .utf8)
        } catch {
            dispatch(.editorFinished(field, text: nil, error: "Cannot write a temporary file: \(error)"))
            return
        }
        defer { try? FileManager.default.removeItem(at: file) }
        let env = ProcessInfo.processInfo.environment
        let editor = env["VISUAL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
        terminal?.suspend()
        var failure: String?
        do {
            // The editor gets the terminal; waitpid, not Foundation.Process, sees it end (ChildProcess.swift).
            let child = try ChildProcess.spawn("/bin/sh", ["-c", "\(editor) \"$1\"", "zqt-editor", file.path],
                                               stdin: .inherit, stdout: .inherit, stderr: .inherit)
            let status = child.waitForExit() ?? -1
            if status != 0 { failure = "\(editor) exited with status \(status); text unchanged" }
        } catch {
            failure = "Cannot start \(editor): \(error)"
        }
        terminal?.resume()
        if let failure {
            dispatch(.editorFinished(field, text: nil, error: failure))
        } else {
            let edited = try? String(contentsOf: file, encoding: .utf8)
            dispatch(.editorFinished(field, text: edited, error: edited == nil ? "Cannot read the edited text back" : nil))
        }
    }

    private func installSignalHandlers() {
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        signalPipeRead = fds[0]
        signalPipeWrite = fds[1]
        signal(SIGPIPE, SIG_IGN)
        _ = fcntl(signalPipeRead, F_SETFL, fcntl(signalPipeRead, F_GETFL) | O_NONBLOCK)
        // SIGTERM, SIGHUP, SIGINT and SIGQUIT end the loop, which restores the
        // terminal on its way out. SIGQUIT's default (a core, and Swift's
        // backtracer waiting at the terminal) left zqt hung with the terminal raw.
        // SIGWINCH comes here too: a signal may land on any thread, and only the
        // pipe is sure to wake the loop. Installed before initscr, so ncurses keeps
        // out of SIGWINCH and the loop resizes it.
        for sig in [SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGWINCH] {
            signal(sig) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWrite, &byte, 1)
            }
        }
        // A crash restores the terminal before the default action (core, message).
        for sig in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            signal(sig) { number in
                if cursesActive { endwin() }
                signal(number, SIG_DFL)
                raise(number)
            }
        }
    }
}
