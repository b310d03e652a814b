// An A1111 generation answer read once (issue 20): `{images: [base64…],
// parameters: {…}, info: "<JSON text>"}` for txt2img and img2img,
// `{image, html_info}` for extras, `{caption}` for interrogate, `{info,
// items, parameters}` for PNG Info.
//
// Each base64 image is decoded at once, within ImageBounds, into
// InlineImages; what stays is the answer with each image replaced by the
// `a1111-inline:` URL that names it, `info` read into JSON, and the same
// text for the history (never megabytes of base64 in a row).

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public enum A1111Answer {
    public struct Read: Sendable {
        /// The answer with its images as URLs, or why it is no answer.
        public let result: Result<JSONValue, APIError>
        /// What the history keeps as the response body.
        public let keptText: String
    }

    /// Reads an answer's bytes: a success's images decoded and held, a refusal worded (A1111Failure).
    public static func read(_ body: [UInt8], status: Int, idTask: String, bounds: ImageBounds, into inline: InlineImages) -> Read {
        guard (200..<300).contains(status) else {
            let error = A1111Failure.error(status: status, body: body)
            return Read(result: .failure(error), keptText: String(decoding: body.prefix(64 << 10), as: UTF8.self))
        }
        guard let parsed = try? JSONParser.parse(bytes: body), parsed.objectValue != nil else {
            let error = APIError.notJSON(status: status, bodyStart: APIError.excerpt(body))
            return Read(result: .failure(error), keptText: String(decoding: body.prefix(64 << 10), as: UTF8.self))
        }
        let data = held(parsed, idTask: idTask, bounds: bounds, into: inline)
        return Read(result: .success(data), keptText: JSONWriter.pretty(data))
    }

    /// The answer with `images` (and extras' `image`) as URLs of the decoded
    /// pictures; one that does not decode, or is past the bounds, is named so.
    static func held(_ answer: JSONValue, idTask: String, bounds: ImageBounds, into inline: InlineImages) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        var taken = 0
        var bytesTaken = 0
        var notes: [String] = []
        func hold(_ value: JSONValue, position: Int) -> JSONValue {
            guard let text = value.stringValue else { return .null }
            guard taken < bounds.imagesPerTask else {
                notes.append("picture \(position + 1) left out: more than \(bounds.imagesPerTask) in one answer")
                return .null
            }
            let room = max(0, min(bounds.bytesPerImage, bounds.bytesPerTask - bytesTaken))
            guard let bytes = Base64.decode(text, maxBytes: room) else {
                notes.append(text.utf8.count / 4 * 3 > room + 3
                             ? "picture \(position + 1) left out: larger than \(room / (1 << 20)) MB"
                             : "picture \(position + 1) is not base64")
                return .null
            }
            taken += 1
            bytesTaken += bytes.count
            return .string(inline.holdResult(bytes, idTask: idTask, position: position))
        }
        for (key, value) in answer.objectValue ?? [] {
            switch key {
            case "images":
                let items = value.arrayValue ?? []
                members.append((key, .array(items.enumerated().map { hold($0.element, position: $0.offset) })))
            case "image" where value.stringValue.map { !$0.isEmpty } == true:
                members.append((key, hold(value, position: 0)))
            case "info":
                // A JSON string (api.py: `info=processed.js()`): kept read, so the history shows its seeds.
                if let text = value.stringValue, let read = try? JSONParser.parse(text), read.objectValue != nil {
                    members.append((key, read))
                } else {
                    members.append((key, value))
                }
            default:
                members.append((key, value))
            }
        }
        if !notes.isEmpty { members.append(("zqt_notes", .array(notes.map { .string($0) }))) }
        return .object(members)
    }
}

/// Pictures that came inline, decoded and held in memory under an
/// `a1111-inline:` URL until the pipeline has kept them on disk (results)
/// or the screen has drawn them (the latest preview of each task). Bounded:
/// past `budget` bytes the oldest go first.
public final class InlineImages: @unchecked Sendable {
    public static let scheme = "a1111-inline:"
    private var held: [(url: String, bytes: [UInt8])] = []
    private var previewCounter = 0
    private let lock = Lock()
    public let budget: Int

    public init(budget: Int = 320 << 20) { self.budget = budget }

    public static func isInline(_ url: String) -> Bool { url.hasPrefix(scheme) }

    /// The URL a result is held under: its task and position (`a1111-inline:<id_task>/3.png`).
    public func holdResult(_ bytes: [UInt8], idTask: String, position: Int) -> String {
        let url = "\(Self.scheme)\(idTask)/\(position + 1)"
        put(url, bytes)
        return url
    }

    /// A preview replaces the task's previous one; each has a new URL, so the screen fetches it.
    public func holdPreview(_ bytes: [UInt8], idTask: String) -> String {
        lock.withLock {
            previewCounter += 1
            held.removeAll { $0.url.hasPrefix("\(Self.scheme)\(idTask)/preview-") }
        }
        let url = "\(Self.scheme)\(idTask)/preview-\(lock.withLock { previewCounter })"
        put(url, bytes)
        return url
    }

    public func bytes(_ url: String) -> [UInt8]? {
        lock.withLock { held.last { $0.url == url }?.bytes }
    }

    /// Forgets a task's pictures (kept on disk by then).
    public func release(idTask: String) {
        lock.withLock { held.removeAll { $0.url.hasPrefix("\(Self.scheme)\(idTask)/") } }
    }

    public var heldBytes: Int { lock.withLock { held.reduce(0) { $0 + $1.bytes.count } } }

    private func put(_ url: String, _ bytes: [UInt8]) {
        lock.withLock {
            held.removeAll { $0.url == url }
            held.append((url, bytes))
            var total = held.reduce(0) { $0 + $1.bytes.count }
            while total > budget, held.count > 1 {
                total -= held.removeFirst().bytes.count
            }
        }
    }
}
