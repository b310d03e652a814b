// The sandbox's own upload store (issue 17): `zqt --sandbox` needs no upload
// settings, so the sandbox takes the user's pictures itself and serves them
// back by URL, as an object store would, and its tools accept those URLs as
// image inputs. `PUT /sandbox/uploads/NAME` (or `POST /sandbox/uploads`,
// named by the sandbox) with a PNG, JPEG or WebP body answers
// {"url": "BASE/sandbox/uploads/NAME"}; GET serves the bytes. Kept in
// memory, at most `maxFiles` files and `maxBytes` in all, the oldest
// forgotten first.

import Model

final class SandboxUploads: @unchecked Sendable {
    private let lock = Lock()
    private var files: [String: (bytes: [UInt8], header: ImageHeader)] = [:]
    private var order: [String] = []
    private var total = 0
    private var posted = 0
    let maxFiles = 200
    let maxBytes = 256 << 20

    static let pathPrefix = "/sandbox/uploads/"

    /// A name the store accepts: letters, digits, `.`, `_` and `-`, at most 128.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0) }
    }

    func handle(_ request: HTTPRequest, name: String?, base: String) -> HTTPResponse {
        switch request.method {
        case "PUT", "POST":
            guard let header = ImageHeader.read(request.body) else {
                return .text("an upload must be a PNG, JPEG or WebP picture", status: 400)
            }
            guard request.body.count <= LocalPicture.sizeLimit else {
                return .text("an upload may be at most \(LocalPicture.sizeLimit >> 20) MB", status: 413)
            }
            let stored = lock.withLock { () -> String? in
                var key: String
                if let name {
                    key = name
                } else {
                    posted += 1
                    key = "upload-\(posted).\(header.format.fileExtension)"
                }
                guard Self.isValidName(key) else { return nil }
                if let old = files[key] { total -= old.bytes.count; order.removeAll { $0 == key } }
                files[key] = (request.body, header)
                order.append(key)
                total += request.body.count
                while order.count > maxFiles || total > maxBytes, let oldest = order.first {
                    order.removeFirst()
                    total -= files.removeValue(forKey: oldest)?.bytes.count ?? 0
                }
                return key
            }
            guard let stored else { return .text("an upload's name may hold only letters, digits, '.', '_' and '-'", status: 400) }
            let url = base + Self.pathPrefix + stored
            return .json(JSONValueText(JSONWriter.pretty(.object([(key: "url", value: .string(url))]))), status: 201)
        case "GET", "HEAD":
            guard let name, let file = lock.withLock({ files[name] }) else {
                return .text("no such upload (the sandbox keeps uploads in memory until it stops)", status: 404)
            }
            return HTTPResponse(status: 200, contentType: file.header.format.mimeType, body: request.method == "HEAD" ? [] : file.bytes)
        default:
            return .text("uploads: PUT /sandbox/uploads/NAME or POST /sandbox/uploads with the picture as the body; GET to read it back", status: 405)
        }
    }

    /// The size of an upload the sandbox serves at `url`, or nil for any other URL.
    func imageSize(_ url: String) -> (width: Int, height: Int)? {
        guard let range = url.firstRange(of: Self.pathPrefix) else { return nil }
        let name = String(url[range.upperBound...].prefix { $0 != "?" && $0 != "#" })
        return lock.withLock { files[name].map { ($0.header.width, $0.header.height) } }
    }
}
