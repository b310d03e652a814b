import Foundation
import Testing
@testable import Model

/// Issue 23: text from a hostile service, one line where a line is meant,
/// its own lines marked where it has them, and kept whole after a NUL.
@Suite struct HostileTextTests {
    @Test func aOneLineFieldCannotStartAnotherLine() {
        #expect(TerminalText.line("x\nstatus 2 Success\r\n") == "x␤status 2 Success␍␤")
        #expect(TerminalText.line("a\u{1B}]0;t\u{7}b\u{7F}\u{0}c\td") == "abc\td", "sequences and other controls dropped as before")
    }

    @Test func bidiControlsAreNamedAsTheScreenNamesThem() {
        for scalar in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069] {
            let text = "a" + String(Character(Unicode.Scalar(scalar)!)) + "b"
            #expect(TerminalText.line(text) == "a⟨U+\(String(scalar, radix: 16, uppercase: true))⟩b")
        }
        #expect(APIError.printable("refused \u{202E}exe.txt") == "refused ⟨U+202E⟩exe.txt")
        #expect(TerminalText.line("一只猫 e\u{301} 👍🏽") == "一只猫 e\u{301} 👍🏽", "ordinary text is left as it is")
    }

    @Test func combiningMarksAreCappedPerCharacter() {
        let piled = "Z" + String(repeating: "\u{336}", count: 40) + "a" + String(repeating: "\u{301}", count: 4)
        #expect(TerminalText.line(piled) == "Z" + String(repeating: "\u{336}", count: 4) + "⟨…⟩a" + String(repeating: "\u{301}", count: 4))
    }

    @Test func aServicesLinesAreEachMarkedAsItsOwn() {
        #expect(TerminalText.serviceLines("one\r\ntwo\u{202E}") == ["  │ one␍", "  │ two⟨U+202E⟩"])
    }

    @Test func theHistoryKeepsTextAfterANul() throws {
        let history = TemporaryHistory()
        let store = try history.open()
        let endpoint = try #require(EndpointCatalog.shipped.endpoint(id: "tool/interrogate"))
        var request = Request.new(for: endpoint, taskID: TaskIDGenerator.shared.next())
        request["image"] = .string("https://example.com/photo.png")
        let id = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "sandbox")
        let caption = "line2\r\u{8}\u{8}\u{7F}more\u{0}nul"
        let data: JSONValue = .object([("businessTaskId", .string(request.taskID)), ("status", .int(1)), ("caption", .string(caption))])
        try store.recordTaskInfo(id: id, info: TaskInfo(data: data, family: endpoint.family, result: endpoint.result))
        let record = try #require(try store.record(id: id))
        #expect(record.results.first?.text == caption)
    }
}
