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
    /// The pictures are decoded straight from the answer's bytes (PictureSpans):
    /// a batch's base64 (16.8 MB for four noisy 1024² PNGs) is never copied
    /// into strings; what is parsed as JSON is the answer with each picture
    /// already replaced by its URL, a few kilobytes.
    public static func read(_ body: [UInt8], status: Int, idTask: String, bounds: ImageBounds, into inline: InlineImages) -> Read {
        guard (200..<300).contains(status) else {
            let error = A1111Failure.error(status: status, body: body)
            return Read(result: .failure(error), keptText: String(decoding: body.prefix(64 << 10), as: UTF8.self))
        }
        var notes: [String] = []
        guard let spans = PictureSpans.find(in: body),
              let parsed = try? JSONParser.parse(bytes: held(body, spans, idTask: idTask, bounds: bounds, into: inline, notes: &notes)),
              parsed.objectValue != nil else {
            // Pictures held for an answer that is no answer are let go at once.
            inline.release(idTask: idTask)
            let error = APIError.notJSON(status: status, bodyStart: APIError.excerpt(body))
            return Read(result: .failure(error), keptText: String(decoding: body.prefix(64 << 10), as: UTF8.self))
        }
        let data = finished(parsed, notes: notes)
        return Read(result: .success(data), keptText: JSONWriter.pretty(data))
    }

    /// Reads an answer that came as a stream (A1111AnswerStream): its pictures
    /// held as they arrived, the rest as `read` would have made it from the
    /// whole body, so the result, the kept text and the errors are the same.
    public static func read(stream: A1111AnswerStream, status: Int, idTask: String) -> Read {
        let rest = stream.rest
        guard (200..<300).contains(status) else {
            // A refusal has no pictures to keep (any its body held are let go).
            stream.inline.release(idTask: idTask)
            let error = A1111Failure.error(status: status, body: rest)
            return Read(result: .failure(error), keptText: String(decoding: rest.prefix(64 << 10), as: UTF8.self))
        }
        guard let parsed = try? JSONParser.parse(bytes: rest), parsed.objectValue != nil else {
            stream.inline.release(idTask: idTask)
            let error = APIError.notJSON(status: status, bodyStart: APIError.excerpt(rest))
            return Read(result: .failure(error), keptText: String(decoding: rest.prefix(64 << 10), as: UTF8.self))
        }
        let data = finished(parsed, notes: stream.notes)
        return Read(result: .success(data), keptText: JSONWriter.pretty(data))
    }

    /// The answer's bytes with each picture's string replaced by the URL it
    /// is held under, or by `null` when it does not decode or is past the
    /// bounds (said in `notes`).
    static func held(_ body: [UInt8], _ spans: [PictureSpans.Span], idTask: String, bounds: ImageBounds, into inline: InlineImages,
                     notes: inout [String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count - spans.reduce(0) { $0 + $1.range.count } + spans.count * 64)
        var taken = 0
        var bytesTaken = 0
        var from = 0
        for span in spans {
            out.append(contentsOf: body[from..<span.range.lowerBound])
            from = span.range.upperBound
            guard span.isString else {
                out.append(contentsOf: Array("null".utf8))
                continue
            }
            guard taken < bounds.imagesPerTask else {
                notes.append("picture \(span.position + 1) left out: more than \(bounds.imagesPerTask) in one answer")
                out.append(contentsOf: Array("null".utf8))
                continue
            }
            let room = max(0, min(bounds.bytesPerImage, bounds.bytesPerTask - bytesTaken))
            let inner = body[(span.range.lowerBound + 1)..<(span.range.upperBound - 1)]
            let decoded: [UInt8]?
            if inner.contains(UInt8(ascii: "\\")) {
                // An escape inside (`\/`, as some JSON writers put it): read as the JSON string it is.
                decoded = (try? JSONParser.parse(bytes: Array(body[span.range])))?.stringValue.flatMap { Base64.decode($0, maxBytes: room) }
            } else {
                decoded = Base64.decode(bytes: inner, maxBytes: room)
            }
            guard let bytes = decoded else {
                notes.append(inner.count / 4 * 3 > room + 3
                             ? "picture \(span.position + 1) left out: larger than \(room / (1 << 20)) MB"
                             : "picture \(span.position + 1) is not base64")
                out.append(contentsOf: Array("null".utf8))
                continue
            }
            taken += 1
            bytesTaken += bytes.count
            out.append(contentsOf: Array(JSONWriter.compact(.string(inline.holdResult(bytes, idTask: idTask, position: span.position))).utf8))
        }
        out.append(contentsOf: body[from...])
        return out
    }

    /// The answer as kept: `info` read into JSON, and the notes on pictures left out.
    static func finished(_ answer: JSONValue, notes: [String]) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        for (key, value) in answer.objectValue ?? [] {
            if key == "info", let text = value.stringValue, let read = try? JSONParser.parse(text), read.objectValue != nil {
                // A JSON string (api.py: `info=processed.js()`): kept read, so the history shows its seeds.
                members.append((key, read))
            } else {
                members.append((key, value))
            }
        }
        if !notes.isEmpty { members.append(("zqt_notes", .array(notes.map { .string($0) }))) }
        return .object(members)
    }
}

