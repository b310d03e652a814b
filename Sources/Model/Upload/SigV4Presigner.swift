// A presigned GET URL for an object in an S3-compatible store: AWS Signature
// Version 4 in the query string ("Authenticating Requests: Using Query
// Parameters", the S3 API reference), so the service can fetch an upload
// from a private bucket until the URL expires. The PUT itself is signed by
// libcurl (CURLOPT_AWS_SIGV4); libcurl has no query-string signing, so this
// is the one place zqt computes a signature (HMAC-SHA256 from libcrypto).
//
// Checked against AWS's published example (S3 docs, "GET object with
// presigned URL": examplebucket, test.txt, 20130524T000000Z, 86400 s).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public struct SigV4Presigner: Sendable {
    public let accessKeyID: String
    let secretAccessKey: String
    public let region: String
    public let service: String

    public init(accessKeyID: String, secretAccessKey: String, region: String, service: String = "s3") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
    }

    /// `host` as the Host header carries it ("examplebucket.s3.amazonaws.com",
    /// "127.0.0.1:9000"); `path` already percent-encoded ("/test.txt");
    /// `date` as "20130524T000000Z".
    public func presignedGET(scheme: String, host: String, path: String, date: String, expires: Int) throws(Digest.Unavailable) -> String {
        let day = String(date.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let query: [(String, String)] = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(accessKeyID)/\(scope)"),
            ("X-Amz-Date", date),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", "host"),
        ]
        // Sorted by name (they are already); names and values URI-encoded, "/" included.
        let canonicalQuery = query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let canonicalRequest = ["GET", path, canonicalQuery, "host:\(host)\n", "host", "UNSIGNED-PAYLOAD"].joined(separator: "\n")
        let stringToSign = ["AWS4-HMAC-SHA256", date, scope,
                            Digest.hex(try Digest.sha256(Array(canonicalRequest.utf8)))].joined(separator: "\n")
        var key = try Digest.hmacSHA256(key: Array("AWS4\(secretAccessKey)".utf8), Array(day.utf8))
        for part in [region, service, "aws4_request"] { key = try Digest.hmacSHA256(key: key, Array(part.utf8)) }
        let signature = Digest.hex(try Digest.hmacSHA256(key: key, Array(stringToSign.utf8)))
        return "\(scheme)://\(host)\(path)?\(canonicalQuery)&X-Amz-Signature=\(signature)"
    }

    /// RFC 3986 unreserved characters as they are, everything else %XX
    /// (uppercase), "/" too unless `keepSlash` (an object key's path).
    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                let digits = Array("0123456789ABCDEF")
                out += "%\(digits[Int(byte >> 4)])\(digits[Int(byte & 0x0F)])"
            }
        }
        return out
    }

    /// "20130524T000000Z" for an instant (UTC).
    public static func amzDate(_ date: Date) -> String {
        let time = CivilTime(date)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(time.year)\(two(time.month))\(two(time.day))T\(two(time.hour))\(two(time.minute))\(two(time.second))Z"
    }
}
