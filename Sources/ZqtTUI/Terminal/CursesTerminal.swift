// The ncurses backend: sets the terminal up, turns key codes into Keys, and
// draws a Grid. It draws only rows that changed; ncurses then sends only the
// cells that changed, so an unchanged screen costs zero bytes.

import CNcurses
import Model
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

final class CursesTerminal {
    private var previous: Grid?
    private var colours: Bool
    /// start_color has run (a mono start has not: a theme read again may start it).
    private var coloursStarted = false
    /// The terminal's colours (0 in mono): how many a picture in symbols may use.
    let paletteSize: Int
    static let picturePairsNeeded: Int32 = 4096
    private var cursorVisible: Int32 = -1
    private var decoder = InputDecoder(functionKey: CursesTerminal.functionKey)
    /// Bracketed paste: the terminal marks pasted text (xterm, tmux, most others).
    static let bracketedPasteOn = "\u{1B}[?2004h", bracketedPasteOff = "\u{1B}[?2004l"

    /// The colours chosen (config file `theme`; NO_COLOR gives mono); another when the file is read again.
    private(set) var theme: Theme

    /// Clicks and the wheel reported (issue 19; config `mouse`).
    private let mouse: Bool

    init(theme: Theme = .dark, mouse: Bool = true) {
        self.theme = theme
        self.mouse = mouse
        TextWidth.ensureUTF8Locale()  // setlocale before initscr (wide characters)
        initscr()
        raw()  // Ctrl-S, Ctrl-C and friends arrive as keys
        noecho()
        nonl()
        keypad(zqt_stdscr(), true)
        nodelay(zqt_stdscr(), true)
        set_escdelay(25)
        mousemask(0, nil)  // mouse off by default
        // mono: attributes alone, as on a terminal without colours (NO_COLOR, no-color.org).
        colours = theme != .mono && has_colors()
        if colours {
            start_color()
            use_default_colors()
            coloursStarted = true
            for style in Style.allCases {
                let (fg, bg, _) = Self.colourScheme(style, theme: theme)
                init_pair(Int16(style.rawValue) + 1, fg, bg)
            }
        }
        // COLORS and COLOR_PAIRS are known once start_color has run. A picture
        // takes a colour pair per pair of colours it shows, from ncurses' pool
        // (alloc_pair), which reuses the oldest once full, the theme's too: with
        // few pairs (8- and 16-colour terminals) pictures show in shapes only.
        paletteSize = colours && zqt_color_pairs() >= Self.picturePairsNeeded ? Int(zqt_colors()) : 0
        setCursor(visible: false)
        define_key("\u{1B}[200~", InputDecoder.pasteStartCode)
        define_key("\u{1B}[201~", InputDecoder.pasteEndCode)
        // Ctrl-↑/↓ as xterm and tmux send them (CSI 1;5A/B), where the
        // terminfo entry does not name them (TERM=screen inside tmux): else
        // the bytes would be typed into the prompt as "Alt-[" and "1;5A".
        for (sequence, code) in [("\u{1B}[1;5A", Self.ctrlUpCode), ("\u{1B}[1;5B", Self.ctrlDownCode)] where key_defined(sequence) == 0 {
            define_key(sequence, code)
        }
        for shifted in InputDecoder.shiftSequences where key_defined(shifted.sequence) == 0 {
            define_key(shifted.sequence, shifted.code)
        }
        if mouse {
            // The SGR report's start is read by InputDecoder, not by ncurses' own mouse code (kmous may name it).
            define_key(nil, KEY_MOUSE)
            define_key("\u{1B}[<", InputDecoder.mouseCode)
        }
        Self.writeToTerminal(Self.bracketedPasteOn + modesOn)
    }

    /// The styles' colour pairs for the theme.
    private func definePairs() {
        for style in Style.allCases {
            let (fg, bg, _) = Self.colourScheme(style, theme: theme)
            init_pair(Int16(style.rawValue) + 1, fg, bg)
        }
    }

    /// Another theme, from the config file read again (issue 19): the pairs
    /// are defined anew and the next frame is drawn whole. (Pictures keep the
    /// palette found at start: a mono start draws them in shapes still.)
    func use(_ newTheme: Theme) {
        guard newTheme != theme else { return }
        theme = newTheme
        colours = newTheme != .mono && has_colors()
        if colours, !coloursStarted {
            start_color()
            use_default_colors()
            coloursStarted = true
        }
        if colours { definePairs() }
        previous = nil
    }

