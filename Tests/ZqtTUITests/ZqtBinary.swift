import Foundation
import Model
import TestScratch

/// Runs the built `zqt` executable, as a user would from a shell.
enum ZqtBinary {
    /// The zqt binary SwiftPM built next to this test bundle.
    static var url: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("zqt")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/zqt")
    }

    /// Where zqt keeps its history in these tests, never the user's own: one
    /// folder for the test process, shared by the commands that name none of
    /// their own, so it is removed as the process exits.
    static let testHome: String = {
        atexit { Scratch.remove([ZqtBinary.testHomeOfThisProcess]) }
        return testHomeOfThisProcess
    }()

    private static var testHomeOfThisProcess: String { Scratch.root + "/zqt-tests-\(getpid())" }

    /// A clean environment plus `extra`: what a user's shell would pass,
    /// TMPDIR among it, so what zqt writes to the temporary folder lands where
    /// the tests' own files do (and a run given a TMPDIR of its own keeps it).
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "ZQT_HOME": testHome]
        if let temporary = ProcessInfo.processInfo.environment["TMPDIR"], !temporary.isEmpty { env["TMPDIR"] = temporary }
        env.merge(extra) { _, new in new }
        return env
    }

    /// Runs zqt to completion with a clean environment plus `environment`.
    /// A zqt that hangs is ended after `timeout`, so the suite fails instead
    /// of stalling CI.
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
                    timeout: TimeInterval = 60) throws -> ChildProcess.Output {
        try ChildProcess.run(url.path, arguments, environment: Self.environment(environment), input: stdin, timeout: timeout)
    }

    /// Runs a shell command (for curl) and returns its output.
    static func shell(_ command: String, timeout: TimeInterval = 60) throws -> String {
        try output(of: "/bin/sh", ["-c", command], timeout: timeout)
    }

    /// Runs a program to its end and returns what it wrote to stdout. With
    /// `capture` false, its output goes nowhere.
    @discardableResult
    static func output(of executable: String, _ arguments: [String], capture: Bool = true,
                       timeout: TimeInterval = 60) throws -> String {
        try ChildProcess.run(executable, arguments, captureOutput: capture, timeout: timeout).stdout
    }
}
