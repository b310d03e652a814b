// Every user-facing status text and overlay title lives in the Wording files
// (App/Wording*.swift), taking typed arguments (issue 16): a test reads the
// source tree and fails on a literal written anywhere else. And what they
// say of an empty value: nothing, not "()".

import Foundation
import Testing
@testable import Model
@testable import ZqtTUI

@Suite struct WordingTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/ZqtTUI")

    /// Every Swift file of the app but the Wording files, with its text.
    static func swiftFilesOutsideWording() throws -> [(name: String, text: String)] {
        guard let walker = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else { return [] }
        var files: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            let name = url.path.replacingOccurrences(of: sources.path + "/", with: "")
            if name.hasPrefix("App/Wording") { continue }
            files.append((name, try String(contentsOf: url, encoding: .utf8)))
        }
        return files
    }

    /// The places a status text or a box's title is written in: a literal
    /// there (plain or interpolated) is text outside the Wording files.
    static let literalSites = [
        #"StatusMessage\(\s*text:\s*""#,
        #"(PickerState|InputPrompt|ComparisonState)\([^()]*?title:\s*""#,
        #"\.status\s*=\s*""#,
    ]

    static func literals(in text: String) -> [String] {
        literalSites.flatMap { pattern -> [String] in
            text.ranges(of: try! Regex(pattern).dotMatchesNewlines()).map { range in
                String(text[range].prefix(60))
            }
        }
    }

    @Test func aStatusTextWrittenOutsideTheWordingFilesFails() throws {
        let files = try Self.swiftFilesOutsideWording()
        #expect(files.count > 40, "the source tree was read (\(files.count) files)")
        for (name, text) in files {
            let found = Self.literals(in: text)
            #expect(found.isEmpty, "\(name) writes status text itself; put it in App/Wording*.swift: \(found)")
        }
    }

    @Test func theScanFindsTheLiteralsItLooksFor() {
        // The scan itself, on lines like those it must catch and those it must let be.
        #expect(Self.literals(in: #"state.status = StatusMessage(text: "Removed unit \(index + 1)", kind: .info)"#).count == 1)
        #expect(Self.literals(in: "PickerState(purpose: .palette,\n title: \"Command\", options: [])").count == 1)
        #expect(Self.literals(in: #"state.status = StatusMessage(text: Wording.unitRemoved(index + 1), kind: .info)"#).isEmpty)
        #expect(Self.literals(in: #"PickerState(purpose: .field(field.id), title: field.label, options: options)"#).isEmpty)
    }

    @Test func anEndpointWithoutAReferenceIsNotShownWithEmptyParentheses() throws {
        #expect(Wording.endpointSwitched("Colorize", reference: "", submitKey: "F5") == "Colorize: fill the form, F5 sends it")
        #expect(Wording.endpointSwitched("text2image", reference: "§1.1", submitKey: "F5") == "text2image (§1.1): fill the form, F5 sends it")
        // A user's catalog entry names no section of the reference: the status line says none.
        let entry = try JSONParser.parse("""
            {"id": "tool/colorize", "title": "Colorize", "family": "tool", "fields": [
              {"path": "businessTaskId", "kind": "text", "role": "task_id"},
              {"path": "imageUrl", "kind": "text"}]}
            """)
        var state = makeState()
        Reducer.switchEndpoint(&state, to: try UserCatalog.endpoint(entry))
        #expect(state.status?.text == "Colorize: fill the form, F5 sends it")
    }

    @Test func messagesNameTheKeysAsBound() throws {
        var state = historyState([summary(5, "a cat"), summary(6, "a dog")])
        guard case let .loaded(config) = ConfigFile.parse(text: "[keys]\nmarkEntry = [\"M\"]\ncompareWithMarked = [\"Alt-c\"]\n", file: "c.toml") else {
            Issue.record("must read"); return
        }
        state.keys = try ConfigAtStart.keyTable(config)
        press(&state, .alt("c"))
        #expect(state.status?.text == "Mark an entry with M first, then Alt-c on another compares them")
        press(&state, .char("M"))
        #expect(state.status?.text == "Marked \(summary(5, "").idTask): Alt-c on another entry compares the two")
    }
}