    /// Written once when zqt takes the terminal, and taken back whenever it gives it up.
    private var modesOn: String { mouse ? MouseReporting.on : "" }
    private var modesOff: String { mouse ? MouseReporting.off : "" }

    var size: Size { Size(width: Int(zqt_cols()), height: Int(zqt_lines())) }

    /// A cell's size in pixels, as the terminal reports it (TIOCGWINSZ's
    /// pixel fields); 10×20 when it reports none (most do over SSH: the
    /// window size travels with its pixels since OpenSSH 8.x).
    var cellPixels: Size {
        var window = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0,
           window.ws_xpixel >= window.ws_col, window.ws_ypixel >= window.ws_row {
            return Size(width: Int(window.ws_xpixel / window.ws_col), height: Int(window.ws_ypixel / window.ws_row))
        }
        return Size(width: 10, height: 20)
    }

    /// After SIGWINCH: reads the window size from the terminal and tells ncurses.
    func resizeToWindow() -> Size {
        var window = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_row > 0, window.ws_col > 0 {
            resizeterm(Int32(window.ws_row), Int32(window.ws_col))
        }
        previous = nil
        return size
    }

    /// Leaves curses mode (before $EDITOR, on suspend and at exit).
    func suspend() {
        takeBackPictures()
        Self.writeToTerminal(Self.bracketedPasteOff + modesOff)
        def_prog_mode()
        endwin()
    }

    func resume() {
        reset_prog_mode()
        // The cursor keys' application mode (smkx) again: ncurses does not
        // resend it after endwin, and the shell's readline turned it off (issue 19).
        keypad(zqt_stdscr(), true)
        previous = nil
        clearok(zqt_stdscr(), true)
        wrefresh(zqt_stdscr())
        Self.writeToTerminal(Self.bracketedPasteOn + modesOn)
    }

    func shutdown() {
        takeBackPictures()
        Self.writeToTerminal(Self.bracketedPasteOff + modesOff)
        endwin()
    }

    /// Puts text on the clipboard of the terminal the user sits at, through
    /// OSC 52, which travels over SSH (ARCHITECTURE.md). Written between
    /// frames straight to the terminal; it draws nothing. Inside tmux this
    /// needs `set -g set-clipboard on`.
    func copyToClipboard(_ text: String) {
        Self.writeToTerminal("\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}")
    }

    /// Straight to the terminal, between frames (ncurses draws nothing of it).
    static func writeToTerminal(_ sequence: String) { writeToTerminal(Array(sequence.utf8)) }

    static func writeToTerminal(_ sequence: [UInt8]) {
        var bytes = sequence[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n > 0 { bytes = bytes.dropFirst(n) } else if n < 0, errno == EINTR { continue } else { break }
        }
    }

    // MARK: Drawing

    func draw(_ grid: Grid, full: Bool) {
        let win = zqt_stdscr()!
        let everything = full || previous?.size != grid.size
        if everything {
            previous = nil
            clearok(win, true)  // Ctrl-L and resize only: resend everything
        }
        for y in 0..<grid.size.height {
            if let previous, rowEqual(previous, grid, y) { continue }
            for x in 0..<grid.size.width {
                let cell = grid[x, y]
                guard let character = cell.character else { continue }
                // The whole cluster (e + U+0301, 👍🏽), not its first scalar alone.
                var text = character.unicodeScalars.prefix(Int(zqt_ccharw_max()) - 1).map { wchar_t(bitPattern: $0.value) }
                text.append(0)
                if cell.style == .picture, colours {
                    _ = zqt_put_picture_cell(win, Int32(y), Int32(x), text, Int32(cell.picture.foreground), Int32(cell.picture.background))
                    continue
                }
                let (attrs, pair) = look(cell.style)
                _ = zqt_put_cluster(win, Int32(y), Int32(x), text, attrs, pair)
            }
        }
        if let cursor = grid.cursor {
            setCursor(visible: true)
            wmove(win, Int32(cursor.y), Int32(cursor.x))
        } else {
            setCursor(visible: false)
        }
        wnoutrefresh(win)
        doupdate()
        previous = grid
        paintPictures(grid.placements, full: everything)
    }

    // MARK: Pictures through a pixel protocol (issue 11)

