import Foundation
import TestScratch
import Testing
@testable import Model

/// Runs blocking test code (sh, python3, swiftc) on a thread of its own:
/// on Swift's concurrency pool (two threads on a two-core machine) it would
/// starve the sends and polls other suites run there, as in ZqtTUITests' offThePool.
/// The test's own task is moved to that thread, so a failed expectation in
/// `body` is reported against the test, not as an issue of no test.
func onAThreadOfItsOwn(_ body: @escaping @Sendable () throws -> Void) async throws {
    try await withTaskExecutorPreference(ThreadPerJob()) { try body() }
}

/// Each job it is given runs on a new thread.
final class ThreadPerJob: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        startThread { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Issue 10: exported snippets carry the wire JSON exactly, however hostile
/// the text in it, and never a secret unless asked to.
@Suite struct RequestExportTests {
    /// Text a prompt may hold that breaks naive quoting in one language or another.
    static let hostile = [
        "it's a \"quote\" test",
        "back\\slash \\n not a newline \\' \\\"",
        "line one\nline two\r\nthree\ttab",
        "$(touch /tmp/zqt-export-pwned) `id` ${HOME} $HOME !!",
        "'; rm -rf / #",
        "unicode 漢字 café 😀 \u{202E}bidi\u{202C} \u{200B}",
        "controls \u{1}\u{7}\u{1B}[31m\u{7F}\u{85}",
        "''''",
        "",
    ]

    @Test func theShellWordIsTheTextByteForByte() async throws {
        try await onAThreadOfItsOwn { try Self.theShellWordIsTheTextByteForByteSteps() }
    }

