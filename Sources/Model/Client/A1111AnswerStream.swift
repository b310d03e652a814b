// An A1111 generation answer read as it arrives (issue 20, the figure
// "memory while receiving a 4-image batch of 1024² PNGs inline <= 48 MB").
// A batch of four incompressible pictures is a 16.8 MB answer of base64:
// held whole, then decoded, the answer and its 12.3 MB of pictures were
// alive at once (about 60 MB with zqt's 31.5 MB). Here the transfer thread
// hands each piece of the body to `consumeBody` (HTTPBodySink) and the base64
// of each picture is decoded as it comes, the picture held (InlineImages)
// when its string ends; what is kept of the answer is the rest of the JSON
// with each picture's string already replaced by its URL: the same bytes
// `A1111Answer.held` makes from a whole body, read by `A1111Answer.read(stream:)`.
//
// The scan finds the top-level `images` array's elements and the top-level
// `image` string (extras), as PictureSpans does; it only finds: the rest is
// checked as JSON when parsed. Everything is bounded: a picture's bytes by
// ImageBounds (decoding stops past them), the rest by the transfer's body limit.

public final class A1111AnswerStream: HTTPBodySink, @unchecked Sendable {
    // Touched by the transfer thread only while the transfer runs, then by
    // the caller once `send` has returned (the transfer's end orders the two).
    private let idTask: String
    private let bounds: ImageBounds
    let inline: InlineImages

    /// The answer as far as read, each picture's string replaced by its URL (or null).
    private(set) var rest: [UInt8] = []
    /// Pictures left out, in the words of `A1111Answer.held`.
    private(set) var notes: [String] = []
    private var taken = 0
    private var bytesTaken = 0

    private enum Mode {
        case outside
        /// Directly inside the top-level `images` array.
        case images
        /// Inside a picture's string.
        case picture
        /// Over an element of `images` that is not a string (kept as null).
        case skipping
    }
    private var mode = Mode.outside
    // Outside pictures: where the scan is in the JSON.
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var expectKey = false
    private var valuePending = false
    private var capturingKey = false
    private var key: [UInt8] = []
    private var currentKey: [UInt8] = []
    // In `images`.
    private var position = 0
    private var expectElement = false
    // Skipping an element: its nesting.
    private var skipDepth = 0
    private var skipInString = false
    private var skipEscaped = false
    // In a picture.
    private var picture = PictureDecoder(room: 0)
    private var pictureIsExtras = false

    public init(idTask: String, bounds: ImageBounds, into inline: InlineImages) {
        self.idTask = idTask
        self.bounds = bounds
        self.inline = inline
    }

    public func consumeBody(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes { consume(byte) }
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    private func consume(_ byte: UInt8) {
        switch mode {
        case .picture:
            if picture.escaped {
                picture.escaped = false
                picture.take(escaped: byte)
            } else if byte == Self.backslash {
                picture.escaped = true
                picture.count += 1
            } else if byte == Self.quote {
                endPicture()
            } else {
                picture.take(byte)
            }
        case .skipping:
            skip(byte)
        case .images:
            inImages(byte)
        case .outside:
            outside(byte)
        }
    }

    private func outside(_ byte: UInt8) {
        if inString {
            rest.append(byte)
            if escaped {
                escaped = false
                if capturingKey { key.append(byte) }
            } else if byte == Self.backslash {
                escaped = true
                if capturingKey { key.append(byte) }
            } else if byte == Self.quote {
                inString = false
                if capturingKey { currentKey = key; capturingKey = false; expectKey = false }
            } else if capturingKey, key.count <= 8 {
                key.append(byte)
            }
            return
        }
        if depth == 1, valuePending, !Self.isSpace(byte) {
            valuePending = false
            if currentKey == Array("images".utf8), byte == UInt8(ascii: "[") {
                rest.append(byte)
                depth = 2
                mode = .images
                position = 0
                expectElement = true
                return
            }
            if currentKey == Array("image".utf8), byte == Self.quote {
                startPicture(position: 0, extras: true)
                return
            }
        }
        rest.append(byte)
        switch byte {
        case Self.quote:
            inString = true
            if depth == 1, expectKey { capturingKey = true; key = [] }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            if depth == 1 { expectKey = byte == UInt8(ascii: "{") }
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth -= 1
        case UInt8(ascii: ","):
            if depth == 1 { expectKey = true }
        case UInt8(ascii: ":"):
            if depth == 1 { valuePending = true }
        default:
            break
        }
    }

    private func inImages(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "]"):
            rest.append(byte)
            depth = 1
            mode = .outside
        case UInt8(ascii: ","):
            rest.append(byte)
            position += 1
            expectElement = true
        case Self.quote where expectElement:
            startPicture(position: position, extras: false)
        case _ where Self.isSpace(byte) || !expectElement:
            rest.append(byte)
        default:
            // Only a string can be a picture: any other element is kept as null.
            rest.append(contentsOf: Array("null".utf8))
            expectElement = false
            mode = .skipping
            skipDepth = 0
            skipInString = false
            skipEscaped = false
            skip(byte)
        }
    }

    /// Over a non-string element of `images`; its end (a scalar's) is read again as `images`.
    private func skip(_ byte: UInt8) {
        if skipInString {
            if skipEscaped { skipEscaped = false } else if byte == Self.backslash { skipEscaped = true } else if byte == Self.quote { skipInString = false }
            return
        }
        switch byte {
        case Self.quote: skipInString = true
        case UInt8(ascii: "{"), UInt8(ascii: "["): skipDepth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            if skipDepth == 0 {
                mode = .images
                inImages(byte)
                return
            }
            skipDepth -= 1
            if skipDepth == 0 { mode = .images }
        case UInt8(ascii: ","):
            if skipDepth == 0 {
                mode = .images
                inImages(byte)
            }
        default:
            if skipDepth == 0, Self.isSpace(byte) { mode = .images; rest.append(byte) }
        }
    }

    private func startPicture(position: Int, extras: Bool) {
        pictureIsExtras = extras
        mode = .picture
        if taken >= bounds.imagesPerTask {
            picture = PictureDecoder(room: 0)
            picture.leftOut = true
        } else {
            picture = PictureDecoder(room: max(0, min(bounds.bytesPerImage, bounds.bytesPerTask - bytesTaken)))
        }
    }

    private func endPicture() {
        let position = pictureIsExtras ? 0 : self.position
        if pictureIsExtras {
            mode = .outside
        } else {
            mode = .images
            expectElement = false
        }
        if pictureIsExtras, picture.count == 0 {
            // An empty `image` is no picture: left as it is.
            rest.append(contentsOf: [Self.quote, Self.quote])
            return
        }
        if picture.leftOut {
            notes.append("picture \(position + 1) left out: more than \(bounds.imagesPerTask) in one answer")
            rest.append(contentsOf: Array("null".utf8))
            return
        }
        let room = picture.room
        guard let bytes = picture.finish() else {
            notes.append(picture.count / 4 * 3 > room + 3
                         ? "picture \(position + 1) left out: larger than \(room / (1 << 20)) MB"
                         : "picture \(position + 1) is not base64")
            rest.append(contentsOf: Array("null".utf8))
            return
        }
        picture = PictureDecoder(room: 0)
        taken += 1
        bytesTaken += bytes.count
        rest.append(contentsOf: Array(JSONWriter.compact(.string(inline.holdResult(bytes, idTask: idTask, position: position))).utf8))
    }
}