    /// How pictures in `Grid.placements` reach the terminal; nil draws none.
    var pixelOutput: PixelOutput? {
        willSet {
            guard pixelOutput?.pixelProtocol != newValue?.pixelProtocol else { return }
            // None of the old protocol's pictures may outlive its use.
            takeBackPictures()
        }
    }
    /// Inside tmux: where the pane sits on the terminal tmux runs in; asked
    /// (PictureSupport.tmuxPaneOrigin) before the first picture is placed and
    /// after a resize, never at start.
    var pictureOrigin: (x: Int, y: Int)? {
        didSet { repaintPictures = true }
    }
    private var repaintPictures = false

    /// Removes the pictures on the terminal now: kitty is told to delete its
    /// own; sixel and iTerm2 pixels are in the cells, whose rows ncurses sends
    /// again. Before leaving curses mode too: inside tmux, kitty's pictures
    /// would otherwise stay over the shell.
    private func takeBackPictures() {
        guard let output = pixelOutput, !painted.isEmpty else { return }
        if output.pixelProtocol == .kitty {
            Self.writeToTerminal(output.wrap(PixelOutput.kittyDeleteAll))
        } else {
            for rect in painted.map(\.rect) { _ = zqt_forget_rows(zqt_stdscr(), Int32(rect.y), Int32(rect.height)) }
        }
        painted = []
    }
    /// The placements on the terminal now.
    private var painted: [PicturePlacement] = []

    /// Draws the frame's pictures over their blank cells, only when they
    /// changed (an unchanged screen still costs zero bytes). The old ones go
    /// first: kitty deletes its placements; sixel and iTerm2 pixels are part
    /// of the cells, so ncurses is told those rows must be sent again.
    private func paintPictures(_ placements: [PicturePlacement], full: Bool) {
        guard let output = pixelOutput, full || repaintPictures || placements != painted else { return }
        repaintPictures = false
        let win = zqt_stdscr()!
        if output.pixelProtocol == .kitty {
            Self.writeToTerminal(output.wrap(PixelOutput.kittyDeleteAll))
        } else if !painted.isEmpty {
            for old in painted { _ = zqt_forget_rows(win, Int32(old.rect.y), Int32(old.rect.height)) }
            wnoutrefresh(win)
            doupdate()
        }
        var sent = 0
        defer {
            // A large picture's bytes are gone once written: their memory goes back too.
            if sent > 1 << 20 { PictureCache.returnFreedMemory() }
        }
        for placement in placements {
            guard let bytes = output.bytes(placement) else { continue }
            sent += bytes.count
            // Save the cursor, move to the picture's corner, draw, and put the
            // cursor back where ncurses believes it is. Inside tmux all of it
            // goes to the terminal tmux runs in, whose cursor tmux does not move
            // for a passthrough: the corner is where the pane sits there.
            let origin = output.tmuxPassthrough ? (pictureOrigin ?? (x: 0, y: 0)) : (x: 0, y: 0)
            let row = placement.rect.y + 1 + origin.y, column = placement.rect.x + 1 + origin.x
            let corner = Array("\u{1B}[\(row);\(column)H".utf8)
            if output.tmuxPassthrough {
                Self.writeToTerminal(output.wrap(bytes, each: corner))
            } else {
                Self.writeToTerminal(Array("\u{1B}7".utf8) + corner + bytes + Array("\u{1B}8".utf8))
            }
        }
        painted = placements
    }

    private func rowEqual(_ a: Grid, _ b: Grid, _ y: Int) -> Bool {
        for x in 0..<a.size.width where a[x, y] != b[x, y] { return false }
        return true
    }

    private func setCursor(visible: Bool) {
        let wanted: Int32 = visible ? 1 : 0
        if cursorVisible != wanted {
            curs_set(wanted)
            cursorVisible = wanted
        }
    }

    private func look(_ style: Style) -> (attr_t, Int16) {
        if colours {
            return (Self.colourScheme(style, theme: theme).2, Int16(style.rawValue) + 1)
        }
        return (Self.monochrome(style), 0)
    }

