// A real S3-compatible server this project did not write, for the upload's
// tests (issue 17): moto's standalone server (PyPI `moto[server]`, installed
// by scripts/setup.sh when missing), started on a free loopback port and
// stopped when the test ends.

import Foundation
import Model
import Testing
#if canImport(Glibc)
import Glibc
#endif

final class MotoServer: @unchecked Sendable {
    let process: ChildProcess
    let port: UInt16
    var endpoint: String { "http://127.0.0.1:\(port)" }
    static let region = "us-east-1"
    static let accessKeyID = "AKIDMOTOZQTTEST"

    /// `moto_server` on the PATH, else python3's moto.server module; nil when neither is installed.
    static func command() -> (String, [String])? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/root/.pyenv/shims:/usr/local/bin:/usr/bin"
        for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/moto_server") {
            return ("\(folder)/moto_server", [])
        }
        if let python = try? ChildProcess.run("/bin/sh", ["-c", "command -v python3"], timeout: 10).stdout.trimmed,
           !python.isEmpty, (try? ChildProcess.run(python, ["-c", "import moto.server"], timeout: 30))?.status == 0 {
            return (python, ["-m", "moto.server"])
        }
        return nil
    }

    init() throws {
        let command = try #require(MotoServer.command(), "moto's server is not installed: run scripts/setup.sh (pip install 'moto[server]')")
        // A free port, asked again when another process took it before moto could bind it.
        (port, process) = try withFreePort { port -> (UInt16, ChildProcess)? in
            let process = try ChildProcess.spawn(command.0, command.1 + ["-H", "127.0.0.1", "-p", String(port)], stdout: .null, stderr: .null)
            // Ready when it answers; it takes a few seconds to import, far longer on a loaded machine.
            let deadline = Date().addingTimeInterval(180)
            while Date() < deadline {
                if let status = try? Self.status("http://127.0.0.1:\(port)/"), status > 0 { return (port, process) }
                if process.waitForExit(timeout: 0.2) != nil { return nil }  // it could not start there
            }
            Self.stop(process)
            Issue.record("moto's server did not answer on port \(port) within 180 s")
            throw CancellationError()
        }
    }

    deinit { stop() }

    func stop() { Self.stop(process) }

    static func stop(_ process: ChildProcess) {
        process.terminate()
        if process.waitForExit(timeout: 5) == nil {
            kill(process.pid, SIGKILL)
            _ = process.waitForExit(timeout: 5)
        }
    }

    static func status(_ url: String) throws -> Int {
        let output = try ChildProcess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", url], timeout: 5)
        return Int(output.stdout.trimmed) ?? 0
    }

    /// A client that signs as the store's user (moto takes any key).
    func client(secret: String) -> HTTPClient {
        var client = HTTPClient(timeout: 30)
        client.maxBodyBytes = 64 << 20
        client.awsSigning = HTTPClient.AWSSigning(region: Self.region, accessKeyID: Self.accessKeyID, secretAccessKey: secret)
        return client
    }

    func createBucket(_ name: String, secret: String) async throws {
        let answer = try await client(secret: secret).send("PUT", "\(endpoint)/\(name)", headers: [
            ("x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ])
        #expect(answer.status == 200, "creating bucket \(name): \(String(decoding: answer.body, as: UTF8.self))")
    }

    /// The object's bytes, read back with a signed GET.
    func object(_ bucket: String, _ key: String, secret: String) async throws -> HTTPClientResponse {
        try await client(secret: secret).send("GET", "\(endpoint)/\(bucket)/\(key)", headers: [
            ("x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ])
    }

    func settings(bucket: String, secret: String, publicBaseURL: String? = nil) -> UploadSettings.S3Settings {
        UploadSettings.S3Settings(endpoint: endpoint, region: Self.region, bucket: bucket, prefix: "zqt/", accessKeyID: Self.accessKeyID,
                                  secretAccessKey: secret, pathStyle: true, publicBaseURL: publicBaseURL)
    }
}
