// Turns what ncurses' wgetch hands over (bytes, and key codes for the
// sequences terminfo names) into keys and pastes. Pure: tests feed it codes.
//
// Bytes, not wget_wch: zqt decodes UTF-8 itself so invalid bytes become
// U+FFFD and the rest of the input is kept (issue 8). A bracketed paste
// (ESC[200~ … ESC[201~, defined as two key codes) is gathered whole into one
// `.paste`, however many reads it takes: a paste is text, never commands.

enum TerminalInput: Equatable, Sendable {
    case key(Key)
    /// Printable characters typed in a row (never a control character): a
    /// paste without bracketed paste arrives as typing, and as a key per
    /// character it was a megabyte of `Key`s held at once (53 MB, issue 18).
    case text(String)
    case paste(String)
    /// The terminal's answer to a question zqt asked (PictureQuery), never a key.
    case report(TerminalReport)
    /// A click or a turn of the wheel (issue 19), reported in SGR form.
    case mouse(MouseEvent)
}

/// What a terminal answers about pictures (issue 11).
enum TerminalReport: Equatable, Sendable {
    /// kitty's graphics query (`ESC _ G i=31 … ESC \`): whether it took the test image.
    case kittyGraphics(ok: Bool)
    /// Primary device attributes (`ESC [ ? 62 ; 4 ; … c`): 4 means sixel.
    case deviceAttributes([Int])
}

struct InputDecoder {
    /// Key codes given to ESC[200~ and ESC[201~ with define_key (above KEY_MAX).
    static let pasteStartCode: Int32 = 0x7000
    static let pasteEndCode: Int32 = 0x7001
    /// Key code given to ESC[< with define_key: an SGR mouse report's start (issue 19).
    static let mouseCode: Int32 = 0x7002
    /// Shift with the arrows, Home and End as xterm and tmux send them
    /// (CSI 1;2 D/C/H/F, the modifier 2 being Shift). A terminfo entry that
    /// has them (xterm's kLFT, kRIT, kHOM, kEND) makes ncurses give
    /// KEY_SLEFT, KEY_SRIGHT, KEY_SHOME, KEY_SEND; one that lacks them
    /// (TERM=screen, tmux's default inside it) would hand over the bytes,
    /// typed into the prompt as "Alt-[" and "1;2D". Where terminfo names
    /// none, these sequences are given these codes (define_key, above
    /// KEY_MAX, after the paste's and Ctrl-↑/↓'s) and read back as the keys.
    static let shiftSequences: [(sequence: String, code: Int32, key: Key)] = [
        ("\u{1B}[1;2D", 0x7020, .shiftLeft),
        ("\u{1B}[1;2C", 0x7021, .shiftRight),
        ("\u{1B}[1;2H", 0x7022, .shiftHome),
        ("\u{1B}[1;2F", 0x7023, .shiftEnd),
        // Ctrl-Shift-←/→ (modifier 6; xterm's kLFT6, kRIT6): select by word.
        ("\u{1B}[1;6D", 0x7024, .ctrlShiftLeft),
        ("\u{1B}[1;6C", 0x7025, .ctrlShiftRight),
        // Ctrl-Home/End (modifier 5; xterm's kHOM5, kEND5): the whole text's start and end.
        ("\u{1B}[1;5H", 0x7026, .ctrlHome),
        ("\u{1B}[1;5F", 0x7027, .ctrlEnd),
        // Home and End as the other terminals send them: tmux and screen (CSI 1~ / 4~),
        // rxvt (CSI 7~ / 8~), xterm in either cursor mode (CSI H / F, SS3 H / F). A TERM that
        // names other bytes (TERM=xterm-256color inside tmux is common) would else read
        // tmux's Home as "Alt-[" and "1~" typed into the text.
        ("\u{1B}[1~", 0x7028, .home),
        ("\u{1B}[4~", 0x7029, .end),
        ("\u{1B}[7~", 0x702A, .home),
        ("\u{1B}[8~", 0x702B, .end),
        ("\u{1B}[H", 0x702C, .home),
        ("\u{1B}[F", 0x702D, .end),
        ("\u{1B}OH", 0x702E, .home),
        ("\u{1B}OF", 0x702F, .end),
    ]
    private static let shiftKeys = Dictionary(uniqueKeysWithValues: shiftSequences.map { ($0.code, $0.key) })
    /// An SGR mouse report is short (`0;9999;9999M`): longer is not one.
    static let mouseLimit = 24
    /// At most this many codes are read per call, so a long paste still
    /// lets the loop answer signals and draw between reads.
    static let readLimit = 1 << 16

    /// Bytes of a bracketed paste whose end has not arrived yet.
    private(set) var pasteBytes: [UInt8]?
    /// While zqt waits for the terminal's answer to its picture query, ESC _
    /// and ESC [ ? begin a report, not Alt-_ or Alt-[: only then, so a key
    /// typed at any other time is never taken for one.
    var reportsExpected = false
    /// The start of a report that arrived without its end: read again, whole,
    /// when the rest comes (a slow link splits answers across reads).
    private var partialReport: [Int32] = []
    private var pushedBack: Int32?
    /// Names the codes ncurses gives function keys (≥ 256).
    let functionKey: (Int32) -> Key?

