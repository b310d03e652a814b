// Starting other programs ($EDITOR; tmux, curl and zqt itself in the tests)
// with posix_spawn and waitpid.
//
// Why not Foundation.Process: on Linux it learns that a child ended when a
// socket it hands the child is closed, so a child that leaves a daemon behind
// (tmux starting its server, an editor forking a helper) is never seen to end
// and waitUntilExit hangs for ever (swift-corelibs-foundation#4795). waitpid
// has no such blind spot. Every descriptor above stderr is closed in the
// child, so nothing of ours (sockets, pipes) outlives us in a daemon.

import CSystem
#if canImport(Glibc)
import Glibc
#endif

public struct ChildProcess {
    public struct Output: Sendable {
        /// The exit status, or 128 + the signal that ended the process.
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public let timedOut: Bool
        /// It wrote more than the caller's outputLimit and was stopped.
        public var overflowed = false
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// What the child's standard input, output and error are.
    public enum Stream {
        /// The same as ours (the terminal, for an editor).
        case inherit
        /// /dev/null.
        case null
        /// A pipe we write to (stdin) or read from (stdout, stderr).
        case pipe
    }

    public let pid: pid_t
    /// Our ends of the pipes, -1 where the stream is not a pipe.
    public let stdinFD: Int32
    public let stdoutFD: Int32
    public let stderrFD: Int32

    /// Starts `executable` (a path; `/bin/sh` for a command line) with
    /// `arguments`. `environment` nil keeps ours.
    public static func spawn(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                             stdin: Stream = .null, stdout: Stream = .pipe, stderr: Stream = .pipe) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var ours: [Int32] = [-1, -1, -1]
        var theirs: [Int32] = []
        for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .inherit:
                break
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .pipe:
                var fds: [Int32] = [-1, -1]
                guard pipe2(&fds, O_CLOEXEC) == 0 else {
                    (ours + theirs).filter { $0 >= 0 }.forEach { close($0) }
                    throw SpawnError(description: "pipe(): \(String(cString: strerror(errno)))")
                }
                let (child, parent) = target == 0 ? (fds[0], fds[1]) : (fds[1], fds[0])
                ours[Int(target)] = parent
                theirs.append(child)
                posix_spawn_file_actions_adddup2(&actions, child, target)
            }
        }
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with default signal handling and nothing blocked,
        // whatever we set up for ourselves (SIGPIPE ignored, signal pipe).
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGCHLD] { sigaddset(&defaults, signal) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envStrings: [UnsafeMutablePointer<CChar>?]? = environment.map { env in
            env.map { key, value in strdup("\(key)=\(value)") } + [nil]
        }
        defer { envStrings?.forEach { free($0) } }

        var pid: pid_t = 0
        let result = envStrings.map { env in posix_spawn(&pid, executable, &actions, &attributes, argv, env) }
            ?? posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        theirs.forEach { close($0) }
        guard result == 0 else {
            ours.filter { $0 >= 0 }.forEach { close($0) }
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid, stdinFD: ours[0], stdoutFD: ours[1], stderrFD: ours[2])
    }

    /// Runs a program to its end, feeding it `input` and collecting what it
    /// writes. After `timeout` seconds it is sent SIGTERM (then SIGKILL) and
    /// the result says so, so a hanging program cannot stall the caller.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           input: String? = nil, captureOutput: Bool = true, timeout: Double? = nil,
                           outputLimit: Int? = nil) throws -> Output {
        let child = try spawn(executable, arguments, environment: environment,
                              stdin: input == nil ? .null : .pipe,
                              stdout: captureOutput ? .pipe : .null, stderr: captureOutput ? .pipe : .null)
        return child.collect(input: input.map { Array($0.utf8) } ?? [], timeout: timeout, outputLimit: outputLimit)
    }

    /// Writes `input`, reads stdout and stderr until both close, then reaps
    /// the process. Reading both at once keeps a chatty child from blocking
    /// on a full pipe. Past `outputLimit` bytes (stdout and stderr together)
    /// the process is stopped as for a timeout, so a runaway command cannot
    /// fill our memory.
    public func collect(input: [UInt8] = [], timeout: Double? = nil, outputLimit: Int? = nil) -> Output {
        let deadline = timeout.map { monotonicSeconds() + $0 }
        var out: [UInt8] = [], err: [UInt8] = []
        var inputOffset = 0
        var inFD = stdinFD, outFD = stdoutFD, errFD = stderrFD
        if inFD >= 0, input.isEmpty { close(inFD); inFD = -1 }
        var timedOut = false
        var overflowed = false
        var buffer = [UInt8](repeating: 0, count: 16384)
        while (inFD >= 0 || outFD >= 0 || errFD >= 0) && !overflowed {
            var fds = [pollfd(fd: inFD, events: Int16(POLLOUT), revents: 0),
                       pollfd(fd: outFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: errFD, events: Int16(POLLIN), revents: 0)]
            var wait: Int32 = -1
            if let deadline {
                let left = deadline - monotonicSeconds()
                if left <= 0 { timedOut = true; break }
                wait = Int32(min(left * 1000, 1000)) + 1
            }
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { continue }
            if inFD >= 0, fds[0].revents != 0 {
                let n = input[inputOffset...].withUnsafeBytes { write(inFD, $0.baseAddress, $0.count) }
                if n > 0 { inputOffset += n }
                if n <= 0 || inputOffset == input.count { close(inFD); inFD = -1 }
            }
            for (index, fd) in [(1, outFD), (2, errFD)] where fd >= 0 && fds[index].revents != 0 {
                let n = read(fd, &buffer, buffer.count)
                if n > 0 {
                    if index == 1 { out += buffer[0..<n] } else { err += buffer[0..<n] }
                    if let outputLimit, out.count + err.count > outputLimit { overflowed = true }
                } else if n == 0 || errno != EINTR {
                    close(fd)
                    if index == 1 { outFD = -1 } else { errFD = -1 }
                }
            }
        }
        [inFD, outFD, errFD].filter { $0 >= 0 }.forEach { close($0) }
        if timedOut || overflowed { terminate() }
        var status = waitForExit(timeout: timedOut || overflowed ? 2 : deadline.map { max(0.1, $0 - monotonicSeconds()) })
        if status == nil {
            timedOut = true
            terminate()
            status = waitForExit(timeout: 2)
        }
        if status == nil {
            kill(pid, SIGKILL)
            status = waitForExit(timeout: nil)
        }
        var output = Output(status: status ?? -1, stdout: String(decoding: out, as: UTF8.self),
                            stderr: String(decoding: err, as: UTF8.self), timedOut: timedOut)
        output.overflowed = overflowed
        return output
    }

    /// Asks the process to end (SIGTERM).
    public func terminate() { kill(pid, SIGTERM) }

    /// Reaps the process: its exit status, or 128 + signal. Nil when it is
    /// still running after `timeout` seconds (nil timeout waits for ever).
    public func waitForExit(timeout: Double? = nil) -> Int32? {
        let deadline = timeout.map { monotonicSeconds() + $0 }
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, deadline == nil ? 0 : WNOHANG)
            if result == pid { break }
            if result < 0 {
                if errno == EINTR { continue }
                return -1  // not our child any more (already reaped)
            }
            if let deadline, monotonicSeconds() >= deadline { return nil }
            usleep(5_000)
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
