// How this terminal is shown pictures (issue 11): a pixel protocol (kitty,
// iTerm2, sixel), Unicode block symbols in the terminal's colours (what works
// everywhere with a UTF-8 locale), or none. Chosen at start from the
// environment alone, without loading any image library (the first frame
// stays as fast as before); `--images`, ZQT_IMAGES or the config file's
// `images` force a mode.

import Images
import Model
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

enum PictureMode: Equatable, Sendable {
    case pixels(PixelProtocol)
    case symbols(ColourDepth)
    /// No pictures: the pane names the local copy instead, and says why.
    case off(reason: String)

    var pixelProtocol: PixelProtocol? {
        if case let .pixels(used) = self { return used }
        return nil
    }

    var isOff: Bool {
        if case .off = self { return true }
        return false
    }
}

enum PictureSupport {
    /// The mode for a terminal: `paletteSize` is the number of colours
    /// ncurses found (0 without colours or with NO_COLOR), `utf8` whether
    /// the locale's characters are UTF-8 (block symbols need it).
    static func decide(_ setting: PictureSetting, environment: [String: String], paletteSize: Int, utf8: Bool) -> PictureMode {
        let term = environment["TERM"] ?? ""
        let symbols = PictureMode.symbols(depth(paletteSize))
        switch setting {
        case .off: return .off(reason: Wording.picturesOff)
        case .kitty: return .pixels(.kitty)
        case .iterm2: return .pixels(.iterm2)
        case .sixel: return .pixels(.sixel)
        case .symbols: return utf8 ? symbols : .off(reason: Wording.picturesNeedUTF8)
        case .auto: break
        }
        if term.isEmpty || term == "dumb" { return .off(reason: Wording.picturesDumbTerminal) }
        guard utf8 else { return .off(reason: Wording.picturesNeedUTF8) }
        // Inside tmux (and screen) a protocol passes only when tmux lets it
        // (allow-passthrough), which zqt asks tmux on the first picture.
        if environment["TMUX"] != nil || term.hasPrefix("screen") || term.hasPrefix("tmux") { return symbols }
        return guessedProtocol(environment).map { .pixels($0) } ?? symbols
    }

    /// What the environment says of the terminal; over SSH only TERM (and
    /// LC_TERMINAL, which iTerm2 sends with the locale) usually arrive.
    static func guessedProtocol(_ environment: [String: String]) -> PixelProtocol? {
        let term = environment["TERM"] ?? "", program = environment["TERM_PROGRAM"] ?? ""
        if environment["KITTY_WINDOW_ID"] != nil || term == "xterm-kitty" || term == "xterm-ghostty" || program == "ghostty" {
            return .kitty
        }
        if program == "iTerm.app" || environment["LC_TERMINAL"] == "iTerm2" || program == "WezTerm" { return .iterm2 }
        if term.hasPrefix("foot") || term.hasPrefix("mlterm") || term.hasPrefix("contour") || term.contains("sixel") { return .sixel }
        return nil
    }

