import Foundation
import Model
import Testing

/// `zqt sandbox --api a1111` as a new user starts it: the real binary, the
/// profile it prints, and curl against it.
@Suite struct A1111SandboxCommandTests {
    @Test(.needsCurl) func theStandaloneA1111SandboxPrintsAProfileAndAnswersCurl() async throws {
        try await offThePool { try Self.standaloneSteps() }
    }

    static func standaloneSteps() throws {
        let server = try ChildProcess.spawn(ZqtBinary.url.path, ["sandbox", "--api", "a1111", "--port", "0", "--step-ms", "5",
                                                                 "--api-auth", "ann:pw1"],
                                            environment: ZqtBinary.environment(), stdout: .pipe, stderr: .null)
        defer { server.terminate(); _ = server.waitForExit(timeout: 10) }
        let out = FileHandle(fileDescriptor: server.stdoutFD, closeOnDealloc: true)
        var banner = ""
        while !banner.contains("Ctrl-C"), banner.count < 10_000 {
            let chunk = out.availableData
            if chunk.isEmpty { break }
            banner += String(decoding: chunk, as: UTF8.self)
        }
        let range = try #require(banner.range(of: "listening on "))
        let url = String(banner[range.upperBound...].prefix { !$0.isWhitespace })
        #expect(url.hasPrefix("http://127.0.0.1:"))
        #expect(banner.contains("[SANDBOX]   api = \"a1111\"\n"))
        #expect(banner.contains("[SANDBOX]   base_url = \"\(url)\"\n"))
        #expect(banner.contains("[SANDBOX]   username = \"ann\"\n"))
        #expect(banner.contains("[SANDBOX]   password = \"pw1\"\n"))

        let refused = try ZqtBinary.shell("curl -s -o /dev/null -w '%{http_code}' \(url)/sdapi/v1/sd-models")
        #expect(refused == "401")
        let answer = try ZqtBinary.shell("curl -s -u ann:pw1 \(url)/sdapi/v1/txt2img -H 'Content-Type: application/json' "
            + "-d '{\"prompt\": \"a lighthouse\", \"steps\": 4, \"width\": 96, \"height\": 64, \"seed\": 11}'")
        let json = try JSONParser.parse(answer)
        let image = try #require(json["images"]?.arrayValue?.first?.stringValue)
        let png = [UInt8](try #require(Data(base64Encoded: image)))
        #expect(png.starts(with: PNGText.signature))
        #expect(try PNGText.entries(in: png).first { $0.keyword == "parameters" }?.text.contains("Seed: 11, Size: 96x64") == true)
    }

    @Test func badA1111OptionsAreRefusedBeforeListening() async throws {
        // zqt runs as a child process: off the two-thread pool the other tests need.
        try await offThePool {
            let auth = try ZqtBinary.run(["sandbox", "--api", "a1111", "--port", "0", "--api-auth", "no-colon"], timeout: 30)
            #expect(auth.status != 0)
            #expect(auth.stderr.contains("--api-auth takes user:password"))
            let api = try ZqtBinary.run(["sandbox", "--api", "comfy", "--port", "0"], timeout: 30)
            #expect(api.status != 0)
            #expect(api.stderr.contains("--api must be one of: zhiqite, a1111"))
            let stray = try ZqtBinary.run(["sandbox", "--port", "0", "--step-ms", "5"], timeout: 30)
            #expect(stray.status != 0)
            #expect(stray.stderr.contains("go with --api a1111"))
        }
    }
}