    static func theShellWordIsTheTextByteForByteSteps() throws {
        for text in hostile {
            // printf '%s' prints its argument as the shell read it: any expansion or lost quote shows.
            let output = try ChildProcess.run("/bin/sh", ["-c", "printf '%s' " + RequestExport.shellQuoted(text)], timeout: 10)
            #expect(output.status == 0)
            #expect(Array(output.stdout.utf8) == Array(text.utf8), "shell quoting of \(text.debugDescription)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/zqt-export-pwned"))
    }

    static let python3 = "/usr/bin/python3"
    /// swiftc next to the toolchain that runs these tests, else none: then nothing to check with.
    static let swiftc = ["/opt/swift/usr/bin/swiftc", "/usr/bin/swiftc"].first(where: FileManager.default.isExecutableFile)

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: RequestExportTests.python3), "python3 is not installed at /usr/bin/python3"))
    func thePythonLiteralIsTheText() async throws {
        try await onAThreadOfItsOwn { try Self.thePythonLiteralIsTheTextSteps() }
    }

    static func thePythonLiteralIsTheTextSteps() throws {
        for text in hostile {
            let literal = RequestExport.pythonLiteral(text)
            #expect(literal.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }, "only printable ASCII in \(literal)")
            let script = "import sys\nsys.stdout.buffer.write((\(literal)).encode('utf-8'))\n"
            let output = try ChildProcess.run(Self.python3, ["-c", script], timeout: 20)
            #expect(output.status == 0, "python3: \(output.stderr)")
            #expect(Array(output.stdout.utf8) == Array(text.utf8), "python literal of \(text.debugDescription)")
        }
    }

    @Test func theSwiftLiteralEscapesEverythingButPrintableASCII() {
        #expect(RequestExport.swiftLiteral("a\"b\\c\nd\u{0}é😀") == "\"a\\\"b\\\\c\\nd\\0\\u{e9}\\u{1f600}\"")
        for text in Self.hostile {
            let literal = RequestExport.swiftLiteral(text)
            #expect(literal.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) })
            // Interpolation would run code: "\(" never appears unescaped.
            #expect(!literal.replacingOccurrences(of: "\\\\", with: "").contains("\\("))
        }
    }

    @Test func aSnippetReadsTheKeysFromTheEnvironmentUnlessRevealing() {
        let request = Request.new(for: .controlNet, taskID: "zqt-export-1")
        let secrets = Credentials(accessKeyID: "KEYID-123", accessKeySecret: "SECRET-456")
        for language in RequestExport.Language.allCases {
            let hidden = RequestExport.snippet(language, request: request, baseURL: "https://api.zhiqite.com/")
            #expect(hidden.contains(RequestExport.idVariable) && hidden.contains(RequestExport.secretVariable))
            #expect(!hidden.contains("SECRET-456") && !hidden.contains("KEYID-123"))
            #expect(hidden.contains("https://api.zhiqite.com/AIGCImgOpenServ/saas/sd/v2/controlnet"), "one slash between base and path")
            let shown = RequestExport.snippet(language, request: request, baseURL: "https://api.zhiqite.com", revealing: secrets)
            #expect(shown.contains("SECRET-456") && shown.contains("KEYID-123"))
            #expect(!shown.contains(RequestExport.secretVariable))
        }
    }

    @Test func theCurlCommandSendsTheWireJSONExactly() async throws {
        try await onAThreadOfItsOwn { try Self.theCurlCommandSendsTheWireJSONExactlySteps() }
    }

    static func theCurlCommandSendsTheWireJSONExactlySteps() throws {
        // curl is replaced by a function that prints its last argument: what --data-binary would send.
        var request = Request.new(for: .controlNet, taskID: "zqt-export-2")
        request["prompt"] = .string(Self.hostile.joined(separator: " | "))
        let command = RequestExport.snippet(.curl, request: request, baseURL: "http://127.0.0.1:9")
        let script = "curl() { for a; do last=$a; done; printf '%s' \"$last\"; }\nZQT_ACCESS_KEY_ID=k ZQT_ACCESS_KEY_SECRET=s\n" + command
        let output = try ChildProcess.run("/bin/sh", ["-c", script], timeout: 10)
        #expect(output.status == 0, "sh: \(output.stderr)")
        // The same JSON; DEL, C1 and bidi characters arrive as \u escapes of themselves.
        #expect(try JSONParser.parse(output.stdout) == request.wireValue)
        #expect(output.stdout == RequestExport.visibleJSON(request.wireJSON))
        #expect(!command.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) || $0.value == 0x202E })
    }

    @Test(.enabled(if: RequestExportTests.swiftc != nil, "no swiftc beside the toolchain (/opt/swift/usr/bin or /usr/bin)"))
    func theSwiftScriptTypeChecksWithAHostilePrompt() async throws {
        try await onAThreadOfItsOwn { try Self.theSwiftScriptTypeChecksWithAHostilePromptSteps() }
    }

    static func theSwiftScriptTypeChecksWithAHostilePromptSteps() throws {
        let scratch = Scratch()
        let swiftc = try #require(Self.swiftc)
        var request = Request.new(for: .controlNet, taskID: "zqt-export-3")
        request["prompt"] = .string(Self.hostile.joined(separator: " | ") + " \\(interpolation) \"\"\" #\"")
        let file = scratch.path("zqt-export", suffix: ".swift")
        try RequestExport.snippet(.swift, request: request, baseURL: "http://127.0.0.1:9").write(toFile: file, atomically: true, encoding: .utf8)
        let output = try ChildProcess.run(swiftc, ["-typecheck", file], timeout: 120)
        #expect(output.status == 0, "swiftc: \(output.stderr)")
        // The checker checks: a literal that ended early would fail like this.
        try "let broken: Int = \"no\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try ChildProcess.run(swiftc, ["-typecheck", file], timeout: 120).status != 0)
    }

    @Test func visibleJSONIsTheSameValue() throws {
        let json = JSONWriter.compact(.string("a\u{7F}b\u{9B}31m\u{202E}c\u{2028}d 漢字 😀"))
        let visible = RequestExport.visibleJSON(json)
        #expect(visible == "\"a\\u007fb\\u009b31m\\u202ec\\u2028d 漢字 😀\"")
        #expect(try JSONParser.parse(visible) == JSONParser.parse(json))
        #expect(RequestExport.visibleJSON("{\"plain\": 1}") == "{\"plain\": 1}")
    }
}
