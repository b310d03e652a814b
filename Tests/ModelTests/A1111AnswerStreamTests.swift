import Foundation
import Model
import Testing

/// An A1111 answer read as it arrives (issue 20: a batch's base64 never held
/// whole) reads as the same answer read whole: the same result, the same
/// text kept for the history, the same pictures held, the same errors,
/// however the bytes are cut into pieces by the network.
@Suite struct A1111AnswerStreamTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37) }
    static let other: [UInt8] = Array(0..<301).map { UInt8(truncatingIfNeeded: $0 &* 11 &+ 5) }
    static let bounds = ImageBounds(imagesPerTask: 3, bytesPerTask: 1 << 20, bytesPerImage: 250)

    static var answers: [(String, Int)] {
        let a = Base64.encode(png), b = Base64.encode(other)
        let escaped = a.replacingOccurrences(of: "/", with: "\\/")
        let info = #""info": "{\"seed\": 42, \"all_seeds\": [42, 43]}""#
        return [
            (#"{"images": ["\#(a)", "\#(a)"], "parameters": {"prompt": "a cat", "images": ["not a picture"]}, \#(info)}"#, 200),
            (#"  {"parameters": {}, "images" : [ "\#(escaped)" , 12, {"x": ["]"]}, null, "\#(a)" ] , \#(info)}"#, 200),
            (#"{"images": ["data:image/png;base64,\#(a)", "\#(b)", "!!notbase64", "\#(a)", "\#(a)"], \#(info)}"#, 200),
            (#"{"images": ["\#(a.prefix(7))", "da", "", "data:xyz", "\#(a)\n"], "info": ""}"#, 200),
            (#"{"html_info": "<p>x</p>", "image": "\#(a)"}"#, 200),
            (#"{"image": "", "html_info": ""}"#, 200),
            (#"{"images": []}"#, 200),
            (#"{"images": ["\#(a)", "\#(a.prefix(20))"#, 200),
            (#"["\#(a)"]"#, 200),
            ("not json at all", 200),
            (#"{"detail": [{"loc": ["body", "steps"], "msg": "value is not a valid integer", "type": "type_error.integer"}]}"#, 422),
            (#"{"error": "RuntimeError", "errors": "CUDA out of memory", "images": ["\#(a)"]}"#, 500),
        ]
    }

    private static func held(_ inline: InlineImages) -> [[UInt8]] {
        (1...6).map { inline.bytes("\(InlineImages.scheme)t/\($0)") ?? [] }
    }

    @Test(arguments: [1, 3, 7, 64, Int.max])
    func anAnswerReadInPiecesIsTheAnswerReadWhole(piece: Int) {
        for (text, status) in Self.answers {
            let body = Array(text.utf8)
            let whole = InlineImages(), streamed = InlineImages()
            let expected = A1111Answer.read(body, status: status, idTask: "t", bounds: Self.bounds, into: whole)
            let stream = A1111AnswerStream(idTask: "t", bounds: Self.bounds, into: streamed)
            var at = 0
            while at < body.count {
                let end = body.count - at > piece ? at + piece : body.count
                body[at..<end].withUnsafeBufferPointer { stream.consumeBody($0) }
                at = end
            }
            let read = A1111Answer.read(stream: stream, status: status, idTask: "t")
            switch (read.result, expected.result) {
            case let (.success(got), .success(wanted)):
                #expect(got == wanted, "\(text.prefix(60))")
                #expect(read.keptText == expected.keptText, "\(text.prefix(60)) in pieces of \(piece)")
            case let (.failure(got), .failure(wanted)):
                // The same error; its excerpt (and the text kept) shows a picture's URL where the whole body showed base64.
                #expect(got.message.prefix { $0 != ":" } == wanted.message.prefix { $0 != ":" }, "\(text.prefix(60))")
                #expect(read.keptText.utf8.count <= expected.keptText.utf8.count, "\(text.prefix(60))")
            default: Issue.record("\(text.prefix(60)) in pieces of \(piece): \(read.result) against \(expected.result)")
            }
            #expect(Self.held(streamed) == Self.held(whole), "\(text.prefix(60))")
            #expect(streamed.heldBytes == whole.heldBytes, "\(text.prefix(60))")
        }
    }

    @Test func aBatchsPicturesAreHeldAndNamedInTheAnswer() throws {
        let inline = InlineImages()
        let stream = A1111AnswerStream(idTask: "t", bounds: .standard, into: inline)
        let body = Array(#"{"images": ["\#(Base64.encode(Self.png))", "\#(Base64.encode(Self.other))"], "info": "{\"seed\": 7}"}"#.utf8)
        body.withUnsafeBufferPointer { stream.consumeBody($0) }
        let data = try A1111Answer.read(stream: stream, status: 200, idTask: "t").result.get()
        #expect(data["images"] == .array([.string("a1111-inline:t/1"), .string("a1111-inline:t/2")]))
        #expect(data["info"]?["seed"] == .int(7))
        #expect(inline.bytes("a1111-inline:t/1") == Self.png)
        #expect(inline.bytes("a1111-inline:t/2") == Self.other)
    }

    @Test func aCutOffAnswerIsNoAnswerAndHoldsNothing() {
        let inline = InlineImages()
        let stream = A1111AnswerStream(idTask: "t", bounds: .standard, into: inline)
        let body = Array(#"{"images": ["\#(Base64.encode(Self.png))", "\#(Base64.encode(Self.other).prefix(40))"#.utf8)
        body.withUnsafeBufferPointer { stream.consumeBody($0) }
        let read = A1111Answer.read(stream: stream, status: 200, idTask: "t")
        guard case let .failure(error) = read.result else { Issue.record("a cut-off answer read as \(read.result)"); return }
        #expect(error.message.contains("JSON"), "\(error.message)")
        #expect(inline.heldBytes == 0)
    }
}
