// `--sandbox` needs no upload settings: the sandbox takes uploads itself
// (PUT /sandbox/uploads/NAME answers {"url": …}) and serves them back, so
// the tools that work on the user's photos can be tried offline.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public struct SandboxUploader: ImageUploader {
    /// The sandbox's base URL ("http://127.0.0.1:PORT").
    public let baseURL: String
    let timeout: Double

    public init(baseURL: String, timeout: Double = 30) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.timeout = timeout
    }

    public static let uploadPath = "/sandbox/uploads/"

    public var store: String { "sandbox \(baseURL)" }

    public func upload(_ image: LocalPicture) async throws(UploadFailure) -> UploadedImage {
        let url = baseURL + Self.uploadPath + image.sha256 + "." + image.header.format.fileExtension
        var client = HTTPClient(timeout: timeout)
        client.maxBodyBytes = 1 << 20
        let answer: HTTPClientResponse
        do {
            answer = try await client.send("PUT", url, headers: [("Content-Type", image.header.format.mimeType)], body: image.bytes)
        } catch {
            throw UploadFailure("the upload to the sandbox failed: \(error.message)", network: error.isTransient)
        }
        guard answer.status == 200 || answer.status == 201, let served = Self.servedURL(answer.body) else {
            throw UploadFailure("the sandbox refused the upload: HTTP \(answer.status) \(APIError.printable(String(decoding: answer.body.prefix(200), as: UTF8.self)))")
        }
        return UploadedImage(url: served)
    }

    /// The URL the sandbox's answer names (`{"url": …}`), when it is one zqt can fetch.
    static func servedURL(_ body: [UInt8]) -> String? {
        guard let value = try? JSONParser.parse(bytes: body), let served = value["url"]?.stringValue,
              HTTPTarget(served) != nil else { return nil }
        return served
    }

    /// The same sandbox still serves it (a sandbox started again has lost its uploads).
    public func mayReuse(_ earlier: UploadRecord, now: Date) async -> Bool {
        guard earlier.store == store else { return false }
        let client = HTTPClient(timeout: min(timeout, 5))
        return (try? await client.send("HEAD", earlier.url))?.status == 200
    }
}