    init(functionKey: @escaping (Int32) -> Key?) {
        self.functionKey = functionKey
    }

    var insidePaste: Bool { pasteBytes != nil }

    /// Everything `next` has now (nil: nothing more waiting), up to `readLimit` codes.
    mutating func decode(_ next: () -> Int32?) -> [TerminalInput] {
        var out: [TerminalInput] = []
        var budget = Self.readLimit
        var pushedBack = self.pushedBack
        var replay = partialReport[...]
        partialReport = []
        // The bytes of printable characters in a row, decoded as one String when
        // anything else comes: invalid UTF-8 in them becomes U+FFFD as it did a
        // character at a time (a sequence broken by another byte ends the run).
        var run: [UInt8] = []
        func endRun() {
            guard !run.isEmpty else { return }
            out.append(.text(String(decoding: run, as: UTF8.self)))
            run.removeAll(keepingCapacity: true)
        }
        defer { self.pushedBack = pushedBack }
        func take() -> Int32? {
            if let code = replay.popFirst() { return code }
            if let code = pushedBack { pushedBack = nil; return code }
            guard budget > 0 else { return nil }
            budget -= 1
            return next()
        }
        while let code = take() {
            if code >= 32, code < 256, code != 127, pasteBytes == nil {
                run.append(UInt8(code))
                continue
            }
            endRun()
            if pasteBytes != nil {
                if code == Self.pasteEndCode {
                    out.append(.paste(String(decoding: pasteBytes!, as: UTF8.self)))
                    pasteBytes = nil
                } else if code >= 0, code < 256 {
                    pasteBytes!.append(UInt8(code))
                }
                // A key sequence inside pasted text (ESC[A) is not text: dropped.
                continue
            }
            if code == Self.pasteStartCode {
                // The caller may read the rest of the paste itself, in large reads (`feedPaste`).
                pasteBytes = []
                break
            }
            if code == Self.pasteEndCode { continue }
            if code == Self.mouseCode {
                switch Self.mouseReport(take, pushBack: { pushedBack = $0 }) {
                case let .read(event):
                    if let event { out.append(.mouse(event)) }
                case let .incomplete(codes):
                    partialReport = [Self.mouseCode] + codes
                    return out
                }
                continue
            }
            if code >= 256 {
                if let key = Self.shiftKeys[code] ?? functionKey(code) { out.append(.key(key)) }
                continue
            }
            if code < 0 { continue }
            let byte = UInt8(code)
            switch byte {
            case 27 where reportsExpected:
                switch Self.report(take, pushBack: { pushedBack = $0 }) {
                case .notReport:
                    break  // an Esc key, or Alt with a key: read below as always
                case let .read(found):
                    if case let .report(report)? = found, case .deviceAttributes = report { reportsExpected = false }  // always the last answer
                    if let found { out.append(found) }
                    continue
                case let .incomplete(codes):
                    partialReport = codes
                    return out
                }
                fallthrough
            case 27:
                // Esc followed at once by a character is Alt plus that character.
                if let next = take() {
                    if next >= 32, next < 127 {
                        out.append(.key(.alt(Character(Unicode.Scalar(UInt8(next))))))
                        continue
                    }
                    pushedBack = next
                }
                out.append(.key(.escape))
            case 13: out.append(.key(.enter))
            case 9: out.append(.key(.tab))
            case 127, 8: out.append(.key(.backspace))
            case 1...26: out.append(.key(.ctrl(Character(Unicode.Scalar(byte + 96)))))
            default: continue  // other C0 controls: nothing (printable bytes went into the run above)
            }
        }
        endRun()
        return out
    }

    /// After an ESC while reports are expected: a report (.report), the key
    /// the bytes were after all (.key), or nil when the ESC starts neither
    /// (the next code is pushed back). Reports are bounded: a terminal that
    /// never ends one costs at most `reportLimit` codes.
    static let reportLimit = 512

    enum ReportRead: Equatable {
        /// Not the start of a report: the ESC is read as it always is (the next code pushed back).
        case notReport
        /// A report, or the key the codes were after all, or nothing (a report zqt does not read).
        case read(TerminalInput?)
        /// A report whose end has not arrived: these codes, ESC first, are read again with the rest.
        case incomplete([Int32])
    }

