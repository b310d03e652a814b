// The pictures of a request moved between kinds of server (issue 20), done:
// A1111Translation says what each image needs, this does it, off the event
// loop (the screen's effect, `zqt convert`).
//
// - A URL going to A1111 (zhiqite's `image_link`) is downloaded through the
//   caller's HTTP client, at most LocalPicture.sizeLimit and only a PNG, JPEG
//   or WebP, then either put inline as base64 (`zqt convert`'s output is an
//   A1111 body any client can post) or kept as a file under
//   $ZQT_HOME/moved, its path in the form: an A1111 form reads a local file
//   and sends it inline at send, so the form (and its draft, and the history
//   row) never holds megabytes of base64.
// - An inline picture going to zhiqite is decoded (bounded the same) and kept
//   as a file under $ZQT_HOME/moved, its path in the request: a local path in
//   a zhiqite image field is uploaded through the profile's upload at send
//   (issue 17, LocalInputs), which gives the service its URL.
// - A local path stays a path on both sides; a URL going to zhiqite stays a URL.
//
// A download or a picture that fails leaves the value as it was and says why
// in the list of what could not move; nothing traps on what a server sent.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

public enum KindMove {
    /// What a downloaded picture becomes in the body.
    public enum Downloaded: Sendable, Equatable {
        /// Base64 in the JSON (an A1111 body printed for any client).
        case inline
        /// A file in the folder, its path in the body (a form: read and sent inline at send).
        case file
    }

    /// The body with its pictures moved: what was done, and what could not be.
    public struct Outcome: Sendable, Equatable {
        public var body: JSONValue
        /// A line for each picture moved: downloaded, kept as a file, left a local file.
        public var moved: [String]
        /// The translation's list, and each picture that could not move, with why.
        public var unmoved: [A1111Translation.Unmoved]
    }

    /// The folder under $ZQT_HOME where moved pictures are kept.
    public static func folder(home: String) -> String { home + "/moved" }

    /// Does the translation's image moves. `download` fetches a URL with at
    /// most `maxBytes` (the caller's HTTPClient; nil: downloads are left,
    /// `zqt convert --no-download`). Sequential: a request holds a few pictures.
    public static func perform(_ translated: A1111Translation.Translated, folder: String, downloaded: Downloaded,
                               download: (@Sendable (String, Int) async -> Result<[UInt8], APIError>)?) async -> Outcome {
        var outcome = Outcome(body: translated.body, moved: [], unmoved: translated.unmoved)
        for image in translated.images {
            switch image.action {
            case let .downloadAndInline(url):
                let shown = APIError.printable(HTTPClient.redacted(url))
                guard let download else {
                    outcome.unmoved.append(.init(path: image.path, reason: "\(shown) not downloaded (--no-download); A1111 takes a URL only with its api_enable_requests option on"))
                    continue
                }
                let bytes: [UInt8]
                switch await download(url, LocalPicture.sizeLimit) {
                case let .success(body):
                    bytes = body
                case let .failure(error):
                    outcome.unmoved.append(.init(path: image.path, reason: "could not download \(shown): \(error.message); left as the URL"))
                    continue
                }
                guard let header = ImageHeader.read(bytes) else {
                    outcome.unmoved.append(.init(path: image.path, reason: "\(shown) is not a PNG, JPEG or WebP picture; left as the URL"))
                    continue
                }
                switch downloaded {
                case .inline:
                    outcome.body.set(.string(Base64.encode(bytes)), at: image.path)
                    outcome.moved.append("\(image.path): downloaded \(shown) (\(describe(header, bytes.count))), inline")
                case .file:
                    switch keep(bytes, header: header, in: folder) {
                    case let .success(file):
                        outcome.body.set(.string(file), at: image.path)
                        outcome.moved.append("\(image.path): downloaded \(shown) (\(describe(header, bytes.count))) to \(file), sent inline at send")
                    case let .failure(problem):
                        outcome.unmoved.append(.init(path: image.path, reason: "downloaded \(shown) but could not keep it: \(problem); left as the URL"))
                    }
                }
            case let .upload(bytes: size):
                let text = outcome.body.value(at: image.path)?.stringValue ?? ""
                guard let bytes = Base64.decode(text, maxBytes: LocalPicture.sizeLimit), let header = ImageHeader.read(bytes) else {
                    let why = size > LocalPicture.sizeLimit ? "over \(LocalPicture.sizeLimit >> 20) MB" : "not base64 of a PNG, JPEG or WebP picture"
                    outcome.body.set(nil, at: image.path)
                    outcome.unmoved.append(.init(path: image.path, reason: "the inline image is \(why); left out"))
                    continue
                }
                switch keep(bytes, header: header, in: folder) {
                case let .success(file):
                    outcome.body.set(.string(file), at: image.path)
                    outcome.moved.append("\(image.path): the inline image (\(describe(header, bytes.count))) kept as \(file), uploaded at send")
                case let .failure(problem):
                    outcome.body.set(nil, at: image.path)
                    outcome.unmoved.append(.init(path: image.path, reason: "the inline image could not be kept: \(problem); left out"))
                }
            case let .readAtSend(file):
                outcome.moved.append("\(image.path): \(file) stays a local file, read and sent inline at send")
            case let .uploadAtSend(file):
                outcome.moved.append("\(image.path): \(file) stays a local file, uploaded at send")
            }
        }
        return outcome
    }

    /// Why a picture could not be kept as a file.
    struct KeepFault: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func describe(_ header: ImageHeader, _ count: Int) -> String {
        let size = count >= 1 << 20 ? "\(count >> 20) MB" : count >= 1 << 10 ? "\(count >> 10) KB" : "\(count) bytes"
        return "\(header.format.title) \(header.width)×\(header.height), \(size)"
    }