    /// Whether the user's locale speaks UTF-8 (LC_ALL, else LC_CTYPE, else LANG).
    static func localeIsUTF8(_ environment: [String: String]) -> Bool {
        let locale = [environment["LC_ALL"], environment["LC_CTYPE"], environment["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let lowered = locale.lowercased()
        return lowered.contains("utf-8") || lowered.contains("utf8")
    }

    /// On the first picture inside tmux, for an auto mode: kitty's pictures
    /// when tmux passes sequences on (`set -g allow-passthrough on`) and the
    /// terminal tmux runs in is kitty (by its name, else chafa's terminal
    /// database). Only kitty's pictures can be taken back inside tmux (its
    /// delete): sixel and iTerm2 pixels stay in the outer cells, which tmux
    /// never redraws for zqt. nil keeps the symbols.
    static func detectThroughTmux(_ environment: [String: String]) -> PictureMode? {
        let passthrough = tmux(["show-options", "-gv", "allow-passthrough"])
        guard passthrough == "on" || passthrough == "all" else { return nil }
        guard let client = tmux(["display-message", "-p", "#{client_termname}"]), !client.isEmpty else { return nil }
        var outer = environment
        outer["TERM"] = client
        outer["TERM_PROGRAM"] = tmux(["display-message", "-p", "#{client_termtype}"]).flatMap { $0.isEmpty ? nil : $0 }
        outer["TMUX"] = nil
        let kitty = guessedProtocol(outer) == .kitty || TerminalArt.detect(environment: outer).contains(.kitty)
        return kitty ? .pixels(.kitty) : nil
    }

    /// Where this tmux pane's top left cell is on the terminal tmux runs in:
    /// one question to tmux, with the session's own status line (`status` is
    /// off, on or its number of lines; at the top it moves every pane down).
    static func tmuxPaneOrigin() -> (x: Int, y: Int) {
        guard let answer = tmux(["display-message", "-p", "#{pane_left} #{pane_top} #{status} #{status-position}"]) else { return (0, 0) }
        let words = answer.split(separator: " ").map(String.init)
        guard words.count == 4, let left = Int(words[0]), let top = Int(words[1]),
              (0...10_000).contains(left), (0...10_000).contains(top) else { return (0, 0) }
        let statusLines = words[2] == "on" ? 1 : min(max(Int(words[2]) ?? 0, 0), 5)
        return (left, top + (words[3] == "top" ? statusLines : 0))
    }

    /// One tmux query's answer, trimmed; nil when tmux did not answer.
    private static func tmux(_ arguments: [String]) -> String? {
        guard let output = try? ChildProcess.run("/usr/bin/env", ["tmux"] + arguments, timeout: 2, outputLimit: 4096),
              output.status == 0 else { return nil }
        return output.stdout.trimmed
    }

    static func depth(_ paletteSize: Int) -> ColourDepth {
        switch paletteSize {
        case 256...: return .palette240
        case 16...: return .palette16
        case 8...: return .palette8
        default: return .monochrome
        }
    }
}

/// What the terminal layer needs to send pictures through a protocol.
struct PixelOutput {
    let pixelProtocol: PixelProtocol
    /// Inside tmux: each sequence wrapped for tmux to pass on (allow-passthrough on).
    let tmuxPassthrough: Bool
    /// The bytes for one placement; nil draws nothing there.
    let bytes: (PicturePlacement) -> [UInt8]?

    /// kitty: delete every placement zqt made (and free their data).
    static let kittyDeleteAll = Array("\u{1B}_Ga=d,d=A\u{1B}\\".utf8)

    /// tmux's passthrough framing: `ESC P tmux;` then the sequence with each
    /// ESC doubled, then `ESC \`. Each of chafa's sequences (a kitty picture
    /// comes in many chunks, each ending in `ESC \`) is wrapped on its own, so
    /// none passes tmux's bound on one passthrough string.
    ///
    /// `each` goes first in every wrapped string: tmux puts its own cursor back
    /// after each passthrough, and kitty places a picture where the cursor is
    /// when its last chunk arrives, so the cursor is moved again in each one.
    func wrap(_ sequence: [UInt8], each: [UInt8] = []) -> [UInt8] {
        guard tmuxPassthrough else { return each + sequence }
        var out: [UInt8] = []
        out.reserveCapacity(sequence.count + sequence.count / 8 + 16)
        var start = 0
        var index = 0
        func flush(through end: Int) {
            guard end > start else { return }
            out += Array("\u{1B}Ptmux;".utf8)
            for byte in each + sequence[start..<end] {
                if byte == 0x1B { out.append(0x1B) }
                out.append(byte)
            }
            out += Array("\u{1B}\\".utf8)
            start = end
        }
        while index < sequence.count {
            // The end of one sequence: ESC \ (string terminator).
            if sequence[index] == 0x1B, index + 1 < sequence.count, sequence[index + 1] == 0x5C {
                flush(through: index + 2)
                index += 2
                continue
            }
            index += 1
        }
        flush(through: sequence.count)
        return out
    }
}

/// Asking the terminal what it draws (issue 11), once, on the first picture:
/// kitty's graphics query (a 1×1 test image, `a=q`: checked, never shown),
/// then primary device attributes (DA1), which every terminal answers and
/// whose attribute 4 is sixel. A terminal that does not know the first
/// ignores it (an APC string); DA1's answer is the sign all answers are in.
enum PictureQuery {
    static let question = Array("\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\\u{1B}[c".utf8)
    /// Answers are read as such until DA1's comes, or this long after asking
    /// (over a slow SSH link they take a round trip or several).
    static let answerSeconds = 30.0

    /// The Linux console and the VT100 family do not know APC strings and
    /// may show the question as text: they are not asked.
    /// GNU screen takes an APC string for its status line: not asked either.
    static func isSafe(term: String, environment: [String: String] = [:]) -> Bool {
        !(term.hasPrefix("linux") || term.hasPrefix("vt") || term.hasPrefix("cons") || term == "dumb"
            || term.hasPrefix("screen") || environment["STY"] != nil)
    }

    struct Answers {
        private var kitty: Bool?
        private var attributes: [Int]?
        private var concluded = false

        mutating func take(_ report: TerminalReport) {
            switch report {
            case let .kittyGraphics(ok): kitty = ok
            case let .deviceAttributes(list): attributes = list
            }
        }

        /// Once DA1 has answered: the protocol the answers name, if any (once).
        mutating func conclusion() -> PictureMode? {
            guard !concluded, let attributes else { return nil }
            concluded = true
            if kitty == true { return .pixels(.kitty) }
            if attributes.dropFirst().contains(4) { return .pixels(.sixel) }
            return nil
        }
    }
}