    private static func report(_ take: () -> Int32?, pushBack: (Int32) -> Void) -> ReportRead {
        guard let first = take() else { return .notReport }
        var seen: [Int32] = [27, first]
        func next() -> Int32? {
            guard let code = take() else { return nil }
            seen.append(code)
            return code
        }
        switch first {
        case 0x5F:  // _ : an APC string, up to ESC \ (or BEL)
            var body: [UInt8] = []
            while body.count < reportLimit {
                guard let code = next() else { return .incomplete(seen) }
                if code == 0x07 { break }
                if code == 27 {
                    guard next() != nil else { return .incomplete(seen) }  // the \ of the string terminator
                    break
                }
                // A key (ncurses' code for one) is not part of an answer: it is read as a key.
                if code >= 256 {
                    pushBack(code)
                    return .read(nil)
                }
                if code >= 0 { body.append(UInt8(code)) }
            }
            let text = String(decoding: body, as: UTF8.self)
            guard text.hasPrefix("G") else { return .read(nil) }  // an APC that is not kitty's: dropped
            return .read(.report(.kittyGraphics(ok: text.contains(";OK"))))
        case 0x5B:  // [ : a report only as ESC [ ?
            guard let second = next() else { return .incomplete(seen) }
            guard second == 0x3F else {
                pushBack(second)
                return .read(.key(.alt("[")))
            }
            var parameters: [Int] = [], number = 0, digits = 0
            while seen.count < reportLimit {
                guard let code = next() else { return .incomplete(seen) }
                if code >= 0x30, code <= 0x39 {
                    number = min(number * 10 + Int(code - 0x30), 1 << 20)
                    digits += 1
                } else if code == 0x3B {
                    parameters.append(number)
                    number = 0
                    digits = 0
                } else if code >= 256 {
                    pushBack(code)
                    return .read(nil)
                } else {
                    if digits > 0 { parameters.append(number) }
                    // Only a DA1 answer ends in c; another report is dropped whole.
                    return .read(code == 0x63 ? .report(.deviceAttributes(parameters)) : nil)
                }
            }
            return .read(nil)
        default:
            pushBack(first)
            return .notReport
        }
    }

    enum MouseRead: Equatable {
        /// The event, or nil for a malformed report (dropped whole).
        case read(MouseEvent?)
        /// The report's end has not arrived: these codes (after ESC[<) are read again with the rest.
        case incomplete([Int32])
    }

    /// The rest of an SGR mouse report after ESC[<: `button ; column ; row`
    /// then M or m. Anything else ends it and it is dropped; a key code
    /// (≥ 256) inside is read as the key; at most `mouseLimit` codes are read.
    static func mouseReport(_ take: () -> Int32?, pushBack: (Int32) -> Void) -> MouseRead {
        var seen: [Int32] = []
        var numbers: [Int] = [], number = 0, digits = 0
        while seen.count < mouseLimit {
            guard let code = take() else { return .incomplete(seen) }
            seen.append(code)
            switch code {
            case 0x30...0x39:
                number = min(number * 10 + Int(code - 0x30), 1 << 20)
                digits += 1
            case 0x3B:
                guard digits > 0, numbers.count < 2 else { return .read(nil) }
                numbers.append(number)
                number = 0
                digits = 0
            case 0x4D, 0x6D:
                guard digits > 0, numbers.count == 2 else { return .read(nil) }
                return .read(MouseEvent.sgr(numbers[0], column: numbers[1], row: number, final: UInt8(code)))
            default:
                if code >= 256 || code < 0 || code == 27 { pushBack(code) }  // a key, or the start of the next sequence
                return .read(nil)
            }
        }
        return .read(nil)
    }

    static let pasteEnd: [UInt8] = Array("\u{1B}[201~".utf8)

    /// A paste cut off before its end mark: what arrived, as text.
    mutating func endPaste() -> String? {
        guard let bytes = pasteBytes else { return nil }
        pasteBytes = nil
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Bytes of a paste read straight from the terminal. Returns the paste
    /// once its end arrives, and the bytes that came after the end.
    mutating func feedPaste(_ bytes: [UInt8]) -> (paste: String?, after: [UInt8]) {
        guard var gathered = pasteBytes else { return (nil, bytes) }
        pasteBytes = nil  // no copy while appending
        let searchFrom = max(0, gathered.count - (Self.pasteEnd.count - 1))
        gathered.append(contentsOf: bytes)
        var i = searchFrom
        while let escape = gathered[i...].firstIndex(of: 0x1B) {
            if gathered[escape...].starts(with: Self.pasteEnd) {
                let after = Array(gathered[(escape + Self.pasteEnd.count)...])
                return (String(decoding: gathered[..<escape], as: UTF8.self), after)
            }
            i = escape + 1
        }
        pasteBytes = gathered
        return (nil, [])
    }
}

/// Pasted text made safe to insert: a paste is text, never commands.
enum PastedText {
    /// Line breaks (CR LF, CR, LF) become "\n" and tabs stay in a multi-line
    /// field; in a one-line field both become spaces. Every other control
    /// character (C0, DEL, C1: ESC and what follows it, Ctrl-S…) is dropped.
    static func clean(_ text: String, multiline: Bool) -> String {
        var out = String.UnicodeScalarView()
        out.reserveCapacity(text.utf8.count)
        var previousCR = false
        for scalar in text.unicodeScalars {
            let wasCR = previousCR
            previousCR = scalar == "\r"
            switch scalar.value {
            case 0x0D:
                out.append(multiline ? "\n" : " ")
            case 0x0A:
                if !wasCR { out.append(multiline ? "\n" : " ") }
            case 0x09:
                out.append(multiline ? "\t" : " ")
            case 0x00..<0x20, 0x7F, 0x80..<0xA0:
                continue
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }
}
