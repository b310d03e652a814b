// The history list as a new user read it (issue 19): at 160 columns the
// endpoint column was cut to ten characters ("image2ima…") with free space
// beside it, and every tool row said "(no prompt)". Now the columns share
// the width by need and a tool's row shows what it was given.

import Foundation
import TestScratch
@testable import Model
import Testing
@testable import ZqtTUI

@Suite struct HistoryColumnsTests {
    static func rows(in scratch: Scratch) throws -> [HistorySummary] {
        let folder = scratch.path("zqt-columns")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try HistoryStore.open(inFolder: folder, catalog: .shipped)
        let catalog = EndpointCatalog.shipped
        var swap = Request.new(for: try #require(catalog.endpoint(named: "faceswap")), taskID: "zqt-swap")
        swap["sourceUrl"] = .string("https://a.example/people/my%20face.png?sig=abc")
        swap["targetUrl"] = .string("https://a.example/beach.jpg")
        var image = Request.new(for: try #require(catalog.endpoint(named: "image2image")), taskID: "zqt-i2i")
        image["prompt"] = .string("the same lighthouse in winter")
        var style = Request.new(for: try #require(catalog.endpoint(named: "style")), taskID: "zqt-style")
        style["sourceImage"] = .string("https://a.example/jk%20fashion.png")
        for request in [swap, image, style] {
            _ = try store.recordSending(request, baseURL: "http://127.0.0.1:1", profile: "sandbox")
        }
        return try store.list()
    }

    @Test func theEndpointIsNotCutWhereThereIsRoomAndToolRowsShowTheirInput() throws {
        let scratch = Scratch()
        let rows = try Self.rows(in: scratch)
        let state = historyState(rows, width: 160, height: 24)
        let screen = Screen.render(state).text
        for title in rows.map(\.endpoint.title) {
            #expect(screen.contains(title + " "), "\(title) is cut:\n\(screen)")
        }
        #expect(!screen.contains("(no prompt)"), "\(screen)")
        #expect(screen.contains("my face.png → beach.jpg"), "the face swap's pictures, face first:\n\(screen)")
        #expect(screen.contains("jk fashion.png"))
        #expect(screen.contains("the same lighthouse in winter"))
        // At 120 columns the prompt keeps its room; the endpoint column never drops under ten.
        let narrow = Screen.render(historyState(rows, width: 120, height: 24)).text
        #expect(narrow.contains("the same lighthouse in winter"))
        let columns = HistoryView.Columns(width: 120, endpoints: rows.map(\.endpoint.title))
        #expect(columns.endpointWidth >= HistoryView.Columns.endpoint && columns.promptWidth >= HistoryView.Columns.promptRoom)
    }
}