/// One picture's base64 decoded as its characters arrive, as
/// `Base64.decode(bytes:maxBytes:)` reads a whole string: a `data:…,`
/// prefix skipped, whitespace ignored, `=` only at the end, nil past `room`.
struct PictureDecoder {
    let room: Int
    /// The string's characters so far (escapes included, as in the answer).
    var count = 0
    var escaped = false
    var leftOut = false
    private var out: [UInt8] = []
    private var failed = false
    private var buffer: UInt32 = 0
    private var bits = 0
    private var padding = 0
    /// The first characters, until they are known to be a `data:` prefix or not.
    private var head: [UInt8] = []
    private var headDone = false
    private var inPrefix = false

    init(room: Int) { self.room = room }

    mutating func take(_ byte: UInt8) {
        count += 1
        character(byte)
    }

    /// The character after a backslash: `\/` is a `/` (how some JSON writers put it), `\n` and the like whitespace.
    mutating func take(escaped byte: UInt8) {
        count += 1
        switch byte {
        case UInt8(ascii: "/"): character(byte)
        case UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"): character(0x20)
        default: failed = true
        }
    }

    private mutating func character(_ byte: UInt8) {
        if failed || leftOut { return }
        // Plainly too large: refused before more work, as Base64.decode does.
        if count / 4 * 3 > room + 3 + 3 { failed = true; return }
        if !headDone {
            head.append(byte)
            if head.count < 5, Array("data:".utf8).starts(with: head) { return }
            headDone = true
            if head == Array("data:".utf8) {
                inPrefix = true
            } else {
                let pending = head
                for each in pending { decode(each) }
            }
            head = []
            return
        }
        if inPrefix {
            if byte == UInt8(ascii: ",") { inPrefix = false }
            return
        }
        decode(byte)
    }

    private mutating func decode(_ byte: UInt8) {
        if failed { return }
        if byte == UInt8(ascii: "=") { padding += 1; return }
        if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { return }
        guard padding == 0 else { failed = true; return }
        let value = Self.values[Int(byte)]
        guard value != 0xFF else { failed = true; return }
        buffer = buffer << 6 | UInt32(value)
        bits += 6
        if bits >= 8 {
            bits -= 8
            if out.count >= room { failed = true; out = []; return }
            if out.isEmpty { out.reserveCapacity(min(room, 1 << 20)) }
            out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            buffer &= (1 << UInt32(bits)) - 1
        }
    }

    /// The picture's bytes, or nil when they are not base64 or too many.
    mutating func finish() -> [UInt8]? {
        if !headDone {
            // Fewer than five characters, all looking like `data:`: plain base64 after all.
            headDone = true
            let pending = head
            head = []
            for each in pending { decode(each) }
        }
        if inPrefix { failed = true }  // `data:` with no comma: not base64
        if count / 4 * 3 > room + 3 { failed = true }
        guard !failed, !escaped, padding <= 2, bits < 6 else { return nil }
        let bytes = out
        out = []
        return bytes
    }

    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { table[Int(byte)] = UInt8(index) }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()
}
