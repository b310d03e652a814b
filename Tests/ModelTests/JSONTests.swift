import Testing
@testable import Model

@Suite struct JSONTests {
    @Test func keepsKeyOrderThroughParseAndPrint() throws {
        let text = "{\"z\": 1, \"a\": [true, null, \"x\"], \"m\": {\"b\": 0.5, \"a\": -2}}"
        let value = try JSONParser.parse(text)
        #expect(JSONWriter.compact(value) == "{\"z\":1,\"a\":[true,null,\"x\"],\"m\":{\"b\":0.5,\"a\":-2}}")
    }

    @Test func prettyPrintsWithTwoSpaces() {
        let value = JSONValue.object([(key: "a", value: .array([.int(1)])), (key: "b", value: .object([]))])
        #expect(JSONWriter.pretty(value) == "{\n  \"a\": [\n    1\n  ],\n  \"b\": {}\n}")
    }

    @Test func wholeNumbersPrintWithoutAFraction() {
        #expect(JSONWriter.formatNumber(11) == "11")
        #expect(JSONWriter.formatNumber(0.55) == "0.55")
        #expect(JSONWriter.formatNumber(0.7) == "0.7")
        #expect(JSONWriter.formatNumber(-1) == "-1")
        #expect(JSONWriter.formatNumber(.nan) == "null")
    }

    @Test func escapesControlCharactersAndKeepsChineseText() throws {
        let value = JSONValue.string("一个女孩\n\t\"引号\"\u{01}")
        let text = JSONWriter.compact(value)
        #expect(text == "\"一个女孩\\n\\t\\\"引号\\\"\\u0001\"")
        #expect(try JSONParser.parse(text) == value)
    }

    @Test func decodesUnicodeEscapesAndSurrogatePairs() throws {
        #expect(try JSONParser.parse("\"\\u4e00\\ud83d\\ude00\"") == .string("一😀"))
        #expect(try JSONParser.parse("\"\\ud83d\"") == .string("\u{FFFD}"))
    }

    @Test func reportsWhereTheTextStopsBeingJSON() {
        do {
            _ = try JSONParser.parse("{\n  \"a\": 1,\n  \"b\": tru\n}")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 8)
        }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("[1, 2") }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("{\"a\": 1} trailing") }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("") }
    }

    @Test func numbersAreEqualWhateverTheirSpelling() throws {
        #expect(try JSONParser.parse("11") == JSONValue.double(11))
        #expect(try JSONParser.parse("1e2") == JSONValue.int(100))
        #expect(try JSONParser.parse("-0.25") == JSONValue.double(-0.25))
    }

    @Test func equivalenceIgnoresKeyOrderOnly() throws {
        let a = try JSONParser.parse("{\"a\": 1, \"b\": [1, 2]}")
        let b = try JSONParser.parse("{\"b\": [1, 2], \"a\": 1.0}")
        let c = try JSONParser.parse("{\"b\": [2, 1], \"a\": 1}")
        #expect(a.isEquivalent(to: b))
        #expect(!a.isEquivalent(to: c))
    }

    /// Bytes from JSON's own alphabet: each is either a value that survives
    /// being written and read again, or an error that points inside the input.
    /// A fixed seed, so a failure repeats.
    @Test func arbitraryBytesAreAValueOrAnErrorInsideTheInput() {
        var random = DecoderFuzzTests.Generator(state: 63)
        let alphabet = Array("{}[]\",:0123456789.-eE truefalsnl\\u\n".utf8)
        var values = 0, errors = 0
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0..<40, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            let shown = String(decoding: bytes, as: UTF8.self).debugDescription
            do {
                let value = try JSONParser.parse(bytes: bytes)
                values += 1
                let again = try? JSONParser.parse(JSONWriter.compact(value))
                #expect(again.map(value.isEquivalent) == true, "\(shown) read back as \(String(describing: again))")
            } catch {
                errors += 1
                let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                #expect((1...lines.count).contains(error.line), "\(shown): \(error)")
                #expect((1...(lines[max(0, min(lines.count, error.line) - 1)].count + 1)).contains(error.column), "\(shown): \(error)")
            }
        }
        #expect(values > 0 && errors > 0, "both kinds came up: \(values) values, \(errors) errors")

        let unclosed = String(repeating: "[", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(unclosed) }
    }
}
