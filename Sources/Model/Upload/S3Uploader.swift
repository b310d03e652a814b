// Uploads to any S3-compatible object store (AWS S3, Aliyun OSS, Cloudflare
// R2, MinIO, Tencent COS): one PUT per file, signed by libcurl
// (CURLOPT_AWS_SIGV4), under a key made of the file's SHA-256, so the same
// picture is one object however often it is sent. The service then fetches
// it by `public_base_url/KEY` or by a presigned GET URL (SigV4Presigner).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public struct S3Uploader: ImageUploader {
    public let settings: UploadSettings.S3Settings
    let secretAccessKey: String
    let timeout: Double
    let now: @Sendable () -> Date

    public init(settings: UploadSettings.S3Settings, secretAccessKey: String, timeout: Double = 30,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.settings = settings
        self.secretAccessKey = secretAccessKey
        self.timeout = timeout
        self.now = now
    }

    public var store: String {
        let endpoint = settings.endpoint.hasSuffix("/") ? String(settings.endpoint.dropLast()) : settings.endpoint
        return "s3 \(endpoint)/\(settings.bucket)/\(settings.prefix)" + (settings.publicBaseURL.map { " public \($0)" } ?? "")
    }

    /// The object's key: the prefix, the file's hash and its format's extension.
    public func key(for image: LocalPicture) -> String {
        settings.prefix + image.sha256 + "." + image.header.format.fileExtension
    }

    /// Where the object is PUT: path style `endpoint/bucket/key`, else virtual-hosted `bucket.host/key`.
    public func objectURL(key: String) -> (url: String, target: HTTPTarget)? {
        guard let endpoint = HTTPTarget(settings.endpoint) else { return nil }
        let scheme = endpoint.secure ? "https" : "http"
        let defaultPort = endpoint.port == (endpoint.secure ? 443 : 80)
        let host = endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host
        let authority = (settings.pathStyle ? host : "\(settings.bucket).\(host)") + (defaultPort ? "" : ":\(endpoint.port)")
        let base = endpoint.requestTarget == "/" ? "" : (endpoint.requestTarget.hasSuffix("/") ? String(endpoint.requestTarget.dropLast())
                                                                                           : endpoint.requestTarget)
        let path = base + (settings.pathStyle ? "/\(SigV4Presigner.encode(settings.bucket))" : "")
            + "/" + SigV4Presigner.encode(key, keepSlash: true)
        let url = "\(scheme)://\(authority)\(path)"
        return HTTPTarget(url).map { (url, $0) }
    }

    public func upload(_ image: LocalPicture) async throws(UploadFailure) -> UploadedImage {
        let key = key(for: image)
        guard let (url, target) = objectURL(key: key) else {
            throw UploadFailure("the upload's endpoint \(APIError.printable(settings.endpoint)) is not an http(s) URL")
        }
        var client = HTTPClient(timeout: timeout)
        // A large file on a slow line: the whole PUT may take longer than one call's timeout.
        client.deadline = max(timeout, 600)
        client.maxBodyBytes = 1 << 20
        client.awsSigning = HTTPClient.AWSSigning(region: settings.region, accessKeyID: settings.accessKeyID,
                                                  secretAccessKey: secretAccessKey)
        let answer: HTTPClientResponse
        do {
            answer = try await client.send("PUT", url, headers: [("Content-Type", image.header.format.mimeType),
                                                                  ("x-amz-content-sha256", image.sha256)],
                                           body: image.bytes)
        } catch {
            throw UploadFailure("the upload to \(APIError.printable(target.host)) failed: \(error.message)", network: error.isTransient)
        }
        guard (200..<300).contains(answer.status) else {
            throw UploadFailure("the store at \(APIError.printable(target.host)) refused the upload: HTTP \(answer.status)"
                                + Self.errorText(answer.body))
        }
        let sentAt = now()
        if let publicBase = settings.publicBaseURL {
            let base = publicBase.hasSuffix("/") ? String(publicBase.dropLast()) : publicBase
            return UploadedImage(url: base + "/" + SigV4Presigner.encode(key, keepSlash: true))
        }
        let authority = target.port == (target.secure ? 443 : 80) ? hostForHeader(target) : "\(hostForHeader(target)):\(target.port)"
        let presigner = SigV4Presigner(accessKeyID: settings.accessKeyID, secretAccessKey: secretAccessKey, region: settings.region)
        do {
            let presigned = try presigner.presignedGET(scheme: target.secure ? "https" : "http", host: authority,
                                                       path: target.requestTarget, date: SigV4Presigner.amzDate(sentAt),
                                                       expires: settings.presignSeconds)
            return UploadedImage(url: presigned, expiresAt: sentAt.addingTimeInterval(Double(settings.presignSeconds)))
        } catch {
            throw UploadFailure(error.description)
        }
    }

    private func hostForHeader(_ target: HTTPTarget) -> String {
        target.host.contains(":") ? "[\(target.host)]" : target.host
    }

    /// A presigned URL is sent again while it has a while to live: the service
    /// may fetch the picture minutes after the submit (a queue).
    public func mayReuse(_ earlier: UploadRecord, now: Date) async -> Bool {
        guard earlier.store == store else { return false }
        guard let expiresAt = earlier.expiresAt else { return settings.publicBaseURL != nil }
        let margin = min(600, Double(settings.presignSeconds) / 2)
        return expiresAt.timeIntervalSince(now) > margin
    }

    /// S3's error document's Code and Message, short and printable (" (AccessDenied: …)").
    static func errorText(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        func element(_ name: String) -> String? {
            guard let open = text.firstRange(of: "<\(name)>"),
                  let close = text[open.upperBound...].firstRange(of: "</\(name)>") else { return nil }
            return String(text[open.upperBound..<close.lowerBound].prefix(200))
        }
        let parts = [element("Code"), element("Message")].compactMap { $0 }
        return parts.isEmpty ? "" : " (\(APIError.printable(parts.joined(separator: ": "))))"
    }
}
