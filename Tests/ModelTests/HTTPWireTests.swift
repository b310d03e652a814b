import Model
import Testing

@Suite struct HTTPWireTests {
    @Test func targetsAreTakenApart() throws {
        let plain = try #require(HTTPTarget("http://127.0.0.1:8931/AIGCImgOpenServ/saas/sd/v2/controlnet"))
        #expect(!plain.secure && plain.host == "127.0.0.1" && plain.port == 8931)
        #expect(plain.requestTarget == "/AIGCImgOpenServ/saas/sd/v2/controlnet")

        let secure = try #require(HTTPTarget("HTTPS://api.zhiqite.com"))
        #expect(secure.secure && secure.host == "api.zhiqite.com" && secure.port == 443 && secure.requestTarget == "/")

        let signed = try #require(HTTPTarget("https://user@oss.example.com/a/b.png?Expires=1&Signature=x%2By#frag"))
        #expect(signed.host == "oss.example.com" && signed.requestTarget == "/a/b.png?Expires=1&Signature=x%2By")

        let v6 = try #require(HTTPTarget("http://[::1]:9000?x=1"))
        #expect(v6.host == "::1" && v6.port == 9000 && v6.requestTarget == "/?x=1")

        #expect(HTTPTarget("ftp://example.com") == nil)
        #expect(HTTPTarget("http://:80/") == nil)
        #expect(HTTPTarget("http://host:99999/") == nil)
        #expect(HTTPTarget("api.zhiqite.com") == nil)
    }

    @Test func aHeadIsParsedOnceItIsComplete() throws {
        let partial = Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n".utf8)
        #expect(HTTPHead.parse(partial) == nil)
        let whole = Array("HTTP/1.1 404 Not Found\r\nContent-Type:  application/json \r\nX-Thing:a:b\r\n\r\nhello".utf8)
        let (head, bodyStart) = try #require(HTTPHead.parse(whole))
        #expect(head.startLine == ["HTTP/1.1", "404", "Not Found"])
        #expect(head.header("content-type") == "application/json")
        #expect(head.header("X-THING") == "a:b")
        #expect(Array(whole[bodyStart...]) == Array("hello".utf8))
        #expect(head.framing == .untilClose)
    }

    @Test func framingFollowsTheHeaders() throws {
        func framing(_ headers: String) throws -> HTTPBodyFraming {
            try #require(HTTPHead.parse(Array("HTTP/1.1 200 OK\r\n\(headers)\r\n\r\n".utf8))).head.framing
        }
        #expect(try framing("Content-Length: 12") == .contentLength(12))
        #expect(try framing("Transfer-Encoding: gzip, chunked\r\nContent-Length: 12") == .chunked)
        #expect(try framing("Content-Length: nope") == .untilClose)
    }

    @Test func chunkedBodiesDecodeWhateverWayTheBytesArrive() throws {
        let wire = Array("7;ext=1\r\n{\"code\"\r\nA\r\n: \"200\"}  \r\n0\r\nTrailer: x\r\n\r\nextra".utf8)
        for split in [1, 2, 3, 7, wire.count] {
            var decoder = ChunkedDecoder()
            var offset = 0
            while offset < wire.count {
                try decoder.feed(wire[offset..<min(wire.count, offset + split)])
                offset += split
            }
            #expect(decoder.isComplete)
            #expect(String(decoding: decoder.body, as: UTF8.self) == "{\"code\": \"200\"}  ", "fed \(split) bytes at a time")
        }
    }

    @Test func aBrokenChunkSizeIsAnError() {
        var decoder = ChunkedDecoder()
        #expect(throws: ChunkedDecoder.Failure.self) { try decoder.feed(Array("zz\r\nabc".utf8)) }
    }
}
