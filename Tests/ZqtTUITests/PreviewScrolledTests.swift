import Model
import Testing
@testable import ZqtTUI

/// Issue 18 (type18): with the JSON preview scrolled into a long prompt, a
/// key and a ] count the rows above the window only as far as the window;
/// what the screen shows there must still be the rows of the whole layout.
@Suite struct PreviewScrolledTests {
    @Test(arguments: ["ascii", "chinese"])
    func aPreviewScrolledIntoALongPromptShowsTheWholeLayoutsRows(kind: String) throws {
        var state = makeState(width: 120, height: 40)
        let unit = kind == "ascii" ? "masterpiece, best quality, film grain, " : "masterpiece, 一个女孩在雨中, 灯塔, "
        state.request["prompt"] = .string(String(repeating: unit, count: 4000))
        focus(&state, .prompt)
        let rect = try #require(Layout.regions(for: state.view.size, showPreview: true).preview)
        let body = PreviewView.jsonRect(rect, noteLines: 0)
        // The reference: every line of the wire's JSON laid out whole.
        let text = state.request.wireJSON
        var all: [PreviewView.VisualRow] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).enumerated() {
            all += PreviewView.wrap(line, styles: PreviewView.syntaxStyles(line), width: body.width, jsonLine: index)
        }
        let promptLine = try #require(PreviewView.document(state).spans["prompt"]).lowerBound
        let firstRow = try #require(all.firstIndex { $0.jsonLine == promptLine })
        for presses in [3, 10] {
            for _ in 0..<presses { press(&state, .char("]")) }
            #expect(state.view.previewOffset > 0, "] scrolled the preview")
            let scroll = min(max(0, all.count - body.height), max(0, firstRow - body.height / 3 + state.view.previewOffset))
            #expect(scroll > firstRow, "the window is inside the prompt's rows")
            let grid = Screen.render(state)
            func trimmed(_ row: String) -> String { var row = row; while row.last == " " { row.removeLast() }; return row }
            // Read by cell from the preview's column (the form beside it holds wide characters too).
            let shown = (body.y..<body.y + body.height).map { y in
                trimmed(String((body.x..<grid.size.width).compactMap { grid[$0, y].character }))
            }
            let expected = all.dropFirst(scroll).prefix(body.height).map { trimmed(String($0.characters)) }
            #expect(shown == expected, "the screen shows the whole layout's rows at the scroll")
        }
        // ] clamps where the full count would, though it counts only as far as it goes.
        let full = PreviewView.offsetRange(state, rect: rect)
        #expect(full.upperBound == full.lowerBound + max(0, all.count - body.height))
        for reaching in [full.lowerBound, 5, full.upperBound - 1, full.upperBound, full.upperBound + 40] {
            let counted = PreviewView.offsetRange(state, rect: rect, reaching: reaching)
            #expect(counted.lowerBound == full.lowerBound)
            #expect(min(reaching, counted.upperBound) == min(reaching, full.upperBound))
        }
    }
}
