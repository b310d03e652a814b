// A history row shows a line of its prompt: the prompt's lines joined by a
// space and cut to the column. Issue 18: that line was made by splitting
// and joining the whole prompt (2 KB a row in a million-row history; it may
// be megabytes) and measuring all of it, twice a row in each frame; it is
// now read a character at a time and no further than the column. These
// check that what the row shows did not change.

import Foundation
import TestScratch
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct HistoryListedPromptTests {
    /// Texts made of every sequence of up to four of these pieces: line
    /// breaks of each kind, at the ends and in runs, wide and zero-width
    /// characters, a combining mark that joins the character before it.
    static let texts: [String] = {
        let pieces = ["a", "\n", "\r\n", "\u{2028}", " ", "灯", "\u{301}", "\u{200B}", "\u{FE0F}", "👍🏽"]
        var texts = [""]
        var last = [""]
        for _ in 0..<4 {
            last = last.flatMap { text in pieces.map { text + $0 } }
            texts += last
        }
        return texts
    }()

    @Test func aRowsLineIsItsTextsLinesJoinedByASpace() {
        for text in Self.texts {
            let joined = text.split(whereSeparator: \.isNewline).joined(separator: " ")
            let listed = ListedCharacters(text)
            #expect(String(listed) == joined, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(listed.isEmpty == joined.isEmpty)
        }
    }

    @Test func cuttingReadsOnlyAsFarAsTheWidthAndCutsWhereMeasuringAllOfItDid() {
        TextWidth.ensureUTF8Locale()
        for text in Self.texts {
            for width in 0...9 {
                let whole = width <= 0 ? "" : TextWidth.of(text) <= width ? text : TextWidth.prefix(text, fitting: width - 1) + "…"
                #expect(TextWidth.truncate(text, to: width) == whole,
                        "\(text.unicodeScalars.map { String($0.value, radix: 16) }) to \(width)")
            }
        }
    }

    @Test func aLongPromptShowsItsFirstLinesJoinedAndCutAndAnEmptyOneSaysSo() throws {
        let scratch = Scratch()
        let folder = scratch.path("zqt-listed")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try HistoryStore.open(inFolder: folder, catalog: .shipped)
        let endpoint = try #require(EndpointCatalog.shipped.endpoint(named: "text2image"))
        var long = Request.new(for: endpoint, taskID: "zqt-long")
        long["prompt"] = .string("\n\na lighthouse\n\r\nat night, " + String(repeating: "rain ", count: 200_000))
        var blank = Request.new(for: endpoint, taskID: "zqt-blank")
        blank["prompt"] = .string("\n\n")
        for request in [long, blank] { _ = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "sandbox") }
        let screen = Screen.render(historyState(try store.list(), width: 120, height: 24)).text
        let line = try #require(screen.split(separator: "\n").first { $0.contains("zqt-long") })
        #expect(line.contains("a lighthouse at night, rain rain"), "\(line)")
        #expect(line.hasSuffix("…"), "cut at the screen's edge: \(line)")
        let blankLine = try #require(screen.split(separator: "\n").first { $0.contains("zqt-blank") })
        #expect(blankLine.contains(Wording.noPrompt), "\(blankLine)")
    }
}