    /// Colours for terminals that have them: (foreground, background, attributes); -1 is the terminal's default.
    /// The light theme trades the pale foregrounds (cyan, yellow), unreadable
    /// on a white background, for the dark ones (blue, magenta).
    static func colourScheme(_ style: Style, theme: Theme = .dark) -> (Int16, Int16, attr_t) {
        let light = theme == .light
        let black = Int16(COLOR_BLACK), red = Int16(COLOR_RED), green = Int16(COLOR_GREEN)
        let blue = Int16(COLOR_BLUE), magenta = Int16(COLOR_MAGENTA)
        let yellow = light ? magenta : Int16(COLOR_YELLOW), cyan = light ? blue : Int16(COLOR_CYAN)
        switch style {
        case .normal, .value, .label, .overlay, .status: return (-1, -1, zqt_a_normal())
        case .dim: return (-1, -1, zqt_a_dim())
        case .title: return (black, cyan, zqt_a_normal())
        case .sandbox: return (black, yellow, zqt_a_bold())
        case .focusedLabel: return (cyan, -1, zqt_a_bold())
        case .editing: return (-1, -1, zqt_a_underline())
        case .invalid: return (red, -1, zqt_a_bold())
        case .border: return (blue, -1, zqt_a_normal())
        case .keyHint: return (cyan, -1, zqt_a_bold())
        case .statusError: return (red, -1, zqt_a_bold())
        case .statusOK: return (green, -1, zqt_a_bold())
        case .selection: return (black, cyan, zqt_a_normal())
        case .jsonKey: return (cyan, -1, zqt_a_normal())
        case .jsonString: return (green, -1, zqt_a_normal())
        case .jsonNumber: return (magenta, -1, zqt_a_normal())
        case .jsonLiteral: return (yellow, -1, zqt_a_normal())
        case .jsonPunctuation: return (-1, -1, zqt_a_normal())
        case .jsonHighlight: return (yellow, -1, zqt_a_bold())
        case .sliderFill: return (cyan, -1, zqt_a_normal())
        case .picture: return (-1, -1, zqt_a_normal())
        // Inside the field being edited: underlined as the rest of it.
        case .attention: return (magenta, -1, zqt_a_underline() | zqt_a_bold())
        case .network: return (green, -1, zqt_a_underline())
        case .unbalanced: return (red, -1, zqt_a_reverse() | zqt_a_bold())
        }
    }

    /// Attributes alone, for monochrome terminals (vt100).
    static func monochrome(_ style: Style) -> attr_t {
        switch style {
        case .title, .selection: return zqt_a_reverse()
        case .sandbox: return zqt_a_reverse() | zqt_a_bold()
        case .focusedLabel, .keyHint, .statusError, .jsonHighlight: return zqt_a_bold()
        case .editing, .network: return zqt_a_underline()
        case .attention: return zqt_a_bold() | zqt_a_underline()
        case .unbalanced: return zqt_a_reverse()
        case .invalid: return zqt_a_bold() | zqt_a_underline()
        case .dim: return zqt_a_dim()
        default: return zqt_a_normal()
        }
    }

    // MARK: Input

    /// Writes a question to the terminal whose answer comes back as input
    /// (`TerminalInput.report`), read as such for the next few seconds only.
    func ask(_ question: [UInt8]) {
        Self.writeToTerminal(question)
        decoder.reportsExpected = true
        reportsUntil = monotonicSeconds() + PictureQuery.answerSeconds
    }

    private var reportsUntil = 0.0

