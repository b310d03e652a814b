import Foundation
import Model
import Testing

/// Issue 23: answers that misled, said as what they are.
@Suite struct HostileAnswersTests {
    static func answer(_ status: String, headers: [String] = [], body: String) -> [UInt8] {
        HTTPClientTests.answer(status, headers: headers, body: body)
    }

    @Test func aRefusedRedirectToAFileSaysWhy() async throws {
        let server = try RawHTTPServer { _ in Self.answer("302 Found", headers: ["Location: file:///etc/passwd", "Content-Length: 0"], body: "") }
        let api = HTTPImageAPI(configuration: ClientConfiguration(baseURL: server.url, credentials: SandboxCredentials.any, timeout: 30))
        do {
            _ = try await api.download(server.url + "/x.png")
            Issue.record("a redirect to file:// must not be followed")
        } catch {
            #expect(error.message == "Unexpected answer from the service: a redirect to file:///etc/passwd was not followed "
                    + "(zqt follows redirects to http and https only, not file://)", "\(error.message)")
            #expect(!error.message.contains("https is only left for https"))
        }
    }

    @Test func aProxysOwnRefusalIsToldApartFromTheServices() async throws {
        let proxy = try RawHTTPServer(keepAlive: true) { _ in
            Self.answer("403 Forbidden", headers: ["Content-Type: text/html", "Content-Length: 32"], body: "<html>blocked by policy 7</html>")
        }
        var client = HTTPClient(timeout: 30)
        client.environment = ["HTTP_PROXY": proxy.url]
        let refused = try await client.send("POST", "http://127.0.0.1:1/AIGCImgOpenServ/saas/sd/v2/txt2img", body: [])
        #expect(refused.proxy == proxy.url)
        #expect(refused.proxyRefusal == "the proxy \(proxy.url) answered HTTP 403 in its place: <html>blocked by policy 7</html>")
        // The service's own envelope, come through the proxy, is the service's.
        let envelope = #"{"code": "403", "msg": "no keys"}"#
        let service = try RawHTTPServer { _ in
            Self.answer("403 Forbidden", headers: ["Content-Length: \(envelope.utf8.count)"], body: envelope)
        }
        client.environment = ["HTTP_PROXY": service.url]
        #expect(try await client.send("POST", "http://127.0.0.1:1/x", body: []).proxyRefusal == nil)
        // no_proxy: straight to the server, no proxy to blame.
        client.environment = ["HTTP_PROXY": proxy.url, "NO_PROXY": "example.com, 127.0.0.1"]
        #expect(HTTPClient.bypassesProxy("127.0.0.1", noProxy: "example.com, 127.0.0.1"))
        #expect(HTTPClient.bypassesProxy("img.example.com", noProxy: ".example.com"))
        #expect(!HTTPClient.bypassesProxy("example.org", noProxy: "example.com"))
    }
}
