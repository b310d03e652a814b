import Foundation
import Model
import Sandbox
import Testing

/// An A1111 stand-in on a free loopback port, spoken to with zqt's own HTTP
/// client (libcurl), as the A1111 client will speak to a GPU box.
final class A1111SandboxFixture: @unchecked Sendable {
    let server: A1111SandboxServer
    let url: String
    /// "Basic …" for the pair the server was started with, if any.
    var authorization: String?

    init(_ options: A1111SandboxOptions = A1111SandboxOptions(stepMilliseconds: 10)) throws {
        server = A1111SandboxServer(options: options)
        url = try server.start()
    }

    deinit { server.stop() }

    var service: A1111Service { server.service }

    struct Answer {
        let status: Int
        let json: JSONValue
        let head: HTTPHead
    }

    func send(_ method: String, _ path: String, json: String? = nil, authorization: String? = nil) async throws -> Answer {
        var headers: [(String, String)] = []
        if json != nil { headers.append(("Content-Type", "application/json")) }
        if let auth = authorization ?? self.authorization { headers.append(("Authorization", auth)) }
        var client = HTTPClient(timeout: 60)
        client.maxBodyBytes = 64 << 20
        let response = try await client.send(method, url + path, headers: headers, body: Array((json ?? "").utf8))
        let parsed = (try? JSONParser.parse(bytes: response.body)) ?? .string(String(decoding: response.body, as: UTF8.self))
        return Answer(status: response.status, json: parsed, head: response.head)
    }

    func post(_ path: String, _ json: String) async throws -> Answer { try await send("POST", path, json: json) }

    func get(_ path: String) async throws -> Answer { try await send("GET", path) }

    func progress() async throws -> JSONValue { try await get("/sdapi/v1/progress").json }

    /// Asks for progress until `condition` holds; no fixed sleeps, bounded by
    /// `seconds` (a loaded machine answers slowly, so jobs under test last seconds).
    func progress(until condition: (JSONValue) -> Bool, seconds: Double = 60) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let answer = try await progress()
            if condition(answer) { return answer }
            try await Task.sleep(nanoseconds: 50_000_000)  // an HTTP round trip each: not a busy loop on a shared machine
        }
        Issue.record("the progress never showed the expected state")
        return try await progress()
    }

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// The `info` string of a generation answer, parsed.
    static func info(_ answer: JSONValue) throws -> JSONValue {
        try JSONParser.parse(try #require(answer["info"]?.stringValue))
    }

    static func pictures(_ answer: JSONValue) throws -> [[UInt8]] {
        try (answer["images"]?.arrayValue ?? []).map(bytes)
    }

    /// A base64 string's bytes; fails the test when it is none.
    static func bytes(_ value: JSONValue?) throws -> [UInt8] {
        let text = try #require(value?.stringValue)
        return [UInt8](try #require(Data(base64Encoded: text)))
    }

    static func size(_ png: [UInt8]) -> (Int, Int)? {
        guard png.count > 24, png.starts(with: PNGText.signature) else { return nil }
        let number = { (at: Int) in png[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (number(16), number(20))
    }
}

extension JSONValue {
    /// An array's element, nil when out of range or not an array.
    subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