    /// Every key and paste waiting now (never blocks; at most
    /// InputDecoder.readLimit codes, so a long paste is read over several turns).
    func readInput() -> [TerminalInput] {
        if decoder.reportsExpected, monotonicSeconds() > reportsUntil { decoder.reportsExpected = false }
        var inputs: [TerminalInput] = []
        var budget = InputDecoder.readLimit
        var restReads = 0
        // Past the budget, bytes carried (a character or key the last read cut)
        // still get their rest, a byte a read: decoded without it, a Chinese
        // character cut by the 64 KB a call reads became U+FFFD in the prompt
        // and in the saved draft (draftcheck: 4 characters in a megabyte pasted
        // without bracketed paste).
        while budget > 0 || (!carried.isEmpty && restReads < Self.restReadLimit) {
            // Read the terminal straight and in large reads: ncurses reads a byte
            // per system call and polls before each (a megabyte pasted without
            // bracketed paste was two million calls and 7.9 s, issue 18). Bytes
            // carried from the last read (a key it cut, a lone ESC) wait
            // ESCDELAY for their rest, as ncurses waits; a character's first
            // bytes wait for the next call if theirs is not here yet.
            let keyCarried = !carried.isEmpty && Self.unfinishedUTF8(carried) < carried.count
            guard Self.stdinReadable(waiting: keyCarried ? Self.restWait : 0) else { break }
            // The carried bytes and the read together are at most what the
            // decoder takes in one call (InputDecoder.readLimit codes), so it
            // never stops inside a character.
            let size = budget > 0 ? Self.blockSize - carried.count : 1
            if budget <= 0 { restReads += 1 }
            let n = readBuffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, min(size, $0.count)) }
            guard n > 0, n <= readBuffer.count else { break }
            budget -= n
            let block = carried + readBuffer[..<n]
            carried = []
            inputs += take(block, final: false)
        }
        // What was carried and whose rest did not come: the bytes as they are (a
        // lone ESC is Esc). A character's first bytes are kept for the next call
        // instead: a terminal sends characters whole, so their rest is on its way
        // (tmux writes a long paste in pieces, a loaded machine can take more
        // than ESCDELAY between them); a byte that does not continue it makes it
        // U+FFFD then, as the decoder reads invalid UTF-8.
        if !carried.isEmpty, Self.unfinishedUTF8(carried) < carried.count {
            let rest = carried
            carried = []
            inputs += take(rest, final: true)
        }
        // A code ncurses queued itself (KEY_RESIZE after a resize) is read too,
        // but wgetch also reads the terminal when its queue is empty: only once
        // nothing waits there and nothing is carried, and a few codes at most,
        // never stopping inside a character. Called with a paste still coming
        // (the budget spent), wgetch read the next 64 KB a byte at a time and
        // the decoder's limit cut a character in two: U+FFFD in the prompt and
        // in the saved draft every 130 KB or so of a paste without bracketed
        // paste (draftcheck), and a character carried would have had its rest
        // read before it.
        if !decoder.insidePaste, carried.isEmpty, !Self.stdinReadable() {
            let win = zqt_stdscr()
            var given = 0, owed = 0
            inputs += decoder.decode {
                guard given < Self.queuedLimit || owed > 0 else { return nil }
                let code = wgetch(win)
                guard code != ERR else { return nil }
                given += 1
                owed = Self.continuationsOwed(after: code, owed: owed)
                return code
            }
        }
        return inputs
    }

    /// The inputs in bytes read from the terminal: a paste's bytes gathered,
    /// keys named; what may still become a character or key is carried to the
    /// next read, unless `final`.
    private func take(_ bytes: [UInt8], final: Bool) -> [TerminalInput] {
        var inputs: [TerminalInput] = []
        var block = bytes
        while !block.isEmpty {
            if decoder.insidePaste {
                let (paste, after) = decoder.feedPaste(block)
                if let paste { inputs.append(.paste(paste)) }
                block = after
                continue
            }
            // A character cut by the read is decoded with its rest, from the next one.
            let cut = final ? 0 : Self.unfinishedUTF8(block)
            let tail = Array(block.suffix(cut))
            let (decoded, unread) = decodeBlock(Array(block.dropLast(cut)), final: final)
            inputs += decoded
            if decoder.insidePaste {
                block = unread + tail  // the paste's first bytes, after its start mark
            } else {
                block = []
                carried = unread + tail  // the block ended inside what may be a key
            }
        }
        return inputs
    }

    /// Where reads of the terminal land: one buffer, zeroed once. A new one
    /// a read zeroed 64 KB each time although a read brings about 4 KB (the
    /// pty's turn), a `memset` high in a paste's profile (issue 18).
    private var readBuffer = [UInt8](repeating: 0, count: CursesTerminal.blockSize)
    /// Bytes read but not decoded yet: the start of a character or key the read cut.
    private var carried: [UInt8] = []
    /// How long carried bytes wait for their rest (ms; ncurses' ESCDELAY, set above).
    static let restWait: Int32 = 25
    /// Codes read from ncurses' own queue a call (it holds a KEY_RESIZE or two).
    static let queuedLimit = 16

    /// Bytes of a UTF-8 character still to come after `code` (a byte, or a key's code).
    static func continuationsOwed(after code: Int32, owed: Int) -> Int {
        switch code {
        case 0xC0...0xDF: return 1
        case 0xE0...0xEF: return 2
        case 0xF0...0xF7: return 3
        case 0x80...0xBF: return max(0, owed - 1)
        default: return 0
        }
    }

    /// Reads of a byte at most, past a call's budget, for the rest of what was carried
    /// (longer than any key sequence or character).
    static let restReadLimit = 32

    /// How many bytes at the end of `bytes` begin a UTF-8 character whose rest is missing.
    /// Those wait for their rest however late it comes: a terminal never sends half a
    /// character, and under load a paste's next read came after ESCDELAY, so the cut
    /// character was decoded alone as U+FFFD and saved so (newcomer at 854029d: 灯 → ��).
    static func unfinishedUTF8(_ bytes: [UInt8]) -> Int {
        for back in stride(from: 1, through: min(3, bytes.count), by: 1) {  // none for no bytes (1...0 would trap)
            let byte = bytes[bytes.count - back]
            if byte & 0xC0 == 0x80 { continue }  // a continuation byte: look further back
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            return length > back ? back : 0
        }
        return 0
    }

    /// Bytes in one read of the terminal.
    static let blockSize = 1 << 16
    /// The keys in a block zqt read itself, named with ncurses' own table;
    /// `unread` is what follows a paste's start mark, or an unfinished key at the end.
    private func decodeBlock(_ block: [UInt8], final: Bool) -> (inputs: [TerminalInput], unread: [UInt8]) {
        let sequences = keySequences
        var position = 0
        var unfinished = false
        let inputs = decoder.decode {
            guard position < block.count, !unfinished else { return nil }
            switch sequences.match(block, at: position, final: final) {
            case let .code(code, length):
                position += length
                return code
            case .unfinished:
                unfinished = true
                return nil
            }
        }
        return (inputs, Array(block[position...]))
    }

    /// ncurses' key table (terminfo's keys, the extended ones such as kLFT5
    /// after KEY_MAX, and zqt's define_key codes), read once, at the first long read.
    private lazy var keySequences: KeySequences = {
        var bindings: [(bytes: [UInt8], code: Int32)] = []
        let codes = Array(KEY_MIN...(KEY_MAX + 1024)) + Array(Int32(0x7000)...Int32(0x7100))
        for code in codes {
            var index: Int32 = 0
            while index < 8, let pointer = keybound(code, index) {
                bindings.append((Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self),
                                                           count: strlen(pointer))), code))
                free(pointer)
                index += 1
            }
        }
        return KeySequences(bindings)
    }()

    private static func stdinReadable(waiting milliseconds: Int32 = 0) -> Bool {
        var fd = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, milliseconds) > 0 && fd.revents & Int16(POLLIN) != 0
    }

    /// Ends a paste whose end mark has not come: its text as it stands.
    func endPaste() -> String? { decoder.endPaste() }

    /// Inside a bracketed paste whose end has not arrived.
    var readingPaste: Bool { decoder.insidePaste }

    /// Key codes given to CSI 1;5A and 1;5B when terminfo names neither (above KEY_MAX, after the paste's).
    static let ctrlUpCode: Int32 = 0x7010
    static let ctrlDownCode: Int32 = 0x7011

    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_DC: return .delete
        case KEY_BACKSPACE: return .backspace
        case KEY_ENTER: return .enter
        case KEY_SLEFT: return .shiftLeft
        case KEY_SRIGHT: return .shiftRight
        case KEY_SHOME: return .shiftHome
        case KEY_SEND: return .shiftEnd
        case KEY_SR: return .shiftUp
        case KEY_SF: return .shiftDown
        case zqt_key_btab(): return .backTab
        case zqt_key_resize(): return .resize
        case ctrlUpCode: return .ctrlUp
        case ctrlDownCode: return .ctrlDown
        default:
            if code >= zqt_key_f(1), code <= zqt_key_f(12) { return .function(Int(code - zqt_key_f(0))) }
            // Extended keys are named by terminfo (xterm: kLFT5 is Ctrl-Left).
            guard let name = keyname(code).map({ String(cString: $0) }) else { return nil }
            switch name {
            case "kLFT5": return .ctrlLeft
            case "kRIT5": return .ctrlRight
            case "kLFT6": return .ctrlShiftLeft
            case "kRIT6": return .ctrlShiftRight
            case "kUP5": return .ctrlUp
            case "kDN5": return .ctrlDown
            case "kUP2": return .shiftUp
            case "kDN2": return .shiftDown
            case "kHOM5": return .ctrlHome
            case "kEND5": return .ctrlEnd
            default: return nil
            }
        }
    }
}