/// Where an answer's pictures are in its bytes: each element of the
/// top-level `images` array (txt2img, img2img) and the top-level `image`
/// string (extras), found by a scan that steps over every other value
/// without reading it. The scan only finds; the JSON is checked when the
/// answer, pictures replaced, is parsed. Nil when the bytes are plainly not
/// a JSON object.
enum PictureSpans {
    struct Span: Equatable {
        /// The value's bytes, a string's quotes included.
        let range: Range<Int>
        /// Its place in `images` (0 for extras' `image`).
        let position: Int
        /// Only a string can be a picture; any other element becomes null.
        let isString: Bool
    }

    static func find(in body: [UInt8]) -> [Span]? {
        body.withUnsafeBufferPointer { find(in: $0) }
    }

    private static func find(in bytes: UnsafeBufferPointer<UInt8>) -> [Span]? {
        var spans: [Span] = []
        var at = 0
        let count = bytes.count
        func skipSpace() {
            while at < count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }
        /// Past a string starting at `at` (its quote); false when it never ends.
        func skipString() -> Bool {
            at += 1
            while at < count {
                switch bytes[at] {
                case UInt8(ascii: "\\"): at += 2
                case UInt8(ascii: "\""): at += 1; return true
                default: at += 1
                }
            }
            return false
        }
        /// Past any value: a string, an object or array to its matching end (strings inside stepped over), or a scalar.
        func skipValue() -> Bool {
            guard at < count else { return false }
            switch bytes[at] {
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while at < count {
                    switch bytes[at] {
                    case UInt8(ascii: "\""):
                        guard skipString() else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { at += 1; return true }
                    default: break
                    }
                    at += 1
                }
                return false
            default:
                let start = at
                while at < count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09].contains(bytes[at]) { at += 1 }
                return at > start
            }
        }
        func key(_ start: Int, is name: StaticString) -> Bool {
            let length = at - start - 2
            guard length == name.utf8CodeUnitCount else { return false }
            return (0..<length).allSatisfy { bytes[start + 1 + $0] == name.utf8Start[$0] }
        }
        skipSpace()
        guard at < count, bytes[at] == UInt8(ascii: "{") else { return nil }
        at += 1
        skipSpace()
        if at < count, bytes[at] == UInt8(ascii: "}") { return spans }
        while at < count {
            skipSpace()
            guard at < count, bytes[at] == UInt8(ascii: "\"") else { return nil }
            let keyStart = at
            guard skipString() else { return nil }
            let isImages = key(keyStart, is: "images"), isImage = key(keyStart, is: "image")
            skipSpace()
            guard at < count, bytes[at] == UInt8(ascii: ":") else { return nil }
            at += 1
            skipSpace()
            guard at < count else { return nil }
            if isImages, bytes[at] == UInt8(ascii: "[") {
                at += 1
                var position = 0
                skipSpace()
                if at < count, bytes[at] == UInt8(ascii: "]") {
                    at += 1
                } else {
                    while true {
                        skipSpace()
                        let start = at
                        let isString = at < count && bytes[at] == UInt8(ascii: "\"")
                        guard skipValue() else { return nil }
                        spans.append(Span(range: start..<at, position: position, isString: isString))
                        position += 1
                        skipSpace()
                        guard at < count else { return nil }
                        if bytes[at] == UInt8(ascii: "]") { at += 1; break }
                        guard bytes[at] == UInt8(ascii: ",") else { return nil }
                        at += 1
                    }
                }
            } else if isImage, bytes[at] == UInt8(ascii: "\"") {
                let start = at
                guard skipString() else { return nil }
                // An empty `image` is no picture: left as it is.
                if at - start > 2 { spans.append(Span(range: start..<at, position: 0, isString: true)) }
            } else {
                guard skipValue() else { return nil }
            }
            skipSpace()
            guard at < count else { return nil }
            if bytes[at] == UInt8(ascii: "}") { return spans }
            guard bytes[at] == UInt8(ascii: ",") else { return nil }
            at += 1
        }
        return nil
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

    /// Forgets one picture, kept on disk by then: a batch's pictures go one by one as they are kept.
    public func release(url: String) {
        lock.withLock { held.removeAll { $0.url == url } }
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
