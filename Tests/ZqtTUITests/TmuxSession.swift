import Foundation
import Model
import TestScratch

/// The real zqt binary in a detached tmux pane: send keys, read the screen,
/// wait for what should appear (never a fixed sleep). A command whose end the
/// test reads (an exit status, stty) ends with `sleep infinity`: the pane
/// stays until the session is killed in deinit, not for a guessed time.
final class TmuxSession {
    let name: String

    init(command: String, width: Int, height: Int) throws {
        name = "zqt-test-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        // new-session may start the tmux server, a daemon: its output goes nowhere.
        try Self.tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), command], capture: false)
        // A server whose last session ends exits, and a session started at that
        // moment can go down with it (a test that quits zqt and starts it again).
        try Self.tmux(["set-option", "-s", "exit-empty", "off"], capture: false)
    }

    /// The session ended, and its processes waited for (a while): a zqt
    /// still saving its draft as it ends would otherwise write into a folder
    /// the test is removing, and make it again.
    deinit {
        let processes = (try? panePID()).map { [$0] + Self.descendants(of: $0) } ?? []
        _ = try? Self.tmux(["kill-session", "-t", name], capture: false)
        let deadline = Date().addingTimeInterval(10)
        while processes.contains(where: { kill($0, 0) == 0 }) && Date() < deadline { usleep(10_000) }
    }

    /// Every process below `pid` (its children, theirs, ...), from /proc.
    static func descendants(of pid: Int32) -> [Int32] {
        var children: [Int32: [Int32]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let process = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After the name in parentheses: the state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { children[parent, default: []].append(process) }
        }
        var found: [Int32] = []
        var next = children[pid] ?? []
        while let process = next.popLast() {
            found.append(process)
            next += children[process] ?? []
        }
        return found
    }

    /// The process running in the pane (the shell or zqt itself).
    func panePID() throws -> Int32 {
        Int32(try Self.tmux(["display-message", "-p", "-t", name, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    /// The tests' own tmux server, one per test process: the developer's
    /// sessions and options are never touched, nor another run's. Its socket
    /// is in the temporary folder (TMUX_TMPDIR), and the server (which stays
    /// up with no session, exit-empty off) is ended as the process exits, so
    /// a run leaves neither behind.
    static let socket: String = {
        atexit { TmuxSession.endServer() }
        return "zqt-tests-\(getpid())"
    }()

    /// tmux's folder of sockets in the temporary folder: tmux-UID.
    static var socketFolder: String { Scratch.root + "/tmux-\(getuid())" }

    @discardableResult
    static func tmux(_ arguments: [String], capture: Bool = true) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["TMUX_TMPDIR"] = Scratch.root
        return try ChildProcess.run("/usr/bin/tmux", ["-L", socket] + arguments, environment: environment,
                                    captureOutput: capture, timeout: 60).stdout
    }

    /// Ends this process's server; its socket goes with it, and tmux's folder
    /// when no other server has a socket there.
    static func endServer() {
        _ = try? tmux(["kill-server"], capture: false)
        unlink(socketFolder + "/" + socket)
        rmdir(socketFolder)
    }

    /// tmux key names (Enter, Escape, F5, Down) or, with literal, text as typed.
    func send(_ keys: String..., literal: Bool = false) throws {
        try Self.tmux(["send-keys", "-t", name] + (literal ? ["-l"] : []) + keys)
    }

    func screen() throws -> String { try Self.tmux(["capture-pane", "-p", "-t", name]) }

    /// The screen with its colours and attributes as escape sequences.
    func screenWithColours() throws -> String { try Self.tmux(["capture-pane", "-p", "-e", "-t", name]) }

    /// Waits until the screen satisfies `condition`; returns that screen.
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 30, _ condition: (String) -> Bool) throws -> String {
        var last = ""
        try waitUntil(what, timeout: timeout, detail: { "screen was:\n\(last)" }) {
            last = try screen()
            return condition(last)
        }
        return last
    }

    /// Waits for `text`, then for the frame that shows it to be drawn whole:
    /// under load tmux can be captured mid-frame (a box's title before its
    /// body, CI at 642bfdf), and callers read the rest of the screen returned.
    /// Settled is two captures alike; a screen that keeps changing (a task's
    /// progress) gives its last capture still holding `text` after a few tries.
    @discardableResult
    func waitFor(text: String, timeout: TimeInterval = 30) throws -> String {
        var shown = try waitFor("\"\(text)\"", timeout: timeout) { $0.contains(text) }
        for _ in 0..<8 {
            let again = try screen()
            guard again.contains(text) else { break }
            if again == shown { break }
            shown = again
        }
        return shown
    }

    struct WaitError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
