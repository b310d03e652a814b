// SHA-256 and HMAC-SHA256 for the upload: a file's hash (kept in its history
// row, to reuse an upload of the same bytes) and the presigned URL's
// signature (SigV4Presigner). Both come from the libcrypto that libcurl
// already loads (CCurlShim opens it with dlopen on first use): zqt brings no
// crypto of its own.

import CCurlShim

public enum Digest {
    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public static func sha256(_ bytes: [UInt8]) throws(Unavailable) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let failed = bytes.withUnsafeBytes { zqt_sha256($0.baseAddress, $0.count, &out) }
        guard failed == 0 else { throw Unavailable(description: String(cString: zqt_crypto_error())) }
        return out
    }

    public static func hmacSHA256(key: [UInt8], _ bytes: [UInt8]) throws(Unavailable) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let failed = key.withUnsafeBytes { k in
            bytes.withUnsafeBytes { zqt_hmac_sha256(k.baseAddress, k.count, $0.baseAddress, $0.count, &out) }
        }
        guard failed == 0 else { throw Unavailable(description: String(cString: zqt_crypto_error())) }
        return out
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