    /// The picture as a file in `folder`, named by its content (the same
    /// picture moved twice is one file), zqt's own 0600; written aside and
    /// renamed, so a file there is whole. Its path, or why not.
    static func keep(_ bytes: [UInt8], header: ImageHeader, in folder: String) -> Result<String, KeepFault> {
        guard PrivateFolder.ensure(folder) else { return .failure(KeepFault("cannot make the folder \(APIError.printable(folder))")) }
        let digest = (try? Digest.sha256(bytes)).map { $0.prefix(12).map { String($0, radix: 16).leftPadded(to: 2) }.joined() }
            ?? String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let path = "\(folder)/\(digest).\(header.format.fileExtension)"
        if LocalFile.regularFileSize(path) == bytes.count { return .success(path) }
        if let failure = WholeFile.replace(path, with: bytes) {
            return .failure(KeepFault(String(cString: strerror(failure))))
        }
        return .success(path)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

extension KindMove {
    /// A request of one kind as the other kind's request, before its pictures move.
    public struct Plan: Sendable, Equatable {
        /// The endpoint of the other kind: A1111's txt2img or img2img, or one of zhiqite's SD endpoints.
        public var target: Endpoint
        public var translated: A1111Translation.Translated

        public init(target: Endpoint, translated: A1111Translation.Translated) {
            self.target = target
            self.translated = translated
        }
    }

    /// Whether a request can move: zhiqite's text2image, image2image and
    /// controlnet, A1111's txt2img and img2img.
    public static func canMove(_ endpoint: Endpoint) -> Bool {
        endpoint.server == .a1111 ? a1111Generation.contains(endpoint.id) : A1111Translation.zhiqiteEndpoints.contains(endpoint.id)
    }

    static let a1111Generation = A1111Translation.Call.allCases.map { String($0.path.dropFirst()) }

    /// The translation of a request to the other kind's endpoint (for zhiqite,
    /// `zhiqiteEndpointID` or the one the body fits).
    public static func plan(_ request: Request, in catalog: EndpointCatalog, zhiqiteEndpointID: String? = nil) throws(A1111Translation.Failure) -> Plan {
        if request.endpoint.server == .a1111 {
            guard a1111Generation.contains(request.endpoint.id) else { throw .noZhiqiteCounterpart(endpoint: request.endpoint.title) }
            let (endpointID, translated) = try A1111Translation.toZhiqite(request.wireValue, endpointID: zhiqiteEndpointID)
            guard let target = catalog.endpoint(id: endpointID) else { throw .noZhiqiteCounterpart(endpoint: endpointID) }
            return Plan(target: target, translated: translated)
        }
        let translated = try A1111Translation.toA1111(request)
        let id = String(A1111Translation.call(for: request).path.dropFirst())
        guard let target = catalog.endpoint(id: id) else { throw .notSD(endpoint: request.endpoint.title) }
        return Plan(target: target, translated: translated)
    }

    /// The moved body as the target's form: a fresh form of the endpoint with
    /// the body's members laid over it, a new task id (wire rule 8). What the
    /// form could not hold is added to the list. A field the target requires
    /// and the move left empty did not fail to move: it is `toChoose(request)`,
    /// said apart (`T`'s box, `zqt convert`), never among what could not move.
    public static func request(_ outcome: Outcome, for target: Endpoint, taskID: String) -> (request: Request, unmoved: [A1111Translation.Unmoved]) {
        var request = Request.new(for: target, taskID: taskID)
        // alwayson_scripts, override_settings: the form's own members kept, the moved ones laid over.
        request.body = laid(outcome.body, over: request.body)
        request.taskID = taskID
        var unmoved = outcome.unmoved
        for path in request.unknownPaths {
            unmoved.append(.init(path: path, reason: "the \(target.title) form has no field for it; kept in the request and sent as it is"))
        }
        return (request, unmoved)
    }

    /// The prefix of a field the move left empty and sending needs (`zqt convert` and `T` list the same).
    public static let toChoosePrefix = "to choose before it is sent: "

    /// What the moved request must still be given before it can be sent: each
    /// field the target requires that the move left empty (a checkpoint zhiqite
    /// needs, which an A1111 request may leave to its server's own), said as
    /// the validator says it. The task id is not among them: zqt gives one at send.
    public static func toChoose(_ request: Request) -> [A1111Translation.Unmoved] {
        fieldsToChoose(request).map { .init(path: $0.path, reason: toChoosePrefix + RequestValidator.requiredMessage($0)) }
    }

    /// The fields of `toChoose`, for the screen to name by their labels (the form's "Checkpoint").
    public static func fieldsToChoose(_ request: Request) -> [FieldSpec] {
        let wire = request.wireValue
        return request.endpoint.fields.filter { field in
            guard field.required, !field.kind.isVirtual, field.role != .taskID else { return false }
            switch wire.value(at: field.path) {
            case nil, .null?: return true
            case let .string(text)? where text.isBlank: return true
            default: return false
            }
        }
    }

    /// The moved body as the target's form would hold it, for `toChoose`: `zqt convert` prints the body, the form takes the request.
    public static func toChoose(_ body: JSONValue, for target: Endpoint) -> [A1111Translation.Unmoved] {
        var request = Request.new(for: target, taskID: "")
        request.body = laid(body, over: request.body)
        return toChoose(request)
    }

    /// Objects merged member by member (the later wins); anything else replaced.
    static func laid(_ over: JSONValue, over base: JSONValue) -> JSONValue {
        guard var out = base.objectValue, let members = over.objectValue else { return over }
        for (key, value) in members {
            if let index = out.firstIndex(where: { $0.key == key }) {
                out[index].value = laid(value, over: out[index].value)
            } else {
                out.append((key: key, value: value))
            }
        }
        return .object(out)
    }
}
